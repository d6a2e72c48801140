//! Support for the browser tests: the demo server and chromedriver as child
//! processes shared by every test of the binary, and a small W3C WebDriver
//! client (the protocol is HTTP and JSON; nothing more is needed here).
//!
//! The child processes are started through a tiny `sh` watchdog that reads
//! its standard input, a pipe from this test binary: when the test binary
//! exits, however it exits, the pipe closes and the watchdog ends the child
//! and removes its temporary directory. That lets every test share one demo
//! server (built once) without leaving processes behind.

// Each browser test binary uses part of this support module.
#![allow(dead_code)]

use anyhow::{Context, Result, anyhow, bail, ensure};
use serde_json::{Value, json};
use std::collections::HashMap;
use std::io::{BufRead, BufReader, Read};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc;
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, Instant};

/// How long the demo may take to build its county and start listening.
const DEMO_START_TIMEOUT: Duration = Duration::from_secs(180);
/// How long chromedriver may take to answer `/status`.
const DRIVER_START_TIMEOUT: Duration = Duration::from_secs(30);
/// How long a page may take to load after a click.
const NAVIGATION_TIMEOUT: Duration = Duration::from_secs(30);

/// The day the demo is built for, so that every run sees the same county.
const DEMO_TODAY: &str = "2026-11-23";

/// The element key of the W3C WebDriver protocol.
const ELEMENT_KEY: &str = "element-6066-11e4-a52e-4f735466cecf";

/// Whether the browser tests were asked for (`CHANGXIAO_E2E=1`). When not,
/// the tests print that they were skipped and pass.
pub fn enabled(test: &str) -> bool {
    let on = std::env::var("CHANGXIAO_E2E").is_ok_and(|v| v == "1");
    if !on {
        println!("{test}: skipped: set CHANGXIAO_E2E=1");
    }
    on
}

fn chromium_path() -> PathBuf {
    std::env::var_os("CHANGXIAO_CHROMIUM").map_or_else(|| PathBuf::from("/usr/bin/chromium"), PathBuf::from)
}

fn chromedriver_path() -> PathBuf {
    std::env::var_os("CHANGXIAO_CHROMEDRIVER").map_or_else(|| PathBuf::from("/usr/bin/chromedriver"), PathBuf::from)
}

/// The workspace root (for `locales/` and `docs/`).
pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..").join("..")
}

/// The page words of one language (`zh-CN` or `en`): every message of
/// `locales/<code>/*.ftl` that takes no arguments, by id.
pub fn locale(code: &str) -> Result<HashMap<String, String>> {
    let lang = i18n::Lang::parse(code).ok_or_else(|| anyhow!("no language {code}"))?;
    Ok(i18n::ids(lang).into_iter().filter_map(|id| i18n::lookup(lang, &id).map(|w| (id.clone(), w.to_owned()))).collect())
}

/// The processes every test shares.
pub struct Harness {
    /// `http://127.0.0.1:PORT` of the demo server.
    pub origin: String,
    driver_url: String,
    http: reqwest::blocking::Client,
    _demo: Watched,
    _driver: Watched,
}

static HARNESS: OnceLock<std::result::Result<Harness, String>> = OnceLock::new();

/// The shared demo server and chromedriver, started by the first test that asks.
pub fn harness() -> Result<&'static Harness> {
    HARNESS.get_or_init(|| Harness::start().map_err(|e| format!("{e:#}"))).as_ref().map_err(|e| anyhow!("{e}"))
}

/// A chromedriver for browsers of a server the test starts itself.
pub struct Driver {
    driver_url: String,
    http: reqwest::blocking::Client,
    _driver: Watched,
}

static DRIVER: OnceLock<std::result::Result<Driver, String>> = OnceLock::new();

/// The shared chromedriver (without the demo), started by the first test that asks.
pub fn driver() -> Result<&'static Driver> {
    DRIVER.get_or_init(|| Driver::start().map_err(|e| format!("{e:#}"))).as_ref().map_err(|e| anyhow!("{e}"))
}

fn http_client() -> Result<reqwest::blocking::Client> {
    reqwest::blocking::Client::builder()
        .timeout(Duration::from_secs(120))
        .no_proxy()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .context("building the HTTP client")
}

fn check_browser() -> Result<PathBuf> {
    let chromium = chromium_path();
    let chromedriver = chromedriver_path();
    for (what, path, package) in [("Chromium", &chromium, "chromium"), ("chromedriver", &chromedriver, "chromium-driver")] {
        ensure!(
            path.exists(),
            "CHANGXIAO_E2E=1 but {what} is missing at {} (install it: apt-get install {package}, or run .ci/run)",
            path.display()
        );
    }
    Ok(chromedriver)
}

impl Driver {
    fn start() -> Result<Driver> {
        let chromedriver = check_browser()?;
        let http = http_client()?;
        let driver = start_driver(&http, &chromedriver)?;
        Ok(Driver { driver_url: driver.1, http, _driver: driver.0 })
    }

    /// A fresh browser on the server at `origin`, its viewport `width`×`height`.
    pub fn session(&'static self, origin: &str, width: u32, height: u32) -> Result<Session> {
        open_session(&self.http, &self.driver_url, origin, width, height)
    }
}

impl Harness {
    fn start() -> Result<Harness> {
        let chromedriver = check_browser()?;
        let http = http_client()?;
        let demo = start_demo(&http)?;
        let driver = start_driver(&http, &chromedriver)?;
        Ok(Harness { origin: demo.1, driver_url: driver.1, http, _demo: demo.0, _driver: driver.0 })
    }

    /// A fresh browser with its own profile (so no cookies are shared),
    /// its window `width`×`height` CSS pixels.
    pub fn session(&'static self, width: u32, height: u32) -> Result<Session> {
        open_session(&self.http, &self.driver_url, &self.origin, width, height)
    }
}

/// A fresh Chromium with its own profile on the server at `origin`.
fn open_session(http: &reqwest::blocking::Client, driver_url: &str, origin: &str, width: u32, height: u32) -> Result<Session> {
    {
        let profile = tempfile::Builder::new().prefix("changxiao-chromium-").tempdir().context("creating a Chromium profile directory")?;
        let args = vec![
            "--headless=new".to_owned(),
            "--no-sandbox".to_owned(),
            "--disable-gpu".to_owned(),
            "--disable-dev-shm-usage".to_owned(),
            "--disable-quic".to_owned(),
            "--no-first-run".to_owned(),
            "--disable-background-networking".to_owned(),
            "--disable-component-update".to_owned(),
            "--disable-sync".to_owned(),
            "--force-device-scale-factor=1".to_owned(),
            format!("--window-size={width},{height}"),
            format!("--user-data-dir={}", profile.path().display()),
        ];
        let capabilities = json!({
            "capabilities": {
                "alwaysMatch": {
                    "browserName": "chrome",
                    "pageLoadStrategy": "normal",
                    "timeouts": { "pageLoad": 60_000, "script": 30_000, "implicit": 0 },
                    "goog:chromeOptions": { "binary": chromium_path(), "args": args },
                }
            }
        });
        let value = call(http, reqwest::Method::POST, &format!("{driver_url}/session"), Some(capabilities))
            .context("opening a WebDriver session with Chromium")?;
        let id = value["sessionId"].as_str().ok_or_else(|| anyhow!("no sessionId in {value}"))?;
        let session =
            Session { http: http.clone(), url: format!("{driver_url}/session/{id}"), origin: origin.to_owned(), _profile: profile };
        session.set_window_size(width, height)?;
        Ok(session)
    }
}

/// A child process ended, and its temporary directory removed, when the
/// test binary exits (the watchdog's standard input closes).
pub struct Watched {
    _stdin: Mutex<ChildStdin>,
    _child: Mutex<Child>,
}

/// Starts `program args` under the watchdog, which removes `dir` after it ends.
fn spawn_watched(dir: &Path, program: &Path, args: &[String]) -> Result<(Child, ChildStdin)> {
    const WATCHDOG: &str = r#"dir="$1"; shift
"$@" &
child=$!
exec >/dev/null 2>&1
read -r _ || true
kill "$child" 2>/dev/null
wait "$child"
rm -rf "$dir""#;
    let mut child = Command::new("/bin/sh")
        .arg("-c")
        .arg(WATCHDOG)
        .arg("changxiao-e2e-watchdog")
        .arg(dir)
        .arg(program)
        .args(args)
        .current_dir(dir)
        .env_remove("CHANGXIAO_DATABASE_URL")
        .env("CHANGXIAO_LOG", "warn")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .with_context(|| format!("starting {}", program.display()))?;
    let stdin = child.stdin.take().ok_or_else(|| anyhow!("no stdin pipe"))?;
    Ok((child, stdin))
}

/// Collects a stream's lines into `log` (its last 64 KiB), sending each line on.
fn collect(stream: impl Read + Send + 'static, log: Arc<Mutex<String>>, lines: Option<mpsc::Sender<String>>) {
    std::thread::spawn(move || {
        for line in BufReader::new(stream).lines() {
            let Ok(line) = line else { break };
            {
                let mut log = log.lock().unwrap_or_else(|e| e.into_inner());
                log.push_str(&line);
                log.push('\n');
                if log.len() > 65_536 {
                    let mut cut = log.len() - 65_536;
                    while !log.is_char_boundary(cut) {
                        cut += 1;
                    }
                    log.drain(..cut);
                }
            }
            if let Some(tx) = &lines {
                let _ = tx.send(line);
            }
        }
    });
}

fn start_demo(http: &reqwest::blocking::Client) -> Result<(Watched, String)> {
    let dir = tempfile::Builder::new().prefix("changxiao-e2e-demo-").tempdir().context("creating the demo directory")?.keep();
    let args: Vec<String> = ["demo", "--addr", "127.0.0.1:0", "--data-dir"]
        .into_iter()
        .map(str::to_owned)
        .chain([dir.display().to_string(), "--today".to_owned(), DEMO_TODAY.to_owned()])
        .collect();
    start_changxiao(http, &dir, &args)
}

/// A `changxiao serve` (or `demo`) process run with `args` in `dir` (which
/// is removed when the test binary exits), once its `/healthz` answers; the
/// process and its origin.
pub fn start_server(dir: &Path, args: &[String]) -> Result<(Watched, String)> {
    start_changxiao(&http_client()?, dir, args)
}

fn start_changxiao(http: &reqwest::blocking::Client, dir: &Path, args: &[String]) -> Result<(Watched, String)> {
    let bin = PathBuf::from(env!("CARGO_BIN_EXE_changxiao"));
    let (mut child, stdin) = spawn_watched(dir, &bin, args)?;
    let log = Arc::new(Mutex::new(String::new()));
    let (tx, rx) = mpsc::channel();
    collect(child.stdout.take().ok_or_else(|| anyhow!("no stdout pipe"))?, log.clone(), Some(tx));
    collect(child.stderr.take().ok_or_else(|| anyhow!("no stderr pipe"))?, log.clone(), None);
    let output = || log.lock().unwrap_or_else(|e| e.into_inner()).clone();

    let deadline = Instant::now() + DEMO_START_TIMEOUT;
    let origin = loop {
        let left = deadline.saturating_duration_since(Instant::now());
        match rx.recv_timeout(left) {
            Ok(line) => {
                if let Some(at) = line.find("http://127.0.0.1:") {
                    let url = line[at..].split_whitespace().next().unwrap_or_default();
                    break url.trim_end_matches('/').to_owned();
                }
            }
            Err(mpsc::RecvTimeoutError::Timeout) => {
                bail!(
                    "`changxiao {}` printed no http://127.0.0.1:PORT line within {DEMO_START_TIMEOUT:?}; its output:\n{}",
                    args[0],
                    output()
                )
            }
            Err(mpsc::RecvTimeoutError::Disconnected) => {
                bail!("`changxiao {}` ended before printing its address; its output:\n{}", args[0], output())
            }
        }
    };
    let watched = Watched { _stdin: Mutex::new(stdin), _child: Mutex::new(child) };
    wait_until(Duration::from_secs(30), "the server's /healthz to answer 200", || {
        Ok(http.get(format!("{origin}/healthz")).send().is_ok_and(|r| r.status().is_success()))
    })
    .with_context(|| format!("the server's output:\n{}", output()))?;
    Ok((watched, origin))
}

fn start_driver(http: &reqwest::blocking::Client, chromedriver: &Path) -> Result<(Watched, String)> {
    let dir = tempfile::Builder::new().prefix("changxiao-e2e-driver-").tempdir().context("creating the chromedriver directory")?.keep();
    let port = TcpListener::bind("127.0.0.1:0").and_then(|l| l.local_addr()).context("finding a free port")?.port();
    let log_path = dir.join("chromedriver.log");
    let args = vec![format!("--port={port}"), format!("--log-path={}", log_path.display())];
    let (child, stdin) = spawn_watched(&dir, chromedriver, &args)?;
    let watched = Watched { _stdin: Mutex::new(stdin), _child: Mutex::new(child) };
    let url = format!("http://127.0.0.1:{port}");
    wait_until(DRIVER_START_TIMEOUT, "chromedriver to be ready", || {
        let Ok(response) = http.get(format!("{url}/status")).send() else { return Ok(false) };
        let body: Value = response.json().unwrap_or_default();
        Ok(body["value"]["ready"].as_bool().unwrap_or(false))
    })
    .with_context(|| format!("chromedriver's log:\n{}", std::fs::read_to_string(&log_path).unwrap_or_default()))?;
    Ok((watched, url))
}

/// Polls `check` every 100 ms until it is true, failing after `timeout`.
pub fn wait_until(timeout: Duration, what: &str, mut check: impl FnMut() -> Result<bool>) -> Result<()> {
    let deadline = Instant::now() + timeout;
    loop {
        if check()? {
            return Ok(());
        }
        if Instant::now() > deadline {
            bail!("timed out after {timeout:?} waiting for {what}");
        }
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// One WebDriver command; the answer's `value`.
fn call(http: &reqwest::blocking::Client, method: reqwest::Method, url: &str, body: Option<Value>) -> Result<Value> {
    let mut request = http.request(method.clone(), url);
    if let Some(body) = body {
        request = request.json(&body);
    }
    let response = request.send().with_context(|| format!("WebDriver {method} {url}"))?;
    let status = response.status();
    let body: Value = response.json().with_context(|| format!("WebDriver {method} {url}: the answer is not JSON"))?;
    let value = body.get("value").cloned().unwrap_or(Value::Null);
    if !status.is_success() {
        bail!("WebDriver {method} {url}: {status}: {} {}", value["error"].as_str().unwrap_or("?"), value["message"].as_str().unwrap_or(""));
    }
    Ok(value)
}

/// A browser session; closed (and its Chromium ended) on drop.
pub struct Session {
    http: reqwest::blocking::Client,
    url: String,
    /// The demo server's origin.
    pub origin: String,
    _profile: tempfile::TempDir,
}

/// A WebDriver element reference.
pub struct Element(String);

impl Drop for Session {
    fn drop(&mut self) {
        let _ = call(&self.http, reqwest::Method::DELETE, &self.url, None);
    }
}

impl Session {
    fn post(&self, path: &str, body: Value) -> Result<Value> {
        call(&self.http, reqwest::Method::POST, &format!("{}{path}", self.url), Some(body))
    }

    fn get(&self, path: &str) -> Result<Value> {
        call(&self.http, reqwest::Method::GET, &format!("{}{path}", self.url), None)
    }

    /// Opens a path of the demo server (or a full address) and waits for it to load.
    pub fn open(&self, path: &str) -> Result<()> {
        let url = if path.starts_with("http") { path.to_owned() } else { format!("{}{path}", self.origin) };
        self.post("/url", json!({ "url": url }))?;
        self.wait_loaded()
    }

    pub fn current_url(&self) -> Result<String> {
        Ok(self.get("/url")?.as_str().unwrap_or_default().to_owned())
    }

    /// The current address without the origin: `/orgs/…?lang=en`.
    pub fn current_path(&self) -> Result<String> {
        let url = self.current_url()?;
        Ok(url.strip_prefix(&self.origin).unwrap_or(&url).to_owned())
    }

    /// Sizes the window so that its viewport is `width`×`height` CSS pixels
    /// (the window itself is larger by the browser's own frame).
    pub fn set_window_size(&self, width: u32, height: u32) -> Result<()> {
        let (mut outer_w, mut outer_h) = (i64::from(width), i64::from(height));
        for _ in 0..3 {
            self.post("/window/rect", json!({ "width": outer_w, "height": outer_h }))?;
            let inner = self.js("return [window.innerWidth, window.innerHeight]", json!([]))?;
            let (w, h) = (inner[0].as_i64().unwrap_or(0), inner[1].as_i64().unwrap_or(0));
            if (w, h) == (i64::from(width), i64::from(height)) {
                return Ok(());
            }
            outer_w += i64::from(width) - w;
            outer_h += i64::from(height) - h;
        }
        let inner = self.js("return [window.innerWidth, window.innerHeight]", json!([]))?;
        bail!("cannot size the viewport to {width}×{height}; it is {inner}")
    }

    /// Runs `script` (a function body; arguments in `arguments`) and returns its result.
    pub fn js(&self, script: &str, args: Value) -> Result<Value> {
        self.post("/execute/sync", json!({ "script": script, "args": args })).with_context(|| format!("running script {script}"))
    }

    pub fn find(&self, css: &str) -> Result<Element> {
        let value = self.post("/element", json!({ "using": "css selector", "value": css })).with_context(|| format!("finding {css}"))?;
        let id = value[ELEMENT_KEY].as_str().ok_or_else(|| anyhow!("no element reference for {css} in {value}"))?;
        Ok(Element(id.to_owned()))
    }

    pub fn exists(&self, css: &str) -> Result<bool> {
        let value = self.post("/elements", json!({ "using": "css selector", "value": css }))?;
        Ok(value.as_array().is_some_and(|a| !a.is_empty()))
    }

    pub fn text(&self, element: &Element) -> Result<String> {
        Ok(self.get(&format!("/element/{}/text", element.0))?.as_str().unwrap_or_default().to_owned())
    }

    /// Chooses the file at `path` in the file input `css`.
    pub fn choose_file(&self, css: &str, path: &Path) -> Result<()> {
        let element = self.find(css)?;
        self.post(&format!("/element/{}/value", element.0), json!({ "text": path.display().to_string() }))
            .with_context(|| format!("choosing {} in {css}", path.display()))?;
        Ok(())
    }

    pub fn type_into(&self, element: &Element, text: &str) -> Result<()> {
        self.post(&format!("/element/{}/clear", element.0), json!({}))?;
        self.post(&format!("/element/{}/value", element.0), json!({ "text": text }))?;
        Ok(())
    }

    /// Clicks an element that does not leave the page (a checkbox, an option).
    pub fn click(&self, css: &str) -> Result<()> {
        let element = self.find(css)?;
        self.post(&format!("/element/{}/click", element.0), json!({})).with_context(|| format!("clicking {css}"))?;
        Ok(())
    }

    /// Signs in through the login form and waits for the page it leads to.
    pub fn login(&self, login: &str, password: &str) -> Result<()> {
        self.open("/login")?;
        let field = self.find("#login")?;
        self.type_into(&field, login)?;
        let field = self.find("#password")?;
        self.type_into(&field, password)?;
        self.click_to_navigate("form[action='/login'] button[type=submit]")?;
        let path = self.current_path()?;
        if path.starts_with("/login") {
            anyhow::bail!("signing in as {login} failed: {}", self.body_text()?);
        }
        Ok(())
    }

    /// Clicks the element `css` (a link or a button) and waits until another page has loaded.
    pub fn click_to_navigate(&self, css: &str) -> Result<()> {
        let before = self.current_url()?;
        let element = self.find(css)?;
        self.post(&format!("/element/{}/click", element.0), json!({})).with_context(|| format!("clicking {css}"))?;
        wait_until(NAVIGATION_TIMEOUT, &format!("a new page after clicking {css} on {before}"), || Ok(self.current_url()? != before))?;
        self.wait_loaded()
    }

    fn wait_loaded(&self) -> Result<()> {
        wait_until(NAVIGATION_TIMEOUT, "the page to load", || Ok(self.js("return document.readyState", json!([]))? == "complete"))
    }

    /// The visible text of the page's `<h1>`.
    pub fn h1(&self) -> Result<String> {
        let h1 = self.find("h1")?;
        self.text(&h1)
    }

    /// The page's visible text.
    pub fn body_text(&self) -> Result<String> {
        let body = self.find("body")?;
        self.text(&body)
    }

    /// A PNG of the viewport.
    pub fn screenshot(&self) -> Result<Vec<u8>> {
        let encoded = self.get("/screenshot")?;
        base64_decode(encoded.as_str().ok_or_else(|| anyhow!("the screenshot is not a string"))?)
    }
}

/// Standard base64 (the WebDriver screenshot encoding).
fn base64_decode(text: &str) -> Result<Vec<u8>> {
    let mut out = Vec::with_capacity(text.len() * 3 / 4);
    let (mut buffer, mut bits) = (0u32, 0u32);
    for byte in text.bytes().filter(|b| !b.is_ascii_whitespace() && *b != b'=') {
        let sextet = match byte {
            b'A'..=b'Z' => byte - b'A',
            b'a'..=b'z' => byte - b'a' + 26,
            b'0'..=b'9' => byte - b'0' + 52,
            b'+' => 62,
            b'/' => 63,
            _ => bail!("not base64: byte {byte}"),
        };
        buffer = (buffer << 6) | u32::from(sextet);
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push(u8::try_from((buffer >> bits) & 0xff)?);
        }
    }
    Ok(out)
}

/// The width and height of a PNG image, checking its signature.
pub fn png_size(png: &[u8]) -> Result<(u32, u32)> {
    ensure!(png.len() > 24 && png.starts_with(b"\x89PNG\r\n\x1a\n"), "not a PNG image");
    let number = |at: usize| -> Result<u32> { Ok(u32::from_be_bytes(png[at..at + 4].try_into()?)) };
    Ok((number(16)?, number(20)?))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_decodes_padding_and_all_digits() -> Result<()> {
        assert_eq!(base64_decode("TWFu")?, b"Man");
        assert_eq!(base64_decode("TWE=")?, b"Ma");
        assert_eq!(base64_decode("TQ==")?, b"M");
        assert_eq!(base64_decode("+/8=")?, [0xfb, 0xff]);
        assert!(base64_decode("a*b").is_err());
        Ok(())
    }
}

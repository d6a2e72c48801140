//! A minimal SMTP client (RFC 5321) for handing messages to a relay on the
//! local network: plain SMTP, no TLS and no authentication — a relay such
//! as the organization's mail gateway or a local Postfix does those.
//!
//! The configuration comes from `CHANGXIAO_SMTP_URL` (`smtp://host[:port]`,
//! port 25 by default) and `CHANGXIAO_SMTP_FROM` (the sender address).
//! A message is plain text in UTF-8, sent base64-encoded (so no line is too
//! long and none starts with a dot), with an RFC 2047 encoded subject and
//! `Auto-Submitted: auto-generated` (RFC 3834) so that no auto-reply comes
//! back. Every step has a time limit.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use chrono::{DateTime, FixedOffset};
use std::time::Duration;
use store::outbox::valid_email;
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpStream;

/// How long each step (connecting, each reply) may take.
const STEP_LIMIT: Duration = Duration::from_secs(30);
/// The longest reply line read; a longer one is cut.
const MAX_LINE: u64 = 4096;
/// The most lines of one (multi-line) reply.
const MAX_REPLY_LINES: usize = 100;

/// Where and as whom mail is sent.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SmtpConfig {
    pub host: String,
    pub port: u16,
    pub from: String,
}

/// A configuration that cannot be used.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum ConfigError {
    #[error("CHANGXIAO_SMTP_URL '{0}' must look like smtp://host[:port] (plain SMTP to a relay; TLS and logins are not supported)")]
    Url(String),
    #[error("CHANGXIAO_SMTP_FROM '{0}' is not a plain e-mail address")]
    From(String),
    #[error("CHANGXIAO_SMTP_FROM is needed with CHANGXIAO_SMTP_URL")]
    MissingFrom,
}

/// Why a message was not accepted.
#[derive(Debug, thiserror::Error)]
pub enum SendError {
    #[error("cannot reach the mail server {0}")]
    Connect(String),
    #[error("the mail server did not answer in time ({0})")]
    Timeout(&'static str),
    #[error("the connection to the mail server failed ({0})")]
    Io(String),
    #[error("the mail server refused {stage}: {reply}")]
    Refused { stage: &'static str, reply: String },
    #[error("the mail server closed the connection at {0}")]
    Closed(&'static str),
    #[error("the mail server's answer at {stage} is not an SMTP reply: {line}")]
    NotAReply { stage: &'static str, line: String },
    #[error("the mail server's answer at {0} has too many lines")]
    TooManyLines(&'static str),
    #[error("'{0}' is not a plain e-mail address")]
    Address(String),
}

impl SmtpConfig {
    /// Reads `CHANGXIAO_SMTP_URL` and `CHANGXIAO_SMTP_FROM`; `None` when
    /// the URL is not set (no mail is sent).
    pub fn from_env() -> Result<Option<Self>, ConfigError> {
        let url = std::env::var("CHANGXIAO_SMTP_URL").ok().filter(|u| !u.trim().is_empty());
        let Some(url) = url else { return Ok(None) };
        let from = std::env::var("CHANGXIAO_SMTP_FROM").ok().filter(|f| !f.trim().is_empty()).ok_or(ConfigError::MissingFrom)?;
        Self::new(&url, &from).map(Some)
    }

    /// A configuration from `smtp://host[:port]` and a sender address.
    pub fn new(url: &str, from: &str) -> Result<Self, ConfigError> {
        let bad = || ConfigError::Url(url.to_owned());
        let rest = url.trim().strip_prefix("smtp://").ok_or_else(bad)?;
        let rest = rest.strip_suffix('/').unwrap_or(rest);
        if rest.contains(['@', '/', '?', '#']) || rest.is_empty() {
            return Err(bad());
        }
        let (host, port) = if let Some(v6) = rest.strip_prefix('[') {
            let (host, after) = v6.split_once(']').ok_or_else(bad)?;
            (host, after.strip_prefix(':'))
        } else {
            match rest.rsplit_once(':') {
                Some((h, p)) => (h, Some(p)),
                None => (rest, None),
            }
        };
        let port = match port {
            Some(p) => p.parse::<u16>().ok().filter(|p| *p > 0).ok_or_else(bad)?,
            None => 25,
        };
        let host_ok = !host.is_empty() && host.bytes().all(|b| b.is_ascii_alphanumeric() || b".-:".contains(&b));
        if !host_ok {
            return Err(bad());
        }
        let from = from.trim();
        if !valid_email(from) {
            return Err(ConfigError::From(from.to_owned()));
        }
        Ok(SmtpConfig { host: host.to_owned(), port, from: from.to_owned() })
    }
}

/// One message to send.
#[derive(Clone, Debug)]
pub struct Mail<'a> {
    pub to: &'a str,
    pub subject: &'a str,
    pub body: &'a str,
    /// Unique per message; becomes `<id@sender-domain>`.
    pub message_id: &'a str,
    pub date: DateTime<FixedOffset>,
}

/// The subject as an RFC 2047 header value: as it is if short plain
/// ASCII, else base64 encoded words of at most 39 bytes of UTF-8 each (cut
/// between characters), folded onto continuation lines.
pub fn encode_subject(subject: &str) -> String {
    let clean: String = subject.chars().map(|c| if c.is_control() { ' ' } else { c }).collect();
    if clean.len() <= 60 && clean.bytes().all(|b| (0x20..0x7f).contains(&b)) && !clean.contains("=?") {
        return clean;
    }
    let mut words = Vec::new();
    let mut chunk = String::new();
    for c in clean.chars() {
        if chunk.len() + c.len_utf8() > 39 {
            words.push(format!("=?UTF-8?B?{}?=", STANDARD.encode(chunk.as_bytes())));
            chunk.clear();
        }
        chunk.push(c);
    }
    if !chunk.is_empty() {
        words.push(format!("=?UTF-8?B?{}?=", STANDARD.encode(chunk.as_bytes())));
    }
    words.join("\r\n ")
}

/// The whole message (headers and base64 body) with CRLF line ends.
pub fn format_message(from: &str, mail: &Mail<'_>) -> String {
    let domain = from.rsplit_once('@').map_or("changxiao", |(_, d)| d);
    let body = mail.body.replace("\r\n", "\n").replace('\n', "\r\n");
    let encoded = STANDARD.encode(body.as_bytes());
    let mut out = String::with_capacity(encoded.len() + 512);
    out.push_str(&format!("Date: {}\r\n", mail.date.to_rfc2822()));
    out.push_str(&format!("From: {from}\r\n"));
    out.push_str(&format!("To: {}\r\n", mail.to));
    out.push_str(&format!("Subject: {}\r\n", encode_subject(mail.subject)));
    out.push_str(&format!("Message-ID: <{}@{domain}>\r\n", mail.message_id));
    out.push_str("MIME-Version: 1.0\r\n");
    out.push_str("Content-Type: text/plain; charset=utf-8\r\n");
    out.push_str("Content-Transfer-Encoding: base64\r\n");
    out.push_str("Auto-Submitted: auto-generated\r\n\r\n");
    let bytes = encoded.as_bytes();
    for line in bytes.chunks(76) {
        out.push_str(std::str::from_utf8(line).unwrap_or_default());
        out.push_str("\r\n");
    }
    out
}

/// The DATA section as sent: lines beginning with a dot get another one
/// (RFC 5321 §4.5.2), then the terminating `.` line.
fn dot_stuffed(message: &str) -> String {
    let mut out = String::with_capacity(message.len() + 8);
    for line in message.split_inclusive("\r\n") {
        if line.starts_with('.') {
            out.push('.');
        }
        out.push_str(line);
    }
    if !out.ends_with("\r\n") {
        out.push_str("\r\n");
    }
    out.push_str(".\r\n");
    out
}

struct Connection {
    stream: BufReader<TcpStream>,
}

impl Connection {
    async fn reply(&mut self, stage: &'static str) -> Result<(u16, String), SendError> {
        let mut text = String::new();
        for _ in 0..MAX_REPLY_LINES {
            let mut line = String::new();
            let read = tokio::time::timeout(STEP_LIMIT, (&mut self.stream).take(MAX_LINE).read_line(&mut line))
                .await
                .map_err(|_| SendError::Timeout(stage))?
                .map_err(|e| SendError::Io(e.to_string()))?;
            if read == 0 {
                return Err(SendError::Closed(stage));
            }
            let line = line.trim_end_matches(['\r', '\n']);
            let code = line
                .get(..3)
                .and_then(|c| c.parse::<u16>().ok())
                .ok_or_else(|| SendError::NotAReply { stage, line: line.chars().take(200).collect() })?;
            if !text.is_empty() {
                text.push(' ');
            }
            text.push_str(line.get(4..).unwrap_or_default().trim());
            if line.as_bytes().get(3) != Some(&b'-') {
                return Ok((code, format!("{code} {text}").trim().to_owned()));
            }
        }
        Err(SendError::TooManyLines(stage))
    }

    async fn send(&mut self, line: &str, stage: &'static str) -> Result<(), SendError> {
        tokio::time::timeout(STEP_LIMIT, self.stream.get_mut().write_all(line.as_bytes()))
            .await
            .map_err(|_| SendError::Timeout(stage))?
            .map_err(|e| SendError::Io(e.to_string()))
    }

    async fn command(&mut self, line: &str, stage: &'static str, accept: &[u16]) -> Result<(), SendError> {
        self.send(line, stage).await?;
        let (code, reply) = self.reply(stage).await?;
        if accept.contains(&code) { Ok(()) } else { Err(SendError::Refused { stage, reply }) }
    }
}

/// Hands one message to the mail server: it was accepted when this returns `Ok`.
pub async fn send(config: &SmtpConfig, mail: &Mail<'_>) -> Result<(), SendError> {
    if !valid_email(mail.to) {
        return Err(SendError::Address(mail.to.to_owned()));
    }
    let target = format!("{}:{}", config.host, config.port);
    let stream = tokio::time::timeout(STEP_LIMIT, TcpStream::connect((config.host.as_str(), config.port)))
        .await
        .map_err(|_| SendError::Timeout("connect"))?
        .map_err(|e| SendError::Connect(format!("{target}: {e}")))?;
    let helo = match stream.local_addr() {
        Ok(a) if a.is_ipv6() => format!("[IPv6:{}]", a.ip()),
        Ok(a) => format!("[{}]", a.ip()),
        Err(_) => "changxiao".to_owned(),
    };
    let mut c = Connection { stream: BufReader::new(stream) };
    let (code, reply) = c.reply("the greeting").await?;
    if code != 220 {
        return Err(SendError::Refused { stage: "the greeting", reply });
    }
    c.send(&format!("EHLO {helo}\r\n"), "EHLO").await?;
    let (code, _) = c.reply("EHLO").await?;
    if code != 250 {
        c.command(&format!("HELO {helo}\r\n"), "HELO", &[250]).await?;
    }
    c.command(&format!("MAIL FROM:<{}>\r\n", config.from), "the sender", &[250]).await?;
    c.command(&format!("RCPT TO:<{}>\r\n", mail.to), "the recipient", &[250, 251]).await?;
    c.command("DATA\r\n", "DATA", &[354]).await?;
    c.command(&dot_stuffed(&format_message(&config.from, mail)), "the message", &[250]).await?;
    // The message is accepted; a failing goodbye changes nothing.
    let _ = c.command("QUIT\r\n", "QUIT", &[221]).await;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_name_a_host_and_port() {
        let c = SmtpConfig::new("smtp://relay.example:2525", "changxiao@example.org");
        assert_eq!(c, Ok(SmtpConfig { host: "relay.example".into(), port: 2525, from: "changxiao@example.org".into() }));
        assert_eq!(SmtpConfig::new("smtp://relay.example/", "a@b.cn").map(|c| c.port), Ok(25));
        assert_eq!(SmtpConfig::new("smtp://[::1]:25", "a@b.cn").map(|c| c.host), Ok("::1".to_owned()));
        for bad in
            ["smtps://relay.example", "smtp://user:pw@relay.example", "smtp://", "smtp://relay.example:0", "relay.example", "smtp://a b"]
        {
            assert!(matches!(SmtpConfig::new(bad, "a@b.cn"), Err(ConfigError::Url(_))), "{bad}");
        }
        assert!(matches!(SmtpConfig::new("smtp://relay.example", "not an address"), Err(ConfigError::From(_))));
    }

    #[test]
    fn subjects_in_chinese_are_encoded_words_on_short_lines() {
        assert_eq!(encode_subject("Weekly digest"), "Weekly digest");
        let encoded = encode_subject("长效：本周待办3项（逾期1项）· 2026-W48");
        for line in encoded.split("\r\n") {
            assert!(line.len() <= 76, "{line}");
            let word = line.trim_start();
            assert!(word.starts_with("=?UTF-8?B?") && word.ends_with("?="), "{word}");
        }
        let decoded: Vec<u8> = encoded
            .split("\r\n")
            .flat_map(|w| STANDARD.decode(w.trim().trim_start_matches("=?UTF-8?B?").trim_end_matches("?=")).unwrap_or_default())
            .collect();
        assert_eq!(String::from_utf8(decoded).unwrap_or_default(), "长效：本周待办3项（逾期1项）· 2026-W48");
        assert!(!encode_subject("a\r\nBcc: x@y.z").contains('\n'), "no header injection");
    }

    #[test]
    fn the_message_is_base64_in_short_lines_and_dots_are_stuffed() {
        let date = DateTime::parse_from_rfc3339("2026-11-23T09:00:00+08:00").unwrap_or_default();
        let mail = Mail { to: "wang@example.org", subject: "周报", body: "第一行\n.第二行\n", message_id: "0194abc", date };
        let text = format_message("changxiao@example.org", &mail);
        assert!(text.starts_with("Date: Mon, 23 Nov 2026 09:00:00 +0800\r\nFrom: changxiao@example.org\r\nTo: wang@example.org\r\n"));
        assert!(text.contains("Message-ID: <0194abc@example.org>\r\n"));
        let (_, body) = text.split_once("\r\n\r\n").unwrap_or_default();
        let joined: String = body.split("\r\n").collect();
        assert!(body.split("\r\n").all(|l| l.len() <= 76));
        assert_eq!(String::from_utf8(STANDARD.decode(joined).unwrap_or_default()).unwrap_or_default(), "第一行\r\n.第二行\r\n");
        assert_eq!(dot_stuffed("a\r\n.b\r\n..c"), "a\r\n..b\r\n...c\r\n.\r\n");
    }
}

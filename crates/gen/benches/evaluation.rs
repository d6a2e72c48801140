//! Benchmark: the evaluation engine on a generated province (about 260,000
//! organizations, 5 million members, 9.2 million activities and 108 million
//! attendance facts at scale 1.0, see `province_gen`). Measures the full
//! evaluation of the whole catalogue (`Engine::new`, median of three runs),
//! the peak memory during it (VmHWM from `/proc/self/status`), one
//! incremental update (`upsert_activity` of a members' assembly with 30
//! attendees, new and edited) and subtree roll-ups of a city and of a county,
//! each as the median and 99th percentile of single calls.
//!
//! Run with `cargo bench -p province-gen --bench evaluation`. Environment:
//! `CHANGXIAO_BENCH_SCALE` (default 1.0), `CHANGXIAO_BENCH_SEED` (default 1),
//! `CHANGXIAO_BENCH_RUNS` (full evaluations, default 3),
//! `CHANGXIAO_BENCH_SAMPLES` (timed calls per measurement, default 1,000).
//! `CHANGXIAO_BENCH_EXPORT=DIR` (or `-- --export DIR`) also writes the world
//! as CSV into DIR for `bench/compare.py`, with the engine's results
//! summarized per requirement and status (`engine_summary.csv`) and two
//! roll-ups (`engine_rollups.csv`) to check the SQL against.
//! `CHANGXIAO_BENCH_BREAKDOWN=1` also times the evaluation with no
//! requirement and with each requirement alone. `CHANGXIAO_BENCH_MARKS=1` prints the monotonic clock at the start and end
//! of each evaluation, to cut a profile (`perf record -k CLOCK_MONOTONIC`,
//! then `perf report --time START,END`).
#![allow(clippy::unwrap_used, clippy::expect_used)]

use chrono::NaiveDate;
use province_gen::{Generated, Table};
use rules::catalogue::Catalogue;
use rules::{ActivityFact, Calendar, Engine, Settings, Status, Subject};
use seeded::Seeded;
use std::collections::BTreeMap;
use std::fs::File;
use std::hint::black_box;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

const WARM_UP: usize = 100;
const GIB: f64 = (1u64 << 30) as f64;

fn env_or<T: std::str::FromStr>(name: &str, default: T) -> T {
    std::env::var(name).ok().and_then(|v| v.parse().ok()).unwrap_or(default)
}

/// A figure from `/proc/self/status` in bytes (`VmHWM`, `VmRSS`).
fn proc_status(field: &str) -> u64 {
    let text = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    text.lines()
        .find_map(|l| l.strip_prefix(field).and_then(|r| r.trim_start_matches(':').split_whitespace().next()?.parse::<u64>().ok()))
        .map_or(0, |kib| kib * 1024)
}

/// User plus system CPU time of the process so far (`/proc/self/stat`, in clock ticks of 10 ms).
fn cpu_time() -> Duration {
    let text = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    // After the command name (in parentheses) come state, ppid, ..., utime (12th) and stime (13th).
    let rest = text.rsplit_once(')').map_or("", |(_, r)| r);
    let f: Vec<&str> = rest.split_whitespace().collect();
    let field = |i: usize| f.get(i).and_then(|x| x.parse::<u64>().ok()).unwrap_or(0);
    let ticks = field(11) + field(12);
    Duration::from_millis(ticks * 10)
}

/// Resets VmHWM to the current RSS (Linux 4.0+).
fn reset_peak() -> bool {
    std::fs::write("/proc/self/clear_refs", "5").is_ok()
}

struct Stats {
    median: Duration,
    p99: Duration,
    max: Duration,
}

fn stats(mut samples: Vec<Duration>) -> Stats {
    samples.sort();
    let n = samples.len();
    Stats { median: samples[n / 2], p99: samples[(n * 99).div_ceil(100) - 1], max: samples[n - 1] }
}

fn us(d: Duration) -> String {
    format!("{:.1} µs", d.as_secs_f64() * 1e6)
}

/// What to run, from the environment and the command line.
struct Config {
    scale: f64,
    seed: u64,
    runs: usize,
    samples: usize,
    marks: bool,
    breakdown: bool,
    export: Option<PathBuf>,
}

impl Config {
    fn read() -> Self {
        let args: Vec<String> = std::env::args().collect();
        let export = args
            .iter()
            .position(|a| a == "--export")
            .and_then(|i| args.get(i + 1))
            .map(PathBuf::from)
            .or_else(|| std::env::var_os("CHANGXIAO_BENCH_EXPORT").map(PathBuf::from));
        Config {
            scale: env_or("CHANGXIAO_BENCH_SCALE", 1.0),
            seed: env_or("CHANGXIAO_BENCH_SEED", 1),
            runs: env_or("CHANGXIAO_BENCH_RUNS", 3).max(1),
            samples: env_or("CHANGXIAO_BENCH_SAMPLES", 1_000).max(1),
            marks: std::env::var_os("CHANGXIAO_BENCH_MARKS").is_some(),
            breakdown: std::env::var_os("CHANGXIAO_BENCH_BREAKDOWN").is_some(),
            export,
        }
    }
}

/// What the engine evaluates besides the world.
struct Inputs {
    catalogue: Catalogue,
    calendar: Calendar,
    settings: Settings,
}

/// The full evaluations: times, memory and the last engine.
struct Evaluations {
    engine: Engine,
    times: Vec<Duration>,
    peak: u64,
    peak_reset: bool,
    before: u64,
    after: u64,
}

impl Evaluations {
    fn median(&self) -> Duration {
        let mut sorted = self.times.clone();
        sorted.sort();
        sorted[sorted.len() / 2]
    }
}

/// The latencies of single calls.
struct Latencies {
    insert: Stats,
    edit: Stats,
    city: Stats,
    county: Stats,
    province: Stats,
}

fn main() {
    let cfg = Config::read();
    let inputs =
        Inputs { catalogue: Catalogue::embedded().unwrap(), calendar: Calendar::embedded().unwrap(), settings: Settings::default() };
    let (mut generated, generation) = generate(&cfg, &inputs.catalogue);
    if let Some(dir) = &cfg.export {
        export_world(&generated, &inputs.catalogue, dir);
    }
    let world = std::mem::take(&mut generated.world);
    let evaluations = evaluate(&cfg, &inputs, world, &generated);
    if let Some(dir) = &cfg.export {
        let t = Instant::now();
        if let Err(e) = export_engine(&evaluations.engine, &inputs.catalogue, &generated.cities, &generated.counties, dir) {
            eprintln!("--export {}: {e}", dir.display());
            std::process::exit(2);
        }
        println!("engine summary written in {:.1} s", t.elapsed().as_secs_f64());
    }
    let mut engine = evaluations.engine;
    let mut rng = Seeded::new(cfg.seed ^ 0xbe9c);
    let (insert, edit) = update_latencies(&mut engine, &inputs.catalogue, &generated, &mut rng, cfg.samples);
    let [city, county, province] =
        [&generated.cities[..], &generated.counties[..], &[0][..]].map(|orgs| rollup_latency(&engine, orgs, &mut rng, cfg.samples));
    if cfg.breakdown {
        breakdown(&engine, &inputs);
    }
    let evaluations = Evaluations { engine, ..evaluations };
    report(&cfg, generation, &evaluations, &Latencies { insert, edit, city, county, province });
}

/// The province, timed, with its sizes printed.
fn generate(cfg: &Config, catalogue: &Catalogue) -> (Generated, Duration) {
    let t = Instant::now();
    let generated = province_gen::province_for(catalogue, cfg.scale, cfg.seed).unwrap();
    let generation = t.elapsed();
    let s = generated.summary();
    let world_rss = proc_status("VmRSS");
    println!(
        "province at scale {} (seed {}): {} organizations ({} branches, {} groups), {} members, {} memberships, {} positions, {} activities, {} attendance facts",
        cfg.scale, cfg.seed, s.orgs, s.branches, s.groups, s.people, s.memberships, s.positions, s.activities, s.attendance
    );
    println!(
        "generated in {:.1} s; resident after generation {:.2} GiB ({} bytes per activity slot plus its attendance list)",
        generation.as_secs_f64(),
        world_rss as f64 / GIB,
        std::mem::size_of::<Option<ActivityFact>>()
    );
    (generated, generation)
}

/// Writes the world as CSV into `dir` (exits on an error).
fn export_world(generated: &Generated, catalogue: &Catalogue, dir: &Path) {
    let t = Instant::now();
    let written = (|| -> std::io::Result<()> {
        std::fs::create_dir_all(dir)?;
        for table in Table::ALL {
            let mut out = BufWriter::with_capacity(1 << 20, File::create(dir.join(table.file_name()))?);
            province_gen::write_table(generated, catalogue, table, &mut out)?;
            out.flush()?;
        }
        Ok(())
    })();
    if let Err(e) = written {
        eprintln!("--export {}: {e}", dir.display());
        std::process::exit(2);
    }
    println!("CSV written to {} in {:.1} s", dir.display(), t.elapsed().as_secs_f64());
}

/// Full evaluations. The first run takes the generated world; later runs a copy.
fn evaluate(cfg: &Config, inputs: &Inputs, world: rules::World, generated: &Generated) -> Evaluations {
    let mut times = Vec::new();
    let mut world = Some(world);
    let mut engine: Option<Engine> = None;
    let (mut peak, mut before) = (0u64, 0u64);
    let peak_reset = reset_peak();
    for run in 0..cfg.runs {
        let w = match world.take() {
            Some(w) => w,
            None => engine.as_ref().unwrap().world().clone(),
        };
        drop(engine.take());
        if run == 0 {
            before = proc_status("VmRSS");
        }
        let (t, cpu) = (Instant::now(), cpu_time());
        let e = Engine::new(&inputs.catalogue, inputs.calendar.clone(), w, &inputs.settings, generated.year, generated.as_of).unwrap();
        times.push(t.elapsed());
        let cpu = cpu_time().saturating_sub(cpu);
        if cfg.marks {
            // CLOCK_MONOTONIC, to cut a `perf record -k CLOCK_MONOTONIC` profile to the evaluation.
            println!("evaluation {} from {t:?} to {:?}", run + 1, Instant::now());
        }
        if run == 0 {
            peak = proc_status("VmHWM");
        }
        println!("full evaluation run {}: {:.3} s ({:.2} s of CPU)", run + 1, times[run].as_secs_f64(), cpu.as_secs_f64());
        engine = Some(e);
    }
    Evaluations { engine: engine.unwrap(), times, peak, peak_reset, before, after: proc_status("VmRSS") }
}

/// Incremental updates: a members' assembly at a random branch with 30
/// attendees, recorded as a new activity, then edited (other day, other
/// attendees). The latencies of new and of edited activities.
fn update_latencies(engine: &mut Engine, catalogue: &Catalogue, generated: &Generated, rng: &mut Seeded, samples: usize) -> (Stats, Stats) {
    let assembly = catalogue.kind("members_assembly").unwrap();
    let business = catalogue.agenda_kind("business").unwrap();
    let n_people = engine.world().people.len() as u32;
    let (branches, branch_members, year) = (&generated.branches, &generated.branch_members, generated.year);
    let make = |rng: &mut Seeded| {
        let b = rng.below(branches.len());
        let (first, n) = branch_members[b];
        let first = first.min(n_people.saturating_sub(30));
        let day = NaiveDate::from_yo_opt(year, 1 + rng.below(365u32)).unwrap();
        ActivityFact {
            kind: assembly,
            host: branches[b],
            held_on: day,
            minutes: 120,
            presenter: None,
            agenda: vec![business],
            visit_kind: None,
            polarity: None,
            present: (first..first + 30).collect(),
            absent: n.saturating_sub(30),
            voters: rules::Voters::default(),
        }
    };
    let base = engine.world().activities.len() as u32;
    let mut inserted = Vec::new();
    let mut new_samples = Vec::with_capacity(samples);
    for i in 0..WARM_UP + samples {
        let fact = make(rng);
        let ix = base + i as u32;
        let t = Instant::now();
        engine.upsert_activity(ix, fact).unwrap();
        let el = t.elapsed();
        if i >= WARM_UP {
            new_samples.push(el);
        }
        inserted.push(ix);
    }
    let mut edit_samples = Vec::with_capacity(samples);
    for i in 0..WARM_UP + samples {
        let fact = make(rng);
        let ix = inserted[rng.below(inserted.len())];
        let t = Instant::now();
        engine.upsert_activity(ix, fact).unwrap();
        let el = t.elapsed();
        if i >= WARM_UP {
            edit_samples.push(el);
        }
    }
    (stats(new_samples), stats(edit_samples))
}

/// The latency of roll-ups of organizations drawn from `orgs`.
fn rollup_latency(engine: &Engine, orgs: &[u32], rng: &mut Seeded, samples: usize) -> Stats {
    let mut out = Vec::with_capacity(samples);
    for i in 0..WARM_UP + samples {
        let org = orgs[rng.below(orgs.len())];
        let t = Instant::now();
        black_box(engine.rollup(black_box(org)));
        if i >= WARM_UP {
            out.push(t.elapsed());
        }
    }
    stats(out)
}

/// The table of results and the RESULT line.
fn report(cfg: &Config, generation: Duration, ev: &Evaluations, lat: &Latencies) {
    let target = |ok: bool| if ok { "met" } else { "missed" };
    let ms = Duration::from_millis(1);
    let full = ev.median();
    let cells = ev.engine.cell_count();
    println!();
    println!("| measurement | result | target |");
    println!("| --- | --- | --- |");
    println!(
        "| full evaluation (`Engine::new`), {} runs | {:.2} s median ({}) | < 1.5 s: {} |",
        cfg.runs,
        full.as_secs_f64(),
        ev.times.iter().map(|t| format!("{:.2}", t.as_secs_f64())).collect::<Vec<_>>().join(", "),
        target(full.as_secs_f64() < 1.5)
    );
    println!(
        "| peak memory during the first evaluation (VmHWM{}) | {:.2} GiB (resident before: {:.2} GiB, after: {:.2} GiB) | < 4 GiB: {} |",
        if ev.peak_reset { ", reset before" } else { ", whole process" },
        ev.peak as f64 / GIB,
        ev.before as f64 / GIB,
        ev.after as f64 / GIB,
        target((ev.peak as f64) < 4.0 * GIB)
    );
    println!("| cells | {cells} | |");
    for (name, st) in [
        ("`upsert_activity`, new assembly, 30 attendees", &lat.insert),
        ("`upsert_activity`, edited assembly, 30 attendees", &lat.edit),
        ("`rollup(city)`", &lat.city),
        ("`rollup(county)`", &lat.county),
        ("`rollup(province)`", &lat.province),
    ] {
        println!("| {name} | median {}, p99 {}, max {} | p99 < 1 ms: {} |", us(st.median), us(st.p99), us(st.max), target(st.p99 < ms));
    }
    let us_of = |d: Duration| d.as_secs_f64() * 1e6;
    println!(
        "RESULT scale={} generation_s={:.2} full_s={:.3} peak_gib={:.3} cells={cells} insert_p50_us={:.1} insert_p99_us={:.1} edit_p50_us={:.1} edit_p99_us={:.1} city_p50_us={:.1} city_p99_us={:.1} county_p50_us={:.1} county_p99_us={:.1}",
        cfg.scale,
        generation.as_secs_f64(),
        full.as_secs_f64(),
        ev.peak as f64 / GIB,
        us_of(lat.insert.median),
        us_of(lat.insert.p99),
        us_of(lat.edit.median),
        us_of(lat.edit.p99),
        us_of(lat.city.median),
        us_of(lat.city.p99),
        us_of(lat.county.median),
        us_of(lat.county.p99),
    );
}

/// Where the time of a full evaluation goes: `Engine::new` with no
/// requirement (checking the world and building the indexes), then with each
/// requirement alone, minus the former; wall and CPU time of the fastest of
/// three runs.
fn breakdown(engine: &Engine, inputs: &Inputs) {
    let (catalogue, calendar, settings) = (&inputs.catalogue, &inputs.calendar, &inputs.settings);
    let time = |cat: &Catalogue| {
        let mut best = (Duration::MAX, Duration::ZERO);
        let mut cells = 0;
        for _ in 0..3 {
            let world = engine.world().clone();
            let (t, cpu) = (Instant::now(), cpu_time());
            let e = Engine::new(cat, calendar.clone(), world, settings, engine.year(), engine.as_of()).unwrap();
            let (wall, cpu) = (t.elapsed(), cpu_time().saturating_sub(cpu));
            if wall < best.0 {
                best = (wall, cpu);
            }
            cells = e.cell_count();
        }
        (best, cells)
    };
    let mut empty = catalogue.clone();
    empty.requirements.clear();
    let ((base, base_cpu), _) = time(&empty);
    println!();
    println!("| part of `Engine::new` | wall (fastest of 3) | CPU | cells |");
    println!("| --- | --- | --- | --- |");
    println!("| checks and indexes (no requirement) | {:.3} s | {:.2} s | |", base.as_secs_f64(), base_cpu.as_secs_f64());
    let (mut total, mut total_cpu) = (base, base_cpu);
    for r in &catalogue.requirements {
        let mut one = catalogue.clone();
        one.requirements = vec![r.clone()];
        let ((wall, cpu), cells) = time(&one);
        let (own, own_cpu) = (wall.saturating_sub(base), cpu.saturating_sub(base_cpu));
        total += own;
        total_cpu += own_cpu;
        println!("| `{}` ({}) | {:.3} s | {:.2} s | {cells} |", r.id, r.subject.code(), own.as_secs_f64(), own_cpu.as_secs_f64());
    }
    println!("| sum | {:.3} s | {:.2} s | |", total.as_secs_f64(), total_cpu.as_secs_f64());
}

/// Per requirement and status: cells, sums of subject indices and period
/// indices, evidence ids and their sum.
#[derive(Default)]
struct Tally {
    cells: u64,
    subjects: u64,
    periods: u64,
    evidence: u64,
    evidence_sum: u64,
}

/// Writes `engine_summary.csv` (every cell, tallied by requirement and status)
/// and `engine_rollups.csv` (the first city and the first county).
fn export_engine(engine: &Engine, catalogue: &Catalogue, cities: &[u32], counties: &[u32], dir: &Path) -> std::io::Result<()> {
    let mut tally: BTreeMap<(u16, Status), Tally> = BTreeMap::new();
    let mut add = |cells: Vec<rules::Cell>| {
        for c in cells {
            let t = tally.entry((c.requirement, c.status)).or_default();
            t.cells += 1;
            t.subjects += u64::from(match c.subject {
                Subject::Org(o) | Subject::Person(o) => o,
            });
            t.periods += c.period.index() as u64 + 1;
            t.evidence += c.evidence.len() as u64;
            t.evidence_sum += c.evidence.iter().map(|&a| u64::from(a)).sum::<u64>();
        }
    };
    // City by city, to keep memory low; then the rows counted above the cities.
    let orgs = &engine.world().orgs;
    let in_city = |o: u32| cities.iter().any(|&c| c <= o && o < orgs[c as usize].subtree_end);
    for &c in cities {
        add(engine.cells_in(c));
    }
    for o in 0..orgs.len() as u32 {
        if !in_city(o) {
            add(engine.cells_of(Subject::Org(o)));
        }
    }
    let total: u64 = tally.values().map(|t| t.cells).sum();
    assert_eq!(total as usize, engine.cell_count(), "person rows counted outside the cities");
    let mut out = BufWriter::new(File::create(dir.join("engine_summary.csv"))?);
    writeln!(out, "requirement,status,cells,subject_sum,period_sum,evidence,evidence_sum")?;
    for ((r, status), t) in &tally {
        let id = &catalogue.requirements[usize::from(*r)].id;
        writeln!(out, "{id},{},{},{},{},{},{}", status.code(), t.cells, t.subjects, t.periods, t.evidence, t.evidence_sum)?;
    }
    out.flush()?;
    let mut out = BufWriter::new(File::create(dir.join("engine_rollups.csv"))?);
    writeln!(out, "org,requirement,status,cells")?;
    for org in cities.first().into_iter().chain(counties.first()) {
        let r = engine.rollup(*org);
        for (i, req) in catalogue.requirements.iter().enumerate() {
            for status in Status::ALL {
                let n = r.count(i as u16, status);
                if n > 0 {
                    writeln!(out, "{org},{},{},{n}", req.id, status.code())?;
                }
            }
        }
    }
    out.flush()
}

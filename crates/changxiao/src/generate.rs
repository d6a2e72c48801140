//! `changxiao gen`: writes a deterministic dataset of a given scale (a
//! province by default) as CSV files, for benchmarks and for loading into
//! other engines; then evaluates it and prints the figures.

use anyhow::{Context, Result, bail};
use province_gen::{Table, province};
use rules::{Calendar, Catalogue, Engine, Settings};
use std::io::Write;
use std::path::Path;
use std::time::Instant;

/// `--scale`: `province` (1.0), `city` (1/16), `county` (1/128) or a factor.
pub fn parse_scale(raw: &str) -> Result<f64, String> {
    let factor = match raw {
        "province" => 1.0,
        "city" => 1.0 / 16.0,
        "county" => 1.0 / 128.0,
        other => other.parse::<f64>().map_err(|_| format!("'{other}' is not province, city, county or a number"))?,
    };
    if factor.is_finite() && (0.0001..=4.0).contains(&factor) { Ok(factor) } else { Err(format!("{factor} is outside 0.0001-4")) }
}

pub fn run(scale: f64, seed: u64, out: Option<&Path>) -> Result<()> {
    let started = Instant::now();
    let catalogue = Catalogue::embedded().context("loading the requirement catalogue")?;
    let generated = province(scale, seed).context("generating")?;
    let summary = generated.summary();
    eprintln!("generated in {:.1} s: {summary:?}", started.elapsed().as_secs_f64());
    if let Some(dir) = out {
        if dir.exists() && std::fs::read_dir(dir).with_context(|| format!("reading {}", dir.display()))?.next().is_some() {
            bail!("--out: {} is not empty; choose a new directory", dir.display());
        }
        std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
        for table in Table::ALL {
            let path = dir.join(table.file_name());
            let file = std::fs::File::create(&path).with_context(|| format!("creating {}", path.display()))?;
            let mut w = std::io::BufWriter::with_capacity(1 << 20, file);
            province_gen::write_table(&generated, &catalogue, table, &mut w).with_context(|| format!("writing {}", path.display()))?;
            w.flush().with_context(|| format!("writing {}", path.display()))?;
        }
        eprintln!("written to {}", dir.display());
    }
    let as_of = chrono::NaiveDate::from_ymd_opt(province_gen::YEAR + 1, 1, 31).context("the as-of day")?;
    let calendar = Calendar::embedded().context("loading the working-day calendars")?;
    let started = Instant::now();
    let engine = Engine::new(&catalogue, calendar, generated.world, &Settings::default(), province_gen::YEAR, as_of)?;
    println!("evaluated {} cells of {} in {:.2} s", engine.cell_count(), province_gen::YEAR, started.elapsed().as_secs_f64());
    Ok(())
}

//! `changxiao gen`: writes a deterministic dataset of a given scale (a
//! province by default) as CSV files, for benchmarks and for loading into
//! other engines; then evaluates it and prints the figures.

use crate::say::{self, While, refuse};
use anyhow::Result;
use domain::Message;
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
        other => other.parse::<f64>().map_err(|_| say::text(&Message::new("cli-bad-scale").text("value", other)))?,
    };
    if factor.is_finite() && (0.0001..=4.0).contains(&factor) {
        Ok(factor)
    } else {
        Err(say::text(&Message::new("cli-bad-scale").text("value", raw)))
    }
}

fn seconds(started: Instant) -> String {
    format!("{:.2}", started.elapsed().as_secs_f64())
}

pub fn run(scale: f64, seed: u64, out: Option<&Path>) -> Result<()> {
    let started = Instant::now();
    let catalogue = Catalogue::embedded().during(Message::new("cli-loading-catalogue"))?;
    let generated = province(scale, seed).during(Message::new("cli-generating"))?;
    let summary = generated.summary();
    say::err(&Message::new("cli-generated").text("seconds", seconds(started)).text("summary", format!("{summary:?}")));
    if let Some(dir) = out {
        let shown = dir.display().to_string();
        if dir.exists() && std::fs::read_dir(dir).during(Message::new("cli-reading-dir").text("dir", shown.clone()))?.next().is_some() {
            return refuse(Message::new("cli-out-not-empty").text("dir", shown));
        }
        std::fs::create_dir_all(dir).during(Message::new("cli-creating-data-dir").text("dir", shown.clone()))?;
        for table in Table::ALL {
            let path = dir.join(table.file_name());
            let writing = || Message::new("cli-writing-file").text("file", path.display().to_string());
            let file = std::fs::File::create(&path).during(writing())?;
            let mut w = std::io::BufWriter::with_capacity(1 << 20, file);
            province_gen::write_table(&generated, &catalogue, table, &mut w).during(writing())?;
            w.flush().during(writing())?;
        }
        say::err(&Message::new("cli-generated-written").text("dir", shown));
    }
    let as_of = chrono::NaiveDate::from_ymd_opt(province_gen::YEAR + 1, 1, 31).during(Message::new("cli-evaluating"))?;
    let calendar = Calendar::embedded().during(Message::new("cli-loading-calendars"))?;
    let started = Instant::now();
    let engine = Engine::new(&catalogue, calendar, generated.world, &Settings::default(), province_gen::YEAR, as_of)
        .during(Message::new("cli-evaluating"))?;
    let evaluated = Message::new("cli-gen-evaluated").count("cells", engine.cell_count()).number("year", province_gen::YEAR);
    say::out(&evaluated.text("seconds", seconds(started)));
    Ok(())
}

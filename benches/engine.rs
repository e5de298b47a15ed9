//! Engine cost against a bare tree-sitter parse of the same files.
//!
//! `cargo bench --bench engine -- <DIR>` (default: fixtures/). Reads every `.ex`/`.exs` file
//! under DIR once into memory, then times, single-threaded and best of several rounds:
//! a bare parse of each file, and the full per-file analysis (parse, walk, checks,
//! suppressions, fingerprints). The ratio is the engine's overhead over parsing.

use doctrine::analyze::{Analyzer, parse};
use doctrine::registry::Registry;
use doctrine::selection::RuleSet;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

const ROUNDS: usize = 5;

fn main() {
    let dir = std::env::args()
        .skip(1)
        .find(|a| !a.starts_with('-'))
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures"));
    let mut files = Vec::new();
    for entry in ignore::WalkBuilder::new(&dir).build().flatten() {
        let path = entry.path();
        if path.extension().is_some_and(|e| e == "ex" || e == "exs")
            && let Ok(bytes) = std::fs::read(path)
        {
            let rel = path
                .strip_prefix(&dir)
                .unwrap_or(path)
                .to_string_lossy()
                .replace('\\', "/");
            files.push((rel, bytes));
        }
    }
    let bytes: usize = files.iter().map(|(_, b)| b.len()).sum();
    let texts: Vec<String> = files
        .iter()
        .map(|(_, b)| String::from_utf8_lossy(b).into_owned())
        .collect();

    let bare = best_of(|| {
        for text in &texts {
            std::hint::black_box(parse(text));
        }
    });

    let registry = Registry::builtin();
    let rules = RuleSet::defaults(&registry);
    let analyzer = Analyzer::new(&registry, &rules).expect("built-in rules compile");
    let mut findings = 0;
    let engine = best_of(|| {
        findings = files
            .iter()
            .map(|(path, bytes)| analyzer.analyze(path, bytes).findings.len())
            .sum();
    });

    println!(
        "corpus: {} ({} files, {:.1} MiB)",
        dir.display(),
        files.len(),
        bytes as f64 / 1048576.0
    );
    println!("bare tree-sitter parse : {:>8.1} ms", ms(bare));
    println!(
        "doctrine analysis      : {:>8.1} ms  ({findings} findings)",
        ms(engine)
    );
    println!(
        "ratio engine / parse   : {:>8.2}",
        engine.as_secs_f64() / bare.as_secs_f64()
    );
    println!(
        "throughput             : {:>8.1} MiB/s single-threaded",
        bytes as f64 / 1048576.0 / engine.as_secs_f64()
    );
}

fn best_of(mut f: impl FnMut()) -> Duration {
    (0..ROUNDS)
        .map(|_| {
            let start = Instant::now();
            f();
            start.elapsed()
        })
        .min()
        .expect("at least one round")
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

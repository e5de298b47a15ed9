//! Engine cost against a bare tree-sitter parse of the same files.
//!
//! `cargo bench --bench engine -- <DIR>` (default: fixtures/). Reads every `.ex`/`.exs` file
//! under DIR once into memory, then times, single-threaded and best of several rounds:
//! a bare parse of each file, and the full per-file analysis (parse, walk, checks,
//! suppressions, fingerprints). The ratio is the engine's overhead over parsing.
//!
//! Wall time on a shared machine is noisy. For instruction counts, run one side under
//! callgrind: `DOCTRINE_BENCH_ROUNDS=1 DOCTRINE_BENCH_ONLY=parse valgrind --tool=callgrind
//! target/release/deps/engine-<hash> <DIR>` (and `ONLY=engine`); the difference of the two
//! totals is the engine's own cost.

use doctrine::analyze::Analyzer;
use doctrine::project::ProjectModel;
use doctrine::registry::Registry;
use doctrine::selection::RuleSet;
use doctrine::syntax::parse::parse;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

const DEFAULT_ROUNDS: usize = 5;

fn main() {
    // Instruction counts under callgrind must not depend on its slowdown.
    doctrine::syntax::parse::disable_deadline();
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

    let rounds = std::env::var("DOCTRINE_BENCH_ROUNDS")
        .ok()
        .and_then(|r| r.parse().ok())
        .unwrap_or(DEFAULT_ROUNDS);
    let only = std::env::var("DOCTRINE_BENCH_ONLY").unwrap_or_default();
    let bare = best_of(rounds * usize::from(only != "engine"), || {
        for text in &texts {
            let _ = std::hint::black_box(parse(text));
        }
    });

    let registry = Registry::builtin();
    let rules = RuleSet::defaults(&registry);
    let analyzer = Analyzer::new(&registry, &rules).expect("built-in rules compile");
    let project = ProjectModel::discover(&dir);
    let mut findings = 0;
    let engine = best_of(rounds * usize::from(only != "parse"), || {
        findings = files
            .iter()
            .map(|(path, bytes)| {
                analyzer
                    .analyze(path, project.role_of(path), bytes)
                    .findings
                    .len()
            })
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

/// The fastest of `rounds` runs (zero when skipped).
fn best_of(rounds: usize, mut f: impl FnMut()) -> Duration {
    (0..rounds)
        .map(|_| {
            let start = Instant::now();
            f();
            start.elapsed()
        })
        .min()
        .unwrap_or_default()
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

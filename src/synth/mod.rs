//! Synthetic Phoenix projects for benchmarks (`cargo bench`) and the cache tests: a
//! deterministic stand-in for a real application, so performance numbers can be reproduced
//! without fetching anyone's repository.
//!
//! `generate(dir, n)` writes an app called `shop` with exactly `n` `.ex`/`.exs` files (at
//! least [`MIN_FILES`]; `.formatter.exs` is one of them, and doctrine skips it as a hidden
//! file): contexts and schemas, GenServers and Oban workers, a JSON web layer, migrations and
//! tests, in roughly the proportions of a real Phoenix code base (see `counts`), plus
//! `mix.lock`, README, CHANGELOG and CI files. Files average about 3 KB, as in real apps.
//!
//! The same `Spec` gives the same bytes on every machine: every choice comes from a
//! splitmix64 stream seeded by the spec and the file's role, never from the clock, the OS or
//! hash-map order. The code is mostly clean, with a planted share (about 1–3 % of functions
//! and modules, spread evenly by `planted`) of what the rules look for, so a scan has
//! findings in most pillars but is dominated by the cost of clean code. Module names come
//! from word lists and qualifier chains (`Catalog`, then `WholesaleCatalog`, …), so any
//! size is possible without two modules, tables or paths sharing a name.

mod contexts;
mod fixed;
mod migrations;
mod plan;
mod schemas;
mod skeleton;
mod web;
mod workers;

use crate::source::is_elixir;
use std::collections::BTreeSet;
use std::io;
use std::path::Path;

use contexts::{context, context_test};
use fixed::fixed;
use migrations::migration;
use plan::{FIELDS, Plan, Schema, plan, snake};
use schemas::{schema, schema_test};
use web::{JSON_VIEW, PLUG, controller, controller_test, json_vars};
use workers::{GENSERVER_TEST, OBAN_TEST, worker};

/// The seed `generate` uses.
pub const DEFAULT_SEED: u64 = 0x5EED_5409;
/// Files every project has whatever its size: mix, config, application, repo, web
/// skeleton, test support.
const FIXED_ELIXIR: usize = 25;
/// The smallest project: the fixed files plus one context, its schemas and its tests.
pub const MIN_FILES: usize = FIXED_ELIXIR + 5;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Spec {
    /// Elixir files to write; raised to `MIN_FILES` if smaller.
    pub files: usize,
    pub seed: u64,
}

impl Spec {
    /// `files` Elixir files with the default seed.
    pub fn new(files: usize) -> Spec {
        Spec {
            files,
            seed: DEFAULT_SEED,
        }
    }
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Summary {
    pub elixir_files: usize,
    pub other_files: usize,
    pub bytes: u64,
}

/// Writes a project of `files` Elixir files (at least `MIN_FILES`) under `dir`, which must
/// be empty or absent, with the default seed.
pub fn generate(dir: &Path, files: usize) -> io::Result<Summary> {
    generate_with(dir, Spec::new(files))
}

/// `generate` with a chosen seed: another project of the same shape and size.
pub fn generate_with(dir: &Path, spec: Spec) -> io::Result<Summary> {
    if dir.exists() && std::fs::read_dir(dir)?.next().is_some() {
        let msg = format!("{} is not empty", dir.display());
        return Err(io::Error::new(io::ErrorKind::AlreadyExists, msg));
    }
    let mut summary = Summary::default();
    let mut made = BTreeSet::new();
    render(spec, &mut |rel, text| {
        let path = dir.join(rel);
        if let Some(parent) = path.parent()
            && made.insert(parent.to_path_buf())
        {
            std::fs::create_dir_all(parent)?;
        }
        std::fs::write(&path, text)?;
        if is_elixir(rel) {
            summary.elixir_files += 1;
        } else {
            summary.other_files += 1;
        }
        summary.bytes += text.len() as u64;
        Ok(())
    })?;
    Ok(summary)
}

/// splitmix64: tiny, fast, and the same everywhere.
struct Rng(u64);

impl Rng {
    /// A stream per file (or per plan step), so one file's choices never shift another's.
    fn new(seed: u64, stream: &str, index: usize) -> Rng {
        let mut h = 0xcbf2_9ce4_8422_2325u64 ^ seed;
        for b in stream.bytes() {
            h = (h ^ u64::from(b)).wrapping_mul(0x100_0000_01b3);
        }
        Rng(h ^ (index as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15))
    }
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
    fn chance(&mut self, per_mille: u64) -> bool {
        self.next() % 1000 < per_mille
    }
    fn hex(&mut self, digits: usize) -> String {
        (0..digits)
            .map(|_| char::from(b"0123456789abcdef"[self.below(16)]))
            .collect()
    }
}

/// Values for the `«key»` placeholders of a template (Elixir is full of braces, so
/// `format!` templates would be mostly escapes).
#[derive(Clone)]
struct Vars(Vec<(&'static str, String)>);

impl Vars {
    fn new() -> Vars {
        Vars(Vec::new())
    }
    fn set(mut self, key: &'static str, value: impl Into<String>) -> Vars {
        self.0.push((key, value.into()));
        self
    }
    fn get(&self, key: &str) -> &str {
        let found = self.0.iter().rev().find(|(k, _)| *k == key);
        found
            .map(|(_, v)| v.as_str())
            .unwrap_or_else(|| panic!("no value for «{key}»"))
    }
}

/// Appends `tpl` with each `«key»` replaced by its value.
fn fill(out: &mut String, tpl: &str, vars: &Vars) {
    let mut parts = tpl.split('«');
    out.push_str(parts.next().unwrap_or(""));
    for part in parts {
        let (key, rest) = part.split_once('»').expect("closed placeholder");
        out.push_str(vars.get(key));
        out.push_str(rest);
    }
}

fn filled(tpl: &str, vars: &Vars) -> String {
    let mut out = String::with_capacity(tpl.len() + tpl.len() / 2);
    fill(&mut out, tpl, vars);
    out
}

type Emit<'a> = dyn FnMut(&str, &str) -> io::Result<()> + 'a;

fn render(spec: Spec, emit: &mut Emit) -> io::Result<()> {
    let plan = plan(spec);
    for (path, text) in fixed(&plan) {
        emit(path, &text)?;
    }
    for (i, ctx) in plan.contexts.iter().enumerate() {
        emit(&format!("lib/shop/{}.ex", ctx.snake), &context(&plan, i))?;
        emit(
            &format!("test/shop/{}_test.exs", ctx.snake),
            &context_test(&plan, i),
        )?;
        for j in ctx.schemas.clone() {
            let s = &plan.schemas[j];
            let base = format!("shop/{}/{}", ctx.snake, s.var);
            emit(&format!("lib/{base}.ex"), &schema(&plan, j))?;
            if s.tested {
                emit(&format!("test/{base}_test.exs"), &schema_test(&plan, j))?;
            }
            if s.controller.is_some() {
                let base = format!("shop_web/controllers/{}{}", s.web_dir, s.var);
                emit(&format!("lib/{base}_controller.ex"), &controller(&plan, j))?;
                emit(
                    &format!("test/{base}_controller_test.exs"),
                    &controller_test(&plan, j),
                )?;
                if s.json_view {
                    emit(
                        &format!("lib/{base}_json.ex"),
                        &filled(JSON_VIEW, &json_vars(&plan, j)),
                    )?;
                }
            }
        }
    }
    for (i, w) in plan.workers.iter().enumerate() {
        emit(
            &format!("lib/shop/workers/{}.ex", w.snake),
            &worker(&plan, i),
        )?;
        if w.tested {
            let vars = Vars::new().set("W", &w.name).set("w", &w.snake);
            let tpl = if w.oban { OBAN_TEST } else { GENSERVER_TEST };
            emit(
                &format!("test/shop/workers/{}_test.exs", w.snake),
                &filled(tpl, &vars),
            )?;
        }
    }
    for name in &plan.plugs {
        let key = snake(name);
        let vars = Vars::new()
            .set("P", name)
            .set("h", key.replace('_', "-"))
            .set("k", &key);
        emit(
            &format!("lib/shop_web/plugs/{key}.ex"),
            &filled(PLUG, &vars),
        )?;
    }
    for m in &plan.migrations {
        emit(
            &format!("priv/repo/migrations/{}.exs", m.file),
            &migration(&plan, m),
        )?;
    }
    Ok(())
}

/// The placeholders every template about one schema can use.
fn schema_vars(plan: &Plan, j: usize) -> Vars {
    let s = &plan.schemas[j];
    let ctx = &plan.contexts[s.ctx];
    let f = FIELDS[s.fields[0]];
    let vars = Vars::new()
        .set("C", &ctx.name)
        .set("c", &ctx.snake)
        .set("S", &s.name)
        .set("s", &s.var)
        .set("ss", &s.plural)
        .set("T", &s.table)
        .set("Web", &s.web)
        .set("q", &s.var[..1])
        .set("human", s.var.replace('_', " "))
        .set("path", format!("/api/{}/{}", ctx.snake, s.plural))
        .set("f", f.0)
        .set("v", f.3)
        .set("u", f.4)
        .set("valid", attrs(s, |f| f.3, false, 4))
        .set("update", attrs(s, |f| f.4, false, 4))
        .set("invalid", attrs(s, |f| f.3, true, 4));
    match s.parent.map(|p| &plan.schemas[p]) {
        Some(p) => vars.set("P", &p.name).set("p", &p.var).set("ps", &p.plural),
        None => vars,
    }
}

type Field = (
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    &'static str,
);

/// An Elixir map literal of the schema's fields; `invalid` blanks the required ones.
fn attrs(s: &Schema, value: fn(&Field) -> &'static str, invalid: bool, indent: usize) -> String {
    let parts: Vec<String> = (s.fields.iter().enumerate())
        .map(|(k, &f)| {
            let v = if invalid && k < s.required {
                "nil"
            } else {
                value(&FIELDS[f])
            };
            format!("{}: {v}", FIELDS[f].0)
        })
        .collect();
    wrapped("%{", &parts, "}", indent)
}

/// `open a, b close` on one line if it fits beside a 40-column prefix, else one item a
/// line as `mix format` writes it.
fn wrapped(open: &str, items: &[String], close: &str, indent: usize) -> String {
    let one_line = items.join(", ");
    if indent + 40 + one_line.len() <= 98 {
        return format!("{open}{one_line}{close}");
    }
    let pad = " ".repeat(indent + 2);
    let body: Vec<String> = items.iter().map(|i| format!("{pad}{i}")).collect();
    format!(
        "{open}\n{}\n{}{close}",
        body.join(",\n"),
        " ".repeat(indent)
    )
}

#[cfg(test)]
mod tests {
    use super::plan::timestamp;
    use super::*;
    use std::collections::BTreeMap;

    fn in_memory(spec: Spec) -> BTreeMap<String, String> {
        let mut out = BTreeMap::new();
        render(spec, &mut |p, t| {
            assert!(
                out.insert(p.to_string(), t.to_string()).is_none(),
                "{p} written twice"
            );
            Ok(())
        })
        .unwrap();
        out
    }

    fn read_tree(dir: &Path) -> BTreeMap<String, Vec<u8>> {
        let mut out = BTreeMap::new();
        let mut stack = vec![dir.to_path_buf()];
        while let Some(d) = stack.pop() {
            for e in std::fs::read_dir(d).unwrap() {
                let path = e.unwrap().path();
                if path.is_dir() {
                    stack.push(path);
                } else {
                    let rel = path
                        .strip_prefix(dir)
                        .unwrap()
                        .to_string_lossy()
                        .into_owned();
                    out.insert(rel, std::fs::read(&path).unwrap());
                }
            }
        }
        out
    }

    #[test]
    fn the_same_spec_writes_the_same_bytes() {
        let (a, b) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
        let sa = generate(&a.path().join("shop"), 300).unwrap();
        let sb = generate(&b.path().join("shop"), 300).unwrap();
        assert_eq!(sa, sb);
        assert_eq!(
            read_tree(&a.path().join("shop")),
            read_tree(&b.path().join("shop"))
        );
        assert!(
            generate(&a.path().join("shop"), 300).is_err(),
            "refuses a non-empty dir"
        );
        let reseeded = in_memory(Spec {
            files: 300,
            seed: 7,
        });
        assert_ne!(in_memory(Spec::new(300)), reseeded, "the seed matters");
    }

    #[test]
    fn writes_exactly_the_number_of_elixir_files_asked_for() {
        for n in [1, 30, 31, 37, 57, 200, 1000, 4321] {
            let files = in_memory(Spec::new(n));
            let elixir = files.keys().filter(|p| is_elixir(p)).count();
            assert_eq!(elixir, n.max(MIN_FILES), "n = {n}");
        }
        let dir = tempfile::tempdir().unwrap();
        let summary = generate(&dir.path().join("p"), 200).unwrap();
        assert_eq!(summary.elixir_files, 200);
        assert_eq!(summary.other_files, 5);
    }

    #[test]
    fn module_names_and_paths_never_collide() {
        let plan = plan(Spec::new(50_000));
        let mut modules = BTreeSet::new();
        for c in &plan.contexts {
            assert!(modules.insert(format!("Shop.{}", c.name)));
        }
        for s in &plan.schemas {
            assert!(modules.insert(format!("Shop.{}.{}", plan.contexts[s.ctx].name, s.name)));
            assert!(modules.insert(format!("table {}", s.table)), "{}", s.table);
            assert!(
                modules.insert(format!("{}.{}Controller", s.web, s.name)),
                "{}",
                s.name
            );
        }
        for w in &plan.workers {
            assert!(modules.insert(format!("Shop.Workers.{}", w.name)));
        }
        for p in &plan.plugs {
            assert!(modules.insert(format!("ShopWeb.Plugs.{p}")));
        }
        for m in &plan.migrations {
            assert!(modules.insert(m.module.clone()), "{}", m.module);
        }
        let stamps: Vec<&str> = plan.migrations.iter().map(|m| &m.file[..14]).collect();
        assert!(stamps.windows(2).all(|w| w[0] < w[1]) && stamps.iter().all(|s| s.len() == 14));
        assert_eq!(timestamp(1_647_248_400), "20220314090000");
        assert_eq!(timestamp(951_782_400), "20000229000000");
    }

    #[test]
    fn every_elixir_file_parses() {
        for n in [30, 1000] {
            for (path, text) in in_memory(Spec::new(n)).iter().filter(|(p, _)| is_elixir(p)) {
                let tree = crate::syntax::parse::parse(text).expect("parses within budget");
                assert!(
                    !tree.root_node().has_error(),
                    "{path} has a syntax error:\n{text}"
                );
            }
        }
    }

    #[test]
    fn sizes_look_like_a_phoenix_app() {
        let files = in_memory(Spec::new(2000));
        let mut sizes: Vec<usize> = files
            .iter()
            .filter(|(p, _)| is_elixir(p))
            .map(|(_, t)| t.len())
            .collect();
        sizes.sort_unstable();
        let (median, max) = (sizes[sizes.len() / 2], sizes[sizes.len() - 1]);
        let mean = sizes.iter().sum::<usize>() / sizes.len();
        assert!((1500..=4500).contains(&median), "median {median}");
        assert!((2000..=5000).contains(&mean), "mean {mean}");
        assert!((10_000..=40_000).contains(&max), "max {max}");
    }

    /// Writes a project for a look or a manual benchmark and prints the time it took:
    /// `SYNTH_DIR=/tmp/shop SYNTH_FILES=2000 cargo test --release --lib write_a_project -- --ignored --nocapture`.
    #[test]
    #[ignore]
    fn write_a_project() {
        let dir = std::env::var("SYNTH_DIR").expect("SYNTH_DIR");
        let files = std::env::var("SYNTH_FILES").map_or(2000, |n| n.parse().expect("a number"));
        let started = std::time::Instant::now();
        let summary = generate(Path::new(&dir), files).unwrap();
        let elapsed = started.elapsed();
        let per_file = summary.bytes / (summary.elixir_files + summary.other_files) as u64;
        println!("{summary:?} in {elapsed:?}, {per_file} bytes per file");
        let started = std::time::Instant::now();
        let mut bytes = 0;
        render(Spec::new(files), &mut |_, t| {
            bytes += t.len();
            Ok(())
        })
        .unwrap();
        println!(
            "rendering alone (no disk): {:?} for {bytes} bytes",
            started.elapsed()
        );
    }

    #[test]
    fn doctrine_finds_a_few_planted_problems_in_mostly_clean_code() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("shop");
        generate(&dir, 200).unwrap();
        let opts = crate::run::ScanOptions {
            paths: vec![dir.clone()],
            ..Default::default()
        };
        let scan = crate::run::scan(&opts, &dir, crate::registry::Registry::builtin()).unwrap();
        let report = &scan.report;
        // Not a git repository: that note is the only diagnostic allowed (no syntax errors).
        let kinds: Vec<_> = report.diagnostics.iter().map(|d| d.kind).collect();
        assert!(
            kinds
                .iter()
                .all(|k| *k == crate::finding::DiagnosticKind::Git),
            "{kinds:?}"
        );
        assert!(scan.whole_project && !scan.lost_findings());
        let pillars: BTreeSet<&str> = report
            .findings
            .iter()
            .map(|f| f.rule.trim_end_matches(|c: char| c.is_ascii_digit()))
            .collect();
        assert!(pillars.len() >= 5, "{pillars:?}");
        let lines: usize = read_tree(&dir)
            .iter()
            .filter(|(p, _)| is_elixir(p))
            .map(|(_, b)| b.iter().filter(|&&c| c == b'\n').count())
            .sum();
        let blocking = report
            .findings
            .iter()
            .filter(|f| f.enforcement == crate::finding::Enforcement::Blocking)
            .count();
        assert!(
            blocking > 0 && blocking * 1000 < lines * 3,
            "{blocking} blocking findings in {lines} lines"
        );
    }
}

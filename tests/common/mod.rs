//! Table-driven test support shared by the rule test files: run `doctrine::lint_str` on a
//! snippet and compare the exact multiset of `(rule, line)` findings, reporting every failing
//! case at once.
#![allow(dead_code)]

pub mod repo;
pub mod run;

/// One table row: a snippet linted as `path`, and every finding it must produce (and no other)
/// among the rules the table looks at.
pub struct Case {
    pub name: &'static str,
    pub path: &'static str,
    pub src: &'static str,
    pub expect: &'static [(&'static str, u32)],
}

/// One position row: the findings of `rule` must sit exactly at these (line, column) points.
pub struct At {
    pub name: &'static str,
    pub path: &'static str,
    pub src: &'static str,
    pub rule: &'static str,
    pub expect: &'static [(u32, u32)],
}

pub const LIB: &str = "lib/shop/x.ex";
pub const TEST: &str = "test/shop/x_test.exs";

/// Snippets are written indented inside the Rust source, starting on the line after `r##"`.
/// Drop that first newline and the indentation common to every non-blank line, so line 1 is
/// the snippet's first line and columns count from the snippet's left margin.
pub fn dedent(src: &str) -> String {
    let src = src.strip_prefix('\n').unwrap_or(src);
    let indent = src
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| l.len() - l.trim_start().len())
        .min()
        .unwrap_or(0);
    let mut out: String = src
        .lines()
        .map(|l| l.get(indent..).unwrap_or(""))
        .collect::<Vec<_>>()
        .join("\n");
    out.push('\n');
    out
}

fn selected(rule: &str, prefixes: &[&str]) -> bool {
    prefixes.iter().any(|p| rule.starts_with(p))
}

/// Findings of the selected rules as sorted `(rule, line)` pairs; `Err` when the snippet does
/// not parse cleanly (a broken snippet would make a negative case pass for the wrong reason).
pub fn lint(path: &str, src: &str, prefixes: &[&str]) -> Result<Vec<(String, u32)>, String> {
    lint_with(path, src, prefixes, "")
}

fn lint_with(
    path: &str,
    src: &str,
    prefixes: &[&str],
    config: &str,
) -> Result<Vec<(String, u32)>, String> {
    let registry = doctrine::registry::Registry::builtin();
    let config = doctrine::config::Config::parse(config, ".doctrine.toml", &registry)
        .map_err(|e| format!("bad test config: {}", e[0].plain()))?;
    let report = doctrine::lint_str_with(path, src, &config);
    if !report.diagnostics.is_empty() {
        return Err(format!("diagnostics: {:?}", report.diagnostics));
    }
    let mut found: Vec<(String, u32)> = report
        .findings
        .iter()
        .filter(|f| selected(&f.rule, prefixes))
        .map(|f| (f.rule.clone(), f.span.start_line))
        .collect();
    found.sort();
    Ok(found)
}

/// Run every case; fail once, listing every case whose findings differ from its expectation.
pub fn run(cases: &[Case], prefixes: &[&str]) {
    run_with_config(cases, prefixes, "");
}

/// `run` with a `.doctrine.toml` (for example one that widens a rule's roles).
pub fn run_with_config(cases: &[Case], prefixes: &[&str], config: &str) {
    let mut failures = Vec::new();
    let mut names = std::collections::HashSet::new();
    for case in cases {
        assert!(
            names.insert(case.name),
            "duplicate case name `{}`",
            case.name
        );
        let src = dedent(case.src);
        let mut expected: Vec<(String, u32)> = case
            .expect
            .iter()
            .map(|(rule, line)| (rule.to_string(), *line))
            .collect();
        expected.sort();
        match lint_with(case.path, &src, prefixes, config) {
            Ok(found) if found == expected => {}
            Ok(found) => failures.push(format!(
                "case `{}` ({}):\n  expected {:?}\n  found    {:?}\n{}",
                case.name,
                case.path,
                expected,
                found,
                numbered(&src)
            )),
            Err(e) => failures.push(format!(
                "case `{}` ({}): {e}\n{}",
                case.name,
                case.path,
                numbered(&src)
            )),
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} cases failed:\n\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n\n")
    );
}

/// Run every position case: the findings of its rule, as sorted (line, column) pairs.
pub fn run_positions(cases: &[At]) {
    let mut failures = Vec::new();
    for case in cases {
        let src = dedent(case.src);
        let report = doctrine::lint_str(case.path, &src);
        let mut found: Vec<(u32, u32)> = report
            .findings
            .iter()
            .filter(|f| f.rule == case.rule)
            .map(|f| (f.span.start_line, f.span.start_column))
            .collect();
        found.sort();
        let mut expected = case.expect.to_vec();
        expected.sort();
        if found != expected || !report.diagnostics.is_empty() {
            failures.push(format!(
                "case `{}` {}: expected (line, column) {:?}, found {:?} {:?}\n{}",
                case.name,
                case.rule,
                expected,
                found,
                report.diagnostics,
                numbered(&src)
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

/// The findings (all rules) with their messages, for tests that look at wording.
pub fn messages(path: &str, src: &str, rule: &str) -> Vec<String> {
    doctrine::lint_str(path, &dedent(src))
        .findings
        .into_iter()
        .filter(|f| f.rule == rule)
        .map(|f| f.message)
        .collect()
}

fn numbered(src: &str) -> String {
    src.lines()
        .enumerate()
        .map(|(i, l)| format!("  {:>3} | {l}", i + 1))
        .collect::<Vec<_>>()
        .join("\n")
}

/// Render `report` in `format` as the CLI would for a project at `/p`, run from `/p`, with
/// `sources` as the files on disk, every annotation shown and no colors.
pub fn render(
    report: &doctrine::finding::Report,
    sources: &dyn doctrine::source::SourceSet,
    format: doctrine::output::Format,
) -> String {
    let registry = doctrine::registry::Registry::builtin();
    let rules = doctrine::selection::RuleSet::defaults(&registry);
    let root = std::path::Path::new("/p");
    let cx = doctrine::output::RenderContext {
        report,
        registry: &registry,
        rules: &rules,
        sources,
        checkout: root,
        checkout_prefix: "",
        color: false,
        statistics: false,
        quiet: true,
        root,
        cwd: root,
        max_annotations: usize::MAX,
        execution_successful: true,
    };
    doctrine::output::render(format, &cx)
}

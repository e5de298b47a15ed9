//! doctrine: a deploy-doctrine linter for Elixir codebases. See docs/ARCHITECTURE.md.

pub mod analyze;
pub mod baseline;
pub mod cache;
pub mod checks;
pub mod cli;
pub mod config;
pub mod docs;
pub mod engine;
pub mod error;
pub mod examples;
pub mod finding;
pub mod gate;
pub mod git;
pub mod health;
pub mod history;
pub mod hooks;
pub mod output;
pub mod project;
pub mod project_checks;
pub mod query_rules;
pub mod registry;
pub mod run;
pub mod secrets;
pub mod selection;
pub mod source;
pub mod staged;
pub mod suppress;
pub mod syntax;
pub mod synth;

/// Analyse one in-memory file with the built-in per-file rules at their default enforcement,
/// as a scan of a project holding only this file. `path` is project-relative and decides the
/// file's role (`lib/…`, `test/…`, …).
pub fn lint_str(path: &str, src: &str) -> finding::Report {
    lint_str_with(path, src, &config::Config::default())
}

/// `lint_str` with a configuration (`.doctrine.toml` parsed with `config::Config::parse`).
pub fn lint_str_with(path: &str, src: &str, config: &config::Config) -> finding::Report {
    let registry = registry::Registry::builtin();
    let rules =
        selection::RuleSet::new(&registry, config, &[], &[]).expect("no selectors to validate");
    let analyzer = analyze::Analyzer::new(&registry, &rules).expect("built-in rules compile");
    let project = project::ProjectModel::single_app(std::path::Path::new(""));
    let sources = source::MemorySources::new(vec![(path.to_string(), src.as_bytes().to_vec())]);
    engine::scan(&analyzer, &sources, None, &project, None, false)
}

//! doctrine: a deploy-doctrine linter for Elixir codebases. See docs/ARCHITECTURE.md.

pub mod analyze;
pub mod checks;
pub mod cli;
pub mod config;
pub mod docs;
pub mod engine;
pub mod error;
pub mod examples;
pub mod finding;
pub mod output;
pub mod project;
pub mod project_checks;
pub mod query_rules;
pub mod registry;
pub mod selection;
pub mod source;
pub mod suppress;
pub mod syntax;

/// Analyse one in-memory file with the built-in rules at their default enforcement.
/// `path` is project-relative and decides the file's role (`lib/…`, `test/…`, …).
pub fn lint_str(path: &str, src: &str) -> finding::FileReport {
    let registry = registry::Registry::builtin();
    let rules = selection::RuleSet::defaults(&registry);
    let analyzer = analyze::Analyzer::new(&registry, &rules).expect("built-in rules compile");
    let role = project::ProjectModel::single_app(std::path::Path::new("")).role_of(path);
    analyzer.analyze(path, role, src.as_bytes())
}

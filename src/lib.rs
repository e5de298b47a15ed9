//! doctrine: a deploy-doctrine linter for Elixir codebases. See docs/ARCHITECTURE.md.

pub mod analyze;
pub mod checks;
pub mod cli;
pub mod config;
pub mod docs;
pub mod engine;
pub mod error;
pub mod finding;
pub mod output;
pub mod project;
pub mod query_rules;
pub mod registry;
pub mod selection;
pub mod source;
pub mod suppress;
pub mod syntax;

//! Renderers: each turns a sorted `Report` into bytes. None of them reads the clock or the
//! environment, so the same report always renders to the same bytes.

mod github;
mod json;
mod sarif;
mod text;

use crate::finding::Report;
use crate::registry::Registry;
use crate::selection::RuleSet;
use crate::source::SourceSet;
use std::path::Path;

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// Findings with source snippets (miette).
    Text,
    /// One line per finding: `path:line:col: RULE message`.
    Concise,
    /// The stable JSON schema documented in docs/JSON.md.
    Json,
    /// SARIF 2.1.0 for editors and GitHub code scanning.
    Sarif,
    /// GitHub Actions workflow commands (annotations).
    Github,
}

pub struct RenderContext<'a> {
    pub report: &'a Report,
    pub registry: &'a Registry,
    pub rules: &'a RuleSet,
    pub sources: &'a dyn SourceSet,
    /// The repository checkout holding the project (the project root outside git), and the
    /// project root's path inside it (`""` or `"backend/"`). GitHub resolves annotation and
    /// SARIF paths against the checkout, so those two formats prefix their paths with it.
    pub checkout: &'a Path,
    pub checkout_prefix: &'a str,
    pub color: bool,
    pub statistics: bool,
    pub quiet: bool,
}

pub fn render(format: Format, cx: &RenderContext) -> String {
    match format {
        Format::Text => text::render(cx, true),
        Format::Concise => text::render(cx, false),
        Format::Json => json::render(cx),
        Format::Sarif => sarif::render(cx),
        Format::Github => github::render(cx),
    }
}

//! Renderers: each turns a sorted `Report` into bytes. None of them reads the clock or the
//! environment, so the same report always renders to the same bytes.

mod ci_reports;
mod display;
mod github;
pub mod health;
pub mod html;
mod json;
mod sarif;
mod text;
pub mod trend;

pub use display::escape;
pub use text::{statistics, summary_line};

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
    /// GitLab code-quality report (JSON, with fingerprints).
    Gitlab,
    /// JUnit XML, for CI systems that show test reports.
    Junit,
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
    /// The project root and the current directory, both absolute: text and concise paths
    /// are shown relative to the current directory, so a terminal can open them.
    pub root: &'a Path,
    pub cwd: &'a Path,
    /// At most this many GitHub annotations.
    pub max_annotations: usize,
    /// False when the run exits 2 (configuration or input errors): SARIF says so.
    pub execution_successful: bool,
}

impl RenderContext<'_> {
    /// A project-relative path as the user reaches it from the current directory.
    pub fn display_path(&self, path: &str) -> String {
        if self.cwd == self.root {
            return path.to_string();
        }
        let directory = path.ends_with('/');
        let shown = relative_from(self.cwd, &self.root.join(path.trim_end_matches("./")));
        match (shown.as_str(), directory) {
            ("", _) => "./".to_string(),
            (_, true) => format!("{shown}/"),
            (_, false) => shown,
        }
    }
}

/// The path of `target` (a directory) as seen from `cwd`, both absolute: `""` when they are
/// the same, `../..` when `target` is above, `sub/dir` when below, or the absolute path when
/// they share nothing.
pub fn relative_from(cwd: &Path, target: &Path) -> String {
    let cwd: Vec<_> = cwd.components().collect();
    let target_parts: Vec<_> = target.components().collect();
    let common = cwd
        .iter()
        .zip(&target_parts)
        .take_while(|(a, b)| a == b)
        .count();
    if common == 0 {
        return target.display().to_string();
    }
    let ups = std::iter::repeat_n("..".to_string(), cwd.len() - common);
    let downs = target_parts[common..]
        .iter()
        .map(|c| c.as_os_str().to_string_lossy().into_owned());
    ups.chain(downs).collect::<Vec<_>>().join("/")
}

pub fn render(format: Format, cx: &RenderContext) -> String {
    match format {
        Format::Text => text::render(cx, true),
        Format::Concise => text::render(cx, false),
        Format::Json => json::render(cx),
        Format::Sarif => sarif::render(cx),
        Format::Github => github::render(cx),
        Format::Gitlab => ci_reports::gitlab(cx),
        Format::Junit => ci_reports::junit(cx),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_are_shown_from_the_current_directory() {
        let root = Path::new("/work/shop");
        assert_eq!(relative_from(Path::new("/work/shop"), root), "");
        assert_eq!(
            relative_from(Path::new("/work/shop/lib/shop"), root),
            "../.."
        );
        assert_eq!(relative_from(Path::new("/work"), root), "shop");
        assert_eq!(relative_from(Path::new("/work/other"), root), "../shop");
        assert_eq!(
            relative_from(
                Path::new("/work/shop/lib/shop"),
                &root.join("lib/shop/a.ex")
            ),
            "a.ex"
        );
        assert_eq!(
            relative_from(Path::new("/work/shop/test"), &root.join("lib/a.ex")),
            "../lib/a.ex"
        );
    }
}

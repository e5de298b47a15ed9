//! Project-level checks: rules about the project as a whole (READMEs, the router's web
//! shields, and later mix.exs, git). They run once per run, over the `ProjectModel` and the
//! facts the per-file scan collected, after the scan, and only when the whole project is
//! being checked.

mod deps;
mod otel;
mod rdme;
mod shld;

use crate::finding::{Finding, ProjectFacts, Span, fingerprint, line_hash, normalize_line};
use crate::project::ProjectModel;
use crate::registry::Registry;
use crate::selection::RuleSet;
use crate::source::SourceSet;
use crate::syntax::lines::LineIndex;

pub trait ProjectCheck: Sync + Send {
    /// The rule ids this check reports.
    fn rules(&self) -> &'static [&'static str];
    fn check(&self, project: &ProjectModel, cx: &mut ProjectContext);
}

pub fn builtin() -> Vec<Box<dyn ProjectCheck>> {
    vec![
        Box::new(rdme::Readmes),
        Box::new(shld::WebShields),
        Box::new(otel::Telemetry),
        Box::new(deps::Dependencies),
    ]
}

/// What a project check sees, and where it reports.
pub struct ProjectContext<'a> {
    pub sources: &'a dyn SourceSet,
    /// What the scan learned about the project (routers, endpoints, config settings).
    pub facts: &'a ProjectFacts,
    registry: &'a Registry,
    rules: &'a RuleSet,
    findings: Vec<Finding>,
}

impl ProjectContext<'_> {
    /// The text of a project file, if it exists and is readable.
    pub fn read(&self, path: &str) -> Option<String> {
        self.sources
            .read(path)
            .ok()
            .map(|bytes| String::from_utf8_lossy(&bytes).into_owned())
    }

    /// Report `rule` on a directory (`""` for the project root) rather than on a line of a
    /// file: the finding's path ends in `/` (`./` for the root) and it has no position
    /// (`Span::is_whole_file`).
    pub fn report_dir(&mut self, rule: &str, dir: &str, message: String) {
        let path = if dir.is_empty() {
            "./".to_string()
        } else {
            format!("{dir}/")
        };
        self.push(rule, &path, Span::default(), message);
    }

    /// Report `rule` at `span` of `path`, a position the scan worked out (a project fact).
    pub fn report_at(&mut self, rule: &str, path: &str, span: Span, message: String) {
        self.push(rule, path, span, message);
    }

    /// Report `rule` on the 0-based `line` of `path`, whose text is `content`.
    pub fn report(&mut self, rule: &str, path: &str, content: &str, line: usize, message: String) {
        let lines = LineIndex::new(content);
        let text = lines.lines.get(line).copied().unwrap_or("");
        let start = lines.start_of(line).min(content.len());
        let span = lines.span(content, start, start + text.len());
        self.push(rule, path, span, message);
    }

    fn push(&mut self, rule: &str, path: &str, span: Span, message: String) {
        let Some(index) = self.registry.position(rule) else {
            debug_assert!(false, "project check reported unregistered rule {rule}");
            return;
        };
        if !self.rules.applies_at(index, path) {
            return;
        }
        self.findings.push(Finding {
            rule: rule.to_string(),
            path: path.to_string(),
            span,
            fingerprint: fingerprint(rule, path, "", line_hash(&normalize_line(&message)), 0),
            message,
            enforcement: self.rules.enforcement(index),
            unless_callback: None,
            unless_set_for_prod: None,
        });
    }
}

/// Run every project check that has an enabled rule.
pub fn run(
    project: &ProjectModel,
    sources: &dyn SourceSet,
    facts: &ProjectFacts,
    registry: &Registry,
    rules: &RuleSet,
) -> Vec<Finding> {
    let mut cx = ProjectContext {
        sources,
        facts,
        registry,
        rules,
        findings: Vec::new(),
    };
    for check in builtin() {
        let enabled = check
            .rules()
            .iter()
            .any(|id| registry.position(id).is_some_and(|i| rules.is_enabled(i)));
        if enabled {
            check.check(project, &mut cx);
        }
    }
    cx.findings
}

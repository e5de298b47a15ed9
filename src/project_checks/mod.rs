//! Project-level checks: rules about the project as a whole (READMEs, the router's web
//! shields, and later mix.exs, git). They run once per run, over the `ProjectModel` and the
//! facts the per-file scan collected, after the scan, and only when the whole project is
//! being checked.

mod deps;
pub mod gitl;
mod hlth;
mod hygiene;
mod know;
mod otel;
mod rdme;
mod rels;
mod shld;
mod tach;

use crate::finding::{Finding, ProjectFacts, Span, fingerprint, line_hash, normalize_line};
use crate::git::GitFacts;
use crate::project::ProjectModel;
use crate::registry::Registry;
use crate::selection::RuleSet;
use crate::source::SourceSet;
use crate::syntax::lines::LineIndex;

/// Rules about a change range itself (its commits, its version bump): kept by
/// `--changed-since` wherever they point.
pub const RANGE_RULES: &[&str] = &["GITL001", "RELS003"];

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
        Box::new(hlth::Operability),
        Box::new(rels::Releases),
        Box::new(hygiene::RepositoryState),
        Box::new(gitl::ConventionalCommits),
        Box::new(tach::TestsExist),
        Box::new(know::Glossary),
    ]
}

/// What a project check sees, and where it reports.
pub struct ProjectContext<'a> {
    pub sources: &'a dyn SourceSet,
    /// What the scan learned about the project (routers, endpoints, config settings).
    pub facts: &'a ProjectFacts,
    /// What git says (tracked files, worktree, change range); `None` outside a repository.
    pub git: Option<&'a GitFacts>,
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

    /// The values of `rule`'s setting `name`, configured or default.
    pub fn setting(&self, rule: &str, name: &str) -> &[String] {
        self.registry
            .position(rule)
            .map_or(&[], |index| self.rules.setting(index, name))
    }

    /// Whether `module` is exempt from `rule` (`exempt_modules`).
    pub fn exempts(&self, rule: &str, module: &str) -> bool {
        self.registry
            .position(rule)
            .is_some_and(|index| self.rules.exempts_module(index, module))
    }

    /// Whether `rule` is enabled in this run.
    pub fn enabled(&self, rule: &str) -> bool {
        self.registry
            .position(rule)
            .is_some_and(|index| self.rules.is_enabled(index))
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

    /// Report `rule` about the commit `commit` (a full SHA), shown at `span` of `path`.
    pub fn report_commit(
        &mut self,
        rule: &str,
        path: &str,
        span: Span,
        commit: &str,
        message: String,
    ) {
        self.push(rule, path, span, message);
        if let Some(last) = self.findings.last_mut()
            && last.rule == rule
        {
            last.commit = Some(commit.to_string());
            last.fingerprint = fingerprint(rule, commit, "", 0, 0);
        }
    }

    /// Report `rule` on the 0-based `line` of `path`, whose text is `content`.
    pub fn report(&mut self, rule: &str, path: &str, content: &str, line: usize, message: String) {
        let lines = LineIndex::new(content);
        let text = lines.line(line).unwrap_or("");
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
            commit: None,
        });
    }
}

/// Run every project check that has an enabled rule.
pub fn run(
    project: &ProjectModel,
    sources: &dyn SourceSet,
    facts: &ProjectFacts,
    git: Option<&GitFacts>,
    registry: &Registry,
    rules: &RuleSet,
) -> Vec<Finding> {
    let mut cx = ProjectContext {
        sources,
        facts,
        git,
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

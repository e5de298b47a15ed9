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
pub mod tach;

use crate::finding::{
    Diagnostic, DiagnosticKind, Finding, ProjectFacts, Span, fingerprint, line_hash, normalize_line,
};
use crate::git::GitFacts;
use crate::project::ProjectModel;
use crate::registry::Registry;
use crate::selection::RuleSet;
use crate::source::SourceSet;
use crate::syntax::lines::LineIndex;

/// The span of the 0-based `line` of `content`, the whole line.
fn line_span(content: &str, line: usize) -> Span {
    let lines = LineIndex::new(content);
    let text = lines.line(line).unwrap_or("");
    let start = lines.start_of(line).min(content.len());
    lines.span(content, start, start + text.len())
}

/// Rules about a change range itself (its commits, its version bump): kept by
/// `--changed-since` wherever they point.
pub const RANGE_RULES: &[&str] = &["GITL001", "RELS003"];

/// A project-level check. It reads files only through `ProjectContext::sources`: the result
/// cache records those reads to know when the check must run again.
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

    /// Line 1 of the `mix.exs` in `dir` (`""` for the root), where a finding about a mix
    /// project points, if the file exists.
    pub fn mix_exs_first_line(&self, dir: &str) -> Option<(String, Span)> {
        let path = if dir.is_empty() {
            "mix.exs".to_string()
        } else {
            format!("{dir}/mix.exs")
        };
        let content = self.read(&path)?;
        let span = line_span(&content, 0);
        Some((path, span))
    }

    /// Report `rule` about the mix project in `dir`: on line 1 of its `mix.exs`, or, when it
    /// has none, on the directory itself.
    pub fn report_on_project(&mut self, rule: &str, dir: &str, message: String) {
        match self.mix_exs_first_line(dir) {
            Some((path, span)) => self.push(rule, &path, span, message),
            None => self.report_dir(rule, dir, message),
        }
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
        self.push(rule, path, line_span(content, line), message);
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
/// Run every project check that has an enabled rule. A check that panics (a bug in
/// doctrine) becomes an internal-error diagnostic — the run exits 2 — and the other checks
/// still run; what it reported before the panic is kept.
pub fn run(
    project: &ProjectModel,
    sources: &dyn SourceSet,
    facts: &ProjectFacts,
    git: Option<&GitFacts>,
    registry: &Registry,
    rules: &RuleSet,
) -> (Vec<Finding>, Vec<Diagnostic>) {
    let cx = ProjectContext {
        sources,
        facts,
        git,
        registry,
        rules,
        findings: Vec::new(),
    };
    run_checks(builtin(), project, cx)
}

fn run_checks(
    checks: Vec<Box<dyn ProjectCheck>>,
    project: &ProjectModel,
    mut cx: ProjectContext,
) -> (Vec<Finding>, Vec<Diagnostic>) {
    let mut diagnostics = Vec::new();
    for check in checks {
        let enabled = check.rules().iter().any(|id| cx.enabled(id));
        if !enabled {
            continue;
        }
        let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            check.check(project, &mut cx)
        }));
        if let Err(panic) = outcome {
            diagnostics.push(Diagnostic {
                path: "./".into(),
                kind: DiagnosticKind::InternalError,
                line: None,
                message: format!(
                    "internal error in the project rules {} ({}); they were not fully checked. \
                     Please report this.",
                    check.rules().join(", "),
                    crate::engine::panic_reason(panic.as_ref())
                ),
            });
        }
    }
    (cx.findings, diagnostics)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::MemorySources;

    struct Crashing;

    impl ProjectCheck for Crashing {
        fn rules(&self) -> &'static [&'static str] {
            &["RDME001"]
        }

        fn check(&self, _project: &ProjectModel, cx: &mut ProjectContext) {
            cx.report_dir("RDME001", "", "reported before the crash".into());
            panic!("index out of bounds");
        }
    }

    #[test]
    fn a_panicking_check_becomes_an_internal_error_and_the_others_run() {
        let registry = Registry::builtin();
        let rules = RuleSet::defaults(&registry);
        let sources =
            MemorySources::new(vec![("mix.exs".into(), b"defmodule X do\nend\n".to_vec())]);
        let facts = ProjectFacts::default();
        let project = ProjectModel::single_app(std::path::Path::new(""));
        let cx = ProjectContext {
            sources: &sources,
            facts: &facts,
            git: None,
            registry: &registry,
            rules: &rules,
            findings: Vec::new(),
        };
        let checks: Vec<Box<dyn ProjectCheck>> = vec![Box::new(Crashing), Box::new(rels::Releases)];
        let (findings, diagnostics) = run_checks(checks, &project, cx);
        assert_eq!(diagnostics.len(), 1);
        assert_eq!(diagnostics[0].kind, DiagnosticKind::InternalError);
        assert!(
            diagnostics[0].message.contains("RDME001"),
            "{}",
            diagnostics[0].message
        );
        assert!(diagnostics[0].message.contains("index out of bounds"));
        let rules: Vec<&str> = findings.iter().map(|f| f.rule.as_str()).collect();
        assert_eq!(
            rules,
            ["RDME001", "RELS001"],
            "kept, and the next check ran"
        );
    }
}

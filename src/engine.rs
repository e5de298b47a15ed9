//! A run: every source analysed in parallel, the per-file reports merged and sorted.

use crate::analyze::Analyzer;
use crate::finding::{Diagnostic, FileReport, Report};
use crate::project::ProjectModel;
use crate::registry::Registry;
use crate::selection::RuleSet;
use crate::source::{SourceSet, is_elixir};
use rayon::prelude::*;

/// Analyse every file of `sources` on the current rayon pool. The result does not depend on
/// the number of threads: reports are merged in path order and sorted.
pub fn scan(analyzer: &Analyzer, sources: &dyn SourceSet, project: &ProjectModel) -> Report {
    let reports: Vec<FileReport> = sources
        .paths()
        .par_iter()
        .filter(|path| is_elixir(path))
        .map(|path| match sources.read(path) {
            Ok(bytes) => analyzer.analyze(path, project.role_of(path), &bytes),
            Err(e) => FileReport {
                diagnostics: vec![Diagnostic {
                    path: path.clone(),
                    kind: e.kind,
                    line: None,
                    message: e.message,
                }],
                ..FileReport::default()
            },
        })
        .collect();
    let mut report = Report::default();
    for file in reports {
        report.findings.extend(file.findings);
        report.diagnostics.extend(file.diagnostics);
        report.metrics.add(&file.metrics);
    }
    report.sort();
    report
}

/// A whole run: the per-file scan, then, when `whole_project` (the whole project is being
/// checked), the project-level checks.
pub fn run(
    analyzer: &Analyzer,
    sources: &dyn SourceSet,
    project: &ProjectModel,
    whole_project: bool,
    registry: &Registry,
    rules: &RuleSet,
) -> Report {
    let mut report = scan(analyzer, sources, project);
    if whole_project {
        report.findings.extend(crate::project_checks::run(
            project, sources, registry, rules,
        ));
        report.sort();
    }
    report
}

//! A run: every source analysed in parallel, the per-file reports merged and sorted.

use crate::analyze::Analyzer;
use crate::cache::{RecordingSources, ResultCache};
use crate::finding::{Diagnostic, DiagnosticKind, FileReport, Finding, ProjectFacts, Report};
use crate::git::GitFacts;
use crate::project::FileRole;
use crate::project::ProjectModel;
use crate::registry::Registry;
use crate::selection::RuleSet;
use crate::source::{Probe, SourceSet, is_elixir};
use crate::syntax::behaviours::{self, BehaviourFact, BehaviourIndex};
use crate::syntax::config;
use crate::syntax::mix::is_lock_file;
use crate::syntax::parse::parse;
use rayon::prelude::*;
use std::collections::HashSet;
use std::time::{Duration, Instant};

/// Analyse every file of `sources` on the current rayon pool. The result does not depend on
/// the number of threads: reports are merged in path order and sorted.
///
/// `context` holds the rest of the project when only part of it is scanned (paths, stdin):
/// the project's behaviours are read from there too, so a callback implemented without
/// `@impl` is recognised wherever its behaviour lives. With `for_project`, the facts only
/// the project checks need (`mix.lock`) are read too.
pub fn scan(
    analyzer: &Analyzer,
    sources: &dyn SourceSet,
    context: Option<&dyn SourceSet>,
    project: &ProjectModel,
    cache: Option<&ResultCache>,
    for_project: bool,
) -> Report {
    let started = Instant::now();
    let role = |path: &str| project.role_of(path);
    let read_and = |path: &str, probe: Probe, analyze: &dyn Fn(&[u8]) -> FileReport| {
        // With a cache, a file the file system describes as before is not even read.
        if let (Some(cache), Some(stamp)) = (cache, probe.stamp)
            && let Some(report) =
                cache.unchanged(path, role(path), stamp, || sources.read(path).ok())
        {
            return report;
        }
        match sources.read(path) {
            Ok(bytes) => guarded(path, || match cache {
                Some(cache) => {
                    cache.report(path, role(path), &bytes, probe.stamp, || analyze(&bytes))
                }
                None => analyze(&bytes),
            }),
            Err(e) => FileReport {
                diagnostics: vec![Diagnostic {
                    path: path.to_string(),
                    kind: e.kind,
                    line: None,
                    message: e.message,
                }],
                ..FileReport::default()
            },
        }
    };
    let run = |(job, path): (Job, &str), probe: Probe| match job {
        Job::Elixir => read_and(path, probe, &|bytes| {
            analyzer.analyze(path, role(path), bytes)
        }),
        // The other text files (`.env`, YAML, scripts): only checks that want them look at
        // them, and nothing parses them.
        Job::Text => read_and(path, probe, &|bytes| {
            analyzer.analyze_text(path, role(path), bytes)
        }),
        // A lock that cannot be read is DEPS003's to report, as when it reads one itself:
        // it is not a scanned file, so only a bug in doctrine becomes a diagnostic here.
        Job::Lock => {
            let mut report = read_and(path, probe, &|bytes| analyzer.analyze_lock(path, bytes));
            report
                .diagnostics
                .retain(|d| d.kind == DiagnosticKind::InternalError);
            report
        }
    };
    let locks: Vec<String> = if for_project {
        let mut locks = sources.other_paths();
        locks.retain(|path| is_lock_file(path));
        locks
    } else {
        Vec::new()
    };
    let jobs: Vec<(Job, &str)> = sources
        .paths()
        .iter()
        .filter(|path| is_elixir(path))
        .map(|path| (Job::Elixir, path.as_str()))
        .chain(sources.text_paths().iter().map(|p| (Job::Text, p.as_str())))
        .chain(locks.iter().map(|p| (Job::Lock, p.as_str())))
        .collect();
    let probes: Vec<Probe> = jobs.par_iter().map(|(_, p)| sources.probe(p)).collect();
    // The largest files first, handed out one at a time: the phase then ends with both
    // threads finishing small files, not one thread alone on a large one. Reports are put
    // back in path order, so nothing downstream sees the schedule.
    let mut order: Vec<usize> = (0..jobs.len()).collect();
    order.sort_by_key(|&i| (std::cmp::Reverse(probes[i].size), i));
    let mut done: Vec<(usize, FileReport)> = order
        .into_iter()
        .par_bridge()
        .map(|i| (i, run(jobs[i], probes[i])))
        .collect();
    done.sort_unstable_by_key(|(i, _)| *i);
    let reports: Vec<FileReport> = done.into_iter().map(|(_, report)| report).collect();
    let mut behaviours = BehaviourIndex::default();
    for fact in reports.iter().flat_map(|r| &r.behaviours) {
        behaviours.add(fact);
    }
    let mut prod_config_keys: HashSet<String> = reports
        .iter()
        .flat_map(|r| r.prod_config_keys.iter().cloned())
        .collect();
    if let Some(rest) = context {
        for fact in behaviours_outside(rest, sources) {
            behaviours.add(&fact);
        }
        prod_config_keys.extend(prod_config_keys_outside(rest, sources, project));
    }
    let mut report = Report::default();
    for file in reports {
        if let (Some(text), Some(first)) = (&file.text, file.findings.first()) {
            report.texts.insert(first.path.clone(), text.clone());
        }
        report.facts.web.extend(file.web);
        report
            .facts
            .telemetry
            .servers
            .extend(file.telemetry.servers);
        report
            .facts
            .telemetry
            .emitters
            .extend(file.telemetry.emitters);
        report.facts.suppressions.extend(file.project_suppressions);
        report.facts.mix.extend(file.mix);
        report.facts.locks.extend(file.lock);
        report
            .facts
            .modules
            .extend(file.modules.into_iter().map(|mut module| {
                let questions = std::mem::take(&mut module.callback_questions);
                module.public_api |= questions.iter().any(|q| !behaviours.answers_yes(q));
                module
            }));
        report.facts.tested_modules.extend(file.test_references);
        report
            .findings
            .extend(file.findings.into_iter().filter_map(|mut finding| {
                let callback = finding
                    .unless_callback
                    .take()
                    .is_some_and(|question| behaviours.answers_yes(&question));
                let overridden = finding
                    .unless_set_for_prod
                    .take()
                    .is_some_and(|key| prod_config_keys.contains(&key));
                (!callback && !overridden).then_some(finding)
            }));
        report.diagnostics.extend(file.diagnostics);
        report.metrics.add(&file.metrics);
    }
    report.sort();
    report.timings.files = started.elapsed();
    report
}

/// The analysis of one file, with a panic (a bug in doctrine) turned into an internal-error
/// diagnostic for this one file, as ruff does: the rest of the run completes, and the exit
/// code says the run is incomplete.
fn guarded(path: &str, analyze: impl FnOnce() -> FileReport) -> FileReport {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(analyze)).unwrap_or_else(|panic| {
        let reason = panic_reason(panic.as_ref());
        FileReport {
            diagnostics: vec![Diagnostic {
                path: path.to_string(),
                kind: DiagnosticKind::InternalError,
                line: None,
                message: format!(
                    "internal error while analysing this file ({reason}); it was not checked. \
                     Please report this with the file."
                ),
            }],
            ..FileReport::default()
        }
    })
}

/// What a caught panic says (its message), for the internal-error diagnostic.
pub(crate) fn panic_reason(panic: &(dyn std::any::Any + Send)) -> String {
    panic
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| panic.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "unknown panic".into())
}

/// The behaviours defined in the project files of `context` that `scanned` does not hold.
/// Only files with a callback attribute are parsed, so a single-file run stays cheap.
fn behaviours_outside(context: &dyn SourceSet, scanned: &dyn SourceSet) -> Vec<BehaviourFact> {
    let scanned = scanned.paths();
    let mut facts: Vec<BehaviourFact> = context
        .paths()
        .par_iter()
        .filter(|path| is_elixir(path) && scanned.binary_search(path).is_err())
        .flat_map_iter(|path| {
            let bytes = context.read(path).unwrap_or_default();
            if CALLBACK_MARKERS
                .iter()
                .any(|m| memchr::memmem::find(&bytes, m).is_some())
            {
                behaviours::defined_in(&String::from_utf8_lossy(&bytes))
            } else {
                Vec::new()
            }
        })
        .collect();
    facts.sort_by(|a, b| a.module.cmp(&b.module));
    facts
}

/// A behaviour declares its callbacks with these attributes; only files holding one are
/// parsed (`callback` alone also matches `handle_callback`, `callback_url`, …).
const CALLBACK_MARKERS: [&[u8]; 2] = [b"@callback", b"@macrocallback"];

/// The keys set by the production config files of `context` that `scanned` does not hold.
fn prod_config_keys_outside(
    context: &dyn SourceSet,
    scanned: &dyn SourceSet,
    project: &ProjectModel,
) -> Vec<String> {
    let scanned = scanned.paths();
    context
        .paths()
        .iter()
        .filter(|path| {
            config::runs_in_prod(path)
                && project.role_of(path) == FileRole::ConfigProd
                && scanned.binary_search(path).is_err()
        })
        .flat_map(|path| {
            let text =
                String::from_utf8_lossy(&context.read(path).unwrap_or_default()).into_owned();
            parse(&text)
                .map(|tree| config::set_keys(tree.root_node(), &text))
                .unwrap_or_default()
        })
        .collect()
}

/// What the file phase does with a file.
#[derive(Clone, Copy)]
enum Job {
    Elixir,
    Text,
    Lock,
}

/// How much of the project a run covers.
#[derive(Clone, Copy)]
pub enum Coverage<'a> {
    /// Some files (paths, stdin): the per-file rules only.
    Files,
    /// The whole project: the project-level checks too, with what git says (`None`
    /// outside a repository), and the results of the last run when cached.
    Project {
        git: Option<&'a GitFacts>,
        cache: Option<&'a ResultCache>,
    },
    /// Some files, and the project checks of `rules` over the whole project in `project`
    /// (a staged `mix.exs` brings in DEPS).
    Touched {
        git: Option<&'a GitFacts>,
        rules: &'a RuleSet,
        project: &'a dyn SourceSet,
    },
}

/// A whole run: the per-file scan, then, when the whole project is being checked, the
/// project-level checks.
pub fn run(
    analyzer: &Analyzer,
    sources: &dyn SourceSet,
    project: &ProjectModel,
    coverage: Coverage,
    registry: &Registry,
    rules: &RuleSet,
    context: Option<&dyn SourceSet>,
) -> Report {
    let cache = match coverage {
        Coverage::Project { cache, .. } => cache,
        _ => None,
    };
    let project_pass = match coverage {
        Coverage::Files => None,
        Coverage::Project { git, .. } => Some((git, rules, sources)),
        Coverage::Touched {
            git,
            rules,
            project,
        } => Some((git, rules, project)),
    };
    let mut report = scan(
        analyzer,
        sources,
        context,
        project,
        cache,
        project_pass.is_some(),
    );
    if let Some((git, rules, project_sources)) = project_pass {
        let started = Instant::now();
        let pass = ProjectPass {
            project,
            sources: project_sources,
            git,
            registry,
            rules,
        };
        let (findings, diagnostics) = match cache {
            Some(cache) => pass.run_cached(&report.facts, cache),
            None => pass.run(pass.sources, &report.facts),
        };
        report.diagnostics.extend(diagnostics);
        let suppressions = &report.facts.suppressions;
        report
            .findings
            .extend(findings.into_iter().filter(|finding| {
                let pillar = registry
                    .get(&finding.rule)
                    .map_or("", |r| r.def.pillar.as_str());
                !suppressions.iter().any(|s| s.covers(finding, pillar))
            }));
        report.sort();
        report.timings.project = started.elapsed();
    }
    report
}

/// The project-level checks of one run and what they judge.
struct ProjectPass<'a> {
    project: &'a ProjectModel,
    sources: &'a dyn SourceSet,
    git: Option<&'a GitFacts>,
    registry: &'a Registry,
    rules: &'a RuleSet,
}

impl ProjectPass<'_> {
    /// The checks, reading files from `sources` (the pass's own, or a recording of them).
    fn run(
        &self,
        sources: &dyn SourceSet,
        facts: &ProjectFacts,
    ) -> (Vec<Finding>, Vec<Diagnostic>) {
        crate::project_checks::run(
            self.project,
            sources,
            facts,
            self.git,
            self.registry,
            self.rules,
        )
    }

    /// The cached results when nothing they were computed from changed; else the checks
    /// run with their reads recorded for the next run.
    fn run_cached(
        &self,
        facts: &ProjectFacts,
        cache: &ResultCache,
    ) -> (Vec<Finding>, Vec<Diagnostic>) {
        let inputs =
            cache.project_inputs(self.sources, &format!("{:?}\n{:?}", self.project, self.git));
        if let Some(results) = cache.project_results(&inputs, self.sources) {
            return results;
        }
        let recording = RecordingSources::new(self.sources);
        let (findings, diagnostics) = self.run(&recording, facts);
        cache.store_project(inputs, recording, &findings, &diagnostics);
        (findings, diagnostics)
    }
}

/// Where a run's time went, for `--timings` and the benchmark harness.
#[derive(Debug, Clone, Copy, Default)]
pub struct Timings {
    /// Reading, analysing (or taking from the cache) and merging the files.
    pub files: Duration,
    /// The project-level checks.
    pub project: Duration,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_panic_in_one_file_becomes_an_internal_error_for_that_file() {
        let report = guarded("lib/a.ex", || panic!("index out of bounds"));
        assert_eq!(report.diagnostics.len(), 1);
        let diagnostic = &report.diagnostics[0];
        assert_eq!(diagnostic.kind, DiagnosticKind::InternalError);
        assert_eq!(diagnostic.path, "lib/a.ex");
        assert!(diagnostic.message.contains("index out of bounds"));
        assert!(diagnostic.kind.loses_findings(), "the run then exits 2");
        let fine = guarded("lib/b.ex", FileReport::default);
        assert!(fine.diagnostics.is_empty());
    }
}

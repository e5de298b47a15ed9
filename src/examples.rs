//! Rule examples as tests: every bad example must be flagged by its rule, every good example
//! must not be. Used by the test suite for built-in rules and by `doctrine test-rules` for a
//! project's own rules.
//! Each example is a project of one file (plus the `files` it lists), so project-level rules
//! (READMEs, the router's shields) are tested the same way.

use crate::analyze::Analyzer;
use crate::engine;
use crate::error::UserError;
use crate::git::{ChangeRange, CommitInfo, GitFacts};
use crate::project::ProjectModel;
use crate::registry::{ExampleGit, Registry, Rule};
use crate::selection::RuleSet;
use crate::source::MemorySources;
use std::path::Path;

/// One example that does not behave as documented.
#[derive(Debug)]
pub struct ExampleFailure {
    pub rule: String,
    pub expected_flagged: bool,
    pub path: String,
    pub code: String,
}

impl std::fmt::Display for ExampleFailure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{}: this {} example (as {}) is {}flagged:\n{}",
            self.rule,
            if self.expected_flagged { "bad" } else { "good" },
            self.path,
            if self.expected_flagged { "not " } else { "" },
            self.code.trim_end()
        )
    }
}

/// The `GitFacts` an example's `[bad.git]` describes: its files are tracked, and with
/// commits or changed files there is a change range from `base`.
fn git_facts(example: &ExampleGit, files: &[(String, Vec<u8>)]) -> GitFacts {
    let mut tracked: Vec<String> = files.iter().map(|(path, _)| path.clone()).collect();
    tracked.extend(example.tracked.iter().cloned());
    tracked.sort();
    let has_range = !example.commits.is_empty()
        || !example.changed.is_empty()
        || example.base_mix_exs.is_some();
    GitFacts {
        tracked,
        head: None,
        dirty: Some(
            example
                .dirty
                .iter()
                .map(|p| (p.clone(), "modified"))
                .collect(),
        ),
        range: has_range.then(|| ChangeRange {
            base: "base".into(),
            commits: example
                .commits
                .iter()
                .enumerate()
                .map(|(i, message)| CommitInfo {
                    id: format!("{:040x}", i + 1),
                    message: message.clone(),
                    parents: 1,
                })
                .collect(),
            changed: example.changed.iter().cloned().collect(),
            added: Default::default(),
            base_mix_exs: example.base_mix_exs.clone(),
        }),
        notes: Vec::new(),
    }
}

/// Check the examples of the rules `filter` selects, with every rule at its default.
pub fn verify(
    registry: &Registry,
    filter: impl Fn(&Rule) -> bool,
) -> Result<Vec<ExampleFailure>, UserError> {
    let rules = RuleSet::defaults(registry);
    let analyzer = Analyzer::new(registry, &rules)?;
    let mut failures = Vec::new();
    for rule in registry.rules.iter().filter(|r| filter(r)) {
        for (expected_flagged, examples) in [(true, &rule.def.bad), (false, &rule.def.good)] {
            for example in examples {
                let files: Vec<(String, Vec<u8>)> = std::iter::once((&example.path, &example.code))
                    .chain(example.files.iter().map(|f| (&f.path, &f.code)))
                    .map(|(path, code)| (path.clone(), code.clone().into_bytes()))
                    .collect();
                let git = example.git.as_ref().map(|g| git_facts(g, &files));
                let sources = MemorySources::new(files);
                let project = ProjectModel::single_app(Path::new(""));
                let report = engine::run(
                    &analyzer,
                    &sources,
                    &project,
                    engine::Coverage::Project {
                        git: git.as_ref(),
                        cache: None,
                    },
                    registry,
                    &rules,
                    None,
                );
                let flagged = report.findings.iter().any(|f| f.rule == rule.def.id);
                if flagged != expected_flagged {
                    failures.push(ExampleFailure {
                        rule: rule.def.id.clone(),
                        expected_flagged,
                        path: example.path.clone(),
                        code: example.code.clone(),
                    });
                }
            }
        }
    }
    Ok(failures)
}

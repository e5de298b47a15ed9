//! The health score: one number 0–100 from four components — compliance, documentation,
//! tests, build — each 0–100, combined as a weighted mean. A pure function of the counts in
//! `Inputs`, so it is deterministic, and monotone in the findings: only compliance reads
//! them, and it only falls as they grow. README.md ("Health score") states the formula.

pub mod compile_log;
pub mod coverage;
pub mod measure;

use crate::finding::{Finding, Metrics};
use serde::Serialize;

/// Findings of these pillars are left out of compliance: the documentation and tests
/// components measure the same gaps as shares, and counting them twice would let one gap
/// sink two components.
pub const MEASURED_ELSEWHERE: &[&str] = &["DOCS", "TACH"];

/// The tunable parts of the formula (`[score]` in `.doctrine.toml`).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Weights {
    pub compliance: f64,
    pub documentation: f64,
    pub tests: f64,
    pub build: f64,
    /// A blocking finding counts as this many advisory ones.
    pub blocking_weight: f64,
    /// Weighted findings per 1,000 lines at which compliance is 50.
    pub findings_half_score: f64,
    /// Compiler warnings per 1,000 lines at which build is halved.
    pub warnings_half_score: f64,
}

impl Default for Weights {
    fn default() -> Self {
        Weights {
            compliance: 40.0,
            documentation: 20.0,
            tests: 25.0,
            build: 15.0,
            blocking_weight: 5.0,
            findings_half_score: 10.0,
            warnings_half_score: 1.0,
        }
    }
}

/// What the tests component is computed from.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "source", rename_all = "snake_case")]
pub enum TestEvidence {
    /// Line coverage from a coverage report.
    Coverage {
        file: String,
        covered_lines: u64,
        relevant_lines: u64,
    },
    /// No coverage report: the share of lib modules with public API that some test names
    /// or mirrors (what TACH001 judges).
    Estimated { tested_modules: u64, modules: u64 },
}

/// What a `mix compile` log says.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct CompileCounts {
    pub warnings: u64,
    pub errors: u64,
}

/// The counts the score is computed from.
#[derive(Debug, Clone, PartialEq)]
pub struct Inputs {
    pub metrics: Metrics,
    /// Findings that count for compliance (pillars measured elsewhere left out).
    pub blocking: u64,
    pub advisory: u64,
    pub tests: TestEvidence,
    pub compile: Option<CompileCounts>,
}

impl Inputs {
    /// Count the findings that compliance judges, by enforcement.
    pub fn count_findings<'f>(
        findings: impl IntoIterator<Item = &'f Finding>,
        pillar_of: impl Fn(&str) -> &'f str,
    ) -> (u64, u64) {
        let mut counts = crate::history::Counts::default();
        for finding in findings {
            if !MEASURED_ELSEWHERE.contains(&pillar_of(&finding.rule)) {
                counts.add(finding.enforcement);
            }
        }
        (counts.blocking, counts.advisory)
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Score {
    /// The weighted mean of the applicable components, to one decimal.
    pub score: f64,
    pub compliance: Compliance,
    pub documentation: Documentation,
    pub tests: Tests,
    pub build: Build,
    pub weights: Weights,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Compliance {
    pub score: f64,
    pub blocking: u64,
    pub advisory: u64,
    pub lines: u64,
    /// Weighted findings per 1,000 lines.
    pub density: f64,
    pub excluded_pillars: &'static [&'static str],
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Documentation {
    /// `None` when the project has no lib module to judge.
    pub score: Option<f64>,
    pub modules: u64,
    pub modules_with_moduledoc: u64,
    pub public_functions: u64,
    pub documented_functions: u64,
    pub spec_candidates: u64,
    pub specced_functions: u64,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Tests {
    /// `None` when there is neither a coverage report nor a module to judge.
    pub score: Option<f64>,
    pub estimated: bool,
    #[serde(flatten)]
    pub evidence: TestEvidence,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Build {
    /// `None` when no file was scanned.
    pub score: Option<f64>,
    pub files: u64,
    pub files_with_syntax_errors: u64,
    /// From `--compile-log`; absent without one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub compile: Option<CompileCounts>,
}

/// `part` of `whole` as a percentage; `None` when there is nothing to judge.
fn share(part: u64, whole: u64) -> Option<f64> {
    (whole > 0).then(|| 100.0 * part.min(whole) as f64 / whole as f64)
}

/// 100 at density 0, 50 at `half`, falling toward 0: a density curve that never reaches 0,
/// so a worse project always scores lower than a bad one.
fn falloff(density: f64, half: f64) -> f64 {
    if half <= 0.0 {
        return if density > 0.0 { 0.0 } else { 100.0 };
    }
    100.0 * half / (half + density)
}

fn round1(x: f64) -> f64 {
    (x * 10.0).round() / 10.0
}

pub fn compute(inputs: &Inputs, weights: &Weights) -> Score {
    let m = &inputs.metrics;
    // Under 1,000 lines the density is taken per 1,000 lines, so a tiny project is not
    // condemned by one finding.
    let kilolines = (m.lines as f64 / 1000.0).max(1.0);

    let weighted = weights.blocking_weight * inputs.blocking as f64 + inputs.advisory as f64;
    let density = weighted / kilolines;
    let compliance = Compliance {
        score: round1(falloff(density, weights.findings_half_score)),
        blocking: inputs.blocking,
        advisory: inputs.advisory,
        lines: m.lines,
        density: (density * 100.0).round() / 100.0,
        excluded_pillars: MEASURED_ELSEWHERE,
    };

    let shares: Vec<f64> = [
        share(m.modules_with_moduledoc, m.modules),
        share(m.documented_functions, m.public_functions),
        share(m.specced_functions, m.spec_candidates),
    ]
    .into_iter()
    .flatten()
    .collect();
    let documentation = Documentation {
        score: (!shares.is_empty())
            .then(|| round1(shares.iter().sum::<f64>() / shares.len() as f64)),
        modules: m.modules,
        modules_with_moduledoc: m.modules_with_moduledoc,
        public_functions: m.public_functions,
        documented_functions: m.documented_functions,
        spec_candidates: m.spec_candidates,
        specced_functions: m.specced_functions,
    };

    let tests = match &inputs.tests {
        TestEvidence::Coverage {
            covered_lines,
            relevant_lines,
            ..
        } => Tests {
            score: share(*covered_lines, *relevant_lines).map(round1),
            estimated: false,
            evidence: inputs.tests.clone(),
        },
        TestEvidence::Estimated {
            tested_modules,
            modules,
        } => Tests {
            score: share(*tested_modules, *modules).map(round1),
            estimated: true,
            evidence: inputs.tests.clone(),
        },
    };

    let parsed = share(m.files - m.files_with_syntax_errors.min(m.files), m.files);
    let build = Build {
        score: parsed.map(|parsed| {
            let compiled = match inputs.compile {
                Some(c) if c.errors > 0 => 0.0,
                Some(c) => falloff(c.warnings as f64 / kilolines, weights.warnings_half_score),
                None => 100.0,
            };
            round1(parsed * compiled / 100.0)
        }),
        files: m.files,
        files_with_syntax_errors: m.files_with_syntax_errors,
        compile: inputs.compile,
    };

    let parts = [
        (Some(compliance.score), weights.compliance),
        (documentation.score, weights.documentation),
        (tests.score, weights.tests),
        (build.score, weights.build),
    ];
    let (sum, total_weight) = parts
        .iter()
        .filter_map(|(score, weight)| score.map(|s| (s * weight, *weight)))
        .fold((0.0, 0.0), |(s, w), (ds, dw)| (s + ds, w + dw));
    let score = if total_weight > 0.0 {
        round1(sum / total_weight)
    } else {
        compliance.score
    };
    Score {
        score,
        compliance,
        documentation,
        tests,
        build,
        weights: weights.clone(),
    }
}

impl Score {
    /// One line per component with the figures behind it, for the terminal.
    pub fn describe(&self) -> Vec<(&'static str, Option<f64>, String)> {
        let c = &self.compliance;
        let d = &self.documentation;
        let b = &self.build;
        let tests = match &self.tests.evidence {
            TestEvidence::Coverage {
                file,
                covered_lines,
                relevant_lines,
            } => format!("{covered_lines}/{relevant_lines} relevant lines covered ({file})"),
            TestEvidence::Estimated {
                tested_modules,
                modules,
            } => format!(
                "estimated: {tested_modules}/{modules} lib modules with public functions have \
                 a test (no coverage report; give --coverage)"
            ),
        };
        let compile = match b.compile {
            Some(c) if c.errors > 0 => format!(", {} compile error(s)", c.errors),
            Some(c) => format!(", {} compiler warning(s)", c.warnings),
            None => String::new(),
        };
        vec![
            (
                "compliance",
                Some(c.score),
                format!(
                    "{} blocking, {} advisory finding(s) in {} lines: {} weighted per 1,000 \
                     lines ({} counted in their own components)",
                    c.blocking,
                    c.advisory,
                    c.lines,
                    c.density,
                    c.excluded_pillars.join(" and ")
                ),
            ),
            (
                "documentation",
                d.score,
                format!(
                    "{}/{} modules with @moduledoc, {}/{} public functions with @doc, {}/{} \
                     with @spec",
                    d.modules_with_moduledoc,
                    d.modules,
                    d.documented_functions,
                    d.public_functions,
                    d.specced_functions,
                    d.spec_candidates
                ),
            ),
            ("tests", self.tests.score, tests),
            (
                "build",
                b.score,
                format!(
                    "{}/{} files parse without syntax errors{compile}",
                    b.files - b.files_with_syntax_errors.min(b.files),
                    b.files
                ),
            ),
        ]
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn inputs(lines: u64, blocking: u64, advisory: u64) -> Inputs {
        Inputs {
            metrics: Metrics {
                files: 40,
                lines,
                modules: 30,
                modules_with_moduledoc: 24,
                public_functions: 200,
                documented_functions: 150,
                spec_candidates: 180,
                specced_functions: 90,
                ..Metrics::default()
            },
            blocking,
            advisory,
            tests: TestEvidence::Estimated {
                tested_modules: 18,
                modules: 24,
            },
            compile: None,
        }
    }

    #[test]
    fn the_worked_example_of_the_readme() {
        let score = compute(&inputs(20_000, 4, 10), &Weights::default());
        // (5·4 + 10) / 20 = 1.5 per 1,000 lines → 100·10/11.5
        assert_eq!(score.compliance.score, 87.0);
        // (80 + 75 + 50) / 3
        assert_eq!(score.documentation.score, Some(68.3));
        assert_eq!(score.tests.score, Some(75.0));
        assert_eq!(score.build.score, Some(100.0));
        // (40·87 + 20·68.3 + 25·75 + 15·100) / 100
        assert_eq!(score.score, 82.2);
    }

    #[test]
    fn a_clean_project_scores_100_and_missing_components_are_left_out() {
        let mut clean = inputs(500, 0, 0);
        clean.metrics.modules = 0;
        clean.metrics.public_functions = 0;
        clean.metrics.spec_candidates = 0;
        clean.tests = TestEvidence::Estimated {
            tested_modules: 0,
            modules: 0,
        };
        let score = compute(&clean, &Weights::default());
        assert_eq!(score.documentation.score, None);
        assert_eq!(score.tests.score, None);
        assert_eq!(score.score, 100.0);
    }

    #[test]
    fn compile_errors_zero_the_build_and_warnings_lower_it() {
        let mut with_log = inputs(10_000, 0, 0);
        with_log.compile = Some(CompileCounts {
            warnings: 10,
            errors: 0,
        });
        assert_eq!(
            compute(&with_log, &Weights::default()).build.score,
            Some(50.0)
        );
        with_log.compile = Some(CompileCounts {
            warnings: 0,
            errors: 1,
        });
        assert_eq!(
            compute(&with_log, &Weights::default()).build.score,
            Some(0.0)
        );
    }

    #[test]
    fn coverage_replaces_the_estimate() {
        let mut covered = inputs(10_000, 0, 0);
        covered.tests = TestEvidence::Coverage {
            file: "cover/lcov.info".into(),
            covered_lines: 812,
            relevant_lines: 1000,
        };
        let tests = compute(&covered, &Weights::default()).tests;
        assert_eq!((tests.score, tests.estimated), (Some(81.2), false));
    }

    proptest! {
        #[test]
        fn one_more_finding_never_raises_the_score(
            lines in 0u64..500_000,
            blocking in 0u64..5_000,
            advisory in 0u64..5_000,
            moduledoc in 0u64..100,
            tested in 0u64..100,
            warnings in proptest::option::of(0u64..500),
            blocking_weight in 0.0f64..20.0,
            half in 0.0f64..50.0,
            more_blocking in any::<bool>(),
        ) {
            let weights = Weights {
                blocking_weight,
                findings_half_score: half,
                ..Weights::default()
            };
            let mut before = inputs(lines, blocking, advisory);
            before.metrics.modules_with_moduledoc = moduledoc.min(before.metrics.modules);
            before.tests = TestEvidence::Estimated { tested_modules: tested, modules: 100 };
            before.compile = warnings.map(|warnings| CompileCounts { warnings, errors: 0 });
            let mut after = before.clone();
            if more_blocking { after.blocking += 1 } else { after.advisory += 1 }
            let (a, b) = (compute(&before, &weights), compute(&after, &weights));
            prop_assert!(b.score <= a.score, "{} then {}", a.score, b.score);
            prop_assert!(b.compliance.score <= a.compliance.score);
            for score in [&a, &b] {
                prop_assert!((0.0..=100.0).contains(&score.score));
                for (_, component, _) in score.describe() {
                    prop_assert!(component.is_none_or(|c| (0.0..=100.0).contains(&c)));
                }
            }
            prop_assert_eq!(compute(&before, &weights), a, "deterministic");
        }
    }
}

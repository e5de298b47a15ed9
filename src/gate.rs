//! The deploy gate's verdicts: three phases over one scan — doctrine compliance (no
//! blocking finding, every file analysed), the health score against `gate.min_score`, and
//! its drop since the last recorded run against `gate.max_drop` — and the history record
//! of the run.

use crate::config::GateLimits;
use crate::finding::Report;
use crate::health::Score;
use crate::history::{Components, Counts, Outcome, PhaseRecord, Record, SCHEMA_VERSION};
use crate::registry::Registry;
use crate::run::Scan;
use std::collections::BTreeMap;
use std::time::Duration;

#[derive(Debug, Clone, PartialEq)]
pub struct Phase {
    /// Stable id: `compliance`, `score`, `drop`.
    pub name: &'static str,
    /// What it checks, for people: `health score ≥ 80`.
    pub title: String,
    pub outcome: Outcome,
    pub duration: Duration,
    pub detail: String,
}

/// Findings per pillar code, in the registry's pillar order by way of a sorted map.
pub fn pillar_counts(report: &Report, registry: &Registry) -> BTreeMap<String, Counts> {
    let mut counts: BTreeMap<String, Counts> = BTreeMap::new();
    for finding in &report.findings {
        let pillar = registry
            .get(&finding.rule)
            .map_or("?", |r| r.def.pillar.as_str());
        counts
            .entry(pillar.to_string())
            .or_default()
            .add(finding.enforcement);
    }
    counts
}

pub fn totals(pillars: &BTreeMap<String, Counts>) -> Counts {
    pillars.values().fold(Counts::default(), |sum, c| Counts {
        blocking: sum.blocking + c.blocking,
        advisory: sum.advisory + c.advisory,
    })
}

/// Phase 1: no blocking finding remains and no file went unanalysed.
pub fn compliance(scan: &Scan, duration: Duration) -> Phase {
    let pillars = pillar_counts(&scan.report, &scan.registry);
    let total = totals(&pillars);
    let unanalysed = scan
        .report
        .diagnostics
        .iter()
        .filter(|d| d.kind.loses_findings())
        .count();
    let mut worst: Vec<(&String, u64)> = pillars
        .iter()
        .filter(|(_, c)| c.blocking > 0)
        .map(|(p, c)| (p, c.blocking))
        .collect();
    worst.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
    let by_pillar: Vec<String> = worst.iter().map(|(p, n)| format!("{p} {n}")).collect();
    let mut detail = format!(
        "{} blocking, {} advisory finding(s) in {} file(s)",
        total.blocking, total.advisory, scan.report.metrics.files
    );
    if !by_pillar.is_empty() {
        detail.push_str(&format!(" ({})", by_pillar.join(", ")));
    }
    if unanalysed > 0 {
        detail.push_str(&format!("; {unanalysed} file(s) could not be analysed"));
    }
    Phase {
        name: "compliance",
        title: "doctrine compliance".into(),
        outcome: if total.blocking == 0 && unanalysed == 0 {
            Outcome::Pass
        } else {
            Outcome::Fail
        },
        duration,
        detail,
    }
}

/// Phase 2: the score reaches `min_score`.
pub fn score(score: &Score, limits: &GateLimits, duration: Duration) -> Phase {
    let parts: Vec<String> = score
        .describe()
        .iter()
        .map(|(name, value, _)| match value {
            Some(v) => format!("{name} {v:.1}"),
            None => format!("{name} n/a"),
        })
        .collect();
    let estimated = if score.tests.estimated {
        " (tests estimated)"
    } else {
        ""
    };
    Phase {
        name: "score",
        title: format!("health score ≥ {}", limits.min_score),
        outcome: if score.score >= limits.min_score {
            Outcome::Pass
        } else {
            Outcome::Fail
        },
        duration,
        detail: format!("{:.1}: {}{estimated}", score.score, parts.join(", ")),
    }
}

/// Phase 3: the score fell at most `max_drop` below the last recorded run (skipped when
/// nothing was recorded yet).
pub fn drop(
    score: &Score,
    last: Option<&Record>,
    limits: &GateLimits,
    duration: Duration,
) -> Phase {
    let title = format!("score drop ≤ {}", limits.max_drop);
    let Some(last) = last else {
        return Phase {
            name: "drop",
            title,
            outcome: Outcome::Skip,
            duration,
            detail: "no recorded run to compare with (record one with --record)".into(),
        };
    };
    let change = score.score - last.score;
    let commit = last
        .commit
        .as_deref()
        .map_or(String::new(), |c| format!(", {}", &c[..c.len().min(8)]));
    Phase {
        name: "drop",
        title,
        // Compared at the recorded precision, so 80.1 after 85.1 is a drop of exactly 5.
        outcome: if (-change * 10.0).round() / 10.0 <= limits.max_drop {
            Outcome::Pass
        } else {
            Outcome::Fail
        },
        duration,
        detail: format!(
            "{:.1} after {:.1} recorded {}{commit} ({change:+.1})",
            score.score, last.score, last.time
        ),
    }
}

pub fn passed(phases: &[Phase]) -> bool {
    phases.iter().all(|p| p.outcome != Outcome::Fail)
}

/// What a run records in the history.
pub struct RunFacts<'a> {
    pub time: String,
    pub env: Option<&'a str>,
    pub duration: Duration,
}

pub fn record(scan: &Scan, score: &Score, phases: &[Phase], facts: RunFacts) -> Record {
    let head = scan.git.as_ref().and_then(|g| g.head.as_ref());
    let pillars = pillar_counts(&scan.report, &scan.registry);
    Record {
        schema_version: SCHEMA_VERSION,
        time: facts.time,
        commit: head.map(|h| h.commit.clone()),
        branch: head.and_then(|h| h.branch.clone()),
        env: facts.env.map(str::to_string),
        version: scan.project_version().map(str::to_string),
        doctrine: env!("CARGO_PKG_VERSION").to_string(),
        outcome: if passed(phases) {
            Outcome::Pass
        } else {
            Outcome::Fail
        },
        duration_ms: millis(facts.duration),
        score: score.score,
        components: Components {
            compliance: score.compliance.score,
            documentation: score.documentation.score,
            tests: score.tests.score,
            tests_estimated: score.tests.estimated,
            build: score.build.score,
        },
        findings: totals(&pillars),
        pillars,
        phases: phases
            .iter()
            .map(|p| PhaseRecord {
                name: p.name.to_string(),
                outcome: p.outcome,
                duration_ms: millis(p.duration),
                detail: p.detail.clone(),
            })
            .collect(),
    }
}

pub fn millis(d: Duration) -> u64 {
    u64::try_from(d.as_millis()).unwrap_or(u64::MAX)
}

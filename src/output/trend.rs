//! `doctrine trend`: the recorded gate runs as a table with sparklines, and the answers to
//! the questions a history is kept for — is the score falling, are deploys getting slower,
//! are failures increasing, which phase and which pillar fail most often.

use super::display::escape;
use crate::history::{Outcome, Record};
use serde::Serialize;
use std::collections::BTreeMap;

const BARS: [char; 8] = ['▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'];

/// One bar per value, scaled between the smallest and the largest.
pub fn sparkline(values: &[f64]) -> String {
    let (min, max) = values
        .iter()
        .fold((f64::MAX, f64::MIN), |(lo, hi), v| (lo.min(*v), hi.max(*v)));
    values
        .iter()
        .map(|v| {
            if (max - min).abs() < f64::EPSILON {
                BARS[3]
            } else {
                let step = ((v - min) / (max - min) * 7.0).round() as usize;
                BARS[step.min(7)]
            }
        })
        .collect()
}

fn median(values: &mut [u64]) -> Option<u64> {
    values.sort_unstable();
    (!values.is_empty()).then(|| values[values.len() / 2])
}

/// What the history says, over every run given.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Summary {
    pub runs: usize,
    pub failed: usize,
    /// Failures among the last `recent` runs.
    pub recent: usize,
    pub recent_failed: usize,
    /// The phase that failed in the most runs, with that count.
    pub most_failing_phase: Option<(String, usize)>,
    /// The pillar with blocking findings in the most failed runs, with that count.
    pub most_failing_pillar: Option<(String, usize)>,
    /// Runs whose score is below the run before, and the largest fall (with its commit).
    pub regressions: usize,
    pub largest_fall: Option<(f64, Option<String>)>,
    /// Median duration of the last `recent` runs and of the `recent` before them.
    pub recent_median_ms: Option<u64>,
    pub earlier_median_ms: Option<u64>,
}

/// Runs compared as "recent" against the ones before them.
const RECENT: usize = 5;

pub fn summarize(records: &[Record]) -> Summary {
    let failed: Vec<&Record> = records
        .iter()
        .filter(|r| r.outcome == Outcome::Fail)
        .collect();
    let recent = records.len().min(RECENT);
    let recent_runs = &records[records.len() - recent..];
    // Per phase and per pillar: the failed runs it failed in, then (to break ties) its
    // blocking findings over those runs.
    let mut phases: BTreeMap<&str, (usize, u64)> = BTreeMap::new();
    let mut pillars: BTreeMap<&str, (usize, u64)> = BTreeMap::new();
    for run in &failed {
        for phase in run.phases.iter().filter(|p| p.outcome == Outcome::Fail) {
            phases.entry(phase.name.as_str()).or_default().0 += 1;
        }
        for (pillar, counts) in run.pillars.iter().filter(|(_, c)| c.blocking > 0) {
            let entry = pillars.entry(pillar.as_str()).or_default();
            entry.0 += 1;
            entry.1 += counts.blocking;
        }
    }
    // The most frequent; remaining ties go to the first in name order, so the answer is
    // stable.
    let most = |counts: BTreeMap<&str, (usize, u64)>| {
        counts
            .into_iter()
            .fold(
                None,
                |best: Option<(&str, (usize, u64))>, (name, n)| match best {
                    Some((_, m)) if m >= n => best,
                    _ => Some((name, n)),
                },
            )
            .map(|(name, (runs, _))| (name.to_string(), runs))
    };
    let mut regressions = 0;
    let mut largest_fall: Option<(f64, Option<String>)> = None;
    for pair in records.windows(2) {
        let fall = ((pair[1].score - pair[0].score) * 10.0).round() / 10.0;
        if fall < 0.0 {
            regressions += 1;
            if largest_fall.as_ref().is_none_or(|(worst, _)| fall < *worst) {
                largest_fall = Some((fall, pair[1].commit.clone()));
            }
        }
    }
    let durations =
        |runs: &[Record]| median(&mut runs.iter().map(|r| r.duration_ms).collect::<Vec<_>>());
    let before = &records[..records.len() - recent];
    Summary {
        runs: records.len(),
        failed: failed.len(),
        recent,
        recent_failed: recent_runs
            .iter()
            .filter(|r| r.outcome == Outcome::Fail)
            .count(),
        most_failing_phase: most(phases),
        most_failing_pillar: most(pillars),
        regressions,
        largest_fall,
        recent_median_ms: durations(recent_runs),
        earlier_median_ms: durations(&before[before.len().saturating_sub(RECENT)..]),
    }
}

fn seconds(ms: u64) -> String {
    format!("{:.2} s", ms as f64 / 1000.0)
}

fn short(commit: &Option<String>) -> &str {
    commit.as_deref().map_or("-", |c| &c[..c.len().min(8)])
}

/// The table of the last `shown` runs and the summary of all of them.
pub fn text(records: &[Record], shown: usize, source: &str) -> String {
    if records.is_empty() {
        return format!(
            "No recorded gate runs in {source} yet: `doctrine gate --record` records one.\n"
        );
    }
    let mut out = format!("{} recorded gate run(s) in {source}\n\n", records.len());
    out.push_str(&format!(
        "  {:<20}  {:<8}  {:<12}  {:<10}  {:<9}  {:>5}  {:>7}  {:<6}  {:>8}  {:>8}\n",
        "time",
        "commit",
        "branch",
        "env",
        "version",
        "score",
        "change",
        "result",
        "duration",
        "blocking"
    ));
    let first = records.len().saturating_sub(shown);
    for (i, run) in records.iter().enumerate().skip(first) {
        let change = match i.checked_sub(1).map(|p| &records[p]) {
            Some(before) => {
                let delta = ((run.score - before.score) * 10.0).round() / 10.0;
                if delta < 0.0 {
                    format!("▼ {delta:.1}")
                } else if delta > 0.0 {
                    format!("+{delta:.1}")
                } else {
                    "=".into()
                }
            }
            None => String::new(),
        };
        let cell = |v: &Option<String>, width: usize| {
            let text = escape(v.as_deref().unwrap_or("-")).into_owned();
            text.chars().take(width).collect::<String>()
        };
        out.push_str(&format!(
            "  {:<20}  {:<8}  {:<12}  {:<10}  {:<9}  {:>5.1}  {:>7}  {:<6}  {:>8}  {:>8}\n",
            escape(&run.time.replacen('T', " ", 1).replace('Z', "")),
            short(&run.commit),
            cell(&run.branch, 12),
            cell(&run.env, 10),
            cell(&run.version, 9),
            run.score,
            change,
            run.outcome.label(),
            seconds(run.duration_ms),
            run.findings.blocking
        ));
    }
    let scores: Vec<f64> = records.iter().map(|r| r.score).collect();
    let durations: Vec<f64> = records.iter().map(|r| r.duration_ms as f64).collect();
    let (lo, hi) = scores
        .iter()
        .fold((f64::MAX, f64::MIN), |(lo, hi), v| (lo.min(*v), hi.max(*v)));
    let last = records.last().expect("not empty");
    out.push_str(&format!(
        "\nScore     {}  now {:.1} (lowest {lo:.1}, highest {hi:.1})\n",
        sparkline(&scores),
        last.score
    ));
    out.push_str(&format!(
        "Duration  {}  now {}\n\n",
        sparkline(&durations),
        seconds(last.duration_ms)
    ));
    let s = summarize(records);
    out.push_str(&format!(
        "Failure rate: {} of {} run(s) failed ({:.0}%); {} of the last {}.\n",
        s.failed,
        s.runs,
        100.0 * s.failed as f64 / s.runs as f64,
        s.recent_failed,
        s.recent
    ));
    match &s.most_failing_phase {
        Some((phase, n)) => out.push_str(&format!("Most failing phase: {phase} ({n} run(s))\n")),
        None => out.push_str("Most failing phase: none, no run failed\n"),
    }
    if let Some((pillar, n)) = &s.most_failing_pillar {
        out.push_str(&format!(
            "Most failing pillar: {} (blocking findings in {n} failed run(s))\n",
            escape(pillar)
        ));
    }
    match &s.largest_fall {
        Some((fall, commit)) => out.push_str(&format!(
            "Regressions: {} run(s) lowered the score; the largest fall {fall:.1} at {}\n",
            s.regressions,
            short(commit)
        )),
        None => out.push_str("Regressions: none, the score never fell\n"),
    }
    if let (Some(recent), Some(earlier)) = (s.recent_median_ms, s.earlier_median_ms) {
        let change = if earlier == 0 {
            0.0
        } else {
            100.0 * (recent as f64 - earlier as f64) / earlier as f64
        };
        let verdict = if change > 10.0 {
            "slower"
        } else if change < -10.0 {
            "faster"
        } else {
            "about the same"
        };
        out.push_str(&format!(
            "Duration: the last {} run(s) took a median {}, the runs before {} ({verdict}, \
             {change:+.0}%)\n",
            s.recent,
            seconds(recent),
            seconds(earlier)
        ));
    }
    out
}

#[derive(Serialize)]
struct TrendJson<'a> {
    schema_version: u32,
    summary: Summary,
    records: &'a [Record],
}

pub fn json(records: &[Record]) -> String {
    let json = TrendJson {
        schema_version: super::health::SCHEMA_VERSION,
        summary: summarize(records),
        records,
    };
    serde_json::to_string_pretty(&json).expect("records serialize") + "\n"
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::history::{Components, Counts, PhaseRecord, SCHEMA_VERSION};

    fn run(score: f64, failed_phase: Option<&str>, ms: u64) -> Record {
        let outcome = if failed_phase.is_some() {
            Outcome::Fail
        } else {
            Outcome::Pass
        };
        Record {
            schema_version: SCHEMA_VERSION,
            time: "2026-12-01T10:00:00Z".into(),
            commit: Some(format!("{:040}", score as u64)),
            branch: Some("main".into()),
            env: None,
            version: None,
            doctrine: String::new(),
            outcome,
            duration_ms: ms,
            score,
            components: Components {
                compliance: score,
                documentation: None,
                tests: None,
                tests_estimated: true,
                build: None,
            },
            findings: Counts::default(),
            pillars: failed_phase
                .map(|_| {
                    [(
                        "DOCS".to_string(),
                        Counts {
                            blocking: 2,
                            advisory: 0,
                        },
                    )]
                    .into()
                })
                .unwrap_or_default(),
            phases: failed_phase
                .into_iter()
                .map(|name| PhaseRecord {
                    name: name.into(),
                    outcome: Outcome::Fail,
                    duration_ms: 1,
                    detail: String::new(),
                })
                .collect(),
        }
    }

    #[test]
    fn sparklines_scale_between_the_extremes() {
        assert_eq!(sparkline(&[0.0, 50.0, 100.0]), "▁▅█");
        assert_eq!(sparkline(&[7.0, 7.0]), "▄▄");
    }

    #[test]
    fn the_summary_answers_the_history_questions() {
        let records = [
            run(90.0, None, 500),
            run(85.0, Some("score"), 510),
            run(88.0, None, 490),
            run(70.0, Some("compliance"), 520),
            run(72.0, Some("score"), 900),
            run(75.0, None, 950),
            run(74.0, None, 940),
            run(76.0, None, 1000),
            run(77.0, None, 990),
        ];
        let s = summarize(&records);
        assert_eq!((s.runs, s.failed, s.recent_failed), (9, 3, 1));
        assert_eq!(s.most_failing_phase, Some(("score".into(), 2)));
        assert_eq!(s.most_failing_pillar, Some(("DOCS".into(), 3)));
        assert_eq!(s.regressions, 3);
        assert_eq!(s.largest_fall.as_ref().map(|f| f.0), Some(-18.0));
        assert_eq!(
            (s.recent_median_ms, s.earlier_median_ms),
            (Some(950), Some(510))
        );
        let text = text(&records, 20, "h");
        assert!(text.contains("▼ -18.0"), "{text}");
        assert!(text.contains("3 of 9 run(s) failed (33%)"), "{text}");
        assert!(text.contains("(slower, +86%)"), "{text}");
    }
}

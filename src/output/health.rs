//! The health score and the gate's verdict as text, JSON (docs/JSON.md) and the Markdown
//! validation report for a pull request or a CI job summary.

use super::display::escape;
use crate::finding::{Enforcement, Finding};
use crate::gate::Phase;
use crate::health::Score;
use crate::history::{Outcome, Record};
use crate::registry::Registry;
use serde::Serialize;

/// The schema of `score --format json` and `gate --format json`.
pub const SCHEMA_VERSION: u32 = 1;

fn value(v: Option<f64>) -> String {
    v.map_or("n/a".into(), |v| format!("{v:.1}"))
}

pub fn score_text(score: &Score) -> String {
    let mut out = format!("Health score {:.1} / 100\n\n", score.score);
    let weights = &score.weights;
    let weight = |name: &str| match name {
        "compliance" => weights.compliance,
        "documentation" => weights.documentation,
        "tests" => weights.tests,
        _ => weights.build,
    };
    for (name, v, figures) in score.describe() {
        out.push_str(&format!(
            "  {name:<14}{:>5}  weight {:<4} {}\n",
            value(v),
            weight(name),
            escape(&figures)
        ));
    }
    out
}

#[derive(Serialize)]
struct ScoreJson<'a> {
    schema_version: u32,
    doctrine: &'static str,
    #[serde(flatten)]
    score: &'a Score,
}

pub fn score_json(score: &Score) -> String {
    let json = ScoreJson {
        schema_version: SCHEMA_VERSION,
        doctrine: env!("CARGO_PKG_VERSION"),
        score,
    };
    serde_json::to_string_pretty(&json).expect("a score serializes") + "\n"
}

fn mark(outcome: Outcome) -> &'static str {
    match outcome {
        Outcome::Pass => "✓",
        Outcome::Fail => "✗",
        Outcome::Skip => "–",
    }
}

/// `  ✓ PASS  doctrine compliance      0.58 s  …`
pub fn phase_line(phase: &Phase) -> String {
    format!(
        "  {} {}  {:<24}{:>7.2} s  {}\n",
        mark(phase.outcome),
        phase.outcome.label(),
        phase.title,
        phase.duration.as_secs_f64(),
        escape(&phase.detail)
    )
}

/// `hexpm 2.0.0 · main @ 1a2b3c4d`
pub fn headline(project: &str, record: &Record) -> String {
    let mut out = escape(project).into_owned();
    if let Some(version) = &record.version {
        out.push_str(&format!(" {}", escape(version)));
    }
    if let Some(commit) = &record.commit {
        let branch = record.branch.as_deref().unwrap_or("detached");
        out.push_str(&format!(
            " · {} @ {}",
            escape(branch),
            &commit[..commit.len().min(8)]
        ));
    }
    if let Some(env) = &record.env {
        out.push_str(&format!(" · {}", escape(env)));
    }
    out
}

/// The end of the text report: the blocking findings (at most `shown`) and the verdict.
pub fn gate_text_end(
    headline: &str,
    record: &Record,
    phases: &[Phase],
    blocking: &[&Finding],
    display_path: &dyn Fn(&str) -> String,
    shown: usize,
) -> String {
    let mut out = String::new();
    if !blocking.is_empty() {
        out.push_str("\nBlocking findings:\n");
        for f in blocking.iter().take(shown) {
            out.push_str(&format!(
                "  {}:{}:{}: {} {}\n",
                escape(&display_path(&f.path)),
                f.span.start_line,
                f.span.start_column,
                f.rule,
                escape(&f.message)
            ));
        }
        if blocking.len() > shown {
            out.push_str(&format!(
                "  … and {} more (`doctrine check --blocking-only` lists them all)\n",
                blocking.len() - shown
            ));
        }
    }
    let failed: Vec<&str> = phases
        .iter()
        .filter(|p| p.outcome == Outcome::Fail)
        .map(|p| p.title.as_str())
        .collect();
    let seconds = record.duration_ms as f64 / 1000.0;
    if failed.is_empty() {
        out.push_str(&format!("\nGate PASSED in {seconds:.2} s — {headline}\n"));
    } else {
        out.push_str(&format!(
            "\nGate FAILED in {seconds:.2} s — {headline}: {}\n",
            failed.join("; ")
        ));
    }
    out
}

#[derive(Serialize)]
struct GateJson<'a> {
    #[serde(flatten)]
    record: &'a Record,
    health: &'a Score,
    blocking_findings: Vec<BlockingJson<'a>>,
}

#[derive(Serialize)]
struct BlockingJson<'a> {
    rule: &'a str,
    path: &'a str,
    line: u32,
    column: u32,
    message: &'a str,
}

pub fn gate_json(record: &Record, score: &Score, blocking: &[&Finding]) -> String {
    let json = GateJson {
        record,
        health: score,
        blocking_findings: blocking
            .iter()
            .map(|f| BlockingJson {
                rule: &f.rule,
                path: &f.path,
                line: f.span.start_line,
                column: f.span.start_column,
                message: &f.message,
            })
            .collect(),
    };
    serde_json::to_string_pretty(&json).expect("a gate record serializes") + "\n"
}

/// Text from the project made inert in Markdown: no table breaks, no HTML, no emphasis or
/// links, one line.
pub fn markdown_escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in escape(text).chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '|' | '\\' | '`' | '*' | '_' | '[' | ']' | '#' | '~' | '!' => {
                out.push('\\');
                out.push(c);
            }
            c => out.push(c),
        }
    }
    out
}

/// Blocking findings listed in the Markdown report; the rest is counted.
const MARKDOWN_FINDINGS: usize = 50;

/// The Deployment Validation Report: the checks with their status, the pillars, the score
/// and its components, the blocking findings.
pub fn gate_markdown(
    project: &str,
    record: &Record,
    phases: &[Phase],
    score: &Score,
    blocking: &[&Finding],
    registry: &Registry,
) -> String {
    let passed = record.outcome == Outcome::Pass;
    let mut out = String::from("## Deployment Validation Report\n\n");
    out.push_str(&format!("**Project**: {}", markdown_escape(project)));
    if let Some(version) = &record.version {
        out.push_str(&format!(" v{}", markdown_escape(version)));
    }
    out.push_str("  \n");
    if let Some(commit) = &record.commit {
        out.push_str(&format!(
            "**Commit**: `{}` ({})  \n",
            &commit[..commit.len().min(12)],
            markdown_escape(record.branch.as_deref().unwrap_or("detached HEAD"))
        ));
    }
    out.push_str(&format!(
        "**Date**: {}  \n",
        record.time.replacen('T', " ", 1).replace('Z', " UTC")
    ));
    if let Some(env) = &record.env {
        out.push_str(&format!("**Environment**: {}  \n", markdown_escape(env)));
    }
    out.push_str(&format!(
        "**Status**: {}\n\n",
        if passed { "SUCCESS" } else { "FAILED" }
    ));

    out.push_str("### Gate\n\n| Check | Status | Time | Details |\n|---|---|---|---|\n");
    for phase in phases {
        out.push_str(&format!(
            "| {} | {} {} | {:.2} s | {} |\n",
            markdown_escape(&phase.title),
            mark(phase.outcome),
            phase.outcome.label(),
            phase.duration.as_secs_f64(),
            markdown_escape(&phase.detail)
        ));
    }

    out.push_str(
        "\n### Doctrine pillars\n\n| Pillar | Blocking | Advisory | Status |\n|---|---|---|---|\n",
    );
    for pillar in &registry.pillars {
        let counts = record
            .pillars
            .get(&pillar.code)
            .copied()
            .unwrap_or_default();
        let status = if counts.blocking > 0 {
            "✗ FAIL"
        } else {
            "✓ PASS"
        };
        out.push_str(&format!(
            "| {} — {} | {} | {} | {status} |\n",
            pillar.code,
            markdown_escape(&pillar.name),
            counts.blocking,
            counts.advisory
        ));
    }

    out.push_str(&format!(
        "\n### Health score: {:.1} / 100\n\n| Component | Score | Figures |\n|---|---|---|\n",
        score.score
    ));
    for (name, v, figures) in score.describe() {
        out.push_str(&format!(
            "| {name} | {} | {} |\n",
            value(v),
            markdown_escape(&figures)
        ));
    }

    if !blocking.is_empty() {
        out.push_str("\n### Blocking findings\n\n| Rule | Location | Message |\n|---|---|---|\n");
        for f in blocking.iter().take(MARKDOWN_FINDINGS) {
            out.push_str(&format!(
                "| {} | {}:{} | {} |\n",
                f.rule,
                markdown_escape(&f.path),
                f.span.start_line,
                markdown_escape(&f.message)
            ));
        }
        if blocking.len() > MARKDOWN_FINDINGS {
            out.push_str(&format!(
                "\n… and {} more: `doctrine check --blocking-only` lists them all.\n",
                blocking.len() - MARKDOWN_FINDINGS
            ));
        }
    }
    let failed = phases.iter().filter(|p| p.outcome == Outcome::Fail).count();
    out.push_str(&format!(
        "\n### Summary\n\n**Gate**: {}\n",
        if passed {
            "PASSED".to_string()
        } else {
            format!("FAILED ({failed} of {} checks failed)", phases.len())
        }
    ));
    out
}

/// The blocking findings of a sorted report.
pub fn blocking(findings: &[Finding]) -> Vec<&Finding> {
    findings
        .iter()
        .filter(|f| f.enforcement == Enforcement::Blocking)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::markdown_escape;

    #[test]
    fn markdown_from_the_project_is_inert() {
        assert_eq!(
            markdown_escape("a|b <script>`x`</script> [l](http://e) **b**\nnext"),
            "a\\|b &lt;script&gt;\\`x\\`&lt;/script&gt; \\[l\\](http://e) \\*\\*b\\*\\*\\\\u{a}next"
        );
    }
}

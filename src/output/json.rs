//! The JSON report. Its schema is documented in docs/JSON.md and versioned by
//! `schema_version`; fields are only ever added within a version.

use super::RenderContext;
use serde::Serialize;
use serde_json::{Value, json};
use std::collections::BTreeMap;

pub const SCHEMA_VERSION: u32 = 1;

pub fn render(cx: &RenderContext) -> String {
    let report = cx.report;
    let mut by_rule: BTreeMap<&str, usize> = BTreeMap::new();
    for f in &report.findings {
        *by_rule.entry(&f.rule).or_default() += 1;
    }
    let findings: Vec<JsonFinding> = report
        .findings
        .iter()
        .map(|f| {
            let rule = cx.registry.get(&f.rule);
            // A finding about a whole file or directory has no position.
            let at = |n: u32| (!f.span.is_whole_file()).then_some(n);
            JsonFinding {
                column: at(f.span.start_column),
                commit: f.commit.as_deref(),
                end_column: at(f.span.end_column),
                end_line: at(f.span.end_line),
                enforcement: f.enforcement,
                fingerprint: &f.fingerprint,
                line: at(f.span.start_line),
                message: &f.message,
                name: rule.map(|r| r.def.name.as_str()),
                path: &f.path,
                pillar: rule.map(|r| r.def.pillar.as_str()),
                rule: &f.rule,
            }
        })
        .collect();
    let blocking = report.blocking_count();
    // Findings are most of a report, so they are serialized as structs; the small parts are
    // values, whose keys serialize sorted, as every field here does.
    let document = Document {
        diagnostics: json!(report.diagnostics),
        findings,
        metrics: json!(report.metrics),
        schema_version: SCHEMA_VERSION,
        summary: json!({
            "files": report.metrics.files,
            "findings": report.findings.len(),
            "blocking": blocking,
            "advisory": report.findings.len() - blocking,
            "by_rule": by_rule,
        }),
        tool: json!({ "name": "doctrine", "version": env!("CARGO_PKG_VERSION") }),
    };
    let mut out = serde_json::to_string_pretty(&document).expect("JSON values serialize");
    out.push('\n');
    out
}

/// The report, its keys in alphabetical order.
#[derive(Serialize)]
struct Document<'a> {
    diagnostics: Value,
    findings: Vec<JsonFinding<'a>>,
    metrics: Value,
    schema_version: u32,
    summary: Value,
    tool: Value,
}

/// One finding, its fields in the alphabetical order the report has always had.
#[derive(Serialize)]
struct JsonFinding<'a> {
    column: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    commit: Option<&'a str>,
    end_column: Option<u32>,
    end_line: Option<u32>,
    enforcement: crate::finding::Enforcement,
    fingerprint: &'a str,
    line: Option<u32>,
    message: &'a str,
    name: Option<&'a str>,
    path: &'a str,
    pillar: Option<&'a str>,
    rule: &'a str,
}

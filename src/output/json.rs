//! The JSON report. Its schema is documented in docs/JSON.md and versioned by
//! `schema_version`; fields are only ever added within a version.

use super::RenderContext;
use serde_json::{Value, json};
use std::collections::BTreeMap;

pub const SCHEMA_VERSION: u32 = 1;

pub fn render(cx: &RenderContext) -> String {
    let report = cx.report;
    let mut by_rule: BTreeMap<&str, usize> = BTreeMap::new();
    for f in &report.findings {
        *by_rule.entry(&f.rule).or_default() += 1;
    }
    let findings: Vec<Value> = report
        .findings
        .iter()
        .map(|f| {
            let rule = cx.registry.get(&f.rule);
            // A finding about a whole file or directory has no position.
            let at = |n: u32| (!f.span.is_whole_file()).then_some(n);
            let mut finding = json!({
                "rule": f.rule,
                "name": rule.map(|r| r.def.name.as_str()),
                "pillar": rule.map(|r| r.def.pillar.as_str()),
                "enforcement": f.enforcement,
                "path": f.path,
                "line": at(f.span.start_line),
                "column": at(f.span.start_column),
                "end_line": at(f.span.end_line),
                "end_column": at(f.span.end_column),
                "message": f.message,
                "fingerprint": f.fingerprint,
            });
            if let Some(commit) = &f.commit {
                finding["commit"] = json!(commit);
            }
            finding
        })
        .collect();
    let blocking = report.blocking_count();
    let document = json!({
        "schema_version": SCHEMA_VERSION,
        "tool": { "name": "doctrine", "version": env!("CARGO_PKG_VERSION") },
        "summary": {
            "files": report.metrics.files,
            "findings": report.findings.len(),
            "blocking": blocking,
            "advisory": report.findings.len() - blocking,
            "by_rule": by_rule,
        },
        "findings": findings,
        "diagnostics": report.diagnostics,
        "metrics": report.metrics,
    });
    let mut out = serde_json::to_string_pretty(&document).expect("JSON values serialize");
    out.push('\n');
    out
}

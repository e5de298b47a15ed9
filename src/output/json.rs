//! The JSON report. Its schema is documented in docs/JSON.md and versioned by
//! `schema_version`; fields are only ever added within a version.
//!
//! The layout is serde_json's pretty printer's (two-space indent, keys sorted). Findings are
//! most of a report and all alike, so they are written directly: through serde they cost
//! more than the rest of the run's output together.

use super::RenderContext;
use crate::finding::Finding;
use serde::Serialize;
use serde_json::json;
use std::collections::BTreeMap;

pub const SCHEMA_VERSION: u32 = 1;

pub fn render(cx: &RenderContext) -> String {
    let report = cx.report;
    let mut by_rule: BTreeMap<&str, usize> = BTreeMap::new();
    for f in &report.findings {
        *by_rule.entry(&f.rule).or_default() += 1;
    }
    let blocking = report.blocking_count();
    let summary = json!({
        "files": report.metrics.files,
        "findings": report.findings.len(),
        "blocking": blocking,
        "advisory": report.findings.len() - blocking,
        "by_rule": by_rule,
    });
    let tool = json!({ "name": "doctrine", "version": env!("CARGO_PKG_VERSION") });
    let mut out = String::with_capacity(512 + report.findings.len() * 448);
    out.push_str("{\n");
    field(&mut out, "diagnostics", &report.diagnostics);
    out.push_str(",\n  \"findings\": ");
    if report.findings.is_empty() {
        out.push_str("[]");
    } else {
        out.push_str("[\n");
        for (i, finding) in report.findings.iter().enumerate() {
            if i > 0 {
                out.push_str(",\n");
            }
            write_finding(&mut out, cx, finding);
        }
        out.push_str("\n  ]");
    }
    out.push_str(",\n");
    field(&mut out, "metrics", &report.metrics);
    out.push_str(",\n");
    field(&mut out, "schema_version", &SCHEMA_VERSION);
    out.push_str(",\n");
    field(&mut out, "summary", &summary);
    out.push_str(",\n");
    field(&mut out, "tool", &tool);
    out.push_str("\n}\n");
    out
}

/// `"key": value` at the document's first level, the value pretty-printed (its keys sorted,
/// as a `Value`'s are).
fn field(out: &mut String, key: &str, value: &impl Serialize) {
    let value = serde_json::to_value(value).expect("report parts serialize");
    let pretty = serde_json::to_string_pretty(&value).expect("JSON values serialize");
    // Strings hold no raw newline (JSON escapes it): every newline is the layout's.
    out.push_str("  \"");
    out.push_str(key);
    out.push_str("\": ");
    out.push_str(&pretty.replace('\n', "\n  "));
}

/// One finding, its fields in the alphabetical order the report has always had, at the
/// indentation of an element of `findings`.
fn write_finding(out: &mut String, cx: &RenderContext, f: &Finding) {
    let rule = cx.registry.get(&f.rule);
    // A finding about a whole file or directory has no position.
    let at = |n: u32| (!f.span.is_whole_file()).then_some(n);
    out.push_str("    {\n");
    number(out, "column", at(f.span.start_column));
    if let Some(commit) = &f.commit {
        string(out, "commit", Some(commit));
    }
    number(out, "end_column", at(f.span.end_column));
    number(out, "end_line", at(f.span.end_line));
    string(out, "enforcement", Some(f.enforcement.as_str()));
    string(out, "fingerprint", Some(&f.fingerprint));
    number(out, "line", at(f.span.start_line));
    string(out, "message", Some(&f.message));
    string(out, "name", rule.map(|r| r.def.name.as_str()));
    string(out, "path", Some(&f.path));
    string(out, "pillar", rule.map(|r| r.def.pillar.as_str()));
    key_of(out, "rule");
    quoted(out, &f.rule);
    out.push_str("\n    }");
}

fn number(out: &mut String, key: &str, value: Option<u32>) {
    key_of(out, key);
    match value {
        Some(n) => digits(out, n),
        None => out.push_str("null"),
    }
    out.push_str(",\n");
}

fn string(out: &mut String, key: &str, value: Option<&str>) {
    key_of(out, key);
    match value {
        Some(text) => quoted(out, text),
        None => out.push_str("null"),
    }
    out.push_str(",\n");
}

/// A finding's key (plain ASCII), at its indentation. `write!` would cost more than the
/// rest of the finding.
fn key_of(out: &mut String, key: &str) {
    out.push_str("      \"");
    out.push_str(key);
    out.push_str("\": ");
}

fn digits(out: &mut String, mut n: u32) {
    let mut buffer = [0u8; 10];
    let mut at = buffer.len();
    loop {
        at -= 1;
        buffer[at] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    out.extend(buffer[at..].iter().map(|&b| b as char));
}

/// `text` as a JSON string, escaped as serde_json escapes it.
fn quoted(out: &mut String, text: &str) {
    // Without an early exit, the scan vectorises.
    let needs_escape = text.bytes().fold(false, |any, b| {
        any | (b == b'"') | (b == b'\\') | (b < 0x20)
    });
    if needs_escape {
        out.push_str(&serde_json::to_string(text).expect("a string serializes"));
    } else {
        out.push('"');
        out.push_str(text);
        out.push('"');
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strings_and_numbers_are_written_as_serde_json_writes_them() {
        for text in [
            "plain `code` and ünïcode ✓",
            "a \"quoted\" \\ path\\x5cx",
            "line\nbreak\ttab\r\u{1}\u{1f}",
            "",
        ] {
            let mut out = String::new();
            quoted(&mut out, text);
            assert_eq!(out, serde_json::to_string(text).unwrap(), "{text:?}");
        }
        for n in [0, 7, 10, 4_294_967_295] {
            let mut out = String::new();
            digits(&mut out, n);
            assert_eq!(out, n.to_string());
        }
    }
}

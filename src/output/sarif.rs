//! SARIF 2.1.0, shaped for GitHub code scanning: relative URIs against `%SRCROOT%`, 1-based
//! regions with end positions, rule metadata with Markdown help, `security-severity` on
//! security rules, and partial fingerprints that survive unrelated line moves.

use super::RenderContext;
use crate::finding::{DiagnosticKind, Enforcement};
use serde_json::{Value, json};

const SRCROOT: &str = "%SRCROOT%";
const FINGERPRINT_KEY: &str = "doctrineFingerprint/v1";

fn level(enforcement: Enforcement) -> &'static str {
    match enforcement {
        Enforcement::Blocking => "error",
        Enforcement::Advisory => "warning",
        Enforcement::Off => "none",
    }
}

pub fn render(cx: &RenderContext) -> String {
    let registry = cx.registry;
    let enabled: Vec<usize> = (0..registry.rules.len())
        .filter(|&i| cx.rules.is_enabled(i))
        .collect();
    let rules: Vec<Value> = enabled
        .iter()
        .map(|&i| {
            let rule = &registry.rules[i];
            let def = &rule.def;
            let mut tags = vec![json!("doctrine"), json!(def.pillar)];
            let mut properties = serde_json::Map::new();
            if let Some(severity) = def.security_severity {
                tags.push(json!("security"));
                properties.insert("security-severity".into(), json!(format!("{severity:.1}")));
            }
            properties.insert("tags".into(), json!(tags));
            properties.insert("precision".into(), json!("high"));
            let pillar = registry
                .pillar(&def.pillar)
                .map_or(def.pillar.clone(), |p| format!("{} ({})", p.code, p.name));
            json!({
                "id": def.id,
                "name": def.name,
                "shortDescription": { "text": def.summary },
                "fullDescription": { "text": def.summary },
                "help": {
                    "text": def.rationale,
                    "markdown": format!("**{} {}** — pillar {pillar}\n\n{}", def.id, def.name, def.rationale),
                },
                "defaultConfiguration": { "level": level(rule.default_enforcement) },
                "properties": properties,
            })
        })
        .collect();

    let results: Vec<Value> = cx
        .report
        .findings
        .iter()
        .map(|f| {
            let rule_index = enabled
                .iter()
                .position(|&i| registry.rules[i].def.id == f.rule);
            let mut result = json!({
                "ruleId": f.rule,
                "level": level(f.enforcement),
                "message": { "text": f.message },
                "locations": [{
                    "physicalLocation": {
                        "artifactLocation": { "uri": encode_uri(&f.path), "uriBaseId": SRCROOT },
                        "region": {
                            "startLine": f.span.start_line,
                            "startColumn": f.span.start_column,
                            "endLine": f.span.end_line,
                            "endColumn": f.span.end_column,
                        }
                    }
                }],
                "partialFingerprints": { FINGERPRINT_KEY: f.fingerprint },
            });
            if let Some(index) = rule_index {
                result["ruleIndex"] = json!(index);
            }
            result
        })
        .collect();

    let notifications: Vec<Value> = cx
        .report
        .diagnostics
        .iter()
        .map(|d| {
            let mut location = json!({
                "physicalLocation": {
                    "artifactLocation": { "uri": encode_uri(&d.path), "uriBaseId": SRCROOT }
                }
            });
            if let Some(line) = d.line {
                location["physicalLocation"]["region"] = json!({ "startLine": line });
            }
            json!({
                "level": if d.kind == DiagnosticKind::SyntaxError { "warning" } else { "error" },
                "message": { "text": d.message },
                "descriptor": { "id": serde_json::to_value(d.kind).ok() },
                "locations": [location],
            })
        })
        .collect();

    let root_uri = format!(
        "file://{}/",
        encode_uri(cx.root.to_string_lossy().trim_end_matches('/'))
    );
    let document = json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": {
                "driver": {
                    "name": "doctrine",
                    "semanticVersion": env!("CARGO_PKG_VERSION"),
                    "informationUri": "https://github.com/doctrine-lint/doctrine",
                    "rules": rules,
                }
            },
            "invocations": [{
                "executionSuccessful": true,
                "toolExecutionNotifications": notifications,
            }],
            "originalUriBaseIds": { SRCROOT: { "uri": root_uri } },
            "columnKind": "unicodeCodePoints",
            "results": results,
        }]
    });
    let mut out = serde_json::to_string_pretty(&document).expect("JSON values serialize");
    out.push('\n');
    out
}

/// Percent-encode what may not appear raw in a URI path.
fn encode_uri(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for byte in path.bytes() {
        match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' | b'/' => {
                out.push(byte as char)
            }
            _ => out.push_str(&format!("%{byte:02X}")),
        }
    }
    out
}

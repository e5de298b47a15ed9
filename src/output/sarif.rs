//! SARIF 2.1.0, shaped for GitHub code scanning: relative URIs against `%SRCROOT%`, 1-based
//! regions with end positions, rule metadata with Markdown help, `security-severity` on
//! security rules, and partial fingerprints that survive unrelated line moves.
//!
//! Results carry no source snippets: viewers have the checkout, and a snippet would copy
//! whatever the flagged line holds (secrets included) into an artifact. Everything is derived
//! from the report, never from the clock or the environment: the same input renders to the
//! same bytes. `.ci/run` validates this output with the SARIF Multitool.

use super::RenderContext;
use crate::finding::{Diagnostic, Enforcement, Finding};
use serde_json::{Map, Value, json};
use std::collections::{HashMap, HashSet};
use std::path::Path;

const SRCROOT: &str = "%SRCROOT%";
const FINGERPRINT_KEY: &str = "doctrineFingerprint/v1";
/// GitHub code scanning's limit of results per run.
const MAX_RESULTS: usize = 25_000;
/// The run's category in `automationDetails.id` (`category/`), so doctrine's alerts stay
/// apart from other tools' and upload after upload replace each other.
const AUTOMATION_CATEGORY: &str = "doctrine";

fn level(enforcement: Enforcement) -> &'static str {
    match enforcement {
        Enforcement::Blocking => "error",
        Enforcement::Advisory => "warning",
        Enforcement::Off => "none",
    }
}

pub fn render(cx: &RenderContext) -> String {
    let registry = cx.registry;
    // Every enabled rule, plus any rule a finding names (so every `ruleId` resolves), in
    // registry order.
    let reported: HashSet<&str> = cx.report.findings.iter().map(|f| f.rule.as_str()).collect();
    let described: Vec<usize> = (0..registry.rules.len())
        .filter(|&i| cx.rules.is_enabled(i) || reported.contains(registry.rules[i].def.id.as_str()))
        .collect();
    let rule_index: HashMap<&str, usize> = described
        .iter()
        .enumerate()
        .map(|(index, &i)| (registry.rules[i].def.id.as_str(), index))
        .collect();

    let rules: Vec<Value> = described.iter().map(|&i| rule_descriptor(cx, i)).collect();

    let result = |f: &Finding, state: Option<&str>| {
        let mut result = json!({
            "ruleId": f.rule,
            "level": level(f.enforcement),
            "message": { "text": f.message },
            "locations": [{ "physicalLocation": physical_location(cx, f) }],
            "partialFingerprints": { FINGERPRINT_KEY: f.fingerprint },
        });
        if let Some(&index) = rule_index.get(f.rule.as_str()) {
            result["ruleIndex"] = json!(index);
        }
        // A finding about a commit: the commit is what it is about; the physical location
        // only gives an editor somewhere to show it.
        if let Some(commit) = &f.commit {
            result["properties"] = json!({ "commit": commit });
            result["locations"][0]["logicalLocations"] =
                json!([{ "name": commit, "kind": "resource" }]);
        }
        if let Some(state) = state {
            result["baselineState"] = json!(state);
        }
        result
    };
    // With a baseline, new findings say so and the known ones are listed as unchanged.
    let baselined = cx.report.baselined.as_deref();
    let new_state = baselined.map(|_| "new");
    let mut all: Vec<(&Finding, Option<&str>)> = cx
        .report
        .findings
        .iter()
        .map(|f| (f, new_state))
        .chain(
            baselined
                .unwrap_or(&[])
                .iter()
                .map(|f| (f, Some("unchanged"))),
        )
        .collect();
    // GitHub code scanning takes at most 25,000 results per run: keep the most severe
    // (new before known, blocking before advisory), in report order within each.
    let total = all.len();
    if total > MAX_RESULTS {
        all.sort_by_key(|(f, state)| {
            (
                *state == Some("unchanged"),
                f.enforcement != Enforcement::Blocking,
            )
        });
        all.truncate(MAX_RESULTS);
        all.sort_by(|a, b| a.0.sort_key_cmp(b.0));
    }
    let results: Vec<Value> = all.iter().map(|(f, state)| result(f, *state)).collect();

    let mut notifications: Vec<Value> = cx
        .report
        .diagnostics
        .iter()
        .map(|d| notification(cx, d))
        .collect();
    if total > MAX_RESULTS {
        notifications.push(json!({
            "level": "warning",
            "message": { "text": format!(
                "{total} results; GitHub code scanning accepts {MAX_RESULTS} per run, so the \
                 {} least severe were left out (`doctrine check` lists them all)",
                total - MAX_RESULTS
            ) },
            "descriptor": { "id": "too-many-results" },
        }));
    }

    let document = json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": {
                "driver": {
                    "name": "doctrine",
                    "version": env!("CARGO_PKG_VERSION"),
                    "semanticVersion": env!("CARGO_PKG_VERSION"),
                    "rules": rules,
                }
            },
            "invocations": [{
                "executionSuccessful": cx.execution_successful,
                "toolExecutionNotifications": notifications,
            }],
            "automationDetails": { "id": format!("{}/", AUTOMATION_CATEGORY) },
            "originalUriBaseIds": { SRCROOT: { "uri": directory_uri(cx.checkout) } },
            "columnKind": "unicodeCodePoints",
            "results": results,
        }]
    });
    let mut out = serde_json::to_string_pretty(&document).expect("JSON values serialize");
    out.push('\n');
    out
}

fn rule_descriptor(cx: &RenderContext, i: usize) -> Value {
    let registry = cx.registry;
    let rule = &registry.rules[i];
    let def = &rule.def;
    let mut tags = vec![json!("doctrine"), json!(def.pillar)];
    let mut properties = Map::new();
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
}

fn physical_location(cx: &RenderContext, f: &Finding) -> Value {
    let span = &f.span;
    // A directory finding's path ends in `/` (`./` for the project root).
    let path = match (f.path.as_str(), cx.checkout_prefix) {
        ("./", "") => "./".to_string(),
        ("./", prefix) => prefix.to_string(),
        (p, prefix) => format!("{prefix}{p}"),
    };
    let mut location = json!({
        "artifactLocation": { "uri": encode_uri(&path), "uriBaseId": SRCROOT },
    });
    if !span.is_whole_file() {
        location["region"] = json!({
            "startLine": span.start_line,
            "startColumn": span.start_column,
            "endLine": span.end_line,
            "endColumn": span.end_column,
        });
    }
    location
}

fn notification(cx: &RenderContext, d: &Diagnostic) -> Value {
    let path = match Path::new(&d.path).is_absolute() {
        true => d.path.clone(),
        false => format!("{}{}", cx.checkout_prefix, d.path),
    };
    let mut location =
        json!({ "physicalLocation": { "artifactLocation": artifact(cx.checkout, &path) } });
    if let Some(line) = d.line {
        location["physicalLocation"]["region"] = json!({ "startLine": line });
    }
    json!({
        // The run goes on past every input problem; the CLI and README call them warnings.
        "level": "warning",
        "message": { "text": d.message },
        "descriptor": { "id": d.kind },
        "locations": [location],
    })
}

/// Diagnostic paths are usually project-relative, but a command-line path outside the
/// project (or one that does not exist) is reported as given: relative to `%SRCROOT%` when it
/// is under the root, an absolute `file:` URI otherwise.
fn artifact(root: &Path, path: &str) -> Value {
    let as_path = Path::new(path);
    if !as_path.is_absolute() && !path.starts_with('/') {
        return json!({ "uri": encode_uri(&path.replace('\\', "/")), "uriBaseId": SRCROOT });
    }
    match as_path.strip_prefix(root) {
        Ok(rel) if !rel.as_os_str().is_empty() => {
            let rel = rel.to_string_lossy().replace('\\', "/");
            json!({ "uri": encode_uri(&rel), "uriBaseId": SRCROOT })
        }
        _ => json!({ "uri": file_uri(path) }),
    }
}

/// `file:` URI of an absolute path (`/a/b`, `C:\a\b`).
fn file_uri(path: &str) -> String {
    let path = path.replace('\\', "/");
    let path = path.trim_start_matches('/');
    let mut out = String::from("file:///");
    for byte in path.bytes() {
        match byte {
            b':' => out.push(':'),
            _ => push_encoded(&mut out, byte),
        }
    }
    out
}

/// The project root as a `file:` URI ending in `/`, as `originalUriBaseIds` requires.
fn directory_uri(root: &Path) -> String {
    let mut uri = file_uri(&root.to_string_lossy());
    if !uri.ends_with('/') {
        uri.push('/');
    }
    uri
}

/// Percent-encode what may not appear raw in a relative URI path (including `:`, which
/// would make the first segment look like a scheme).
fn encode_uri(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for byte in path.bytes() {
        push_encoded(&mut out, byte);
    }
    out
}

fn push_encoded(out: &mut String, byte: u8) {
    match byte {
        b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' | b'/' => {
            out.push(byte as char)
        }
        _ => out.push_str(&format!("%{byte:02X}")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uris() {
        assert_eq!(encode_uri("lib/caf é.ex"), "lib/caf%20%C3%A9.ex");
        assert_eq!(encode_uri("a:b.ex"), "a%3Ab.ex");
        assert_eq!(file_uri("/work/my app"), "file:///work/my%20app");
        assert_eq!(file_uri(r"C:\src\app"), "file:///C:/src/app");
        assert_eq!(directory_uri(Path::new("/work/app/")), "file:///work/app/");
        assert_eq!(directory_uri(Path::new("/")), "file:///");
    }

    #[test]
    fn diagnostic_paths() {
        let root = Path::new("/work/app");
        assert_eq!(
            artifact(root, "lib/a.ex"),
            json!({ "uri": "lib/a.ex", "uriBaseId": SRCROOT })
        );
        assert_eq!(
            artifact(root, "/work/app/lib/nope.ex"),
            json!({ "uri": "lib/nope.ex", "uriBaseId": SRCROOT })
        );
        assert_eq!(
            artifact(root, "/elsewhere/x.ex"),
            json!({ "uri": "file:///elsewhere/x.ex" })
        );
    }

    #[test]
    fn past_githubs_limit_the_most_severe_results_are_kept_and_the_cut_is_said() {
        let finding = |i: usize, enforcement| Finding {
            rule: if enforcement == Enforcement::Blocking {
                "ZERO001"
            } else {
                "OTEL001"
            }
            .into(),
            path: format!("lib/f{:05}.ex", i),
            span: crate::finding::Span::first_line(),
            message: "m".into(),
            enforcement,
            fingerprint: format!("{i:016x}"),
            unless_callback: None,
            unless_set_for_prod: None,
            commit: None,
        };
        // Advisory first in path order, so a plain cut would keep them.
        let report = crate::finding::Report {
            findings: (0..MAX_RESULTS)
                .map(|i| finding(i, Enforcement::Advisory))
                .chain((MAX_RESULTS..MAX_RESULTS + 10).map(|i| finding(i, Enforcement::Blocking)))
                .collect(),
            baselined: Some(vec![finding(99_999, Enforcement::Blocking)]),
            ..crate::finding::Report::default()
        };
        let registry = crate::registry::Registry::builtin();
        let rules = crate::selection::RuleSet::defaults(&registry);
        let sources = crate::source::MemorySources::new(Vec::new());
        let root = Path::new("/work/app");
        let cx = RenderContext {
            report: &report,
            registry: &registry,
            rules: &rules,
            sources: &sources,
            checkout: root,
            checkout_prefix: "",
            color: false,
            statistics: false,
            quiet: false,
            root,
            cwd: root,
            max_annotations: 50,
            execution_successful: true,
        };
        let sarif: Value = serde_json::from_str(&render(&cx)).unwrap();
        let run = &sarif["runs"][0];
        let results = run["results"].as_array().unwrap();
        assert_eq!(results.len(), MAX_RESULTS);
        let blocking = results.iter().filter(|r| r["level"] == "error").count();
        assert_eq!(blocking, 10, "every new blocking result is kept");
        assert!(
            results.iter().all(|r| r["baselineState"] == "new"),
            "the known one went first"
        );
        let notes = run["invocations"][0]["toolExecutionNotifications"]
            .as_array()
            .unwrap();
        assert!(
            notes[0]["message"]["text"]
                .as_str()
                .unwrap()
                .contains("11 least severe")
        );
        assert_eq!(run["automationDetails"]["id"], "doctrine/");
    }
}

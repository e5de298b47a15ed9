//! Reports for CI systems: GitLab's code-quality JSON (the merge request widget) and JUnit
//! XML (the test-report views of Jenkins, GitLab, Azure and others). Paths are relative to
//! the git checkout, as those systems resolve them.

use super::RenderContext;
use crate::finding::{Enforcement, Finding};
use serde_json::json;
use std::fmt::Write;

fn checkout_path(cx: &RenderContext, f: &Finding) -> String {
    format!("{}{}", cx.checkout_prefix, f.path)
}

/// GitLab code quality: one issue per finding, `blocker` for blocking security rules,
/// `critical` for other blocking ones, `minor` for advisory ones.
pub fn gitlab(cx: &RenderContext) -> String {
    let issues: Vec<serde_json::Value> = cx
        .report
        .findings
        .iter()
        .map(|f| {
            let security = cx
                .registry
                .get(&f.rule)
                .is_some_and(|r| r.def.security_severity.is_some());
            let severity = match (f.enforcement, security) {
                (Enforcement::Blocking, true) => "blocker",
                (Enforcement::Blocking, false) => "critical",
                _ => "minor",
            };
            json!({
                "type": "issue",
                "check_name": f.rule,
                "description": format!("{} {}", f.rule, f.message),
                "categories": [if security { "Security" } else { "Style" }],
                "severity": severity,
                // Unique per report, stable across unrelated edits (the finding's own).
                "fingerprint": format!("{}-{}", f.rule, f.fingerprint),
                "location": {
                    "path": checkout_path(cx, f),
                    "lines": { "begin": f.span.start_line.max(1) },
                },
            })
        })
        .collect();
    serde_json::to_string_pretty(&issues).expect("JSON values serialize") + "\n"
}

/// `text` safe in XML content and attribute values; characters XML 1.0 cannot hold at all
/// (most C0 controls) become U+FFFD.
fn xml(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\t' | '\n' | '\r' => out.push(c),
            c if (c as u32) < 0x20 || c == '\u{fffe}' || c == '\u{ffff}' => out.push('\u{fffd}'),
            c => out.push(c),
        }
    }
    out
}

/// JUnit XML: one test case per finding, failed when blocking; advisory findings pass with
/// their message as output. A run without findings is one passing case.
pub fn junit(cx: &RenderContext) -> String {
    let findings = &cx.report.findings;
    let failures = findings
        .iter()
        .filter(|f| f.enforcement == Enforcement::Blocking)
        .count();
    let tests = findings.len().max(1);
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    let _ = writeln!(
        out,
        "<testsuites name=\"doctrine\" tests=\"{tests}\" failures=\"{failures}\" errors=\"0\">"
    );
    let _ = writeln!(
        out,
        "  <testsuite name=\"doctrine\" tests=\"{tests}\" failures=\"{failures}\" errors=\"0\" skipped=\"0\">"
    );
    if findings.is_empty() {
        out.push_str("    <testcase classname=\"doctrine\" name=\"no findings\"/>\n");
    }
    for f in findings {
        let path = checkout_path(cx, f);
        let location = format!("{path}:{}:{}", f.span.start_line, f.span.start_column);
        let _ = write!(
            out,
            "    <testcase classname=\"{}\" name=\"{} {}\" file=\"{}\" line=\"{}\">",
            xml(&path),
            xml(&f.rule),
            xml(&location),
            xml(&path),
            f.span.start_line
        );
        match f.enforcement {
            Enforcement::Blocking => {
                let _ = write!(
                    out,
                    "<failure type=\"{}\" message=\"{}\">{}: {}</failure>",
                    xml(&f.rule),
                    xml(&f.message),
                    xml(&location),
                    xml(&f.message)
                );
            }
            _ => {
                let _ = write!(
                    out,
                    "<system-out>advisory {}: {}</system-out>",
                    xml(&f.rule),
                    xml(&f.message)
                );
            }
        }
        out.push_str("</testcase>\n");
    }
    out.push_str("  </testsuite>\n</testsuites>\n");
    out
}

#[cfg(test)]
mod tests {
    use super::xml;

    #[test]
    fn xml_escapes_markup_and_drops_what_xml_cannot_hold() {
        assert_eq!(
            xml("a<b> & \"c\" 'd'\u{1}"),
            "a&lt;b&gt; &amp; &quot;c&quot; &apos;d&apos;\u{fffd}"
        );
    }
}

//! GitHub Actions workflow commands: `::error`/`::warning` annotations.
//!
//! GitHub shows only 10 error and 10 warning annotations per step, so the most important
//! come first — configuration errors, then blocking before advisory, security rules (by
//! severity) before the rest, then path order — and at most `max_annotations` findings are
//! annotated; a closing `::notice` says what was left out.

use super::RenderContext;
use crate::finding::{DiagnosticKind, Enforcement, Finding};
use std::cmp::Reverse;
use std::fmt::Write;

pub fn render(cx: &RenderContext) -> String {
    let mut out = String::new();
    for d in &cx.report.diagnostics {
        let level = match d.kind {
            DiagnosticKind::ConfigError => "error",
            _ => "warning",
        };
        let mut location = String::new();
        if !d.path.is_empty() {
            let _ = write!(
                location,
                " file={}{}",
                property(cx.checkout_prefix),
                property(&d.path)
            );
            if let Some(line) = d.line {
                let _ = write!(location, ",line={line}");
            }
        }
        let _ = writeln!(out, "::{level}{location}::{}", data(&d.message));
    }
    let mut ranked: Vec<&Finding> = cx.report.findings.iter().collect();
    // Stable: ties keep the report's path order.
    ranked.sort_by_key(|f| {
        let severity = cx
            .registry
            .get(&f.rule)
            .and_then(|r| r.def.security_severity)
            .map_or(0, |s| (s * 10.0) as u32);
        (f.enforcement != Enforcement::Blocking, Reverse(severity))
    });
    let shown = ranked.len().min(cx.max_annotations);
    for f in &ranked[..shown] {
        annotate(cx, f, &mut out);
    }
    let left_out = &ranked[shown..];
    if !left_out.is_empty() {
        let blocking = left_out
            .iter()
            .filter(|f| f.enforcement == Enforcement::Blocking)
            .count();
        let _ = writeln!(
            out,
            "::notice title=doctrine::{}",
            data(&format!(
                "{} more finding(s) not annotated ({blocking} blocking, {} advisory): only the \
                 first {shown} are (`[output] max_annotations`). Run `doctrine check` or upload \
                 `--format sarif` to code scanning for the full report.",
                left_out.len(),
                left_out.len() - blocking
            ))
        );
    }
    out
}

fn annotate(cx: &RenderContext, f: &Finding, out: &mut String) {
    let level = match f.enforcement {
        Enforcement::Blocking => "error",
        _ => "warning",
    };
    let name = cx.registry.get(&f.rule).map_or("", |r| r.def.name.as_str());
    let position = if f.span.is_whole_file() {
        String::new()
    } else {
        format!(
            ",line={},col={},endLine={},endColumn={}",
            f.span.start_line, f.span.start_column, f.span.end_line, f.span.end_column
        )
    };
    let _ = writeln!(
        out,
        "::{level} file={}{}{position},title={}::{}",
        property(cx.checkout_prefix),
        property(&f.path),
        property(&format!("{} {name}", f.rule)),
        data(&f.message),
    );
}

/// Escaping for the message part of a workflow command: `%`, CR and LF as the runner
/// expects, then every other control character visibly (the log is a terminal).
fn data(s: &str) -> String {
    let encoded = s
        .replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A");
    super::display::escape(&encoded).into_owned()
}

/// Escaping for a `key=value` property of a workflow command.
fn property(s: &str) -> String {
    data(s).replace(':', "%3A").replace(',', "%2C")
}

#[cfg(test)]
mod tests {
    #[test]
    fn escapes_workflow_command_syntax() {
        assert_eq!(super::data("50%\nnext"), "50%25%0Anext");
        assert_eq!(super::property("a:b,c"), "a%3Ab%2Cc");
        assert_eq!(super::data("x\u{1b}[2Jy"), "x\\u{1b}[2Jy");
    }
}

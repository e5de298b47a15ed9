//! Human output: miette reports with source snippets, or one line per finding.

use super::RenderContext;
use crate::finding::{Enforcement, Finding};
use miette::{
    Diagnostic, GraphicalReportHandler, GraphicalTheme, LabeledSpan, NamedSource, Severity,
    SourceCode,
};
use std::collections::BTreeMap;
use std::fmt::{self, Write};

/// Fixed so that output does not depend on the terminal it was produced in.
const WIDTH: usize = 100;
/// Beyond this column a source snippet is not shown.
const MAX_SNIPPET_COLUMN: u32 = 1_000;

pub fn render(cx: &RenderContext, snippets: bool) -> String {
    let mut out = String::new();
    if cx.statistics {
        write_statistics(cx, &mut out);
    } else if snippets {
        write_snippets(cx, &mut out);
    } else {
        for f in &cx.report.findings {
            let _ = writeln!(out, "{}", concise_line(f));
        }
    }
    if !cx.quiet {
        write_summary(cx, &mut out);
    }
    out
}

/// `path:line:col: RULE [enforcement] message`
fn concise_line(f: &Finding) -> String {
    format!(
        "{}:{}:{}: {} [{}] {}",
        f.path,
        f.span.start_line,
        f.span.start_column,
        f.rule,
        f.enforcement.as_str(),
        f.message
    )
}

struct FindingReport<'a> {
    finding: &'a Finding,
    source: &'a NamedSource<String>,
    /// The rule's name, under the underlined code.
    label: &'a str,
    help: String,
}

impl fmt::Debug for FindingReport<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.finding.message)
    }
}

impl fmt::Display for FindingReport<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.finding.message)
    }
}

impl std::error::Error for FindingReport<'_> {}

impl Diagnostic for FindingReport<'_> {
    fn code<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
        Some(Box::new(format!(
            "{} ({})",
            self.finding.rule,
            self.finding.enforcement.as_str()
        )))
    }

    fn severity(&self) -> Option<Severity> {
        Some(match self.finding.enforcement {
            Enforcement::Blocking => Severity::Error,
            _ => Severity::Warning,
        })
    }

    fn help<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
        Some(Box::new(&self.help))
    }

    fn source_code(&self) -> Option<&dyn SourceCode> {
        Some(self.source)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        let span = &self.finding.span;
        let len = span.end_byte.saturating_sub(span.start_byte);
        Some(Box::new(std::iter::once(LabeledSpan::new(
            Some(self.label.to_string()),
            span.start_byte,
            len,
        ))))
    }
}

fn write_snippets(cx: &RenderContext, out: &mut String) {
    let theme = if cx.color {
        GraphicalTheme::unicode()
    } else {
        GraphicalTheme::unicode_nocolor()
    };
    let handler = GraphicalReportHandler::new_themed(theme)
        .with_width(WIDTH)
        .with_links(false);
    let mut current: Option<(String, NamedSource<String>)> = None;
    for finding in &cx.report.findings {
        if current.as_ref().is_none_or(|(p, _)| *p != finding.path) {
            let content = cx
                .sources
                .read(&finding.path)
                .map(|b| String::from_utf8_lossy(&b).into_owned())
                .unwrap_or_default();
            current = Some((
                finding.path.clone(),
                NamedSource::new(&finding.path, content),
            ));
        }
        let (_, source) = current.as_ref().expect("set above");
        // A snippet of minified or generated code helps nobody (and miette cannot draw
        // columns past u16::MAX): such findings get one plain line.
        if finding.span.end_column > MAX_SNIPPET_COLUMN
            || finding.span.start_column > MAX_SNIPPET_COLUMN
        {
            let _ = writeln!(out, "{}\n", concise_line(finding));
            continue;
        }
        let rule = cx.registry.get(&finding.rule).map(|r| &r.def);
        let report = FindingReport {
            finding,
            source,
            label: rule.map_or("", |r| r.name.as_str()),
            help: format!(
                "{} See `doctrine explain {}`.",
                rule.map_or("", |r| r.summary.as_str()),
                finding.rule
            ),
        };
        let _ = handler.render_report(out, &report);
        out.push('\n');
    }
}

fn write_statistics(cx: &RenderContext, out: &mut String) {
    let mut counts: BTreeMap<&str, (usize, Enforcement)> = BTreeMap::new();
    for f in &cx.report.findings {
        counts.entry(&f.rule).or_insert((0, f.enforcement)).0 += 1;
    }
    for (rule, (count, enforcement)) in counts {
        let name = cx.registry.get(rule).map_or("", |r| r.def.name.as_str());
        let _ = writeln!(
            out,
            "{count:>6}  {rule:<11} {name:<32} [{}]",
            enforcement.as_str()
        );
    }
}

fn write_summary(cx: &RenderContext, out: &mut String) {
    let report = cx.report;
    let blocking = report.blocking_count();
    let advisory = report.findings.len() - blocking;
    let files = report.metrics.files;
    if report.findings.is_empty() {
        let _ = writeln!(out, "No findings in {files} file(s).");
    } else {
        let _ = writeln!(
            out,
            "Found {} finding(s): {blocking} blocking, {advisory} advisory, in {files} file(s).",
            report.findings.len()
        );
    }
}

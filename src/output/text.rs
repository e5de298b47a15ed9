//! Human output: miette reports with source snippets, or one line per finding.

use super::RenderContext;
use super::display::{DisplaySource, escape};
use crate::finding::{Enforcement, Finding};
use miette::{
    Diagnostic, GraphicalReportHandler, GraphicalTheme, LabeledSpan, Severity, SourceCode,
};
use std::collections::{BTreeMap, BTreeSet};
use std::fmt::{self, Write};

/// Fixed so that output does not depend on the terminal it was produced in.
const WIDTH: usize = 100;
/// Beyond this column a source snippet is not shown.
const MAX_SNIPPET_COLUMN: u32 = 1_000;

pub fn render(cx: &RenderContext, snippets: bool) -> String {
    let mut out = String::new();
    if cx.statistics {
        out.push_str(&statistics(cx));
    } else if snippets {
        write_snippets(cx, &mut out);
    } else {
        for f in &cx.report.findings {
            let _ = writeln!(out, "{}", concise_line(cx, f));
        }
    }
    if !cx.quiet {
        write_summary(cx, &mut out);
    }
    out
}

/// `path:line:col: RULE [enforcement] message`, the path as the user reaches it from the
/// current directory; `path: RULE …` for a finding about a whole file or directory.
fn concise_line(cx: &RenderContext, f: &Finding) -> String {
    let position = if f.span.is_whole_file() {
        String::new()
    } else {
        format!(":{}:{}", f.span.start_line, f.span.start_column)
    };
    format!(
        "{}{position}: {} [{}] {}",
        escape(&cx.display_path(&f.path)),
        f.rule,
        f.enforcement.as_str(),
        escape(&f.message)
    )
}

struct FindingReport<'a> {
    finding: &'a Finding,
    /// The finding's message, escaped for the terminal.
    message: String,
    source: &'a DisplaySource,
    /// The rule's name, under the underlined code.
    label: &'a str,
    help: String,
}

impl fmt::Debug for FindingReport<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl fmt::Display for FindingReport<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
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
    let mut current: Option<(String, DisplaySource)> = None;
    for finding in &cx.report.findings {
        if current.as_ref().is_none_or(|(p, _)| *p != finding.path) {
            // The analysed text; project files (READMEs) are read again.
            let content = match cx.report.texts.get(&finding.path) {
                Some(text) => text.to_string(),
                None => cx
                    .sources
                    .read(&finding.path)
                    .map(|b| String::from_utf8_lossy(&b).into_owned())
                    .unwrap_or_default(),
            };
            current = Some((
                finding.path.clone(),
                DisplaySource::new(cx.display_path(&finding.path), &content),
            ));
        }
        let (_, source) = current.as_ref().expect("set above");
        // A snippet of minified or generated code helps nobody (and miette cannot draw
        // columns past u16::MAX), nor one of the file a commit finding is shown at: such
        // findings get one plain line.
        if finding.span.is_whole_file()
            || finding.commit.is_some()
            || finding.span.end_column > MAX_SNIPPET_COLUMN
            || finding.span.start_column > MAX_SNIPPET_COLUMN
            || !source.showable(finding.span.start_byte, finding.span.end_byte)
        {
            let _ = writeln!(out, "{}\n", concise_line(cx, finding));
            continue;
        }
        let rule = cx.registry.get(&finding.rule).map(|r| &r.def);
        let report = FindingReport {
            finding,
            message: escape(&finding.message).into_owned(),
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

/// The number of findings per rule, most frequent first: `--statistics`.
pub fn statistics(cx: &RenderContext) -> String {
    let mut counts: BTreeMap<&str, (usize, Enforcement)> = BTreeMap::new();
    for f in &cx.report.findings {
        counts.entry(&f.rule).or_insert((0, f.enforcement)).0 += 1;
    }
    let mut rows: Vec<(&str, (usize, Enforcement))> = counts.into_iter().collect();
    rows.sort_by(|a, b| b.1.0.cmp(&a.1.0).then(a.0.cmp(b.0)));
    let mut out = String::new();
    for (rule, (count, enforcement)) in rows {
        let name = cx.registry.get(rule).map_or("", |r| r.def.name.as_str());
        let _ = writeln!(
            out,
            "{count:>6}  {rule:<11} {name:<32} [{}]",
            enforcement.as_str()
        );
    }
    out
}

/// The closing summary: counts per pillar in doctrine order, then `summary_line`.
pub fn summary(cx: &RenderContext) -> String {
    let report = cx.report;
    let mut out = String::new();
    if report.findings.is_empty() {
        return summary_line(cx);
    }
    let mut by_pillar: BTreeMap<&str, (usize, usize)> = BTreeMap::new();
    for f in &report.findings {
        let pillar = cx
            .registry
            .get(&f.rule)
            .map_or("", |r| r.def.pillar.as_str());
        let entry = by_pillar.entry(pillar).or_default();
        match f.enforcement {
            Enforcement::Blocking => entry.0 += 1,
            _ => entry.1 += 1,
        }
    }
    let order = |code: &str| {
        cx.registry
            .pillars
            .iter()
            .position(|p| p.code == code)
            .unwrap_or(usize::MAX)
    };
    let mut pillars: Vec<_> = by_pillar.into_iter().collect();
    pillars.sort_by_key(|(code, _)| (order(code), code.to_string()));
    out.push_str("By pillar:\n");
    for (code, (blocking, advisory)) in pillars {
        let _ = writeln!(
            out,
            "  {code:<8} {blocking:>5} blocking {advisory:>5} advisory"
        );
    }
    out.push_str(&summary_line(cx));
    out
}

/// One line: the totals and how many files have findings. Printed on stderr when the
/// report goes to a file.
pub fn summary_line(cx: &RenderContext) -> String {
    let report = cx.report;
    let files = report.metrics.files;
    if report.findings.is_empty() {
        return format!("No findings in {files} file(s) scanned.\n");
    }
    let blocking = report.blocking_count();
    let with_findings: BTreeSet<&str> = report.findings.iter().map(|f| f.path.as_str()).collect();
    format!(
        "Found {} finding(s): {blocking} blocking, {} advisory. {} file(s) with findings, {files} scanned.\n",
        report.findings.len(),
        report.findings.len() - blocking,
        with_findings.len(),
    )
}

fn write_summary(cx: &RenderContext, out: &mut String) {
    out.push_str(&summary(cx));
}

//! GitHub Actions workflow commands: one `::error`/`::warning` annotation per finding.

use super::RenderContext;
use crate::finding::Enforcement;
use std::fmt::Write;

pub fn render(cx: &RenderContext) -> String {
    let mut out = String::new();
    for f in &cx.report.findings {
        let level = match f.enforcement {
            Enforcement::Blocking => "error",
            _ => "warning",
        };
        let name = cx.registry.get(&f.rule).map_or("", |r| r.def.name.as_str());
        let _ = writeln!(
            out,
            "::{level} file={}{},line={},col={},endLine={},endColumn={},title={}::{}",
            property(cx.checkout_prefix),
            property(&f.path),
            f.span.start_line,
            f.span.start_column,
            f.span.end_line,
            f.span.end_column,
            property(&format!("{} {name}", f.rule)),
            data(&f.message),
        );
    }
    out
}

/// Escaping for the message part of a workflow command.
fn data(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
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
    }
}

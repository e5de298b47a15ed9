//! One position computation serves every format: for sources with LF, CRLF and lone-CR line
//! ends, a byte-order mark and non-ASCII text, every finding's span lies inside its file, and
//! JSON, concise, GitHub, SARIF and the text header report the same line and column.

mod common;

use doctrine::output::Format;
use doctrine::source::MemorySources;
use proptest::prelude::*;
use serde_json::Value;

const PIECES: &[&str] = &[
    "  def f(x), do: String.to_atom(x)",
    "  # é — ü 漢字 comment",
    "  @doc \"ééé\"",
    "  def g(y), do: \"ééé\" <> :\"a#{y}\" <> List.to_atom(y)",
    "  x = 1",
    "",
    "  def h(z) do",
    "    z |> String.to_atom()",
    "  end",
    "  # doctrine:disable-next-line ZERO001",
];

fn source(pieces: &[usize], newline: &str, bom: bool) -> String {
    let mut src = String::new();
    if bom {
        src.push('\u{feff}');
    }
    src.push_str("defmodule P do");
    src.push_str(newline);
    for &i in pieces {
        src.push_str(PIECES[i]);
        src.push_str(newline);
    }
    src.push_str("end");
    src.push_str(newline);
    src
}

/// (line, column) of every finding, as each format reports it.
fn positions(src: &str) -> Vec<(&'static str, Vec<(u64, u64)>)> {
    let mut report = doctrine::lint_str("lib/p.ex", src);
    report.sort();
    let sources = MemorySources::new(vec![("lib/p.ex".into(), src.as_bytes().to_vec())]);
    let render = |format| common::render(&report, &sources, format);
    let number = |s: &str| s.parse::<u64>().unwrap();
    let json: Value = serde_json::from_str(&render(Format::Json)).unwrap();
    let from_json = json["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| (f["line"].as_u64().unwrap(), f["column"].as_u64().unwrap()))
        .collect();
    let from_concise = render(Format::Concise)
        .lines()
        .map(|l| {
            let mut parts = l.splitn(4, ':');
            parts.next();
            (number(parts.next().unwrap()), number(parts.next().unwrap()))
        })
        .collect();
    let from_github = render(Format::Github)
        .lines()
        .filter(|l| l.contains(",title="))
        .map(|l| {
            let field = |key: &str| {
                let start = l.find(&format!(",{key}=")).unwrap() + key.len() + 2;
                number(l[start..].split([',', ':']).next().unwrap())
            };
            (field("line"), field("col"))
        })
        .collect();
    let sarif: Value = serde_json::from_str(&render(Format::Sarif)).unwrap();
    let from_sarif = sarif["runs"][0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            let region = &r["locations"][0]["physicalLocation"]["region"];
            (
                region["startLine"].as_u64().unwrap(),
                region["startColumn"].as_u64().unwrap(),
            )
        })
        .collect();
    let from_text = render(Format::Text)
        .lines()
        .filter_map(|l| l.trim_start().strip_prefix("╭─[lib/p.ex:"))
        .map(|rest| {
            let mut parts = rest.trim_end_matches(']').split(':');
            (number(parts.next().unwrap()), number(parts.next().unwrap()))
        })
        .collect();
    let mut all: Vec<(&'static str, Vec<(u64, u64)>)> = vec![
        ("json", from_json),
        ("concise", from_concise),
        ("github", from_github),
        ("sarif", from_sarif),
        ("text", from_text),
    ];
    // GitHub ranks its annotations; compare as sets.
    for (_, found) in &mut all {
        found.sort();
    }
    all
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn every_format_reports_the_same_positions_inside_the_file(
        pieces in proptest::collection::vec(0..PIECES.len(), 0..8),
        newline in prop_oneof![Just("\n"), Just("\r\n"), Just("\r")],
        bom in any::<bool>(),
    ) {
        let src = source(&pieces, newline, bom);
        let all = positions(&src);
        let (_, reference) = &all[0];
        for (format, found) in &all[1..] {
            prop_assert_eq!(found, reference, "{} differs from json for {:?}", format, src);
        }
        let report = doctrine::lint_str("lib/p.ex", &src);
        let line_count = src.split('\n').count() as u32;
        for f in &report.findings {
            prop_assert!(f.span.start_byte <= f.span.end_byte && f.span.end_byte <= src.len());
            prop_assert!(f.span.start_line >= 1 && f.span.end_line <= line_count);
            prop_assert!(src.is_char_boundary(f.span.start_byte) && src.is_char_boundary(f.span.end_byte));
            prop_assert!(!src[f.span.start_byte..f.span.end_byte].ends_with('\r'));
        }
    }
}

#[test]
fn a_bom_and_non_ascii_text_do_not_shift_columns() {
    let src = "\u{feff}defmodule P do\n  def g(y), do: \"ééé\" <> String.to_atom(y)\nend\n";
    // `String` is the 26th character of line 2 (the 28th byte); the BOM is no column.
    for (format, found) in positions(src) {
        assert!(found.contains(&(2, 26)), "{format}: {found:?}");
        assert!(found.contains(&(1, 11)), "{format}: {found:?}");
    }
}

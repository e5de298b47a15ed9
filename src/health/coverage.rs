//! Line coverage from a coverage report: ExCoveralls JSON (`mix coveralls.json`, written to
//! `cover/excoveralls.json`) or LCOV (`cover/lcov.info`, from `mix coveralls.lcov` or
//! `lcov_ex`). A line is relevant when the report tracks it and covered when it ran.

use std::collections::BTreeMap;
use std::path::Path;

/// Where the coverage tools write their reports, relative to the project root.
pub const DEFAULT_FILES: &[&str] = &["cover/excoveralls.json", "cover/lcov.info"];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LineCoverage {
    pub covered: u64,
    pub relevant: u64,
}

/// The report's coverage; the error says why the file is not one.
pub fn read(path: &Path) -> Result<LineCoverage, String> {
    let text = crate::source::read_text_bounded(path, 256 * 1024 * 1024)
        .map_err(|e| format!("cannot read it: {e}"))?;
    parse(&text)
}

pub fn parse(text: &str) -> Result<LineCoverage, String> {
    if text.trim_start().starts_with('{') {
        excoveralls(text)
    } else {
        lcov(text)
    }
}

fn excoveralls(text: &str) -> Result<LineCoverage, String> {
    let json: serde_json::Value =
        serde_json::from_str(text).map_err(|e| format!("not valid JSON: {e}"))?;
    let files = json
        .get("source_files")
        .and_then(|f| f.as_array())
        .ok_or("not an ExCoveralls report: no `source_files` array")?;
    let mut total = LineCoverage {
        covered: 0,
        relevant: 0,
    };
    for file in files {
        let lines = file
            .get("coverage")
            .and_then(|c| c.as_array())
            .ok_or("an ExCoveralls source file without a `coverage` array")?;
        // `null` is a line that holds no code; a number is how often it ran.
        for hits in lines.iter().filter_map(|l| l.as_u64()) {
            total.relevant += 1;
            total.covered += u64::from(hits > 0);
        }
    }
    Ok(total)
}

fn lcov(text: &str) -> Result<LineCoverage, String> {
    // A line may appear in several records (merged reports): it is covered if any ran it.
    let mut lines: BTreeMap<(&str, u64), bool> = BTreeMap::new();
    let (mut found, mut hit) = (0, 0);
    let mut file = "";
    let mut records = 0;
    for line in text.lines().map(str::trim) {
        if let Some(name) = line.strip_prefix("SF:") {
            file = name;
            records += 1;
        } else if let Some(data) = line.strip_prefix("DA:") {
            let mut fields = data.split(',');
            let number = fields.next().and_then(|n| n.trim().parse::<u64>().ok());
            let count = fields.next().and_then(|n| n.trim().parse::<f64>().ok());
            let (Some(number), Some(count)) = (number, count) else {
                return Err(format!("a malformed LCOV line `{line}`"));
            };
            *lines.entry((file, number)).or_default() |= count > 0.0;
        } else if let Some(n) = line.strip_prefix("LF:") {
            found += n.trim().parse::<u64>().unwrap_or(0);
        } else if let Some(n) = line.strip_prefix("LH:") {
            hit += n.trim().parse::<u64>().unwrap_or(0);
        }
    }
    if records == 0 {
        return Err("neither ExCoveralls JSON nor LCOV (no `SF:` record)".into());
    }
    if lines.is_empty() {
        // Summary-only LCOV.
        return Ok(LineCoverage {
            covered: hit.min(found),
            relevant: found,
        });
    }
    Ok(LineCoverage {
        covered: lines.values().filter(|covered| **covered).count() as u64,
        relevant: lines.len() as u64,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn excoveralls_counts_lines_with_code() {
        let report = r#"{"source_files":[
            {"name":"lib/a.ex","source":"defmodule A do\n  def f, do: 1\nend\n","coverage":[null,3,0,null]},
            {"name":"lib/b.ex","source":"","coverage":[1,1,null]}]}"#;
        assert_eq!(
            parse(report),
            Ok(LineCoverage {
                covered: 3,
                relevant: 4
            })
        );
    }

    #[test]
    fn lcov_merges_records_of_the_same_file() {
        let report = "TN:\nSF:lib/a.ex\nDA:1,0\nDA:2,5\nLF:2\nLH:1\nend_of_record\n\
                      SF:lib/a.ex\nDA:1,1\nend_of_record\nSF:lib/b.ex\nDA:7,0\nend_of_record\n";
        assert_eq!(
            parse(report),
            Ok(LineCoverage {
                covered: 2,
                relevant: 3
            })
        );
    }

    #[test]
    fn lcov_with_totals_only() {
        assert_eq!(
            parse("SF:lib/a.ex\nLF:10\nLH:4\nend_of_record\n"),
            Ok(LineCoverage {
                covered: 4,
                relevant: 10
            })
        );
    }

    #[test]
    fn other_files_are_rejected_with_a_reason() {
        assert!(
            parse("{\"coverage\": 3}")
                .unwrap_err()
                .contains("source_files")
        );
        assert!(parse("{not json").unwrap_err().contains("JSON"));
        assert!(parse("hello\n").unwrap_err().contains("LCOV"));
        assert!(parse("SF:a\nDA:x,1\n").unwrap_err().contains("malformed"));
    }
}

//! Baselines: adopt doctrine on a legacy codebase by recording today's findings and failing
//! only on new ones. Entries are keyed by the finding's fingerprint (rule, path, enclosing
//! module, whitespace-normalised offending line, occurrence), never by line number, so
//! lines inserted above a finding or a function moved within its file do not bring it back.
//! The file is JSON with one entry per line, sorted, so it diffs and merges well.

use crate::finding::{Finding, Report};
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;
use std::path::Path;

pub const SCHEMA_VERSION: u32 = 1;

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Entry {
    pub path: String,
    pub rule: String,
    pub fingerprint: String,
    /// For people reading the file; not part of the key.
    #[serde(default)]
    pub message: String,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Baseline {
    pub entries: Vec<Entry>,
}

/// What applying a baseline did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Applied {
    /// Findings the baseline holds (moved to `Report::baselined`).
    pub matched: usize,
    /// Entries no finding matches any more: fixed, removable from the file.
    pub fixed: Vec<Entry>,
}

fn key(rule: &str, path: &str, fingerprint: &str) -> (String, String, String) {
    (path.to_string(), rule.to_string(), fingerprint.to_string())
}

impl Baseline {
    pub fn of(findings: &[Finding]) -> Baseline {
        let mut entries: Vec<Entry> = findings
            .iter()
            .map(|f| Entry {
                path: f.path.clone(),
                rule: f.rule.clone(),
                fingerprint: f.fingerprint.clone(),
                message: f.message.clone(),
            })
            .collect();
        entries.sort();
        entries.dedup_by(|a, b| {
            a.path == b.path && a.rule == b.rule && a.fingerprint == b.fingerprint
        });
        Baseline { entries }
    }

    /// The file's text: a header and one entry per line.
    pub fn render(&self) -> String {
        let mut out = format!(
            "{{\n  \"schema_version\": {SCHEMA_VERSION},\n  \"tool\": \"doctrine\",\n  \"findings\": ["
        );
        for (i, entry) in self.entries.iter().enumerate() {
            out.push_str(if i == 0 { "\n    " } else { ",\n    " });
            out.push_str(&serde_json::to_string(entry).expect("an entry serializes"));
        }
        out.push_str(if self.entries.is_empty() {
            "]\n}\n"
        } else {
            "\n  ]\n}\n"
        });
        out
    }

    pub fn parse(text: &str) -> Result<Baseline, String> {
        #[derive(Deserialize)]
        struct File {
            schema_version: u32,
            findings: Vec<Entry>,
        }
        let file: File =
            serde_json::from_str(text).map_err(|e| format!("not a doctrine baseline: {e}"))?;
        if file.schema_version > SCHEMA_VERSION {
            return Err(format!(
                "a baseline of format {} (this doctrine reads up to {SCHEMA_VERSION})",
                file.schema_version
            ));
        }
        let mut entries = file.findings;
        entries.sort();
        Ok(Baseline { entries })
    }

    pub fn read(path: &Path) -> Result<Baseline, String> {
        let text = crate::source::read_text_bounded(path, 256 * 1024 * 1024)
            .map_err(|e| format!("cannot read it: {e}"))?;
        Baseline::parse(&text)
    }

    /// Write the file through a temporary file and a rename, so a reader never sees half.
    pub fn write(&self, path: &Path) -> std::io::Result<()> {
        let name = path
            .file_name()
            .map_or_else(|| "baseline".into(), |n| n.to_string_lossy().into_owned());
        let temporary = path.with_file_name(format!(".{name}.{}.tmp", std::process::id()));
        std::fs::write(&temporary, self.render())?;
        std::fs::rename(&temporary, path).inspect_err(|_| {
            let _ = std::fs::remove_file(&temporary);
        })
    }

    /// Move the findings the baseline holds from `report.findings` to `report.baselined`.
    pub fn apply(&self, report: &mut Report) -> Applied {
        let known: BTreeSet<(String, String, String)> = self
            .entries
            .iter()
            .map(|e| key(&e.rule, &e.path, &e.fingerprint))
            .collect();
        let (baselined, new): (Vec<Finding>, Vec<Finding>) = std::mem::take(&mut report.findings)
            .into_iter()
            .partition(|f| known.contains(&key(&f.rule, &f.path, &f.fingerprint)));
        let seen: BTreeSet<(String, String, String)> = baselined
            .iter()
            .map(|f| key(&f.rule, &f.path, &f.fingerprint))
            .collect();
        report.findings = new;
        let matched = baselined.len();
        report.baselined = Some(baselined);
        Applied {
            matched,
            fixed: self
                .entries
                .iter()
                .filter(|e| !seen.contains(&key(&e.rule, &e.path, &e.fingerprint)))
                .cloned()
                .collect(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_file_is_sorted_one_entry_per_line_and_reads_back() {
        let report = crate::lint_str(
            "lib/a.ex",
            "defmodule A do\n  @moduledoc false\n  def b(x), do: String.to_atom(x)\n  def a(x), do: String.to_atom(x <> \"\")\nend\n",
        );
        let baseline = Baseline::of(&report.findings);
        let text = baseline.render();
        assert_eq!(
            text.lines()
                .filter(|l| l.contains("\"fingerprint\""))
                .count(),
            2
        );
        assert_eq!(Baseline::parse(&text).unwrap(), baseline);
        assert_eq!(
            Baseline::of(&[]).render(),
            "{\n  \"schema_version\": 1,\n  \"tool\": \"doctrine\",\n  \"findings\": []\n}\n"
        );
        assert!(
            Baseline::parse("{\"schema_version\": 9, \"findings\": []}")
                .unwrap_err()
                .contains("format 9")
        );
    }
}

//! The gate's history: `.doctrine/history.jsonl` under the project root, one JSON record per
//! recorded gate run. Appends take an exclusive lock and write each line with one `write`,
//! so two gates recording at once never interleave; reading skips (and reports) lines that
//! are not records, so a damaged file never breaks a gate.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::io::{Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

pub const FILE: &str = ".doctrine/history.jsonl";

/// The version of the record format; readers accept records of this version and older.
pub const SCHEMA_VERSION: u32 = 1;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Outcome {
    Pass,
    Fail,
    /// A phase that had nothing to judge (no earlier score to compare with).
    Skip,
}

impl Outcome {
    pub fn label(self) -> &'static str {
        match self {
            Outcome::Pass => "PASS",
            Outcome::Fail => "FAIL",
            Outcome::Skip => "SKIP",
        }
    }
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Counts {
    pub blocking: u64,
    pub advisory: u64,
}

impl Counts {
    /// Count one finding of this enforcement.
    pub fn add(&mut self, enforcement: crate::finding::Enforcement) {
        match enforcement {
            crate::finding::Enforcement::Blocking => self.blocking += 1,
            crate::finding::Enforcement::Advisory => self.advisory += 1,
            crate::finding::Enforcement::Off => {}
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PhaseRecord {
    /// `compliance`, `score` or `drop`.
    pub name: String,
    pub outcome: Outcome,
    pub duration_ms: u64,
    /// One line on what the phase found.
    #[serde(default)]
    pub detail: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Components {
    pub compliance: f64,
    pub documentation: Option<f64>,
    pub tests: Option<f64>,
    /// True when the tests component is the TACH estimate (no coverage report).
    #[serde(default)]
    pub tests_estimated: bool,
    pub build: Option<f64>,
}

/// One gate run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Record {
    pub schema_version: u32,
    /// When the gate started, RFC 3339 in UTC (`2026-12-01T21:30:05Z`).
    pub time: String,
    pub commit: Option<String>,
    pub branch: Option<String>,
    /// `--env NAME` (`staging`, `production`).
    #[serde(default)]
    pub env: Option<String>,
    /// The project version from `mix.exs`.
    #[serde(default)]
    pub version: Option<String>,
    /// The doctrine version that ran the gate.
    #[serde(default)]
    pub doctrine: String,
    pub outcome: Outcome,
    pub duration_ms: u64,
    pub score: f64,
    pub components: Components,
    pub findings: Counts,
    /// Findings per pillar code, pillars with findings only.
    #[serde(default)]
    pub pillars: BTreeMap<String, Counts>,
    pub phases: Vec<PhaseRecord>,
}

/// A line of the history that is not a record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BadLine {
    /// 1-based.
    pub line: usize,
    pub reason: String,
}

/// The records of the history file in the order they were written. A missing file is an
/// empty history.
pub fn read(root: &Path) -> std::io::Result<(Vec<Record>, Vec<BadLine>)> {
    let path = root.join(FILE);
    match crate::source::read_bounded(&path, 512 * 1024 * 1024) {
        Ok(bytes) => Ok(parse(&String::from_utf8_lossy(&bytes))),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok((Vec::new(), Vec::new())),
        Err(e) => Err(e),
    }
}

pub fn parse(text: &str) -> (Vec<Record>, Vec<BadLine>) {
    let mut records = Vec::new();
    let mut bad = Vec::new();
    for (index, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        match serde_json::from_str::<Record>(line) {
            Ok(record) if record.schema_version <= SCHEMA_VERSION => records.push(record),
            Ok(record) => bad.push(BadLine {
                line: index + 1,
                reason: format!(
                    "a record of format {} (this doctrine reads up to {SCHEMA_VERSION})",
                    record.schema_version
                ),
            }),
            Err(e) => bad.push(BadLine {
                line: index + 1,
                reason: format!("not a gate record ({e})"),
            }),
        }
    }
    (records, bad)
}

/// Append `record` as one line, creating `.doctrine/` as needed. Returns the file's path.
pub fn append(root: &Path, record: &Record) -> std::io::Result<PathBuf> {
    let path = root.join(FILE);
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)?;
    }
    let mut line = serde_json::to_string(record).map_err(std::io::Error::other)?;
    line.push('\n');
    let mut file = std::fs::OpenOptions::new()
        .create(true)
        .read(true)
        .append(true)
        .open(&path)?;
    file.lock()?;
    // A line cut short by a crash must not swallow the new record: start on a fresh line.
    let length = file.metadata()?.len();
    if length > 0 {
        let mut last = [0u8; 1];
        file.seek(SeekFrom::Start(length - 1))?;
        file.read_exact(&mut last)?;
        if last[0] != b'\n' {
            line.insert(0, '\n');
        }
    }
    let written = file
        .write_all(line.as_bytes())
        .and_then(|_| file.sync_data());
    file.unlock()?;
    written.map(|_| path)
}

/// The current time as RFC 3339 in UTC, to the second.
pub fn now_rfc3339() -> String {
    let seconds = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    rfc3339(seconds)
}

/// `seconds` since the Unix epoch as `YYYY-MM-DDTHH:MM:SSZ` (proleptic Gregorian, UTC).
pub fn rfc3339(seconds: u64) -> String {
    let t = CivilTime::of(seconds);
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z",
        t.year, t.month, t.day, t.hour, t.minute, t.second
    )
}

/// A Unix time as a UTC calendar date and time of day (proleptic Gregorian).
pub struct CivilTime {
    pub year: i64,
    pub month: i64,
    pub day: i64,
    pub hour: u64,
    pub minute: u64,
    pub second: u64,
}

impl CivilTime {
    pub fn of(seconds: u64) -> CivilTime {
        let days = (seconds / 86_400) as i64;
        let rest = seconds % 86_400;
        // Civil date from days since 1970-01-01 (H. Hinnant's algorithm).
        let z = days + 719_468;
        let era = z.div_euclid(146_097);
        let doe = z.rem_euclid(146_097);
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let day = doy - (153 * mp + 2) / 5 + 1;
        let month = if mp < 10 { mp + 3 } else { mp - 9 };
        CivilTime {
            year: yoe + era * 400 + i64::from(month <= 2),
            month,
            day,
            hour: rest / 3600,
            minute: rest % 3600 / 60,
            second: rest % 60,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    pub fn record(score: f64, outcome: Outcome) -> Record {
        Record {
            schema_version: SCHEMA_VERSION,
            time: "2026-12-01T10:00:00Z".into(),
            commit: Some("0123456789abcdef0123456789abcdef01234567".into()),
            branch: Some("main".into()),
            env: None,
            version: Some("1.0.0".into()),
            doctrine: "0.1.0".into(),
            outcome,
            duration_ms: 600,
            score,
            components: Components {
                compliance: 90.0,
                documentation: Some(70.0),
                tests: Some(60.0),
                tests_estimated: true,
                build: Some(100.0),
            },
            findings: Counts::default(),
            pillars: BTreeMap::new(),
            phases: Vec::new(),
        }
    }

    #[test]
    fn dates_are_civil_utc() {
        assert_eq!(rfc3339(0), "1970-01-01T00:00:00Z");
        assert_eq!(rfc3339(951_782_400), "2000-02-29T00:00:00Z");
        assert_eq!(rfc3339(1_796_160_605), "2026-12-01T21:30:05Z");
    }

    #[test]
    fn bad_lines_are_reported_and_skipped_and_the_rest_kept() {
        let good = serde_json::to_string(&record(81.5, Outcome::Pass)).unwrap();
        let future = good.replace("\"schema_version\":1", "\"schema_version\":9");
        let text = format!("{good}\n{{\"truncated\": \n\n{future}\n{good}");
        let (records, bad) = parse(&text);
        assert_eq!(records.len(), 2);
        assert_eq!(bad.iter().map(|b| b.line).collect::<Vec<_>>(), [2, 4]);
        assert!(bad[1].reason.contains("format 9"));
    }

    #[test]
    fn appends_after_a_torn_line_and_from_many_threads() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join(".doctrine")).unwrap();
        std::fs::write(dir.path().join(FILE), "{\"schema_version\": 1, \"ti").unwrap();
        std::thread::scope(|s| {
            for i in 0..8 {
                let root = dir.path();
                s.spawn(move || append(root, &record(f64::from(i), Outcome::Pass)).unwrap());
            }
        });
        let (records, bad) = read(dir.path()).unwrap();
        assert_eq!(records.len(), 8, "every record survives");
        assert_eq!(bad.len(), 1, "only the torn line is bad");
        let mut scores: Vec<f64> = records.iter().map(|r| r.score).collect();
        scores.sort_by(f64::total_cmp);
        assert_eq!(scores, [0.0, 1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0]);
    }
}

//! The values the engine produces: findings, diagnostics about inputs, and the counts a health
//! score needs. Everything here serializes, so a per-file result can be cached or shipped.

use crate::syntax::behaviours::{BehaviourFact, CallbackQuestion};
use crate::syntax::web::WebFacts;
use serde::{Deserialize, Serialize};
use std::cmp::Ordering;
use std::collections::BTreeMap;
use std::sync::Arc;
use xxhash_rust::xxh3::xxh3_64;

/// A finding's identity for baselines and SARIF `partialFingerprints`: the rule, the file, the
/// enclosing module and the flagged line's text (`normalize_line`, passed as its hash, so a
/// very long line is hashed once however many findings it has), plus an occurrence index
/// among findings sharing all of those. Line numbers are deliberately not part of it, so the
/// fingerprint survives edits elsewhere in the file.
pub fn fingerprint(
    rule: &str,
    path: &str,
    context: &str,
    line_hash: u64,
    occurrence: u32,
) -> String {
    let key = format!("{rule}\0{path}\0{context}\0{line_hash:016x}\0{occurrence}");
    format!("{:016x}", xxh3_64(key.as_bytes()))
}

/// The hash of a normalised line, for `fingerprint`.
pub fn line_hash(normalized_line: &str) -> u64 {
    xxh3_64(normalized_line.as_bytes())
}

/// A line's text with indentation and runs of whitespace collapsed, so re-indenting or
/// reformatting spaces does not change fingerprints.
pub fn normalize_line(line: &str) -> String {
    line.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// How a rule's findings are treated. `Off` never reaches a finding; it only exists in config.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, PartialOrd, Ord)]
#[serde(rename_all = "lowercase")]
pub enum Enforcement {
    Blocking,
    Advisory,
    Off,
}

impl Enforcement {
    pub fn as_str(self) -> &'static str {
        match self {
            Enforcement::Blocking => "blocking",
            Enforcement::Advisory => "advisory",
            Enforcement::Off => "off",
        }
    }
}

/// A source range. Lines and columns are 1-based; columns count Unicode scalar values, and the
/// end is exclusive (the column just past the last character), as SARIF expects. The zero
/// span (`Span::default()`) means the whole file or directory: a finding about something
/// that is absent (no README) has no line to point at.
#[derive(
    Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, PartialOrd, Ord, Hash,
)]
pub struct Span {
    pub start_line: u32,
    pub start_column: u32,
    pub end_line: u32,
    pub end_column: u32,
    pub start_byte: usize,
    pub end_byte: usize,
}

impl Span {
    /// The start of line 1: where a finding about a whole file (a stale file git tracks)
    /// points, so that editors and code scanning can still show it.
    pub fn first_line() -> Span {
        Span {
            start_line: 1,
            start_column: 1,
            end_line: 1,
            end_column: 1,
            start_byte: 0,
            end_byte: 0,
        }
    }

    /// A finding about the whole file or directory, with no line.
    pub fn is_whole_file(&self) -> bool {
        self.start_line == 0
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Finding {
    pub rule: String,
    pub path: String,
    pub span: Span,
    pub message: String,
    pub enforcement: Enforcement,
    /// Stable identity that survives unrelated edits above the finding (see `fingerprint.rs`).
    pub fingerprint: String,
    /// Dropped after the scan if the function turns out to implement a callback of one of
    /// the project's behaviours (only a whole-project fact can tell).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unless_callback: Option<CallbackQuestion>,
    /// Dropped after the scan if a config file that runs in production (`runtime.exs`,
    /// `prod.exs`, `releases.exs`) sets this key too, so the value here is only a default
    /// for development.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unless_set_for_prod: Option<String>,
    /// For a finding about a commit (GITL001): its full SHA. The path then only gives an
    /// editor somewhere to show it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub commit: Option<String>,
}

impl Finding {
    /// The order every output uses: path, line, column, rule, then message as a tie-breaker.
    pub fn sort_key_cmp(&self, other: &Self) -> Ordering {
        (
            &self.path,
            self.span.start_line,
            self.span.start_column,
            &self.rule,
            &self.message,
        )
            .cmp(&(
                &other.path,
                other.span.start_line,
                other.span.start_column,
                &other.rule,
                &other.message,
            ))
    }
}

/// Something about an input that is not a rule violation: unreadable file, invalid UTF-8,
/// syntax errors, skipped binaries. Reported, never fatal.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, PartialOrd, Ord)]
pub struct Diagnostic {
    pub path: String,
    pub kind: DiagnosticKind,
    pub line: Option<u32>,
    pub message: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, PartialOrd, Ord)]
#[serde(rename_all = "kebab-case")]
pub enum DiagnosticKind {
    ReadError,
    InvalidUtf8,
    /// git could not be read (no repository, a revision not found); the git rules that
    /// needed it were skipped.
    Git,
    BinaryFile,
    TooLarge,
    SyntaxError,
    WalkError,
    /// `.doctrine.toml` or a project rule file could not be used.
    ConfigError,
    /// The parser's work budget ran out (pathological input); the file was not analysed.
    ParseBudget,
    /// doctrine itself failed on this file (a bug); the rest of the run went on.
    InternalError,
    /// The file has more findings than are reported for one file.
    TooManyFindings,
}

impl DiagnosticKind {
    /// Whether the diagnostic is about one file (not the configuration or git).
    pub fn concerns_a_file(self) -> bool {
        !matches!(self, DiagnosticKind::ConfigError | DiagnosticKind::Git)
    }

    /// The file was not analysed at all, so a passing gate would say nothing about it: such
    /// a run exits 2 unless `--allow-unreadable` is given. (Binary and too-large files are
    /// skipped by design and stay warnings.)
    pub fn loses_findings(self) -> bool {
        matches!(
            self,
            DiagnosticKind::ReadError
                | DiagnosticKind::WalkError
                | DiagnosticKind::ParseBudget
                | DiagnosticKind::InternalError
        )
    }
}

/// Counts a health score is built from. Summed over files; every field is additive.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Metrics {
    pub files: u64,
    pub lines: u64,
    pub files_with_syntax_errors: u64,
    pub syntax_errors: u64,
    pub modules: u64,
    pub modules_with_moduledoc: u64,
    pub public_functions: u64,
    pub documented_functions: u64,
    /// Public `def`s that should carry a `@spec` (macros and callbacks excluded).
    pub spec_candidates: u64,
    pub specced_functions: u64,
}

impl Metrics {
    pub fn add(&mut self, other: &Metrics) {
        self.files += other.files;
        self.lines += other.lines;
        self.files_with_syntax_errors += other.files_with_syntax_errors;
        self.syntax_errors += other.syntax_errors;
        self.modules += other.modules;
        self.modules_with_moduledoc += other.modules_with_moduledoc;
        self.public_functions += other.public_functions;
        self.documented_functions += other.documented_functions;
        self.spec_candidates += other.spec_candidates;
        self.specced_functions += other.specced_functions;
    }
}

/// The result of analysing one file: a pure function of its inputs, serializable for caching.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FileReport {
    pub findings: Vec<Finding>,
    pub diagnostics: Vec<Diagnostic>,
    pub metrics: Metrics,
    /// Behaviours the file defines (modules with `@callback`s): a project fact.
    pub behaviours: Vec<BehaviourFact>,
    /// The keys a config file that runs in production sets (`syntax::config::set_keys`):
    /// a project fact.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub prod_config_keys: Vec<String>,
    /// The file's suppression directives for project-level rules, applied to their
    /// findings after the project checks.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub project_suppressions: Vec<crate::suppress::ProjectSuppression>,
    /// Routers, endpoints, controllers and `force_ssl` settings the file holds: project facts.
    #[serde(default, skip_serializing_if = "WebFacts::is_empty")]
    pub web: WebFacts,
    /// GenServers and modules that emit telemetry: project facts for OTEL001.
    #[serde(default)]
    pub telemetry: crate::syntax::telemetry::TelemetryFacts,
    /// What a `mix.exs` declares (app, version, dependencies): a project fact.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mix: Option<crate::syntax::mix::MixFacts>,
    /// What a `mix.lock` pins: a project fact for DEPS003.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lock: Option<crate::syntax::mix::LockFacts>,
    /// The lib modules the file defines: project facts for TACH, KNOW and HLTH.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub modules: Vec<crate::syntax::outline::ModuleFact>,
    /// For test code, the modules the file names (aliases expanded), sorted: which modules
    /// have tests (TACH001).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub test_references: Vec<String>,
    /// The text that was analysed, kept when there are findings so that snippets show
    /// exactly what was judged (the file may change on disk during the run).
    #[serde(skip)]
    pub text: Option<Arc<str>>,
}

/// The result of a whole run.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Report {
    pub findings: Vec<Finding>,
    pub diagnostics: Vec<Diagnostic>,
    pub metrics: Metrics,
    /// The analysed text of each file with findings, by path (see `FileReport::text`).
    #[serde(skip)]
    pub texts: BTreeMap<String, Arc<str>>,
    /// What the scan learned about the project, for the project checks.
    #[serde(skip)]
    pub facts: ProjectFacts,
    /// With `--baseline`: the findings it holds, taken out of `findings` (SARIF still lists
    /// them, as `unchanged`). `None` without a baseline.
    #[serde(skip)]
    pub baselined: Option<Vec<Finding>>,
    /// Where the run's time went.
    #[serde(skip)]
    pub timings: crate::engine::Timings,
}

/// Facts about the project gathered from the per-file reports (in path order), so project
/// checks read the trees the scan parsed instead of parsing files again.
#[derive(Debug, Clone, Default)]
pub struct ProjectFacts {
    pub web: WebFacts,
    pub telemetry: crate::syntax::telemetry::TelemetryFacts,
    /// The files' suppression directives for project-level rules.
    pub suppressions: Vec<crate::suppress::ProjectSuppression>,
    /// Each scanned `mix.exs`, in path order.
    pub mix: Vec<crate::syntax::mix::MixFacts>,
    /// Each scanned `mix.lock`, in path order.
    pub locks: Vec<crate::syntax::mix::LockFacts>,
    /// The lib modules, in path order; `public_api` already answered with the project's
    /// behaviours (`callback_questions` is empty).
    pub modules: Vec<crate::syntax::outline::ModuleFact>,
    /// Every module some test file names.
    pub tested_modules: std::collections::HashSet<String>,
}

impl Report {
    pub fn blocking_count(&self) -> usize {
        self.findings
            .iter()
            .filter(|f| f.enforcement == Enforcement::Blocking)
            .count()
    }

    pub fn sort(&mut self) {
        self.findings.sort_by(Finding::sort_key_cmp);
        self.diagnostics.sort();
    }
}

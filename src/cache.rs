//! The result cache: what a whole-project run learned, kept under `.doctrine/cache/` so the
//! next run analyses only what changed.
//!
//! One file per effective configuration (`results-<key>.json`). Its first line is a header
//! (format, version, build); the rest holds, per file, the content digest and role it was
//! analysed with and its `FileReport` as JSON, and the project rules' results with the
//! inputs they were computed from. A file's report is a pure function of its content, role
//! and path and of the rules (`Analyzer::analyze`), so an entry is reused when those match.
//! Each entry also keeps the file's `FileStamp` (size, inode, times): while the file system
//! still reports it, the file is taken as unchanged without being read, as git's index does.
//! The project rules' results are reused when the scanned files, the project model, the git
//! facts and every file the project rules read or listed are as they were.
//!
//! Writes go to a temporary file renamed over the old one, so a reader never sees half a
//! file and two overlapping runs each leave a complete one. A cache that cannot be read,
//! is corrupt or was written by another build is ignored with a warning and rewritten.

use crate::config::Config;
use crate::finding::{Diagnostic, FileReport, Finding};
use crate::project::FileRole;
use crate::registry::{Registry, RuleDef};
use crate::source::{FileStamp, SourceError, SourceSet};
use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;
use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime};
use xxhash_rust::xxh3::{xxh3_64, xxh3_128};

/// Where the cache lives, relative to the project root.
pub const DIR: &str = ".doctrine/cache";

/// The cache files of a project together stay under this size: older configurations'
/// files are removed first, and a run whose results alone exceed it writes none.
pub const MAX_BYTES: u64 = 256 * 1024 * 1024;

/// At most this many configurations are kept (each `--select` or config edit is one).
const MAX_FILES: usize = 8;

/// Bumped when the file layout changes.
const FORMAT: u32 = 1;

/// The binary that writes the cache: results from another build may differ.
const BUILD: &str = env!("DOCTRINE_BUILD_ID");
const VERSION: &str = env!("CARGO_PKG_VERSION");

/// Temporary files of a run that died before renaming them are removed after this long.
const STALE_TEMP: Duration = Duration::from_secs(3600);

/// The name of the cache file for one effective configuration: the configuration as parsed
/// (a comment in `.doctrine.toml` changes nothing), `--select`/`--ignore` and the project's
/// own rule files. The built-in rules belong to the build, checked in the header.
pub fn key(registry: &Registry, config: &Config, select: &[String], ignore: &[String]) -> String {
    let user_rules: Vec<&RuleDef> = registry
        .rules
        .iter()
        .filter(|r| r.user_file.is_some())
        .map(|r| &r.def)
        .collect();
    let effective = format!(
        "{FORMAT}\n{:?}\n{:?}\n{:?}\n{}\n{select:?}\n{ignore:?}\n{user_rules:?}",
        config.pillars, config.rules, config.exclude, config.max_file_size
    );
    format!("{:016x}", xxh3_64(effective.as_bytes()))
}

#[derive(Serialize, Deserialize)]
struct Header {
    format: u32,
    doctrine: String,
    build: String,
}

impl Header {
    fn current() -> Header {
        Header {
            format: FORMAT,
            doctrine: VERSION.into(),
            build: BUILD.into(),
        }
    }
}

#[derive(Serialize, Deserialize, Default)]
struct Body {
    files: HashMap<String, StoredFile>,
    project: Option<StoredProject>,
}

/// What the cache file holds for one file.
#[derive(Serialize, Deserialize, Clone)]
struct StoredFile {
    digest: String,
    role: FileRole,
    /// The text snippets are shown from, when it is not the file's content (secrets masked).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    text: Option<String>,
    /// Kept as written: reading a file's report costs only on a hit, and rewriting the cache
    /// copies it unparsed.
    report: Box<RawValue>,
    /// The file as the file system described it when it was read: while it still does, the
    /// file is not read again.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    stamp: Option<FileStamp>,
}

impl StoredFile {
    /// The stored report, with the text its snippets show when it has findings: the
    /// masked text kept here, else the file's own (`content`; `None` drops the entry).
    fn decode(&self, content: impl FnOnce() -> Option<Arc<str>>) -> Option<FileReport> {
        let mut report = serde_json::from_str::<FileReport>(self.report.get()).ok()?;
        if !report.findings.is_empty() {
            report.text = Some(match &self.text {
                Some(text) => Arc::from(text.as_str()),
                None => content()?,
            });
        }
        Some(report)
    }
}

/// The project rules' results and what they were computed from.
#[derive(Serialize, Deserialize, Clone)]
struct StoredProject {
    inputs: String,
    reads: Vec<Read>,
    findings: Vec<Finding>,
    diagnostics: Vec<Diagnostic>,
}

/// One question a project rule asked the sources, and a digest of the answer.
#[derive(Serialize, Deserialize, Clone, PartialEq, Eq, Debug)]
struct Read {
    op: ReadOp,
    path: String,
    digest: String,
}

#[derive(Serialize, Deserialize, Clone, Copy, PartialEq, Eq, Debug)]
#[serde(rename_all = "kebab-case")]
enum ReadOp {
    Read,
    List,
    OtherPaths,
}

impl ReadOp {
    fn ask(self, sources: &dyn SourceSet, path: &str) -> String {
        match self {
            ReadOp::Read => digest_read(&sources.read(path)),
            ReadOp::List => digest_names(&sources.list(path)),
            ReadOp::OtherPaths => digest_names(&sources.other_paths()),
        }
    }
}

fn digest(bytes: &[u8]) -> String {
    format!("{:032x}", xxh3_128(bytes))
}

fn digest_names(names: &[String]) -> String {
    digest(names.join("\n").as_bytes())
}

fn digest_read(result: &Result<Vec<u8>, SourceError>) -> String {
    match result {
        Ok(bytes) => digest(bytes),
        Err(e) => format!("error: {:?} {}", e.kind, e.message),
    }
}

/// The cache of one run: the entries read at the start, and what this run found.
pub struct ResultCache {
    dir: PathBuf,
    name: String,
    loaded: HashMap<String, StoredFile>,
    loaded_project: Option<StoredProject>,
    /// The cache file is current: it exists, is readable and from this build.
    current: bool,
    hits: Mutex<Vec<String>>,
    /// Hits whose stamp changed (a file touched, not edited) or was not yet trusted.
    restamped: Mutex<Vec<(String, FileStamp)>>,
    fresh: Mutex<Vec<(String, StoredFile)>>,
    project: Mutex<Option<StoredProject>>,
}

impl ResultCache {
    /// The cache of the project at `root` for the configuration `key`, with a warning when
    /// an existing cache file cannot be used.
    pub fn open(root: &Path, key: &str) -> (ResultCache, Option<String>) {
        let dir = root.join(DIR);
        let name = format!("results-{key}.json");
        let mut cache = ResultCache {
            dir,
            name,
            loaded: HashMap::new(),
            loaded_project: None,
            current: false,
            hits: Mutex::default(),
            restamped: Mutex::default(),
            fresh: Mutex::default(),
            project: Mutex::default(),
        };
        let shown = format!("{DIR}/{}", cache.name);
        let bytes = match crate::source::read_bounded(&cache.dir.join(&cache.name), MAX_BYTES) {
            Ok(bytes) => bytes,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return (cache, None),
            Err(e) => {
                return (
                    cache,
                    Some(format!(
                        "cannot read the result cache {shown} ({e}); not used"
                    )),
                );
            }
        };
        let (header, body) = bytes
            .iter()
            .position(|&b| b == b'\n')
            .map_or((&bytes[..], &[][..]), |at| (&bytes[..at], &bytes[at + 1..]));
        let warning = match serde_json::from_slice::<Header>(header) {
            Err(_) => Some(format!(
                "the result cache {shown} is corrupt; ignoring it (it will be rewritten)"
            )),
            Ok(h) if h.format != FORMAT || h.build != BUILD => Some(format!(
                "the result cache {shown} was written by doctrine {} (build {}), not this \
                 one ({VERSION}, build {BUILD}); ignoring it (it will be rewritten)",
                h.doctrine, h.build
            )),
            Ok(_) => match serde_json::from_slice::<Body>(body) {
                Ok(parsed) => {
                    cache.loaded = parsed.files;
                    cache.loaded_project = parsed.project;
                    cache.current = true;
                    None
                }
                Err(e) => Some(format!(
                    "the result cache {shown} is corrupt ({e}); ignoring it (it will be \
                     rewritten)"
                )),
            },
        };
        (cache, warning)
    }

    /// The cached report of `path`, without reading it, when the file system describes the
    /// file as it did when the report was made (`stamp`) and `role` is the same. A report
    /// with findings needs the file's text for its snippets: then `read` is asked for it,
    /// and its digest must match too.
    pub fn unchanged(
        &self,
        path: &str,
        role: FileRole,
        stamp: FileStamp,
        read: impl FnOnce() -> Option<Vec<u8>>,
    ) -> Option<FileReport> {
        let stored = self.loaded.get(path)?;
        if stored.stamp != Some(stamp) || stored.role != role {
            return None;
        }
        let report = stored.decode(|| {
            let bytes = read().filter(|bytes| digest(bytes) == stored.digest)?;
            Some(Arc::from(String::from_utf8_lossy(&bytes).as_ref()))
        })?;
        lock(&self.hits).push(path.to_string());
        Some(report)
    }

    /// The report of `path` with content `bytes` and `role`: the cached one when it was
    /// made from the same content and role, else `analyze()`'s, which is remembered with
    /// the file's `stamp` (taken before it was read).
    pub fn report(
        &self,
        path: &str,
        role: FileRole,
        bytes: &[u8],
        stamp: Option<FileStamp>,
        analyze: impl FnOnce() -> FileReport,
    ) -> FileReport {
        let content = digest(bytes);
        if let Some(stored) = self.loaded.get(path)
            && stored.digest == content
            && stored.role == role
            && let Some(report) =
                stored.decode(|| Some(Arc::from(String::from_utf8_lossy(bytes).as_ref())))
        {
            lock(&self.hits).push(path.to_string());
            if let Some(stamp) = stamp.filter(|s| stored.stamp != Some(*s)) {
                lock(&self.restamped).push((path.to_string(), stamp));
            }
            return report;
        }
        let report = analyze();
        // A file the analysis could not finish (a bug, the parser's time budget) is tried
        // again next run.
        let finished = !report.diagnostics.iter().any(|d| d.kind.loses_findings());
        if finished && let Ok(json) = serde_json::value::to_raw_value(&report) {
            let text = report
                .text
                .as_deref()
                .filter(|text| **text != *String::from_utf8_lossy(bytes))
                .map(str::to_string);
            lock(&self.fresh).push((
                path.to_string(),
                StoredFile {
                    digest: content,
                    role,
                    text,
                    report: json,
                    stamp,
                },
            ));
        }
        report
    }

    /// A digest of what the project rules read besides the files they ask for: every
    /// scanned file's path, role and content, the lists of files, the project model and
    /// the git facts. Call after the scan.
    pub fn project_inputs(&self, sources: &dyn SourceSet, model_and_git: &str) -> String {
        let hits = lock(&self.hits);
        let fresh = lock(&self.fresh);
        let mut files: Vec<(&str, &StoredFile)> = hits
            .iter()
            .filter_map(|path| self.loaded.get(path).map(|s| (path.as_str(), s)))
            .chain(fresh.iter().map(|(path, s)| (path.as_str(), s)))
            .collect();
        files.sort_by_key(|(path, _)| *path);
        let mut text = String::with_capacity(files.len() * 64);
        for (path, stored) in files {
            text.push_str(&format!("{path}\t{:?}\t{}\n", stored.role, stored.digest));
        }
        text.push_str(&digest_names(sources.paths()));
        text.push_str(&digest_names(sources.text_paths()));
        text.push_str(model_and_git);
        digest(text.as_bytes())
    }

    /// The project rules' results computed from `inputs`, if every file they read or listed
    /// still reads the same.
    pub fn project_results(
        &self,
        inputs: &str,
        sources: &dyn SourceSet,
    ) -> Option<(Vec<Finding>, Vec<Diagnostic>)> {
        let stored = self.loaded_project.as_ref()?;
        let unchanged = stored.inputs == inputs
            && stored
                .reads
                .iter()
                .all(|read| read.op.ask(sources, &read.path) == read.digest);
        unchanged.then(|| (stored.findings.clone(), stored.diagnostics.clone()))
    }

    /// Remember the project rules' results, computed from `inputs` and what `recorded` saw.
    pub fn store_project(
        &self,
        inputs: String,
        recorded: RecordingSources,
        findings: &[Finding],
        diagnostics: &[Diagnostic],
    ) {
        let mut reads = into_inner(recorded.reads);
        reads.sort_by(|a, b| (&a.path, a.op as u8).cmp(&(&b.path, b.op as u8)));
        reads.dedup();
        *lock(&self.project) = Some(StoredProject {
            inputs,
            reads,
            findings: findings.to_vec(),
            diagnostics: diagnostics.to_vec(),
        });
    }

    /// Whether the project rules ran (their inputs changed) rather than coming from the cache.
    pub fn project_recomputed(&self) -> bool {
        lock(&self.project).is_some()
    }

    /// How many files came from the cache, and how many were analysed and cached.
    pub fn counts(&self) -> (usize, usize) {
        (lock(&self.hits).len(), lock(&self.fresh).len())
    }

    /// Write what this run knows, unless it is what the cache already holds. Returns a
    /// warning when the cache cannot be written; the run's results are not affected.
    pub fn save(self) -> Option<String> {
        let hits = into_inner(self.hits);
        let restamped = into_inner(self.restamped);
        let fresh = into_inner(self.fresh);
        let project = into_inner(self.project);
        if self.current
            && fresh.is_empty()
            && restamped.is_empty()
            && project.is_none()
            && hits.len() == self.loaded.len()
        {
            return None;
        }
        let mut files: BTreeMap<&str, &StoredFile> = BTreeMap::new();
        for path in &hits {
            if let Some(stored) = self.loaded.get(path) {
                files.insert(path, stored);
            }
        }
        let restamped: Vec<(&str, StoredFile)> = restamped
            .iter()
            .filter_map(|(path, stamp)| {
                let stored = self.loaded.get(path)?;
                let updated = StoredFile {
                    stamp: Some(*stamp),
                    ..stored.clone()
                };
                Some((path.as_str(), updated))
            })
            .collect();
        for (path, stored) in &restamped {
            files.insert(path, stored);
        }
        for (path, stored) in &fresh {
            files.insert(path, stored);
        }
        #[derive(Serialize)]
        struct BodyOut<'a> {
            files: BTreeMap<&'a str, &'a StoredFile>,
            project: Option<&'a StoredProject>,
        }
        let body = BodyOut {
            files,
            project: project.as_ref().or(self.loaded_project.as_ref()),
        };
        let mut out = serde_json::to_vec(&Header::current()).unwrap_or_default();
        out.push(b'\n');
        if let Err(e) = serde_json::to_writer(&mut out, &body) {
            return Some(format!("cannot write the result cache: {e}"));
        }
        if out.len() as u64 > MAX_BYTES {
            return Some(format!(
                "the result cache would take {} MiB, over its {} MiB limit; not written",
                out.len() >> 20,
                MAX_BYTES >> 20
            ));
        }
        if let Err(e) = write_atomically(&self.dir, &self.name, &out) {
            return Some(format!(
                "cannot write the result cache under {DIR} ({e}); not cached"
            ));
        }
        prune(&self.dir, &self.name);
        None
    }
}

// A panic while a lock was held is caught per file (`engine::guarded`); what the mutex
// holds is still whole, so poisoning is ignored.
fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(|e| e.into_inner())
}

fn into_inner<T>(mutex: Mutex<T>) -> T {
    mutex.into_inner().unwrap_or_else(|e| e.into_inner())
}

/// Git would never show the cache: the directory ignores itself.
const GITIGNORE: &str = "# Written by doctrine: the result cache is local to this machine.\n*\n";

/// Backup tools skip directories holding this tag (https://bford.info/cachedir/).
const CACHEDIR_TAG: &str = "Signature: 8a477f597d28d172789f06886806bc55\n\
     # This file is a cache directory tag created by doctrine.\n";

fn write_atomically(dir: &Path, name: &str, bytes: &[u8]) -> std::io::Result<()> {
    std::fs::create_dir_all(dir)?;
    for (file, text) in [(".gitignore", GITIGNORE), ("CACHEDIR.TAG", CACHEDIR_TAG)] {
        let path = dir.join(file);
        if !path.exists() {
            std::fs::write(path, text)?;
        }
    }
    let nanos = SystemTime::now()
        .duration_since(SystemTime::UNIX_EPOCH)
        .map_or(0, |d| d.subsec_nanos());
    let temp = dir.join(format!("{name}.{}.{nanos}.tmp", std::process::id()));
    let written =
        std::fs::write(&temp, bytes).and_then(|()| std::fs::rename(&temp, dir.join(name)));
    if written.is_err() {
        let _ = std::fs::remove_file(&temp);
    }
    written
}

/// Keep the newest cache files within `MAX_FILES` and `MAX_BYTES` (the one just written
/// always stays), and remove temporary files runs left behind.
fn prune(dir: &Path, keep: &str) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let now = SystemTime::now();
    let mut results = Vec::new();
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        let Ok(meta) = entry.metadata() else {
            continue;
        };
        let modified = meta.modified().unwrap_or(now);
        if name.ends_with(".tmp") {
            if now.duration_since(modified).unwrap_or_default() > STALE_TEMP {
                let _ = std::fs::remove_file(entry.path());
            }
        } else if name.starts_with("results-") && name != keep {
            results.push((modified, meta.len(), entry.path()));
        }
    }
    results.sort_by_key(|r| std::cmp::Reverse(r.0));
    let mut total = std::fs::metadata(dir.join(keep)).map_or(0, |m| m.len());
    for (index, (_, len, path)) in results.into_iter().enumerate() {
        total += len;
        if index + 1 >= MAX_FILES || total > MAX_BYTES {
            let _ = std::fs::remove_file(path);
        }
    }
}

/// Remove the cache of the project at `root`: the number of files and bytes removed, or
/// `None` when there was none.
pub fn clean(root: &Path) -> std::io::Result<Option<(usize, u64)>> {
    let dir = root.join(DIR);
    if !dir.is_dir() {
        return Ok(None);
    }
    let (mut files, mut bytes) = (0, 0);
    for entry in std::fs::read_dir(&dir)?.flatten() {
        if let Ok(meta) = entry.metadata() {
            files += 1;
            bytes += meta.len();
        }
    }
    std::fs::remove_dir_all(&dir)?;
    Ok(Some((files, bytes)))
}

/// A `SourceSet` that remembers what the project rules asked of it, so the next run can
/// tell whether their answers changed.
pub struct RecordingSources<'a> {
    inner: &'a dyn SourceSet,
    reads: Mutex<Vec<Read>>,
}

impl<'a> RecordingSources<'a> {
    pub fn new(inner: &'a dyn SourceSet) -> Self {
        RecordingSources {
            inner,
            reads: Mutex::default(),
        }
    }

    fn record(&self, op: ReadOp, path: &str, digest: String) {
        lock(&self.reads).push(Read {
            op,
            path: path.to_string(),
            digest,
        });
    }
}

impl SourceSet for RecordingSources<'_> {
    fn paths(&self) -> &[String] {
        self.inner.paths()
    }

    fn read(&self, path: &str) -> Result<Vec<u8>, SourceError> {
        let result = self.inner.read(path);
        self.record(ReadOp::Read, path, digest_read(&result));
        result
    }

    fn list(&self, dir: &str) -> Vec<String> {
        let names = self.inner.list(dir);
        self.record(ReadOp::List, dir, digest_names(&names));
        names
    }

    fn text_paths(&self) -> &[String] {
        self.inner.text_paths()
    }

    fn other_paths(&self) -> Vec<String> {
        let names = self.inner.other_paths();
        self.record(ReadOp::OtherPaths, "", digest_names(&names));
        names
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analyze::Analyzer;
    use crate::project::ProjectModel;
    use crate::selection::RuleSet;

    /// Every fact and finding of a report survives the trip through the cache file: the
    /// project rules of a later run read the facts of cached files.
    #[test]
    fn file_reports_round_trip_through_json() {
        let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures");
        let registry = Registry::builtin();
        let rules = RuleSet::defaults(&registry);
        let analyzer = Analyzer::new(&registry, &rules).unwrap();
        let mut checked = 0;
        for entry in crate::source::walker(&fixtures, true).build().flatten() {
            let path = entry.path();
            let Some(rel) = crate::source::relative(&fixtures, path) else {
                continue;
            };
            if !path.is_file() {
                continue;
            }
            let bytes = std::fs::read(path).unwrap();
            let project = ProjectModel::discover(&fixtures);
            let role = project.role_of(&rel);
            let mut report = if crate::source::is_elixir(&rel) {
                analyzer.analyze(&rel, role, &bytes)
            } else {
                analyzer.analyze_text(&rel, role, &bytes)
            };
            report.text = None;
            let json = serde_json::to_string(&report).unwrap();
            let back: FileReport = serde_json::from_str(&json).unwrap();
            assert_eq!(back, report, "{rel}");
            checked += 1;
        }
        assert!(checked > 50, "{checked} files");
    }

    #[test]
    fn a_stamp_spares_the_read_only_while_it_matches() {
        let dir = tempfile::tempdir().unwrap();
        let registry = Registry::builtin();
        let rules = RuleSet::defaults(&registry);
        let analyzer = Analyzer::new(&registry, &rules).unwrap();
        let quiet: &[u8] = b"x = 1\n";
        let noisy: &[u8] = b"defmodule Noisy do\n  def run(x), do: x\nend\n";
        let (stamp, touched) = (FileStamp::sample(1), FileStamp::sample(2));
        let role = FileRole::Lib;
        let cache = ResultCache::open(dir.path(), "k").0;
        for (path, bytes) in [("lib/quiet.ex", quiet), ("lib/noisy.ex", noisy)] {
            cache.report(path, role, bytes, Some(stamp), || {
                analyzer.analyze(path, role, bytes)
            });
        }
        assert_eq!(cache.save(), None);

        let cache = ResultCache::open(dir.path(), "k").0;
        let never = || -> Option<Vec<u8>> { panic!("an unchanged quiet file is not read") };
        let quiet_report = cache.unchanged("lib/quiet.ex", role, stamp, never);
        assert!(quiet_report.is_some_and(|r| r.findings.is_empty()));
        assert!(
            cache
                .unchanged("lib/quiet.ex", role, touched, never)
                .is_none()
        );
        assert!(
            cache
                .unchanged("lib/quiet.ex", FileRole::Test, stamp, never)
                .is_none()
        );
        // Findings need the text they point into, and it must be the text they came from.
        let read = |bytes: &[u8]| Some(bytes.to_vec());
        let noisy_report = cache.unchanged("lib/noisy.ex", role, stamp, || read(noisy));
        let noisy_report = noisy_report.expect("same stamp, same content");
        assert!(!noisy_report.findings.is_empty());
        assert_eq!(noisy_report.text.as_deref().map(str::as_bytes), Some(noisy));
        let edited = b"defmodule Noisy do\nend\n";
        assert!(
            cache
                .unchanged("lib/noisy.ex", role, stamp, || read(edited))
                .is_none()
        );

        // A file touched, not edited, is read once more and then stamped anew.
        let report = cache.report("lib/quiet.ex", role, quiet, Some(touched), || {
            panic!("the content is unchanged: not analysed")
        });
        assert!(report.findings.is_empty());
        assert_eq!(cache.save(), None);
        let cache = ResultCache::open(dir.path(), "k").0;
        assert!(
            cache
                .unchanged("lib/quiet.ex", role, touched, never)
                .is_some()
        );
    }

    #[test]
    fn the_key_follows_the_effective_configuration_only() {
        let registry = Registry::builtin();
        let parse = |text: &str| Config::parse(text, ".doctrine.toml", &registry).unwrap();
        let base = key(&registry, &parse("[pillars]\nZERO = \"off\"\n"), &[], &[]);
        let commented = key(
            &registry,
            &parse("# why\n[pillars]\nZERO = \"off\"\n"),
            &[],
            &[],
        );
        assert_eq!(base, commented);
        assert_ne!(base, key(&registry, &parse(""), &[], &[]));
        let select = ["ZERO".to_string()];
        assert_ne!(
            base,
            key(
                &registry,
                &parse("[pillars]\nZERO = \"off\"\n"),
                &select,
                &[]
            )
        );
    }

    #[test]
    fn recorded_reads_notice_a_changed_answer() {
        let mut files = vec![("README.md".to_string(), b"# A".to_vec())];
        let sources = crate::source::MemorySources::new(files.clone());
        let recording = RecordingSources::new(&sources);
        recording.read("README.md").unwrap();
        recording.list("");
        let reads = recording.reads.into_inner().unwrap();
        assert!(
            reads
                .iter()
                .all(|r| r.op.ask(&sources, &r.path) == r.digest)
        );
        files[0].1 = b"# B".to_vec();
        let changed = crate::source::MemorySources::new(files);
        let stale: Vec<_> = reads
            .iter()
            .filter(|r| r.op.ask(&changed, &r.path) != r.digest)
            .collect();
        assert_eq!(stale.len(), 1);
        assert_eq!(stale[0].op, ReadOp::Read);
    }
}

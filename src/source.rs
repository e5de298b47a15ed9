//! Where file contents come from. The engine only sees a `SourceSet`: a sorted list of
//! project-relative paths and a way to read each. Disk is one implementation; git index blobs
//! and editor input on stdin are others.

use crate::finding::{Diagnostic, DiagnosticKind};
use globset::GlobSet;
use ignore::Match;
use ignore::gitignore::{Gitignore, GitignoreBuilder};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

/// Why a source could not be read. Becomes a diagnostic; never stops the run.
#[derive(Debug)]
pub struct SourceError {
    pub kind: DiagnosticKind,
    pub message: String,
}

pub trait SourceSet: Sync {
    /// Project-relative, `/`-separated paths, sorted.
    fn paths(&self) -> &[String];
    fn read(&self, path: &str) -> Result<Vec<u8>, SourceError>;
    /// The names of the files directly in `dir` (project-relative, `""` for the root),
    /// sorted; empty when it is not a directory.
    fn list(&self, dir: &str) -> Vec<String>;
    /// The project's other text files (`is_scanned_text`): configuration, scripts, `.env`
    /// files, templates — sorted. Not Elixir; scanned for secrets and conflict markers.
    fn text_paths(&self) -> &[String];
    /// Every other file of the tree that the walk saw and git would not ignore (binaries,
    /// lock files, editor backups), sorted: read by name only (HYGIENE002 outside git).
    fn other_paths(&self) -> Vec<String>;
    /// What the file system says about `path` without reading it (one `stat`). Sources
    /// that are not files on disk know no more than a size, if that.
    fn probe(&self, _path: &str) -> Probe {
        Probe::default()
    }
}

/// A file as the file system describes it, before it is read.
#[derive(Debug, Clone, Copy, Default)]
pub struct Probe {
    /// Its size in bytes (0 when unknown): the scan starts with the largest files.
    pub size: u64,
    /// Enough to tell a later change (`FileStamp`), when the times can be trusted.
    pub stamp: Option<FileStamp>,
}

/// A file's size, inode and modification and change times, as git's index keeps them:
/// a write to the file changes its change time at least. Only taken when both times are
/// [`RACY_WINDOW`] older than now, so a write in the same clock tick as the `stat` cannot go
/// unseen (git's "racy" entries); a file written since is read and digested instead.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct FileStamp(u64, u64, i64, i64);

/// How much older than the `stat` a file's times must be for its stamp to be trusted:
/// more than the coarsest timestamp granularity in use (FAT's two seconds).
pub const RACY_WINDOW: std::time::Duration = std::time::Duration::from_secs(3);

impl FileStamp {
    #[cfg(unix)]
    pub fn of(metadata: &std::fs::Metadata, now: std::time::SystemTime) -> Option<FileStamp> {
        use std::os::unix::fs::MetadataExt;
        let nanos = |secs: i64, nsec: i64| secs.checked_mul(1_000_000_000)?.checked_add(nsec);
        let modified = nanos(metadata.mtime(), metadata.mtime_nsec())?;
        let changed = nanos(metadata.ctime(), metadata.ctime_nsec())?;
        let now = now.duration_since(std::time::UNIX_EPOCH).ok()?;
        let settled = i64::try_from(now.checked_sub(RACY_WINDOW)?.as_nanos()).ok()?;
        (metadata.is_file() && modified < settled && changed < settled).then_some(FileStamp(
            metadata.len(),
            metadata.ino(),
            modified,
            changed,
        ))
    }

    #[cfg(not(unix))]
    pub fn of(_metadata: &std::fs::Metadata, _now: std::time::SystemTime) -> Option<FileStamp> {
        None
    }

    /// A stamp for tests of what keeps stamps.
    #[cfg(test)]
    pub(crate) fn sample(len: u64) -> FileStamp {
        FileStamp(len, 1, 0, 0)
    }
}

/// Read a file that must be a regular file of at most `max` bytes. Anything else — a FIFO,
/// a device, a directory, a symlink to `/dev/zero` — is refused before it can block or
/// exhaust memory: the file is opened non-blocking, checked to be regular on the open
/// handle (no race with a swap after a `stat`), and read through a `max + 1` byte window.
pub fn read_bounded(path: &Path, max: u64) -> std::io::Result<Vec<u8>> {
    use std::io::{Error, ErrorKind, Read};
    let mut options = std::fs::OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.custom_flags(libc::O_NONBLOCK);
    }
    let file = options.open(path)?;
    let metadata = file.metadata()?;
    if !metadata.is_file() {
        return Err(Error::new(
            ErrorKind::InvalidInput,
            "not a regular file (a FIFO, device or directory); not read",
        ));
    }
    if metadata.len() > max {
        return Err(too_large(metadata.len(), max));
    }
    let mut bytes = Vec::with_capacity(metadata.len() as usize);
    file.take(max + 1).read_to_end(&mut bytes)?;
    if bytes.len() as u64 > max {
        return Err(too_large(bytes.len() as u64, max));
    }
    Ok(bytes)
}

/// `read_bounded` as UTF-8 text (invalid sequences replaced).
pub fn read_text_bounded(path: &Path, max: u64) -> std::io::Result<String> {
    read_bounded(path, max).map(|bytes| String::from_utf8_lossy(&bytes).into_owned())
}

/// Configuration, rule files, `mix.exs` and READMEs larger than this are not read.
pub const MAX_METADATA_FILE: u64 = 1024 * 1024;

fn too_large(size: u64, max: u64) -> std::io::Error {
    std::io::Error::new(
        std::io::ErrorKind::FileTooLarge,
        format!("{size} bytes is over the {max} byte limit"),
    )
}

/// Build outputs and tool caches that are never source, whatever `.gitignore` says.
const SKIPPED_DIRS: &[&str] = &["_build", "deps", ".elixir_ls", "node_modules", ".git"];

pub fn is_elixir(path: &str) -> bool {
    path.ends_with(".ex") || path.ends_with(".exs")
}

/// Lock files: generated, full of hashes that look like secrets.
const LOCK_FILES: &[&str] = &[
    "mix.lock",
    "package-lock.json",
    "yarn.lock",
    "pnpm-lock.yaml",
    "npm-shrinkwrap.json",
    "Cargo.lock",
    "Gemfile.lock",
    "poetry.lock",
    "composer.lock",
    "bun.lockb",
];

/// Extensions of files that are never text (checked before reading; content with NUL bytes
/// is skipped too).
const BINARY_EXTENSIONS: &[&str] = &[
    "png", "jpg", "jpeg", "gif", "ico", "webp", "avif", "bmp", "tif", "tiff", "psd", "woff",
    "woff2", "ttf", "otf", "eot", "pdf", "zip", "gz", "tgz", "tar", "bz2", "xz", "zst", "7z",
    "jar", "war", "beam", "ez", "so", "dylib", "dll", "exe", "o", "a", "class", "pyc", "mp3",
    "mp4", "m4a", "mov", "avi", "wav", "ogg", "webm", "flac", "sqlite", "sqlite3", "db", "dump",
    "plt", "wasm",
];

/// Whether a project file that is not Elixir is scanned as text: everything git would ship
/// except lock files, binaries by extension, minified bundles and source maps, and
/// vendored assets (`assets/vendor/`).
pub fn is_scanned_text(path: &str) -> bool {
    if is_elixir(path) {
        return false;
    }
    let file_name = path.rsplit('/').next().unwrap_or(path);
    let extension = file_name
        .rsplit_once('.')
        .map(|(_, ext)| ext.to_ascii_lowercase());
    !(LOCK_FILES.contains(&file_name)
        || extension.is_some_and(|ext| BINARY_EXTENSIONS.contains(&ext.as_str()))
        || file_name.ends_with(".min.js")
        || file_name.ends_with(".min.css")
        || file_name.ends_with(".map")
        || path.starts_with("assets/vendor/")
        || path.contains("/assets/vendor/"))
}

/// The walk every scan of the tree uses: `.gitignore`, `.ignore` and `.git/info/exclude`
/// honoured (in a git repository or not, also those of parent directories up to the
/// checkout), hidden entries and the skipped directories left out, symlinks not followed.
///
/// Ignore files are read by doctrine itself (`read_bounded`), not by the `ignore` crate, so a
/// FIFO or a device named `.gitignore` is skipped instead of blocking the run. The user's
/// global git excludes are not read: the result must not depend on who runs it.
/// `with_hidden` also enters hidden files and directories (`.env`, `.github/`): the text scan
/// reads them; Elixir files under hidden directories are still left out by `discover`.
pub fn walker(dir: &Path, with_hidden: bool) -> ignore::WalkBuilder {
    let rules = Arc::new(IgnoreRules::new(dir));
    let mut builder = ignore::WalkBuilder::new(dir);
    builder
        .standard_filters(false)
        .hidden(!with_hidden)
        .follow_links(false)
        .filter_entry(move |entry| {
            let is_dir = entry.file_type().is_some_and(|t| t.is_dir());
            let name = entry.file_name().to_string_lossy();
            if is_dir && SKIPPED_DIRS.contains(&name.as_ref()) {
                return false;
            }
            entry.depth() == 0 || !rules.is_ignored(entry.path(), is_dir)
        });
    builder
}

const IGNORE_FILES: &[&str] = &[".gitignore", ".ignore"];

/// The ignore files of every directory the walk meets, read once each, and the matching.
struct IgnoreRules {
    /// The directory walked, as given, and its absolute form.
    walked: PathBuf,
    walked_absolute: PathBuf,
    /// Ignore files above this directory are not read: the git checkout, or the walk root.
    top: PathBuf,
    /// For each directory met, the ignore files that speak for its entries: its own and its
    /// ancestors' up to `top`, the deepest first. One lookup per entry, where walking the
    /// ancestors for every entry cost more than the walk itself.
    /// Keyed by the path's bytes: hashing a `Path` parses its components.
    chains: Mutex<HashMap<std::ffi::OsString, Chain>>,
    /// `.git/info/exclude` of the checkout, lowest priority.
    exclude: Option<Gitignore>,
}

type Chain = Arc<Vec<Arc<Gitignore>>>;

impl IgnoreRules {
    fn new(walked: &Path) -> IgnoreRules {
        let dir = std::path::absolute(walked).unwrap_or_else(|_| walked.to_path_buf());
        let checkout = dir.ancestors().find(|d| d.join(".git").exists());
        let top = checkout.unwrap_or(&dir).to_path_buf();
        let exclude = checkout.and_then(|c| read_ignore_files(c, [c.join(".git/info/exclude")]));
        IgnoreRules {
            walked: walked.to_path_buf(),
            walked_absolute: dir.clone(),
            top,
            chains: Mutex::new(HashMap::new()),
            exclude,
        }
    }

    /// Whether `path` is ignored: the deepest ignore file with an opinion decides (a
    /// `!pattern` there re-includes what a parent ignores), then `.git/info/exclude`.
    fn is_ignored(&self, path: &Path, is_dir: bool) -> bool {
        // The walk's paths start with the directory as given; rebasing them on its absolute
        // form spares a system call per entry.
        let path = match rebase(path, &self.walked, &self.walked_absolute) {
            Some(path) => path,
            None => std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf()),
        };
        let chain = path.parent().map(|dir| self.chain_of(dir));
        for rules in chain.iter().flat_map(|c| c.iter()) {
            match rules.matched(&path, is_dir) {
                Match::Ignore(_) => return true,
                Match::Whitelist(_) => return false,
                Match::None => {}
            }
        }
        self.exclude
            .as_ref()
            .is_some_and(|rules| rules.matched(&path, is_dir).is_ignore())
    }

    fn chain_of(&self, dir: &Path) -> Chain {
        if let Some(known) = self.lock().get(dir.as_os_str()) {
            return known.clone();
        }
        // Computed without the lock held: the parent's chain is looked up (or built) first.
        let mut chain = Vec::new();
        let own = IGNORE_FILES.iter().map(|name| dir.join(name));
        chain.extend(read_ignore_files(dir, own).map(Arc::new));
        if dir != self.top
            && dir.starts_with(&self.top)
            && let Some(parent) = dir.parent()
        {
            chain.extend(self.chain_of(parent).iter().cloned());
        }
        let chain = Arc::new(chain);
        self.lock()
            .insert(dir.as_os_str().to_owned(), chain.clone());
        chain
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<std::ffi::OsString, Chain>> {
        self.chains.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// `path` with its leading `from` replaced by `onto` (`under`).
fn rebase(path: &Path, from: &Path, onto: &Path) -> Option<PathBuf> {
    let rest = under(path, from)?;
    let mut rebased = onto.as_os_str().to_owned();
    if !rest.is_empty() {
        rebased.push("/");
        rebased.push(rest);
    }
    Some(PathBuf::from(rebased))
}

/// The patterns of those of `files` that can be read, relative to `base`, as one matcher;
/// `None` when none can.
fn read_ignore_files(base: &Path, files: impl IntoIterator<Item = PathBuf>) -> Option<Gitignore> {
    let mut builder = GitignoreBuilder::new(base);
    let mut any = false;
    for file in files {
        if let Ok(text) = read_text_bounded(&file, MAX_METADATA_FILE) {
            for line in text.lines() {
                let _ = builder.add_line(None, line);
            }
            any = true;
        }
    }
    any.then(|| builder.build().ok()).flatten()
}

pub struct DiskSources {
    root: PathBuf,
    paths: Vec<String>,
    text_paths: Vec<String>,
    other_paths: Vec<String>,
    /// Files whose names are not valid UTF-8: their shown path (invalid bytes as `\xNN`)
    /// and the real one, so they are read under their own name.
    real_paths: HashMap<String, PathBuf>,
    max_file_size: u64,
}

impl DiskSources {
    /// Find the Elixir files under `targets` (existing files or directories inside `root`;
    /// the root when empty), honouring `.gitignore`, the skipped directories and `exclude`.
    pub fn discover(
        root: &Path,
        targets: &[PathBuf],
        exclude: &GlobSet,
        max_file_size: u64,
    ) -> (DiskSources, Vec<Diagnostic>) {
        let mut diagnostics = Vec::new();
        let mut paths = Vec::new();
        let mut text_paths = Vec::new();
        let mut other_paths = Vec::new();
        let mut real_paths = HashMap::new();
        let targets: Vec<PathBuf> = if targets.is_empty() {
            vec![root.to_path_buf()]
        } else {
            targets.to_vec()
        };
        let in_source_tree = |rel: &str| {
            !exclude.is_match(rel) && !rel.split('/').any(|part| SKIPPED_DIRS.contains(&part))
        };
        let keep = |rel: &str| {
            is_elixir(rel)
                && in_source_tree(rel)
                && !rel
                    .split('/')
                    .any(|part| part.starts_with('.') && part.len() > 1)
        };
        let keep_text = |rel: &str| is_scanned_text(rel) && in_source_tree(rel);
        for target in &targets {
            let mut add = |rel: String, real: &Path| {
                let list = if keep(&rel) {
                    &mut paths
                } else if keep_text(&rel) {
                    &mut text_paths
                } else if in_source_tree(&rel) {
                    &mut other_paths
                } else {
                    return;
                };
                if rel.contains("\\x") {
                    real_paths.insert(rel.clone(), real.to_path_buf());
                }
                list.push(rel);
            };
            if target.is_file() {
                if let Some(rel) = relative(root, target) {
                    add(rel, target);
                }
                continue;
            }
            let walker = walker(target, true).build();
            for entry in walker {
                match entry {
                    Ok(entry) if entry.file_type().is_some_and(|t| t.is_file()) => {
                        if let Some(rel) = relative(root, entry.path()) {
                            add(rel, entry.path());
                        }
                    }
                    // A FIFO, socket or device with an Elixir name: it cannot be read as
                    // source, and the gate must not pass as if it had been.
                    Ok(entry)
                        if !entry
                            .file_type()
                            .is_some_and(|t| t.is_dir() || t.is_symlink()) =>
                    {
                        if let Some(rel) = relative(root, entry.path())
                            && keep(&rel)
                        {
                            diagnostics.push(Diagnostic {
                                path: rel,
                                kind: DiagnosticKind::ReadError,
                                line: None,
                                message: "not a regular file (a FIFO, socket or device); not read"
                                    .into(),
                            });
                        }
                    }
                    Ok(_) => {}
                    Err(err) => diagnostics.push(Diagnostic {
                        path: walk_error_path(&err, root),
                        kind: DiagnosticKind::WalkError,
                        line: None,
                        message: err.to_string(),
                    }),
                }
            }
        }
        paths.sort();
        paths.dedup();
        text_paths.sort();
        text_paths.dedup();
        other_paths.sort();
        other_paths.dedup();
        (
            DiskSources {
                root: root.to_path_buf(),
                paths,
                text_paths,
                other_paths,
                real_paths,
                max_file_size,
            },
            diagnostics,
        )
    }
}

impl DiskSources {
    fn full_path(&self, path: &str) -> PathBuf {
        self.real_paths
            .get(path)
            .cloned()
            .unwrap_or_else(|| self.root.join(path))
    }
}

impl SourceSet for DiskSources {
    fn paths(&self) -> &[String] {
        &self.paths
    }

    fn text_paths(&self) -> &[String] {
        &self.text_paths
    }

    fn other_paths(&self) -> Vec<String> {
        self.other_paths.clone()
    }

    fn probe(&self, path: &str) -> Probe {
        match std::fs::metadata(self.full_path(path)) {
            Ok(metadata) => Probe {
                size: metadata.len(),
                stamp: FileStamp::of(&metadata, std::time::SystemTime::now()),
            },
            Err(_) => Probe::default(),
        }
    }

    fn read(&self, path: &str) -> Result<Vec<u8>, SourceError> {
        let full = self.full_path(path);
        let read_error = |e: std::io::Error| SourceError {
            kind: DiagnosticKind::ReadError,
            message: format!("cannot read: {e}"),
        };
        read_bounded(&full, self.max_file_size).map_err(|e| match e.kind() {
            std::io::ErrorKind::FileTooLarge => SourceError {
                kind: DiagnosticKind::TooLarge,
                message: format!("{e} (`files.max_file_size`); skipped"),
            },
            _ => read_error(e),
        })
    }

    fn list(&self, dir: &str) -> Vec<String> {
        let Ok(entries) = std::fs::read_dir(self.root.join(dir)) else {
            return Vec::new();
        };
        let mut names: Vec<String> = entries
            .flatten()
            .filter(|e| e.path().is_file())
            .filter_map(|e| e.file_name().into_string().ok())
            .collect();
        names.sort();
        names
    }
}

/// `path` relative to `root`, `/`-separated; `None` when outside it.
pub fn relative(root: &Path, path: &Path) -> Option<String> {
    // A walk's paths start with the root as it was given: no need to ask the working
    // directory (a system call) twice per file, nor to parse the path's components.
    if let Some(rel) = plain_suffix(root, path) {
        return Some(rel);
    }
    let plain = |rel: &Path| {
        rel.components()
            .all(|c| matches!(c, std::path::Component::Normal(_)))
    };
    let rel = match path.strip_prefix(root) {
        Ok(rel) if plain(rel) => rel.to_path_buf(),
        _ => {
            let absolute = |p: &Path| std::path::absolute(p).unwrap_or_else(|_| p.to_path_buf());
            absolute(path)
                .strip_prefix(absolute(root))
                .ok()?
                .to_path_buf()
        }
    };
    let parts: Vec<String> = rel
        .components()
        .map(|c| exact_name(c.as_os_str()))
        .collect();
    Some(parts.join("/"))
}

/// What follows `root` in `path`, compared as bytes, when it is plain UTF-8 names joined by
/// single `/` (no `.`, `..`, empty part or `\\x`): then it is already the shown form.
fn plain_suffix(root: &Path, path: &Path) -> Option<String> {
    let rest = under(path, root)?;
    let plain =
        rest.split('/').all(|part| !matches!(part, "" | "." | "..")) && !rest.contains("\\x");
    plain.then(|| rest.to_string())
}

/// The part of `path` below `dir` (`""` for `dir` itself), comparing bytes: parsing the
/// components of both, once or twice per entry of a walk, cost more than the ignore
/// matching. `None` when `path` is not below `dir` as written, or either is not UTF-8.
fn under<'p>(path: &'p Path, dir: &Path) -> Option<&'p str> {
    if std::path::MAIN_SEPARATOR != '/' {
        return None;
    }
    let dir = dir.as_os_str().as_encoded_bytes();
    let rest = path.as_os_str().as_encoded_bytes().strip_prefix(dir)?;
    let rest = match rest.strip_prefix(b"/") {
        Some(rest) => rest,
        None if rest.is_empty() || dir.ends_with(b"/") => rest,
        None => return None,
    };
    std::str::from_utf8(rest).ok()
}

/// A file name as text, byte for byte: bytes that are not UTF-8 (and a literal `\x`, so the
/// form stays unambiguous) are written as `\xNN`.
fn exact_name(name: &std::ffi::OsStr) -> String {
    if let Some(name) = name.to_str()
        && !name.contains("\\x")
    {
        return name.to_string();
    }
    #[cfg(unix)]
    {
        use std::os::unix::ffi::OsStrExt;
        let mut out = String::new();
        for chunk in name.as_bytes().utf8_chunks() {
            out.push_str(&chunk.valid().replace("\\x", "\\x5cx"));
            for byte in chunk.invalid() {
                out.push_str(&format!("\\x{byte:02x}"));
            }
        }
        out
    }
    #[cfg(not(unix))]
    {
        name.to_string_lossy().into_owned()
    }
}

fn walk_error_path(err: &ignore::Error, root: &Path) -> String {
    fn find(err: &ignore::Error) -> Option<&Path> {
        match err {
            ignore::Error::WithPath { path, .. } => Some(path),
            ignore::Error::WithDepth { err, .. } | ignore::Error::WithLineNumber { err, .. } => {
                find(err)
            }
            ignore::Error::Loop { child, .. } => Some(child),
            _ => None,
        }
    }
    find(err)
        .map(|p| relative(root, p).unwrap_or_else(|| p.display().to_string()))
        .unwrap_or_default()
}

/// Contents held in memory (editor buffers, tests, git blobs once read).
pub struct MemorySources {
    files: Vec<(String, Vec<u8>)>,
    paths: Vec<String>,
    text_paths: Vec<String>,
}

impl MemorySources {
    pub fn new(mut files: Vec<(String, Vec<u8>)>) -> Self {
        files.sort_by(|a, b| a.0.cmp(&b.0));
        let paths: Vec<String> = files.iter().map(|(p, _)| p.clone()).collect();
        let text_paths = paths
            .iter()
            .filter(|p| is_scanned_text(p))
            .cloned()
            .collect();
        MemorySources {
            files,
            paths,
            text_paths,
        }
    }
}

impl SourceSet for MemorySources {
    fn paths(&self) -> &[String] {
        &self.paths
    }

    fn text_paths(&self) -> &[String] {
        &self.text_paths
    }

    fn other_paths(&self) -> Vec<String> {
        self.paths
            .iter()
            .filter(|p| !is_elixir(p) && !is_scanned_text(p))
            .cloned()
            .collect()
    }

    fn read(&self, path: &str) -> Result<Vec<u8>, SourceError> {
        self.files
            .binary_search_by(|(p, _)| p.as_str().cmp(path))
            .map(|i| self.files[i].1.clone())
            .map_err(|_| SourceError {
                kind: DiagnosticKind::ReadError,
                message: "no such file in memory".into(),
            })
    }

    fn list(&self, dir: &str) -> Vec<String> {
        names_in(&self.paths, dir)
    }
}

/// The names of the files directly in `dir` among `paths` (project-relative, `""` for the
/// root), in the order of `paths`.
pub fn names_in<'p>(paths: impl IntoIterator<Item = &'p String>, dir: &str) -> Vec<String> {
    let prefix = if dir.is_empty() {
        String::new()
    } else {
        format!("{dir}/")
    };
    paths
        .into_iter()
        .filter_map(|p| p.strip_prefix(prefix.as_str()))
        .filter(|name| !name.contains('/'))
        .map(str::to_string)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relative_names_a_path_under_the_root_however_both_are_written() {
        let cwd = std::env::current_dir().unwrap();
        let cases = [
            (Path::new("."), Path::new("./lib/a.ex")),
            (Path::new("."), Path::new("lib/a.ex")),
            (&cwd, &cwd.join("lib/a.ex")),
            (Path::new("."), &cwd.join("lib/a.ex")),
            (&cwd, Path::new("lib/a.ex")),
        ];
        for (root, path) in cases {
            assert_eq!(
                relative(root, path).as_deref(),
                Some("lib/a.ex"),
                "{root:?} {path:?}"
            );
        }
        assert_eq!(
            relative(Path::new("/elsewhere"), Path::new("lib/a.ex")),
            None
        );
        assert_eq!(
            relative(Path::new("lib"), Path::new("lib")).as_deref(),
            Some("")
        );
        // Compared as bytes, a sibling that shares the root's prefix is not under it, and
        // odd spellings are left to the component-wise comparison.
        assert_eq!(relative(&cwd.join("p"), &cwd.join("py/lib/a.ex")), None);
        let spelled = [
            ("/p", "/p//lib/./a.ex", Some("lib/a.ex")),
            ("/p", "/p/lib/../a.ex", None),
        ];
        for (root, path, expected) in spelled {
            assert_eq!(plain_suffix(Path::new(root), Path::new(path)), None);
            if let Some(expected) = expected {
                assert_eq!(
                    relative(Path::new(root), Path::new(path)).as_deref(),
                    Some(expected),
                    "{root} {path}"
                );
            }
        }
        assert_eq!(
            plain_suffix(Path::new("/p/"), Path::new("/p/lib/a.ex")).as_deref(),
            Some("lib/a.ex")
        );
    }

    #[cfg(unix)]
    #[test]
    fn a_file_is_stamped_only_once_its_times_are_settled() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.ex");
        std::fs::write(&path, "defmodule A do\nend\n").unwrap();
        let metadata = std::fs::metadata(&path).unwrap();
        let now = std::time::SystemTime::now();
        assert_eq!(FileStamp::of(&metadata, now), None, "just written: racy");
        let later = now + RACY_WINDOW * 2;
        let stamp = FileStamp::of(&metadata, later).expect("settled");
        std::fs::write(&path, "defmodule A do\n  def f, do: 1\nend\n").unwrap();
        let rewritten = std::fs::metadata(&path).unwrap();
        assert_ne!(FileStamp::of(&rewritten, later), Some(stamp));
        let directory = std::fs::metadata(dir.path()).unwrap();
        assert_eq!(FileStamp::of(&directory, later), None);
    }

    #[cfg(unix)]
    #[test]
    fn names_that_are_not_utf8_or_contain_a_backslash_x_stay_unambiguous() {
        use std::os::unix::ffi::OsStrExt;
        let odd = std::ffi::OsStr::from_bytes(b"caf\xe9.ex");
        assert_eq!(exact_name(odd), "caf\\xe9.ex");
        assert_eq!(exact_name(std::ffi::OsStr::new("a\\xb.ex")), "a\\x5cxb.ex");
        assert_eq!(exact_name(std::ffi::OsStr::new("plain.ex")), "plain.ex");
    }
}

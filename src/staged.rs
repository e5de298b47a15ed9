//! `check --staged`: what a commit would contain. The staged files are read from git's
//! index (the blobs `git add` wrote), not from the worktree, so a file fixed after staging
//! still fails and junk left unstaged never does. The whole index is a `SourceSet` too, for
//! the facts and project rules that read other files (behaviours, `mix.lock`, READMEs).

use crate::finding::DiagnosticKind;
use crate::source::{SourceError, SourceSet, is_elixir, is_scanned_text};
use git2::{Delta, DiffFindOptions, DiffOptions, Oid, Repository};
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::sync::Mutex;

/// The project's files as the index holds them. Blobs are read on demand.
pub struct IndexSources {
    repo: Mutex<Repository>,
    /// Project-relative path → blob id, for every index entry inside the project.
    entries: BTreeMap<String, Oid>,
    paths: Vec<String>,
    text_paths: Vec<String>,
    max_file_size: u64,
}

/// What is staged in the project.
pub struct Staged {
    pub index: IndexSources,
    /// Project-relative paths added, modified, renamed or copied in the index against HEAD
    /// (every entry on an unborn branch), sorted.
    pub changed: BTreeSet<String>,
    /// Paths the commit deletes (nothing to lint; they are counted).
    pub deleted: usize,
}

/// Read the index of the repository holding `root` and what it stages against HEAD.
pub fn read(root: &Path, max_file_size: u64) -> Result<Staged, String> {
    let repo = Repository::discover(root).map_err(|e| match e.code() {
        git2::ErrorCode::NotFound => "not a git repository".to_string(),
        _ => format!("cannot open the git repository: {}", e.message()),
    })?;
    let prefix = crate::git::project_prefix(&repo, root)
        .ok_or("the git repository is bare or the project lies outside its worktree")?;
    let index = repo
        .index()
        .map_err(|e| format!("cannot read the git index: {}", e.message()))?;
    let within = |path: &[u8]| {
        String::from_utf8_lossy(path)
            .strip_prefix(prefix.as_str())
            .map(str::to_string)
    };
    let mut entries = BTreeMap::new();
    for entry in index.iter() {
        // Stage 0 only: a conflicted path has stages 1–3 and nothing committable yet.
        let stage = (entry.flags >> 12) & 0x3;
        if stage == 0
            && let Some(path) = within(&entry.path)
        {
            entries.insert(path, entry.id);
        }
    }
    let head = match repo.head() {
        Ok(head) => Some(
            head.peel_to_tree()
                .map_err(|e| format!("cannot read HEAD: {}", e.message()))?,
        ),
        // An unborn branch: the first commit stages everything.
        Err(e) if e.code() == git2::ErrorCode::UnbornBranch => None,
        Err(e) => return Err(format!("cannot read HEAD: {}", e.message())),
    };
    let mut options = DiffOptions::new();
    if !prefix.is_empty() {
        options.pathspec(&prefix);
    }
    let mut diff = repo
        .diff_tree_to_index(head.as_ref(), Some(&index), Some(&mut options))
        .map_err(|e| format!("cannot compare the index with HEAD: {}", e.message()))?;
    diff.find_similar(Some(DiffFindOptions::new().renames(true)))
        .map_err(|e| format!("cannot detect renames: {}", e.message()))?;
    let mut changed = BTreeSet::new();
    let mut deleted = 0;
    for delta in diff.deltas() {
        match delta.status() {
            Delta::Added | Delta::Modified | Delta::Renamed | Delta::Copied | Delta::Typechange => {
                if let Some(path) = delta.new_file().path_bytes().and_then(within) {
                    changed.insert(path);
                }
            }
            Delta::Deleted => deleted += 1,
            _ => {}
        }
    }
    drop(diff);
    drop(head);
    drop(index);
    let paths: Vec<String> = entries.keys().filter(|p| is_elixir(p)).cloned().collect();
    let text_paths = entries
        .keys()
        .filter(|p| is_scanned_text(p))
        .cloned()
        .collect();
    Ok(Staged {
        index: IndexSources {
            repo: Mutex::new(repo),
            entries,
            paths,
            text_paths,
            max_file_size,
        },
        changed,
        deleted,
    })
}

impl IndexSources {
    /// Every path of the index inside the project, sorted.
    pub fn tracked(&self) -> Vec<String> {
        self.entries.keys().cloned().collect()
    }

    /// The staged files among `changed` that doctrine reads, as an in-memory source set.
    pub fn subset(
        &self,
        changed: &BTreeSet<String>,
    ) -> (
        crate::source::MemorySources,
        Vec<crate::finding::Diagnostic>,
    ) {
        let mut files = Vec::new();
        let mut diagnostics = Vec::new();
        for path in changed {
            if !is_elixir(path) && !is_scanned_text(path) {
                continue;
            }
            match self.read(path) {
                Ok(bytes) => files.push((path.clone(), bytes)),
                Err(e) => diagnostics.push(crate::finding::Diagnostic {
                    path: path.clone(),
                    kind: e.kind,
                    line: None,
                    message: e.message,
                }),
            }
        }
        (crate::source::MemorySources::new(files), diagnostics)
    }
}

impl SourceSet for IndexSources {
    fn paths(&self) -> &[String] {
        &self.paths
    }

    fn text_paths(&self) -> &[String] {
        &self.text_paths
    }

    fn other_paths(&self) -> Vec<String> {
        self.entries
            .keys()
            .filter(|p| !is_elixir(p) && !is_scanned_text(p))
            .cloned()
            .collect()
    }

    fn read(&self, path: &str) -> Result<Vec<u8>, SourceError> {
        let missing = || SourceError {
            kind: DiagnosticKind::ReadError,
            message: "not in the git index".into(),
        };
        let id = self.entries.get(path).ok_or_else(missing)?;
        let repo = self
            .repo
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        let blob = repo.find_blob(*id).map_err(|e| SourceError {
            kind: DiagnosticKind::ReadError,
            message: format!("cannot read the staged blob: {}", e.message()),
        })?;
        if blob.size() as u64 > self.max_file_size {
            return Err(SourceError {
                kind: DiagnosticKind::TooLarge,
                message: format!(
                    "the staged file is over the {} byte limit (`files.max_file_size`); skipped",
                    self.max_file_size
                ),
            });
        }
        Ok(blob.content().to_vec())
    }

    fn list(&self, dir: &str) -> Vec<String> {
        crate::source::names_in(self.entries.keys(), dir)
    }
}

/// The project rules a staged file brings in: its dependencies (DEPS) for a `mix.exs` or
/// `mix.lock`, the READMEs (RDME) for a README, stale files (HYGIENE002) always. Per-file
/// rules (a migration's MIGR, a config's CONF) run on the staged files themselves.
pub fn touched_project_rules(changed: &BTreeSet<String>) -> Vec<String> {
    let name = |p: &str| p.rsplit('/').next().unwrap_or(p).to_ascii_lowercase();
    let mut selectors = vec!["HYGIENE002".to_string()];
    if changed
        .iter()
        .any(|p| matches!(name(p).as_str(), "mix.exs" | "mix.lock"))
    {
        selectors.push("DEPS".into());
    }
    if changed.iter().any(|p| name(p).starts_with("readme")) {
        selectors.push("RDME".into());
    }
    selectors
}

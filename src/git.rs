//! What the project rules need from git, read once per run through libgit2 (no git CLI):
//! the tracked files, the worktree's changes, and for a change range (`--changed-since REF`)
//! its commits, the files changed and added since `REF`, and `mix.exs` as it was at `REF`.
//!
//! Any repository state works: no repository at all, the project in a subdirectory of
//! one, a shallow clone, a detached HEAD, an unborn branch. What cannot be read becomes a
//! note (`GitFacts::notes`) and the rules that needed it are skipped; the rest run.

use git2::{DiffOptions, Repository, Sort, Status, StatusOptions};
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

/// What to read besides the tracked files.
#[derive(Debug, Clone, Default)]
pub struct GitRequest {
    /// `--changed-since REF`.
    pub changed_since: Option<String>,
    /// Read the worktree status (HYGIENE001).
    pub status: bool,
}

#[derive(Debug, Clone, Default)]
pub struct GitFacts {
    /// Project-relative paths of the files in the index, sorted.
    pub tracked: Vec<String>,
    /// Project-relative paths with uncommitted changes or untracked (not ignored), sorted,
    /// with what is wrong (`modified`, `untracked`, …).
    pub dirty: Option<Vec<(String, &'static str)>>,
    pub range: Option<ChangeRange>,
    /// The commit checked out and its branch; `None` on an unborn branch.
    pub head: Option<Head>,
    /// Why something could not be read: one sentence each, shown once.
    pub notes: Vec<String>,
}

/// The commits and files of `REF..HEAD` (files: against the worktree, uncommitted changes
/// included).
#[derive(Debug, Clone, Default)]
pub struct ChangeRange {
    /// As given (`main`, `origin/main`, a SHA).
    pub base: String,
    pub commits: Vec<CommitInfo>,
    /// Project-relative paths changed (added, modified, renamed to) since the base.
    pub changed: BTreeSet<String>,
    /// The subset of `changed` that did not exist at the base.
    pub added: BTreeSet<String>,
    /// The project's `mix.exs` at the base revision, if it existed there.
    pub base_mix_exs: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Head {
    /// The full SHA.
    pub commit: String,
    /// The branch's short name; `None` on a detached HEAD.
    pub branch: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CommitInfo {
    /// The full SHA.
    pub id: String,
    pub message: String,
    pub parents: usize,
}

/// Read what `request` asks of the repository holding `root` (the project root).
/// `None`, with a note, when there is no usable repository.
pub fn read(root: &Path, request: &GitRequest) -> (Option<GitFacts>, Vec<String>) {
    let repo = match Repository::discover(root) {
        Ok(repo) => repo,
        // Outside a repository only what was asked for explicitly is missing: HYGIENE002
        // looks at the files on disk instead of the index.
        Err(e) if e.code() == git2::ErrorCode::NotFound => {
            let mut notes = Vec::new();
            if request.status {
                notes.push(
                    "not a git repository: HYGIENE001 (uncommitted changes) was skipped".into(),
                );
            }
            if request.changed_since.is_some() {
                notes.push("not a git repository".into());
            }
            return (None, notes);
        }
        Err(e) => {
            return (
                None,
                vec![format!(
                    "cannot open the git repository: {}; the git rules were skipped",
                    e.message()
                )],
            );
        }
    };
    let Some(prefix) = project_prefix(&repo, root) else {
        return (
            None,
            vec![
                "the git repository is bare or the project lies outside its worktree; the \
                  git rules were skipped"
                    .into(),
            ],
        );
    };
    let reader = Reader { repo, prefix };
    let mut facts = GitFacts {
        head: reader.head(),
        ..GitFacts::default()
    };
    match reader.tracked() {
        Ok(tracked) => facts.tracked = tracked,
        Err(e) => facts.notes.push(format!("cannot read the git index: {e}")),
    }
    if request.status {
        match reader.dirty() {
            Ok(dirty) => facts.dirty = Some(dirty),
            Err(e) => facts.notes.push(format!(
                "cannot read the worktree status: {e}; HYGIENE001 was skipped"
            )),
        }
    }
    if let Some(base) = &request.changed_since {
        match reader.range(base) {
            Ok(range) => facts.range = Some(range),
            Err(e) => facts.notes.push(format!(
                "cannot compare with `{base}`: {e}; the change-range rules (GITL001, RELS003) \
                 were skipped"
            )),
        }
    }
    let notes = std::mem::take(&mut facts.notes);
    (Some(facts), notes)
}

/// Where `root` sits in the repository's worktree: `""` or `apps/shop/` (with the slash).
pub(crate) fn project_prefix(repo: &Repository, root: &Path) -> Option<String> {
    let workdir = repo.workdir()?;
    let canonical = |p: &Path| std::fs::canonicalize(p).unwrap_or_else(|_| p.to_path_buf());
    let (workdir, root): (PathBuf, PathBuf) = (canonical(workdir), canonical(root));
    let rel = root.strip_prefix(&workdir).ok()?;
    let rel = rel.to_string_lossy().replace('\\', "/");
    Some(if rel.is_empty() {
        String::new()
    } else {
        format!("{rel}/")
    })
}

struct Reader {
    repo: Repository,
    prefix: String,
}

type GitResult<T> = Result<T, String>;

fn message(e: git2::Error) -> String {
    e.message().to_string()
}

impl Reader {
    /// A repository path as a project-relative one, if inside the project.
    fn in_project(&self, path: &[u8]) -> Option<String> {
        let path = String::from_utf8_lossy(path);
        path.strip_prefix(self.prefix.as_str()).map(str::to_string)
    }

    fn head(&self) -> Option<Head> {
        let head = self.repo.head().ok()?;
        let commit = head.peel_to_commit().ok()?.id().to_string();
        let branch = head
            .is_branch()
            .then(|| head.shorthand().ok().map(str::to_string))
            .flatten();
        Some(Head { commit, branch })
    }

    fn tracked(&self) -> GitResult<Vec<String>> {
        let index = self.repo.index().map_err(message)?;
        let mut paths: Vec<String> = index
            .iter()
            .filter_map(|entry| self.in_project(&entry.path))
            .collect();
        paths.sort();
        paths.dedup();
        Ok(paths)
    }

    fn dirty(&self) -> GitResult<Vec<(String, &'static str)>> {
        let mut options = StatusOptions::new();
        options
            .include_untracked(true)
            .recurse_untracked_dirs(true)
            .include_ignored(false)
            .exclude_submodules(true);
        if !self.prefix.is_empty() {
            options.pathspec(&self.prefix);
        }
        let statuses = self.repo.statuses(Some(&mut options)).map_err(message)?;
        let mut dirty: Vec<(String, &'static str)> = statuses
            .iter()
            .filter_map(|entry| {
                let path = self.in_project(entry.path_bytes())?;
                Some((path, describe(entry.status())?))
            })
            .collect();
        dirty.sort();
        Ok(dirty)
    }

    fn range(&self, base: &str) -> GitResult<ChangeRange> {
        let base_commit = self
            .repo
            .revparse_single(base)
            .and_then(|object| object.peel_to_commit())
            .map_err(|e| {
                let shallow = if self.repo.is_shallow() {
                    " (this is a shallow clone: fetch the base, e.g. `fetch-depth: 0` in CI)"
                } else {
                    ""
                };
                format!("{}{shallow}", e.message())
            })?;
        let mut range = ChangeRange {
            base: base.to_string(),
            ..ChangeRange::default()
        };
        // An unborn branch has no commits of its own; the worktree still has files.
        if let Ok(head) = self.repo.head().and_then(|h| h.peel_to_commit()) {
            let mut walk = self.repo.revwalk().map_err(message)?;
            walk.set_sorting(Sort::TOPOLOGICAL | Sort::TIME)
                .map_err(message)?;
            walk.push(head.id()).map_err(message)?;
            walk.hide(base_commit.id()).map_err(message)?;
            for id in walk {
                let commit = id
                    .and_then(|id| self.repo.find_commit(id))
                    .map_err(message)?;
                range.commits.push(CommitInfo {
                    id: commit.id().to_string(),
                    message: String::from_utf8_lossy(commit.message_bytes()).into_owned(),
                    parents: commit.parent_count(),
                });
            }
        }
        let base_tree = base_commit.tree().map_err(message)?;
        let mut options = DiffOptions::new();
        options.include_untracked(true).recurse_untracked_dirs(true);
        if !self.prefix.is_empty() {
            options.pathspec(&self.prefix);
        }
        let diff = self
            .repo
            .diff_tree_to_workdir_with_index(Some(&base_tree), Some(&mut options))
            .map_err(message)?;
        for delta in diff.deltas() {
            use git2::Delta::*;
            let Some(path) = delta
                .new_file()
                .path_bytes()
                .and_then(|p| self.in_project(p))
            else {
                continue;
            };
            match delta.status() {
                Added | Untracked | Copied => {
                    range.added.insert(path.clone());
                    range.changed.insert(path);
                }
                Modified | Renamed | Typechange => {
                    range.changed.insert(path);
                }
                _ => {}
            }
        }
        let mix = format!("{}mix.exs", self.prefix);
        range.base_mix_exs = base_tree
            .get_path(Path::new(&mix))
            .ok()
            .and_then(|entry| entry.to_object(&self.repo).ok())
            .and_then(|object| object.peel_to_blob().ok())
            .map(|blob| String::from_utf8_lossy(blob.content()).into_owned());
        Ok(range)
    }
}

/// What a status says is uncommitted, or `None` when nothing is.
fn describe(status: Status) -> Option<&'static str> {
    if status.is_conflicted() {
        Some("conflicted")
    } else if status.is_wt_new() {
        Some("untracked")
    } else if status.is_wt_deleted() || status.is_index_deleted() {
        Some("deleted")
    } else if status.is_wt_modified()
        || status.is_wt_typechange()
        || status.is_wt_renamed()
        || status.is_index_modified()
        || status.is_index_typechange()
        || status.is_index_renamed()
    {
        Some("modified")
    } else if status.is_index_new() {
        Some("staged, not committed")
    } else {
        None
    }
}

//! Where file contents come from. The engine only sees a `SourceSet`: a sorted list of
//! project-relative paths and a way to read each. Disk is one implementation; git index blobs
//! and editor input on stdin are others.

use crate::finding::{Diagnostic, DiagnosticKind};
use globset::GlobSet;
use std::path::{Path, PathBuf};

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
}

/// Build outputs and tool caches that are never source, whatever `.gitignore` says.
const SKIPPED_DIRS: &[&str] = &["_build", "deps", ".elixir_ls", "node_modules", ".git"];

pub fn is_elixir(path: &str) -> bool {
    path.ends_with(".ex") || path.ends_with(".exs")
}

/// The walk every scan of the tree uses: `.gitignore` honoured (in a git repository or
/// not), hidden entries and the skipped directories left out, symlinks not followed.
pub fn walker(dir: &Path) -> ignore::WalkBuilder {
    let mut builder = ignore::WalkBuilder::new(dir);
    builder
        .hidden(true)
        .require_git(false)
        .follow_links(false)
        .filter_entry(|entry| {
            let name = entry.file_name().to_string_lossy();
            !(entry.file_type().is_some_and(|t| t.is_dir())
                && SKIPPED_DIRS.contains(&name.as_ref()))
        });
    builder
}

pub struct DiskSources {
    root: PathBuf,
    paths: Vec<String>,
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
        let targets: Vec<PathBuf> = if targets.is_empty() {
            vec![root.to_path_buf()]
        } else {
            targets.to_vec()
        };
        let keep = |rel: &str| {
            is_elixir(rel)
                && !exclude.is_match(rel)
                && !rel.split('/').any(|part| SKIPPED_DIRS.contains(&part))
        };
        for target in &targets {
            if target.is_file() {
                if let Some(rel) = relative(root, target).filter(|rel| keep(rel)) {
                    paths.push(rel);
                }
                continue;
            }
            let walker = walker(target).build();
            for entry in walker {
                match entry {
                    Ok(entry) if entry.file_type().is_some_and(|t| t.is_file()) => {
                        if let Some(rel) = relative(root, entry.path())
                            && keep(&rel)
                        {
                            paths.push(rel);
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
        (
            DiskSources {
                root: root.to_path_buf(),
                paths,
                max_file_size,
            },
            diagnostics,
        )
    }
}

impl SourceSet for DiskSources {
    fn paths(&self) -> &[String] {
        &self.paths
    }

    fn read(&self, path: &str) -> Result<Vec<u8>, SourceError> {
        let full = self.root.join(path);
        let read_error = |e: std::io::Error| SourceError {
            kind: DiagnosticKind::ReadError,
            message: format!("cannot read: {e}"),
        };
        let size = std::fs::metadata(&full).map_err(read_error)?.len();
        if size > self.max_file_size {
            return Err(SourceError {
                kind: DiagnosticKind::TooLarge,
                message: format!(
                    "{size} bytes is over the {} byte limit (`files.max_file_size`); skipped",
                    self.max_file_size
                ),
            });
        }
        std::fs::read(&full).map_err(read_error)
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
    let absolute = |p: &Path| std::path::absolute(p).unwrap_or_else(|_| p.to_path_buf());
    let (root, path) = (absolute(root), absolute(path));
    let rel = path.strip_prefix(&root).ok()?;
    let parts: Vec<String> = rel
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    Some(parts.join("/"))
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
}

impl MemorySources {
    pub fn new(mut files: Vec<(String, Vec<u8>)>) -> Self {
        files.sort_by(|a, b| a.0.cmp(&b.0));
        let paths = files.iter().map(|(p, _)| p.clone()).collect();
        MemorySources { files, paths }
    }
}

impl SourceSet for MemorySources {
    fn paths(&self) -> &[String] {
        &self.paths
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
        let prefix = if dir.is_empty() {
            String::new()
        } else {
            format!("{dir}/")
        };
        self.paths
            .iter()
            .filter_map(|p| p.strip_prefix(prefix.as_str()))
            .filter(|name| !name.contains('/'))
            .map(str::to_string)
            .collect()
    }
}

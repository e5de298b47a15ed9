//! `doctrine hook install|uninstall`: git hooks that run `check --staged` before a commit
//! and `commit-msg` on its message. Hooks go where git looks for them (`core.hooksPath`,
//! else `.git/hooks`); a hook doctrine did not write is never overwritten without `--force`
//! and never removed.

use git2::Repository;
use std::path::{Path, PathBuf};

/// The line that marks a hook as doctrine's.
const MARKER: &str = "# Installed by `doctrine hook install`";

pub const HOOKS: [&str; 2] = ["pre-commit", "commit-msg"];

#[derive(Debug, PartialEq, Eq)]
pub enum Outcome {
    Written(PathBuf),
    Replaced(PathBuf),
    /// Another tool's hook is there (kept).
    Foreign(PathBuf),
    Removed(PathBuf),
    Absent(PathBuf),
}

/// The hooks directory of the repository holding `project`, and the project's path inside
/// the worktree (`""` or `backend/`).
fn locate(project: &Path) -> Result<(PathBuf, String), String> {
    let repo = Repository::discover(project).map_err(|e| match e.code() {
        git2::ErrorCode::NotFound => "not a git repository".to_string(),
        _ => format!("cannot open the git repository: {}", e.message()),
    })?;
    let workdir = repo
        .workdir()
        .ok_or("the repository is bare: there is no commit to hook into")?
        .to_path_buf();
    let prefix = crate::git::project_prefix(&repo, project)
        .ok_or("the project lies outside the repository's worktree")?;
    let configured = repo
        .config()
        .ok()
        .and_then(|c| c.get_path("core.hooksPath").ok());
    let dir = match configured {
        // A relative hooksPath is relative to the worktree's top, as git resolves it.
        Some(path) if path.is_relative() => workdir.join(path),
        Some(path) => path,
        None => repo.path().join("hooks"),
    };
    Ok((dir, prefix))
}

fn shell_quote(text: &str) -> String {
    format!("'{}'", text.replace('\'', r"'\''"))
}

/// The hook's script: run doctrine from the project directory with the binary that
/// installed it (or `$DOCTRINE`, or `doctrine` on `PATH` if that binary is gone).
fn script(hook: &str, binary: &Path, prefix: &str) -> String {
    let mut out = format!(
        "#!/bin/sh\n{MARKER}; `doctrine hook uninstall` removes it.\n\
         if [ -z \"${{DOCTRINE:-}}\" ]; then DOCTRINE={}; fi\n\
         [ -x \"$DOCTRINE\" ] || DOCTRINE=doctrine\n",
        shell_quote(&binary.display().to_string())
    );
    if hook == "commit-msg" {
        // git passes the message file relative to the worktree's top.
        out.push_str("case \"$1\" in /*) message=\"$1\" ;; *) message=\"$PWD/$1\" ;; esac\n");
    }
    if !prefix.is_empty() {
        out.push_str(&format!(
            "cd {} || exit 1\n",
            shell_quote(prefix.trim_end_matches('/'))
        ));
    }
    out.push_str(match hook {
        "pre-commit" => "exec \"$DOCTRINE\" check --staged\n",
        _ => "exec \"$DOCTRINE\" commit-msg \"$message\"\n",
    });
    out
}

fn is_ours(path: &Path) -> Option<bool> {
    let text = std::fs::read(path).ok()?;
    Some(String::from_utf8_lossy(&text).contains(MARKER))
}

pub fn install(project: &Path, binary: &Path, force: bool) -> Result<Vec<Outcome>, String> {
    let (dir, prefix) = locate(project)?;
    std::fs::create_dir_all(&dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    let mut outcomes = Vec::new();
    for hook in HOOKS {
        let path = dir.join(hook);
        let existing = is_ours(&path);
        if existing == Some(false) && !force {
            outcomes.push(Outcome::Foreign(path));
            continue;
        }
        std::fs::write(&path, script(hook, binary, &prefix))
            .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755))
                .map_err(|e| format!("cannot make {} executable: {e}", path.display()))?;
        }
        outcomes.push(match existing {
            None => Outcome::Written(path),
            Some(_) => Outcome::Replaced(path),
        });
    }
    Ok(outcomes)
}

pub fn uninstall(project: &Path) -> Result<Vec<Outcome>, String> {
    let (dir, _) = locate(project)?;
    let mut outcomes = Vec::new();
    for hook in HOOKS {
        let path = dir.join(hook);
        outcomes.push(match is_ours(&path) {
            None => Outcome::Absent(path),
            Some(false) => Outcome::Foreign(path),
            Some(true) => {
                std::fs::remove_file(&path)
                    .map_err(|e| format!("cannot remove {}: {e}", path.display()))?;
                Outcome::Removed(path)
            }
        });
    }
    Ok(outcomes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scripts_run_from_the_project_and_quote_paths() {
        let pre = script("pre-commit", Path::new("/opt/it's/doctrine"), "backend/");
        assert!(pre.starts_with("#!/bin/sh\n"));
        assert!(
            pre.contains("then DOCTRINE='/opt/it'\\''s/doctrine'; fi"),
            "{pre}"
        );
        assert!(pre.contains("cd 'backend' || exit 1\nexec \"$DOCTRINE\" check --staged\n"));
        let msg = script("commit-msg", Path::new("/bin/doctrine"), "");
        assert!(!msg.contains("cd "));
        assert!(msg.ends_with("exec \"$DOCTRINE\" commit-msg \"$message\"\n"));
    }
}

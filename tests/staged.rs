//! `check --staged` lints what the next commit holds: the blobs in git's index.

mod common;

use common::repo::{Git, shop};
use common::run::{doctrine, located_findings, write};
use std::path::Path;

const BAD: &str =
    "defmodule Shop.Atoms do\n  @moduledoc false\n  def to(x), do: String.to_atom(x)\nend\n";
const GOOD: &str = "defmodule Shop.Atoms do\n  @moduledoc false\n  def to(x), do: String.to_existing_atom(x)\nend\n";

fn stage(git: &Git, path: &str) {
    let mut index = git.repo.index().unwrap();
    index.add_path(Path::new(path)).unwrap();
    index.write().unwrap();
}

fn unstage_deleted(git: &Git, path: &str) {
    let mut index = git.repo.index().unwrap();
    index.remove_path(Path::new(path)).unwrap();
    index.write().unwrap();
}

/// `(rule, path)` of the staged check, and its exit code.
fn staged(root: &Path) -> (i32, Vec<(String, String)>) {
    let run = doctrine(root, &["check", "--staged", "--format", "json"]);
    run.assert_no_crash();
    assert!(
        run.code == 0 || run.code == 1,
        "exit {}: {}",
        run.code,
        run.stderr
    );
    let found = located_findings(&run.json())
        .into_iter()
        .map(|(rule, path, _)| (rule, path))
        .collect();
    (run.code, found)
}

fn committed_shop(root: &Path) -> Git {
    shop(root);
    let git = Git::init(root);
    git.commit("feat: the shop");
    git
}

#[test]
fn the_index_is_judged_not_the_worktree() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let git = committed_shop(root);
    assert_eq!(staged(root), (0, vec![]), "nothing staged");

    write(root, "lib/shop/atoms.ex", BAD);
    stage(&git, "lib/shop/atoms.ex");
    // Fixed in the worktree only: the commit would still hold the bad line.
    write(root, "lib/shop/atoms.ex", GOOD);
    let (code, found) = staged(root);
    assert_eq!(code, 1);
    assert_eq!(found, [("ZERO001".into(), "lib/shop/atoms.ex".into())]);

    // Fixed and staged; new junk left in the worktree is not part of the commit.
    stage(&git, "lib/shop/atoms.ex");
    write(root, "lib/shop/atoms.ex", BAD);
    write(root, "lib/shop/junk.ex", BAD);
    assert_eq!(staged(root), (0, vec![]));
    // The other files of the project are not linted, though they are in the index.
    write(root, "lib/shop/atoms.ex", GOOD);
    std::fs::remove_file(root.join("lib/shop/junk.ex")).unwrap();
}

#[test]
fn partial_staging_renames_and_deletions() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let git = committed_shop(root);
    write(root, "lib/shop/atoms.ex", GOOD);
    git.commit("feat: atoms");

    // Only the first hunk is staged: a blob written straight into the index.
    let partial =
        "defmodule Shop.Atoms do\n  @moduledoc false\n  def to(x), do: String.to_atom(x)\nend\n";
    let blob = git.repo.blob(partial.as_bytes()).unwrap();
    let mut index = git.repo.index().unwrap();
    let mut entry = index.get_path(Path::new("lib/shop/atoms.ex"), 0).unwrap();
    entry.id = blob;
    entry.file_size = partial.len() as u32;
    index.add(&entry).unwrap();
    index.write().unwrap();
    write(root, "lib/shop/atoms.ex", format!("{GOOD}# more\n"));
    assert_eq!(
        staged(root).1,
        [("ZERO001".into(), "lib/shop/atoms.ex".into())]
    );

    // A staged rename is judged at its new path.
    git.commit("fix: atoms");
    std::fs::rename(
        root.join("lib/shop/atoms.ex"),
        root.join("lib/shop/names.ex"),
    )
    .unwrap();
    unstage_deleted(&git, "lib/shop/atoms.ex");
    write(root, "lib/shop/names.ex", partial);
    stage(&git, "lib/shop/names.ex");
    assert_eq!(
        staged(root).1,
        [("ZERO001".into(), "lib/shop/names.ex".into())]
    );

    // A deletion leaves nothing to lint.
    git.commit("refactor: rename");
    std::fs::remove_file(root.join("lib/shop/names.ex")).unwrap();
    unstage_deleted(&git, "lib/shop/names.ex");
    assert_eq!(staged(root), (0, vec![]));
}

#[test]
fn a_first_commit_and_a_project_in_a_subdirectory() {
    let dir = tempfile::tempdir().unwrap();
    let repo_root = dir.path();
    let project = repo_root.join("backend");
    shop(&project);
    write(&project, "lib/shop/atoms.ex", BAD);
    let git = Git::init(repo_root);
    write(repo_root, "other/lib/x.ex", BAD);
    // Unborn HEAD: everything in the index is staged.
    for path in [
        "backend/lib/shop/atoms.ex",
        "backend/lib/shop/cart.ex",
        "backend/mix.exs",
        "backend/mix.lock",
        "other/lib/x.ex",
    ] {
        stage(&git, path);
    }
    let (code, found) = staged(&project);
    assert_eq!(code, 1);
    assert_eq!(
        found,
        [("ZERO001".into(), "lib/shop/atoms.ex".into())],
        "paths are the project's; other/ is not in it"
    );
}

#[test]
fn staged_files_bring_in_the_project_rules_they_touch() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let git = committed_shop(root);

    // A dependency without a version requirement: DEPS001 only when mix.exs is staged.
    let unbounded = common::repo::MIX.replace("{:jason, \"~> 1.4\"}", "{:jason, \">= 0.0.0\"}");
    write(root, "mix.exs", &unbounded);
    write(root, "lib/shop/atoms.ex", GOOD);
    stage(&git, "lib/shop/atoms.ex");
    assert_eq!(
        staged(root),
        (0, vec![]),
        "mix.exs is changed but not staged"
    );
    stage(&git, "mix.exs");
    let (code, found) = staged(root);
    assert_eq!(code, 1);
    assert!(
        found
            .iter()
            .any(|(rule, path)| rule == "DEPS001" && path == "mix.exs"),
        "{found:?}"
    );
    git.commit("chore: deps");

    // A staged migration runs the migration rules.
    write(
        root,
        "priv/repo/migrations/20260101000000_drop.exs",
        "defmodule Shop.Repo.Migrations.Drop do\n  use Ecto.Migration\n  def change do\n    alter table(:carts) do\n      remove :note\n    end\n  end\nend\n",
    );
    stage(&git, "priv/repo/migrations/20260101000000_drop.exs");
    let (_, found) = staged(root);
    assert!(
        found.iter().any(|(rule, _)| rule.starts_with("MIGR")),
        "{found:?}"
    );
    git.commit("feat: drop note");

    // A stale file staged by mistake.
    write(root, "lib/shop/cart.ex.orig", "old\n");
    stage(&git, "lib/shop/cart.ex.orig");
    let (code, found) = staged(root);
    assert_eq!(code, 1);
    assert_eq!(
        found,
        [("HYGIENE002".into(), "lib/shop/cart.ex.orig".into())]
    );
}

#[test]
fn staged_needs_a_repository() {
    let dir = tempfile::tempdir().unwrap();
    shop(dir.path());
    let run = doctrine(dir.path(), &["check", "--staged"]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("--staged: not a git repository"),
        "{}",
        run.stderr
    );
}

/// `git` itself, in `dir`, with an identity and no user configuration.
fn git(dir: &Path, args: &[&str]) -> std::process::Output {
    std::process::Command::new("git")
        .args(args)
        .current_dir(dir)
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_AUTHOR_NAME", "Dev")
        .env("GIT_AUTHOR_EMAIL", "dev@example.com")
        .env("GIT_COMMITTER_NAME", "Dev")
        .env("GIT_COMMITTER_EMAIL", "dev@example.com")
        .output()
        .expect("git runs")
}

/// What git and its hooks printed, on either stream.
fn output(run: &std::process::Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&run.stdout),
        String::from_utf8_lossy(&run.stderr)
    )
}

#[test]
fn installed_hooks_stop_a_bad_commit_and_let_a_good_one_through() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    committed_shop(root);
    let install = doctrine(root, &["hook", "install"]);
    assert_eq!(install.code, 0, "{}", install.stderr);
    assert!(install.stdout.contains("installed") && install.stdout.contains("pre-commit"));

    write(root, "lib/shop/atoms.ex", BAD);
    git(root, &["add", "lib/shop/atoms.ex"]);
    let refused = git(root, &["commit", "-m", "feat: atoms"]);
    assert!(!refused.status.success(), "the pre-commit hook stops it");
    assert!(output(&refused).contains("ZERO001"), "{}", output(&refused));

    write(root, "lib/shop/atoms.ex", GOOD);
    git(root, &["add", "lib/shop/atoms.ex"]);
    let accepted = git(root, &["commit", "-m", "feat: atoms"]);
    assert!(
        accepted.status.success(),
        "{}",
        String::from_utf8_lossy(&accepted.stderr)
    );

    // The commit-msg hook fails once GITL001 is blocking.
    write(root, ".doctrine.toml", "[rules]\nGITL001 = \"blocking\"\n");
    git(root, &["add", ".doctrine.toml"]);
    let bad_message = git(root, &["commit", "-m", "Added config."]);
    assert!(!bad_message.status.success());
    assert!(
        output(&bad_message).contains("GITL001"),
        "{}",
        output(&bad_message)
    );
    assert!(
        git(root, &["commit", "-m", "chore: gate commit messages"])
            .status
            .success()
    );

    // Reinstalling updates our hooks; uninstalling removes only ours.
    assert!(
        doctrine(root, &["hook", "install"])
            .stdout
            .contains("updated")
    );
    let removed = doctrine(root, &["hook", "uninstall"]);
    assert_eq!(removed.code, 0);
    assert!(!root.join(".git/hooks/pre-commit").exists());
}

#[test]
fn hooks_honour_core_hooks_path_and_never_replace_a_foreign_hook_unasked() {
    let dir = tempfile::tempdir().unwrap();
    let repo_root = dir.path();
    let project = repo_root.join("backend");
    shop(&project);
    Git::init(repo_root).commit("feat: shop");
    git(repo_root, &["config", "core.hooksPath", ".githooks"]);
    write(
        repo_root,
        ".githooks/pre-commit",
        "#!/bin/sh\necho lint-staged\n",
    );

    let refused = doctrine(&project, &["hook", "install"]);
    assert_eq!(refused.code, 1);
    assert!(
        refused.stdout.contains("left") && refused.stdout.contains("alone"),
        "{}",
        refused.stdout
    );
    assert!(
        repo_root.join(".githooks/commit-msg").exists(),
        "the free one is installed"
    );
    assert_eq!(
        std::fs::read_to_string(repo_root.join(".githooks/pre-commit")).unwrap(),
        "#!/bin/sh\necho lint-staged\n"
    );
    let uninstall = doctrine(&project, &["hook", "uninstall"]);
    assert_eq!(uninstall.code, 0);
    assert!(
        repo_root.join(".githooks/pre-commit").exists(),
        "not ours: kept"
    );
    assert!(!repo_root.join(".githooks/commit-msg").exists());

    let forced = doctrine(&project, &["hook", "install", "--force"]);
    assert_eq!(forced.code, 0);
    // From the repository's top, the hook runs doctrine in backend/.
    write(&project, "lib/shop/atoms.ex", BAD);
    git(repo_root, &["add", "backend/lib/shop/atoms.ex"]);
    let stopped = git(repo_root, &["commit", "-m", "feat: atoms"]);
    assert!(!stopped.status.success());
    assert!(output(&stopped).contains("ZERO001"), "{}", output(&stopped));
}

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

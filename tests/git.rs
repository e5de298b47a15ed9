//! The project pillars on real git repositories, built in temp dirs with git2: tracked and
//! uncommitted files, commit ranges, branches and tags, and the odd repository states
//! (no repository, a project in a subdirectory, a detached HEAD, an unborn branch).

mod common;

use common::repo::{Git, LOCK, MIX, README, shop};
use common::run::{Run, doctrine, located_findings, write};
use std::path::Path;

fn json(root: &Path, args: &[&str]) -> (Run, Vec<(String, String, u64)>) {
    let mut all = vec!["check", "--format", "json"];
    all.extend_from_slice(args);
    let run = doctrine(root, &all);
    run.assert_no_crash();
    let found = located_findings(&run.json());
    (run, found)
}

fn rules(found: &[(String, String, u64)]) -> Vec<&str> {
    found.iter().map(|(rule, ..)| rule.as_str()).collect()
}

fn has(found: &[(String, String, u64)], rule: &str, path: &str) -> bool {
    found.iter().any(|(r, p, _)| r == rule && p == path)
}

#[test]
fn a_clean_committed_project_has_no_project_findings() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    shop(root);
    Git::init(root).commit("feat: first release");
    let (run, found) = json(root, &["--require-clean"]);
    assert_eq!(run.code, 0, "{found:?}\n{}", run.stderr);
    assert!(found.is_empty(), "{found:?}");
}

#[test]
fn stale_tracked_files_and_conflict_markers() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    shop(root);
    write(root, "lib/shop/cart.ex.orig", "old\n");
    write(
        root,
        "_build/dev/lib/shop/ebin/shop.app",
        "{application, shop, []}.\n",
    );
    write(
        root,
        "_build/dev/lib/shop/ebin/Elixir.Shop.beam",
        "FOR1\0BEAM",
    );
    write(
        root,
        "docs/deploy.md",
        "# Deploy\n<<<<<<< HEAD\nRun the migration first.\n=======\nRun it last.\n>>>>>>> feature\n",
    );
    write(
        root,
        "docs/guide.md",
        "Guide\n=======\n\nA setext heading is not a conflict.\n",
    );
    Git::init(root).commit("chore: add things");
    let (run, found) = json(root, &[]);
    assert_eq!(run.code, 1);
    assert!(
        has(&found, "HYGIENE002", "lib/shop/cart.ex.orig"),
        "{found:?}"
    );
    let build: Vec<_> = found
        .iter()
        .filter(|(r, p, _)| r == "HYGIENE002" && p.starts_with("_build/"))
        .collect();
    assert_eq!(build.len(), 1, "one finding per build directory: {found:?}");
    let markers: Vec<u64> = found
        .iter()
        .filter(|(r, p, _)| r == "HYGIENE003" && p == "docs/deploy.md")
        .map(|(_, _, line)| *line)
        .collect();
    assert_eq!(markers, [2, 4, 6]);
    assert!(
        !found.iter().any(|(_, p, _)| p == "docs/guide.md"),
        "{found:?}"
    );

    // Outside git the tree is looked at: the `.orig` file, but build output on disk is normal.
    std::fs::remove_dir_all(root.join(".git")).unwrap();
    let (_, found) = json(root, &[]);
    assert!(
        has(&found, "HYGIENE002", "lib/shop/cart.ex.orig"),
        "{found:?}"
    );
    assert!(
        !found
            .iter()
            .any(|(r, p, _)| r == "HYGIENE002" && p.starts_with("_build/")),
        "{found:?}"
    );
}

#[test]
fn uncommitted_changes_fail_only_with_require_clean() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    shop(root);
    let git = Git::init(root);
    git.commit("feat: first release");
    write(root, "lib/shop/cart.ex", "defmodule Shop.Cart do\nend\n");
    write(root, "notes.txt", "untracked\n");
    write(root, ".gitignore", "/ignored.log\n");
    write(root, "ignored.log", "ignored\n");
    let (_, found) = json(root, &[]);
    assert!(!rules(&found).contains(&"HYGIENE001"), "{found:?}");
    let (run, found) = json(root, &["--require-clean"]);
    assert_eq!(run.code, 1);
    let dirty: Vec<&str> = found
        .iter()
        .filter(|(r, ..)| r == "HYGIENE001")
        .map(|(_, p, _)| p.as_str())
        .collect();
    assert_eq!(dirty, [".gitignore", "lib/shop/cart.ex", "notes.txt"]);
}

#[test]
fn dependencies_against_mix_exs_and_the_lock() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    shop(root);
    write(
        root,
        "mix.exs",
        r#"defmodule Shop.MixProject do
  use Mix.Project
  def project, do: [app: :shop, version: "1.0.0", deps: deps()]
  defp deps do
    [
      {:jason, "~> 1.4"},
      {:rustler, ">= 0.0.0"},
      {:lumis, github: "acme/lumis", branch: "main"},
      {:git_diff, github: "acme/git_diff", ref: "d474"},
      {:plug, "~> 1.14"}
    ]
  end
end
"#,
    );
    write(
        root,
        "mix.lock",
        r#"%{
  "jason": {:hex, :jason, "1.4.1", "af", [:mix], [], "hexpm", "fb"},
  "rustler": {:hex, :rustler, "0.30.0", "af", [:mix], [], "hexpm", "fb"},
  "lumis": {:git, "https://github.com/acme/lumis.git", "abc", [branch: "main"]},
  "git_diff": {:git, "https://github.com/acme/git_diff.git", "d474", [ref: "d474"]},
}
"#,
    );
    Git::init(root).commit("build: deps");
    let (_, found) = json(root, &["--select", "DEPS"]);
    assert_eq!(
        found,
        [
            ("DEPS001".to_string(), "mix.exs".to_string(), 7),
            ("DEPS002".to_string(), "mix.exs".to_string(), 8),
            ("DEPS003".to_string(), "mix.exs".to_string(), 10),
        ]
    );
    std::fs::remove_file(root.join("mix.lock")).unwrap();
    let (_, found) = json(root, &["--select", "DEPS003"]);
    assert_eq!(found, [("DEPS003".to_string(), "mix.exs".to_string(), 6)]);
    // A lock under another name (`lockfile:`) is not one the scan reads: DEPS003 reads it.
    write(
        root,
        "mix.exs",
        r#"defmodule Shop.MixProject do
  use Mix.Project
  def project, do: [app: :shop, lockfile: "locks/shop.lock", deps: deps()]
  defp deps, do: [{:jason, "~> 1.4"}, {:plug, "~> 1.14"}]
end
"#,
    );
    write(
        root,
        "locks/shop.lock",
        r#"%{"jason": {:hex, :jason, "1.4.1", "af", [:mix], [], "hexpm", "fb"}}"#,
    );
    let (_, found) = json(root, &["--select", "DEPS003"]);
    assert_eq!(found, [("DEPS003".to_string(), "mix.exs".to_string(), 4)]);
}

#[test]
fn an_umbrella_app_without_a_readme_and_its_deps_in_the_root_lock() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    write(
        root,
        "mix.exs",
        "defmodule Platform.MixProject do\n  use Mix.Project\n  def project, do: [apps_path: \"apps\", deps: []]\nend\n",
    );
    write(root, "README.md", README);
    write(root, "mix.lock", LOCK);
    for app in ["core", "web"] {
        write(
            root,
            &format!("apps/{app}/mix.exs"),
            format!(
                "defmodule {}.MixProject do\n  use Mix.Project\n  def project, do: [app: :{app}, lockfile: \"../../mix.lock\", deps: [{{:jason, \"~> 1.4\"}}, {{:core, in_umbrella: true}}]]\nend\n",
                if app == "core" { "Core" } else { "Web" }
            ),
        );
    }
    write(root, "apps/core/README.md", README);
    Git::init(root).commit("chore: umbrella");
    let (_, found) = json(root, &["--select", "RDME,DEPS"]);
    assert_eq!(
        found,
        [("RDME001".to_string(), "apps/web/mix.exs".to_string(), 1)]
    );
}

#[test]
fn an_umbrella_with_its_own_apps_path() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    write(
        root,
        "mix.exs",
        "defmodule Platform.MixProject do\n  use Mix.Project\n  def project, do: [apps_path: \"services\", deps: []]\nend\n",
    );
    write(root, "README.md", README);
    write(
        root,
        "services/billing/mix.exs",
        "defmodule Billing.MixProject do\n  use Mix.Project\n  def project, do: [app: :billing]\nend\n",
    );
    write(
        root,
        "services/billing/lib/billing.ex",
        "defmodule Billing do\n  def charge(x), do: String.to_atom(x)\nend\n",
    );
    Git::init(root).commit("chore: umbrella");
    // From inside an app, the run's root is the umbrella; the app is an app of it.
    let (_, found) = json(
        &root.join("services/billing/lib"),
        &["--select", "RDME001,ZERO001"],
    );
    assert_eq!(
        found,
        [
            (
                "RDME001".to_string(),
                "services/billing/mix.exs".to_string(),
                1
            ),
            (
                "ZERO001".to_string(),
                "services/billing/lib/billing.ex".to_string(),
                2
            ),
        ]
    );
}

#[test]
fn changed_since_limits_findings_and_judges_the_commits_of_the_range() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    shop(root);
    write(
        root,
        "lib/shop/old.ex",
        "defmodule Shop.Old do\n  @moduledoc false\n  def f(x), do: String.to_atom(x)\nend\n",
    );
    let git = Git::init(root);
    git.commit("feat: first release");
    git.branch("main");
    git.tag("v1.0.0");
    // On a feature branch: a new untested module, a change to lib/ without a version bump.
    write(
        root,
        "lib/shop/refund.ex",
        "defmodule Shop.Refund do\n  @moduledoc \"Refunds.\"\n  @doc \"x\"\n  @spec run(term) :: term\n  def run(x), do: String.to_atom(x)\nend\n",
    );
    git.commit("feat(refund): add refunds");
    write(root, "lib/shop/refund.ex.bak", "x\n");
    let side = git.commit("Fixed stuff.");
    git.commit("feat:no space");
    git.merge_commit(side, "Merge branch 'side'");
    git.commit(&format!("fix: {}", "x".repeat(115)));
    git.commit("Revert \"feat: x\"");

    let (run, found) = json(root, &["--changed-since", "main"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    // The old file's ZERO001 is not in the range; the new file's is.
    assert!(
        !found.iter().any(|(_, p, _)| p == "lib/shop/old.ex"),
        "{found:?}"
    );
    assert!(has(&found, "ZERO001", "lib/shop/refund.ex"), "{found:?}");
    assert!(has(&found, "TACH001", "lib/shop/refund.ex"), "{found:?}");
    assert!(
        has(&found, "KNOW001", "lib/shop/refund.ex"),
        "an added module: {found:?}"
    );
    assert!(
        has(&found, "HYGIENE002", "lib/shop/refund.ex.bak"),
        "{found:?}"
    );
    assert!(has(&found, "RELS003", "mix.exs"), "{found:?}");
    let report = run.json();
    let commits: Vec<&str> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["rule"] == "GITL001")
        .map(|f| f["message"].as_str().unwrap())
        .collect();
    assert_eq!(commits.len(), 3, "{commits:?}");
    assert!(commits.iter().any(|m| m.contains("\"Fixed stuff.\"")));
    assert!(
        commits
            .iter()
            .any(|m| m.contains("no space after the colon"))
    );
    assert!(commits.iter().any(|m| m.contains("120 characters")));
    for finding in report["findings"].as_array().unwrap() {
        if finding["rule"] == "GITL001" {
            assert_eq!(finding["commit"].as_str().unwrap().len(), 40);
        }
    }
    // The same range from a tag, and the commit in SARIF's result properties.
    let sarif = doctrine(
        root,
        &["check", "--changed-since", "v1.0.0", "--format", "sarif"],
    );
    let log = sarif.json();
    let results = log["runs"][0]["results"].as_array().unwrap();
    let gitl: Vec<&serde_json::Value> = results
        .iter()
        .filter(|r| r["ruleId"] == "GITL001")
        .collect();
    assert_eq!(gitl.len(), 3);
    assert!(gitl.iter().all(|r| r["properties"]["commit"].is_string()));
    assert!(
        gitl.iter()
            .all(|r| r["locations"][0]["physicalLocation"]["region"]["startLine"] == 1)
    );

    // In the terminal a commit finding is one line: the mix.exs it is shown at is no snippet.
    let text = doctrine(
        root,
        &[
            "check",
            "--changed-since",
            "main",
            "--select",
            "GITL",
            "--no-color",
        ],
    );
    assert!(
        text.stdout.contains("GITL001 [advisory] commit "),
        "{}",
        text.stdout
    );
    assert!(!text.stdout.contains('╭'), "{}", text.stdout);

    // A bumped version: no RELS003.
    write(root, "mix.exs", MIX.replace("1.0.0", "1.1.0"));
    let (_, found) = json(root, &["--changed-since", "main", "--select", "RELS003"]);
    assert!(found.is_empty(), "{found:?}");

    // A revision that does not exist is a usage error.
    let run = doctrine(root, &["check", "--changed-since", "no-such-branch"]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("no-such-branch"), "{}", run.stderr);
}

#[test]
fn odd_repository_states_work() {
    // A project in a subdirectory of the repository: paths stay project-relative.
    let dir = tempfile::tempdir().unwrap();
    let repo_root = dir.path();
    let root = repo_root.join("services/shop");
    shop(&root);
    write(&root, "lib/shop/cart.ex.rej", "x\n");
    write(repo_root, "other/notes.orig", "not the project's\n");
    let git = Git::init(repo_root);
    git.commit("chore: monorepo");
    let (_, found) = json(&root, &["--select", "HYGIENE"]);
    assert_eq!(
        found,
        [(
            "HYGIENE002".to_string(),
            "lib/shop/cart.ex.rej".to_string(),
            1
        )]
    );
    write(&root, "lib/shop/new.ex", "defmodule Shop.New do\nend\n");
    let (_, found) = json(
        &root,
        &["--changed-since", "HEAD", "--select", "HYGIENE,ZERO"],
    );
    assert!(
        found.is_empty(),
        "only the untracked new.ex changed: {found:?}"
    );

    // A detached HEAD.
    let head = git.repo.head().unwrap().peel_to_commit().unwrap().id();
    git.repo.set_head_detached(head).unwrap();
    let (run, _) = json(&root, &["--changed-since", "HEAD"]);
    assert!(run.code <= 1, "{}", run.stderr);

    // An unborn branch: nothing committed yet, the index still counts.
    let fresh = tempfile::tempdir().unwrap();
    shop(fresh.path());
    write(fresh.path(), "lib/shop/cart.ex.orig", "x\n");
    let unborn = Git::init(fresh.path());
    let mut index = unborn.repo.index().unwrap();
    index.add_path(Path::new("lib/shop/cart.ex.orig")).unwrap();
    index.write().unwrap();
    let (run, found) = json(fresh.path(), &["--select", "HYGIENE"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert_eq!(
        found,
        [(
            "HYGIENE002".to_string(),
            "lib/shop/cart.ex.orig".to_string(),
            1
        )]
    );

    // Not a repository at all: the git rules say once that they were skipped.
    let plain = tempfile::tempdir().unwrap();
    shop(plain.path());
    let run = doctrine(
        plain.path(),
        &["check", "--require-clean", "--format", "json"],
    );
    let report = run.json();
    let notes: Vec<&serde_json::Value> = report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["kind"] == "git")
        .collect();
    assert_eq!(notes.len(), 1, "{report}");
    assert!(notes[0]["message"].as_str().unwrap().contains("HYGIENE001"));
    assert_eq!(run.code, 0, "a skipped rule does not fail the run");
    let run = doctrine(plain.path(), &["check", "--changed-since", "main"]);
    assert_eq!(
        run.code, 2,
        "a range cannot be read outside git: {}",
        run.stderr
    );
}

#[test]
fn commit_msg_checks_one_message_for_a_hook() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    shop(root);
    let message = |text: &str| {
        write(root, ".git-msg", text);
        doctrine(root, &["commit-msg", ".git-msg"])
    };
    let good = message("feat(auth): add login\n\n# Please enter the commit message\n");
    assert_eq!(good.code, 0);
    assert_eq!(good.stderr, "");
    let bad = message("Fixed stuff.\n");
    assert_eq!(bad.code, 0, "advisory by default");
    assert!(bad.stderr.contains("GITL001 [advisory]"), "{}", bad.stderr);
    // Made blocking, the hook refuses the commit; the types are configurable.
    write(
        root,
        ".doctrine.toml",
        "[rules.GITL001]\nenforcement = \"blocking\"\ntypes = [\"feat\", \"fix\", \"hotfix\"]\n",
    );
    assert_eq!(message("Fixed stuff.\n").code, 1);
    assert_eq!(message("hotfix: restore payments\n").code, 0);
    let docs = message("docs: not an allowed type here\n");
    assert_eq!(docs.code, 1);
    assert!(
        docs.stderr
            .contains("type `docs` is not one of feat, fix, hotfix"),
        "{}",
        docs.stderr
    );
    write(root, ".doctrine.toml", "[rules.GITL001]\ntypos = [\"x\"]\n");
    let broken = message("feat: x\n");
    assert_eq!(
        broken.code, 2,
        "a broken config is an error: {}",
        broken.stderr
    );
}

//! The result cache (`.doctrine/cache/`): a warm run reports exactly what a cold one does,
//! re-analyses only what changed, and survives corruption, other builds and overlapping runs.

mod common;

use common::repo::{Git, shop};
use common::run::{Run, doctrine, doctrine_cached, rules_and_paths, write};
use serde_json::Value;
use std::path::Path;

const ATOMS: &str =
    "defmodule Shop.Atoms do\n  @moduledoc false\n  def to(x), do: String.to_atom(x)\nend\n";
const SECRET: &str = "defmodule Shop.Mailer do\n  @moduledoc false\n  @api_key \"Zq8vW2xKp4Lm9Rt6Yb3Nc7Hd\"\n  def key, do: @api_key\nend\n";

/// A project with findings of several kinds: per-file (ZERO, SEAL with a secret to mask),
/// project rules (RDME, DEPS), and a few clean files.
fn project(root: &Path) {
    shop(root);
    write(root, "lib/shop/atoms.ex", ATOMS);
    write(root, "lib/shop/mailer.ex", SECRET);
    for i in 0..5 {
        write(
            root,
            &format!("lib/shop/part{i}.ex"),
            format!(
                "defmodule Shop.Part{i} do\n  @moduledoc \"Part {i}.\"\n  @doc \"Id.\"\n  @spec id() :: integer\n  def id, do: {i}\nend\n"
            ),
        );
    }
}

fn timings(run: &Run) -> Value {
    let line = run
        .stderr
        .lines()
        .find_map(|l| l.strip_prefix("doctrine timings: "))
        .unwrap_or_else(|| panic!("no timings line in:\n{}", run.stderr));
    serde_json::from_str(line).unwrap()
}

/// (files from the cache, files analysed) of a `--timings` run.
fn counts(run: &Run) -> (u64, u64) {
    let t = timings(run);
    (
        t["cached_files"].as_u64().unwrap(),
        t["analysed_files"].as_u64().unwrap(),
    )
}

fn check(root: &Path, format: &str) -> Run {
    let run = doctrine_cached(root, &["check", "--timings", "--format", format]);
    run.assert_no_crash();
    run
}

fn cache_files(root: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(root.join(".doctrine/cache"))
        .map(|entries| {
            entries
                .flatten()
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .filter(|n| n.starts_with("results-"))
                .collect()
        })
        .unwrap_or_default();
    names.sort();
    names
}

#[test]
fn a_warm_run_reports_byte_for_byte_what_a_cold_run_does() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    project(root);
    for format in ["json", "text", "sarif"] {
        let uncached = doctrine(root, &["check", "--format", format]);
        let cold = check(root, format);
        let warm = check(root, format);
        assert_eq!(cold.stdout, uncached.stdout, "{format}: cold run");
        assert_eq!(warm.stdout, cold.stdout, "{format}: warm run");
        assert_eq!(cold.code, warm.code);
        assert!(!warm.stderr.contains("warning"), "{}", warm.stderr);
    }
    let warm = check(root, "text");
    let files = counts(&warm);
    assert_eq!(files.1, 0, "nothing is analysed again: {files:?}");
    assert!(files.0 >= 9, "every file comes from the cache: {files:?}");
    assert_eq!(timings(&warm)["project_cached"], true);
    assert!(warm.stdout.contains("ZERO001"), "{}", warm.stdout);
    // The snippet of the cached file still masks the secret.
    assert!(warm.stdout.contains("SEAL001"), "{}", warm.stdout);
    assert!(
        !warm.stdout.contains("Zq8vW2xKp4Lm9Rt6Yb3Nc7Hd"),
        "{}",
        warm.stdout
    );
    assert!(warm.stdout.contains("Zq8v"), "{}", warm.stdout);
}

#[test]
fn only_a_changed_file_is_analysed_again_and_its_findings_follow_it() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    project(root);
    check(root, "json");
    write(
        root,
        "lib/shop/atoms.ex",
        ATOMS.replace("to_atom", "to_existing_atom"),
    );
    write(
        root,
        "lib/shop/part0.ex",
        "defmodule Shop.Part0 do\n  def id, do: IO.inspect(0)\nend\n",
    );
    let run = check(root, "json");
    assert_eq!(counts(&run).1, 2, "the two changed files: {}", run.stderr);
    assert_eq!(
        run.stdout,
        doctrine(root, &["check", "--format", "json"]).stdout
    );
    let rules = rules_and_paths(&run.json());
    assert!(!rules.iter().any(|(r, _)| r == "ZERO001"), "{rules:?}");
    assert!(
        rules
            .iter()
            .any(|(r, p)| r.starts_with("DOCS") && p == "lib/shop/part0.ex"),
        "{rules:?}"
    );
}

#[test]
fn project_rules_follow_the_files_they_read() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    project(root);
    let rules_of = |run: &Run| -> Vec<String> {
        rules_and_paths(&run.json())
            .into_iter()
            .map(|(rule, _)| rule)
            .collect()
    };
    let first = check(root, "json");
    assert!(!rules_of(&first).iter().any(|r| r.starts_with("RDME")));
    write(root, "README.md", "");
    let emptied = check(root, "json");
    assert_eq!(counts(&emptied).1, 1, "only the README is scanned again");
    assert_eq!(timings(&emptied)["project_cached"], false);
    assert!(
        rules_of(&emptied).iter().any(|r| r == "RDME002"),
        "{}",
        emptied.stdout
    );
    std::fs::remove_file(root.join("README.md")).unwrap();
    let removed = check(root, "json");
    assert!(
        rules_of(&removed).iter().any(|r| r == "RDME001"),
        "{}",
        removed.stdout
    );
    // The lock loses the dependency: DEPS003. The scan reads the lock for the project
    // rules (no per-file rule judges it), so it alone is read again.
    write(root, "mix.lock", "%{\n}\n");
    let unlocked = check(root, "json");
    assert_eq!(counts(&unlocked).1, 1, "{}", unlocked.stderr);
    assert_eq!(timings(&unlocked)["project_cached"], false);
    assert!(
        rules_of(&unlocked).iter().any(|r| r == "DEPS003"),
        "{}",
        unlocked.stdout
    );
    assert_eq!(
        unlocked.stdout,
        doctrine(root, &["check", "--format", "json"]).stdout
    );
}

#[test]
fn the_configuration_keys_the_cache() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    project(root);
    check(root, "json");
    let selected = doctrine_cached(root, &["check", "--timings", "--select", "ZERO"]);
    assert_eq!(
        counts(&selected).0,
        0,
        "another rule set: {}",
        selected.stderr
    );
    write(root, ".doctrine.toml", "[pillars]\nZERO = \"off\"\n");
    let configured = check(root, "json");
    assert_eq!(counts(&configured).0, 0);
    assert!(!configured.stdout.contains("ZERO001"));
    // A comment does not change the effective configuration.
    write(
        root,
        ".doctrine.toml",
        "# quiet\n[pillars]\nZERO = \"off\"\n",
    );
    let commented = check(root, "json");
    // Only the configuration file itself is scanned again (as text, for secrets).
    assert_eq!(counts(&commented).1, 1, "{}", commented.stderr);
    assert_eq!(cache_files(root).len(), 3);
}

#[test]
fn a_corrupt_cache_or_one_from_another_build_is_ignored_with_a_warning_and_rewritten() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    project(root);
    let cold = check(root, "json");
    let name = cache_files(root).pop().unwrap();
    let path = root.join(".doctrine/cache").join(&name);

    std::fs::write(&path, b"{\"format\":1,\"doctr").unwrap();
    let corrupt = check(root, "json");
    assert!(corrupt.stderr.contains("is corrupt"), "{}", corrupt.stderr);
    assert_eq!(corrupt.stdout, cold.stdout);
    assert_eq!(counts(&corrupt).0, 0);

    let text = std::fs::read_to_string(&path).unwrap();
    let header_end = text.find('\n').unwrap();
    let mut header: Value = serde_json::from_str(&text[..header_end]).unwrap();
    header["build"] = "0000000000000000".into();
    header["doctrine"] = "0.0.1".into();
    std::fs::write(&path, format!("{header}{}", &text[header_end..])).unwrap();
    let other = check(root, "json");
    assert!(
        other.stderr.contains("written by doctrine 0.0.1"),
        "{}",
        other.stderr
    );
    assert_eq!(other.stdout, cold.stdout);

    // A body that parses but does not fit is corrupt too.
    std::fs::write(&path, format!("{}\n[1, 2]", &text[..header_end])).unwrap();
    assert!(check(root, "json").stderr.contains("is corrupt"));

    let again = check(root, "json");
    assert!(!again.stderr.contains("warning"), "{}", again.stderr);
    assert_eq!(counts(&again).1, 0, "the cache was rewritten");
}

#[test]
fn no_cache_and_the_environment_switch_leave_no_cache_behind() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    project(root);
    let run = doctrine_cached(root, &["check", "--no-cache"]);
    run.assert_no_crash();
    doctrine(root, &["check"]).assert_no_crash();
    doctrine_cached(root, &["score", "--no-cache"]).assert_no_crash();
    assert!(!root.join(".doctrine/cache").exists());
    // A partial run neither reads nor writes it.
    doctrine_cached(root, &["check", "lib/shop/atoms.ex"]).assert_no_crash();
    assert!(!root.join(".doctrine/cache").exists());
    doctrine_cached(root, &["score"]).assert_no_crash();
    assert_eq!(cache_files(root).len(), 1, "score caches too");
}

#[test]
fn the_cache_ignores_itself_in_git_and_cache_clean_removes_it() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    project(root);
    let git = Git::init(root);
    git.commit("feat: shop");
    let first = doctrine_cached(root, &["check", "--require-clean", "--format", "json"]);
    assert!(root.join(".doctrine/cache/.gitignore").is_file());
    assert!(root.join(".doctrine/cache/CACHEDIR.TAG").is_file());
    let mut options = git2::StatusOptions::new();
    options.include_untracked(true).include_ignored(false);
    let statuses = git.repo.statuses(Some(&mut options)).unwrap();
    let seen: Vec<String> = statuses
        .iter()
        .map(|s| s.path().unwrap_or_default().to_string())
        .collect();
    assert!(seen.is_empty(), "git sees nothing new: {seen:?}");
    let second = doctrine_cached(root, &["check", "--require-clean", "--format", "json"]);
    assert!(!second.stdout.contains("HYGIENE001"), "{}", second.stdout);
    assert_eq!(first.stdout, second.stdout);

    let clean = doctrine_cached(root, &["cache", "clean"]);
    assert_eq!(clean.code, 0, "{}", clean.stderr);
    assert!(
        clean.stdout.starts_with("removed .doctrine/cache"),
        "{}",
        clean.stdout
    );
    assert!(!root.join(".doctrine/cache").exists());
    let nothing = doctrine_cached(&root.join("lib"), &["cache", "clean"]);
    assert_eq!(nothing.code, 0);
    assert!(
        nothing.stdout.starts_with("no result cache at"),
        "{}",
        nothing.stdout
    );
}

#[test]
fn overlapping_runs_each_see_a_complete_cache() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    project(root);
    for round in 0..3 {
        if round == 1 {
            write(root, "lib/shop/part1.ex", "defmodule Shop.Part1 do\nend\n");
        }
        let expected = doctrine(root, &["check", "--format", "json"]).stdout;
        let runs: Vec<Run> = std::thread::scope(|s| {
            let handles: Vec<_> = (0..4)
                .map(|_| s.spawn(|| doctrine_cached(root, &["check", "--format", "json"])))
                .collect();
            handles.into_iter().map(|h| h.join().unwrap()).collect()
        });
        for run in runs {
            run.assert_no_crash();
            assert!(!run.stderr.contains("warning"), "{}", run.stderr);
            assert_eq!(run.stdout, expected);
        }
    }
    let leftovers: Vec<_> = std::fs::read_dir(root.join(".doctrine/cache"))
        .unwrap()
        .flatten()
        .filter(|e| e.file_name().to_string_lossy().ends_with(".tmp"))
        .collect();
    assert!(leftovers.is_empty(), "no temporary file is left");
}

#[test]
fn old_configurations_are_pruned() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    project(root);
    for rule in [
        "ZERO", "SEAL", "DOCS", "DEPS", "RDME", "TACH", "KNOW", "HLTH", "RELS", "GITL",
    ] {
        doctrine_cached(root, &["check", "--select", rule]).assert_no_crash();
    }
    assert_eq!(cache_files(root).len(), 8);
}

#[test]
fn a_cache_that_cannot_be_written_is_a_warning_not_a_failure() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    project(root);
    // `.doctrine` is a file, so the cache directory cannot be made (whoever runs the test).
    write(root, ".doctrine", "not a directory\n");
    let run = check(root, "json");
    assert!(
        run.stderr.contains("cannot write the result cache"),
        "{}",
        run.stderr
    );
    let uncached = doctrine(root, &["check", "--format", "json"]);
    assert_eq!(run.stdout, uncached.stdout);
    assert_eq!(run.code, uncached.code);
}

//! `score`, `gate`, `trend` and `report` end to end, on projects in real git repositories.

mod common;

use common::repo::{Git, shop};
use common::run::{Run, doctrine, fixture, write};
use serde_json::Value;
use std::path::Path;

fn score_json(root: &Path, args: &[&str]) -> Value {
    let mut all = vec!["score", "--format", "json"];
    all.extend_from_slice(args);
    let run = doctrine(root, &all);
    run.assert_no_crash();
    assert_eq!(run.code, 0, "{}", run.stderr);
    run.json()
}

/// A clean, committed project that passes the gate.
fn passing_repo(root: &Path) -> Git {
    shop(root);
    let git = Git::init(root);
    git.commit("feat: the shop");
    git
}

fn gate(root: &Path, args: &[&str]) -> Run {
    let mut all = vec!["gate"];
    all.extend_from_slice(args);
    let run = doctrine(root, &all);
    run.assert_no_crash();
    run
}

#[test]
fn score_shows_each_component_with_its_figures() {
    let run = doctrine(&fixture("phoenix_app"), &["score"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let text = &run.stdout;
    assert!(text.starts_with("Health score "), "{text}");
    for expected in [
        "compliance",
        "modules with @moduledoc",
        "public functions with @doc",
        "with @spec",
        "estimated: ",
        "files parse without syntax errors",
    ] {
        assert!(text.contains(expected), "{expected} missing:\n{text}");
    }
}

#[test]
fn score_json_is_the_documented_schema_and_identical_across_threads() {
    let root = fixture("phoenix_app");
    let one = doctrine(&root, &["score", "--format", "json", "--threads", "1"]);
    let two = doctrine(&root, &["score", "--format", "json", "--threads", "2"]);
    assert_eq!(one.stdout, two.stdout, "deterministic");
    let json = one.json();
    assert_eq!(json["schema_version"], 1);
    let score = json["score"].as_f64().unwrap();
    assert!((0.0..=100.0).contains(&score));
    for component in ["compliance", "documentation", "tests", "build"] {
        assert!(json[component]["score"].is_number(), "{component}: {json}");
    }
    assert_eq!(json["tests"]["source"], "estimated");
    assert_eq!(json["tests"]["estimated"], true);
    assert_eq!(json["compliance"]["excluded_pillars"][0], "DOCS");
    assert_eq!(json["weights"]["compliance"], 40.0);
    // Findings of DOCS and TACH are left out of compliance, every other one counts.
    let check = doctrine(&root, &["check", "--format", "json"]).json();
    let counted = check["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| {
            let rule = f["rule"].as_str().unwrap();
            !rule.starts_with("DOCS") && !rule.starts_with("TACH")
        })
        .count() as u64;
    let compliance = &json["compliance"];
    assert_eq!(
        compliance["blocking"].as_u64().unwrap() + compliance["advisory"].as_u64().unwrap(),
        counted
    );
}

#[test]
fn coverage_reports_and_compile_logs_feed_the_score() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    shop(root);
    let estimated = score_json(root, &[]);
    assert_eq!(estimated["tests"]["source"], "estimated");
    assert_eq!(estimated["tests"]["tested_modules"], 1);

    // Found on its own where ExCoveralls writes it.
    write(
        root,
        "cover/excoveralls.json",
        r#"{"source_files":[{"name":"lib/shop/cart.ex","source":"","coverage":[null,1,0,1]}]}"#,
    );
    let covered = score_json(root, &[]);
    assert_eq!(covered["tests"]["source"], "coverage");
    assert_eq!(covered["tests"]["file"], "cover/excoveralls.json");
    assert_eq!(covered["tests"]["score"], 66.7);

    // Named explicitly, LCOV wins over the default file.
    write(
        root,
        "lcov.info",
        "SF:lib/shop/cart.ex\nDA:1,1\nDA:2,1\nDA:3,1\nDA:4,0\nend_of_record\n",
    );
    let lcov = score_json(root, &["--coverage", "lcov.info"]);
    assert_eq!(lcov["tests"]["score"], 75.0);

    // A broken report the user named is an error; one found on its own is a warning.
    write(root, "bad.info", "not coverage\n");
    let bad = doctrine(root, &["score", "--coverage", "bad.info"]);
    assert_eq!(bad.code, 2);
    assert!(bad.stderr.contains("bad.info"), "{}", bad.stderr);
    write(root, "cover/excoveralls.json", "{\"broken\": ");
    let fallback = doctrine(root, &["score", "--format", "json"]);
    assert_eq!(fallback.code, 0);
    assert!(
        fallback.stderr.contains("cover/excoveralls.json"),
        "{}",
        fallback.stderr
    );
    assert_eq!(fallback.json()["tests"]["source"], "estimated");
    std::fs::remove_file(root.join("cover/excoveralls.json")).unwrap();

    let clean_build = estimated["build"]["score"].as_f64().unwrap();
    write(
        root,
        "compile.log",
        "Compiling 1 file (.ex)\n    warning: variable \"x\" is unused\n    │\n    └─ lib/shop/cart.ex:5: Shop.Cart.total/1\n",
    );
    let warned = score_json(root, &["--compile-log", "compile.log"]);
    assert_eq!(warned["build"]["compile"]["warnings"], 1);
    assert!(warned["build"]["score"].as_f64().unwrap() < clean_build);
    assert!(warned["score"].as_f64().unwrap() < estimated["score"].as_f64().unwrap());
}

#[test]
fn the_weights_come_from_the_configuration() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    shop(root);
    write(
        root,
        "lib/shop/atoms.ex",
        "defmodule Shop.Atoms do\n  @moduledoc false\n  def to(x), do: String.to_atom(x)\nend\n",
    );
    let default = score_json(root, &[]);
    write(
        root,
        ".doctrine.toml",
        "[score]\ncompliance = 100\ndocumentation = 0\ntests = 0\nbuild = 0\n",
    );
    let only_compliance = score_json(root, &[]);
    assert_eq!(
        only_compliance["score"],
        only_compliance["compliance"]["score"]
    );
    assert_ne!(only_compliance["score"], default["score"]);

    write(
        root,
        ".doctrine.toml",
        "[score]\ncompliance = \"high\"\n[gate]\nmin_score = 120\n",
    );
    let bad = doctrine(root, &["score"]);
    assert_eq!(bad.code, 2);
    assert!(bad.stderr.contains("expected a number"), "{}", bad.stderr);
    assert!(bad.stderr.contains("from 0 to 100"), "{}", bad.stderr);
}

#[test]
fn the_gate_passes_a_clean_project_and_records_its_runs() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let git = passing_repo(root);

    let first = gate(root, &["--record", "--env", "staging"]);
    assert_eq!(first.code, 0, "{}\n{}", first.stdout, first.stderr);
    for phase in [
        "✓ PASS  doctrine compliance",
        "✓ PASS  health score ≥ 80",
        "– SKIP  score drop ≤ 5",
    ] {
        assert!(first.stdout.contains(phase), "{phase}:\n{}", first.stdout);
    }
    assert!(first.stdout.contains("Gate PASSED"), "{}", first.stdout);
    // The history it writes is doctrine's own state: the next gate still sees a clean tree.
    let second = gate(root, &["--record", "--format", "json"]);
    assert_eq!(second.code, 0, "{}", second.stdout);
    let json = second.json();
    assert_eq!(json["outcome"], "pass");
    assert_eq!(json["branch"], "master");
    assert_eq!(json["version"], "1.0.0");
    assert_eq!(json["commit"].as_str().unwrap().len(), 40);
    assert_eq!(
        json["phases"][2]["outcome"], "pass",
        "compared with the first record"
    );

    let history = std::fs::read_to_string(root.join(".doctrine/history.jsonl")).unwrap();
    let records: Vec<Value> = history
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(records.len(), 2);
    assert_eq!(records[0]["env"], "staging");
    assert_eq!(records[1]["env"], Value::Null);
    for record in &records {
        for key in [
            "time",
            "commit",
            "branch",
            "version",
            "score",
            "components",
            "pillars",
            "phases",
            "duration_ms",
        ] {
            assert!(
                !record[key].is_null() || key == "pillars",
                "{key}: {record}"
            );
        }
    }

    // A corrupt line is reported and skipped; nothing recorded is lost.
    std::fs::write(
        root.join(".doctrine/history.jsonl"),
        format!("{history}{{garbage\n"),
    )
    .unwrap();
    let trend = doctrine(root, &["trend"]);
    assert_eq!(trend.code, 0);
    assert!(trend.stderr.contains("history.jsonl:3"), "{}", trend.stderr);
    assert!(
        trend.stdout.contains("2 recorded gate run(s)"),
        "{}",
        trend.stdout
    );
    let third = gate(root, &["--record"]);
    assert_eq!(third.code, 0, "{}", third.stderr);
    let trend = doctrine(root, &["trend", "--format", "json"]).json();
    assert_eq!(trend["summary"]["runs"], 3);
    assert_eq!(trend["summary"]["failed"], 0);
    let staging = doctrine(root, &["trend", "--env", "staging", "--format", "json"]).json();
    assert_eq!(staging["summary"]["runs"], 1);
    drop(git);
}

#[test]
fn the_gate_fails_on_blocking_findings_a_dirty_tree_a_low_score_and_a_drop() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let git = passing_repo(root);
    assert_eq!(gate(root, &["--record"]).code, 0);

    // Uncommitted work: HYGIENE001 blocks.
    write(root, "notes.txt", "wip\n");
    let dirty = gate(root, &["--format", "json"]);
    assert_eq!(dirty.code, 1);
    let json = dirty.json();
    assert_eq!(json["phases"][0]["outcome"], "fail");
    assert_eq!(json["blocking_findings"][0]["rule"], "HYGIENE001");
    std::fs::remove_file(root.join("notes.txt")).unwrap();

    // A committed blocking finding fails compliance, lowers the score, and the drop from
    // the recorded run is over a strict limit.
    write(
        root,
        "lib/shop/atoms.ex",
        "defmodule Shop.Atoms do\n  @moduledoc false\n  def to(x), do: String.to_atom(x)\nend\n",
    );
    git.commit("feat: atoms");
    let failing = gate(root, &["--format", "json", "--max-drop", "0"]);
    assert_eq!(failing.code, 1, "{}", failing.stderr);
    let json = failing.json();
    let outcomes: Vec<&str> = json["phases"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["outcome"].as_str().unwrap())
        .collect();
    assert_eq!(outcomes, ["fail", "pass", "fail"], "{json}");
    assert_eq!(json["pillars"]["ZERO"]["blocking"], 1);

    // The score's own threshold.
    let strict = gate(root, &["--min-score", "100"]);
    assert_eq!(strict.code, 1);
    assert!(
        strict.stdout.contains("✗ FAIL  health score ≥ 100"),
        "{}",
        strict.stdout
    );
}

#[test]
fn one_gate_run_writes_markdown_and_sarif_too() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let git = passing_repo(root);
    write(
        root,
        "lib/shop/atoms.ex",
        "defmodule Shop.Atoms do\n  @moduledoc false\n  # a | pipe <b>\n  def to(x), do: String.to_atom(x)\nend\n",
    );
    git.commit("feat: atoms");
    let run = gate(
        root,
        &[
            "--sarif-file",
            "gate.sarif",
            "--markdown-file",
            "summary.md",
            "--env",
            "prod|<x>",
        ],
    );
    assert_eq!(run.code, 1);
    let markdown = std::fs::read_to_string(root.join("summary.md")).unwrap();
    for expected in [
        "## Deployment Validation Report",
        "**Status**: FAILED",
        "**Environment**: prod\\|&lt;x&gt;",
        "| doctrine compliance | ✗ FAIL |",
        "| ZERO — ",
        "### Health score: ",
        "| documentation | ",
        "### Blocking findings",
        "| ZERO001 | lib/shop/atoms.ex:4 |",
        "**Gate**: FAILED (1 of 3 checks failed)",
    ] {
        assert!(markdown.contains(expected), "{expected}:\n{markdown}");
    }
    let sarif: Value =
        serde_json::from_str(&std::fs::read_to_string(root.join("gate.sarif")).unwrap()).unwrap();
    assert_eq!(sarif["version"], "2.1.0");
    let results = sarif["runs"][0]["results"].as_array().unwrap();
    assert!(results.iter().any(|r| r["ruleId"] == "ZERO001"));
    std::fs::remove_file(root.join("gate.sarif")).unwrap();
    std::fs::remove_file(root.join("summary.md")).unwrap();

    let as_markdown = gate(root, &["--format", "markdown"]);
    assert!(
        as_markdown
            .stdout
            .starts_with("## Deployment Validation Report")
    );
    let as_sarif = gate(root, &["--format", "sarif"]);
    let sarif: Value = serde_json::from_str(&as_sarif.stdout).unwrap();
    assert_eq!(sarif["version"], "2.1.0");
}

#[test]
fn the_gate_judges_the_branch_commits_against_a_base() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let git = passing_repo(root);
    git.branch("base");
    write(root, "docs/notes.md", "# Notes\n");
    git.commit("Added some notes.");
    let run = gate(root, &["--base", "base", "--format", "json"]);
    let json = run.json();
    assert_eq!(json["pillars"]["GITL"]["advisory"], 1, "{json}");
    let unknown = gate(root, &["--base", "no-such-ref"]);
    assert_eq!(unknown.code, 2);
}

#[test]
fn the_html_report_is_self_contained_and_escapes_the_project() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let git = passing_repo(root);
    let hostile = "lib/shop/<img src=x onerror=alert(1)>.ex";
    write(
        root,
        hostile,
        "defmodule Shop.Hostile do\n  @moduledoc false\n  def to(x), do: String.to_atom(x)\nend\n",
    );
    git.commit("feat: hostile");
    assert_eq!(gate(root, &["--record"]).code, 1);
    let history = root.join(".doctrine/history.jsonl");
    let record = std::fs::read_to_string(&history).unwrap();
    let forged = record.replace(
        "\"branch\":\"master\"",
        "\"branch\":\"<script>alert(2)</script>\"",
    );
    std::fs::write(&history, format!("{record}{forged}")).unwrap();

    let run = doctrine(root, &["report", "--html", "report.html"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let html = std::fs::read_to_string(root.join("report.html")).unwrap();
    assert!(html.starts_with("<!DOCTYPE html>"));
    for section in [
        "<svg class=\"gauge",
        "Findings per pillar",
        "Worst files",
        "Top rules",
        "<svg class=\"trend\"",
        "<polyline points=",
    ] {
        assert!(html.contains(section), "{section} missing");
    }
    assert!(
        html.contains("&lt;img src=x onerror=alert(1)&gt;.ex"),
        "the path is escaped"
    );
    assert!(!html.contains("<img"), "no element from the project");
    assert!(!html.contains("<script"), "no script at all");
    assert!(
        !html.contains("src=\"http") && !html.contains("href=\"http"),
        "no external asset"
    );
    assert!(!html.contains("<link"), "no stylesheet to fetch");
    assert!(html.contains("ZERO001"));
}

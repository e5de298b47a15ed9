//! End-to-end tests of the `doctrine` binary: every output format on the three fixture projects
//! (reviewed `insta` snapshots in tests/snapshots/), exit codes, configuration, determinism,
//! the other subcommands, and hostile inputs (bad encodings, binaries, deep nesting, symlink
//! loops).
//!
//! The fixture snapshots are the reviewed output; `fixtures/EXPECTED.md` is the specification
//! they were reviewed against, and `findings_match_expected_md` checks the rules it is exact for
//! mechanically. When a new rule lands, its findings show up as a snapshot diff to review.
//! Tests that build projects write them into temp dirs; the fixtures are only read.

mod common;

use common::run::{Run, doctrine, doctrine_with_stdin, fixture, is_root, manifest_dir, write};
use serde_json::Value;
use std::collections::BTreeSet;
use std::path::Path;

const FIXTURES: [&str; 3] = ["plain_app", "umbrella", "phoenix_app"];

// ---------------------------------------------------------------------------------------------
// Running the binary
// ---------------------------------------------------------------------------------------------

/// `doctrine check fixtures/<name> <flags>`, run from the crate root as a user would.
fn check_fixture(name: &str, flags: &[&str]) -> Run {
    let path = format!("fixtures/{name}");
    let mut args = vec!["check", path.as_str()];
    args.extend_from_slice(flags);
    doctrine(manifest_dir(), &args)
}

// ---------------------------------------------------------------------------------------------
// Temp projects
// ---------------------------------------------------------------------------------------------

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

/// A copy of a fixture in a temp dir (outside any git repository), for tests that add files.
fn fixture_copy(name: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    copy_dir(&fixture(name), dir.path());
    dir
}

/// The smallest complete project: one ZERO001 finding in `lib/tiny.ex`, and DOCS001, DOCS002
/// and DOCS003 in `lib/tiny/undocumented.ex`. It has a README, a test naming every module, a
/// changelog and a glossary, so that rules still to come have nothing to say about it.
fn tiny_project() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    write(
        root,
        "mix.exs",
        r#"defmodule Tiny.MixProject do
  use Mix.Project

  def project do
    [app: :tiny, version: "0.1.0", elixir: "~> 1.15", deps: []]
  end
end
"#,
    );
    write(
        root,
        "README.md",
        "# Tiny\n\nTiny is a small project used by the doctrine command-line tests. It turns \
         names into keys and greets people, and it exists only so that every rule has something \
         well-defined to look at.\n",
    );
    write(
        root,
        "CHANGELOG.md",
        "# Changelog\n\n## 0.1.0\n\n- First release.\n",
    );
    write(
        root,
        "GLOSSARY.md",
        "# Glossary\n\n- Tiny: the entry points.\n- Tiny.Undocumented: greetings.\n",
    );
    write(
        root,
        "lib/tiny.ex",
        r#"defmodule Tiny do
  @moduledoc "Entry points of the tiny project."

  @doc "Turns a name into an atom."
  @spec to_key(String.t()) :: atom()
  def to_key(name), do: String.to_atom(name)
end
"#,
    );
    write(
        root,
        "lib/tiny/undocumented.ex",
        r#"defmodule Tiny.Undocumented do
  def hello(name), do: "hello " <> name
end
"#,
    );
    write(
        root,
        "test/tiny_test.exs",
        r#"defmodule TinyTest do
  use ExUnit.Case
  alias Tiny.Undocumented

  test "greets" do
    assert Undocumented.hello("x") == "hello x"
    assert Tiny.to_key("a") == :a
  end
end
"#,
    );
    write(root, "test/test_helper.exs", "ExUnit.start()\n");
    dir
}

// ---------------------------------------------------------------------------------------------
// Reading reports
// ---------------------------------------------------------------------------------------------

/// `(rule, path, line, enforcement)` of every finding of a JSON report.
fn findings(report: &Value) -> Vec<(String, String, u64, String)> {
    report["findings"]
        .as_array()
        .expect("findings is an array")
        .iter()
        .map(|f| {
            (
                f["rule"].as_str().unwrap().to_string(),
                f["path"].as_str().unwrap().to_string(),
                // A finding about a whole file or directory has no line.
                f["line"].as_u64().unwrap_or(0),
                f["enforcement"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

fn rules_of(report: &Value) -> BTreeSet<String> {
    findings(report).into_iter().map(|f| f.0).collect()
}

fn has(report: &Value, rule: &str, path: &str, line: u64) -> bool {
    findings(report)
        .iter()
        .any(|f| f.0 == rule && f.1 == path && f.2 == line)
}

fn diagnostic_paths(report: &Value) -> Vec<(String, String)> {
    report["diagnostics"]
        .as_array()
        .expect("diagnostics is an array")
        .iter()
        .map(|d| {
            (
                d["path"].as_str().unwrap().to_string(),
                d["kind"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

// ---------------------------------------------------------------------------------------------
// Fixture snapshots
// ---------------------------------------------------------------------------------------------

const FORMATS: [(&str, &[&str]); 5] = [
    ("concise", &["--format", "concise"]),
    ("text", &["--format", "text", "--no-color"]),
    ("json", &["--format", "json"]),
    ("github", &["--format", "github"]),
    ("statistics", &["--statistics"]),
];

/// Every format on one fixture, three ways: `check` with the fixture as the current directory
/// (the snapshot), `check fixtures/<name>` from the crate root, and `check <absolute path>`
/// from elsewhere. Machine formats (JSON, GitHub) print the same bytes all three ways; the
/// human formats show paths relative to the current directory, so they differ only by the
/// fixture's path from there. None may leak an absolute path.
fn snapshot_fixture(name: &str) {
    let absolute = fixture(name);
    let absolute_str = absolute.to_str().unwrap();
    let elsewhere = std::env::temp_dir();
    for (label, flags) in FORMATS {
        let mut no_path = vec!["check"];
        no_path.extend_from_slice(flags);
        let run = doctrine(&absolute, &no_path);
        assert_eq!(
            run.code, 1,
            "{name} {label}: the fixture has blocking findings\n{}",
            run.stderr
        );
        assert_eq!(
            run.stderr, "",
            "{name} {label}: every fixture file reads and parses cleanly"
        );
        assert!(
            !run.stdout.contains(absolute_str) && !run.stdout.contains("/fixtures/"),
            "{name} {label}: the output holds an absolute path:\n{}",
            run.stdout
        );
        let human = matches!(label, "concise" | "text");

        let from_crate_root = check_fixture(name, flags);
        let prefix = format!("fixtures/{name}/");
        if human {
            assert!(
                from_crate_root.stdout.contains(&prefix),
                "{name} {label}: paths from the crate root start with {prefix}:\n{}",
                from_crate_root.stdout
            );
        }
        assert_eq!(
            (
                from_crate_root.code,
                &shown_from(&from_crate_root.stdout, &prefix, human),
                &from_crate_root.stderr
            ),
            (run.code, &run.stdout, &run.stderr),
            "{name} {label}: `check fixtures/{name}` from the crate root differs"
        );

        let mut with_absolute = vec!["check", absolute_str];
        with_absolute.extend_from_slice(flags);
        let from_elsewhere = doctrine(&elsewhere, &with_absolute);
        let prefix = format!(
            "{}/",
            doctrine::output::relative_from(&elsewhere.canonicalize().unwrap(), &absolute)
        );
        assert_eq!(
            (
                from_elsewhere.code,
                &shown_from(&from_elsewhere.stdout, &prefix, human)
            ),
            (run.code, &run.stdout),
            "{name} {label}: an absolute path from another directory differs"
        );

        if label == "json" {
            let report = run.json();
            assert_eq!(report["schema_version"], 1);
            assert_eq!(
                report["summary"]["findings"].as_u64().unwrap() as usize,
                report["findings"].as_array().unwrap().len()
            );
        }

        // The tool version is the only thing that changes with a release. Annotation paths
        // are relative to the git checkout, which this repository's clone may or may not be
        // (`github_paths_are_relative_to_the_checkout` tests that), so they are shown
        // relative to the fixture.
        let stdout = run
            .stdout
            .replace(
                &format!("\"version\": \"{}\"", env!("CARGO_PKG_VERSION")),
                "\"version\": \"[version]\"",
            )
            .replace(&format!("file=fixtures/{name}/"), "file=");
        insta::with_settings!({
            description => format!("doctrine check fixtures/{name} {}", flags.join(" ")),
            omit_expression => true,
        }, {
            insta::assert_snapshot!(format!("{name}-{label}"), stdout);
        });
    }
}

/// Human output with the fixture's path from the current directory taken out of its paths.
fn shown_from(stdout: &str, prefix: &str, human: bool) -> String {
    if human {
        stdout.replace(prefix, "")
    } else {
        stdout.to_string()
    }
}

#[test]
fn plain_app_snapshots() {
    snapshot_fixture("plain_app");
}

#[test]
fn umbrella_snapshots() {
    snapshot_fixture("umbrella");
}

#[test]
fn phoenix_app_snapshots() {
    snapshot_fixture("phoenix_app");
}

/// The rules fixtures/EXPECTED.md is exact for.
const EXACT_RULES: [&str; 20] = [
    "ZERO001",
    "ZERO002",
    "DOCS001",
    "DOCS002",
    "DOCS003",
    "HYGIENE004",
    "RDME001",
    "RDME002",
    "TACH001",
    "DEPS001",
    "DEPS002",
    "DEPS003",
    "HYGIENE002",
    "HYGIENE003",
    "HLTH001",
    "HLTH002",
    "RELS001",
    "RELS002",
    "KNOW001",
    "GITL001",
];

/// `(rule, path, line)`.
type Row = (String, String, u64);

/// The rows of each fixture's `### Findings` table in EXPECTED.md.
fn expected_md() -> Vec<(String, Vec<Row>)> {
    let text = std::fs::read_to_string(manifest_dir().join("fixtures/EXPECTED.md")).unwrap();
    let mut out: Vec<(String, Vec<Row>)> = Vec::new();
    let mut in_findings = false;
    for line in text.lines() {
        if let Some(name) = line.strip_prefix("## ") {
            let name = name.trim();
            if FIXTURES.contains(&name) {
                out.push((name.to_string(), Vec::new()));
            }
            in_findings = false;
        } else if let Some(title) = line.strip_prefix("### ") {
            in_findings = title.trim() == "Findings";
        } else if in_findings && line.starts_with('|') {
            let cells: Vec<&str> = line.split('|').map(str::trim).collect();
            // ["", rule, file, line, reason, ""]
            let rule = cells[1];
            if !rule.chars().next().is_some_and(|c| c.is_ascii_uppercase())
                || !rule.ends_with(|c: char| c.is_ascii_digit())
            {
                continue; // header row
            }
            // "19", or "file (marker on 3)": the last number in the cell.
            let number: String = cells[3]
                .rsplit(|c: char| !c.is_ascii_digit())
                .find(|s| !s.is_empty())
                .unwrap_or_else(|| panic!("EXPECTED.md row without a line: {line}"))
                .to_string();
            let entry = out
                .last_mut()
                .expect("a findings table inside a fixture section");
            entry.1.push((
                rule.to_string(),
                cells[2].to_string(),
                number.parse().unwrap(),
            ));
        }
    }
    out
}

/// EXPECTED.md is exact for ZERO, DOCS, HYGIENE004 and RDME: for each implemented one of those
/// rules, the tool reports exactly the listed findings, no more and no fewer.
#[test]
fn findings_match_expected_md() {
    let registry = doctrine::registry::Registry::builtin();
    let implemented: Vec<&str> = EXACT_RULES
        .into_iter()
        .filter(|id| registry.get(id).is_some())
        .collect();
    let expected = expected_md();
    assert_eq!(
        expected.iter().map(|(n, _)| n.as_str()).collect::<Vec<_>>(),
        FIXTURES,
        "EXPECTED.md has a section per fixture"
    );
    let mut problems = Vec::new();
    for (name, rows) in expected {
        let want: BTreeSet<Row> = rows
            .into_iter()
            .filter(|(rule, _, _)| implemented.contains(&rule.as_str()))
            .collect();
        let report = check_fixture(&name, &["--format", "json"]).json();
        let got: BTreeSet<Row> = findings(&report)
            .into_iter()
            .filter(|(rule, ..)| implemented.contains(&rule.as_str()))
            .map(|(rule, path, line, _)| (rule, path, line))
            .collect();
        for missing in want.difference(&got) {
            problems.push(format!("{name}: expected but not reported: {missing:?}"));
        }
        for extra in got.difference(&want) {
            problems.push(format!("{name}: reported but not expected: {extra:?}"));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

// ---------------------------------------------------------------------------------------------
// Determinism
// ---------------------------------------------------------------------------------------------

#[test]
fn output_is_byte_identical_across_runs_and_thread_counts() {
    for name in FIXTURES {
        for (label, flags) in [
            ("concise", &["--format", "concise"][..]),
            ("text", &["--format", "text", "--no-color"][..]),
            ("json", &["--format", "json"][..]),
            ("github", &["--format", "github"][..]),
        ] {
            let with = |threads: &str| {
                let mut args = flags.to_vec();
                args.extend(["--threads", threads]);
                check_fixture(name, &args)
            };
            let first = with("1");
            let second = with("1");
            let parallel = with("8");
            assert_eq!(
                first.stdout, second.stdout,
                "{name} {label}: two runs differ"
            );
            assert_eq!(
                first.stdout, parallel.stdout,
                "{name} {label}: --threads 1 and --threads 8 differ"
            );
            assert_eq!(first.code, parallel.code);
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Exit codes, selection and configuration
// ---------------------------------------------------------------------------------------------

#[test]
fn select_of_a_rule_without_findings_exits_0() {
    let run = check_fixture("plain_app", &["--select", "RDME001", "--format", "concise"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(run.stdout, "No findings in 11 file(s) scanned.\n");

    let tiny = tiny_project();
    let run = doctrine(tiny.path(), &["check", "--select", "ZERO002"]);
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
}

#[test]
fn select_narrows_to_the_named_rules_and_pillars() {
    let report = check_fixture(
        "plain_app",
        &["--select", "ZERO002,DOCS001", "--format", "json"],
    )
    .json();
    assert_eq!(
        rules_of(&report),
        BTreeSet::from(["DOCS001".to_string(), "ZERO002".to_string()])
    );
    let report = check_fixture(
        "plain_app",
        &[
            "--select",
            "ZERO",
            "--select",
            "HYGIENE004",
            "--format",
            "json",
        ],
    )
    .json();
    assert_eq!(
        rules_of(&report),
        BTreeSet::from([
            "HYGIENE004".to_string(),
            "ZERO001".to_string(),
            "ZERO002".to_string()
        ])
    );
}

#[test]
fn unknown_select_or_ignore_id_exits_2() {
    for flag in ["--select", "--ignore"] {
        let run = check_fixture("plain_app", &[flag, "NOPE999"]);
        assert_eq!(run.code, 2, "{flag}: {}", run.stderr);
        assert_eq!(
            run.stdout, "",
            "{flag}: nothing on stdout after a usage error"
        );
        assert!(run.stderr.contains("NOPE999"), "{flag}: {}", run.stderr);
    }
}

#[test]
fn ignore_a_pillar_removes_all_its_findings() {
    let all = check_fixture("plain_app", &["--format", "json"]).json();
    let report = check_fixture("plain_app", &["--ignore", "ZERO", "--format", "json"]).json();
    let rules = rules_of(&report);
    assert!(
        !rules.iter().any(|r| r.starts_with("ZERO")),
        "ZERO findings left: {rules:?}"
    );
    // A suppression of an ignored rule is not "unused": naming.ex:83 names only ZERO001.
    assert!(!has(&report, "HYGIENE004", "lib/plain_app/naming.ex", 83));
    // Everything else is untouched.
    let others = |report: &Value| -> Vec<_> {
        findings(report)
            .into_iter()
            .filter(|f| !f.0.starts_with("ZERO") && f.0 != "HYGIENE004")
            .collect()
    };
    assert_eq!(others(&report), others(&all));
    assert!(rules.contains("DOCS001"));
    assert_eq!(report["summary"]["files"], 11);
}

/// A config error exits 2, prints nothing on stdout, and names the file and line on stderr.
fn assert_config_error(root: &Path, config: &str, located: &str, mentions: &str) {
    write(root, ".doctrine.toml", config);
    let run = doctrine(root, &["check"]);
    assert_eq!(run.code, 2, "config:\n{config}\nstderr: {}", run.stderr);
    assert!(
        run.stderr.contains(located) && run.stderr.contains(mentions),
        "stderr should name `{located}` and `{mentions}`:\n{}",
        run.stderr
    );
    // The run goes on with the default configuration, and the JSON report says why.
    let run = doctrine(root, &["check", "--format", "json"]);
    assert_eq!(run.code, 2);
    let report = run.json();
    let diagnostics = report["diagnostics"].as_array().unwrap();
    assert!(
        diagnostics
            .iter()
            .any(|d| d["kind"] == "config-error" && d["path"] == ".doctrine.toml"),
        "{diagnostics:?}"
    );
    assert!(report["summary"]["files"].as_u64().unwrap() > 0);
}

#[test]
fn config_errors_exit_2_and_point_at_file_and_line() {
    let tiny = tiny_project();
    let root = tiny.path();
    // Unknown top-level table, on line 4.
    assert_config_error(
        root,
        "[pillars]\nDOCS = \"advisory\"\n\n[bogus]\nx = 1\n",
        ".doctrine.toml:4:",
        "bogus",
    );
    // Unknown key inside [files], on line 3.
    assert_config_error(
        root,
        "[files]\nexclude = []\nexclud = [\"lib/**\"]\n",
        ".doctrine.toml:3:",
        "exclud",
    );
    // Unknown rule id, on line 5.
    assert_config_error(
        root,
        "[pillars]\nDOCS = \"advisory\"\n\n[rules]\nZERO999 = \"off\"\n",
        ".doctrine.toml:5:",
        "ZERO999",
    );
    // Unknown rule id as a table, on line 2.
    assert_config_error(
        root,
        "\n[rules.NOPE001]\nexclude = []\n",
        ".doctrine.toml:2:",
        "NOPE001",
    );
    // Unknown pillar, on line 2.
    assert_config_error(
        root,
        "[pillars]\nNOPE = \"off\"\n",
        ".doctrine.toml:2:",
        "NOPE",
    );
    // Unknown enforcement value, on line 3.
    assert_config_error(
        root,
        "[rules]\nZERO001 = \"blocking\"\nZERO002 = \"sometimes\"\n",
        ".doctrine.toml:3:",
        "sometimes",
    );
    // Not TOML at all.
    assert_config_error(root, "[pillars\n", ".doctrine.toml:1:", "");
    // An unknown option in a rule table is named (its line is checked in an ignored test below).
    assert_config_error(
        root,
        "[rules.ZERO001]\nseverity = \"high\"\n",
        ".doctrine.toml:",
        "severity",
    );
}

#[test]
fn explicit_config_file_is_used_and_must_exist() {
    let tiny = tiny_project();
    let root = tiny.path();
    write(root, "ci.toml", "[rules]\nZERO001 = \"off\"\n");
    let report = doctrine(root, &["check", "--config", "ci.toml", "--format", "json"]).json();
    assert!(!rules_of(&report).contains("ZERO001"));

    write(root, "broken.toml", "[rules]\n\nZERO999 = \"off\"\n");
    let run = doctrine(root, &["check", "--config", "broken.toml"]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("broken.toml:3:"), "{}", run.stderr);

    let run = doctrine(root, &["check", "--config", "missing.toml"]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("missing.toml"), "{}", run.stderr);
}

#[test]
fn pillar_advisory_turns_findings_advisory_and_does_not_block() {
    let copy = fixture_copy("plain_app");
    let root = copy.path();
    write(root, ".doctrine.toml", "[pillars]\nDOCS = \"advisory\"\n");

    let run = doctrine(root, &["check", "--format", "json"]);
    let report = run.json();
    let docs: Vec<_> = findings(&report)
        .into_iter()
        .filter(|f| f.0.starts_with("DOCS"))
        .collect();
    assert_eq!(docs.len(), 11, "{docs:?}");
    assert!(docs.iter().all(|f| f.3 == "advisory"), "{docs:?}");
    assert!(
        findings(&report)
            .iter()
            .filter(|f| f.0.starts_with("ZERO"))
            .all(|f| f.3 == "blocking")
    );
    assert_eq!(run.code, 1, "ZERO findings still block");

    // With nothing else selected, advisory findings are reported and the run passes.
    let run = doctrine(root, &["check", "--select", "DOCS", "--format", "concise"]);
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    assert!(run.stdout.contains("[advisory]"));
    assert!(!run.stdout.contains("[blocking]"));
    assert!(
        run.stdout
            .ends_with("By pillar:\n  DOCS         0 blocking    11 advisory\nFound 11 finding(s): 0 blocking, 11 advisory. 3 file(s) with findings, 11 scanned.\n"),
        "{}",
        run.stdout
    );

    // A rule setting beats its pillar's.
    write(
        root,
        ".doctrine.toml",
        "[pillars]\nDOCS = \"advisory\"\n[rules]\nDOCS001 = \"blocking\"\n",
    );
    let run = doctrine(root, &["check", "--select", "DOCS", "--format", "json"]);
    assert_eq!(run.code, 1);
    for (rule, _, _, enforcement) in findings(&run.json()) {
        let want = if rule == "DOCS001" {
            "blocking"
        } else {
            "advisory"
        };
        assert_eq!(enforcement, want, "{rule}");
    }

    // "off" removes the pillar.
    write(root, ".doctrine.toml", "[pillars]\nDOCS = \"off\"\n");
    let report = doctrine(root, &["check", "--format", "json"]).json();
    assert!(!rules_of(&report).iter().any(|r| r.starts_with("DOCS")));
}

#[test]
fn rule_exclude_skips_only_that_rule_in_those_paths() {
    let copy = fixture_copy("plain_app");
    let root = copy.path();
    write(
        root,
        ".doctrine.toml",
        "[rules.ZERO001]\nexclude = [\"config/**\", \"lib/plain_app/parser.ex\"]\n",
    );
    let run = doctrine(root, &["check", "--format", "json"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    let report = run.json();
    let zero001: Vec<_> = findings(&report)
        .into_iter()
        .filter(|f| f.0 == "ZERO001")
        .collect();
    assert_eq!(zero001.len(), 8, "{zero001:?}");
    assert!(
        zero001.iter().all(|f| f.1 == "lib/plain_app/naming.ex"),
        "{zero001:?}"
    );
    // Other rules still apply in the excluded files.
    assert!(has(&report, "ZERO002", "lib/plain_app/parser.ex", 45));
    assert!(has(&report, "DOCS002", "lib/plain_app/parser.ex", 38));
    // The file is still scanned.
    assert_eq!(report["summary"]["files"], 11);
}

/// `exempt_modules` lifts a rule from modules by name (glob), wherever they live; nested
/// modules are judged by their own full name.
#[test]
fn rule_exempt_modules_skip_only_those_modules() {
    let copy = fixture_copy("plain_app");
    let root = copy.path();
    let count = |report: &serde_json::Value, rule: &str, path: &str| {
        findings(report)
            .into_iter()
            .filter(|f| f.0 == rule && f.1 == path)
            .count()
    };
    let run = doctrine(root, &["check", "--format", "json"]);
    let before = run.json();
    assert!(count(&before, "DOCS003", "lib/plain_app/internal.ex") > 0);
    assert!(count(&before, "DOCS001", "lib/plain_app/internal.ex") > 0);

    write(
        root,
        ".doctrine.toml",
        "[rules.DOCS003]\nexempt_modules = [\"PlainApp.Internal*\"]\n",
    );
    let run = doctrine(root, &["check", "--format", "json"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    let after = run.json();
    assert_eq!(count(&after, "DOCS003", "lib/plain_app/internal.ex"), 0);
    // Other rules still judge the module, and DOCS003 still judges other modules.
    assert_eq!(
        count(&after, "DOCS001", "lib/plain_app/internal.ex"),
        count(&before, "DOCS001", "lib/plain_app/internal.ex")
    );
    assert_eq!(
        count(&after, "DOCS003", "lib/plain_app/formatter.ex"),
        count(&before, "DOCS003", "lib/plain_app/formatter.ex")
    );
}

#[test]
fn files_exclude_skips_files_entirely() {
    let copy = fixture_copy("plain_app");
    let root = copy.path();
    write(
        root,
        ".doctrine.toml",
        "[files]\nexclude = [\"lib/plain_app/runner.ex\", \"config/*.exs\"]\n",
    );
    let report = doctrine(root, &["check", "--format", "json"]).json();
    let paths: BTreeSet<String> = findings(&report).into_iter().map(|f| f.1).collect();
    assert!(!paths.contains("lib/plain_app/runner.ex"), "{paths:?}");
    assert!(!paths.contains("config/config.exs"), "{paths:?}");
    assert_eq!(report["summary"]["files"], 9);
    let zero002: Vec<_> = findings(&report)
        .into_iter()
        .filter(|f| f.0 == "ZERO002")
        .map(|f| (f.1, f.2))
        .collect();
    assert_eq!(zero002, vec![("lib/plain_app/parser.ex".to_string(), 45)]);
}

// ---------------------------------------------------------------------------------------------
// Output destinations and inputs
// ---------------------------------------------------------------------------------------------

#[test]
fn output_file_gets_the_report_and_stdout_stays_empty() {
    let out_dir = tempfile::tempdir().unwrap();
    for (label, flags) in [
        ("concise", &["--format", "concise"][..]),
        ("json", &["--format", "json"][..]),
        ("text", &["--format", "text"][..]),
    ] {
        let expected = check_fixture("plain_app", &[flags, &["--no-color"]].concat());
        let file = out_dir.path().join(format!("report.{label}"));
        let file_arg = file.to_str().unwrap();
        let run = check_fixture("plain_app", &[flags, &["--output", file_arg]].concat());
        assert_eq!(run.code, 1);
        assert_eq!(run.stdout, "", "{label}: stdout must stay empty");
        assert_eq!(
            run.stderr,
            "Found 33 finding(s): 31 blocking, 2 advisory. 8 file(s) with findings, 11 scanned.\n",
            "{label}: the one-line summary still reaches the terminal"
        );
        let written = std::fs::read_to_string(&file).unwrap();
        assert_eq!(
            written, expected.stdout,
            "{label}: the file holds the report"
        );
    }
    // `-o` is the short form.
    let file = out_dir.path().join("short.json");
    let run = check_fixture(
        "plain_app",
        &["--format", "json", "-o", file.to_str().unwrap()],
    );
    assert_eq!(run.stdout, "");
    assert!(std::fs::read_to_string(&file).unwrap().starts_with('{'));
}

#[test]
fn stdin_filename_lints_standard_input_as_that_path() {
    let tiny = tiny_project();
    let root = tiny.path();
    let src = b"defmodule Tiny.X do\n  def f(a), do: String.to_atom(a)\nend\n";
    let run = doctrine_with_stdin(
        root,
        &["check", "--stdin-filename", "lib/x.ex", "--format", "json"],
        Some(src),
    );
    assert_eq!(run.code, 1, "{}", run.stderr);
    let report = run.json();
    let got: Vec<_> = findings(&report)
        .into_iter()
        .map(|f| (f.0, f.1, f.2))
        .collect();
    let lib_x = |rule: &str, line| (rule.to_string(), "lib/x.ex".to_string(), line);
    // lib/ decides the role: the DOCS rules apply. No other file is read.
    assert_eq!(
        got,
        vec![
            lib_x("DOCS001", 1),
            lib_x("DOCS002", 2),
            lib_x("DOCS003", 2),
            lib_x("ZERO001", 2),
        ]
    );
    assert_eq!(report["summary"]["files"], 1);

    // Standard input wins over the file on disk.
    let clean = b"defmodule Tiny do\n  @moduledoc false\n  @spec to_key(String.t()) :: atom()\n  def to_key(name), do: String.to_existing_atom(name)\nend\n";
    let run = doctrine_with_stdin(
        root,
        &[
            "check",
            "--stdin-filename",
            "lib/tiny.ex",
            "--format",
            "concise",
        ],
        Some(clean),
    );
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    assert_eq!(run.stdout, "No findings in 1 file(s) scanned.\n");

    // Test code is not lib code.
    let run = doctrine_with_stdin(
        root,
        &[
            "check",
            "--stdin-filename",
            "test/x_test.exs",
            "--format",
            "json",
        ],
        Some(b"defmodule XTest do\n  def helper(a), do: a\nend\n"),
    );
    assert_eq!(run.code, 0, "{}", run.stdout);
}

#[test]
fn build_deps_and_gitignored_files_are_not_scanned() {
    let report = check_fixture("plain_app", &["--format", "json"]).json();
    // HYGIENE002 reports that git tracks `_build/` and `deps/`: nothing else is found there.
    for (_, path, _, _) in findings(&report)
        .into_iter()
        .filter(|(rule, ..)| rule != "HYGIENE002")
    {
        assert!(
            !path.starts_with("_build/")
                && !path.starts_with("deps/")
                && !path.starts_with("ignored_dir/"),
            "{path} must not be scanned"
        );
    }
    // 11 = config.exs, mix.exs, 7 under lib/, 2 under test/.
    assert_eq!(report["summary"]["files"], 11);

    // The same outside git (the `.gitignore` still counts), with more tool directories and a
    // nested `.gitignore`.
    let copy = fixture_copy("plain_app");
    let root = copy.path();
    let bad = "defmodule Skip do\n  def f(x), do: String.to_atom(x)\nend\n";
    write(root, "node_modules/pkg/skip.ex", bad);
    write(root, ".elixir_ls/build/skip.ex", bad);
    write(root, "apps_cache/_build/skip.ex", bad);
    write(root, "lib/vendor/.gitignore", "*.ex\n");
    write(root, "lib/vendor/skip.ex", bad);
    let run = doctrine(root, &["check", "--format", "json"]);
    let copied = run.json();
    let without_git_state = |report: &Value| {
        let mut rows = findings(report);
        rows.retain(|(rule, ..)| rule != "HYGIENE002");
        rows
    };
    assert_eq!(without_git_state(&copied), without_git_state(&report));
    // Outside git, build directories on disk are expected: only git tracking them is stale.
    assert!(
        findings(&copied)
            .iter()
            .all(|(rule, ..)| rule != "HYGIENE002"),
        "{:?}",
        findings(&copied)
    );
    assert_eq!(copied["summary"]["files"], 11);
}

#[test]
#[cfg(unix)]
fn hostile_inputs_are_diagnosed_and_the_rest_is_still_checked() {
    let tiny = tiny_project();
    let root = tiny.path();
    // Invalid UTF-8 on line 2, with a finding on line 3 that is still reported.
    write(
        root,
        "lib/latin1.ex",
        b"defmodule Tiny.Latin1 do\n  @moduledoc \"caf\xe9\"\n  @doc false\n  @spec f(String.t()) :: atom()\n  def f(x), do: String.to_atom(x)\nend\n"
            .as_slice(),
    );
    // NUL bytes: a binary file, skipped.
    write(
        root,
        "lib/blob.ex",
        b"defmodule Blob do\x00\x01\x02\xff def f(x), do: String.to_atom(x) end\n".as_slice(),
    );
    // Unreadable.
    write(
        root,
        "lib/secret.ex",
        "defmodule Tiny.Secret do\n  def f(x), do: String.to_atom(x)\nend\n",
    );
    // 5,000 nested lists and 5,000 nested parentheses, each around a finding.
    let depth = 5_000;
    write(
        root,
        "lib/deep_lists.ex",
        format!(
            "defmodule Tiny.DeepLists do\n  @moduledoc false\n  @spec f(term()) :: term()\n  def f(x), do: {}String.to_atom(x){}\nend\n",
            "[".repeat(depth),
            "]".repeat(depth)
        ),
    );
    write(
        root,
        "lib/deep_parens.ex",
        format!(
            "defmodule Tiny.DeepParens do\n  @moduledoc false\n  @spec f(term()) :: term()\n  def f(x), do: {}String.to_atom(x){}\nend\n",
            "(".repeat(depth),
            ")".repeat(depth)
        ),
    );
    // Unbalanced nesting: a syntax error.
    write(
        root,
        "lib/unbalanced.ex",
        format!(
            "defmodule Tiny.Unbalanced do\n  def f(x), do: {}x\nend\n",
            "[".repeat(depth)
        ),
    );
    // A symlink loop inside lib/.
    std::os::unix::fs::symlink(".", root.join("lib/loop")).unwrap();
    let secret = root.join("lib/secret.ex");
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&secret, std::fs::Permissions::from_mode(0o000)).unwrap();
    }

    for (label, flags) in [
        ("json", &["--format", "json"][..]),
        ("text", &["--format", "text", "--no-color"][..]),
        ("concise", &["--format", "concise"][..]),
        ("github", &["--format", "github"][..]),
        ("sarif", &["--format", "sarif"][..]),
    ] {
        let mut args = vec!["check"];
        args.extend_from_slice(flags);
        let run = doctrine(root, &args);
        run.assert_no_crash();
        assert_eq!(run.code, 1, "{label}: {}", run.stderr);
        let warned = |path: &str| {
            run.stderr
                .lines()
                .any(|l| l.starts_with("warning: ") && l.contains(path))
        };
        assert!(warned("lib/latin1.ex:2"), "{label}: {}", run.stderr);
        assert!(warned("lib/blob.ex"), "{label}: {}", run.stderr);
        assert!(warned("lib/unbalanced.ex"), "{label}: {}", run.stderr);
        // Running as root, chmod 000 does not stop the read, so there is nothing to diagnose.
        if !is_root() {
            assert!(warned("lib/secret.ex"), "{label}: {}", run.stderr);
        }
        if label == "json" {
            let report = run.json();
            // The other files' findings, including those after the bad byte and deep inside
            // the nesting.
            assert!(has(&report, "ZERO001", "lib/tiny.ex", 6));
            assert!(has(&report, "DOCS001", "lib/tiny/undocumented.ex", 1));
            assert!(has(&report, "ZERO001", "lib/latin1.ex", 5));
            assert!(has(&report, "ZERO001", "lib/deep_lists.ex", 4));
            assert!(has(&report, "ZERO001", "lib/deep_parens.ex", 4));
            let paths: BTreeSet<String> = findings(&report).into_iter().map(|f| f.1).collect();
            assert!(!paths.contains("lib/blob.ex"), "binary files are skipped");
            // The loop is not followed: no file is seen twice under another name.
            assert!(
                !paths.iter().any(|p| p.contains("loop/")),
                "the symlink loop was followed: {paths:?}"
            );
            let kinds = diagnostic_paths(&report);
            assert!(kinds.contains(&("lib/latin1.ex".into(), "invalid-utf8".into())));
            assert!(kinds.contains(&("lib/blob.ex".into(), "binary-file".into())));
            assert!(kinds.contains(&("lib/unbalanced.ex".into(), "syntax-error".into())));
            if !is_root() {
                assert!(kinds.contains(&("lib/secret.ex".into(), "read-error".into())));
            }
        }
    }
    // --quiet drops the diagnostics.
    let run = doctrine(root, &["check", "--quiet", "--format", "concise"]);
    assert_eq!(run.stderr, "");
}

#[test]
fn huge_files_are_skipped_with_a_diagnostic() {
    let tiny = tiny_project();
    let root = tiny.path();
    write(root, ".doctrine.toml", "[files]\nmax_file_size = 100\n");
    write(
        root,
        "lib/big.ex",
        format!(
            "defmodule Tiny.Big do\n  @moduledoc false\n{}end\n",
            "  # padding\n".repeat(20)
        ),
    );
    let run = doctrine(root, &["check", "--format", "json"]);
    run.assert_no_crash();
    let report = run.json();
    assert!(diagnostic_paths(&report).contains(&("lib/big.ex".into(), "too-large".into())));
    assert!(run.stderr.contains("lib/big.ex"), "{}", run.stderr);
}

// ---------------------------------------------------------------------------------------------
// rules, explain, init, project rules
// ---------------------------------------------------------------------------------------------

#[test]
fn rules_lists_every_rule() {
    let run = doctrine(manifest_dir(), &["rules"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let registry = doctrine::registry::Registry::builtin();
    assert!(!registry.rules.is_empty());
    for rule in &registry.rules {
        let line = run
            .stdout
            .lines()
            .find(|l| l.split_whitespace().next() == Some(rule.def.id.as_str()))
            .unwrap_or_else(|| panic!("{} missing from `doctrine rules`", rule.def.id));
        assert!(line.contains(&rule.def.name), "{line}");
        assert!(line.contains(&rule.def.pillar), "{line}");
        assert!(line.contains(rule.default_enforcement.as_str()), "{line}");
    }
    // The ones this suite relies on.
    for id in [
        "ZERO001",
        "ZERO002",
        "DOCS001",
        "DOCS002",
        "DOCS003",
        "HYGIENE004",
    ] {
        assert!(registry.get(id).is_some(), "{id}");
    }
    let json: Value =
        serde_json::from_str(&doctrine(manifest_dir(), &["rules", "--format", "json"]).stdout)
            .expect("`rules --format json` is JSON");
    assert!(json.to_string().contains("unsafe-atom-creation"));
}

#[test]
fn explain_by_id_and_by_name() {
    let by_id = doctrine(manifest_dir(), &["explain", "ZERO001"]);
    assert_eq!(by_id.code, 0, "{}", by_id.stderr);
    let by_name = doctrine(manifest_dir(), &["explain", "unsafe-atom-creation"]);
    assert_eq!(by_name.code, 0);
    assert_eq!(by_id.stdout, by_name.stdout);
    let lower = doctrine(manifest_dir(), &["explain", "zero001"]);
    assert_eq!(lower.stdout, by_id.stdout, "ids are case-insensitive");

    let registry = doctrine::registry::Registry::builtin();
    let rule = registry.get("ZERO001").unwrap();
    let text = &by_id.stdout;
    assert!(text.starts_with("ZERO001 unsafe-atom-creation"), "{text}");
    assert!(text.contains(&rule.def.summary));
    assert!(text.contains(rule.def.rationale.lines().next().unwrap()));
    assert!(text.contains(&rule.def.bad[0].code.lines().next().unwrap().to_string()));
}

#[test]
fn explain_unknown_rule_exits_2() {
    let run = doctrine(manifest_dir(), &["explain", "NOPE"]);
    assert_eq!(run.code, 2);
    assert_eq!(run.stdout, "");
    assert!(run.stderr.contains("NOPE"), "{}", run.stderr);
}

#[test]
fn init_writes_a_config_that_check_accepts_and_never_overwrites_silently() {
    let tiny = tiny_project();
    let root = tiny.path();
    let config = root.join(".doctrine.toml");

    // From a subdirectory: the file goes to the project root.
    let run = doctrine(&root.join("lib"), &["init"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(config.is_file());
    assert!(!root.join("lib/.doctrine.toml").exists());
    let written = std::fs::read_to_string(&config).unwrap();

    let run = doctrine(root, &["check", "--format", "concise"]);
    assert_eq!(
        run.code, 1,
        "the default config is accepted\n{}",
        run.stderr
    );

    // Every commented example in it is valid too.
    let uncommented: String = written
        .lines()
        .map(|line| {
            let body = line.strip_prefix("# ").unwrap_or(line);
            let is_setting = body.starts_with("[rules.")
                || body
                    .split_once(" = ")
                    .is_some_and(|(key, _)| !key.contains(' ') && !key.is_empty());
            if is_setting { body } else { line }
        })
        .map(|line| format!("{line}\n"))
        .collect();
    assert_ne!(uncommented, written, "the template has commented examples");
    write(root, ".doctrine.toml", &uncommented);
    let run = doctrine(root, &["check", "--format", "concise"]);
    assert_ne!(
        run.code, 2,
        "uncommented template rejected:\n{uncommented}\n{}",
        run.stderr
    );

    // A second init refuses, and leaves the file alone.
    write(root, ".doctrine.toml", "# mine\n");
    let run = doctrine(root, &["init"]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains(".doctrine.toml"), "{}", run.stderr);
    assert!(run.stderr.contains("--force"), "{}", run.stderr);
    assert_eq!(std::fs::read_to_string(&config).unwrap(), "# mine\n");

    let run = doctrine(root, &["init", "--force"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(std::fs::read_to_string(&config).unwrap(), written);
}

const CUSTOM_RULE: &str = r#"id = "CUSTOM001"
name = "no-dbg"
pillar = "NMND"
summary = "A `dbg` call left in the code."
rationale = """
`dbg/1` prints every value it sees to standard output, in production too.
"""
query = """(call target: (identifier) @name (#eq? @name "dbg")) @match"""
message = "remove the `dbg` call before merging"

[[bad]]
code = """
defmodule Shop.Sort do
  def order(x), do: dbg(x)
end
"""

[[good]]
code = """
defmodule Shop.Sort do
  def order(x), do: x
end
"""
"#;

#[test]
fn project_query_rules_are_reported_and_listed() {
    let tiny = tiny_project();
    let root = tiny.path();
    write(root, ".doctrine/rules/CUSTOM001.toml", CUSTOM_RULE);
    write(
        root,
        "lib/tiny/debug.ex",
        "defmodule Tiny.Debug do\n  @moduledoc false\n  @spec f(term()) :: term()\n  def f(x), do: dbg(x)\nend\n",
    );

    let run = doctrine(root, &["check", "--format", "json"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    let report = run.json();
    let custom: Vec<_> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["rule"] == "CUSTOM001")
        .collect();
    assert_eq!(custom.len(), 1, "{custom:?}");
    assert_eq!(custom[0]["path"], "lib/tiny/debug.ex");
    assert_eq!(custom[0]["line"], 4);
    assert_eq!(custom[0]["column"], 17);
    assert_eq!(custom[0]["message"], "remove the `dbg` call before merging");
    assert_eq!(custom[0]["pillar"], "NMND");
    assert_eq!(custom[0]["enforcement"], "blocking");

    // Selectable by id and by pillar, configurable like a built-in rule.
    let run = doctrine(
        root,
        &["check", "--select", "CUSTOM001", "--format", "concise"],
    );
    assert!(
        run.stdout
            .starts_with("lib/tiny/debug.ex:4:17: CUSTOM001 [blocking] remove the `dbg` call"),
        "{}",
        run.stdout
    );
    write(
        root,
        ".doctrine.toml",
        "[rules]\nCUSTOM001 = \"advisory\"\n",
    );
    let run = doctrine(
        root,
        &["check", "--select", "CUSTOM001", "--format", "concise"],
    );
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    assert!(
        run.stdout.contains("CUSTOM001 [advisory]"),
        "{}",
        run.stdout
    );
    std::fs::remove_file(root.join(".doctrine.toml")).unwrap();

    let rules = doctrine(root, &["rules"]);
    assert_eq!(rules.code, 0);
    let line = rules
        .stdout
        .lines()
        .find(|l| l.starts_with("CUSTOM001"))
        .unwrap_or_else(|| panic!("CUSTOM001 not listed:\n{}", rules.stdout));
    assert!(line.contains("no-dbg") && line.contains("NMND"), "{line}");
    assert!(line.contains(".doctrine/rules/CUSTOM001.toml"), "{line}");

    let explain = doctrine(root, &["explain", "no-dbg"]);
    assert_eq!(explain.code, 0);
    assert!(explain.stdout.starts_with("CUSTOM001 no-dbg"));

    // A broken query is a configuration error naming the rule file.
    write(
        root,
        ".doctrine/rules/CUSTOM001.toml",
        CUSTOM_RULE.replace("@match\"\"\"", "@match) (\"\"\""),
    );
    let run = doctrine(root, &["check"]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains(".doctrine/rules/CUSTOM001.toml"),
        "{}",
        run.stderr
    );
    // So is a rule that reuses a built-in id.
    write(
        root,
        ".doctrine/rules/CUSTOM001.toml",
        CUSTOM_RULE.replace("id = \"CUSTOM001\"", "id = \"ZERO001\""),
    );
    let run = doctrine(root, &["check"]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("ZERO001"), "{}", run.stderr);
}

// ---------------------------------------------------------------------------------------------
// Regressions: each of these was a bug once.
// ---------------------------------------------------------------------------------------------

/// A finding past column 65,535 (minified or generated code on one line) makes miette panic
/// with "Formatting argument out of range" in the text renderer.
#[test]
fn text_output_survives_a_finding_on_a_very_long_line() {
    let tiny = tiny_project();
    let root = tiny.path();
    write(
        root,
        "lib/long.ex",
        format!(
            "defmodule Tiny.Long do\n  @moduledoc false\n  @spec f(term()) :: atom()\n  def f(x), do: {}String.to_atom(x)\nend\n",
            " ".repeat(70_000)
        ),
    );
    let run = doctrine(root, &["check", "--format", "text", "--no-color"]);
    run.assert_no_crash();
    assert_eq!(run.code, 1);
    assert!(run.stdout.contains("lib/long.ex"), "{}", run.stdout);
}

/// The error for an unknown option inside `[rules.ID]` points at the table header (line 1)
/// instead of the offending key (line 2).
#[test]
fn unknown_option_in_a_rule_table_points_at_its_line() {
    let tiny = tiny_project();
    assert_config_error(
        tiny.path(),
        "[rules.ZERO001]\nseverity = \"high\"\n",
        ".doctrine.toml:2:",
        "severity",
    );
}

/// `doctrine check some/project` with a broken `some/project/.doctrine.toml` reports the error
/// in `.doctrine.toml`, a path that does not exist relative to where the user is.
#[test]
fn config_error_names_the_config_path_as_given() {
    let copy = fixture_copy("plain_app");
    write(copy.path(), ".doctrine.toml", "[bogus]\n");
    let run = doctrine(
        copy.path().parent().unwrap(),
        &["check", copy.path().file_name().unwrap().to_str().unwrap()],
    );
    assert_eq!(run.code, 2);
    let shown = format!(
        "{}/.doctrine.toml:1:",
        copy.path().file_name().unwrap().to_str().unwrap()
    );
    assert!(run.stderr.contains(&shown), "{}", run.stderr);
}

/// An editor runs `doctrine check --stdin-filename /abs/project/lib/x.ex` from wherever it
/// likes. The project (root, config, file role) must come from the file's path, not the cwd.
#[test]
fn stdin_filename_finds_the_project_of_the_file() {
    let tiny = tiny_project();
    let file = tiny.path().join("lib/x.ex");
    let src = b"defmodule Tiny.X do\n  def f(a), do: String.to_atom(a)\nend\n";
    let elsewhere = tempfile::tempdir().unwrap();
    let run = doctrine_with_stdin(
        elsewhere.path(),
        &[
            "check",
            "--stdin-filename",
            file.to_str().unwrap(),
            "--format",
            "json",
        ],
        Some(src),
    );
    let report = run.json();
    assert!(has(&report, "DOCS001", "lib/x.ex", 1), "{}", run.stdout);
}

/// `doctrine check lib/typo` in CI must not pass as "no findings".
#[test]
fn missing_path_argument_is_a_usage_error() {
    let run = doctrine(
        &fixture("plain_app"),
        &["check", "lib/does_not_exist", "--format", "json"],
    );
    assert_eq!(run.code, 2, "{}{}", run.stdout, run.stderr);
    assert!(run.stdout.is_empty());
    assert!(
        run.stderr
            .contains("lib/does_not_exist: no such file or directory"),
        "{}",
        run.stderr
    );
}

/// `doctrine check fixtures/plain_app fixtures/umbrella`: the root comes from the first path,
/// and every file of the second one is silently dropped.
#[test]
fn a_second_project_is_not_dropped_silently() {
    let run = doctrine(
        manifest_dir(),
        &[
            "check",
            "fixtures/plain_app",
            "fixtures/umbrella",
            "--format",
            "json",
        ],
    );
    assert_eq!(run.code, 2, "{}{}", run.stdout, run.stderr);
    assert!(
        run.stderr
            .contains("fixtures/umbrella is outside the project"),
        "{}",
        run.stderr
    );
}

/// `doctrine test-rules` runs a project rule's documented examples: it passes when each bad
/// example is flagged and each good one is not, and names the example that misbehaves.
#[test]
fn test_rules_checks_the_examples_of_project_rules() {
    let tiny = tiny_project();
    let root = tiny.path();
    write(root, ".doctrine/rules/CUSTOM001.toml", CUSTOM_RULE);
    let run = doctrine(root, &["test-rules"]);
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    assert!(
        run.stdout
            .contains("1 project rule(s) tested, 0 example failure(s)"),
        "{}",
        run.stdout
    );

    // A good example that the query does flag.
    let broken = CUSTOM_RULE.replace("def order(x), do: x\n", "def order(x), do: dbg(x)\n");
    write(root, ".doctrine/rules/CUSTOM001.toml", &broken);
    let run = doctrine(root, &["test-rules"]);
    assert_eq!(run.code, 1, "{}{}", run.stdout, run.stderr);
    assert!(
        run.stdout
            .contains("CUSTOM001: this good example (as lib/example.ex) is flagged"),
        "{}",
        run.stdout
    );
}

/// GitHub resolves annotation (and SARIF) paths against the repository checkout. For a project
/// in a subdirectory of a repository (`backend/` in a monorepo) they carry that prefix.
#[test]
fn github_paths_are_relative_to_the_checkout() {
    let repo = tempfile::tempdir().unwrap();
    std::fs::create_dir(repo.path().join(".git")).unwrap();
    let project = repo.path().join("backend");
    write(
        &project,
        "mix.exs",
        "defmodule Backend.MixProject do\nend\n",
    );
    write(
        &project,
        "lib/backend.ex",
        "defmodule Backend do\n  @moduledoc false\n  def f(x), do: String.to_atom(x)\nend\n",
    );
    let run = doctrine(
        &project,
        &["check", "--format", "github", "--select", "ZERO"],
    );
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(
        run.stdout
            .starts_with("::error file=backend/lib/backend.ex,line=3,"),
        "{}",
        run.stdout
    );
    let run = doctrine(
        &project,
        &["check", "--format", "sarif", "--select", "ZERO"],
    );
    let log: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    let location = &log["runs"][0]["results"][0]["locations"][0]["physicalLocation"];
    assert_eq!(
        location["artifactLocation"]["uri"],
        "backend/lib/backend.ex"
    );
    let base = log["runs"][0]["originalUriBaseIds"]["%SRCROOT%"]["uri"]
        .as_str()
        .unwrap();
    assert!(!base.contains("backend"), "{base}");
    // The JSON report stays relative to the project root.
    let run = doctrine(&project, &["check", "--format", "json", "--select", "ZERO"]);
    assert_eq!(run.json()["findings"][0]["path"], "lib/backend.ex");
}

/// Roles come from the mix project that holds a file: a nested project's `lib/` is lib code,
/// its `test/` is test code, and a mix project inside a `test/` directory is a test fixture.
#[test]
fn nested_mix_projects_decide_file_roles() {
    let tiny = tiny_project();
    let root = tiny.path();
    let undocumented = |module: &str| format!("defmodule {module} do\n  def f, do: :ok\nend\n");
    write(
        root,
        "installer/mix.exs",
        "defmodule Installer.MixProject do\nend\n",
    );
    write(
        root,
        "installer/lib/installer.ex",
        undocumented("Installer"),
    );
    write(
        root,
        "installer/test/installer_test.exs",
        undocumented("InstallerTest"),
    );
    write(
        root,
        "test/fixtures/sample/mix.exs",
        "defmodule Sample.MixProject do\nend\n",
    );
    write(
        root,
        "test/fixtures/sample/lib/sample.ex",
        undocumented("Sample"),
    );
    let run = doctrine(root, &["check", "--format", "json", "--select", "DOCS001"]);
    let report = run.json();
    let flagged: Vec<String> = findings(&report)
        .into_iter()
        .map(|f| f.1)
        .filter(|path| !path.starts_with("lib/tiny/"))
        .collect();
    assert_eq!(
        flagged,
        vec!["installer/lib/installer.ex"],
        "{}",
        run.stdout
    );
}

#[test]
fn gitlab_code_quality_and_junit_reports() {
    let root = common::run::fixture("phoenix_app");
    let check = doctrine(&root, &["check", "--format", "json"]).json();
    let count = check["findings"].as_array().unwrap().len();

    let gitlab = doctrine(&root, &["check", "--format", "gitlab"]);
    assert_eq!(gitlab.code, 1);
    let issues: serde_json::Value = serde_json::from_str(&gitlab.stdout).unwrap();
    let issues = issues.as_array().unwrap();
    assert_eq!(issues.len(), count);
    let mut fingerprints: Vec<&str> = issues
        .iter()
        .map(|i| i["fingerprint"].as_str().unwrap())
        .collect();
    fingerprints.sort();
    fingerprints.dedup();
    assert_eq!(fingerprints.len(), count, "unique fingerprints");
    for issue in issues {
        assert!(
            ["blocker", "critical", "major", "minor", "info"]
                .contains(&issue["severity"].as_str().unwrap())
        );
        assert!(
            issue["location"]["path"]
                .as_str()
                .unwrap()
                .starts_with("fixtures/phoenix_app/"),
            "checkout-relative"
        );
        assert!(issue["location"]["lines"]["begin"].as_u64().unwrap() >= 1);
        assert!(!issue["description"].as_str().unwrap().is_empty());
    }

    let junit = doctrine(&root, &["check", "--format", "junit"]);
    let mut reader = quick_xml::Reader::from_str(&junit.stdout);
    let (mut cases, mut failures) = (0, 0);
    loop {
        match reader.read_event().expect("well-formed XML") {
            quick_xml::events::Event::Start(e) | quick_xml::events::Event::Empty(e) => {
                match e.name().as_ref() {
                    "testcase" => cases += 1,
                    "failure" => failures += 1,
                    _ => {}
                }
            }
            quick_xml::events::Event::Eof => break,
            _ => {}
        }
    }
    assert_eq!(cases, count);
    assert_eq!(
        failures,
        check["summary"]["blocking"].as_u64().unwrap() as usize
    );
}

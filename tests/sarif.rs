//! The SARIF report as GitHub code scanning reads it: run the built binary on a fixture and
//! check the structure upload-sarif depends on, and that the bytes do not depend on the run or
//! the thread count. `.ci/run` additionally validates the same output with the SARIF Multitool.

use serde_json::Value;
use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::process::Command;

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// `doctrine check <dir> <args>` from the repository root: (exit code, stdout).
fn check(dir: &Path, args: &[&str]) -> (i32, String) {
    let output = Command::new(env!("CARGO_BIN_EXE_doctrine"))
        .current_dir(repo())
        .arg("check")
        .arg(dir)
        .args(args)
        .env_remove("NO_COLOR")
        .env("DOCTRINE_NO_CACHE", "1")
        .output()
        .expect("the doctrine binary runs");
    let code = output.status.code().expect("exited normally");
    assert!(
        code == 0 || code == 1,
        "exit code {code}\nstderr:\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    (
        code,
        String::from_utf8(output.stdout).expect("UTF-8 output"),
    )
}

fn sarif(dir: &Path, extra: &[&str]) -> (i32, String) {
    let mut args = vec!["--format", "sarif"];
    args.extend_from_slice(extra);
    check(dir, &args)
}

fn plain_app() -> PathBuf {
    repo().join("fixtures/plain_app")
}

fn int(value: &Value, key: &str) -> u64 {
    value[key]
        .as_u64()
        .unwrap_or_else(|| panic!("`{key}` is not a non-negative integer in {value}"))
}

#[test]
fn plain_app_report_has_the_shape_github_code_scanning_expects() {
    let (code, out) = sarif(&plain_app(), &[]);
    assert_eq!(code, 1, "plain_app has blocking findings");
    let log: Value = serde_json::from_str(&out).expect("valid JSON");
    assert_eq!(log["version"], "2.1.0");
    assert!(log["$schema"].as_str().unwrap().contains("sarif-2.1.0"));
    let runs = log["runs"].as_array().unwrap();
    assert_eq!(runs.len(), 1);
    let run = &runs[0];
    assert_eq!(run["columnKind"], "unicodeCodePoints");
    let root_uri = run["originalUriBaseIds"]["%SRCROOT%"]["uri"]
        .as_str()
        .expect("%SRCROOT% is described");
    assert!(root_uri.starts_with("file:///") && root_uri.ends_with('/'));

    let driver = &run["tool"]["driver"];
    assert_eq!(driver["name"], "doctrine");
    assert_eq!(driver["semanticVersion"], env!("CARGO_PKG_VERSION"));
    let rules = driver["rules"].as_array().expect("rules[]");
    assert!(!rules.is_empty());
    let mut rule_ids = HashSet::new();
    for rule in rules {
        let id = rule["id"].as_str().expect("rule id");
        assert!(rule_ids.insert(id), "{id} described twice");
        assert!(!rule["name"].as_str().unwrap().is_empty());
        assert!(
            !rule["shortDescription"]["text"]
                .as_str()
                .unwrap()
                .is_empty()
        );
        let markdown = rule["help"]["markdown"].as_str().unwrap_or_default();
        assert!(!markdown.trim().is_empty(), "{id} has no help.markdown");
        assert!(!rule["help"]["text"].as_str().unwrap_or_default().is_empty());
        let level = rule["defaultConfiguration"]["level"].as_str().unwrap();
        assert!(
            ["error", "warning", "note", "none"].contains(&level),
            "{id}: {level}"
        );
        let tags: Vec<&str> = rule["properties"]["tags"]
            .as_array()
            .unwrap_or_else(|| panic!("{id} has no tags"))
            .iter()
            .map(|t| t.as_str().unwrap())
            .collect();
        let pillar = id.trim_end_matches(|c: char| c.is_ascii_digit());
        assert!(
            tags.contains(&pillar),
            "{id}: tags {tags:?} lack the pillar"
        );
        if let Some(severity) = rule["properties"].get("security-severity") {
            let severity: f64 = severity.as_str().expect("a string").parse().unwrap();
            assert!((0.0..=10.0).contains(&severity));
            assert!(tags.contains(&"security"));
        }
    }
    let zero001 = rules.iter().find(|r| r["id"] == "ZERO001").unwrap();
    assert!(
        zero001["properties"]["security-severity"].is_string(),
        "ZERO001 is a security rule"
    );

    // The JSON report of the same run says which findings are blocking.
    let (_, json) = check(&plain_app(), &["--format", "json"]);
    let json: Value = serde_json::from_str(&json).unwrap();
    let findings = json["findings"].as_array().unwrap();
    let results = run["results"].as_array().expect("results[]");
    assert_eq!(results.len(), findings.len());
    assert!(!results.is_empty());

    let mut fingerprints = HashSet::new();
    let mut per_file: HashMap<&str, usize> = HashMap::new();
    for (result, finding) in results.iter().zip(findings) {
        let rule_id = result["ruleId"].as_str().unwrap();
        assert_eq!(rule_id, finding["rule"]);
        let index = int(result, "ruleIndex") as usize;
        assert_eq!(
            rules[index]["id"], rule_id,
            "ruleIndex points at the wrong rule"
        );
        let expected_level = match finding["enforcement"].as_str().unwrap() {
            "blocking" => "error",
            "advisory" => "warning",
            other => panic!("enforcement {other}"),
        };
        assert_eq!(result["level"], expected_level, "{result}");
        assert!(!result["message"]["text"].as_str().unwrap().is_empty());

        let locations = result["locations"].as_array().unwrap();
        assert_eq!(locations.len(), 1);
        let physical = &locations[0]["physicalLocation"];
        let artifact = &physical["artifactLocation"];
        assert_eq!(artifact["uriBaseId"], "%SRCROOT%");
        let uri = artifact["uri"].as_str().unwrap();
        assert!(
            !uri.starts_with('/') && !uri.contains(':') && !uri.contains('\\'),
            "{uri}"
        );
        // Relative to the checkout: the fixture's path inside this repository, then the
        // project-relative path.
        let path = finding["path"].as_str().unwrap();
        assert!(
            uri == path || uri == format!("fixtures/plain_app/{path}"),
            "{uri} vs {path}"
        );
        *per_file.entry(uri).or_default() += 1;

        let region = &physical["region"];
        let (start_line, start_column) = (int(region, "startLine"), int(region, "startColumn"));
        let (end_line, end_column) = (int(region, "endLine"), int(region, "endColumn"));
        assert!(start_line >= 1 && start_column >= 1 && end_line >= 1 && end_column >= 1);
        assert!(
            (end_line, end_column) >= (start_line, start_column),
            "{region}"
        );
        assert_eq!(start_line, int(finding, "line"));
        assert_eq!(start_column, int(finding, "column"));
        assert_eq!(end_line, int(finding, "end_line"));
        assert_eq!(end_column, int(finding, "end_column"));

        // No source text is copied into the report (a flagged line may hold a secret).
        assert!(region.get("snippet").is_none() && physical.get("contextRegion").is_none());
        let source = std::fs::read_to_string(plain_app().join(path)).unwrap();
        let line = source.lines().nth(start_line as usize - 1).unwrap();
        assert!(
            start_column as usize <= line.chars().count(),
            "{region} is past the line"
        );

        let fingerprint = result["partialFingerprints"]["doctrineFingerprint/v1"]
            .as_str()
            .expect("partialFingerprints");
        assert!(!fingerprint.is_empty());
        assert!(
            fingerprints.insert(fingerprint),
            "fingerprint {fingerprint} is not unique"
        );
    }
    assert!(results.iter().any(|r| r["level"] == "error"));
    assert!(per_file.len() > 1);
}

#[test]
fn output_is_byte_identical_across_runs_and_thread_counts() {
    let (_, first) = sarif(&plain_app(), &[]);
    let (_, second) = sarif(&plain_app(), &[]);
    assert!(first == second, "two runs differ");
    let (_, one) = sarif(&plain_app(), &["--threads", "1"]);
    let (_, four) = sarif(&plain_app(), &["--threads", "4"]);
    assert!(one == four, "--threads 1 and --threads 4 differ");
    assert!(one == first, "--threads changes the output");
}

#[test]
fn input_problems_are_warnings_with_usable_locations() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    std::fs::create_dir(root.join("lib")).unwrap();
    std::fs::write(
        root.join("mix.exs"),
        "defmodule X.MixProject do\n  use Mix.Project\nend\n",
    )
    .unwrap();
    std::fs::write(root.join("lib/binary.ex"), b"abc\0def").unwrap();
    std::fs::write(
        root.join("lib/ok.ex"),
        "defmodule Ok do\n  @moduledoc \"x\"\nend\n",
    )
    .unwrap();
    std::fs::write(
        root.join("lib/latin1.ex"),
        b"defmodule L do\n  @moduledoc \"caf\xe9\"\nend\n",
    )
    .unwrap();
    // Only ZERO: the project has no README, and RDME001 is not what this test is about.
    let (code, out) = sarif(root, &["--select", "ZERO"]);
    assert_eq!(code, 0);
    let log: Value = serde_json::from_str(&out).unwrap();
    let notifications = log["runs"][0]["invocations"][0]["toolExecutionNotifications"]
        .as_array()
        .unwrap();
    assert!(!notifications.is_empty());
    let mut uris = Vec::new();
    for n in notifications {
        assert_eq!(n["level"], "warning");
        assert!(n["descriptor"]["id"].is_string());
        let artifact = &n["locations"][0]["physicalLocation"]["artifactLocation"];
        let uri = artifact["uri"].as_str().unwrap();
        // A uriBaseId only goes with a relative reference; anything else is a file: URI.
        if artifact["uriBaseId"].is_null() {
            assert!(uri.starts_with("file:///"), "{uri}");
        } else {
            assert_eq!(artifact["uriBaseId"], "%SRCROOT%");
            assert!(!uri.starts_with('/'), "{uri}");
        }
        uris.push(uri.to_string());
    }
    assert!(uris.contains(&"lib/binary.ex".to_string()), "{uris:?}");
    assert!(uris.contains(&"lib/latin1.ex".to_string()), "{uris:?}");
}

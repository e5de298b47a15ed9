//! `--write-baseline` and `--baseline`: only findings the baseline does not hold fail.

mod common;

use common::repo::shop;
use common::run::{doctrine, write};
use serde_json::Value;

const LEGACY: &str = "defmodule Shop.Legacy do\n  @moduledoc false\n\n  def a(x), do: String.to_atom(x)\n\n  def b(y) do\n    String.to_atom(y)\n  end\nend\n";

#[test]
fn a_baseline_hides_known_findings_across_line_moves_and_fails_on_new_ones() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    shop(root);
    write(root, "lib/shop/legacy.ex", LEGACY);
    let written = doctrine(
        root,
        &["check", "--write-baseline", "doctrine-baseline.json"],
    );
    assert_eq!(written.code, 0, "{}", written.stderr);
    let text = std::fs::read_to_string(root.join("doctrine-baseline.json")).unwrap();
    let json: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(json["findings"].as_array().unwrap().len(), 2);
    assert!(
        !text.contains("\"line\""),
        "keyed by fingerprint, not by line"
    );
    // Rewriting the same findings gives the same bytes.
    doctrine(
        root,
        &["check", "--write-baseline", "doctrine-baseline.json"],
    );
    assert_eq!(
        std::fs::read_to_string(root.join("doctrine-baseline.json")).unwrap(),
        text
    );

    let with_baseline = [
        "check",
        "--baseline",
        "doctrine-baseline.json",
        "--format",
        "json",
    ];
    let clean = doctrine(root, &with_baseline);
    assert_eq!(clean.code, 0, "{}", clean.stderr);
    assert_eq!(clean.json()["findings"].as_array().unwrap().len(), 0);
    assert!(
        clean.stderr.contains("2 known finding(s) not shown"),
        "{}",
        clean.stderr
    );

    // Lines inserted above, and the two functions swapped: still known.
    let moved = "defmodule Shop.Legacy do\n  @moduledoc false\n  # a comment\n  # another\n\n  def b(y) do\n    String.to_atom(y)\n  end\n\n  def a(x), do: String.to_atom(x)\nend\n";
    write(root, "lib/shop/legacy.ex", moved);
    assert_eq!(doctrine(root, &with_baseline).code, 0);

    // A new finding fails, and only it is reported.
    write(
        root,
        "lib/shop/fresh.ex",
        "defmodule Shop.Fresh do\n  @moduledoc false\n  def c(z), do: String.to_atom(z)\nend\n",
    );
    let new = doctrine(root, &with_baseline);
    assert_eq!(new.code, 1);
    let paths: Vec<String> = new.json()["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["path"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(paths, ["lib/shop/fresh.ex"]);

    // SARIF marks both kinds.
    let sarif: Value = serde_json::from_str(
        &doctrine(
            root,
            &[
                "check",
                "--baseline",
                "doctrine-baseline.json",
                "--format",
                "sarif",
            ],
        )
        .stdout,
    )
    .unwrap();
    let states: Vec<&str> = sarif["runs"][0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["baselineState"].as_str().unwrap())
        .collect();
    assert_eq!(states.iter().filter(|s| **s == "unchanged").count(), 2);
    assert_eq!(states.iter().filter(|s| **s == "new").count(), 1);

    // Fixing a known finding makes its entry removable.
    std::fs::remove_file(root.join("lib/shop/fresh.ex")).unwrap();
    write(
        root,
        "lib/shop/legacy.ex",
        moved.replace("String.to_atom(x)", "String.to_existing_atom(x)"),
    );
    let fixed = doctrine(root, &with_baseline);
    assert_eq!(fixed.code, 0);
    assert!(
        fixed.stderr.contains("1 entr(ies) fixed and removable"),
        "{}",
        fixed.stderr
    );

    let broken = doctrine(root, &["check", "--baseline", "README.md"]);
    assert_eq!(broken.code, 2);
    assert!(
        broken.stderr.contains("not a doctrine baseline"),
        "{}",
        broken.stderr
    );
}

//! The first-run experience on a real project: triage flags and summaries, paths as the user
//! reaches them, GitHub annotations within GitHub's limits, configuration errors reported
//! everywhere, roles, cross-file behaviours, READMEs and argument handling. Each test builds
//! its project in a temp dir.

mod common;

use common::run::{
    doctrine, doctrine_with_stdin, fixture, rules_and_paths, write, write_mix_project,
};
use serde_json::Value;

/// A project with one blocking ZERO001 (lib), advisory DOCS findings (the pillar is made
/// advisory), a `test/` file with a ZERO001 pattern, a Mix task and a README.
fn project() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    write(
        root,
        "mix.exs",
        "defmodule Shop.MixProject do\n  use Mix.Project\n  def project, do: [app: :shop, version: \"0.1.0\"]\nend\n",
    );
    write(
        root,
        "README.md",
        "# Shop\n\nShop is the storefront of the platform: it lists products, keeps carts in the \
         session, takes payments through the gateway and sends the orders on to fulfilment.\n",
    );
    write(
        root,
        "lib/shop/sort.ex",
        "defmodule Shop.Sort do\n  @moduledoc \"Sorting.\"\n  @doc \"Order.\"\n  @spec order(String.t()) :: atom\n  def order(x), do: String.to_atom(x)\nend\n",
    );
    write(
        root,
        "lib/shop/cart.ex",
        "defmodule Shop.Cart do\n  def total(items), do: Enum.sum(items)\nend\n",
    );
    write(
        root,
        "test/shop/sort_test.exs",
        "defmodule Shop.SortTest do\n  use ExUnit.Case\n  test \"x\", do: assert(String.to_atom(\"a\" <> \"b\") == :ab)\n  def key(x), do: String.to_atom(x)\nend\n",
    );
    write(
        root,
        "lib/mix/tasks/shop.import.ex",
        "defmodule Mix.Tasks.Shop.Import do\n  use Mix.Task\n  def run([kind]), do: String.to_atom(kind)\nend\n",
    );
    // The project pillars (tests, glossary, changelog) have tests of their own.
    write(
        root,
        ".doctrine.toml",
        "[pillars]\nDOCS = \"advisory\"\nTACH = \"off\"\nKNOW = \"off\"\nRELS = \"off\"\n",
    );
    dir
}

#[test]
fn roles_decide_what_zero_judges_and_the_config_widens_them() {
    let dir = project();
    let root = dir.path();
    let run = doctrine(root, &["check", "--format", "json", "--select", "ZERO"]);
    assert_eq!(
        rules_and_paths(&run.json()),
        [("ZERO001".to_string(), "lib/shop/sort.ex".to_string())],
        "tests and the Mix task are not judged by default"
    );
    write(
        root,
        ".doctrine.toml",
        "[rules.ZERO001]\nroles = [\"lib\", \"test\", \"dev-tooling\"]\n",
    );
    let run = doctrine(root, &["check", "--format", "json", "--select", "ZERO"]);
    let found = rules_and_paths(&run.json());
    assert!(found.contains(&("ZERO001".into(), "test/shop/sort_test.exs".into())));
    assert!(found.contains(&("ZERO001".into(), "lib/mix/tasks/shop.import.ex".into())));
    assert_eq!(found.len(), 3, "{found:?}");

    write(
        root,
        ".doctrine.toml",
        "[rules.ZERO001]\nroles = [\"libs\"]\n",
    );
    let run = doctrine(root, &["check", "--format", "concise"]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains(".doctrine.toml:2:") && run.stderr.contains("unknown file role `libs`"),
        "{}",
        run.stderr
    );
}

#[test]
fn explain_and_rules_show_the_roles_a_rule_judges() {
    let run = doctrine(&fixture("plain_app"), &["explain", "ZERO001"]);
    assert!(
        run.stdout.contains("Judges: lib code (`lib/**/*.ex`)"),
        "{}",
        run.stdout
    );
    let run = doctrine(&fixture("plain_app"), &["explain", "DOCS001"]);
    assert!(
        run.stdout.contains("Exempt modules: *Controller"),
        "{}",
        run.stdout
    );
    let run = doctrine(&fixture("plain_app"), &["explain", "RDME001"]);
    assert!(
        run.stdout.contains("Judges: the project as a whole"),
        "{}",
        run.stdout
    );
    let run = doctrine(&fixture("plain_app"), &["rules"]);
    let zero = run
        .stdout
        .lines()
        .find(|l| l.starts_with("ZERO001"))
        .unwrap();
    assert!(zero.ends_with(" lib"), "{zero}");
    let hygiene = run
        .stdout
        .lines()
        .find(|l| l.starts_with("HYGIENE004"))
        .unwrap();
    assert!(hygiene.ends_with("every file"), "{hygiene}");
}

#[test]
fn explain_a_pillar_and_selectors_in_any_case() {
    let run = doctrine(&fixture("plain_app"), &["explain", "zero"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stdout
            .starts_with("ZERO — Zero-tolerance runtime hazards")
    );
    assert!(run.stdout.contains("ZERO001") && run.stdout.contains("ZERO002"));
    let run = doctrine(&fixture("plain_app"), &["explain", "NOPE"]);
    assert_eq!(run.code, 2);

    let upper = doctrine(
        &fixture("plain_app"),
        &["check", "--select", "ZERO,DOCS001", "-q"],
    );
    let lower = doctrine(
        &fixture("plain_app"),
        &["check", "--select", "zero,docs001", "-q"],
    );
    assert_eq!(upper.stdout, lower.stdout);
    assert!(upper.stdout.contains("ZERO001") && upper.stdout.contains("DOCS001"));
    let ignored = doctrine(&fixture("plain_app"), &["check", "--ignore", "docs", "-q"]);
    assert!(!ignored.stdout.contains("DOCS") && ignored.stdout.contains("ZERO"));
}

#[test]
fn blocking_only_exit_zero_and_the_summary() {
    let dir = project();
    let root = dir.path();
    let run = doctrine(root, &["check", "--format", "concise"]);
    assert_eq!(run.code, 1);
    assert!(run.stdout.contains("[advisory]"));
    assert!(
        run.stdout.ends_with(
            "By pillar:\n  ZERO         1 blocking     0 advisory\n  DOCS         0 blocking     3 advisory\n\
             Found 4 finding(s): 1 blocking, 3 advisory. 2 file(s) with findings, 5 scanned.\n"
        ),
        "{}",
        run.stdout
    );

    let run = doctrine(root, &["check", "--format", "concise", "--blocking-only"]);
    assert_eq!(run.code, 1);
    assert!(!run.stdout.contains("[advisory]"), "{}", run.stdout);
    assert!(
        run.stdout
            .contains("Found 1 finding(s): 1 blocking, 0 advisory.")
    );
    let run = doctrine(root, &["check", "--format", "json", "--blocking-only"]);
    assert_eq!(run.json()["summary"]["advisory"], 0);

    let run = doctrine(root, &["check", "--exit-zero", "-q"]);
    assert_eq!(
        run.code, 0,
        "blocking findings are reported, the exit code is 0"
    );
    assert!(run.stdout.contains("ZERO001"));
    // Errors still exit 2.
    write(root, ".doctrine.toml", "[pillars]\nNOPE = \"off\"\n");
    let run = doctrine(root, &["check", "--exit-zero", "-q"]);
    assert_eq!(run.code, 2);
}

#[test]
fn colors_follow_the_color_flag() {
    let dir = project();
    let root = dir.path();
    let always = doctrine(root, &["check", "--color", "always"]);
    assert!(always.stdout.contains("\u{1b}["), "{}", always.stdout);
    for flags in [&["--color", "never"][..], &["--no-color"], &[]] {
        let args = [&["check"][..], flags].concat();
        let run = doctrine(root, &args);
        assert!(!run.stdout.contains('\u{1b}'), "{flags:?}: not a terminal");
    }
}

#[test]
fn statistics_work_with_every_format() {
    let dir = project();
    let root = dir.path();
    let plain = doctrine(root, &["check", "--format", "json"]);
    for format in ["json", "sarif", "github"] {
        let run = doctrine(root, &["check", "--format", format, "--statistics"]);
        assert!(
            run.stderr.contains("ZERO001") && run.stderr.contains("unsafe-atom-creation"),
            "{format}: statistics go to stderr:\n{}",
            run.stderr
        );
        if format == "json" {
            assert_eq!(run.stdout, plain.stdout, "the report itself is unchanged");
        }
    }
    let run = doctrine(root, &["check", "--format", "concise", "--statistics"]);
    assert!(run.stdout.starts_with("     1  DOCS001"), "{}", run.stdout);
    assert!(
        !run.stdout.contains("sort.ex"),
        "statistics replace the findings"
    );
}

#[test]
fn output_file_keeps_the_summary_line_on_stderr() {
    let dir = project();
    let root = dir.path();
    let out = root.join("report.sarif");
    let run = doctrine(
        root,
        &["check", "--format", "sarif", "-o", out.to_str().unwrap()],
    );
    assert_eq!(run.stdout, "");
    assert_eq!(
        run.stderr,
        "Found 4 finding(s): 1 blocking, 3 advisory. 2 file(s) with findings, 5 scanned.\n"
    );
    let quiet = doctrine(root, &["check", "-q", "-o", out.to_str().unwrap()]);
    assert_eq!(quiet.stderr, "");
}

#[test]
fn text_paths_are_relative_to_the_current_directory() {
    let dir = project();
    let root = dir.path();
    let from_lib = doctrine(
        &root.join("lib/shop"),
        &["check", "--format", "concise", "-q"],
    );
    assert!(
        from_lib.stdout.lines().any(|l| l.starts_with("sort.ex:5:")),
        "{}",
        from_lib.stdout
    );
    let from_test = doctrine(&root.join("test"), &["check", "--format", "concise", "-q"]);
    assert!(
        from_test
            .stdout
            .lines()
            .any(|l| l.starts_with("../lib/shop/sort.ex:5:")),
        "{}",
        from_test.stdout
    );
    let text = doctrine(&root.join("lib"), &["check", "--no-color"]);
    assert!(text.stdout.contains("[shop/sort.ex:5:"), "{}", text.stdout);
    // JSON keeps project-relative paths wherever it runs.
    let json = doctrine(&root.join("lib/shop"), &["check", "--format", "json"]);
    assert!(json.stdout.contains("\"path\": \"lib/shop/sort.ex\""));
}

#[test]
fn github_annotations_come_ranked_and_capped_with_a_notice() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    write_mix_project(root, "", "X");
    write(
        root,
        "README.md",
        format!("# X\n\n{}\n", "words ".repeat(30)),
    );
    let mut body = String::from("defmodule X.A do\n");
    for i in 0..30 {
        body.push_str(&format!("  def f{i}(x), do: x\n"));
    }
    body.push_str("  def atom(x), do: String.to_atom(x)\nend\n");
    write(root, "lib/a.ex", &body);
    write(root, ".doctrine.toml", "[rules]\nDOCS003 = \"advisory\"\n");
    let run = doctrine(
        root,
        &["check", "--format", "github", "--max-annotations", "5"],
    );
    let lines: Vec<&str> = run.stdout.lines().collect();
    assert_eq!(lines.len(), 6, "{}", run.stdout);
    assert!(
        lines[0].starts_with("::error ") && lines[0].contains("ZERO001"),
        "security first: {}",
        lines[0]
    );
    assert!(
        lines[1..5].iter().all(|l| l.starts_with("::error ")),
        "blocking before advisory"
    );
    assert!(
        lines[5].starts_with("::notice title=doctrine::")
            && lines[5].contains("62 more finding(s) not annotated (29 blocking, 33 advisory)"),
        "{}",
        lines[5]
    );
    write(
        root,
        ".doctrine.toml",
        "[rules]\nDOCS003 = \"advisory\"\n[output]\nmax_annotations = 2\n",
    );
    let run = doctrine(root, &["check", "--format", "github"]);
    assert_eq!(run.stdout.lines().count(), 3);
    // The default keeps 50.
    write(root, ".doctrine.toml", "");
    let run = doctrine(root, &["check", "--format", "github"]);
    assert_eq!(run.stdout.lines().count(), 51);
}

#[test]
fn config_errors_are_reported_once_each_and_everywhere() {
    let dir = project();
    let root = dir.path();
    write(
        root,
        ".doctrine.toml",
        "[pillars]\nNOPE = \"off\"\n[rules]\nZERO999 = \"off\"\n",
    );
    let run = doctrine(root, &["check", "--format", "concise"]);
    assert_eq!(run.code, 2);
    assert_eq!(
        run.stderr.matches("unknown pillar `NOPE`").count(),
        1,
        "{}",
        run.stderr
    );
    assert_eq!(
        run.stderr.matches("unknown rule id `ZERO999`").count(),
        1,
        "{}",
        run.stderr
    );

    let run = doctrine(root, &["check", "--format", "github"]);
    let errors: Vec<&str> = run
        .stdout
        .lines()
        .filter(|l| l.starts_with("::error file=.doctrine.toml"))
        .collect();
    assert_eq!(errors.len(), 2, "{}", run.stdout);
    assert!(
        errors[0].starts_with("::error file=.doctrine.toml,line=2::unknown pillar"),
        "{}",
        errors[0]
    );
    assert!(
        errors[1].starts_with("::error file=.doctrine.toml,line=4::"),
        "{}",
        errors[1]
    );

    let run = doctrine(root, &["check", "--format", "sarif"]);
    let sarif: Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(
        sarif["runs"][0]["invocations"][0]["executionSuccessful"],
        false
    );
    write(root, ".doctrine.toml", "");
    let run = doctrine(root, &["check", "--format", "sarif"]);
    let sarif: Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(
        sarif["runs"][0]["invocations"][0]["executionSuccessful"],
        true
    );
}

#[test]
fn paths_in_nested_mix_projects_work_in_any_order() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    write_mix_project(root, "", "Phx");
    write_mix_project(root, "installer", "Phx.New");
    let atom = |m: &str| {
        format!("defmodule {m} do\n  @moduledoc false\n  def f(x), do: String.to_atom(x)\nend\n")
    };
    write(root, "lib/phx.ex", atom("Phx"));
    write(root, "installer/lib/phx_new.ex", atom("Phx.New"));
    write(root, "installer/test/phx_new_test.exs", atom("Phx.NewTest"));
    let expected = vec![
        (
            "ZERO001".to_string(),
            "installer/lib/phx_new.ex".to_string(),
        ),
        ("ZERO001".to_string(), "lib/phx.ex".to_string()),
    ];
    for order in [
        ["installer/lib/phx_new.ex", "lib/phx.ex"],
        ["lib/phx.ex", "installer/lib/phx_new.ex"],
    ] {
        let args = [
            &["check", "--format", "json", "--select", "ZERO"][..],
            &order,
        ]
        .concat();
        let run = doctrine(root, &args);
        assert_eq!(run.code, 1, "{order:?}: {}", run.stderr);
        assert_eq!(rules_and_paths(&run.json()), expected, "{order:?}");
    }
    // The installer's test file is test code in the installer project: not judged.
    let run = doctrine(
        root,
        &[
            "check",
            "--format",
            "json",
            "installer/test/phx_new_test.exs",
            "lib/phx.ex",
        ],
    );
    assert_eq!(rules_and_paths(&run.json()), [expected[1].clone()]);
}

#[test]
fn paths_are_normalised_and_must_stay_inside_the_project() {
    let dir = project();
    let root = dir.path();
    let run = doctrine(
        root,
        &[
            "check",
            "--format",
            "json",
            "--select",
            "ZERO001",
            "lib/shop/sort.ex",
            "lib/../lib/shop/sort.ex",
        ],
    );
    assert_eq!(
        run.json()["findings"].as_array().unwrap().len(),
        1,
        "one file named twice is analysed once"
    );
    let other = tempfile::tempdir().unwrap();
    write(other.path(), "lib/x.ex", "defmodule X do\nend\n");
    let outside = format!(
        "lib/../../{}/lib",
        other.path().file_name().unwrap().to_str().unwrap()
    );
    let run = doctrine(root, &["check", "lib", &outside]);
    assert_eq!(run.code, 2, "{}{}", run.stdout, run.stderr);
    assert!(run.stderr.contains("outside the project"), "{}", run.stderr);
}

/// A behaviour in one file, its implementation (no `@impl`) in another.
fn behaviour_project() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    write_mix_project(root, "", "Shop");
    write(
        root,
        "lib/shop/storage.ex",
        "defmodule Shop.Storage do\n  @moduledoc \"Where files go.\"\n  @callback put(String.t(), binary) :: :ok\nend\n",
    );
    write(
        root,
        "lib/shop/storage/s3.ex",
        "defmodule Shop.Storage.S3 do\n  @moduledoc \"S3.\"\n  alias Shop.Storage\n  @behaviour Storage\n  def put(_key, _value), do: :ok\n  def bucket, do: \"b\"\nend\n",
    );
    dir
}

#[test]
fn callbacks_of_project_behaviours_are_recognised_across_files() {
    let dir = behaviour_project();
    let root = dir.path();
    let expect = |run: &common::run::Run| {
        let found: Vec<(String, u64)> = run.json()["findings"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|f| f["rule"].as_str().unwrap().starts_with("DOCS"))
            .map(|f| {
                (
                    f["rule"].as_str().unwrap().to_string(),
                    f["line"].as_u64().unwrap(),
                )
            })
            .collect();
        assert_eq!(
            found,
            [("DOCS002".to_string(), 6), ("DOCS003".to_string(), 6)],
            "{}",
            run.stdout
        );
    };
    // The whole project, one file of it, and the file as an editor buffer.
    expect(&doctrine(root, &["check", "--format", "json"]));
    expect(&doctrine(
        root,
        &["check", "--format", "json", "lib/shop/storage/s3.ex"],
    ));
    let buffer = std::fs::read(root.join("lib/shop/storage/s3.ex")).unwrap();
    expect(&doctrine_with_stdin(
        root,
        &[
            "check",
            "--format",
            "json",
            "--stdin-filename",
            "lib/shop/storage/s3.ex",
        ],
        Some(&buffer),
    ));
}

#[test]
fn readmes_in_any_case_and_directory_findings_without_a_line() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    write_mix_project(root, "", "X");
    let long = format!("# X\n\n{}\n", "words ".repeat(30));
    write(root, "readme.markdown", &long);
    let run = doctrine(root, &["check", "--select", "RDME", "--format", "concise"]);
    assert_eq!(run.code, 0, "{}", run.stdout);

    // No README and no mix.exs: the finding is on the directory, with no line.
    let plain = tempfile::tempdir().unwrap();
    write(
        plain.path(),
        "lib/x.ex",
        "defmodule X do\n  @moduledoc false\nend\n",
    );
    let run = doctrine(
        plain.path(),
        &["check", "--select", "RDME001", "--format", "concise", "-q"],
    );
    assert_eq!(
        run.stdout,
        "./: RDME001 [blocking] the project root has no README (README.md, or README in any case)\n"
    );
    let json = doctrine(
        plain.path(),
        &["check", "--select", "RDME001", "--format", "json"],
    )
    .json();
    assert_eq!(json["findings"][0]["path"], "./");
    assert_eq!(json["findings"][0]["line"], Value::Null);
    let sarif: Value = serde_json::from_str(
        &doctrine(
            plain.path(),
            &["check", "--select", "RDME001", "--format", "sarif"],
        )
        .stdout,
    )
    .unwrap();
    let location = &sarif["runs"][0]["results"][0]["locations"][0]["physicalLocation"];
    assert!(location.get("region").is_none(), "{location}");
    let github = doctrine(
        plain.path(),
        &["check", "--select", "RDME001", "--format", "github"],
    );
    assert!(
        github.stdout.starts_with("::error file=") && !github.stdout.contains("line="),
        "{}",
        github.stdout
    );
    let text = doctrine(plain.path(), &["check", "--select", "RDME001"]);
    assert!(text.stdout.starts_with("./: RDME001"), "{}", text.stdout);
}

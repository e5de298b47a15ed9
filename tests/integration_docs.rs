//! docs/CI.md and docs/EDITORS.md: their YAML parses, and the command lines they contain run
//! as documented on a real repository.

mod common;

use common::repo::{Git, shop};
use common::run::{manifest_dir, write};
use std::path::Path;
use yaml_rust2::{Yaml, YamlLoader};

fn blocks(doc: &str, language: &str) -> Vec<String> {
    let text = std::fs::read_to_string(manifest_dir().join("docs").join(doc)).unwrap();
    let fence = format!("```{language}\n");
    text.split(&fence)
        .skip(1)
        .map(|rest| rest.split("```").next().unwrap().to_string())
        .collect()
}

fn yaml(doc: &str) -> Vec<Yaml> {
    blocks(doc, "yaml")
        .iter()
        .map(|block| {
            YamlLoader::load_from_str(block)
                .expect("valid YAML")
                .remove(0)
        })
        .collect()
}

/// Run `command` with `sh` in `dir`, doctrine first on PATH.
fn shell(dir: &Path, command: &str, env: &[(&str, &str)]) -> std::process::Output {
    let bin = Path::new(env!("CARGO_BIN_EXE_doctrine")).parent().unwrap();
    let path = format!(
        "{}:{}",
        bin.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let mut run = std::process::Command::new("sh");
    run.arg("-c")
        .arg(command)
        .current_dir(dir)
        .env("PATH", path);
    for (k, v) in env {
        run.env(k, v);
    }
    run.output().unwrap()
}

/// A clean project with `main` and its `origin/main`, as a CI checkout has them.
fn checkout(root: &Path) {
    shop(root);
    let git = Git::init(root);
    let head = git.commit("feat: the shop");
    git.repo
        .reference("refs/heads/main", head, true, "main")
        .unwrap();
    git.repo
        .reference("refs/remotes/origin/main", head, true, "origin")
        .unwrap();
    git.repo.set_head("refs/heads/main").unwrap();
}

fn doctrine_lines(commands: &[&str]) -> Vec<String> {
    commands
        .iter()
        .filter(|c| c.starts_with("doctrine "))
        .map(|c| c.to_string())
        .collect()
}

#[test]
fn the_ci_workflows_parse_and_their_doctrine_steps_run() {
    let docs = yaml("CI.md");
    assert_eq!(docs.len(), 2, "a GitHub workflow and a GitLab job");
    let github = &docs[0];
    let steps = github["jobs"]["doctrine"]["steps"].as_vec().expect("steps");
    assert!(steps.iter().any(|s| {
        s["uses"]
            .as_str()
            .is_some_and(|u| u.starts_with("github/codeql-action/upload-sarif"))
    }));
    let github_runs: Vec<&str> = steps.iter().filter_map(|s| s["run"].as_str()).collect();
    let gitlab = &docs[1];
    assert_eq!(
        gitlab["doctrine"]["artifacts"]["reports"]["codequality"].as_str(),
        Some("gl-code-quality-report.json")
    );
    let gitlab_script: Vec<&str> = gitlab["doctrine"]["script"]
        .as_vec()
        .unwrap()
        .iter()
        .filter_map(|s| s.as_str())
        .collect();

    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    checkout(root);
    let adopt = shell(
        root,
        "doctrine check --write-baseline doctrine-baseline.json",
        &[],
    );
    assert!(adopt.status.success());
    // The baseline is committed; the reports the job writes are not part of the checkout.
    write(
        root,
        ".gitignore",
        "*.sarif\n*.xml\n*.md.out\ngl-code-quality-report.json\ndoctrine-report.md\nsummary.md\n",
    );
    let git = Git {
        repo: git2::Repository::open(root).unwrap(),
    };
    let head = git.commit("chore: adopt doctrine");
    git.repo
        .reference("refs/remotes/origin/main", head, true, "origin")
        .unwrap();
    let env = [
        ("GITHUB_STEP_SUMMARY", "summary.md"),
        ("CI_DEFAULT_BRANCH", "main"),
    ];
    for command in doctrine_lines(&github_runs)
        .iter()
        .chain(&doctrine_lines(&gitlab_script))
    {
        let run = shell(root, command, &env);
        assert!(
            run.status.success(),
            "`{command}` failed:\n{}{}",
            String::from_utf8_lossy(&run.stdout),
            String::from_utf8_lossy(&run.stderr)
        );
    }
    let sarif: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(root.join("doctrine.sarif")).unwrap())
            .unwrap();
    assert_eq!(sarif["runs"][0]["automationDetails"]["id"], "doctrine/");
    assert!(
        std::fs::read_to_string(root.join("summary.md"))
            .unwrap()
            .contains("Deployment Validation Report")
    );
    let quality: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(root.join("gl-code-quality-report.json")).unwrap(),
    )
    .unwrap();
    assert!(quality.is_array());
    assert!(
        std::fs::read_to_string(root.join("doctrine-junit.xml"))
            .unwrap()
            .starts_with("<?xml")
    );
}

/// A Lua pattern of the subset the nvim-lint snippet uses, as a regex.
fn lua_to_regex(pattern: &str) -> String {
    pattern
        .replace("%d", r"\d")
        .replace("%u", "[A-Z]")
        .replace("%a", "[A-Za-z]")
        .replace("%[", r"\[")
        .replace("%]", r"\]")
}

#[test]
fn the_editor_snippets_parse_what_the_documented_command_prints() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    shop(root);
    write(
        root,
        "lib/shop/atoms.ex",
        "defmodule Shop.Atoms do\n  def to(x), do: String.to_atom(x)\nend\n",
    );

    let command = blocks("EDITORS.md", "sh")[0]
        .trim()
        .replace("lib/shop/cart.ex", "lib/shop/atoms.ex");
    let run = shell(root, &command, &[]);
    let out = String::from_utf8_lossy(&run.stdout).into_owned();
    let lines: Vec<&str> = out.lines().collect();
    assert!(lines.len() >= 2, "{out}");

    let lua = blocks("EDITORS.md", "lua").remove(0);
    let pattern = lua
        .split("from_pattern(\n    \"")
        .nth(1)
        .unwrap()
        .split('"')
        .next()
        .unwrap();
    let nvim = regex::Regex::new(&lua_to_regex(pattern)).unwrap();
    let flycheck_blocking =
        regex::Regex::new(r"^.+:\d+:\d+: [[:alnum:]]+ \[blocking\] .+$").unwrap();
    let elisp = blocks("EDITORS.md", "elisp").remove(0);
    assert!(
        elisp.contains("\" [blocking] \"")
            && elisp.contains("\"--stdin-filename\" source-original")
    );
    for line in &lines {
        let captures = nvim
            .captures(line)
            .unwrap_or_else(|| panic!("nvim-lint cannot read {line}"));
        assert!(["blocking", "advisory"].contains(&&captures[4]));
        assert!(flycheck_blocking.is_match(line) || line.contains("[advisory]"));
    }
    assert!(lines.iter().any(|l| l.contains("ZERO001")));

    // efm: its lint-command with ${INPUT}, read with `%f:%l:%c: %m`.
    let efm = &yaml("EDITORS.md")[0];
    let lint = efm["tools"]["doctrine"]["lint-command"].as_str().unwrap();
    assert_eq!(efm["tools"]["doctrine"]["lint-stdin"].as_bool(), Some(true));
    let efm_run = shell(
        root,
        &format!(
            "{} < lib/shop/atoms.ex",
            lint.replace("${INPUT}", "lib/shop/atoms.ex")
        ),
        &[],
    );
    let efm_format = regex::Regex::new(r"^([^:]+):(\d+):(\d+): (.+)$").unwrap();
    let efm_out = String::from_utf8_lossy(&efm_run.stdout);
    assert!(
        efm_out.lines().all(|l| efm_format
            .captures(l)
            .is_some_and(|c| &c[1] == "lib/shop/atoms.ex")),
        "{efm_out}"
    );
}

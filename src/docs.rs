//! Rule documentation generated from the rule definitions: the `rules` table, `explain`, the
//! Markdown reference in docs/RULES.md, and the syntax-tree dump for query authors.

use crate::project::{FileRole, RoleSet};
use crate::registry::{Pillar, Registry, Rule};
use serde_json::json;
use std::fmt::Write;
use tree_sitter::Node;

/// What a rule judges by default: `project`, `every file` or its role names.
pub fn scope(rule: &Rule) -> String {
    if rule.def.project {
        "project".into()
    } else {
        rule.default_roles.describe()
    }
}

pub fn rules_table(registry: &Registry) -> String {
    let mut out = format!(
        "{:<11} {:<34} {:<8} {:<9} {}\n",
        "ID", "NAME", "PILLAR", "DEFAULT", "JUDGES"
    );
    for rule in &registry.rules {
        let _ = writeln!(
            out,
            "{:<11} {:<34} {:<8} {:<9} {}{}",
            rule.def.id,
            rule.def.name,
            rule.def.pillar,
            rule.default_enforcement.as_str(),
            scope(rule),
            rule.user_file
                .as_ref()
                .map(|f| format!("  ({f})"))
                .unwrap_or_default()
        );
    }
    out
}

pub fn rules_json(registry: &Registry) -> String {
    let rules: Vec<_> = registry
        .rules
        .iter()
        .map(|r| {
            json!({
                "id": r.def.id,
                "name": r.def.name,
                "pillar": r.def.pillar,
                "default_enforcement": r.default_enforcement,
                "project": r.def.project,
                "roles": r.default_roles.roles().map(|role| role.name()).collect::<Vec<_>>(),
                "exempt_modules": r.def.exempt_modules,
                "summary": r.def.summary,
                "security_severity": r.def.security_severity,
                "source": r.user_file,
            })
        })
        .collect();
    let mut out = serde_json::to_string_pretty(&rules).expect("JSON values serialize");
    out.push('\n');
    out
}

pub fn explain(registry: &Registry, rule: &Rule) -> String {
    let def = &rule.def;
    let pillar = registry
        .pillar(&def.pillar)
        .map_or(def.pillar.clone(), |p| format!("{} — {}", p.code, p.name));
    let mut out = format!(
        "{} {}\n\nPillar: {pillar}\nDefault: {}\n{}\n{}\n\n{}\n",
        def.id,
        def.name,
        rule.default_enforcement.as_str(),
        judges_line(rule),
        def.summary,
        def.rationale.trim_end()
    );
    write_examples(&mut out, rule, "Flagged", "Not flagged");
    out
}

/// `Judges: lib code (…)` plus the default module exemptions, for `explain` and the docs.
fn judges_line(rule: &Rule) -> String {
    let mut line = if rule.def.project {
        "Judges: the project as a whole".to_string()
    } else if rule.default_roles == RoleSet::ALL {
        "Judges: every file".to_string()
    } else {
        let roles: Vec<&str> = rule
            .default_roles
            .roles()
            .map(FileRole::description)
            .collect();
        format!("Judges: {} (change with `roles = [...]`)", roles.join("; "))
    };
    if !rule.def.exempt_modules.is_empty() {
        let _ = write!(
            line,
            "\nExempt modules: {} (change with `exempt_modules` / `extend_exempt_modules`)",
            rule.def.exempt_modules.join(", ")
        );
    }
    for (name, option) in &rule.def.options {
        let _ = write!(
            line,
            "\nSetting `{name}`: {} Default: `{}` (change with `[rules.{}] {name} = [...]`)",
            option.description,
            option.default.join("`, `"),
            rule.def.id
        );
    }
    line
}

/// `explain ZERO`: the pillar, its default and its rules.
pub fn explain_pillar(registry: &Registry, pillar: &Pillar) -> String {
    let mut out = format!(
        "{} — {}\n\nDefault: {}\n\n{}\n\nRules:\n",
        pillar.code,
        pillar.name,
        pillar.enforcement.as_str(),
        pillar.summary
    );
    let rules: Vec<&Rule> = registry
        .rules
        .iter()
        .filter(|r| r.def.pillar == pillar.code)
        .collect();
    if rules.is_empty() {
        out.push_str("  (none implemented yet)\n");
    }
    for rule in rules {
        let _ = writeln!(
            out,
            "  {:<11} {:<34} {:<9} {}",
            rule.def.id,
            rule.def.name,
            rule.default_enforcement.as_str(),
            rule.def.summary
        );
    }
    out.push_str("\n`doctrine explain <ID>` shows a rule's rationale and examples.\n");
    out
}

fn write_examples(out: &mut String, rule: &Rule, bad_title: &str, good_title: &str) {
    for (title, examples) in [(bad_title, &rule.def.bad), (good_title, &rule.def.good)] {
        for example in examples {
            let _ = write!(
                out,
                "\n{title} (`{}`):\n\n```elixir\n{}\n```\n",
                example.path,
                example.code.trim_end()
            );
            for file in &example.files {
                let _ = write!(
                    out,
                    "\nwith `{}`:\n\n```elixir\n{}\n```\n",
                    file.path,
                    file.code.trim_end()
                );
            }
            if let Some(git) = &example.git {
                write_git_state(out, git);
            }
        }
    }
}

/// An example's git state, as a reader would set it up.
fn write_git_state(out: &mut String, git: &crate::registry::ExampleGit) {
    for message in &git.commits {
        let _ = write!(
            out,
            "\nwith the commit message:\n\n```text\n{}\n```\n",
            message.trim_end()
        );
    }
    if !git.changed.is_empty() {
        let _ = write!(
            out,
            "\nwith changes since the base revision to: `{}`\n",
            git.changed.join("`, `")
        );
    }
    if let Some(mix) = &git.base_mix_exs {
        let _ = write!(
            out,
            "\nwith `mix.exs` at the base revision:\n\n```elixir\n{}\n```\n",
            mix.trim_end()
        );
    }
    if !git.dirty.is_empty() {
        let _ = write!(
            out,
            "\nwith uncommitted changes to: `{}`\n",
            git.dirty.join("`, `")
        );
    }
    if !git.tracked.is_empty() {
        let _ = write!(
            out,
            "\nwith these files tracked by git: `{}`\n",
            git.tracked.join("`, `")
        );
    }
}

/// The rule reference (docs/RULES.md), generated; a test keeps the committed copy current.
pub fn rules_markdown(registry: &Registry) -> String {
    let mut out = String::from(
        "# Rules\n\n<!-- Generated by `doctrine rules --format markdown` from rules/*.toml. Do not edit. -->\n",
    );
    for pillar in &registry.pillars {
        let rules: Vec<&Rule> = registry
            .rules
            .iter()
            .filter(|r| r.def.pillar == pillar.code && r.user_file.is_none())
            .collect();
        let _ = write!(
            out,
            "\n## {} — {} ({})\n\n{}\n",
            pillar.code,
            pillar.name,
            pillar.enforcement.as_str(),
            pillar.summary
        );
        if rules.is_empty() {
            out.push_str("\n_No rules implemented yet._\n");
        }
        for rule in rules {
            let def = &rule.def;
            let _ = write!(
                out,
                "\n### {} `{}`\n\nDefault: **{}**{}. {}\n\n{}\n\n{}\n",
                def.id,
                def.name,
                rule.default_enforcement.as_str(),
                def.security_severity
                    .map(|s| format!(", security severity {s:.1}"))
                    .unwrap_or_default(),
                def.summary,
                judges_line(rule).replace('\n', "  \n"),
                def.rationale.trim_end()
            );
            write_examples(&mut out, rule, "Flagged", "Not flagged");
        }
    }
    out
}

/// An indented S-expression-like dump with field names and leaf text.
pub fn syntax_tree(root: Node, src: &str) -> String {
    let mut out = String::new();
    let mut cursor = root.walk();
    let mut depth = 0usize;
    loop {
        let node = cursor.node();
        if node.is_named() {
            let field = cursor
                .field_name()
                .map(|f| format!("{f}: "))
                .unwrap_or_default();
            let leaf = if node.named_child_count() == 0 {
                format!(" {:?}", crate::syntax::text(node, src))
            } else {
                String::new()
            };
            let _ = writeln!(
                out,
                "{}{field}({}){leaf}  [{}:{}]",
                "  ".repeat(depth),
                node.kind(),
                node.start_position().row + 1,
                node.start_position().column + 1
            );
        }
        if cursor.goto_first_child() {
            depth += 1;
            continue;
        }
        loop {
            if cursor.goto_next_sibling() {
                break;
            }
            if !cursor.goto_parent() {
                return out;
            }
            depth -= 1;
        }
    }
}

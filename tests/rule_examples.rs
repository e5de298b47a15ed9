//! Every rule's documented examples are tests: each bad example is flagged by its rule, each
//! good example is not. The rule reference in docs/RULES.md is generated from the same files.

use doctrine::checks;
use doctrine::registry::Registry;

#[test]
fn every_bad_example_is_flagged_and_every_good_example_is_not() {
    let registry = Registry::builtin();
    for rule in &registry.rules {
        assert!(
            !rule.def.bad.is_empty(),
            "{} has no bad example",
            rule.def.id
        );
        assert!(
            !rule.def.good.is_empty(),
            "{} has no good example",
            rule.def.id
        );
        let files = rule.def.bad.iter().chain(&rule.def.good).flat_map(|e| {
            std::iter::once((&e.path, &e.code)).chain(e.files.iter().map(|f| (&f.path, &f.code)))
        });
        for (path, code) in files.filter(|(path, _)| doctrine::source::is_elixir(path)) {
            let report = doctrine::lint_str(path, code);
            assert!(
                report.diagnostics.is_empty(),
                "{}: example does not parse cleanly: {:?}\n{}",
                rule.def.id,
                report.diagnostics,
                code
            );
        }
    }
    let failures = doctrine::examples::verify(&registry, |_| true).unwrap();
    let listed: Vec<String> = failures.iter().map(ToString::to_string).collect();
    assert!(listed.is_empty(), "{}", listed.join("\n\n"));
}

#[test]
fn every_builtin_rule_states_what_it_judges() {
    for rule in &Registry::builtin().rules {
        assert!(
            rule.def.project != rule.def.roles.is_some(),
            "{}: a file rule declares `roles = [...]`; a project rule `project = true` (not both)",
            rule.def.id
        );
    }
}

#[test]
fn every_rule_has_an_implementation_and_every_check_a_definition() {
    let registry = Registry::builtin();
    let implemented: Vec<&str> = checks::builtin()
        .iter()
        .flat_map(|c| c.rules().iter().copied())
        .chain(
            doctrine::project_checks::builtin()
                .iter()
                .flat_map(|c| c.rules().iter().copied()),
        )
        .chain([doctrine::suppress::UNUSED_SUPPRESSION])
        .collect();
    for rule in &registry.rules {
        assert!(
            rule.def.query.is_some() || implemented.contains(&rule.def.id.as_str()),
            "{} has no implementation",
            rule.def.id
        );
    }
    for id in implemented {
        assert!(
            registry.get(id).is_some(),
            "{id} is implemented but has no rules/{id}.toml"
        );
    }
}

#[test]
fn rule_ids_follow_the_pillar_numbering() {
    let registry = Registry::builtin();
    for rule in &registry.rules {
        let def = &rule.def;
        let number = def.id.strip_prefix(&def.pillar).unwrap_or("");
        assert!(
            number.len() == 3 && number.chars().all(|c| c.is_ascii_digit()),
            "{} does not match its pillar {}",
            def.id,
            def.pillar
        );
        assert!(
            registry.pillar(&def.pillar).is_some(),
            "{}: unknown pillar",
            def.id
        );
        assert!(
            def.name.chars().all(|c| c.is_ascii_lowercase() || c == '-'),
            "{}: name `{}` is not kebab-case",
            def.id,
            def.name
        );
    }
}

#[test]
fn the_committed_rule_reference_is_current() {
    let generated = doctrine::docs::rules_markdown(&Registry::builtin());
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/docs/RULES.md");
    let committed = std::fs::read_to_string(path).unwrap_or_default();
    if committed != generated {
        if std::env::var_os("DOCTRINE_UPDATE_DOCS").is_some() {
            std::fs::write(path, &generated).unwrap();
        } else {
            panic!(
                "docs/RULES.md is out of date; regenerate with \
                 `DOCTRINE_UPDATE_DOCS=1 cargo test --test rule_examples`"
            );
        }
    }
}

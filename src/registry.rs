//! Rule definitions as data. Each rule lives in one TOML file under `rules/` (embedded in the
//! binary) or under a project's `.doctrine/rules/`. The same definition feeds `explain`, the
//! SARIF rule metadata, the generated docs and the example tests.

use crate::error::UserError;
use crate::finding::Enforcement;
use crate::project::{FileRole, RoleSet};
use serde::Deserialize;
use std::collections::HashMap;
use std::path::Path;

include!(concat!(env!("OUT_DIR"), "/embedded_rules.rs"));

const PILLARS_FILE: &str = "pillars.toml";

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Pillar {
    pub code: String,
    pub name: String,
    pub enforcement: Enforcement,
    pub summary: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct PillarFile {
    pillar: Vec<Pillar>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Example {
    pub code: String,
    /// Where the example pretends to live; decides its file role.
    #[serde(default = "default_example_path")]
    pub path: String,
    /// The other files of the example's project (`[[bad.files]]`), for rules that judge
    /// several files together (an endpoint and the config that sets `force_ssl`).
    #[serde(default)]
    pub files: Vec<ExampleFile>,
    /// What git says about the example's project, for the rules that read git.
    pub git: Option<ExampleGit>,
}

/// The git state of an example (`[bad.git]`): a change range and the worktree.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExampleGit {
    /// The messages of the commits in the range, newest first.
    #[serde(default)]
    pub commits: Vec<String>,
    /// Files changed since the base revision.
    #[serde(default)]
    pub changed: Vec<String>,
    /// `mix.exs` at the base revision.
    pub base_mix_exs: Option<String>,
    /// Files with uncommitted changes (reported as modified).
    #[serde(default)]
    pub dirty: Vec<String>,
    /// Files git tracks besides the example's own (which are tracked).
    #[serde(default)]
    pub tracked: Vec<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExampleFile {
    pub path: String,
    pub code: String,
}

fn default_example_path() -> String {
    "lib/example.ex".to_string()
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RuleDef {
    pub id: String,
    pub name: String,
    pub pillar: String,
    /// Defaults to the pillar's enforcement.
    pub enforcement: Option<Enforcement>,
    pub summary: String,
    /// Markdown.
    pub rationale: String,
    /// The file roles the rule judges by default (`lib`, `test`, `config`, …; see
    /// `FileRole`); every role when absent. `.doctrine.toml` can change it per rule.
    pub roles: Option<Vec<String>>,
    /// Module-name globs the rule does not judge by default (the Phoenix web layer for the
    /// DOCS rules). `.doctrine.toml` replaces (`exempt_modules`) or extends the list.
    #[serde(default)]
    pub exempt_modules: Vec<String>,
    /// A rule about the project as a whole (READMEs, mix.exs, git), not about one file.
    #[serde(default)]
    pub project: bool,
    /// The rule's own settings, each a list of strings with its default (HLTH001's health
    /// `paths`, GITL001's commit `types`). `.doctrine.toml` replaces them per rule by name.
    #[serde(default)]
    pub options: std::collections::BTreeMap<String, RuleOptionDef>,
    /// CVSS-style 0.0–10.0 for security rules; GitHub uses it to rank alerts.
    pub security_severity: Option<f64>,
    /// A tree-sitter query; every `@match` capture is a finding.
    pub query: Option<String>,
    /// The finding message for query rules (code rules write their own).
    pub message: Option<String>,
    #[serde(default)]
    pub bad: Vec<Example>,
    #[serde(default)]
    pub good: Vec<Example>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RuleOptionDef {
    pub description: String,
    pub default: Vec<String>,
}

#[derive(Debug, Clone)]
pub struct Rule {
    pub def: RuleDef,
    pub default_enforcement: Enforcement,
    pub default_roles: RoleSet,
    /// `None` for built-in rules; the defining file for project rules.
    pub user_file: Option<String>,
}

#[derive(Debug, Clone)]
pub struct Registry {
    pub pillars: Vec<Pillar>,
    pub rules: Vec<Rule>,
    index: HashMap<String, usize>,
}

impl Registry {
    /// The rules compiled into the binary. Their validity is enforced by the test suite.
    pub fn builtin() -> Registry {
        let pillars_src = EMBEDDED_RULE_FILES
            .iter()
            .find(|(name, _)| *name == PILLARS_FILE)
            .map(|(_, src)| *src)
            .expect("rules/pillars.toml is embedded");
        let pillars = toml::from_str::<PillarFile>(pillars_src)
            .expect("rules/pillars.toml is valid")
            .pillar;
        let mut registry = Registry {
            pillars,
            rules: Vec::new(),
            index: HashMap::new(),
        };
        for (name, src) in EMBEDDED_RULE_FILES
            .iter()
            .filter(|(n, _)| *n != PILLARS_FILE)
        {
            let def: RuleDef = toml::from_str(src)
                .unwrap_or_else(|e| panic!("embedded rules/{name} is invalid: {e}"));
            registry
                .add(def, None)
                .unwrap_or_else(|e| panic!("embedded rules/{name}: {}", e.plain()));
        }
        registry
    }

    /// Add the project's own query rules from `dir` (`.doctrine/rules/*.toml`). A file that
    /// cannot be used is skipped and its error returned; the others still load.
    pub fn load_user_rules(&mut self, dir: &Path, display_dir: &str) -> Vec<UserError> {
        let Ok(entries) = std::fs::read_dir(dir) else {
            return Vec::new();
        };
        let mut files: Vec<_> = entries
            .flatten()
            .map(|e| e.path())
            .filter(|p| p.extension().is_some_and(|e| e == "toml"))
            .collect();
        files.sort();
        files
            .iter()
            .filter_map(|path| {
                let name = format!(
                    "{display_dir}/{}",
                    path.file_name().unwrap_or_default().to_string_lossy()
                );
                self.load_user_rule(path, &name).err()
            })
            .collect()
    }

    fn load_user_rule(&mut self, path: &Path, name: &str) -> Result<(), UserError> {
        let src = crate::source::read_text_bounded(path, crate::source::MAX_METADATA_FILE)
            .map_err(|source| UserError::Io {
                context: format!("cannot read rule file {name}"),
                source,
            })?;
        let in_file = |span, message: String, help: Option<String>| {
            UserError::in_file(name, &src, span, message, help)
        };
        let def: RuleDef =
            toml::from_str(&src).map_err(|e| in_file(e.span(), e.message().to_string(), None))?;
        let Some(query) = def.query.as_deref().filter(|_| def.message.is_some()) else {
            return Err(in_file(
                None,
                "a project rule needs a `query` (tree-sitter) and a `message`".into(),
                Some("see `doctrine explain` output of a built-in rule for the format".into()),
            ));
        };
        crate::query_rules::validate(query).map_err(|message| {
            in_file(
                None,
                format!("invalid query for {}: {message}", def.id),
                None,
            )
        })?;
        self.add(def, Some(name.to_string())).map_err(|e| match e {
            UserError::Usage(message) => in_file(None, message, None),
            other => other,
        })
    }

    fn add(&mut self, def: RuleDef, user_file: Option<String>) -> Result<(), UserError> {
        if self.index.contains_key(&def.id) {
            return Err(UserError::Usage(format!(
                "rule id {} is defined twice",
                def.id
            )));
        }
        let default_enforcement = match (def.enforcement, self.pillar(&def.pillar)) {
            (Some(e), _) => e,
            (None, Some(p)) => p.enforcement,
            (None, None) => {
                return Err(UserError::Usage(format!(
                    "rule {} names unknown pillar {} and sets no enforcement",
                    def.id, def.pillar
                )));
            }
        };
        let default_roles = match &def.roles {
            Some(names) => RoleSet::parse(names.iter().map(String::as_str)).map_err(|name| {
                UserError::Usage(format!(
                    "rule {} names unknown file role `{name}` (known: {}, or `config`)",
                    def.id,
                    FileRole::ALL.map(FileRole::name).join(", ")
                ))
            })?,
            None => RoleSet::ALL,
        };
        self.index.insert(def.id.clone(), self.rules.len());
        self.rules.push(Rule {
            def,
            default_enforcement,
            default_roles,
            user_file,
        });
        Ok(())
    }

    pub fn get(&self, id: &str) -> Option<&Rule> {
        self.index.get(id).map(|&i| &self.rules[i])
    }

    /// A rule by id, in any letter case.
    pub fn find_id(&self, id: &str) -> Option<&Rule> {
        self.get(id)
            .or_else(|| self.get(&id.to_ascii_uppercase()))
            .or_else(|| {
                self.rules
                    .iter()
                    .find(|r| r.def.id.eq_ignore_ascii_case(id))
            })
    }

    pub fn position(&self, id: &str) -> Option<usize> {
        self.index.get(id).copied()
    }

    pub fn pillar(&self, code: &str) -> Option<&Pillar> {
        self.pillars.iter().find(|p| p.code == code)
    }

    /// Whether `selector` names a rule id or a pillar code.
    pub fn is_selector(&self, selector: &str) -> bool {
        self.index.contains_key(selector)
            || self.pillar(selector).is_some()
            || self.rules.iter().any(|r| r.def.pillar == selector)
    }

    /// A rule id or pillar code as the registry spells it (`zero` → `ZERO`), if it is one.
    pub fn canonical_selector(&self, selector: &str) -> Option<String> {
        let upper = selector.to_ascii_uppercase();
        self.is_selector(&upper).then_some(upper)
    }

    /// Look a rule up by id (`ZERO001`) or name (`unsafe-atom-creation`), case-insensitively.
    pub fn find(&self, key: &str) -> Option<&Rule> {
        self.rules
            .iter()
            .find(|r| r.def.id.eq_ignore_ascii_case(key) || r.def.name.eq_ignore_ascii_case(key))
    }
}

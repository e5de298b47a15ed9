//! `.doctrine.toml`: enforcement per pillar and per rule, file excludes, rule options.
//! Unknown keys, pillars and rule ids are errors that point at the file and line.

use crate::error::UserError;
use crate::finding::Enforcement;
use crate::registry::Registry;
use globset::{Glob, GlobSet, GlobSetBuilder};
use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::Path;
use toml::Spanned;

pub const CONFIG_FILE: &str = ".doctrine.toml";

/// Files larger than this are reported and skipped: generated blobs, not source.
const DEFAULT_MAX_FILE_SIZE: u64 = 4 * 1024 * 1024;

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawConfig {
    #[serde(default)]
    pillars: BTreeMap<Spanned<String>, Spanned<String>>,
    #[serde(default)]
    rules: BTreeMap<Spanned<String>, Spanned<RawRuleSetting>>,
    #[serde(default)]
    files: RawFiles,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFiles {
    #[serde(default)]
    exclude: Vec<Spanned<String>>,
    max_file_size: Option<u64>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRuleTable {
    enforcement: Option<Spanned<String>>,
    #[serde(default)]
    exclude: Vec<Spanned<String>>,
    #[serde(default)]
    exempt_modules: Vec<Spanned<String>>,
}

/// `ID = "advisory"` or `[rules.ID]` with options. Deserialized in the same pass as the rest
/// of the file, so an error inside the table points at its own key.
#[derive(Debug)]
enum RawRuleSetting {
    Enforcement(String),
    Table(RawRuleTable),
}

impl<'de> Deserialize<'de> for RawRuleSetting {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Visitor;
        impl<'de> serde::de::Visitor<'de> for Visitor {
            type Value = RawRuleSetting;

            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("an enforcement string or a table of rule options")
            }

            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Self::Value, E> {
                Ok(RawRuleSetting::Enforcement(v.to_string()))
            }

            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                map: A,
            ) -> Result<Self::Value, A::Error> {
                RawRuleTable::deserialize(serde::de::value::MapAccessDeserializer::new(map))
                    .map(RawRuleSetting::Table)
            }
        }
        deserializer.deserialize_any(Visitor)
    }
}

/// A rule's settings beyond its enforcement.
#[derive(Debug, Default, Clone)]
pub struct RuleOptions {
    pub enforcement: Option<Enforcement>,
    /// Path globs (relative to the project root) where the rule does not apply.
    pub exclude: Vec<String>,
    /// Module-name globs (`*.Generated.*`, `MyAppWeb.*`) whose code the rule does not judge.
    pub exempt_modules: Vec<String>,
}

#[derive(Debug, Clone)]
pub struct Config {
    pub pillars: BTreeMap<String, Enforcement>,
    pub rules: BTreeMap<String, RuleOptions>,
    pub exclude: Vec<String>,
    pub max_file_size: u64,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            pillars: BTreeMap::new(),
            rules: BTreeMap::new(),
            exclude: Vec::new(),
            max_file_size: DEFAULT_MAX_FILE_SIZE,
        }
    }
}

impl Config {
    /// Read and validate `path` against the rules the registry knows. A missing file is the
    /// default configuration.
    pub fn load(path: &Path, display: &str, registry: &Registry) -> Result<Config, UserError> {
        match std::fs::read_to_string(path) {
            Ok(src) => Config::parse(&src, display, registry),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Config::default()),
            Err(source) => Err(UserError::Io {
                context: format!("cannot read {display}"),
                source,
            }),
        }
    }

    pub fn parse(src: &str, display: &str, registry: &Registry) -> Result<Config, UserError> {
        let error =
            |span: Option<std::ops::Range<usize>>, message: String, help: Option<String>| {
                UserError::in_file(display, src, span, message, help)
            };
        let raw: RawConfig = toml::from_str(src)
            .map_err(|e| error(e.span(), e.message().trim().to_string(), None))?;
        let mut config = Config::default();

        for (code, value) in &raw.pillars {
            if registry.pillar(code.get_ref()).is_none() {
                let known: Vec<&str> = registry.pillars.iter().map(|p| p.code.as_str()).collect();
                return Err(error(
                    Some(code.span()),
                    format!("unknown pillar `{}`", code.get_ref()),
                    Some(format!("known pillars: {}", known.join(", "))),
                ));
            }
            let enforcement = parse_enforcement(value.get_ref())
                .ok_or_else(|| error(Some(value.span()), bad_enforcement(value.get_ref()), None))?;
            config.pillars.insert(code.get_ref().clone(), enforcement);
        }

        for (id, value) in &raw.rules {
            if registry.get(id.get_ref()).is_none() {
                return Err(error(
                    Some(id.span()),
                    format!("unknown rule id `{}`", id.get_ref()),
                    Some("`doctrine rules` lists every rule id".to_string()),
                ));
            }
            let enforcement_at = |text: &str, span| {
                parse_enforcement(text)
                    .ok_or_else(|| error(Some(span), bad_enforcement(text), None))
            };
            let options = match value.get_ref() {
                RawRuleSetting::Enforcement(text) => RuleOptions {
                    enforcement: Some(enforcement_at(text, value.span())?),
                    ..RuleOptions::default()
                },
                RawRuleSetting::Table(table) => {
                    let enforcement = match &table.enforcement {
                        Some(e) => Some(enforcement_at(e.get_ref(), e.span())?),
                        None => None,
                    };
                    let globs = |list: &[Spanned<String>]| {
                        list.iter()
                            .map(|glob| {
                                Glob::new(glob.get_ref())
                                    .map(|_| glob.get_ref().clone())
                                    .map_err(|e| {
                                        error(Some(glob.span()), format!("invalid glob: {e}"), None)
                                    })
                            })
                            .collect::<Result<Vec<String>, UserError>>()
                    };
                    RuleOptions {
                        enforcement,
                        exclude: globs(&table.exclude)?,
                        exempt_modules: globs(&table.exempt_modules)?,
                    }
                }
            };
            config.rules.insert(id.get_ref().clone(), options);
        }

        for glob in &raw.files.exclude {
            Glob::new(glob.get_ref())
                .map_err(|e| error(Some(glob.span()), format!("invalid glob: {e}"), None))?;
            config.exclude.push(glob.get_ref().clone());
        }
        if let Some(size) = raw.files.max_file_size {
            config.max_file_size = size;
        }
        Ok(config)
    }
}

fn parse_enforcement(s: &str) -> Option<Enforcement> {
    match s {
        "blocking" => Some(Enforcement::Blocking),
        "advisory" => Some(Enforcement::Advisory),
        "off" => Some(Enforcement::Off),
        _ => None,
    }
}

fn bad_enforcement(s: &str) -> String {
    format!("unknown enforcement `{s}`: expected \"blocking\", \"advisory\" or \"off\"")
}

/// Compile path globs; the inputs were validated when the config was parsed.
pub fn glob_set(globs: &[String]) -> GlobSet {
    let mut builder = GlobSetBuilder::new();
    for glob in globs {
        if let Ok(glob) = Glob::new(glob) {
            builder.add(glob);
        }
    }
    builder.build().unwrap_or_else(|_| GlobSet::empty())
}

/// The commented default written by `doctrine init`.
pub fn default_file(registry: &Registry) -> String {
    let mut out = String::from(
        "# doctrine configuration. Every key is optional; `doctrine rules` lists ids and pillars.\n\
         # Enforcement values: \"blocking\" (fails `check`), \"advisory\" (reported only), \"off\".\n\n\
         [pillars]\n",
    );
    for pillar in &registry.pillars {
        out.push_str(&format!(
            "# {} = \"{}\"    # {}\n",
            pillar.code,
            pillar.enforcement.as_str(),
            pillar.name
        ));
    }
    out.push_str(
        "\n[rules]\n\
         # A rule's enforcement, or a table with options:\n\
         # DOCS003 = \"advisory\"\n\
         # [rules.ZERO001]\n\
         # enforcement = \"blocking\"\n\
         # exclude = [\"lib/my_app/generated/**\"]   # paths where this rule does not apply\n\
         # exempt_modules = [\"*.Schemas.*\"]        # modules (globs) this rule does not judge\n\n\
         [files]\n\
         # Paths (globs, relative to this file) never scanned, in addition to .gitignore,\n\
         # _build/, deps/, .elixir_ls/ and node_modules/.\n\
         exclude = []\n\
         # Files larger than this many bytes are reported and skipped.\n",
    );
    out.push_str(&format!("# max_file_size = {DEFAULT_MAX_FILE_SIZE}\n"));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(src: &str) -> Result<Config, UserError> {
        Config::parse(src, ".doctrine.toml", &Registry::builtin())
    }

    #[test]
    fn accepts_pillars_rules_and_files() {
        let config = parse(
            "[pillars]\nDOCS = \"advisory\"\n[rules]\nZERO002 = \"off\"\n\
             [rules.ZERO001]\nexclude = [\"lib/gen/**\"]\n[files]\nexclude = [\"lib/old/**\"]\n",
        )
        .unwrap();
        assert_eq!(config.pillars["DOCS"], Enforcement::Advisory);
        assert_eq!(config.rules["ZERO002"].enforcement, Some(Enforcement::Off));
        assert_eq!(config.rules["ZERO001"].exclude, vec!["lib/gen/**"]);
        assert_eq!(config.exclude, vec!["lib/old/**"]);
        let config = parse("[rules.DOCS003]\nexempt_modules = [\"*.Schemas.*\"]\n").unwrap();
        assert_eq!(config.rules["DOCS003"].exempt_modules, vec!["*.Schemas.*"]);
        assert!(
            parse("[rules.DOCS003]\nexempt_modules = [\"a[\"]\n")
                .unwrap_err()
                .plain()
                .starts_with(".doctrine.toml:2:")
        );
    }

    #[test]
    fn unknown_rule_id_points_at_its_line() {
        let err = parse("[rules]\n\nZERO999 = \"off\"\n").unwrap_err();
        assert_eq!(
            err.plain(),
            ".doctrine.toml:3:1: unknown rule id `ZERO999` (`doctrine rules` lists every rule id)"
        );
    }

    #[test]
    fn unknown_keys_and_values_are_errors() {
        assert!(
            parse("[pillar]\nZERO = \"off\"\n")
                .unwrap_err()
                .plain()
                .contains(":1:")
        );
        assert!(
            parse("[pillars]\nNOPE = \"off\"\n")
                .unwrap_err()
                .plain()
                .contains("unknown pillar `NOPE`")
        );
        assert!(
            parse("[pillars]\nZERO = \"sometimes\"\n")
                .unwrap_err()
                .plain()
                .contains("unknown enforcement")
        );
        assert!(
            parse("[rules.ZERO001]\nseverity = \"high\"\n")
                .unwrap_err()
                .plain()
                .contains("severity")
        );
        assert!(
            parse("[files]\nexclude = [\"a/[\"]\n")
                .unwrap_err()
                .plain()
                .contains("invalid glob")
        );
        assert!(parse("not toml at all").is_err());
    }
}

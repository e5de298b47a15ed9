//! `.doctrine.toml`: enforcement per pillar and per rule, rule options, file excludes, output
//! limits. The file is validated as a whole: every unknown key, pillar, rule id, role or bad
//! value is an error pointing at its line, and all of them are reported at once.

use crate::error::UserError;
use crate::finding::Enforcement;
use crate::project::{FileRole, RoleSet};
use crate::registry::{Registry, RuleDef};
use globset::{Glob, GlobSet, GlobSetBuilder};
use std::collections::BTreeMap;
use std::ops::Range;
use std::path::Path;
use toml::Spanned;
use toml::de::{DeTable, DeValue};

pub const CONFIG_FILE: &str = ".doctrine.toml";

/// Files larger than this are reported and skipped: generated blobs, not source.
const DEFAULT_MAX_FILE_SIZE: u64 = 4 * 1024 * 1024;

/// GitHub shows 10 error and 10 warning annotations per step; more than this is noise.
pub const DEFAULT_MAX_ANNOTATIONS: usize = 50;

/// A rule's settings beyond its enforcement.
#[derive(Debug, Default, Clone)]
pub struct RuleOptions {
    pub enforcement: Option<Enforcement>,
    /// Path globs (relative to the project root) where the rule does not apply.
    pub exclude: Vec<String>,
    /// Module-name globs (`*.Generated.*`, `MyAppWeb.*`) the rule does not judge, replacing
    /// the rule's default list.
    pub exempt_modules: Option<Vec<String>>,
    /// Module-name globs added to the rule's (default or configured) list.
    pub extend_exempt_modules: Vec<String>,
    /// The file roles the rule judges, replacing its default roles.
    pub roles: Option<RoleSet>,
    /// The rule's own settings (`RuleDef::options`), replacing their defaults.
    pub settings: BTreeMap<String, Vec<String>>,
}

#[derive(Debug, Clone)]
pub struct Config {
    pub pillars: BTreeMap<String, Enforcement>,
    pub rules: BTreeMap<String, RuleOptions>,
    pub exclude: Vec<String>,
    pub max_file_size: u64,
    pub max_annotations: usize,
    /// `[score]`: the health score's weights.
    pub score: crate::health::Weights,
    /// `[gate]`: what the deploy gate accepts.
    pub gate: GateLimits,
}

/// The deploy gate's thresholds (`[gate]`).
#[derive(Debug, Clone, PartialEq)]
pub struct GateLimits {
    /// The lowest health score that passes.
    pub min_score: f64,
    /// The most the score may fall below the last recorded one.
    pub max_drop: f64,
}

impl Default for GateLimits {
    fn default() -> Self {
        GateLimits {
            min_score: 80.0,
            max_drop: 5.0,
        }
    }
}

impl Default for Config {
    fn default() -> Self {
        Config {
            pillars: BTreeMap::new(),
            rules: BTreeMap::new(),
            exclude: Vec::new(),
            max_file_size: DEFAULT_MAX_FILE_SIZE,
            max_annotations: DEFAULT_MAX_ANNOTATIONS,
            score: crate::health::Weights::default(),
            gate: GateLimits::default(),
        }
    }
}

type Table<'i> = DeTable<'i>;
type Value<'i> = Spanned<DeValue<'i>>;

/// Collects the errors of one file, each pointing at a span of it.
struct Errors<'a> {
    display: &'a str,
    src: &'a str,
    found: Vec<UserError>,
}

impl Errors<'_> {
    fn at(&mut self, span: Range<usize>, message: String, help: Option<String>) {
        self.found.push(UserError::in_file(
            self.display,
            self.src,
            Some(span),
            message,
            help,
        ));
    }
}

impl Config {
    /// Read and validate `path` against the rules the registry knows. A missing file is the
    /// default configuration.
    pub fn load(path: &Path, display: &str, registry: &Registry) -> Result<Config, Vec<UserError>> {
        match crate::source::read_text_bounded(path, crate::source::MAX_METADATA_FILE) {
            Ok(src) => Config::parse(&src, display, registry),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Config::default()),
            Err(source) => Err(vec![UserError::Io {
                context: format!("cannot read {display}"),
                source,
            }]),
        }
    }

    /// Parse and validate; `Err` holds every problem found, in file order.
    pub fn parse(src: &str, display: &str, registry: &Registry) -> Result<Config, Vec<UserError>> {
        let mut errors = Errors {
            display,
            src,
            found: Vec::new(),
        };
        let document = match DeTable::parse(src) {
            Ok(document) => document.into_inner(),
            Err(e) => {
                errors.found.push(UserError::in_file(
                    display,
                    src,
                    e.span(),
                    e.message().trim().to_string(),
                    None,
                ));
                return Err(errors.found);
            }
        };
        let mut config = Config::default();
        for (key, value) in &document {
            match key.get_ref().as_ref() {
                "pillars" => {
                    if let Some(table) = table(value, "pillars", &mut errors) {
                        config.read_pillars(table, registry, &mut errors);
                    }
                }
                "rules" => {
                    if let Some(table) = table(value, "rules", &mut errors) {
                        config.read_rules(table, registry, &mut errors);
                    }
                }
                "files" => {
                    if let Some(table) = table(value, "files", &mut errors) {
                        config.read_files(table, &mut errors);
                    }
                }
                "output" => {
                    if let Some(table) = table(value, "output", &mut errors) {
                        config.read_output(table, &mut errors);
                    }
                }
                "score" => {
                    if let Some(table) = table(value, "score", &mut errors) {
                        config.read_score(table, &mut errors);
                    }
                }
                "gate" => {
                    if let Some(table) = table(value, "gate", &mut errors) {
                        config.read_gate(table, &mut errors);
                    }
                }
                other => errors.at(
                    key.span(),
                    format!("unknown section `{other}`"),
                    Some("known sections: pillars, rules, files, output, score, gate".into()),
                ),
            }
        }
        if errors.found.is_empty() {
            Ok(config)
        } else {
            errors.found.sort_by_key(error_offset);
            Err(errors.found)
        }
    }

    fn read_pillars(&mut self, table: &Table, registry: &Registry, errors: &mut Errors) {
        for (code, value) in table {
            let Some(pillar) = registry
                .pillars
                .iter()
                .find(|p| p.code.eq_ignore_ascii_case(code.get_ref()))
            else {
                let known: Vec<&str> = registry.pillars.iter().map(|p| p.code.as_str()).collect();
                errors.at(
                    code.span(),
                    format!("unknown pillar `{}`", code.get_ref()),
                    Some(format!("known pillars: {}", known.join(", "))),
                );
                continue;
            };
            if let Some(enforcement) = enforcement(value, errors) {
                self.pillars.insert(pillar.code.clone(), enforcement);
            }
        }
    }

    fn read_rules(&mut self, table: &Table, registry: &Registry, errors: &mut Errors) {
        for (id, value) in table {
            let Some(rule) = registry.find_id(id.get_ref()) else {
                errors.at(
                    id.span(),
                    format!("unknown rule id `{}`", id.get_ref()),
                    Some("`doctrine rules` lists every rule id".to_string()),
                );
                continue;
            };
            let options = match value.get_ref() {
                DeValue::String(_) => RuleOptions {
                    enforcement: enforcement(value, errors),
                    ..RuleOptions::default()
                },
                DeValue::Table(options) => read_rule_options(options, &rule.def, errors),
                _ => {
                    errors.at(
                        value.span(),
                        format!(
                            "`{}` must be an enforcement string or a table of rule options",
                            id.get_ref()
                        ),
                        None,
                    );
                    continue;
                }
            };
            self.rules.insert(rule.def.id.clone(), options);
        }
    }

    fn read_files(&mut self, table: &Table, errors: &mut Errors) {
        for (key, value) in table {
            match key.get_ref().as_ref() {
                "exclude" => self.exclude = globs(value, errors),
                "max_file_size" => {
                    if let Some(size) = positive_integer(value, errors) {
                        self.max_file_size = size;
                    }
                }
                other => unknown_key(key, other, "files", &["exclude", "max_file_size"], errors),
            }
        }
    }

    fn read_output(&mut self, table: &Table, errors: &mut Errors) {
        for (key, value) in table {
            match key.get_ref().as_ref() {
                "max_annotations" => {
                    if let Some(count) = positive_integer(value, errors) {
                        self.max_annotations = usize::try_from(count).unwrap_or(usize::MAX);
                    }
                }
                other => unknown_key(key, other, "output", &["max_annotations"], errors),
            }
        }
    }
}

impl Config {
    fn read_score(&mut self, table: &Table, errors: &mut Errors) {
        const KNOWN: &[&str] = &[
            "compliance",
            "documentation",
            "tests",
            "build",
            "blocking_weight",
            "findings_half_score",
            "warnings_half_score",
        ];
        let weights = &mut self.score;
        for (key, value) in table {
            let slot = match key.get_ref().as_ref() {
                "compliance" => &mut weights.compliance,
                "documentation" => &mut weights.documentation,
                "tests" => &mut weights.tests,
                "build" => &mut weights.build,
                "blocking_weight" => &mut weights.blocking_weight,
                "findings_half_score" => &mut weights.findings_half_score,
                "warnings_half_score" => &mut weights.warnings_half_score,
                other => {
                    unknown_key(key, other, "score", KNOWN, errors);
                    continue;
                }
            };
            if let Some(number) = non_negative_number(value, f64::MAX, errors) {
                *slot = number;
            }
        }
        if weights.compliance + weights.documentation + weights.tests + weights.build <= 0.0 {
            errors.at(
                0..0,
                "[score] weights are all 0: at least one component must count".into(),
                None,
            );
        }
    }

    fn read_gate(&mut self, table: &Table, errors: &mut Errors) {
        for (key, value) in table {
            let slot = match key.get_ref().as_ref() {
                "min_score" => &mut self.gate.min_score,
                "max_drop" => &mut self.gate.max_drop,
                other => {
                    unknown_key(key, other, "gate", &["min_score", "max_drop"], errors);
                    continue;
                }
            };
            if let Some(number) = non_negative_number(value, 100.0, errors) {
                *slot = number;
            }
        }
    }
}

fn read_rule_options(table: &Table, rule: &RuleDef, errors: &mut Errors) -> RuleOptions {
    let mut options = RuleOptions::default();
    for (key, value) in table {
        match key.get_ref().as_ref() {
            "enforcement" => options.enforcement = enforcement(value, errors),
            "exclude" => options.exclude = globs(value, errors),
            "exempt_modules" => options.exempt_modules = Some(globs(value, errors)),
            "extend_exempt_modules" => options.extend_exempt_modules = globs(value, errors),
            "roles" => options.roles = roles(value, errors),
            setting if rule.options.contains_key(setting) => {
                let values = strings(value, errors)
                    .into_iter()
                    .map(|(v, _)| v.to_string())
                    .collect();
                options.settings.insert(setting.to_string(), values);
            }
            other => {
                let mut known = vec![
                    "enforcement",
                    "exclude",
                    "exempt_modules",
                    "extend_exempt_modules",
                    "roles",
                ];
                known.extend(rule.options.keys().map(String::as_str));
                unknown_key(key, other, "rule", &known, errors)
            }
        }
    }
    options
}

fn error_offset(e: &UserError) -> usize {
    match e {
        UserError::InFile(file) => file.offset(),
        _ => 0,
    }
}

fn unknown_key(
    key: &Spanned<std::borrow::Cow<str>>,
    name: &str,
    section: &str,
    known: &[&str],
    errors: &mut Errors,
) {
    errors.at(
        key.span(),
        format!("unknown {section} option `{name}`"),
        Some(format!("known options: {}", known.join(", "))),
    );
}

fn table<'t, 'i>(value: &'t Value<'i>, name: &str, errors: &mut Errors) -> Option<&'t Table<'i>> {
    match value.get_ref() {
        DeValue::Table(table) => Some(table),
        _ => {
            errors.at(value.span(), format!("`{name}` must be a table"), None);
            None
        }
    }
}

fn string<'t>(value: &'t Value, what: &str, errors: &mut Errors) -> Option<&'t str> {
    let text = value.get_ref().as_str();
    if text.is_none() {
        errors.at(value.span(), format!("expected {what} (a string)"), None);
    }
    text
}

fn enforcement(value: &Value, errors: &mut Errors) -> Option<Enforcement> {
    let text = string(value, "an enforcement", errors)?;
    let parsed = parse_enforcement(text);
    if parsed.is_none() {
        errors.at(value.span(), bad_enforcement(text), None);
    }
    parsed
}

/// An integer or a float in `0..=max`.
fn non_negative_number(value: &Value, max: f64, errors: &mut Errors) -> Option<f64> {
    let number = match value.get_ref() {
        DeValue::Integer(i) => i64::from_str_radix(i.as_str(), i.radix())
            .ok()
            .map(|i| i as f64),
        DeValue::Float(f) => f.as_str().parse::<f64>().ok(),
        _ => None,
    }
    .filter(|n| n.is_finite() && (0.0..=max).contains(n));
    if number.is_none() {
        let range = if max == f64::MAX {
            "a number, 0 or more".to_string()
        } else {
            format!("a number from 0 to {max}")
        };
        errors.at(value.span(), format!("expected {range}"), None);
    }
    number
}

fn positive_integer(value: &Value, errors: &mut Errors) -> Option<u64> {
    let parsed = value
        .get_ref()
        .as_integer()
        .and_then(|i| u64::from_str_radix(i.as_str(), i.radix()).ok());
    if parsed.is_none() {
        errors.at(value.span(), "expected a non-negative integer".into(), None);
    }
    parsed
}

/// The strings of an array, each with its span.
fn strings<'t>(value: &'t Value, errors: &mut Errors) -> Vec<(&'t str, Range<usize>)> {
    let DeValue::Array(items) = value.get_ref() else {
        errors.at(value.span(), "expected an array of strings".into(), None);
        return Vec::new();
    };
    items
        .iter()
        .filter_map(|item| string(item, "a string", errors).map(|s| (s, item.span())))
        .collect()
}

fn globs(value: &Value, errors: &mut Errors) -> Vec<String> {
    strings(value, errors)
        .into_iter()
        .filter_map(|(glob, span)| match Glob::new(glob) {
            Ok(_) => Some(glob.to_string()),
            Err(e) => {
                errors.at(span, format!("invalid glob: {e}"), None);
                None
            }
        })
        .collect()
}

fn roles(value: &Value, errors: &mut Errors) -> Option<RoleSet> {
    let mut roles = Vec::new();
    let mut valid = true;
    for (name, span) in strings(value, errors) {
        match FileRole::parse_selector(name) {
            Some(found) => roles.extend(found),
            None => {
                valid = false;
                errors.at(
                    span,
                    format!("unknown file role `{name}`"),
                    Some(format!(
                        "known roles: {}, or `config` for both config roles",
                        FileRole::ALL.map(FileRole::name).join(", ")
                    )),
                );
            }
        }
    }
    valid.then(|| RoleSet::of(roles))
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
         # roles = [\"lib\", \"test\"]                # the file roles it judges (see `doctrine explain`)\n\
         # extend_exempt_modules = [\"*.Schemas.*\"] # modules (globs) it does not judge, added to its defaults\n\n\
         [files]\n\
         # Paths (globs, relative to this file) never scanned, in addition to .gitignore,\n\
         # _build/, deps/, .elixir_ls/ and node_modules/.\n\
         exclude = []\n\
         # Files larger than this many bytes are reported and skipped.\n",
    );
    out.push_str(&format!("# max_file_size = {DEFAULT_MAX_FILE_SIZE}\n"));
    out.push_str(&format!(
        "\n[output]\n\
         # At most this many `--format github` annotations, the most important first.\n\
         # max_annotations = {DEFAULT_MAX_ANNOTATIONS}\n"
    ));
    let w = crate::health::Weights::default();
    let gate = GateLimits::default();
    out.push_str(&format!(
        "\n[score]\n\
         # The health score's component weights (relative) and curves; README.md has the formula.\n\
         # compliance = {}\n# documentation = {}\n# tests = {}\n# build = {}\n\
         # blocking_weight = {}       # a blocking finding counts as this many advisory ones\n\
         # findings_half_score = {}  # weighted findings per 1,000 lines at which compliance is 50\n\
         # warnings_half_score = {}   # compiler warnings per 1,000 lines at which build is halved\n\
         \n[gate]\n\
         # min_score = {}   # the lowest health score `doctrine gate` passes\n\
         # max_drop = {}     # the most it may fall below the last recorded run\n",
        w.compliance,
        w.documentation,
        w.tests,
        w.build,
        w.blocking_weight,
        w.findings_half_score,
        w.warnings_half_score,
        gate.min_score,
        gate.max_drop
    ));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(src: &str) -> Result<Config, Vec<UserError>> {
        Config::parse(src, ".doctrine.toml", &Registry::builtin())
    }

    fn first_error(src: &str) -> String {
        parse(src).unwrap_err()[0].plain()
    }

    #[test]
    fn accepts_pillars_rules_files_and_output() {
        let config = parse(
            "[pillars]\nDOCS = \"advisory\"\n[rules]\nZERO002 = \"off\"\n\
             [rules.ZERO001]\nexclude = [\"lib/gen/**\"]\nroles = [\"lib\", \"config\"]\n\
             [files]\nexclude = [\"lib/old/**\"]\n[output]\nmax_annotations = 20\n",
        )
        .unwrap();
        assert_eq!(config.pillars["DOCS"], Enforcement::Advisory);
        assert_eq!(config.rules["ZERO002"].enforcement, Some(Enforcement::Off));
        assert_eq!(config.rules["ZERO001"].exclude, vec!["lib/gen/**"]);
        let roles = config.rules["ZERO001"].roles.unwrap();
        assert!(roles.contains(FileRole::ConfigProd) && !roles.contains(FileRole::Test));
        assert_eq!(config.exclude, vec!["lib/old/**"]);
        assert_eq!(config.max_annotations, 20);
        let config = parse(
            "[rules.DOCS003]\nexempt_modules = [\"*.Schemas.*\"]\nextend_exempt_modules = [\"X\"]\n",
        )
        .unwrap();
        assert_eq!(
            config.rules["DOCS003"].exempt_modules,
            Some(vec!["*.Schemas.*".to_string()])
        );
        assert_eq!(config.rules["DOCS003"].extend_exempt_modules, vec!["X"]);
        assert!(
            first_error("[rules.DOCS003]\nexempt_modules = [\"a[\"]\n")
                .starts_with(".doctrine.toml:2:")
        );
    }

    #[test]
    fn pillar_codes_and_rule_ids_are_case_insensitive() {
        let config = parse("[pillars]\ndocs = \"off\"\n[rules]\nzero001 = \"advisory\"\n").unwrap();
        assert_eq!(config.pillars["DOCS"], Enforcement::Off);
        assert_eq!(
            config.rules["ZERO001"].enforcement,
            Some(Enforcement::Advisory)
        );
    }

    #[test]
    fn unknown_rule_id_points_at_its_line() {
        assert_eq!(
            first_error("[rules]\n\nZERO999 = \"off\"\n"),
            ".doctrine.toml:3:1: unknown rule id `ZERO999` (`doctrine rules` lists every rule id)"
        );
    }

    #[test]
    fn every_error_is_reported_once_in_file_order() {
        let errors = parse(
            "[pillars]\nNOPE = \"off\"\nZERO = \"sometimes\"\n[rules]\nZERO999 = \"off\"\n\
             [rules.ZERO001]\nseverity = \"high\"\nroles = [\"lib\", \"tests\"]\n\
             [files]\nexclude = [\"a/[\"]\nmax_file_size = \"big\"\n[pillar]\n",
        )
        .unwrap_err();
        let lines: Vec<String> = errors.iter().map(UserError::plain).collect();
        let expected = [
            (":2:", "unknown pillar `NOPE`"),
            (":3:", "unknown enforcement"),
            (":5:", "unknown rule id `ZERO999`"),
            (":7:", "unknown rule option `severity`"),
            (":8:", "unknown file role `tests`"),
            (":10:", "invalid glob"),
            (":11:", "non-negative integer"),
            (":12:", "unknown section `pillar`"),
        ];
        assert_eq!(lines.len(), expected.len(), "{lines:#?}");
        for (line, (at, mentions)) in lines.iter().zip(expected) {
            assert!(
                line.contains(at) && line.contains(mentions),
                "{line} !~ {at} {mentions}"
            );
        }
        assert!(parse("not toml at all").is_err());
    }
}

//! The effective enforcement of every rule for one run: defaults, then `.doctrine.toml`
//! (pillar, then rule), then `--select`/`--ignore`.

use crate::config::{Config, glob_set};
use crate::error::UserError;
use crate::finding::Enforcement;
use crate::project::{FileRole, RoleSet};
use crate::registry::Registry;
use globset::GlobSet;

#[derive(Debug, Clone)]
pub struct RuleSet {
    /// Aligned with `Registry::rules`.
    enforcement: Vec<Enforcement>,
    excludes: Vec<Option<GlobSet>>,
    exempt_modules: Vec<Option<GlobSet>>,
    roles: Vec<RoleSet>,
    /// Per rule, its settings (`RuleDef::options`): the configured values or the defaults.
    settings: Vec<std::collections::BTreeMap<String, Vec<String>>>,
}

impl RuleSet {
    pub fn new(
        registry: &Registry,
        config: &Config,
        select: &[String],
        ignore: &[String],
    ) -> Result<RuleSet, UserError> {
        let canonical = |list: &[String]| {
            list.iter()
                .map(|selector| {
                    registry.canonical_selector(selector).ok_or_else(|| {
                        UserError::Usage(format!(
                            "unknown rule id or pillar `{selector}` (see `doctrine rules`)"
                        ))
                    })
                })
                .collect::<Result<Vec<String>, UserError>>()
        };
        let (select, ignore) = (&canonical(select)?[..], &canonical(ignore)?[..]);
        let matches =
            |list: &[String], id: &str, pillar: &str| list.iter().any(|s| s == id || s == pillar);
        let mut enforcement = Vec::with_capacity(registry.rules.len());
        let mut excludes = Vec::with_capacity(registry.rules.len());
        let mut exempt_modules = Vec::with_capacity(registry.rules.len());
        let mut roles = Vec::with_capacity(registry.rules.len());
        let mut settings = Vec::with_capacity(registry.rules.len());
        for rule in &registry.rules {
            let (id, pillar) = (rule.def.id.as_str(), rule.def.pillar.as_str());
            let options = config.rules.get(id);
            let configured = options
                .and_then(|o| o.enforcement)
                .or_else(|| config.pillars.get(pillar).copied())
                .unwrap_or(rule.default_enforcement);
            let effective = if matches(ignore, id, pillar)
                || (!select.is_empty() && !matches(select, id, pillar))
            {
                Enforcement::Off
            } else if configured == Enforcement::Off && select.iter().any(|s| s == id) {
                // Naming a rule explicitly turns it on even where the config switched it off.
                match rule.default_enforcement {
                    Enforcement::Off => Enforcement::Advisory,
                    other => other,
                }
            } else {
                configured
            };
            enforcement.push(effective);
            excludes.push(
                options
                    .filter(|o| !o.exclude.is_empty())
                    .map(|o| glob_set(&o.exclude)),
            );
            let mut exempt: Vec<String> = options
                .and_then(|o| o.exempt_modules.clone())
                .unwrap_or_else(|| rule.def.exempt_modules.clone());
            exempt.extend(
                options
                    .into_iter()
                    .flat_map(|o| o.extend_exempt_modules.clone()),
            );
            exempt_modules.push((!exempt.is_empty()).then(|| glob_set(&exempt)));
            roles.push(options.and_then(|o| o.roles).unwrap_or(rule.default_roles));
            settings.push(
                rule.def
                    .options
                    .iter()
                    .map(|(name, def)| {
                        let configured = options.and_then(|o| o.settings.get(name));
                        (name.clone(), configured.unwrap_or(&def.default).clone())
                    })
                    .collect(),
            );
        }
        Ok(RuleSet {
            enforcement,
            excludes,
            exempt_modules,
            roles,
            settings,
        })
    }

    /// Every rule at its default enforcement.
    pub fn defaults(registry: &Registry) -> RuleSet {
        RuleSet::new(registry, &Config::default(), &[], &[]).expect("no selectors to validate")
    }

    /// This rule set with every rule that `keep` refuses turned off.
    pub fn restricted(&self, keep: impl Fn(usize) -> bool) -> RuleSet {
        let mut restricted = self.clone();
        for (rule, enforcement) in restricted.enforcement.iter_mut().enumerate() {
            if !keep(rule) {
                *enforcement = Enforcement::Off;
            }
        }
        restricted
    }

    pub fn enforcement(&self, rule: usize) -> Enforcement {
        self.enforcement[rule]
    }

    pub fn is_enabled(&self, rule: usize) -> bool {
        self.enforcement[rule] != Enforcement::Off
    }

    /// Whether `module` is exempt from `rule` (`exempt_modules`).
    pub fn exempts_module(&self, rule: usize, module: &str) -> bool {
        self.exempt_modules[rule]
            .as_ref()
            .is_some_and(|globs| globs.is_match(module))
    }

    /// The values of `rule`'s setting `name` (`RuleDef::options`); empty for a setting the
    /// rule does not declare.
    pub fn setting(&self, rule: usize, name: &str) -> &[String] {
        self.settings[rule].get(name).map_or(&[], Vec::as_slice)
    }

    /// Whether `rule` judges files of `role` (enabled, and the role is in its scope).
    pub fn judges(&self, rule: usize, role: FileRole) -> bool {
        self.is_enabled(rule) && self.roles[rule].contains(role)
    }

    /// The roles `rule` judges in this run.
    pub fn roles(&self, rule: usize) -> RoleSet {
        self.roles[rule]
    }

    /// Whether `rule` reports findings in `path`, a file of `role` (enabled, the role in its
    /// scope, and the path not excluded).
    pub fn applies(&self, rule: usize, path: &str, role: FileRole) -> bool {
        self.judges(rule, role) && self.applies_at(rule, path)
    }

    /// Whether `module` in `path` lies within `rule`'s scope (not excluded there, not an
    /// exempt module), whatever the rule's enforcement: what the health score measures.
    pub fn covers(&self, rule: usize, path: &str, module: &str) -> bool {
        !self.exempts_module(rule, module)
            && self.excludes[rule]
                .as_ref()
                .is_none_or(|globs| !globs.is_match(path))
    }

    /// Whether `rule` reports findings at `path` (enabled and not excluded there), whatever
    /// the role: project-level rules report on files such as README.md.
    pub fn applies_at(&self, rule: usize, path: &str) -> bool {
        self.is_enabled(rule)
            && self.excludes[rule]
                .as_ref()
                .is_none_or(|globs| !globs.is_match(path))
    }
}

//! The effective enforcement of every rule for one run: defaults, then `.doctrine.toml`
//! (pillar, then rule), then `--select`/`--ignore`.

use crate::config::{Config, glob_set};
use crate::error::UserError;
use crate::finding::Enforcement;
use crate::registry::Registry;
use globset::GlobSet;

#[derive(Debug, Clone)]
pub struct RuleSet {
    /// Aligned with `Registry::rules`.
    enforcement: Vec<Enforcement>,
    excludes: Vec<Option<GlobSet>>,
    exempt_modules: Vec<Option<GlobSet>>,
}

impl RuleSet {
    pub fn new(
        registry: &Registry,
        config: &Config,
        select: &[String],
        ignore: &[String],
    ) -> Result<RuleSet, UserError> {
        for selector in select.iter().chain(ignore) {
            if !registry.is_selector(selector) {
                return Err(UserError::Usage(format!(
                    "unknown rule id or pillar `{selector}` (see `doctrine rules`)"
                )));
            }
        }
        let matches =
            |list: &[String], id: &str, pillar: &str| list.iter().any(|s| s == id || s == pillar);
        let mut enforcement = Vec::with_capacity(registry.rules.len());
        let mut excludes = Vec::with_capacity(registry.rules.len());
        let mut exempt_modules = Vec::with_capacity(registry.rules.len());
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
            exempt_modules.push(
                options
                    .filter(|o| !o.exempt_modules.is_empty())
                    .map(|o| glob_set(&o.exempt_modules)),
            );
        }
        Ok(RuleSet {
            enforcement,
            excludes,
            exempt_modules,
        })
    }

    /// Every rule at its default enforcement.
    pub fn defaults(registry: &Registry) -> RuleSet {
        RuleSet::new(registry, &Config::default(), &[], &[]).expect("no selectors to validate")
    }

    pub fn enforcement(&self, rule: usize) -> Enforcement {
        self.enforcement[rule]
    }

    pub fn is_enabled(&self, rule: usize) -> bool {
        self.enforcement[rule] != Enforcement::Off
    }

    /// Whether `rule` reports findings in `path` (enabled and not excluded there).
    /// Whether `module` is exempt from `rule` (`exempt_modules`).
    pub fn exempts_module(&self, rule: usize, module: &str) -> bool {
        self.exempt_modules[rule]
            .as_ref()
            .is_some_and(|globs| globs.is_match(module))
    }

    pub fn applies(&self, rule: usize, path: &str) -> bool {
        self.is_enabled(rule)
            && self.excludes[rule]
                .as_ref()
                .is_none_or(|globs| !globs.is_match(path))
    }
}

//! Suppression comments and HYGIENE004 (a suppression that suppressed nothing).
//!
//! `# doctrine:disable-next-line ZERO001, DOCS -- reason` covers exactly the next line,
//! a trailing `# doctrine:disable-line ZERO001` its own line, and `# doctrine:disable-file
//! DOCS` placed before any code the whole file. A pillar code covers all of its rules. Only
//! real comments count: the same text inside a string or doc is not a directive.

use crate::checks::RawFinding;
use crate::project::FileRole;
use crate::registry::Registry;
use crate::selection::RuleSet;
use serde::{Deserialize, Serialize};

pub const UNUSED_SUPPRESSION: &str = "HYGIENE004";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Scope {
    NextLine,
    Line,
    File,
}

#[derive(Debug)]
pub struct Directive {
    scope: Scope,
    selectors: Vec<String>,
    used: Vec<bool>,
    /// 0-based line the directive covers (unused for `File`).
    target_line: usize,
    start_byte: usize,
    end_byte: usize,
    /// `disable-file` after the first line of code: never takes effect.
    misplaced: bool,
}

/// Parse a comment's text; `None` when it is not a doctrine directive.
pub fn parse_directive(
    comment: &str,
    start_byte: usize,
    end_byte: usize,
    comment_line: usize,
    before_code: bool,
) -> Option<Directive> {
    let body = comment.trim_start_matches('#').trim_start();
    let rest = body.strip_prefix("doctrine:")?;
    let (keyword, rest) = rest.split_once(char::is_whitespace).unwrap_or((rest, ""));
    let scope = match keyword {
        "disable-next-line" => Scope::NextLine,
        "disable-line" => Scope::Line,
        "disable-file" => Scope::File,
        _ => return None,
    };
    let ids = rest.split_once("--").map_or(rest, |(ids, _reason)| ids);
    // Ids and pillar codes are upper-case; the first other word starts a reason, even
    // without the `--` separator.
    let selectors: Vec<String> = ids
        .split([',', ' ', '\t'])
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .take_while(|s| looks_like_selector(s))
        .map(str::to_string)
        .collect();
    // Exactly the next line, as in ESLint: with a blank or comment line in between, the
    // directive covers that line and is reported unused.
    let target_line = match scope {
        Scope::NextLine => comment_line + 1,
        _ => comment_line,
    };
    Some(Directive {
        scope,
        used: vec![false; selectors.len()],
        selectors,
        target_line,
        start_byte,
        end_byte,
        misplaced: scope == Scope::File && !before_code,
    })
}

fn looks_like_selector(word: &str) -> bool {
    word.starts_with(|c: char| c.is_ascii_uppercase())
        && word
            .chars()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit())
}

/// A directive for a project-level rule (SHLD, …): those findings are made after the scan,
/// so the directive is kept with the file's report and applied to them then.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProjectSuppression {
    pub path: String,
    pub selector: String,
    /// The 1-based line it covers; `None` for `disable-file`.
    pub line: Option<u32>,
}

impl ProjectSuppression {
    /// Whether this suppresses `finding`, of a rule in `pillar`.
    pub fn covers(&self, finding: &crate::finding::Finding, pillar: &str) -> bool {
        self.path == finding.path
            && (self.selector == finding.rule || self.selector == pillar)
            && self.line.is_none_or(|l| l == finding.span.start_line)
    }
}

/// Whether `selector` names a project-level rule (its id, or a pillar with one).
fn names_project_rule(registry: &Registry, selector: &str) -> bool {
    registry
        .rules
        .iter()
        .any(|r| r.def.project && (r.def.id == selector || r.def.pillar == selector))
}

/// The directives of a file that name project-level rules, to apply after the project
/// checks (`engine::run`).
pub fn project_suppressions(
    directives: &[Directive],
    registry: &Registry,
    path: &str,
) -> Vec<ProjectSuppression> {
    directives
        .iter()
        .filter(|d| !d.misplaced)
        .flat_map(|d| {
            let line = match d.scope {
                Scope::File => None,
                Scope::Line | Scope::NextLine => Some(d.target_line as u32 + 1),
            };
            d.selectors
                .iter()
                .filter(|s| names_project_rule(registry, s))
                .map(move |selector| ProjectSuppression {
                    path: path.to_string(),
                    selector: selector.clone(),
                    line,
                })
        })
        .collect()
}

/// Drop suppressed findings, then report every directive selector that suppressed nothing.
/// Selectors naming a project-level rule are not reported: their findings come later
/// (`project_suppressions`).
/// `line_of` maps a byte offset to its 0-based line.
pub fn apply(
    findings: Vec<RawFinding>,
    directives: &mut [Directive],
    registry: &Registry,
    rules: &RuleSet,
    path: &str,
    role: FileRole,
    line_of: impl Fn(usize) -> usize,
) -> Vec<RawFinding> {
    let mut kept = Vec::with_capacity(findings.len());
    for finding in findings {
        let rule = &registry.rules[finding.rule].def;
        let line = line_of(finding.start_byte);
        let mut suppressed = false;
        for directive in directives.iter_mut().filter(|d| !d.misplaced) {
            let covers = match directive.scope {
                Scope::File => true,
                Scope::Line | Scope::NextLine => directive.target_line == line,
            };
            if !covers {
                continue;
            }
            for (selector, used) in directive.selectors.iter().zip(directive.used.iter_mut()) {
                if *selector == rule.id || *selector == rule.pillar {
                    *used = true;
                    suppressed = true;
                }
            }
        }
        if !suppressed {
            kept.push(finding);
        }
    }

    let Some(unused_rule) = registry.position(UNUSED_SUPPRESSION) else {
        return kept;
    };
    if !rules.applies(unused_rule, path, role) {
        return kept;
    }
    for directive in directives.iter() {
        let mut report = |message: String| {
            kept.push(RawFinding {
                rule: unused_rule,
                start_byte: directive.start_byte,
                end_byte: directive.end_byte,
                message,
                module: None,
                unless_callback: None,
                unless_set_for_prod: None,
            })
        };
        if directive.misplaced {
            report(
                "`doctrine:disable-file` must come before any code; it suppresses nothing here"
                    .into(),
            );
            continue;
        }
        if directive.selectors.is_empty() {
            report("suppression names no rule id or pillar, so it suppresses nothing".into());
            continue;
        }
        for (selector, used) in directive.selectors.iter().zip(&directive.used) {
            if *used || names_project_rule(registry, selector) {
                continue;
            }
            if !registry.is_selector(selector) {
                report(format!(
                    "suppression names unknown rule or pillar `{selector}`"
                ));
                continue;
            }
            // A rule that is switched off, or does not judge this file, cannot fire here; its
            // suppression is not dead weight (the configuration may turn the rule on).
            let enabled = registry.rules.iter().enumerate().any(|(i, r)| {
                (r.def.id == *selector || r.def.pillar == *selector) && rules.applies(i, path, role)
            });
            if enabled {
                report(format!("unused suppression: no `{selector}` finding here"));
            }
        }
    }
    kept
}

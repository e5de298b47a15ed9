//! KNOW001 glossary-missing-module: the project's glossary names its modules, so the words
//! of the code and of the people who run it stay the same.

use super::{ProjectCheck, ProjectContext};
use crate::project::ProjectModel;
use std::collections::HashSet;

pub struct Glossary;

const RULE: &str = "KNOW001";

/// In full mode, modules this deep or shallower are judged (`MyApp.Accounts`).
const MAX_SEGMENTS: usize = 2;

impl ProjectCheck for Glossary {
    fn rules(&self) -> &'static [&'static str] {
        &[RULE]
    }

    fn check(&self, _project: &ProjectModel, cx: &mut ProjectContext) {
        let facts = cx.facts;
        if facts.modules.is_empty() {
            return;
        }
        let candidates = cx.setting(RULE, "glossary").to_vec();
        let glossary = candidates
            .iter()
            .find_map(|path| cx.read(path).map(|text| (path.clone(), text)));
        let Some((glossary_path, text)) = glossary else {
            let message = format!(
                "the project has no glossary ({}): name its modules and domain words in one, \
                 so code, tickets and incidents use the same words",
                candidates.join(", ")
            );
            cx.report_on_project(RULE, "", message);
            return;
        };
        let words = words_of(&text);
        let added = cx
            .git
            .and_then(|git| git.range.as_ref())
            .map(|range| &range.added);
        for module in &facts.modules {
            let judged = match added {
                Some(added) => added.contains(&module.path),
                None => !module.hidden && module.name.split('.').count() <= MAX_SEGMENTS,
            };
            if !judged || cx.exempts(RULE, &module.name) {
                continue;
            }
            let last = module.name.rsplit('.').next().unwrap_or(&module.name);
            if words.contains(module.name.as_str()) || words.contains(last) {
                continue;
            }
            cx.report_at(
                RULE,
                &module.path,
                module.span,
                format!(
                    "`{}` is not in {glossary_path}: add what it means in the domain (its full \
                     name or `{last}` as a word)",
                    module.name
                ),
            );
        }
    }
}

/// The words of the glossary: runs of letters, digits, `_` and `.` (so `Shop.Accounts` is
/// one), each also split at its dots.
fn words_of(text: &str) -> HashSet<&str> {
    let mut words = HashSet::new();
    for word in text.split(|c: char| !(c.is_alphanumeric() || c == '_' || c == '.')) {
        let word = word.trim_matches('.');
        if word.is_empty() {
            continue;
        }
        words.insert(word);
        words.extend(word.split('.').filter(|w| !w.is_empty()));
    }
    words
}

#[cfg(test)]
mod tests {
    use super::words_of;

    #[test]
    fn glossary_words_keep_dotted_names_and_their_segments() {
        let words = words_of("## Shop.Accounts\n- **Cart**: what a `Shop.Checkout.Cart` holds.\n");
        for word in [
            "Shop.Accounts",
            "Accounts",
            "Cart",
            "Shop.Checkout.Cart",
            "holds",
        ] {
            assert!(words.contains(word), "{word}");
        }
        assert!(!words.contains("Carts"));
        assert!(!words.contains("Shop.Acc"));
    }
}

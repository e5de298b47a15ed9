//! GITL001 non-conventional-commit: commit messages in the Conventional Commits form
//! `type(scope)!: subject`, for each commit of a change range and for `doctrine commit-msg`.

use super::{ProjectCheck, ProjectContext};
use crate::finding::Span;
use crate::project::ProjectModel;

pub struct ConventionalCommits;

pub const RULE: &str = "GITL001";
const MAX_HEADER: usize = 100;

impl ProjectCheck for ConventionalCommits {
    fn rules(&self) -> &'static [&'static str] {
        &[RULE]
    }

    fn check(&self, _project: &ProjectModel, cx: &mut ProjectContext) {
        let Some(range) = cx.git.and_then(|git| git.range.as_ref()) else {
            return;
        };
        let types = cx.setting(RULE, "types").to_vec();
        // An editor can show the root `mix.exs`; the commit itself is in the message and,
        // in SARIF, in the result's properties.
        let anchor = cx
            .mix_exs_first_line("")
            .map_or_else(|| "./".to_string(), |(path, _)| path);
        for commit in &range.commits {
            let Some(problem) = message_problem(&commit.message, commit.parents, &types) else {
                continue;
            };
            let short = &commit.id[..commit.id.len().min(10)];
            let header = commit.message.lines().next().unwrap_or("").trim_end();
            let shown: String = header.chars().take(80).collect();
            cx.report_commit(
                RULE,
                &anchor,
                Span::first_line(),
                &commit.id,
                format!("commit {short} \"{shown}\": {problem}"),
            );
        }
    }
}

/// What is wrong with a commit message, or `None` when it follows the convention or is
/// exempt (merges, `fixup!`/`squash!`/`amend!`, git's own `Revert "…"`). `parents` is the
/// commit's parent count (a merge has two or more; 1 for a message not yet committed).
pub fn message_problem(message: &str, parents: usize, types: &[String]) -> Option<String> {
    let mut lines = message.lines();
    let header = lines.next().unwrap_or("").trim_end();
    let exempt = parents > 1
        || header.starts_with("Merge ")
        || header.starts_with("Revert \"")
        || ["fixup! ", "squash! ", "amend! "]
            .iter()
            .any(|p| header.starts_with(p));
    if exempt {
        return None;
    }
    let expected = || {
        format!(
            "expected `type(scope)!: subject` with a type of {}",
            types.join(", ")
        )
    };
    if header.is_empty() {
        return Some("the message is empty".into());
    }
    let Some((prefix, subject)) = header.split_once(':') else {
        return Some(format!("no `type:` prefix; {}", expected()));
    };
    let prefix = prefix.strip_suffix('!').unwrap_or(prefix);
    let kind = match prefix.split_once('(') {
        Some((kind, rest)) => match rest.strip_suffix(')') {
            Some(scope) if !scope.is_empty() && !scope.contains(['(', ')']) => kind,
            _ => return Some(format!("malformed scope `({rest}`; {}", expected())),
        },
        None => prefix,
    };
    if !types.iter().any(|t| t == kind) {
        return Some(format!("type `{kind}` is not one of {}", types.join(", ")));
    }
    if subject.trim().is_empty() {
        return Some("the subject is empty".into());
    }
    if !subject.starts_with(' ') {
        return Some("no space after the colon".into());
    }
    let subject = subject.trim();
    if header.chars().count() > MAX_HEADER {
        return Some(format!(
            "the header has {} characters (at most {MAX_HEADER})",
            header.chars().count()
        ));
    }
    if subject.ends_with('.') {
        return Some("the subject ends with a period".into());
    }
    if lines.next().is_some_and(|second| !second.trim().is_empty()) {
        return Some("no blank line between the header and the body".into());
    }
    None
}

/// A message as git would commit it from `.git/COMMIT_EDITMSG`: comment lines (`#`) and
/// everything below the scissors line removed.
pub fn cleaned_message(raw: &str) -> String {
    let mut kept = Vec::new();
    for line in raw.lines() {
        if line.starts_with("# ------------------------ >8 ------------------------") {
            break;
        }
        if !line.starts_with('#') {
            kept.push(line.trim_end());
        }
    }
    let text = kept.join("\n");
    text.trim_matches('\n').to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn problem(message: &str) -> Option<String> {
        let types: Vec<String> = "build chore ci docs feat fix perf refactor revert style test"
            .split(' ')
            .map(String::from)
            .collect();
        message_problem(message, 1, &types)
    }

    #[test]
    fn conventional_headers_pass() {
        for ok in [
            "feat(auth): add login",
            "fix!: drop v1 API",
            "feat(api)!: remove the v1 routes\n\nBREAKING CHANGE: v1 is gone",
            "docs: explain the deploy gate",
            "Revert \"feat: x\"",
            "Merge branch 'main' into feature",
            "fixup! feat: add login",
            "squash! fix: typo",
        ] {
            assert_eq!(problem(ok), None, "{ok}");
        }
    }

    #[test]
    fn other_headers_fail_with_the_reason() {
        let cases = [
            ("Fixed stuff.", "no `type:` prefix"),
            ("feat:no space", "no space after the colon"),
            ("feature: add login", "type `feature` is not one of"),
            ("feat(): empty scope", "malformed scope"),
            ("feat: ", "the subject is empty"),
            ("fix: handle the nil case.", "ends with a period"),
            ("feat: add login\nbody right away", "no blank line"),
            ("", "the message is empty"),
        ];
        for (message, reason) in cases {
            let found = problem(message).unwrap_or_default();
            assert!(found.contains(reason), "{message:?}: {found}");
        }
        let long = format!("feat: {}", "x".repeat(114));
        assert_eq!(long.len(), 120);
        assert!(problem(&long).unwrap().contains("120 characters"));
        let types = vec!["feat".to_string()];
        assert_eq!(message_problem("Merge pull request #1", 2, &types), None);
        assert!(
            message_problem("a merge", 2, &types).is_none(),
            "merge commits are exempt"
        );
    }

    #[test]
    fn commit_message_files_are_cleaned_like_git() {
        let raw = "feat: add login\n\n# Please enter the commit message\n# ------------------------ >8 ------------------------\ndiff --git a/x b/x\n";
        assert_eq!(cleaned_message(raw), "feat: add login");
    }
}

//! RELS — release notes and versioning: a changelog at the root that names the version
//! `mix.exs` declares, and (with a change range) a version bump when `lib/` changed.

use super::{ProjectCheck, ProjectContext};
use crate::project::ProjectModel;

pub struct Releases;

/// Changelog file names, in any letter case.
const CHANGELOG_NAMES: &[&str] = &["changelog.md", "changelog", "changelog.markdown"];

impl ProjectCheck for Releases {
    fn rules(&self) -> &'static [&'static str] {
        &["RELS001", "RELS002", "RELS003"]
    }

    fn check(&self, project: &ProjectModel, cx: &mut ProjectContext) {
        version_bump(project, cx);
        let changelog = cx
            .sources
            .list("")
            .into_iter()
            .find(|name| CHANGELOG_NAMES.contains(&name.to_ascii_lowercase().as_str()));
        let root_mix = cx.facts.mix.iter().find(|m| m.path == "mix.exs");
        let Some(changelog) = changelog else {
            let message = "the project has no CHANGELOG.md: whoever deploys or rolls back \
                           cannot tell what a version changed; keep one (Keep a Changelog \
                           format) and add an entry with each release"
                .to_string();
            cx.report_on_project("RELS001", "", message);
            return;
        };
        let Some((version, span)) =
            root_mix.and_then(|m| Some((m.version.clone()?, m.version_span?)))
        else {
            return;
        };
        // A development version (`1.9.0-dev`) sits between releases: nothing ships under it.
        if version.ends_with("-dev") {
            return;
        }
        let mentioned = cx
            .read(&changelog)
            .is_some_and(|text| mentions_version(&text, &version));
        if !mentioned {
            cx.report_at(
                "RELS002",
                "mix.exs",
                span,
                format!(
                    "version {version} is not in {changelog}: the release about to ship has no \
                     notes; add a `## {version}` entry"
                ),
            );
        }
    }
}

/// RELS003: with a change range, `lib/` changed but `mix.exs` declares the version it
/// declared at the base revision.
fn version_bump(project: &ProjectModel, cx: &mut ProjectContext) {
    let Some(range) = cx.git.and_then(|git| git.range.as_ref()) else {
        return;
    };
    let Some(root_mix) = cx.facts.mix.iter().find(|m| m.path == "mix.exs") else {
        return;
    };
    let (Some(version), Some(span)) = (&root_mix.version, root_mix.version_span) else {
        return;
    };
    let lib_changed = range
        .changed
        .iter()
        .find(|path| project.within_mix_project(path).1.starts_with("lib/"));
    let Some(changed) = lib_changed else {
        return;
    };
    let base_version = range.base_mix_exs.as_deref().and_then(|src| {
        let tree = crate::syntax::parse::parse(src).ok()?;
        let lines = crate::syntax::lines::LineIndex::new(src);
        crate::syntax::mix::facts(tree.root_node(), src, &lines).version
    });
    if base_version.as_ref() == Some(version) {
        let base = range.base.clone();
        cx.report_at(
            "RELS003",
            "mix.exs",
            span,
            format!(
                "lib/ changed since {base} (`{changed}`, …) but the version is still {version}: \
                 a release of different code under the same version cannot be told apart or \
                 rolled back to; bump `version` (and add its CHANGELOG entry)"
            ),
        );
    }
}

/// Whether `version` appears in `text` as a whole version (`1.2.0` is not in `11.2.0` or
/// `1.2.01`; `v1.2.0` and `[1.2.0]` count).
pub(super) fn mentions_version(text: &str, version: &str) -> bool {
    let continues = |c: Option<char>| c.is_some_and(|c| c.is_ascii_alphanumeric());
    text.match_indices(version).any(|(at, _)| {
        let before = text[..at].chars().next_back();
        let mut after = text[at + version.len()..].chars();
        let next = after.next();
        let digit_before = before.is_some_and(|c| c.is_ascii_digit() || c == '.');
        let more_version = matches!(next, Some('.' | '-'))
            && after.next().is_some_and(|c| c.is_ascii_alphanumeric());
        !digit_before && !continues(next) && !more_version
    })
}

#[cfg(test)]
mod tests {
    use super::mentions_version;

    #[test]
    fn versions_are_matched_whole() {
        assert!(mentions_version("## v1.2.0 (2024-01-01)\n", "1.2.0"));
        assert!(mentions_version("## [1.2.0] - 2024", "1.2.0"));
        assert!(mentions_version("Released 1.2.0.", "1.2.0"));
        assert!(!mentions_version("## 11.2.0\n", "1.2.0"));
        assert!(!mentions_version("## 1.2.01\n", "1.2.0"));
        assert!(!mentions_version("## 1.2.0.1\n", "1.2.0"));
        assert!(
            !mentions_version("## 1.2.0-rc.1\n", "1.2.0"),
            "a pre-release is another version"
        );
        assert!(mentions_version("## 1.2.0-rc.1\n", "1.2.0-rc.1"));
        assert!(!mentions_version("## 1.2.1\n", "1.2.0"));
    }
}

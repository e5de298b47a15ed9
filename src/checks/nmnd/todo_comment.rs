//! NMND001: a TODO in committed code is work the deploy ships unfinished; the tracker, not
//! the source, is where it is remembered.

use crate::checks::{Check, FileContext};
use tree_sitter::Node;

pub struct TodoComment;

const MARKERS: &[&str] = &["TODO", "FIXME", "XXX", "HACK"];

impl Check for TodoComment {
    fn rules(&self) -> &'static [&'static str] {
        &["NMND001"]
    }

    fn node_kinds(&self) -> &'static [&'static str] {
        &["comment"]
    }

    fn on_node(&self, node: Node, cx: &mut FileContext) {
        // Only comments: the parser already tells a `# TODO` inside a doc string or a string
        // (text, not a comment) from a real one.
        if let Some(marker) = marker_in(cx.text(node)) {
            cx.report(
                "NMND001",
                node,
                format!(
                    "`{marker}` comment: finish the work or track it in an issue, not in the code"
                ),
            );
        }
    }
}

/// The first marker that stands as a word in the comment (any letter case, an optional
/// colon after it): `# TODO: x`, `# todo x`, `# (FIXME)`. `TODOS`, `xxxx` and `hacky` are
/// other words.
fn marker_in(comment: &str) -> Option<&'static str> {
    let text = comment.trim_start_matches('#');
    // Quick reject: every marker contains one of these letters, in either case.
    if !text
        .bytes()
        .any(|b| matches!(b | 0x20, b't' | b'f' | b'x' | b'h'))
    {
        return None;
    }
    text.split(|c: char| !c.is_ascii_alphanumeric() && c != '_')
        .find_map(|word| {
            MARKERS
                .iter()
                .find(|m| word.eq_ignore_ascii_case(m))
                .copied()
        })
}

#[cfg(test)]
mod tests {
    use super::marker_in;

    #[test]
    fn markers_are_words_in_any_case() {
        for comment in [
            "# TODO: cache this",
            "# todo cache",
            "#FIXME",
            "# (XXX) why",
            "# hack: retry",
            "# see TODO.",
        ] {
            assert!(marker_in(comment).is_some(), "{comment}");
        }
        for comment in [
            "# TODOS are tracked in GitHub",
            "# xxxx-yyyy format",
            "# a hacky fix",
            "# nothing to do",
            "# doctrine:disable-next-line NMND001",
        ] {
            assert_eq!(marker_in(comment), None, "{comment}");
        }
    }
}

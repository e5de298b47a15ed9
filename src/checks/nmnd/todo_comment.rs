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
/// colon after it): `# TODO: x`, `# todo x`, `# (FIXME)`, `# TODO(jose): x`. `TODOS`, `xxxx`
/// and `hacky` are other words; a marker glued into a token is a placeholder or a name:
/// `#XXX` (a colour, an anchor), `XXX-XXX`, `TODO.md`, `fill=XXX`.
fn marker_in(comment: &str) -> Option<&'static str> {
    let text = comment.trim_start_matches('#');
    // Quick reject: every marker contains one of these letters, in either case.
    if !text
        .bytes()
        .any(|b| matches!(b | 0x20, b't' | b'f' | b'x' | b'h'))
    {
        return None;
    }
    let bytes = text.as_bytes();
    let is_word = |b: u8| b.is_ascii_alphanumeric() || b == b'_';
    let mut start = 0;
    while start < bytes.len() {
        if !is_word(bytes[start]) {
            start += 1;
            continue;
        }
        let end = start + bytes[start..].iter().take_while(|&&b| is_word(b)).count();
        let word = &text[start..end];
        let marker = MARKERS.iter().find(|m| word.eq_ignore_ascii_case(m));
        if let Some(marker) = marker
            && stands_alone(start.checked_sub(1).map(|i| bytes[i]), &bytes[end..])
        {
            return Some(marker);
        }
        start = end;
    }
    None
}

/// Whether a word with `before` ahead of it (`None`: the comment's start) and `after` behind
/// it is set off as a word of prose: by spaces, brackets, quotes or punctuation that ends it
/// (`TODO:`, `(HACK)`, `TODO.` at the end of a sentence), not joined to a token.
fn stands_alone(before: Option<u8>, after: &[u8]) -> bool {
    let opens = before.is_none_or(|b| {
        b.is_ascii_whitespace()
            || matches!(
                b,
                b'(' | b'[' | b'{' | b'"' | b'\'' | b'`' | b'*' | b'@' | b',' | b';' | b':'
            )
    });
    let closes = match after {
        [] => true,
        // `TODO.` ends a sentence; `TODO.md` is a file.
        [b'.', next, ..] => !next.is_ascii_alphanumeric(),
        [b, ..] => {
            b.is_ascii_whitespace()
                || matches!(
                    b,
                    b':' | b'('
                        | b')'
                        | b']'
                        | b'}'
                        | b','
                        | b'.'
                        | b';'
                        | b'!'
                        | b'?'
                        | b'"'
                        | b'\''
                        | b'`'
                        | b'*'
                )
        }
    };
    opens && closes
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
            "# TODO(jose): split",
            "#XXX: fix",
            "# XXX: fix",
            "# XXX",
            "# a note. FIXME!",
        ] {
            assert!(marker_in(comment).is_some(), "{comment}");
        }
        for comment in [
            "# TODOS are tracked in GitHub",
            "# xxxx-yyyy format",
            "# a hacky fix",
            "# nothing to do",
            "# doctrine:disable-next-line NMND001",
            "# Convert style=\"fill: #XXX;\" to fill=\"#XXX\"",
            "# colours are #XXXXXX or #XXX",
            "# codes look like XXX-XXX",
            "# see TODO.md for the plan",
            "# the path/TODO/ folder",
        ] {
            assert_eq!(marker_in(comment), None, "{comment}");
        }
    }
}

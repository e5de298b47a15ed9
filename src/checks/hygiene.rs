//! HYGIENE003 conflict-marker: the markers an unfinished merge leaves, in any text file the
//! project ships (Elixir files included).

use crate::checks::{Check, FileContext};
use memchr::memmem;
use std::sync::LazyLock;

pub struct ConflictMarker;

const RULE: &str = "HYGIENE003";

/// Git writes `<<<<<<< ours`, `||||||| base` (diff3), `=======` and `>>>>>>> theirs`.
const OPENING: &[u8] = b"<<<<<<<";
const CLOSING: &[u8] = b">>>>>>>";
const BASE: &[u8] = b"|||||||";
const SEPARATOR: &[u8] = b"=======";

impl Check for ConflictMarker {
    fn rules(&self) -> &'static [&'static str] {
        &[RULE]
    }

    fn wants_text_files(&self) -> bool {
        true
    }

    fn wants_elixir_text(&self) -> bool {
        true
    }

    fn on_text_file(&self, cx: &mut FileContext) {
        let markers = conflict_markers(cx.src);
        for (start, end) in markers {
            if cx.root.is_some_and(|root| in_literal(root, start)) {
                continue;
            }
            let line = cx.src[start..end].trim_end();
            let shown: String = line.chars().take(40).collect();
            cx.report_range(
                RULE,
                start,
                end,
                format!(
                    "merge conflict marker `{shown}`: the merge was committed unresolved; keep \
                     the right side, delete the markers"
                ),
            );
        }
    }
}

/// The byte ranges (without the newline) of the conflict-marker lines of `text`: lines that
/// start with `<<<<<<< `, `>>>>>>> ` or `||||||| ` (or are just the seven characters), and
/// lines that are exactly `=======` — the last only in a file that has an opening or
/// closing marker too, since a Markdown or reStructuredText heading is underlined the same way.
pub fn conflict_markers(text: &str) -> Vec<(usize, usize)> {
    let bytes = text.as_bytes();
    // Every conflict has an opening or a closing marker: two searches decide for almost
    // every file, with searchers built once.
    static EDGES: LazyLock<[memmem::Finder<'static>; 2]> =
        LazyLock::new(|| [memmem::Finder::new(OPENING), memmem::Finder::new(CLOSING)]);
    if EDGES.iter().all(|edge| edge.find(bytes).is_none()) {
        return Vec::new();
    }
    let starts_line = |at: usize| at == 0 || bytes[at - 1] == b'\n';
    let line_end = |at: usize| memchr::memchr(b'\n', &bytes[at..]).map_or(bytes.len(), |n| at + n);
    let mut found = Vec::new();
    for marker in [OPENING, CLOSING, BASE] {
        for at in memmem::find_iter(bytes, marker) {
            let after = bytes.get(at + marker.len()).copied();
            if starts_line(at) && matches!(after, None | Some(b' ' | b'\n' | b'\r')) {
                found.push((at, line_end(at)));
            }
        }
    }
    if found.is_empty() {
        return found;
    }
    for at in memmem::find_iter(bytes, SEPARATOR) {
        let end = line_end(at);
        if starts_line(at) && text[at..end].trim_end() == "=======" {
            found.push((at, end));
        }
    }
    found.sort();
    found.dedup();
    found
}

/// Whether `byte` lies inside a string, charlist, sigil or comment of the parsed file: a
/// test that writes a conflict on purpose holds the markers in a heredoc.
fn in_literal(root: tree_sitter::Node, byte: usize) -> bool {
    let mut node = root.descendant_for_byte_range(byte, byte + 1);
    while let Some(n) = node {
        if matches!(
            n.kind(),
            "string" | "charlist" | "sigil" | "comment" | "quoted_content"
        ) {
            return true;
        }
        node = n.parent();
    }
    false
}

#[cfg(test)]
mod tests {
    use super::conflict_markers;

    fn lines(text: &str) -> Vec<&str> {
        conflict_markers(text)
            .into_iter()
            .map(|(s, e)| &text[s..e])
            .collect()
    }

    #[test]
    fn finds_every_marker_of_a_conflict() {
        let text =
            "a\n<<<<<<< HEAD\nours\n||||||| base\nold\n=======\ntheirs\n>>>>>>> feature\nb\n";
        assert_eq!(
            lines(text),
            ["<<<<<<< HEAD", "||||||| base", "=======", ">>>>>>> feature"]
        );
        assert_eq!(lines("x\r\n<<<<<<<\r\n"), ["<<<<<<<\r"]);
    }

    #[test]
    fn headings_and_operators_are_not_markers() {
        assert!(
            lines("Title\n=======\n\nText\n").is_empty(),
            "a setext heading"
        );
        assert!(
            lines("x = 1 <<<<<<< y\n").is_empty(),
            "not at the start of a line"
        );
        assert!(lines("<<<<<<<<<<\n").is_empty(), "a longer run");
        assert!(lines("<<<<<<<x\n").is_empty());
    }
}

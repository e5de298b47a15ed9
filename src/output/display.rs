//! What human-readable output may print of a file: control characters never reach the
//! terminal (a crafted file name or line could set the window title, clear the screen or
//! hide text in a CI log), and snippets are cut from a window around the finding, found
//! through the line index, so rendering stays linear in the number of findings.

use crate::syntax::lines::{LineIndex, column_at};
use miette::{MietteError, MietteSpanContents, SourceCode, SourceSpan, SpanContents};
use std::borrow::Cow;

/// Lines longer than this are not shown in a snippet (minified or generated code).
pub const MAX_SNIPPET_LINE_BYTES: usize = 1_000;

/// `text` with every control character (C0 except tab, DEL, C1) and every bidirectional
/// override shown as a `\u{…}` escape; newlines too, so a name stays on one line.
pub fn escape(text: &str) -> Cow<'_, str> {
    if !text.chars().any(is_dangerous) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if is_dangerous(c) {
            out.push_str(&format!("\\u{{{:x}}}", c as u32));
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

fn is_dangerous(c: char) -> bool {
    (c.is_control() && c != '\t') || is_bidi_control(c)
}

/// Characters that reorder how text is displayed ("Trojan Source").
fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' | '\u{200e}' | '\u{200f}')
}

/// A file's text as a snippet source: dangerous characters replaced by `?` of the same byte
/// length (so byte offsets still point at the same code; CRLF line ends are kept), with the
/// same line index every other format uses.
pub struct DisplaySource {
    name: String,
    text: String,
    starts: Vec<usize>,
}

impl DisplaySource {
    pub fn new(name: String, original: &str) -> DisplaySource {
        let mut text = String::with_capacity(original.len());
        let mut chars = original.chars().peekable();
        while let Some(c) = chars.next() {
            let keep = match c {
                '\n' | '\t' => true,
                '\r' => chars.peek() == Some(&'\n'),
                c => !is_dangerous(c),
            };
            if keep {
                text.push(c);
            } else {
                text.extend(std::iter::repeat_n('?', c.len_utf8()));
            }
        }
        let starts = LineIndex::new(&text).starts().to_vec();
        DisplaySource {
            name: escape(&name).into_owned(),
            text,
            starts,
        }
    }

    fn line_of(&self, byte: usize) -> usize {
        self.starts
            .partition_point(|&s| s <= byte)
            .saturating_sub(1)
    }

    /// Byte range of 0-based `line`, including its line break.
    fn line_range(&self, line: usize) -> (usize, usize) {
        let start = self.starts[line];
        let end = self
            .starts
            .get(line + 1)
            .copied()
            .unwrap_or(self.text.len());
        (start, end)
    }

    fn line_len(&self, line: usize) -> usize {
        let (start, end) = self.line_range(line);
        end - start
    }

    /// Whether every line the byte range touches is short enough to show.
    pub fn showable(&self, start: usize, end: usize) -> bool {
        let first = self.line_of(start);
        let last = self.line_of(end.saturating_sub(1).max(start));
        (first..=last).all(|line| self.line_len(line) <= MAX_SNIPPET_LINE_BYTES)
    }
}

impl SourceCode for DisplaySource {
    fn read_span<'a>(
        &'a self,
        span: &SourceSpan,
        context_lines_before: usize,
        context_lines_after: usize,
    ) -> Result<Box<dyn SpanContents<'a> + 'a>, MietteError> {
        let start = span.offset();
        let end = start + span.len();
        if end > self.text.len() {
            return Err(MietteError::OutOfBounds);
        }
        let first = self.line_of(start);
        let last = self.line_of(end.saturating_sub(1).max(start));
        // Context lines stop at the first line too long to show.
        let mut from = first;
        while from > 0
            && first - from < context_lines_before
            && self.line_len(from - 1) <= MAX_SNIPPET_LINE_BYTES
        {
            from -= 1;
        }
        let mut to = last;
        while to + 1 < self.starts.len()
            && to - last < context_lines_after
            && self.line_len(to + 1) <= MAX_SNIPPET_LINE_BYTES
        {
            to += 1;
        }
        // As miette's own sources do: without context the data starts at the span, and the
        // column is the span's (counted in characters, like every other format).
        let (data_start, column) = if context_lines_before == 0 {
            (start, column_at(&self.text, self.starts[first], start))
        } else {
            (self.starts[from], 0)
        };
        let data_end = self.line_range(to).1.max(end);
        let data = &self.text.as_bytes()[data_start..data_end];
        Ok(Box::new(MietteSpanContents::new_named(
            self.name.clone(),
            data,
            (data_start, data_end - data_start).into(),
            if context_lines_before == 0 {
                first
            } else {
                from
            },
            column,
            to - from + 1,
        )))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn control_characters_are_escaped() {
        assert_eq!(escape("lib/a.ex"), "lib/a.ex");
        assert_eq!(
            escape("lib/\u{1b}]0;pwned\u{7}.ex"),
            "lib/\\u{1b}]0;pwned\\u{7}.ex"
        );
        assert_eq!(escape("a\nb\rc"), "a\\u{a}b\\u{d}c");
        assert_eq!(escape("x\u{202e}y"), "x\\u{202e}y");
        assert_eq!(escape("tab\tok é"), "tab\tok é");
    }

    #[test]
    fn display_text_keeps_offsets_and_line_ends() {
        let source = DisplaySource::new("a.ex".into(), "a\u{1b}[2J\r\nb\rc\u{85}d\n");
        assert_eq!(source.text, "a?[2J\r\nb?c??d\n");
        assert_eq!(source.text.len(), "a\u{1b}[2J\r\nb\rc\u{85}d\n".len());
    }

    #[test]
    fn spans_are_read_from_a_window_with_character_columns() {
        let text = "é = 1\nab = String.to_atom(x)\nc = 3\nd = 4\n";
        let source = DisplaySource::new("a.ex".into(), text);
        let start = text.find("String").unwrap();
        let span: SourceSpan = (start, 6).into();
        let primary = source.read_span(&span, 0, 0).unwrap();
        assert_eq!((primary.line(), primary.column()), (1, 5));
        let context = source.read_span(&span, 1, 1).unwrap();
        assert_eq!(context.line(), 0);
        assert_eq!(
            std::str::from_utf8(context.data()).unwrap(),
            "é = 1\nab = String.to_atom(x)\nc = 3\n"
        );
        let long = format!("{}\nx = String.to_atom(y)\n", "a".repeat(5_000));
        let source = DisplaySource::new("b.ex".into(), &long);
        let start = long.find("String").unwrap();
        let context = source.read_span(&(start, 6).into(), 2, 2).unwrap();
        assert_eq!(
            context.line(),
            1,
            "the long line is left out of the context"
        );
        assert!(!source.showable(0, 10));
        assert!(source.showable(start, start + 6));
    }
}

//! Byte offsets to 1-based lines and columns: line starts computed once per file.

use crate::finding::Span;

/// Byte offset ↔ line/column conversions for one file.
pub struct LineIndex<'s> {
    src: &'s str,
    starts: Vec<usize>,
}

impl<'s> LineIndex<'s> {
    pub fn new(src: &'s str) -> Self {
        // One vectorised pass for the line breaks; a line's text is sliced when asked for.
        let mut starts = Vec::with_capacity(src.len() / 32 + 1);
        starts.push(0);
        starts.extend(memchr::memchr_iter(b'\n', src.as_bytes()).map(|i| i + 1));
        LineIndex { src, starts }
    }

    /// The text of the 0-based `line`, without its line break (`\n` or `\r\n`); `None`
    /// past the last line.
    pub fn line(&self, line: usize) -> Option<&'s str> {
        let start = *self.starts.get(line)?;
        let end = self
            .starts
            .get(line + 1)
            .map_or(self.src.len(), |next| next - 1);
        let text = self.src.get(start..end)?;
        Some(text.strip_suffix('\r').unwrap_or(text))
    }

    /// The number of lines, the last one included even when empty (never 0).
    pub fn line_count(&self) -> usize {
        self.starts.len()
    }

    /// Every line's text, in order.
    pub fn iter(&self) -> impl Iterator<Item = &'s str> + '_ {
        (0..self.line_count()).filter_map(|i| self.line(i))
    }

    /// Byte offset where each line starts.
    pub fn starts(&self) -> &[usize] {
        &self.starts
    }

    /// Lines as an editor counts them (a trailing newline does not start a new line).
    pub fn count(&self) -> usize {
        let lines = self.line_count();
        match self.line(lines - 1) {
            Some("") => lines - 1,
            _ => lines,
        }
    }

    /// Byte offset where the 0-based `line` starts (the end of the text past the last line).
    pub fn start_of(&self, line: usize) -> usize {
        self.starts.get(line).copied().unwrap_or(usize::MAX)
    }

    /// 0-based line of a byte offset.
    pub fn line_of(&self, byte: usize) -> usize {
        self.starts
            .partition_point(|&s| s <= byte)
            .saturating_sub(1)
    }

    /// The span of `start..end`, the one position computation every format uses. A
    /// trailing `\r` (the first half of a CRLF line end) is not part of a span.
    pub fn span(&self, src: &str, start: usize, end: usize) -> Span {
        self.spans(src).span(start, end)
    }

    /// The span of `start..end` cut at the end of its first line: a finding points at
    /// `pipeline :browser do` or at a dependency's tuple, not at the whole construct.
    pub fn first_line_span(&self, src: &str, start: usize, end: usize) -> Span {
        let line = self.line_of(start);
        let line_end = self.start_of(line) + self.line(line).map_or(0, str::len);
        self.span(src, start, end.min(line_end.max(start)))
    }

    /// A span maker that remembers where it last counted columns, so the spans of many
    /// findings on one long line cost the line's length once, not once per finding. Spans
    /// asked for in increasing order are cheapest; any order is correct.
    pub fn spans<'a>(&'a self, src: &'a str) -> Spans<'a, 's> {
        Spans {
            index: self,
            src,
            starts: Cursor::default(),
            ends: Cursor::default(),
        }
    }
}

/// See `LineIndex::spans`.
pub struct Spans<'a, 's> {
    index: &'a LineIndex<'s>,
    src: &'a str,
    starts: Cursor,
    ends: Cursor,
}

/// The last position counted: 0-based line, byte and column.
#[derive(Default, Clone, Copy)]
struct Cursor {
    line: usize,
    byte: usize,
    column: usize,
}

impl Spans<'_, '_> {
    pub fn span(&mut self, start: usize, end: usize) -> Span {
        let src = self.src;
        let mut end = end.max(start).min(src.len());
        let start = start.min(end);
        if end > start && src.as_bytes()[end - 1] == b'\r' {
            end -= 1;
        }
        let (start_line, start_column) = position(self.index, src, &mut self.starts, start);
        let (end_line, end_column) = position(self.index, src, &mut self.ends, end);
        Span {
            start_line,
            start_column,
            end_line,
            end_column,
            start_byte: start,
            end_byte: end,
        }
    }
}

/// 1-based line and column of `byte`, counting on from `cursor` when it is on the same line
/// and not past `byte`.
fn position(index: &LineIndex, src: &str, cursor: &mut Cursor, byte: usize) -> (u32, u32) {
    let line = index.line_of(byte);
    let column = if line == cursor.line && cursor.byte <= byte && cursor.byte != 0 {
        cursor.column + src.get(cursor.byte..byte).map_or(0, |s| s.chars().count())
    } else {
        column_at(src, index.starts[line], byte)
    };
    *cursor = Cursor { line, byte, column };
    (line as u32 + 1, column as u32 + 1)
}

/// The 0-based column of `byte` in the line starting at `line_start`, in characters, as
/// editors count them: a byte-order mark at the start of the file is not a column.
pub fn column_at(src: &str, line_start: usize, byte: usize) -> usize {
    let text = src.get(line_start..byte).unwrap_or("");
    let bom = line_start == 0 && text.starts_with('\u{feff}');
    text.chars().count() - usize::from(bom)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Breaks at every place a 64-byte block can put them: first, last, adjacent, none.
    #[test]
    fn line_starts_are_every_byte_after_a_break() {
        let mut sources = vec![String::new(), "\n".repeat(130), "x".repeat(200)];
        for at in [0, 1, 62, 63, 64, 65, 127, 128, 129] {
            let mut src = "é".repeat(100);
            src.insert(at - at % 2, '\n');
            sources.push(src);
        }
        sources.push(
            (0..300)
                .map(|i| if i % 7 == 0 { '\n' } else { 'a' })
                .collect(),
        );
        for src in &sources {
            let expected: Vec<usize> = std::iter::once(0)
                .chain(
                    src.bytes()
                        .enumerate()
                        .filter(|&(_, b)| b == b'\n')
                        .map(|(i, _)| i + 1),
                )
                .collect();
            assert_eq!(LineIndex::new(src).starts, expected, "{src:?}");
        }
    }

    #[test]
    fn positions_count_characters_and_ignore_a_bom_and_a_crlf_end() {
        let src = "\u{feff}ab\r\n\"ééé\" <> x # c\r\n";
        let lines = LineIndex::new(src);
        let a = src.find('a').unwrap();
        assert_eq!(
            lines.span(src, a, a + 1).start_column,
            1,
            "the BOM is not a column"
        );
        let x = src.find('x').unwrap();
        let span = lines.span(src, x, x + 1);
        assert_eq!((span.start_line, span.start_column), (2, 10));
        let comment = src.find('#').unwrap();
        let span = lines.span(src, comment, src.len() - 1);
        assert_eq!(
            (span.end_line, span.end_column),
            (2, 15),
            "the CR is not in the span"
        );
    }

    #[test]
    fn remembered_columns_agree_with_counting_afresh_in_any_order() {
        let src = "\u{feff}é = [a, bé, c]\nxé = [d, é, f]\n";
        let lines = LineIndex::new(src);
        let offsets: Vec<usize> = src.char_indices().map(|(i, _)| i).collect();
        let mut spans = lines.spans(src);
        for &a in offsets
            .iter()
            .chain(offsets.iter().rev())
            .chain(offsets.iter().step_by(3))
        {
            let fresh = lines.spans(src).span(a, a);
            assert_eq!(spans.span(a, a), fresh, "at byte {a}");
        }
    }
}

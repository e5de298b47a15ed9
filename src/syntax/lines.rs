//! Byte offsets to 1-based lines and columns: line starts computed once per file.

use crate::finding::Span;

/// Byte offset ↔ line/column conversions for one file.
pub struct LineIndex<'s> {
    starts: Vec<usize>,
    pub lines: Vec<&'s str>,
}

impl<'s> LineIndex<'s> {
    pub fn new(src: &'s str) -> Self {
        let mut starts = vec![0];
        starts.extend(src.match_indices('\n').map(|(i, _)| i + 1));
        let lines = src
            .split('\n')
            .map(|l| l.strip_suffix('\r').unwrap_or(l))
            .collect();
        LineIndex { starts, lines }
    }

    /// Lines as an editor counts them (a trailing newline does not start a new line).
    pub fn count(&self) -> usize {
        match self.lines.last() {
            Some(&"") => self.lines.len() - 1,
            _ => self.lines.len(),
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

    fn position(&self, src: &str, byte: usize) -> (u32, u32) {
        let line = self.line_of(byte);
        let start = self.starts[line];
        let column = src.get(start..byte).map_or(0, |s| s.chars().count());
        (line as u32 + 1, column as u32 + 1)
    }

    pub fn span(&self, src: &str, start: usize, end: usize) -> Span {
        let (start_line, start_column) = self.position(src, start);
        let (end_line, end_column) = self.position(src, end.max(start));
        Span {
            start_line,
            start_column,
            end_line,
            end_column,
            start_byte: start,
            end_byte: end.max(start),
        }
    }
}

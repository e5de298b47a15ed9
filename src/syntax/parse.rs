//! The one parser: tree-sitter-elixir, one `Parser` per thread, with a work budget.
//!
//! tree-sitter's error recovery can take far longer than the input's size suggests on
//! adversarial text (unclosed blocks, odd line endings). Every parse is therefore bounded: by
//! parser operations (counted through the progress callback, so the bound is deterministic;
//! real code stays under 0.05 callbacks per byte, the budget allows 0.25) and, as a safety
//! net for recovery work the operation count does not see, by wall-clock time (one second
//! plus two seconds per MiB). A file over budget is not analysed; the caller reports it.

use std::cell::RefCell;
use std::ops::ControlFlow;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};
use tree_sitter::{Language, ParseOptions, Parser, Tree};

pub fn language() -> Language {
    tree_sitter_elixir::LANGUAGE.into()
}

thread_local! {
    static PARSER: RefCell<Option<Parser>> = const { RefCell::new(None) };
}

/// Progress callbacks (one per 100 parser operations) allowed before any byte is counted.
const BASE_CALLBACKS: u64 = 2_000;
/// Progress callbacks allowed per byte of input.
const CALLBACKS_PER_BYTE: f64 = 0.25;
const BASE_TIME: Duration = Duration::from_secs(1);
/// Time allowed per MiB of input on top of `BASE_TIME`.
const TIME_PER_MIB: Duration = Duration::from_secs(2);

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ParseFailure {
    /// The work budget ran out.
    Budget,
    /// tree-sitter returned no tree.
    GaveUp,
}

static NO_DEADLINE: AtomicBool = AtomicBool::new(false);

/// Keep only the deterministic operation budget. For profiling under an instruction counter
/// (callgrind runs code ~50× slower, so the wall-clock safety net would cancel real parses);
/// the engine benchmark calls it.
pub fn disable_deadline() {
    NO_DEADLINE.store(true, Ordering::Relaxed);
}

/// Parse with this thread's parser (created on first use), within the work budget.
pub fn parse(src: &str) -> Result<Tree, ParseFailure> {
    let bytes = src.len() as f64;
    let max_callbacks = BASE_CALLBACKS + (bytes * CALLBACKS_PER_BYTE) as u64;
    let deadline = (!NO_DEADLINE.load(Ordering::Relaxed))
        .then(|| Instant::now() + BASE_TIME + TIME_PER_MIB.mul_f64(bytes / 1_048_576.0));
    parse_within(src, max_callbacks, deadline)
}

fn parse_within(
    src: &str,
    max_callbacks: u64,
    deadline: Option<Instant>,
) -> Result<Tree, ParseFailure> {
    PARSER.with(|cell| {
        let mut slot = cell.borrow_mut();
        let parser = slot.get_or_insert_with(|| {
            let mut parser = Parser::new();
            parser
                .set_language(&language())
                .expect("tree-sitter-elixir matches the tree-sitter ABI");
            parser
        });
        let mut callbacks = 0u64;
        let mut over_budget = false;
        let mut progress = |_: &tree_sitter::ParseState| {
            callbacks += 1;
            // The clock is read every 64 callbacks only: it costs more than the count.
            let late = || deadline.is_some_and(|d| Instant::now() > d);
            if callbacks > max_callbacks || (callbacks.is_multiple_of(64) && late()) {
                over_budget = true;
                return ControlFlow::Break(());
            }
            ControlFlow::Continue(())
        };
        let options = ParseOptions::new().progress_callback(&mut progress);
        let bytes = src.as_bytes();
        let tree = parser.parse_with_options(
            &mut |offset, _| bytes.get(offset..).unwrap_or(&[]),
            None,
            Some(options),
        );
        // A cancelled parse leaves state behind; the next parse must start afresh.
        parser.reset();
        match tree {
            Some(tree) if !over_budget => Ok(tree),
            _ if over_budget => Err(ParseFailure::Budget),
            _ => Err(ParseFailure::GaveUp),
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn real_code_is_well_within_the_budget() {
        let src = "defmodule A do\n  def f(x), do: x + 1\nend\n".repeat(200);
        assert!(parse(&src).is_ok());
    }

    #[test]
    fn a_parse_over_its_budget_is_cancelled_and_the_parser_recovers() {
        let src = "defmodule A do\n  def f(x) do\n    fn ->\n".repeat(2_000);
        assert_eq!(
            parse_within(&src, 3, None).err(),
            Some(ParseFailure::Budget)
        );
        assert_eq!(
            parse_within(&src, u64::MAX, Some(Instant::now())).err(),
            Some(ParseFailure::Budget),
            "an expired deadline cancels too"
        );
        assert!(
            parse("defmodule B do\nend\n").is_ok(),
            "the next parse starts afresh"
        );
    }
}

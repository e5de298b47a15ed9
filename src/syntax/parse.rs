//! The one parser: tree-sitter-elixir, one `Parser` per thread.

use std::cell::RefCell;
use tree_sitter::{Language, Parser, Tree};

pub fn language() -> Language {
    tree_sitter_elixir::LANGUAGE.into()
}

thread_local! {
    static PARSER: RefCell<Option<Parser>> = const { RefCell::new(None) };
}

/// Parse with this thread's parser (created on first use).
pub fn parse(src: &str) -> Option<Tree> {
    PARSER.with(|cell| {
        let mut slot = cell.borrow_mut();
        let parser = slot.get_or_insert_with(|| {
            let mut parser = Parser::new();
            parser
                .set_language(&language())
                .expect("tree-sitter-elixir matches the tree-sitter ABI");
            parser
        });
        parser.parse(src, None)
    })
}

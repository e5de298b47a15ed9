//! Node kinds the engine reacts to, looked up by kind id. Comparing ids is a table lookup;
//! `Node::kind()` goes through a C string on every call.

use std::sync::LazyLock;
use tree_sitter::Node;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Call,
    Arguments,
    DoBlock,
    AnonymousFunction,
    UnaryOperator,
    BinaryOperator,
    Comment,
    Other,
}

/// Indexed by kind id. Several ids may share a name (aliases); each maps by its name.
static KINDS: LazyLock<Vec<Kind>> = LazyLock::new(|| {
    let language = super::parse::language();
    (0..language.node_kind_count())
        .map(|id| match language.node_kind_for_id(id as u16) {
            Some("call") => Kind::Call,
            Some("arguments") => Kind::Arguments,
            Some("do_block") => Kind::DoBlock,
            Some("anonymous_function") => Kind::AnonymousFunction,
            Some("unary_operator") => Kind::UnaryOperator,
            Some("binary_operator") => Kind::BinaryOperator,
            Some("comment") => Kind::Comment,
            _ => Kind::Other,
        })
        .collect()
});

/// The kind of `node` (ERROR nodes, whose id is outside the table, are `Other`).
pub fn kind(node: Node) -> Kind {
    KINDS
        .get(node.kind_id() as usize)
        .copied()
        .unwrap_or(Kind::Other)
}

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
    Alias,
    Identifier,
    Dot,
    /// A string, charlist, sigil, quoted atom or quoted keyword: text between delimiters,
    /// with code only inside its interpolations.
    Quoted,
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
            Some("alias") => Kind::Alias,
            Some("identifier") => Kind::Identifier,
            Some("dot") => Kind::Dot,
            Some("string" | "charlist" | "sigil" | "quoted_atom" | "quoted_keyword") => {
                Kind::Quoted
            }
            _ => Kind::Other,
        })
        .collect()
});

/// The kind of `node` (ERROR nodes, whose id is outside the table, are `Other`).
pub fn kind(node: Node) -> Kind {
    kind_of_id(node.kind_id())
}

/// The kind of a node whose kind id is known (`Node::kind_id`).
pub fn kind_of_id(id: u16) -> Kind {
    KINDS.get(id as usize).copied().unwrap_or(Kind::Other)
}

/// The grammar's field names and ids, read once. `Node::child_by_field_name` looks the name
/// up among all of the language's field names with `strncmp` on every call, and the walk
/// asks for fields at almost every node.
static FIELD_IDS: LazyLock<Vec<(String, u16)>> = LazyLock::new(|| {
    let language = super::parse::language();
    (1..=language.field_count() as u16)
        .filter_map(|id| {
            language
                .field_name_for_id(id)
                .map(|name| (name.to_string(), id))
        })
        .collect()
});

/// `child_by_field_name` through the cached field ids.
pub trait Fields<'t> {
    fn field(&self, name: &str) -> Option<Node<'t>>;
}

impl<'t> Fields<'t> for Node<'t> {
    fn field(&self, name: &str) -> Option<Node<'t>> {
        let (_, id) = FIELD_IDS.iter().find(|(n, _)| *n == name)?;
        self.child_by_field_id(*id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_resolve_like_child_by_field_name() {
        let src = "a = Mod.f(x)\n@attr 1\nb =\n  # why\n  c\n";
        let tree = super::super::parse::parse(src).unwrap();
        let root = tree.root_node();
        let matched = root.named_child(0).unwrap();
        for name in ["left", "right", "operator"] {
            assert_eq!(
                matched.field(name),
                matched.child_by_field_name(name),
                "{name}"
            );
        }
        let call = matched.field("right").unwrap();
        assert_eq!(call.field("target"), call.child_by_field_name("target"));
        let dot = call.field("target").unwrap();
        assert_eq!(dot.field("right"), dot.child_by_field_name("right"));
        let attribute = root.named_child(1).unwrap();
        assert_eq!(
            attribute.field("operand"),
            attribute.child_by_field_name("operand")
        );
        let commented = root.named_child(2).unwrap();
        assert_eq!(
            commented.field("right"),
            commented.child_by_field_name("right")
        );
        assert_eq!(matched.field("no_such_field"), None);
    }
}

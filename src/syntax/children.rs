//! A node's named children in one pass.
//!
//! `Node::named_child(i)` starts from the first child on every call and a `TreeCursor`
//! re-derives its position on every move: several hundred instructions per child either
//! way, most of the walk's cost. `native/children.c` lists them all in one pass over the
//! parent's children, through tree-sitter's own tree layout.

use std::mem::MaybeUninit;
use tree_sitter::{Node, ffi};

unsafe extern "C" {
    fn doctrine_named_children(parent: ffi::TSNode, out: *mut ffi::TSNode, capacity: u32) -> u32;
    fn doctrine_child(
        parent: ffi::TSNode,
        index: u32,
        named_only: bool,
        out: *mut ffi::TSNode,
    ) -> bool;
}

/// `parent.named_child(index)`, found in one descent.
pub fn named_child_at(parent: Node<'_>, index: u32) -> Option<Node<'_>> {
    child_in(parent, index, true)
}

/// `parent.child(index)` (punctuation and keywords included), found in one descent.
pub fn child_at(parent: Node<'_>, index: u32) -> Option<Node<'_>> {
    child_in(parent, index, false)
}

fn child_in(parent: Node<'_>, index: u32, named_only: bool) -> Option<Node<'_>> {
    let mut found = MaybeUninit::<ffi::TSNode>::uninit();
    // SAFETY: the C side writes `found` only when it returns true, and what it writes is a
    // node of `parent`'s tree, read back as a `Node` living as long as that tree.
    unsafe {
        doctrine_child(parent.into_raw(), index, named_only, found.as_mut_ptr())
            .then(|| Node::from_raw(found.assume_init()))
    }
}

/// Append the named children of `parent` to `out`, in order: the nodes
/// `parent.named_child(0..parent.named_child_count())` returns.
pub fn append_named_children<'t>(parent: Node<'t>, out: &mut Vec<Node<'t>>) {
    let expected = parent.named_child_count();
    if expected == 0 {
        return;
    }
    out.reserve(expected);
    let start = out.len();
    // SAFETY: `Node` is a transparent wrapper of `ffi::TSNode`, so the spare capacity
    // reserved above holds `expected` of them. The C side writes at most `capacity` nodes,
    // each a node of `parent`'s tree (so valid for `'t`), and returns how many it found;
    // only those it wrote are made part of the vector.
    let found = unsafe {
        let spare = out.as_mut_ptr().add(start).cast::<ffi::TSNode>();
        let found = doctrine_named_children(parent.into_raw(), spare, expected as u32) as usize;
        out.set_len(start + found.min(expected));
        found
    };
    // The parent's count and the listing come from the same tree: they always agree. Were a
    // tree-sitter upgrade to break that, the walk would still see every child.
    if found != expected {
        out.truncate(start);
        out.extend((0..expected).filter_map(|i| parent.named_child(i as u32)));
    }
}

/// Most nodes have a few named children: this many are listed on the stack.
const ON_STACK: usize = 8;

/// The first named child of `parent` that `wanted` accepts.
pub fn first_named_child<'t>(
    parent: Node<'t>,
    wanted: impl Fn(Node<'t>) -> bool,
) -> Option<Node<'t>> {
    with_named_children(parent, |children| {
        children.iter().copied().find(|c| wanted(*c))
    })
}

/// The last named child of `parent` that `wanted` accepts.
pub fn last_named_child<'t>(
    parent: Node<'t>,
    wanted: impl Fn(Node<'t>) -> bool,
) -> Option<Node<'t>> {
    with_named_children(parent, |children| {
        children.iter().rev().copied().find(|c| wanted(*c))
    })
}

/// Call `f` with the named children of `parent`, in order, without allocating for a node
/// with few of them.
fn with_named_children<'t, R>(parent: Node<'t>, f: impl FnOnce(&[Node<'t>]) -> R) -> R {
    let expected = parent.named_child_count();
    if expected <= ON_STACK {
        let mut listed = [MaybeUninit::<ffi::TSNode>::uninit(); ON_STACK];
        // SAFETY: the C side writes at most `ON_STACK` nodes of `parent`'s tree and returns
        // how many it found; only a complete listing of written nodes is read, as `Node`s
        // (a transparent wrapper of `ffi::TSNode`) living as long as the tree.
        unsafe {
            let found = doctrine_named_children(
                parent.into_raw(),
                listed.as_mut_ptr().cast(),
                ON_STACK as u32,
            ) as usize;
            if found == expected {
                return f(std::slice::from_raw_parts(
                    listed.as_ptr().cast::<Node<'t>>(),
                    found,
                ));
            }
        }
    }
    let mut listed = Vec::new();
    append_named_children(parent, &mut listed);
    f(&listed)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::syntax::parse::parse;
    use crate::syntax::walk::tests::{SNIPPETS, fixture_sources};

    fn same_node(a: Node, b: Node) -> bool {
        a.id() == b.id()
            && a.kind_id() == b.kind_id()
            && a.grammar_id() == b.grammar_id()
            && a.start_byte() == b.start_byte()
            && a.end_byte() == b.end_byte()
            && a.start_position() == b.start_position()
            && a.end_position() == b.end_position()
            && a.is_named() == b.is_named()
    }

    /// Every node of every fixture and snippet (error recovery included): the one-pass
    /// listing is the by-index one, node for node, position for position.
    #[test]
    fn the_one_pass_listing_is_named_child_by_index() {
        let mut sources: Vec<String> = fixture_sources();
        sources.extend(SNIPPETS.iter().map(|s| s.to_string()));
        let mut compared = 0;
        for src in &sources {
            let Ok(tree) = parse(src) else { continue };
            let mut cursor = tree.walk();
            let mut stack = vec![tree.root_node()];
            while let Some(node) = stack.pop() {
                let mut listed = Vec::new();
                append_named_children(node, &mut listed);
                let by_index: Vec<Node> = (0..node.named_child_count() as u32)
                    .filter_map(|i| node.named_child(i))
                    .collect();
                assert_eq!(listed.len(), by_index.len(), "{}", node.to_sexp());
                with_named_children(node, |on_stack| {
                    assert_eq!(on_stack.len(), listed.len());
                    assert!(on_stack.iter().zip(&listed).all(|(a, b)| same_node(*a, *b)));
                });
                for (a, b) in listed.iter().zip(&by_index) {
                    assert!(same_node(*a, *b), "{} vs {}", a.to_sexp(), b.to_sexp());
                }
                compared += listed.len();
                stack.extend(node.children(&mut cursor));
            }
        }
        assert!(compared > 5_000, "compared {compared} children");
    }

    /// The same comparison for the indexed lookups, at every index and one past the end.
    #[test]
    fn the_indexed_lookups_are_tree_sitters() {
        let mut sources: Vec<String> = fixture_sources();
        sources.extend(SNIPPETS.iter().map(|s| s.to_string()));
        let mut compared = 0;
        for src in &sources {
            let Ok(tree) = parse(src) else { continue };
            let mut cursor = tree.walk();
            let mut stack = vec![tree.root_node()];
            while let Some(node) = stack.pop() {
                for i in 0..=node.named_child_count() as u32 {
                    let ours = named_child_at(node, i);
                    assert_eq!(ours.is_some(), node.named_child(i).is_some());
                    if let (Some(a), Some(b)) = (ours, node.named_child(i)) {
                        assert!(same_node(a, b), "{} vs {}", a.to_sexp(), b.to_sexp());
                        compared += 1;
                    }
                }
                for i in 0..=node.child_count() {
                    let ours = child_at(node, i);
                    assert_eq!(ours.is_some(), node.child(i).is_some());
                    if let (Some(a), Some(b)) = (ours, node.child(i)) {
                        assert!(same_node(a, b), "{} vs {}", a.to_sexp(), b.to_sexp());
                        compared += 1;
                    }
                }
                stack.extend(node.children(&mut cursor));
            }
        }
        assert!(compared > 10_000, "compared {compared} children");
    }

    #[test]
    fn appending_keeps_what_the_vector_held() {
        let tree = parse("foo(a, b, c)").unwrap();
        let root = tree.root_node();
        let mut out = vec![root];
        let call = root.named_child(0).unwrap();
        append_named_children(call, &mut out);
        assert_eq!(out.len(), 3);
        assert_eq!(out[0].id(), root.id());
        assert_eq!(out[1].kind(), "identifier");
        assert_eq!(out[2].kind(), "arguments");
    }
}

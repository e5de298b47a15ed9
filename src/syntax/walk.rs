//! The one walk of a file: every node in pre-order, with its ancestors.
//!
//! A `TreeCursor` is the cheapest way through a tree-sitter tree (`parent()` and
//! `next_sibling()` descend from the root again), but its moves are not free: asking a leaf
//! for its first child, or the last child for its next sibling, costs about as much as a
//! move that succeeds. The walk knows from each node's child count when there is nothing to
//! ask, which saves a third of the cursor's work on real code.
//!
//! A third of the nodes are punctuation, which no check reads. Where a tree has no error,
//! `named_preorder` visits the named nodes only, listing each entered node's named children
//! in one pass (`syntax::children`) instead of by index or by cursor.

use crate::syntax::children::append_named_children;
use tree_sitter::{Node, Tree};

/// What the walk does after visiting a node.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Next {
    /// Visit the node's children.
    Children,
    /// Go on past the node's subtree: nothing in it is wanted.
    SkipChildren,
}

/// Call `visit` on every node of `tree` in pre-order, with the node's ancestors (the root
/// first), except inside subtrees `visit` asks to skip.
pub fn preorder<'t>(tree: &'t Tree, mut visit: impl FnMut(Node<'t>, &[Node<'t>]) -> Next) {
    let mut cursor = tree.walk();
    let mut ancestors: Vec<Node<'t>> = Vec::new();
    // For each ancestor, how many of its children come after the one being visited.
    let mut after: Vec<u32> = Vec::new();
    loop {
        let node = cursor.node();
        let next = visit(node, &ancestors);
        let children = node.child_count();
        if next == Next::Children && children > 0 && cursor.goto_first_child() {
            ancestors.push(node);
            after.push(children - 1);
            continue;
        }
        loop {
            let Some(left) = after.last_mut() else {
                return;
            };
            if *left > 0 {
                *left -= 1;
                if cursor.goto_next_sibling() {
                    break;
                }
            }
            after.pop();
            ancestors.pop();
            if !cursor.goto_parent() {
                return;
            }
        }
    }
}

/// Call `visit` on every named node of `tree` in pre-order, with its ancestors (the root
/// first), except inside subtrees `visit` asks to skip and at leaves (named nodes without
/// named children) whose kind `visits_leaf` turns down. The same visits `preorder` makes,
/// less the anonymous nodes (punctuation and keywords, always leaves) and those leaves.
/// Each entered node's named children are listed in one pass
/// (`children::append_named_children`) onto a stack of nodes still to visit, with their
/// depth.
pub fn named_preorder<'t>(
    tree: &'t Tree,
    visits_leaf: impl Fn(u16) -> bool,
    mut visit: impl FnMut(Node<'t>, &[Node<'t>]) -> Next,
) {
    let mut ancestors: Vec<Node<'t>> = Vec::new();
    let mut pending: Vec<(Node<'t>, usize)> = vec![(tree.root_node(), 0)];
    let mut children: Vec<Node<'t>> = Vec::new();
    while let Some((node, depth)) = pending.pop() {
        ancestors.truncate(depth);
        if visit(node, &ancestors) == Next::Children {
            append_named_children(node, &mut children);
            if !children.is_empty() {
                ancestors.push(node);
                let wanted = children
                    .drain(..)
                    .rev()
                    .filter(|child| child.named_child_count() > 0 || visits_leaf(child.kind_id()));
                pending.extend(wanted.map(|child| (child, depth + 1)));
            }
        }
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::syntax::parse::parse;

    /// The plain cursor walk: every move asked for.
    fn reference(tree: &Tree) -> Vec<(usize, usize, u16, usize)> {
        let mut seen = Vec::new();
        let mut cursor = tree.walk();
        let mut depth = 0;
        loop {
            let node = cursor.node();
            seen.push((node.start_byte(), node.end_byte(), node.kind_id(), depth));
            if cursor.goto_first_child() {
                depth += 1;
                continue;
            }
            loop {
                if cursor.goto_next_sibling() {
                    break;
                }
                if !cursor.goto_parent() {
                    return seen;
                }
                depth -= 1;
            }
        }
    }

    type Visit = (usize, usize, u16, usize);

    /// A visitor recording each visit, and checking each node lies within its parent.
    fn recorder<'t, 's>(
        seen: &'s mut Vec<Visit>,
    ) -> impl FnMut(Node<'t>, &[Node<'t>]) -> Next + 's {
        |node, ancestors| {
            if let Some(parent) = ancestors.last() {
                assert!(parent.start_byte() <= node.start_byte());
                assert!(node.end_byte() <= parent.end_byte());
            }
            seen.push((
                node.start_byte(),
                node.end_byte(),
                node.kind_id(),
                ancestors.len(),
            ));
            Next::Children
        }
    }

    fn walked(tree: &Tree) -> Vec<Visit> {
        let mut seen = Vec::new();
        preorder(tree, recorder(&mut seen));
        seen
    }

    fn walked_named(tree: &Tree) -> Vec<Visit> {
        let mut seen = Vec::new();
        named_preorder(tree, |_| true, recorder(&mut seen));
        seen
    }

    /// The text of every Elixir fixture, for tests that compare two ways to read trees.
    pub(crate) fn fixture_sources() -> Vec<String> {
        let fixtures = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures");
        let files: Vec<String> = crate::source::walker(&fixtures, true)
            .build()
            .flatten()
            .filter(|e| crate::source::is_elixir(&e.path().to_string_lossy()))
            .filter_map(|e| std::fs::read_to_string(e.path()).ok())
            .collect();
        assert!(files.len() > 20);
        files
    }

    /// Tricky snippets, walked besides every fixture.
    pub(crate) const SNIPPETS: &[&str] = &[
        "",
        "# only a comment\n",
        "x",
        "defmodule A do\n  @moduledoc \"\"\"\n  Doc #{1 + 2}\n  \"\"\"\n  def f(x) when x in [1, 2], do: ~s(a #{x})\n  defp g, do: &String.to_atom/1\nend\n",
        // Errors and missing tokens: the tree is still walked whole.
        "defmodule B do\n  def f(x do\n    case x do\n      1 -> :ok\n  end\n",
        "%{a: [1, {2, 3}], \"b\" => <<1::8>>} |> Enum.map(fn {k, v} -> k end)\n",
        "for x <- xs, y = x * 2, into: %{}, do: {x, y}\nquote do: unquote(a)\n",
        "f(a, # one\n  b, # two\n  c)\n",
    ];

    #[test]
    fn visits_what_the_plain_cursor_walk_visits() {
        for src in SNIPPETS
            .iter()
            .map(|s| s.to_string())
            .chain(fixture_sources())
        {
            let tree = parse(&src).unwrap();
            assert_eq!(walked(&tree), reference(&tree), "{src}");
        }
    }

    #[test]
    fn the_named_walk_visits_the_named_nodes_of_the_plain_walk() {
        let wide_list = format!(
            "[{}]",
            (0..40)
                .map(|i| i.to_string())
                .collect::<Vec<_>>()
                .join(", ")
        );
        let wide_module = format!(
            "defmodule W do\n{}end\n",
            (0..30)
                .map(|i| format!("  # {i}\n  def f{i}(x), do: x + {i}\n"))
                .collect::<String>()
        );
        let wide = [wide_list, wide_module];
        let mut compared = 0;
        let snippets = SNIPPETS.iter().map(|s| s.to_string());
        for src in snippets.chain(wide).chain(fixture_sources()) {
            let tree = parse(&src).unwrap();
            if tree.root_node().has_error() {
                continue;
            }
            let language = crate::syntax::parse::language();
            let named: Vec<_> = reference(&tree)
                .into_iter()
                .filter(|&(_, _, kind, _)| language.node_kind_is_named(kind))
                .collect();
            assert_eq!(walked_named(&tree), named, "{src}");
            compared += 1;
        }
        assert!(compared > 20);
    }

    /// Leaves of a turned-down kind are not visited; a node of that kind with named
    /// children still is, and so is everything below it.
    #[test]
    fn leaves_of_unwanted_kinds_are_passed_over() {
        let src = "f(x, g(y), [z])\n";
        let tree = parse(src).unwrap();
        let language = crate::syntax::parse::language();
        let identifier = language.id_for_node_kind("identifier", true);
        let mut seen = Vec::new();
        named_preorder(
            &tree,
            |kind| kind != identifier,
            |node, _| {
                seen.push(node.kind());
                Next::Children
            },
        );
        assert_eq!(
            seen,
            ["source", "call", "arguments", "call", "arguments", "list"]
        );
        let mut all = Vec::new();
        named_preorder(
            &tree,
            |_| true,
            |node, _| {
                all.push(node.kind());
                Next::Children
            },
        );
        assert_eq!(all.iter().filter(|k| **k == "identifier").count(), 5);
    }

    #[test]
    fn a_skipped_subtree_is_not_entered_and_the_walk_goes_on_after_it() {
        let src = "f(\"a #{g(1)}\", [h(2)])\ni(3)\n";
        let tree = parse(src).unwrap();
        for named in [false, true] {
            let mut calls = Vec::new();
            let visit = |node: Node, _: &[Node]| {
                if node.kind() == "call" {
                    calls.push(node.start_byte());
                }
                match node.kind() {
                    "string" => Next::SkipChildren,
                    _ => Next::Children,
                }
            };
            if named {
                named_preorder(&tree, |_| true, visit);
            } else {
                preorder(&tree, visit);
            }
            let names: Vec<&str> = calls.iter().map(|&at| &src[at..at + 1]).collect();
            assert_eq!(names, ["f", "h", "i"], "named: {named}");
        }
    }
}

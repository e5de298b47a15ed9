//! The one walk of a file: every node in pre-order, with its ancestors.
//!
//! A `TreeCursor` is the cheapest way through a tree-sitter tree (`parent()` and
//! `next_sibling()` descend from the root again), but its moves are not free: asking a leaf
//! for its first child, or the last child for its next sibling, costs about as much as a
//! move that succeeds. The walk knows from each node's child count when there is nothing to
//! ask, which saves a third of the cursor's work on real code.

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

#[cfg(test)]
mod tests {
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

    fn walked(tree: &Tree) -> Vec<(usize, usize, u16, usize)> {
        let mut seen = Vec::new();
        preorder(tree, |node, ancestors| {
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
        });
        seen
    }

    #[test]
    fn visits_what_the_plain_cursor_walk_visits() {
        let sources = [
            "",
            "# only a comment\n",
            "x",
            "defmodule A do\n  @moduledoc \"\"\"\n  Doc #{1 + 2}\n  \"\"\"\n  def f(x) when x in [1, 2], do: ~s(a #{x})\n  defp g, do: &String.to_atom/1\nend\n",
            // Errors and missing tokens: the tree is still walked whole.
            "defmodule B do\n  def f(x do\n    case x do\n      1 -> :ok\n  end\n",
            "%{a: [1, {2, 3}], \"b\" => <<1::8>>} |> Enum.map(fn {k, v} -> k end)\n",
            "for x <- xs, y = x * 2, into: %{}, do: {x, y}\nquote do: unquote(a)\n",
        ];
        let fixtures = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures");
        let files: Vec<String> = crate::source::walker(&fixtures, true)
            .build()
            .flatten()
            .filter(|e| crate::source::is_elixir(&e.path().to_string_lossy()))
            .filter_map(|e| std::fs::read_to_string(e.path()).ok())
            .collect();
        assert!(files.len() > 20);
        for src in sources.iter().map(|s| s.to_string()).chain(files) {
            let tree = parse(&src).unwrap();
            assert_eq!(walked(&tree), reference(&tree), "{src}");
        }
    }

    #[test]
    fn a_skipped_subtree_is_not_entered_and_the_walk_goes_on_after_it() {
        let src = "f(\"a #{g(1)}\", [h(2)])\ni(3)\n";
        let tree = parse(src).unwrap();
        let mut calls = Vec::new();
        preorder(&tree, |node, _| {
            if node.kind() == "call" {
                calls.push(&src[node.start_byte()..node.start_byte() + 1]);
            }
            match node.kind() {
                "string" => Next::SkipChildren,
                _ => Next::Children,
            }
        });
        assert_eq!(calls, ["f", "h", "i"]);
    }
}

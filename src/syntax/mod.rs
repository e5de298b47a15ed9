//! Small, allocation-free questions about tree-sitter-elixir nodes, shared by every check.

pub mod behaviours;
pub mod calls;
pub mod children;
pub mod config;
pub mod ecto;
pub mod environment;
pub mod kinds;
pub mod lines;
pub mod literals;
pub mod mix;
pub mod outline;
pub mod parse;
pub mod semantic;
pub mod telemetry;
pub mod walk;
pub mod web;

use crate::syntax::children::{
    append_named_children, child_at, first_named_child, last_named_child,
};
use crate::syntax::kinds::Fields;
use kinds::{Kind, kind};
use tree_sitter::Node;

/// How deep the literal/shape helpers descend; keeps adversarial nesting from blowing the stack.
const MAX_HELPER_DEPTH: usize = 64;

pub fn text<'s>(node: Node, src: &'s str) -> &'s str {
    src.get(node.byte_range()).unwrap_or("")
}

/// Named children that carry meaning: comments (extras that may appear anywhere) are skipped.
pub fn named_children<'t>(node: Node<'t>) -> impl Iterator<Item = Node<'t>> {
    let mut children = Vec::new();
    append_named_children(node, &mut children);
    children.retain(|child| kind(*child) != Kind::Comment);
    children.into_iter()
}

/// The name a `call` node calls when its target is a plain identifier (`def`, `alias`, `foo`).
pub fn local_call_name<'s>(call: Node, src: &'s str) -> Option<&'s str> {
    if kind(call) != Kind::Call {
        return None;
    }
    let target = calls::call_target(call)?;
    (kind(target) == Kind::Identifier).then(|| text(target, src))
}

/// `Mod.f(…)` → (`Mod`, `f`) as written (no alias resolution): `(":erlang", "raise")`.
pub fn remote_call_name<'s>(call: Node, src: &'s str) -> Option<(&'s str, &'s str)> {
    if kind(call) != Kind::Call {
        return None;
    }
    let target = calls::call_target(call)?;
    if kind(target) != Kind::Dot {
        return None;
    }
    let module = target.field("left")?;
    let function = target.field("right")?;
    Some((text(module, src), text(function, src)))
}

/// Every node below `node` in pre-order, except what lies inside anonymous functions (code
/// that runs later, if at all). Bounded by `MAX_HELPER_DEPTH` levels.
pub fn descendants_outside_fns<'t>(node: Node<'t>) -> impl Iterator<Item = Node<'t>> {
    let mut cursor = node.walk();
    let mut depth = 0usize;
    let mut done = !cursor.goto_first_child();
    if !done {
        depth = 1;
    }
    std::iter::from_fn(move || {
        while !done {
            let current = cursor.node();
            let descend = kind(current) != Kind::AnonymousFunction && depth < MAX_HELPER_DEPTH;
            if descend && cursor.goto_first_child() {
                depth += 1;
            } else {
                loop {
                    if cursor.goto_next_sibling() {
                        break;
                    }
                    if depth <= 1 || !cursor.goto_parent() {
                        done = true;
                        break;
                    }
                    depth -= 1;
                }
            }
            if kind(current) != Kind::AnonymousFunction {
                return Some(current);
            }
        }
        None
    })
}

/// The `arguments` node of a call, if it has one.
pub fn call_arguments(call: Node) -> Option<Node> {
    first_named_child(call, |child| kind(child) == Kind::Arguments)
}

/// The argument expressions of a call, in order (no parentheses, commas or comments).
pub fn call_args(call: Node) -> Vec<Node> {
    let Some(args) = call_arguments(call) else {
        return Vec::new();
    };
    named_children(args).collect()
}

/// The first argument of a call, found without collecting the others (`def`'s head, the
/// module of `defmodule`): the walk asks this of almost every definition.
pub fn first_call_arg(call: Node) -> Option<Node> {
    let args = call_arguments(call)?;
    first_named_child(args, |child| kind(child) != Kind::Comment)
}

/// The last argument of a call (where a `do:` keyword list or options sit).
pub fn last_call_arg(call: Node) -> Option<Node> {
    let args = call_arguments(call)?;
    last_named_child(args, |child| kind(child) != Kind::Comment)
}

/// The `def`/`defp` clauses of `name/arity` among the module bodies of the file (nested
/// modules included), in source order. Heads with default arguments define several arities.
pub fn local_definitions<'t>(root: Node<'t>, name: &str, arity: usize, src: &str) -> Vec<Node<'t>> {
    let mut found = Vec::new();
    let mut pending: Vec<(Node<'t>, usize)> = vec![(root, 0)];
    while let Some((node, depth)) = pending.pop() {
        for statement in named_children(node) {
            match local_call_name(statement, src) {
                Some("def" | "defp") if defines(statement, name, arity, src) => {
                    found.push(statement)
                }
                Some("defmodule") if depth < MAX_HELPER_DEPTH => {
                    if let Some(body) = do_block(statement) {
                        pending.push((body, depth + 1));
                    }
                }
                _ => {}
            }
        }
    }
    found.sort_by_key(|n| n.start_byte());
    found
}

/// Whether the definition `def` is a clause of `name/arity`.
fn defines(def: Node, name: &str, arity: usize, src: &str) -> bool {
    let Some(mut head) = first_call_arg(def) else {
        return false;
    };
    if operator(head) == Some("when") {
        match head.field("left") {
            Some(left) => head = left,
            None => return false,
        }
    }
    if head.kind() == "identifier" {
        return arity == 0 && text(head, src) == name;
    }
    if local_call_name(head, src) != Some(name) {
        return false;
    }
    let params = call_args(head);
    let defaults = params
        .iter()
        .filter(|p| operator(**p) == Some("\\\\"))
        .count();
    (params.len() - defaults..=params.len()).contains(&arity)
}

/// The `do_block` of a call (`defmodule X do … end`), if written in block form.
pub fn do_block(call: Node) -> Option<Node> {
    first_named_child(call, |child| kind(child) == Kind::DoBlock)
}

/// The statements of a `do` body: the block form's direct children, or the `do:` keyword's
/// value (a parenthesised `block` is unpacked).
pub fn body_statements<'t>(call: Node<'t>, src: &str) -> Vec<Node<'t>> {
    if let Some(block) = do_block(call) {
        return named_children(block)
            .filter(|n| !n.kind().ends_with("_block"))
            .collect();
    }
    let Some(value) = keyword_value(last_call_arg(call), "do", src) else {
        return Vec::new();
    };
    if value.kind() == "block" {
        named_children(value).collect()
    } else {
        vec![value]
    }
}

/// In a trailing `keywords` argument, the value of key `key` (written `key: value`).
pub fn keyword_value<'t>(keywords: Option<Node<'t>>, key: &str, src: &str) -> Option<Node<'t>> {
    let keywords = keywords.filter(|n| n.kind() == "keywords")?;
    named_children(keywords)
        .filter(|pair| pair.kind() == "pair")
        .find(|pair| {
            pair.field("key")
                .is_some_and(|k| keyword_key(k, src) == key)
        })
        .and_then(|pair| pair.field("value"))
}

/// `keys: ` → `keys`; `"quoted": ` → `quoted`.
pub fn keyword_key<'s>(key: Node, src: &'s str) -> &'s str {
    text(key, src)
        .trim_end()
        .trim_end_matches(':')
        .trim_matches('"')
}

/// A literal in the contract's sense — a string, charlist, atom, number, boolean or nil with
/// no interpolation, `<>` of literals (folded at compile time) — or another value fixed when
/// the module is compiled: a module attribute read (`@prefix`), interpolation of such values,
/// and lists, tuples and binaries made only of them. None of these vary with run-time input.
pub fn is_literal(node: Node) -> bool {
    is_fixed(node, "", &|_| false)
}

/// `is_literal`, where a variable counts as fixed when `bounded` says its values are drawn
/// from a fixed set (a guard `when kind in [:a, :b]`, a generator over a literal list).
pub fn is_fixed(node: Node, src: &str, bounded: &dyn Fn(&str) -> bool) -> bool {
    is_fixed_at(node, src, bounded, 0)
}

fn is_fixed_at(node: Node, src: &str, bounded: &dyn Fn(&str) -> bool, depth: usize) -> bool {
    if depth > MAX_HELPER_DEPTH {
        return false;
    }
    let fixed = |n: Node| is_fixed_at(n, src, bounded, depth + 1);
    match node.kind() {
        "integer" | "float" | "atom" | "boolean" | "nil" | "char" | "quoted_content"
        | "escape_sequence" | "sigil_name" | "sigil_modifiers" => true,
        "string" | "charlist" | "quoted_atom" | "sigil" | "interpolation" | "list" | "tuple"
        | "bitstring" | "block" => named_children(node).all(fixed),
        "identifier" => bounded(text(node, src)),
        "binary_operator" => {
            let left = node.field("left");
            let right = node.field("right");
            match operator(node) {
                Some("<>" | "++") => left.is_some_and(fixed) && right.is_some_and(fixed),
                // A binary segment with a type: `<<1::8>>`, `<<"a"::binary>>`.
                Some("::") => {
                    left.is_some_and(fixed)
                        && right.is_some_and(|r| r.kind() == "identifier" || r.kind() == "integer")
                }
                _ => false,
            }
        }
        "unary_operator" => {
            operator(node) == Some("@")
                && node
                    .field("operand")
                    .is_some_and(|operand| operand.kind() == "identifier")
        }
        _ => false,
    }
}

/// The byte range of the text inside a string-like literal without interpolation (`"…"`,
/// `'…'`, heredocs, `~s`/`~S`/`~c` sigils): escapes are left as written. `None` for other
/// nodes and for strings that interpolate.
pub fn literal_text_range(node: Node, src: &str) -> Option<std::ops::Range<usize>> {
    match node.kind() {
        "string" | "charlist" => {}
        "sigil" => {
            let name = named_children(node).find(|c| c.kind() == "sigil_name")?;
            if !matches!(text(name, src), "s" | "S" | "c" | "C") {
                return None;
            }
        }
        _ => return None,
    }
    let mut cursor = node.walk();
    let mut range: Option<std::ops::Range<usize>> = None;
    for child in node.children(&mut cursor) {
        match child.kind() {
            "interpolation" => return None,
            "quoted_content" | "escape_sequence" => {
                let r = range.get_or_insert(child.start_byte()..child.end_byte());
                r.end = child.end_byte();
            }
            _ => {}
        }
    }
    // An empty literal has no content node: an empty range just inside the delimiter.
    Some(range.unwrap_or(node.start_byte() + 1..node.start_byte() + 1))
}

/// Whether a string-like node interpolates a value that can change at run time.
pub fn has_dynamic_interpolation(node: Node, src: &str, bounded: &dyn Fn(&str) -> bool) -> bool {
    let mut cursor = node.walk();
    node.children(&mut cursor)
        .any(|child| child.kind() == "interpolation" && !is_fixed(child, src, bounded))
}

/// The operator token of a `binary_operator`/`unary_operator` node.
pub fn operator<'t>(node: Node<'t>) -> Option<&'t str> {
    // The operator is the first anonymous child (first of a unary, second of a binary
    // operator): indexing children costs far less than a field lookup, and every walk asks.
    let position = match kind(node) {
        Kind::BinaryOperator => 1,
        Kind::UnaryOperator => 0,
        _ => return node.field("operator").map(|op| op.kind()),
    };
    match child_at(node, position) {
        Some(op) if !op.is_named() => Some(op.kind()),
        // A comment before the operator shifts the children.
        _ => node.field("operator").map(|op| op.kind()),
    }
}

/// `@name …` → (`name`, the attribute's value node if any).
pub fn module_attribute<'t, 's>(
    node: Node<'t>,
    src: &'s str,
) -> Option<(&'s str, Option<Node<'t>>)> {
    // Every `&`, `-` and `!` is a unary operator too: the source byte decides cheaply.
    if kind(node) != Kind::UnaryOperator || src.as_bytes().get(node.start_byte()) != Some(&b'@') {
        return None;
    }
    let operand = node.field("operand")?;
    match operand.kind() {
        "identifier" => Some((text(operand, src), None)),
        "call" => {
            let name = local_call_name(operand, src)?;
            let value = call_arguments(operand).and_then(|args| {
                (0..args.named_child_count())
                    .filter_map(|i| args.named_child(i as u32))
                    .find(|c| kind(*c) != Kind::Comment)
            });
            Some((name, value))
        }
        _ => None,
    }
}

/// The (short, full) names an `alias` call declares: `alias MyApp.Repo` → `Repo`,
/// `alias MyApp.Repo, as: R` → `R`, `alias MyApp.{Repo, User}` → both. `resolve` expands a
/// module reference with the aliases already in scope.
pub fn alias_declarations(
    call: Node,
    src: &str,
    resolve: &dyn Fn(Node) -> Option<String>,
) -> Vec<(String, String)> {
    let args = call_args(call);
    let Some(&target) = args.first() else {
        return Vec::new();
    };
    if target.kind() == "dot"
        && let Some(members) = target.field("right")
        && members.kind() == "tuple"
    {
        let Some(base) = target.field("left").and_then(resolve) else {
            return Vec::new();
        };
        return named_children(members)
            .filter(|m| m.kind() == "alias")
            .map(|member| {
                let member = alias_text(member, src);
                let short = member.rsplit('.').next().unwrap_or(&member).to_string();
                (short, format!("{base}.{member}"))
            })
            .collect();
    }
    let Some(full) = resolve(target) else {
        return Vec::new();
    };
    let short = match keyword_value(args.get(1).copied(), "as", src) {
        Some(as_node) => alias_text(as_node, src),
        None => full.rsplit('.').next().unwrap_or(&full).to_string(),
    };
    vec![(short, full)]
}

/// A dotted alias (`MyApp.Repo`), with whitespace a formatter might leave removed.
pub fn alias_text(node: Node, src: &str) -> String {
    text(node, src)
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn call_arguments_in_every_call_form() {
        let src = "def f(a), do: a\nfoo(a, # why\n  b)\ndefmodule M do\nend\nbar\n";
        let tree = parse::parse(src).unwrap();
        let calls: Vec<Node> = named_children(tree.root_node()).collect();
        let texts = |nodes: Vec<Node>| nodes.iter().map(|n| text(*n, src)).collect::<Vec<_>>();
        assert_eq!(texts(call_args(calls[0])), ["f(a)", "do: a"]);
        assert_eq!(first_call_arg(calls[0]).map(|n| text(n, src)), Some("f(a)"));
        assert_eq!(last_call_arg(calls[0]).map(|n| text(n, src)), Some("do: a"));
        assert_eq!(
            texts(call_args(calls[1])),
            ["a", "b"],
            "comments are not arguments"
        );
        assert_eq!(last_call_arg(calls[1]).map(|n| text(n, src)), Some("b"));
        assert!(do_block(calls[2]).is_some());
        assert_eq!(first_call_arg(calls[2]).map(|n| text(n, src)), Some("M"));
        assert_eq!(first_call_arg(calls[3]), None);
        assert!(do_block(calls[0]).is_none());
    }

    #[test]
    fn local_definitions_by_name_and_arity() {
        let src = "defmodule M do\n  def load(id), do: id\n  defp load(id, opts \\\\ []) when is_list(opts), do: {id, opts}\n  def other, do: 1\n  defmodule Inner do\n    defp load(a, b, c), do: {a, b, c}\n  end\nend\n";
        let tree = parse::parse(src).unwrap();
        let lines = |arity| {
            local_definitions(tree.root_node(), "load", arity, src)
                .iter()
                .map(|d| d.start_position().row + 1)
                .collect::<Vec<_>>()
        };
        assert_eq!(lines(1), [2, 3], "a default argument admits arity 1");
        assert_eq!(lines(2), [3]);
        assert_eq!(lines(3), [6], "nested modules too");
        assert!(lines(4).is_empty());
        assert_eq!(
            local_definitions(tree.root_node(), "other", 0, src).len(),
            1
        );
    }
}

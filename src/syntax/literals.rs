//! The values of atom and string literals.

use crate::syntax::{named_children, text};
use tree_sitter::Node;

/// `:name` or `:"name"` → `name`.
pub fn atom_name(node: Node, src: &str) -> Option<String> {
    match node.kind() {
        "atom" => Some(text(node, src).trim_start_matches(':').to_string()),
        "quoted_atom" => string_content(node, src),
        _ => None,
    }
}

/// The content of a string literal without interpolation.
pub fn string_value(node: Node, src: &str) -> Option<String> {
    (node.kind() == "string").then(|| string_content(node, src))?
}

fn string_content(node: Node, src: &str) -> Option<String> {
    let mut out = String::new();
    for child in named_children(node) {
        match child.kind() {
            "quoted_content" | "escape_sequence" => out.push_str(text(child, src)),
            _ => return None,
        }
    }
    Some(out)
}

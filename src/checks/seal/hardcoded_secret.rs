//! SEAL001: a credential committed with the code is readable by everyone who can read the
//! repository, its forks and its CI logs, and rotating it means a deploy.

use crate::checks::{Check, FileContext};
use crate::project::FileRole;
use crate::secrets::{self, SecretName};
use crate::syntax::children::child_at;
use crate::syntax::kinds::{Fields, Kind, kind};
use crate::syntax::{keyword_key, literal_text_range, module_attribute, operator, text};
use std::ops::Range;
use tree_sitter::Node;

pub struct HardcodedSecret;

const RULE: &str = "SEAL001";

impl Check for HardcodedSecret {
    fn rules(&self) -> &'static [&'static str] {
        &[RULE]
    }

    fn node_kinds(&self) -> &'static [&'static str] {
        &[
            "string",
            "charlist",
            "sigil",
            "pair",
            "binary_operator",
            "unary_operator",
        ]
    }

    fn on_node(&self, node: Node, cx: &mut FileContext) {
        // Operators are the most frequent of these kinds: told apart by kind id, which is a
        // table lookup (`Node::kind` converts a C string every time).
        let name = match kind(node) {
            Kind::BinaryOperator => "binary_operator",
            Kind::UnaryOperator => "unary_operator",
            _ => node.kind(),
        };
        match name {
            "string" | "charlist" | "sigil" => credential_formats(node, cx),
            "pair" => {
                // Keyword pairs are everywhere: judge the key before fetching the value.
                let Some(key) = child_at(node, 0) else {
                    return;
                };
                let name = keyword_key(key, cx.src);
                if secrets::secret_name(name).is_some()
                    && let Some(value) = node.field("value")
                {
                    named_secret(node, name, value, cx);
                }
            }
            "binary_operator" => {
                // Most operators are pipes and arithmetic: the left side rules them out
                // before the operator is looked up.
                let Some(left) = child_at(node, 0) else {
                    return;
                };
                let left_name = match left.kind() {
                    "identifier" | "atom" => cx.text(left),
                    "string" => match literal_text_range(left, cx.src) {
                        Some(range) => &cx.src[range],
                        None => return,
                    },
                    _ => return,
                };
                if secrets::secret_name(left_name).is_none() {
                    return;
                }
                let op = operator(node);
                let Some(right) = node.field("right") else {
                    return;
                };
                let name = match (op, left.kind()) {
                    (Some("=" | "=="), "identifier") => text(left, cx.src),
                    (Some("=>"), "atom") => text(left, cx.src),
                    (Some("=>"), _) => match literal_text_range(left, cx.src) {
                        Some(range) => &cx.src[range],
                        None => return,
                    },
                    _ => return,
                };
                named_secret(node, name, right, cx);
            }
            _ => {
                // `@doc`, `@spec`, `@impl`: the attribute's name, read from the source after
                // the `@`, rules most out before the tree is asked.
                let rest = cx.src.get(node.start_byte() + 1..).unwrap_or("");
                let end = rest
                    .find(|c: char| !(c.is_alphanumeric() || c == '_'))
                    .unwrap_or(rest.len());
                if secrets::secret_name(&rest[..end]).is_none() {
                    return;
                }
                if let Some((name, Some(value))) = module_attribute(node, cx.src) {
                    named_secret(node, name, value, cx);
                }
            }
        }
    }
}

/// A string literal holding a known credential format, wherever it stands (a doc string
/// too: a real key in an example is still a leaked key).
fn credential_formats(node: Node, cx: &mut FileContext) {
    if !cx.may_hold_credentials() {
        return;
    }
    let start = node.start_byte();
    for credential in secrets::find_credentials(cx.text(node)) {
        let secret = (start + credential.start, start + credential.end);
        let shown = secrets::mask(&cx.src[secret.0..secret.1]);
        cx.report_secret(
            RULE,
            secret,
            format!(
                "hardcoded {} `{shown}`; revoke it and read it at run time \
                 (`System.fetch_env!/1` in config/runtime.exs)",
                credential.kind
            ),
            secret,
            None,
        );
    }
}

/// `name` bound to `value` (a keyword pair, map entry, assignment or module attribute): a
/// finding when the name is secret-like and the value a literal that looks like a secret.
fn named_secret(binding: Node, name: &str, value: Node, cx: &mut FileContext) {
    let Some(kind) = secrets::secret_name(name) else {
        return;
    };
    let Some(Range { start, end }) = literal_text_range(value, cx.src) else {
        return;
    };
    let literal = &cx.src[start..end];
    // A literal in a credential format is reported once, by its format.
    if !secrets::is_secret_value(kind, literal)
        || (cx.may_hold_credentials() && !secrets::find_credentials(cx.text(value)).is_empty())
    {
        return;
    }
    let what = match kind {
        SecretName::Password => "password",
        SecretName::Key => "secret",
    };
    let name = name.trim_start_matches(['@', ':']).trim_end_matches(':');
    cx.report_secret(
        RULE,
        (binding.start_byte(), binding.end_byte()),
        format!(
            "`{name}` is a hardcoded {what} (`{}`); read it at run time \
             (`System.fetch_env!/1` in config/runtime.exs)",
            secrets::mask(literal)
        ),
        (start, end),
        overridable_in_prod(cx, binding, name),
    );
}

/// In `config/config.exs`, a keyword that a config file booting in production sets again
/// is only the development default: the finding waits for the project's config facts.
fn overridable_in_prod(cx: &FileContext, binding: Node, name: &str) -> Option<String> {
    let base_config =
        cx.role == FileRole::ConfigProd && cx.path.rsplit('/').next() == Some("config.exs");
    (base_config && binding.kind() == "pair").then(|| name.to_string())
}

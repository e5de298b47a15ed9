//! Questions about the environment code runs in: which branch of an `if`/`unless` about
//! `Mix.env()`/`config_env()` runs in production.

use super::kinds::Fields;
use super::{
    call_args, do_block, keyword_value, local_call_name, named_children, operator,
    remote_call_name, text,
};
use tree_sitter::Node;

/// How deep a condition is followed through `and`/`or`/`not`.
const MAX_DEPTH: usize = 16;

/// Whether `condition` holds in production, when it is about the environment; `None` when
/// it is about anything else.
pub fn holds_in_prod(condition: Node, src: &str) -> Option<bool> {
    true_in_prod(condition, src, 0)
}

/// The byte range of the branch of an `if`/`unless` about the environment that never runs
/// in production (`if config_env() == :dev do … end`, the `else` of `if Mix.env() == :prod`).
/// `None` for other calls, and when the condition is not about the environment.
pub fn branch_skipped_in_prod(call: Node, src: &str) -> Option<(usize, usize)> {
    let negated = match local_call_name(call, src)? {
        "if" => false,
        "unless" => true,
        _ => return None,
    };
    let args = call_args(call);
    let runs = holds_in_prod(*args.first()?, src)? != negated;
    let (then_branch, else_branch) = match do_block(call) {
        Some(block) => {
            let else_block = named_children(block).find(|c| c.kind() == "else_block");
            let then_end = else_block.map_or(block.end_byte(), |e| e.start_byte());
            (
                Some((block.start_byte(), then_end)),
                else_block.map(|e| (e.start_byte(), e.end_byte())),
            )
        }
        None => {
            let keywords = args.last().copied();
            let range =
                |key| keyword_value(keywords, key, src).map(|v| (v.start_byte(), v.end_byte()));
            (range("do"), range("else"))
        }
    };
    if runs { else_branch } else { then_branch }
}

/// Whether a condition holds in production, when it is about the environment:
/// `Mix.env()`/`config_env()` compared with `==`, `!=`, `in`, `not in`, combined with
/// `and`/`or`/`not`; Phoenix's `Application.compile_env(:app, :dev_routes)` is off there.
fn true_in_prod(condition: Node, src: &str, depth: usize) -> Option<bool> {
    if depth > MAX_DEPTH {
        return None;
    }
    let nested = |n: Option<Node>| n.and_then(|n| true_in_prod(n, src, depth + 1));
    match condition.kind() {
        "binary_operator" => {
            let left = condition.field("left")?;
            let right = condition.field("right")?;
            match operator(condition)? {
                "==" | "===" => env_is(left, right, src),
                "!=" | "!==" => env_is(left, right, src).map(|t| !t),
                "in" => env_in(left, right, src),
                "not in" => env_in(left, right, src).map(|t| !t),
                "and" | "&&" => match (nested(Some(left)), nested(Some(right))) {
                    (Some(false), _) | (_, Some(false)) => Some(false),
                    (Some(true), Some(true)) => Some(true),
                    _ => None,
                },
                "or" | "||" => match (nested(Some(left)), nested(Some(right))) {
                    (Some(true), _) | (_, Some(true)) => Some(true),
                    (Some(false), Some(false)) => Some(false),
                    _ => None,
                },
                _ => None,
            }
        }
        "unary_operator" if matches!(operator(condition), Some("not" | "!")) => {
            nested(condition.field("operand")).map(|t| !t)
        }
        "block" => match named_children(condition).collect::<Vec<_>>().as_slice() {
            [inner] => nested(Some(*inner)),
            _ => None,
        },
        "call" => {
            let (module, function) = remote_call_name(condition, src)?;
            let dev_routes = module == "Application"
                && function.starts_with("compile_env")
                && call_args(condition)
                    .get(1)
                    .is_some_and(|key| text(*key, src) == ":dev_routes");
            dev_routes.then_some(false)
        }
        _ => None,
    }
}

fn is_env(node: Node, src: &str) -> bool {
    let written: String = text(node, src)
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect();
    matches!(
        written.as_str(),
        "Mix.env()" | "Mix.env" | "config_env()" | "config_env"
    )
}

/// `env == :atom` (either side) → whether that holds in prod.
fn env_is(left: Node, right: Node, src: &str) -> Option<bool> {
    let other = if is_env(left, src) {
        right
    } else if is_env(right, src) {
        left
    } else {
        return None;
    };
    (other.kind() == "atom").then(|| text(other, src) == ":prod")
}

/// `env in [:dev, :test]` → whether the list holds `:prod`.
fn env_in(left: Node, right: Node, src: &str) -> Option<bool> {
    if !is_env(left, src) || right.kind() != "list" {
        return None;
    }
    let atoms: Vec<Node> = named_children(right).collect();
    atoms
        .iter()
        .all(|a| a.kind() == "atom")
        .then(|| atoms.iter().any(|a| text(*a, src) == ":prod"))
}

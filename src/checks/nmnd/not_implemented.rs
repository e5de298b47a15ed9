//! NMND002: a function that raises "not implemented" compiles, passes review at a glance,
//! and fails in production on the first call.

use crate::checks::{CallInterest, Check, FileContext};
use crate::syntax::calls::{Call, CallForm};
use crate::syntax::{literal_text_range, text};
use tree_sitter::Node;

pub struct NotImplemented;

impl Check for NotImplemented {
    fn rules(&self) -> &'static [&'static str] {
        &["NMND002"]
    }

    fn calls(&self) -> CallInterest {
        CallInterest::Named(&["raise", "exit", "throw"])
    }

    fn on_call(&self, call: &Call, cx: &mut FileContext) {
        let kernel = call.module.is_none() || call.module.as_deref() == Some("Kernel");
        if call.form == CallForm::CaptureReference
            || !kernel
            || !matches!(call.function, "raise" | "exit" | "throw")
        {
            return;
        }
        // `raise ArgumentError, "not implemented"`: the message is the last argument.
        let Some(reason) = call.arg(call.arity.saturating_sub(1)) else {
            return;
        };
        if says_unfinished(reason, cx.src) {
            cx.report(
                "NMND002",
                call.node,
                format!(
                    "`{}` of a not-implemented marker: the code path is unfinished",
                    call.function
                ),
            );
        }
    }

    fn node_kinds(&self) -> &'static [&'static str] {
        &["tuple"]
    }

    fn on_node(&self, node: Node, cx: &mut FileContext) {
        // `{:error, :not_implemented}`: judged on the source bytes first, tuples are many.
        let tail = cx.src.get(..node.end_byte()).unwrap_or("");
        if !tail
            .trim_end_matches('}')
            .trim_end()
            .ends_with("implemented")
        {
            return;
        }
        let mut cursor = node.walk();
        let parts: Vec<Node> = node.named_children(&mut cursor).collect();
        if let [tag, reason] = parts[..]
            && text(tag, cx.src) == ":error"
            && says_unfinished(reason, cx.src)
        {
            cx.report(
                "NMND002",
                node,
                "returns `{:error, :not_implemented}`: the function is a stub",
            );
        }
    }
}

/// A string or atom literal that says the code is unfinished: it mentions "not (yet)
/// implemented" or "unimplemented" anywhere, or starts with `TODO`, `FIXME` or `stub`
/// (`"TODO: paginate"`, `:not_implemented`, `"Not implemented for MySQL"`).
fn says_unfinished(reason: Node, src: &str) -> bool {
    let words = match reason.kind() {
        "atom" => text(reason, src).trim_start_matches(':'),
        _ => match literal_text_range(reason, src) {
            Some(range) => &src[range],
            None => return false,
        },
    };
    let lower = words.to_lowercase();
    let squeezed: String = lower.chars().filter(|c| c.is_alphanumeric()).collect();
    let first_word = lower
        .split(|c: char| !c.is_alphanumeric())
        .find(|w| !w.is_empty())
        .unwrap_or("");
    ["notimplemented", "notyetimplemented", "unimplemented"]
        .iter()
        .any(|phrase| squeezed.contains(phrase))
        || matches!(first_word, "todo" | "fixme" | "stub")
}

//! NMND002: a function that raises "not implemented" compiles, passes review at a glance,
//! and fails in production on the first call.

use crate::checks::{CallInterest, Check, FileContext};
use crate::syntax::calls::{Call, CallForm};
use crate::syntax::first_call_arg;
use crate::syntax::kinds::Fields;
use crate::syntax::outline::ModuleOutline;
use crate::syntax::semantic::bound_variables;
use crate::syntax::{
    body_statements, call_args, literal_text_range, local_call_name, operator, text,
};
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
        let message = format!(
            "`{}` of a not-implemented marker: the code path is unfinished",
            call.function
        );
        report_stub(call.node, wording(reason, cx.src), message, cx);
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
        {
            let message = "returns `{:error, :not_implemented}`: the function is a stub";
            report_stub(node, wording(reason, cx.src), message.to_string(), cx);
        }
    }
}

/// What a message or reason says about the code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Wording {
    /// Nothing about being unfinished.
    Other,
    /// "not implemented" and no more: a stub, or an implementation declining an operation
    /// its type does not support (`"not implemented for the local file system"`).
    NotImplemented,
    /// Unfinished work in so many words: "not implemented yet", "unimplemented", `TODO`.
    Pending,
}

/// A string or atom literal that says the code is unfinished: it mentions "not (yet)
/// implemented" or "unimplemented" anywhere, or starts with `TODO`, `FIXME` or `stub`
/// (`"TODO: paginate"`, `:not_implemented`, `"Not implemented for MySQL"`). It says the work
/// is pending unless it is a plain "not implemented" with no word of time ("yet", "for
/// now", "later") or of a marker (`TODO`, `FIXME`) in it.
fn wording(reason: Node, src: &str) -> Wording {
    let words = match reason.kind() {
        "atom" => text(reason, src).trim_start_matches(':'),
        _ => match literal_text_range(reason, src) {
            Some(range) => &src[range],
            None => return Wording::Other,
        },
    };
    let lower = words.to_lowercase();
    let squeezed: String = lower.chars().filter(|c| c.is_alphanumeric()).collect();
    let mut words = lower
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty());
    let first_word = words.clone().next().unwrap_or("");
    if matches!(first_word, "todo" | "fixme" | "stub")
        || ["notyetimplemented", "unimplemented"]
            .iter()
            .any(|phrase| squeezed.contains(phrase))
    {
        return Wording::Pending;
    }
    if !squeezed.contains("notimplemented") {
        return Wording::Other;
    }
    let temporal = squeezed.contains("fornow")
        || words.any(|w| matches!(w, "yet" | "later" | "todo" | "fixme" | "wip"));
    if temporal {
        Wording::Pending
    } else {
        Wording::NotImplemented
    }
}

/// Report the stub at `node` (a `raise` or an `{:error, :not_implemented}` value), unless a
/// plain "not implemented" is the whole body of a clause that ignores its arguments and
/// implements a protocol (`defimpl`) or a behaviour callback: there the type declines an
/// operation it does not support (a read-only file system's `write/3`). When only the
/// project's behaviours can tell whether the function is a callback, the engine asks them.
fn report_stub(node: Node, wording: Wording, message: String, cx: &mut FileContext) {
    match wording {
        Wording::Other => {}
        Wording::Pending => cx.report("NMND002", node, message),
        Wording::NotImplemented => match declining_clause(node, cx) {
            None => cx.report("NMND002", node, message),
            Some(_) if cx.semantic.in_protocol_impl() => {}
            Some((name, arity)) => match callback_status(name, arity, cx) {
                Callback::Yes => {}
                Callback::Ask(question) => {
                    cx.report_unless_callback("NMND002", node, message, Some(question))
                }
                Callback::No => cx.report("NMND002", node, message),
            },
        },
    }
}

/// The public `def` clause around the current node when `node` is its whole body and its
/// parameters bind no variable that could be used (`def write(_fs, _path, _data), do: …`):
/// its name and arity.
fn declining_clause<'t>(node: Node, cx: &FileContext<'t>) -> Option<(&'t str, usize)> {
    let src = cx.src;
    let def = cx.node_at(cx.semantic.current_function()?)?;
    if local_call_name(def, src) != Some("def") {
        return None;
    }
    let [body] = body_statements(def, src)[..] else {
        return None;
    };
    if body.byte_range() != node.byte_range() {
        return None;
    }
    let head = first_call_arg(def)?;
    let head = match operator(head) {
        Some("when") => head.field("left")?,
        _ => head,
    };
    let (name, params) = match head.kind() {
        "call" => (local_call_name(head, src)?, call_args(head)),
        "identifier" => (text(head, src), Vec::new()),
        _ => return None,
    };
    let ignored = params.iter().all(|param| {
        let mut bound = Vec::new();
        bound_variables(*param, 0, &mut bound);
        bound
            .iter()
            .all(|&(start, end)| src[start..end].starts_with('_'))
    });
    ignored.then_some((name, params.len()))
}

enum Callback {
    Yes,
    No,
    /// The module declares a behaviour of the project: the scan's behaviours answer.
    Ask(crate::syntax::behaviours::CallbackQuestion),
}

/// Whether `name/arity` implements a callback of its module (`@impl`, or a callback of a
/// behaviour the module declares), from the module's outline.
fn callback_status(name: &str, arity: usize, cx: &FileContext) -> Callback {
    let (Some(range), Some(module)) = (
        cx.semantic.current_module_range(),
        cx.semantic.current_module(),
    ) else {
        return Callback::No;
    };
    let Some(definition) = cx.node_at(range) else {
        return Callback::No;
    };
    let resolve = |n: Node| cx.semantic.resolve_module(n, cx.src);
    let Some(outline) = ModuleOutline::build(definition, module.to_string(), cx.src, &resolve)
    else {
        return Callback::No;
    };
    let function = outline
        .functions
        .iter()
        .find(|f| f.name == name && (f.min_arity..=f.max_arity).contains(&arity));
    match function {
        Some(f) if f.is_callback => Callback::Yes,
        Some(f) => f
            .callback_question
            .clone()
            .map_or(Callback::No, Callback::Ask),
        None => Callback::No,
    }
}

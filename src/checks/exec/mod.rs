//! EXEC — code-execution sinks: commands, `eval`, deserialisation, raw HTML, file paths.
//! One file per rule; they share the question "is this argument fixed at compile time".

mod command_injection;
mod dynamic_code_eval;
mod path_traversal;
mod raw_html;
mod unsafe_deserialization;

pub use command_injection::CommandInjection;
pub use dynamic_code_eval::DynamicCodeEval;
pub use path_traversal::PathTraversal;
pub use raw_html::RawHtml;
pub use unsafe_deserialization::UnsafeDeserialization;

use crate::checks::FileContext;
use crate::syntax::calls::{Call, CallForm};
use crate::syntax::is_fixed;
use tree_sitter::Node;

/// The node to report when argument `index` of `call` is not fixed at compile time (a
/// literal, a module attribute, a variable bounded by a guard): the argument, or the whole
/// capture for `&System.shell/1`, whose arguments are only known at run time.
fn dynamic_argument<'t>(call: &Call<'t>, index: usize, cx: &FileContext) -> Option<Node<'t>> {
    if call.form == CallForm::CaptureReference {
        return Some(call.node);
    }
    let arg = call.arg(index)?;
    let semantic = &cx.semantic;
    let fixed = |node: Node| is_fixed(node, cx.src, &|name| semantic.is_bounded(name));
    // `cmd = "git"` earlier in the function is as fixed as the literal.
    let bound_to_fixed = arg.kind() == "identifier" && cx.value_of(cx.text(arg)).is_some_and(fixed);
    (!fixed(arg) && !bound_to_fixed).then_some(arg)
}

//! EXEC002: evaluating a string as Elixir code gives whoever shapes the string the whole VM.

use super::dynamic_argument;
use crate::checks::{CallInterest, Check, FileContext};
use crate::syntax::calls::Call;
use crate::syntax::semantic::ExecContext;

pub struct DynamicCodeEval;

const EVALUATORS: &[(&str, &str)] = &[
    ("Code", "eval_string"),
    ("Code", "eval_quoted"),
    ("Code", "eval_quoted_with_env"),
    ("Code", "eval_file"),
    ("Code", "compile_string"),
    ("Code", "compile_quoted"),
    ("Code", "compile_file"),
    ("Code", "require_file"),
    ("EEx", "eval_string"),
    ("EEx", "eval_file"),
];

impl Check for DynamicCodeEval {
    fn rules(&self) -> &'static [&'static str] {
        &["EXEC002"]
    }

    fn calls(&self) -> CallInterest {
        CallInterest::Named(&[
            "eval_string",
            "eval_quoted",
            "eval_quoted_with_env",
            "eval_file",
            "compile_string",
            "compile_quoted",
            "compile_file",
            "require_file",
        ])
    }

    fn on_call(&self, call: &Call, cx: &mut FileContext) {
        // While compiling, the input is the source tree itself.
        if cx.semantic.exec_context() == ExecContext::CompileTime {
            return;
        }
        let Some((module, function)) = EVALUATORS.iter().find(|(m, f)| call.is(m, f)) else {
            return;
        };
        if let Some(arg) = dynamic_argument(call, 0, cx).filter(|arg| !is_fixed_quote(*arg, cx)) {
            cx.report(
                "EXEC002",
                arg,
                format!(
                    "`{module}.{function}` evaluates code that is not a literal; \
                     whoever controls it runs arbitrary code in the release"
                ),
            );
        }
    }
}

/// `quote do … end` without `unquote` is code written in the source, as fixed as a literal.
fn is_fixed_quote(node: tree_sitter::Node, cx: &FileContext) -> bool {
    crate::syntax::local_call_name(node, cx.src) == Some("quote")
        && !cx.text(node).contains("unquote")
}

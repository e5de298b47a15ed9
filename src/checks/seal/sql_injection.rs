//! SEAL002: SQL assembled from run-time strings lets whoever controls the string rewrite the
//! query. Ecto's query DSL and `$1` parameters never do.

use crate::checks::{CallInterest, Check, FileContext};
use crate::syntax::calls::{Call, CallForm};
use crate::syntax::ecto::raw_sql_argument;
use crate::syntax::kinds::Fields;
use crate::syntax::semantic::ExecContext;
use crate::syntax::{has_dynamic_interpolation, is_fixed, operator};
use tree_sitter::Node;

pub struct SqlInjection;

/// How many variable-to-value steps are followed (`sql = base <> where`, `base = "…"`).
const MAX_BINDING_STEPS: usize = 4;

impl Check for SqlInjection {
    fn rules(&self) -> &'static [&'static str] {
        &["SEAL002"]
    }

    fn calls(&self) -> CallInterest {
        CallInterest::NamedOn(
            &["query", "query!", "query_many", "query_many!", "stream"],
            &["Repo", "SQL"],
        )
    }

    fn on_call(&self, call: &Call, cx: &mut FileContext) {
        if call.form == CallForm::CaptureReference
            || cx.semantic.exec_context() == ExecContext::CompileTime
        {
            return;
        }
        let Some(sql) = raw_sql_argument(call).and_then(|i| call.arg(i)) else {
            return;
        };
        let Some(how) = built_at_run_time(sql, cx, 0) else {
            return;
        };
        let module = call.module.as_deref().unwrap_or("Repo");
        cx.report(
            "SEAL002",
            sql,
            format!(
                "`{module}.{}` runs SQL built with {how}; pass run-time values as parameters \
                 (`$1`, `$2`) or use an Ecto query",
                call.function
            ),
        );
    }
}

/// How `node` builds a string from run-time values, if it does: interpolation, `<>` with a
/// value that is not a literal, or a variable bound to either earlier in the function.
fn built_at_run_time(node: Node, cx: &FileContext, steps: usize) -> Option<&'static str> {
    let semantic = &cx.semantic;
    match node.kind() {
        "string" | "sigil"
            if has_dynamic_interpolation(node, cx.src, &|n| semantic.is_bounded(n)) =>
        {
            Some("interpolation")
        }
        "binary_operator" if operator(node) == Some("<>") => {
            is_dynamic(node, cx, steps).then_some("`<>` concatenation")
        }
        "identifier" if steps < MAX_BINDING_STEPS => {
            let value = cx.value_of(cx.text(node))?;
            built_at_run_time(value, cx, steps + 1).map(|_| "a variable built from run-time values")
        }
        _ => None,
    }
}

/// Whether a part of a concatenation varies at run time: not a literal, not a bounded
/// variable, not a variable bound to a literal.
fn is_dynamic(part: Node, cx: &FileContext, steps: usize) -> bool {
    let semantic = &cx.semantic;
    match part.kind() {
        "identifier" => {
            let name = cx.text(part);
            !semantic.is_bounded(name)
                && match cx.value_of(name) {
                    Some(value) if steps < MAX_BINDING_STEPS => is_dynamic(value, cx, steps + 1),
                    _ => true,
                }
        }
        "binary_operator" if operator(part) == Some("<>") => ["left", "right"]
            .iter()
            .any(|side| part.field(side).is_some_and(|p| is_dynamic(p, cx, steps))),
        _ => !is_fixed(part, cx.src, &|n| semantic.is_bounded(n)),
    }
}

//! DOCS — documentation. All three rules read the same module outline.
//!
//! Absence findings ("no @doc") are only sound when the module parsed: in a module with a
//! syntax error (an editor's half-typed buffer) the attribute may be inside the error node,
//! so such modules get none.

use super::{Check, FileContext};
use crate::syntax::outline::{DefKind, ModuleDoc, ModuleKind, ModuleOutline};

pub struct Documentation;

impl Check for Documentation {
    fn rules(&self) -> &'static [&'static str] {
        &["DOCS001", "DOCS002", "DOCS003"]
    }

    fn wants_modules(&self) -> bool {
        true
    }

    fn on_module(&self, module: &ModuleOutline, cx: &mut FileContext) {
        if module.has_syntax_error {
            return;
        }
        let protocol = module.kind == ModuleKind::Protocol;
        if module.doc == ModuleDoc::Missing
            && !protocol
            && !module.deprecated
            && !module.name.ends_with(".MixProject")
        {
            cx.report(
                "DOCS001",
                module.name_node,
                format!(
                    "module `{}` has no `@moduledoc` (write one, or `@moduledoc false` for internal modules)",
                    module.name
                ),
            );
        }
        for function in module.doc_candidates().filter(|f| !f.is_documented()) {
            let what = match (function.kind, protocol) {
                (DefKind::Def, true) => "protocol function",
                (DefKind::Def, false) => "function",
                (DefKind::Defmacro, _) => "macro",
                (DefKind::Defguard, _) => "guard",
            };
            cx.report_unless_callback(
                "DOCS002",
                function.name_node,
                format!(
                    "public {what} `{}/{}` has no `@doc` (or `@doc false`)",
                    function.name, function.max_arity
                ),
                function.callback_question.clone(),
            );
        }
        for function in module.spec_candidates().filter(|f| !f.has_spec) {
            cx.report_unless_callback(
                "DOCS003",
                function.name_node,
                format!(
                    "public function `{}/{}` has no `@spec`",
                    function.name, function.max_arity
                ),
                function.callback_question.clone(),
            );
        }
    }
}

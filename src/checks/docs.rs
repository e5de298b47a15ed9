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
        if module.doc == ModuleDoc::Missing && !protocol && !module.name.ends_with(".MixProject") {
            cx.report(
                "DOCS001",
                module.name_node,
                format!(
                    "module `{}` has no `@moduledoc` (write one, or `@moduledoc false` for internal modules)",
                    module.name
                ),
            );
        }
        if module.doc == ModuleDoc::Hidden {
            return;
        }
        for function in module
            .functions
            .iter()
            .filter(|f| !f.is_callback && !f.is_hidden_by_name())
        {
            let what = match (function.kind, protocol) {
                (DefKind::Def, true) => "protocol function",
                (DefKind::Def, false) => "function",
                (DefKind::Defmacro, _) => "macro",
                (DefKind::Defguard, _) => "guard",
            };
            let signature = format!("{}/{}", function.name, function.max_arity);
            if !function.has_doc {
                cx.report_unless_callback(
                    "DOCS002",
                    function.name_node,
                    format!("public {what} `{signature}` has no `@doc` (or `@doc false`)"),
                    function.callback_question.clone(),
                );
            }
            // A protocol's heads are specced by its `t` type; implementations are `defimpl`s.
            // A function component's contract is its `attr`s.
            if function.kind == DefKind::Def
                && !protocol
                && !function.is_component
                && !function.has_spec
            {
                cx.report_unless_callback(
                    "DOCS003",
                    function.name_node,
                    format!("public function `{signature}` has no `@spec`"),
                    function.callback_question.clone(),
                );
            }
        }
    }
}

//! DOCS — documentation. All three rules read the same module outline.

use super::{Check, FileContext};
use crate::project::FileRole;
use crate::syntax::outline::{DefKind, ModuleDoc, ModuleOutline};

pub struct Documentation;

impl Check for Documentation {
    fn rules(&self) -> &'static [&'static str] {
        &["DOCS001", "DOCS002", "DOCS003"]
    }

    fn applies_to(&self, role: FileRole) -> bool {
        role == FileRole::Lib
    }

    fn wants_modules(&self) -> bool {
        true
    }

    fn on_module(&self, module: &ModuleOutline, cx: &mut FileContext) {
        if module.doc == ModuleDoc::Missing && !module.name.ends_with(".MixProject") {
            cx.report(
                "DOCS001",
                module.name_node,
                format!(
                    "module `{}` has no `@moduledoc` (write one, or `@moduledoc false` for internal modules)",
                    module.name
                ),
            );
        }
        for function in module
            .functions
            .iter()
            .filter(|f| !f.is_callback && !f.is_hidden_by_name())
        {
            let what = match function.kind {
                DefKind::Def => "function",
                DefKind::Defmacro => "macro",
                DefKind::Defguard => "guard",
            };
            let signature = format!("{}/{}", function.name, function.max_arity);
            if !function.has_doc && module.doc != ModuleDoc::Hidden {
                cx.report(
                    "DOCS002",
                    function.name_node,
                    format!("public {what} `{signature}` has no `@doc` (or `@doc false`)"),
                );
            }
            if function.kind == DefKind::Def && !function.has_spec {
                cx.report(
                    "DOCS003",
                    function.name_node,
                    format!("public function `{signature}` has no `@spec`"),
                );
            }
        }
    }
}

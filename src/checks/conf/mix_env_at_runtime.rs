//! CONF003: Mix is not part of a release, so `Mix.env()` in code that runs there raises
//! `UndefinedFunctionError` in production.

use crate::checks::{CallInterest, Check, FileContext};
use crate::syntax::calls::Call;
use crate::syntax::semantic::ExecContext;

pub struct MixEnvAtRuntime;

impl Check for MixEnvAtRuntime {
    fn rules(&self) -> &'static [&'static str] {
        &["CONF003"]
    }

    fn calls(&self) -> CallInterest {
        CallInterest::Named(&["env"])
    }

    fn on_call(&self, call: &Call, cx: &mut FileContext) {
        // In a module body or attribute (`@env Mix.env()`) it runs while compiling: the fix.
        if !call.is("Mix", "env") || cx.semantic.exec_context() == ExecContext::CompileTime {
            return;
        }
        cx.report(
            "CONF003",
            call.node,
            "`Mix.env()` at run time: Mix is not in a release, so this raises in production; \
             read it at compile time (`@env Mix.env()`) or use `Application.compile_env/3`",
        );
    }
}

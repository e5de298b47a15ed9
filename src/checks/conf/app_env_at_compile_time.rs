//! CONF002: `Application.get_env` in a module attribute or module body runs while the
//! module compiles: the value is frozen into the `.beam`, and runtime config never reaches it.

use crate::checks::{CallInterest, Check, FileContext};
use crate::syntax::calls::Call;

pub struct AppEnvAtCompileTime;

const READERS: &[&str] = &["get_env", "fetch_env", "fetch_env!", "get_all_env"];

impl Check for AppEnvAtCompileTime {
    fn rules(&self) -> &'static [&'static str] {
        &["CONF002"]
    }

    fn calls(&self) -> CallInterest {
        CallInterest::Named(READERS)
    }

    fn on_call(&self, call: &Call, cx: &mut FileContext) {
        if !cx.semantic.in_module_body_or_attribute()
            || !READERS.iter().any(|f| call.is("Application", f))
        {
            return;
        }
        cx.report(
            "CONF002",
            call.node,
            format!(
                "`Application.{}` outside a function runs at compile time: the value is baked \
                 into the module; use `Application.compile_env/3` (checked at boot) or read it \
                 in a function",
                call.function
            ),
        );
    }
}

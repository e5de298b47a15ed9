//! CONF001: `config.exs` and `prod.exs` are evaluated when the release is built; an
//! environment variable read there is the build machine's, frozen into the release.

use super::file_name;
use crate::checks::{CallInterest, Check, FileContext};
use crate::syntax::calls::Call;

pub struct CompileTimeEnv;

const READERS: &[&str] = &["get_env", "fetch_env", "fetch_env!"];

impl Check for CompileTimeEnv {
    fn rules(&self) -> &'static [&'static str] {
        &["CONF001"]
    }

    fn calls(&self) -> CallInterest {
        CallInterest::Named(READERS)
    }

    fn on_call(&self, call: &Call, cx: &mut FileContext) {
        let read_at_boot = matches!(file_name(cx.path), "runtime.exs" | "releases.exs");
        if read_at_boot || !READERS.iter().any(|f| call.is("System", f)) {
            return;
        }
        cx.report(
            "CONF001",
            call.node,
            format!(
                "`System.{}` in `{}` is read when the release is built, not when it boots; \
                 move it to config/runtime.exs",
                call.function,
                file_name(cx.path)
            ),
        );
    }
}

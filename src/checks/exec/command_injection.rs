//! EXEC001: a command line built from run-time data runs whatever that data says, with the
//! release's privileges.

use super::dynamic_argument;
use crate::checks::{CallInterest, Check, FileContext};
use crate::syntax::calls::Call;

pub struct CommandInjection;

impl Check for CommandInjection {
    fn rules(&self) -> &'static [&'static str] {
        &["EXEC001"]
    }

    fn calls(&self) -> CallInterest {
        CallInterest::Named(&["cmd", "shell"])
    }

    fn on_call(&self, call: &Call, cx: &mut FileContext) {
        let how = if call.is("System", "cmd") {
            "`System.cmd` runs a program whose name is not a literal"
        } else if call.is("System", "shell") {
            "`System.shell` runs a shell command that is not a literal"
        } else if call.is(":os", "cmd") {
            "`:os.cmd` runs a shell command that is not a literal"
        } else {
            return;
        };
        if let Some(arg) = dynamic_argument(call, 0, cx) {
            cx.report(
                "EXEC001",
                arg,
                format!(
                    "{how}; call a fixed executable with `System.cmd/3` and pass input as \
                     separate arguments (never through a shell)"
                ),
            );
        }
    }
}

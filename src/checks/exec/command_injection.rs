//! EXEC001: a command line built from run-time data runs whatever that data says, with the
//! release's privileges.

use super::dynamic_argument;
use crate::checks::{CallInterest, Check, FileContext};
use crate::syntax::calls::Call;
use crate::syntax::kinds::Fields;
use crate::syntax::semantic::ExecContext;
use crate::syntax::{call_args, is_literal, text};
use tree_sitter::Node;

pub struct CommandInjection;

impl Check for CommandInjection {
    fn rules(&self) -> &'static [&'static str] {
        &["EXEC001"]
    }

    fn calls(&self) -> CallInterest {
        CallInterest::Named(&["cmd", "shell"])
    }

    fn on_call(&self, call: &Call, cx: &mut FileContext) {
        // Macro bodies and module bodies run while compiling, on the developer's machine.
        if cx.semantic.exec_context() == ExecContext::CompileTime {
            return;
        }
        let how = if call.is("System", "cmd") {
            "`System.cmd` runs a program whose name is not a literal"
        } else if call.is("System", "shell") {
            "`System.shell` runs a shell command that is not a literal"
        } else if call.is(":os", "cmd") {
            "`:os.cmd` runs a shell command that is not a literal"
        } else {
            return;
        };
        if let Some(arg) =
            dynamic_argument(call, 0, cx).filter(|arg| !is_found_executable(*arg, cx))
        {
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

/// `System.find_executable("git")` — directly or bound to the variable — names a fixed
/// program, looked up on the `PATH`.
fn is_found_executable(program: Node, cx: &FileContext) -> bool {
    let program = match program.kind() {
        "identifier" => match cx.value_of(cx.text(program)) {
            Some(value) => value,
            None => return false,
        },
        _ => program,
    };
    program.kind() == "call"
        && program
            .field("target")
            .is_some_and(|t| text(t, cx.src) == "System.find_executable")
        && call_args(program)
            .first()
            .is_some_and(|name| is_literal(*name))
}

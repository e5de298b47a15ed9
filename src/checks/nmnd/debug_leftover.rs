//! NMND003: `IO.inspect`, `dbg` and `IEx.pry` are how one debugs locally; committed, they
//! print to production logs (or block a process waiting for a shell).

use crate::checks::{CallInterest, Check, FileContext};
use crate::syntax::call_args;
use crate::syntax::calls::Call;

pub struct DebugLeftover;

impl Check for DebugLeftover {
    fn rules(&self) -> &'static [&'static str] {
        &["NMND003"]
    }

    fn calls(&self) -> CallInterest {
        CallInterest::Named(&["inspect", "dbg", "pry", "require", "start"])
    }

    fn on_call(&self, call: &Call, cx: &mut FileContext) {
        // A test that captures the output asserts on it: the call is the subject.
        if cx.semantic.in_captured_output() {
            return;
        }
        // `IO.inspect(device, item, opts)` writes to the device it is given, on purpose (as
        // Credo's IoInspect, which judges arity 1 and 2 only).
        let leftover = if call.is("IO", "inspect") && call.arity < 3 {
            "`IO.inspect`"
        } else if call.is("IO", "inspect") {
            return;
        } else if call.function == "dbg"
            && (call.module.is_none() || call.module.as_deref() == Some("Kernel"))
        {
            "`dbg`"
        } else if call.is("IEx", "pry") {
            "`IEx.pry`"
        } else if call.is(":debugger", "start") {
            "`:debugger.start`"
        } else if call.function == "require" && call.module.is_none() && requires_iex(call, cx) {
            "`require IEx`"
        } else {
            return;
        };
        cx.report(
            "NMND003",
            call.node,
            format!(
                "{leftover} is a debugging leftover; remove it (use `Logger` for output that stays)"
            ),
        );
    }
}

fn requires_iex(call: &Call, cx: &FileContext) -> bool {
    call_args(call.node)
        .first()
        .is_some_and(|module| cx.text(*module) == "IEx")
}

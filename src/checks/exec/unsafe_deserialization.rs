//! EXEC003: `binary_to_term` on untrusted bytes can create atoms without limit and build
//! funs that run code when called.

use crate::checks::{CallInterest, Check, FileContext};
use crate::syntax::calls::{Call, CallForm};
use crate::syntax::{is_fixed, named_children, text};

pub struct UnsafeDeserialization;

impl Check for UnsafeDeserialization {
    fn rules(&self) -> &'static [&'static str] {
        &["EXEC003"]
    }

    fn calls(&self) -> CallInterest {
        CallInterest::Named(&["binary_to_term"])
    }

    fn on_call(&self, call: &Call, cx: &mut FileContext) {
        if !call.is(":erlang", "binary_to_term") {
            return;
        }
        let unsafe_call = match (call.form, call.arity) {
            (CallForm::CaptureReference, _) | (_, 1) => call
                .arg(0)
                .is_none_or(|bytes| !is_fixed(bytes, cx.src, &|_| false)),
            // Options that are not a literal list cannot be judged here.
            (_, 2) => call
                .arg(1)
                .is_some_and(|opts| opts.kind() == "list" && !lists_safe(opts, cx.src)),
            _ => false,
        };
        if unsafe_call {
            cx.report(
                "EXEC003",
                call.node,
                "`:erlang.binary_to_term` without `[:safe]` decodes untrusted bytes into new \
                 atoms and executable funs; use `:erlang.binary_to_term(bin, [:safe])` or \
                 `Plug.Crypto.non_executable_binary_to_term/2`",
            );
        }
    }
}

/// `[:safe]`, in any position of the options list.
fn lists_safe(opts: tree_sitter::Node, src: &str) -> bool {
    named_children(opts).any(|option| text(option, src) == ":safe")
}

//! ZERO — zero-tolerance runtime hazards.

use super::{CallInterest, Check, FileContext};
use crate::syntax::calls::{Call, CallForm};
use crate::syntax::kinds::Fields;
use crate::syntax::semantic::ExecContext;
use crate::syntax::{
    call_args, descendants_outside_fns, has_dynamic_interpolation, is_fixed, keyword_value,
    local_call_name, named_children, remote_call_name, text,
};
use tree_sitter::Node;

/// ZERO001: atoms are never garbage-collected, so turning run-time data into atoms lets an
/// attacker exhaust the atom table. Module bodies and `unquote` run at compile time, where the
/// inputs are the source code itself, so they are not reported.
pub struct UnsafeAtomCreation;

const ATOM_FROM_DATA: &[(&str, &str, &[usize])] = &[
    ("String", "to_atom", &[1]),
    ("List", "to_atom", &[1]),
    (":erlang", "binary_to_atom", &[1, 2]),
    (":erlang", "list_to_atom", &[1]),
];

/// JSON decoders whose `keys: :atoms` option converts every object key with `to_atom`.
const DECODERS: &[(&str, &str)] = &[
    ("Jason", "decode"),
    ("Jason", "decode!"),
    ("Poison", "decode"),
    ("Poison", "decode!"),
];

impl Check for UnsafeAtomCreation {
    fn rules(&self) -> &'static [&'static str] {
        &["ZERO001"]
    }

    fn node_kinds(&self) -> &'static [&'static str] {
        &["quoted_atom", "quoted_keyword", "sigil"]
    }

    fn on_node(&self, node: Node, cx: &mut FileContext) {
        let semantic = &cx.semantic;
        if semantic.exec_context() == ExecContext::CompileTime
            || !has_dynamic_interpolation(node, cx.src, &|name| semantic.is_bounded(name))
        {
            return;
        }
        let what = match node.kind() {
            "quoted_atom" => "interpolated atom literal",
            "quoted_keyword" => "interpolated keyword key",
            // `~w(...)a` builds a list of atoms; only interpolation makes its input dynamic.
            _ if is_atom_word_sigil(node, cx.src) => "`~w(…)a` sigil with interpolation",
            _ => return,
        };
        cx.report(
            "ZERO001",
            node,
            format!("{what} creates an atom from run-time data; atoms are never garbage-collected"),
        );
    }

    fn calls(&self) -> CallInterest {
        CallInterest::Named(&[
            "to_atom",
            "binary_to_atom",
            "list_to_atom",
            "decode",
            "decode!",
        ])
    }

    fn on_call(&self, call: &Call, cx: &mut FileContext) {
        if cx.semantic.exec_context() == ExecContext::CompileTime {
            return;
        }
        for (module, function, arities) in ATOM_FROM_DATA {
            if call.is(module, function) && arities.contains(&call.arity) {
                let dynamic = match call.form {
                    CallForm::CaptureReference => true,
                    _ => call.arg(0).is_some_and(|arg| {
                        let semantic = &cx.semantic;
                        !is_fixed(arg, cx.src, &|name| semantic.is_bounded(name))
                    }),
                };
                if dynamic {
                    cx.report(
                        "ZERO001",
                        call.node,
                        format!(
                            "`{module}.{function}/{}` on a non-literal creates atoms from run-time data; \
                             use `String.to_existing_atom/1` or an explicit mapping",
                            call.arity
                        ),
                    );
                }
                return;
            }
        }
        for (module, function) in DECODERS {
            if call.is(module, function)
                && call.arity == 2
                && call
                    .arg(1)
                    .is_some_and(|opts| keys_option_is_atoms(opts, cx.src))
            {
                cx.report(
                    "ZERO001",
                    call.node,
                    format!(
                        "`{module}.{function}` with `keys: :atoms` turns every key of untrusted JSON \
                         into an atom; use `keys: :atoms!` or string keys"
                    ),
                );
                return;
            }
        }
    }
}

/// `keys: :atoms` in a trailing keyword list or an explicit `[keys: :atoms]`.
fn keys_option_is_atoms(opts: Node, src: &str) -> bool {
    let keywords = match opts.kind() {
        "keywords" => Some(opts),
        "list" => named_children(opts).find(|n| n.kind() == "keywords"),
        _ => None,
    };
    keyword_value(keywords, "keys", src).is_some_and(|v| text(v, src) == ":atoms")
}

fn is_atom_word_sigil(sigil: Node, src: &str) -> bool {
    let mut cursor = sigil.walk();
    let children: Vec<Node> = sigil.children(&mut cursor).collect();
    let name = children.iter().find(|c| c.kind() == "sigil_name");
    let modifiers = children.iter().find(|c| c.kind() == "sigil_modifiers");
    name.is_some_and(|n| text(*n, src) == "w")
        && modifiers.is_some_and(|m| text(*m, src).contains('a'))
}

/// ZERO002: a catch-all `rescue`/`catch` swallows every failure, including the ones a
/// supervisor should see, and hides bugs behind a default value.
pub struct BareRescue;

impl Check for BareRescue {
    fn rules(&self) -> &'static [&'static str] {
        &["ZERO002"]
    }

    fn node_kinds(&self) -> &'static [&'static str] {
        &["rescue_block", "catch_block"]
    }

    fn on_node(&self, block: Node, cx: &mut FileContext) {
        // A rescue in code that runs while compiling (a macro body outside `quote`) guards
        // the build, not the running system.
        if cx.semantic.exec_context() == ExecContext::CompileTime {
            return;
        }
        let is_rescue = block.kind() == "rescue_block";
        for clause in named_children(block).filter(|c| c.kind() == "stab_clause") {
            // A guarded clause (`kind, reason when kind in [...]`) has a `when` here instead.
            let Some(pattern) = clause.field("left").filter(|l| l.kind() == "arguments") else {
                continue;
            };
            let args: Vec<Node> = named_children(pattern).collect();
            let all_bare = !args.is_empty() && args.iter().all(|a| a.kind() == "identifier");
            let catch_all = match (is_rescue, args.len()) {
                (true, 1) | (false, 1 | 2) => all_bare,
                _ => false,
            };
            if !catch_all
                || clause
                    .field("right")
                    .is_some_and(|body| reraises(body, &args, is_rescue, cx.src))
            {
                continue;
            }
            let message = if is_rescue {
                format!(
                    "`rescue {} ->` rescues every exception; name the exceptions (`rescue e in [ArgumentError] ->`)",
                    cx.text(pattern)
                )
            } else if args.len() == 1 {
                // `catch value ->` is `catch :throw, value ->`: it swallows every throw.
                format!(
                    "`catch {} ->` catches every thrown value; match the values you expect",
                    cx.text(pattern)
                )
            } else {
                format!(
                    "`catch {} ->` catches every throw, exit and error; match the kind (`catch :exit, reason ->`)",
                    cx.text(pattern)
                )
            };
            cx.report("ZERO002", pattern, message);
        }
    }
}

/// Whether a catch-all clause's body hands what it caught back up: `reraise e, __STACKTRACE__`
/// or `raise e` for `rescue e ->` (also a module's own `reraise`, such as
/// `Plug.Conn.WrapperError.reraise(conn, :error, e, __STACKTRACE__)`),
/// `:erlang.raise(kind, reason, __STACKTRACE__)` for `catch kind, reason ->`, `throw(value)`
/// for `catch value ->`; or whose value is a tuple carrying everything it caught with
/// `__STACKTRACE__`, for the caller to re-raise (`{:raised, kind, reason, __STACKTRACE__}`).
/// Such a clause only observes or defers the failure (logs it, cleans up) and does not
/// swallow it. Code inside an `fn` in the body runs later, if at all, so it does not count.
fn reraises(body: Node, bound: &[Node], is_rescue: bool, src: &str) -> bool {
    let names: Vec<&str> = bound.iter().map(|n| text(*n, src)).collect();
    let is_var = |node: Option<&Node>, name: &str| {
        node.is_some_and(|n| n.kind() == "identifier" && text(*n, src) == name)
    };
    let raises = descendants_outside_fns(body).any(|node| {
        if node.kind() != "call" {
            return false;
        }
        let args = call_args(node);
        let passes = |name: &str| args.iter().any(|a| is_var(Some(a), name));
        match (is_rescue, names.as_slice()) {
            (true, [exception]) => {
                match (local_call_name(node, src), remote_call_name(node, src)) {
                    (Some("reraise" | "raise"), _) => is_var(args.first(), exception),
                    (_, Some((_, "reraise"))) => passes(exception),
                    _ => false,
                }
            }
            (false, [kind, reason]) => match remote_call_name(node, src) {
                Some((":erlang", "raise")) => {
                    is_var(args.first(), kind) && is_var(args.get(1), reason)
                }
                Some((_, "reraise")) => passes(kind) && passes(reason),
                _ => false,
            },
            (false, [value]) => {
                local_call_name(node, src) == Some("throw") && is_var(args.first(), value)
            }
            _ => false,
        }
    });
    // `exit(…)` built from what was caught re-raises it as an exit.
    let exits = descendants_outside_fns(body).any(|node| {
        local_call_name(node, src) == Some("exit")
            && call_args(node)
                .first()
                .is_some_and(|reason| mentions_all(*reason, &names, false, src))
    });
    let forwards = named_children(body)
        .last()
        .filter(|value| matches!(value.kind(), "tuple" | "list" | "map"))
        .is_some_and(|value| mentions_all(value, &names, true, src));
    raises || exits || forwards
}

/// Whether `node` mentions every name in `names` (and `__STACKTRACE__` when asked).
fn mentions_all(node: Node, names: &[&str], with_stacktrace: bool, src: &str) -> bool {
    let mentioned: Vec<&str> = std::iter::once(node)
        .chain(descendants_outside_fns(node))
        .filter(|n| n.kind() == "identifier")
        .map(|n| text(n, src))
        .collect();
    !names.is_empty()
        && names.iter().all(|name| mentioned.contains(name))
        && (!with_stacktrace || mentioned.contains(&"__STACKTRACE__"))
}

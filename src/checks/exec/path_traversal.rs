//! EXEC005: a file path taken from request parameters reads or writes wherever the client
//! says (`../../etc/passwd`, `../config/prod.secret.exs`).

use crate::checks::{CallInterest, Check, FileContext};
use crate::syntax::calls::{Call, CallForm};
use crate::syntax::first_call_arg;
use crate::syntax::kinds::Fields;
use crate::syntax::semantic::bound_variables;
use crate::syntax::{call_args, local_call_name, named_children, text};
use tree_sitter::Node;

pub struct PathTraversal;

/// `File` functions whose first argument is a path that is read, written or removed, then
/// the controller functions that send a file.
const PATH_SINKS: &[&str] = &[
    "read",
    "read!",
    "write",
    "write!",
    "open",
    "open!",
    "stream!",
    "rm",
    "rm!",
    "rm_rf",
    "rm_rf!",
    "cp",
    "cp!",
    "cp_r",
    "cp_r!",
    "rename",
    "rename!",
    "ls",
    "ls!",
    "mkdir_p",
    "mkdir_p!",
    "touch",
    "touch!",
    "copy",
    "copy!",
    "ln_s",
    "ln_s!",
    "send_file",
    "send_download",
];

/// How many variable-to-value steps are followed from the path back to `params`.
const MAX_STEPS: usize = 4;
/// How deep an expression is searched for the variables it uses.
const MAX_DEPTH: usize = 16;

impl Check for PathTraversal {
    fn rules(&self) -> &'static [&'static str] {
        &["EXEC005"]
    }

    fn calls(&self) -> CallInterest {
        CallInterest::Named(PATH_SINKS)
    }

    fn on_call(&self, call: &Call, cx: &mut FileContext) {
        // The walk passes every call another check subscribed to, too.
        if call.form == CallForm::CaptureReference
            || !PATH_SINKS.contains(&call.function)
            || !in_controller(cx)
        {
            return;
        }
        let sends = matches!(call.function, "send_file" | "send_download");
        let path = if !sends && call.is("File", call.function) {
            call.arg(0)
        } else if call.function == "send_file" && is_conn_call(call) {
            call.arg(2)
        } else if call.function == "send_download" && is_conn_call(call) {
            // `send_download(conn, {:file, path}, opts)`; `{:binary, data}` sends memory.
            call.arg(1)
                .filter(|d| d.kind() == "tuple")
                .map(|d| named_children(d).collect::<Vec<_>>())
                .filter(|parts| parts.len() == 2 && text(parts[0], cx.src) == ":file")
                .map(|parts| parts[1])
        } else {
            None
        };
        let Some(path) = path else {
            return;
        };
        let params = action_params(cx);
        if from_params(path, cx, &params, 0, 0) {
            cx.report(
                "EXEC005",
                path,
                format!(
                    "`{}` uses a path taken from the request's params; keep only the file name \
                     (`Path.basename/1`) and check it against the files you serve \
                     (`Path.safe_relative/2`)",
                    call.function
                ),
            );
        }
    }
}

/// `send_file/3,5` and `send_download/2,3` of `Plug.Conn`/`Phoenix.Controller`, imported
/// into controllers.
fn is_conn_call(call: &Call) -> bool {
    match call.module.as_deref() {
        None => true,
        Some(module) => matches!(module, "Plug.Conn" | "Phoenix.Controller"),
    }
}

fn in_controller(cx: &FileContext) -> bool {
    cx.semantic
        .current_module()
        .is_some_and(|m| m.ends_with("Controller"))
}

/// The variables the current action binds from its params: the second parameter of a
/// public two-argument `def` (a controller action), `params` or a pattern
/// (`%{"path" => path}`). Private helpers receive whatever their callers pass.
fn action_params(cx: &FileContext) -> Vec<(usize, usize)> {
    let Some(definition) = cx.semantic.current_function().and_then(|f| cx.node_at(f)) else {
        return Vec::new();
    };
    if local_call_name(definition, cx.src) != Some("def") {
        return Vec::new();
    }
    let Some(mut head) = first_call_arg(definition) else {
        return Vec::new();
    };
    // `def show(conn, params) when …`: the head is the guard's left side.
    if head.kind() == "binary_operator"
        && let Some(left) = head.field("left")
    {
        head = left;
    }
    let mut names = Vec::new();
    let args = call_args(head);
    if local_call_name(head, cx.src).is_some() && args.len() == 2 {
        bound_variables(args[1], 0, &mut names);
    }
    names
}

/// Whether `node` uses the request's params: the variable `params`, a variable bound from
/// the action's params pattern, or a variable bound earlier to an expression that does.
/// `Path.basename/1` keeps only the last segment, so what it returns cannot traverse.
fn from_params(
    node: Node,
    cx: &FileContext,
    params: &[(usize, usize)],
    steps: usize,
    depth: usize,
) -> bool {
    if depth > MAX_DEPTH {
        return false;
    }
    match node.kind() {
        "identifier" => {
            let name = cx.text(node);
            if name == "params" || params.iter().any(|&(s, e)| &cx.src[s..e] == name) {
                return true;
            }
            steps < MAX_STEPS
                && cx
                    .value_of(name)
                    .is_some_and(|value| from_params(value, cx, params, steps + 1, 0))
        }
        "call" if is_basename(node, cx.src) => false,
        _ => named_children(node).any(|child| from_params(child, cx, params, steps, depth + 1)),
    }
}

fn is_basename(call: Node, src: &str) -> bool {
    call.field("target")
        .is_some_and(|target| text(target, src) == "Path.basename")
}

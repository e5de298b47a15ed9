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
            dynamic_argument(call, 0, cx).filter(|arg| !is_fixed_program(*arg, cx, 0))
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

/// How many bindings and branches are followed to a program's name.
const MAX_STEPS: usize = 4;

/// A program chosen among fixed names: `System.find_executable("git")`, or a variable taken
/// from a `case`/`cond`/`if` whose every branch gives a fixed name in that place
/// (`{cmd, args} = case :os.type() do {:win32, _} -> {"cmd", …}; _ -> {"xdg-open", …} end`).
fn is_fixed_program(program: Node, cx: &FileContext, steps: usize) -> bool {
    if steps > MAX_STEPS {
        return false;
    }
    if is_literal(program) || is_found_executable(program, cx) {
        return true;
    }
    if program.kind() != "identifier" {
        return false;
    }
    let Some((name, value)) = cx.semantic.binding_site(cx.text(program), cx.src) else {
        return false;
    };
    let (Some(name), Some(value)) = (cx.node_at(name), cx.node_at(value)) else {
        return false;
    };
    let Some(path) = position_in_pattern(name) else {
        return false;
    };
    let outcomes = branch_outcomes(value, cx.src);
    !outcomes.is_empty()
        && outcomes.iter().all(|outcome| {
            element_at(*outcome, &path)
                .is_some_and(|element| is_fixed_program(element, cx, steps + 1))
        })
}

/// The tuple and list positions leading from a match pattern's root down to `variable`:
/// `{cmd, args} = …` gives `[0]` for `cmd`. Asks for parents, which is fine on this rare path.
fn position_in_pattern(variable: Node) -> Option<Vec<usize>> {
    let mut path = Vec::new();
    let mut node = variable;
    loop {
        let parent = node.parent()?;
        match parent.kind() {
            "tuple" | "list" => {
                let mut cursor = parent.walk();
                let index = parent
                    .named_children(&mut cursor)
                    .position(|child| child == node)?;
                path.push(index);
            }
            "binary_operator" if parent.field("left") == Some(node) => {
                path.reverse();
                return Some(path);
            }
            _ => return None,
        }
        node = parent;
    }
}

/// The values a `case`/`cond`/`if` can produce (the last expression of each branch), or the
/// value itself for anything else.
fn branch_outcomes<'t>(value: Node<'t>, src: &str) -> Vec<Node<'t>> {
    if !matches!(
        crate::syntax::local_call_name(value, src),
        Some("case" | "cond" | "if" | "unless")
    ) {
        return vec![value];
    }
    let Some(block) = crate::syntax::do_block(value) else {
        return Vec::new();
    };
    let mut outcomes = Vec::new();
    for part in crate::syntax::named_children(block) {
        let last = match part.kind() {
            "stab_clause" => part
                .field("right")
                .and_then(|body| crate::syntax::named_children(body).last()),
            "else_block" => crate::syntax::named_children(part).last(),
            _ => Some(part),
        };
        match last {
            Some(last) => outcomes.push(last),
            None => return Vec::new(),
        }
    }
    outcomes
}

fn element_at<'t>(value: Node<'t>, path: &[usize]) -> Option<Node<'t>> {
    path.iter().try_fold(value, |node, &index| {
        matches!(node.kind(), "tuple" | "list")
            .then(|| crate::syntax::named_children(node).nth(index))
            .flatten()
    })
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

//! One view of a function call in every spelling the contract names: `Mod.f(x)`,
//! `x |> Mod.f()`, `&Mod.f/1`, `&Mod.f(&1)`, through `alias` and through `import`.

use super::children::named_child_at;
use super::kinds::{Kind, kind};
use super::semantic::Semantic;
use super::{call_args, operator, text};
use crate::syntax::kinds::Fields;
use tree_sitter::Node;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CallForm {
    Direct,
    /// `x |> f(...)`: the pipe's left side is the first argument.
    Piped,
    /// `&Mod.f/2`: arity known, arguments not.
    CaptureReference,
}

#[derive(Debug)]
pub struct Call<'t> {
    /// The node a finding about this call points at.
    pub node: Node<'t>,
    /// The resolved module for remote calls (`String`, `MyApp.Repo`, `:erlang`).
    pub module: Option<String>,
    /// For local calls, the modules an `import` in scope may provide the function from.
    pub imported_from: Vec<String>,
    pub function: &'t str,
    pub arity: usize,
    pub form: CallForm,
    args: Vec<Node<'t>>,
}

impl<'t> Call<'t> {
    /// Build the call a node denotes, if it denotes one. `ancestors` are the node's
    /// ancestors, innermost last (the walk has them; asking tree-sitter for a parent costs a
    /// descent from the root). Calls that are only the reference inside `&Mod.f/1` return
    /// `None` here; the enclosing capture yields them instead.
    pub fn from_node(
        node: Node<'t>,
        ancestors: &[Node<'t>],
        src: &'t str,
        semantic: &Semantic,
    ) -> Option<Call<'t>> {
        match kind(node) {
            Kind::Call => Self::from_call(node, ancestors, src, semantic),
            Kind::UnaryOperator if operator(node) == Some("&") => {
                Self::from_capture(node, src, semantic)
            }
            _ => None,
        }
    }

    fn from_call(
        node: Node<'t>,
        ancestors: &[Node<'t>],
        src: &'t str,
        semantic: &Semantic,
    ) -> Option<Call<'t>> {
        if is_capture_reference(node, ancestors) {
            return None;
        }
        let target = node.field("target")?;
        let mut args = call_args(node);
        let piped = ancestors.last().copied().filter(|p| {
            kind(*p) == Kind::BinaryOperator
                && operator(*p) == Some("|>")
                && p.field("right") == Some(node)
        });
        let form = match piped.and_then(|p| p.field("left")) {
            Some(left) => {
                args.insert(0, left);
                CallForm::Piped
            }
            None => CallForm::Direct,
        };
        let (module, function) = resolve_target(target, src, semantic)?;
        let arity = args.len();
        Some(Self::resolved(
            node, module, function, arity, form, args, semantic,
        ))
    }

    fn from_capture(node: Node<'t>, src: &'t str, semantic: &Semantic) -> Option<Call<'t>> {
        let operand = node.field("operand")?;
        if operand.kind() != "binary_operator" || operator(operand) != Some("/") {
            return None;
        }
        let reference = operand.field("left")?;
        let arity: usize = text(operand.field("right")?, src).parse().ok()?;
        let (module, function) = match reference.kind() {
            "call" => resolve_target(reference.field("target")?, src, semantic)?,
            "identifier" => (None, text(reference, src)),
            _ => return None,
        };
        let form = CallForm::CaptureReference;
        Some(Self::resolved(
            node,
            module,
            function,
            arity,
            form,
            Vec::new(),
            semantic,
        ))
    }

    /// A call whose module is known for remote calls; local ones look through `import`.
    fn resolved(
        node: Node<'t>,
        module: Option<String>,
        function: &'t str,
        arity: usize,
        form: CallForm,
        args: Vec<Node<'t>>,
        semantic: &Semantic,
    ) -> Call<'t> {
        let imported_from = match module {
            None => semantic.imported_from(function, arity),
            Some(_) => Vec::new(),
        };
        Call {
            node,
            module,
            imported_from,
            function,
            arity,
            form,
            args,
        }
    }

    /// Whether this calls `module.function` (directly, aliased, or imported).
    pub fn is(&self, module: &str, function: &str) -> bool {
        self.function == function
            && match &self.module {
                Some(m) => m == module,
                None => self.imported_from.iter().any(|m| m == module),
            }
    }

    /// The `index`th argument, counting a piped-in value as the first. `None` for capture
    /// references, whose arguments are only known at run time.
    pub fn arg(&self, index: usize) -> Option<Node<'t>> {
        self.args.get(index).copied()
    }
}

/// What the walk reads once from each call node, for the semantic model and for the call
/// checks alike: its target and the name it calls (`f` in `f(x)` and in `Mod.f(x)`).
#[derive(Debug, Clone, Copy)]
pub struct CallHead<'t> {
    pub target: Node<'t>,
    pub name: &'t str,
    /// `Mod.f(…)`: the target is a `dot`.
    pub remote: bool,
}

/// The head of a `call` node whose target is a name or `Mod.name`.
pub fn call_head<'t>(call: Node<'t>, src: &'t str) -> Option<CallHead<'t>> {
    let target = call_target(call)?;
    match kind(target) {
        Kind::Identifier => Some(CallHead {
            target,
            name: text(target, src),
            remote: false,
        }),
        Kind::Dot => Some(CallHead {
            target,
            name: text(target.field("right")?, src),
            remote: true,
        }),
        _ => None,
    }
}

/// A call's `target` field. Every form of call in the grammar starts with its target, and
/// the first child costs half a field lookup; the walk asks this of every call.
pub fn call_target(call: Node) -> Option<Node> {
    named_child_at(call, 0).filter(|first| first.start_byte() == call.start_byte())
}

/// The function a call or capture names, without resolving anything: `f` in `Mod.f(x)`,
/// `f(x)` and `&Mod.f/1`. Cheap enough to run on every call node.
pub fn function_name<'t>(node: Node<'t>, src: &'t str) -> Option<&'t str> {
    let target_name = |call: Node<'t>| call_head(call, src).map(|head| head.name);
    match kind(node) {
        Kind::Call => target_name(node),
        // Only a capture (`&Mod.f/1`) names a function; `-x`, `!x` and `@attr` do not.
        Kind::UnaryOperator if src.as_bytes().get(node.start_byte()) == Some(&b'&') => {
            let operand = node.field("operand")?;
            if kind(operand) != Kind::BinaryOperator {
                return None;
            }
            let reference = operand.field("left")?;
            match kind(reference) {
                Kind::Call => target_name(reference),
                _ => Some(text(reference, src)),
            }
        }
        _ => None,
    }
}

/// `Mod.f` → (Some(Mod), f); `f` → (None, f).
fn resolve_target<'t>(
    target: Node<'t>,
    src: &'t str,
    semantic: &Semantic,
) -> Option<(Option<String>, &'t str)> {
    match target.kind() {
        "identifier" => Some((None, text(target, src))),
        "dot" => {
            let right = target.field("right")?;
            if right.kind() != "identifier" {
                return None;
            }
            let module = semantic.resolve_module(target.field("left")?, src)?;
            Some((Some(module), text(right, src)))
        }
        _ => None,
    }
}

/// The `Mod.f` in `&Mod.f/1`: a call with no argument list, left of `/`, under `&`.
fn is_capture_reference(call: Node, ancestors: &[Node]) -> bool {
    let [.., amp, slash] = ancestors else {
        return false;
    };
    kind(*slash) == Kind::BinaryOperator
        && kind(*amp) == Kind::UnaryOperator
        && operator(*slash) == Some("/")
        && operator(*amp) == Some("&")
        && slash.field("left") == Some(call)
        && super::call_arguments(call).is_none()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::syntax::walk::tests::{SNIPPETS, fixture_sources};
    use crate::syntax::walk::{Next, preorder};

    #[test]
    fn a_calls_first_child_is_its_target_field() {
        let mut calls = 0;
        let sources = fixture_sources();
        let snippets = SNIPPETS.iter().map(|s| s.to_string());
        let extra = ["foo.()\nf.(1)\nMod.f()\nx |> Kernel.+(1)\nfoo()()\n@a f(1)\n".to_string()];
        for src in sources.into_iter().chain(snippets).chain(extra) {
            let tree = crate::syntax::parse::parse(&src).unwrap();
            preorder(&tree, |node, _| {
                if kind(node) == Kind::Call {
                    calls += 1;
                    assert_eq!(call_target(node), node.field("target"), "{node:?}");
                }
                Next::Children
            });
        }
        assert!(calls > 1000, "{calls} calls");
    }
}

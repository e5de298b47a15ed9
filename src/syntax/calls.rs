//! One view of a function call in every spelling the contract names: `Mod.f(x)`,
//! `x |> Mod.f()`, `&Mod.f/1`, `&Mod.f(&1)`, through `alias` and through `import`.

use super::semantic::Semantic;
use super::{call_args, operator, text};
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
        match node.kind() {
            "call" => Self::from_call(node, ancestors, src, semantic),
            "unary_operator" if operator(node) == Some("&") => {
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
        let target = node.child_by_field_name("target")?;
        let mut args = call_args(node);
        let piped = ancestors.last().copied().filter(|p| {
            p.kind() == "binary_operator"
                && operator(*p) == Some("|>")
                && p.child_by_field_name("right") == Some(node)
        });
        let form = match piped.and_then(|p| p.child_by_field_name("left")) {
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
        let operand = node.child_by_field_name("operand")?;
        if operand.kind() != "binary_operator" || operator(operand) != Some("/") {
            return None;
        }
        let reference = operand.child_by_field_name("left")?;
        let arity: usize = text(operand.child_by_field_name("right")?, src)
            .parse()
            .ok()?;
        let (module, function) = match reference.kind() {
            "call" => resolve_target(reference.child_by_field_name("target")?, src, semantic)?,
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

    pub fn args(&self) -> &[Node<'t>] {
        &self.args
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
            let right = target.child_by_field_name("right")?;
            if right.kind() != "identifier" {
                return None;
            }
            let module = semantic.resolve_module(target.child_by_field_name("left")?, src)?;
            Some((Some(module), text(right, src)))
        }
        _ => None,
    }
}

/// The `Mod.f` in `&Mod.f/1`: a call with no argument list, left of `/`, under `&`.
fn is_capture_reference(call: Node, ancestors: &[Node]) -> bool {
    if super::call_arguments(call).is_some() {
        return false;
    }
    let [.., amp, slash] = ancestors else {
        return false;
    };
    slash.kind() == "binary_operator"
        && operator(*slash) == Some("/")
        && slash.child_by_field_name("left") == Some(call)
        && amp.kind() == "unary_operator"
        && operator(*amp) == Some("&")
}

//! What a `defmodule` declares at its top level: its documentation state and its public
//! functions with their `@doc`, `@spec` and `@impl` status. Built from the module body's
//! direct statements (nested modules have outlines of their own).

use super::{body_statements, call_args, local_call_name, module_attribute, operator, text};
use tree_sitter::Node;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ModuleDoc {
    Missing,
    Present,
    /// `@moduledoc false`: the module is hidden from documentation.
    Hidden,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DefKind {
    Def,
    Defmacro,
    Defguard,
}

#[derive(Debug)]
pub struct PublicFunction<'t> {
    pub kind: DefKind,
    pub name: &'t str,
    /// With default arguments a head defines several arities: `min..=max`.
    pub min_arity: usize,
    pub max_arity: usize,
    /// The function name in the first clause's head.
    pub name_node: Node<'t>,
    pub has_doc: bool,
    pub has_spec: bool,
    /// Declared with `@impl`, or a known callback of a `defexception` module.
    pub is_callback: bool,
}

impl PublicFunction<'_> {
    /// Hidden by convention (`__using__`, `_private_helper`): ExDoc leaves these out.
    pub fn is_hidden_by_name(&self) -> bool {
        self.name.starts_with('_')
    }
}

#[derive(Debug)]
pub struct ModuleOutline<'t> {
    pub name: String,
    pub name_node: Node<'t>,
    pub doc: ModuleDoc,
    pub functions: Vec<PublicFunction<'t>>,
}

/// Callbacks of `Exception` that `defexception` modules implement, often without `@impl`.
const EXCEPTION_CALLBACKS: &[(&str, usize)] = &[("exception", 1), ("message", 1), ("blame", 2)];

impl<'t> ModuleOutline<'t> {
    pub fn build(defmodule: Node<'t>, full_name: String, src: &'t str) -> Option<Self> {
        let name_node = *call_args(defmodule).first()?;
        if !is_static_module_name(name_node, src) {
            return None;
        }
        let mut outline = ModuleOutline {
            name: full_name,
            name_node,
            doc: ModuleDoc::Missing,
            functions: Vec::new(),
        };
        let mut pending_doc = false;
        let mut pending_impl = false;
        let mut specs: Vec<(&str, usize)> = Vec::new();
        let mut is_exception = false;

        for statement in body_statements(defmodule, src) {
            if let Some((attr, value)) = module_attribute(statement, src) {
                match attr {
                    "moduledoc" => match value.map(|v| doc_value(v, src)) {
                        Some(DocValue::Hidden) => outline.doc = ModuleDoc::Hidden,
                        Some(DocValue::Text) => outline.doc = ModuleDoc::Present,
                        _ => {}
                    },
                    "doc" if value.is_some_and(|v| doc_value(v, src) != DocValue::MetadataOnly) => {
                        pending_doc = true;
                    }
                    "impl" => pending_impl = value.is_none_or(|v| text(v, src) != "false"),
                    "spec" => specs.extend(value.and_then(|v| spec_signature(v, src))),
                    _ => {}
                }
                continue;
            }
            let Some(definer) = local_call_name(statement, src) else {
                continue;
            };
            let kind = match definer {
                "def" => Some(DefKind::Def),
                "defmacro" => Some(DefKind::Defmacro),
                "defguard" => Some(DefKind::Defguard),
                "defp" | "defmacrop" | "defguardp" | "defdelegate" => None,
                "defexception" => {
                    is_exception = true;
                    continue;
                }
                _ => continue,
            };
            let head = call_args(statement)
                .first()
                .and_then(|h| function_head(*h, src));
            let (doc, callback) = (
                std::mem::take(&mut pending_doc),
                std::mem::take(&mut pending_impl),
            );
            let (Some(kind), Some(head)) = (kind, head) else {
                continue;
            };
            let already = outline
                .functions
                .iter_mut()
                .find(|f| f.name == head.name && f.kind == kind && f.max_arity == head.max_arity);
            match already {
                // A later clause: `@impl` may sit on any clause; `@doc` only counts on the first.
                Some(existing) => existing.is_callback |= callback,
                None => outline.functions.push(PublicFunction {
                    kind,
                    name: head.name,
                    min_arity: head.min_arity,
                    max_arity: head.max_arity,
                    name_node: head.name_node,
                    has_doc: doc,
                    has_spec: false,
                    is_callback: callback,
                }),
            }
        }

        for function in &mut outline.functions {
            function.has_spec = specs.iter().any(|(name, arity)| {
                *name == function.name && (function.min_arity..=function.max_arity).contains(arity)
            });
            function.is_callback |= is_exception
                && EXCEPTION_CALLBACKS
                    .iter()
                    .any(|(name, arity)| *name == function.name && *arity == function.max_arity);
        }
        Some(outline)
    }
}

/// `Shop.Cart` or `__MODULE__.Sub`. A name built by `unquote` (`defmodule unquote(name)`)
/// is only known when a macro expands, so there is no module here to outline.
fn is_static_module_name(name: Node, src: &str) -> bool {
    fn static_prefix(node: Node, src: &str) -> bool {
        match node.kind() {
            "alias" => true,
            "identifier" => text(node, src) == "__MODULE__",
            "dot" => is_static_module_name(node, src),
            _ => false,
        }
    }
    match name.kind() {
        "alias" => true,
        "dot" => {
            name.child_by_field_name("right")
                .is_some_and(|right| right.kind() == "alias")
                && name
                    .child_by_field_name("left")
                    .is_some_and(|left| static_prefix(left, src))
        }
        _ => false,
    }
}

#[derive(Debug, PartialEq, Eq)]
enum DocValue {
    Text,
    Hidden,
    /// `@doc since: "1.2"` sets metadata, not documentation.
    MetadataOnly,
}

fn doc_value(value: Node, src: &str) -> DocValue {
    match value.kind() {
        "boolean" if text(value, src) == "false" => DocValue::Hidden,
        "keywords" => DocValue::MetadataOnly,
        _ => DocValue::Text,
    }
}

struct Head<'t> {
    name: &'t str,
    name_node: Node<'t>,
    min_arity: usize,
    max_arity: usize,
}

/// The name and arity range of a definition head: `f(a, b \\ 1) when guard`, `f`, `a + b`.
fn function_head<'t>(head: Node<'t>, src: &'t str) -> Option<Head<'t>> {
    match head.kind() {
        "binary_operator" if operator(head) == Some("when") => {
            function_head(head.child_by_field_name("left")?, src)
        }
        "identifier" => Some(Head {
            name: text(head, src),
            name_node: head,
            min_arity: 0,
            max_arity: 0,
        }),
        "call" => {
            let target = head.child_by_field_name("target")?;
            if target.kind() != "identifier" {
                return None; // `def unquote(name)(…)`: the name is only known at compile time.
            }
            let args = call_args(head);
            let defaults = args
                .iter()
                .filter(|a| a.kind() == "binary_operator" && operator(**a) == Some("\\\\"))
                .count();
            Some(Head {
                name: text(target, src),
                name_node: target,
                min_arity: args.len() - defaults,
                max_arity: args.len(),
            })
        }
        "binary_operator" | "unary_operator" => {
            let op = head.child_by_field_name("operator")?;
            let arity = if head.kind() == "binary_operator" {
                2
            } else {
                1
            };
            Some(Head {
                name: text(op, src),
                name_node: op,
                min_arity: arity,
                max_arity: arity,
            })
        }
        _ => None,
    }
}

/// `@spec name(args) :: return [when …]` → (name, arity).
fn spec_signature<'t>(spec: Node<'t>, src: &'t str) -> Option<(&'t str, usize)> {
    let mut node = spec;
    if node.kind() == "binary_operator" && operator(node) == Some("when") {
        node = node.child_by_field_name("left")?;
    }
    if node.kind() != "binary_operator" || operator(node) != Some("::") {
        return None;
    }
    let signature = node.child_by_field_name("left")?;
    match signature.kind() {
        "identifier" => Some((text(signature, src), 0)),
        "call" => Some((local_call_name(signature, src)?, call_args(signature).len())),
        "binary_operator" | "unary_operator" => Some((
            text(signature.child_by_field_name("operator")?, src),
            if signature.kind() == "binary_operator" {
                2
            } else {
                1
            },
        )),
        _ => None,
    }
}

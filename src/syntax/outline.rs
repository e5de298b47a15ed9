//! What a `defmodule` (or `defprotocol`) declares at its top level: its documentation state,
//! the behaviours it declares and defines, and its public functions with their `@doc`, `@spec`
//! and callback status. Built from the module body's statements, including those inside
//! module-level `if`/`unless`/`case` (nested modules have outlines of their own).

use super::behaviours::{CallbackQuestion, declared_by_use, declared_by_use_kind, known_callbacks};
use super::{
    alias_text, body_statements, call_args, do_block, keyword_value, local_call_name,
    module_attribute, named_children, operator, text,
};
use crate::syntax::kinds::{Fields, Kind, kind};
use std::collections::HashMap;
use tree_sitter::Node;

/// How deep module-level `if`/`case` blocks are unpacked.
const MAX_CONDITIONAL_DEPTH: usize = 8;

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ModuleKind {
    Module,
    /// `defprotocol`: its `def`s are heads the implementations fill in.
    Protocol,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ModuleDoc {
    Missing,
    Present,
    /// `@moduledoc false`: the module is hidden from documentation.
    Hidden,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
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
    /// `@doc false`: hidden from the docs, so not public API.
    pub doc_hidden: bool,
    /// `@deprecated "…"` or `@doc deprecated: "…"`: the deprecation says what to use instead.
    pub deprecated: bool,
    pub has_spec: bool,
    /// Declared with `@impl`, or a callback of a well-known behaviour the module declares.
    pub is_callback: bool,
    /// A Phoenix function component: declared with `attr`/`slot`, or taking only `assigns`
    /// (which `~H` requires). Its attributes are its contract; a `@spec` adds nothing.
    pub is_component: bool,
    /// Declared with `attr`/`slot`: Phoenix writes the component's `@doc` from them.
    pub declares_attributes: bool,
    /// When the module declares behaviours this table does not know (the project's own),
    /// whether the function is one of their callbacks: asked of the project's behaviours.
    pub callback_question: Option<CallbackQuestion>,
}

impl PublicFunction<'_> {
    /// Hidden by convention (`__using__`, `_private_helper`): ExDoc leaves these out.
    pub fn is_hidden_by_name(&self) -> bool {
        self.name.starts_with('_')
    }

    /// Documented: `@doc` (or `@doc false`), or `attr`/`slot`, from which Phoenix writes it.
    pub fn is_documented(&self) -> bool {
        self.has_doc || self.declares_attributes
    }
}

/// What the project checks need of a lib module (TACH, KNOW, HLTH): a project fact the
/// scan records from the module's outline.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ModuleFact {
    pub name: String,
    pub path: String,
    /// The module name in its `defmodule` line.
    pub span: crate::finding::Span,
    pub kind: ModuleKind,
    /// `@moduledoc false`: not part of the documented API.
    pub hidden: bool,
    /// `@moduledoc deprecated: "…"`: on its way out.
    #[serde(default)]
    pub deprecated: bool,
    /// It has a public function that is not a callback of a behaviour it declares (nor
    /// hidden by name, like `__using__`, nor a function component): something to test.
    pub public_api: bool,
    /// Public functions whose callback status only the project's behaviours can answer: a
    /// function that turns out not to be a callback is public API.
    pub callback_questions: Vec<CallbackQuestion>,
    /// It defines `migrate/0` and a `rollback` (`rollback/2` as `mix phx.gen.release` writes
    /// it, or one taking options): the release's migration entry point.
    pub release_migrator: bool,
}

impl ModuleFact {
    pub fn of(outline: &ModuleOutline, path: &str, span: crate::finding::Span) -> ModuleFact {
        let mut public_api = false;
        let mut callback_questions = Vec::new();
        // Function components are rendering, exercised by the LiveView and controller tests.
        let api = |f: &&PublicFunction| !f.is_callback && !f.is_hidden_by_name() && !f.is_component;
        for f in outline.functions.iter().filter(api) {
            match &f.callback_question {
                Some(question) => callback_questions.push(question.clone()),
                None => public_api = true,
            }
        }
        let defines_any = |name: &str| outline.functions.iter().any(|f| f.name == name);
        let defines = |name: &str, arity: usize| {
            outline
                .functions
                .iter()
                .any(|f| f.name == name && (f.min_arity..=f.max_arity).contains(&arity))
        };
        ModuleFact {
            name: outline.name.clone(),
            path: path.to_string(),
            span,
            kind: outline.kind,
            hidden: outline.doc == ModuleDoc::Hidden,
            deprecated: outline.deprecated,
            public_api,
            callback_questions,
            release_migrator: defines("migrate", 0) && defines_any("rollback"),
        }
    }
}

#[derive(Debug)]
pub struct ModuleOutline<'t> {
    pub name: String,
    pub name_node: Node<'t>,
    pub kind: ModuleKind,
    pub doc: ModuleDoc,
    /// `@moduledoc deprecated: "…"`: the whole module is on its way out.
    pub deprecated: bool,
    pub functions: Vec<PublicFunction<'t>>,
    /// The behaviours the module declares (`@behaviour`, `use`), as full module names.
    pub behaviours: Vec<String>,
    /// The callbacks the module defines (`@callback`/`@macrocallback`): it is a behaviour.
    pub defined_callbacks: Vec<(String, usize)>,
    /// The module's source contains a parse error: what looks absent may be inside it.
    pub has_syntax_error: bool,
}

impl<'t> ModuleOutline<'t> {
    /// The public functions that owe a `@doc` (DOCS002, and the documentation metrics): not
    /// callbacks, not hidden by name, not deprecated, in a module that is neither hidden
    /// (`@moduledoc false`) nor deprecated.
    pub fn doc_candidates(&self) -> impl Iterator<Item = &PublicFunction<'t>> {
        let module_judged = self.doc != ModuleDoc::Hidden && !self.deprecated;
        self.functions.iter().filter(move |f| {
            module_judged && !f.is_callback && !f.is_hidden_by_name() && !f.deprecated
        })
    }

    /// The public functions that owe a `@spec` (DOCS003, and the spec metrics): the doc
    /// candidates that are `def`s outside a protocol, not function components (their `attr`s
    /// are the contract) and not `@doc false` (not API).
    pub fn spec_candidates(&self) -> impl Iterator<Item = &PublicFunction<'t>> {
        let protocol = self.kind == ModuleKind::Protocol;
        self.doc_candidates().filter(move |f| {
            f.kind == DefKind::Def && !protocol && !f.is_component && !f.doc_hidden
        })
    }

    /// Outline `definition` (a `defmodule` or `defprotocol` call) named `full_name`.
    /// `resolve` expands a module reference with the aliases in scope outside the module;
    /// the module's own top-level aliases are applied here.
    pub fn build(
        definition: Node<'t>,
        full_name: String,
        src: &'t str,
        resolve: &dyn Fn(Node) -> Option<String>,
    ) -> Option<Self> {
        let args = call_args(definition);
        let name_node = *args.first()?;
        // `defmodule Name` without a body defines nothing (in an editor: the `do` is not
        // typed yet, and the body is an ERROR node next to the call).
        let has_body = do_block(definition).is_some()
            || keyword_value(args.last().copied(), "do", src).is_some();
        if !is_static_module_name(name_node, src) || !has_body {
            return None;
        }
        let kind = match local_call_name(definition, src) {
            Some("defprotocol") => ModuleKind::Protocol,
            _ => ModuleKind::Module,
        };
        let mut outline = ModuleOutline {
            name: full_name,
            name_node,
            kind,
            doc: ModuleDoc::Missing,
            deprecated: false,
            functions: Vec::new(),
            behaviours: Vec::new(),
            defined_callbacks: Vec::new(),
            has_syntax_error: definition.has_error(),
        };
        let mut pending_doc = false;
        let mut pending_impl = false;
        let mut pending_component = false;
        let mut pending_hidden = false;
        let mut pending_deprecated = false;
        let mut specs: Vec<(&str, usize)> = Vec::new();
        let statements = module_statements(definition, src);
        // (name, kind, arity) → index in `functions`: modules with thousands of definitions
        // (generated code) stay linear.
        let mut seen: HashMap<(&str, DefKind, usize), usize> = HashMap::new();
        let aliases = LocalAliases::collect(&statements, src, resolve);

        for &statement in &statements {
            if let Some((attr, value)) = module_attribute(statement, src) {
                match attr {
                    "moduledoc" => {
                        outline.deprecated |= value.is_some_and(|v| is_deprecation(v, src));
                        match value.map(|v| doc_value(v, src)) {
                            Some(DocValue::Hidden) => outline.doc = ModuleDoc::Hidden,
                            Some(DocValue::Text) => outline.doc = ModuleDoc::Present,
                            _ => {}
                        }
                    }
                    "doc" => {
                        let doc = value.map(|v| doc_value(v, src));
                        pending_doc |= matches!(doc, Some(DocValue::Text | DocValue::Hidden));
                        pending_hidden |= doc == Some(DocValue::Hidden);
                        pending_deprecated |= value.is_some_and(|v| is_deprecation(v, src));
                    }
                    "deprecated" => pending_deprecated = true,
                    "impl" => pending_impl = value.is_none_or(|v| text(v, src) != "false"),
                    "spec" => specs.extend(value.and_then(|v| spec_signature(v, src))),
                    "behaviour" => outline
                        .behaviours
                        .extend(value.and_then(|v| aliases.resolve(v, src, resolve))),
                    "callback" | "macrocallback" => outline.defined_callbacks.extend(
                        value
                            .and_then(|v| spec_signature(v, src))
                            .map(|(name, arity)| (name.to_string(), arity)),
                    ),
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
                    outline.behaviours.push("Exception".into());
                    continue;
                }
                "attr" | "slot" => {
                    pending_component = true;
                    continue;
                }
                "use" => {
                    outline
                        .behaviours
                        .extend(used_behaviours(statement, src, &aliases, resolve));
                    continue;
                }
                _ => continue,
            };
            let head = call_args(statement)
                .first()
                .and_then(|h| function_head(*h, src));
            let (doc, callback, declared_component) = (
                std::mem::take(&mut pending_doc),
                std::mem::take(&mut pending_impl),
                std::mem::take(&mut pending_component),
            );
            let (doc_hidden, deprecated) = (
                std::mem::take(&mut pending_hidden),
                std::mem::take(&mut pending_deprecated),
            );
            let (Some(kind), Some(head)) = (kind, head) else {
                continue;
            };
            let is_component = declared_component || head.takes_only_assigns;
            let key = (head.name, kind, head.max_arity);
            let next = outline.functions.len();
            let index = *seen.entry(key).or_insert(next);
            match outline.functions.get_mut(index) {
                // A later clause: `@impl` may sit on any clause; `@doc` only counts on the first.
                Some(existing) => {
                    existing.is_callback |= callback;
                    existing.is_component |= is_component;
                    existing.deprecated |= deprecated;
                }
                None => outline.functions.push(PublicFunction {
                    kind,
                    name: head.name,
                    min_arity: head.min_arity,
                    max_arity: head.max_arity,
                    name_node: head.name_node,
                    has_doc: doc,
                    doc_hidden,
                    deprecated,
                    has_spec: false,
                    is_callback: callback,
                    is_component,
                    declares_attributes: declared_component,
                    callback_question: None,
                }),
            }
        }

        // A module plug is any module with `init/1` and `call/2`; few declare `@behaviour Plug`.
        let defines = |name: &str, arity: usize| {
            outline
                .functions
                .iter()
                .any(|f| f.kind == DefKind::Def && f.name == name && f.max_arity == arity)
        };
        if defines("init", 1) && defines("call", 2) {
            outline.behaviours.push("Plug".into());
        }
        outline.behaviours.sort();
        outline.behaviours.dedup();
        let unknown: Vec<String> = outline
            .behaviours
            .iter()
            .filter(|b| known_callbacks(b).is_none())
            .cloned()
            .collect();
        let mut specced: HashMap<&str, Vec<usize>> = HashMap::new();
        for (name, arity) in specs {
            specced.entry(name).or_default().push(arity);
        }
        for function in &mut outline.functions {
            let arities = function.min_arity..=function.max_arity;
            function.has_spec = specced
                .get(function.name)
                .is_some_and(|specs| specs.iter().any(|arity| arities.contains(arity)));
            // A behaviour's own default implementation of one of its callbacks.
            function.is_callback |= outline
                .defined_callbacks
                .iter()
                .any(|(name, arity)| name == function.name && arities.contains(arity));
            function.is_callback |= outline.behaviours.iter().any(|behaviour| {
                known_callbacks(behaviour).is_some_and(|callbacks| {
                    callbacks
                        .iter()
                        .any(|(name, arity)| *name == function.name && arities.contains(arity))
                })
            });
            if !function.is_callback && !unknown.is_empty() {
                function.callback_question = Some(CallbackQuestion {
                    behaviours: unknown.clone(),
                    name: function.name.to_string(),
                    min_arity: function.min_arity,
                    max_arity: function.max_arity,
                });
            }
        }
        Some(outline)
    }
}

/// The statements of a module body in source order, with the bodies of module-level
/// `if`/`unless` (both branches) and `case` (every clause) spliced in where they stand:
/// `if Code.ensure_loaded?(Jason) do def encode(…) … end` defines a public function.
fn module_statements<'t>(definition: Node<'t>, src: &str) -> Vec<Node<'t>> {
    let mut out = Vec::new();
    splice(body_statements(definition, src), src, 0, &mut out);
    out
}

fn splice<'t>(statements: Vec<Node<'t>>, src: &str, depth: usize, out: &mut Vec<Node<'t>>) {
    for statement in statements {
        let conditional = match local_call_name(statement, src) {
            Some("if" | "unless" | "case") if depth < MAX_CONDITIONAL_DEPTH => do_block(statement),
            _ => None,
        };
        let Some(block) = conditional else {
            out.push(statement);
            continue;
        };
        for child in named_children(block) {
            let inner: Vec<Node<'t>> = match child.kind() {
                "else_block" => named_children(child).collect(),
                "stab_clause" => child
                    .field("right")
                    .map(|body| named_children(body).collect())
                    .unwrap_or_default(),
                _ => vec![child],
            };
            splice(inner, src, depth + 1, out);
        }
    }
}

/// The aliases a module body declares at its top level (`alias Shop.Storage`,
/// `alias Shop.Storage, as: Store`, `alias Shop.{Cart, Storage}`), as short → full name.
struct LocalAliases(Vec<(String, String)>);

impl LocalAliases {
    fn collect(statements: &[Node], src: &str, resolve: &dyn Fn(Node) -> Option<String>) -> Self {
        let aliases = statements
            .iter()
            .filter(|s| local_call_name(**s, src) == Some("alias"))
            .flat_map(|s| super::alias_declarations(*s, src, resolve))
            .collect();
        LocalAliases(aliases)
    }

    /// The full name of the module reference `node`.
    fn resolve(
        &self,
        node: Node,
        src: &str,
        outer: &dyn Fn(Node) -> Option<String>,
    ) -> Option<String> {
        if node.kind() == "alias" {
            let written = alias_text(node, src);
            let (first, rest) = written.split_once('.').unwrap_or((&written, ""));
            if let Some((_, full)) = self.0.iter().rev().find(|(short, _)| short == first) {
                return Some(if rest.is_empty() {
                    full.clone()
                } else {
                    format!("{full}.{rest}")
                });
            }
        }
        outer(node)
    }
}

/// The behaviours a `use` statement declares: `use GenServer` → `GenServer`,
/// `use Plug.Router` → `Plug`, `use MyAppWeb, :live_view` → `Phoenix.LiveView`, and a
/// project module (`use Shop.Storage`) as itself, in case it is a behaviour.
fn used_behaviours(
    statement: Node,
    src: &str,
    aliases: &LocalAliases,
    resolve: &dyn Fn(Node) -> Option<String>,
) -> Vec<String> {
    let args = call_args(statement);
    let mut found = Vec::new();
    if let Some(module) = args.first().and_then(|m| aliases.resolve(*m, src, resolve)) {
        found.push(declared_by_use(&module).to_string());
    }
    if let Some(kind) = args.get(1).filter(|k| k.kind() == "atom")
        && let Some(behaviour) = declared_by_use_kind(text(*kind, src))
    {
        found.push(behaviour.to_string());
    }
    found
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
            name.field("right")
                .is_some_and(|right| right.kind() == "alias")
                && name
                    .field("left")
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

/// `deprecated: "…"` among the keywords of a `@doc`/`@moduledoc`.
fn is_deprecation(value: Node, src: &str) -> bool {
    keyword_value(Some(value), "deprecated", src).is_some()
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
    /// `def button(assigns)`: one parameter, the variable `assigns`.
    takes_only_assigns: bool,
}

/// The name and arity range of a definition head: `f(a, b \\ 1) when guard`, `f`, `a + b`.
fn function_head<'t>(head: Node<'t>, src: &'t str) -> Option<Head<'t>> {
    match head.kind() {
        "binary_operator" if operator(head) == Some("when") => {
            function_head(head.field("left")?, src)
        }
        "identifier" => Some(Head {
            name: text(head, src),
            name_node: head,
            min_arity: 0,
            max_arity: 0,
            takes_only_assigns: false,
        }),
        "call" => {
            let target = super::calls::call_target(head)?;
            if kind(target) != Kind::Identifier {
                return None; // `def unquote(name)(…)`: the name is only known at compile time.
            }
            let args = call_args(head);
            let defaults = args
                .iter()
                .filter(|a| a.kind() == "binary_operator" && operator(**a) == Some("\\\\"))
                .count();
            let takes_only_assigns = matches!(args.as_slice(), [only]
                if only.kind() == "identifier" && text(*only, src) == "assigns");
            Some(Head {
                name: text(target, src),
                name_node: target,
                min_arity: args.len() - defaults,
                max_arity: args.len(),
                takes_only_assigns,
            })
        }
        "binary_operator" | "unary_operator" => {
            let op = head.field("operator")?;
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
                takes_only_assigns: false,
            })
        }
        _ => None,
    }
}

/// `@spec name(args) :: return [when …]` → (name, arity).
fn spec_signature<'t>(spec: Node<'t>, src: &'t str) -> Option<(&'t str, usize)> {
    let mut node = spec;
    if node.kind() == "binary_operator" && operator(node) == Some("when") {
        node = node.field("left")?;
    }
    if node.kind() != "binary_operator" || operator(node) != Some("::") {
        return None;
    }
    let signature = node.field("left")?;
    match signature.kind() {
        "identifier" => Some((text(signature, src), 0)),
        "call" => Some((local_call_name(signature, src)?, call_args(signature).len())),
        "binary_operator" | "unary_operator" => Some((
            text(signature.field("operator")?, src),
            if signature.kind() == "binary_operator" {
                2
            } else {
                1
            },
        )),
        _ => None,
    }
}

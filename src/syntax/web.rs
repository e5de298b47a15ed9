//! Web facts of a Phoenix project, read from trees the analyzer has already parsed: each
//! router's pipelines (their plugs, in order) and routes (with the scope they sit in and the
//! pipelines it pipes through), each endpoint's plugs, each controller's plugs, and where
//! prod-relevant config sets `force_ssl`. Project rules (SHLD, HLTH) judge them once per run.
//!
//! A file is looked at only when its text may hold such facts (a substring check), and only
//! module bodies are read, not function bodies (except a function plugged by name). Code that
//! cannot run in production is left out: the `do` branch of `if Mix.env() == :dev`,
//! `if config_env() in [:dev, :test]` or `if Application.compile_env(:app, :dev_routes)`,
//! and the `else` branch of `if Mix.env() == :prod`.

use super::{
    alias_declarations, alias_text, body_statements, call_args, descendants_outside_fns, do_block,
    keyword_key, keyword_value, local_call_name, named_children, operator, remote_call_name, text,
};
use crate::finding::Span;
use crate::project::FileRole;
use crate::syntax::kinds::Fields;
use crate::syntax::lines::LineIndex;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use tree_sitter::Node;

/// How deep nested modules, scopes and conditionals are followed: adversarial nesting must
/// not exhaust the stack.
const MAX_DEPTH: usize = 32;
/// At most this many names are kept of what a function plug calls.
const MAX_CALLS: usize = 64;

/// Lib files mentioning none of these define no router, endpoint or controller.
const MODULE_MARKERS: &[&str] = &[
    "Phoenix.Router",
    ":router",
    "Phoenix.Endpoint",
    "Phoenix.Controller",
    ":controller",
];

/// The web facts of one file, or (merged in path order) of a project.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct WebFacts {
    pub routers: Vec<Router>,
    pub endpoints: Vec<Endpoint>,
    /// Controllers that plug something (the others add nothing to a route's plugs).
    pub controllers: Vec<Controller>,
    /// `force_ssl:` set to something other than `nil`/`false` in prod-relevant config.
    pub force_ssl: Vec<Located>,
}

impl WebFacts {
    pub fn is_empty(&self) -> bool {
        self.routers.is_empty()
            && self.endpoints.is_empty()
            && self.controllers.is_empty()
            && self.force_ssl.is_empty()
    }

    pub fn extend(&mut self, other: WebFacts) {
        self.routers.extend(other.routers);
        self.endpoints.extend(other.endpoints);
        self.controllers.extend(other.controllers);
        self.force_ssl.extend(other.force_ssl);
    }
}

/// A place in a project file. Spans cover the first line of the construct.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Located {
    pub path: String,
    pub span: Span,
}

/// A module that `use`s `Phoenix.Router` (directly or as `use MyAppWeb, :router`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Router {
    pub module: String,
    pub path: String,
    pub pipelines: Vec<Pipeline>,
    pub routes: Vec<Route>,
}

impl Router {
    pub fn pipeline(&self, name: &str) -> Option<&Pipeline> {
        self.pipelines.iter().find(|p| p.name == name)
    }
}

/// `pipeline :browser do … end`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Pipeline {
    /// Without the colon: `browser`.
    pub name: String,
    pub span: Span,
    pub plugs: Vec<Plug>,
}

/// A `plug` call in a pipeline, an endpoint or a controller.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Plug {
    /// A function plug's name without the colon (`accepts`), or a module plug's full name
    /// (`Plug.SSL`), aliases expanded.
    pub name: String,
    /// `plug :name`: a function (imported, or defined in the module).
    pub function: bool,
    pub span: Span,
    /// For `plug :accepts, formats`: the formats, when written literally (a list of strings,
    /// `~w(…)`, or a module attribute holding one). Empty otherwise.
    pub formats: Vec<String>,
    /// `put_secure_browser_headers` is given headers that (may) include a
    /// content-security-policy, or a function plug defined in the module names that header.
    /// Headers that are not a literal map may hold one, so they count.
    pub sets_csp: bool,
    /// For a function plug defined in the module: the functions and modules its body calls
    /// (`protect_from_forgery`, `Hammer`, `check_rate`), at most `MAX_CALLS`.
    pub calls: Vec<String>,
}

/// A route macro call: `get`/`post`/… , `match`, `live`, `forward`, `resources`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Route {
    /// The macro (`get`, `post`, `live`, `forward`, `resources`), or for `match :verb` the
    /// verb (`*` for any).
    pub verb: String,
    /// The full path, scope prefixes included; a dynamic scope prefix is a `:name` segment.
    pub path: String,
    /// The controller, live view or plug, with the scopes' aliases prepended.
    pub module: Option<String>,
    /// The action (`create`), or for `resources` every action it defines.
    pub actions: Vec<String>,
    /// The route's own `as:` name (`as: :sign_in`), without the scopes' prefixes.
    pub name: Option<String>,
    /// The pipelines of the enclosing scopes, outermost first (`pipe_through` order).
    pub pipelines: Vec<String>,
    pub span: Span,
}

/// A module that `use`s `Phoenix.Endpoint`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Endpoint {
    pub module: String,
    pub path: String,
    /// The `use Phoenix.Endpoint` line.
    pub span: Span,
    pub plugs: Vec<Plug>,
}

/// A controller (`use Phoenix.Controller` or `use MyAppWeb, :controller`) and its plugs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Controller {
    pub module: String,
    pub plugs: Vec<ControllerPlug>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ControllerPlug {
    pub plug: Plug,
    /// From `when action in [...]` and the like.
    pub actions: ActionFilter,
}

/// The actions a controller plug runs for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum ActionFilter {
    All,
    Only(Vec<String>),
    Except(Vec<String>),
}

impl ActionFilter {
    pub fn admits(&self, action: &str) -> bool {
        match self {
            ActionFilter::All => true,
            ActionFilter::Only(actions) => actions.iter().any(|a| a == action),
            ActionFilter::Except(actions) => !actions.iter().any(|a| a == action),
        }
    }
}

/// The web facts of one parsed file whose project-relative path is `path` and role `role`:
/// routers, endpoints and controllers from lib code, `force_ssl` from prod-relevant config.
pub fn extract(root: Node, src: &str, path: &str, role: FileRole, lines: &LineIndex) -> WebFacts {
    let cx = Extraction { src, path, lines };
    let mut facts = WebFacts::default();
    match role {
        FileRole::Lib if MODULE_MARKERS.iter().any(|m| src.contains(m)) => {
            for statement in prod_statements(named_children(root).collect(), src, 0) {
                cx.module(statement, None, 0, &mut facts);
            }
        }
        FileRole::ConfigProd if src.contains("force_ssl") => cx.force_ssl(root, &mut facts),
        _ => {}
    }
    facts
}

struct Extraction<'a, 's> {
    src: &'s str,
    path: &'a str,
    lines: &'a LineIndex<'s>,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum ModuleKind {
    Router,
    Endpoint,
    Controller,
}

impl<'s> Extraction<'_, 's> {
    fn module(&self, node: Node, parent: Option<&str>, depth: usize, facts: &mut WebFacts) {
        let src = self.src;
        if depth > MAX_DEPTH || local_call_name(node, src) != Some("defmodule") {
            return;
        }
        let Some(name_node) = call_args(node)
            .into_iter()
            .next()
            .filter(|n| n.kind() == "alias")
        else {
            return;
        };
        let written = alias_text(name_node, src);
        let name = match parent {
            Some(parent) => format!("{parent}.{written}"),
            None => written,
        };
        let statements = prod_statements(body_statements(node, src), src, 0);
        for &statement in &statements {
            self.module(statement, Some(&name), depth + 1, facts);
        }
        // What a broken module seems to lack may sit inside the parse error: no facts, so
        // no finding rests on a guess (the file has a syntax-error diagnostic).
        if node.has_error() {
            return;
        }
        let Some((kind, used)) = statements
            .iter()
            .find_map(|s| used_kind(*s, src).map(|k| (k, *s)))
        else {
            return;
        };
        let module = ModuleInfo::new(name, &statements, src);
        match kind {
            ModuleKind::Router => facts.routers.push(self.router(&module, &statements)),
            ModuleKind::Endpoint => facts.endpoints.push(Endpoint {
                module: module.name.clone(),
                path: self.path.to_string(),
                span: self.head_span(used),
                plugs: statements
                    .iter()
                    .filter_map(|s| self.plug(*s, &module))
                    .map(|(plug, _)| plug)
                    .collect(),
            }),
            ModuleKind::Controller => {
                let plugs: Vec<ControllerPlug> = statements
                    .iter()
                    .filter_map(|s| self.plug(*s, &module))
                    .map(|(plug, actions)| ControllerPlug { plug, actions })
                    .collect();
                if !plugs.is_empty() {
                    facts.controllers.push(Controller {
                        module: module.name.clone(),
                        plugs,
                    });
                }
            }
        }
    }

    fn router(&self, module: &ModuleInfo, statements: &[Node]) -> Router {
        let src = self.src;
        let pipelines = statements
            .iter()
            .filter(|s| local_call_name(**s, src) == Some("pipeline"))
            .filter_map(|s| {
                let name = atom_name(*call_args(*s).first()?, src)?;
                let plugs = prod_statements(body_statements(*s, src), src, 0)
                    .into_iter()
                    .filter_map(|p| self.plug(p, module))
                    .map(|(plug, _)| plug)
                    .collect();
                Some(Pipeline {
                    name,
                    span: self.head_span(*s),
                    plugs,
                })
            })
            .collect();
        let mut routes = Vec::new();
        let mut scope = Scope::default();
        self.routes(statements, &mut scope, module, 0, &mut routes);
        Router {
            module: module.name.clone(),
            path: self.path.to_string(),
            pipelines,
            routes,
        }
    }

    /// The routes among `statements`, in `scope`. `pipe_through` adds to the scope it is
    /// in; `scope` opens a nested one; other blocks (`live_session`, `for`, a prod branch of
    /// `if`, macros) are not scopes, so what they hold belongs to the enclosing one.
    fn routes(
        &self,
        statements: &[Node],
        scope: &mut Scope,
        module: &ModuleInfo,
        depth: usize,
        out: &mut Vec<Route>,
    ) {
        let src = self.src;
        if depth > MAX_DEPTH {
            return;
        }
        for &statement in statements {
            let Some(name) = local_call_name(statement, src) else {
                continue;
            };
            match name {
                "pipe_through" => {
                    let names =
                        call_args(statement)
                            .first()
                            .map_or(Vec::new(), |arg| match arg.kind() {
                                "list" => named_children(*arg)
                                    .filter_map(|a| atom_name(a, src))
                                    .collect(),
                                _ => atom_name(*arg, src).into_iter().collect(),
                            });
                    scope.pipelines.extend(names);
                }
                "scope" => {
                    let mut inner = scope.nested(statement, src);
                    let body = body_statements(statement, src);
                    self.routes(&body, &mut inner, module, depth + 1, out);
                }
                "resources" => {
                    if let Some(route) = self.route(statement, name, scope, module) {
                        // Nested resources live under `/<path>/:<resource>_id`.
                        let mut inner = scope.clone();
                        let singular = route.path.rsplit('/').next().unwrap_or("");
                        let singular = singular.strip_suffix('s').unwrap_or(singular);
                        inner.path = join_path(&route.path, &format!(":{singular}_id"));
                        out.push(route);
                        let body = body_statements(statement, src);
                        self.routes(&body, &mut inner, module, depth + 1, out);
                    }
                }
                _ if ROUTE_MACROS.contains(&name) => {
                    out.extend(self.route(statement, name, scope, module));
                }
                "pipeline" | "quote" => {}
                _ if name.starts_with("def") => {}
                _ => {
                    let body = match prod_branches(statement, src) {
                        Some(branches) => branches,
                        None if do_block(statement).is_some() => body_statements(statement, src),
                        None => continue,
                    };
                    self.routes(&body, scope, module, depth + 1, out);
                }
            }
        }
    }

    fn route(
        &self,
        call: Node,
        macro_name: &str,
        scope: &Scope,
        module: &ModuleInfo,
    ) -> Option<Route> {
        let src = self.src;
        let args = call_args(call);
        let (verb, rest) = match macro_name {
            "match" => {
                let verb = args.first()?;
                let verb = atom_name(*verb, src).unwrap_or_else(|| text(*verb, src).to_string());
                (verb, &args[1..])
            }
            _ => (macro_name.to_string(), &args[..]),
        };
        let path = string_value(*rest.first()?, src)?;
        let target = rest.get(1).filter(|n| matches!(n.kind(), "alias" | "dot"));
        let route_module = target.and_then(|t| match &scope.alias {
            Some(prefix) => Some(format!("{prefix}.{}", alias_text(*t, src))),
            None => module.resolve(*t, src),
        });
        let actions = if macro_name == "resources" {
            resource_actions(rest.last().copied(), src)
        } else {
            rest.get(2)
                .and_then(|a| atom_name(*a, src))
                .into_iter()
                .collect()
        };
        let name = keyword_value(rest.last().copied(), "as", src)
            .and_then(|n| atom_name(n, src).or_else(|| string_value(n, src)));
        Some(Route {
            verb,
            path: join_path(&scope.path, &path),
            module: route_module,
            actions,
            name,
            pipelines: scope.pipelines.clone(),
            span: self.head_span(call),
        })
    }

    /// `plug target, opts` (optionally `when …`) → the plug and the actions it runs for.
    fn plug(&self, call: Node, module: &ModuleInfo) -> Option<(Plug, ActionFilter)> {
        let src = self.src;
        if local_call_name(call, src) != Some("plug") {
            return None;
        }
        let mut args = call_args(call);
        let mut guard = None;
        // `plug :p when action in [...]` and `plug M, opts when …`: the guard wraps the last
        // argument. `plug M, key: v when …` puts it in the last keyword's value.
        if let Some(last) = args.last_mut() {
            if operator(*last) == Some("when") {
                guard = last.field("right");
                *last = last.field("left")?;
            } else if last.kind() == "keywords"
                && let Some(value) = named_children(*last)
                    .last()
                    .and_then(|pair| pair.field("value"))
                && operator(value) == Some("when")
            {
                guard = value.field("right");
            }
        }
        let target = *args.first()?;
        let (name, function) = match target.kind() {
            "atom" | "quoted_atom" => (atom_name(target, src)?, true),
            "alias" | "dot" => (module.resolve(target, src)?, false),
            _ => return None,
        };
        let opts = args.get(1).copied();
        let local = if function {
            module.defs.get(name.as_str())
        } else {
            None
        };
        let formats = match (function, name.as_str(), opts) {
            (true, "accepts", Some(opts)) => module.formats(opts, src, 0),
            _ => Vec::new(),
        };
        let sets_csp = match (function, name.as_str()) {
            (true, "put_secure_browser_headers") => {
                opts.is_some_and(|headers| module.may_set_csp(headers, src, 0))
            }
            _ => local.is_some_and(|defs| {
                defs.iter()
                    .any(|d| contains_ignore_case(text(*d, src), CSP_HEADER))
            }),
        };
        let plug = Plug {
            span: self.head_span(call),
            calls: local.map_or(Vec::new(), |defs| calls_in(defs, src)),
            name,
            function,
            formats,
            sets_csp,
        };
        Some((
            plug,
            guard.map_or(ActionFilter::All, |g| action_filter(g, src)),
        ))
    }

    /// Every `force_ssl:` keyword of a config file with a value other than `nil`/`false`,
    /// wherever it is nested, outside branches that do not run in production.
    fn force_ssl(&self, root: Node, facts: &mut WebFacts) {
        let src = self.src;
        let mut pending = vec![root];
        while let Some(node) = pending.pop() {
            if node.kind() == "pair"
                && let Some(key) = node.field("key")
                && keyword_key(key, src) == "force_ssl"
            {
                let enabled = node
                    .field("value")
                    .is_some_and(|v| !matches!(text(v, src), "nil" | "false"));
                if enabled {
                    facts.force_ssl.push(Located {
                        path: self.path.to_string(),
                        span: self.head_span(node),
                    });
                }
                continue;
            }
            let children =
                prod_branches(node, src).unwrap_or_else(|| named_children(node).collect());
            pending.extend(children.into_iter().rev());
        }
    }

    /// The span of `node`'s first line: a finding points at `pipeline :browser do`, not at
    /// the whole block.
    fn head_span(&self, node: Node) -> Span {
        let start = node.start_byte();
        let line = self.lines.line_of(start);
        let line_end =
            self.lines.start_of(line) + self.lines.lines.get(line).map_or(0, |l| l.len());
        self.lines
            .span(self.src, start, node.end_byte().min(line_end.max(start)))
    }
}

const ROUTE_MACROS: &[&str] = &[
    "get", "post", "put", "patch", "delete", "head", "options", "connect", "trace", "match",
    "live", "forward",
];

const RESOURCE_ACTIONS: &[&str] = &["index", "edit", "new", "show", "create", "update", "delete"];

/// The actions `resources` defines, from its `only:`/`except:`/`singleton:` options.
fn resource_actions(opts: Option<Node>, src: &str) -> Vec<String> {
    let listed = |key| {
        keyword_value(opts, key, src).map(|list| {
            named_children(list)
                .filter_map(|a| atom_name(a, src))
                .collect::<Vec<_>>()
        })
    };
    if let Some(only) = listed("only") {
        return only;
    }
    let except = listed("except").unwrap_or_default();
    let singleton = keyword_value(opts, "singleton", src).is_some_and(|v| text(v, src) == "true");
    RESOURCE_ACTIONS
        .iter()
        .filter(|a| !(singleton && **a == "index"))
        .filter(|a| !except.iter().any(|e| e == *a))
        .map(|a| a.to_string())
        .collect()
}

/// The header name `put_secure_browser_headers` takes a CSP under, in lower case.
const CSP_HEADER: &str = "content-security-policy";

/// The enclosing scope of a route: path prefix, alias prefix and pipelines.
#[derive(Debug, Clone, Default)]
struct Scope {
    path: String,
    alias: Option<String>,
    pipelines: Vec<String>,
}

impl Scope {
    /// The scope a `scope` call opens inside this one: `scope "/path", Alias, opts`,
    /// `scope path: "/p", alias: A`, `scope prefix` (a variable: a `:prefix` segment).
    fn nested(&self, call: Node, src: &str) -> Scope {
        let mut path = None;
        let mut alias = None;
        for arg in call_args(call) {
            match arg.kind() {
                "string" => path = string_value(arg, src),
                "identifier" => path = Some(format!(":{}", text(arg, src))),
                "alias" => alias = Some(alias_text(arg, src)),
                "keywords" => {
                    if let Some(p) = keyword_value(Some(arg), "path", src) {
                        path = string_value(p, src);
                    }
                    if let Some(a) =
                        keyword_value(Some(arg), "alias", src).filter(|a| a.kind() == "alias")
                    {
                        alias = Some(alias_text(a, src));
                    }
                }
                _ => {}
            }
        }
        Scope {
            path: path.map_or_else(|| self.path.clone(), |p| join_path(&self.path, &p)),
            alias: match (&self.alias, alias) {
                (Some(outer), Some(inner)) => Some(format!("{outer}.{inner}")),
                (outer, inner) => inner.or_else(|| outer.clone()),
            },
            pipelines: self.pipelines.clone(),
        }
    }
}

fn join_path(prefix: &str, path: &str) -> String {
    let segments: Vec<&str> = prefix
        .split('/')
        .chain(path.split('/'))
        .filter(|s| !s.is_empty())
        .collect();
    format!("/{}", segments.join("/"))
}

/// What the extraction needs of a module body: its name, aliases, attributes and the
/// functions it defines (for function plugs).
struct ModuleInfo<'t, 's> {
    name: String,
    aliases: Vec<(String, String)>,
    attributes: HashMap<&'s str, Node<'t>>,
    defs: HashMap<&'s str, Vec<Node<'t>>>,
}

impl<'t, 's> ModuleInfo<'t, 's> {
    fn new(name: String, statements: &[Node<'t>], src: &'s str) -> Self {
        let mut module = ModuleInfo {
            name,
            aliases: Vec::new(),
            attributes: HashMap::new(),
            defs: HashMap::new(),
        };
        for &statement in statements {
            if let Some((attribute, Some(value))) = super::module_attribute(statement, src) {
                module.attributes.insert(attribute, value);
                continue;
            }
            match local_call_name(statement, src) {
                Some("alias") => {
                    let declared = alias_declarations(statement, src, &|n| module.resolve(n, src));
                    module.aliases.extend(declared);
                }
                Some("def" | "defp") => {
                    let head = call_args(statement).first().copied();
                    // `def name(args) when guard`: the name is in the guard's left side.
                    let head = head.map(|h| match operator(h) {
                        Some("when") => h.field("left").unwrap_or(h),
                        _ => h,
                    });
                    if let Some(name) = head.and_then(|h| local_call_name(h, src)) {
                        module.defs.entry(name).or_default().push(statement);
                    }
                }
                _ => {}
            }
        }
        module
    }

    /// A module reference with the module's aliases expanded (`__MODULE__` is the module).
    fn resolve(&self, node: Node, src: &str) -> Option<String> {
        match node.kind() {
            "alias" => {
                let written = alias_text(node, src);
                let (first, rest) = written.split_once('.').unwrap_or((&written, ""));
                let full = self
                    .aliases
                    .iter()
                    .rev()
                    .find(|(short, _)| short == first)
                    .map(|(_, full)| full.as_str());
                Some(match (full, rest) {
                    (Some(full), "") => full.to_string(),
                    (Some(full), rest) => format!("{full}.{rest}"),
                    (None, _) => written,
                })
            }
            "identifier" if text(node, src) == "__MODULE__" => Some(self.name.clone()),
            "dot" => {
                let left = self.resolve(node.field("left")?, src)?;
                let right = node.field("right")?;
                (right.kind() == "alias").then(|| format!("{left}.{}", alias_text(right, src)))
            }
            _ => None,
        }
    }

    /// The value of `@name` when `node` reads a module attribute set in this module.
    fn attribute(&self, node: Node, src: &str) -> Option<Node<'t>> {
        match super::module_attribute(node, src) {
            Some((name, None)) => self.attributes.get(name).copied(),
            _ => None,
        }
    }

    /// The formats of `plug :accepts, formats`, when written literally.
    fn formats(&self, node: Node, src: &str, depth: usize) -> Vec<String> {
        match node.kind() {
            "list" => named_children(node)
                .filter_map(|f| string_value(f, src))
                .collect(),
            "sigil" if sigil_name(node, src) == Some("w") => named_children(node)
                .filter(|c| c.kind() == "quoted_content")
                .flat_map(|c| text(c, src).split_whitespace().map(str::to_string))
                .collect(),
            _ if depth == 0 => self
                .attribute(node, src)
                .map_or(Vec::new(), |value| self.formats(value, src, 1)),
            _ => Vec::new(),
        }
    }

    /// Whether the headers given to `put_secure_browser_headers` may set a CSP: a literal
    /// map has a `content-security-policy` key (any letter case) or a key that is not a
    /// literal string; an empty list or `nil` sets none; anything else (a variable, a
    /// function call) may.
    fn may_set_csp(&self, headers: Node, src: &str, depth: usize) -> bool {
        match headers.kind() {
            "map" => named_children(headers)
                .filter(|c| c.kind() == "map_content")
                .flat_map(named_children)
                .any(|entry| match entry.kind() {
                    // Atom keys (`%{csp: …}`) are not header names.
                    "keywords" => false,
                    "binary_operator" if operator(entry) == Some("=>") => {
                        entry.field("left").is_none_or(|key| {
                            string_value(key, src)
                                .is_none_or(|k| k.eq_ignore_ascii_case(CSP_HEADER))
                        })
                    }
                    _ => true,
                }),
            "list" => named_children(headers).next().is_some(),
            "nil" => false,
            _ => match self.attribute(headers, src) {
                Some(value) if depth == 0 => self.may_set_csp(value, src, 1),
                _ => true,
            },
        }
    }
}

/// What a module is to the web layer, if `statement` is the `use` that says so: `use
/// Phoenix.Router` (as written: nobody aliases it), or `use MyAppWeb, :router`, the web
/// module's convention.
fn used_kind(statement: Node, src: &str) -> Option<ModuleKind> {
    if local_call_name(statement, src) != Some("use") {
        return None;
    }
    let args = call_args(statement);
    let used = args.first().filter(|a| a.kind() == "alias")?;
    match alias_text(*used, src).as_str() {
        "Phoenix.Router" => return Some(ModuleKind::Router),
        "Phoenix.Endpoint" => return Some(ModuleKind::Endpoint),
        "Phoenix.Controller" => return Some(ModuleKind::Controller),
        _ => {}
    }
    match args.get(1).and_then(|k| atom_name(*k, src)).as_deref() {
        Some("router") => Some(ModuleKind::Router),
        Some("controller") => Some(ModuleKind::Controller),
        _ => None,
    }
}

/// The functions and modules the bodies of `defs` call, deduplicated, at most `MAX_CALLS`.
fn calls_in(defs: &[Node], src: &str) -> Vec<String> {
    let mut calls: Vec<String> = Vec::new();
    let bodies = defs.iter().flat_map(|d| body_statements(*d, src));
    for node in bodies.flat_map(|s| std::iter::once(s).chain(descendants_outside_fns(s))) {
        let names: Vec<&str> = if let Some((module, function)) = remote_call_name(node, src) {
            vec![module, function]
        } else {
            local_call_name(node, src).into_iter().collect()
        };
        for name in names {
            if calls.len() >= MAX_CALLS {
                return calls;
            }
            let name: String = name.chars().filter(|c| !c.is_whitespace()).collect();
            if !calls.contains(&name) {
                calls.push(name);
            }
        }
    }
    calls
}

/// `when action in [:a, :b]` (`not in`, `==`, `!=`) → the actions; anything else → all.
fn action_filter(guard: Node, src: &str) -> ActionFilter {
    let (Some(left), Some(right)) = (guard.field("left"), guard.field("right")) else {
        return ActionFilter::All;
    };
    if text(left, src) != "action" {
        return ActionFilter::All;
    }
    let listed = || -> Vec<String> {
        match right.kind() {
            "list" => named_children(right)
                .filter_map(|a| atom_name(a, src))
                .collect(),
            _ => atom_name(right, src).into_iter().collect(),
        }
    };
    match operator(guard) {
        Some("in" | "==") => ActionFilter::Only(listed()),
        Some("not in" | "!=") => ActionFilter::Except(listed()),
        _ => ActionFilter::All,
    }
}

/// The statements of a body with the branches of `if`/`unless` that may run in production
/// spliced in where they stand.
fn prod_statements<'t>(statements: Vec<Node<'t>>, src: &str, depth: usize) -> Vec<Node<'t>> {
    let mut out = Vec::new();
    for statement in statements {
        match prod_branches(statement, src).filter(|_| depth < MAX_DEPTH) {
            Some(branches) => out.extend(prod_statements(branches, src, depth + 1)),
            None => out.push(statement),
        }
    }
    out
}

/// For an `if`/`unless`, the statements of the branches that may run in production (both,
/// unless the condition is about the environment); `None` for any other node.
fn prod_branches<'t>(call: Node<'t>, src: &str) -> Option<Vec<Node<'t>>> {
    let negated = match local_call_name(call, src)? {
        "if" => false,
        "unless" => true,
        _ => return None,
    };
    let args = call_args(call);
    let condition = *args.first()?;
    let mut then_branch = Vec::new();
    let mut else_branch = Vec::new();
    if let Some(block) = do_block(call) {
        for child in named_children(block) {
            match child.kind() {
                "else_block" => else_branch.extend(named_children(child)),
                kind if kind.ends_with("_block") => {}
                _ => then_branch.push(child),
            }
        }
    } else {
        let keywords = args.last().copied();
        then_branch.extend(keyword_value(keywords, "do", src));
        else_branch.extend(keyword_value(keywords, "else", src));
    }
    Some(
        match true_in_prod(condition, src, 0).map(|t| t != negated) {
            Some(true) => then_branch,
            Some(false) => else_branch,
            None => then_branch.into_iter().chain(else_branch).collect(),
        },
    )
}

/// Whether a condition holds in production, when it is about the environment:
/// `Mix.env()`/`config_env()` compared with `==`, `!=`, `in`, `not in`, combined with
/// `and`/`or`/`not`; Phoenix's `Application.compile_env(:app, :dev_routes)` is off there.
fn true_in_prod(condition: Node, src: &str, depth: usize) -> Option<bool> {
    if depth > MAX_DEPTH {
        return None;
    }
    let nested = |n: Option<Node>| n.and_then(|n| true_in_prod(n, src, depth + 1));
    match condition.kind() {
        "binary_operator" => {
            let left = condition.field("left")?;
            let right = condition.field("right")?;
            match operator(condition)? {
                "==" | "===" => env_is(left, right, src),
                "!=" | "!==" => env_is(left, right, src).map(|t| !t),
                "in" => env_in(left, right, src),
                "not in" => env_in(left, right, src).map(|t| !t),
                "and" | "&&" => match (nested(Some(left)), nested(Some(right))) {
                    (Some(false), _) | (_, Some(false)) => Some(false),
                    (Some(true), Some(true)) => Some(true),
                    _ => None,
                },
                "or" | "||" => match (nested(Some(left)), nested(Some(right))) {
                    (Some(true), _) | (_, Some(true)) => Some(true),
                    (Some(false), Some(false)) => Some(false),
                    _ => None,
                },
                _ => None,
            }
        }
        "unary_operator" if matches!(operator(condition), Some("not" | "!")) => {
            nested(condition.field("operand")).map(|t| !t)
        }
        "block" => match named_children(condition).collect::<Vec<_>>().as_slice() {
            [inner] => nested(Some(*inner)),
            _ => None,
        },
        "call" => {
            let (module, function) = remote_call_name(condition, src)?;
            let dev_routes = module == "Application"
                && function.starts_with("compile_env")
                && call_args(condition)
                    .get(1)
                    .is_some_and(|key| text(*key, src) == ":dev_routes");
            dev_routes.then_some(false)
        }
        _ => None,
    }
}

fn is_env(node: Node, src: &str) -> bool {
    let written: String = text(node, src)
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect();
    matches!(
        written.as_str(),
        "Mix.env()" | "Mix.env" | "config_env()" | "config_env"
    )
}

/// `env == :atom` (either side) → whether that holds in prod.
fn env_is(left: Node, right: Node, src: &str) -> Option<bool> {
    let other = if is_env(left, src) {
        right
    } else if is_env(right, src) {
        left
    } else {
        return None;
    };
    (other.kind() == "atom").then(|| text(other, src) == ":prod")
}

/// `env in [:dev, :test]` → whether the list holds `:prod`.
fn env_in(left: Node, right: Node, src: &str) -> Option<bool> {
    if !is_env(left, src) || right.kind() != "list" {
        return None;
    }
    let atoms: Vec<Node> = named_children(right).collect();
    atoms
        .iter()
        .all(|a| a.kind() == "atom")
        .then(|| atoms.iter().any(|a| text(*a, src) == ":prod"))
}

/// `:name` or `:"name"` → `name`.
fn atom_name(node: Node, src: &str) -> Option<String> {
    match node.kind() {
        "atom" => Some(text(node, src).trim_start_matches(':').to_string()),
        "quoted_atom" => string_content(node, src),
        _ => None,
    }
}

/// The content of a string literal without interpolation.
fn string_value(node: Node, src: &str) -> Option<String> {
    (node.kind() == "string").then(|| string_content(node, src))?
}

fn string_content(node: Node, src: &str) -> Option<String> {
    let mut out = String::new();
    for child in named_children(node) {
        match child.kind() {
            "quoted_content" | "escape_sequence" => out.push_str(text(child, src)),
            _ => return None,
        }
    }
    Some(out)
}

fn sigil_name<'s>(sigil: Node, src: &'s str) -> Option<&'s str> {
    named_children(sigil)
        .find(|c| c.kind() == "sigil_name")
        .map(|n| text(n, src))
}

/// `haystack` contains the lower-case `needle`, in any letter case.
fn contains_ignore_case(haystack: &str, needle: &str) -> bool {
    haystack
        .as_bytes()
        .windows(needle.len())
        .any(|w| w.eq_ignore_ascii_case(needle.as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn facts(path: &str, role: FileRole, src: &str) -> WebFacts {
        let tree = crate::syntax::parse::parse(src).expect("parses");
        extract(tree.root_node(), src, path, role, &LineIndex::new(src))
    }

    fn lib(src: &str) -> WebFacts {
        facts("lib/shop_web/x.ex", FileRole::Lib, src)
    }

    const ROUTER: &str = r#"defmodule ShopWeb.Router do
  use ShopWeb, :router
  alias ShopWeb.Plugs

  @formats ~w(html json)
  @headers %{"x-frame-options" => "DENY"}

  pipeline :browser do
    plug :accepts, @formats
    plug :fetch_session
    plug(:put_secure_browser_headers, %{"Content-Security-Policy" => "default-src 'self'"})
    plug Plugs.RateLimit, max: 5
  end

  pipeline :plain do
    plug :accepts, ["html"]
    plug :put_secure_browser_headers, @headers
    plug :throttle
    if Mix.env() == :dev do
      plug :dev_only
    end
  end

  pipeline :api do
    plug :accepts, ~w(json)
    plug :put_secure_browser_headers, headers()
  end

  scope "/", ShopWeb do
    pipe_through :browser
    get "/", PageController, :index

    scope "/users", Accounts, as: :users do
      pipe_through [:plain, :api]
      post "/log_in", SessionController, :create
      live_session :default do
        live "/register", RegistrationLive, :new
      end
    end

    resources "/sessions", SessionController, only: [:new, :create]
    resources "/posts", PostController, except: [:delete] do
      resources "/comments", CommentController, only: [:create]
    end
    match :*, "/any", AnyController, :any
  end

  for prefix <- ["/", "/repos/:repository"] do
    scope prefix do
      post "/publish", ReleaseController, :publish
    end
  end

  if Application.compile_env(:shop, :dev_routes) do
    scope "/dev" do
      forward "/mailbox", Plug.Swoosh.MailboxPreview
    end
  end

  if Mix.env() in [:dev, :test] do
    get "/test", TestController, :test
  else
    get "/prod", ProdController, :prod
  end

  defp throttle(conn, _opts) do
    conn |> Hammer.check_rate() |> put_resp_header("content-security-policy", "x")
  end
end
"#;

    #[test]
    fn pipelines_list_their_plugs_with_what_the_rules_ask() {
        let web = lib(ROUTER);
        assert_eq!(web.routers.len(), 1);
        let router = &web.routers[0];
        assert_eq!(router.module, "ShopWeb.Router");
        let names: Vec<&str> = router.pipelines.iter().map(|p| p.name.as_str()).collect();
        assert_eq!(names, ["browser", "plain", "api"]);

        let browser = &router.pipelines[0];
        assert_eq!(browser.span.start_line, 8);
        assert_eq!(
            (browser.span.start_column, browser.span.end_column),
            (3, 23)
        );
        let plugs: Vec<(&str, bool)> = browser
            .plugs
            .iter()
            .map(|p| (p.name.as_str(), p.function))
            .collect();
        assert_eq!(
            plugs,
            [
                ("accepts", true),
                ("fetch_session", true),
                ("put_secure_browser_headers", true),
                ("ShopWeb.Plugs.RateLimit", false),
            ]
        );
        assert_eq!(browser.plugs[0].formats, ["html", "json"]);
        assert!(browser.plugs[2].sets_csp, "a literal CSP key, in any case");
        assert_eq!(browser.plugs[2].span.start_line, 11);

        let plain = &router.pipelines[1];
        assert_eq!(plain.plugs[0].formats, ["html"]);
        assert!(
            !plain.plugs[1].sets_csp,
            "an attribute holding a map without CSP"
        );
        let throttle = &plain.plugs[2];
        assert!(throttle.calls.contains(&"Hammer".to_string()));
        assert!(throttle.calls.contains(&"check_rate".to_string()));
        assert!(throttle.sets_csp, "its body names the CSP header");
        assert_eq!(plain.plugs.len(), 3, "the dev-only plug is left out");

        let api = &router.pipelines[2];
        assert_eq!(api.plugs[0].formats, ["json"]);
        assert!(
            api.plugs[1].sets_csp,
            "headers from a function may set a CSP"
        );
    }

    /// verb, path, module, actions, pipelines
    type RouteRow<'a> = (
        &'a str,
        &'a str,
        Option<&'a str>,
        Vec<&'a str>,
        Vec<&'a str>,
    );

    #[test]
    fn routes_carry_their_scopes_path_alias_and_pipelines() {
        let web = lib(ROUTER);
        let routes: Vec<RouteRow> = web.routers[0]
            .routes
            .iter()
            .map(|r| {
                (
                    r.verb.as_str(),
                    r.path.as_str(),
                    r.module.as_deref(),
                    r.actions.iter().map(String::as_str).collect(),
                    r.pipelines.iter().map(String::as_str).collect(),
                )
            })
            .collect();
        let all = ["create", "delete", "edit", "index", "new", "show", "update"];
        let mut but_delete: Vec<&str> = all.iter().copied().filter(|a| *a != "delete").collect();
        but_delete.sort();
        let mut expected = vec![
            (
                "get",
                "/",
                Some("ShopWeb.PageController"),
                vec!["index"],
                vec!["browser"],
            ),
            (
                "post",
                "/users/log_in",
                Some("ShopWeb.Accounts.SessionController"),
                vec!["create"],
                vec!["browser", "plain", "api"],
            ),
            (
                "live",
                "/users/register",
                Some("ShopWeb.Accounts.RegistrationLive"),
                vec!["new"],
                vec!["browser", "plain", "api"],
            ),
            (
                "resources",
                "/sessions",
                Some("ShopWeb.SessionController"),
                vec!["new", "create"],
                vec!["browser"],
            ),
            (
                "resources",
                "/posts",
                Some("ShopWeb.PostController"),
                but_delete,
                vec!["browser"],
            ),
            (
                "resources",
                "/posts/:post_id/comments",
                Some("ShopWeb.CommentController"),
                vec!["create"],
                vec!["browser"],
            ),
            (
                "*",
                "/any",
                Some("ShopWeb.AnyController"),
                vec!["any"],
                vec!["browser"],
            ),
            (
                "post",
                "/:prefix/publish",
                Some("ReleaseController"),
                vec!["publish"],
                vec![],
            ),
            ("get", "/prod", Some("ProdController"), vec!["prod"], vec![]),
        ];
        let mut routes = routes;
        for route in routes.iter_mut().chain(expected.iter_mut()) {
            route.3.sort();
        }
        assert_eq!(routes, expected);
        let log_in = &web.routers[0].routes[1];
        assert_eq!((log_in.span.start_line, log_in.span.start_column), (35, 7));
    }

    #[test]
    fn endpoints_list_their_plugs_outside_development_branches() {
        let web = lib(r#"defmodule ShopWeb.Endpoint do
  use Sentry.PlugCapture
  use Phoenix.Endpoint, otp_app: :shop

  if code_reloading? do
    plug Phoenix.CodeReloader
  end

  if Mix.env() == :prod do
    plug Plug.SSL, rewrite_on: [:x_forwarded_proto]
  end

  unless Mix.env() == :prod do
    plug DevOnly
  end

  if config_env() != :prod, do: plug(AlsoDev)

  plug :force_ssl
  plug ShopWeb.Router

  def force_ssl(conn, _opts), do: Plug.SSL.call(conn, Plug.SSL.init([]))
end
"#);
        assert_eq!(web.endpoints.len(), 1);
        let endpoint = &web.endpoints[0];
        assert_eq!(endpoint.module, "ShopWeb.Endpoint");
        assert_eq!(endpoint.span.start_line, 3);
        let names: Vec<&str> = endpoint.plugs.iter().map(|p| p.name.as_str()).collect();
        assert_eq!(
            names,
            [
                "Phoenix.CodeReloader",
                "Plug.SSL",
                "force_ssl",
                "ShopWeb.Router"
            ]
        );
        assert!(endpoint.plugs[2].calls.contains(&"Plug.SSL".to_string()));
    }

    #[test]
    fn controllers_keep_the_actions_their_plugs_run_for() {
        let web = lib(r#"defmodule ShopWeb.SessionController do
  use ShopWeb, :controller

  plug :throttle when action in [:create, :update]
  plug Limit, [max: 5] when action not in [:new]
  plug Other, max: 5 when action == :create
  plug :always

  def create(conn, _), do: conn
end

defmodule ShopWeb.PageController do
  use Phoenix.Controller
  def index(conn, _), do: conn
end
"#);
        assert_eq!(
            web.controllers.len(),
            1,
            "a controller without plugs adds nothing"
        );
        let plugs: Vec<(&str, &ActionFilter)> = web.controllers[0]
            .plugs
            .iter()
            .map(|p| (p.plug.name.as_str(), &p.actions))
            .collect();
        let list = |names: &[&str]| names.iter().map(|n| n.to_string()).collect::<Vec<_>>();
        assert_eq!(
            plugs,
            [
                ("throttle", &ActionFilter::Only(list(&["create", "update"]))),
                ("Limit", &ActionFilter::Except(list(&["new"]))),
                ("Other", &ActionFilter::Only(list(&["create"]))),
                ("always", &ActionFilter::All),
            ]
        );
        assert!(ActionFilter::Except(list(&["new"])).admits("create"));
        assert!(!ActionFilter::Only(list(&["new"])).admits("create"));
    }

    #[test]
    fn force_ssl_is_found_where_it_runs_in_production() {
        let found = |path, role, src| -> Vec<u32> {
            facts(path, role, src)
                .force_ssl
                .iter()
                .map(|l| l.span.start_line)
                .collect()
        };
        let runtime = r#"import Config
# config :shop, ShopWeb.Endpoint, force_ssl: [hsts: true]
if config_env() == :prod do
  config :shop, ShopWeb.Endpoint,
    url: [host: "shop.example"],
    force_ssl: [rewrite_on: [:x_forwarded_proto]]
end
if config_env() == :dev do
  config :shop, ShopWeb.Endpoint, force_ssl: [hsts: true]
end
config :shop, Other.Endpoint, force_ssl: false
config :shop, Third.Endpoint, force_ssl: nil
"#;
        assert_eq!(
            found("config/runtime.exs", FileRole::ConfigProd, runtime),
            [6]
        );
        assert!(found("config/dev.exs", FileRole::ConfigDev, runtime).is_empty());
        assert!(found("lib/x.ex", FileRole::Lib, runtime).is_empty());
    }

    #[test]
    fn only_lib_code_modules_that_use_phoenix_count() {
        let router = "defmodule T.Router do\n  use Phoenix.Router\n  pipeline :b do\n    plug :accepts, [\"html\"]\n  end\nend\n";
        assert_eq!(lib(router).routers.len(), 1);
        assert!(facts("test/support/router.ex", FileRole::Test, router).is_empty());
        // The web module's `router/0` quotes `use Phoenix.Router` for others; docs mention it.
        let web_module = r#"defmodule ShopWeb do
  @moduledoc "Use as `use ShopWeb, :router` or `use Phoenix.Endpoint`."
  def router do
    quote do
      use Phoenix.Router
    end
  end
end
"#;
        assert!(lib(web_module).is_empty());
        // A module with a parse error yields no facts to judge.
        let broken = "defmodule T.Router do\n  use Phoenix.Router\n  pipeline :b do\n    plug :accepts, [\"html\"\n  end\nend\n";
        assert!(lib(broken).routers.is_empty());
        let nested =
            "defmodule Shop do\n  defmodule Web.Router do\n    use Phoenix.Router\n  end\nend\n";
        assert_eq!(lib(nested).routers[0].module, "Shop.Web.Router");
    }
}

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

mod force_ssl;
mod module;
mod plug;
mod prod_code;
mod router;

use crate::finding::Span;
use crate::project::FileRole;
use crate::syntax::lines::LineIndex;
use crate::syntax::named_children;
use prod_code::prod_statements;
use serde::{Deserialize, Serialize};
use tree_sitter::Node;

/// How deep nested modules, scopes and conditionals are followed: adversarial nesting must
/// not exhaust the stack.
const MAX_DEPTH: usize = 32;

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
    /// The `use Phoenix.Router` (or `use MyAppWeb, :router`) line.
    pub span: Span,
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
    pub path: String,
    /// The `use …, :controller` line.
    pub span: Span,
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

/// The extraction of one file's facts: what every step needs of the file. The submodules add
/// the steps (a module, a router, a plug, the `force_ssl` settings) as methods.
struct Extraction<'a, 's> {
    src: &'s str,
    path: &'a str,
    lines: &'a LineIndex<'s>,
}

impl Extraction<'_, '_> {
    /// The span of `node`'s first line: a finding points at `pipeline :browser do`, not at
    /// the whole block.
    fn head_span(&self, node: Node) -> Span {
        self.lines
            .first_line_span(self.src, node.start_byte(), node.end_byte())
    }
}

#[cfg(test)]
mod test_support {
    use super::*;

    /// The web facts of `src` as the file at `path` with `role`.
    pub(super) fn facts(path: &str, role: FileRole, src: &str) -> WebFacts {
        let tree = crate::syntax::parse::parse(src).expect("parses");
        extract(tree.root_node(), src, path, role, &LineIndex::new(src))
    }

    /// The web facts of `src` as a lib file.
    pub(super) fn lib(src: &str) -> WebFacts {
        facts("lib/shop_web/x.ex", FileRole::Lib, src)
    }
}

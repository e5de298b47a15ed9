//! A router's pipelines and routes: the scope each route sits in (path prefix, alias prefix,
//! pipelines) and the actions `resources` defines.

use super::module::ModuleInfo;
use super::prod_code::{prod_branches, prod_statements};
use super::{Extraction, MAX_DEPTH, Pipeline, Route, Router};
use crate::finding::Span;
use crate::syntax::first_call_arg;
use crate::syntax::literals::{atom_name, string_value};
use crate::syntax::{
    alias_text, body_statements, call_args, do_block, keyword_value, local_call_name,
    named_children, text,
};
use tree_sitter::Node;

impl Extraction<'_, '_> {
    /// The pipelines and routes of the router `module`, whose body is `statements`.
    pub(super) fn router(&self, module: &ModuleInfo, statements: &[Node], span: Span) -> Router {
        let src = self.src;
        let pipelines = statements
            .iter()
            .filter(|s| local_call_name(**s, src) == Some("pipeline"))
            .filter_map(|s| {
                let name = atom_name(first_call_arg(*s)?, src)?;
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
            span,
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
#[cfg(test)]
mod tests {
    use crate::syntax::web::test_support::lib;

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
}

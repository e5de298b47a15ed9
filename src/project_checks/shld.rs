//! SHLD — web shields: CSRF protection, secure headers and a CSP in the router's HTML
//! pipelines, HTTPS enforced for the endpoint, rate limits on the log-in, sign-up and
//! password-reset routes. Judged from the web facts the scan collected (`syntax::web`).
//!
//! A protection counts wherever it runs before the request reaches the controller: in the
//! pipeline itself (or a pipeline it plugs), in the endpoint that plugs the router, or — for
//! a pipeline — in companion pipelines every route through it also pipes through.

use super::{ProjectCheck, ProjectContext};
use crate::project::ProjectModel;
use crate::syntax::web::{Endpoint, Pipeline, Plug, Route, Router, WebFacts};

pub struct WebShields;

impl ProjectCheck for WebShields {
    fn rules(&self) -> &'static [&'static str] {
        &["SHLD001", "SHLD002", "SHLD003", "SHLD004", "SHLD005"]
    }

    fn check(&self, _project: &ProjectModel, cx: &mut ProjectContext) {
        let facts = cx.facts;
        let web = &facts.web;
        for router in &web.routers {
            let shields = Shields { web, router };
            for pipeline in &router.pipelines {
                shields.pipeline(pipeline, cx);
            }
            for route in &router.routes {
                shields.route(route, cx);
            }
        }
        https(web, cx);
    }
}

/// One router and what surrounds it in the project.
struct Shields<'a> {
    web: &'a WebFacts,
    router: &'a Router,
}

impl Shields<'_> {
    /// SHLD001–003 for one pipeline.
    fn pipeline(&self, pipeline: &Pipeline, cx: &mut ProjectContext) {
        let path = &self.router.path;
        let name = &pipeline.name;
        let formats: Vec<&str> = self
            .plugs(&pipeline.name)
            .iter()
            .filter(|p| p.function && p.name == "accepts")
            .flat_map(|p| p.formats.iter().map(String::as_str))
            .collect();
        let accepts_html = formats.contains(&"html");
        // CSRF rides on the cookies a browser sends along: a pipeline that never fetches the
        // session or cookies has no login to abuse (and `protect_from_forgery` needs a
        // session to keep its token in).
        if accepts_html
            && self.reaches(pipeline, reads_cookies)
            && !self.provided(pipeline, is_csrf_protection)
        {
            cx.report_at(
                "SHLD001",
                path,
                pipeline.span,
                format!(
                    "pipeline `:{name}` serves HTML but does not plug `:protect_from_forgery`: \
                     forms posted to its routes are open to cross-site request forgery"
                ),
            );
        }
        if accepts_html && !self.provided(pipeline, is_secure_headers) {
            cx.report_at(
                "SHLD002",
                path,
                pipeline.span,
                format!(
                    "pipeline `:{name}` serves HTML but does not plug \
                     `:put_secure_browser_headers` (x-frame-options, x-content-type-options, …)"
                ),
            );
        }
        // A pipeline that only accepts other formats (`["json"]`) renders no document a
        // policy would protect.
        let documents = formats.is_empty() || accepts_html;
        for plug in pipeline.plugs.iter().filter(|_| documents) {
            let defaults_only =
                plug.function && plug.name == "put_secure_browser_headers" && !plug.sets_csp;
            if defaults_only && !self.provided(pipeline, sets_csp) {
                cx.report_at(
                    "SHLD003",
                    path,
                    plug.span,
                    format!(
                        "`put_secure_browser_headers` in pipeline `:{name}` sets no \
                         content-security-policy; Phoenix's default only restricts `base-uri` \
                         and `frame-ancestors`, not where scripts load from"
                    ),
                );
            }
        }
    }

    /// SHLD005 for one route.
    fn route(&self, route: &Route, cx: &mut ProjectContext) {
        let Some(actions) = credential_actions(route) else {
            return;
        };
        let through_pipelines = route
            .pipelines
            .iter()
            .any(|p| self.plugs(p).iter().any(|plug| is_rate_limit(plug)));
        let in_controller = route.module.as_deref().is_some_and(|module| {
            self.web
                .controllers
                .iter()
                .filter(|c| c.module == module)
                .flat_map(|c| &c.plugs)
                .any(|p| is_rate_limit(&p.plug) && actions.iter().any(|a| p.actions.admits(a)))
        });
        let in_endpoint = self.endpoint_plugs().any(is_rate_limit);
        if through_pipelines || in_controller || in_endpoint {
            return;
        }
        let pipelines = match route.pipelines.as_slice() {
            [] => "no pipeline".to_string(),
            names => format!(
                "pipelines {}",
                names
                    .iter()
                    .map(|n| format!("`:{n}`"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        };
        cx.report_at(
            "SHLD005",
            &self.router.path,
            route.span,
            format!(
                "`{} \"{}\"` takes credentials, but no plug on its way rate-limits it \
                 (looked at: {pipelines}, the endpoint, the controller); throttle attempts, \
                 e.g. with a Hammer or PlugAttack plug",
                route.verb, route.path
            ),
        );
    }

    /// Whether `provides` holds for a plug the requests of `pipeline` pass through: its own
    /// (and those of the pipelines it plugs), the endpoint's, or those of companion
    /// pipelines every route through it also pipes through.
    fn provided(&self, pipeline: &Pipeline, provides: fn(&Plug) -> bool) -> bool {
        if self.plugs(&pipeline.name).into_iter().any(provides)
            || self.endpoint_plugs().any(provides)
        {
            return true;
        }
        let mut routes = self
            .router
            .routes
            .iter()
            .filter(|r| r.pipelines.contains(&pipeline.name))
            .peekable();
        routes.peek().is_some()
            && routes.all(|r| {
                r.pipelines
                    .iter()
                    .filter(|p| **p != pipeline.name)
                    .any(|p| self.plugs(p).into_iter().any(provides))
            })
    }

    /// Whether `provides` holds for a plug some request of `pipeline` passes through: its
    /// own, the endpoint's, or those of a pipeline piped through along with it.
    fn reaches(&self, pipeline: &Pipeline, provides: fn(&Plug) -> bool) -> bool {
        self.plugs(&pipeline.name).into_iter().any(provides)
            || self.endpoint_plugs().any(provides)
            || self
                .router
                .routes
                .iter()
                .filter(|r| r.pipelines.contains(&pipeline.name))
                .flat_map(|r| &r.pipelines)
                .any(|p| self.plugs(p).into_iter().any(provides))
    }

    /// The plugs of the pipeline `name`, with those of the pipelines it plugs by name
    /// (`plug :browser` inside another pipeline), each pipeline once.
    fn plugs(&self, name: &str) -> Vec<&Plug> {
        let mut seen = vec![name];
        let mut pending = vec![name];
        let mut plugs = Vec::new();
        while let Some(current) = pending.pop() {
            let Some(pipeline) = self.router.pipeline(current) else {
                continue;
            };
            for plug in &pipeline.plugs {
                if plug.function
                    && self.router.pipeline(&plug.name).is_some()
                    && !seen.contains(&plug.name.as_str())
                {
                    seen.push(&plug.name);
                    pending.push(&plug.name);
                }
                plugs.push(plug);
            }
        }
        plugs
    }

    /// The plugs of the endpoints that plug this router.
    fn endpoint_plugs(&self) -> impl Iterator<Item = &Plug> {
        self.web
            .endpoints
            .iter()
            .filter(|e| plugs_router(e, self.router))
            .flat_map(|e| &e.plugs)
    }
}

fn plugs_router(endpoint: &Endpoint, router: &Router) -> bool {
    endpoint
        .plugs
        .iter()
        .any(|p| !p.function && p.name == router.module)
}

/// SHLD004: when no prod-relevant config sets `force_ssl` and no endpoint plugs `Plug.SSL`,
/// each endpoint is reported at its `use Phoenix.Endpoint`.
fn https(web: &WebFacts, cx: &mut ProjectContext) {
    let enforced =
        !web.force_ssl.is_empty() || web.endpoints.iter().any(|e| e.plugs.iter().any(is_ssl));
    if enforced {
        return;
    }
    for endpoint in &web.endpoints {
        cx.report_at(
            "SHLD004",
            &endpoint.path,
            endpoint.span,
            format!(
                "`{}` does not enforce HTTPS: no prod-relevant config sets `force_ssl` and \
                 no endpoint plugs `Plug.SSL`; configure it with `force_ssl: [rewrite_on: \
                 [:x_forwarded_proto], hsts: true]` in config/prod.exs or runtime.exs",
                endpoint.module
            ),
        );
    }
}

/// The words of a plug or function name, in lower case: `MyAppWeb.Plugs.RateLimit` →
/// `my`, `app`, `web`, `plugs`, `rate`, `limit`; `:put_csp_header` → `put`, `csp`, `header`;
/// `ForceSSL` → `force`, `ssl`.
fn words(name: &str) -> Vec<String> {
    let mut words = Vec::new();
    for part in name.split(|c: char| !c.is_ascii_alphanumeric()) {
        let chars: Vec<char> = part.chars().collect();
        let mut word = String::new();
        for (i, &c) in chars.iter().enumerate() {
            let previous = i.checked_sub(1).map(|j| chars[j]);
            let next = chars.get(i + 1);
            // A capital starts a word after a lower-case letter or digit (`rateLimit`), or
            // ends a run of capitals when a lower-case letter follows (`SSLPlug` → SSL, Plug).
            let boundary = c.is_ascii_uppercase()
                && previous.is_some_and(|p| {
                    p.is_ascii_lowercase()
                        || p.is_ascii_digit()
                        || (p.is_ascii_uppercase() && next.is_some_and(|n| n.is_ascii_lowercase()))
                });
            if boundary && !word.is_empty() {
                words.push(std::mem::take(&mut word));
            }
            word.push(c.to_ascii_lowercase());
        }
        if !word.is_empty() {
            words.push(word);
        }
    }
    words
}

/// The plug's own name and, for a function plug defined next to it, what its body calls.
fn names(plug: &Plug) -> impl Iterator<Item = &str> {
    std::iter::once(plug.name.as_str()).chain(plug.calls.iter().map(String::as_str))
}

/// A plug that loads the session or the cookies a browser sends along. (`Plug.Session` in
/// the endpoint only configures the session; nothing reads it before `fetch_session`.)
fn reads_cookies(plug: &Plug) -> bool {
    names(plug).any(|n| matches!(n, "fetch_session" | "fetch_cookies"))
}

fn is_csrf_protection(plug: &Plug) -> bool {
    names(plug).any(|n| n == "protect_from_forgery" || n == "Plug.CSRFProtection")
}

/// `put_secure_browser_headers`, or a plug named for secure headers (`SecureHeaders`).
fn is_secure_headers(plug: &Plug) -> bool {
    names(plug).any(|n| {
        let words = words(n);
        n == "put_secure_browser_headers"
            || (words.iter().any(|w| w == "secure")
                && words.iter().any(|w| w == "headers" || w == "header"))
    })
}

/// A plug that sets a content security policy: `put_secure_browser_headers` given one, or a
/// plug named for it (`:put_csp`, `MyAppWeb.Plugs.ContentSecurityPolicy`).
fn sets_csp(plug: &Plug) -> bool {
    plug.sets_csp
        || names(plug).any(|n| {
            let words = words(n);
            words.iter().any(|w| w == "csp") || words.concat().contains("contentsecuritypolicy")
        })
}

/// A plug whose name mentions rate limiting: a word starting with `rate`, `limit` or
/// `throttl`, or `hammer`, `attack` (`PlugAttack`). Words, not substrings: `:migrate_session`
/// and `:validate` do not count.
fn is_rate_limit(plug: &Plug) -> bool {
    names(plug).any(|n| {
        words(n).iter().any(|w| {
            w.starts_with("rate")
                || w.starts_with("limit")
                || w.starts_with("throttl")
                || w.starts_with("attack")
                || w == "hammer"
        })
    })
}

/// `Plug.SSL`, or a plug named for HTTPS (`:force_ssl`, `MyAppWeb.Plugs.RequireHTTPS`).
fn is_ssl(plug: &Plug) -> bool {
    names(plug).any(|n| {
        n == "Plug.SSL"
            || words(n)
                .iter()
                .any(|w| w == "ssl" || w == "https" || w == "hsts")
    })
}

/// Path segments and actions (lower case, without `-`, `_`, `.`) that name a log-in, a
/// sign-up, a password reset or a second log-in factor.
const AUTH_WORDS: &[&str] = &[
    "login",
    "signin",
    "logon",
    "authenticate",
    "register",
    "registration",
    "registrations",
    "signup",
    "resetpassword",
    "passwordreset",
    "passwordresets",
    "forgotpassword",
    "forgot",
    "magiclink",
    "tfa",
    "2fa",
    "mfa",
    "twofactor",
    "totp",
];

/// For a route that takes credentials over HTTP, the actions that do; `None` for any other.
/// A route takes credentials when it accepts a form (`post`, `put`, `patch`, `match :*`, or
/// `resources` with `:create`/`:update`) and its path, action or `as:` name names a log-in,
/// sign-up or password reset: a segment or two adjacent ones in `AUTH_WORDS` (`/users/log_in`,
/// `/password/reset`), or a last segment `session(s)` created (`post "/sessions", …, :create`).
/// Live routes are not judged: their forms arrive as websocket events no router plug sees.
fn credential_actions(route: &Route) -> Option<Vec<&str>> {
    let actions: Vec<&str> = match route.verb.as_str() {
        "post" | "put" | "patch" | "*" => route.actions.iter().map(String::as_str).collect(),
        "resources" => route
            .actions
            .iter()
            .map(String::as_str)
            .filter(|a| matches!(*a, "create" | "update"))
            .collect(),
        _ => return None,
    };
    if route.verb == "resources" && actions.is_empty() {
        return None;
    }
    let normalize = |s: &str| -> String {
        s.chars()
            .filter(|c| !matches!(c, '-' | '_' | '.'))
            .flat_map(char::to_lowercase)
            .collect()
    };
    let segments: Vec<String> = route
        .path
        .split('/')
        .filter(|s| !s.is_empty() && !s.starts_with([':', '*']))
        .map(normalize)
        .collect();
    let named = |word: &str| AUTH_WORDS.contains(&word);
    let by_path =
        segments.iter().any(|s| named(s)) || segments.windows(2).any(|pair| named(&pair.concat()));
    let by_action = route
        .actions
        .iter()
        .chain(&route.name)
        .any(|a| named(&normalize(a)));
    let creates_session = segments
        .last()
        .is_some_and(|s| s == "session" || s == "sessions")
        && actions.contains(&"create");
    (by_path || by_action || creates_session).then_some(actions)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_split_into_words() {
        assert_eq!(
            words("MyAppWeb.Plugs.RateLimit"),
            ["my", "app", "web", "plugs", "rate", "limit"]
        );
        assert_eq!(words("put_csp_header"), ["put", "csp", "header"]);
        assert_eq!(words("ForceSSL"), ["force", "ssl"]);
        assert_eq!(words("SSLPlug"), ["ssl", "plug"]);
        assert_eq!(words("PlugAttack"), ["plug", "attack"]);
        assert_eq!(words("Plug.CSRFProtection"), ["plug", "csrf", "protection"]);
    }

    fn plug(name: &str) -> Plug {
        Plug {
            name: name.into(),
            function: !name.starts_with(char::is_uppercase),
            span: Default::default(),
            formats: Vec::new(),
            sets_csp: false,
            calls: Vec::new(),
        }
    }

    #[test]
    fn rate_limit_plugs_are_recognised_by_whole_words() {
        for name in [
            "rate_limit",
            "MyAppWeb.Plugs.RateLimiter",
            "PlugAttack",
            "HexpmWeb.Plugs.Attack",
            "Hammer.Plug",
            "throttle_logins",
            "limit_attempts",
        ] {
            assert!(is_rate_limit(&plug(name)), "{name}");
        }
        for name in [
            "migrate_session",
            "validate_url",
            "fetch_session",
            "accurate",
        ] {
            assert!(!is_rate_limit(&plug(name)), "{name}");
        }
        let mut local = plug("guard_logins");
        local.calls = vec!["Hammer".into(), "check_rate".into()];
        assert!(is_rate_limit(&local));
    }

    fn route(verb: &str, path: &str, actions: &[&str]) -> Route {
        Route {
            verb: verb.into(),
            path: path.into(),
            module: None,
            actions: actions.iter().map(|a| a.to_string()).collect(),
            name: None,
            pipelines: Vec::new(),
            span: Default::default(),
        }
    }

    #[test]
    fn credential_routes() {
        let takes = |verb, path, actions: &[&str]| {
            credential_actions(&route(verb, path, actions)).is_some()
        };
        assert!(takes("post", "/users/log_in", &["create"]));
        assert!(takes("post", "/users/log-in", &["create"]));
        assert!(takes("post", "/login", &["create"]));
        assert!(takes("post", "/users/register", &["create"]));
        assert!(takes("post", "/users/reset_password", &["create"]));
        assert!(takes("post", "/password/reset", &["create"]));
        assert!(takes("put", "/signup", &["update"]));
        assert!(takes("post", "/", &["authenticate"]));
        assert!(takes("post", "/tfa", &["create"]));
        assert!(takes(
            "resources",
            "/sessions",
            &["new", "create", "delete"]
        ));
        assert!(takes("post", "/api/sessions", &["create"]));
        let mut named = route("post", "/in", &["new"]);
        named.name = Some("sign_in".into());
        assert!(
            credential_actions(&named).is_some(),
            "named by `as: :sign_in`"
        );
        // Reading a page, logging out, a live view, other POSTs.
        assert!(!takes("get", "/users/log_in", &["new"]));
        assert!(!takes("delete", "/users/log_out", &["delete"]));
        assert!(!takes("live", "/users/register", &["new"]));
        assert!(!takes("post", "/sessions/:id/assets", &["create"]));
        assert!(!takes(
            "post",
            "/users/update-password",
            &["update_password"]
        ));
        assert!(!takes("resources", "/sessions", &["index", "show"]));
        assert!(!takes("post", "/sessions", &["sync"]));
    }
}

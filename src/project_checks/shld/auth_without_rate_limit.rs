//! SHLD005: a route that takes credentials (a log-in, a sign-up, a password reset) with no
//! rate limit on the way.

use super::{Shields, names, words};
use crate::project_checks::ProjectContext;
use crate::syntax::web::{Plug, Route};

/// SHLD005 for one route.
pub(super) fn check(shields: &Shields, route: &Route, cx: &mut ProjectContext) {
    let Some(actions) = credential_actions(route) else {
        return;
    };
    let through_pipelines = route
        .pipelines
        .iter()
        .any(|p| shields.plugs(p).iter().any(|plug| is_rate_limit(plug)));
    let in_controller = route.module.as_deref().is_some_and(|module| {
        shields
            .web
            .controllers
            .iter()
            .filter(|c| c.module == module)
            .flat_map(|c| &c.plugs)
            .any(|p| is_rate_limit(&p.plug) && actions.iter().any(|a| p.actions.admits(a)))
    });
    let in_endpoint = shields.endpoint_plugs().any(is_rate_limit);
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
        &shields.router.path,
        route.span,
        format!(
            "`{} \"{}\"` takes credentials, but no plug on its way rate-limits it \
             (looked at: {pipelines}, the endpoint, the controller); throttle attempts, \
             e.g. with a Hammer or PlugAttack plug",
            route.verb, route.path
        ),
    );
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

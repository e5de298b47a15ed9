//! SHLD — web shields: CSRF protection, secure headers and a CSP in the router's HTML
//! pipelines, HTTPS enforced for the endpoint, rate limits on the log-in, sign-up and
//! password-reset routes. Judged from the web facts the scan collected (`syntax::web`).
//!
//! A protection counts wherever it runs before the request reaches the controller: in the
//! pipeline itself (or a pipeline it plugs), in the endpoint that plugs the router, or — for
//! a pipeline — in companion pipelines every route through it also pipes through.
//!
//! One file per rule; this one holds what they share: which plugs a request passes through.

mod auth_without_rate_limit;
mod missing_csp;
mod missing_csrf;
mod missing_secure_headers;
mod no_force_ssl;

use super::{ProjectCheck, ProjectContext};
use crate::project::ProjectModel;
use crate::syntax::web::{Endpoint, Pipeline, Plug, Router, WebFacts};

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
                missing_csrf::check(&shields, pipeline, cx);
                missing_secure_headers::check(&shields, pipeline, cx);
                missing_csp::check(&shields, pipeline, cx);
            }
            for route in &router.routes {
                auth_without_rate_limit::check(&shields, route, cx);
            }
        }
        no_force_ssl::check(web, cx);
    }
}

/// One router and what surrounds it in the project.
struct Shields<'a> {
    web: &'a WebFacts,
    router: &'a Router,
}

impl Shields<'_> {
    /// The formats `plug :accepts` lists for `pipeline`, in it or in a pipeline it plugs.
    fn accepted_formats(&self, pipeline: &Pipeline) -> Vec<&str> {
        self.plugs(&pipeline.name)
            .iter()
            .filter(|p| p.function && p.name == "accepts")
            .flat_map(|p| p.formats.iter().map(String::as_str))
            .collect()
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

/// Whether a pipeline that accepts `formats` serves HTML pages, which the browser shields
/// (SHLD001–003) are for.
fn accepts_html(formats: &[&str]) -> bool {
    formats.contains(&"html")
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
}

//! SHLD004: endpoints of a project that enforces HTTPS nowhere.

use super::{names, words};
use crate::project_checks::ProjectContext;
use crate::syntax::web::{Plug, WebFacts};

/// SHLD004: when no prod-relevant config sets `force_ssl` and no endpoint plugs `Plug.SSL`,
/// each endpoint is reported at its `use Phoenix.Endpoint`.
pub(super) fn check(web: &WebFacts, cx: &mut ProjectContext) {
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

/// `Plug.SSL`, or a plug named for HTTPS (`:force_ssl`, `MyAppWeb.Plugs.RequireHTTPS`).
fn is_ssl(plug: &Plug) -> bool {
    names(plug).any(|n| {
        n == "Plug.SSL"
            || words(n)
                .iter()
                .any(|w| w == "ssl" || w == "https" || w == "hsts")
    })
}

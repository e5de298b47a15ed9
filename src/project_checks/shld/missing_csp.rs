//! SHLD003: `put_secure_browser_headers` with its default headers, which set no
//! content-security-policy, and no other plug on the way that sets one.

use super::{Shields, accepts_html, names, words};
use crate::project_checks::ProjectContext;
use crate::syntax::web::{Pipeline, Plug};

/// SHLD003 for one pipeline.
pub(super) fn check(shields: &Shields, pipeline: &Pipeline, cx: &mut ProjectContext) {
    // A pipeline that only accepts other formats (`["json"]`) renders no document a
    // policy would protect.
    let formats = shields.accepted_formats(pipeline);
    if !formats.is_empty() && !accepts_html(&formats) {
        return;
    }
    let name = &pipeline.name;
    for plug in &pipeline.plugs {
        let defaults_only =
            plug.function && plug.name == "put_secure_browser_headers" && !plug.sets_csp;
        if defaults_only && !shields.provided(pipeline, sets_csp) {
            cx.report_at(
                "SHLD003",
                &shields.router.path,
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

/// A plug that sets a content security policy: `put_secure_browser_headers` given one, or a
/// plug named for it (`:put_csp`, `MyAppWeb.Plugs.ContentSecurityPolicy`).
fn sets_csp(plug: &Plug) -> bool {
    plug.sets_csp
        || names(plug).any(|n| {
            let words = words(n);
            words.iter().any(|w| w == "csp") || words.concat().contains("contentsecuritypolicy")
        })
}

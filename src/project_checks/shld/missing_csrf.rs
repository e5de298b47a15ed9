//! SHLD001: a pipeline that serves HTML to a browser whose cookies it reads, with no CSRF
//! protection on the way.

use super::{Shields, accepts_html, names};
use crate::project_checks::ProjectContext;
use crate::syntax::web::{Pipeline, Plug};

/// SHLD001 for one pipeline.
pub(super) fn check(shields: &Shields, pipeline: &Pipeline, cx: &mut ProjectContext) {
    let name = &pipeline.name;
    // CSRF rides on the cookies a browser sends along: a pipeline that never fetches the
    // session or cookies has no login to abuse (and `protect_from_forgery` needs a
    // session to keep its token in).
    if accepts_html(&shields.accepted_formats(pipeline))
        && shields.reaches(pipeline, reads_cookies)
        && !shields.provided(pipeline, is_csrf_protection)
    {
        cx.report_at(
            "SHLD001",
            &shields.router.path,
            pipeline.span,
            format!(
                "pipeline `:{name}` serves HTML but does not plug `:protect_from_forgery`: \
                 forms posted to its routes are open to cross-site request forgery"
            ),
        );
    }
}

/// A plug that loads the session or the cookies a browser sends along. (`Plug.Session` in
/// the endpoint only configures the session; nothing reads it before `fetch_session`.)
fn reads_cookies(plug: &Plug) -> bool {
    names(plug).any(|n| matches!(n, "fetch_session" | "fetch_cookies"))
}

fn is_csrf_protection(plug: &Plug) -> bool {
    names(plug).any(|n| n == "protect_from_forgery" || n == "Plug.CSRFProtection")
}

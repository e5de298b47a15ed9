//! SHLD002: a pipeline that serves HTML without Phoenix's secure browser headers on the way.

use super::{Shields, accepts_html, names, words};
use crate::project_checks::ProjectContext;
use crate::syntax::web::{Pipeline, Plug};

/// SHLD002 for one pipeline.
pub(super) fn check(shields: &Shields, pipeline: &Pipeline, cx: &mut ProjectContext) {
    let name = &pipeline.name;
    if accepts_html(&shields.accepted_formats(pipeline))
        && !shields.provided(pipeline, is_secure_headers)
    {
        cx.report_at(
            "SHLD002",
            &shields.router.path,
            pipeline.span,
            format!(
                "pipeline `:{name}` serves HTML but does not plug \
                 `:put_secure_browser_headers` (x-frame-options, x-content-type-options, …)"
            ),
        );
    }
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

//! CONF004: development conveniences in production config: error pages with stack traces
//! and code (`debug_errors`), recompiling on request (`code_reloader`), accepting websockets
//! from any origin (`check_origin: false`), and debug-level logs.

use super::file_name;
use crate::checks::{CallInterest, Check, FileContext};
use crate::syntax::calls::Call;
use crate::syntax::kinds::Fields;
use crate::syntax::{keyword_key, named_children, text};

pub struct ProdDebugSetting;

/// (key, value) pairs that only belong in development.
const DEBUG_SETTINGS: &[(&str, &str, &str)] = &[
    (
        "debug_errors",
        "true",
        "shows stack traces and code to every visitor",
    ),
    ("code_reloader", "true", "recompiles code on requests"),
    (
        "check_origin",
        "false",
        "accepts websocket connections from any site (CSWSH)",
    ),
];

impl Check for ProdDebugSetting {
    fn rules(&self) -> &'static [&'static str] {
        &["CONF004"]
    }

    fn calls(&self) -> CallInterest {
        CallInterest::Named(&["config"])
    }

    fn on_call(&self, call: &Call, cx: &mut FileContext) {
        let prod_file = matches!(
            file_name(cx.path),
            "prod.exs" | "runtime.exs" | "releases.exs"
        );
        if !prod_file || call.module.is_some() || cx.semantic.skipped_in_prod() {
            return;
        }
        let logger = call
            .arg(0)
            .is_some_and(|app| text(app, cx.src) == ":logger");
        let Some(settings) = call
            .arg(call.arity.saturating_sub(1))
            .filter(|a| a.kind() == "keywords")
        else {
            return;
        };
        for pair in named_children(settings) {
            let (Some(key), Some(value)) = (pair.field("key"), pair.field("value")) else {
                continue;
            };
            let key = keyword_key(key, cx.src);
            let value = text(value, cx.src);
            let why = DEBUG_SETTINGS
                .iter()
                .find(|(k, v, _)| *k == key && *v == value)
                .map(|(_, _, why)| *why)
                .or_else(|| {
                    (logger && key == "level" && value == ":debug").then_some(
                        "logs at debug level (volume, and data that should not be logged)",
                    )
                });
            if let Some(why) = why {
                cx.report(
                    "CONF004",
                    pair,
                    format!(
                        "`{key}: {value}` in `{}` {why}; keep it in config/dev.exs",
                        file_name(cx.path)
                    ),
                );
            }
        }
    }
}

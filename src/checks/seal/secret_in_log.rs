//! SEAL003: log lines are shipped to aggregators, kept for months and read by many more
//! people than the database — a password or token logged once is a leaked credential.

use crate::checks::{CallInterest, Check, FileContext};
use crate::secrets::{SecretName, secret_name};
use crate::syntax::calls::{Call, CallForm};
use crate::syntax::kinds::Fields;
use crate::syntax::{
    call_args, literal_text_range, local_call_name, named_children, operator, text,
};
use tree_sitter::Node;

pub struct SecretInLog;

/// `Logger`'s levels and `Logger.log/2`, then `IO.puts` and `IO.inspect`.
const PRINTING_FUNCTIONS: &[&str] = &[
    "debug",
    "info",
    "notice",
    "warn",
    "warning",
    "error",
    "critical",
    "alert",
    "emergency",
    "log",
    "puts",
    "inspect",
];

/// How deep a log message is searched for what it interpolates or inspects.
const MAX_DEPTH: usize = 12;

impl Check for SecretInLog {
    fn rules(&self) -> &'static [&'static str] {
        &["SEAL003"]
    }

    fn calls(&self) -> CallInterest {
        CallInterest::Named(PRINTING_FUNCTIONS)
    }

    fn on_call(&self, call: &Call, cx: &mut FileContext) {
        // The walk passes every call another check subscribed to, too.
        if call.form == CallForm::CaptureReference || !PRINTING_FUNCTIONS.contains(&call.function) {
            return;
        }
        let message_index = match call.module.as_deref() {
            Some("Logger") if !matches!(call.function, "puts" | "inspect") => {
                usize::from(call.function == "log")
            }
            Some("IO") if matches!(call.function, "puts" | "inspect") => {
                // `IO.puts(device, message)` and `IO.inspect(device, value, opts)`.
                usize::from(call.arity >= 2 && call.function == "puts")
            }
            _ => return,
        };
        let Some(message) = call.arg(message_index) else {
            return;
        };
        let Some(name) = logged_secret(message, cx.src, 0) else {
            return;
        };
        let module = call.module.as_deref().unwrap_or_default();
        cx.report(
            "SEAL003",
            call.node,
            format!(
                "`{module}.{}` writes `{name}` to the log; log an identifier instead, or mark \
                 the field `redact: true` and log the struct",
                call.function
            ),
        );
    }
}

/// The secret-like reference a log message prints, if any: the message itself
/// (`IO.inspect(token)`), or a value it interpolates (`"#{user.password}"`), concatenates or
/// inspects (`inspect(params["token"])`).
fn logged_secret<'s>(node: Node, src: &'s str, depth: usize) -> Option<&'s str> {
    if depth > MAX_DEPTH {
        return None;
    }
    if let Some(name) = secret_reference(node, src) {
        return Some(name);
    }
    match node.kind() {
        "string" | "sigil" => named_children(node)
            .filter(|c| c.kind() == "interpolation")
            .flat_map(named_children)
            .find_map(|inner| logged_secret(inner, src, depth + 1)),
        "binary_operator" if operator(node) == Some("<>") => ["left", "right"]
            .iter()
            .filter_map(|side| node.field(side))
            .find_map(|side| logged_secret(side, src, depth + 1)),
        "call" if local_call_name(node, src) == Some("inspect") => call_args(node)
            .first()
            .and_then(|value| logged_secret(*value, src, depth + 1)),
        _ => None,
    }
}

/// A value that names a secret: a variable (`password`), a field (`user.password`,
/// `conn.assigns.api_key`) or a lookup with a literal key (`params["token"]`,
/// `opts[:secret]`). Generic `*_key` names (`cache_key`) are not secrets here: a log
/// line prints values, and most keys are identifiers.
fn secret_reference<'s>(node: Node, src: &'s str) -> Option<&'s str> {
    let name = match node.kind() {
        "identifier" => text(node, src),
        "dot" => text(node.field("right")?, src),
        "call" => {
            // `user.password` without parentheses parses as a call on a dot.
            let target = node.field("target")?;
            if target.kind() != "dot" || node.field("arguments").is_some() {
                return None;
            }
            text(target.field("right")?, src)
        }
        "access_call" => {
            let key = node.field("key")?;
            match key.kind() {
                "atom" => text(key, src),
                _ => &src[literal_text_range(key, src)?],
            }
        }
        _ => return None,
    };
    let logged_name = name.trim_start_matches(':');
    let is_secret = match secret_name(logged_name)? {
        SecretName::Password => true,
        SecretName::Key => !logged_name.ends_with("_key") || is_named_key(logged_name),
    };
    is_secret.then_some(name)
}

/// `*_key` names that are keys in the cryptographic sense.
fn is_named_key(name: &str) -> bool {
    let name = name.to_ascii_lowercase();
    [
        "secret",
        "private",
        "api",
        "access",
        "signing",
        "encryption",
        "master",
    ]
    .iter()
    .any(|word| name.contains(word))
}

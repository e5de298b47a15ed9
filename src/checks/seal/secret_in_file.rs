//! SEAL004: the Elixir scan sees `config/*.exs`, but deploys also ship `.env` files,
//! `fly.toml`, Dockerfiles, CI workflows and release templates — where keys leak as often.

use crate::checks::{Check, FileContext};
use crate::secrets::{self, SecretName};

pub struct SecretInFile;

const RULE: &str = "SEAL004";

impl Check for SecretInFile {
    fn rules(&self) -> &'static [&'static str] {
        &[RULE]
    }

    fn wants_text_files(&self) -> bool {
        true
    }

    fn on_text_file(&self, cx: &mut FileContext) {
        let file_name = cx.path.rsplit('/').next().unwrap_or(cx.path);
        if is_env_template(file_name) {
            return;
        }
        let mut reported = Vec::new();
        for credential in secrets::find_credentials(cx.src) {
            let secret = (credential.start, credential.end);
            let shown = secrets::mask(&cx.src[credential.start..credential.end]);
            cx.report_secret(
                RULE,
                secret,
                format!(
                    "hardcoded {} `{shown}` in a committed file; revoke it and inject it as a \
                     secret of the deploy environment",
                    credential.kind
                ),
                secret,
                None,
            );
            reported.push(secret);
        }
        if is_env_file(file_name) {
            for assignment in env_assignments(cx.src) {
                let overlaps = reported
                    .iter()
                    .any(|&(start, end)| start < assignment.value.1 && assignment.value.0 < end);
                if !overlaps {
                    report_assignment(cx, &assignment);
                }
            }
        }
    }
}

fn report_assignment(cx: &mut FileContext, assignment: &Assignment) {
    let (start, end) = assignment.value;
    let what = match assignment.kind {
        SecretName::Password => "password",
        SecretName::Key => "secret",
    };
    cx.report_secret(
        RULE,
        (assignment.line_start, end),
        format!(
            "`{}` is a hardcoded {what} (`{}`) in a committed env file; keep the file out of git \
             (commit a `.env.example` with placeholders) and inject the value at deploy time",
            assignment.name,
            secrets::mask(&cx.src[start..end])
        ),
        (start, end),
        None,
    );
}

/// `.env`, `.env.production`, `prod.env`, `.envrc`: files of `NAME=value` lines.
fn is_env_file(file_name: &str) -> bool {
    file_name == ".env"
        || file_name.starts_with(".env.")
        || file_name == ".envrc"
        || file_name.ends_with(".env")
}

/// A committed template of an env file holds placeholders by design.
fn is_env_template(file_name: &str) -> bool {
    let lower = file_name.to_ascii_lowercase();
    lower.contains(".env")
        && ["example", "sample", "template", "dist"]
            .iter()
            .any(|word| lower.contains(word))
}

/// One `NAME=value` line of an env file whose name is secret-like and whose value looks
/// like a secret (`secrets::is_secret_value`).
struct Assignment {
    name: String,
    kind: SecretName,
    line_start: usize,
    /// The byte range of the value, quotes excluded.
    value: (usize, usize),
}

/// The secret assignments of an env file: `NAME=value`, `export NAME=value`, values bare or
/// quoted (`"…"`, `'…'`); a bare value ends at ` #` (a comment). `$VAR` references and
/// placeholders are not secrets.
fn env_assignments(text: &str) -> Vec<Assignment> {
    let mut found = Vec::new();
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        let line_start = offset;
        offset += line.len();
        let content = line.trim_end_matches(['\n', '\r']);
        let indent = content.len() - content.trim_start().len();
        let statement = content.trim_start();
        let (statement, skipped) = match statement.strip_prefix("export ") {
            Some(rest) => (
                rest.trim_start(),
                indent + (statement.len() - rest.trim_start().len()),
            ),
            None => (statement, indent),
        };
        let Some((name, raw_value)) = statement.split_once('=') else {
            continue;
        };
        if name.is_empty() || !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
            continue;
        }
        let Some(kind) = secrets::secret_name(name) else {
            continue;
        };
        let value_at = line_start + skipped + name.len() + 1;
        let (start, value) = unquoted(raw_value);
        if !secrets::is_secret_value(kind, value) {
            continue;
        }
        found.push(Assignment {
            name: name.to_string(),
            kind,
            line_start: line_start + indent,
            value: (value_at + start, value_at + start + value.len()),
        });
    }
    found
}

/// The value of an assignment without its quotes or trailing comment, and where it starts
/// within `raw`.
fn unquoted(raw: &str) -> (usize, &str) {
    for quote in ['"', '\''] {
        if let Some(rest) = raw.strip_prefix(quote) {
            let end = rest.find(quote).unwrap_or(rest.len());
            return (1, &rest[..end]);
        }
    }
    let end = raw.find(" #").unwrap_or(raw.len());
    (0, raw[..end].trim_end())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(text: &str) -> Vec<(String, String)> {
        env_assignments(text)
            .into_iter()
            .map(|a| (a.name, text[a.value.0..a.value.1].to_string()))
            .collect()
    }

    #[test]
    fn assignments_in_every_spelling() {
        let text = "DATABASE_URL=ecto://localhost/shop\nexport SECRET_KEY_BASE=q8Zm3kV7xN2bT5wY9cJ4mP0dLrHs6GuE1oKi\n  STRIPE_SECRET=\"Zq8mV3kR7xN2bT5wY9cJ4mP0\"\r\ndb_password='Tr0ub4dor&3' \nAPI_KEY=Zq8mV3kR7xN2bT5wY9cJ4mP0 # prod\n";
        assert_eq!(
            names(text),
            [
                ("SECRET_KEY_BASE", "q8Zm3kV7xN2bT5wY9cJ4mP0dLrHs6GuE1oKi"),
                ("STRIPE_SECRET", "Zq8mV3kR7xN2bT5wY9cJ4mP0"),
                ("db_password", "Tr0ub4dor&3"),
                ("API_KEY", "Zq8mV3kR7xN2bT5wY9cJ4mP0"),
            ]
            .map(|(n, v)| (n.to_string(), v.to_string()))
        );
    }

    #[test]
    fn references_placeholders_and_comments_are_not_secrets() {
        let text = "# SECRET_KEY_BASE=q8Zm3kV7xN2bT5wY9cJ4mP0dLrHs6GuE1oKi\nSECRET_KEY_BASE=$SECRET\nAPI_KEY=${API_KEY}\nPASSWORD=\nTOKEN=changeme\nDB_PASSWORD=postgres\nPOOL_SIZE=10\n";
        assert!(names(text).is_empty(), "{:?}", names(text));
    }

    #[test]
    fn env_files_and_their_templates() {
        for name in [".env", ".env.production", "prod.env", ".envrc"] {
            assert!(is_env_file(name) && !is_env_template(name), "{name}");
        }
        for name in [
            ".env.example",
            ".env.sample",
            ".env.template",
            "example.env",
        ] {
            assert!(is_env_template(name), "{name}");
        }
        assert!(!is_env_file("environment.yml"));
    }
}

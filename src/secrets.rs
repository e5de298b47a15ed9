//! What a secret looks like, shared by SEAL001 (literals in Elixir code) and SEAL004 (other
//! text files): credential formats, secret-like names, the values that are only placeholders,
//! and the mask every output shows instead of a secret.

use regex::Regex;
use std::sync::LazyLock;

/// A credential format found in a text: what it is and its byte range there.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Credential {
    pub kind: &'static str,
    pub start: usize,
    pub end: usize,
}

/// The formats of PILLARS.md, one alternative each, named by the capture group that matched.
/// Word boundaries keep a format from matching inside a longer identifier.
const FORMATS: &[(&str, &str, &str)] = &[
    ("aws", "AWS access key id", r"\b(?:AKIA|ASIA)[A-Z0-9]{16}\b"),
    (
        "github",
        "GitHub token",
        r"\b(?:gh[pousr]_[A-Za-z0-9]{36}|github_pat_[A-Za-z0-9_]{60,255})\b",
    ),
    ("gitlab", "GitLab token", r"\bglpat-[A-Za-z0-9_\-]{20,}"),
    (
        "stripe",
        "Stripe live secret key",
        r"\b[sr]k_live_[A-Za-z0-9]{20,}\b",
    ),
    ("slack", "Slack token", r"\bxox[bpeoar]-[A-Za-z0-9\-]{10,}"),
    (
        "slack_webhook",
        "Slack webhook URL",
        r"https://hooks\.slack\.com/(?:services|workflows|triggers)/[A-Za-z0-9_/]{20,}",
    ),
    ("google", "Google API key", r"\bAIza[0-9A-Za-z_\-]{35}"),
    ("npm", "npm token", r"\bnpm_[A-Za-z0-9]{36}\b"),
    // A header alone is a string a PEM parser compares with; key material must follow (after
    // a newline, or a `\n` escape inside a string literal).
    (
        "pem",
        "private key",
        r"-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?-----(?:\s|\\n)+(?:[A-Za-z0-9+/=]{32}|Proc-Type:)",
    ),
    (
        "jwt",
        "JSON Web Token",
        r"\beyJ[A-Za-z0-9_\-]{8,}\.eyJ[A-Za-z0-9_\-]{8,}\.[A-Za-z0-9_\-]{16,}",
    ),
];

/// No format is shorter than this, so shorter texts are not searched.
const SHORTEST_FORMAT: usize = 15;

static FORMAT_REGEX: LazyLock<Regex> = LazyLock::new(|| {
    let alternatives: Vec<String> = FORMATS
        .iter()
        .map(|(group, _, pattern)| format!("(?P<{group}>{pattern})"))
        .collect();
    Regex::new(&alternatives.join("|")).expect("credential formats are valid patterns")
});

/// Whether `text` holds anything in a credential format at all (placeholders included): one
/// pass over a whole file lets the many string literals of a file without one skip the test.
pub fn may_contain_credentials(text: &str) -> bool {
    text.len() >= SHORTEST_FORMAT && FORMAT_REGEX.is_match(text)
}

/// Every credential format in `text` that is not a placeholder (`AKIAIOSFODNN7EXAMPLE`,
/// `sk_live_xxxxxxxxxxxxxxxxxxxxxxxx`).
pub fn find_credentials(text: &str) -> Vec<Credential> {
    if text.len() < SHORTEST_FORMAT {
        return Vec::new();
    }
    let regex = &*FORMAT_REGEX;
    // Almost no text holds a credential: the match test (literal prefilter and DFA) is
    // much cheaper than finding capture groups.
    if !regex.is_match(text) {
        return Vec::new();
    }
    let mut found = Vec::new();
    for captures in regex.captures_iter(text) {
        let Some((kind, m)) = FORMATS
            .iter()
            .find_map(|(group, kind, _)| captures.name(group).map(|m| (*kind, m)))
        else {
            continue;
        };
        let mut end = m.end();
        if kind == "private key" {
            end = pem_end(text, m.start());
        } else if is_placeholder(m.as_str()) || is_low_entropy(m.as_str()) {
            continue;
        }
        found.push(Credential {
            kind,
            start: m.start(),
            end,
        });
    }
    found
}

/// A private key runs to its `-----END … -----` line, or to the end of the text.
fn pem_end(text: &str, start: usize) -> usize {
    let rest = &text[start..];
    match rest.find("-----END ") {
        Some(end_marker) => {
            let after = &rest[end_marker + 9..];
            let close = after.find("-----").map_or(after.len(), |i| i + 5);
            start + end_marker + 9 + close
        }
        None => text.len(),
    }
}

/// How a secret-like name wants its value judged.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SecretName {
    /// `password`, `db_password`: any real word is a password.
    Password,
    /// `api_key`, `secret_key_base`, `*_token`: a key is random, so its value must look random.
    Key,
}

const PASSWORD_NAMES: &[&str] = &["password", "passwd", "pwd"];
const PASSWORD_SUFFIXES: &[&str] = &["_password", "_passwd", "_pwd"];
const KEY_NAMES: &[&str] = &[
    "secret",
    "secret_key_base",
    "api_key",
    "apikey",
    "token",
    "access_key",
    "private_key",
    "client_secret",
];
const KEY_SUFFIXES: &[&str] = &["_secret", "_token", "_key", "_apikey"];
/// Names with a key-like suffix whose values are public or are not keys at all.
const PUBLIC_NAMES: &[&str] = &[
    "public_key",
    "publishable_key",
    "primary_key",
    "foreign_key",
    "csrf_token",
];

/// Names longer than this are not judged (generated code, adversarial input).
const MAX_NAME: usize = 128;

/// Whether `name` (an atom, keyword, string key, variable, attribute or environment
/// variable name, in any letter case) names a secret, and of which kind.
pub fn secret_name(name: &str) -> Option<SecretName> {
    let name = name
        .trim_start_matches(['@', ':'])
        .trim_end_matches(':')
        .trim_matches(['"', '\'']);
    // Every secret-like name contains one of these; checking first keeps the many keyword
    // keys and variables of ordinary code from allocating.
    let mentions = |word: &[u8]| {
        name.as_bytes()
            .windows(word.len())
            .any(|w| w.eq_ignore_ascii_case(word))
    };
    if name.len() > MAX_NAME
        || ![&b"pass"[..], b"pwd", b"secret", b"key", b"token"]
            .iter()
            .any(|w| mentions(w))
    {
        return None;
    }
    let name = name.to_ascii_lowercase().replace('-', "_");
    if PUBLIC_NAMES.contains(&name.as_str()) {
        return None;
    }
    if PASSWORD_NAMES.contains(&name.as_str())
        || PASSWORD_SUFFIXES.iter().any(|s| name.ends_with(s))
    {
        return Some(SecretName::Password);
    }
    if KEY_NAMES.contains(&name.as_str()) || KEY_SUFFIXES.iter().any(|s| name.ends_with(s)) {
        return Some(SecretName::Key);
    }
    None
}

/// Words that make a value a placeholder wherever they appear in it.
const PLACEHOLDER_WORDS: &[&str] = &[
    "example",
    "changeme",
    "change_me",
    "change-me",
    "replace_me",
    "replace-me",
    "replaceme",
    "your_",
    "your-",
    "yourkey",
    "placeholder",
    "dummy",
    "fake",
    "sample",
    "redacted",
    "filtered",
    "xxxx",
    "****",
    "...",
    "todo",
    "fixme",
    "test",
    "dev_",
    "insert",
];

/// Whole values that are well-known defaults of development setups, not secrets.
const DEFAULT_VALUES: &[&str] = &[
    "secret",
    "password",
    "pass",
    "test",
    "testing",
    "dev",
    "development",
    "local",
    "localhost",
    "postgres",
    "root",
    "admin",
    "guest",
    "none",
    "null",
    "nil",
    "default",
    "demo",
    "mysql",
];

/// A value that only stands in for a secret: a placeholder word, a template reference
/// (`${API_KEY}`, `{{ token }}`, `<token>`, `$TOKEN`, `%{key}`), or the name of an
/// environment variable (`"STRIPE_API_KEY"`).
pub fn is_placeholder(value: &str) -> bool {
    let lower = value.to_ascii_lowercase();
    if PLACEHOLDER_WORDS.iter().any(|w| lower.contains(w))
        || value.contains("${")
        || value.contains("{{")
        || value.contains("%{")
        || value.starts_with('$')
        || (value.starts_with('<') && value.ends_with('>'))
    {
        return true;
    }
    // The name of an environment variable, not its value.
    value.contains('_')
        && value
            .chars()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_')
}

/// Whether `value`, bound to a name of kind `name`, is a hardcoded secret. Empty values,
/// placeholders and development defaults are not; text with spaces is a message, not a
/// secret; a path or URL names where a secret lives. A key's value must also look random:
/// at least 16 characters, two or more character classes (lower case, upper case, digits) and
/// at least 3 bits of entropy per character — `cache_key: "users"` and
/// `token: "session_token"` are names, not keys. A password only needs to be a word of at
/// least 6 characters that is not one of the defaults.
pub fn is_secret_value(name: SecretName, value: &str) -> bool {
    let value = value.trim();
    if value.is_empty()
        || value.chars().any(char::is_whitespace)
        || is_placeholder(value)
        || DEFAULT_VALUES.contains(&value.to_ascii_lowercase().as_str())
        || looks_like_location(value)
    {
        return false;
    }
    match name {
        SecretName::Password => value.chars().count() >= 6,
        SecretName::Key => {
            value.chars().count() >= 16 && character_classes(value) >= 2 && !is_low_entropy(value)
        }
    }
}

fn looks_like_location(value: &str) -> bool {
    value.contains("://")
        || value.starts_with('/')
        || value.starts_with("./")
        || value.starts_with("priv/")
        || [".pem", ".key", ".crt", ".json", ".txt", ".p12"]
            .iter()
            .any(|ext| value.ends_with(ext))
}

fn character_classes(value: &str) -> usize {
    let has = |pred: fn(&char) -> bool| usize::from(value.chars().any(|c| pred(&c)));
    has(char::is_ascii_lowercase) + has(char::is_ascii_uppercase) + has(char::is_ascii_digit)
}

/// Fewer than 3 bits of Shannon entropy per character: `aaaaaaaa…`, `abcabcabc…`, and most
/// English identifiers of a few words.
fn is_low_entropy(value: &str) -> bool {
    let mut counts = [0u32; 256];
    for byte in value.bytes() {
        counts[byte as usize] += 1;
    }
    let total = value.len() as f64;
    let entropy: f64 = counts
        .iter()
        .filter(|&&c| c > 0)
        .map(|&c| {
            let p = f64::from(c) / total;
            -p * p.log2()
        })
        .sum();
    entropy < 3.0
}

/// What every output shows of a secret: its first four characters and a mask.
pub fn mask(secret: &str) -> String {
    let visible: String = secret.chars().take(4).collect();
    format!("{visible}****")
}

/// `text` with the secret at `start..end` masked in place: everything after its first four
/// characters becomes `*`, byte for byte, so offsets, lines and columns computed on the
/// original still point at the same places (line breaks are kept).
pub fn redact(text: &mut String, start: usize, end: usize) {
    let Some(secret) = text.get(start..end) else {
        return;
    };
    let keep = secret
        .char_indices()
        .nth(4)
        .map_or(secret.len(), |(i, _)| i);
    let masked: String = secret[keep..]
        .bytes()
        .map(|b| match b {
            b'\n' | b'\r' => b as char,
            _ => '*',
        })
        .collect();
    text.replace_range(start + keep..end, &masked);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(text: &str) -> Vec<&'static str> {
        find_credentials(text).iter().map(|c| c.kind).collect()
    }

    #[test]
    fn every_listed_format_is_found() {
        let cases = [
            ("AKIAZ7Q3LTRXWB2K9PQM", "AWS access key id"),
            ("ASIAZ7Q3LTRXWB2K9PQM", "AWS access key id"),
            ("ghp_R8nq2LkV0xJb7TzW4mYc9PdA3sFh6GuE1oKi", "GitHub token"),
            ("gho_R8nq2LkV0xJb7TzW4mYc9PdA3sFh6GuE1oKi", "GitHub token"),
            ("ghs_R8nq2LkV0xJb7TzW4mYc9PdA3sFh6GuE1oKi", "GitHub token"),
            (
                "github_pat_11ABCDEFG0aZ9yX8wV7uT6_sR5qP4oN3mL2kJ1iH0gF9eD8cB7aZ6yX5wV4uT3sR2qP1oN0mL9kJ8iH7gF6eD5cB4",
                "GitHub token",
            ),
            ("glpat-Zq8mV3kR7xN2bT5wY9cJ", "GitLab token"),
            (
                "sk_live_51H8qTzLkV0xJb7TzW4mYc9Pd",
                "Stripe live secret key",
            ),
            (
                "rk_live_51H8qTzLkV0xJb7TzW4mYc9Pd",
                "Stripe live secret key",
            ),
            ("xoxb-1234567890-0987654321-AbCdEfGhIjKl", "Slack token"),
            (
                "https://hooks.slack.com/services/T01AB2CD3/B04EF5GH6/q8Zm3kV7xN2bT5wY9cJ4",
                "Slack webhook URL",
            ),
            ("AIzaSyB8q3kV7xN2bT5wY9cJ4mP0dLrHs6GuE1o", "Google API key"),
            ("npm_R8nq2LkV0xJb7TzW4mYc9PdA3sFh6GuE1oKi", "npm token"),
            (
                "-----BEGIN RSA PRIVATE KEY-----\nMIIEpAIBAAKCAQEA3Tz2mr7SZiAMfQyuvBjM9Oi8",
                "private key",
            ),
            (
                "-----BEGIN PRIVATE KEY-----\\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSj",
                "private key",
            ),
            (
                "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U",
                "JSON Web Token",
            ),
        ];
        for (text, kind) in cases {
            assert_eq!(kinds(text), vec![kind], "{text}");
            let quoted = format!("url: \"{text}\", other");
            assert_eq!(kinds(&quoted), vec![kind], "inside a longer text: {text}");
        }
    }

    #[test]
    fn placeholders_and_lookalikes_are_not_credentials() {
        for text in [
            "AKIAIOSFODNN7EXAMPLE",
            "sk_live_xxxxxxxxxxxxxxxxxxxxxxxx",
            "sk_test_51H8qTzLkV0xJb7TzW4mYc9Pd",
            "pk_live_51H8qTzLkV0xJb7TzW4mYc9Pd",
            "ghp_000000000000000000000000000000000000",
            "-----BEGIN RSA PRIVATE KEY-----",
            "String.starts_with?(pem, \"-----BEGIN PRIVATE KEY-----\")",
            "XAKIAZ7Q3LTRXWB2K9PQMX",
            "my_ghp_token",
            "short",
        ] {
            assert!(kinds(text).is_empty(), "{text}");
        }
    }

    #[test]
    fn a_private_key_runs_to_its_end_marker() {
        let text = "k = \"\"\"\n-----BEGIN EC PRIVATE KEY-----\nMHcCAQEEIKgZq8mV3kR7xN2bT5wY9cJ4mP0dLrHs6GuE1oKi\n-----END EC PRIVATE KEY-----\n\"\"\"";
        let found = find_credentials(text);
        assert_eq!(found.len(), 1);
        assert!(text[found[0].start..found[0].end].ends_with("-----END EC PRIVATE KEY-----"));
    }

    #[test]
    fn names_are_judged_in_any_case_and_spelling() {
        for name in [
            "password",
            ":password",
            "\"db_password\"",
            "DB_PASSWORD",
            "passwd",
        ] {
            assert_eq!(secret_name(name), Some(SecretName::Password), "{name}");
        }
        for name in [
            "secret_key_base",
            "api_key",
            "API_KEY",
            "@apikey",
            "stripe-secret",
            "github_token",
            "signing_key",
            "client_secret:",
            "token",
        ] {
            assert_eq!(secret_name(name), Some(SecretName::Key), "{name}");
        }
        for name in [
            "key",
            "signing_salt",
            "public_key",
            "publishable_key",
            "primary_key",
            "csrf_token",
            "username",
            "keys",
            "tokenizer",
        ] {
            assert_eq!(secret_name(name), None, "{name}");
        }
    }

    #[test]
    fn values_decide_as_well_as_names() {
        use SecretName::{Key, Password};
        for (name, value) in [
            (Key, "7sQ2vN9xK4bT8mW1zR6yC3pL0dF5hJ2gqAeU"),
            (Key, "a8f5f167f44f4964e6c998dee827110c"),
            (Password, "hunter22"),
            (Password, "Tr0ub4dor&3"),
        ] {
            assert!(is_secret_value(name, value), "{value}");
        }
        for (name, value) in [
            (Key, ""),
            (Key, "users"),
            (Key, "_my_app_key"),
            (Key, "session_token_name"),
            (Key, "your-api-key"),
            (Key, "${API_KEY}"),
            (Key, "<token>"),
            (Key, "$STRIPE_KEY"),
            (Key, "STRIPE_API_KEY"),
            (Key, "changeme"),
            (Key, "priv/keys/private.pem"),
            (Key, "https://vault.internal/secret"),
            (Key, "aaaaaaaaaaaaaaaaaaaaaaaa"),
            (Key, "Invalid token, please log in again"),
            (Password, ""),
            (Password, "postgres"),
            (Password, "abc"),
            (Password, "must be at least 12 characters"),
            (Password, "EXAMPLE-password"),
        ] {
            assert!(!is_secret_value(name, value), "{value:?}");
        }
    }

    #[test]
    fn a_mask_shows_four_characters() {
        assert_eq!(mask("sk_live_51H8qTz"), "sk_l****");
        assert_eq!(mask("ab"), "ab****");
        let mut text = String::from("key = \"sk_live_51H8\"\nnext");
        redact(&mut text, 7, 19);
        assert_eq!(text, "key = \"sk_l********\"\nnext");
        let mut multi = String::from("AAAAé\nBBBB");
        let len = multi.len();
        redact(&mut multi, 0, len);
        assert_eq!(
            multi.len(),
            "AAAAé\nBBBB".len(),
            "offsets keep their meaning"
        );
        assert_eq!(multi, "AAAA**\n****");
    }
}

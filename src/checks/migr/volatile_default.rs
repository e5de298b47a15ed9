//! MIGR011: a column added to an existing table with a volatile default (`uuid_generate_v4()`,
//! `random()`, `clock_timestamp()`) gets a value per row: Postgres rewrites the whole table
//! under an exclusive lock. Constant defaults are metadata-only since Postgres 11.

use super::model::{Block, Migration};
use crate::checks::FileContext;

/// SQL functions whose value differs per row (Postgres `VOLATILE`) that defaults use.
const VOLATILE_FUNCTIONS: &[&str] = &[
    "gen_random_uuid",
    "uuid_generate_v1",
    "uuid_generate_v1mc",
    "uuid_generate_v4",
    "random",
    "clock_timestamp",
    "timeofday",
    "nextval",
];

pub fn check(migration: &Migration, cx: &mut FileContext) {
    for op in &migration.operations {
        let adds = matches!(op.name, "add" | "add_if_not_exists") && !op.on_repo;
        if !adds || !op.runs.on_migrate() || !matches!(op.block, Block::AlterTable(_)) {
            continue;
        }
        let Some(default) = op.option("default", cx.src) else {
            continue;
        };
        let Some(function) = volatile_call(cx.text(default)) else {
            continue;
        };
        cx.report(
            "MIGR011",
            op.call,
            format!(
                "a default computed per row (`{function}()`) on an existing table rewrites every \
                 row under an exclusive lock; add the column without a default (or with a \
                 constant), backfill in batches, then set the default"
            ),
        );
    }
}

/// The volatile SQL function a default's text calls, if any (`fragment("uuid_generate_v4()")`).
fn volatile_call(default: &str) -> Option<&'static str> {
    if !default.starts_with("fragment") {
        return None;
    }
    let lower = default.to_ascii_lowercase();
    VOLATILE_FUNCTIONS.iter().copied().find(|function| {
        lower.match_indices(function).any(|(at, _)| {
            let before = lower[..at].chars().next_back();
            let after = lower[at + function.len()..].trim_start().chars().next();
            !before.is_some_and(|c| c.is_ascii_alphanumeric() || c == '_') && after == Some('(')
        })
    })
}

#[cfg(test)]
mod tests {
    use super::volatile_call;

    #[test]
    fn volatile_defaults_are_sql_calls_of_per_row_functions() {
        assert_eq!(
            volatile_call(r#"fragment("json_build_object('id', uuid_generate_v4()::text)")"#),
            Some("uuid_generate_v4")
        );
        assert_eq!(
            volatile_call(r#"fragment("gen_random_uuid()")"#),
            Some("gen_random_uuid")
        );
        assert_eq!(volatile_call(r#"fragment("RANDOM ()")"#), Some("random"));
        assert_eq!(
            volatile_call(r#"fragment("now()")"#),
            None,
            "stable: one value"
        );
        assert_eq!(volatile_call(r#"fragment("'random'")"#), None);
        assert_eq!(volatile_call(r#"fragment("my_random()")"#), None);
        assert_eq!(
            volatile_call(r#""uuid_generate_v4()""#),
            None,
            "a string constant"
        );
        assert_eq!(volatile_call("false"), None);
    }
}

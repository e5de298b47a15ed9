//! MIGR010: a check constraint created on an existing table scans every row under a lock
//! that blocks writes.

use super::model::{Migration, call_option, has_option, table_name};
use crate::checks::FileContext;

pub fn check(migration: &Migration, cx: &mut FileContext) {
    for op in &migration.operations {
        // `down` runs on rollback, an operator's action outside the rolling deploy.
        if op.name != "create" || op.on_repo || !op.runs.on_migrate() {
            continue;
        }
        let Some(constraint) = op.wrapped(&["constraint"], cx.src) else {
            continue;
        };
        let existing =
            table_name(constraint, cx.src).is_some_and(|t| !migration.created_tables.contains(&t));
        let checks = call_option(constraint, "check", cx.src).is_some();
        if existing && checks && !has_option(constraint, "validate", "false", cx.src) {
            cx.report(
                "MIGR010",
                op.call,
                "a check constraint created on an existing table is validated at once, blocking \
                 writes; create it with `validate: false` and validate it in a later migration",
            );
        }
    }
}

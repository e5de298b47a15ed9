//! MIGR003: `CREATE INDEX` without `CONCURRENTLY` blocks writes to the table until the index
//! is built — minutes on a large table.

use super::model::{Migration, has_option, table_name};
use crate::checks::FileContext;

pub const INDEXES: &[&str] = &["index", "unique_index"];

pub fn check(migration: &Migration, cx: &mut FileContext) {
    for op in &migration.operations {
        // `down` runs on rollback, an operator's action outside the rolling deploy.
        if op.on_repo
            || !op.runs.on_migrate()
            || !matches!(
                op.name,
                "create" | "create_if_not_exists" | "drop" | "drop_if_exists"
            )
        {
            continue;
        }
        let Some(index) = op.wrapped(INDEXES, cx.src) else {
            continue;
        };
        let new_table =
            table_name(index, cx.src).is_some_and(|t| migration.created_tables.contains(&t));
        if new_table || has_option(index, "concurrently", "true", cx.src) {
            continue;
        }
        cx.report(
            "MIGR003",
            op.call,
            format!(
                "`{}` an index without `concurrently: true` locks the table against writes \
                 while it runs; add `concurrently: true` (with `@disable_ddl_transaction true` \
                 and `@disable_migration_lock true`)",
                op.name
            ),
        );
    }
}

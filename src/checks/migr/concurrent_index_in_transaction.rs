//! MIGR004: Postgres refuses `CREATE INDEX CONCURRENTLY` inside a transaction, and Ecto's
//! migration lock would hold other migrators for the whole build.

use super::index_not_concurrent::INDEXES;
use super::model::{Migration, has_option};
use crate::checks::FileContext;

pub fn check(migration: &Migration, cx: &mut FileContext) {
    if migration.disable_ddl_transaction && migration.disable_migration_lock {
        return;
    }
    for op in &migration.operations {
        let concurrent = op
            .wrapped(INDEXES, cx.src)
            .is_some_and(|index| has_option(index, "concurrently", "true", cx.src));
        if concurrent && !op.on_repo && op.runs.ever() {
            cx.report(
                "MIGR004",
                op.call,
                "a concurrent index needs both `@disable_ddl_transaction true` and \
                 `@disable_migration_lock true` in the migration module",
            );
        }
    }
}

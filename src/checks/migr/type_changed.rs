//! MIGR005: changing a column's type rewrites the table under an exclusive lock, and the
//! running release may not read the new type.

use super::model::{Block, Migration};
use crate::checks::FileContext;

pub fn check(migration: &Migration, cx: &mut FileContext) {
    for op in &migration.operations {
        // `down` runs on rollback, an operator's action outside the rolling deploy.
        let modifies = op.name == "modify" && !op.on_repo && op.runs.on_migrate();
        if modifies && !matches!(op.block, Block::CreateTable(_)) {
            cx.report(
                "MIGR005",
                op.call,
                "`modify` changes a column in place: most type changes rewrite the table under \
                 an exclusive lock; add a new column, backfill it in batches, switch the code, \
                 then drop the old one",
            );
        }
    }
}

//! MIGR008: adding a `NOT NULL` column without a default to an existing table fails on its
//! existing rows, and the running release inserts rows without the column.

use super::model::{Block, Migration};
use crate::checks::FileContext;

pub fn check(migration: &Migration, cx: &mut FileContext) {
    for op in &migration.operations {
        let adds = matches!(op.name, "add" | "add_if_not_exists") && !op.on_repo && op.runs.ever();
        if !adds || !matches!(op.block, Block::AlterTable(_)) {
            continue;
        }
        let not_null = op
            .option("null", cx.src)
            .is_some_and(|v| cx.text(v) == "false");
        if not_null && op.option("default", cx.src).is_none() {
            cx.report(
                "MIGR008",
                op.call,
                "`null: false` without `default:` on an existing table fails on its rows and \
                 on inserts by the running release; add the column nullable (or with a default), \
                 backfill, then add the constraint",
            );
        }
    }
}

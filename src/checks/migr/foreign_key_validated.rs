//! MIGR009: adding a foreign key validates every existing row while holding locks on both
//! tables.

use super::model::{Block, Migration, has_option};
use crate::checks::FileContext;
use crate::syntax::local_call_name;

pub fn check(migration: &Migration, cx: &mut FileContext) {
    for op in &migration.operations {
        // `down` runs on rollback, an operator's action outside the rolling deploy.
        let changes_column = matches!(op.name, "add" | "add_if_not_exists" | "modify")
            && !op.on_repo
            && op.runs.on_migrate();
        let Block::AlterTable(table) = op.block else {
            continue;
        };
        if !changes_column || migration.created_tables.contains(&table) {
            continue;
        }
        let Some(reference) = op
            .args
            .get(1)
            .filter(|t| local_call_name(**t, cx.src) == Some("references"))
        else {
            continue;
        };
        if !has_option(*reference, "validate", "false", cx.src) {
            cx.report(
                "MIGR009",
                op.call,
                "a foreign key added to an existing table is validated at once, locking both \
                 tables; add it with `references(…, validate: false)` and validate it in a \
                 later migration (`execute \"ALTER TABLE … VALIDATE CONSTRAINT …\"`)",
            );
        }
    }
}

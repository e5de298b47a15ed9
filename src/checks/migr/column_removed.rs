//! MIGR001: the release still running during a rolling deploy selects the column; removing it
//! first breaks every query that names it.

use super::model::Migration;
use crate::checks::FileContext;

pub fn check(migration: &Migration, cx: &mut FileContext) {
    for op in &migration.operations {
        // `down` undoes what `up` added; it runs on rollback, not during a deploy.
        if matches!(op.name, "remove" | "remove_if_exists") && op.function != "down" && !op.on_repo
        {
            cx.report(
                "MIGR001",
                op.call,
                "removes a column the running release may still read; deploy the code that no \
                 longer uses it first, and remove the column in a later migration",
            );
        }
    }
}

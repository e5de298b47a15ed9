//! MIGR001: the release still running during a rolling deploy selects the column; removing it
//! first breaks every query that names it.

use super::model::{Migration, name_literal};
use crate::checks::FileContext;

pub fn check(migration: &Migration, cx: &mut FileContext) {
    for op in &migration.operations {
        // `down` undoes what `up` added; it runs on rollback, not during a deploy. A column
        // this migration added before is unknown to the running release.
        let removes = matches!(op.name, "remove" | "remove_if_exists") && !op.on_repo;
        if !removes || !op.runs.on_migrate() {
            continue;
        }
        let column = op.args.first().and_then(|c| name_literal(*c, cx.src));
        let added_here = op
            .table()
            .is_some_and(|table| migration.added_before(table, column, op.call, cx.src));
        if !added_here {
            cx.report(
                "MIGR001",
                op.call,
                "removes a column the running release may still read; deploy the code that no \
                 longer uses it first, and remove the column in a later migration",
            );
        }
    }
}

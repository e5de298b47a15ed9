//! MIGR002: dropping or renaming a table or column breaks the release still serving traffic,
//! which uses the old name.

use super::model::{Migration, name_literal, table_name};
use crate::checks::FileContext;

pub fn check(migration: &Migration, cx: &mut FileContext) {
    for op in &migration.operations {
        // `down` restores what `up` changed; it runs on rollback, not during a deploy.
        if op.on_repo || !op.runs.on_migrate() {
            continue;
        }
        let Some(table) = op.wrapped(&["table"], cx.src) else {
            continue;
        };
        let table = table_name(table, cx.src).unwrap_or("");
        // `rename table(:t), :old, to: :new` renames a column; `rename table(:a), to: table(:b)`
        // the table.
        let (what, column) = match op.name {
            "drop" | "drop_if_exists" => ("drops a table", None),
            "rename" if op.args.len() >= 3 => (
                "renames a column",
                op.args.get(1).and_then(|c| name_literal(*c, cx.src)),
            ),
            "rename" => ("renames a table", None),
            _ => continue,
        };
        // What this migration created or added before, no running release knows.
        if migration.added_before(table, column, op.call, cx.src) {
            continue;
        }
        cx.report(
            "MIGR002",
            op.call,
            format!(
                "{what} the running release still uses; add the new one, deploy code that uses \
                 it, then drop the old one in a later migration"
            ),
        );
    }
}

//! MIGR002: dropping or renaming a table or column breaks the release still serving traffic,
//! which uses the old name.

use super::model::Migration;
use crate::checks::FileContext;

pub fn check(migration: &Migration, cx: &mut FileContext) {
    for op in &migration.operations {
        if op.on_repo || op.function == "down" {
            continue;
        }
        let what = match op.name {
            "drop" | "drop_if_exists" if op.wrapped(&["table"], cx.src).is_some() => {
                "drops a table"
            }
            // `rename table(:t), :old, to: :new` renames a column; `rename table(:a), to: table(:b)`
            // the table.
            "rename" if op.wrapped(&["table"], cx.src).is_some() => {
                if op.args.len() >= 3 {
                    "renames a column"
                } else {
                    "renames a table"
                }
            }
            _ => continue,
        };
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

//! MIGR006: Repo calls in a migration run against the schema modules of the *new* code,
//! inside the migration's transaction and lock; on a large table they time out and block.

use super::model::Migration;
use crate::checks::FileContext;

pub fn check(migration: &Migration, cx: &mut FileContext) {
    for op in migration
        .operations
        .iter()
        .filter(|op| op.on_repo && op.runs.ever())
    {
        // `Repo.transaction(fn -> … end)` wraps Repo calls that are judged themselves.
        if op.name == "transaction"
            && op
                .args
                .first()
                .is_some_and(|f| f.kind() == "anonymous_function")
        {
            continue;
        }
        cx.report(
            "MIGR006",
            op.call,
            format!(
                "`{}` on the Repo changes or reads data inside a migration; backfill in batches \
                 outside the schema migration (a task run after the deploy), or use `execute` \
                 with SQL that does not depend on the schema modules",
                op.name
            ),
        );
    }
}

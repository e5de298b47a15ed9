//! MIGR007: a `change` that Ecto cannot reverse makes `mix ecto.rollback` — the way back from
//! a bad deploy — raise.

use super::model::Migration;
use crate::checks::FileContext;

pub fn check(migration: &Migration, cx: &mut FileContext) {
    for op in migration
        .operations
        .iter()
        .filter(|op| op.runs.change && !op.on_repo)
    {
        let why = match op.name {
            "execute" if op.args.len() == 1 => "`execute/1` in `change` has no down SQL",
            "modify" if op.option("from", cx.src).is_none() => {
                "`modify` in `change` without `from:`"
            }
            _ => continue,
        };
        cx.report(
            "MIGR007",
            op.call,
            format!(
                "{why}, so the migration cannot be rolled back; use `execute(up_sql, down_sql)`, \
                 `modify(…, from: old_type)`, or separate `up`/`down` functions"
            ),
        );
    }
}

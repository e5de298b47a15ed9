//! MIGR005: changing a column's type rewrites the table under an exclusive lock, and the
//! running release may not read the new type.

use super::model::{Block, Migration, Operation, call_option};
use crate::checks::FileContext;
use crate::syntax::{keyword_value, local_call_name, named_children, text};
use tree_sitter::Node;

pub fn check(migration: &Migration, cx: &mut FileContext) {
    for op in &migration.operations {
        // `down` runs on rollback, an operator's action outside the rolling deploy.
        let modifies = op.name == "modify" && !op.on_repo && op.runs.on_migrate();
        if !modifies || matches!(op.block, Block::CreateTable(_)) {
            continue;
        }
        let not_null = |v: Node| cx.text(v) == "false";
        // `from: {:string, null: false}`: the column is NOT NULL already.
        let was_not_null = op
            .option("from", cx.src)
            .filter(|from| from.kind() == "tuple")
            .and_then(|from| keyword_value(named_children(from).nth(1), "null", cx.src))
            .is_some_and(not_null);
        let sets_not_null = op.option("null", cx.src).is_some_and(not_null) && !was_not_null;
        if !keeps_type(op, cx.src) {
            cx.report(
                "MIGR005",
                op.call,
                "`modify` changes a column in place: most type changes rewrite the table under \
                 an exclusive lock; add a new column, backfill it in batches, switch the code, \
                 then drop the old one",
            );
        } else if sets_not_null {
            cx.report(
                "MIGR005",
                op.call,
                "`modify … null: false` sets NOT NULL: Postgres scans every row under an \
                 exclusive lock; add a `CHECK (… IS NOT NULL) NOT VALID` constraint, validate it \
                 in a later migration, then set NOT NULL (Postgres 12+ skips the scan)",
            );
        }
    }
}

/// Whether the column keeps its type, as far as the migration says: the new type is
/// `from:`'s (only nullability or the default change), a timestamp or time whose precision
/// only grows (`:utc_datetime` → `:utc_datetime_usec`: Postgres relabels it, no rewrite), or
/// a `references(…)` that only (re)creates the foreign key, which MIGR009 judges. Without
/// `from:` the old type is unknown, and any other type counts as changed.
fn keeps_type(op: &Operation, src: &str) -> bool {
    let Some(&new) = op.args.get(1) else {
        return false;
    };
    let from = op.option("from", src).map(|from| match from.kind() {
        // `from: {:string, null: true}`: the old type and its options.
        "tuple" => named_children(from).next().unwrap_or(from),
        _ => from,
    });
    if is_references(new, src) {
        return from.is_none_or(|from| {
            is_references(from, src) && reference_type(new, src) == reference_type(from, src)
        });
    }
    let Some(from) = from else {
        return false;
    };
    let sized = ["size", "precision", "scale"]
        .iter()
        .any(|key| op.option(key, src).is_some());
    (!sized && squeezed(new, src) == squeezed(from, src))
        || precision_grows(new, op.option("precision", src), from, src)
}

fn is_references(node: Node, src: &str) -> bool {
    local_call_name(node, src) == Some("references")
}

/// The `type:` of a `references(…)`, as written (`None`: the default, `:bigserial`).
fn reference_type(references: Node, src: &str) -> Option<String> {
    call_option(references, "type", src).map(|t| squeezed(t, src))
}

/// A type as written, without whitespace: `{:array, :string}`.
fn squeezed(node: Node, src: &str) -> String {
    text(node, src).split_whitespace().collect()
}

/// `:utc_datetime` → `:utc_datetime_usec` (`timestamp(0)` → `timestamp`), `:time` →
/// `:time_usec`: the same Postgres type with at least the old precision. Postgres changes
/// only the catalog for such a change (since 9.2); a smaller precision rewrites every row.
fn precision_grows(new: Node, new_precision: Option<Node>, from: Node, src: &str) -> bool {
    let (Some((new_type, default)), Some((old_type, old))) =
        (temporal(new, src), temporal(from, src))
    else {
        return false;
    };
    let new = match new_precision {
        // Ecto writes `(0)` for the second-precision types whatever `precision:` says.
        Some(precision) if default == MICROSECONDS => text(precision, src).parse().ok(),
        _ => Some(default),
    };
    new_type == old_type && new.is_some_and(|new: u32| new >= old)
}

const MICROSECONDS: u32 = 6;

/// The Postgres type Ecto creates for a temporal type, and its precision in digits.
fn temporal(node: Node, src: &str) -> Option<(&'static str, u32)> {
    match text(node, src) {
        ":utc_datetime" | ":naive_datetime" => Some(("timestamp", 0)),
        ":utc_datetime_usec" | ":naive_datetime_usec" => Some(("timestamp", MICROSECONDS)),
        ":time" => Some(("time", 0)),
        ":time_usec" => Some(("time", MICROSECONDS)),
        _ => None,
    }
}

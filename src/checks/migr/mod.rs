//! MIGR — deploy-safe migrations. A rolling deploy runs the new migration while the old
//! release still serves traffic, so a migration must neither lock a busy table nor break the
//! code that is still running.
//!
//! Each migration module is read once into a `Migration` (its operations, where they stand:
//! in `create table`, in `alter table`, in `change`/`up`/`down`), and every rule, one file
//! each, judges that model.

mod check_constraint;
mod column_removed;
mod concurrent_index_in_transaction;
mod data_in_migration;
mod foreign_key_validated;
mod index_not_concurrent;
mod irreversible_change;
mod model;
mod not_null_without_default;
mod table_dropped_or_renamed;
mod type_changed;
mod volatile_default;

use crate::checks::{Check, FileContext};
use crate::syntax::local_call_name;
use model::Migration;
use tree_sitter::Node;

pub struct Migrations;

/// Every rule of the pillar, in order; each judges the whole migration.
const RULES: &[fn(&Migration, &mut FileContext)] = &[
    column_removed::check,
    table_dropped_or_renamed::check,
    index_not_concurrent::check,
    concurrent_index_in_transaction::check,
    type_changed::check,
    data_in_migration::check,
    irreversible_change::check,
    not_null_without_default::check,
    foreign_key_validated::check,
    check_constraint::check,
    volatile_default::check,
];

impl Check for Migrations {
    fn rules(&self) -> &'static [&'static str] {
        &[
            "MIGR001", "MIGR002", "MIGR003", "MIGR004", "MIGR005", "MIGR006", "MIGR007", "MIGR008",
            "MIGR009", "MIGR010", "MIGR011",
        ]
    }

    // The check only runs on migration files (its rules judge that role), where it reads
    // each module once, when the walk enters its `defmodule`.
    fn node_kinds(&self) -> &'static [&'static str] {
        &["call"]
    }

    fn on_node(&self, node: Node, cx: &mut FileContext) {
        if local_call_name(node, cx.src) != Some("defmodule") {
            return;
        }
        let migration = Migration::read(node, cx.src);
        for rule in RULES {
            rule(&migration, cx);
        }
    }
}

//! A migration module as the MIGR rules see it: its module attributes and every call in its
//! functions, with where the call stands.

use crate::syntax::kinds::Fields;
use crate::syntax::{
    call_args, do_block, keyword_value, local_call_name, module_attribute, named_children, text,
};
use tree_sitter::Node;

/// How deep statements are followed (`if`, `for`, `Enum.each(…, fn … end)` around operations).
const MAX_DEPTH: usize = 24;

/// Where an operation stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Block<'s> {
    /// Directly in a migration function (or in control flow there).
    Top,
    /// In `create table(:t) do … end`: the table is new and empty.
    CreateTable(&'s str),
    /// In `alter table(:t) do … end`: an existing table, possibly large and busy.
    AlterTable(&'s str),
}

/// One call in a migration function: `create index(…)`, `add :x, …`, `execute "…"`,
/// `Repo.update_all(…)`.
#[derive(Debug, Clone)]
pub struct Operation<'t, 's> {
    pub call: Node<'t>,
    /// The function called: `create`, `add`, `execute`; for a Repo call, `update_all`.
    pub name: &'s str,
    pub args: Vec<Node<'t>>,
    pub block: Block<'s>,
    /// The migration function it is in: `change`, `up`, `down`, or a helper.
    pub function: &'s str,
    /// A call on the Repo (`Repo.x`, `MyApp.Repo.x`, `repo().x`).
    pub on_repo: bool,
}

impl<'t, 's> Operation<'t, 's> {
    /// The first argument when it is a call to `wrapper` (`table(:users)`, `index(…)`).
    pub fn wrapped(&self, wrappers: &[&str], src: &str) -> Option<Node<'t>> {
        let first = *self.args.first()?;
        local_call_name(first, src)
            .is_some_and(|name| wrappers.contains(&name))
            .then_some(first)
    }

    /// The value of option `key` in the operation's trailing keyword list.
    pub fn option(&self, key: &str, src: &str) -> Option<Node<'t>> {
        keyword_value(self.args.last().copied(), key, src)
    }
}

/// The value of option `key` in the trailing keyword list of the call `call`.
pub fn call_option<'t>(call: Node<'t>, key: &str, src: &str) -> Option<Node<'t>> {
    keyword_value(call_args(call).last().copied(), key, src)
}

/// Whether option `key` of `call` is written as `value` (`concurrently: true`).
pub fn has_option(call: Node, key: &str, value: &str, src: &str) -> bool {
    call_option(call, key, src).is_some_and(|v| text(v, src) == value)
}

/// The table a `table(:t)`, `index(:t, …)` or `constraint(:t, …)` call names, as written
/// without `:` or quotes.
pub fn table_name<'s>(wrapper: Node, src: &'s str) -> Option<&'s str> {
    let first = *call_args(wrapper).first()?;
    let name = text(first, src);
    Some(name.trim_start_matches(':').trim_matches('"'))
}

pub struct Migration<'t, 's> {
    pub disable_ddl_transaction: bool,
    pub disable_migration_lock: bool,
    /// Tables created in this migration: empty, so nothing done to them locks anything.
    pub created_tables: Vec<&'s str>,
    pub operations: Vec<Operation<'t, 's>>,
}

impl<'t, 's> Migration<'t, 's> {
    /// Read the module that `defmodule` defines.
    pub fn read(defmodule: Node<'t>, src: &'s str) -> Migration<'t, 's> {
        let mut migration = Migration {
            disable_ddl_transaction: false,
            disable_migration_lock: false,
            created_tables: Vec::new(),
            operations: Vec::new(),
        };
        for statement in do_block(defmodule).into_iter().flat_map(named_children) {
            if let Some((name, Some(value))) = module_attribute(statement, src) {
                let on = text(value, src) == "true";
                match name {
                    "disable_ddl_transaction" => migration.disable_ddl_transaction |= on,
                    "disable_migration_lock" => migration.disable_migration_lock |= on,
                    _ => {}
                }
            } else if matches!(local_call_name(statement, src), Some("def" | "defp"))
                && let Some(function) = call_args(statement)
                    .first()
                    .and_then(|h| function_name(*h, src))
            {
                migration.visit(statement, src, Block::Top, function, 0);
            }
        }
        migration.created_tables = migration
            .operations
            .iter()
            .filter(|op| matches!(op.name, "create" | "create_if_not_exists"))
            .filter_map(|op| op.wrapped(&["table"], src))
            .filter_map(|table| table_name(table, src))
            .collect();
        migration
    }

    fn visit(
        &mut self,
        node: Node<'t>,
        src: &'s str,
        block: Block<'s>,
        function: &'s str,
        depth: usize,
    ) {
        if depth > MAX_DEPTH {
            return;
        }
        if node.kind() != "call" {
            for child in named_children(node) {
                self.visit(child, src, block, function, depth + 1);
            }
            return;
        }
        let Some(target) = node.field("target") else {
            return;
        };
        let args = call_args(node);
        let (name, on_repo) = match target.kind() {
            "identifier" => (text(target, src), false),
            "dot" => {
                let Some(function_name) = target.field("right") else {
                    return;
                };
                let receiver = target.field("left").map_or("", |l| text(l, src));
                let repo =
                    receiver == "Repo" || receiver.ends_with(".Repo") || receiver == "repo()";
                (text(function_name, src), repo)
            }
            _ => ("", false),
        };
        // `def change do`: the definition itself is not an operation, its body is.
        let is_definition = depth == 0;
        let inner = if is_definition {
            block
        } else {
            let op = Operation {
                call: node,
                name,
                args: args.clone(),
                block,
                function,
                on_repo,
            };
            let table = op.wrapped(&["table"], src).and_then(|t| table_name(t, src));
            let inner = match (name, table) {
                ("create" | "create_if_not_exists", Some(table)) => Block::CreateTable(table),
                ("alter", Some(table)) => Block::AlterTable(table),
                _ => block,
            };
            self.operations.push(op);
            inner
        };
        if let Some(body) = do_block(node) {
            for child in named_children(body) {
                self.visit(child, src, inner, function, depth + 1);
            }
        }
        if !is_definition {
            for arg in args {
                self.visit(arg, src, block, function, depth + 1);
            }
        } else if let Some(value) = keyword_value(call_args(node).last().copied(), "do", src) {
            self.visit(value, src, block, function, depth + 1);
        }
    }
}

/// `change`, `up(…)`, `up() when …` → the function's name.
fn function_name<'s>(head: Node, src: &'s str) -> Option<&'s str> {
    match head.kind() {
        "identifier" => Some(text(head, src)),
        "call" => local_call_name(head, src),
        "binary_operator" => function_name(head.field("left")?, src),
        _ => None,
    }
}

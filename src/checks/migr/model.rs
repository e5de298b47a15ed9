//! A migration module as the MIGR rules see it: its module attributes and every call in its
//! functions, with where the call stands.

use crate::syntax::kinds::Fields;
use crate::syntax::{
    call_args, do_block, keyword_value, local_call_name, module_attribute, named_children, text,
};
use crate::syntax::{first_call_arg, last_call_arg};
use std::collections::HashMap;
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

/// When Ecto runs the function an operation is in: as `change`, `up` or `down`, directly or
/// through the module's own functions they call. A function none of them reaches never runs.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Runs {
    pub change: bool,
    pub up: bool,
    pub down: bool,
}

impl Runs {
    /// Runs when the migration is applied, during the deploy (`change`, `up`). `down` only
    /// runs when an operator rolls the migration back.
    pub fn on_migrate(self) -> bool {
        self.change || self.up
    }

    /// Runs at all: migrating or rolling back.
    pub fn ever(self) -> bool {
        self.on_migrate() || self.down
    }

    fn merge(&mut self, other: Runs) -> bool {
        let before = *self;
        self.change |= other.change;
        self.up |= other.up;
        self.down |= other.down;
        *self != before
    }
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
    /// The index of the function it is in (`Migration::functions`).
    function: usize,
    /// When Ecto runs it.
    pub runs: Runs,
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

    /// The table of the block it stands in (`create table(:t) do`, `alter table(:t) do`).
    pub fn table(&self) -> Option<&'s str> {
        match self.block {
            Block::CreateTable(table) | Block::AlterTable(table) => Some(table),
            Block::Top => None,
        }
    }
}

/// A `def`/`defp` of the migration module.
#[derive(Debug)]
struct Function<'s> {
    name: &'s str,
    public: bool,
    /// With default arguments a head defines several arities: `min..=max`.
    arities: std::ops::RangeInclusive<usize>,
}

/// The name of an atom or string literal (`:users`, `"users"`): how tables and columns are
/// written.
pub fn name_literal<'s>(node: Node, src: &'s str) -> Option<&'s str> {
    matches!(node.kind(), "atom" | "string")
        .then(|| text(node, src).trim_start_matches(':').trim_matches('"'))
}

/// The value of option `key` in the trailing keyword list of the call `call`.
pub fn call_option<'t>(call: Node<'t>, key: &str, src: &str) -> Option<Node<'t>> {
    keyword_value(last_call_arg(call), key, src)
}

/// Whether option `key` of `call` is written as `value` (`concurrently: true`).
pub fn has_option(call: Node, key: &str, value: &str, src: &str) -> bool {
    call_option(call, key, src).is_some_and(|v| text(v, src) == value)
}

/// The table a `table(:t)`, `index(:t, …)` or `constraint(:t, …)` call names, as written
/// without `:` or quotes.
pub fn table_name<'s>(wrapper: Node, src: &'s str) -> Option<&'s str> {
    let first = first_call_arg(wrapper)?;
    let name = text(first, src);
    Some(name.trim_start_matches(':').trim_matches('"'))
}

pub struct Migration<'t, 's> {
    pub disable_ddl_transaction: bool,
    pub disable_migration_lock: bool,
    /// Tables created in this migration: empty, so nothing done to them locks anything.
    pub created_tables: Vec<&'s str>,
    pub operations: Vec<Operation<'t, 's>>,
    functions: Vec<Function<'s>>,
    /// Local calls and captures (`helper(x)`, `&helper/1`) by function: caller, name, arity.
    calls: Vec<(usize, &'s str, usize)>,
}

impl<'t, 's> Migration<'t, 's> {
    /// Read the module that `defmodule` defines.
    pub fn read(defmodule: Node<'t>, src: &'s str) -> Migration<'t, 's> {
        let mut migration = Migration {
            disable_ddl_transaction: false,
            disable_migration_lock: false,
            created_tables: Vec::new(),
            operations: Vec::new(),
            functions: Vec::new(),
            calls: Vec::new(),
        };
        for statement in do_block(defmodule).into_iter().flat_map(named_children) {
            if let Some((name, Some(value))) = module_attribute(statement, src) {
                let on = text(value, src) == "true";
                match name {
                    "disable_ddl_transaction" => migration.disable_ddl_transaction |= on,
                    "disable_migration_lock" => migration.disable_migration_lock |= on,
                    _ => {}
                }
            } else if let Some(definition @ ("def" | "defp")) = local_call_name(statement, src)
                && let Some((name, arities)) = call_args(statement)
                    .first()
                    .and_then(|h| function_head(*h, src))
            {
                migration.functions.push(Function {
                    name,
                    public: definition == "def",
                    arities,
                });
                let function = migration.functions.len() - 1;
                migration.visit(statement, src, Block::Top, function, 0);
            }
        }
        let runs = migration.reach();
        for op in &mut migration.operations {
            op.runs = runs[op.function];
        }
        migration.created_tables = migration
            .operations
            .iter()
            .filter(|op| op.runs.ever())
            .filter(|op| matches!(op.name, "create" | "create_if_not_exists"))
            .filter_map(|op| op.wrapped(&["table"], src))
            .filter_map(|table| table_name(table, src))
            .collect();
        migration
    }

    /// When each function runs: Ecto calls `change/0`, `up/0` and `down/0`, and they call
    /// the module's other functions. A module that defines none of the three (a helper module
    /// nested in the migration file) runs when it is called from elsewhere: all its functions
    /// count as run when migrating, as an `up` would.
    fn reach(&self) -> Vec<Runs> {
        let entry = |f: &Function| {
            let callback = f.public && f.arities.contains(&0);
            Runs {
                change: callback && f.name == "change",
                up: callback && f.name == "up",
                down: callback && f.name == "down",
            }
        };
        let mut runs: Vec<Runs> = self.functions.iter().map(entry).collect();
        if runs.iter().all(|r| !r.ever()) {
            return vec![
                Runs {
                    up: true,
                    ..Runs::default()
                };
                self.functions.len()
            ];
        }
        // Each caller's callees; a pipe passes one more argument than the call shows, so
        // either arity may be meant.
        let mut by_name: HashMap<&str, Vec<usize>> = HashMap::new();
        for (i, f) in self.functions.iter().enumerate() {
            by_name.entry(f.name).or_default().push(i);
        }
        let mut callees: Vec<Vec<usize>> = vec![Vec::new(); self.functions.len()];
        for &(caller, name, arity) in &self.calls {
            let arities =
                |f: &Function| f.arities.contains(&arity) || f.arities.contains(&(arity + 1));
            let matching = by_name.get(name).into_iter().flatten();
            callees[caller].extend(matching.filter(|&&i| arities(&self.functions[i])));
        }
        // A function's `Runs` only grows, three times at most: the work list ends.
        let mut pending: Vec<usize> = (0..runs.len()).filter(|&i| runs[i].ever()).collect();
        while let Some(caller) = pending.pop() {
            let from = runs[caller];
            for &callee in &callees[caller] {
                if runs[callee].merge(from) {
                    pending.push(callee);
                }
            }
        }
        runs
    }

    /// Whether `column` of `table` was added (or its table created) by an operation of this
    /// migration that runs when migrating and stands before `before`: no running release
    /// knows that column, so renaming or removing it breaks nothing.
    pub fn added_before(&self, table: &str, column: Option<&str>, before: Node, src: &str) -> bool {
        self.operations
            .iter()
            .filter(|op| op.runs.on_migrate() && op.call.end_byte() <= before.start_byte())
            .any(|op| match op.name {
                "create" | "create_if_not_exists" => op
                    .wrapped(&["table"], src)
                    .and_then(|t| table_name(t, src))
                    .is_some_and(|t| t == table),
                "add" | "add_if_not_exists" => {
                    column.is_some()
                        && op.table() == Some(table)
                        && op.args.first().and_then(|c| name_literal(*c, src)) == column
                }
                _ => false,
            })
    }

    fn visit(
        &mut self,
        node: Node<'t>,
        src: &'s str,
        block: Block<'s>,
        function: usize,
        depth: usize,
    ) {
        if depth > MAX_DEPTH {
            return;
        }
        if let Some((name, arity)) = captured_function(node, src) {
            self.calls.push((function, name, arity));
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
            if target.kind() == "identifier" {
                self.calls.push((function, name, args.len()));
            }
            let op = Operation {
                call: node,
                name,
                args: args.clone(),
                block,
                function,
                runs: Runs::default(),
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
        } else if let Some(value) = keyword_value(last_call_arg(node), "do", src) {
            self.visit(value, src, block, function, depth + 1);
        }
    }
}

/// `change`, `up()`, `fix(table, column \\ nil) when …` → the function's name and arities.
fn function_head<'s>(
    head: Node,
    src: &'s str,
) -> Option<(&'s str, std::ops::RangeInclusive<usize>)> {
    match head.kind() {
        "identifier" => Some((text(head, src), 0..=0)),
        "call" => {
            let params = call_args(head);
            let defaults = params
                .iter()
                .filter(|p| crate::syntax::operator(**p) == Some("\\\\"))
                .count();
            Some((
                local_call_name(head, src)?,
                params.len() - defaults..=params.len(),
            ))
        }
        "binary_operator" => function_head(head.field("left")?, src),
        _ => None,
    }
}

/// `&helper/2` → (`helper`, 2).
fn captured_function<'s>(node: Node, src: &'s str) -> Option<(&'s str, usize)> {
    if node.kind() != "unary_operator" || !text(node, src).starts_with('&') {
        return None;
    }
    let reference = node.field("operand")?;
    if crate::syntax::operator(reference) != Some("/") {
        return None;
    }
    let name = reference
        .field("left")
        .filter(|n| n.kind() == "identifier")?;
    let arity = text(reference.field("right")?, src).parse().ok()?;
    Some((text(name, src), arity))
}

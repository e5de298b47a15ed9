//! PERF002: `Repo.all` of a whole table loads every row into memory: fine with ten rows in
//! development, an out-of-memory crash when the table has grown.

use crate::checks::{CallInterest, Check, FileContext};
use crate::syntax::calls::{Call, CallForm};
use crate::syntax::ecto::is_repo;
use crate::syntax::kinds::Fields;
use crate::syntax::{call_args, keyword_key, local_call_name, named_children, operator, text};
use tree_sitter::Node;

pub struct UnboundedRepoAll;

/// How many variable-to-value steps are followed to the query.
const MAX_STEPS: usize = 4;

/// Query functions and `from` keywords that filter or bound the rows.
const BOUNDING: &[&str] = &["where", "or_where", "limit", "first", "last"];

impl Check for UnboundedRepoAll {
    fn rules(&self) -> &'static [&'static str] {
        &["PERF002"]
    }

    fn calls(&self) -> CallInterest {
        CallInterest::NamedOn(&["all"], &["Repo"])
    }

    fn on_call(&self, call: &Call, cx: &mut FileContext) {
        if call.function != "all"
            || call.form == CallForm::CaptureReference
            || !call.module.as_deref().is_some_and(is_repo)
        {
            return;
        }
        let Some(query) = call.arg(0) else {
            return;
        };
        if let Some(what) = unbounded(query, cx, 0) {
            cx.report(
                "PERF002",
                call.node,
                format!(
                    "`Repo.all` of {what} loads every row; filter it (`where`) or bound it \
                     (`limit`, pagination, `Repo.stream` in a transaction)"
                ),
            );
        }
    }
}

/// What makes `query` provably unbounded: a bare schema (`User`), or a `from`/pipeline over
/// one with no `where`, `limit`, `first` or `last`. `None` when it is bounded or cannot be
/// told (a function's result, a parameter).
fn unbounded(query: Node, cx: &FileContext, steps: usize) -> Option<&'static str> {
    match query.kind() {
        "alias" => Some("a whole schema"),
        "identifier" if steps < MAX_STEPS => unbounded(cx.value_of(cx.text(query))?, cx, steps + 1),
        "binary_operator" if operator(query) == Some("|>") => {
            let step = query.field("right")?;
            if bounds(step, cx.src) {
                return None;
            }
            unbounded(query.field("left")?, cx, steps).map(|_| "a query with no `where` or `limit`")
        }
        "call" => {
            let name = query_function(query, cx.src)?;
            if name == "from" {
                return unbounded_from(query, cx, steps);
            }
            if BOUNDING.contains(&name) {
                return None;
            }
            // `order_by(User, …)`, `select(User, …)`, `join(User, …)`: the first argument
            // is the query they refine.
            let source = *call_args(query).first()?;
            QUERY_FUNCTIONS
                .contains(&name)
                .then(|| unbounded(source, cx, steps))
                .flatten()
                .map(|_| "a query with no `where` or `limit`")
        }
        _ => None,
    }
}

/// `from u in User, select: u` (or `from(User)`): unbounded when no keyword filters or
/// bounds it and its source is unbounded.
fn unbounded_from(from: Node, cx: &FileContext, steps: usize) -> Option<&'static str> {
    let args = call_args(from);
    let bounded = args
        .iter()
        .filter(|a| a.kind() == "keywords")
        .any(|keywords| {
            named_children(*keywords)
                .filter_map(|pair| pair.field("key"))
                .any(|key| BOUNDING.contains(&keyword_key(key, cx.src)))
        });
    if bounded {
        return None;
    }
    let source = match args.first()? {
        binding if operator(*binding) == Some("in") => binding.field("right")?,
        other => *other,
    };
    unbounded(source, cx, steps).map(|_| "a `from` query with no `where` or `limit`")
}

/// Ecto.Query functions that keep a query's rows as they are (or only reorder/reshape them).
const QUERY_FUNCTIONS: &[&str] = &[
    "order_by",
    "select",
    "select_merge",
    "join",
    "preload",
    "distinct",
    "group_by",
    "exclude",
    "subquery",
];

/// The name of an `Ecto.Query` function called locally (imported) or as `Ecto.Query.f`.
fn query_function<'s>(call: Node, src: &'s str) -> Option<&'s str> {
    if let Some(name) = local_call_name(call, src) {
        return Some(name);
    }
    let target = call.field("target")?;
    (target.kind() == "dot"
        && target
            .field("left")
            .is_some_and(|m| text(m, src) == "Ecto.Query"))
    .then(|| target.field("right").map(|f| text(f, src)))
    .flatten()
}

/// Whether a pipeline step filters or bounds the query (`where(…)`, `limit(1)`,
/// `Ecto.Query.first()`).
fn bounds(step: Node, src: &str) -> bool {
    query_function(step, src).is_some_and(|name| BOUNDING.contains(&name))
}

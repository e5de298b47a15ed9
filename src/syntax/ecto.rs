//! Questions about Ecto that several rules ask.

use super::calls::Call;
use super::kinds::Fields;
use super::{call_args, keyword_key, local_call_name, named_children, operator, text};
use crate::syntax::first_call_arg;
use tree_sitter::Node;

/// A module that is a Repo in the contract's sense: `Repo`, or any module whose last part is
/// `Repo` (`MyApp.Repo`, after alias expansion).
pub fn is_repo(module: &str) -> bool {
    module == "Repo" || module.ends_with(".Repo")
}

/// A call that runs raw SQL: `Repo.query/query!/query_many/query_many!/stream` (SQL first)
/// or the same functions on `Ecto.Adapters.SQL` (repo first, then SQL). Returns the index of
/// the SQL argument.
pub fn raw_sql_argument(call: &Call) -> Option<usize> {
    const RAW_SQL: &[&str] = &["query", "query!", "query_many", "query_many!", "stream"];
    if !RAW_SQL.contains(&call.function) {
        return None;
    }
    match call.module.as_deref() {
        Some("Ecto.Adapters.SQL") => Some(1),
        Some(module) if is_repo(module) => Some(0),
        _ => None,
    }
}

/// Resolves a variable to the value it was bound to.
type ValueOf<'a, 't> = dyn Fn(Node<'t>) -> Option<Node<'t>> + 'a;

/// How many variable-to-value steps are followed to the query.
const MAX_STEPS: usize = 4;

/// Query functions and `from` keywords that filter or bound the rows.
const BOUNDING: &[&str] = &["where", "or_where", "limit", "first", "last"];

/// What makes `query` provably unbounded: a bare schema (`User`), or a `from`/pipeline over
/// one with no `where`, `limit`, `first` or `last` and whose every step is an `Ecto.Query`
/// function. `None` when it is bounded or cannot be told (a function's result, a parameter,
/// a step through a project function). `value_of` gives what a variable was bound to
/// (`Semantic::binding`).
pub fn unbounded_query<'t>(
    query: Node<'t>,
    src: &str,
    value_of: &dyn Fn(Node<'t>) -> Option<Node<'t>>,
) -> Option<&'static str> {
    unbounded(query, src, value_of, 0)
}

fn unbounded<'t>(
    query: Node<'t>,
    src: &str,
    value_of: &ValueOf<'_, 't>,
    steps: usize,
) -> Option<&'static str> {
    match query.kind() {
        "alias" => Some("a whole schema"),
        "identifier" if steps < MAX_STEPS => unbounded(value_of(query)?, src, value_of, steps + 1),
        "binary_operator" if operator(query) == Some("|>") => {
            // Every step must be seen to keep the rows: a bounding step, or a call into the
            // project (`Topic.limit(5)`, `releases_where(…)`) whose body is not read here,
            // leaves the shape unknown.
            let step = query.field("right")?;
            if !refines(step, src) {
                return None;
            }
            unbounded(query.field("left")?, src, value_of, steps)
                .map(|_| "a query with no `where` or `limit`")
        }
        "call" => {
            let name = query_function(query, src)?;
            if name == "from" {
                return unbounded_from(query, src, value_of, steps);
            }
            if BOUNDING.contains(&name) {
                return None;
            }
            // `order_by(User, …)`, `select(User, …)`, `join(User, …)`: the first argument
            // is the query they refine.
            let source = first_call_arg(query)?;
            QUERY_FUNCTIONS
                .contains(&name)
                .then(|| unbounded(source, src, value_of, steps))
                .flatten()
                .map(|_| "a query with no `where` or `limit`")
        }
        _ => None,
    }
}

/// `from u in User, select: u` (or `from(User)`): unbounded when no keyword filters or
/// bounds it and its source is unbounded.
fn unbounded_from<'t>(
    from: Node<'t>,
    src: &str,
    value_of: &ValueOf<'_, 't>,
    steps: usize,
) -> Option<&'static str> {
    let args = call_args(from);
    let bounded = args
        .iter()
        .filter(|a| a.kind() == "keywords")
        .any(|keywords| {
            named_children(*keywords)
                .filter_map(|pair| pair.field("key"))
                .any(|key| BOUNDING.contains(&keyword_key(key, src)))
        });
    if bounded {
        return None;
    }
    let source = match args.first()? {
        binding if operator(*binding) == Some("in") => binding.field("right")?,
        other => *other,
    };
    unbounded(source, src, value_of, steps).map(|_| "a `from` query with no `where` or `limit`")
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

/// Whether a pipeline step is an `Ecto.Query` function that keeps the query's rows
/// (`order_by(…)`, `Ecto.Query.preload(…)`). Bounding steps (`where`, `limit`) and calls of
/// other functions (`Topic.newest_first()`, a local `by_ids(ids)`) are not.
fn refines(step: Node, src: &str) -> bool {
    query_function(step, src).is_some_and(|name| QUERY_FUNCTIONS.contains(&name))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `unbounded_query` of the argument of the last `Repo.all` in `src`, following the
    /// matches of the snippet by name.
    fn judge(src: &str) -> Option<&'static str> {
        let tree = crate::syntax::parse::parse(src).unwrap();
        let root = tree.root_node();
        let statements: Vec<Node> = named_children(root).collect();
        let (last, earlier) = statements.split_last().unwrap();
        let bindings: Vec<(String, Node)> = earlier
            .iter()
            .filter(|s| operator(**s) == Some("="))
            .map(|s| {
                (
                    text(s.field("left").unwrap(), src).to_string(),
                    s.field("right").unwrap(),
                )
            })
            .collect();
        let value_of = |variable: Node| {
            bindings
                .iter()
                .rev()
                .find(|(name, _)| name == text(variable, src))
                .map(|(_, value)| *value)
        };
        let query = match operator(*last) {
            Some("|>") => last.field("left").unwrap(),
            _ => *first_call_arg(*last).as_ref().unwrap(),
        };
        unbounded_query(query, src, &value_of)
    }

    #[test]
    fn provably_unbounded_queries() {
        for src in [
            "Repo.all(User)",
            "User |> Repo.all()",
            "Repo.all(from u in User, select: u.email)",
            "Repo.all(from(User))",
            "User |> order_by(:name) |> join(:left, [u], o in assoc(u, :orders)) |> Repo.all()",
            "q = from(u in User, join: o in assoc(u, :orders), on: true)\nRepo.all(q)",
            "Repo.all(Ecto.Query.select(User, [u], u.id))",
            "User |> Ecto.Query.order_by(:name) |> Ecto.Query.preload(:orders) |> Repo.all()",
        ] {
            assert!(judge(src).is_some(), "{src}");
        }
    }

    #[test]
    fn filtered_bounded_or_unknown_queries() {
        for src in [
            "Repo.all(from u in User, where: u.admin)",
            "Repo.all(from u in User, limit: 10)",
            "User |> where(active: true) |> Repo.all()",
            "User |> Ecto.Query.first() |> Repo.all()",
            "User |> order_by(:name) |> limit(5) |> Repo.all()",
            "Repo.all(query)",
            "Repo.all(User.active())",
            "q = from(u in User, where: u.admin)\nRepo.all(q)",
            "Repo.all(from u in subquery_fn(), select: u)",
            // Steps that call the project: their bodies may filter or bound.
            "Topic |> Topic.limit(5) |> Repo.all()",
            "NewsItem |> NewsItem.by_ids(ids) |> NewsItem.preload_all() |> Repo.all()",
            "Sponsor |> Sponsor.newest_first(:updated_at) |> order_by(:name) |> Repo.all()",
            "from(r in Release, select: r.id) |> releases_where(repository, packages) |> Repo.all()",
            "q = from(r in Release, select: r.id) |> releases_where(repository)\nRepo.all(q)",
            "Repo.all(releases_where(from(r in Release), repository))",
            "User |> Ecto.Query.order_by(:name) |> Shop.Scope.visible() |> Repo.all()",
        ] {
            assert_eq!(judge(src), None, "{src}");
        }
    }

    #[test]
    fn repos_by_name() {
        assert!(is_repo("Repo"));
        assert!(is_repo("MyApp.Repo"));
        assert!(!is_repo("MyApp.Repository"));
        assert!(!is_repo("MyApp.RepoBase"));
        assert!(!is_repo("Reporter"));
    }
}

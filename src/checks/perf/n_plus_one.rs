//! PERF001: a query per element of a list — the N+1 — is one round trip to the database for
//! every user, order or row; it is fast in development and takes production down.

use crate::checks::{CallInterest, Check, FileContext};
use crate::syntax::calls::Call;
use crate::syntax::calls::call_head;
use crate::syntax::ecto::is_repo;
use crate::syntax::kinds::Fields;
use crate::syntax::{descendants_outside_fns, local_definitions, text};
use tree_sitter::Node;

pub struct NPlusOne;

/// Repo functions that run a query. The bulk writes (`insert_all`, `update_all`,
/// `delete_all`) are how a loop over chunks batches its work, and `transaction` only wraps.
const QUERYING: &[&str] = &[
    "all",
    "one",
    "one!",
    "get",
    "get!",
    "get_by",
    "get_by!",
    "exists?",
    "aggregate",
    "preload",
    "insert",
    "insert!",
    "update",
    "update!",
    "delete",
    "delete!",
    "insert_or_update",
    "insert_or_update!",
    "reload",
    "reload!",
    "query",
    "query!",
    "stream",
];

impl Check for NPlusOne {
    /// A local function captured as the per-element function (`Enum.map(ids, &load/1)`)
    /// runs its body per element: a query there is the same N+1.
    fn finish(&self, cx: &mut FileContext) {
        // Most files capture local functions and never name a Repo: one search decides.
        let captures = cx.semantic.per_item_local_captures();
        if captures.is_empty() || memchr::memmem::find(cx.src.as_bytes(), b"Repo.").is_none() {
            return;
        }
        let (Some(root), captures) = (cx.root, captures.to_vec()) else {
            return;
        };
        for capture in captures {
            let query = local_definitions(root, &capture.name, capture.arity, cx.src)
                .into_iter()
                .find_map(|def| repo_query_in(def, cx.src));
            if let Some(query) = query {
                cx.report_range(
                    "PERF001",
                    capture.start,
                    capture.end,
                    format!(
                        "`&{}/{}` runs `{query}` once per element (N+1 queries); load them in \
                         one query before the loop (`where: x.id in ^ids`, \
                         `Repo.preload(list, …)`)",
                        capture.name, capture.arity
                    ),
                );
            }
        }
    }

    fn rules(&self) -> &'static [&'static str] {
        &["PERF001"]
    }

    fn calls(&self) -> CallInterest {
        CallInterest::NamedOn(QUERYING, &["Repo"])
    }

    fn on_call(&self, call: &Call, cx: &mut FileContext) {
        let on_repo = call.module.as_deref().is_some_and(is_repo);
        if !on_repo || !QUERYING.contains(&call.function) || !cx.semantic.in_per_item_code() {
            return;
        }
        let module = call.module.as_deref().unwrap_or("Repo");
        cx.report(
            "PERF001",
            call.node,
            format!(
                "`{module}.{}` runs once per element (N+1 queries); load them in one query \
                 before the loop (`where: x.id in ^ids`, `Repo.preload(list, …)`) or batch the \
                 writes (`Repo.insert_all/3`, `Ecto.Multi`)",
                call.function
            ),
        );
    }
}

/// The first querying Repo call (`Repo.get`) in a definition's body, as written.
fn repo_query_in(def: Node, src: &str) -> Option<String> {
    descendants_outside_fns(def).find_map(|node| {
        let head = call_head(node, src).filter(|h| h.remote && QUERYING.contains(&h.name))?;
        let module = text(head.target.field("left")?, src);
        is_repo(module).then(|| format!("{module}.{}", head.name))
    })
}

//! PERF001: a query per element of a list — the N+1 — is one round trip to the database for
//! every user, order or row; it is fast in development and takes production down.

use crate::checks::{CallInterest, Check, FileContext};
use crate::syntax::calls::Call;
use crate::syntax::ecto::is_repo;

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

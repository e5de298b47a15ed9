//! PERF002: `Repo.all` of a whole table loads every row into memory: fine with ten rows in
//! development, an out-of-memory crash when the table has grown.

use crate::checks::{CallInterest, Check, FileContext};
use crate::syntax::calls::{Call, CallForm};
use crate::syntax::ecto::{is_repo, unbounded_query};
use tree_sitter::Node;

pub struct UnboundedRepoAll;

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
        let value_of = |variable: Node| cx.value_of(cx.text(variable));
        if let Some(what) = unbounded_query(query, cx.src, &value_of) {
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

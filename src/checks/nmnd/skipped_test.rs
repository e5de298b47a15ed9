//! NMND004: a skipped test is a test that no longer protects anything; without a reason
//! nobody knows when it may come back.

use crate::checks::{Check, FileContext};
use crate::syntax::{keyword_value, module_attribute, named_children, text};
use tree_sitter::Node;

pub struct SkippedTest;

impl Check for SkippedTest {
    fn rules(&self) -> &'static [&'static str] {
        &["NMND004"]
    }

    fn node_kinds(&self) -> &'static [&'static str] {
        &["unary_operator"]
    }

    fn on_node(&self, node: Node, cx: &mut FileContext) {
        let Some((attribute @ ("tag" | "moduletag" | "describetag"), Some(value))) =
            module_attribute(node, cx.src)
        else {
            return;
        };
        if let Some(how) = skips_without_reason(value, cx.src) {
            cx.report(
                "NMND004",
                node,
                format!(
                    "`@{attribute} {how}` skips tests without saying why; write \
                     `@{attribute} skip: \"reason, issue link\"` or fix the test"
                ),
            );
        }
    }
}

/// `:skip`, `:pending`, `skip: true`, `pending: true` (also in a list of tags). A reason
/// string (`skip: "flaky on CI, #123"`) is what makes a skip acceptable; a condition
/// (`skip: @adapter == :sqlite`) says when, which is its reason.
fn skips_without_reason<'s>(value: Node, src: &'s str) -> Option<&'s str> {
    match value.kind() {
        "atom" => matches!(text(value, src), ":skip" | ":pending").then(|| text(value, src)),
        "keywords" => ["skip", "pending"].iter().find_map(|key| {
            let flag = keyword_value(Some(value), key, src)?;
            (text(flag, src) == "true").then(|| text(value, src))
        }),
        "list" => named_children(value).find_map(|tag| skips_without_reason(tag, src)),
        _ => None,
    }
}

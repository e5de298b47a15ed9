//! EXEC004: `raw/1` switches off Phoenix's HTML escaping; with a value that is not a literal,
//! whoever shapes the value writes script into the page.

use super::dynamic_argument;
use crate::checks::{CallInterest, Check, FileContext};
use crate::syntax::calls::Call;

pub struct RawHtml;

impl Check for RawHtml {
    fn rules(&self) -> &'static [&'static str] {
        &["EXEC004"]
    }

    fn calls(&self) -> CallInterest {
        CallInterest::Named(&["raw"])
    }

    fn on_call(&self, call: &Call, cx: &mut FileContext) {
        // `raw/1` reaches views through `use Phoenix.HTML` / `use MyAppWeb, :html`, which the
        // walk cannot see into, so an unqualified `raw/1` is taken to be Phoenix's.
        let phoenix_raw = call.function == "raw"
            && call.arity == 1
            && match call.module.as_deref() {
                Some(module) => module == "Phoenix.HTML",
                None => true,
            };
        if !phoenix_raw {
            return;
        }
        if let Some(arg) = dynamic_argument(call, 0, cx) {
            cx.report(
                "EXEC004",
                arg,
                "`raw/1` on a value that is not a literal disables HTML escaping; render it \
                 escaped, or sanitise it (`HtmlSanitizeEx`) before marking it safe",
            );
        }
    }
}

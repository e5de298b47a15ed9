//! The fuzz targets' properties (fuzz/fuzz_targets/), bounded so they run in CI: analysis of
//! arbitrary and mutated input never panics and keeps every span inside its file, and
//! `.doctrine.toml` parsing of arbitrary text never panics.

use doctrine::finding::DiagnosticKind;
use proptest::prelude::*;

const SEEDS: &[&str] = &[
    "defmodule Shop.Cart do\n  @moduledoc \"Carts.\"\n  def add(c, i), do: String.to_atom(i)\nend\n",
    "defmodule W do\n  def run(f) do\n    f.()\n  rescue\n    e -> reraise e, __STACKTRACE__\n  catch\n    k, r -> {k, r}\n  end\nend\n",
    "defprotocol P do\n  @doc \"x\"\n  def size(t)\nend\ndefimpl P, for: Map do\n  def size(m), do: map_size(m)\nend\n",
    "# doctrine:disable-next-line ZERO001\nx = :\"a#{y}\"\n",
    "defmodule L do\n  use Phoenix.LiveView\n  def mount(_, _, s), do: {:ok, s}\n  if true do\n    def f, do: 1\n  end\nend\n",
];

const PATHS: &[&str] = &[
    "lib/shop/x.ex",
    "test/x_test.exs",
    "config/runtime.exs",
    "mix.exs",
    "lib/mix/tasks/x.ex",
];

fn check(path: &str, text: &str) -> Result<(), TestCaseError> {
    let report = doctrine::lint_str(path, text);
    for f in &report.findings {
        let span = f.span;
        prop_assert!(span.start_byte <= span.end_byte && span.end_byte <= text.len());
        prop_assert!(
            text.is_char_boundary(span.start_byte) && text.is_char_boundary(span.end_byte)
        );
        prop_assert!(span.start_line >= 1 && span.start_column >= 1);
    }
    prop_assert!(
        !report
            .diagnostics
            .iter()
            .any(|d| d.kind == DiagnosticKind::InternalError),
        "{:?}",
        report.diagnostics
    );
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn arbitrary_text_is_analysed_without_panics(
        text in "\\PC{0,300}",
        path in proptest::sample::select(PATHS),
    ) {
        check(path, &text)?;
    }

    #[test]
    fn mutated_elixir_is_analysed_without_panics(
        seed in proptest::sample::select(SEEDS),
        cut in 0usize..400,
        insert in "[\\r\\n(){}\\[\\]\"#:@%<>|&=~ a-z]{0,8}",
        path in proptest::sample::select(PATHS),
    ) {
        let mut text = seed.to_string();
        let at = (0..=cut.min(text.len())).rev().find(|&i| text.is_char_boundary(i)).unwrap_or(0);
        text.insert_str(at, &insert);
        check(path, &text)?;
        check(path, &text.replace('\n', "\r"))?;
        check(path, &text[..at])?;
    }

    #[test]
    fn arbitrary_configuration_text_never_panics(text in "\\PC{0,200}") {
        let registry = doctrine::registry::Registry::builtin();
        if let Err(errors) = doctrine::config::Config::parse(&text, ".doctrine.toml", &registry) {
            prop_assert!(!errors.is_empty());
        }
    }

    #[test]
    fn configuration_shaped_text_never_panics(
        section in proptest::sample::select(&["pillars", "rules", "files", "output", "rules.ZERO001", "x"][..]),
        key in "[a-zA-Z_0-9]{0,12}",
        value in prop_oneof![
            Just("\"off\"".to_string()),
            Just("[\"lib\", 1]".to_string()),
            Just("{ roles = [\"x\"] }".to_string()),
            "-?[0-9]{1,20}".prop_map(|s| s),
            "\"[^\"]{0,10}\"".prop_map(|s| s),
        ],
    ) {
        let text = format!("[{section}]\n{key} = {value}\n");
        let registry = doctrine::registry::Registry::builtin();
        let _ = doctrine::config::Config::parse(&text, ".doctrine.toml", &registry);
    }
}

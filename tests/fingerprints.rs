//! Fingerprints identify a finding across edits: baselines and SARIF `partialFingerprints`
//! depend on them surviving changes elsewhere in the file and changing with the finding.

fn fingerprints(src: &str) -> Vec<(String, u32, String)> {
    doctrine::lint_str("lib/shop/x.ex", src)
        .findings
        .into_iter()
        .filter(|f| f.rule.starts_with("ZERO"))
        .map(|f| (f.rule, f.span.start_line, f.fingerprint))
        .collect()
}

const BEFORE: &str = r#"defmodule Shop.X do
  @moduledoc false
  def a(x), do: String.to_atom(x)
  def b(x), do: String.to_atom(x)
end
"#;

#[test]
fn unrelated_lines_above_do_not_change_fingerprints() {
    let moved = BEFORE.replace(
        "  @moduledoc false\n",
        "  @moduledoc false\n\n  @limit 10\n  # a comment\n",
    );
    let before = fingerprints(BEFORE);
    let after = fingerprints(&moved);
    assert_eq!(before.len(), 2);
    assert_eq!(after.len(), 2);
    for ((_, line_before, fp_before), (_, line_after, fp_after)) in before.iter().zip(&after) {
        assert_eq!(line_after - line_before, 3, "the findings moved down");
        assert_eq!(fp_before, fp_after, "but kept their fingerprints");
    }
}

#[test]
fn reindenting_keeps_and_editing_the_line_changes_the_fingerprint() {
    let before = fingerprints(BEFORE);
    let reindented = fingerprints(&BEFORE.replace("  def a(x), do:", "      def a(x),   do:"));
    assert_eq!(before[0].2, reindented[0].2);
    let edited = fingerprints(&BEFORE.replace(
        "def a(x), do: String.to_atom(x)",
        "def a(y), do: String.to_atom(y)",
    ));
    assert_ne!(before[0].2, edited[0].2);
    assert_eq!(before[1].2, edited[1].2, "the other finding is untouched");
}

#[test]
fn identical_findings_are_told_apart_and_stay_distinct() {
    let twice = "defmodule Shop.X do\n  @moduledoc false\n  def a(x), do: {String.to_atom(x), String.to_atom(x)}\nend\n";
    let found = fingerprints(twice);
    assert_eq!(found.len(), 2);
    assert_ne!(found[0].2, found[1].2);
    // The same two lines in another module are other findings.
    let other = fingerprints(&twice.replace("Shop.X", "Shop.Y"));
    assert_ne!(found[0].2, other[0].2);
}

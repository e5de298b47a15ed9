//! Telemetry facts for OTEL001: which modules emit telemetry, and which GenServers should.
//! Read from the tree the scan parsed, only in files that mention telemetry at all.

use super::kinds::{Fields, Kind, kind};
use super::{alias_text, call_args, local_call_name, text};
use crate::finding::Span;
use serde::{Deserialize, Serialize};
use tree_sitter::Node;

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct TelemetryFacts {
    /// GenServers that handle messages (`handle_call`/`cast`/`info`).
    pub servers: Vec<Server>,
    /// Modules that emit telemetry themselves.
    pub emitters: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Server {
    pub module: String,
    pub path: String,
    /// The module's name in its `defmodule` line.
    pub span: Span,
}

/// Calls that emit telemetry, as written.
const EMITTING: &[&str] = &[
    ":telemetry.execute",
    ":telemetry.span",
    "Tracer.with_span",
    "Tracer.start_span",
    "OpenTelemetry.Tracer.with_span",
    "OpenTelemetry.Tracer.start_span",
    ":otel_tracer.with_span",
    ":otel_tracer.start_span",
];

/// How deep the search for emitting calls descends.
const MAX_DEPTH: usize = 256;

/// The modules of a file that emit telemetry (`:telemetry.execute`, `Tracer.with_span`, …),
/// by full name. Only files that mention `telemetry` or `Tracer` are searched.
pub fn emitting_modules(root: Node, src: &str) -> Vec<String> {
    let mentions = |word: &[u8]| memchr::memmem::find(src.as_bytes(), word).is_some();
    if !mentions(b"telemetry") && !mentions(b"Tracer") {
        return Vec::new();
    }
    let mut emitters = Vec::new();
    let mut pending: Vec<(Node, Option<String>, usize)> = vec![(root, None, 0)];
    while let Some((node, module, depth)) = pending.pop() {
        if depth > MAX_DEPTH {
            continue;
        }
        let mut module = module;
        if kind(node) == Kind::Call {
            if local_call_name(node, src) == Some("defmodule") {
                if let Some(name) = call_args(node).first().filter(|n| n.kind() == "alias") {
                    let written = alias_text(*name, src);
                    module = Some(match &module {
                        Some(parent) => format!("{parent}.{written}"),
                        None => written,
                    });
                }
            } else if let (Some(current), Some(target)) = (&module, node.field("target"))
                && EMITTING.contains(&text(target, src))
                && !emitters.contains(current)
            {
                emitters.push(current.clone());
            }
        }
        let mut cursor = node.walk();
        for child in node.named_children(&mut cursor) {
            pending.push((child, module.clone(), depth + 1));
        }
    }
    emitters.sort();
    emitters
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn modules_that_emit_by_full_name() {
        let src = r#"
defmodule Shop.Metrics do
  def checkout(ms), do: :telemetry.execute([:shop, :checkout], %{duration: ms})
  defmodule Traced do
    require OpenTelemetry.Tracer, as: Tracer
    def run(f), do: Tracer.with_span("run", do: f.())
  end
end
defmodule Shop.Quiet do
  def telemetry_name, do: "shop"
end
"#;
        let tree = crate::syntax::parse::parse(src).unwrap();
        assert_eq!(
            emitting_modules(tree.root_node(), src),
            ["Shop.Metrics", "Shop.Metrics.Traced"]
        );
    }
}

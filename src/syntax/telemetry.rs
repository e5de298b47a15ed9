//! Telemetry facts for OTEL001: which modules emit telemetry, and which GenServers should.
//! Both come from the scan's walk: the calls it already reads, the modules it outlines.

use super::calls::CallHead;
use super::kinds::Fields;
use super::text;
use crate::finding::Span;
use serde::{Deserialize, Serialize};

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

/// Calls that emit telemetry: (function, module as written).
const EMITTING: &[(&str, &str)] = &[
    ("execute", ":telemetry"),
    ("span", ":telemetry"),
    ("with_span", "Tracer"),
    ("start_span", "Tracer"),
    ("with_span", ":otel_tracer"),
    ("start_span", ":otel_tracer"),
];

/// Whether the call whose head this is emits telemetry: `:telemetry.execute/span`,
/// OpenTelemetry's `Tracer.with_span/start_span` (`OpenTelemetry.Tracer` or an alias ending
/// in `Tracer`), `:otel_tracer.*`. The walk asks this of every remote call, so the name is
/// compared first.
pub fn emits(head: &CallHead, src: &str) -> bool {
    head.remote
        && EMITTING.iter().any(|(function, _)| *function == head.name)
        && head.target.field("left").is_some_and(|module| {
            let module = text(module, src);
            EMITTING
                .iter()
                .any(|(function, m)| *function == head.name && module.ends_with(m))
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::syntax::calls::call_head;

    #[test]
    fn telemetry_calls_by_function_and_module() {
        let src = ":telemetry.execute([:a], %{})\n:telemetry.span([:a], %{}, f)\nOpenTelemetry.Tracer.with_span(\"x\", do: 1)\nTracer.start_span(\"x\")\nMyApp.execute(x)\nTracer.current_span_ctx()\nexecute(sql)\n";
        let tree = crate::syntax::parse::parse(src).unwrap();
        let root = tree.root_node();
        let emitting: Vec<bool> = (0..root.named_child_count() as u32)
            .filter_map(|i| root.named_child(i))
            .map(|call| emits(&call_head(call, src).unwrap(), src))
            .collect();
        assert_eq!(emitting, [true, true, true, true, false, false, false]);
    }
}

//! OTEL — telemetry. A service nobody can see is debugged in production by guesswork: the
//! GenServers that do the work and the controllers that serve requests emit telemetry.

use super::{ProjectCheck, ProjectContext};
use crate::project::ProjectModel;
use crate::syntax::telemetry::{Server, TelemetryFacts};
use crate::syntax::web::{Plug, WebFacts};
use std::collections::HashSet;

pub struct Telemetry;

impl ProjectCheck for Telemetry {
    fn rules(&self) -> &'static [&'static str] {
        &["OTEL001", "OTEL002"]
    }

    fn check(&self, _project: &ProjectModel, cx: &mut ProjectContext) {
        let facts = cx.facts;
        let emitters = Emitters::of(&facts.telemetry);
        silent_servers(&facts.telemetry, &emitters, cx);
        uninstrumented_web(&facts.web, &emitters, cx);
    }
}

/// OTEL001: a GenServer that neither emits telemetry nor calls a project module that does.
/// "Calls" is read from its source: the emitting module's full name, or its last segment
/// (an alias) followed by `.`.
fn silent_servers(telemetry: &TelemetryFacts, emitters: &Emitters, cx: &mut ProjectContext) {
    for server in &telemetry.servers {
        if emitters.full.contains(server.module.as_str()) || calls_an_emitter(server, emitters, cx)
        {
            continue;
        }
        cx.report_at(
            "OTEL001",
            &server.path,
            server.span,
            format!(
                "GenServer `{}` handles messages but emits no telemetry; wrap the work in \
                 `:telemetry.span/3` (or emit `:telemetry.execute/3` events) so its latency and \
                 failures can be seen",
                server.module
            ),
        );
    }
}

/// The modules that emit telemetry, by full name and by last segment, looked up once per
/// module name a server's source mentions (not once per emitter: that grows with the
/// square of the project).
struct Emitters<'f> {
    full: HashSet<&'f str>,
    short: HashSet<&'f str>,
}

impl<'f> Emitters<'f> {
    fn of(telemetry: &'f TelemetryFacts) -> Self {
        let full: HashSet<&str> = telemetry.emitters.iter().map(String::as_str).collect();
        let short = full
            .iter()
            .map(|name| name.rsplit('.').next().unwrap_or(name))
            .collect();
        Emitters { full, short }
    }

    /// Whether `text` names an emitter followed by `.`: for each `.`, the dotted name
    /// before it, whole or from one of its segments on.
    fn named_in(&self, text: &str) -> bool {
        let bytes = text.as_bytes();
        let is_name = |b: u8| b.is_ascii_alphanumeric() || b == b'_' || b == b'.';
        memchr::memchr_iter(b'.', bytes).any(|dot| {
            let start = bytes[..dot]
                .iter()
                .rposition(|&b| !is_name(b))
                .map_or(0, |i| i + 1);
            let name = &text[start..dot];
            let last = name.rsplit('.').next().unwrap_or(name);
            !name.is_empty()
                && (self.short.contains(last)
                    || std::iter::once(0)
                        .chain(memchr::memchr_iter(b'.', name.as_bytes()).map(|i| i + 1))
                        .any(|from| self.full.contains(&name[from..])))
        })
    }
}

fn calls_an_emitter(server: &Server, emitters: &Emitters, cx: &ProjectContext) -> bool {
    !emitters.full.is_empty()
        && cx
            .read(&server.path)
            .is_some_and(|text| emitters.named_in(&text))
}

/// OTEL002: the endpoint without `Plug.Telemetry`, or — when there is no endpoint — each
/// controller that neither plugs it nor emits telemetry itself.
fn uninstrumented_web(web: &WebFacts, emitters: &Emitters, cx: &mut ProjectContext) {
    if !web.endpoints.is_empty() {
        for endpoint in &web.endpoints {
            if !endpoint.plugs.iter().any(is_telemetry) {
                cx.report_at(
                    "OTEL002",
                    &endpoint.path,
                    endpoint.span,
                    format!(
                        "`{}` does not plug `Plug.Telemetry`: no request emits timing events; add \
                         `plug Plug.Telemetry, event_prefix: [:phoenix, :endpoint]`",
                        endpoint.module
                    ),
                );
            }
        }
        return;
    }
    for controller in &web.controllers {
        let emits = emitters.full.contains(controller.module.as_str());
        if !emits && !controller.plugs.iter().any(|p| is_telemetry(&p.plug)) {
            cx.report_at(
                "OTEL002",
                &controller.path,
                controller.span,
                format!(
                    "`{}` serves requests with no telemetry (the project has no endpoint with \
                     `Plug.Telemetry`); emit `:telemetry` events from the controller or add an \
                     instrumented endpoint",
                    controller.module
                ),
            );
        }
    }
}

fn is_telemetry(plug: &Plug) -> bool {
    plug.name == "Plug.Telemetry"
}

#[cfg(test)]
mod emitter_tests {
    use super::*;

    fn emitters(names: &[&str]) -> TelemetryFacts {
        TelemetryFacts {
            emitters: names.iter().map(|n| n.to_string()).collect(),
            ..TelemetryFacts::default()
        }
    }

    #[test]
    fn a_call_names_an_emitter_by_full_name_or_alias() {
        let facts = emitters(&["Shop.Metrics", "Shop.Billing.Events"]);
        let found = Emitters::of(&facts);
        assert!(found.named_in("def f, do: Shop.Metrics.count(1)"));
        assert!(found.named_in("alias Shop.Metrics\ndef f, do: Metrics.count(1)"));
        assert!(found.named_in("Events.paid(order)"));
        assert!(found.named_in("x = Shop.Billing.Events.paid(order)"));
        // Named without a call, or only a longer name's first segments.
        assert!(!found.named_in("alias Shop.Metrics\n"));
        assert!(!found.named_in("Shop.Billing.charge(order)"));
        assert!(!found.named_in("MetricsStore.put(1)"));
        assert!(!found.named_in(""));
    }
}

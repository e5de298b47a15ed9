//! OTEL — telemetry. A service nobody can see is debugged in production by guesswork: the
//! GenServers that do the work and the controllers that serve requests emit telemetry.

use super::{ProjectCheck, ProjectContext};
use crate::project::ProjectModel;
use crate::syntax::telemetry::{Server, TelemetryFacts};
use crate::syntax::web::{Plug, WebFacts};

pub struct Telemetry;

impl ProjectCheck for Telemetry {
    fn rules(&self) -> &'static [&'static str] {
        &["OTEL001", "OTEL002"]
    }

    fn check(&self, _project: &ProjectModel, cx: &mut ProjectContext) {
        let facts = cx.facts;
        silent_servers(&facts.telemetry, cx);
        uninstrumented_web(&facts.web, &facts.telemetry, cx);
    }
}

/// OTEL001: a GenServer that neither emits telemetry nor calls a project module that does.
/// "Calls" is read from its source: the emitting module's full name, or its last segment
/// (an alias) followed by `.`.
fn silent_servers(telemetry: &TelemetryFacts, cx: &mut ProjectContext) {
    for server in &telemetry.servers {
        if telemetry.emitters.contains(&server.module) || calls_an_emitter(server, telemetry, cx) {
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

fn calls_an_emitter(server: &Server, telemetry: &TelemetryFacts, cx: &ProjectContext) -> bool {
    let Some(text) = cx.read(&server.path) else {
        return false;
    };
    telemetry.emitters.iter().any(|emitter| {
        let short = emitter.rsplit('.').next().unwrap_or(emitter);
        text.contains(&format!("{emitter}.")) || text.contains(&format!("{short}."))
    })
}

/// OTEL002: the endpoint without `Plug.Telemetry`, or — when there is no endpoint — each
/// controller that neither plugs it nor emits telemetry itself.
fn uninstrumented_web(web: &WebFacts, telemetry: &TelemetryFacts, cx: &mut ProjectContext) {
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
        let emits = telemetry.emitters.contains(&controller.module);
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

//! OTEL001–002 on whole projects: GenServers and the telemetry of the modules they call
//! (a cross-file fact), endpoints and controllers. See PILLARS.md § OTEL.

mod common;

use common::dedent;
use common::run::{doctrine, located_findings, write, write_mix_project};

fn otel(files: &[(&str, &str)]) -> Vec<(String, String, u64)> {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    write_mix_project(root, "", "Shop");
    for (path, src) in files {
        write(root, path, dedent(src));
    }
    let run = doctrine(root, &["check", "--select", "OTEL", "--format", "json"]);
    run.assert_no_crash();
    assert_eq!(run.code, 0, "OTEL is advisory: {}", run.stdout);
    located_findings(&run.json())
}

const SILENT_SERVER: &str = r#"
    defmodule Shop.StockCache do
      use GenServer
      def init(state), do: {:ok, state}
      def handle_call(:get, _from, state), do: {:reply, state, state}
    end
"#;

#[test]
fn a_genserver_without_telemetry_is_reported_on_its_name() {
    assert_eq!(
        otel(&[("lib/shop/stock_cache.ex", SILENT_SERVER)]),
        [(
            "OTEL001".to_string(),
            "lib/shop/stock_cache.ex".to_string(),
            1
        )]
    );
}

#[test]
fn telemetry_in_the_server_or_in_a_project_module_it_calls_counts() {
    let found = otel(&[
        (
            "lib/shop/metrics.ex",
            r#"
            defmodule Shop.Metrics do
              def stock(ms), do: :telemetry.execute([:shop, :stock], %{duration: ms})
            end
            "#,
        ),
        (
            "lib/shop/stock_cache.ex",
            r#"
            defmodule Shop.StockCache do
              use GenServer
              alias Shop.Metrics
              def init(state), do: {:ok, state}
              def handle_info(:tick, state) do
                Metrics.stock(1)
                {:noreply, state}
              end
            end
            "#,
        ),
        (
            "lib/shop/traced.ex",
            r#"
            defmodule Shop.Traced do
              use GenServer
              require OpenTelemetry.Tracer, as: Tracer
              def init(state), do: {:ok, state}
              def handle_cast(:run, state), do: Tracer.with_span("run", do: {:noreply, state})
            end
            "#,
        ),
        (
            "lib/shop/agent_like.ex",
            r#"
            defmodule Shop.Plain do
              use GenServer
              def init(state), do: {:ok, state}
            end
            "#,
        ),
        ("test/support/fake_server.ex", SILENT_SERVER),
    ]);
    assert_eq!(found, Vec::<(String, String, u64)>::new());
}

#[test]
fn an_endpoint_without_plug_telemetry() {
    let found = otel(&[(
        "lib/shop_web/endpoint.ex",
        r#"
        defmodule ShopWeb.Endpoint do
          use Phoenix.Endpoint, otp_app: :shop
          plug Plug.RequestId
          plug ShopWeb.Router
        end
        "#,
    )]);
    assert_eq!(
        found,
        [(
            "OTEL002".to_string(),
            "lib/shop_web/endpoint.ex".to_string(),
            2
        )]
    );
    let instrumented = otel(&[
        (
            "lib/shop_web/endpoint.ex",
            r#"
            defmodule ShopWeb.Endpoint do
              use Phoenix.Endpoint, otp_app: :shop
              plug Plug.Telemetry, event_prefix: [:phoenix, :endpoint]
              plug ShopWeb.Router
            end
            "#,
        ),
        (
            "lib/shop_web/controllers/page_controller.ex",
            r#"
            defmodule ShopWeb.PageController do
              use ShopWeb, :controller
              def index(conn, _params), do: text(conn, "ok")
            end
            "#,
        ),
    ]);
    assert_eq!(instrumented, Vec::<(String, String, u64)>::new());
}

#[test]
fn without_an_endpoint_each_silent_controller_is_reported() {
    let found = otel(&[
        (
            "lib/shop_web/controllers/page_controller.ex",
            r#"
            defmodule ShopWeb.PageController do
              use ShopWeb, :controller
              def index(conn, _params), do: text(conn, "ok")
            end
            "#,
        ),
        (
            "lib/shop_web/controllers/api_controller.ex",
            r#"
            defmodule ShopWeb.ApiController do
              use ShopWeb, :controller
              def index(conn, _params) do
                :telemetry.execute([:shop, :api], %{count: 1})
                json(conn, %{})
              end
            end
            "#,
        ),
    ]);
    assert_eq!(
        found,
        [(
            "OTEL002".to_string(),
            "lib/shop_web/controllers/page_controller.ex".to_string(),
            2
        )]
    );
}

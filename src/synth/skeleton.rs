//! The fixed Elixir files of `lib/` and `test/`: the application, repo, web skeleton and
//! test support every project has.

/// Written after `CONFIG` and before `OTHERS`, in this order.
pub(super) const SKELETON: &[(&str, &str)] = &[
    (
        "lib/shop.ex",
        r##"defmodule Shop do
  @moduledoc """
  The shop's domain: its contexts own the data and the rules, and the web layer
  (`ShopWeb`) only translates HTTP into calls to them.
  """
end
"##,
    ),
    (
        "lib/shop/application.ex",
        r##"defmodule Shop.Application do
  @moduledoc false
  use Application

  @impl true
  def start(_type, _args) do
    children = [
      ShopWeb.Telemetry,
      Shop.Repo,
      {Phoenix.PubSub, name: Shop.PubSub},
      {Oban, Application.fetch_env!(:shop, Oban)},
«servers»      ShopWeb.Endpoint
    ]

    Supervisor.start_link(children, strategy: :one_for_one, name: Shop.Supervisor)
  end

  @impl true
  def config_change(changed, _new, removed) do
    ShopWeb.Endpoint.config_change(changed, removed)
    :ok
  end
end
"##,
    ),
    (
        "lib/shop/repo.ex",
        r##"defmodule Shop.Repo do
  use Ecto.Repo,
    otp_app: :shop,
    adapter: Ecto.Adapters.Postgres
end
"##,
    ),
    (
        "lib/shop/release.ex",
        r##"defmodule Shop.Release do
  @moduledoc """
  Migration tasks for a release, where Mix is not available:
  `bin/shop eval "Shop.Release.migrate()"`.
  """
  @app :shop

  @doc """
  Runs every pending migration of every repo.
  """
  @spec migrate() :: :ok
  def migrate do
    load_app()

    for repo <- repos() do
      {:ok, _, _} = Ecto.Migrator.with_repo(repo, &Ecto.Migrator.run(&1, :up, all: true))
    end

    :ok
  end

  @doc """
  Rolls `repo` back to `version`.
  """
  @spec rollback(module(), integer()) :: :ok
  def rollback(repo, version) do
    load_app()
    {:ok, _, _} = Ecto.Migrator.with_repo(repo, &Ecto.Migrator.run(&1, :down, to: version))
    :ok
  end

  defp repos, do: Application.fetch_env!(@app, :ecto_repos)

  defp load_app, do: Application.ensure_loaded(@app)
end
"##,
    ),
    (
        "lib/shop_web.ex",
        r##"defmodule ShopWeb do
  @moduledoc """
  The entry point for defining the web interface: `use ShopWeb, :controller` and
  `use ShopWeb, :router` pull in what each kind of module needs.
  """

  def static_paths, do: ~w(assets fonts images favicon.ico robots.txt)

  def router do
    quote do
      use Phoenix.Router, helpers: false

      import Plug.Conn
      import Phoenix.Controller
      import Phoenix.LiveView.Router
    end
  end

  def controller do
    quote do
      use Phoenix.Controller, formats: [:html, :json]

      use Gettext, backend: ShopWeb.Gettext
      import Plug.Conn

      unquote(verified_routes())
    end
  end

  def verified_routes do
    quote do
      use Phoenix.VerifiedRoutes,
        endpoint: ShopWeb.Endpoint,
        router: ShopWeb.Router,
        statics: ShopWeb.static_paths()
    end
  end

  defmacro __using__(which) when is_atom(which) do
    apply(__MODULE__, which, [])
  end
end
"##,
    ),
    (
        "lib/shop_web/endpoint.ex",
        r##"defmodule ShopWeb.Endpoint do
  use Phoenix.Endpoint, otp_app: :shop

  @session_options [
    store: :cookie,
    key: "_shop_key",
    signing_salt: "Zk3Rw9pQ",
    same_site: "Lax"
  ]

  socket "/live", Phoenix.LiveView.Socket,
    websocket: [connect_info: [session: @session_options]],
    longpoll: [connect_info: [session: @session_options]]

  plug Plug.Static, at: "/", from: :shop, gzip: false, only: ShopWeb.static_paths()

  if code_reloading? do
    plug Phoenix.CodeReloader
    plug Phoenix.Ecto.CheckRepoStatus, otp_app: :shop
  end

  plug Phoenix.LiveDashboard.RequestLogger, param_key: "request_logger", cookie_key: "request_logger"
  plug Plug.RequestId
  plug Plug.Telemetry, event_prefix: [:phoenix, :endpoint]

  plug Plug.Parsers,
    parsers: [:urlencoded, :multipart, :json],
    pass: ["*/*"],
    json_decoder: Phoenix.json_library()

  plug Plug.MethodOverride
  plug Plug.Head
  plug Plug.Session, @session_options
  plug ShopWeb.Router
end
"##,
    ),
    (
        "lib/shop_web/router.ex",
        r##"defmodule ShopWeb.Router do
  use ShopWeb, :router

  pipeline :browser do
    plug :accepts, ["html"]
    plug :fetch_session
    plug :fetch_live_flash
    plug :protect_from_forgery
    plug :put_secure_browser_headers, %{"content-security-policy" => "default-src 'self'"}
  end

  pipeline :api do
    plug :accepts, ["json"]
  end

  scope "/", ShopWeb do
    get "/health", HealthController, :show
  end

  scope "/api", ShopWeb do
    pipe_through :api
«routes»  end

  if Application.compile_env(:shop, :dev_routes) do
    import Phoenix.LiveDashboard.Router

    scope "/dev" do
      pipe_through :browser

      live_dashboard "/dashboard", metrics: ShopWeb.Telemetry
    end
  end
end
"##,
    ),
    (
        "lib/shop_web/telemetry.ex",
        r##"defmodule ShopWeb.Telemetry do
  use Supervisor
  import Telemetry.Metrics

  def start_link(arg) do
    Supervisor.start_link(__MODULE__, arg, name: __MODULE__)
  end

  @impl true
  def init(_arg) do
    children = [
      {:telemetry_poller, measurements: periodic_measurements(), period: 10_000}
    ]

    Supervisor.init(children, strategy: :one_for_one)
  end

  def metrics do
    [
      summary("phoenix.endpoint.stop.duration", unit: {:native, :millisecond}),
      summary("phoenix.router_dispatch.stop.duration", tags: [:route], unit: {:native, :millisecond}),
      summary("shop.repo.query.total_time", unit: {:native, :millisecond}),
      summary("shop.repo.query.queue_time", unit: {:native, :millisecond}),
      counter("oban.job.stop.duration", tags: [:worker, :queue]),
      counter("oban.job.exception.duration", tags: [:worker, :queue]),
      last_value("vm.memory.total", unit: {:byte, :kilobyte}),
      summary("vm.total_run_queue_lengths.total")
    ]
  end

  defp periodic_measurements, do: []
end
"##,
    ),
    (
        "lib/shop_web/gettext.ex",
        r##"defmodule ShopWeb.Gettext do
  use Gettext.Backend, otp_app: :shop
end
"##,
    ),
    (
        "lib/shop_web/controllers/fallback_controller.ex",
        r##"defmodule ShopWeb.FallbackController do
  use ShopWeb, :controller

  def call(conn, {:error, %Ecto.Changeset{} = changeset}) do
    conn
    |> put_status(:unprocessable_entity)
    |> put_view(json: ShopWeb.ChangesetJSON)
    |> render(:error, changeset: changeset)
  end

  def call(conn, {:error, reason}) when reason in [:not_found, :forbidden] do
    conn
    |> put_status(reason)
    |> put_view(json: ShopWeb.ErrorJSON)
    |> render(reason)
  end
end
"##,
    ),
    (
        "lib/shop_web/controllers/changeset_json.ex",
        r##"defmodule ShopWeb.ChangesetJSON do
  @doc """
  Renders the errors of a changeset.
  """
  def error(%{changeset: changeset}) do
    %{errors: Ecto.Changeset.traverse_errors(changeset, &translate_error/1)}
  end

  defp translate_error({msg, opts}) do
    Regex.replace(~r"%{(\w+)}", msg, fn _, key ->
      opts |> Keyword.get(String.to_existing_atom(key), key) |> to_string()
    end)
  end
end
"##,
    ),
    (
        "lib/shop_web/controllers/error_json.ex",
        r##"defmodule ShopWeb.ErrorJSON do
  @doc """
  Renders `{"errors": {"detail": "Not Found"}}` and the like for any status.
  """
  def render(template, _assigns) do
    %{errors: %{detail: Phoenix.Controller.status_message_from_template(template)}}
  end
end
"##,
    ),
    (
        "lib/shop_web/controllers/health_controller.ex",
        r##"defmodule ShopWeb.HealthController do
  use ShopWeb, :controller

  def show(conn, _params) do
    case Ecto.Adapters.SQL.query(Shop.Repo, "SELECT 1", []) do
      {:ok, _} -> json(conn, %{status: "ok"})
      {:error, _} -> conn |> put_status(:service_unavailable) |> json(%{status: "degraded"})
    end
  end
end
"##,
    ),
    (
        "test/test_helper.exs",
        "ExUnit.start()\nEcto.Adapters.SQL.Sandbox.mode(Shop.Repo, :manual)\n",
    ),
    (
        "test/support/data_case.ex",
        r##"defmodule Shop.DataCase do
  @moduledoc """
  The case for tests that touch the database: each runs inside a sandboxed transaction
  that is rolled back at the end.
  """
  use ExUnit.CaseTemplate

  using do
    quote do
      alias Shop.Fixtures
      alias Shop.Repo

      import Ecto
      import Ecto.Changeset
      import Ecto.Query
      import Shop.DataCase
    end
  end

  setup tags do
    Shop.DataCase.setup_sandbox(tags)
    :ok
  end

  def setup_sandbox(tags) do
    pid = Ecto.Adapters.SQL.Sandbox.start_owner!(Shop.Repo, shared: not tags[:async])
    on_exit(fn -> Ecto.Adapters.SQL.Sandbox.stop_owner(pid) end)
  end

  def errors_on(changeset) do
    Ecto.Changeset.traverse_errors(changeset, fn {message, opts} ->
      Regex.replace(~r"%{(\w+)}", message, fn _, key ->
        opts |> Keyword.get(String.to_existing_atom(key), key) |> to_string()
      end)
    end)
  end
end
"##,
    ),
    (
        "test/support/conn_case.ex",
        r##"defmodule ShopWeb.ConnCase do
  @moduledoc """
  The case for controller tests: a fresh `conn` per test, on the sandboxed database.
  """
  use ExUnit.CaseTemplate

  using do
    quote do
      @endpoint ShopWeb.Endpoint

      use ShopWeb, :verified_routes

      import Plug.Conn
      import Phoenix.ConnTest
      import ShopWeb.ConnCase
    end
  end

  setup tags do
    Shop.DataCase.setup_sandbox(tags)
    {:ok, conn: Phoenix.ConnTest.build_conn()}
  end
end
"##,
    ),
    (
        "test/support/fixtures.ex",
        r##"defmodule Shop.Fixtures do
  @moduledoc """
  Values that must differ between the records of one test run.
  """

  def unique_integer, do: System.unique_integer([:positive])

  def unique_email, do: "user#{unique_integer()}@example.com"

  def unique_string(prefix), do: "#{prefix}-#{unique_integer()}"
end
"##,
    ),
    (
        "test/shop_web/controllers/health_controller_test.exs",
        r##"defmodule ShopWeb.HealthControllerTest do
  use ShopWeb.ConnCase, async: true

  test "reports ok while the database answers", %{conn: conn} do
    assert %{"status" => "ok"} = conn |> get(~p"/health") |> json_response(200)
  end
end
"##,
    ),
];

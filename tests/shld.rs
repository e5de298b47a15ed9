//! SHLD001–005 (web shields) on whole projects written to temp dirs: routers, endpoints,
//! controllers and config files together, as `doctrine check` sees them. Each test asserts
//! the exact SHLD findings (rule, path, line), so a missed finding and an extra one both fail.
//! See PILLARS.md § SHLD and rules/SHLD00{1..5}.toml.

mod common;

use common::dedent;
use common::run::{doctrine, located_findings, write, write_mix_project};
use std::path::Path;

type Found = Vec<(String, String, u64)>;

/// The SHLD findings of a project made of `files` (snippets, dedented; a `mix.exs` is added
/// unless given), sorted.
fn shld(files: &[(&str, &str)]) -> Found {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    if !files.iter().any(|(path, _)| *path == "mix.exs") {
        write_mix_project(root, "", "Shop");
    }
    for (path, src) in files {
        write(root, path, dedent(src));
    }
    findings_of(root, "SHLD")
}

/// The (rule, path, line) findings of the rules `select` names in the project at `root`,
/// sorted. The project must be free of diagnostics (its snippets parse cleanly).
fn findings_of(root: &Path, select: &str) -> Found {
    let run = doctrine(
        root,
        &[
            "check",
            "--select",
            select,
            "--format",
            "json",
            "--exit-zero",
        ],
    );
    run.assert_no_crash();
    let report = run.json();
    assert_eq!(
        report["diagnostics"].as_array().map(Vec::len),
        Some(0),
        "the snippets must parse cleanly:\n{}",
        run.stdout
    );
    located_findings(&report)
}

fn expect(found: &[(&str, &str, u64)]) -> Found {
    let mut expected: Found = found
        .iter()
        .map(|(rule, path, line)| (rule.to_string(), path.to_string(), *line))
        .collect();
    expected.sort();
    expected
}

const ROUTER: &str = "lib/shop_web/router.ex";
const ENDPOINT: &str = "lib/shop_web/endpoint.ex";

/// An endpoint that plugs the router and a prod config that forces HTTPS, so only the
/// router's findings remain.
const HTTPS_ENDPOINT: &str = r#"
    defmodule ShopWeb.Endpoint do
      use Phoenix.Endpoint, otp_app: :shop
      plug Plug.Session, store: :cookie, key: "_shop", signing_salt: "abc"
      plug ShopWeb.Router
    end
"#;
const PROD_CONFIG: &str = r#"
    import Config
    config :shop, ShopWeb.Endpoint, force_ssl: [rewrite_on: [:x_forwarded_proto]]
"#;

fn with_router(router: &str) -> Found {
    shld(&[
        (ROUTER, router),
        (ENDPOINT, HTTPS_ENDPOINT),
        ("config/prod.exs", PROD_CONFIG),
    ])
}

// ---------------------------------------------------------------------------------------------
// SHLD001 / SHLD002 — HTML pipelines without CSRF protection or secure headers
// ---------------------------------------------------------------------------------------------

#[test]
fn an_html_pipeline_without_csrf_protection_or_secure_headers() {
    let found = with_router(
        r#"
        defmodule ShopWeb.Router do
          use ShopWeb, :router

          pipeline :browser do
            plug :accepts, ["html"]
            plug :fetch_session
            # plug :protect_from_forgery
          end

          pipeline :api do
            plug :accepts, ["json"]
            plug :fetch_session
          end

          scope "/", ShopWeb do
            pipe_through :browser
            get "/", PageController, :index
          end
        end
        "#,
    );
    assert_eq!(
        found,
        expect(&[("SHLD001", ROUTER, 4), ("SHLD002", ROUTER, 4)]),
        "the commented-out plug is no protection; the JSON pipeline is not judged"
    );
}

#[test]
fn formats_from_a_sigil_or_a_module_attribute() {
    let found = with_router(
        r#"
        defmodule ShopWeb.Router do
          use Phoenix.Router
          import Plug.Conn
          import Phoenix.Controller

          @browser_formats ~w(html json)

          pipeline :sigil do
            plug :accepts, ~w(html)
            plug :fetch_session
            plug :put_secure_browser_headers, %{"content-security-policy" => "default-src 'self'"}
          end

          pipeline :attribute do
            plug :accepts, @browser_formats
            plug :fetch_session
            plug :protect_from_forgery
          end

          pipeline :computed do
            plug :accepts, Application.compile_env(:shop, :formats)
            plug :fetch_session
          end
        end
        "#,
    );
    assert_eq!(
        found,
        expect(&[("SHLD001", ROUTER, 8), ("SHLD002", ROUTER, 14)]),
        "formats computed otherwise are not judged"
    );
}

#[test]
fn protection_from_another_pipeline_a_router_function_or_the_endpoint() {
    let found = shld(&[
        (
            ROUTER,
            r#"
            defmodule ShopWeb.Router do
              use ShopWeb, :router

              pipeline :browser do
                plug :accepts, ["html"]
                plug :fetch_session
                plug :shields
              end

              # Plugs the browser pipeline by name.
              pipeline :admin do
                plug :browser
                plug ShopWeb.Plugs.RequireAdmin
              end

              pipeline :html_only do
                plug :accepts, ["html"]
                plug :fetch_session
                plug :put_secure_browser_headers, %{"content-security-policy" => "default-src 'self'"}
              end

              pipeline :csrf do
                plug Plug.CSRFProtection
              end

              scope "/", ShopWeb do
                pipe_through [:html_only, :csrf]
                post "/orders", OrderController, :create
              end

              defp shields(conn, _opts) do
                conn
                |> protect_from_forgery()
                |> put_secure_browser_headers(%{"content-security-policy" => "default-src 'self'"})
              end
            end
            "#,
        ),
        (
            ENDPOINT,
            r#"
            defmodule ShopWeb.Endpoint do
              use Phoenix.Endpoint, otp_app: :shop
              plug Plug.SSL
              plug ShopWeb.Router
            end
            "#,
        ),
    ]);
    assert_eq!(found, expect(&[]));
}

#[test]
fn a_companion_pipeline_counts_only_when_every_route_pipes_through_it() {
    let found = with_router(
        r#"
        defmodule ShopWeb.Router do
          use ShopWeb, :router

          pipeline :html do
            plug :accepts, ["html"]
            plug :fetch_session
            plug :put_secure_browser_headers, %{"content-security-policy" => "default-src 'self'"}
          end

          pipeline :csrf do
            plug :protect_from_forgery
          end

          scope "/", ShopWeb do
            pipe_through [:html, :csrf]
            post "/orders", OrderController, :create
          end

          scope "/legacy", ShopWeb do
            pipe_through :html
            post "/orders", LegacyOrderController, :create
          end
        end
        "#,
    );
    assert_eq!(found, expect(&[("SHLD001", ROUTER, 4)]));
}

#[test]
fn a_pipeline_that_never_fetches_the_session_needs_no_csrf_token() {
    // Rendered READMEs on their own host: no session, no forms; secure headers still apply.
    let found = with_router(
        r#"
        defmodule ShopWeb.Router do
          use ShopWeb, :router

          pipeline :readme do
            plug :accepts, ["html"]
            plug ShopWeb.Plugs.ReadmeContentSecurityPolicy
          end

          scope "/", ShopWeb, host: "readme." do
            pipe_through :readme
            get "/:name", ReadmeController, :show
          end
        end
        "#,
    );
    assert_eq!(found, expect(&[("SHLD002", ROUTER, 4)]));
}

#[test]
fn routers_in_test_code_and_development_branches_are_not_the_app() {
    let pipeline = r#"
        defmodule ShopWeb.TestRouter do
          use Phoenix.Router

          pipeline :browser do
            plug :accepts, ["html"]
            plug :fetch_session
          end
        end
    "#;
    let found = shld(&[
        ("test/support/test_router.ex", pipeline),
        ("lib/mix/tasks/shop.preview.ex", pipeline),
        (
            ROUTER,
            r#"
            defmodule ShopWeb.Router do
              use ShopWeb, :router

              if Mix.env() == :dev do
                pipeline :preview do
                  plug :accepts, ["html"]
                  plug :fetch_session
                end
              end
            end
            "#,
        ),
    ]);
    assert_eq!(found, expect(&[]));
}

// ---------------------------------------------------------------------------------------------
// SHLD003 — no content security policy
// ---------------------------------------------------------------------------------------------

#[test]
fn secure_headers_without_a_content_security_policy() {
    let found = with_router(
        r#"
        defmodule ShopWeb.Router do
          use ShopWeb, :router

          @frame_headers %{"x-frame-options" => "DENY"}
          @csp_headers %{"Content-Security-Policy" => "default-src 'self'"}

          pipeline :defaults do
            plug :accepts, ["html"]
            plug :fetch_session
            plug :protect_from_forgery
            plug :put_secure_browser_headers
          end

          pipeline :no_csp_attribute do
            plug :accepts, ["html"]
            plug :put_secure_browser_headers, @frame_headers
          end

          pipeline :csp_attribute do
            plug :accepts, ["html"]
            plug :put_secure_browser_headers, @csp_headers
          end

          pipeline :computed do
            plug :accepts, ["html"]
            plug :put_secure_browser_headers, ShopWeb.Headers.all()
          end

          pipeline :csp_plug do
            plug :accepts, ["html"]
            plug :put_secure_browser_headers
            plug ShopWeb.Plugs.ContentSecurityPolicy, nonces_for: [:script_src]
          end

          pipeline :api do
            plug :accepts, ["json"]
            plug :put_secure_browser_headers
          end

          pipeline :assets do
            plug :put_secure_browser_headers
          end
        end
        "#,
    );
    assert_eq!(
        found,
        expect(&[
            ("SHLD003", ROUTER, 11),
            ("SHLD003", ROUTER, 16),
            ("SHLD003", ROUTER, 41),
        ]),
        "reported at the plug; a JSON-only pipeline renders no documents"
    );
}

#[test]
fn a_policy_set_by_the_endpoint_counts() {
    let found = shld(&[
        (
            ROUTER,
            r#"
            defmodule ShopWeb.Router do
              use ShopWeb, :router

              pipeline :browser do
                plug :accepts, ["html"]
                plug :fetch_session
                plug :protect_from_forgery
                plug :put_secure_browser_headers
              end
            end
            "#,
        ),
        (
            ENDPOINT,
            r#"
            defmodule ShopWeb.Endpoint do
              use Phoenix.Endpoint, otp_app: :shop
              plug Plug.SSL
              plug :put_csp
              plug ShopWeb.Router

              def put_csp(conn, _opts), do: conn
            end
            "#,
        ),
    ]);
    assert_eq!(found, expect(&[]));
}

// ---------------------------------------------------------------------------------------------
// SHLD004 — no HTTPS enforcement
// ---------------------------------------------------------------------------------------------

const PLAIN_ENDPOINT: &str = r#"
    defmodule ShopWeb.Endpoint do
      @moduledoc false

      use Phoenix.Endpoint, otp_app: :shop
      plug ShopWeb.Router
    end
"#;

#[test]
fn an_endpoint_with_no_force_ssl_is_reported_at_its_use_line() {
    assert_eq!(
        shld(&[(ENDPOINT, PLAIN_ENDPOINT)]),
        expect(&[("SHLD004", ENDPOINT, 4)])
    );
}

#[test]
fn force_ssl_counts_only_in_prod_relevant_config() {
    let dev_only = shld(&[
        (ENDPOINT, PLAIN_ENDPOINT),
        (
            "config/dev.exs",
            "import Config\nconfig :shop, ShopWeb.Endpoint, force_ssl: [hsts: true]\n",
        ),
        (
            "config/config.exs",
            r#"
            import Config
            # config :shop, ShopWeb.Endpoint, force_ssl: [hsts: true]
            if config_env() == :dev do
              config :shop, ShopWeb.Endpoint, force_ssl: [hsts: true]
            end
            "#,
        ),
        (
            "config/prod.exs",
            "import Config\nconfig :shop, ShopWeb.Endpoint, force_ssl: false\n",
        ),
    ]);
    assert_eq!(dev_only, expect(&[("SHLD004", ENDPOINT, 4)]));

    let runtime = shld(&[
        (ENDPOINT, PLAIN_ENDPOINT),
        (
            "config/runtime.exs",
            r#"
            import Config

            if config_env() == :prod do
              config :shop, ShopWeb.Endpoint,
                url: [host: System.fetch_env!("PHX_HOST"), port: 443, scheme: "https"],
                force_ssl: [rewrite_on: [:x_forwarded_proto], hsts: true]
            end
            "#,
        ),
    ]);
    assert_eq!(runtime, expect(&[]));
}

#[test]
fn plug_ssl_in_the_endpoint_counts() {
    let found = shld(&[(
        ENDPOINT,
        r#"
        defmodule ShopWeb.Endpoint do
          use Phoenix.Endpoint, otp_app: :shop

          if Mix.env() == :prod do
            plug Plug.SSL, rewrite_on: [:x_forwarded_proto]
          end

          plug ShopWeb.Router
        end
        "#,
    )]);
    assert_eq!(found, expect(&[]));

    let dev_only = shld(&[(
        ENDPOINT,
        r#"
        defmodule ShopWeb.Endpoint do
          use Phoenix.Endpoint, otp_app: :shop

          if Mix.env() == :dev do
            plug Plug.SSL
          end
        end
        "#,
    )]);
    assert_eq!(dev_only, expect(&[("SHLD004", ENDPOINT, 2)]));
}

#[test]
fn an_endpoint_in_test_code_is_not_the_app() {
    let found = shld(&[("test/support/endpoint.ex", PLAIN_ENDPOINT)]);
    assert_eq!(found, expect(&[]));
}

// ---------------------------------------------------------------------------------------------
// SHLD005 — credentials without a rate limit
// ---------------------------------------------------------------------------------------------

const BROWSER: &str = r#"
    pipeline :browser do
      plug :accepts, ["html"]
      plug :fetch_session
      plug :migrate_session
      plug :protect_from_forgery
      plug :put_secure_browser_headers, %{"content-security-policy" => "default-src 'self'"}
    end
"#;

fn router_with(body: &str) -> String {
    format!(
        "defmodule ShopWeb.Router do\n  use ShopWeb, :router\n{}\n{}end\n",
        indent(&dedent(BROWSER)),
        indent(&dedent(body))
    )
}

fn indent(text: &str) -> String {
    text.lines()
        .map(|l| {
            if l.is_empty() {
                "\n".to_string()
            } else {
                format!("  {l}\n")
            }
        })
        .collect()
}

#[test]
fn log_in_registration_and_reset_routes_without_a_rate_limit() {
    let router = router_with(
        r#"
        scope "/", ShopWeb do
          pipe_through :browser

          get "/users/log-in", UserSessionController, :new
          post "/users/log-in", UserSessionController, :create
          delete "/users/log-out", UserSessionController, :delete
          post "/users/register", UserRegistrationController, :create
          post "/password/reset", PasswordResetController, :create
          resources "/sessions", SessionController, only: [:new, :create]
          live "/users/sign-up", UserRegistrationLive, :new
          post "/orders", OrderController, :create
        end
        "#,
    );
    let found = with_router(&router);
    assert_eq!(
        found,
        expect(&[
            ("SHLD005", ROUTER, 15),
            ("SHLD005", ROUTER, 17),
            ("SHLD005", ROUTER, 18),
            ("SHLD005", ROUTER, 19),
        ]),
        "{router}"
    );
}

#[test]
fn nested_scopes_inherit_a_rate_limiting_pipeline() {
    let router = router_with(
        r#"
        pipeline :throttled do
          plug ShopWeb.Plugs.RateLimit, limit: 10
        end

        scope "/", ShopWeb do
          pipe_through [:browser, :throttled]

          scope "/users", Accounts do
            post "/log_in", UserSessionController, :create
            post "/reset_password", UserResetPasswordController, :create
          end
        end

        scope "/api", ShopWeb.API do
          pipe_through :browser
          post "/sign_in", SessionController, :create
        end
        "#,
    );
    assert_eq!(with_router(&router), expect(&[("SHLD005", ROUTER, 26)]));
}

#[test]
fn a_rate_limit_in_the_controller_counts_for_its_actions() {
    let router = router_with(
        r#"
        scope "/", ShopWeb do
          pipe_through :browser
          post "/users/log_in", UserSessionController, :create
          post "/users/register", UserRegistrationController, :create
        end
        "#,
    );
    let found = shld(&[
        (ROUTER, &router),
        (ENDPOINT, HTTPS_ENDPOINT),
        ("config/prod.exs", PROD_CONFIG),
        (
            "lib/shop_web/controllers/user_session_controller.ex",
            r#"
            defmodule ShopWeb.UserSessionController do
              use ShopWeb, :controller

              plug :throttle when action in [:create]

              def create(conn, _params), do: conn
              defp throttle(conn, _opts), do: conn
            end
            "#,
        ),
        (
            "lib/shop_web/controllers/user_registration_controller.ex",
            r#"
            defmodule ShopWeb.UserRegistrationController do
              use ShopWeb, :controller

              plug ShopWeb.Plugs.RateLimit when action in [:new]

              def create(conn, _params), do: conn
            end
            "#,
        ),
    ]);
    assert_eq!(
        found,
        expect(&[("SHLD005", ROUTER, 14)]),
        "the registration limit does not run for :create"
    );
}

#[test]
fn a_rate_limit_in_the_endpoint_or_through_a_router_function_counts() {
    let router = router_with(
        r#"
        pipeline :guarded do
          plug :guard_logins
        end

        scope "/", ShopWeb do
          pipe_through [:browser, :guarded]
          post "/login", LoginController, :create
        end

        scope "/admin", ShopWeb.Admin do
          pipe_through :browser
          post "/login", LoginController, :create
        end

        defp guard_logins(conn, _opts) do
          case Hammer.check_rate("login:#{conn.remote_ip}", 60_000, 5) do
            {:allow, _} -> conn
            {:deny, _} -> conn |> send_resp(429, "") |> halt()
          end
        end
        "#,
    );
    assert_eq!(with_router(&router), expect(&[("SHLD005", ROUTER, 22)]));

    let endpoint = r#"
        defmodule ShopWeb.Endpoint do
          use Phoenix.Endpoint, otp_app: :shop
          plug PlugAttack
          plug ShopWeb.Router
        end
    "#;
    let found = shld(&[
        (ROUTER, &router),
        (ENDPOINT, endpoint),
        ("config/prod.exs", PROD_CONFIG),
    ]);
    assert_eq!(found, expect(&[]));
}

#[test]
fn development_routes_are_not_judged() {
    let router = router_with(
        r#"
        if Application.compile_env(:shop, :dev_routes) do
          scope "/dev" do
            pipe_through :browser
            post "/login_as", ShopWeb.DevLoginController, :create
          end
        end
        "#,
    );
    assert_eq!(with_router(&router), expect(&[]));
}

// ---------------------------------------------------------------------------------------------
// Umbrella projects
// ---------------------------------------------------------------------------------------------

#[test]
fn an_umbrella_with_two_web_apps_is_judged_app_by_app() {
    let umbrella_mix = r#"
        defmodule Shop.Umbrella.MixProject do
          use Mix.Project
          def project, do: [apps_path: "apps", deps: []]
        end
    "#;
    let router = |module: &str, csrf: &str| {
        format!(
            "defmodule {module}.Router do\n  use {module}, :router\n\n  pipeline :browser do\n    \
             plug :accepts, [\"html\"]\n    plug :fetch_session\n{csrf}    plug \
             :put_secure_browser_headers, %{{\"content-security-policy\" => \"default-src 'self'\"}}\n  \
             end\nend\n"
        )
    };
    let endpoint = |module: &str| {
        format!(
            "defmodule {module}.Endpoint do\n  use Phoenix.Endpoint, otp_app: :shop\n  plug \
             {module}.Router\nend\n"
        )
    };
    let storefront_router = router("StorefrontWeb", "");
    let admin_router = router("AdminWeb", "    plug :protect_from_forgery\n");
    let storefront_endpoint = endpoint("StorefrontWeb");
    let admin_endpoint = endpoint("AdminWeb");
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    write(root, "mix.exs", dedent(umbrella_mix));
    write_mix_project(root, "apps/storefront_web", "StorefrontWeb");
    write_mix_project(root, "apps/admin_web", "AdminWeb");
    let files = [
        (
            "apps/storefront_web/lib/storefront_web/router.ex",
            &storefront_router,
        ),
        (
            "apps/storefront_web/lib/storefront_web/endpoint.ex",
            &storefront_endpoint,
        ),
        ("apps/admin_web/lib/admin_web/router.ex", &admin_router),
        ("apps/admin_web/lib/admin_web/endpoint.ex", &admin_endpoint),
    ];
    for (path, src) in files {
        write(root, path, src);
    }
    let findings = |root: &Path| findings_of(root, "SHLD");
    assert_eq!(
        findings(root),
        expect(&[
            (
                "SHLD001",
                "apps/storefront_web/lib/storefront_web/router.ex",
                4
            ),
            ("SHLD004", "apps/admin_web/lib/admin_web/endpoint.ex", 2),
            (
                "SHLD004",
                "apps/storefront_web/lib/storefront_web/endpoint.ex",
                2
            ),
        ])
    );
    // One app's own prod config forces HTTPS: that satisfies the project.
    write(
        root,
        "apps/admin_web/config/prod.exs",
        "import Config\nconfig :admin_web, AdminWeb.Endpoint, force_ssl: [hsts: true]\n",
    );
    assert_eq!(
        findings(root),
        expect(&[(
            "SHLD001",
            "apps/storefront_web/lib/storefront_web/router.ex",
            4
        )])
    );
}

#[test]
fn project_rules_do_not_run_on_part_of_the_project() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    write_mix_project(root, "", "Shop");
    write(root, ENDPOINT, dedent(PLAIN_ENDPOINT));
    let run = doctrine(
        root,
        &["check", "--select", "SHLD", "--format", "json", ENDPOINT],
    );
    run.assert_no_crash();
    assert_eq!(run.json()["findings"].as_array().map(Vec::len), Some(0));
    assert_eq!(run.code, 0);
}

#[test]
fn a_suppression_comment_covers_a_project_finding_and_is_not_reported_unused() {
    let router = router_with(
        r#"
        scope "/", ShopWeb do
          pipe_through :browser
          # doctrine:disable-next-line SHLD005 -- rate limited by the load balancer
          post "/users/log-in", UserSessionController, :create
          post "/users/register", UserRegistrationController, :create # doctrine:disable-line SHLD
          post "/password/reset", PasswordResetController, :create
        end
        "#,
    );
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    write_mix_project(root, "", "Shop");
    write(root, ENDPOINT, dedent(HTTPS_ENDPOINT));
    write(root, "config/prod.exs", dedent(PROD_CONFIG));
    write(root, ROUTER, &router);
    let found = findings_of(root, "SHLD,HYGIENE");
    assert_eq!(found, expect(&[("SHLD005", ROUTER, 16)]), "{router}");
}

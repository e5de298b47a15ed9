//! The files every project has whatever its size: mix.exs and mix.lock, config, and the
//! README, CHANGELOG and CI files; the Elixir skeleton of `lib/` and `test/` is in
//! `skeleton`.

use super::plan::Plan;
use super::skeleton::SKELETON;
use super::{Rng, Vars, filled};

/// mix deps: name, requirement, extra options.
#[rustfmt::skip]
const DEPS: &[(&str, &str, &str)] = &[
    ("phoenix", "~> 1.7.14", ""), ("phoenix_ecto", "~> 4.6", ""), ("ecto_sql", "~> 3.12", ""),
    ("postgrex", ">= 0.0.0", ""), ("phoenix_live_view", "~> 1.0", ""),
    ("phoenix_live_dashboard", "~> 0.8.4", ""), ("floki", "~> 0.36", ", only: :test"),
    ("telemetry_metrics", "~> 1.0", ""), ("telemetry_poller", "~> 1.0", ""),
    ("gettext", "~> 0.26", ""), ("jason", "~> 1.2", ""), ("plug_cowboy", "~> 2.7", ""),
    ("oban", "~> 2.18", ""),
];
/// mix.lock: name, version, build tools, its dependencies (name, requirement, optional).
type LockEntry = (
    &'static str,
    &'static str,
    &'static str,
    &'static [(&'static str, &'static str, bool)],
);
#[rustfmt::skip]
const LOCK: &[LockEntry] = &[
    ("castore", "1.0.9", ":mix", &[]),
    ("cowboy", "2.12.0", ":make, :rebar3", &[("cowlib", ">= 2.13.0 and < 3.0.0", false), ("ranch", ">= 1.8.0 and < 3.0.0", false)]),
    ("cowboy_telemetry", "0.4.0", ":rebar3", &[("cowboy", "~> 2.7", false), ("telemetry", "~> 1.0", false)]),
    ("cowlib", "2.13.0", ":make, :rebar3", &[]),
    ("db_connection", "2.7.0", ":mix", &[("telemetry", "~> 0.4 or ~> 1.0", false)]),
    ("decimal", "2.1.1", ":mix", &[]),
    ("ecto", "3.12.4", ":mix", &[("decimal", "~> 2.0", false), ("jason", "~> 1.0", true), ("telemetry", "~> 0.4 or ~> 1.0", false)]),
    ("ecto_sql", "3.12.1", ":mix", &[("db_connection", "~> 2.4.1 or ~> 2.5", false), ("ecto", "~> 3.12", false), ("postgrex", "~> 0.19 or ~> 1.0", true), ("telemetry", "~> 0.4.0 or ~> 1.0", false)]),
    ("expo", "1.1.0", ":mix", &[]),
    ("floki", "0.36.3", ":mix", &[]),
    ("gettext", "0.26.2", ":mix", &[("expo", "~> 0.5.1 or ~> 1.0", false)]),
    ("jason", "1.4.4", ":mix", &[("decimal", "~> 1.0 or ~> 2.0", true)]),
    ("mime", "2.0.6", ":mix", &[]),
    ("oban", "2.18.3", ":mix", &[("ecto_sql", "~> 3.10", false), ("jason", "~> 1.1", false), ("postgrex", "~> 0.16", true), ("telemetry", "~> 0.4 or ~> 1.0", false)]),
    ("phoenix", "1.7.14", ":mix", &[("castore", ">= 0.0.0", false), ("jason", "~> 1.0", true), ("phoenix_pubsub", "~> 2.1", false), ("phoenix_template", "~> 1.0", false), ("plug", "~> 1.14", false), ("plug_cowboy", "~> 2.7", true), ("plug_crypto", "~> 1.2 or ~> 2.0", false), ("telemetry", "~> 0.4 or ~> 1.0", false), ("websock_adapter", "~> 0.5.3", false)]),
    ("phoenix_ecto", "4.6.2", ":mix", &[("ecto", "~> 3.5", false), ("phoenix_html", "~> 2.14.2 or ~> 3.0 or ~> 4.1", true), ("plug", "~> 1.9", false)]),
    ("phoenix_html", "4.1.1", ":mix", &[]),
    ("phoenix_live_dashboard", "0.8.4", ":mix", &[("ecto", "~> 3.6.2 or ~> 3.7", true), ("mime", "~> 1.6 or ~> 2.0", false), ("phoenix_live_view", "~> 0.19 or ~> 1.0", false), ("telemetry_metrics", "~> 0.6 or ~> 1.0", false)]),
    ("phoenix_live_view", "1.0.1", ":mix", &[("jason", "~> 1.0", true), ("phoenix", "~> 1.6.15 or ~> 1.7.0", false), ("phoenix_html", "~> 3.3 or ~> 4.0 or ~> 4.1", false), ("phoenix_template", "~> 1.0", false), ("plug", "~> 1.15", false), ("telemetry", "~> 0.4.2 or ~> 1.0", false)]),
    ("phoenix_pubsub", "2.1.3", ":mix", &[]),
    ("phoenix_template", "1.0.4", ":mix", &[("phoenix_html", "~> 2.14.2 or ~> 3.0 or ~> 4.0", true)]),
    ("plug", "1.16.1", ":mix", &[("mime", "~> 1.0 or ~> 2.0", false), ("plug_crypto", "~> 1.1.1 or ~> 1.2 or ~> 2.0", false), ("telemetry", "~> 0.4.3 or ~> 1.0", false)]),
    ("plug_cowboy", "2.7.2", ":mix", &[("cowboy", "~> 2.7", false), ("cowboy_telemetry", "~> 0.3", false), ("plug", "~> 1.14", false)]),
    ("plug_crypto", "2.1.0", ":mix", &[]),
    ("postgrex", "0.19.3", ":mix", &[("db_connection", "~> 2.1", false), ("decimal", "~> 1.5 or ~> 2.0", false), ("jason", "~> 1.0", true)]),
    ("ranch", "1.8.0", ":make, :rebar3", &[]),
    ("telemetry", "1.3.0", ":rebar3", &[]),
    ("telemetry_metrics", "1.0.0", ":mix", &[("telemetry", "~> 0.4 or ~> 1.0", false)]),
    ("telemetry_poller", "1.1.0", ":rebar3", &[("telemetry", "~> 1.0", false)]),
    ("websock", "0.5.3", ":mix", &[]),
    ("websock_adapter", "0.5.7", ":mix", &[("plug", "~> 1.14", false), ("plug_cowboy", "~> 2.6", true), ("websock", "~> 0.5", false)]),
];

fn mix_lock(seed: u64) -> String {
    let mut rng = Rng::new(seed, "mix.lock", 0);
    let mut o = String::from("%{\n");
    for (name, version, tools, deps) in LOCK {
        let deps: Vec<String> = (deps.iter())
            .map(|(d, req, opt)| {
                format!("{{:{d}, \"{req}\", [hex: :{d}, repo: \"hexpm\", optional: {opt}]}}")
            })
            .collect();
        let (inner, outer, deps) = (rng.hex(64), rng.hex(64), deps.join(", "));
        o.push_str(&format!(
            "  \"{name}\": {{:hex, :{name}, \"{version}\", \"{inner}\", [{tools}], [{deps}], \"hexpm\", \"{outer}\"}},\n"
        ));
    }
    o.push_str("}\n");
    o
}

/// The files every project has: `FIXED_ELIXIR` Elixir files, then the others.
pub(super) fn fixed(plan: &Plan) -> Vec<(&'static str, String)> {
    let mut rng = Rng::new(plan.seed, "fixed", 0);
    let deps: Vec<String> = DEPS
        .iter()
        .map(|(n, r, x)| format!("      {{:{n}, \"{r}\"{x}}}"))
        .collect();
    let servers: String = (plan.workers.iter().filter(|w| !w.oban))
        .map(|w| {
            format!(
                "      {{Shop.Workers.{0}, name: Shop.Workers.{0}}},\n",
                w.name
            )
        })
        .collect();
    let mut routes = String::new();
    for ctx in &plan.contexts {
        let routed = plan.schemas[ctx.schemas.clone()]
            .iter()
            .filter(|s| s.controller.is_some());
        let lines: String = routed
            .map(|s| {
                format!(
                    "      resources \"/{}\", {}Controller, except: [:new, :edit]\n",
                    s.plural, s.name
                )
            })
            .collect();
        // A qualified context's controllers sit in its own namespace.
        let first = &plan.schemas[ctx.schemas.start];
        let alias = match first.web_dir.is_empty() {
            true => String::new(),
            false => format!(", {}", ctx.name),
        };
        if !lines.is_empty() {
            let scope = format!("\n    scope \"/{}\"{alias} do\n{lines}    end\n", ctx.snake);
            routes.push_str(&scope);
        }
    }
    let mut contexts: Vec<String> = (plan.contexts.iter().take(12))
        .map(|c| {
            let names: Vec<&str> = plan.schemas[c.schemas.clone()]
                .iter()
                .map(|s| s.name.as_str())
                .collect();
            format!("- `Shop.{}`: {}\n", c.name, names.join(", "))
        })
        .collect();
    if plan.contexts.len() > 12 {
        contexts.push(format!("- and {} more\n", plan.contexts.len() - 12));
    }
    let vars = Vars::new()
        .set("version", VERSION)
        .set("deps", deps.join(",\n"))
        .set("servers", servers)
        .set("routes", routes)
        .set("contexts", contexts.concat())
        .set("salt", rng.hex(8))
        .set("dev_secret", rng.hex(64))
        .set("test_secret", rng.hex(64));
    let mut files: Vec<(&'static str, String)> = (CONFIG.iter().chain(SKELETON).chain(OTHERS))
        .map(|(path, tpl)| (*path, filled(tpl, &vars)))
        .collect();
    files.push(("mix.lock", mix_lock(plan.seed)));
    files
}

const VERSION: &str = "1.4.2";

/// mix.exs, the formatter and the config files: the first of the fixed files.
const CONFIG: &[(&str, &str)] = &[
    (
        "mix.exs",
        r##"defmodule Shop.MixProject do
  use Mix.Project

  def project do
    [
      app: :shop,
      version: "«version»",
      elixir: "~> 1.15",
      elixirc_paths: elixirc_paths(Mix.env()),
      start_permanent: Mix.env() == :prod,
      aliases: aliases(),
      deps: deps()
    ]
  end

  def application do
    [
      mod: {Shop.Application, []},
      extra_applications: [:logger, :runtime_tools]
    ]
  end

  defp elixirc_paths(:test), do: ["lib", "test/support"]
  defp elixirc_paths(_), do: ["lib"]

  defp deps do
    [
«deps»
    ]
  end

  defp aliases do
    [
      setup: ["deps.get", "ecto.setup"],
      "ecto.setup": ["ecto.create", "ecto.migrate", "run priv/repo/seeds.exs"],
      "ecto.reset": ["ecto.drop", "ecto.setup"],
      test: ["ecto.create --quiet", "ecto.migrate --quiet", "test"]
    ]
  end
end
"##,
    ),
    (
        ".formatter.exs",
        r##"[
  import_deps: [:ecto, :ecto_sql, :phoenix, :oban],
  subdirectories: ["priv/*/migrations"],
  inputs: ["*.{ex,exs}", "{config,lib,test}/**/*.{ex,exs}", "priv/*/seeds.exs"]
]
"##,
    ),
    (
        "config/config.exs",
        r##"import Config

config :shop,
  ecto_repos: [Shop.Repo],
  generators: [timestamp_type: :utc_datetime]

config :shop, ShopWeb.Endpoint,
  url: [host: "localhost"],
  adapter: Phoenix.Endpoint.Cowboy2Adapter,
  render_errors: [formats: [json: ShopWeb.ErrorJSON], layout: false],
  pubsub_server: Shop.PubSub,
  live_view: [signing_salt: "«salt»"]

config :shop, Oban,
  engine: Oban.Engines.Basic,
  queues: [default: 10, exports: 2, mailers: 5],
  repo: Shop.Repo

config :logger, :console,
  format: "$time $metadata[$level] $message\n",
  metadata: [:request_id]

config :phoenix, :json_library, Jason

import_config "#{config_env()}.exs"
"##,
    ),
    (
        "config/dev.exs",
        r##"import Config

config :shop, Shop.Repo,
  username: "postgres",
  password: "postgres",
  hostname: "localhost",
  database: "shop_dev",
  stacktrace: true,
  show_sensitive_data_on_connection_error: true,
  pool_size: 10

config :shop, ShopWeb.Endpoint,
  http: [ip: {127, 0, 0, 1}, port: 4000],
  check_origin: false,
  code_reloader: true,
  debug_errors: true,
  secret_key_base: "«dev_secret»"

config :shop, dev_routes: true

config :logger, :console, format: "[$level] $message\n"

config :phoenix, :stacktrace_depth, 20
config :phoenix, :plug_init_mode, :runtime
"##,
    ),
    (
        "config/test.exs",
        r##"import Config

config :shop, Shop.Repo,
  username: "postgres",
  password: "postgres",
  hostname: "localhost",
  database: "shop_test#{System.get_env("MIX_TEST_PARTITION")}",
  pool: Ecto.Adapters.SQL.Sandbox,
  pool_size: System.schedulers_online() * 2

config :shop, ShopWeb.Endpoint,
  http: [ip: {127, 0, 0, 1}, port: 4002],
  secret_key_base: "«test_secret»",
  server: false

config :shop, Oban, testing: :manual

config :logger, level: :warning
config :phoenix, :plug_init_mode, :runtime
"##,
    ),
    (
        "config/prod.exs",
        r##"import Config

config :shop, ShopWeb.Endpoint,
  force_ssl: [rewrite_on: [:x_forwarded_proto], hsts: true],
  cache_static_manifest: "priv/static/cache_manifest.json"

config :logger, level: :info
"##,
    ),
    (
        "config/runtime.exs",
        r##"import Config

if System.get_env("PHX_SERVER") do
  config :shop, ShopWeb.Endpoint, server: true
end

if config_env() == :prod do
  database_url = System.fetch_env!("DATABASE_URL")
  maybe_ipv6 = if System.get_env("ECTO_IPV6") in ~w(true 1), do: [:inet6], else: []

  config :shop, Shop.Repo,
    url: database_url,
    pool_size: String.to_integer(System.get_env("POOL_SIZE") || "10"),
    socket_options: maybe_ipv6

  host = System.get_env("PHX_HOST") || "shop.example.com"
  port = String.to_integer(System.get_env("PORT") || "4000")

  config :shop, ShopWeb.Endpoint,
    url: [host: host, port: 443, scheme: "https"],
    http: [ip: {0, 0, 0, 0, 0, 0, 0, 0}, port: port],
    secret_key_base: System.fetch_env!("SECRET_KEY_BASE")
end
"##,
    ),
];

/// The fixed files that are not Elixir, after the skeleton.
const OTHERS: &[(&str, &str)] = &[
    (
        "README.md",
        r##"# Shop

The storefront and back office of the shop: a JSON API over PostgreSQL, with background
jobs on Oban.

## Running it

```sh
mix setup          # dependencies, database, seeds
mix phx.server     # http://localhost:4000
mix test
```

Production reads `DATABASE_URL`, `SECRET_KEY_BASE`, `PHX_HOST` and `PORT` at boot
(`config/runtime.exs`); migrations run with `bin/shop eval "Shop.Release.migrate()"`.

## Layout

Each context under `lib/shop/` owns its schemas and is the only code that talks to the
repo; controllers under `lib/shop_web/controllers/` call contexts and nothing else.

«contexts»"##,
    ),
    (
        "CHANGELOG.md",
        r##"# Changelog

## «version» - 2025-02-11

- Paginate every list endpoint (`limit`, `offset`).
- Oban workers cancel jobs whose record is gone instead of retrying.

## 1.4.1 - 2025-01-20

- The health endpoint reports the database state.
"##,
    ),
    (
        ".gitignore",
        "/_build/\n/cover/\n/deps/\n/doc/\nerl_crash.dump\n*.ez\nshop-*.tar\n/tmp/\n",
    ),
    (
        ".github/workflows/ci.yml",
        r##"name: CI
on:
  push:
    branches: [main]
  pull_request:

jobs:
  test:
    runs-on: ubuntu-latest
    services:
      postgres:
        image: postgres:16
        env:
          POSTGRES_PASSWORD: ${{ secrets.CI_DB_PASSWORD }}
        ports: ["5432:5432"]
    steps:
      - uses: actions/checkout@v4
      - uses: erlef/setup-beam@v1
        with:
          otp-version: "27"
          elixir-version: "1.17"
      - run: mix deps.get
      - run: mix format --check-formatted
      - run: mix test
"##,
    ),
];

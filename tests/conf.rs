//! CONF001–004, table-driven: each case asserts the exact set of (rule, line) CONF findings.
//! See PILLARS.md § CONF and rules/CONF00*.toml.

mod common;

use common::{Case, LIB, run};

const CONF: &[&str] = &["CONF"];

const CASES: &[Case] = &[
    Case {
        name: "CONF001 environment reads in build-time config",
        path: "config/config.exs",
        src: r##"
            import Config
            config :shop, port: System.get_env("PORT")
            if config_env() == :prod do
              config :shop, key: System.fetch_env!("KEY")
            end
            config :shop, host: System.fetch_env("HOST")
        "##,
        expect: &[("CONF001", 2), ("CONF001", 4), ("CONF001", 6)],
    },
    Case {
        name: "CONF001 in prod.exs",
        path: "config/prod.exs",
        src: r##"
            import Config
            config :shop, ShopWeb.Endpoint, url: [host: System.get_env("PHX_HOST")]
        "##,
        expect: &[("CONF001", 2)],
    },
    Case {
        name: "CONF001 not in runtime, releases or dev config",
        path: "config/runtime.exs",
        src: r##"
            import Config
            config :shop, port: System.get_env("PORT")
        "##,
        expect: &[],
    },
    Case {
        name: "CONF001 dev config",
        path: "config/dev.exs",
        src: r##"
            import Config
            config :shop, port: System.get_env("PORT", "4000")
        "##,
        expect: &[],
    },
    Case {
        name: "CONF002 in attributes and module bodies",
        path: LIB,
        src: r##"
            defmodule Shop.Client do
              @timeout Application.get_env(:shop, :timeout, 5_000)
              @all Application.get_all_env(:shop)
              if Application.fetch_env!(:shop, :beta) do
                def beta?, do: true
              end
              def timeout, do: @timeout
            end
        "##,
        expect: &[("CONF002", 2), ("CONF002", 3), ("CONF002", 4)],
    },
    Case {
        name: "CONF002 functions, macros and compile_env are fine",
        path: LIB,
        src: r##"
            defmodule Shop.Client do
              @retries Application.compile_env(:shop, :retries, 3)
              def timeout, do: Application.get_env(:shop, :timeout, 5_000)
              defmacro env(key), do: Application.get_env(:shop, key)
              def retries, do: @retries
              @doc "Reads `Application.get_env(:shop, :x)` at run time."
              def x, do: Application.fetch_env!(:shop, :x)
            end
        "##,
        expect: &[],
    },
    Case {
        name: "CONF003 at run time, in every spelling",
        path: LIB,
        src: r##"
            defmodule Shop.Payments do
              def a, do: Mix.env()
              def b, do: Mix.env == :prod
              def c, do: Enum.map([1], fn _ -> Mix.env() end)
              defmacro __using__(_) do
                quote do
                  def env, do: Mix.env()
                end
              end
            end
        "##,
        expect: &[
            ("CONF003", 2),
            ("CONF003", 3),
            ("CONF003", 4),
            ("CONF003", 7),
        ],
    },
    Case {
        name: "CONF003 at compile time",
        path: LIB,
        src: r##"
            defmodule Shop.Payments do
              @env Mix.env()
              if Mix.env() == :dev, do: def(debug?, do: true)
              defmacro target, do: Mix.env()
              def env, do: @env
            end
        "##,
        expect: &[],
    },
    Case {
        name: "CONF003 not in dev tooling",
        path: "lib/mix/tasks/shop.seed.ex",
        src: r##"
            defmodule Mix.Tasks.Shop.Seed do
              def run(_), do: IO.puts(Mix.env())
            end
        "##,
        expect: &[],
    },
    Case {
        name: "CONF004 debug settings in production config",
        path: "config/prod.exs",
        src: r##"
            import Config
            config :shop, ShopWeb.Endpoint,
              debug_errors: true,
              code_reloader: true,
              check_origin: false
            config :logger, level: :debug
            config :shop, Shop.Thing, level: :debug
        "##,
        expect: &[
            ("CONF004", 3),
            ("CONF004", 4),
            ("CONF004", 5),
            ("CONF004", 6),
        ],
    },
    Case {
        name: "CONF004 development branches of runtime.exs and safe values",
        path: "config/runtime.exs",
        src: r##"
            import Config
            if config_env() == :dev do
              config :shop, ShopWeb.Endpoint, debug_errors: true
            end
            unless config_env() == :prod do
              config :logger, level: :debug
            end
            if config_env() == :prod do
              config :shop, ShopWeb.Endpoint, check_origin: false
            else
              config :shop, ShopWeb.Endpoint, code_reloader: true
            end
            config :shop, ShopWeb.Endpoint, debug_errors: false, check_origin: ["https://x.example"]
        "##,
        expect: &[("CONF004", 9)],
    },
];

#[test]
fn conf_rules() {
    run(CASES, CONF);
}

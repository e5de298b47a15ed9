//! SEAL001–004, table-driven, plus end-to-end checks that no output format ever prints a
//! secret in full. See PILLARS.md § SEAL and rules/SEAL00*.toml.

mod common;

use common::run::{doctrine, rules_and_paths, write, write_mix_project};
use common::{Case, LIB, TEST, run};

const SEAL: &[&str] = &["SEAL"];

const SEAL001: &[Case] = &[
    Case {
        name: "keyword pair in prod config",
        path: "config/prod.exs",
        src: r##"
            import Config
            config :shop, ShopWeb.Endpoint,
              secret_key_base: "q8Zm3kV7xN2bT5wY9cJ4mP0dLrHs6GuE1oKiAa7Sd"
        "##,
        expect: &[("SEAL001", 3)],
    },
    Case {
        name: "credential formats in strings, charlists and sigils",
        path: LIB,
        src: r##"
            defmodule Shop.Keys do
              def aws, do: "AKIAZ7Q3LTRXWB2K9PQM"
              def gh, do: 'ghp_R8nq2LkV0xJb7TzW4mYc9PdA3sFh6GuE1oKi'
              def slack, do: ~s(https://hooks.slack.com/services/T01AB2CD3/B04EF5GH6/q8Zm3kV7xN2bT5wY9cJ4)
              def google, do: %{"maps" => "AIzaSyB8q3kV7xN2bT5wY9cJ4mP0dLrHs6GuE1o"}
            end
        "##,
        expect: &[
            ("SEAL001", 2),
            ("SEAL001", 3),
            ("SEAL001", 4),
            ("SEAL001", 5),
        ],
    },
    Case {
        name: "a format bound to a secret-like name is one finding",
        path: LIB,
        src: r##"
            defmodule Shop.Billing do
              @stripe_key "sk_live_51H8qTzLkV0xJb7TzW4mYc9Pd"
            end
        "##,
        expect: &[("SEAL001", 2)],
    },
    Case {
        name: "map entries, assignments, comparisons and attributes",
        path: LIB,
        src: r##"
            defmodule Shop.Smtp do
              @api_key "7sQ2vN9xK4bT8mW1zR6yC3pL0dF5hJ2g"
              def config, do: %{"password" => "Tr0ub4dor&3", token: "Zq8mV3kR7xN2bT5wY9cJ4mP0"}
              def login do
                client_secret = "a8f5f167f44f4964e6c998dee827110c"
                client_secret
              end
              def admin?(key), do: key == "7sQ2vN9xK4bT8mW1zR6yC3pL0dF5hJ2g"
              def check(api_key), do: api_key == "7sQ2vN9xK4bT8mW1zR6yC3pL0dF5hJ2g"
            end
        "##,
        expect: &[
            ("SEAL001", 2),
            ("SEAL001", 3),
            ("SEAL001", 3),
            ("SEAL001", 5),
            ("SEAL001", 9),
        ],
    },
    Case {
        name: "names in any letter case, quoted keys",
        path: "priv/repo/seeds.exs",
        src: r##"
            Shop.Repo.insert!(%Shop.Admin{"DB_PASSWORD": "Tr0ub4dor&3"})
        "##,
        expect: &[("SEAL001", 1)],
    },
    Case {
        name: "what only looks like a secret",
        path: LIB,
        src: r##"
            defmodule ShopWeb.Endpoint do
              @session_options [store: :cookie, key: "_shop_key", signing_salt: "Xk2p9QvL"]
              def opts do
                [
                  cache_key: "users",
                  token: "is invalid or has expired",
                  password: "",
                  api_key: "your-api-key",
                  secret: "${SECRET}",
                  access_token: "<token>",
                  api_key_env: "STRIPE_API_KEY",
                  private_key: "priv/keys/private.pem",
                  secret_key_base: "changeme-changeme-changeme-changeme",
                  password: "postgres",
                  aws: "AKIAIOSFODNN7EXAMPLE",
                  primary_key: "a8f5f167f44f4964e6c998dee827110c",
                  session_token: "session_token_name"
                ]
              end
              def env, do: [secret_key_base: System.fetch_env!("SECRET_KEY_BASE")]
            end
        "##,
        expect: &[],
    },
    Case {
        name: "comments and doc text that mention a password",
        path: LIB,
        src: r##"
            defmodule Shop.Accounts do
              @moduledoc "Pass `password: \"...\"` to `register/1`."
              # password: "Tr0ub4dor&3" was the old default
              def register(attrs), do: Map.put(attrs, :password, attrs["password"])
              def header?(pem), do: String.starts_with?(pem, "-----BEGIN RSA PRIVATE KEY-----")
            end
        "##,
        expect: &[],
    },
    Case {
        name: "test code and dev-only config are not judged",
        path: TEST,
        src: r##"
            defmodule Shop.PaymentsTest do
              use ExUnit.Case
              @token "ghp_R8nq2LkV0xJb7TzW4mYc9PdA3sFh6GuE1oKi"
            end
        "##,
        expect: &[],
    },
    Case {
        name: "dev config",
        path: "config/dev.exs",
        src: r##"
            import Config
            config :shop, ShopWeb.Endpoint, secret_key_base: "q8Zm3kV7xN2bT5wY9cJ4mP0dLrHs6GuE1oKiAa7Sd"
        "##,
        expect: &[],
    },
    Case {
        name: "test-data factories are exempt by default",
        path: LIB,
        src: r##"
            defmodule Shop.Factory do
              def tfa_factory, do: %{secret: "OZIH4PZP53MCYZ6Z7QXA"}
            end
        "##,
        expect: &[],
    },
];

const SEAL002: &[Case] = &[
    Case {
        name: "interpolation, concatenation, a variable, piped, aliased, the adapter",
        path: LIB,
        src: r##"
            defmodule Shop.Reports do
              alias Shop.Repo
              alias Ecto.Adapters.SQL
              def a(name), do: Repo.query!("SELECT * FROM users WHERE name = '#{name}'")
              def b(order), do: Repo.query("SELECT * FROM orders ORDER BY " <> order)
              def c(table) do
                sql = "SELECT count(*) FROM #{table}"
                Repo.query(sql, [])
              end
              def d(table), do: "DELETE FROM #{table}" |> Repo.query!()
              def e(col), do: SQL.query!(Repo, "SELECT #{col} FROM t", [])
              def f(ids), do: Shop.Repo.stream("SELECT * FROM t WHERE id IN (" <> Enum.join(ids, ",") <> ")")
            end
        "##,
        expect: &[
            ("SEAL002", 4),
            ("SEAL002", 5),
            ("SEAL002", 8),
            ("SEAL002", 10),
            ("SEAL002", 11),
            ("SEAL002", 12),
        ],
    },
    Case {
        name: "parameters, attributes, literal concatenation, bounded values",
        path: LIB,
        src: r##"
            defmodule Shop.Reports do
              alias Shop.Repo
              @sql "SELECT * FROM users WHERE id = $1"
              def a(id), do: Repo.query!("SELECT * FROM users WHERE id = $1", [id])
              def b(id), do: Repo.query!(@sql, [id])
              def c, do: Repo.query!("SELECT " <> "1")
              def d(t) when t in ["users", "orders"], do: Repo.query!("SELECT count(*) FROM #{t}")
              def e do
                where = " WHERE active"
                sql = "SELECT * FROM users" <> where
                Repo.query!(sql)
              end
              def f(sql), do: Repo.query!(sql)
              def g(q), do: Repo.all(q)
              def h, do: Repo.query!(~S"SELECT '#{not interpolated}'")
              def i(text), do: Logger.query("#{text}")
            end
        "##,
        expect: &[],
    },
    Case {
        name: "a non-Repo module's query",
        path: LIB,
        src: r##"
            defmodule Shop.Search do
              def find(term), do: Shop.Index.query("name:#{term}")
            end
        "##,
        expect: &[],
    },
];

const SEAL003: &[Case] = &[
    Case {
        name: "interpolated, inspected, concatenated, printed as is",
        path: LIB,
        src: r##"
            defmodule Shop.Accounts do
              require Logger
              def a(user), do: Logger.info("login #{user.email} with #{user.password}")
              def b(params), do: Logger.debug(inspect(params["token"]))
              def c(conn), do: IO.inspect(conn.assigns.api_key, label: "key")
              def d(password), do: Logger.warning("bad password: " <> password)
              def e(token), do: IO.puts(token)
              def f(opts), do: Logger.log(:info, "secret=#{opts[:client_secret]}")
            end
        "##,
        expect: &[
            ("SEAL003", 3),
            ("SEAL003", 4),
            ("SEAL003", 5),
            ("SEAL003", 6),
            ("SEAL003", 7),
            ("SEAL003", 8),
        ],
    },
    Case {
        name: "words in the text, generic keys, identifiers, metadata",
        path: LIB,
        src: r##"
            defmodule Shop.Accounts do
              require Logger
              def a(user), do: Logger.info("password reset requested for #{user.email}")
              def b(cache_key), do: Logger.debug("cache miss for #{cache_key}")
              def c(user), do: Logger.info("login", user_id: user.id, password: "[FILTERED]")
              def d(user), do: IO.inspect(user.id, label: "token owner")
              def e(password), do: Bcrypt.hash_pwd_salt(password)
            end
        "##,
        expect: &[],
    },
];

const SEAL004: &[Case] = &[
    Case {
        name: "a Stripe key in fly.toml",
        path: "fly.toml",
        src: r##"
            app = "shop"
            [env]
              STRIPE_SECRET = "sk_live_51H8qTzLkV0xJb7TzW4mYc9Pd"
        "##,
        expect: &[("SEAL004", 3)],
    },
    Case {
        name: "env file assignments in any spelling",
        path: ".env.production",
        src: r##"
            DATABASE_URL=ecto://localhost/shop
            export SECRET_KEY_BASE=q8Zm3kV7xN2bT5wY9cJ4mP0dLrHs6GuE1oKiAa7Sd
            db_password='Tr0ub4dor&3'
            GITHUB_TOKEN=ghp_R8nq2LkV0xJb7TzW4mYc9PdA3sFh6GuE1oKi
        "##,
        expect: &[("SEAL004", 2), ("SEAL004", 3), ("SEAL004", 4)],
    },
    Case {
        name: "a private key in a release template",
        path: "rel/overlays/key.pem.eex",
        src: r##"
            -----BEGIN RSA PRIVATE KEY-----
            MIIEpAIBAAKCAQEA3Tz2mr7SZiAMfQyuvBjM9Oi8q8Zm3kV7xN2bT5wY9cJ4mP0d
            -----END RSA PRIVATE KEY-----
        "##,
        expect: &[("SEAL004", 1)],
    },
    Case {
        name: "references, placeholders, templates, suppressed lines",
        path: ".env",
        src: r##"
            SECRET_KEY_BASE=${SECRET_KEY_BASE}
            STRIPE_SECRET=$STRIPE_SECRET
            AWS_ACCESS_KEY_ID=AKIAIOSFODNN7EXAMPLE
            DB_PASSWORD=postgres
            TOKEN=ghp_R8nq2LkV0xJb7TzW4mYc9PdA3sFh6GuE1oKi # doctrine:disable-line SEAL004 -- revoked test token
        "##,
        expect: &[],
    },
    Case {
        name: "env templates are not read",
        path: ".env.example",
        src: r##"
            SECRET_KEY_BASE=q8Zm3kV7xN2bT5wY9cJ4mP0dLrHs6GuE1oKiAa7Sd
            STRIPE_SECRET=sk_live_51H8qTzLkV0xJb7TzW4mYc9Pd
        "##,
        expect: &[],
    },
    Case {
        name: "names are only judged in env files",
        path: "docker-compose.yml",
        src: r##"
            services:
              db:
                environment:
                  POSTGRES_PASSWORD: Tr0ub4dor&3
        "##,
        expect: &[],
    },
    Case {
        name: "test fixtures are not judged",
        path: "test/fixtures/webhook.json",
        src: r##"
            {"token": "ghp_R8nq2LkV0xJb7TzW4mYc9PdA3sFh6GuE1oKi"}
        "##,
        expect: &[],
    },
    Case {
        name: "lock files are not read",
        path: "mix.lock",
        src: r##"
            %{"jason": {:hex, :jason, "1.4.1", "ghp_R8nq2LkV0xJb7TzW4mYc9PdA3sFh6GuE1oKi", [:mix], [], "hexpm"}}
        "##,
        expect: &[],
    },
];

#[test]
fn seal001_hardcoded_secrets() {
    run(SEAL001, SEAL);
}

#[test]
fn seal002_sql_injection() {
    run(SEAL002, SEAL);
}

#[test]
fn seal003_secrets_in_logs() {
    run(SEAL003, SEAL);
}

#[test]
fn seal004_secrets_in_other_files() {
    run(SEAL004, SEAL);
}

/// Distinct from every key in the rule docs, so a hit below can only be the user's secret.
const STRIPE: &str = "sk_live_77Jq2mNxPz4KwT9vR3bY8cLd";
const BASE: &str = "Hq4rT8vN2mXk9pLz3cW7yB5dF1gJ6sAe0uQiRo";

fn leaky_project() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    write_mix_project(root, "", "Shop");
    write(
        root,
        "config/prod.exs",
        format!("import Config\nconfig :stripity_stripe, api_key: \"{STRIPE}\"\n"),
    );
    write(
        root,
        "fly.toml",
        format!("app = \"shop\"\n[env]\n  STRIPE = \"{STRIPE}\"\n"),
    );
    write(root, ".env", format!("SECRET_KEY_BASE={BASE}\n"));
    write(
        root,
        "lib/shop/keys.ex",
        format!(
            "defmodule Shop.Keys do\n  @moduledoc false\n  @secret_key_base \"{BASE}\"\n  def base, do: @secret_key_base\nend\n"
        ),
    );
    dir
}

#[test]
fn no_output_format_prints_a_secret_in_full() {
    let project = leaky_project();
    for format in ["text", "concise", "json", "sarif", "github"] {
        let run = doctrine(
            project.path(),
            &["check", "--format", format, "--color", "always"],
        );
        assert_eq!(run.code, 1, "{format}: blocking findings fail the check");
        let output = format!("{}{}", run.stdout, run.stderr);
        for secret in [STRIPE, BASE] {
            assert!(
                !output.contains(secret) && !output.contains(&secret[4..]),
                "{format} prints the secret {secret}:\n{output}"
            );
        }
        assert!(output.contains("sk_l****"), "{format} shows the mask");
    }
    let json = doctrine(
        project.path(),
        &["check", "--format", "json", "--select", "SEAL"],
    )
    .json();
    let mut found: Vec<(String, String)> = rules_and_paths(&json)
        .into_iter()
        .map(|(rule, path)| (path, rule))
        .collect();
    found.sort();
    let expected = [
        (".env", "SEAL004"),
        ("config/prod.exs", "SEAL001"),
        ("fly.toml", "SEAL004"),
        ("lib/shop/keys.ex", "SEAL001"),
    ];
    assert_eq!(
        found,
        expected.map(|(p, r)| (p.to_string(), r.to_string())),
        "one finding per committed secret"
    );
}

#[test]
fn the_text_scan_honours_gitignore_and_skips_binaries_and_vendored_files() {
    let project = leaky_project();
    let root = project.path();
    write(root, ".gitignore", ".env\nsecrets/\n");
    write(root, "secrets/prod.yml", format!("key: {STRIPE}\n"));
    write(
        root,
        "assets/vendor/lib.js",
        format!("var k = '{STRIPE}';\n"),
    );
    write(
        root,
        "node_modules/x/index.js",
        format!("var k = '{STRIPE}';\n"),
    );
    let mut binary = format!("{STRIPE}\0").into_bytes();
    binary.extend_from_slice(&[0xff, 0xfe, 0x00]);
    write(root, "priv/static/blob.dat", binary);
    write(
        root,
        ".github/workflows/deploy.yml",
        format!("env:\n  STRIPE: {STRIPE}\n"),
    );
    let json = doctrine(root, &["check", "--format", "json", "--select", "SEAL004"]).json();
    let paths = common::run::finding_paths(&json);
    assert_eq!(paths, [".github/workflows/deploy.yml", "fly.toml"]);
    assert!(
        json["diagnostics"].as_array().unwrap().is_empty(),
        "a binary file is skipped without a word: {}",
        json["diagnostics"]
    );
}

#[test]
fn a_config_exs_default_overridden_in_runtime_exs_is_not_a_finding() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    write_mix_project(root, "", "Shop");
    write(
        root,
        "config/config.exs",
        format!(
            "import Config\nconfig :shop, ShopWeb.Endpoint,\n  secret_key_base: \"{BASE}\",\n  live_view: [signing_salt: \"x\"]\nconfig :shop, Shop.Mailer, api_key: \"{BASE}\"\n"
        ),
    );
    write(
        root,
        "config/runtime.exs",
        "import Config\nif config_env() == :prod do\n  config :shop, ShopWeb.Endpoint, secret_key_base: System.fetch_env!(\"SECRET_KEY_BASE\")\nend\n",
    );
    for args in [
        &["check", "--format", "json", "--select", "SEAL001"][..],
        &[
            "check",
            "--format",
            "json",
            "--select",
            "SEAL001",
            "config/config.exs",
        ][..],
    ] {
        let json = doctrine(root, args).json();
        let lines: Vec<u64> = json["findings"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f["line"].as_u64().unwrap())
            .collect();
        assert_eq!(
            lines,
            [5],
            "{args:?}: only the key runtime.exs does not set again"
        );
    }
}

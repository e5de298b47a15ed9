//! MIGR001–010, table-driven: each case asserts the exact set of (rule, line) MIGR findings of
//! one migration. See PILLARS.md § MIGR and rules/MIGR0*.toml.

mod common;

use common::{Case, LIB, run};

const MIGR: &[&str] = &["MIGR"];
const MIGRATION: &str = "priv/repo/migrations/20240101000000_change.exs";

const CASES: &[Case] = &[
    Case {
        name: "MIGR006 a transaction is reported through the calls it wraps",
        path: MIGRATION,
        src: r##"
            defmodule Shop.Repo.Migrations.Backfill do
              use Ecto.Migration
              def up do
                repo().transaction(fn ->
                  repo().update_all("orders", set: [kind: "web"])
                end)
                repo().transaction(multi())
              end
              def down, do: :ok
              defp multi, do: Ecto.Multi.new()
            end
        "##,
        expect: &[("MIGR006", 5), ("MIGR006", 7)],
    },
    Case {
        name: "MIGR011 volatile defaults on existing tables, when migrating",
        path: MIGRATION,
        src: r##"
            defmodule Shop.Repo.Migrations.PublicIds do
              use Ecto.Migration
              def up do
                alter table(:orders) do
                  add_if_not_exists :public_id, :uuid, default: fragment("uuid_generate_v4()")
                  add :token, :string, default: fragment("md5(random()::text)")
                  add :label, :string, default: "uuid_generate_v4()"
                  add :seen_at, :utc_datetime, default: fragment("now()")
                end
              end
              def down do
                alter table(:orders) do
                  add :legacy_id, :uuid, default: fragment("gen_random_uuid()")
                end
              end
            end
        "##,
        expect: &[("MIGR011", 5), ("MIGR011", 6)],
    },
    Case {
        name: "an unsafe change to an existing table",
        path: MIGRATION,
        src: r##"
            defmodule Shop.Repo.Migrations.Change do
              use Ecto.Migration
              def change do
                alter table(:orders) do
                  remove :legacy
                  modify :total, :decimal
                  add :user_id, references(:users)
                  add :state, :string, null: false
                  add :kind, :string, null: false, default: "web"
                  add :cart_id, references(:carts, validate: false)
                end
                create index(:orders, [:user_id])
                create constraint(:orders, :total_positive, check: "total > 0")
                execute "UPDATE orders SET kind = 'web'"
                rename table(:orders), :total, to: :amount
                drop table(:carts)
                repo().update_all("orders", set: [kind: "web"])
              end
            end
        "##,
        expect: &[
            ("MIGR001", 5),
            ("MIGR005", 6),
            ("MIGR007", 6),
            ("MIGR009", 7),
            ("MIGR008", 8),
            ("MIGR003", 12),
            ("MIGR010", 13),
            ("MIGR007", 14),
            ("MIGR002", 15),
            ("MIGR002", 16),
            ("MIGR006", 17),
        ],
    },
    Case {
        name: "a new table is empty: its indexes, constraints and NOT NULL columns lock nothing",
        path: MIGRATION,
        src: r##"
            defmodule Shop.Repo.Migrations.CreateCarts do
              use Ecto.Migration
              def change do
                create table(:carts) do
                  add :user_id, references(:users), null: false
                  modify :note, :text, from: :string
                end
                create unique_index(:carts, [:user_id])
                create constraint(:carts, :positive, check: "total > 0")
                execute "CREATE EXTENSION citext", "DROP EXTENSION citext"
              end
            end
        "##,
        expect: &[],
    },
    Case {
        name: "concurrent indexes need both module attributes",
        path: MIGRATION,
        src: r##"
            defmodule Shop.Repo.Migrations.IndexOrders do
              use Ecto.Migration
              @disable_ddl_transaction true
              def change do
                create index(:orders, [:user_id], concurrently: true)
                drop_if_exists index(:orders, [:state], concurrently: true)
              end
            end
        "##,
        expect: &[("MIGR004", 5), ("MIGR004", 6)],
    },
    Case {
        name: "concurrent indexes with both attributes, validate: false, rollback functions",
        path: MIGRATION,
        src: r##"
            defmodule Shop.Repo.Migrations.IndexOrders do
              use Ecto.Migration
              @disable_ddl_transaction true
              @disable_migration_lock true
              def up do
                create index(:orders, [:user_id], concurrently: true)
                create constraint(:orders, :positive, check: "total > 0", validate: false)
                alter table(:orders) do
                  add :nickname, :string
                end
              end
              def down do
                alter table(:orders) do
                  remove :nickname
                end
                drop table(:old_orders)
                execute "DROP INDEX CONCURRENTLY orders_user_id_index"
              end
            end
        "##,
        expect: &[],
    },
    Case {
        name: "operations inside control flow and helpers are seen",
        path: MIGRATION,
        src: r##"
            defmodule Shop.Repo.Migrations.Many do
              use Ecto.Migration
              def change do
                for table <- [:orders, :carts] do
                  create index(table, [:inserted_at])
                end
                Enum.each([:a], fn name -> Shop.Repo.delete_all(name) end)
              end
            end
        "##,
        expect: &[("MIGR003", 5), ("MIGR006", 7)],
    },
    Case {
        name: "only what Ecto runs is judged: change, up, down and the functions they call",
        path: MIGRATION,
        src: r##"
            defmodule Shop.Repo.Migrations.AddMeta do
              use Ecto.Migration
              def up do
                alter table(:releases) do
                  add :meta, :jsonb
                end
                drop_app(:releases)
                drop index(:releases, [:app])
                Enum.each([:releases], &backfill/1)
              end
              def drop() do
                alter table(:releases) do
                  remove :meta
                end
                drop_if_exists table("package_report_releases")
                rename table(:releases), :meta, to: :metadata
              end
              def down, do: restore_app()
              defp drop_app(table) do
                alter table(table) do
                  remove :app
                end
              end
              defp backfill(table), do: repo().update_all(table, set: [meta: nil])
              defp restore_app do
                drop table(:old_releases)
                create index(:releases, [:app])
                alter table(:releases) do
                  remove :meta
                end
              end
              defp unused, do: repo().delete_all("releases")
            end
        "##,
        expect: &[("MIGR001", 21), ("MIGR003", 8), ("MIGR006", 24)],
    },
    Case {
        name: "a rename or removal of what the same migration created or added before",
        path: MIGRATION,
        src: r##"
            defmodule Shop.Repo.Migrations.EncryptTokens do
              use Ecto.Migration
              def change do
                rename table(:tokens), :secret, to: :old_secret
                alter table(:tokens) do
                  add :encrypted_access, :binary
                  add :secret, :binary
                end
                create table(:drafts) do
                  add :body, :text
                end
                alter table(:tokens) do
                  remove :access
                  remove :encrypted_access
                end
                alter table(:drafts) do
                  remove :body
                end
                rename table(:tokens), :encrypted_access, to: :access
                rename table(:drafts), :body, to: :text
                rename table(:drafts), to: table(:notes)
                rename table(:tokens), :refresh, to: :refresh_token
                drop table(:notes)
              end
            end
        "##,
        expect: &[
            ("MIGR002", 4),
            ("MIGR001", 13),
            ("MIGR002", 22),
            ("MIGR002", 23),
        ],
    },
    Case {
        name: "MIGR005 a modify that keeps the type: nullability, default, growing precision",
        path: MIGRATION,
        src: r##"
            defmodule Shop.Repo.Migrations.Precision do
              use Ecto.Migration
              def change do
                alter table(:drives) do
                  modify :start_date, :utc_datetime_usec, from: :utc_datetime
                  modify :ended_at, :naive_datetime_usec, from: :naive_datetime
                  modify :at, :time_usec, from: :time
                  modify :logged_at, :utc_datetime, from: :naive_datetime
                  modify :name, :string, null: true, from: :string
                  modify :kind, :string, default: "web", from: {:string, default: nil}
                  modify :grants, {:array, :string}, null: false, from: {:array, :string}
                  modify :stamp, :utc_datetime, from: :utc_datetime_usec
                  modify :code, :string, size: 10, from: :string
                  modify :total, :decimal, from: :float
                  modify :seen_at, :utc_datetime_usec, precision: 3, from: :utc_datetime_usec
                  modify :email, :string, null: false, from: {:string, null: false}
                end
              end
            end
        "##,
        expect: &[
            ("MIGR005", 11),
            ("MIGR005", 12),
            ("MIGR005", 13),
            ("MIGR005", 14),
            ("MIGR005", 15),
        ],
    },
    Case {
        name: "MIGR005 a modify to references only recreates the foreign key; rollbacks are exempt",
        path: MIGRATION,
        src: r##"
            defmodule Shop.Repo.Migrations.CascadeDelete do
              use Ecto.Migration
              def up do
                drop constraint(:drives, "drives_car_id_fkey")
                alter table(:drives) do
                  modify :car_id, references(:cars, on_delete: :delete_all)
                  modify :user_id, references(:users, on_delete: :nilify_all), null: false
                  modify :owner_id, references(:users, type: :uuid), from: references(:users)
                end
              end
              def down do
                alter table(:drives) do
                  modify :car_id, :bigint, null: false
                  modify :start_date, :utc_datetime
                  add :legacy_id, references(:legacy)
                end
                create index(:drives, [:car_id])
                create constraint(:drives, :positive, check: "total > 0")
              end
            end
        "##,
        expect: &[
            ("MIGR009", 6),
            ("MIGR005", 7),
            ("MIGR009", 7),
            ("MIGR005", 8),
            ("MIGR009", 8),
        ],
    },
    Case {
        name: "outside migrations nothing is judged",
        path: LIB,
        src: r##"
            defmodule Shop.Setup do
              def run, do: Shop.Repo.delete_all(Shop.Cart)
              def remove(x), do: x
            end
        "##,
        expect: &[],
    },
];

#[test]
fn migr_rules() {
    run(CASES, MIGR);
}

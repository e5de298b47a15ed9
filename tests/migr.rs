//! MIGR001–010, table-driven: each case asserts the exact set of (rule, line) MIGR findings of
//! one migration. See PILLARS.md § MIGR and rules/MIGR0*.toml.

mod common;

use common::{Case, LIB, run};

const MIGR: &[&str] = &["MIGR"];
const MIGRATION: &str = "priv/repo/migrations/20240101000000_change.exs";

const CASES: &[Case] = &[
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

//! PERF001–002, table-driven: each case asserts the exact set of (rule, line) PERF findings.
//! See PILLARS.md § PERF and rules/PERF00*.toml.

mod common;

use common::{Case, LIB, TEST, run};

const PERF: &[&str] = &["PERF"];

const CASES: &[Case] = &[
    Case {
        name: "PERF001 queries per element, in every per-item position",
        path: LIB,
        src: r##"
            defmodule Shop.Orders do
              alias Shop.Repo
              def a(orders), do: Enum.map(orders, fn o -> Repo.get!(Shop.User, o.user_id) end)
              def b(ids), do: ids |> Enum.map(&Repo.get!(Shop.Order, &1))
              def c(rows), do: Enum.each(rows, &Repo.delete!/1)
              def d(users), do: for(u <- users, do: Repo.preload(u, :orders))
              def e(ids), do: Task.async_stream(ids, fn id -> MyApp.Repo.get(Shop.User, id) end)
              def f(users) do
                Enum.reduce(users, 0, fn u, acc ->
                  case u do
                    %{admin: true} -> acc + Repo.aggregate(Shop.Order, :count)
                    _ -> acc
                  end
                end)
              end
            end
        "##,
        expect: &[
            ("PERF001", 3),
            ("PERF001", 4),
            ("PERF001", 5),
            ("PERF001", 6),
            ("PERF001", 7),
            ("PERF001", 11),
        ],
    },
    Case {
        name: "PERF001 batching, preloading the list, Multi building, the collection argument",
        path: LIB,
        src: r##"
            defmodule Shop.Orders do
              alias Shop.Repo
              alias Ecto.Multi
              def a(orders), do: Repo.preload(orders, :user)
              def b(rows), do: rows |> Enum.chunk_every(500) |> Enum.each(&Repo.insert_all(Shop.Order, &1))
              def c(orders) do
                orders
                |> Enum.reduce(Multi.new(), fn o, m -> Multi.update(m, o.id, cancel(o)) end)
                |> Repo.transaction()
              end
              def d, do: Enum.map(Repo.all(from o in Shop.Order, where: o.open), & &1.total)
              def e(users), do: Enum.map(users, &Shop.Cache.get(&1.id))
              defp cancel(o), do: o
            end
        "##,
        expect: &[],
    },
    Case {
        name: "PERF001 a captured local function whose body queries",
        path: LIB,
        src: r##"
            defmodule Shop.Orders do
              alias Shop.Repo
              def owners(orders), do: Enum.map(orders, &load_owner/1)
              def totals(orders), do: Enum.map(orders, &total/1)
              def each_owner(orders), do: orders |> Stream.map(&load_owner(&1, [])) |> Enum.to_list()
              def later(orders), do: Enum.map(orders, &load_later/1)
              def one(order), do: load_owner(order)
              defp load_owner(order, opts \\ []), do: Repo.get(Shop.User, order.user_id, opts)
              defp total(order), do: order.total
              defp load_later(order), do: fn -> Repo.get(Shop.User, order.user_id) end
            end
        "##,
        expect: &[("PERF001", 3)],
    },
    Case {
        name: "PERF001 does not judge tests",
        path: TEST,
        src: r##"
            defmodule Shop.OrdersTest do
              use ExUnit.Case
              test "x", do: Enum.each([1], fn id -> Shop.Repo.get(Shop.Order, id) end)
            end
        "##,
        expect: &[],
    },
    Case {
        name: "PERF002 bare schemas, unbounded from and pipelines, through a variable",
        path: LIB,
        src: r##"
            defmodule Shop.Accounts do
              import Ecto.Query
              alias Shop.Repo
              def a, do: Repo.all(Shop.User)
              def b, do: Shop.User |> Repo.all()
              def c, do: Repo.all(from u in Shop.User, select: u.email)
              def d, do: Shop.User |> order_by(:name) |> Repo.all()
              def e do
                query = from(u in Shop.User, join: o in assoc(u, :orders), on: true)
                Repo.all(query)
              end
            end
        "##,
        expect: &[
            ("PERF002", 4),
            ("PERF002", 5),
            ("PERF002", 6),
            ("PERF002", 7),
            ("PERF002", 10),
        ],
    },
    Case {
        name: "PERF002 filtered, bounded or unknown queries",
        path: LIB,
        src: r##"
            defmodule Shop.Accounts do
              import Ecto.Query
              alias Shop.Repo
              def a, do: Repo.all(from u in Shop.User, where: u.role == :admin)
              def b, do: Shop.User |> order_by(desc: :inserted_at) |> limit(50) |> Repo.all()
              def c, do: Shop.User |> first() |> Repo.all()
              def d(query), do: Repo.all(query)
              def e, do: Repo.all(Shop.User.active())
              def f, do: Shop.User |> where(active: true) |> Repo.all()
              def g, do: Repo.one(Shop.User)
              def h, do: Shop.Index.all(Shop.User)
            end
        "##,
        expect: &[],
    },
    Case {
        name: "PERF002 pipelines through project functions have a shape not seen here",
        path: LIB,
        src: r##"
            defmodule Shop.Admin do
              import Ecto.Query
              alias Shop.{Repo, Topic, NewsItem}
              def a(n), do: Topic |> Topic.newest_first(:updated_at) |> Topic.limit(n) |> Repo.all()
              def b(ids), do: NewsItem |> NewsItem.by_ids(ids) |> NewsItem.preload_all() |> Repo.all()
              def c(repository) do
                from(r in Shop.Release, select: r.id)
                |> releases_where(repository)
                |> Repo.all()
              end
              def d, do: Topic |> order_by(:name) |> preload(:items) |> Repo.all()
              defp releases_where(query, repository), do: where(query, [r], r.repository_id == ^repository.id)
            end
        "##,
        expect: &[("PERF002", 11)],
    },
];

#[test]
fn perf_rules() {
    run(CASES, PERF);
}

//! ZERO001 (unsafe atom creation) and ZERO002 (bare rescue), table-driven. Each case asserts
//! the exact set of (rule, line) ZERO findings of a snippet, so a case fails both on a missed
//! finding and on an extra one. See PILLARS.md § ZERO and rules/ZERO00{1,2}.toml.

mod common;

use common::{At, Case, LIB, TEST, run, run_positions};

const ZERO: &[&str] = &["ZERO"];

// ---------------------------------------------------------------------------------------------
// ZERO001 — flagged, in every spelling
// ---------------------------------------------------------------------------------------------

const ZERO001_POSITIVE: &[Case] = &[
    Case {
        name: "direct call",
        path: LIB,
        src: r##"
            defmodule Shop.Sort do
              def order(params), do: String.to_atom(params["order"])
            end
        "##,
        expect: &[("ZERO001", 2)],
    },
    Case {
        name: "direct call in a block body",
        path: LIB,
        src: r##"
            defmodule Shop.Sort do
              def order(params) do
                key = params["order"]
                String.to_atom(key)
              end
            end
        "##,
        expect: &[("ZERO001", 4)],
    },
    Case {
        name: "direct call nested in another call",
        path: LIB,
        src: r##"
            defmodule Shop.Sort do
              def order(x), do: Map.get(%{}, String.to_atom(String.downcase(x)))
            end
        "##,
        expect: &[("ZERO001", 2)],
    },
    Case {
        name: "two calls on one line are two findings",
        path: LIB,
        src: r##"
            defmodule Shop.Pair do
              def pair(a, b), do: {String.to_atom(a), String.to_atom(b)}
            end
        "##,
        expect: &[("ZERO001", 2), ("ZERO001", 2)],
    },
    Case {
        name: "direct call without parentheses",
        path: LIB,
        src: r##"
            defmodule Shop.Sort do
              def order(x) do
                String.to_atom x
              end
            end
        "##,
        expect: &[("ZERO001", 3)],
    },
    Case {
        name: "piped with parentheses",
        path: LIB,
        src: r##"
            defmodule Shop.Sort do
              def order(x), do: x |> String.to_atom()
            end
        "##,
        expect: &[("ZERO001", 2)],
    },
    Case {
        name: "piped without parentheses",
        path: LIB,
        src: r##"
            defmodule Shop.Sort do
              def order(x), do: x |> String.to_atom
            end
        "##,
        expect: &[("ZERO001", 2)],
    },
    Case {
        name: "multi-step pipe reports the to_atom step's line",
        path: LIB,
        src: r##"
            defmodule Shop.Sort do
              def order(params) do
                params
                |> Map.get("order")
                |> String.trim()
                |> String.downcase()
                |> String.to_atom()
              end
            end
        "##,
        expect: &[("ZERO001", 7)],
    },
    Case {
        name: "pipe that starts from a literal but transforms it is not a literal argument",
        path: LIB,
        src: r##"
            defmodule Shop.Sort do
              def order(suffix), do: "order_" |> Kernel.<>(suffix) |> String.to_atom()
            end
        "##,
        expect: &[("ZERO001", 2)],
    },
    Case {
        name: "capture reference",
        path: LIB,
        src: r##"
            defmodule Shop.Api do
              def fields(names), do: Enum.map(names, &String.to_atom/1)
            end
        "##,
        expect: &[("ZERO001", 2)],
    },
    Case {
        name: "capture with a placeholder argument",
        path: LIB,
        src: r##"
            defmodule Shop.Api do
              def fields(names), do: Enum.map(names, &String.to_atom(&1))
            end
        "##,
        expect: &[("ZERO001", 2)],
    },
    Case {
        name: "capture inside a pipe and passed to then/2",
        path: LIB,
        src: r##"
            defmodule Shop.Api do
              def fields(names), do: names |> Enum.map(&String.to_atom/1)
              def field(name), do: then(name, &String.to_atom/1)
            end
        "##,
        expect: &[("ZERO001", 2), ("ZERO001", 3)],
    },
    Case {
        name: "alias String, as: S",
        path: LIB,
        src: r##"
            defmodule Shop.Events do
              alias String, as: S
              def topic(id), do: S.to_atom(id)
              def topics(ids), do: Enum.map(ids, &S.to_atom/1)
              def piped(id), do: id |> S.to_atom()
            end
        "##,
        expect: &[("ZERO001", 3), ("ZERO001", 4), ("ZERO001", 5)],
    },
    Case {
        name: "import String, only: [to_atom: 1]",
        path: LIB,
        src: r##"
            defmodule Shop.Events do
              import String, only: [to_atom: 1]
              def topic(id), do: to_atom(id)
              def piped(id), do: id |> to_atom()
              def topics(ids), do: Enum.map(ids, &to_atom/1)
            end
        "##,
        expect: &[("ZERO001", 3), ("ZERO001", 4), ("ZERO001", 5)],
    },
    Case {
        name: "import String without only",
        path: LIB,
        src: r##"
            defmodule Shop.Events do
              import String
              def topic(id), do: to_atom(id)
            end
        "##,
        expect: &[("ZERO001", 3)],
    },
    Case {
        name: "import inside a function body",
        path: LIB,
        src: r##"
            defmodule Shop.Events do
              def topic(id) do
                import String, only: [to_atom: 1]
                to_atom(id)
              end
            end
        "##,
        expect: &[("ZERO001", 4)],
    },
    Case {
        name: "alias inside one function covers that function only",
        path: LIB,
        src: r##"
            defmodule Shop.Events do
              def topic(id) do
                alias String, as: S
                S.to_atom(id)
              end

              def other(id), do: S.to_atom(id)
            end
        "##,
        expect: &[("ZERO001", 4)],
    },
    Case {
        name: "fully qualified Elixir.String",
        path: LIB,
        src: r##"
            defmodule Shop.Events do
              def topic(id), do: Elixir.String.to_atom(id)
            end
        "##,
        expect: &[("ZERO001", 2)],
    },
    Case {
        name: "List.to_atom direct and captured",
        path: LIB,
        src: r##"
            defmodule Shop.Legacy do
              def key(chars), do: List.to_atom(chars)
              def keys(list), do: Enum.map(list, &List.to_atom/1)
            end
        "##,
        expect: &[("ZERO001", 2), ("ZERO001", 3)],
    },
    Case {
        name: ":erlang.binary_to_atom/1 and /2",
        path: LIB,
        src: r##"
            defmodule Shop.Legacy do
              def a(bin), do: :erlang.binary_to_atom(bin)
              def b(bin), do: :erlang.binary_to_atom(bin, :utf8)
              def c(bin), do: bin |> :erlang.binary_to_atom(:latin1)
              def d(bins), do: Enum.map(bins, &:erlang.binary_to_atom(&1, :utf8))
              def e(bins), do: Enum.map(bins, &:erlang.binary_to_atom/2)
            end
        "##,
        expect: &[
            ("ZERO001", 2),
            ("ZERO001", 3),
            ("ZERO001", 4),
            ("ZERO001", 5),
            ("ZERO001", 6),
        ],
    },
    Case {
        name: ":erlang.list_to_atom/1 direct, captured and aliased",
        path: LIB,
        src: r##"
            defmodule Shop.Legacy do
              alias :erlang, as: Erl
              def a(chars), do: :erlang.list_to_atom(chars)
              def b(list), do: Enum.map(list, &:erlang.list_to_atom/1)
              def c(chars), do: Erl.list_to_atom(chars)
            end
        "##,
        expect: &[("ZERO001", 3), ("ZERO001", 4), ("ZERO001", 5)],
    },
    Case {
        name: "interpolated or concatenated string argument is not a literal",
        path: LIB,
        src: r##"
            defmodule Shop.Events do
              def a(id), do: String.to_atom("user_#{id}")
              def b(id), do: String.to_atom("user_" <> id)
              def c(id), do: List.to_atom(~c"user_#{id}")
            end
        "##,
        expect: &[("ZERO001", 2), ("ZERO001", 3), ("ZERO001", 4)],
    },
    Case {
        name: "interpolated atom literal",
        path: LIB,
        src: r##"
            defmodule Shop.Events do
              def topic(id), do: :"user_#{id}"
              def dashed(id), do: :"#{id}-created"
            end
        "##,
        expect: &[("ZERO001", 2), ("ZERO001", 3)],
    },
    Case {
        name: "interpolated keyword keys in lists, maps and call arguments",
        path: LIB,
        src: r##"
            defmodule Shop.Events do
              def a(k, v), do: ["#{k}": v]
              def b(k, v), do: %{"#{k}_id": v}
              def c(k, v), do: Keyword.merge([], "#{k}": v)
            end
        "##,
        expect: &[("ZERO001", 2), ("ZERO001", 3), ("ZERO001", 4)],
    },
    Case {
        name: "~w(...)a sigil with interpolation",
        path: LIB,
        src: r##"
            defmodule Shop.Events do
              def names(x), do: ~w(id #{x} price)a
            end
        "##,
        expect: &[("ZERO001", 2)],
    },
    Case {
        name: "the call inside a string interpolation is run-time code",
        path: LIB,
        src: r##"
            defmodule Shop.Events do
              def a(x), do: "topic #{String.to_atom(x)}"
              def b(x), do: ~s(topic #{String.to_atom(x)})
            end
        "##,
        expect: &[("ZERO001", 2), ("ZERO001", 3)],
    },
    Case {
        name: "Jason.decode and decode! with keys: :atoms",
        path: LIB,
        src: r##"
            defmodule Shop.Api do
              def a(body), do: Jason.decode(body, keys: :atoms)
              def b(body), do: Jason.decode!(body, keys: :atoms)
              def c(body), do: Jason.decode(body, strict: true, keys: :atoms)
            end
        "##,
        expect: &[("ZERO001", 2), ("ZERO001", 3), ("ZERO001", 4)],
    },
    Case {
        name: "Jason piped",
        path: LIB,
        src: r##"
            defmodule Shop.Api do
              def a(body), do: body |> Jason.decode(keys: :atoms)
              def b(conn) do
                conn.body
                |> IO.iodata_to_binary()
                |> Jason.decode!(keys: :atoms)
              end
            end
        "##,
        expect: &[("ZERO001", 2), ("ZERO001", 6)],
    },
    Case {
        name: "Jason keys option given as an explicit list",
        path: LIB,
        src: r##"
            defmodule Shop.Api do
              def a(body), do: Jason.decode(body, [keys: :atoms])
              def b(body), do: body |> Jason.decode!([strict: true, keys: :atoms])
            end
        "##,
        expect: &[("ZERO001", 2), ("ZERO001", 3)],
    },
    Case {
        name: "Jason captured with options, aliased, and Poison",
        path: LIB,
        src: r##"
            defmodule Shop.Api do
              alias Jason, as: JSON
              def a(bodies), do: Enum.map(bodies, &Jason.decode!(&1, keys: :atoms))
              def b(body), do: JSON.decode(body, keys: :atoms)
              def c(body), do: Poison.decode!(body, keys: :atoms)
            end
        "##,
        expect: &[("ZERO001", 3), ("ZERO001", 4), ("ZERO001", 5)],
    },
    Case {
        name: "anonymous function body",
        path: LIB,
        src: r##"
            defmodule Shop.Api do
              def fields(names), do: Enum.map(names, fn n -> String.to_atom(n) end)
            end
        "##,
        expect: &[("ZERO001", 2)],
    },
    Case {
        name: "quote body in a macro is run-time code",
        path: LIB,
        src: r##"
            defmodule Shop.Macros do
              defmacro field(name) do
                quote do
                  String.to_atom(unquote(name))
                end
              end
            end
        "##,
        expect: &[("ZERO001", 4)],
    },
    Case {
        name: "quote(do: ...) and quote with options: the quoted code is run-time code",
        path: LIB,
        src: r##"
            defmodule Shop.Macros do
              defmacro a(name), do: quote(do: String.to_atom(unquote(name)))
              defmacro b(name) do
                quote location: :keep do
                  :"field_#{unquote(name)}_#{System.unique_integer()}"
                end
              end
            end
        "##,
        expect: &[("ZERO001", 2), ("ZERO001", 5)],
    },
    Case {
        name: "the body of def unquote(name)(...) is run-time code",
        path: LIB,
        src: r##"
            defmodule Shop.Fields do
              for name <- [:get, :put] do
                def unquote(name)(key), do: String.to_atom(key)
              end
            end
        "##,
        expect: &[("ZERO001", 3)],
    },
    Case {
        name: "do-blocks of route macros in a module body are run-time code",
        path: LIB,
        src: r##"
            defmodule Shop.Router do
              use Plug.Router

              get "/sort" do
                order = String.to_atom(conn.params["order"])
                send_resp(conn, 200, Atom.to_string(order))
              end
            end
        "##,
        expect: &[("ZERO001", 5)],
    },
];

// ---------------------------------------------------------------------------------------------
// ZERO001 — not flagged
// ---------------------------------------------------------------------------------------------

const ZERO001_NEGATIVE: &[Case] = &[
    Case {
        name: "the pattern inside a string",
        path: LIB,
        src: r##"
            defmodule Shop.Text do
              def a, do: "String.to_atom(x) and Jason.decode(x, keys: :atoms)"
              def b, do: "never :\"user_\" <> id"
            end
        "##,
        expect: &[],
    },
    Case {
        name: "the pattern inside a charlist",
        path: LIB,
        src: r##"
            defmodule Shop.Text do
              def a, do: 'String.to_atom(x)'
              def b, do: ~c"List.to_atom(x)"
            end
        "##,
        expect: &[],
    },
    Case {
        name: "the pattern inside a comment",
        path: LIB,
        src: r##"
            defmodule Shop.Text do
              # String.to_atom(x) would be unsafe; so would :"user_#{id}"
              def a, do: :ok # Jason.decode!(body, keys: :atoms)
            end
        "##,
        expect: &[],
    },
    Case {
        name: "the pattern inside @doc and @moduledoc heredocs",
        path: LIB,
        src: r##"
            defmodule Shop.Text do
              @moduledoc """
              Never call `String.to_atom(input)` or `Jason.decode!(body, keys: :atoms)`.
                  iex> :erlang.binary_to_atom(bin, :utf8)
              """

              @doc """
              See `String.to_existing_atom/1`; `List.to_atom(chars)` is banned.
              """
              def a, do: :ok

              @doc ~S"""
              Interpolated atoms like :"user_#{id}" are banned too.
              """
              def b, do: :ok
            end
        "##,
        expect: &[],
    },
    Case {
        name: "the pattern inside ~S and ~s sigils",
        path: LIB,
        src: r##"
            defmodule Shop.Text do
              def a, do: ~S[String.to_atom(x)]
              def b, do: ~s{String.to_atom(x)}
              def c, do: ~S|:"user_#{id}"|
              def d, do: ~S"""
              Jason.decode!(body, keys: :atoms)
              """
            end
        "##,
        expect: &[],
    },
    Case {
        name: "literal arguments",
        path: LIB,
        src: r##"
            defmodule Shop.Status do
              def a, do: String.to_atom("ok")
              def b, do: "ok" |> String.to_atom()
              def c, do: "ok" |> String.to_atom
              def d, do: String.to_atom("o" <> "k")
              def e, do: List.to_atom('ok')
              def f, do: List.to_atom(~c"ok")
              def g, do: :erlang.binary_to_atom("ok", :utf8)
              def h, do: :erlang.list_to_atom('ok')
              def i, do: String.to_atom(~s(ok))
            end
        "##,
        expect: &[],
    },
    Case {
        name: "to_existing_atom in every spelling",
        path: LIB,
        src: r##"
            defmodule Shop.Status do
              def a(x), do: String.to_existing_atom(x)
              def b(x), do: x |> String.to_existing_atom()
              def c(xs), do: Enum.map(xs, &String.to_existing_atom/1)
              def d(x), do: List.to_existing_atom(x)
              def e(x), do: :erlang.binary_to_existing_atom(x, :utf8)
            end
        "##,
        expect: &[],
    },
    Case {
        name: "Jason with keys: :atoms!, other keys, or no options",
        path: LIB,
        src: r##"
            defmodule Shop.Api do
              def a(body), do: Jason.decode(body, keys: :atoms!)
              def b(body), do: body |> Jason.decode!(keys: :atoms!)
              def c(body), do: Jason.decode(body, keys: :strings)
              def d(body), do: Jason.decode!(body)
              def e(body, opts), do: Jason.decode(body, opts)
              def f(term), do: Jason.encode!(term, pretty: true)
            end
        "##,
        expect: &[],
    },
    Case {
        name: "a local function named to_atom",
        path: LIB,
        src: r##"
            defmodule Shop.Atoms do
              def to_atom("asc"), do: :asc
              def to_atom("desc"), do: :desc
              def order(x), do: to_atom(x)
              def orders(xs), do: Enum.map(xs, &to_atom/1)
              def piped(x), do: x |> to_atom()
            end
        "##,
        expect: &[],
    },
    Case {
        name: "an import of another function does not make to_atom String's",
        path: LIB,
        src: r##"
            defmodule Shop.Atoms do
              import String, only: [trim: 1]
              def order(x), do: to_atom(trim(x))
              defp to_atom(x), do: Map.fetch!(%{"asc" => :asc}, x)
            end
        "##,
        expect: &[],
    },
    Case {
        name: "a different module's to_atom",
        path: LIB,
        src: r##"
            defmodule Shop.Atoms do
              def a(x), do: MyString.to_atom(x)
              def b(x), do: MyApp.String.to_atom(x)
              def c(x), do: Shop.List.to_atom(x)
              def d(x), do: :my_erlang.binary_to_atom(x, :utf8)
              def e(mod, x), do: mod.to_atom(x)
            end
        "##,
        expect: &[],
    },
    Case {
        name: "alias MyApp.String shadows String",
        path: LIB,
        src: r##"
            defmodule Shop.Atoms do
              alias MyApp.String
              def a(x), do: String.to_atom(x)
            end
        "##,
        expect: &[],
    },
    Case {
        name: "an alias in one module does not leak into the next",
        path: LIB,
        src: r##"
            defmodule Shop.A do
              alias String, as: S
            end

            defmodule Shop.B do
              def a(x), do: S.to_atom(x)
            end
        "##,
        expect: &[],
    },
    Case {
        name: "plain quoted atoms and keyword keys",
        path: LIB,
        src: r##"
            defmodule Shop.Atoms do
              def a, do: :"plain quoted atom"
              def b, do: ["quoted key": 1, "other-key": 2]
              def c, do: %{"with space": 1}
              def d, do: ~w(id name price)a
              def e(x), do: ~w(id #{x} price)
              def f, do: ~W(id #{x} price)a
            end
        "##,
        expect: &[],
    },
    Case {
        name: "module attribute values are computed at compile time",
        path: LIB,
        src: r##"
            defmodule Shop.Fields do
              @base "shop"
              @fields Enum.map(~w(id name), &String.to_atom/1)
              @topic :"#{@base}_events"
              @pairs ["#{@base}": 1]
              @decoded Jason.decode!(~s({"a": 1}), keys: :atoms)
              @piped "name" |> String.upcase() |> String.to_atom()
              def fields, do: @fields
            end
        "##,
        expect: &[],
    },
    Case {
        name: "unquote(...) inside def unquote(...) runs at compile time",
        path: LIB,
        src: r##"
            defmodule Shop.Fields do
              for name <- ~w(id name price) do
                def unquote(String.to_atom("get_" <> name))(map), do: Map.get(map, unquote(name))
                def unquote(:"put_#{name}")(map, v), do: Map.put(map, unquote(name), v)
              end
            end
        "##,
        expect: &[],
    },
    Case {
        name: "macro bodies outside quote run at compile time",
        path: LIB,
        src: r##"
            defmodule Shop.Macros do
              defmacro getter(name) do
                fun = String.to_atom("get_#{name}")
                key = :"#{name}"

                quote do
                  def unquote(fun)(map), do: Map.get(map, unquote(key))
                end
              end

              defmacrop private(name) do
                String.to_atom(name)
              end
            end
        "##,
        expect: &[],
    },
    Case {
        name: "unquote inside quote runs at compile time",
        path: LIB,
        src: r##"
            defmodule Shop.Macros do
              defmacro field(name) do
                quote do
                  Map.get(var!(map), unquote(String.to_atom(name)))
                end
              end
            end
        "##,
        expect: &[],
    },
    Case {
        name: "quote options such as bind_quoted are evaluated with the macro body",
        path: LIB,
        src: r##"
            defmodule Shop.Macros do
              defmacro getter(name) do
                quote bind_quoted: [fun: String.to_atom("get_#{name}"), key: :"#{name}"] do
                  def unquote(fun)(map), do: Map.get(map, unquote(key))
                end
              end

              defmacro setter(name) do
                quote(bind_quoted: [fun: String.to_atom("put_" <> name)], do: def(unquote(fun)(), do: :ok))
              end
            end
        "##,
        expect: &[],
    },
    Case {
        name: "statements directly in a module body run at compile time",
        path: LIB,
        src: r##"
            defmodule Shop.Templates do
              @pre "templates/app"
              template(:new, [
                {:eex, :app, "#{@pre}/lib/app.ex": "lib/app.ex", "#{@dir}/mix.exs": "mix.exs"}
              ])
              for name <- ~w(id name) do
                @atom String.to_atom(name)
                Module.put_attribute(__MODULE__, :names, String.to_atom(name))
              end
              Enum.each(~w(a b), fn n -> Module.put_attribute(__MODULE__, :x, :"x_#{n}") end)
            end
        "##,
        expect: &[],
    },
    Case {
        name: "module attributes and binaries of literals are constants, not run-time data",
        path: LIB,
        src: r##"
            defmodule Shop.Constants do
              @prefix "shop"
              def a, do: String.to_atom(@prefix)
              def b, do: :"#{@prefix}_events"
              def c, do: ["#{@prefix}_key": 1]
              def d, do: :erlang.binary_to_atom(<<1, 2>>, :utf8)
              def e, do: :erlang.list_to_atom([?a, ?b])
              def f, do: String.to_atom("#{@prefix}" <> "_x")
            end
        "##,
        expect: &[],
    },
];

const ZERO001_MODULE_BODY_MACROS: &[Case] = &[Case {
    name: "do blocks of macros called in a module body become functions: run time",
    path: TEST,
    src: r##"
        defmodule Shop.EventsTest do
          use ExUnit.Case
          @prefix "x"
          setup do
            {:ok, atom: String.to_atom(System.get_env("NAME"))}
          end
          test "topic" do
            assert :"#{@prefix}_#{System.unique_integer()}"
          end
          for name <- ~w(a b) do
            test "dynamic #{name}" do
              String.to_atom(unquote(name) <> Integer.to_string(System.unique_integer()))
            end
          end
        end
    "##,
    expect: &[("ZERO001", 5), ("ZERO001", 8), ("ZERO001", 12)],
}];

#[test]
fn zero001_macro_do_blocks_in_module_bodies_are_run_time() {
    common::run_with_config(ZERO001_MODULE_BODY_MACROS, &["ZERO001"], ALL_ROLES);
}

// ---------------------------------------------------------------------------------------------
// Roles: ZERO judges lib code only, unless `.doctrine.toml` widens it
// ---------------------------------------------------------------------------------------------

/// Both ZERO rules widened to every file role.
const ALL_ROLES: &str = "[rules.ZERO001]\nroles = [\"all\"]\n[rules.ZERO002]\nroles = [\"all\"]\n";

const ZERO_BY_DEFAULT_OUTSIDE_LIB: &[Case] = &[
    Case {
        name: "test code is not attack surface",
        path: TEST,
        src: r##"
            defmodule Shop.EventsTest do
              use ExUnit.Case
              test "converts" do
                assert String.to_atom(Atom.to_string(:a)) == :a
                try do
                  raise "x"
                rescue
                  _ -> :ok
                end
              end
            end
        "##,
        expect: &[],
    },
    Case {
        name: "test support modules are test code",
        path: "test/support/factory.ex",
        src: r##"
            defmodule Shop.Factory do
              def build(name), do: String.to_atom(name)
            end
        "##,
        expect: &[],
    },
    Case {
        name: "config is read from the operator's environment at boot",
        path: "config/runtime.exs",
        src: r##"
            import Config
            config :shop, mode: System.fetch_env!("MODE") |> String.to_atom()
        "##,
        expect: &[],
    },
    Case {
        name: "mix.exs",
        path: "mix.exs",
        src: r##"
            defmodule Shop.MixProject do
              use Mix.Project
              def project, do: [app: String.to_atom(System.get_env("APP", "shop"))]
            end
        "##,
        expect: &[],
    },
    Case {
        name: "dev tooling under lib/mix never runs in a release",
        path: "lib/mix/tasks/shop.import.ex",
        src: r##"
            defmodule Mix.Tasks.Shop.Import do
              use Mix.Task
              def run([kind]) do
                String.to_atom(kind)
              rescue
                e -> Mix.raise(inspect(e))
              end
            end
        "##,
        expect: &[],
    },
    Case {
        name: "scripts and seeds",
        path: "priv/repo/seeds.exs",
        src: r##"
            Enum.each(~w(a b), fn name -> String.to_atom(name <> System.get_env("X")) end)
        "##,
        expect: &[],
    },
    Case {
        name: "lib code in an umbrella app is judged",
        path: "apps/shop/lib/shop/sort.ex",
        src: r##"
            defmodule Shop.Sort do
              def order(x), do: String.to_atom(x)
            end
        "##,
        expect: &[("ZERO001", 2)],
    },
];

const ZERO_WIDENED: &[Case] = &[
    Case {
        name: "test, describe and setup bodies in test files",
        path: TEST,
        src: r##"
            defmodule Shop.EventsTest do
              use ExUnit.Case

              setup do
                {:ok, name: :"user_#{System.unique_integer()}"}
              end

              describe "topic/1" do
                test "converts", %{name: name} do
                  assert String.to_atom(Atom.to_string(name)) == name
                end
              end
            end
        "##,
        expect: &[("ZERO001", 5), ("ZERO001", 10)],
    },
    Case {
        name: "scripts and prod config run at run time",
        path: "config/runtime.exs",
        src: r##"
            import Config
            config :shop, mode: System.fetch_env!("MODE") |> String.to_atom()
        "##,
        expect: &[("ZERO001", 2)],
    },
    Case {
        name: "test code, when the roles include it",
        path: TEST,
        src: r##"
            defmodule Shop.PaymentsTest do
              use ExUnit.Case

              test "charges" do
                try do
                  Gateway.charge()
                rescue
                  _ -> flunk("raised")
                end
              end
            end
        "##,
        expect: &[("ZERO002", 8)],
    },
    Case {
        name: "compile-time module attributes in test files",
        path: TEST,
        src: r##"
            defmodule Shop.EventsTest do
              use ExUnit.Case
              @names Enum.map(~w(a b), &String.to_atom/1)
              test "names", do: assert(length(@names) == 2)
            end
        "##,
        expect: &[],
    },
];

#[test]
fn zero_judges_lib_code_only_by_default() {
    run(ZERO_BY_DEFAULT_OUTSIDE_LIB, ZERO);
}

#[test]
fn zero_roles_can_be_widened_in_the_config() {
    common::run_with_config(ZERO_WIDENED, ZERO, ALL_ROLES);
    // Narrowing works the same way: ZERO001 off for lib, on for config.
    common::run_with_config(
        &[Case {
            name: "roles replace the default set",
            path: LIB,
            src: "defmodule Shop.Sort do\n  def order(x), do: String.to_atom(x)\nend\n",
            expect: &[],
        }],
        ZERO,
        "[rules.ZERO001]\nroles = [\"config\"]\n",
    );
}

// ---------------------------------------------------------------------------------------------
// ZERO002 — flagged
// ---------------------------------------------------------------------------------------------

const ZERO002_POSITIVE: &[Case] = &[
    Case {
        name: "try: rescue _, e, _e and a longer variable name",
        path: LIB,
        src: r##"
            defmodule Shop.Payments do
              def a do
                try do
                  Gateway.charge()
                rescue
                  _ -> :error
                end
              end

              def b do
                try do
                  Gateway.charge()
                rescue
                  e -> {:error, e}
                end
              end

              def c do
                try do
                  Gateway.charge()
                rescue
                  _e -> :error
                end
              end

              def d do
                try do
                  Gateway.charge()
                rescue
                  exception ->
                    Logger.error(Exception.message(exception))
                    :error
                end
              end
            end
        "##,
        expect: &[
            ("ZERO002", 6),
            ("ZERO002", 14),
            ("ZERO002", 22),
            ("ZERO002", 30),
        ],
    },
    Case {
        name: "try: catch _, _/_, kind/reason and underscored names",
        path: LIB,
        src: r##"
            defmodule Shop.Worker do
              def run(job) do
                try do
                  job.()
                catch
                  _ -> :thrown
                end
              end

              def run2(job) do
                try do
                  job.()
                catch
                  _, _ -> :failed
                end
              end

              def run3(job) do
                try do
                  job.()
                catch
                  kind, reason -> {:error, {kind, reason}}
                end
              end

              def run4(job) do
                try do
                  job.()
                catch
                  kind, _reason -> {:error, kind}
                end
              end
            end
        "##,
        expect: &[
            ("ZERO002", 6),
            ("ZERO002", 14),
            ("ZERO002", 22),
            ("ZERO002", 30),
        ],
    },
    Case {
        name: "function-level rescue and catch in def and defp",
        path: LIB,
        src: r##"
            defmodule Shop.Payments do
              def charge(order) do
                Gateway.charge(order)
              rescue
                _ -> {:error, :failed}
              end

              defp refund(order) do
                Gateway.refund(order)
              rescue
                error -> {:error, error}
              catch
                kind, reason -> {:error, {kind, reason}}
              end
            end
        "##,
        expect: &[("ZERO002", 5), ("ZERO002", 11), ("ZERO002", 13)],
    },
    Case {
        name: "function-level rescue alongside after",
        path: LIB,
        src: r##"
            defmodule Shop.Files do
              def read(path) do
                File.read!(path)
              rescue
                e -> {:error, e}
              after
                :ok
              end
            end
        "##,
        expect: &[("ZERO002", 5)],
    },
    Case {
        name: "only the catch-all clause among several",
        path: LIB,
        src: r##"
            defmodule Shop.Payments do
              def charge(order) do
                Gateway.charge(order)
              rescue
                ArgumentError -> :bad_order
                e in [Gateway.Timeout] -> {:retry, e}
                e -> {:error, e}
              catch
                :exit, _ -> :exited
                kind, reason -> {kind, reason}
              end
            end
        "##,
        expect: &[("ZERO002", 7), ("ZERO002", 10)],
    },
    Case {
        name: "try in a do: one-liner, in an anonymous function and nested",
        path: LIB,
        src: r##"
            defmodule Shop.Payments do
              def a, do: (try do Gateway.charge() rescue e -> e end)

              def b(jobs) do
                Enum.map(jobs, fn job ->
                  try do
                    job.()
                  rescue
                    _ ->
                      try do
                        Gateway.fallback()
                      catch
                        _, _ -> nil
                      end
                  end
                end)
              end
            end
        "##,
        expect: &[("ZERO002", 2), ("ZERO002", 9), ("ZERO002", 13)],
    },
];

// ---------------------------------------------------------------------------------------------
// ZERO002 — not flagged
// ---------------------------------------------------------------------------------------------

const ZERO002_NEGATIVE: &[Case] = &[
    Case {
        name: "rescue with named exceptions",
        path: LIB,
        src: r##"
            defmodule Shop.Payments do
              def charge(order) do
                try do
                  Gateway.charge(order)
                rescue
                  e in [Gateway.Timeout, Mint.TransportError] -> {:error, e}
                  e in ArgumentError -> {:error, e}
                  _ in [KeyError] -> :missing
                  ArgumentError -> :bad_order
                  [FunctionClauseError, CaseClauseError] -> :bad_input
                end
              end
            end
        "##,
        expect: &[],
    },
    Case {
        name: "catch with a constrained kind or a guard",
        path: LIB,
        src: r##"
            defmodule Shop.Worker do
              def stop(pid) do
                GenServer.stop(pid)
              catch
                :exit, _ -> :already_stopped
                :throw, value -> {:thrown, value}
                :error, %RuntimeError{} = e -> {:error, e}
                kind, reason when kind in [:exit, :throw] -> {kind, reason}
                kind, _ when is_atom(kind) -> kind
              end
            end
        "##,
        expect: &[],
    },
    Case {
        name: "catch-all clauses outside rescue/catch",
        path: LIB,
        src: r##"
            defmodule Shop.Flow do
              def a(x) do
                case x do
                  _ -> :ok
                end
              end

              def b do
                with {:ok, v} <- fetch() do
                  v
                else
                  e -> e
                end
              end

              def c do
                receive do
                  msg -> msg
                after
                  100 -> :timeout
                end
              end

              def d, do: Enum.map([1], fn _ -> :ok end)

              def e(x) do
                try do
                  x
                else
                  _ -> :ok
                after
                  :ok
                end
              end

              defp fetch, do: {:ok, 1}
            end
        "##,
        expect: &[],
    },
    Case {
        name: "the pattern inside strings, heredocs, charlists and comments",
        path: LIB,
        src: r##"
            defmodule Shop.Docs do
              @moduledoc """
              Never write `rescue e ->` or `catch _, _ ->` in this codebase:

                  try do
                    work()
                  rescue
                    _ -> nil
                  end
              """
              # rescue _ -> is forbidden
              def note, do: "rescue _ -> nil"
              def chars, do: 'catch kind, reason -> :ok'
              def sigil, do: ~S(rescue e -> e)
            end
        "##,
        expect: &[],
    },
];

const ZERO002_RERAISE: &[Case] = &[
    Case {
        name: "a catch-all that re-raises what it caught only observes the failure",
        path: LIB,
        src: r##"
            defmodule Shop.Payments do
              require Logger

              def charge(order) do
                Gateway.charge(order)
              rescue
                e ->
                  Logger.error("charge failed: " <> Exception.message(e))
                  reraise e, __STACKTRACE__
              end

              def refund(order) do
                try do
                  Gateway.refund(order)
                rescue
                  error -> raise error
                end
              end

              def run(fun) do
                try do
                  fun.()
                catch
                  kind, reason ->
                    :telemetry.execute([:shop, :failed], %{}, %{kind: kind})
                    :erlang.raise(kind, reason, __STACKTRACE__)
                end
              end

              def rethrow(fun) do
                try do
                  fun.()
                catch
                  value -> throw(value)
                end
              end

              def conditionally(fun) do
                fun.()
              rescue
                e -> if retry?(e), do: fun.(), else: reraise(e, __STACKTRACE__)
              end
            end
        "##,
        expect: &[],
    },
    Case {
        name: "raising something else, or later, still swallows the failure",
        path: LIB,
        src: r##"
            defmodule Shop.Payments do
              def charge(order) do
                Gateway.charge(order)
              rescue
                e -> raise ArgumentError, "charge failed"
              end

              def refund(order) do
                Gateway.refund(order)
              rescue
                e -> {:error, fn -> reraise e, __STACKTRACE__ end}
              end

              def run(fun) do
                try do
                  fun.()
                catch
                  kind, reason -> :erlang.raise(:error, reason, __STACKTRACE__)
                end
              end

              def other(fun, other) do
                fun.()
              rescue
                _ -> reraise other, __STACKTRACE__
              end
            end
        "##,
        expect: &[
            ("ZERO002", 5),
            ("ZERO002", 11),
            ("ZERO002", 18),
            ("ZERO002", 25),
        ],
    },
];

const ZERO001_BOUNDED: &[Case] = &[
    Case {
        name: "values a guard, an allow-list check or a literal generator bounds",
        path: LIB,
        src: r##"
            defmodule Shop.Paths do
              def join(project, location) when location in [:project, :app, :web] do
                Map.fetch!(project, :"#{location}_path")
              end

              def flag(name, other) when is_binary(other) and is_atom(name) do
                String.to_atom("old_#{name}")
              end

              def safe_to_atom(binary, allowed) when is_binary(binary) do
                if binary in allowed, do: String.to_atom(binary)
              end

              def errors(changes) do
                Enum.flat_map([:public, :gravatar], fn kind ->
                  [{:"#{kind}_email", Map.get(changes, kind)}]
                end)
              end

              def keys do
                for {kind, suffix} <- [{:a, "x"}, {:b, "y"}], do: :"#{kind}_#{suffix}"
              end
            end
        "##,
        expect: &[],
    },
    Case {
        name: "bounds end where their range ends, and only cover their variable",
        path: LIB,
        src: r##"
            defmodule Shop.Paths do
              def join(project, location, other) when location in [:a, :b] do
                :"#{other}_path"
              end

              def check(binary, allowed) do
                if binary in allowed do
                  :ok
                else
                  String.to_atom(binary)
                end
              end

              def after_guard(location) when location in [:a], do: location
              def after_guard(location), do: String.to_atom(location)

              def dynamic(params) do
                for kind <- params["kinds"], do: :"#{kind}_email"
              end

              def dynamic_enum(kinds) do
                Enum.map(kinds, fn kind -> String.to_atom(kind) end)
              end
            end
        "##,
        expect: &[
            ("ZERO001", 3),
            ("ZERO001", 10),
            ("ZERO001", 15),
            ("ZERO001", 18),
            ("ZERO001", 22),
        ],
    },
];

#[test]
fn zero001_values_from_a_fixed_set_are_not_run_time_data() {
    run(ZERO001_BOUNDED, ZERO);
}

const ZERO002_FORWARDED: &[Case] = &[
    Case {
        name: "a module's own reraise, and a tuple that carries the failure on",
        path: LIB,
        src: r##"
            defmodule Shop.Router do
              def dispatch(conn, fun) do
                fun.(conn)
              rescue
                e -> Plug.Conn.WrapperError.reraise(conn, :error, e, __STACKTRACE__)
              end

              def monitored(fun) do
                outcome =
                  try do
                    {:ok, fun.()}
                  catch
                    kind, reason -> {:raised, kind, reason, __STACKTRACE__}
                  end

                case outcome do
                  {:ok, result} -> result
                  {:raised, kind, reason, stack} -> :erlang.raise(kind, reason, stack)
                end
              end

              def nested(fun) do
                fun.()
              rescue
                e -> {:error, {e, __STACKTRACE__}}
              end

              def plug(conn, fun) do
                fun.(conn)
              catch
                kind, reason -> Plug.Conn.WrapperError.reraise(conn, kind, reason, __STACKTRACE__)
              end

              def as_exit(fun) do
                fun.()
              catch
                kind, reason -> exit({kind, reason, __STACKTRACE__})
              end

              defmacro compile_time(path) do
                try do
                  File.read!(path)
                rescue
                  _ -> ""
                end
              end
            end
        "##,
        expect: &[],
    },
    Case {
        name: "a tuple without the stacktrace, or without what was caught, swallows it",
        path: LIB,
        src: r##"
            defmodule Shop.Router do
              def a(fun) do
                fun.()
              rescue
                e -> {:error, e}
              end

              def b(fun) do
                fun.()
              catch
                kind, reason -> {:error, kind, __STACKTRACE__}
              end
            end
        "##,
        expect: &[("ZERO002", 5), ("ZERO002", 11)],
    },
];

#[test]
fn zero002_failures_handed_on_with_their_stacktrace_are_not_swallowed() {
    run(ZERO002_FORWARDED, ZERO);
}

#[test]
fn zero002_catch_all_clauses_that_reraise_are_not_flagged() {
    run(ZERO002_RERAISE, ZERO);
}

#[test]
fn zero001_flags_every_spelling() {
    run(ZERO001_POSITIVE, ZERO);
}

#[test]
fn zero001_ignores_text_literals_safe_calls_and_compile_time_code() {
    run(ZERO001_NEGATIVE, ZERO);
}

#[test]
fn zero002_flags_catch_all_clauses() {
    run(ZERO002_POSITIVE, ZERO);
}

#[test]
fn zero002_ignores_constrained_clauses_and_text() {
    run(ZERO002_NEGATIVE, ZERO);
}

// ---------------------------------------------------------------------------------------------
// Positions: a finding points at the call (or literal) and at the clause pattern
// ---------------------------------------------------------------------------------------------

const POSITIONS: &[At] = &[
    At {
        name: "direct call points at the module",
        path: LIB,
        src: r##"
            defmodule M do
              def f(x), do: String.to_atom(x)
            end
        "##,
        rule: "ZERO001",
        expect: &[(2, 17)],
    },
    At {
        name: "piped call points at the call on the pipe's line",
        path: LIB,
        src: r##"
            defmodule M do
              def f(x) do
                x
                |> String.trim()
                |> String.to_atom()
              end
            end
        "##,
        rule: "ZERO001",
        expect: &[(5, 8)],
    },
    At {
        name: "capture reference points at the &",
        path: LIB,
        src: r##"
            defmodule M do
              def f(xs), do: Enum.map(xs, &String.to_atom/1)
            end
        "##,
        rule: "ZERO001",
        expect: &[(2, 31)],
    },
    At {
        name: "capture with placeholder points at the call",
        path: LIB,
        src: r##"
            defmodule M do
              def f(xs), do: Enum.map(xs, &String.to_atom(&1))
            end
        "##,
        rule: "ZERO001",
        expect: &[(2, 32)],
    },
    At {
        name: "interpolated atom and keyword key point at the literal",
        path: LIB,
        src: r##"
            defmodule M do
              def f(x), do: {:"a_#{x}", ["#{x}": 1]}
            end
        "##,
        rule: "ZERO001",
        expect: &[(2, 18), (2, 30)],
    },
    At {
        name: "Jason call points at Jason",
        path: LIB,
        src: r##"
            defmodule M do
              def f(b), do: b |> Jason.decode!(keys: :atoms)
            end
        "##,
        rule: "ZERO001",
        expect: &[(2, 22)],
    },
    At {
        name: "rescue and catch clauses point at their patterns",
        path: LIB,
        src: r##"
            defmodule M do
              def f do
                :ok
              rescue
                ArgumentError -> 1
                  e -> 2
              catch
                kind, reason -> 3
              end
            end
        "##,
        rule: "ZERO002",
        expect: &[(6, 7), (8, 5)],
    },
];

#[test]
fn findings_point_at_the_call_and_the_clause_pattern() {
    run_positions(POSITIONS);
}

#[test]
fn zero002_messages_quote_the_pattern() {
    let src = r##"
        defmodule M do
          def f do
            :ok
          rescue
            e -> e
          catch
            kind, reason -> {kind, reason}
          end
        end
    "##;
    let messages = common::messages(LIB, src, "ZERO002");
    assert_eq!(messages.len(), 2, "{messages:?}");
    assert!(messages[0].contains("`rescue e ->`"), "{}", messages[0]);
    assert!(
        messages[1].contains("`catch kind, reason ->`"),
        "{}",
        messages[1]
    );
}

/// A file the parser cannot fully make sense of is still analysed: ERROR nodes once crashed
/// the node dispatch (their kind id is outside the language's kind table).
#[test]
fn a_file_with_syntax_errors_is_analysed_without_panicking() {
    let src = common::dedent(
        r##"
        defmodule M do
          def f(x), do: String.to_atom(x)
          def g(x), do: (
        end
        "##,
    );
    let report = doctrine::lint_str(LIB, &src);
    assert!(
        report
            .diagnostics
            .iter()
            .any(|d| d.message.contains("syntax error")),
        "{:?}",
        report.diagnostics
    );
    assert!(
        report
            .findings
            .iter()
            .any(|f| f.rule == "ZERO001" && f.span.start_line == 2),
        "{:?}",
        report.findings
    );
}

#[test]
fn zero002_catch_of_one_value_is_described_as_catching_throws() {
    let src = r##"
        defmodule M do
          def f do
            :ok
          catch
            value -> value
          end
        end
    "##;
    let messages = common::messages(LIB, src, "ZERO002");
    assert_eq!(messages.len(), 1, "{messages:?}");
    assert!(
        messages[0].contains("every thrown value"),
        "{}",
        messages[0]
    );
}

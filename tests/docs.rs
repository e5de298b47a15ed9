//! DOCS001 (missing @moduledoc), DOCS002 (missing @doc) and DOCS003 (missing @spec),
//! table-driven. Each case asserts the exact set of (rule, line) DOCS findings of a snippet.
//! See PILLARS.md § DOCS and rules/DOCS00{1,2,3}.toml.

mod common;

use common::{At, Case, LIB, TEST, run, run_positions};

const DOCS: &[&str] = &["DOCS"];

// ---------------------------------------------------------------------------------------------
// DOCS001 — @moduledoc
// ---------------------------------------------------------------------------------------------

const DOCS001: &[Case] = &[
    Case {
        name: "moduledoc present",
        path: LIB,
        src: r##"
            defmodule Shop.Cart do
              @moduledoc "A shopping cart held in the session."
            end
        "##,
        expect: &[],
    },
    Case {
        name: "moduledoc heredoc and ~S heredoc",
        path: LIB,
        src: r##"
            defmodule Shop.Cart do
              @moduledoc """
              A shopping cart.
              """
            end

            defmodule Shop.Order do
              @moduledoc ~S"""
              An order; see `#{}`.
              """
            end
        "##,
        expect: &[],
    },
    Case {
        name: "moduledoc false counts as present",
        path: LIB,
        src: r##"
            defmodule Shop.Internal do
              @moduledoc false
            end
        "##,
        expect: &[],
    },
    Case {
        name: "moduledoc after the code still counts",
        path: LIB,
        src: r##"
            defmodule Shop.Late do
              alias Shop.Cart
              @moduledoc "Written late."
            end
        "##,
        expect: &[],
    },
    Case {
        name: "moduledoc missing",
        path: LIB,
        src: r##"
            defmodule Shop.Cart do
              alias Shop.Item
            end
        "##,
        expect: &[("DOCS001", 1)],
    },
    Case {
        name: "empty module",
        path: LIB,
        src: r##"
            defmodule Shop.Empty do
            end
        "##,
        expect: &[("DOCS001", 1)],
    },
    Case {
        name: "moduledoc with metadata only is missing",
        path: LIB,
        src: r##"
            defmodule Shop.Cart do
              @moduledoc since: "1.0.0"
            end
        "##,
        expect: &[("DOCS001", 1)],
    },
    Case {
        name: "nested: the parent's moduledoc does not cover the child",
        path: LIB,
        src: r##"
            defmodule Shop.Cart do
              @moduledoc "A cart."

              defmodule Item do
              end
            end
        "##,
        expect: &[("DOCS001", 4)],
    },
    Case {
        name: "nested: the child's moduledoc does not cover the parent",
        path: LIB,
        src: r##"
            defmodule Shop.Cart do
              defmodule Item do
                @moduledoc "An item."
              end
            end
        "##,
        expect: &[("DOCS001", 1)],
    },
    Case {
        name: "nested three deep, each checked separately",
        path: LIB,
        src: r##"
            defmodule Shop do
              @moduledoc "Shop."

              defmodule Cart do
                defmodule Item do
                  @moduledoc false
                end

                defmodule Line do
                end
              end
            end
        "##,
        expect: &[("DOCS001", 4), ("DOCS001", 9)],
    },
    Case {
        name: "two top-level modules in one file",
        path: LIB,
        src: r##"
            defmodule Shop.A do
              @moduledoc "A."
            end

            defmodule Shop.B do
            end
        "##,
        expect: &[("DOCS001", 5)],
    },
    Case {
        name: "__MODULE__.Sub is a module of its own",
        path: LIB,
        src: r##"
            defmodule Shop.A do
              @moduledoc "A."

              defmodule __MODULE__.Sub do
              end
            end
        "##,
        expect: &[("DOCS001", 4)],
    },
    Case {
        name: "a module named by unquote is only known when the macro expands",
        path: LIB,
        src: r##"
            defmodule Shop.Factory do
              @moduledoc "Builds modules."

              @doc "Defines a module."
              defmacro build(name) do
                quote do
                  defmodule unquote(name) do
                    def value, do: 1
                  end
                end
              end
            end
        "##,
        expect: &[],
    },
    Case {
        name: "defmodule in test code is not checked",
        path: TEST,
        src: r##"
            defmodule Shop.CartTest do
              use ExUnit.Case

              defmodule Fake do
                def call(x), do: x
              end

              test "adds", do: assert(true)
            end
        "##,
        expect: &[],
    },
    Case {
        name: "test support .ex files are test code",
        path: "test/support/factory.ex",
        src: r##"
            defmodule Shop.Factory do
              def build(:cart), do: %{}
            end
        "##,
        expect: &[],
    },
    Case {
        name: "the MixProject module is exempt",
        path: LIB,
        src: r##"
            defmodule Shop.MixProject do
            end
        "##,
        expect: &[],
    },
    Case {
        name: "mix.exs is not lib code",
        path: "mix.exs",
        src: r##"
            defmodule Shop.MixProject do
              use Mix.Project
              def project, do: [app: :shop]
            end
        "##,
        expect: &[],
    },
    Case {
        name: "scripts under lib are not lib code",
        path: "lib/tasks/seed.exs",
        src: r##"
            defmodule Seed do
              def run, do: :ok
            end
        "##,
        expect: &[],
    },
    Case {
        name: "umbrella app lib code is checked",
        path: "apps/core/lib/core/cart.ex",
        src: r##"
            defmodule Core.Cart do
            end
        "##,
        expect: &[("DOCS001", 1)],
    },
    Case {
        name: "defimpl bodies are not flagged; protocol heads need a doc",
        path: LIB,
        src: r##"
            defprotocol Shop.Priced do
              def price(item)
            end

            defimpl Shop.Priced, for: Map do
              def price(map), do: map.price
            end

            defimpl String.Chars, for: Shop.Cart do
              def to_string(_cart), do: "cart"
            end
        "##,
        expect: &[("DOCS002", 2)],
    },
    Case {
        name: "defimpl nested in a documented module",
        path: LIB,
        src: r##"
            defmodule Shop.Cart do
              @moduledoc "A cart."
              defstruct items: []

              defimpl Inspect do
                def inspect(_cart, _opts), do: "#Cart<>"
              end
            end
        "##,
        expect: &[],
    },
];

// ---------------------------------------------------------------------------------------------
// DOCS002 — @doc
// ---------------------------------------------------------------------------------------------

const DOCS002: &[Case] = &[
    Case {
        name: "missing doc",
        path: LIB,
        src: r##"
            defmodule Shop.Pricing do
              @moduledoc "Prices."
              @spec total([map]) :: integer
              def total(items), do: length(items)
            end
        "##,
        expect: &[("DOCS002", 4)],
    },
    Case {
        name: "multi-clause function: one finding at the first clause",
        path: LIB,
        src: r##"
            defmodule Shop.Pricing do
              @moduledoc "Prices."
              @spec total([map]) :: integer
              def total([]), do: 0
              def total([_ | rest]), do: 1 + total(rest)

              def total(items, _), do: total(items)
            end
        "##,
        // total/2 is a different function: its own DOCS002 and DOCS003.
        expect: &[("DOCS002", 4), ("DOCS002", 7), ("DOCS003", 7)],
    },
    Case {
        name: "doc before the first clause covers every clause",
        path: LIB,
        src: r##"
            defmodule Shop.Pricing do
              @moduledoc "Prices."

              @doc "Sum of prices."
              @spec total([map]) :: integer
              def total([]), do: 0
              def total([_ | rest]), do: 1 + total(rest)
            end
        "##,
        expect: &[],
    },
    Case {
        name: "doc only before a later clause is flagged",
        path: LIB,
        src: r##"
            defmodule Shop.Pricing do
              @moduledoc "Prices."
              @spec total([map]) :: integer
              def total([]), do: 0
              @doc "Sum of prices."
              def total([_ | rest]), do: 1 + total(rest)
            end
        "##,
        expect: &[("DOCS002", 4)],
    },
    Case {
        name: "separate arities are separate functions",
        path: LIB,
        src: r##"
            defmodule Shop.Pricing do
              @moduledoc "Prices."

              @doc "One."
              @spec price(map) :: integer
              def price(item), do: price(item, 0)

              @spec price(map, integer) :: integer
              def price(item, discount), do: item.price - discount
            end
        "##,
        expect: &[("DOCS002", 9)],
    },
    Case {
        name: "default arguments: one function, one finding",
        path: LIB,
        src: r##"
            defmodule Shop.Pricing do
              @moduledoc "Prices."
              def total(items, discount \\ 0), do: length(items) - discount
            end
        "##,
        expect: &[("DOCS002", 3), ("DOCS003", 3)],
    },
    Case {
        name: "default arguments in a bodiless head with documented clauses",
        path: LIB,
        src: r##"
            defmodule Shop.Pricing do
              @moduledoc "Prices."

              @doc "Total minus a discount."
              @spec total([map], integer) :: integer
              def total(items, discount \\ 0)
              def total([], _discount), do: 0
              def total(items, discount), do: length(items) - discount
            end
        "##,
        expect: &[],
    },
    Case {
        name: "doc false counts as documented",
        path: LIB,
        src: r##"
            defmodule Shop.Pricing do
              @moduledoc "Prices."

              @doc false
              @spec internal() :: :ok
              def internal, do: :ok
            end
        "##,
        expect: &[],
    },
    Case {
        name: "doc heredoc and ~S doc",
        path: LIB,
        src: r##"
            defmodule Shop.Pricing do
              @moduledoc "Prices."

              @doc """
              Heredoc.
              """
              @spec a() :: :ok
              def a, do: :ok

              @doc ~S"""
              Sigil; `#{}` stays.
              """
              @spec b() :: :ok
              def b, do: :ok
            end
        "##,
        expect: &[],
    },
    Case {
        name: "doc since alone is metadata, not documentation",
        path: LIB,
        src: r##"
            defmodule Shop.Pricing do
              @moduledoc "Prices."

              @doc since: "1.0.0"
              @spec a() :: :ok
              def a, do: :ok

              @doc since: "1.0.0"
              @doc "Documented."
              @spec b() :: :ok
              def b, do: :ok

              @doc "Documented."
              @doc since: "1.1.0"
              @spec c() :: :ok
              def c, do: :ok
            end
        "##,
        expect: &[("DOCS002", 6)],
    },
    Case {
        name: "impl true, impl Module and impl on a later clause are exempt",
        path: LIB,
        src: r##"
            defmodule Shop.Server do
              @moduledoc "A server."
              use GenServer

              @impl true
              def init(state), do: {:ok, state}

              @impl GenServer
              def handle_call(:get, _from, state), do: {:reply, state, state}

              def handle_cast(:reset, _state), do: {:noreply, %{}}
              @impl true
              def handle_cast(_msg, state), do: {:noreply, state}
            end
        "##,
        expect: &[],
    },
    Case {
        name: "impl false is not a callback",
        path: LIB,
        src: r##"
            defmodule Shop.Server do
              @moduledoc "A server."
              @impl false
              def helper(x), do: x
            end
        "##,
        expect: &[("DOCS002", 4), ("DOCS003", 4)],
    },
    Case {
        name: "impl is consumed by the definition it precedes",
        path: LIB,
        src: r##"
            defmodule Shop.Server do
              @moduledoc "A server."
              @impl true
              def init(state), do: {:ok, state}
              def helper(x), do: x
            end
        "##,
        expect: &[("DOCS002", 5), ("DOCS003", 5)],
    },
    Case {
        name: "defimpl bodies are exempt",
        path: LIB,
        src: r##"
            defimpl Jason.Encoder, for: Shop.Cart do
              def encode(cart, opts), do: Jason.Encode.map(cart.items, opts)
            end
        "##,
        expect: &[],
    },
    Case {
        name: "moduledoc false exempts DOCS002 and DOCS003",
        path: LIB,
        src: r##"
            defmodule Shop.Hidden do
              @moduledoc false
              def anything, do: :ok
              defmacro m(x), do: x
            end
        "##,
        expect: &[],
    },
    Case {
        name: "private definitions are never flagged",
        path: LIB,
        src: r##"
            defmodule Shop.Private do
              @moduledoc "Private helpers."
              defp helper(x), do: x
              defmacrop m(x), do: x
              defguardp is_small(x) when x < 10
            end
        "##,
        expect: &[],
    },
    Case {
        name: "a doc on a defp is discarded, not carried to the next def",
        path: LIB,
        src: r##"
            defmodule Shop.Private do
              @moduledoc "Private helpers."
              @doc "Private."
              defp helper(x), do: x
              @spec public(term) :: term
              def public(x), do: helper(x)
            end
        "##,
        expect: &[("DOCS002", 6)],
    },
    Case {
        name: "defmacro and defguard are flagged by DOCS002 only",
        path: LIB,
        src: r##"
            defmodule Shop.Guards do
              @moduledoc "Guards."
              defmacro price_guard(x), do: quote(do: is_integer(unquote(x)))
              defguard is_price(x) when is_integer(x) and x >= 0

              @doc "Documented macro."
              defmacro ok(x), do: x

              @doc "Documented guard."
              defguard is_cents(x) when is_integer(x)
            end
        "##,
        expect: &[("DOCS002", 3), ("DOCS002", 4)],
    },
    Case {
        name: "functions with guards",
        path: LIB,
        src: r##"
            defmodule Shop.Pricing do
              @moduledoc "Prices."
              def cents(x) when is_integer(x), do: x
              def cents(x) when is_float(x), do: round(x * 100)

              @doc "Rounds."
              @spec round_to(number, integer) :: float
              def round_to(x, n) when is_number(x) and n >= 0 do
                Float.round(x / 1, n)
              end
            end
        "##,
        expect: &[("DOCS002", 3), ("DOCS003", 3)],
    },
    Case {
        name: "zero-arity definitions in every form",
        path: LIB,
        src: r##"
            defmodule Shop.Zero do
              @moduledoc "Zero."
              def a, do: 1
              def b(), do: 2
              def c do
                3
              end
              def valid?, do: true
              def fetch!, do: :ok
            end
        "##,
        expect: &[
            ("DOCS002", 3),
            ("DOCS003", 3),
            ("DOCS002", 4),
            ("DOCS003", 4),
            ("DOCS002", 5),
            ("DOCS003", 5),
            ("DOCS002", 8),
            ("DOCS003", 8),
            ("DOCS002", 9),
            ("DOCS003", 9),
        ],
    },
    Case {
        name: "def unquote(name)(...) is ignored",
        path: LIB,
        src: r##"
            defmodule Shop.Fields do
              @moduledoc "Fields."
              for name <- [:id, :price] do
                def unquote(name)(map), do: Map.get(map, unquote(name))
              end
              def unquote(:"get_id")(map), do: map.id
            end
        "##,
        expect: &[],
    },
    Case {
        name: "underscore names are exempt",
        path: LIB,
        src: r##"
            defmodule Shop.Macros do
              @moduledoc "Macros."
              defmacro __using__(_opts), do: quote(do: import(Shop.Macros))
              def __schema__(:fields), do: []
              def _internal(x), do: x
            end
        "##,
        expect: &[],
    },
    Case {
        name: "defdelegate is not flagged and takes the doc before it",
        path: LIB,
        src: r##"
            defmodule Shop.Api do
              @moduledoc "API."

              @doc "Delegated."
              defdelegate total(items), to: Shop.Pricing
              @spec after_delegate() :: :ok
              def after_delegate, do: :ok

              defdelegate price(item), to: Shop.Pricing
              @doc "Documented."
              @spec documented() :: :ok
              def documented, do: :ok
            end
        "##,
        expect: &[("DOCS002", 7)],
    },
    Case {
        name: "defexception callbacks are exempt, other functions are not",
        path: LIB,
        src: r##"
            defmodule Shop.OutOfStock do
              @moduledoc "Raised when an item is out of stock."
              defexception [:item]

              def message(%{item: item}), do: "out of stock: #{item}"
              def exception(opts), do: %__MODULE__{item: opts[:item]}
              def blame(exception, stacktrace), do: {exception, stacktrace}
              def item(e), do: e.item
            end
        "##,
        expect: &[("DOCS002", 8), ("DOCS003", 8)],
    },
    Case {
        name: "message/1 outside a defexception module is an ordinary function",
        path: LIB,
        src: r##"
            defmodule Shop.Notice do
              @moduledoc "A notice."
              def message(n), do: n.text
            end
        "##,
        expect: &[("DOCS002", 3), ("DOCS003", 3)],
    },
    Case {
        name: "functions of a nested module belong to it",
        path: LIB,
        src: r##"
            defmodule Shop.Cart do
              @moduledoc "A cart."

              @doc "Not for the nested module's function."
              defmodule Item do
                @moduledoc "An item."
                @spec new() :: map
                def new, do: %{}
              end

              @spec add(map, map) :: map
              def add(cart, item), do: Map.put(cart, :item, item)
            end
        "##,
        // Elixir keeps a pending @doc across a nested defmodule (the attribute lives in the
        // parent), so the doc on line 4 documents add/2, and Item.new/0 is undocumented.
        expect: &[("DOCS002", 8)],
    },
];

// ---------------------------------------------------------------------------------------------
// DOCS003 — @spec
// ---------------------------------------------------------------------------------------------

const DOCS003: &[Case] = &[
    Case {
        name: "missing spec",
        path: LIB,
        src: r##"
            defmodule Shop.Pricing do
              @moduledoc "Prices."
              @doc "Sum."
              def total(items), do: length(items)
            end
        "##,
        expect: &[("DOCS003", 4)],
    },
    Case {
        name: "spec before doc, after doc, and after the definition",
        path: LIB,
        src: r##"
            defmodule Shop.Pricing do
              @moduledoc "Prices."

              @spec a() :: :ok
              @doc "A."
              def a, do: :ok

              @doc "B."
              @spec b() :: :ok
              def b, do: :ok

              @doc "C."
              def c, do: :ok
              @spec c() :: :ok
            end
        "##,
        expect: &[],
    },
    Case {
        name: "spec with a when clause",
        path: LIB,
        src: r##"
            defmodule Shop.Pricing do
              @moduledoc "Prices."
              @doc "Identity."
              @spec same(t) :: t when t: term
              def same(x), do: x

              @doc "Pair."
              @spec pair(a, b) :: {a, b} when a: atom, b: term
              def pair(a, b), do: {a, b}
            end
        "##,
        expect: &[],
    },
    Case {
        name: "spec for one arity of a default-args function",
        path: LIB,
        src: r##"
            defmodule Shop.Pricing do
              @moduledoc "Prices."

              @doc "Lower arity specced."
              @spec a([map]) :: integer
              def a(items, discount \\ 0), do: length(items) - discount

              @doc "Full arity specced."
              @spec b([map], integer) :: integer
              def b(items, discount \\ 0), do: length(items) - discount

              @doc "Neither arity specced."
              @spec c([map], integer, integer) :: integer
              def c(items, discount \\ 0), do: length(items) - discount
            end
        "##,
        expect: &[("DOCS003", 14)],
    },
    Case {
        name: "a spec of another arity does not count",
        path: LIB,
        src: r##"
            defmodule Shop.Pricing do
              @moduledoc "Prices."
              @doc "Total."
              @spec total([map], integer) :: integer
              def total(items), do: length(items)
            end
        "##,
        expect: &[("DOCS003", 5)],
    },
    Case {
        name: "several specs for one function, and zero-arity spec spellings",
        path: LIB,
        src: r##"
            defmodule Shop.Pricing do
              @moduledoc "Prices."

              @doc "Either."
              @spec parse(binary) :: integer
              @spec parse(integer) :: integer
              def parse(x) when is_binary(x), do: String.to_integer(x)
              def parse(x), do: x

              @doc "A."
              @spec a :: :ok
              def a, do: :ok

              @doc "B."
              @spec b() :: :ok
              def b(), do: :ok
            end
        "##,
        expect: &[],
    },
    Case {
        name: "callbacks, defimpl bodies, macros, guards and underscore names need no spec",
        path: LIB,
        src: r##"
            defmodule Shop.Server do
              @moduledoc "A server."
              use GenServer

              @impl true
              def init(state), do: {:ok, state}

              @doc "A macro."
              defmacro m(x), do: x

              @doc "A guard."
              defguard is_price(x) when is_integer(x)

              def __using__(_), do: :ok

              defimpl Inspect do
                def inspect(_, _), do: "#Server<>"
              end
            end
        "##,
        expect: &[],
    },
    Case {
        name: "doc false and moduledoc false functions are not API: no spec needed",
        path: LIB,
        src: r##"
            defmodule Shop.Pricing do
              @moduledoc "Prices."
              @doc false
              def internal, do: :ok
            end

            defmodule Shop.Hidden do
              @moduledoc false
              def anything, do: :ok
            end
        "##,
        expect: &[],
    },
    Case {
        name: "test code needs no docs or specs",
        path: TEST,
        src: r##"
            defmodule Shop.PricingTest do
              use ExUnit.Case
              def helper(x), do: x
              test "total", do: assert(helper(1) == 1)
            end
        "##,
        expect: &[],
    },
];

// ---------------------------------------------------------------------------------------------
// Callbacks count as @impl, module-level conditionals, protocols, the web layer, syntax errors
// ---------------------------------------------------------------------------------------------

const CALLBACKS: &[Case] = &[
    Case {
        name: "GenServer callbacks without @impl are documented by the behaviour",
        path: LIB,
        src: r##"
            defmodule Shop.Cache do
              @moduledoc "A cache."
              use GenServer

              @doc "Starts the cache."
              @spec start_link(keyword) :: GenServer.on_start()
              def start_link(opts), do: GenServer.start_link(__MODULE__, opts)

              def init(opts), do: {:ok, opts}
              def handle_call(:get, _from, state), do: {:reply, state, state}
              def handle_info(_msg, state), do: {:noreply, state}
              def lookup(key), do: key
            end
        "##,
        expect: &[("DOCS002", 12), ("DOCS003", 12)],
    },
    Case {
        name: "a callback name with the wrong arity is an ordinary function",
        path: LIB,
        src: r##"
            defmodule Shop.Cache do
              @moduledoc "A cache."
              use GenServer
              def init(a, b), do: {:ok, {a, b}}
            end
        "##,
        expect: &[("DOCS002", 4), ("DOCS003", 4)],
    },
    Case {
        name: "@behaviour Plug and use Plug.Router declare Plug",
        path: LIB,
        src: r##"
            defmodule Shop.Plugs.Auth do
              @moduledoc "Authentication."
              @behaviour Plug
              def init(opts), do: opts
              def call(conn, _opts), do: conn
            end

            defmodule Shop.Api do
              @moduledoc "The API."
              use Plug.Router
              def init(opts), do: opts
              def helper, do: :ok
            end
        "##,
        expect: &[("DOCS002", 12), ("DOCS003", 12)],
    },
    Case {
        name: "use MyAppWeb, :live_view declares Phoenix.LiveView",
        path: LIB,
        src: r##"
            defmodule Shop.Dashboard do
              @moduledoc "The dashboard."
              use ShopWeb, :live_view
              def mount(_params, _session, socket), do: {:ok, socket}
              def handle_event("save", _params, socket), do: {:noreply, socket}
              def render(assigns), do: assigns
            end
        "##,
        expect: &[],
    },
    Case {
        name: "Oban workers, Ecto types and Mix tasks",
        path: LIB,
        src: r##"
            defmodule Shop.Mailer.Worker do
              @moduledoc "Sends mail."
              use Oban.Worker, queue: :mail
              def perform(%Oban.Job{args: args}), do: {:ok, args}
            end

            defmodule Shop.Money do
              @moduledoc "Money."
              use Ecto.Type
              def type, do: :integer
              def cast(x), do: {:ok, x}
              def load(x), do: {:ok, x}
              def dump(x), do: {:ok, x}
            end
        "##,
        expect: &[],
    },
    Case {
        name: "a behaviour of the project, aliased, in the same file",
        path: LIB,
        src: r##"
            defmodule Shop.Storage do
              @moduledoc "Where files go."
              @callback put(key :: String.t(), value :: binary) :: :ok
              @macrocallback bucket() :: Macro.t()
            end

            defmodule Shop.Storage.S3 do
              @moduledoc "S3 storage."
              alias Shop.Storage
              @behaviour Storage
              def put(_key, _value), do: :ok
              def put(_key, _value, _opts), do: :ok
            end
        "##,
        expect: &[("DOCS002", 12), ("DOCS003", 12)],
    },
    Case {
        name: "a module with init/1 and call/2 is a module plug",
        path: LIB,
        src: r##"
            defmodule ShopWebPlugs.Vary do
              @moduledoc "Adds a Vary header."
              import Plug.Conn
              def init(opts), do: opts
              def call(conn, vary), do: put_resp_header(conn, "vary", vary)
            end

            defmodule Shop.Half do
              @moduledoc "Only one of the two."
              def init(opts), do: opts
            end
        "##,
        expect: &[("DOCS002", 10), ("DOCS003", 10)],
    },
    Case {
        name: "function components need a doc but no spec",
        path: LIB,
        src: r##"
            defmodule ShopWeb.Widgets.Buttons do
              @moduledoc "Buttons."
              use Phoenix.Component

              @doc "A button."
              attr :label, :string, required: true
              slot :inner_block
              def button(assigns), do: ~H"<button>{@label}</button>"

              def badge(assigns), do: ~H"<span></span>"

              @doc "Not a component: two parameters."
              def label(assigns, other), do: {assigns, other}
            end
        "##,
        expect: &[("DOCS002", 10), ("DOCS003", 13)],
    },
    Case {
        name: "deprecated functions and modules are documented by the deprecation",
        path: LIB,
        src: r##"
            defmodule Shop.Legacy do
              @moduledoc "Old helpers."
              @deprecated "Use Shop.Cart.total/1 instead"
              def total(items), do: Enum.sum(items)

              @doc deprecated: "Use Shop.Cart.count/1 instead"
              def count(items), do: length(items)

              def kept(items), do: items
            end

            defmodule Shop.Dict do
              @moduledoc deprecated: "Use Map instead"
              def get(dict, key), do: Map.get(dict, key)
            end
        "##,
        expect: &[("DOCS002", 9), ("DOCS003", 9)],
    },
    Case {
        name: "components declared with attr get their doc from Phoenix",
        path: LIB,
        src: r##"
            defmodule ShopWeb.Widgets.Layout do
              @moduledoc "Layout pieces."
              use Phoenix.Component
              attr :title, :string
              def header(assigns), do: ~H"<h1>{@title}</h1>"
            end
        "##,
        expect: &[],
    },
    Case {
        name: "a behaviour's default implementations of its own callbacks",
        path: LIB,
        src: r##"
            defmodule Shop.Engine do
              @moduledoc "A template engine behaviour."
              @callback init(keyword) :: term
              @doc "Default implementation for `c:init/1`."
              def init(_opts), do: %{}
              @doc "Compiles."
              def compile(source), do: source
            end
        "##,
        expect: &[("DOCS003", 7)],
    },
    Case {
        name: "a declared behaviour that defines no such callback",
        path: LIB,
        src: r##"
            defmodule Shop.Storage.Local do
              @moduledoc "Disk storage."
              @behaviour Shop.Unknown
              def put(_key, _value), do: :ok
            end
        "##,
        expect: &[("DOCS002", 4), ("DOCS003", 4)],
    },
];

const CONDITIONAL_AND_PROTOCOLS: &[Case] = &[
    Case {
        name: "functions inside module-level if/else, unless and case are judged",
        path: LIB,
        src: r##"
            defmodule Shop.Json do
              @moduledoc "JSON helpers."
              if Code.ensure_loaded?(Jason) do
                @doc "Encodes."
                @spec encode(term) :: String.t()
                def encode(term), do: Jason.encode!(term)
              else
                def encode(term), do: inspect(term)
              end

              unless Mix.env() == :prod do
                def debug(x), do: x
              end

              case System.otp_release() do
                "26" -> def otp, do: 26
                _ -> def otp, do: :other
              end
            end
        "##,
        expect: &[
            ("DOCS002", 12),
            ("DOCS003", 12),
            ("DOCS002", 16),
            ("DOCS003", 16),
        ],
    },
    Case {
        name: "protocol heads need a doc but no spec; the protocol needs no moduledoc",
        path: LIB,
        src: r##"
            defprotocol Shop.Priced do
              @doc "The price, in cents."
              def price(item)
              def currency(item)
            end
        "##,
        expect: &[("DOCS002", 4)],
    },
    Case {
        name: "a protocol nested in a module",
        path: LIB,
        src: r##"
            defmodule Shop do
              @moduledoc "The shop."
              defprotocol Sized do
                def size(x)
              end
            end
        "##,
        expect: &[("DOCS002", 4)],
    },
];

const WEB_LAYER: &[Case] = &[
    Case {
        name: "the Phoenix web layer and thin framework modules are exempt",
        path: LIB,
        src: r##"
            defmodule ShopWeb do
              def controller, do: :ok
            end
            defmodule ShopWeb.PageController do
              def index(conn, _params), do: conn
            end
            defmodule ShopWeb.PageHTML do
              def home(assigns), do: assigns
            end
            defmodule ShopWeb.UserLive.Index do
              def helper, do: :ok
            end
            defmodule ShopWeb.CoreComponents do
              def button(assigns), do: assigns
            end
            defmodule Shop.Repo do
            end
            defmodule ShopWeb.Endpoint do
            end
        "##,
        expect: &[],
    },
    Case {
        name: "names merely containing a web suffix are not exempt",
        path: LIB,
        src: r##"
            defmodule Shop.ControllerRegistry do
              def all, do: []
            end
            defmodule Shop.Overview do
            end
        "##,
        expect: &[
            ("DOCS001", 1),
            ("DOCS002", 2),
            ("DOCS003", 2),
            ("DOCS001", 4),
        ],
    },
];

const SYNTAX_ERRORS: &[&str] = &[
    // Truncated mid-function: the `end`s are missing.
    "defmodule Shop.Cart do\n  def total(items) do\n    Enum.sum(items)\n",
    // A half-typed call.
    "defmodule Shop.Cart do\n  @moduledoc \"Carts.\"\n  def total(items), do: Enum.sum(items\n  def count(items), do: length(items)\nend\n",
    // An unterminated moduledoc heredoc.
    "defmodule Shop.Cart do\n  @moduledoc \"\"\"\n  Carts.\n  def total(items), do: items\nend\n",
    // Garbage between the doc and the function.
    "defmodule Shop.Cart do\n  @moduledoc \"Carts.\"\n  @doc \"Total.\"\n  ) ]\n  def total(items), do: items\nend\n",
];

#[test]
fn callbacks_of_declared_behaviours_count_as_impl() {
    run(CALLBACKS, DOCS);
}

#[test]
fn conditional_definitions_and_protocol_heads_are_judged() {
    run(CONDITIONAL_AND_PROTOCOLS, DOCS);
}

#[test]
fn web_layer_modules_are_exempt_by_default() {
    run(WEB_LAYER, DOCS);
}

#[test]
fn a_module_with_a_syntax_error_gets_no_absence_findings() {
    for src in SYNTAX_ERRORS {
        let report = doctrine::lint_str(LIB, src);
        assert!(
            report
                .diagnostics
                .iter()
                .any(|d| d.kind == doctrine::finding::DiagnosticKind::SyntaxError),
            "the input should not parse:\n{src}"
        );
        let docs: Vec<_> = report
            .findings
            .iter()
            .filter(|f| f.rule.starts_with("DOCS"))
            .collect();
        assert!(docs.is_empty(), "{docs:?}\n{src}");
    }
    // Presence findings in the parts that parse are still reported.
    let src = "defmodule Shop.Sort do\n  def order(x), do: String.to_atom(x)\n  def broken(, do: 1\nend\n";
    let report = doctrine::lint_str(LIB, src);
    assert!(
        report.findings.iter().any(|f| f.rule == "ZERO001"),
        "{:?}",
        report.findings
    );
}

/// A fully documented file, cut or damaged anywhere, must never yield a DOCS finding: every
/// attribute it has is still in front of its function, or inside the error.
#[test]
fn mid_edit_buffers_of_a_documented_file_get_no_docs_findings() {
    let complete = common::dedent(
        r##"
        defmodule Shop.Pricing do
          @moduledoc """
          Prices and discounts, in cents.
          """
          alias Shop.Cart

          @doc "Sum of the item prices."
          @spec total([map]) :: integer
          def total(items) when is_list(items) do
            items
            |> Enum.map(& &1.price)
            |> Enum.sum()
          end

          @doc """
          Applies a discount given in percent.
          """
          @spec discount(integer, 0..100) :: integer
          def discount(amount, percent \\ 10) do
            case percent do
              0 -> amount
              p -> amount - div(amount * p, 100)
            end
          end

          defmodule Line do
            @moduledoc false
            def new(sku), do: %{sku: sku}
          end

          @doc false
          @spec cart_total(Cart.t()) :: integer
          def cart_total(cart), do: total(cart.items)
        end
        "##,
    );
    assert!(
        doctrine::lint_str(LIB, &complete).findings.is_empty(),
        "the complete file is clean"
    );
    let mut damaged = Vec::new();
    for cut in (1..complete.len()).filter(|&i| complete.is_char_boundary(i)) {
        damaged.push(complete[..cut].to_string());
    }
    let lines: Vec<&str> = complete.lines().collect();
    for i in 0..lines.len() {
        // Not `end`: it can close a module early and leave a complete, undocumented one.
        for junk in ["(", "do", "\"", "%{", "fn ->", "[", "<<"] {
            let mut edited = lines.clone();
            edited.insert(i, junk);
            damaged.push(edited.join("\n"));
        }
    }
    let mut failures = Vec::new();
    for src in &damaged {
        let docs: Vec<String> = doctrine::lint_str(LIB, src)
            .findings
            .into_iter()
            .filter(|f| f.rule.starts_with("DOCS"))
            .map(|f| format!("{}:{} {}", f.rule, f.span.start_line, f.message))
            .collect();
        if !docs.is_empty() {
            failures.push(format!("{docs:?}\n---\n{src}\n---"));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} damaged buffers got DOCS findings; first:\n{}",
        failures.len(),
        damaged.len(),
        failures[0]
    );
}

#[test]
fn docs001_moduledoc() {
    run(DOCS001, DOCS);
}

#[test]
fn docs002_doc() {
    run(DOCS002, DOCS);
}

#[test]
fn docs003_spec() {
    run(DOCS003, DOCS);
}

const POSITIONS: &[At] = &[
    At {
        name: "DOCS001 points at the module name",
        path: LIB,
        src: r##"
            defmodule Shop.Cart do
              defmodule Item do
                @moduledoc false
              end
            end
        "##,
        rule: "DOCS001",
        expect: &[(1, 11)],
    },
    At {
        name: "DOCS002 points at the function name in the first clause",
        path: LIB,
        src: r##"
            defmodule Shop.Pricing do
              @moduledoc "Prices."
              @spec total(list) :: integer
              def total([]), do: 0
              def total(items) when is_list(items), do: length(items)
              defmacro m(x), do: x
            end
        "##,
        rule: "DOCS002",
        expect: &[(4, 7), (6, 12)],
    },
    At {
        name: "DOCS003 points at the function name, after a guard too",
        path: LIB,
        src: r##"
            defmodule Shop.Pricing do
              @moduledoc "Prices."
              @doc "Cents."
              def cents(x) when is_integer(x), do: x
            end
        "##,
        rule: "DOCS003",
        expect: &[(4, 7)],
    },
];

#[test]
fn findings_point_at_names() {
    run_positions(POSITIONS);
}

#[test]
fn messages_name_the_module_and_the_function() {
    let src = r##"
        defmodule Shop.A do
          @moduledoc "A."
          defmodule __MODULE__.Sub do
            def total(items, discount \\ 0), do: length(items) - discount
          end
        end
    "##;
    let docs001 = common::messages(LIB, src, "DOCS001");
    assert_eq!(docs001.len(), 1, "{docs001:?}");
    assert!(docs001[0].contains("`Shop.A.Sub`"), "{}", docs001[0]);
    let docs002 = common::messages(LIB, src, "DOCS002");
    assert_eq!(docs002.len(), 1, "{docs002:?}");
    assert!(docs002[0].contains("`total/2`"), "{}", docs002[0]);
}

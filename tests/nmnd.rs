//! NMND001–004, table-driven: each case asserts the exact set of (rule, line) NMND findings.
//! See PILLARS.md § NMND and rules/NMND00*.toml.

mod common;

use common::{Case, LIB, TEST, run};

const NMND: &[&str] = &["NMND"];

const CASES: &[Case] = &[
    Case {
        name: "NMND001 markers in comments, any case, in code and config",
        path: LIB,
        src: r##"
            defmodule Shop.Orders do
              # TODO: paginate
              def list, do: [] # fixme
              # (HACK) works around #12
              # XXX
            end
        "##,
        expect: &[
            ("NMND001", 2),
            ("NMND001", 3),
            ("NMND001", 4),
            ("NMND001", 5),
        ],
    },
    Case {
        name: "NMND001 not in strings, doc strings or longer words",
        path: LIB,
        src: r##"
            defmodule Shop.Todos do
              @moduledoc """
              # TODO: this is documentation, not a comment
              """
              @doc "TODO list"
              def title, do: "# TODO"
              # TODOS are the user's shopping lists; xxxx-yyyy codes; hacky looking on purpose
              # Convert style="fill: #XXX;" to fill="#XXX"; see TODO.md
            end
        "##,
        expect: &[],
    },
    Case {
        name: "NMND001 in config",
        path: "config/dev.exs",
        src: r##"
            import Config
            # TODO: move to runtime.exs
            config :shop, pool_size: 10
        "##,
        expect: &[("NMND001", 2)],
    },
    Case {
        name: "NMND002 raises, exits, throws and stub returns",
        path: LIB,
        src: r##"
            defmodule Shop.Paypal do
              def a(_), do: raise("not implemented")
              def b(_), do: raise(ArgumentError, "TODO: XML export")
              def c(_), do: throw(:not_implemented)
              def d(_), do: exit(:unimplemented)
              def e(_), do: {:error, :not_implemented}
              def f(_), do: raise("Not yet implemented for MySQL")
            end
        "##,
        expect: &[
            ("NMND002", 2),
            ("NMND002", 3),
            ("NMND002", 4),
            ("NMND002", 5),
            ("NMND002", 6),
            ("NMND002", 7),
        ],
    },
    Case {
        name: "NMND002 other errors",
        path: LIB,
        src: r##"
            defmodule Shop.Paypal do
              def a(_), do: raise(ArgumentError, "only settled payments can be refunded")
              def b(_), do: raise("stubbed clock used outside tests")
              def c(_), do: {:error, :unsupported}
              def d(_), do: {:ok, :not_implemented_yet_flag}
              def e(x), do: raise(x)
              def f(_), do: MyApp.Errors.raise("not implemented")
            end
        "##,
        expect: &[],
    },
    Case {
        name: "NMND002 an implementation declining an operation its type does not support",
        path: LIB,
        src: r##"
            defimpl Shop.Storage, for: Shop.ReadOnly do
              def read(storage, path), do: Shop.ReadOnly.fetch(storage, path)
              def write(_storage, _path, _data), do: raise("not implemented")
              def delete(_storage, _path), do: {:error, :not_implemented}
            end
            defmodule Shop.Mailer.Null do
              @behaviour Shop.Mailer
              @impl true
              def deliver(_email), do: raise("not implemented for the null mailer")
            end
            defmodule Shop.Mailer do
              @callback deliver(term) :: :ok
              @callback preview(term) :: term
            end
            defmodule Shop.Mailer.Log do
              @behaviour Shop.Mailer
              def deliver(email), do: IO.puts(email)
              def preview(_email), do: raise("not implemented")
            end
            defmodule Shop.Worker do
              use GenServer
              def init(_), do: {:ok, nil}
              def handle_cast(_msg, _state), do: raise(RuntimeError, "not implemented")
            end
        "##,
        expect: &[],
    },
    Case {
        name: "NMND002 stubs stay stubs: pending wording, outside implementations, partial bodies",
        path: LIB,
        src: r##"
            defimpl Shop.Storage, for: Shop.S3 do
              def write(_s3, _path, _data), do: raise("not implemented yet")
              def read(s3, path), do: raise("not implemented")
              def delete(_s3, path) do
                Shop.Log.info(path)
                raise "not implemented"
              end
              def list(_s3), do: raise("TODO: pagination")
            end
            defmodule Shop.Payments.Stripe do
              @behaviour Shop.Payments
              @impl true
              def refund(_payment), do: raise("unimplemented")
              def charge(_payment), do: raise("not implemented")
              def capture(_payment), do: raise("not implemented for now")
            end
            defmodule Shop.Payments do
              @callback refund(term) :: term
            end
        "##,
        expect: &[
            ("NMND002", 2),
            ("NMND002", 3),
            ("NMND002", 6),
            ("NMND002", 8),
            ("NMND002", 13),
            ("NMND002", 14),
            ("NMND002", 15),
        ],
    },
    Case {
        name: "NMND003 debugging leftovers in every spelling",
        path: LIB,
        src: r##"
            defmodule Shop.Cart do
              require IEx
              def a(items), do: items |> IO.inspect(label: "items")
              def b(items), do: Enum.each(items, &IO.inspect/1)
              def c(x), do: dbg(x)
              def d, do: IEx.pry()
              def e, do: :debugger.start()
            end
        "##,
        expect: &[
            ("NMND003", 2),
            ("NMND003", 3),
            ("NMND003", 4),
            ("NMND003", 5),
            ("NMND003", 6),
            ("NMND003", 7),
        ],
    },
    Case {
        name: "NMND003 inspect/1, Logger and other requires are fine",
        path: LIB,
        src: r##"
            defmodule Shop.Cart do
              require Logger
              def a(items), do: Logger.debug(inspect(items))
              def b(x), do: Kernel.inspect(x)
              def c(x), do: MyDebug.dbg(x)
            end
        "##,
        expect: &[],
    },
    Case {
        name: "NMND003 IO.inspect/3 writes to the device it is given",
        path: TEST,
        src: r##"
            defmodule Shop.IOProxyTest do
              use ExUnit.Case
              test "IO.inspect", %{io: io} do
                IO.inspect(io, %{}, [])
                IO.inspect(:stderr, [1, 2], label: "list")
                :stdio |> IO.inspect(:x, [])
                Enum.each([1], &IO.inspect(:stderr, &1, []))
                apply_all(&IO.inspect/3)
                IO.inspect(io, label: "still a leftover")
              end
            end
        "##,
        expect: &[("NMND003", 9)],
    },
    Case {
        name: "NMND003 output a test captures is its subject; typespecs hold no calls",
        path: TEST,
        src: r##"
            defmodule Shop.KernelTest do
              use ExUnit.Case
              import ExUnit.CaptureIO
              test "dbg prints" do
                assert capture_io(fn -> dbg(1) end) =~ "1"
                assert capture_io(:stderr, fn -> IO.inspect(2) end) == "2\n"
                assert ExUnit.CaptureLog.capture_log(fn -> IO.inspect(3) end)
                IO.inspect(4)
              end
              @spec dbg(term, keyword) :: term
              def dbg(code, _opts), do: code
            end
        "##,
        expect: &[("NMND003", 8)],
    },
    Case {
        name: "NMND003 does not judge config",
        path: "config/dev.exs",
        src: r##"
            import Config
            IO.inspect(config_env())
        "##,
        expect: &[],
    },
    Case {
        name: "NMND004 skips without a reason",
        path: TEST,
        src: r##"
            defmodule Shop.CartTest do
              use ExUnit.Case
              @moduletag :pending
              @tag :skip
              test "a", do: assert(true)
              @tag skip: true
              test "b", do: assert(true)
              @tag [:slow, :skip]
              test "c", do: assert(true)
              @describetag pending: true
            end
        "##,
        expect: &[
            ("NMND004", 3),
            ("NMND004", 4),
            ("NMND004", 6),
            ("NMND004", 8),
            ("NMND004", 10),
        ],
    },
    Case {
        name: "NMND004 skips with a reason, other tags",
        path: TEST,
        src: r##"
            defmodule Shop.CartTest do
              use ExUnit.Case
              @tag skip: "flaky on CI until the clock is injected, #123"
              test "a", do: assert(true)
              @tag :integration
              @tag skip: false
              test "b", do: assert(true)
              @tag unique: true, skip: @engine == Lite
              test "c", do: assert(true)
            end
        "##,
        expect: &[],
    },
    Case {
        name: "NMND004 only judges test code",
        path: LIB,
        src: r##"
            defmodule Shop.Tags do
              @tag :skip
              def tag, do: @tag
            end
        "##,
        expect: &[],
    },
];

#[test]
fn nmnd_rules() {
    run(CASES, NMND);
}

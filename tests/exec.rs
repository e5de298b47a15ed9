//! EXEC001–005, table-driven: each case asserts the exact set of (rule, line) EXEC findings.
//! See PILLARS.md § EXEC and rules/EXEC00*.toml.

mod common;

use common::{Case, LIB, run};

const EXEC: &[&str] = &["EXEC"];

const CASES: &[Case] = &[
    Case {
        name: "EXEC001 in every spelling",
        path: LIB,
        src: r##"
            defmodule Shop.Tools do
              alias System, as: Sys
              def a(path), do: System.shell("convert #{path} out.png")
              def b(tool, args), do: Sys.cmd(tool, args)
              def c(host), do: :os.cmd(String.to_charlist("ping " <> host))
              def d(cmds), do: Enum.map(cmds, &System.shell/1)
              def e(cmd), do: cmd |> System.shell()
              def f(os, user_cmd) do
                {cmd, args} = if os == :win32, do: {"cmd", []}, else: {user_cmd, []}
                System.cmd(cmd, args)
              end
            end
        "##,
        expect: &[
            ("EXEC001", 3),
            ("EXEC001", 4),
            ("EXEC001", 5),
            ("EXEC001", 6),
            ("EXEC001", 7),
            ("EXEC001", 10),
        ],
    },
    Case {
        name: "EXEC001 literal programs and argument lists",
        path: LIB,
        src: r##"
            defmodule Shop.Tools do
              @git "git"
              def a(path), do: System.cmd("convert", [path, "out.png"])
              def b(args), do: System.cmd(@git, args)
              def c, do: :os.cmd(~c"uptime")
              def d(tool) when tool in ["git", "hg"], do: System.cmd(tool, ["status"])
              def e(args) do
                git = "git"
                System.cmd(git, args)
              end
              def f(x), do: MyShell.cmd(x)
              def g(url), do: System.cmd(System.find_executable("xdg-open"), [url])
              def h(url) do
                open = System.find_executable("open")
                System.cmd(open, [url])
              end
              def i, do: :os.cmd(~c"git rev-parse HEAD 2> " ++ ~c"/dev/null")
              def j(url) do
                {cmd, args} =
                  case :os.type() do
                    {:win32, _} -> {"cmd", ["/c", "start", url]}
                    {:unix, :darwin} -> {"open", [url]}
                    {:unix, _} -> {"xdg-open", [url]}
                  end
                System.cmd(cmd, args)
              end
              defmacrop revision(null), do: :os.cmd(~c"git rev-parse HEAD 2> " ++ null)
            end
        "##,
        expect: &[],
    },
    Case {
        name: "EXEC001 does not judge Mix tasks",
        path: "lib/mix/tasks/shop.run.ex",
        src: r##"
            defmodule Mix.Tasks.Shop.Run do
              def run([cmd]), do: System.shell(cmd)
            end
        "##,
        expect: &[],
    },
    Case {
        name: "EXEC002 at run time, not at compile time",
        path: LIB,
        src: r##"
            defmodule Shop.Eval do
              @defaults Code.eval_file("priv/defaults.exs")
              def a(expr), do: Code.eval_string(expr)
              def b(ast), do: Code.eval_quoted(ast, [])
              def c(tpl, assigns), do: tpl |> EEx.eval_string(assigns)
              def d, do: Code.eval_string("1 + 1")
              def f(env), do: Code.eval_quoted_with_env(quote(do: import(IEx.Helpers)), [], env)
              def g(env, x), do: Code.eval_quoted_with_env(quote(do: unquote(x) + 1), [], env)
              defmacro e(file), do: Code.eval_file(file)
            end
        "##,
        expect: &[
            ("EXEC002", 3),
            ("EXEC002", 4),
            ("EXEC002", 5),
            ("EXEC002", 8),
        ],
    },
    Case {
        name: "EXEC003 binary_to_term with and without :safe",
        path: LIB,
        src: r##"
            defmodule Shop.Terms do
              def a(bin), do: :erlang.binary_to_term(bin)
              def b(bin), do: bin |> :erlang.binary_to_term([:used])
              def c(bins), do: Enum.map(bins, &:erlang.binary_to_term/1)
              def d(bin), do: :erlang.binary_to_term(bin, [:used, :safe])
              def e(bin), do: :erlang.binary_to_term(bin, [:safe])
              def f(bin, opts), do: :erlang.binary_to_term(bin, opts)
              def g(bin), do: Plug.Crypto.non_executable_binary_to_term(bin, [:safe])
            end
        "##,
        expect: &[("EXEC003", 2), ("EXEC003", 3), ("EXEC003", 4)],
    },
    Case {
        name: "EXEC004 raw with values and with literals",
        path: LIB,
        src: r##"
            defmodule ShopWeb.ProductHTML do
              use ShopWeb, :html
              @icon ~s(<svg></svg>)
              def a(assigns), do: raw(assigns.description)
              def b(text), do: text |> Earmark.as_html!() |> Phoenix.HTML.raw()
              def c, do: raw(@icon)
              def d, do: raw("&nbsp;")
              def e(text), do: MyApp.Logs.raw(text)
              def f(a, b), do: raw(a, b)
            end
        "##,
        expect: &[("EXEC004", 4), ("EXEC004", 5)],
    },
    Case {
        name: "EXEC005 params into files in a controller",
        path: "lib/shop_web/controllers/download_controller.ex",
        src: r##"
            defmodule ShopWeb.DownloadController do
              use ShopWeb, :controller
              def a(conn, %{"file" => file}) do
                path = Path.join("priv/exports", file)
                send_file(conn, 200, path)
              end
              def b(conn, params), do: text(conn, File.read!("priv/#{params["name"]}"))
              def c(conn, params) do
                name = params["name"]
                send_download(conn, {:file, name})
              end
              def d(conn, %{"file" => file}) do
                send_file(conn, 200, Path.join("priv/exports", Path.basename(file)))
              end
              def e(conn, _params), do: send_download(conn, {:file, "priv/manual.pdf"})
              def f(conn, %{"id" => id}), do: json(conn, File.exists?(id))
              def g(conn, %{"id" => id}), do: send_download(conn, {:binary, id}, filename: "x.txt")
              defp h(conn, notebook), do: send_download(conn, {:file, notebook})
            end
        "##,
        expect: &[("EXEC005", 5), ("EXEC005", 7), ("EXEC005", 10)],
    },
    Case {
        name: "EXEC005 does not read a definition head as a call",
        path: "lib/phoenix/controller.ex",
        src: r##"
            defmodule Phoenix.Controller do
              def send_download(conn, {:file, path}, opts) do
                conn |> send_file(conn.status || 200, path, 0, :all)
              end
            end
        "##,
        expect: &[],
    },
    Case {
        name: "EXEC005 outside controllers",
        path: LIB,
        src: r##"
            defmodule Shop.Exports do
              def read(params), do: File.read!(params["path"])
            end
        "##,
        expect: &[],
    },
];

#[test]
fn exec_rules() {
    run(CASES, EXEC);
}

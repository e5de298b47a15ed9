defmodule Mix.Tasks.Doctrine do
  @shortdoc "Runs the doctrine linter with the given arguments"

  @moduledoc """
  Runs the `doctrine` binary with every argument passed through unchanged.

      mix doctrine check --format sarif --output doctrine.sarif
      mix doctrine explain ZERO001
      mix doctrine gate --record

  The binary runs in the project root. It is found through `config :mix_doctrine, binary:
  "/path/to/doctrine"`, else the `DOCTRINE_BIN` environment variable, else `doctrine` on the
  `PATH` (see `MixDoctrine`).

  `mix` exits with doctrine's exit status: 0 when the check passes, 1 when blocking findings
  remain or the gate fails, 2 on a usage or configuration error — including a binary that
  cannot be found.

  Standard output goes through Mix, so doctrine sees a pipe and prints no colours unless
  asked: `mix doctrine check --color always`.
  """

  use Mix.Task

  @doc "Runs `doctrine` with `args`; exits with its status when that is not 0."
  @impl Mix.Task
  @spec run([String.t()]) :: :ok | no_return()
  def run(args), do: MixDoctrine.run_task(args)
end

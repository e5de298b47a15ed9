defmodule Mix.Tasks.Check.Doctrines do
  @shortdoc "Lints the project with doctrine (doctrine check)"

  @moduledoc """
  Runs `doctrine check` on the project, with the given arguments after `check`.

      mix check.doctrines
      mix check.doctrines --format github
      mix check.doctrines --changed-since origin/main --blocking-only

  Exits with doctrine's status: 0 without blocking findings, 1 with some, 2 on a usage or
  configuration error (a missing binary included). The binary is found as `mix doctrine`
  finds it (see `MixDoctrine`).
  """

  use Mix.Task

  @doc "Runs `doctrine check` followed by `args`; exits with its status when that is not 0."
  @impl Mix.Task
  @spec run([String.t()]) :: :ok | no_return()
  def run(args), do: MixDoctrine.run_task(["check" | args])
end

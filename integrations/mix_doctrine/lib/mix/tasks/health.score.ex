defmodule Mix.Tasks.Health.Score do
  @shortdoc "Prints the project's doctrine health score (doctrine score)"

  @moduledoc """
  Runs `doctrine score` on the project, with the given arguments after `score`: the health
  score from 0 to 100 (compliance, documentation, tests, build).

      mix health.score
      mix health.score --format json
      mix health.score --coverage cover/excoveralls.json

  Exits with doctrine's status: 0 once the score is printed, 2 on a usage or configuration
  error (a missing binary included). Failing on a low score is the job of
  `mix doctrine gate`. The binary is found as `mix doctrine` finds it (see `MixDoctrine`).
  """

  use Mix.Task

  @doc "Runs `doctrine score` followed by `args`; exits with its status when that is not 0."
  @impl Mix.Task
  @spec run([String.t()]) :: :ok | no_return()
  def run(args), do: MixDoctrine.run_task(["score" | args])
end

defmodule MixDoctrine.MixProject do
  use Mix.Project

  @version "0.1.0"

  def project do
    [
      app: :mix_doctrine,
      version: @version,
      elixir: "~> 1.14",
      description:
        "Mix tasks that run the doctrine linter: mix doctrine, mix check.doctrines, mix health.score.",
      deps: [],
      docs: [main: "readme", extras: ["README.md"]]
    ]
  end

  def application do
    [extra_applications: []]
  end
end

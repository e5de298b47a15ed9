defmodule FixtureProject.MixProject do
  use Mix.Project

  def project do
    [
      app: :fixture_project,
      version: "0.1.0",
      elixir: "~> 1.14",
      deps: [{:mix_doctrine, path: "../..", only: [:dev, :test], runtime: false}]
    ]
  end
end

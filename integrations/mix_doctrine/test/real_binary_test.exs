defmodule RealBinaryTest do
  # The doctrine binary named by DOCTRINE_BIN (a release build: ci.sh passes it) on the
  # fixture project, through `mix` in a new OS process. Excluded when DOCTRINE_BIN is unset;
  # `mix test --only real_binary` runs it alone.
  use ExUnit.Case, async: false

  import MixDoctrine.TestHelpers

  @moduletag :real_binary
  # Read when this file is compiled, before any test changes the variable.
  @binary System.get_env("DOCTRINE_BIN")

  setup do
    if @binary in [nil, ""], do: flunk("set DOCTRINE_BIN to a doctrine binary to run this test")
    %{build: tmp_dir!("real_build"), env: [{"DOCTRINE_BIN", Path.expand(@binary)}]}
  end

  test "mix check.doctrines reports the fixture's one finding and exits with 1", ctx do
    {stdout, stderr, status} =
      mix_in(
        fixture(),
        ["check.doctrines", "--format", "concise", "--color", "never"],
        ctx.env,
        ctx.build
      )

    assert status == 1, "exit status #{status}\n#{stdout}\n#{stderr}"
    findings = stdout |> String.split("\n") |> Enum.filter(&(&1 =~ ~r/^\S+:\d+:\d+: [A-Z]+\d+ /))
    assert [finding] = findings, "expected one finding, got:\n#{stdout}"
    assert finding =~ ~r/^lib\/fixture_project\.ex:\d+:\d+: ZERO001 \[blocking\]/
  end

  test "mix check.doctrines --exit-zero exits with 0", ctx do
    {stdout, _stderr, status} =
      mix_in(
        fixture(),
        ["check.doctrines", "--exit-zero", "--color", "never"],
        ctx.env,
        ctx.build
      )

    assert status == 0
    assert stdout =~ "ZERO001"
  end

  test "mix health.score prints the score and exits with 0", ctx do
    {stdout, stderr, status} =
      mix_in(fixture(), ["health.score", "--format", "json"], ctx.env, ctx.build)

    assert status == 0, "exit status #{status}\n#{stdout}\n#{stderr}"
    assert stdout =~ ~r/"score":\s*\d/
  end

  test "a usage error exits with 2", ctx do
    {_stdout, stderr, status} =
      mix_in(fixture(), ["doctrine", "check", "--no-such-flag"], ctx.env, ctx.build)

    assert status == 2
    assert stderr =~ "--no-such-flag"
  end
end

# The test against the real binary runs only when DOCTRINE_BIN names one (ci.sh sets it);
# `mix test --only real_binary` selects it alone.
real_binary? = System.get_env("DOCTRINE_BIN") not in [nil, ""]
ExUnit.start(exclude: if(real_binary?, do: [], else: [:real_binary]))

defmodule MixDoctrine.TestHelpers do
  @moduledoc false

  @package_root Path.expand("..", __DIR__)
  @fixture Path.join(__DIR__, "fixture_project")

  @doc "The fixture project the subprocess tests run `mix` in."
  def fixture, do: @fixture

  @doc "The root of the mix_doctrine package, for projects that depend on it by path."
  def package_root, do: @package_root

  @doc """
  Clears `DOCTRINE_BIN` and the configured binary for one test and puts them (and `PATH`)
  back when it ends, so each test chooses where doctrine is found.
  """
  def isolate_doctrine_lookup! do
    saved_bin = System.get_env("DOCTRINE_BIN")
    saved_path = System.get_env("PATH")
    saved_config = Application.fetch_env(:mix_doctrine, :binary)

    ExUnit.Callbacks.on_exit(fn ->
      restore_env("DOCTRINE_BIN", saved_bin)
      restore_env("PATH", saved_path)

      case saved_config do
        {:ok, value} -> Application.put_env(:mix_doctrine, :binary, value)
        :error -> Application.delete_env(:mix_doctrine, :binary)
      end
    end)

    System.delete_env("DOCTRINE_BIN")
    Application.delete_env(:mix_doctrine, :binary)
  end

  defp restore_env(name, nil), do: System.delete_env(name)
  defp restore_env(name, value), do: System.put_env(name, value)

  @doc "A fresh directory under the system's temporary directory, removed after the test."
  def tmp_dir!(label) do
    dir =
      Path.join(System.tmp_dir!(), "mix_doctrine_#{label}_#{System.unique_integer([:positive])}")

    File.rm_rf!(dir)
    File.mkdir_p!(dir)
    ExUnit.Callbacks.on_exit(fn -> File.rm_rf!(dir) end)
    dir
  end

  @doc """
  Writes a fake `doctrine` (a shell script) to `dir`: it prints its arguments, one per line
  between brackets, and its working directory on stdout, and exits with `status`.

  Options: `name:` the file name (default `"doctrine"`); `stderr: true` also prints
  `fake stderr line` on stderr (only for tests that run mix in a subprocess and capture it:
  in the test's own VM it would go to the terminal).
  """
  def fake_doctrine!(dir, status, opts \\ []) do
    name = Keyword.get(opts, :name, "doctrine")
    path = Path.join(dir, name)
    stderr = if opts[:stderr], do: "echo 'fake stderr line' >&2", else: ""

    File.write!(path, """
    #!/bin/sh
    echo "fake #{name} ran"
    for arg in "$@"; do printf '[%s]\\n' "$arg"; done
    echo "cwd $(pwd -P)"
    #{stderr}
    exit #{status}
    """)

    File.chmod!(path, 0o755)
    path
  end

  @doc """
  Runs `mix args` in `dir` in a new OS process with `env` added, and returns its stdout, its
  stderr and its exit status. Builds into `build` so that the fixture's tree stays clean.
  """
  def mix_in(dir, args, env, build) do
    stderr = Path.join(build, "stderr-#{System.unique_integer([:positive])}")

    env = [
      {"MIX_ENV", "dev"},
      {"MIX_BUILD_PATH", Path.join(build, "dev")},
      {"MIX_DOCTRINE_TEST_STDERR", stderr} | env
    ]

    {stdout, status} =
      System.cmd("sh", ["-c", ~s(exec mix "$@" 2>"$MIX_DOCTRINE_TEST_STDERR"), "mix" | args],
        cd: dir,
        env: env
      )

    {stdout, File.read!(stderr), status}
  end

  @doc "`dir` with symbolic links resolved, as `pwd -P` prints it (macOS's /tmp is one)."
  def resolve_links(dir) do
    {real, 0} = System.cmd("/bin/sh", ["-c", ~s(cd "$0" && pwd -P), dir])
    String.trim(real)
  end
end

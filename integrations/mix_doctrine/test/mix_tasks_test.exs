defmodule MixTasksTest do
  # The tasks in this VM (captured output, exits caught), then through `mix` in a new OS
  # process, where a non-zero status has to become mix's own exit status.
  use ExUnit.Case, async: false

  import ExUnit.CaptureIO
  import MixDoctrine.TestHelpers

  alias Mix.Tasks.Check.Doctrines
  alias Mix.Tasks.Doctrine
  alias Mix.Tasks.Health.Score

  setup do
    isolate_doctrine_lookup!()
    %{dir: tmp_dir!("tasks")}
  end

  describe "in this VM" do
    test "mix doctrine passes every argument through", %{dir: dir} do
      System.put_env("DOCTRINE_BIN", fake_doctrine!(dir, 0))

      output = capture_io(fn -> assert Doctrine.run(["check", "--format", "sarif"]) == :ok end)
      assert output =~ "fake doctrine ran\n[check]\n[--format]\n[sarif]\n"
    end

    test "mix check.doctrines runs doctrine check", %{dir: dir} do
      System.put_env("DOCTRINE_BIN", fake_doctrine!(dir, 0))

      output = capture_io(fn -> assert Doctrines.run(["--select", "ZERO"]) == :ok end)
      assert output =~ "ran\n[check]\n[--select]\n[ZERO]\ncwd "
    end

    test "mix health.score runs doctrine score", %{dir: dir} do
      System.put_env("DOCTRINE_BIN", fake_doctrine!(dir, 0))

      output = capture_io(fn -> assert Score.run(["--format", "json"]) == :ok end)
      assert output =~ "ran\n[score]\n[--format]\n[json]\ncwd "
    end

    test "a non-zero exit status ends the task with {:shutdown, status}", %{dir: dir} do
      for status <- [1, 2, 3] do
        System.put_env("DOCTRINE_BIN", fake_doctrine!(dir, status))

        for task <- [Doctrine, Doctrines, Score] do
          capture_io(fn -> assert catch_exit(task.run([])) == {:shutdown, status} end)
        end
      end
    end

    test "a missing binary prints how to install doctrine and exits with 2", %{dir: dir} do
      System.put_env("PATH", dir)

      stderr =
        capture_io(:stderr, fn ->
          assert catch_exit(Doctrines.run([])) == {:shutdown, 2}
        end)

      assert stderr =~ "doctrine binary not found"
      assert stderr =~ "cargo install --path . --locked"
    end
  end

  describe "through mix in a new process" do
    setup %{dir: dir} do
      %{build: tmp_dir!("build"), fake: fake_doctrine!(dir, 0, stderr: true)}
    end

    test "arguments, stdout and stderr pass through; exit 0", %{build: build, fake: fake} do
      {stdout, stderr, status} =
        mix_in(
          fixture(),
          ["doctrine", "check", "--format", "sarif"],
          [{"DOCTRINE_BIN", fake}],
          build
        )

      assert status == 0
      assert stdout =~ "fake doctrine ran\n[check]\n[--format]\n[sarif]\n"
      assert stdout =~ "cwd #{resolve_links(fixture())}\n"
      refute stdout =~ "fake stderr line"
      assert stderr =~ "fake stderr line"
    end

    test "mix exits with the binary's status", %{dir: dir, build: build} do
      for {task, status, first_arg} <- [
            {"check.doctrines", 1, "[check]"},
            {"health.score", 2, "[score]"},
            {"doctrine", 3, "[--version]"}
          ] do
        fake = fake_doctrine!(dir, status, stderr: true)

        {stdout, _stderr, got} =
          mix_in(fixture(), [task, "--version"], [{"DOCTRINE_BIN", fake}], build)

        assert got == status, "mix #{task}: exit status #{got}, expected #{status}\n#{stdout}"
        assert stdout =~ first_arg
      end
    end

    test "a missing binary makes mix exit with 2", %{build: build} do
      # A PATH with mix, elixir, erl and the shell's tools, without `doctrine`.
      dirs =
        for tool <- ["mix", "elixir", "erl"], exe = System.find_executable(tool), uniq: true do
          Path.dirname(exe)
        end

      dirs = Enum.uniq(dirs ++ ["/bin", "/usr/bin"])

      if Enum.any?(dirs, &File.exists?(Path.join(&1, "doctrine"))) do
        flunk("a doctrine binary sits next to mix or in /bin or /usr/bin: cannot hide it")
      end

      {_stdout, stderr, status} =
        mix_in(
          fixture(),
          ["check.doctrines"],
          [{"DOCTRINE_BIN", nil}, {"PATH", Enum.join(dirs, ":")}],
          build
        )

      assert status == 2
      assert stderr =~ "doctrine binary not found"
      assert stderr =~ "cargo install --path . --locked"
    end

    test "config :mix_doctrine, binary: in the project's config wins over DOCTRINE_BIN",
         %{dir: dir, build: build, fake: env_fake} do
      configured = fake_doctrine!(dir, 0, name: "configured-doctrine")
      project = tmp_dir!("configured_project")

      File.write!(Path.join(project, "mix.exs"), """
      defmodule ConfiguredProject.MixProject do
        use Mix.Project

        def project do
          [
            app: :configured_project,
            version: "0.1.0",
            deps: [{:mix_doctrine, path: #{inspect(package_root())}, runtime: false}]
          ]
        end
      end
      """)

      File.mkdir_p!(Path.join(project, "config"))

      File.write!(Path.join(project, "config/config.exs"), """
      import Config
      config :mix_doctrine, binary: #{inspect(configured)}
      """)

      {stdout, _stderr, status} =
        mix_in(project, ["check.doctrines"], [{"DOCTRINE_BIN", env_fake}], build)

      assert status == 0
      assert stdout =~ "fake configured-doctrine ran\n[check]\n"
    end
  end
end

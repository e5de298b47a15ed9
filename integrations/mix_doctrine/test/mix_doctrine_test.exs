defmodule MixDoctrineTest do
  # Changes the OS environment, the application environment and the working directory.
  use ExUnit.Case, async: false

  import ExUnit.CaptureIO
  import MixDoctrine.TestHelpers

  setup do
    isolate_doctrine_lookup!()
    # No real doctrine installed on this machine can be found: each test puts its own on
    # the PATH when it wants one there.
    empty = tmp_dir!("empty_path")
    System.put_env("PATH", empty)

    config_dir = tmp_dir!("config")
    env_dir = tmp_dir!("env")
    path_dir = tmp_dir!("path")

    %{
      config_bin: fake_doctrine!(config_dir, 0),
      env_bin: fake_doctrine!(env_dir, 0),
      path_bin: fake_doctrine!(path_dir, 0),
      path_dir: path_dir
    }
  end

  describe "find_binary/0" do
    test "the configured binary comes first", ctx do
      Application.put_env(:mix_doctrine, :binary, ctx.config_bin)
      System.put_env("DOCTRINE_BIN", ctx.env_bin)
      System.put_env("PATH", ctx.path_dir)

      assert MixDoctrine.find_binary() == {:ok, ctx.config_bin, :config}
    end

    test "DOCTRINE_BIN comes before the PATH", ctx do
      System.put_env("DOCTRINE_BIN", ctx.env_bin)
      System.put_env("PATH", ctx.path_dir)

      assert MixDoctrine.find_binary() == {:ok, ctx.env_bin, :env}
    end

    test "doctrine on the PATH comes last", ctx do
      System.put_env("PATH", ctx.path_dir)

      assert MixDoctrine.find_binary() == {:ok, ctx.path_bin, :path}
    end

    test "empty settings are not set", ctx do
      Application.put_env(:mix_doctrine, :binary, "")
      System.put_env("DOCTRINE_BIN", "")
      System.put_env("PATH", ctx.path_dir)

      assert MixDoctrine.find_binary() == {:ok, ctx.path_bin, :path}
    end

    test "a bare name is looked up on the PATH", ctx do
      renamed = fake_doctrine!(ctx.path_dir, 0, name: "doctrine-nightly")
      Application.put_env(:mix_doctrine, :binary, "doctrine-nightly")
      System.put_env("PATH", ctx.path_dir)

      assert MixDoctrine.find_binary() == {:ok, renamed, :config}
    end

    test "a relative path is taken from the current directory", ctx do
      File.cd!(Path.dirname(ctx.env_bin), fn ->
        System.put_env("DOCTRINE_BIN", "./doctrine")
        assert MixDoctrine.find_binary() == {:ok, ctx.env_bin, :env}
      end)
    end

    test "a configured binary that does not exist is an error, not a fall-through", ctx do
      Application.put_env(:mix_doctrine, :binary, "/nonexistent/doctrine")
      System.put_env("DOCTRINE_BIN", ctx.env_bin)

      assert {:error, message} = MixDoctrine.find_binary()

      assert message =~
               ~s(config :mix_doctrine, binary: "/nonexistent/doctrine" is not an executable file)

      assert message =~ "cargo install --path . --locked"
    end

    test "a DOCTRINE_BIN that is not executable is an error", ctx do
      File.chmod!(ctx.env_bin, 0o644)
      System.put_env("DOCTRINE_BIN", ctx.env_bin)
      System.put_env("PATH", ctx.path_dir)

      assert {:error, message} = MixDoctrine.find_binary()
      assert message =~ "DOCTRINE_BIN=#{ctx.env_bin} is not an executable file"
    end

    test "nothing found says where it looked and how to install doctrine" do
      assert {:error, message} = MixDoctrine.find_binary()
      assert message =~ "doctrine binary not found"
      assert message =~ "DOCTRINE_BIN"
      assert message =~ "config :mix_doctrine"
      assert message =~ "cargo install --path . --locked"
    end
  end

  describe "run/1" do
    test "passes the arguments unchanged and runs in the current directory", ctx do
      System.put_env("DOCTRINE_BIN", ctx.env_bin)
      dir = tmp_dir!("cwd")

      output =
        capture_io(fn ->
          File.cd!(dir, fn ->
            assert MixDoctrine.run(["check", "--format", "sarif", "two words", ""]) == {:ok, 0}
          end)
        end)

      assert output =~ "[check]\n[--format]\n[sarif]\n[two words]\n[]\n"
      assert output =~ "cwd #{resolve_links(dir)}\n"
    end

    test "returns the exit status" do
      dir = tmp_dir!("status")
      System.put_env("DOCTRINE_BIN", fake_doctrine!(dir, 3))

      capture_io(fn -> assert MixDoctrine.run(["check"]) == {:ok, 3} end)
    end

    test "keeps UTF-8 characters whole however the output is chunked" do
      dir = tmp_dir!("utf8")
      bin = Path.join(dir, "doctrine")
      # 3-byte and 4-byte characters, far more than one read of the pipe holds.
      line = String.duplicate("—é𝄞", 20_000)
      File.write!(Path.join(dir, "out.txt"), line <> "\n")
      File.write!(bin, "#!/bin/sh\nexec /bin/cat '#{dir}/out.txt'\n")
      File.chmod!(bin, 0o755)
      System.put_env("DOCTRINE_BIN", bin)

      assert capture_io(fn -> assert MixDoctrine.run([]) == {:ok, 0} end) == line <> "\n"
    end

    test "writes bytes that are not UTF-8 as U+FFFD instead of failing" do
      dir = tmp_dir!("latin1")
      bin = Path.join(dir, "doctrine")
      File.write!(bin, "#!/bin/sh\nprintf 'caf\\351\\n'\n")
      File.chmod!(bin, 0o755)
      System.put_env("DOCTRINE_BIN", bin)

      assert capture_io(fn -> assert MixDoctrine.run([]) == {:ok, 0} end) == "caf\uFFFD\n"
    end

    test "refuses --stdin-filename, whose standard input mix does not pass on", ctx do
      System.put_env("DOCTRINE_BIN", ctx.env_bin)

      for args <- [
            ["check", "--stdin-filename", "lib/a.ex"],
            ["check", "--stdin-filename=lib/a.ex"]
          ] do
        assert {:error, message} = MixDoctrine.run(args)
        assert message =~ "--stdin-filename"
      end
    end

    test "is an error when no binary is found" do
      assert {:error, message} = MixDoctrine.run(["check"])
      assert message =~ "doctrine binary not found"
    end
  end
end

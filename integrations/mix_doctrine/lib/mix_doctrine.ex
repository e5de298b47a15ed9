defmodule MixDoctrine do
  @moduledoc """
  Runs the `doctrine` binary for the Mix tasks of this package.

  The binary is looked up, in this order:

    1. the application environment: `config :mix_doctrine, binary: "/path/to/doctrine"`;
    2. the `DOCTRINE_BIN` environment variable;
    3. `doctrine` on the `PATH` (`System.find_executable/1`).

  A value that contains a `/` is a path (relative ones are taken from the current
  directory) and must be an executable file; a bare name is looked up on the `PATH`. A value
  that is set but does not resolve is an error: the lookup does not fall through to the next
  source, so a typo in the configuration is not hidden by another install.

  The binary runs in the project root (`File.cwd!/0`). Its standard output is relayed to
  Mix's standard output as it arrives (UTF-8 sequences split between two reads are kept
  whole); its standard error is the terminal's, unchanged. Standard input is not passed on.
  """

  import Bitwise, only: [band: 2]

  @install_hint """
  Install doctrine from its repository with `cargo install --path . --locked` (the binary \
  goes to ~/.cargo/bin, which must be on the PATH), or point `config :mix_doctrine, binary: \
  "/path/to/doctrine"` or the DOCTRINE_BIN environment variable at the binary.\
  """

  @typedoc "Where the binary was found."
  @type source :: :config | :env | :path

  @doc """
  Finds the `doctrine` binary: the configured one, else `DOCTRINE_BIN`, else the one on the
  `PATH`.

  Returns the absolute path of the executable and where it came from, or an error message
  that says what was tried and how to install doctrine.
  """
  @spec find_binary() :: {:ok, Path.t(), source()} | {:error, String.t()}
  def find_binary do
    config = present(Application.get_env(:mix_doctrine, :binary))
    env = present(System.get_env("DOCTRINE_BIN"))

    cond do
      config != nil ->
        resolve(config, :config, "config :mix_doctrine, binary: #{inspect(config)}")

      env != nil ->
        resolve(env, :env, "DOCTRINE_BIN=#{env}")

      path = System.find_executable("doctrine") ->
        {:ok, path, :path}

      true ->
        {:error, not_found_message()}
    end
  end

  @doc """
  Runs `doctrine` with `args` in the project root and returns its exit status.

  Standard output is relayed to Mix's standard output while the binary runs, standard error
  goes straight to the terminal. Returns `{:error, message}` when no binary is found or it
  cannot be started, and for `--stdin-filename`, which needs a standard input the binary
  does not get here.
  """
  @spec run([String.t()]) :: {:ok, non_neg_integer()} | {:error, String.t()}
  def run(args) when is_list(args) do
    with :ok <- check_args(args),
         {:ok, binary, _source} <- find_binary() do
      spawn_binary(binary, args)
    end
  end

  @doc """
  Runs `doctrine` with `args` for a Mix task, and ends the task the way the binary ended.

  Returns `:ok` when the binary exits with 0. A non-zero exit status `n` becomes
  `exit({:shutdown, n})`, so `mix` exits with the same status; a missing binary or a usage
  error prints a message on standard error and exits with status 2.
  """
  @spec run_task([String.t()]) :: :ok | no_return()
  def run_task(args) when is_list(args) do
    case run(args) do
      {:ok, 0} ->
        :ok

      {:ok, status} ->
        exit({:shutdown, status})

      {:error, message} ->
        Mix.shell().error(message)
        exit({:shutdown, 2})
    end
  end

  defp present(nil), do: nil
  defp present(""), do: nil
  defp present(value) when is_binary(value), do: value
  defp present(value) when is_list(value), do: present(List.to_string(value))
  defp present(value), do: inspect(value)

  defp resolve(value, source, origin) do
    case locate(value) do
      {:ok, path} ->
        {:ok, path, source}

      {:error, why} ->
        {:error, "doctrine binary not usable: #{origin} #{why}.\n" <> @install_hint}
    end
  end

  defp locate(value) do
    if String.contains?(value, "/") do
      path = Path.expand(value)
      if executable_file?(path), do: {:ok, path}, else: {:error, "is not an executable file"}
    else
      case System.find_executable(value) do
        nil -> {:error, "is not on the PATH"}
        path -> {:ok, path}
      end
    end
  end

  defp executable_file?(path) do
    case File.stat(path) do
      {:ok, %File.Stat{type: :regular, mode: mode}} -> band(mode, 0o111) != 0
      _ -> false
    end
  end

  defp not_found_message do
    """
    doctrine binary not found. Looked for:
      * config :mix_doctrine, binary: "..." (not set)
      * the DOCTRINE_BIN environment variable (not set)
      * `doctrine` on the PATH (not found)
    """ <> @install_hint
  end

  defp check_args(args) do
    if Enum.any?(
         args,
         &(&1 == "--stdin-filename" or String.starts_with?(&1, "--stdin-filename="))
       ) do
      {:error,
       "--stdin-filename reads the file from standard input, which mix does not pass on: " <>
         "run the doctrine binary directly for that."}
    else
      :ok
    end
  end

  # A port rather than System.cmd/3: System.cmd can only collect stdout into an IO stream
  # chunk by chunk, and a chunk may end in the middle of a UTF-8 character, which Mix's
  # standard output (a unicode device) cannot write as two halves. stderr is not
  # redirected, so the binary writes to the VM's own stderr, the terminal.
  defp spawn_binary(binary, args) do
    case open_port(binary, args) do
      {:ok, port} -> {:ok, relay(port, "")}
      {:error, _} = error -> error
    end
  end

  defp open_port(binary, args) do
    options = [:binary, :exit_status, :use_stdio, :hide, args: args, cd: File.cwd!()]
    {:ok, Port.open({:spawn_executable, binary}, options)}
  rescue
    error in ErlangError ->
      {:error, "could not start #{binary}: #{inspect(error.original)}.\n" <> @install_hint}
  end

  defp relay(port, pending) do
    receive do
      {^port, {:data, data}} ->
        {complete, rest} = split_incomplete(pending <> data)
        IO.write(printable(complete))
        relay(port, rest)

      {^port, {:exit_status, status}} ->
        IO.write(printable(pending))
        status
    end
  end

  # Bytes that are not UTF-8 (doctrine prints none) become U+FFFD rather than an error.
  defp printable(data) do
    if String.valid?(data) do
      data
    else
      data
      |> String.chunk(:valid)
      |> Enum.map(&if(String.valid?(&1), do: &1, else: "\uFFFD"))
    end
  end

  # Splits `data` before a UTF-8 sequence that its last bytes start but do not finish.
  defp split_incomplete(data) do
    size = byte_size(data)
    cut = incomplete_tail(data, size, 1)
    {binary_part(data, 0, size - cut), binary_part(data, size - cut, cut)}
  end

  # The length of the unfinished sequence at the end of `data`, or 0. Looks back at most
  # three bytes: a four-byte sequence is the longest.
  defp incomplete_tail(_data, size, back) when back > 3 or back > size, do: 0

  defp incomplete_tail(data, size, back) do
    byte = :binary.at(data, size - back)

    cond do
      byte in 0x80..0xBF -> incomplete_tail(data, size, back + 1)
      sequence_length(byte) > back -> back
      true -> 0
    end
  end

  defp sequence_length(byte) when byte in 0xC0..0xDF, do: 2
  defp sequence_length(byte) when byte in 0xE0..0xEF, do: 3
  defp sequence_length(byte) when byte in 0xF0..0xF7, do: 4
  defp sequence_length(_byte), do: 1
end

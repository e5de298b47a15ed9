//! GenServers and Oban workers (`lib/shop/workers/`) and their tests.

use super::plan::{OBAN_FROM, Plan, WORKER_ROLES, planted};
use super::{Rng, filled, schema_vars};

pub(super) fn worker(plan: &Plan, i: usize) -> String {
    let w = &plan.workers[i];
    let mut rng = Rng::new(plan.seed, "worker", i);
    // The ordinal among workers of the same kind (roles alternate in blocks of eight).
    let n = i / WORKER_ROLES.len() * OBAN_FROM + i % OBAN_FROM;
    let todo = match planted(plan.seed, "worker-todo", n, 20) {
        true => "  # TODO: make the interval configurable per environment\n",
        false => "",
    };
    let vars = schema_vars(plan, w.schema)
        .set("W", &w.name)
        .set("w", &w.snake)
        .set("todo", todo);
    if w.oban {
        let rescue = if planted(plan.seed, "worker-rescue", n, 20) {
            "  rescue\n    _ -> :ok\n"
        } else {
            ""
        };
        let vars = vars
            .set("rescue", rescue)
            .set("queue", ["default", "exports", "mailers"][rng.below(3)])
            .set("attempts", (3 + rng.below(8)).to_string())
            .set("period", ["30", "60", "300"][rng.below(3)])
            .set("base", ["5", "10", "15"][rng.below(3)]);
        return filled(OBAN_WORKER, &vars);
    }
    let emit = match planted(plan.seed, "worker-quiet", n, 30) {
        true => "    Logger.debug(\"«W» flushed #{map_size(state.entries)} entries\")\n",
        false => {
            "    :telemetry.execute(\n      [:shop, :workers, :«w», :flush],\n      %{hits: state.hits, misses: state.misses, size: map_size(state.entries)},\n      %{}\n    )\n\n"
        }
    };
    let emit = filled(emit, &vars);
    let minutes = ["5", "1", "15", "10"][rng.below(4)];
    filled(GENSERVER, &vars.set("emit", emit).set("n", minutes))
}

const OBAN_WORKER: &str = r##"defmodule Shop.Workers.«W» do
  @moduledoc """
  Refreshes one «human» from its upstream source. Enqueued with the «human»'s id; a job
  for a «human» that no longer exists is cancelled rather than retried.
  """
  use Oban.Worker, queue: :«queue», max_attempts: «attempts», unique: [period: «period»]
  require Logger

  alias Shop.«C»

«todo»  @impl Oban.Worker
  def perform(%Oban.Job{args: %{"id" => id} = args, attempt: attempt}) do
    started = System.monotonic_time()

    with {:ok, «s»} <- «C».fetch_«s»(id),
         {:ok, «s»} <- «C».update_«s»(«s», Map.take(args, ["«f»"])) do
      :telemetry.execute(
        [:shop, :workers, :«w», :done],
        %{duration: System.monotonic_time() - started},
        %{id: «s».id, attempt: attempt}
      )

      :ok
    else
      {:error, :not_found} -> {:cancel, :not_found}
      {:error, %Ecto.Changeset{} = changeset} -> {:error, inspect(changeset.errors)}
    end
«rescue»  end

  def perform(%Oban.Job{args: args}) do
    Logger.warning("«W» got unexpected args: #{inspect(Map.keys(args))}")
    {:cancel, :invalid_args}
  end

  @impl Oban.Worker
  def backoff(%Oban.Job{attempt: attempt}), do: trunc(:math.pow(2, attempt) * «base»)
end
"##;

const GENSERVER: &str = r##"defmodule Shop.Workers.«W» do
  @moduledoc """
  Keeps recent entries in memory between flushes. Reads are calls, writes are casts, and
  everything is dropped on each flush so that stale entries cannot outlive an interval.
  """
  use GenServer
  require Logger

  @interval :timer.minutes(«n»)

«todo»  @doc """
  Starts the server; `:name` registers it, `:interval` sets the flush period.
  """
  @spec start_link(keyword()) :: GenServer.on_start()
  def start_link(opts \\ []) do
    GenServer.start_link(__MODULE__, opts, Keyword.take(opts, [:name]))
  end

  @doc """
  Returns `{:ok, value}` for a known key, `:error` otherwise.
  """
  @spec fetch(GenServer.server(), term()) :: {:ok, term()} | :error
  def fetch(server \\ __MODULE__, key), do: GenServer.call(server, {:fetch, key})

  @doc """
  Stores `value` under `key` until the next flush.
  """
  @spec put(GenServer.server(), term(), term()) :: :ok
  def put(server \\ __MODULE__, key, value), do: GenServer.cast(server, {:put, key, value})

  @doc """
  Hit and miss counts since the last flush.
  """
  @spec stats(GenServer.server()) :: %{hits: non_neg_integer(), misses: non_neg_integer()}
  def stats(server \\ __MODULE__), do: GenServer.call(server, :stats)

  @impl true
  def init(opts) do
    interval = Keyword.get(opts, :interval, @interval)
    schedule(interval)
    {:ok, %{entries: %{}, interval: interval, hits: 0, misses: 0}}
  end

  @impl true
  def handle_call({:fetch, key}, _from, state) do
    case Map.fetch(state.entries, key) do
      {:ok, value} -> {:reply, {:ok, value}, %{state | hits: state.hits + 1}}
      :error -> {:reply, :error, %{state | misses: state.misses + 1}}
    end
  end

  def handle_call(:stats, _from, state) do
    {:reply, Map.take(state, [:hits, :misses]), state}
  end

  @impl true
  def handle_cast({:put, key, value}, state) do
    {:noreply, %{state | entries: Map.put(state.entries, key, value)}}
  end

  @impl true
  def handle_info(:flush, state) do
«emit»    schedule(state.interval)
    {:noreply, %{state | entries: %{}, hits: 0, misses: 0}}
  end

  def handle_info(message, state) do
    Logger.warning("«W» ignored an unexpected message: #{inspect(message)}")
    {:noreply, state}
  end

  defp schedule(interval), do: Process.send_after(self(), :flush, interval)
end
"##;

pub(super) const OBAN_TEST: &str = r##"defmodule Shop.Workers.«W»Test do
  use Shop.DataCase, async: true
  use Oban.Testing, repo: Shop.Repo

  alias Shop.Workers.«W»

  test "cancels the job of a record that is gone" do
    assert {:cancel, :not_found} = perform_job(«W», %{"id" => -1})
  end

  test "cancels a job with unexpected args" do
    assert {:cancel, :invalid_args} = perform_job(«W», %{"unexpected" => true})
  end
end
"##;

pub(super) const GENSERVER_TEST: &str = r##"defmodule Shop.Workers.«W»Test do
  use ExUnit.Case, async: true

  alias Shop.Workers.«W»

  setup do
    %{server: start_supervised!({«W», interval: :timer.hours(1)})}
  end

  test "a missing key is an error", %{server: server} do
    assert «W».fetch(server, :missing) == :error
    assert %{misses: 1, hits: 0} = «W».stats(server)
  end

  test "returns what was put", %{server: server} do
    :ok = «W».put(server, :answer, 42)
    assert «W».fetch(server, :answer) == {:ok, 42}
    assert %{hits: 1} = «W».stats(server)
  end

  test "forgets everything on flush", %{server: server} do
    :ok = «W».put(server, :answer, 42)
    send(server, :flush)
    assert «W».fetch(server, :answer) == :error
  end

  test "reports each flush", %{server: server} do
    event = [:shop, :workers, :«w», :flush]
    ref = :telemetry_test.attach_event_handlers(self(), [event])
    send(server, :flush)
    assert_receive {^event, ^ref, %{size: 0}, %{}}
  end

  test "ignores stray messages", %{server: server} do
    send(server, :unexpected)
    assert «W».fetch(server, :missing) == :error
  end
end
"##;

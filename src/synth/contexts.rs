//! Contexts (`lib/shop/<context>.ex`) and their tests.

use super::plan::{FIELDS, Plan, UNIQUE_FIELDS, planted};
use super::{Rng, Vars, fill, filled, schema_vars};

/// Drops a few one-line `@doc`s and `@spec`s: the DOCS002/DOCS003 findings of a real
/// code base, where a function was added in a hurry.
fn forget_some_docs(text: String, rng: &mut Rng) -> String {
    let mut out = String::with_capacity(text.len());
    for line in text.split_inclusive('\n') {
        let t = line.trim_start();
        let one_line_doc = t.starts_with("@doc \"") && !t.starts_with("@doc \"\"\"");
        if !((one_line_doc || t.starts_with("@spec ")) && rng.chance(12)) {
            out.push_str(line);
        }
    }
    out
}

pub(super) fn context(plan: &Plan, i: usize) -> String {
    let ctx = &plan.contexts[i];
    let mut rng = Rng::new(plan.seed, "context", i);
    let names: Vec<&str> = plan.schemas[ctx.schemas.clone()]
        .iter()
        .map(|s| s.name.as_str())
        .collect();
    let listed: Vec<String> = names.iter().map(|n| format!("`{n}`")).collect();
    let first = (schema_vars(plan, ctx.schemas.start).set("names", names.join(", ")))
        .set("listed", listed.join(", "));
    let mut o = String::with_capacity(4096 * names.len());
    fill(&mut o, "defmodule Shop.«C» do\n", &first);
    if !planted(plan.seed, "ctx-moduledoc", i, 20) {
        fill(&mut o, CONTEXT_DOC, &first);
    }
    o.push_str("  import Ecto.Query, warn: false\n  require Logger\n\n");
    if names.len() > 1 {
        o.push_str("  alias Ecto.Multi\n");
    }
    fill(
        &mut o,
        "  alias Shop.Repo\n  alias Shop.«C».{«names»}\n\n",
        &first,
    );
    o.push_str("  @default_limit 50\n  @max_limit 200\n\n");
    for j in ctx.schemas.clone() {
        context_schema(&mut o, plan, j, &mut rng);
    }
    fill(&mut o, CONTEXT_REMOVE, &first);
    if let Some(&child) = plan.schemas[ctx.schemas.start].children.first() {
        let c = &plan.schemas[child];
        let vars = first
            .clone()
            .set("K", &c.name)
            .set("ks", &c.plural)
            .set("k", &c.var);
        fill(&mut o, CONTEXT_MULTI, &vars);
    }
    if planted(plan.seed, "ctx-raw-sql", i, 10) {
        fill(&mut o, CONTEXT_RAW_SQL, &first);
    }
    o.push_str(match planted(plan.seed, "ctx-mix-env", i, 10) {
        true => "  defp debug?, do: Mix.env() == :dev\n\n",
        false => "  defp debug?, do: Application.get_env(:shop, :debug_queries, false)\n\n",
    });
    o.push_str(CONTEXT_TAIL);
    forget_some_docs(o, &mut rng)
}

fn context_schema(o: &mut String, plan: &Plan, j: usize, rng: &mut Rng) {
    let s = &plan.schemas[j];
    let inspect = if planted(plan.seed, "ctx-inspect", j, 8) {
        "    |> IO.inspect(label: \"insert\")\n"
    } else {
        ""
    };
    let list = match planted(plan.seed, "ctx-unbounded", j, 15) {
        true => "Repo.all(«S»)",
        false => {
            "«S»\n    |> order_by([«q»], desc: field(«q», ^order))\n    |> limit(^limit)\n    |> offset(^offset)\n    |> Repo.all()"
        }
    };
    let vars = schema_vars(plan, j);
    let list = filled(list, &vars);
    let todo = match planted(plan.seed, "ctx-todo", j, 15) {
        true => "  # TODO: switch to keyset pagination once the mobile client sends cursors\n",
        false => "",
    };
    fill(
        o,
        CONTEXT_CRUD,
        &vars
            .set("inspect", inspect)
            .set("list", list)
            .set("todo", todo),
    );
    let vars = schema_vars(plan, j);
    let of_type = |ty: &str| -> Vec<&str> {
        s.fields
            .iter()
            .map(|&f| FIELDS[f])
            .filter(|f| f.1 == ty)
            .map(|f| f.0)
            .collect()
    };
    let strings = of_type(":string");
    if rng.chance(500) && !strings.is_empty() {
        let f = strings[rng.below(strings.len())];
        fill(o, CONTEXT_SEARCH, &schema_vars(plan, j).set("f", f));
    }
    let ints = of_type(":integer");
    if rng.chance(450) && !ints.is_empty() {
        let f = ints[rng.below(ints.len())];
        fill(o, CONTEXT_AT_LEAST, &schema_vars(plan, j).set("f", f));
    }
    if s.status {
        fill(o, CONTEXT_BY_STATUS, &vars);
    }
    if s.parent.is_some() {
        fill(o, CONTEXT_FOR_PARENT, &vars);
        let n_plus_one = planted(plan.seed, "ctx-n-plus-one", j, 60);
        fill(
            o,
            if n_plus_one {
                CONTEXT_COUNT_LOOP
            } else {
                CONTEXT_COUNT
            },
            &vars,
        );
    }
}

const CONTEXT_DOC: &str = r##"  @moduledoc """
  The «C» context: «listed».

  Every write goes through a changeset of the schema it touches; reads are paginated so
  that no caller can load a whole table by accident.
  """

"##;

const CONTEXT_CRUD: &str = r##"«todo»  @doc "Returns a page of «ss», newest first (`:limit` up to 200, `:offset`, `:order_by`)."
  @spec list_«ss»(keyword()) :: [«S».t()]
  def list_«ss»(opts \\ []) do
    {limit, offset, order} = page(opts)

    «list»
  end

  @doc "Gets a single «human». Raises `Ecto.NoResultsError` if there is none."
  @spec get_«s»!(integer() | String.t()) :: «S».t()
  def get_«s»!(id), do: Repo.get!(«S», id)

  @doc "Fetches a «human» as `{:ok, «s»}` or `{:error, :not_found}`."
  @spec fetch_«s»(term()) :: {:ok, «S».t()} | {:error, :not_found}
  def fetch_«s»(id) do
    case Repo.get(«S», id) do
      nil -> {:error, :not_found}
      %«S»{} = «s» -> {:ok, «s»}
    end
  end

  @doc "Creates a «human»."
  @spec create_«s»(map()) :: {:ok, «S».t()} | {:error, Ecto.Changeset.t()}
  def create_«s»(attrs \\ %{}) do
    %«S»{}
    |> «S».changeset(attrs)
«inspect»    |> Repo.insert()
  end

  @doc "Updates a «human»."
  @spec update_«s»(«S».t(), map()) :: {:ok, «S».t()} | {:error, Ecto.Changeset.t()}
  def update_«s»(%«S»{} = «s», attrs) do
    «s»
    |> «S».changeset(attrs)
    |> Repo.update()
  end

  @doc "Deletes a «human»."
  @spec delete_«s»(«S».t()) :: {:ok, «S».t()} | {:error, Ecto.Changeset.t()}
  def delete_«s»(%«S»{} = «s») do
    Logger.info("deleting «human» #{«s».id}")
    Repo.delete(«s»)
  end

  @doc "Returns a changeset for tracking «human» changes."
  @spec change_«s»(«S».t(), map()) :: Ecto.Changeset.t()
  def change_«s»(%«S»{} = «s», attrs \\ %{}) do
    «S».changeset(«s», attrs)
  end

"##;

const CONTEXT_SEARCH: &str = r##"  @doc "Searches «ss» whose «f» contains `term`, ignoring case."
  @spec search_«ss»(String.t(), pos_integer()) :: [«S».t()]
  def search_«ss»(term, limit \\ 20)

  def search_«ss»(term, limit) when is_binary(term) and byte_size(term) > 0 do
    pattern = "%" <> String.replace(term, ["%", "_"], "") <> "%"

    Repo.all(
      from «q» in «S»,
        where: ilike(«q».«f», ^pattern),
        order_by: [asc: «q».«f»],
        limit: ^limit
    )
  end

  def search_«ss»(_term, _limit), do: []

"##;

const CONTEXT_AT_LEAST: &str = r##"  @doc "The «ss» with a «f» of at least `min`, largest first."
  @spec list_«ss»_by_«f»(integer()) :: [«S».t()]
  def list_«ss»_by_«f»(min) when is_integer(min) do
    Repo.all(
      from «q» in «S»,
        where: «q».«f» >= ^min,
        order_by: [desc: «q».«f»],
        limit: @max_limit
    )
  end

"##;

const CONTEXT_BY_STATUS: &str = r##"  @doc "How many «ss» were created since `since`, by status."
  @spec count_«ss»_by_status(DateTime.t()) :: %{atom() => non_neg_integer()}
  def count_«ss»_by_status(%DateTime{} = since) do
    from(«q» in «S»,
      where: «q».inserted_at >= ^since,
      group_by: «q».status,
      select: {«q».status, count(«q».id)}
    )
    |> Repo.all()
    |> Map.new()
  end

"##;

const CONTEXT_FOR_PARENT: &str = r##"  @doc "The «ss» of a «p», newest first."
  @spec list_«ss»_for_«p»(«P».t(), keyword()) :: [«S».t()]
  def list_«ss»_for_«p»(%«P»{id: «p»_id}, opts \\ []) do
    {limit, offset, _order} = page(opts)

    «S»
    |> where([«q»], «q».«p»_id == ^«p»_id)
    |> order_by([«q»], desc: «q».inserted_at)
    |> limit(^limit)
    |> offset(^offset)
    |> Repo.all()
  end

  @doc "How many «ss» each of the given «ps» has."
  @spec count_«ss»_by_«p»([integer()]) :: %{integer() => non_neg_integer()}
"##;

const CONTEXT_COUNT: &str = r##"  def count_«ss»_by_«p»(«p»_ids) when is_list(«p»_ids) do
    from(«q» in «S»,
      where: «q».«p»_id in ^«p»_ids,
      group_by: «q».«p»_id,
      select: {«q».«p»_id, count(«q».id)}
    )
    |> Repo.all()
    |> Map.new()
  end

"##;

const CONTEXT_COUNT_LOOP: &str = r##"  def count_«ss»_by_«p»(«p»_ids) when is_list(«p»_ids) do
    «p»_ids
    |> Enum.map(fn id ->
      query = from(«q» in «S», where: «q».«p»_id == ^id)
      {id, Repo.aggregate(query, :count)}
    end)
    |> Map.new()
  end

"##;

const CONTEXT_REMOVE: &str = r##"  @doc "Removes a «human» on behalf of `actor`, who must be allowed to."
  @spec remove_«s»(term(), map()) :: {:ok, «S».t()} | {:error, term()}
  def remove_«s»(id, actor) do
    with {:ok, «s»} <- fetch_«s»(id),
         :ok <- authorize(actor, :remove, «s»),
         {:ok, «s»} <- delete_«s»(«s») do
      :telemetry.execute([:shop, :«c», :«s»_removed], %{count: 1}, %{id: «s».id})
      {:ok, «s»}
    end
  end

"##;

const CONTEXT_MULTI: &str = r##"  @doc "Creates a «human» with its «ks» in one transaction."
  @spec create_«s»_with_«ks»(map(), [map()]) :: {:ok, «S».t()} | {:error, term()}
  def create_«s»_with_«ks»(attrs, «k»_attrs) when is_list(«k»_attrs) do
    now = DateTime.truncate(DateTime.utc_now(), :second)

    Multi.new()
    |> Multi.insert(:«s», «S».changeset(%«S»{}, attrs))
    |> Multi.run(:«ks», fn repo, %{«s»: «s»} ->
      stamps = %{«s»_id: «s».id, inserted_at: now, updated_at: now}
      rows = Enum.map(«k»_attrs, &Map.merge(&1, stamps))
      {count, _} = repo.insert_all(«K», rows)
      {:ok, count}
    end)
    |> Repo.transaction()
    |> case do
      {:ok, %{«s»: «s»}} -> {:ok, «s»}
      {:error, _step, reason, _changes} -> {:error, reason}
    end
  end

"##;

const CONTEXT_RAW_SQL: &str = r##"  @doc "Counts «ss» by «f» straight from SQL, for the admin report."
  @spec raw_count(String.t()) :: non_neg_integer()
  def raw_count(term) do
    %{rows: [[count]]} = Repo.query!("SELECT count(*) FROM «T» WHERE «f» = '#{term}'")
    count
  end

"##;

const CONTEXT_TAIL: &str = r##"  defp page(opts) do
    limit = opts |> Keyword.get(:limit, @default_limit) |> min(@max_limit)
    offset = Keyword.get(opts, :offset, 0)
    order = Keyword.get(opts, :order_by, :inserted_at)
    if debug?(), do: Logger.debug("page limit=#{limit} offset=#{offset}")
    {limit, offset, order}
  end

  defp authorize(%{role: :admin}, _action, _resource), do: :ok
  defp authorize(%{id: id}, action, %{owner_id: id}) when action in [:update, :remove], do: :ok
  defp authorize(_actor, _action, _resource), do: {:error, :forbidden}
end
"##;

pub(super) fn context_test(plan: &Plan, i: usize) -> String {
    let ctx = &plan.contexts[i];
    let names: Vec<&str> = plan.schemas[ctx.schemas.clone()]
        .iter()
        .map(|s| s.name.as_str())
        .collect();
    let head = Vars::new()
        .set("C", &ctx.name)
        .set("names", names.join(", "));
    let mut o = filled(
        "defmodule Shop.«C»Test do\n  use Shop.DataCase, async: true\n\n  alias Shop.«C»\n  alias Shop.«C».{«names»}\n",
        &head,
    );
    for j in ctx.schemas.clone() {
        let s = &plan.schemas[j];
        // Unique columns get fresh values, or the second fixture of a test would collide.
        let mut extra: Vec<String> = (s.fields.iter().map(|&f| FIELDS[f].0))
            .filter(|f| UNIQUE_FIELDS.contains(f))
            .map(|f| match f {
                "email" => "email: Fixtures.unique_email()".to_string(),
                f => format!("{f}: Fixtures.unique_string(\"{f}\")"),
            })
            .collect();
        if let Some(p) = s.parent {
            extra.push(format!("{0}_id: {0}_fixture().id", plan.schemas[p].var));
        }
        let defaults = match extra.is_empty() {
            true => "@valid_attrs".to_string(),
            false => format!("Map.merge(@valid_attrs, %{{{}}})", extra.join(", ")),
        };
        let skip = if planted(plan.seed, "test-skip", j, 15) {
            "\n  @tag :skip"
        } else {
            ""
        };
        fill(
            &mut o,
            CONTEXT_TEST,
            &schema_vars(plan, j)
                .set("defaults", defaults)
                .set("skip", skip),
        );
    }
    o.push_str("end\n");
    o
}

const CONTEXT_TEST: &str = r##"«skip»
  describe "«ss»" do
    @valid_attrs «valid»
    @update_attrs «update»
    @invalid_attrs «invalid»

    test "list_«ss»/1 returns the «ss»" do
      «s» = «s»_fixture()
      assert Enum.map(«C».list_«ss»(), & &1.id) == [«s».id]
    end

    test "list_«ss»/1 honours the limit" do
      for _ <- 1..3, do: «s»_fixture()
      assert length(«C».list_«ss»(limit: 2)) == 2
    end

    test "get_«s»!/1 returns the «human» with the given id" do
      «s» = «s»_fixture()
      assert «C».get_«s»!(«s».id).id == «s».id
    end

    test "fetch_«s»/1 tells a missing «human» apart" do
      assert {:error, :not_found} = «C».fetch_«s»(-1)
    end

    test "create_«s»/1 with valid data creates a «human»" do
      assert {:ok, %«S»{} = «s»} = «C».create_«s»(@valid_attrs)
      assert «s».«f» == «v»
    end

    test "create_«s»/1 with invalid data returns an error changeset" do
      assert {:error, %Ecto.Changeset{}} = «C».create_«s»(@invalid_attrs)
    end

    test "update_«s»/2 with valid data updates the «human»" do
      «s» = «s»_fixture()
      assert {:ok, %«S»{} = «s»} = «C».update_«s»(«s», @update_attrs)
      assert «s».«f» == «u»
    end

    test "delete_«s»/1 deletes the «human»" do
      «s» = «s»_fixture()
      assert {:ok, %«S»{}} = «C».delete_«s»(«s»)
      assert_raise Ecto.NoResultsError, fn -> «C».get_«s»!(«s».id) end
    end

    test "change_«s»/1 returns a changeset" do
      assert %Ecto.Changeset{} = «C».change_«s»(«s»_fixture())
    end
  end

  defp «s»_fixture(attrs \\ %{}) do
    {:ok, «s»} =
      attrs
      |> Enum.into(«defaults»)
      |> «C».create_«s»()

    «s»
  end
"##;

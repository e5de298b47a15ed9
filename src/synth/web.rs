//! The web layer: controllers, JSON views, controller tests and plugs.

use super::plan::{FIELDS, Plan, planted};
use super::{Vars, attrs, filled, schema_vars};

pub(super) fn controller(plan: &Plan, j: usize) -> String {
    let s = &plan.schemas[j];
    let n = s.controller.unwrap_or(j);
    let vars = schema_vars(plan, j);
    let plug = match s.plug {
        Some(p) => format!(
            "  plug ShopWeb.Plugs.{} when action in [:create, :update, :delete]\n\n",
            plan.plugs[p]
        ),
        None => String::new(),
    };
    let todo = match planted(plan.seed, "ctrl-todo", n, 20) {
        true => "  # TODO: move the sort whitelist into the context once the admin API needs it\n",
        false => "",
    };
    let order = match planted(plan.seed, "ctrl-to-atom", n, 25) {
        true => "String.to_atom(params[\"sort\"] || \"inserted_at\")",
        false => "Map.get(@sortable, params[\"sort\"], :inserted_at)",
    };
    let list = match planted(plan.seed, "ctrl-repo", n, 10) {
        true => filled("«ss» = Shop.Repo.all(«S»)", &vars),
        false => filled(
            &format!(
                "order = {order}\n    «ss» = «C».list_«ss»(limit: limit, offset: offset, order_by: order)"
            ),
            &vars,
        ),
    };
    let inspect = match planted(plan.seed, "ctrl-inspect", n, 10) {
        true => "    IO.inspect(params, label: \"index params\")\n",
        false => "",
    };
    let token = if planted(plan.seed, "ctrl-token", n, 10) {
        CONTROLLER_TOKEN
    } else {
        ""
    };
    let (many, one, piped) = match s.json_view {
        true => (
            "render(conn, :index, «ss»: «ss»)",
            "render(conn, :show, «s»: «s»)",
            "render(:show, «s»: «s»)",
        ),
        false => (
            "json(conn, %{data: Enum.map(«ss», &serialize/1)})",
            "json(conn, %{data: serialize(«s»)})",
            "json(%{data: serialize(«s»)})",
        ),
    };
    let serialize = match s.json_view {
        true => String::new(),
        false => {
            let fields: Vec<String> = (s.fields.iter().map(|&f| FIELDS[f].0))
                .map(|f| format!("      {f}: «s».{f},\n"))
                .collect();
            let tpl = format!(
                "\n  defp serialize(%«S»{{}} = «s») do\n    %{{\n      id: «s».id,\n{}      inserted_at: «s».inserted_at\n    }}\n  end\n",
                fields.concat()
            );
            filled(&tpl, &vars)
        }
    };
    let (many, one, piped) = (
        filled(many, &vars),
        filled(one, &vars),
        filled(piped, &vars),
    );
    let vars = vars
        .set("plug", plug)
        .set("todo", todo)
        .set("list", list)
        .set("inspect", inspect)
        .set("token", token)
        .set("many", many)
        .set("one", one)
        .set("piped", piped)
        .set("serialize", serialize);
    filled(CONTROLLER, &vars)
}

const CONTROLLER_TOKEN: &str = r##"  def create(conn, %{"token" => token} = params) do
    Logger.debug("create with token #{params["token"]}")
    create(conn, params |> Map.delete("token") |> Map.put("issued_by", token))
  end

"##;

const CONTROLLER: &str = r##"defmodule «Web».«S»Controller do
  use ShopWeb, :controller
  require Logger

  alias Shop.«C»
  alias Shop.«C».«S»

  action_fallback ShopWeb.FallbackController

«plug»  @sortable %{"newest" => :inserted_at, "updated" => :updated_at}

«todo»  def index(conn, params) do
«inspect»    {limit, offset} = pagination(params)
    «list»
    «many»
  end

«token»  def create(conn, %{"«s»" => «s»_params}) do
    with {:ok, %«S»{} = «s»} <- «C».create_«s»(«s»_params) do
      conn
      |> put_status(:created)
      |> put_resp_header("location", ~p"«path»/#{«s»}")
      |> «piped»
    end
  end

  def show(conn, %{"id" => id}) do
    with {:ok, «s»} <- «C».fetch_«s»(id) do
      «one»
    end
  end

  def update(conn, %{"id" => id, "«s»" => «s»_params}) do
    «s» = «C».get_«s»!(id)

    with {:ok, %«S»{} = «s»} <- «C».update_«s»(«s», «s»_params) do
      «one»
    end
  end

  def delete(conn, %{"id" => id}) do
    «s» = «C».get_«s»!(id)

    with {:ok, %«S»{}} <- «C».delete_«s»(«s») do
      send_resp(conn, :no_content, "")
    end
  end

  defp pagination(params) do
    limit = params["limit"] |> parse_int(50) |> min(200) |> max(1)
    {limit, parse_int(params["offset"], 0)}
  end

  defp parse_int(nil, default), do: default

  defp parse_int(value, default) when is_binary(value) do
    case Integer.parse(value) do
      {int, ""} when int >= 0 -> int
      _ -> default
    end
  end
«serialize»end
"##;

pub(super) fn json_vars(plan: &Plan, j: usize) -> Vars {
    let s = &plan.schemas[j];
    let fields: Vec<String> = (s.fields.iter().map(|&f| FIELDS[f].0))
        .map(|f| format!("      {f}: {}.{f},\n", s.var))
        .collect();
    schema_vars(plan, j).set("fields", fields.concat())
}

pub(super) const JSON_VIEW: &str = r##"defmodule «Web».«S»JSON do
  alias Shop.«C».«S»

  @doc """
  Renders a list of «ss».
  """
  def index(%{«ss»: «ss»}) do
    %{data: for(«s» <- «ss», do: data(«s»))}
  end

  @doc """
  Renders a single «human».
  """
  def show(%{«s»: «s»}) do
    %{data: data(«s»)}
  end

  defp data(%«S»{} = «s») do
    %{
      id: «s».id,
«fields»      inserted_at: «s».inserted_at,
      updated_at: «s».updated_at
    }
  end
end
"##;

pub(super) fn controller_test(plan: &Plan, j: usize) -> String {
    let s = &plan.schemas[j];
    let n = s.controller.unwrap_or(j);
    let tag = if planted(plan.seed, "ctrl-test-skip", n, 15) {
        "    @tag :skip\n"
    } else {
        ""
    };
    let debug = match planted(plan.seed, "ctrl-test-inspect", n, 10) {
        true => "      IO.inspect(json_response(conn, 200))\n",
        false => "",
    };
    let vars = (schema_vars(plan, j).set("tag", tag).set("debug", debug))
        .set("valid", attrs(s, |f| f.3, false, 2))
        .set("update", attrs(s, |f| f.4, false, 2))
        .set("invalid", attrs(s, |f| f.3, true, 2));
    filled(CONTROLLER_TEST, &vars)
}

const CONTROLLER_TEST: &str = r##"defmodule «Web».«S»ControllerTest do
  use ShopWeb.ConnCase, async: true

  alias Shop.«C»
  alias Shop.«C».«S»

  @create_attrs «valid»
  @update_attrs «update»
  @invalid_attrs «invalid»

  setup %{conn: conn} do
    {:ok, conn: put_req_header(conn, "accept", "application/json")}
  end

  describe "index" do
«tag»    test "lists the «ss»", %{conn: conn} do
      conn = get(conn, ~p"«path»")
«debug»      assert json_response(conn, 200)["data"] == []
    end

    test "pages with limit and offset", %{conn: conn} do
      conn = get(conn, ~p"«path»?limit=1&offset=0")
      assert is_list(json_response(conn, 200)["data"])
    end
  end

  describe "create «human»" do
    test "renders the «human» when data is valid", %{conn: conn} do
      conn = post(conn, ~p"«path»", «s»: @create_attrs)
      assert %{"id" => id} = json_response(conn, 201)["data"]

      conn = get(conn, ~p"«path»/#{id}")
      assert %{"id" => ^id, "«f»" => _} = json_response(conn, 200)["data"]
    end

    test "renders errors when data is invalid", %{conn: conn} do
      conn = post(conn, ~p"«path»", «s»: @invalid_attrs)
      assert json_response(conn, 422)["errors"] != %{}
    end
  end

  describe "update «human»" do
    setup [:create_«s»]

    test "renders the «human» when data is valid", %{conn: conn, «s»: %«S»{id: id} = «s»} do
      conn = put(conn, ~p"«path»/#{«s»}", «s»: @update_attrs)
      assert %{"id" => ^id} = json_response(conn, 200)["data"]
    end

    test "renders errors when data is invalid", %{conn: conn, «s»: «s»} do
      conn = put(conn, ~p"«path»/#{«s»}", «s»: @invalid_attrs)
      assert json_response(conn, 422)["errors"] != %{}
    end
  end

  describe "delete «human»" do
    setup [:create_«s»]

    test "deletes the chosen «human»", %{conn: conn, «s»: «s»} do
      conn = delete(conn, ~p"«path»/#{«s»}")
      assert response(conn, 204)

      conn = get(conn, ~p"«path»/#{«s»}")
      assert json_response(conn, 404)
    end
  end

  defp create_«s»(_) do
    {:ok, «s»} = «C».create_«s»(@create_attrs)
    %{«s»: «s»}
  end
end
"##;
pub(super) const PLUG: &str = r##"defmodule ShopWeb.Plugs.«P» do
  @moduledoc """
  Reads the `x-«h»` request header into `conn.assigns.«k»`, rejecting values that
  are too long to be genuine.
  """
  @behaviour Plug
  import Plug.Conn

  @max_length 128

  @impl Plug
  def init(opts), do: Keyword.validate!(opts, header: "x-«h»", required: false)

  @impl Plug
  def call(conn, opts) do
    case get_req_header(conn, opts[:header]) do
      [value | _] when byte_size(value) in 1..@max_length ->
        assign(conn, :«k», value)

      [] when opts[:required] ->
        conn |> send_resp(:bad_request, "missing #{opts[:header]}") |> halt()

      _ ->
        conn
    end
  end
end
"##;

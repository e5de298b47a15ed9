//! Ecto schemas (`lib/shop/<context>/<schema>.ex`) and their tests.

use super::plan::{FIELDS, Plan, UNIQUE_FIELDS, planted};
use super::{Field, Rng, fill, filled, schema_vars, wrapped};

pub(super) fn schema(plan: &Plan, j: usize) -> String {
    let s = &plan.schemas[j];
    let mut rng = Rng::new(plan.seed, "schema-file", j);
    let fields: Vec<Field> = s.fields.iter().map(|&f| FIELDS[f]).collect();
    let atoms = |fs: &[Field]| fs.iter().map(|f| format!(":{}", f.0)).collect::<Vec<_>>();
    let (req, mut opt) = (atoms(&fields[..s.required]), atoms(&fields[s.required..]));
    let (mut docs, mut decl, mut checks) = (String::new(), String::new(), String::new());
    for (k, f) in fields.iter().enumerate() {
        let ty = f.1.trim_start_matches(':').replace('_', " ");
        let unique = if UNIQUE_FIELDS.contains(&f.0) {
            ", unique"
        } else {
            ""
        };
        let req = if k < s.required { ", required" } else { "" };
        docs.push_str(&format!("    * `{}` ({ty}{req}{unique})\n", f.0));
        decl.push_str(&format!("    field :{}, {}\n", f.0, f.1));
        checks.push_str(&match (f.0, f.1) {
            ("email", _) => "    |> validate_format(:email, ~r/^[^\\s]+@[^\\s]+$/, message: \"must have the @ sign and no spaces\")\n    |> validate_length(:email, max: 160)\n".to_string(),
            ("currency", _) => "    |> validate_inclusion(:currency, ~w(EUR USD GBP CHF))\n".to_string(),
            (name, ":string") => format!("    |> validate_length(:{name}, min: 1, max: {})\n", [80, 120, 255][rng.below(3)]),
            (name, ":integer") => format!("    |> validate_number(:{name}, greater_than_or_equal_to: 0)\n"),
            _ => String::new(),
        });
    }
    for f in fields.iter().filter(|f| UNIQUE_FIELDS.contains(&f.0)) {
        checks.push_str(&format!("    |> unique_constraint(:{})\n", f.0));
    }
    if s.status {
        opt.push(":status".into());
        decl.push_str(
            "    field :status, Ecto.Enum, values: [:draft, :active, :archived], default: :draft\n",
        );
    }
    let ctx = &plan.contexts[s.ctx].name;
    if let Some(p) = s.parent.map(|p| &plan.schemas[p]) {
        opt.push(format!(":{}_id", p.var));
        decl.push_str(&format!(
            "\n    belongs_to :{}, Shop.{ctx}.{}\n",
            p.var, p.name
        ));
        checks.push_str(&format!("    |> foreign_key_constraint(:{}_id)\n", p.var));
    }
    for c in s.children.iter().map(|&c| &plan.schemas[c]) {
        decl.push_str(&format!(
            "    has_many :{}, Shop.{ctx}.{}\n",
            c.plural, c.name
        ));
    }
    let mut assocs = vec![":__meta__".to_string()];
    assocs.extend(s.parent.map(|p| format!(":{}", plan.schemas[p].var)));
    assocs.extend(
        s.children
            .iter()
            .map(|&c| format!(":{}", plan.schemas[c].plural)),
    );
    let vars = schema_vars(plan, j)
        .set("docs", docs)
        .set("decl", decl)
        .set("checks", checks)
        .set("req", wrapped("[", &req, "]", 2))
        .set("opt", wrapped("[", &opt, "]", 2))
        .set("hidden", wrapped("[", &assocs, "]", 20));
    let mut o = filled("defmodule Shop.«C».«S» do\n", &vars);
    if !planted(plan.seed, "schema-moduledoc", j, 10) {
        fill(&mut o, SCHEMA_DOC, &vars);
    }
    fill(&mut o, SCHEMA, &vars);
    if s.status {
        fill(&mut o, SCHEMA_STATUS, &vars);
    }
    o.push_str("end\n");
    o
}

const SCHEMA_DOC: &str = r##"  @moduledoc """
  A «human» of the «C» context, stored in the `«T»` table.

  ## Fields

«docs»  """
"##;

const SCHEMA: &str = r##"  use Ecto.Schema
  import Ecto.Changeset
  import Ecto.Query, only: [from: 2]

  @type t :: %__MODULE__{}

  @required_fields «req»
  @optional_fields «opt»

  @derive {Jason.Encoder, except: «hidden»}
  schema "«T»" do
«decl»
    timestamps(type: :utc_datetime)
  end

  @doc """
  Builds a changeset for creating or updating a «human».
  """
  @spec changeset(t(), map()) :: Ecto.Changeset.t()
  def changeset(«s», attrs) do
    «s»
    |> cast(attrs, @required_fields ++ @optional_fields)
    |> validate_required(@required_fields)
«checks»  end

  @doc """
  Orders `query` by «f», the newest first among equals.
  """
  @spec ordered(Ecto.Queryable.t()) :: Ecto.Query.t()
  def ordered(query \\ __MODULE__) do
    from(«q» in query, order_by: [asc: «q».«f», desc: «q».inserted_at])
  end
"##;

const SCHEMA_STATUS: &str = r##"
  @doc """
  Narrows `query` to the active «ss».
  """
  @spec active(Ecto.Queryable.t()) :: Ecto.Query.t()
  def active(query \\ __MODULE__), do: from(«q» in query, where: «q».status == :active)

  @doc """
  A changeset that only moves the «human» to another status.
  """
  @spec status_changeset(t(), atom() | String.t()) :: Ecto.Changeset.t()
  def status_changeset(«s», status) do
    «s»
    |> cast(%{status: status}, [:status])
    |> validate_required([:status])
    |> validate_change(:status, fn :status, new ->
      if new == «s».status, do: [status: "is unchanged"], else: []
    end)
  end
"##;

pub(super) fn schema_test(plan: &Plan, j: usize) -> String {
    filled(SCHEMA_TEST, &schema_vars(plan, j))
}

const SCHEMA_TEST: &str = r##"defmodule Shop.«C».«S»Test do
  use Shop.DataCase, async: true

  alias Shop.«C».«S»

  test "a changeset with every required field is valid" do
    attrs = «valid»
    assert «S».changeset(%«S»{}, attrs).valid?
  end

  test "«f» is required" do
    changeset = «S».changeset(%«S»{}, %{})
    assert %{«f»: ["can't be blank"]} = errors_on(changeset)
  end

  test "ordered/1 sorts by «f»" do
    assert %Ecto.Query{order_bys: [_]} = «S».ordered()
  end
end
"##;

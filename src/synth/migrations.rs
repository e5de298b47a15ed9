//! Ecto migrations (`priv/repo/migrations/`): table creations and later alterations.

use super::plan::{ALTER_COLUMNS, Change, FIELDS, Migration, Plan, UNIQUE_FIELDS};

pub(super) fn migration(plan: &Plan, m: &Migration) -> String {
    let mut o = format!(
        "defmodule Shop.Repo.Migrations.{} do\n  use Ecto.Migration\n\n",
        m.module
    );
    let (schema, column, variant) = match m.change {
        Change::Alter {
            schema,
            column,
            variant,
        } => (schema, column, variant),
        Change::Create(ref range) => {
            o.push_str("  def change do\n");
            for (k, s) in plan.schemas[range.clone()].iter().enumerate() {
                o.push_str(if k > 0 { "\n" } else { "" });
                o.push_str(&format!("    create table(:{}) do\n", s.table));
                for (n, f) in s.fields.iter().map(|&f| FIELDS[f]).enumerate() {
                    let null = if n < s.required { ", null: false" } else { "" };
                    o.push_str(&format!("      add :{}, {}{null}\n", f.0, f.2));
                }
                if s.status {
                    o.push_str("      add :status, :string, null: false, default: \"draft\"\n");
                }
                let parent = s.parent.map(|p| &plan.schemas[p]);
                if let Some(p) = parent {
                    let (v, t) = (&p.var, &p.table);
                    o.push_str(&format!(
                        "      add :{v}_id, references(:{t}, on_delete: :delete_all)\n"
                    ));
                }
                o.push_str("\n      timestamps(type: :utc_datetime)\n    end\n");
                if let Some(p) = parent {
                    o.push_str(&format!(
                        "\n    create index(:{}, [:{}_id])\n",
                        s.table, p.var
                    ));
                }
                for f in s
                    .fields
                    .iter()
                    .map(|&f| FIELDS[f].0)
                    .filter(|f| UNIQUE_FIELDS.contains(f))
                {
                    o.push_str(&format!("    create unique_index(:{}, [:{f}])\n", s.table));
                }
            }
            o.push_str("  end\nend\n");
            return o;
        }
    };
    let (t, (c, ty, default)) = (&plan.schemas[schema].table, ALTER_COLUMNS[column]);
    let add = |extra: &str| {
        format!("  def change do\n    alter table(:{t}) do\n      add :{c}, {ty}{extra}\n    end\n")
    };
    let users = &plan.schemas[0].table;
    o.push_str(&match (variant, default) {
        (1 | 2, Some(d)) => add(&format!(", null: false, default: {d}")) + "  end\nend\n",
        (3, _) => format!(
            "  @disable_ddl_transaction true\n  @disable_migration_lock true\n\n{}\n    create index(:{t}, [:{c}], concurrently: true)\n  end\nend\n",
            add("")
        ),
        (4, _) => format!(
            "  def up do\n    alter table(:{t}) do\n      remove :{c}\n    end\n  end\n\n  def down do\n    alter table(:{t}) do\n      add :{c}, {ty}\n    end\n  end\nend\n"
        ),
        (5, _) => add("") + &format!("\n    create index(:{t}, [:{c}])\n  end\nend\n"),
        (6, _) => add(", null: false") + "  end\nend\n",
        (7, _) => add(&format!("\n      add :owner_id, references(:{users}, on_delete: :nilify_all)"))
            + "  end\nend\n",
        _ => add("") + "  end\nend\n",
    });
    o
}

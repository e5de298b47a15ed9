//! Which code may run in production: of an `if`/`unless` whose condition is about the
//! environment (`Mix.env()`, `config_env()`, `:dev_routes`), the branch that condition picks
//! in prod; of any other, both branches.

use super::MAX_DEPTH;
use crate::syntax::environment::holds_in_prod;
use crate::syntax::{call_args, do_block, keyword_value, local_call_name, named_children};
use tree_sitter::Node;

/// The statements of a body with the branches of `if`/`unless` that may run in production
/// spliced in where they stand.
pub(super) fn prod_statements<'t>(
    statements: Vec<Node<'t>>,
    src: &str,
    depth: usize,
) -> Vec<Node<'t>> {
    let mut out = Vec::new();
    for statement in statements {
        match prod_branches(statement, src).filter(|_| depth < MAX_DEPTH) {
            Some(branches) => out.extend(prod_statements(branches, src, depth + 1)),
            None => out.push(statement),
        }
    }
    out
}

/// For an `if`/`unless`, the statements of the branches that may run in production (both,
/// unless the condition is about the environment); `None` for any other node.
pub(super) fn prod_branches<'t>(call: Node<'t>, src: &str) -> Option<Vec<Node<'t>>> {
    let negated = match local_call_name(call, src)? {
        "if" => false,
        "unless" => true,
        _ => return None,
    };
    let args = call_args(call);
    let condition = *args.first()?;
    let mut then_branch = Vec::new();
    let mut else_branch = Vec::new();
    if let Some(block) = do_block(call) {
        for child in named_children(block) {
            match child.kind() {
                "else_block" => else_branch.extend(named_children(child)),
                kind if kind.ends_with("_block") => {}
                _ => then_branch.push(child),
            }
        }
    } else {
        let keywords = args.last().copied();
        then_branch.extend(keyword_value(keywords, "do", src));
        else_branch.extend(keyword_value(keywords, "else", src));
    }
    Some(match holds_in_prod(condition, src).map(|t| t != negated) {
        Some(true) => then_branch,
        Some(false) => else_branch,
        None => then_branch.into_iter().chain(else_branch).collect(),
    })
}

#[cfg(test)]
mod tests {
    use crate::syntax::web::test_support::lib;

    #[test]
    fn endpoints_list_their_plugs_outside_development_branches() {
        let web = lib(r#"defmodule ShopWeb.Endpoint do
  use Sentry.PlugCapture
  use Phoenix.Endpoint, otp_app: :shop

  if code_reloading? do
    plug Phoenix.CodeReloader
  end

  if Mix.env() == :prod do
    plug Plug.SSL, rewrite_on: [:x_forwarded_proto]
  end

  unless Mix.env() == :prod do
    plug DevOnly
  end

  if config_env() != :prod, do: plug(AlsoDev)

  plug :force_ssl
  plug ShopWeb.Router

  def force_ssl(conn, _opts), do: Plug.SSL.call(conn, Plug.SSL.init([]))
end
"#);
        assert_eq!(web.endpoints.len(), 1);
        let endpoint = &web.endpoints[0];
        assert_eq!(endpoint.module, "ShopWeb.Endpoint");
        assert_eq!(endpoint.span.start_line, 3);
        let names: Vec<&str> = endpoint.plugs.iter().map(|p| p.name.as_str()).collect();
        assert_eq!(
            names,
            [
                "Phoenix.CodeReloader",
                "Plug.SSL",
                "force_ssl",
                "ShopWeb.Router"
            ]
        );
        assert!(endpoint.plugs[2].calls.contains(&"Plug.SSL".to_string()));
    }
}

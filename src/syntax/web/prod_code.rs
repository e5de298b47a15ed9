//! Which code may run in production: of an `if`/`unless` whose condition is about the
//! environment (`Mix.env()`, `config_env()`, `:dev_routes`), the branch that condition picks
//! in prod; of any other, both branches.

use super::MAX_DEPTH;
use crate::syntax::kinds::Fields;
use crate::syntax::{
    call_args, do_block, keyword_value, local_call_name, named_children, operator,
    remote_call_name, text,
};
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
    Some(
        match true_in_prod(condition, src, 0).map(|t| t != negated) {
            Some(true) => then_branch,
            Some(false) => else_branch,
            None => then_branch.into_iter().chain(else_branch).collect(),
        },
    )
}

/// Whether a condition holds in production, when it is about the environment:
/// `Mix.env()`/`config_env()` compared with `==`, `!=`, `in`, `not in`, combined with
/// `and`/`or`/`not`; Phoenix's `Application.compile_env(:app, :dev_routes)` is off there.
fn true_in_prod(condition: Node, src: &str, depth: usize) -> Option<bool> {
    if depth > MAX_DEPTH {
        return None;
    }
    let nested = |n: Option<Node>| n.and_then(|n| true_in_prod(n, src, depth + 1));
    match condition.kind() {
        "binary_operator" => {
            let left = condition.field("left")?;
            let right = condition.field("right")?;
            match operator(condition)? {
                "==" | "===" => env_is(left, right, src),
                "!=" | "!==" => env_is(left, right, src).map(|t| !t),
                "in" => env_in(left, right, src),
                "not in" => env_in(left, right, src).map(|t| !t),
                "and" | "&&" => match (nested(Some(left)), nested(Some(right))) {
                    (Some(false), _) | (_, Some(false)) => Some(false),
                    (Some(true), Some(true)) => Some(true),
                    _ => None,
                },
                "or" | "||" => match (nested(Some(left)), nested(Some(right))) {
                    (Some(true), _) | (_, Some(true)) => Some(true),
                    (Some(false), Some(false)) => Some(false),
                    _ => None,
                },
                _ => None,
            }
        }
        "unary_operator" if matches!(operator(condition), Some("not" | "!")) => {
            nested(condition.field("operand")).map(|t| !t)
        }
        "block" => match named_children(condition).collect::<Vec<_>>().as_slice() {
            [inner] => nested(Some(*inner)),
            _ => None,
        },
        "call" => {
            let (module, function) = remote_call_name(condition, src)?;
            let dev_routes = module == "Application"
                && function.starts_with("compile_env")
                && call_args(condition)
                    .get(1)
                    .is_some_and(|key| text(*key, src) == ":dev_routes");
            dev_routes.then_some(false)
        }
        _ => None,
    }
}

fn is_env(node: Node, src: &str) -> bool {
    let written: String = text(node, src)
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect();
    matches!(
        written.as_str(),
        "Mix.env()" | "Mix.env" | "config_env()" | "config_env"
    )
}

/// `env == :atom` (either side) → whether that holds in prod.
fn env_is(left: Node, right: Node, src: &str) -> Option<bool> {
    let other = if is_env(left, src) {
        right
    } else if is_env(right, src) {
        left
    } else {
        return None;
    };
    (other.kind() == "atom").then(|| text(other, src) == ":prod")
}

/// `env in [:dev, :test]` → whether the list holds `:prod`.
fn env_in(left: Node, right: Node, src: &str) -> Option<bool> {
    if !is_env(left, src) || right.kind() != "list" {
        return None;
    }
    let atoms: Vec<Node> = named_children(right).collect();
    atoms
        .iter()
        .all(|a| a.kind() == "atom")
        .then(|| atoms.iter().any(|a| text(*a, src) == ":prod"))
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

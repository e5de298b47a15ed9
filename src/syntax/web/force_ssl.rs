//! Where prod-relevant config turns `force_ssl` on.

use super::prod_code::prod_branches;
use super::{Extraction, Located, WebFacts};
use crate::syntax::kinds::Fields;
use crate::syntax::{keyword_key, named_children, text};
use tree_sitter::Node;

impl Extraction<'_, '_> {
    /// Every `force_ssl:` keyword of a config file with a value other than `nil`/`false`,
    /// wherever it is nested, outside branches that do not run in production.
    pub(super) fn force_ssl(&self, root: Node, facts: &mut WebFacts) {
        let src = self.src;
        let mut pending = vec![root];
        while let Some(node) = pending.pop() {
            if node.kind() == "pair"
                && let Some(key) = node.field("key")
                && keyword_key(key, src) == "force_ssl"
            {
                let enabled = node
                    .field("value")
                    .is_some_and(|v| !matches!(text(v, src), "nil" | "false"));
                if enabled {
                    facts.force_ssl.push(Located {
                        path: self.path.to_string(),
                        span: self.head_span(node),
                    });
                }
                continue;
            }
            let children =
                prod_branches(node, src).unwrap_or_else(|| named_children(node).collect());
            pending.extend(children.into_iter().rev());
        }
    }
}
#[cfg(test)]
mod tests {
    use crate::project::FileRole;
    use crate::syntax::web::test_support::facts;

    #[test]
    fn force_ssl_is_found_where_it_runs_in_production() {
        let found = |path, role, src| -> Vec<u32> {
            facts(path, role, src)
                .force_ssl
                .iter()
                .map(|l| l.span.start_line)
                .collect()
        };
        let runtime = r#"import Config
# config :shop, ShopWeb.Endpoint, force_ssl: [hsts: true]
if config_env() == :prod do
  config :shop, ShopWeb.Endpoint,
    url: [host: "shop.example"],
    force_ssl: [rewrite_on: [:x_forwarded_proto]]
end
if config_env() == :dev do
  config :shop, ShopWeb.Endpoint, force_ssl: [hsts: true]
end
config :shop, Other.Endpoint, force_ssl: false
config :shop, Third.Endpoint, force_ssl: nil
"#;
        assert_eq!(
            found("config/runtime.exs", FileRole::ConfigProd, runtime),
            [6]
        );
        assert!(found("config/dev.exs", FileRole::ConfigDev, runtime).is_empty());
        assert!(found("lib/x.ex", FileRole::Lib, runtime).is_empty());
    }
}

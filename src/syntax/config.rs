//! Facts about config files (`config/*.exs`): which keys they set.

use super::{keyword_key, local_call_name, named_children};
use crate::syntax::kinds::Fields;
use crate::syntax::last_call_arg;
use tree_sitter::Node;

/// How deep `set_keys` looks for `config` calls: they sit at the top of a config file or
/// inside a few levels of `if config_env() == :prod do … end`.
const MAX_DEPTH: usize = 12;

/// The keys every `config …, key: value` call of the file sets, sorted and unique.
pub fn set_keys(root: Node, src: &str) -> Vec<String> {
    let mut keys = Vec::new();
    collect(root, src, 0, &mut keys);
    keys.sort();
    keys.dedup();
    keys
}

fn collect(node: Node, src: &str, depth: usize, keys: &mut Vec<String>) {
    if depth > MAX_DEPTH {
        return;
    }
    if local_call_name(node, src) == Some("config") {
        if let Some(last) = last_call_arg(node).filter(|a| a.kind() == "keywords") {
            keys.extend(
                named_children(last)
                    .filter_map(|pair| pair.field("key"))
                    .map(|key| keyword_key(key, src).to_string()),
            );
        }
        return;
    }
    for child in named_children(node) {
        collect(child, src, depth + 1, keys);
    }
}

/// Config files that run when a release boots in production, where a key set overrides
/// what `config.exs` set.
pub fn runs_in_prod(path: &str) -> bool {
    let file_name = path.rsplit('/').next().unwrap_or(path);
    matches!(file_name, "runtime.exs" | "prod.exs" | "releases.exs")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_of_every_config_call_also_inside_conditionals() {
        let src = r#"
import Config
config :shop, Shop.Repo, pool_size: 10
if config_env() == :prod do
  config :shop, ShopWeb.Endpoint,
    secret_key_base: System.fetch_env!("SECRET_KEY_BASE"),
    "quoted": 1
end
config :logger, level: :info
"#;
        let tree = crate::syntax::parse::parse(src).unwrap();
        assert_eq!(
            set_keys(tree.root_node(), src),
            ["level", "pool_size", "quoted", "secret_key_base"]
        );
    }

    #[test]
    fn only_configs_that_boot_in_production_override() {
        assert!(runs_in_prod("config/runtime.exs"));
        assert!(runs_in_prod("apps/web/config/prod.exs"));
        assert!(runs_in_prod("config/releases.exs"));
        assert!(!runs_in_prod("config/config.exs"));
        assert!(!runs_in_prod("config/dev.exs"));
    }
}

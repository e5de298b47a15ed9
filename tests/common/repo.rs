//! Real git repositories for the tests, built with git2, and a clean project to put in them.

use super::run::write;
use git2::{Oid, Repository, Signature};
use std::path::Path;

pub struct Git {
    pub repo: Repository,
}

impl Git {
    pub fn init(dir: &Path) -> Git {
        let repo = Repository::init(dir).unwrap();
        Git { repo }
    }

    /// Stage everything in the worktree and commit it on HEAD with `message`.
    pub fn commit(&self, message: &str) -> Oid {
        let mut index = self.repo.index().unwrap();
        index
            .add_all(["*"], git2::IndexAddOption::FORCE, None)
            .unwrap();
        index.update_all(["*"], None).unwrap();
        index.write().unwrap();
        let tree = self.repo.find_tree(index.write_tree().unwrap()).unwrap();
        let parents: Vec<git2::Commit> = self
            .repo
            .head()
            .ok()
            .and_then(|h| h.peel_to_commit().ok())
            .into_iter()
            .collect();
        let parents: Vec<&git2::Commit> = parents.iter().collect();
        let me = Signature::now("Dev", "dev@example.com").unwrap();
        self.repo
            .commit(Some("HEAD"), &me, &me, message, &tree, &parents)
            .unwrap()
    }

    /// A merge commit of HEAD and `other` with HEAD's tree.
    pub fn merge_commit(&self, other: Oid, message: &str) -> Oid {
        let head = self.repo.head().unwrap().peel_to_commit().unwrap();
        let other = self.repo.find_commit(other).unwrap();
        let me = Signature::now("Dev", "dev@example.com").unwrap();
        self.repo
            .commit(
                Some("HEAD"),
                &me,
                &me,
                message,
                &head.tree().unwrap(),
                &[&head, &other],
            )
            .unwrap()
    }

    pub fn branch(&self, name: &str) {
        let head = self.repo.head().unwrap().peel_to_commit().unwrap();
        self.repo.branch(name, &head, true).unwrap();
    }

    pub fn tag(&self, name: &str) {
        let head = self.repo.head().unwrap().peel_to_commit().unwrap();
        self.repo
            .tag_lightweight(name, head.as_object(), true)
            .unwrap();
    }
}

pub const MIX: &str = r#"defmodule Shop.MixProject do
  use Mix.Project
  def project, do: [app: :shop, version: "1.0.0", deps: deps()]
  defp deps, do: [{:jason, "~> 1.4"}]
end
"#;

pub const LOCK: &str = r#"%{
  "jason": {:hex, :jason, "1.4.1", "af1504e3", [:mix], [], "hexpm", "fbb01ecd"},
}
"#;

pub const README: &str = "# Shop\n\nShop is the storefront of the platform: it lists products, keeps \
                      carts in the session, takes payments and sends orders to fulfilment.\n";

/// A clean single-app project: README, changelog, glossary, lock, one tested module.
pub fn shop(root: &Path) {
    write(root, "mix.exs", MIX);
    write(root, "mix.lock", LOCK);
    write(root, "README.md", README);
    write(
        root,
        "CHANGELOG.md",
        "# Changelog\n\n## 1.0.0\n- First release.\n",
    );
    write(
        root,
        "GLOSSARY.md",
        "# Glossary\n- **Cart** (`Shop.Cart`): items to buy.\n",
    );
    write(
        root,
        "lib/shop/cart.ex",
        "defmodule Shop.Cart do\n  @moduledoc \"A cart.\"\n  @doc \"Total.\"\n  @spec total([integer]) :: integer\n  def total(items), do: Enum.sum(items)\nend\n",
    );
    write(
        root,
        "test/shop/cart_test.exs",
        "defmodule Shop.CartTest do\n  use ExUnit.Case\n  alias Shop.Cart\n  test \"total\", do: assert(Cart.total([1]) == 1)\nend\n",
    );
}

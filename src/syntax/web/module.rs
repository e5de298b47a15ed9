//! Which modules are routers, endpoints or controllers, and what the extraction needs of a
//! module body: its name, aliases, attributes and the functions it defines.

use super::prod_code::prod_statements;
use super::{Controller, ControllerPlug, Endpoint, Extraction, MAX_DEPTH, WebFacts};
use crate::syntax::first_call_arg;
use crate::syntax::kinds::Fields;
use crate::syntax::literals::atom_name;
use crate::syntax::{
    alias_declarations, alias_text, body_statements, call_args, local_call_name, module_attribute,
    operator, text,
};
use std::collections::HashMap;
use tree_sitter::Node;

#[derive(Clone, Copy, PartialEq, Eq)]
enum ModuleKind {
    Router,
    Endpoint,
    Controller,
}

impl Extraction<'_, '_> {
    /// The facts of the module `node` defines, and of the modules nested in it.
    pub(super) fn module(
        &self,
        node: Node,
        parent: Option<&str>,
        depth: usize,
        facts: &mut WebFacts,
    ) {
        let src = self.src;
        if depth > MAX_DEPTH || local_call_name(node, src) != Some("defmodule") {
            return;
        }
        let Some(name_node) = call_args(node)
            .into_iter()
            .next()
            .filter(|n| n.kind() == "alias")
        else {
            return;
        };
        let written = alias_text(name_node, src);
        let name = match parent {
            Some(parent) => format!("{parent}.{written}"),
            None => written,
        };
        let statements = prod_statements(body_statements(node, src), src, 0);
        for &statement in &statements {
            self.module(statement, Some(&name), depth + 1, facts);
        }
        // What a broken module seems to lack may sit inside the parse error: no facts, so
        // no finding rests on a guess (the file has a syntax-error diagnostic).
        if node.has_error() {
            return;
        }
        let Some((kind, used)) = statements
            .iter()
            .find_map(|s| used_kind(*s, src).map(|k| (k, *s)))
        else {
            return;
        };
        let module = ModuleInfo::new(name, &statements, src);
        match kind {
            ModuleKind::Router => {
                facts
                    .routers
                    .push(self.router(&module, &statements, self.head_span(used)))
            }
            ModuleKind::Endpoint => facts.endpoints.push(Endpoint {
                module: module.name.clone(),
                path: self.path.to_string(),
                span: self.head_span(used),
                plugs: statements
                    .iter()
                    .filter_map(|s| self.plug(*s, &module))
                    .map(|(plug, _)| plug)
                    .collect(),
            }),
            ModuleKind::Controller => {
                let plugs: Vec<ControllerPlug> = statements
                    .iter()
                    .filter_map(|s| self.plug(*s, &module))
                    .map(|(plug, actions)| ControllerPlug { plug, actions })
                    .collect();
                facts.controllers.push(Controller {
                    module: module.name.clone(),
                    path: self.path.to_string(),
                    span: self.head_span(used),
                    plugs,
                });
            }
        }
    }
}

/// What the extraction needs of a module body: its name, aliases, attributes and the
/// functions it defines (for function plugs).
pub(super) struct ModuleInfo<'t, 's> {
    pub(super) name: String,
    aliases: Vec<(String, String)>,
    attributes: HashMap<&'s str, Node<'t>>,
    pub(super) defs: HashMap<&'s str, Vec<Node<'t>>>,
}

impl<'t, 's> ModuleInfo<'t, 's> {
    fn new(name: String, statements: &[Node<'t>], src: &'s str) -> Self {
        let mut module = ModuleInfo {
            name,
            aliases: Vec::new(),
            attributes: HashMap::new(),
            defs: HashMap::new(),
        };
        for &statement in statements {
            if let Some((attribute, Some(value))) = module_attribute(statement, src) {
                module.attributes.insert(attribute, value);
                continue;
            }
            match local_call_name(statement, src) {
                Some("alias") => {
                    let declared = alias_declarations(statement, src, &|n| module.resolve(n, src));
                    module.aliases.extend(declared);
                }
                Some("def" | "defp") => {
                    let head = first_call_arg(statement);
                    // `def name(args) when guard`: the name is in the guard's left side.
                    let head = head.map(|h| match operator(h) {
                        Some("when") => h.field("left").unwrap_or(h),
                        _ => h,
                    });
                    if let Some(name) = head.and_then(|h| local_call_name(h, src)) {
                        module.defs.entry(name).or_default().push(statement);
                    }
                }
                _ => {}
            }
        }
        module
    }

    /// A module reference with the module's aliases expanded (`__MODULE__` is the module).
    pub(super) fn resolve(&self, node: Node, src: &str) -> Option<String> {
        match node.kind() {
            "alias" => {
                let written = alias_text(node, src);
                let (first, rest) = written.split_once('.').unwrap_or((&written, ""));
                let full = self
                    .aliases
                    .iter()
                    .rev()
                    .find(|(short, _)| short == first)
                    .map(|(_, full)| full.as_str());
                Some(match (full, rest) {
                    (Some(full), "") => full.to_string(),
                    (Some(full), rest) => format!("{full}.{rest}"),
                    (None, _) => written,
                })
            }
            "identifier" if text(node, src) == "__MODULE__" => Some(self.name.clone()),
            "dot" => {
                let left = self.resolve(node.field("left")?, src)?;
                let right = node.field("right")?;
                (right.kind() == "alias").then(|| format!("{left}.{}", alias_text(right, src)))
            }
            _ => None,
        }
    }

    /// The value of `@name` when `node` reads a module attribute set in this module.
    pub(super) fn attribute(&self, node: Node, src: &str) -> Option<Node<'t>> {
        match module_attribute(node, src) {
            Some((name, None)) => self.attributes.get(name).copied(),
            _ => None,
        }
    }
}

/// What a module is to the web layer, if `statement` is the `use` that says so: `use
/// Phoenix.Router` (as written: nobody aliases it), or `use MyAppWeb, :router`, the web
/// module's convention.
fn used_kind(statement: Node, src: &str) -> Option<ModuleKind> {
    if local_call_name(statement, src) != Some("use") {
        return None;
    }
    let args = call_args(statement);
    let used = args.first().filter(|a| a.kind() == "alias")?;
    match alias_text(*used, src).as_str() {
        "Phoenix.Router" => return Some(ModuleKind::Router),
        "Phoenix.Endpoint" => return Some(ModuleKind::Endpoint),
        "Phoenix.Controller" => return Some(ModuleKind::Controller),
        _ => {}
    }
    match args.get(1).and_then(|k| atom_name(*k, src)).as_deref() {
        Some("router") => Some(ModuleKind::Router),
        Some("controller") => Some(ModuleKind::Controller),
        _ => None,
    }
}
#[cfg(test)]
mod tests {
    use crate::project::FileRole;
    use crate::syntax::web::test_support::{facts, lib};

    #[test]
    fn only_lib_code_modules_that_use_phoenix_count() {
        let router = "defmodule T.Router do\n  use Phoenix.Router\n  pipeline :b do\n    plug :accepts, [\"html\"]\n  end\nend\n";
        assert_eq!(lib(router).routers.len(), 1);
        assert!(facts("test/support/router.ex", FileRole::Test, router).is_empty());
        // The web module's `router/0` quotes `use Phoenix.Router` for others; docs mention it.
        let web_module = r#"defmodule ShopWeb do
  @moduledoc "Use as `use ShopWeb, :router` or `use Phoenix.Endpoint`."
  def router do
    quote do
      use Phoenix.Router
    end
  end
end
"#;
        assert!(lib(web_module).is_empty());
        // A module with a parse error yields no facts to judge.
        let broken = "defmodule T.Router do\n  use Phoenix.Router\n  pipeline :b do\n    plug :accepts, [\"html\"\n  end\nend\n";
        assert!(lib(broken).routers.is_empty());
        let nested =
            "defmodule Shop do\n  defmodule Web.Router do\n    use Phoenix.Router\n  end\nend\n";
        assert_eq!(lib(nested).routers[0].module, "Shop.Web.Router");
    }
}

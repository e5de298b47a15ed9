//! A `plug` call in a pipeline, an endpoint or a controller: what it plugs, the formats it
//! accepts, whether it sets a content-security-policy, what a function plug calls and the
//! actions it runs for.

use super::module::ModuleInfo;
use super::{ActionFilter, Extraction, Plug};
use crate::syntax::kinds::Fields;
use crate::syntax::literals::{atom_name, string_value};
use crate::syntax::{
    body_statements, call_args, descendants_outside_fns, local_call_name, named_children, operator,
    remote_call_name, text,
};
use tree_sitter::Node;

/// At most this many names are kept of what a function plug calls.
const MAX_CALLS: usize = 64;

/// The header name `put_secure_browser_headers` takes a CSP under, in lower case.
const CSP_HEADER: &str = "content-security-policy";

impl Extraction<'_, '_> {
    /// `plug target, opts` (optionally `when …`) → the plug and the actions it runs for.
    pub(super) fn plug(&self, call: Node, module: &ModuleInfo) -> Option<(Plug, ActionFilter)> {
        let src = self.src;
        if local_call_name(call, src) != Some("plug") {
            return None;
        }
        let mut args = call_args(call);
        let mut guard = None;
        // `plug :p when action in [...]` and `plug M, opts when …`: the guard wraps the last
        // argument. `plug M, key: v when …` puts it in the last keyword's value.
        if let Some(last) = args.last_mut() {
            if operator(*last) == Some("when") {
                guard = last.field("right");
                *last = last.field("left")?;
            } else if last.kind() == "keywords"
                && let Some(value) = named_children(*last)
                    .last()
                    .and_then(|pair| pair.field("value"))
                && operator(value) == Some("when")
            {
                guard = value.field("right");
            }
        }
        let target = *args.first()?;
        let (name, function) = match target.kind() {
            "atom" | "quoted_atom" => (atom_name(target, src)?, true),
            "alias" | "dot" => (module.resolve(target, src)?, false),
            _ => return None,
        };
        let opts = args.get(1).copied();
        let local = if function {
            module.defs.get(name.as_str())
        } else {
            None
        };
        let formats = match (function, name.as_str(), opts) {
            (true, "accepts", Some(opts)) => module.formats(opts, src, 0),
            _ => Vec::new(),
        };
        let sets_csp = match (function, name.as_str()) {
            (true, "put_secure_browser_headers") => {
                opts.is_some_and(|headers| module.may_set_csp(headers, src, 0))
            }
            _ => local.is_some_and(|defs| {
                defs.iter()
                    .any(|d| contains_ignore_case(text(*d, src), CSP_HEADER))
            }),
        };
        let plug = Plug {
            span: self.head_span(call),
            calls: local.map_or(Vec::new(), |defs| calls_in(defs, src)),
            name,
            function,
            formats,
            sets_csp,
        };
        Some((
            plug,
            guard.map_or(ActionFilter::All, |g| action_filter(g, src)),
        ))
    }
}

/// What a plug's options mean; an option may read an attribute of the module the plug is in.
impl ModuleInfo<'_, '_> {
    /// The formats of `plug :accepts, formats`, when written literally.
    fn formats(&self, node: Node, src: &str, depth: usize) -> Vec<String> {
        match node.kind() {
            "list" => named_children(node)
                .filter_map(|f| string_value(f, src))
                .collect(),
            "sigil" if sigil_name(node, src) == Some("w") => named_children(node)
                .filter(|c| c.kind() == "quoted_content")
                .flat_map(|c| text(c, src).split_whitespace().map(str::to_string))
                .collect(),
            _ if depth == 0 => self
                .attribute(node, src)
                .map_or(Vec::new(), |value| self.formats(value, src, 1)),
            _ => Vec::new(),
        }
    }

    /// Whether the headers given to `put_secure_browser_headers` may set a CSP: a literal
    /// map has a `content-security-policy` key (any letter case) or a key that is not a
    /// literal string; an empty list or `nil` sets none; anything else (a variable, a
    /// function call) may.
    fn may_set_csp(&self, headers: Node, src: &str, depth: usize) -> bool {
        match headers.kind() {
            "map" => named_children(headers)
                .filter(|c| c.kind() == "map_content")
                .flat_map(named_children)
                .any(|entry| match entry.kind() {
                    // Atom keys (`%{csp: …}`) are not header names.
                    "keywords" => false,
                    "binary_operator" if operator(entry) == Some("=>") => {
                        entry.field("left").is_none_or(|key| {
                            string_value(key, src)
                                .is_none_or(|k| k.eq_ignore_ascii_case(CSP_HEADER))
                        })
                    }
                    _ => true,
                }),
            "list" => named_children(headers).next().is_some(),
            "nil" => false,
            _ => match self.attribute(headers, src) {
                Some(value) if depth == 0 => self.may_set_csp(value, src, 1),
                _ => true,
            },
        }
    }
}

/// The functions and modules the bodies of `defs` call, deduplicated, at most `MAX_CALLS`.
fn calls_in(defs: &[Node], src: &str) -> Vec<String> {
    let mut calls: Vec<String> = Vec::new();
    let bodies = defs.iter().flat_map(|d| body_statements(*d, src));
    for node in bodies.flat_map(|s| std::iter::once(s).chain(descendants_outside_fns(s))) {
        let names: Vec<&str> = if let Some((module, function)) = remote_call_name(node, src) {
            vec![module, function]
        } else {
            local_call_name(node, src).into_iter().collect()
        };
        for name in names {
            if calls.len() >= MAX_CALLS {
                return calls;
            }
            let name: String = name.chars().filter(|c| !c.is_whitespace()).collect();
            if !calls.contains(&name) {
                calls.push(name);
            }
        }
    }
    calls
}

/// `when action in [:a, :b]` (`not in`, `==`, `!=`) → the actions; anything else → all.
fn action_filter(guard: Node, src: &str) -> ActionFilter {
    let (Some(left), Some(right)) = (guard.field("left"), guard.field("right")) else {
        return ActionFilter::All;
    };
    if text(left, src) != "action" {
        return ActionFilter::All;
    }
    let listed = || -> Vec<String> {
        match right.kind() {
            "list" => named_children(right)
                .filter_map(|a| atom_name(a, src))
                .collect(),
            _ => atom_name(right, src).into_iter().collect(),
        }
    };
    match operator(guard) {
        Some("in" | "==") => ActionFilter::Only(listed()),
        Some("not in" | "!=") => ActionFilter::Except(listed()),
        _ => ActionFilter::All,
    }
}

fn sigil_name<'s>(sigil: Node, src: &'s str) -> Option<&'s str> {
    named_children(sigil)
        .find(|c| c.kind() == "sigil_name")
        .map(|n| text(n, src))
}

/// `haystack` contains the lower-case `needle`, in any letter case.
fn contains_ignore_case(haystack: &str, needle: &str) -> bool {
    haystack
        .as_bytes()
        .windows(needle.len())
        .any(|w| w.eq_ignore_ascii_case(needle.as_bytes()))
}
#[cfg(test)]
mod tests {
    use super::*;
    use crate::syntax::web::test_support::lib;

    #[test]
    fn controllers_keep_the_actions_their_plugs_run_for() {
        let web = lib(r#"defmodule ShopWeb.SessionController do
  use ShopWeb, :controller

  plug :throttle when action in [:create, :update]
  plug Limit, [max: 5] when action not in [:new]
  plug Other, max: 5 when action == :create
  plug :always

  def create(conn, _), do: conn
end

defmodule ShopWeb.PageController do
  use Phoenix.Controller
  def index(conn, _), do: conn
end
"#);
        let names: Vec<&str> = web.controllers.iter().map(|c| c.module.as_str()).collect();
        assert_eq!(
            names,
            ["ShopWeb.SessionController", "ShopWeb.PageController"],
            "every controller is a fact, with or without plugs (OTEL002 reports on them)"
        );
        assert!(web.controllers[1].plugs.is_empty());
        assert_eq!(web.controllers[1].span.start_line, 13);
        let plugs: Vec<(&str, &ActionFilter)> = web.controllers[0]
            .plugs
            .iter()
            .map(|p| (p.plug.name.as_str(), &p.actions))
            .collect();
        let list = |names: &[&str]| names.iter().map(|n| n.to_string()).collect::<Vec<_>>();
        assert_eq!(
            plugs,
            [
                ("throttle", &ActionFilter::Only(list(&["create", "update"]))),
                ("Limit", &ActionFilter::Except(list(&["new"]))),
                ("Other", &ActionFilter::Only(list(&["create"]))),
                ("always", &ActionFilter::All),
            ]
        );
        assert!(ActionFilter::Except(list(&["new"])).admits("create"));
        assert!(!ActionFilter::Only(list(&["new"])).admits("create"));
    }
}

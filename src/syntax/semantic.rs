//! Lexical facts the single walk keeps up to date: which aliases and imports are in scope,
//! which module encloses a node, and whether code there runs at compile time or at run time.
//!
//! Scopes are byte ranges. Entering a node first closes every scope that ended before it, so
//! the walk needs no explicit "leave" events.

use super::kinds::{Kind, kind};
use super::{alias_text, call_args, keyword_value, local_call_name, named_children, text};
use tree_sitter::Node;

/// When the code at a point executes. Statements directly in a module body, module attribute
/// values, macro bodies and `unquote` run while compiling; everything else (function bodies,
/// quoted code, scripts, and the `do` blocks of `test`, routes and other macros that wrap
/// code into functions) is treated as running in the deployed system.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExecContext {
    Runtime,
    CompileTime,
}

/// A context and the byte range it covers.
#[derive(Debug, Clone, Copy)]
struct Context {
    start: usize,
    end: usize,
    kind: ContextKind,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum ContextKind {
    Runtime,
    CompileTime,
    /// The statements of a module body: compile time, but the `do` blocks of macros called
    /// there (`test`, `get`, `setup`) become functions, so they run later.
    ModuleBody,
}

#[derive(Debug, Default)]
struct Scope {
    end_byte: usize,
    aliases: Vec<(String, String)>,
    imports: Vec<Import>,
}

#[derive(Debug)]
struct Import {
    module: String,
    only: Option<Vec<(String, Option<usize>)>>,
    except: Vec<(String, Option<usize>)>,
}

impl Import {
    fn admits(&self, name: &str, arity: usize) -> bool {
        let listed = |list: &[(String, Option<usize>)]| {
            list.iter()
                .any(|(n, a)| n == name && a.is_none_or(|a| a == arity))
        };
        self.only.as_deref().is_none_or(listed) && !listed(&self.except)
    }
}

#[derive(Debug)]
pub struct Semantic {
    scopes: Vec<Scope>,
    modules: Vec<(usize, String)>,
    /// Nested by `end`; a context may start after the node that pushed it (a `do` block).
    contexts: Vec<Context>,
    /// Start of the node being visited.
    position: usize,
}

impl Default for Semantic {
    fn default() -> Self {
        Semantic {
            scopes: vec![Scope {
                end_byte: usize::MAX,
                ..Scope::default()
            }],
            modules: Vec::new(),
            contexts: Vec::new(),
            position: 0,
        }
    }
}

const RUNTIME_DEFINITIONS: &[&str] = &["def", "defp", "defguard", "defguardp", "defn", "defnp"];
const COMPILE_TIME_DEFINITIONS: &[&str] = &["defmacro", "defmacrop"];
/// Control flow whose `do` block runs where it stands (in a module body: at compile time).
const INLINE_BLOCKS: &[&str] = &[
    "for", "if", "unless", "case", "cond", "with", "try", "receive",
];

impl Semantic {
    /// Update the model for `node`, which the walk is about to visit (pre-order).
    pub fn enter(&mut self, node: Node, src: &str) {
        let start = node.start_byte();
        self.position = start;
        // Ranges are nested, so everything that ended before this node is on top of its stack.
        while self.scopes.last().is_some_and(|s| s.end_byte <= start) {
            self.scopes.pop();
        }
        while self.modules.last().is_some_and(|(end, _)| *end <= start) {
            self.modules.pop();
        }
        while self.contexts.last().is_some_and(|c| c.end <= start) {
            self.contexts.pop();
        }

        match kind(node) {
            Kind::DoBlock | Kind::AnonymousFunction => self.scopes.push(Scope {
                end_byte: node.end_byte(),
                ..Scope::default()
            }),
            Kind::Call => self.enter_call(node, src),
            // `@attr value`: the value is computed while compiling the module.
            Kind::UnaryOperator
                if super::module_attribute(node, src).is_some_and(|(_, v)| v.is_some()) =>
            {
                self.push_context(node, ContextKind::CompileTime)
            }
            _ => {}
        }
    }

    fn push_context(&mut self, node: Node, kind: ContextKind) {
        self.contexts.push(Context {
            start: node.start_byte(),
            end: node.end_byte(),
            kind,
        });
    }

    fn current_context(&self) -> Option<ContextKind> {
        self.contexts
            .iter()
            .rev()
            .find(|c| c.start <= self.position)
            .map(|c| c.kind)
    }

    fn enter_call(&mut self, call: Node, src: &str) {
        let Some(name) = local_call_name(call, src) else {
            return;
        };
        let end = call.end_byte();
        match name {
            // A protocol is a module too: `defprotocol Size` inside `Shop` is `Shop.Size`.
            "defmodule" | "defprotocol" => {
                if let Some(full) = self.nested_module_name(call, src) {
                    self.modules.push((end, full));
                }
                if let Some(body) = do_body(call, src) {
                    self.push_context(body, ContextKind::ModuleBody);
                }
            }
            "defimpl" => {
                if let Some(body) = do_body(call, src) {
                    self.push_context(body, ContextKind::ModuleBody);
                }
            }
            "alias" => self.record_alias(call, src),
            "import" => self.record_import(call, src),
            // Only the quoted body is run-time code; `bind_quoted:` and other options are not.
            "quote" => {
                if let Some(body) = do_body(call, src) {
                    self.push_context(body, ContextKind::Runtime);
                }
            }
            "unquote" | "unquote_splicing" => self.push_context(call, ContextKind::CompileTime),
            n if RUNTIME_DEFINITIONS.contains(&n) => self.push_context(call, ContextKind::Runtime),
            n if COMPILE_TIME_DEFINITIONS.contains(&n) => {
                self.push_context(call, ContextKind::CompileTime)
            }
            n if !INLINE_BLOCKS.contains(&n)
                && self.current_context() == Some(ContextKind::ModuleBody) =>
            {
                if let Some(block) = super::do_block(call) {
                    self.push_context(block, ContextKind::Runtime);
                }
            }
            _ => {}
        }
    }

    /// The full name of a `defmodule`, prefixed by the enclosing module as Elixir does, and the
    /// implicit alias a nested module creates in its parent.
    fn nested_module_name(&mut self, call: Node, src: &str) -> Option<String> {
        let name_node = *call_args(call).first()?;
        // `defmodule __MODULE__.Sub` names `Parent.Sub` and creates no alias.
        if name_node.kind() == "dot" {
            return self.resolve_module(name_node, src);
        }
        if name_node.kind() != "alias" {
            return None;
        }
        let written = alias_text(name_node, src);
        let full = match self.current_module() {
            Some(parent) => {
                let first = written.split('.').next().unwrap_or(&written).to_string();
                let parent = parent.to_string();
                self.innermost()
                    .aliases
                    .push((first.clone(), format!("{parent}.{first}")));
                format!("{parent}.{written}")
            }
            None => written,
        };
        Some(full)
    }

    pub fn current_module(&self) -> Option<&str> {
        self.modules.last().map(|(_, name)| name.as_str())
    }

    pub fn exec_context(&self) -> ExecContext {
        match self.current_context() {
            Some(ContextKind::CompileTime | ContextKind::ModuleBody) => ExecContext::CompileTime,
            Some(ContextKind::Runtime) | None => ExecContext::Runtime,
        }
    }

    fn innermost(&mut self) -> &mut Scope {
        self.scopes
            .last_mut()
            .expect("the file scope is never popped")
    }

    /// Expand the module reference at `node` (`Repo`, `MyApp.Repo`, `__MODULE__`, `:erlang`).
    pub fn resolve_module(&self, node: Node, src: &str) -> Option<String> {
        match node.kind() {
            "alias" => Some(self.expand_alias(&alias_text(node, src))),
            "atom" => Some(text(node, src).to_string()),
            "identifier" if text(node, src) == "__MODULE__" => {
                self.current_module().map(str::to_string)
            }
            "dot" => {
                let left = self.resolve_module(node.child_by_field_name("left")?, src)?;
                let right = node.child_by_field_name("right")?;
                (right.kind() == "alias").then(|| format!("{left}.{}", alias_text(right, src)))
            }
            _ => None,
        }
    }

    fn expand_alias(&self, written: &str) -> String {
        // `Elixir.String` is the full name already; aliases never apply to it.
        if let Some(full) = written.strip_prefix("Elixir.") {
            return full.to_string();
        }
        let (first, rest) = match written.split_once('.') {
            Some((first, rest)) => (first, Some(rest)),
            None => (written, None),
        };
        let expanded = self
            .scopes
            .iter()
            .rev()
            .flat_map(|scope| scope.aliases.iter().rev())
            .find(|(short, _)| short == first)
            .map(|(_, full)| full.as_str());
        match (expanded, rest) {
            (Some(full), Some(rest)) => format!("{full}.{rest}"),
            (Some(full), None) => full.to_string(),
            (None, _) => written.to_string(),
        }
    }

    /// Modules a local call `name/arity` may come from through `import`.
    pub fn imported_from(&self, name: &str, arity: usize) -> Vec<String> {
        let imports: Vec<&Import> = self.scopes.iter().flat_map(|s| s.imports.iter()).collect();
        let explicit: Vec<String> = imports
            .iter()
            .filter(|i| i.only.is_some() && i.admits(name, arity))
            .map(|i| i.module.clone())
            .collect();
        if !explicit.is_empty() {
            return explicit;
        }
        imports
            .iter()
            .filter(|i| i.only.is_none() && i.admits(name, arity))
            .map(|i| i.module.clone())
            .collect()
    }

    fn record_alias(&mut self, call: Node, src: &str) {
        let args = call_args(call);
        let Some(&target) = args.first() else {
            return;
        };
        // `alias MyApp.{Repo, User}`
        if target.kind() == "dot"
            && let Some(right) = target.child_by_field_name("right")
            && right.kind() == "tuple"
        {
            let Some(base) = target
                .child_by_field_name("left")
                .and_then(|left| self.resolve_module(left, src))
            else {
                return;
            };
            for member in named_children(right).filter(|m| m.kind() == "alias") {
                let member = alias_text(member, src);
                let short = member.rsplit('.').next().unwrap_or(&member).to_string();
                self.innermost()
                    .aliases
                    .push((short, format!("{base}.{member}")));
            }
            return;
        }
        let Some(full) = self.resolve_module(target, src) else {
            return;
        };
        let short = match keyword_value(args.get(1).copied(), "as", src) {
            Some(as_node) => alias_text(as_node, src),
            None => full.rsplit('.').next().unwrap_or(&full).to_string(),
        };
        self.innermost().aliases.push((short, full));
    }

    fn record_import(&mut self, call: Node, src: &str) {
        let args = call_args(call);
        let Some(module) = args.first().and_then(|m| self.resolve_module(*m, src)) else {
            return;
        };
        let opts = args.get(1).copied();
        let only = keyword_value(opts, "only", src).and_then(|list| function_list(list, src));
        let except = keyword_value(opts, "except", src)
            .and_then(|list| function_list(list, src))
            .unwrap_or_default();
        self.innermost().imports.push(Import {
            module,
            only,
            except,
        });
    }
}

/// The `do` body of a call: its `do_block`, or the value of a `do:` keyword.
fn do_body<'t>(call: Node<'t>, src: &str) -> Option<Node<'t>> {
    super::do_block(call).or_else(|| keyword_value(call_args(call).last().copied(), "do", src))
}

/// `[to_atom: 1, decode: 2]` → names with arities. `:functions`/`:macros` → `None` (all).
fn function_list(list: Node, src: &str) -> Option<Vec<(String, Option<usize>)>> {
    if list.kind() != "list" {
        return None;
    }
    let mut out = Vec::new();
    for keywords in named_children(list).filter(|n| n.kind() == "keywords") {
        for pair in named_children(keywords) {
            let (Some(key), value) = (
                pair.child_by_field_name("key"),
                pair.child_by_field_name("value"),
            ) else {
                continue;
            };
            let arity = value.and_then(|v| text(v, src).parse().ok());
            out.push((super::keyword_key(key, src).to_string(), arity));
        }
    }
    Some(out)
}

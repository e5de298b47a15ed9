//! Lexical facts the single walk keeps up to date: which aliases and imports are in scope,
//! which module encloses a node, and whether code there runs at compile time or at run time.
//!
//! Scopes are byte ranges. Entering a node first closes every scope that ended before it, so
//! the walk needs no explicit "leave" events.

use super::calls::{CallHead, call_head};
use super::kinds::{Kind, kind};
use super::{alias_text, call_args, keyword_value, local_call_name, named_children, text};
use crate::syntax::kinds::Fields;
use crate::syntax::{first_call_arg, last_call_arg};
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
    /// A module attribute's value (`@timeout Application.get_env(…)`): compile time.
    Attribute,
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

/// A variable whose values are drawn from a fixed set within a byte range: the parameter
/// of a clause guarded `when kind in [:a, :b]`, the body of `if kind in allowed do`, a
/// generator over a literal list (`for kind <- [:a, :b]`, `Enum.map([:a, :b], fn kind -> …)`).
#[derive(Debug, Clone)]
struct Bounded {
    start: usize,
    end: usize,
    name: String,
}

/// `name = value` seen earlier in the same function: the variable's byte range in the
/// pattern and the value's, visible from the end of the match to the end of the function.
#[derive(Debug, Clone, Copy)]
struct Binding {
    name: (usize, usize),
    value: (usize, usize),
    end: usize,
}

/// How deep a match pattern is searched for the variables it binds.
const MAX_PATTERN_DEPTH: usize = 8;

#[derive(Debug)]
pub struct Semantic {
    scopes: Vec<Scope>,
    /// The enclosing `defmodule`/`defprotocol` calls, innermost last: start, end, full name.
    modules: Vec<(usize, usize, String)>,
    /// The enclosing `defimpl` calls, innermost last: their byte ranges.
    impls: Vec<(usize, usize)>,
    /// Nested by `end`; a context may start after the node that pushed it (a `do` block).
    contexts: Vec<Context>,
    /// Nested by `end`, like `contexts`.
    bounded: Vec<Bounded>,
    /// The `def`/`defp` being walked, innermost last: its byte range.
    functions: Vec<(usize, usize)>,
    /// Ordered by position; a function's bindings end with it.
    bindings: Vec<Binding>,
    /// Branches that never run in production, nested by end like `contexts`.
    skipped_in_prod: Vec<(usize, usize)>,
    /// Code that runs once per element (see `in_per_item_code`), nested by end.
    per_item: Vec<(usize, usize)>,
    /// Local functions captured as a per-element function (`Enum.map(ids, &load/1)`), in
    /// source order: their bodies run once per element too.
    per_item_captures: Vec<LocalCapture>,
    /// The arguments of `capture_io`/`capture_log` calls: output produced there is what a
    /// test asserts on.
    captured: Vec<(usize, usize)>,
    /// The head (`name(args)`) of the last definition entered: a pattern, not a call.
    definition_head: (usize, usize),
    /// The last typespec attribute entered (`@spec`, `@type`, `@callback`, …): its
    /// `name(args)` forms are types, not calls.
    typespec: (usize, usize),
    /// The smallest end of the ranges on top of the stacks: before it nothing closes.
    next_expiry: usize,
    /// The node just entered is a `defmodule` or `defprotocol` call.
    entered_module: bool,
    /// Start of the node being visited.
    position: usize,
}

/// Attributes whose value is a typespec.
const TYPESPEC_ATTRIBUTES: &[&str] = &[
    "spec",
    "type",
    "typep",
    "opaque",
    "callback",
    "macrocallback",
];

impl Default for Semantic {
    fn default() -> Self {
        Semantic {
            scopes: vec![Scope {
                end_byte: usize::MAX,
                ..Scope::default()
            }],
            modules: Vec::new(),
            impls: Vec::new(),
            contexts: Vec::new(),
            bounded: Vec::new(),
            functions: Vec::new(),
            bindings: Vec::new(),
            skipped_in_prod: Vec::new(),
            per_item: Vec::new(),
            per_item_captures: Vec::new(),
            captured: Vec::new(),
            definition_head: (0, 0),
            typespec: (0, 0),
            next_expiry: usize::MAX,
            entered_module: false,
            position: 0,
        }
    }
}

/// `fn … end` or a capture (`&Repo.get(User, &1)`, `&load/1`).
fn is_function_value(node: Node, src: &str) -> bool {
    kind(node) == Kind::AnonymousFunction
        || (kind(node) == Kind::UnaryOperator
            && src.as_bytes().get(node.start_byte()) == Some(&b'&'))
}

/// `&name/arity` of a local function.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LocalCapture {
    pub name: String,
    pub arity: usize,
    /// The capture's byte range.
    pub start: usize,
    pub end: usize,
}

fn local_capture(function: Node, src: &str) -> Option<LocalCapture> {
    if kind(function) != Kind::UnaryOperator {
        return None;
    }
    let operand = function.field("operand")?;
    if super::operator(operand) != Some("/") {
        return None;
    }
    let name = operand.field("left").filter(|n| n.kind() == "identifier")?;
    let arity = operand.field("right").filter(|n| n.kind() == "integer")?;
    Some(LocalCapture {
        name: text(name, src).to_string(),
        arity: text(arity, src).parse().ok()?,
        start: function.start_byte(),
        end: function.end_byte(),
    })
}

/// `Enum`/`Stream` functions that call a function on each element of their first argument.
const ITERATING_FUNCTIONS: &[&str] = &[
    "map",
    "each",
    "flat_map",
    "filter",
    "reject",
    "reduce",
    "map_join",
    "into",
    "find",
    "any?",
    "all?",
    "sort_by",
    "group_by",
    "map_reduce",
    "flat_map_reduce",
    "each_with_index",
    "reduce_while",
    "find_value",
    "count",
    "sum_by",
    "min_by",
    "max_by",
    "uniq_by",
    "dedup_by",
    "map_every",
    "zip_with",
    "take_while",
    "drop_while",
    "split_with",
    "chunk_by",
    "frequencies_by",
    "scan",
    "transform",
    "with_index",
    "map_intersperse",
    "filter_map",
];

const RUNTIME_DEFINITIONS: &[&str] = &["def", "defp", "defguard", "defguardp", "defn", "defnp"];
const COMPILE_TIME_DEFINITIONS: &[&str] = &["defmacro", "defmacrop"];
/// Control flow whose `do` block runs where it stands (in a module body: at compile time).
const INLINE_BLOCKS: &[&str] = &[
    "for", "if", "unless", "case", "cond", "with", "try", "receive",
];

impl Semantic {
    /// Update the model for `node`, which the walk is about to visit (pre-order).
    pub fn enter(&mut self, node: Node, src: &str) {
        let class = kind(node);
        let head = if class == Kind::Call {
            call_head(node, src)
        } else {
            None
        };
        self.enter_with_head(node, class, head, src);
    }

    /// `enter`, with the node's kind and the head of a call node already read by the walk
    /// (`call_head`).
    pub fn enter_with_head(&mut self, node: Node, class: Kind, head: Option<CallHead>, src: &str) {
        let start = node.start_byte();
        self.position = start;
        self.entered_module = false;
        if start >= self.next_expiry {
            self.close_scopes_before(start);
        }
        match class {
            Kind::DoBlock | Kind::AnonymousFunction => {
                self.scopes.push(Scope {
                    end_byte: node.end_byte(),
                    ..Scope::default()
                });
                self.expires_at(node.end_byte());
            }
            Kind::Call => {
                if let Some(head) = head {
                    self.enter_call(node, head, src);
                }
            }
            Kind::BinaryOperator if super::operator(node) == Some("=") => self.record_match(node),
            // `@attr value`: the value is computed while compiling the module.
            Kind::UnaryOperator => {
                if let Some((name, Some(_))) = super::module_attribute(node, src) {
                    if TYPESPEC_ATTRIBUTES.contains(&name) {
                        self.typespec = (node.start_byte(), node.end_byte());
                    }
                    self.push_context(node, ContextKind::Attribute)
                }
            }
            _ => {}
        }
    }

    /// Ranges are nested, so everything that ended before `start` is on top of its stack.
    fn close_scopes_before(&mut self, start: usize) {
        while self.scopes.last().is_some_and(|s| s.end_byte <= start) {
            self.scopes.pop();
        }
        while self.modules.last().is_some_and(|(_, end, _)| *end <= start) {
            self.modules.pop();
        }
        while self.impls.last().is_some_and(|&(_, end)| end <= start) {
            self.impls.pop();
        }
        while self.contexts.last().is_some_and(|c| c.end <= start) {
            self.contexts.pop();
        }
        while self.bounded.last().is_some_and(|b| b.end <= start) {
            self.bounded.pop();
        }
        while self.functions.last().is_some_and(|&(_, end)| end <= start) {
            self.functions.pop();
        }
        while self.bindings.last().is_some_and(|b| b.end <= start) {
            self.bindings.pop();
        }
        while self
            .skipped_in_prod
            .last()
            .is_some_and(|&(_, end)| end <= start)
        {
            self.skipped_in_prod.pop();
        }
        while self.per_item.last().is_some_and(|&(_, end)| end <= start) {
            self.per_item.pop();
        }
        while self.captured.last().is_some_and(|&(_, end)| end <= start) {
            self.captured.pop();
        }
        self.next_expiry = [
            self.scopes.last().map(|s| s.end_byte),
            self.modules.last().map(|(_, end, _)| *end),
            self.impls.last().map(|&(_, end)| end),
            self.contexts.last().map(|c| c.end),
            self.bounded.last().map(|b| b.end),
            self.functions.last().map(|&(_, end)| end),
            self.bindings.last().map(|b| b.end),
            self.skipped_in_prod.last().map(|&(_, end)| end),
            self.per_item.last().map(|&(_, end)| end),
            self.captured.last().map(|&(_, end)| end),
        ]
        .into_iter()
        .flatten()
        .min()
        .unwrap_or(usize::MAX);
    }

    /// Something pushed now ends at `end`: the walk must look at the stacks again there.
    fn expires_at(&mut self, end: usize) {
        self.next_expiry = self.next_expiry.min(end);
    }

    fn push_context(&mut self, node: Node, kind: ContextKind) {
        self.contexts.push(Context {
            start: node.start_byte(),
            end: node.end_byte(),
            kind,
        });
        self.expires_at(node.end_byte());
    }

    fn current_context(&self) -> Option<ContextKind> {
        self.contexts
            .iter()
            .rev()
            .find(|c| c.start <= self.position)
            .map(|c| c.kind)
    }

    /// The byte range of the value last bound to the variable `name` before the current node
    /// in the same function (`query = "SELECT …"`, `%{"path" => path} = params`).
    pub fn binding(&self, name: &str, src: &str) -> Option<(usize, usize)> {
        self.binding_site(name, src).map(|(_, value)| value)
    }

    /// Whether `node` is the head of a definition (`def send_file(conn, path)`): it names
    /// the function being defined, so it is not a call.
    pub fn is_definition_head(&self, node: Node) -> bool {
        (node.start_byte(), node.end_byte()) == self.definition_head
    }

    /// Whether the current node is inside a typespec (`@spec dbg(t) :: t`, `@type`,
    /// `@callback`): what looks like a call there names a type.
    pub fn in_typespec(&self) -> bool {
        (self.typespec.0..self.typespec.1).contains(&self.position)
    }

    /// Where the variable `name` was last bound before the current node in the same
    /// function: the variable's byte range inside the match pattern, and the value's.
    pub fn binding_site(&self, name: &str, src: &str) -> Option<((usize, usize), (usize, usize))> {
        self.bindings
            .iter()
            .rev()
            .find(|b| b.value.1 <= self.position && src.get(b.name.0..b.name.1) == Some(name))
            .map(|b| (b.name, b.value))
    }

    /// The byte range of the innermost `def`/`defp` around the current node.
    pub fn current_function(&self) -> Option<(usize, usize)> {
        self.functions.last().copied()
    }

    fn record_match(&mut self, node: Node) {
        let (Some(pattern), Some(value)) = (node.field("left"), node.field("right")) else {
            return;
        };
        let end = self.functions.last().map_or(usize::MAX, |&(_, end)| end);
        let value = (value.start_byte(), value.end_byte());
        let mut names = Vec::new();
        bound_variables(pattern, 0, &mut names);
        if !names.is_empty() {
            self.expires_at(end);
        }
        self.bindings
            .extend(names.into_iter().map(|name| Binding { name, value, end }));
    }

    /// Whether the current node runs once per element of a collection: inside a function
    /// passed to an `Enum`/`Stream` function (`fn`, `&Repo.get(User, &1)`), to
    /// `Task.async_stream`, or in the body of a `for` comprehension.
    pub fn in_per_item_code(&self) -> bool {
        self.per_item
            .iter()
            .any(|&(start, end)| start <= self.position && self.position < end)
    }

    /// The local functions passed by capture to `Enum`/`Stream`/`Task` per-element functions
    /// anywhere in the file so far (`&load/1`).
    pub fn per_item_local_captures(&self) -> &[LocalCapture] {
        &self.per_item_captures
    }

    /// Whether the current node runs inside `capture_io(fn -> … end)` or `capture_log`
    /// (ExUnit's, imported): its output is captured for an assertion, not left behind.
    pub fn in_captured_output(&self) -> bool {
        self.captured
            .iter()
            .any(|&(start, end)| start <= self.position && self.position < end)
    }

    /// Whether the current node lies in a branch that never runs in production (`if
    /// config_env() == :dev do … end`, `unless Mix.env() == :prod`).
    pub fn skipped_in_prod(&self) -> bool {
        self.skipped_in_prod
            .iter()
            .any(|&(start, end)| start <= self.position && self.position < end)
    }

    fn record_skipped_in_prod(&mut self, call: Node, src: &str) {
        // Conditions about the environment name it; most `if`s are about something else.
        let head = &src.as_bytes()[call.start_byte()..call.end_byte().min(call.start_byte() + 160)];
        if memchr::memmem::find(head, b"env").is_none() {
            return;
        }
        if let Some((start, end)) = super::environment::branch_skipped_in_prod(call, src) {
            self.skipped_in_prod.push((start, end));
            self.expires_at(end);
        }
    }

    /// Whether the node just entered defines a module (`defmodule`, `defprotocol`).
    pub fn entered_module_definition(&self) -> bool {
        self.entered_module
    }

    /// Whether the variable `name` only takes values from a fixed set at the current node.
    pub fn is_bounded(&self, name: &str) -> bool {
        self.bounded
            .iter()
            .any(|b| b.start <= self.position && b.name == name)
    }

    fn bound(&mut self, range: Node, names: Vec<String>) {
        self.bound_range(range.start_byte(), range.end_byte(), names);
    }

    fn bound_range(&mut self, start: usize, end: usize, names: Vec<String>) {
        for name in names {
            self.bounded.push(Bounded { start, end, name });
            self.expires_at(end);
        }
    }

    /// `Enum.map([:a, :b], fn kind -> … end)`: each clause's first parameter is bounded.
    fn enter_remote_call(&mut self, call: Node, head: CallHead, src: &str) {
        if matches!(head.name, "capture_io" | "capture_log") {
            self.captured.push((call.start_byte(), call.end_byte()));
            self.expires_at(call.end_byte());
            return;
        }
        let async_stream = head.name.starts_with("async_stream");
        if !ITERATING_FUNCTIONS.contains(&head.name) && !async_stream {
            return;
        }
        let module = head
            .target
            .field("left")
            .and_then(|m| self.resolve_module(m, src));
        let iterates = match module.as_deref() {
            Some("Enum" | "Stream") => !async_stream,
            Some("Task" | "Task.Supervisor") => async_stream,
            _ => false,
        };
        if !iterates {
            return;
        }
        let args = call_args(call);
        // Every function passed runs once per element (the collection itself is not one).
        for function in args.iter().filter(|a| is_function_value(**a, src)) {
            self.per_item
                .push((function.start_byte(), function.end_byte()));
            self.per_item_captures.extend(local_capture(*function, src));
            self.expires_at(function.end_byte());
        }
        if async_stream {
            return;
        }
        if !args
            .first()
            .is_some_and(|a| a.kind() == "list" && super::is_literal(*a))
        {
            return;
        }
        for function in args
            .iter()
            .skip(1)
            .filter(|a| kind(**a) == Kind::AnonymousFunction)
        {
            let names = named_children(*function)
                .filter(|clause| clause.kind() == "stab_clause")
                .filter_map(|clause| clause.field("left"))
                .filter_map(|params| named_children(params).next())
                .flat_map(|first| pattern_variables(first, src))
                .collect();
            self.bound(*function, names);
        }
    }

    fn enter_call(&mut self, call: Node, head: CallHead, src: &str) {
        if head.remote {
            return self.enter_remote_call(call, head, src);
        }
        let name = head.name;
        self.entered_module = matches!(name, "defmodule" | "defprotocol");
        let end = call.end_byte();
        match name {
            n if RUNTIME_DEFINITIONS.contains(&n) || COMPILE_TIME_DEFINITIONS.contains(&n) => {
                if let Some(head) = first_call_arg(call).as_ref() {
                    let guarded = guard_bounded(*head, src);
                    self.bound(call, guarded);
                    // `def f(x) when …`: the head is the guard's left side.
                    let head = match head.kind() {
                        "binary_operator" => head.field("left").unwrap_or(*head),
                        _ => *head,
                    };
                    self.definition_head = (head.start_byte(), head.end_byte());
                }
            }
            "capture_io" | "capture_log" => {
                self.captured.push((call.start_byte(), end));
                self.expires_at(end);
            }
            "if" => {
                let args = call_args(call);
                if let (Some(condition), Some((start, end))) = (args.first(), if_branch(call, src))
                {
                    let names = membership_tested(*condition, src).into_iter().collect();
                    self.bound_range(start, end, names);
                }
                self.record_skipped_in_prod(call, src);
            }
            "unless" => self.record_skipped_in_prod(call, src),
            "for" => {
                if let Some(body) = do_body(call, src) {
                    self.per_item.push((body.start_byte(), body.end_byte()));
                    self.expires_at(body.end_byte());
                    let names = call_args(call)
                        .iter()
                        .filter(|a| super::operator(**a) == Some("<-"))
                        .flat_map(|generator| generated_over_literal(*generator, src))
                        .collect();
                    self.bound(body, names);
                }
            }
            _ => {}
        }
        match name {
            // A protocol is a module too: `defprotocol Size` inside `Shop` is `Shop.Size`.
            "defmodule" | "defprotocol" => {
                if let Some(full) = self.nested_module_name(call, src) {
                    self.modules.push((call.start_byte(), end, full));
                    self.expires_at(end);
                }
                if let Some(body) = do_body(call, src) {
                    self.push_context(body, ContextKind::ModuleBody);
                }
            }
            "defimpl" => {
                self.impls.push((call.start_byte(), end));
                self.expires_at(end);
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
            n if RUNTIME_DEFINITIONS.contains(&n) => {
                self.functions.push((call.start_byte(), end));
                self.expires_at(end);
                self.push_context(call, ContextKind::Runtime)
            }
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
        let name_node = first_call_arg(call)?;
        // `defmodule __MODULE__.Sub` names `Parent.Sub` and creates no alias.
        if name_node.kind() == "dot" {
            return self.resolve_module(name_node, src).map(bounded_name);
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
                    .push((first.clone(), bounded_name(format!("{parent}.{first}"))));
                format!("{parent}.{written}")
            }
            None => written,
        };
        Some(bounded_name(full))
    }

    pub fn current_module(&self) -> Option<&str> {
        self.modules.last().map(|(_, _, name)| name.as_str())
    }

    /// The byte range of the innermost `defmodule`/`defprotocol` call around the current node.
    pub fn current_module_range(&self) -> Option<(usize, usize)> {
        self.modules.last().map(|&(start, end, _)| (start, end))
    }

    /// Whether the current node is in the body of a protocol implementation (`defimpl`),
    /// with no `defmodule` nested closer to it.
    pub fn in_protocol_impl(&self) -> bool {
        let Some(&(start, end)) = self.impls.last() else {
            return false;
        };
        let inside = start <= self.position && self.position < end;
        inside
            && self
                .modules
                .last()
                .is_none_or(|&(module, _, _)| module < start)
    }

    pub fn exec_context(&self) -> ExecContext {
        match self.current_context() {
            Some(ContextKind::CompileTime | ContextKind::ModuleBody | ContextKind::Attribute) => {
                ExecContext::CompileTime
            }
            Some(ContextKind::Runtime) | None => ExecContext::Runtime,
        }
    }

    /// Whether the current node is evaluated while its module compiles because it stands in
    /// the module body or in a module attribute's value (not in a macro body or `unquote`).
    pub fn in_module_body_or_attribute(&self) -> bool {
        matches!(
            self.current_context(),
            Some(ContextKind::ModuleBody | ContextKind::Attribute)
        )
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
                let left = self.resolve_module(node.field("left")?, src)?;
                let right = node.field("right")?;
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
        let declared = super::alias_declarations(call, src, &|n| self.resolve_module(n, src));
        self.innermost().aliases.extend(declared);
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

/// Module names longer than this keep only their tail: 10,000 nested `defmodule`s would
/// otherwise hold (and repeat in every message) names of megabytes.
const MAX_MODULE_NAME: usize = 512;

fn bounded_name(name: String) -> String {
    if name.len() <= MAX_MODULE_NAME {
        return name;
    }
    let mut cut = name.len() - MAX_MODULE_NAME;
    while !name.is_char_boundary(cut) {
        cut += 1;
    }
    format!("…{}", &name[cut..])
}

/// Variables a guard restricts to a fixed set: `x in [:a, :b]` (or a module attribute),
/// `is_atom(x)` (its values are atoms that exist already), joined with `and`.
fn guard_bounded(head: Node, src: &str) -> Vec<String> {
    if head.kind() != "binary_operator" || super::operator(head) != Some("when") {
        return Vec::new();
    }
    let mut out = Vec::new();
    let mut pending = vec![head.field("right")];
    while let Some(Some(node)) = pending.pop() {
        match (node.kind(), super::operator(node)) {
            ("binary_operator", Some("and")) => {
                pending.push(node.field("left"));
                pending.push(node.field("right"));
            }
            ("binary_operator", Some("in")) => {
                if let (Some(var), Some(set)) = (node.field("left"), node.field("right"))
                    && var.kind() == "identifier"
                    && super::is_literal(set)
                {
                    out.push(text(var, src).to_string());
                }
            }
            ("call", _) if local_call_name(node, src) == Some("is_atom") => {
                if let [var] = call_args(node).as_slice()
                    && var.kind() == "identifier"
                {
                    out.push(text(*var, src).to_string());
                }
            }
            _ => {}
        }
    }
    out
}

/// `kind in allowed` (an allow-list check) → `kind`.
fn membership_tested(condition: Node, src: &str) -> Option<String> {
    if condition.kind() != "binary_operator" || super::operator(condition) != Some("in") {
        return None;
    }
    let var = condition.field("left")?;
    (var.kind() == "identifier").then(|| text(var, src).to_string())
}

/// The variables of `pattern <- [literal list]`.
fn generated_over_literal(generator: Node, src: &str) -> Vec<String> {
    let (Some(pattern), Some(source)) = (generator.field("left"), generator.field("right")) else {
        return Vec::new();
    };
    if source.kind() != "list" || !super::is_literal(source) {
        return Vec::new();
    }
    pattern_variables(pattern, src)
}

/// The variables a simple pattern binds: `x`, `{a, b}`, `[a, b]`.
/// The variables a match pattern binds, as byte ranges: `x`, `{:ok, x}`, `[x | rest]`,
/// `%{"path" => path}`, `%{path: path}`, `%User{id: id}`.
pub fn bound_variables(pattern: Node, depth: usize, out: &mut Vec<(usize, usize)>) {
    if depth > MAX_PATTERN_DEPTH {
        return;
    }
    match pattern.kind() {
        "identifier" => out.push((pattern.start_byte(), pattern.end_byte())),
        "tuple" | "list" | "map" | "map_content" | "keywords" | "struct" => {
            for child in named_children(pattern) {
                bound_variables(child, depth + 1, out);
            }
        }
        "pair" => {
            if let Some(value) = pattern.field("value") {
                bound_variables(value, depth + 1, out);
            }
        }
        "binary_operator" => match super::operator(pattern) {
            Some("=>") => {
                if let Some(value) = pattern.field("right") {
                    bound_variables(value, depth + 1, out);
                }
            }
            Some("|" | "=") => {
                for side in ["left", "right"] {
                    if let Some(side) = pattern.field(side) {
                        bound_variables(side, depth + 1, out);
                    }
                }
            }
            _ => {}
        },
        _ => {}
    }
}

fn pattern_variables(pattern: Node, src: &str) -> Vec<String> {
    match pattern.kind() {
        "identifier" => vec![text(pattern, src).to_string()],
        "tuple" | "list" => named_children(pattern)
            .flat_map(|p| pattern_variables(p, src))
            .collect(),
        _ => Vec::new(),
    }
}

/// The byte range of an `if`'s `do` branch, without its `else`.
fn if_branch(call: Node, src: &str) -> Option<(usize, usize)> {
    if let Some(block) = super::do_block(call) {
        let end = named_children(block)
            .find(|child| child.kind() == "else_block")
            .map_or(block.end_byte(), |e| e.start_byte());
        return Some((block.start_byte(), end));
    }
    let value = keyword_value(last_call_arg(call), "do", src)?;
    Some((value.start_byte(), value.end_byte()))
}

/// The `do` body of a call: its `do_block`, or the value of a `do:` keyword.
fn do_body<'t>(call: Node<'t>, src: &str) -> Option<Node<'t>> {
    super::do_block(call).or_else(|| keyword_value(last_call_arg(call), "do", src))
}

/// `[to_atom: 1, decode: 2]` → names with arities. `:functions`/`:macros` → `None` (all).
fn function_list(list: Node, src: &str) -> Option<Vec<(String, Option<usize>)>> {
    if list.kind() != "list" {
        return None;
    }
    let mut out = Vec::new();
    for keywords in named_children(list).filter(|n| n.kind() == "keywords") {
        for pair in named_children(keywords) {
            let (Some(key), value) = (pair.field("key"), pair.field("value")) else {
                continue;
            };
            let arity = value.and_then(|v| text(v, src).parse().ok());
            out.push((super::keyword_key(key, src).to_string(), arity));
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Walk `src` and, at each call to a function named `probe_…`, ask `question`.
    fn probes(src: &str, question: impl Fn(&Semantic) -> bool) -> Vec<(String, bool)> {
        let tree = crate::syntax::parse::parse(src).unwrap();
        let mut semantic = Semantic::default();
        let mut answers = Vec::new();
        let mut cursor = tree.walk();
        loop {
            let node = cursor.node();
            semantic.enter(node, src);
            if let Some(name) = local_call_name(node, src).filter(|n| n.starts_with("probe_")) {
                answers.push((name.to_string(), question(&semantic)));
            }
            if cursor.goto_first_child() {
                continue;
            }
            while !cursor.goto_next_sibling() {
                if !cursor.goto_parent() {
                    return answers;
                }
            }
        }
    }

    fn expect(answers: Vec<(String, bool)>, expected: &[(&str, bool)]) {
        let expected: Vec<(String, bool)> =
            expected.iter().map(|(n, b)| (n.to_string(), *b)).collect();
        assert_eq!(answers, expected);
    }

    #[test]
    fn captured_output_and_typespecs() {
        let src = r#"
defmodule M do
  @spec probe_in_spec(t) :: t
  @type t :: probe_in_type()
  def f do
    capture_io(fn -> probe_captured() end)
    ExUnit.CaptureLog.capture_log(fn -> probe_logged() end)
    probe_after()
  end
end
"#;
        let answers = |question: fn(&Semantic) -> bool| probes(src, question);
        expect(
            answers(Semantic::in_captured_output),
            &[
                ("probe_in_spec", false),
                ("probe_in_type", false),
                ("probe_captured", true),
                ("probe_logged", true),
                ("probe_after", false),
            ],
        );
        expect(
            answers(Semantic::in_typespec),
            &[
                ("probe_in_spec", true),
                ("probe_in_type", true),
                ("probe_captured", false),
                ("probe_logged", false),
                ("probe_after", false),
            ],
        );
    }

    #[test]
    fn per_item_code_of_enum_stream_task_and_for() {
        let src = r#"
defmodule M do
  def f(users, ids) do
    probe_outside()
    Enum.map(users, fn u -> probe_fn(u) end)
    ids |> Stream.each(&probe_capture(&1))
    Task.async_stream(ids, fn id -> probe_task(id) end)
    for u <- users, do: probe_for(u)
    Enum.map(probe_collection(), & &1)
    Map.new(users, fn u -> probe_not_enum(u) end)
    probe_after()
  end
end
"#;
        expect(
            probes(src, Semantic::in_per_item_code),
            &[
                ("probe_outside", false),
                ("probe_fn", true),
                ("probe_capture", true),
                ("probe_task", true),
                ("probe_for", true),
                ("probe_collection", false),
                ("probe_not_enum", false),
                ("probe_after", false),
            ],
        );
    }

    #[test]
    fn branches_that_never_run_in_production() {
        let src = r#"
if config_env() == :dev do
  probe_dev()
else
  probe_else()
end
unless Mix.env() == :prod, do: probe_unless()
if config_env() == :prod, do: probe_prod(), else: probe_prod_else()
if flag?(), do: probe_unknown()
probe_top()
"#;
        expect(
            probes(src, Semantic::skipped_in_prod),
            &[
                ("probe_dev", true),
                ("probe_else", false),
                ("probe_unless", true),
                ("probe_prod", false),
                ("probe_prod_else", true),
                ("probe_unknown", false),
                ("probe_top", false),
            ],
        );
    }

    #[test]
    fn module_bodies_and_attributes_run_at_compile_time() {
        let src = r#"
defmodule M do
  @attr probe_attribute()
  probe_body()
  def f, do: probe_function()
  defmacro m, do: probe_macro()
end
"#;
        expect(
            probes(src, Semantic::in_module_body_or_attribute),
            &[
                ("probe_attribute", true),
                ("probe_body", true),
                ("probe_function", false),
                ("probe_macro", false),
            ],
        );
    }

    #[test]
    fn protocol_implementation_bodies() {
        let src = r#"
defmodule M do
  def f, do: probe_module()
  defimpl String.Chars do
    def to_string(_), do: probe_impl()
    defmodule Inner do
      def g, do: probe_nested_module()
    end
    def h, do: probe_impl_again()
  end
  def i, do: probe_after_impl()
end
defimpl Inspect, for: M do
  def inspect(_, _), do: probe_top_level_impl()
end
"#;
        expect(
            probes(src, Semantic::in_protocol_impl),
            &[
                ("probe_module", false),
                ("probe_impl", true),
                ("probe_nested_module", false),
                ("probe_impl_again", true),
                ("probe_after_impl", false),
                ("probe_top_level_impl", true),
            ],
        );
    }

    #[test]
    fn bindings_are_seen_after_the_match_within_the_function() {
        let src = r#"
defmodule M do
  def f(params) do
    probe_before()
    %{"path" => path} = params
    probe_after()
  end
  def g, do: probe_other_function()
end
"#;
        let answers = probes(src, |s| s.binding("path", src).is_some());
        expect(
            answers,
            &[
                ("probe_before", false),
                ("probe_after", true),
                ("probe_other_function", false),
            ],
        );
    }
}

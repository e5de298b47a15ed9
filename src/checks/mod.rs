//! Per-file checks. A check subscribes to what it needs (node kinds, resolved calls, module
//! outlines) and the analyzer's single walk over the tree calls it; no check walks on its own.
//! Each rule's documentation lives in `rules/<ID>.toml`; its code lives here, in its pillar's
//! module.

mod docs;
mod zero;

use crate::project::FileRole;
use crate::registry::Registry;
use crate::selection::RuleSet;
use crate::syntax::behaviours::CallbackQuestion;
use crate::syntax::calls::Call;
use crate::syntax::outline::ModuleOutline;
use crate::syntax::semantic::Semantic;
use tree_sitter::Node;

pub trait Check: Sync + Send {
    /// The rule ids this check reports.
    fn rules(&self) -> &'static [&'static str];
    /// Node kinds passed to `on_node`.
    fn node_kinds(&self) -> &'static [&'static str] {
        &[]
    }
    fn on_node(&self, _node: Node, _cx: &mut FileContext) {}
    /// Which calls `on_call` receives. Naming the functions lets the walk skip building a
    /// resolved view of every other call.
    fn calls(&self) -> CallInterest {
        CallInterest::None
    }
    fn on_call(&self, _call: &Call, _cx: &mut FileContext) {}
    /// Whether `on_module` wants the outline of every module in lib code.
    fn wants_modules(&self) -> bool {
        false
    }
    fn on_module(&self, _module: &ModuleOutline, _cx: &mut FileContext) {}
}

/// The calls a check wants to see, by function name (`to_atom` matches `String.to_atom`,
/// `&String.to_atom/1`, an imported `to_atom`, …).
#[derive(Debug, Clone, Copy)]
pub enum CallInterest {
    None,
    Named(&'static [&'static str]),
    All,
}

/// Every built-in check, in a fixed order.
pub fn builtin() -> Vec<Box<dyn Check>> {
    vec![
        Box::new(zero::UnsafeAtomCreation),
        Box::new(zero::BareRescue),
        Box::new(docs::Documentation),
    ]
}

/// A finding before suppressions, positions and fingerprints are worked out.
#[derive(Debug, Clone)]
pub struct RawFinding {
    /// Index into `Registry::rules`.
    pub rule: usize,
    pub start_byte: usize,
    pub end_byte: usize,
    pub message: String,
    /// The enclosing module, part of the fingerprint.
    pub module: Option<String>,
    /// See `Finding::unless_callback`.
    pub unless_callback: Option<CallbackQuestion>,
}

/// Messages quote code (a pattern, a module name); a quote of adversarial size is cut.
const MAX_MESSAGE: usize = 400;

fn bounded_message(message: String) -> String {
    if message.len() <= MAX_MESSAGE {
        return message;
    }
    let mut cut = MAX_MESSAGE;
    while !message.is_char_boundary(cut) {
        cut -= 1;
    }
    format!("{}…", &message[..cut])
}

/// What a check sees of the file being analysed, and where it reports.
pub struct FileContext<'a> {
    pub src: &'a str,
    pub path: &'a str,
    pub role: FileRole,
    pub semantic: Semantic,
    registry: &'a Registry,
    rules: &'a RuleSet,
    pub(crate) findings: Vec<RawFinding>,
    /// Findings not kept because the file already has `MAX_RAW_FINDINGS`.
    pub(crate) dropped: usize,
}

/// Raw findings kept per file before suppressions; the rest are only counted. Far above
/// what is reported (`analyze::MAX_FINDINGS_PER_FILE`), it bounds the memory a generated
/// file with hundreds of thousands of findings can take.
pub const MAX_RAW_FINDINGS: usize = 10_000;

impl<'a> FileContext<'a> {
    pub fn new(
        src: &'a str,
        path: &'a str,
        role: FileRole,
        registry: &'a Registry,
        rules: &'a RuleSet,
    ) -> Self {
        FileContext {
            src,
            path,
            role,
            semantic: Semantic::default(),
            registry,
            rules,
            findings: Vec::new(),
            dropped: 0,
        }
    }

    /// Report `rule` at `node`. Findings of rules that are off or excluded here are dropped.
    pub fn report(&mut self, rule: &str, node: Node, message: impl Into<String>) {
        self.report_range(rule, node.start_byte(), node.end_byte(), message);
    }

    pub fn report_range(
        &mut self,
        rule: &str,
        start: usize,
        end: usize,
        message: impl Into<String>,
    ) {
        self.push(rule, start, end, message.into(), None);
    }

    /// Report `rule` at `node` unless the project's behaviours answer `question` with yes
    /// (decided after the scan, when every behaviour of the project is known).
    pub fn report_unless_callback(
        &mut self,
        rule: &str,
        node: Node,
        message: impl Into<String>,
        question: Option<CallbackQuestion>,
    ) {
        self.push(
            rule,
            node.start_byte(),
            node.end_byte(),
            message.into(),
            question,
        );
    }

    fn push(
        &mut self,
        rule: &str,
        start: usize,
        end: usize,
        message: String,
        unless_callback: Option<CallbackQuestion>,
    ) {
        let Some(index) = self.registry.position(rule) else {
            debug_assert!(false, "check reported unregistered rule {rule}");
            return;
        };
        let module = self.semantic.current_module();
        if !self.rules.applies(index, self.path, self.role)
            || module.is_some_and(|m| self.rules.exempts_module(index, m))
        {
            return;
        }
        if self.findings.len() >= MAX_RAW_FINDINGS {
            self.dropped += 1;
            return;
        }
        self.findings.push(RawFinding {
            rule: index,
            start_byte: start,
            end_byte: end,
            message: bounded_message(message),
            module: module.map(str::to_string),
            unless_callback,
        });
    }

    pub fn text(&self, node: Node) -> &'a str {
        crate::syntax::text(node, self.src)
    }
}

//! Per-file checks. A check subscribes to what it needs (node kinds, resolved calls, module
//! outlines) and the analyzer's single walk over the tree calls it; no check walks on its own.
//! Each rule's documentation lives in `rules/<ID>.toml`; its code lives here, in its pillar's
//! module.

mod conf;
mod docs;
mod exec;
mod hygiene;
mod migr;
mod nmnd;
mod perf;
mod seal;
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
    /// Whether `on_text_file` wants the project's other text files (`source::is_scanned_text`:
    /// `.env`, YAML, TOML, scripts, templates), read once by the engine's text scan.
    fn wants_text_files(&self) -> bool {
        false
    }
    /// A text file that is not Elixir: `cx.src` is its content (there is no tree).
    fn on_text_file(&self, _cx: &mut FileContext) {}
    /// Once per Elixir file, after the walk: for what only the whole file can answer (a
    /// local function captured before its definition), with `cx.semantic`'s file-wide facts
    /// and the tree in `FileContext::root`.
    fn finish(&self, _cx: &mut FileContext) {}
    /// Whether `on_text_file` also gets the Elixir files, once each after the walk (with the
    /// tree in `FileContext::root`): for checks about raw text in every file (conflict
    /// markers).
    fn wants_elixir_text(&self) -> bool {
        false
    }
}

/// The calls a check wants to see, by function name (`to_atom` matches `String.to_atom`,
/// `&String.to_atom/1`, an imported `to_atom`, …).
#[derive(Debug, Clone, Copy)]
pub enum CallInterest {
    None,
    Named(&'static [&'static str]),
    /// Remote calls with these names whose module, as written, ends with one of these
    /// (`["Repo"]` admits `Repo.get` and `MyApp.Repo.get`, not `Map.get`). Names as common as
    /// `get` would otherwise build a call view for every `Map.get` of every file.
    NamedOn(&'static [&'static str], &'static [&'static str]),
    All,
}

/// Every built-in check, in a fixed order.
pub fn builtin() -> Vec<Box<dyn Check>> {
    vec![
        Box::new(zero::UnsafeAtomCreation),
        Box::new(zero::BareRescue),
        Box::new(docs::Documentation),
        Box::new(seal::HardcodedSecret),
        Box::new(seal::SecretInFile),
        Box::new(seal::SqlInjection),
        Box::new(seal::SecretInLog),
        Box::new(exec::CommandInjection),
        Box::new(exec::DynamicCodeEval),
        Box::new(exec::UnsafeDeserialization),
        Box::new(exec::RawHtml),
        Box::new(exec::PathTraversal),
        Box::new(nmnd::TodoComment),
        Box::new(nmnd::NotImplemented),
        Box::new(nmnd::DebugLeftover),
        Box::new(nmnd::SkippedTest),
        Box::new(conf::CompileTimeEnv),
        Box::new(conf::AppEnvAtCompileTime),
        Box::new(conf::MixEnvAtRuntime),
        Box::new(conf::ProdDebugSetting),
        Box::new(migr::Migrations),
        Box::new(perf::NPlusOne),
        Box::new(perf::UnboundedRepoAll),
        Box::new(hygiene::ConflictMarker),
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
    /// See `Finding::unless_set_for_prod`.
    pub unless_set_for_prod: Option<String>,
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
    /// The byte ranges of every secret found (see `report_secret`).
    pub(crate) secrets: Vec<(usize, usize)>,
    /// Whether the file holds a credential format anywhere, once asked.
    credentials_possible: Option<bool>,
    /// The parsed file (`None` for the text scan), to find the nodes of byte ranges the
    /// walk recorded (`Semantic::binding`).
    pub(crate) root: Option<Node<'a>>,
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
            secrets: Vec::new(),
            credentials_possible: None,
            root: None,
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
        self.push(rule, start, end, message.into());
    }

    /// Report `rule` on `start..end`, a finding about the secret at `secret` (a byte range),
    /// which no output may show in full: it is masked wherever the file's text is shown,
    /// whether or not the finding is kept. `unless_set_for_prod` names the config key the
    /// secret is bound to when a production config file may override it.
    pub fn report_secret(
        &mut self,
        rule: &str,
        (start, end): (usize, usize),
        message: impl Into<String>,
        secret: (usize, usize),
        unless_set_for_prod: Option<String>,
    ) {
        self.secrets.push(secret);
        if let Some(finding) = self.push(rule, start, end, message.into()) {
            finding.unless_set_for_prod = unless_set_for_prod;
        }
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
        if let Some(finding) = self.push(rule, node.start_byte(), node.end_byte(), message.into()) {
            finding.unless_callback = question;
        }
    }

    /// The finding, unless the rule is off or excluded here (or the file has too many).
    fn push(
        &mut self,
        rule: &str,
        start: usize,
        end: usize,
        message: String,
    ) -> Option<&mut RawFinding> {
        let Some(index) = self.registry.position(rule) else {
            debug_assert!(false, "check reported unregistered rule {rule}");
            return None;
        };
        let module = self.semantic.current_module();
        if !self.rules.applies(index, self.path, self.role)
            || module.is_some_and(|m| self.rules.exempts_module(index, m))
        {
            return None;
        }
        if self.findings.len() >= MAX_RAW_FINDINGS {
            self.dropped += 1;
            return None;
        }
        self.findings.push(RawFinding {
            rule: index,
            start_byte: start,
            end_byte: end,
            message: bounded_message(message),
            module: module.map(str::to_string),
            unless_callback: None,
            unless_set_for_prod: None,
        });
        self.findings.last_mut()
    }

    /// Whether a credential format occurs anywhere in the file (`secrets::may_contain_credentials`),
    /// computed on first use: most files have none, and then no literal needs the test.
    pub fn may_hold_credentials(&mut self) -> bool {
        let src = self.src;
        *self
            .credentials_possible
            .get_or_insert_with(|| crate::secrets::may_contain_credentials(src))
    }

    /// The node that spans exactly `range`, as recorded by the walk (a binding's value).
    pub fn node_at(&self, (start, end): (usize, usize)) -> Option<Node<'a>> {
        let node = self.root?.descendant_for_byte_range(start, end)?;
        (node.start_byte() == start && node.end_byte() == end).then_some(node)
    }

    /// What the variable `name` was last bound to in the current function, if a match
    /// (`name = value`) before the current node says.
    pub fn value_of(&self, name: &str) -> Option<Node<'a>> {
        self.node_at(self.semantic.binding(name, self.src)?)
    }

    pub fn text(&self, node: Node) -> &'a str {
        crate::syntax::text(node, self.src)
    }
}

//! Per-file analysis: decode, parse once, walk once, dispatch to the checks, apply
//! suppressions, place and fingerprint the findings. `Analyzer::analyze` is a pure function of
//! (content, path, role, effective rules), so its `FileReport` can be cached or computed
//! anywhere.

use crate::checks::{self, CallInterest, Check, FileContext, RawFinding};
use crate::error::UserError;
use crate::finding::{
    Diagnostic, DiagnosticKind, FileReport, Finding, Metrics, fingerprint, line_hash,
    normalize_line,
};
use crate::project::FileRole;
use crate::query_rules::QueryRules;
use crate::registry::Registry;
use crate::selection::RuleSet;
use crate::suppress::{self, Directive};
use crate::syntax::behaviours::BehaviourFact;
use crate::syntax::calls::{Call, CallHead, call_head, function_name};
use crate::syntax::config;
use crate::syntax::kinds::Fields;
use crate::syntax::kinds::{Kind, kind_of_id};
use crate::syntax::lines::LineIndex;
use crate::syntax::mix;
use crate::syntax::outline::{ModuleDoc, ModuleFact, ModuleOutline};
use crate::syntax::parse::{ParseFailure, language, parse};
use crate::syntax::telemetry::{self, Server, TelemetryFacts};
use crate::syntax::text;
use crate::syntax::walk::{Next, named_preorder, preorder};
use crate::syntax::web;
use std::collections::HashMap;
use std::sync::Arc;
use tree_sitter::{Node, Tree};

/// At most this many findings are reported per file: a generated or hostile file with
/// hundreds of thousands would only bury the others (and cost memory in every format).
const MAX_FINDINGS_PER_FILE: usize = 1_000;

/// How many leading bytes are inspected for NUL to call a file binary (as git does).
const BINARY_SNIFF_BYTES: usize = 8000;

pub struct Analyzer<'a> {
    registry: &'a Registry,
    rules: &'a RuleSet,
    checks: Vec<Box<dyn Check>>,
    /// Indexed by tree-sitter kind id: the checks subscribed to that kind.
    by_kind: Vec<Vec<usize>>,
    /// Indexed by kind id: whether a leaf (a named node without named children) of that kind
    /// is visited (`leaf_matters`).
    leaf_visits: Vec<bool>,
    call_checks: Vec<usize>,
    /// The function names any call check wants; `None` when one wants every call.
    call_names: Option<CallNames>,
    module_checks: Vec<usize>,
    text_checks: Vec<usize>,
    /// The text checks that read Elixir files too (`Check::wants_elixir_text`).
    elixir_text_checks: Vec<usize>,
    queries: Option<QueryRules>,
    /// DOCS001, DOCS002, DOCS003: their scope decides what the documentation metrics count.
    documentation_rules: [Option<usize>; 3],
}

impl<'a> Analyzer<'a> {
    pub fn new(registry: &'a Registry, rules: &'a RuleSet) -> Result<Self, UserError> {
        let checks: Vec<Box<dyn Check>> = checks::builtin()
            .into_iter()
            .filter(|c| {
                c.rules()
                    .iter()
                    .any(|id| registry.position(id).is_some_and(|i| rules.is_enabled(i)))
            })
            .collect();
        let language = language();
        let mut by_kind = vec![Vec::new(); language.node_kind_count()];
        for (kind_id, subscribers) in by_kind.iter_mut().enumerate() {
            // The walk visits named nodes only (anonymous ones are punctuation and keywords).
            let Some(kind) = language
                .node_kind_for_id(kind_id as u16)
                .filter(|_| language.node_kind_is_named(kind_id as u16))
            else {
                continue;
            };
            for (index, check) in checks.iter().enumerate() {
                if check.node_kinds().contains(&kind) {
                    subscribers.push(index);
                }
            }
        }
        let leaf_visits = by_kind
            .iter()
            .enumerate()
            .map(|(kind_id, subscribers)| leaf_matters(kind_of_id(kind_id as u16), subscribers))
            .collect();
        let mut call_checks = Vec::new();
        let mut call_names: Option<CallNames> = Some(CallNames::default());
        for (index, check) in checks.iter().enumerate() {
            match check.calls() {
                CallInterest::None => continue,
                CallInterest::Named(names) => {
                    if let Some(set) = call_names.as_mut() {
                        for name in names.iter() {
                            set.insert(name, None);
                        }
                    }
                }
                CallInterest::NamedOn(names, modules) => {
                    if let Some(set) = call_names.as_mut() {
                        for name in names.iter() {
                            set.insert(name, Some(modules));
                        }
                    }
                }
                CallInterest::All => call_names = None,
            }
            call_checks.push(index);
        }
        let module_checks = (0..checks.len())
            .filter(|&i| checks[i].wants_modules())
            .collect();
        let text_checks = (0..checks.len())
            .filter(|&i| checks[i].wants_text_files())
            .collect();
        let elixir_text_checks = (0..checks.len())
            .filter(|&i| checks[i].wants_text_files() && checks[i].wants_elixir_text())
            .collect();
        Ok(Analyzer {
            registry,
            rules,
            checks,
            by_kind,
            leaf_visits,
            call_checks,
            call_names,
            module_checks,
            text_checks,
            elixir_text_checks,
            queries: QueryRules::compile(registry, rules)?,
            documentation_rules: ["DOCS001", "DOCS002", "DOCS003"].map(|id| registry.position(id)),
        })
    }

    /// Analyse one file. `path` is relative to the project root, `/`-separated; `role` is
    /// what the project model says the file is.
    pub fn analyze(&self, path: &str, role: FileRole, bytes: &[u8]) -> FileReport {
        let mut report = FileReport::default();
        let diagnostic = |kind, line, message: String| Diagnostic {
            path: path.to_string(),
            kind,
            line,
            message,
        };
        if bytes[..bytes.len().min(BINARY_SNIFF_BYTES)].contains(&0) {
            report.diagnostics.push(diagnostic(
                DiagnosticKind::BinaryFile,
                None,
                "binary file (contains NUL bytes); skipped".into(),
            ));
            return report;
        }
        // Validating is much cheaper than the lossy conversion, which only invalid input needs.
        let decoded = match std::str::from_utf8(bytes) {
            Ok(text) => std::borrow::Cow::Borrowed(text),
            Err(e) => {
                let line = bytes[..e.valid_up_to()]
                    .iter()
                    .filter(|&&b| b == b'\n')
                    .count()
                    + 1;
                report.diagnostics.push(diagnostic(
                    DiagnosticKind::InvalidUtf8,
                    Some(line as u32),
                    format!(
                        "not valid UTF-8 (first bad byte at offset {}); analysed with replacement characters",
                        e.valid_up_to()
                    ),
                ));
                String::from_utf8_lossy(bytes)
            }
        };
        let src: &str = &decoded;
        let tree = match parse(src) {
            Ok(tree) => tree,
            Err(failure) => {
                let (kind, message) = match failure {
                    ParseFailure::Budget => (
                        DiagnosticKind::ParseBudget,
                        "the parser's work budget ran out (pathological input); not analysed",
                    ),
                    ParseFailure::GaveUp => (
                        DiagnosticKind::SyntaxError,
                        "the parser gave up on this file",
                    ),
                };
                report
                    .diagnostics
                    .push(diagnostic(kind, None, message.into()));
                return report;
            }
        };
        let lines = LineIndex::new(src);
        let mut cx = FileContext::new(src, path, role, self.registry, self.rules);
        cx.root = Some(tree.root_node());
        let mut walk = Walk {
            cx,
            active: self
                .checks
                .iter()
                .map(|c| {
                    c.rules().iter().any(|id| {
                        self.registry
                            .position(id)
                            .is_some_and(|i| self.rules.judges(i, role))
                    })
                })
                .collect(),
            directives: Vec::new(),
            metrics: Metrics {
                files: 1,
                lines: lines.count() as u64,
                ..Metrics::default()
            },
            first_syntax_error: None,
            first_code_byte: first_code_byte(tree.root_node()),
            check_errors: tree.root_node().has_error(),
            behaviours: Vec::new(),
            servers: Vec::new(),
            emitters: Vec::new(),
            modules: Vec::new(),
            references: Vec::new(),
        };
        self.walk(&tree, &mut walk, &lines);
        for (check, _) in self.checks.iter().zip(&walk.active).filter(|(_, a)| **a) {
            check.finish(&mut walk.cx);
        }
        for &i in &self.elixir_text_checks {
            if walk.active[i] {
                self.checks[i].on_text_file(&mut walk.cx);
            }
        }

        let Walk {
            cx,
            mut directives,
            mut metrics,
            first_syntax_error,
            behaviours,
            servers,
            mut emitters,
            modules,
            mut references,
            ..
        } = walk;
        emitters.sort();
        emitters.dedup();
        let dropped = cx.dropped;
        // Every secret found is masked in the text kept for snippets, reported or not: a
        // snippet shows the lines around its finding.
        let secrets = cx.secrets;
        let mut raw = cx.findings;
        if let Some(queries) = &self.queries {
            for m in queries.run(tree.root_node(), src) {
                if self.rules.applies(m.rule, path, role) {
                    let def = &self.registry.rules[m.rule].def;
                    raw.push(RawFinding {
                        rule: m.rule,
                        start_byte: m.start_byte,
                        end_byte: m.end_byte,
                        message: def.message.clone().unwrap_or_else(|| def.summary.clone()),
                        module: None,
                        unless_callback: None,
                        unless_set_for_prod: None,
                    });
                }
            }
        }
        if let Some(line) = first_syntax_error {
            metrics.files_with_syntax_errors = 1;
            report.diagnostics.push(diagnostic(
                DiagnosticKind::SyntaxError,
                Some(line),
                format!(
                    "{} syntax error(s); first at line {line}; findings in this file may be incomplete",
                    metrics.syntax_errors
                ),
            ));
        }
        self.settle(&mut report, raw, &mut directives, (path, role), src, &lines);
        if report.findings.len() > MAX_FINDINGS_PER_FILE || dropped > 0 {
            let left_out = report.findings.len().saturating_sub(MAX_FINDINGS_PER_FILE) + dropped;
            // Blocking findings first, so a cut never turns a failing file into a passing one.
            report
                .findings
                .sort_by_key(|f| f.enforcement != crate::finding::Enforcement::Blocking);
            report.findings.truncate(MAX_FINDINGS_PER_FILE);
            report.findings.sort_by(Finding::sort_key_cmp);
            report.diagnostics.push(diagnostic(
                DiagnosticKind::TooManyFindings,
                None,
                format!(
                    "{left_out} more finding(s) in this file are not reported (at most \
                     {MAX_FINDINGS_PER_FILE} per file; blocking ones first)"
                ),
            ));
        }
        if !report.findings.is_empty() {
            report.text = Some(Arc::from(redacted(src, &secrets).as_ref()));
        }
        report.metrics = metrics;
        report.behaviours = behaviours;
        if role == FileRole::ConfigProd && config::runs_in_prod(path) {
            report.prod_config_keys = config::set_keys(tree.root_node(), src);
        }
        report.web = web::extract(tree.root_node(), src, path, role, &lines);
        report.modules = modules;
        references.sort();
        references.dedup();
        report.test_references = references;
        if role == FileRole::Mix {
            report.mix = Some(mix::MixFacts {
                path: path.to_string(),
                ..mix::facts(tree.root_node(), src, &lines)
            });
        }
        if role == FileRole::Lib {
            report.telemetry = TelemetryFacts {
                servers: servers
                    .into_iter()
                    .map(|(module, start, end)| Server {
                        module,
                        path: path.to_string(),
                        span: lines.span(src, start, end),
                    })
                    .collect(),
                emitters,
            };
        }
        report
    }

    /// Analyse one of the project's other text files (`source::is_scanned_text`) with the
    /// checks that want them. Binary content is skipped without a word: the scan reads
    /// whatever the project ships. Suppression directives work on any line that carries one
    /// (`# doctrine:disable-line SEAL004`, also after `//` or inside `<!-- -->`).
    pub fn analyze_text(&self, path: &str, role: FileRole, bytes: &[u8]) -> FileReport {
        let mut report = FileReport::default();
        if self.text_checks.is_empty() || bytes[..bytes.len().min(BINARY_SNIFF_BYTES)].contains(&0)
        {
            return report;
        }
        let decoded = match std::str::from_utf8(bytes) {
            Ok(text) => std::borrow::Cow::Borrowed(text),
            Err(_) => String::from_utf8_lossy(bytes),
        };
        let src: &str = &decoded;
        let mut cx = FileContext::new(src, path, role, self.registry, self.rules);
        for &i in &self.text_checks {
            let judged = self.checks[i].rules().iter().any(|id| {
                self.registry
                    .position(id)
                    .is_some_and(|r| self.rules.judges(r, role))
            });
            if judged {
                self.checks[i].on_text_file(&mut cx);
            }
        }
        if cx.findings.is_empty() {
            return report;
        }
        let lines = LineIndex::new(src);
        let mut directives: Vec<Directive> = lines
            .iter()
            .enumerate()
            .filter_map(|(index, line)| {
                let at = line.find("doctrine:")?;
                let start = lines.start_of(index) + at;
                let end = start + line.len() - at;
                suppress::parse_directive(&line[at..], start, end, lines.line_of(start), true)
            })
            .collect();
        let secrets = std::mem::take(&mut cx.secrets);
        self.settle(
            &mut report,
            cx.findings,
            &mut directives,
            (path, role),
            src,
            &lines,
        );
        if !report.findings.is_empty() {
            report.text = Some(Arc::from(redacted(src, &secrets).as_ref()));
        }
        report
    }

    /// Read what a `mix.lock` pins (`mix::is_lock_file`), for the project checks. No rule
    /// judges a lock file's text: it is generated, and its hashes look like secrets.
    pub fn analyze_lock(&self, path: &str, bytes: &[u8]) -> FileReport {
        FileReport {
            lock: Some(mix::LockFacts::read(path, &String::from_utf8_lossy(bytes))),
            ..FileReport::default()
        }
    }

    fn walk(&self, tree: &Tree, walk: &mut Walk, lines: &LineIndex) {
        // A tree with an error in it is walked whole: a missing token (`end`) is anonymous,
        // and each one counts as a syntax error.
        let whole = walk.check_errors;
        let visit = |node, ancestors: &[Node<'_>]| self.visit(node, ancestors, walk, lines);
        if whole {
            preorder(tree, visit);
        } else {
            let visits_leaf = |kind_id: u16| self.leaf_visits.get(kind_id as usize) == Some(&true);
            named_preorder(tree, visits_leaf, visit);
        }
    }

    fn visit<'t>(
        &self,
        node: Node<'t>,
        ancestors: &[Node<'t>],
        walk: &mut Walk,
        lines: &LineIndex,
    ) -> Next {
        if walk.check_errors && (node.is_error() || node.is_missing()) {
            walk.metrics.syntax_errors += 1;
            walk.first_syntax_error
                .get_or_insert(node.start_position().row as u32 + 1);
        }
        // Punctuation and keywords (the grammar's anonymous nodes, always leaves): no check
        // subscribes to them, and scopes are entered and left at named nodes. Only the walk
        // of a tree with an error meets them.
        if walk.check_errors && !node.is_named() {
            return Next::SkipChildren;
        }
        let src = walk.cx.src;
        let kind_id = node.kind_id();
        let class = kind_of_id(kind_id);
        let head = if class == Kind::Call {
            call_head(node, src)
        } else {
            None
        };
        walk.cx.semantic.enter_with_head(node, class, head, src);
        if let Some(head) = &head
            && telemetry::emits(head, src)
            && let Some(module) = walk.cx.semantic.current_module()
            && walk.emitters.last().is_none_or(|last| last != module)
        {
            walk.emitters.push(module.to_string());
        }
        match class {
            Kind::Comment => {
                // The tree knows each node's row: no search of the line starts.
                let line = node.start_position().row;
                if let Some(d) = suppress::parse_directive(
                    walk.cx.text(node),
                    node.start_byte(),
                    node.end_byte(),
                    line,
                    node.start_byte() < walk.first_code_byte,
                ) {
                    walk.directives.push(d);
                }
            }
            Kind::Alias if walk.cx.role == FileRole::Test => {
                if let Some(module) = walk.cx.semantic.resolve_module(node, src) {
                    walk.references.push(module);
                }
            }
            Kind::Call | Kind::UnaryOperator
                if !self.call_checks.is_empty()
                    && !walk.cx.semantic.is_definition_head(node)
                    && !walk.cx.semantic.in_typespec()
                    && self.call_names.as_ref().is_none_or(|names| match head {
                        Some(head) => names.wants(&head, src),
                        None if class == Kind::UnaryOperator => {
                            function_name(node, src).is_some_and(|n| names.contains(n))
                        }
                        None => false,
                    }) =>
            {
                if let Some(call) = Call::from_node(node, ancestors, src, &walk.cx.semantic) {
                    for &i in &self.call_checks {
                        if walk.active[i] {
                            self.checks[i].on_call(&call, &mut walk.cx);
                        }
                    }
                }
            }
            _ => {}
        }
        if walk.cx.semantic.entered_module_definition()
            && (walk.cx.role == FileRole::Lib || !self.module_checks.is_empty())
        {
            // An error anywhere in an enclosing module (not merely elsewhere in the file)
            // may have swallowed this module's attributes.
            let in_error = walk.check_errors && ancestors.iter().skip(1).any(|a| a.has_error());
            self.module(node, in_error, walk, lines);
        }
        // ERROR nodes have a kind id (`u16::MAX`) outside the language's kind table.
        let subscribers = self.by_kind.get(kind_id as usize);
        for &i in subscribers.map_or(&[][..], Vec::as_slice) {
            if walk.active[i] {
                self.checks[i].on_node(node, &mut walk.cx);
            }
        }
        // Quoted text holds code only in its interpolations: the rest of its subtree (the
        // delimiters and the content) is nothing a visit wants.
        if class == Kind::Quoted && !node.has_error() && !walk.cx.text(node).contains("#{") {
            return Next::SkipChildren;
        }
        Next::Children
    }

    /// Outline a module once: a lib module's counts feed the metrics, the behaviours it
    /// defines become project facts, and module checks read it.
    fn module(&self, definition: Node, in_error: bool, walk: &mut Walk, lines: &LineIndex) {
        let Some(name) = walk.cx.semantic.current_module().map(str::to_string) else {
            return;
        };
        let semantic = &walk.cx.semantic;
        let src = walk.cx.src;
        let resolve = |node: Node| semantic.resolve_module(node, src);
        let Some(mut outline) = ModuleOutline::build(definition, name, src, &resolve) else {
            return;
        };
        outline.has_syntax_error |= in_error;
        if !outline.defined_callbacks.is_empty() {
            walk.behaviours.push(BehaviourFact {
                module: outline.name.clone(),
                callbacks: outline.defined_callbacks.clone(),
            });
        }
        if walk.cx.role == FileRole::Lib {
            let covers = |rule: Option<usize>| {
                rule.is_some_and(|i| self.rules.covers(i, walk.cx.path, &outline.name))
            };
            let [moduledoc, doc, spec] = self.documentation_rules.map(covers);
            add_documentation_metrics(&mut walk.metrics, &outline, (moduledoc, doc, spec));
            let name = outline.name_node;
            let span = lines.span(src, name.start_byte(), name.end_byte());
            walk.modules
                .push(ModuleFact::of(&outline, walk.cx.path, span));
            if is_message_handling_genserver(&outline) {
                let name = outline.name_node;
                walk.servers
                    .push((outline.name.clone(), name.start_byte(), name.end_byte()));
            }
        }
        for &i in &self.module_checks {
            if walk.active[i] {
                self.checks[i].on_module(&outline, &mut walk.cx);
            }
        }
    }

    /// Apply the file's suppression directives to its raw findings (keeping those that name
    /// project rules for later), then place the findings that remain.
    fn settle(
        &self,
        report: &mut FileReport,
        raw: Vec<RawFinding>,
        directives: &mut [Directive],
        (path, role): (&str, FileRole),
        src: &str,
        lines: &LineIndex,
    ) {
        let kept = suppress::apply(
            raw,
            directives,
            self.registry,
            self.rules,
            path,
            role,
            |b| lines.line_of(b),
        );
        report.project_suppressions =
            suppress::project_suppressions(directives, self.registry, path);
        report.findings = self.place(kept, path, src, lines);
    }

    /// Turn raw findings into positioned, fingerprinted, sorted findings.
    fn place(
        &self,
        raw: Vec<RawFinding>,
        path: &str,
        src: &str,
        lines: &LineIndex,
    ) -> Vec<Finding> {
        let mut raw = raw;
        // In source order, so positions are counted along each line once.
        raw.sort_by_key(|r| (r.start_byte, r.end_byte));
        let mut spans = lines.spans(src);
        let mut placed: Vec<(Finding, Option<String>)> = raw
            .into_iter()
            .map(|r| {
                let finding = Finding {
                    rule: self.registry.rules[r.rule].def.id.clone(),
                    path: path.to_string(),
                    span: spans.span(r.start_byte, r.end_byte),
                    message: r.message,
                    enforcement: self.rules.enforcement(r.rule),
                    fingerprint: String::new(),
                    unless_callback: r.unless_callback,
                    unless_set_for_prod: r.unless_set_for_prod,
                    commit: None,
                };
                (finding, r.module)
            })
            .collect();
        placed.sort_by(|a, b| a.0.sort_key_cmp(&b.0));
        placed.dedup_by(|a, b| a.0 == b.0);
        // Identical keys (the same call twice on equal lines) are told apart by occurrence.
        let mut line_hashes: HashMap<u32, u64> = HashMap::new();
        let mut seen: HashMap<(String, Option<String>, u64), u32> = HashMap::new();
        placed
            .into_iter()
            .map(|(mut finding, module)| {
                let line = finding.span.start_line;
                let text_hash = *line_hashes.entry(line).or_insert_with(|| {
                    line_hash(&normalize_line(lines.line(line as usize - 1).unwrap_or("")))
                });
                let occurrence = seen
                    .entry((finding.rule.clone(), module.clone(), text_hash))
                    .or_insert(0);
                finding.fingerprint = fingerprint(
                    &finding.rule,
                    path,
                    module.as_deref().unwrap_or(""),
                    text_hash,
                    *occurrence,
                );
                *occurrence += 1;
                finding
            })
            .collect()
    }
}

/// The function names the call checks subscribed to. Every call node of every file is
/// looked up here, and almost none is wanted: bitmaps of the lengths seen with each first
/// byte and with each last byte turn most of them away before the map is hashed.
#[derive(Default)]
struct CallNames {
    lengths_by_first_byte: Vec<u64>,
    lengths_by_last_byte: Vec<u64>,
    /// For each name, the module suffixes its remote calls must have (`None`: any call).
    names: HashMap<&'static str, Option<Vec<&'static str>>>,
}

impl CallNames {
    /// Subscribe to `name`, on any module (`None`) or on modules ending with `modules`. A
    /// name wanted on any module by one check is wanted on any module.
    fn insert(&mut self, name: &'static str, modules: Option<&'static [&'static str]>) {
        let (Some(&first), Some(&last)) = (name.as_bytes().first(), name.as_bytes().last()) else {
            return;
        };
        if self.lengths_by_first_byte.is_empty() {
            self.lengths_by_first_byte = vec![0; 256];
            self.lengths_by_last_byte = vec![0; 256];
        }
        let length = 1 << name.len().min(63);
        self.lengths_by_first_byte[first as usize] |= length;
        self.lengths_by_last_byte[last as usize] |= length;
        let entry = self
            .names
            .entry(name)
            .or_insert_with(|| modules.map(|_| Vec::new()));
        match (entry, modules) {
            (Some(suffixes), Some(modules)) => suffixes.extend(modules),
            (entry, _) => *entry = None,
        }
    }

    fn filter(&self, name: &str) -> Option<&Option<Vec<&'static str>>> {
        let (Some(&first), Some(&last)) = (name.as_bytes().first(), name.as_bytes().last()) else {
            return None;
        };
        let length = 1 << name.len().min(63);
        let seen =
            |lengths: &[u64], byte: u8| lengths.get(byte as usize).is_some_and(|l| l & length != 0);
        if !seen(&self.lengths_by_first_byte, first) || !seen(&self.lengths_by_last_byte, last) {
            return None;
        }
        self.names.get(name)
    }

    /// Whether some check wants a call named `name` (captures: the module is checked later).
    fn contains(&self, name: &str) -> bool {
        self.filter(name).is_some()
    }

    /// Whether some check wants the call whose head this is.
    fn wants(&self, head: &CallHead, src: &str) -> bool {
        match self.filter(head.name) {
            None => false,
            Some(None) => true,
            Some(Some(suffixes)) => {
                head.remote
                    && head.target.field("left").is_some_and(|module| {
                        suffixes.iter().any(|s| text(module, src).ends_with(s))
                    })
            }
        }
    }
}

/// A GenServer that handles messages (OTEL001 asks whether it emits telemetry).
fn is_message_handling_genserver(outline: &ModuleOutline) -> bool {
    outline.behaviours.iter().any(|b| b == "GenServer")
        && outline
            .functions
            .iter()
            .any(|f| matches!(f.name, "handle_call" | "handle_cast" | "handle_info"))
}

/// Mutable state of one file's walk.
struct Walk<'a> {
    cx: FileContext<'a>,
    active: Vec<bool>,
    directives: Vec<Directive>,
    metrics: Metrics,
    first_syntax_error: Option<u32>,
    first_code_byte: usize,
    check_errors: bool,
    behaviours: Vec<BehaviourFact>,
    /// Message-handling GenServers of lib code: name and the byte range of the name.
    servers: Vec<(String, usize, usize)>,
    /// Modules with a call that emits telemetry (`telemetry::emits`).
    emitters: Vec<String>,
    /// Lib modules (`ModuleFact`).
    modules: Vec<ModuleFact>,
    /// In test code: the modules named (`FileReport::test_references`).
    references: Vec<String>,
}

/// `src` with every secret at `secrets` masked (`secrets::redact`).
fn redacted<'s>(src: &'s str, secrets: &[(usize, usize)]) -> std::borrow::Cow<'s, str> {
    if secrets.is_empty() {
        return std::borrow::Cow::Borrowed(src);
    }
    let mut text = src.to_string();
    for &(start, end) in secrets {
        crate::secrets::redact(&mut text, start, end);
    }
    std::borrow::Cow::Owned(text)
}

fn first_code_byte(root: Node) -> usize {
    let mut cursor = root.walk();
    root.named_children(&mut cursor)
        .find(|n| n.kind() != "comment")
        .map_or(usize::MAX, |n| n.start_byte())
}

/// Whether the visit has anything to do at a leaf of this kind: a check subscribes to it, or
/// it is a comment (suppression directives), an alias (a test's references) or a quoted
/// literal. Identifiers, atoms, numbers and the like (most of a tree's leaves) only cost a
/// visit.
fn leaf_matters(class: Kind, subscribers: &[usize]) -> bool {
    !subscribers.is_empty() || !matches!(class, Kind::Identifier | Kind::Other)
}

/// The documentation counts of a lib module, inputs of the health score: the same
/// candidates the DOCS rules judge, where their scope (`covers`: DOCS001, DOCS002,
/// DOCS003) includes the module.
fn add_documentation_metrics(m: &mut Metrics, outline: &ModuleOutline, covers: (bool, bool, bool)) {
    if covers.0 {
        m.modules += 1;
        m.modules_with_moduledoc +=
            u64::from(outline.doc != ModuleDoc::Missing || outline.deprecated);
    }
    if covers.1 {
        for f in outline.doc_candidates() {
            m.public_functions += 1;
            m.documented_functions += u64::from(f.is_documented());
        }
    }
    if covers.2 {
        for f in outline.spec_candidates() {
            m.spec_candidates += 1;
            m.specced_functions += u64::from(f.has_spec);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::CallNames;

    /// The walk passes over punctuation and the inside of quoted text without interpolation;
    /// code in an interpolation, and comments and strings around them, are still seen.
    #[test]
    fn the_walk_still_sees_code_inside_interpolations() {
        let src = r##"defmodule Shop.Greeter do
  @moduledoc """
  Greets. IO.inspect(in_the_doc) is text.
  """
  def greet(name) do
    a = "plain text, IO.inspect(in_a_string)"
    b = "#{IO.inspect(name)} and #{"nested #{dbg(name)}"}"
    c = ~s(sigil #{IO.inspect(a)})
    # doctrine:disable-next-line NMND003
    d = 'charlist #{IO.inspect(b)}'
    {a, b, c, d}
  end
end
"##;
        let report = crate::lint_str("lib/shop/greeter.ex", src);
        let lines: Vec<u32> = report
            .findings
            .iter()
            .filter(|f| f.rule == "NMND003")
            .map(|f| f.span.start_line)
            .collect();
        assert_eq!(lines, [7, 7, 8], "{:#?}", report.findings);
    }

    #[test]
    fn call_names_admit_exactly_the_subscribed_names() {
        let mut names = CallNames::default();
        let long = "a_function_name_far_longer_than_sixty_three_bytes_to_share_the_last_bit";
        for name in ["to_atom", "raw", "query!", long] {
            names.insert(name, None);
        }
        for name in ["to_atom", "raw", "query!", long] {
            assert!(names.contains(name), "{name}");
        }
        for name in [
            "",
            "row",
            "to_atoms",
            "query",
            "a_function_name_far_longer_than_sixty_three_bytes_to_share_the_last_biT",
        ] {
            assert!(!names.contains(name), "{name}");
        }
        assert!(!CallNames::default().contains("raw"));
    }

    #[test]
    fn call_names_on_modules_admit_only_calls_on_those_modules() {
        let mut names = CallNames::default();
        names.insert("get", Some(&["Repo"]));
        names.insert("all", Some(&["Repo"]));
        names.insert("all", None);
        let src =
            "Repo.get(User, 1)\nShop.Repo.get(User, 1)\nMap.get(m, :k)\nget(m)\nEnum.all(x)\n";
        let tree = crate::syntax::parse::parse(src).unwrap();
        let root = tree.root_node();
        let wanted: Vec<bool> = (0..root.named_child_count() as u32)
            .filter_map(|i| root.named_child(i))
            .map(|call| names.wants(&super::call_head(call, src).unwrap(), src))
            .collect();
        assert_eq!(
            wanted,
            [true, true, false, false, true],
            "a check wanting `all` anywhere wins"
        );
    }
}

//! Rules written as tree-sitter queries (built-in or a project's `.doctrine/rules/*.toml`).
//! All enabled ones are compiled into one combined query, run once per file; each `@match`
//! capture is a finding of the rule whose pattern matched.

use crate::error::UserError;
use crate::registry::Registry;
use crate::selection::RuleSet;
use tree_sitter::{Node, Query, QueryCursor, StreamingIterator};

pub struct QueryRules {
    query: Query,
    /// For each pattern of the combined query, the registry index of its rule.
    pattern_rule: Vec<usize>,
    match_capture: u32,
}

/// Check that `source` compiles and has the `@match` capture that marks what to report.
pub fn validate(source: &str) -> Result<(), String> {
    let query = Query::new(&crate::syntax::parse::language(), source).map_err(|e| {
        format!(
            "at query line {}, column {}: {}",
            e.row + 1,
            e.column + 1,
            e.message
        )
    })?;
    if !query.capture_names().contains(&"match") {
        return Err("no `@match` capture (it marks what to report)".into());
    }
    // tree-sitter leaves predicates it does not know to the caller, which would silently
    // match everything they were meant to filter out.
    for pattern in 0..query.pattern_count() {
        if let Some(unknown) = query.general_predicates(pattern).first() {
            return Err(format!(
                "unknown predicate `#{}` (known: #eq?, #not-eq?, #match?, #not-match?, \
                 #any-of?, #not-any-of?)",
                unknown.operator
            ));
        }
    }
    Ok(())
}

pub struct QueryMatch {
    pub rule: usize,
    pub start_byte: usize,
    pub end_byte: usize,
}

impl QueryRules {
    /// Compile the enabled query rules; `None` when there are none.
    pub fn compile(registry: &Registry, rules: &RuleSet) -> Result<Option<QueryRules>, UserError> {
        let language = crate::syntax::parse::language();
        let mut combined = String::new();
        let mut segments: Vec<(usize, usize)> = Vec::new(); // (start byte in combined, rule)
        for (index, rule) in registry.rules.iter().enumerate() {
            let Some(source) = rule.def.query.as_deref() else {
                continue;
            };
            // Compiled alone first, so an error names the rule it comes from.
            validate(source).map_err(|message| {
                UserError::Usage(format!("query of rule {}: {message}", rule.def.id))
            })?;
            if !rules.is_enabled(index) {
                continue;
            }
            segments.push((combined.len(), index));
            combined.push_str(source);
            combined.push('\n');
        }
        if segments.is_empty() {
            return Ok(None);
        }
        let query = Query::new(&language, &combined)
            .map_err(|e| UserError::Usage(format!("combined rule query: {e}")))?;
        let pattern_rule = (0..query.pattern_count())
            .map(|pattern| {
                let start = query.start_byte_for_pattern(pattern);
                segments
                    .iter()
                    .rev()
                    .find(|(segment_start, _)| *segment_start <= start)
                    .map(|(_, rule)| *rule)
                    .expect("every pattern lies in a segment")
            })
            .collect();
        let match_capture = query
            .capture_index_for_name("match")
            .expect("validated above");
        Ok(Some(QueryRules {
            query,
            pattern_rule,
            match_capture,
        }))
    }

    pub fn run(&self, root: Node, src: &str) -> Vec<QueryMatch> {
        let mut cursor = QueryCursor::new();
        let mut matches = cursor.matches(&self.query, root, src.as_bytes());
        let mut out = Vec::new();
        while let Some(m) = matches.next() {
            let rule = self.pattern_rule[m.pattern_index];
            for capture in m
                .captures()
                .iter()
                .filter(|c| c.index == self.match_capture)
            {
                out.push(QueryMatch {
                    rule,
                    start_byte: capture.node.start_byte(),
                    end_byte: capture.node.end_byte(),
                });
            }
        }
        out
    }
}

//! Single-file analysis on arbitrary bytes: the first byte picks the file's role, the rest is
//! its content. It must not panic, must finish (libFuzzer's `-timeout`), and every finding's
//! span must lie inside the file, on character boundaries.
#![no_main]

use doctrine::analyze::Analyzer;
use doctrine::project::ProjectModel;
use doctrine::registry::Registry;
use doctrine::selection::RuleSet;
use doctrine::source::MemorySources;
use libfuzzer_sys::fuzz_target;
use std::path::Path;
use std::sync::OnceLock;

const PATHS: &[&str] = &[
    "lib/shop/x.ex",
    "test/shop/x_test.exs",
    "config/runtime.exs",
    "config/dev.exs",
    "priv/repo/migrations/20240101000000_x.exs",
    "mix.exs",
    "lib/mix/tasks/x.ex",
    "scripts/x.exs",
];

struct Engine {
    analyzer: Analyzer<'static>,
    project: ProjectModel,
}

fn engine() -> &'static Engine {
    static ENGINE: OnceLock<Engine> = OnceLock::new();
    ENGINE.get_or_init(|| {
        let registry: &'static Registry = Box::leak(Box::new(Registry::builtin()));
        let rules: &'static RuleSet = Box::leak(Box::new(RuleSet::defaults(registry)));
        Engine {
            analyzer: Analyzer::new(registry, rules).expect("built-in rules compile"),
            project: ProjectModel::single_app(Path::new("")),
        }
    })
}

fuzz_target!(|data: &[u8]| {
    let Some((&selector, content)) = data.split_first() else {
        return;
    };
    let path = PATHS[selector as usize % PATHS.len()];
    let engine = engine();
    let sources = MemorySources::new(vec![(path.to_string(), content.to_vec())]);
    let report = doctrine::engine::scan(&engine.analyzer, &sources, None, &engine.project);
    let text = String::from_utf8_lossy(content);
    for finding in &report.findings {
        let span = finding.span;
        assert!(span.start_byte <= span.end_byte && span.end_byte <= text.len());
        assert!(text.is_char_boundary(span.start_byte) && text.is_char_boundary(span.end_byte));
        assert!(span.start_line >= 1 && span.start_column >= 1);
    }
    assert!(
        !report
            .diagnostics
            .iter()
            .any(|d| d.kind == doctrine::finding::DiagnosticKind::InternalError),
        "a panic inside the analysis: {:?}",
        report.diagnostics
    );
});

//! The score's inputs, measured on a finished scan: its metrics and findings, the tests
//! evidence (a coverage report, else the TACH estimate) and an optional compile log.

use super::{CompileCounts, Inputs, TestEvidence, compile_log, coverage};
use crate::error::UserError;
use crate::run::Scan;
use std::path::{Path, PathBuf};

/// Where the evidence beyond the scan comes from; paths as the user gave them.
#[derive(Debug, Default, Clone)]
pub struct Evidence {
    /// `--coverage FILE`; without it, the first of `coverage::DEFAULT_FILES` that exists.
    pub coverage: Option<PathBuf>,
    /// `--compile-log FILE`.
    pub compile_log: Option<PathBuf>,
}

/// Measure the scan. A coverage report or log the user named must be readable (else an
/// error); a report found on its own that cannot be read is a warning, and the tests are
/// estimated instead.
pub fn measure(
    scan: &Scan,
    evidence: &Evidence,
    cwd: &Path,
) -> Result<(Inputs, Vec<String>), UserError> {
    let mut warnings = Vec::new();
    let registry = &scan.registry;
    let (blocking, advisory) = Inputs::count_findings(&scan.report.findings, |rule| {
        registry.get(rule).map_or("", |r| r.def.pillar.as_str())
    });
    let tests = match &evidence.coverage {
        Some(file) => {
            let lines = coverage::read(&cwd.join(file))
                .map_err(|why| UserError::Usage(format!("--coverage {}: {why}", file.display())))?;
            Some(covered(file.display().to_string(), lines))
        }
        None => coverage::DEFAULT_FILES.iter().find_map(|name| {
            let path = scan.root.join(name);
            if !path.is_file() {
                return None;
            }
            match coverage::read(&path) {
                Ok(lines) => Some(covered(name.to_string(), lines)),
                Err(why) => {
                    warnings.push(format!("{name}: {why}; the tests component is estimated"));
                    None
                }
            }
        }),
    };
    let tests = tests.unwrap_or_else(|| {
        let index = registry.position(crate::project_checks::tach::RULE);
        let (tested_modules, modules) = crate::project_checks::tach::tested_share(
            &scan.project,
            &scan.report.facts,
            scan.sources.paths(),
            |module| index.is_some_and(|i| scan.rules.exempts_module(i, module)),
        );
        TestEvidence::Estimated {
            tested_modules,
            modules,
        }
    });
    let compile = match &evidence.compile_log {
        Some(file) => Some(
            read_compile_log(&cwd.join(file)).map_err(|source| UserError::Io {
                context: format!("cannot read the compile log {}", file.display()),
                source,
            })?,
        ),
        None => None,
    };
    let inputs = Inputs {
        metrics: scan.report.metrics,
        blocking,
        advisory,
        tests,
        compile,
    };
    Ok((inputs, warnings))
}

fn covered(file: String, lines: coverage::LineCoverage) -> TestEvidence {
    TestEvidence::Coverage {
        file,
        covered_lines: lines.covered,
        relevant_lines: lines.relevant,
    }
}

fn read_compile_log(path: &Path) -> std::io::Result<CompileCounts> {
    let bytes = crate::source::read_bounded(path, 256 * 1024 * 1024)?;
    Ok(compile_log::count(&String::from_utf8_lossy(&bytes)))
}

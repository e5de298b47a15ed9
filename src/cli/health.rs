//! `score` and `gate`: the health score of a project, and the deploy gate that runs the
//! check and the score, compares with the history and records the run.

use super::{Checkout, print, print_error, to_stderr};
use crate::config::GateLimits;
use crate::error::UserError;
use crate::gate::{self, Phase};
use crate::health::Score;
use crate::health::measure::{self, Evidence};
use crate::history::{self, Record};
use crate::output::{self, Format, health as render};
use crate::project::find_root;
use crate::registry::Registry;
use crate::run::{self, Scan, ScanOptions};
use clap::Args;
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

#[derive(Debug, Args)]
pub struct ProjectArgs {
    /// The project directory (default: the project around the current directory).
    path: Option<PathBuf>,
    /// Use this configuration file instead of `<root>/.doctrine.toml`.
    #[arg(long)]
    config: Option<PathBuf>,
    /// Worker threads (default: one per CPU).
    #[arg(long)]
    threads: Option<usize>,
    /// Neither read nor write the result cache (`.doctrine/cache/`): analyse every file.
    #[arg(long)]
    no_cache: bool,
}

#[derive(Debug, Args)]
pub struct EvidenceArgs {
    /// A coverage report: ExCoveralls JSON or LCOV (default: `cover/excoveralls.json` or
    /// `cover/lcov.info` when present; without one the tests component is estimated).
    #[arg(long, value_name = "FILE")]
    coverage: Option<PathBuf>,
    /// The output of `mix compile`, whose warnings and errors lower the build component.
    #[arg(long, value_name = "FILE")]
    compile_log: Option<PathBuf>,
}

impl EvidenceArgs {
    fn evidence(&self) -> Evidence {
        Evidence {
            coverage: self.coverage.clone(),
            compile_log: self.compile_log.clone(),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ScoreFormat {
    Text,
    Json,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum GateFormat {
    /// Each phase with PASS/FAIL and its timing, then the blocking findings.
    Text,
    /// The run's record, the score and the blocking findings (docs/JSON.md).
    Json,
    /// The check's findings as SARIF 2.1.0, for code scanning.
    Sarif,
    /// The Deployment Validation Report, for a pull request or a CI job summary.
    Markdown,
}

#[derive(Debug, Args)]
pub struct GateArgs {
    #[command(flatten)]
    project: ProjectArgs,
    #[command(flatten)]
    evidence: EvidenceArgs,
    #[arg(long, value_enum, default_value = "text")]
    format: GateFormat,
    /// Write the report to this file instead of standard output.
    #[arg(long, short)]
    output: Option<PathBuf>,
    /// Also write the SARIF report here (one run feeds the gate and code scanning).
    #[arg(long, value_name = "FILE")]
    sarif_file: Option<PathBuf>,
    /// Also write the Markdown validation report here (`$GITHUB_STEP_SUMMARY`).
    #[arg(long, value_name = "FILE")]
    markdown_file: Option<PathBuf>,
    /// Append this run to `.doctrine/history.jsonl`.
    #[arg(long)]
    record: bool,
    /// The environment the deploy goes to (`staging`, `production`), for the history.
    #[arg(long, value_name = "NAME")]
    env: Option<String>,
    /// Judge the branch against this base revision: the messages of its commits (GITL001)
    /// and its version bump (RELS003), as `check --changed-since` does; every file is still
    /// checked.
    #[arg(long, value_name = "REF")]
    base: Option<String>,
    /// Override `gate.min_score`.
    #[arg(long, value_name = "N")]
    min_score: Option<f64>,
    /// Override `gate.max_drop`.
    #[arg(long, value_name = "N")]
    max_drop: Option<f64>,
}

/// The whole-project scan options for `path`.
fn scan_options(project: &ProjectArgs, cwd: &Path) -> Result<ScanOptions, UserError> {
    let paths = match &project.path {
        None => Vec::new(),
        Some(path) => {
            let dir = cwd.join(path);
            if !dir.is_dir() {
                return Err(UserError::Usage(format!(
                    "{}: not a project directory",
                    path.display()
                )));
            }
            vec![find_root(&dir).unwrap_or(dir)]
        }
    };
    Ok(ScanOptions {
        paths,
        config: project.config.clone(),
        threads: project.threads,
        cache: super::cache_wanted(project.no_cache),
        ..ScanOptions::default()
    })
}

/// Scan, print the configuration errors, and refuse to go on without a trustworthy base.
fn scan(opts: &ScanOptions, cwd: &Path, registry: Registry) -> Result<Scan, UserError> {
    let mut scan = run::scan(opts, cwd, registry)?;
    let cache_warning = scan.finish_cache_write();
    for warning in scan.warnings.drain(..).chain(cache_warning) {
        to_stderr(&format!("warning: {warning}\n"));
    }
    let errors = std::mem::take(&mut scan.input_errors);
    if !errors.is_empty() {
        let count = errors.len();
        for e in errors {
            print_error(e);
        }
        return Err(UserError::Usage(format!(
            "{count} configuration error(s): fix them before scoring the project"
        )));
    }
    for d in &scan.report.diagnostics {
        if d.kind.loses_findings() {
            let line = d.line.map(|l| format!(":{l}")).unwrap_or_default();
            to_stderr(&format!(
                "warning: {}{line}: {}\n",
                output::escape(&d.path),
                output::escape(&d.message)
            ));
        }
    }
    Ok(scan)
}

/// The scan's health score, with the evidence given; warnings about the evidence printed.
fn score_of(scan: &Scan, evidence: &EvidenceArgs, cwd: &Path) -> Result<Score, UserError> {
    let (inputs, warnings) = measure::measure(scan, &evidence.evidence(), cwd)?;
    for warning in warnings {
        to_stderr(&format!("warning: {}\n", output::escape(&warning)));
    }
    Ok(crate::health::compute(&inputs, &scan.config.score))
}

pub fn score(
    project: &ProjectArgs,
    evidence: &EvidenceArgs,
    format: ScoreFormat,
    cwd: &Path,
    registry: Registry,
) -> Result<ExitCode, UserError> {
    let scan = scan(&scan_options(project, cwd)?, cwd, registry)?;
    let score = score_of(&scan, evidence, cwd)?;
    print(&match format {
        ScoreFormat::Text => render::score_text(&score),
        ScoreFormat::Json => render::score_json(&score),
    })
}

/// Where the phases are shown while they run: on a terminal, a running line that the
/// verdict replaces.
struct Progress {
    to_stdout: bool,
    live: bool,
    enabled: bool,
}

impl Progress {
    fn new(args: &GateArgs) -> Progress {
        let text_on_stdout = args.format == GateFormat::Text && args.output.is_none();
        if text_on_stdout {
            Progress {
                to_stdout: true,
                live: std::io::stdout().is_terminal(),
                enabled: true,
            }
        } else {
            let terminal = std::io::stderr().is_terminal();
            Progress {
                to_stdout: false,
                live: terminal,
                enabled: terminal,
            }
        }
    }

    fn write(&self, text: &str) {
        if !self.enabled {
            return;
        }
        if self.to_stdout {
            let mut out = std::io::stdout().lock();
            let _ = out.write_all(text.as_bytes()).and_then(|_| out.flush());
        } else {
            to_stderr(text);
        }
    }

    fn start(&self, title: &str) {
        if self.live {
            self.write(&format!("  ▸ RUN   {title} …"));
        }
    }

    fn done(&self, phase: &Phase) {
        let clear = if self.live { "\r\x1b[2K" } else { "" };
        self.write(&format!("{clear}{}", render::phase_line(phase)));
    }
}

pub fn gate(args: &GateArgs, cwd: &Path, registry: Registry) -> Result<ExitCode, UserError> {
    let started = Instant::now();
    let time = history::now_rfc3339();
    let mut opts = scan_options(&args.project, cwd)?;
    opts.require_clean = true;
    opts.changed_since = args.base.clone();
    let progress = Progress::new(args);

    progress.start("doctrine compliance");
    let scan = scan(&opts, cwd, registry)?;
    let compliance = gate::compliance(&scan, started.elapsed());
    progress.done(&compliance);

    let limits = GateLimits {
        min_score: args.min_score.unwrap_or(scan.config.gate.min_score),
        max_drop: args.max_drop.unwrap_or(scan.config.gate.max_drop),
    };
    let scoring = Instant::now();
    progress.start("health score");
    let score = score_of(&scan, &args.evidence, cwd)?;
    let score_phase = gate::score(&score, &limits, scoring.elapsed());
    progress.done(&score_phase);

    let comparing = Instant::now();
    // An unreadable history never breaks the gate: the drop is then not checked. (Read
    // before the running line, so its warnings do not break that line.)
    let records = read_history(&scan.root).unwrap_or_else(|e| {
        print_error(e);
        Vec::new()
    });
    progress.start("score drop");
    let drop = gate::drop(&score, records.last(), &limits, comparing.elapsed());
    progress.done(&drop);

    let phases = [compliance, score_phase, drop];
    let record = gate::record(
        &scan,
        &score,
        &phases,
        gate::RunFacts {
            time,
            env: args.env.as_deref(),
            duration: started.elapsed(),
        },
    );
    write_reports(args, &scan, &record, &phases, &score, cwd)?;
    if args.record {
        match history::append(&scan.root, &record) {
            Ok(path) => to_stderr(&format!(
                "recorded in {}\n",
                crate::source::relative(cwd, &path).unwrap_or_else(|| path.display().to_string())
            )),
            Err(e) => {
                return Err(UserError::Io {
                    context: format!("cannot record the run in {}", history::FILE),
                    source: e,
                });
            }
        }
    }
    Ok(if gate::passed(&phases) {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

fn write_reports(
    args: &GateArgs,
    scan: &Scan,
    record: &Record,
    phases: &[Phase],
    score: &Score,
    cwd: &Path,
) -> Result<(), UserError> {
    let checkout = Checkout::of(&scan.root);
    let cx = checkout.render_context(scan, cwd);
    let blocking = render::blocking(&scan.report.findings);
    let project = scan.project_name();
    let markdown =
        || render::gate_markdown(&project, record, phases, score, &blocking, &scan.registry);
    let main = match args.format {
        GateFormat::Text => {
            let headline = render::headline(&project, record);
            let end = render::gate_text_end(
                &headline,
                record,
                phases,
                &blocking,
                &|p| cx.display_path(p),
                10,
            );
            // On standard output the phases were shown as they ran.
            if args.output.is_some() {
                let lines: String = phases.iter().map(render::phase_line).collect();
                lines + &end
            } else {
                end
            }
        }
        GateFormat::Json => render::gate_json(record, score, &blocking),
        GateFormat::Sarif => output::render(Format::Sarif, &cx),
        GateFormat::Markdown => markdown(),
    };
    match &args.output {
        Some(path) => write_file(&cwd.join(path), &main)?,
        None => {
            print(&main)?;
        }
    }
    if let Some(path) = &args.sarif_file {
        write_file(&cwd.join(path), &output::render(Format::Sarif, &cx))?;
    }
    if let Some(path) = &args.markdown_file {
        write_file(&cwd.join(path), &markdown())?;
    }
    Ok(())
}

fn write_file(path: &Path, text: &str) -> Result<(), UserError> {
    std::fs::write(path, text).map_err(|source| UserError::Io {
        context: format!("cannot write {}", path.display()),
        source,
    })
}

/// The project root for a command that reads no sources: `path`'s project, or the one
/// around the current directory.
fn project_root(path: Option<&Path>, cwd: &Path) -> Result<PathBuf, UserError> {
    let start = cwd.join(path.unwrap_or(Path::new(".")));
    if !start.is_dir() {
        return Err(UserError::Usage(format!(
            "{}: not a project directory",
            start.display()
        )));
    }
    Ok(find_root(&start).unwrap_or(start))
}

/// The recorded runs, bad lines reported as warnings and skipped.
fn read_history(root: &Path) -> Result<Vec<Record>, UserError> {
    let (records, bad) = history::read(root).map_err(|source| UserError::Io {
        context: format!("cannot read {}", history::FILE),
        source,
    })?;
    for line in &bad {
        to_stderr(&format!(
            "warning: {}:{}: {}; skipped\n",
            history::FILE,
            line.line,
            output::escape(&line.reason)
        ));
    }
    Ok(records)
}

pub fn trend(
    path: Option<&Path>,
    last: usize,
    env: Option<&str>,
    format: ScoreFormat,
    cwd: &Path,
) -> Result<ExitCode, UserError> {
    let root = project_root(path, cwd)?;
    let mut records = read_history(&root)?;
    if let Some(env) = env {
        records.retain(|r| r.env.as_deref() == Some(env));
    }
    print(&match format {
        ScoreFormat::Text => output::trend::text(&records, last, history::FILE),
        ScoreFormat::Json => output::trend::json(&records),
    })
}

pub fn report(
    project: &ProjectArgs,
    evidence: &EvidenceArgs,
    html: &Path,
    cwd: &Path,
    registry: Registry,
) -> Result<ExitCode, UserError> {
    let scan = scan(&scan_options(project, cwd)?, cwd, registry)?;
    let score = score_of(&scan, evidence, cwd)?;
    let history = read_history(&scan.root)?;
    let head = scan.git.as_ref().and_then(|g| g.head.as_ref());
    let generated = history::now_rfc3339();
    let page = output::html::Page {
        project: &scan.project_name(),
        version: scan.project_version(),
        revision: head.map(|h| {
            format!(
                "{} @ {}",
                h.branch.as_deref().unwrap_or("detached"),
                &h.commit[..h.commit.len().min(8)]
            )
        }),
        generated: &generated,
        score: &score,
        min_score: scan.config.gate.min_score,
        report: &scan.report,
        registry: &scan.registry,
        history: &history,
    };
    let target = cwd.join(html);
    write_file(&target, &output::html::render(&page))?;
    to_stderr(&format!(
        "wrote {} (health score {:.1})\n",
        html.display(),
        score.score
    ));
    Ok(ExitCode::SUCCESS)
}

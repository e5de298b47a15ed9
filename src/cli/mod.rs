//! Command-line interface: argument parsing and the commands. Exit codes: 0 no blocking
//! findings, 1 blocking findings, 2 usage, configuration or internal error.

mod health;

use crate::config::{CONFIG_FILE, Config};
use crate::docs;
use crate::error::UserError;
use crate::finding::{DiagnosticKind, Enforcement, Report};
use crate::git;
use crate::output::{self, Format, RenderContext};
use crate::project::find_root;
use crate::registry::Registry;
use crate::run::{self, ScanOptions};
use crate::selection::RuleSet;
use crate::source::relative;
use clap::{Args, Parser, Subcommand};
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

#[derive(Debug, Parser)]
#[command(
    name = "doctrine",
    version,
    about = "Deploy-doctrine linter for Elixir codebases"
)]
pub struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Lint the project (or the given files and directories).
    Check(CheckArgs),
    /// List every rule: id, name, pillar, default enforcement.
    Rules {
        /// `text` (a table), `markdown` (the generated rule reference) or `json`.
        #[arg(long, value_enum, default_value = "text")]
        format: RulesFormat,
    },
    /// Show a rule's rationale and examples.
    Explain {
        /// Rule id (`ZERO001`), name (`unsafe-atom-creation`) or pillar code (`ZERO`).
        rule: String,
    },
    /// Write a commented default `.doctrine.toml` in the project root.
    Init {
        /// Overwrite an existing file.
        #[arg(long)]
        force: bool,
    },
    /// The project's health score (0–100): compliance, documentation, tests, build.
    Score {
        #[command(flatten)]
        project: health::ProjectArgs,
        #[command(flatten)]
        evidence: health::EvidenceArgs,
        /// `text` or `json` (docs/JSON.md).
        #[arg(long, value_enum, default_value = "text")]
        format: health::ScoreFormat,
    },
    /// The deploy gate: the check (HYGIENE001 included), the health score against
    /// `gate.min_score`, its drop since the last recorded run; exits 1 when one fails.
    Gate(health::GateArgs),
    /// Write a self-contained HTML report: score gauge, components, findings per pillar,
    /// worst files, top rules, score trend.
    Report {
        #[command(flatten)]
        project: health::ProjectArgs,
        #[command(flatten)]
        evidence: health::EvidenceArgs,
        /// Where to write the page.
        #[arg(long, value_name = "FILE")]
        html: PathBuf,
    },
    /// The recorded gate runs (`gate --record`): score and duration over time, failure
    /// rate, regressions, the phase and the pillar that fail most.
    Trend {
        /// The project directory (default: the project around the current directory).
        path: Option<PathBuf>,
        /// Show the last N runs in the table (the summary covers all of them).
        #[arg(long, value_name = "N", default_value_t = 20)]
        last: usize,
        /// Only the runs recorded with this `--env`.
        #[arg(long, value_name = "NAME")]
        env: Option<String>,
        /// `text` or `json`.
        #[arg(long, value_enum, default_value = "text")]
        format: health::ScoreFormat,
    },
    /// Print the syntax tree of an Elixir file, for writing query rules.
    Ast { file: PathBuf },
    /// Check that the project's own rules (`.doctrine/rules/`) flag their bad examples and
    /// not their good ones.
    TestRules,
    /// Install or remove the git hooks: `pre-commit` runs `check --staged`, `commit-msg`
    /// checks the message (GITL001).
    Hook {
        #[command(subcommand)]
        action: HookAction,
    },
    /// Manage the result cache (`.doctrine/cache/`).
    Cache {
        #[command(subcommand)]
        action: CacheAction,
    },
    /// Check one commit message (GITL001), for a `commit-msg` hook: `doctrine commit-msg
    /// "$1"`. Exits 1 only when GITL001 is blocking (it is advisory by default).
    CommitMsg {
        /// The message file git passes to the hook (`.git/COMMIT_EDITMSG`).
        file: PathBuf,
        /// Use this configuration file instead of `<root>/.doctrine.toml`.
        #[arg(long)]
        config: Option<PathBuf>,
    },
}

#[derive(Debug, Subcommand)]
enum CacheAction {
    /// Remove the project's result cache; the next run analyses every file.
    Clean {
        /// The project directory (default: the project around the current directory).
        path: Option<PathBuf>,
    },
}

#[derive(Debug, Subcommand)]
enum HookAction {
    /// Write `pre-commit` and `commit-msg` hooks (into `core.hooksPath` when set).
    Install {
        /// Overwrite hooks that another tool wrote.
        #[arg(long)]
        force: bool,
    },
    /// Remove the hooks doctrine wrote (others are left alone).
    Uninstall,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum RulesFormat {
    Text,
    Markdown,
    Json,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum ColorChoice {
    Auto,
    Always,
    Never,
}

#[derive(Debug, Args)]
struct CheckArgs {
    /// Files or directories to lint; defaults to the project root (the nearest directory with
    /// a `mix.exs`, or its umbrella).
    paths: Vec<PathBuf>,
    #[arg(long, value_enum, default_value = "text")]
    format: Format,
    /// Write the report to this file instead of standard output.
    #[arg(long, short)]
    output: Option<PathBuf>,
    /// Only these rule ids or pillar codes (comma-separated or repeated).
    #[arg(long, value_delimiter = ',')]
    select: Vec<String>,
    /// Skip these rule ids or pillar codes.
    #[arg(long, value_delimiter = ',')]
    ignore: Vec<String>,
    /// Worker threads (default: one per CPU).
    #[arg(long)]
    threads: Option<usize>,
    /// Print findings only: no summary, no input diagnostics.
    #[arg(long, short)]
    quiet: bool,
    /// Print the number of findings per rule (instead of the findings for text and concise;
    /// on standard error for the machine formats).
    #[arg(long)]
    statistics: bool,
    /// Report only blocking findings (advisory ones are left out of every format).
    #[arg(long)]
    blocking_only: bool,
    /// Exit 0 even when blocking findings remain (errors still exit 2).
    #[arg(long)]
    exit_zero: bool,
    /// Do not fail (exit 2) when a file could not be read or analysed; it is still reported.
    #[arg(long)]
    allow_unreadable: bool,
    /// When to use colors: `auto` (a terminal, and `NO_COLOR` unset), `always`, `never`.
    #[arg(long, value_enum, default_value = "auto")]
    color: ColorChoice,
    /// Same as `--color never`.
    #[arg(long)]
    no_color: bool,
    /// At most this many `--format github` annotations (default: `[output] max_annotations`
    /// in `.doctrine.toml`, or 50).
    #[arg(long)]
    max_annotations: Option<usize>,
    /// Use this configuration file instead of `<root>/.doctrine.toml`.
    #[arg(long)]
    config: Option<PathBuf>,
    /// Read the file's content from standard input and lint it as if it were at this path
    /// (absolute or relative to the current directory; its project is the one around it),
    /// for editors.
    #[arg(long)]
    stdin_filename: Option<String>,
    /// Report only on what changed since this git revision (`main`, `origin/main`, a SHA):
    /// findings in files changed or added since then (uncommitted changes included), the
    /// commit messages of the range (GITL001) and the version bump (RELS003).
    #[arg(long, value_name = "REF")]
    changed_since: Option<String>,
    /// Also fail on uncommitted changes and untracked files (HYGIENE001), as the deploy
    /// gate does.
    #[arg(long)]
    require_clean: bool,
    /// Fail only on findings this baseline does not hold (see `--write-baseline`); the
    /// entries no finding matches any more are reported as removable.
    #[arg(long, value_name = "FILE")]
    baseline: Option<PathBuf>,
    /// Record every current finding in this baseline file and exit 0.
    #[arg(long, value_name = "FILE", conflicts_with = "baseline")]
    write_baseline: Option<PathBuf>,
    /// Lint what is staged for the next commit — the content in git's index, not the
    /// worktree — and the project rules the staged files bring in (a pre-commit hook).
    #[arg(long, conflicts_with_all = ["paths", "stdin_filename", "changed_since", "require_clean"])]
    staged: bool,
    /// Neither read nor write the result cache (`.doctrine/cache/`): analyse every file.
    #[arg(long)]
    no_cache: bool,
    /// Print where the run's time went (walk, git, cache, files, project rules) as one JSON
    /// line on standard error.
    #[arg(long)]
    timings: bool,
}

pub fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            return ExitCode::from(if e.use_stderr() { 2 } else { 0 });
        }
    };
    match run(cli) {
        Ok(code) => code,
        Err(e) => {
            print_error(e);
            ExitCode::from(2)
        }
    }
}

fn print_error(e: UserError) {
    if std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none() {
        to_stderr(&format!("{:?}\n", miette::Report::new(e)));
    } else {
        to_stderr(&format!("error: {}\n", output::escape(&e.plain())));
    }
}

/// Write to stderr. A closed stderr (`doctrine check 2>&1 | head -n1`) is not worth a panic:
/// the text is dropped and the run goes on to its exit code.
fn to_stderr(text: &str) {
    let mut stderr = std::io::stderr().lock();
    let _ = stderr
        .write_all(text.as_bytes())
        .and_then(|_| stderr.flush());
}

fn run(cli: Cli) -> Result<ExitCode, UserError> {
    let cwd = std::env::current_dir().map_err(|source| UserError::Io {
        context: "cannot read the current directory".into(),
        source,
    })?;
    let registry = Registry::builtin();
    match cli.command {
        Command::Check(args) => check(args, &cwd, registry),
        Command::Score {
            project,
            evidence,
            format,
        } => health::score(&project, &evidence, format, &cwd, registry),
        Command::Gate(args) => health::gate(&args, &cwd, registry),
        Command::Report {
            project,
            evidence,
            html,
        } => health::report(&project, &evidence, &html, &cwd, registry),
        Command::Trend {
            path,
            last,
            env,
            format,
        } => health::trend(path.as_deref(), last, env.as_deref(), format, &cwd),
        Command::Hook { action } => hook(action, &cwd),
        Command::Cache {
            action: CacheAction::Clean { path },
        } => cache_clean(path.as_deref(), &cwd),
        Command::CommitMsg { file, config } => commit_msg(&file, config.as_deref(), &cwd, registry),
        Command::Rules { format } => {
            let registry = project_registry(&cwd, registry)?;
            let text = match format {
                RulesFormat::Text => docs::rules_table(&registry),
                RulesFormat::Markdown => docs::rules_markdown(&registry),
                RulesFormat::Json => docs::rules_json(&registry),
            };
            print(&text)
        }
        Command::Explain { rule } => {
            let registry = project_registry(&cwd, registry)?;
            if let Some(found) = registry.find(&rule) {
                return print(&docs::explain(&registry, found));
            }
            let pillar = registry
                .pillars
                .iter()
                .find(|p| p.code.eq_ignore_ascii_case(&rule))
                .ok_or_else(|| {
                    UserError::Usage(format!("no rule or pillar `{rule}` (see `doctrine rules`)"))
                })?;
            print(&docs::explain_pillar(&registry, pillar))
        }
        Command::Init { force } => {
            let root = find_root(&cwd).unwrap_or(cwd);
            let path = root.join(CONFIG_FILE);
            if path.exists() && !force {
                return Err(UserError::Usage(format!(
                    "{} already exists (use --force to overwrite)",
                    path.display()
                )));
            }
            std::fs::write(&path, crate::config::default_file(&registry)).map_err(|source| {
                UserError::Io {
                    context: format!("cannot write {}", path.display()),
                    source,
                }
            })?;
            print(&format!("wrote {}\n", path.display()))?;
            Ok(ExitCode::SUCCESS)
        }
        Command::TestRules => {
            let registry = project_registry(&cwd, registry)?;
            let failures = crate::examples::verify(&registry, |r| r.user_file.is_some())?;
            let tested = registry
                .rules
                .iter()
                .filter(|r| r.user_file.is_some())
                .count();
            for failure in &failures {
                print(&format!("{failure}\n\n"))?;
            }
            print(&format!(
                "{tested} project rule(s) tested, {} example failure(s)\n",
                failures.len()
            ))?;
            Ok(if failures.is_empty() {
                ExitCode::SUCCESS
            } else {
                ExitCode::from(1)
            })
        }
        Command::Ast { file } => {
            let src = crate::source::read_bounded(&file, 64 * 1024 * 1024).map_err(|source| {
                UserError::Io {
                    context: format!("cannot read {}", file.display()),
                    source,
                }
            })?;
            let src = String::from_utf8_lossy(&src);
            let tree = crate::syntax::parse::parse(&src).map_err(|failure| {
                UserError::Usage(format!("cannot parse this file ({failure:?})"))
            })?;
            print(&docs::syntax_tree(tree.root_node(), &src))
        }
    }
}

/// The registry plus the project's own rules, for commands that only describe rules.
fn project_registry(cwd: &Path, mut registry: Registry) -> Result<Registry, UserError> {
    if let Some(root) = find_root(cwd) {
        let errors = registry.load_user_rules(&root.join(".doctrine/rules"), ".doctrine/rules");
        if let Some(first) = errors.into_iter().next() {
            return Err(first);
        }
    }
    Ok(registry)
}

fn check(args: CheckArgs, cwd: &Path, registry: Registry) -> Result<ExitCode, UserError> {
    let opts = ScanOptions {
        paths: args.paths.clone(),
        config: args.config.clone(),
        select: args.select.clone(),
        ignore: args.ignore.clone(),
        threads: args.threads,
        stdin_filename: args.stdin_filename.clone(),
        changed_since: args.changed_since.clone(),
        require_clean: args.require_clean,
        staged: args.staged,
        cache: cache_wanted(args.no_cache),
    };
    let mut scan = run::scan(&opts, cwd, registry)?;
    let had_input_errors = report_inputs(&mut scan);
    if let Some(range) = scan.git.as_ref().and_then(|g| g.range.as_ref()) {
        limit_to_range(&mut scan.report, range);
    }
    if let Some(path) = &args.write_baseline {
        let baseline = crate::baseline::Baseline::of(&scan.report.findings);
        baseline
            .write(&cwd.join(path))
            .map_err(|source| UserError::Io {
                context: format!("cannot write the baseline {}", path.display()),
                source,
            })?;
        to_stderr(&format!(
            "wrote {} finding(s) to the baseline {}\n",
            baseline.entries.len(),
            path.display()
        ));
        return Ok(if had_input_errors {
            ExitCode::from(2)
        } else {
            ExitCode::SUCCESS
        });
    }
    if let Some(path) = &args.baseline {
        let baseline = crate::baseline::Baseline::read(&cwd.join(path))
            .map_err(|why| UserError::Usage(format!("--baseline {}: {why}", path.display())))?;
        let applied = baseline.apply(&mut scan.report);
        if !args.quiet {
            let mut note = format!(
                "baseline {}: {} known finding(s) not shown",
                path.display(),
                applied.matched
            );
            if !applied.fixed.is_empty() {
                note.push_str(&format!(
                    "; {} entr(ies) fixed and removable (rerun with --write-baseline {})",
                    applied.fixed.len(),
                    path.display()
                ));
            }
            to_stderr(&format!("{}\n", output::escape(&note)));
        }
    }
    if args.blocking_only {
        scan.report
            .findings
            .retain(|f| f.enforcement == Enforcement::Blocking);
    }
    // A file that could not be analysed must not let the gate pass silently.
    let outcome = Outcome {
        blocking: scan.report.blocking_count() > 0,
        errors: had_input_errors || (scan.lost_findings() && !args.allow_unreadable),
    };
    let max_annotations = args.max_annotations.unwrap_or(scan.config.max_annotations);
    let rendered = finish(&args, &scan, cwd, max_annotations, &outcome);
    // The result cache was written while the report was rendered.
    if let Some(warning) = scan.finish_cache_write() {
        to_stderr(&format!("warning: {warning}\n"));
    }
    if args.timings {
        let json = serde_json::to_string(&scan.timings).unwrap_or_default();
        to_stderr(&format!("doctrine timings: {json}\n"));
    }
    rendered?;
    // The process ends here: freeing every report, fact and text one by one would only
    // delay the exit (a millisecond on a thousand files).
    std::mem::forget(scan);
    Ok(outcome.exit_code(args.exit_zero))
}

/// Print the scan's configuration errors and option warnings; true when there were errors
/// (the run then exits 2).
fn report_inputs(scan: &mut run::Scan) -> bool {
    for warning in scan.warnings.drain(..) {
        to_stderr(&format!("warning: {warning}\n"));
    }
    let had_errors = !scan.input_errors.is_empty();
    for e in scan.input_errors.drain(..) {
        print_error(e);
    }
    had_errors
}

/// Keep what concerns the change range: findings and diagnostics in files changed or added
/// since its base, and the findings about the range itself (its commits, its version bump).
fn limit_to_range(report: &mut Report, range: &git::ChangeRange) {
    report.findings.retain(|f| {
        range.changed.contains(&f.path)
            || f.commit.is_some()
            || crate::project_checks::RANGE_RULES.contains(&f.rule.as_str())
    });
    report
        .diagnostics
        .retain(|d| range.changed.contains(&d.path) || !d.kind.concerns_a_file());
}

/// Whether to use the result cache: not with `--no-cache`, nor when `DOCTRINE_NO_CACHE` is
/// set to anything but `0` or nothing (for a read-only checkout or a test suite).
pub(crate) fn cache_wanted(no_cache: bool) -> bool {
    !no_cache
        && std::env::var_os("DOCTRINE_NO_CACHE")
            .is_none_or(|value| value.is_empty() || value == "0")
}

/// `doctrine cache clean`: remove the result cache of the project around `path`.
fn cache_clean(path: Option<&Path>, cwd: &Path) -> Result<ExitCode, UserError> {
    let start = cwd.join(path.unwrap_or(Path::new(".")));
    let root = find_root(&start).unwrap_or(start);
    let shown = relative(cwd, &root.join(crate::cache::DIR))
        .unwrap_or_else(|| root.join(crate::cache::DIR).display().to_string());
    let line = match crate::cache::clean(&root).map_err(|source| UserError::Io {
        context: format!("cannot remove {shown}"),
        source,
    })? {
        Some((files, bytes)) => format!(
            "removed {shown} ({files} file(s), {:.1} KiB)",
            bytes as f64 / 1024.0
        ),
        None => format!("no result cache at {shown}"),
    };
    print(&format!("{line}\n"))
}

/// `doctrine hook install|uninstall`, for the project around the current directory.
fn hook(action: HookAction, cwd: &Path) -> Result<ExitCode, UserError> {
    use crate::hooks::Outcome;
    let project = find_root(cwd).unwrap_or_else(|| cwd.to_path_buf());
    let installing = matches!(action, HookAction::Install { .. });
    let outcomes = match action {
        HookAction::Install { force } => {
            let binary = std::env::current_exe().map_err(|source| UserError::Io {
                context: "cannot tell where the doctrine binary is".into(),
                source,
            })?;
            crate::hooks::install(&project, &binary, force)
        }
        HookAction::Uninstall => crate::hooks::uninstall(&project),
    }
    .map_err(UserError::Usage)?;
    let mut foreign = false;
    for outcome in &outcomes {
        let line = match outcome {
            Outcome::Written(p) => format!("installed {}", p.display()),
            Outcome::Replaced(p) => format!("updated {}", p.display()),
            Outcome::Removed(p) => format!("removed {}", p.display()),
            Outcome::Absent(p) => format!("no doctrine hook at {}", p.display()),
            Outcome::Foreign(p) => {
                foreign = true;
                format!(
                    "left {} alone: another tool wrote it (install with --force to replace it, \
                     or call doctrine from it)",
                    p.display()
                )
            }
        };
        print(&format!("{}\n", output::escape(&line)))?;
    }
    // A foreign hook kept on install means doctrine does not run: say so in the exit code.
    Ok(if foreign && installing {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

/// `doctrine commit-msg FILE`: GITL001 on one message, with the project's configuration.
fn commit_msg(
    file: &Path,
    config: Option<&Path>,
    cwd: &Path,
    registry: Registry,
) -> Result<ExitCode, UserError> {
    let root = find_root(cwd).unwrap_or_else(|| cwd.to_path_buf());
    let config_path = match config {
        Some(path) => cwd.join(path),
        None => root.join(CONFIG_FILE),
    };
    let display = relative(cwd, &config_path).unwrap_or_else(|| config_path.display().to_string());
    let config = Config::load(&config_path, &display, &registry)
        .map_err(|mut errors| errors.swap_remove(0))?;
    let rules = RuleSet::new(&registry, &config, &[], &[])?;
    let rule = crate::project_checks::gitl::RULE;
    let index = registry.position(rule).expect("GITL001 is a built-in rule");
    let enforcement = rules.enforcement(index);
    if enforcement == Enforcement::Off {
        return Ok(ExitCode::SUCCESS);
    }
    let raw = crate::source::read_text_bounded(&cwd.join(file), crate::source::MAX_METADATA_FILE)
        .map_err(|source| UserError::Io {
        context: format!("cannot read {}", file.display()),
        source,
    })?;
    let message = crate::project_checks::gitl::cleaned_message(&raw);
    let types = rules.setting(index, "types");
    let Some(problem) = crate::project_checks::gitl::message_problem(&message, 1, types) else {
        return Ok(ExitCode::SUCCESS);
    };
    let header = message.lines().next().unwrap_or("");
    to_stderr(&format!(
        "{}:1:1: {rule} [{}] \"{}\": {problem}\n",
        file.display(),
        enforcement.as_str(),
        output::escape(header)
    ));
    Ok(if enforcement == Enforcement::Blocking {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

/// How a run ends: exit 2 on configuration or input errors, else 1 with blocking findings
/// (0 with `--exit-zero`), else 0.
struct Outcome {
    blocking: bool,
    errors: bool,
}

impl Outcome {
    fn exit_code(&self, exit_zero: bool) -> ExitCode {
        match (self.errors, self.blocking && !exit_zero) {
            (true, _) => ExitCode::from(2),
            (false, true) => ExitCode::from(1),
            (false, false) => ExitCode::SUCCESS,
        }
    }
}

fn use_color(args: &CheckArgs, to_terminal: bool) -> bool {
    match (args.no_color, args.color) {
        (true, _) | (_, ColorChoice::Never) => false,
        (false, ColorChoice::Always) => true,
        (false, ColorChoice::Auto) => to_terminal && std::env::var_os("NO_COLOR").is_none(),
    }
}

fn finish(
    args: &CheckArgs,
    scan: &run::Scan,
    cwd: &Path,
    max_annotations: usize,
    outcome: &Outcome,
) -> Result<(), UserError> {
    let to_terminal = args.output.is_none() && std::io::stdout().is_terminal();
    let checkout = Checkout::of(&scan.root);
    let cx = RenderContext {
        color: use_color(args, to_terminal),
        statistics: args.statistics,
        quiet: args.quiet,
        max_annotations,
        execution_successful: !outcome.errors,
        ..checkout.render_context(scan, cwd)
    };
    let report = &scan.report;
    let rendered = output::render(args.format, &cx);
    let human = matches!(args.format, Format::Text | Format::Concise);
    match &args.output {
        Some(path) => std::fs::write(path, rendered).map_err(|source| UserError::Io {
            context: format!("cannot write {}", path.display()),
            source,
        })?,
        None => {
            print(&rendered)?;
        }
    }
    let mut stderr = String::new();
    if args.statistics && !human {
        stderr.push_str(&output::statistics(&cx));
    }
    if !args.quiet {
        // Configuration errors were printed as errors already.
        for d in report
            .diagnostics
            .iter()
            .filter(|d| d.kind != DiagnosticKind::ConfigError)
        {
            let line = d.line.map(|l| format!(":{l}")).unwrap_or_default();
            stderr.push_str(&format!(
                "warning: {}{line}: {}\n",
                output::escape(&d.path),
                output::escape(&d.message)
            ));
        }
        // A report written to a file still says on the terminal how the run went.
        if args.output.is_some() {
            stderr.push_str(&output::summary_line(&cx));
        }
    }
    to_stderr(&stderr);
    Ok(())
}

/// The git checkout holding a project (the project root outside git), and the root's path
/// inside it (`""` or `"backend/"`).
struct Checkout {
    dir: PathBuf,
    prefix: String,
}

impl Checkout {
    fn of(root: &Path) -> Checkout {
        let dir = root
            .ancestors()
            .find(|dir| dir.join(".git").exists())
            .unwrap_or(root);
        let prefix = match relative(dir, root) {
            Some(rel) if !rel.is_empty() => format!("{rel}/"),
            _ => String::new(),
        };
        Checkout {
            dir: dir.to_path_buf(),
            prefix,
        }
    }

    /// A plain rendering context for the scan: no color, no statistics.
    fn render_context<'a>(&'a self, scan: &'a run::Scan, cwd: &'a Path) -> RenderContext<'a> {
        RenderContext {
            report: &scan.report,
            registry: &scan.registry,
            rules: &scan.rules,
            sources: scan.sources.as_ref(),
            checkout: &self.dir,
            checkout_prefix: &self.prefix,
            color: false,
            statistics: false,
            quiet: false,
            root: &scan.root,
            cwd,
            max_annotations: scan.config.max_annotations,
            execution_successful: true,
        }
    }
}

/// Write to stdout; a closed pipe (`doctrine check | head`) is not an error.
fn print(text: &str) -> Result<ExitCode, UserError> {
    let mut stdout = std::io::stdout().lock();
    match stdout
        .write_all(text.as_bytes())
        .and_then(|_| stdout.flush())
    {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => Err(UserError::Io {
            context: "cannot write to standard output".into(),
            source: e,
        }),
        _ => Ok(ExitCode::SUCCESS),
    }
}

//! One analysis of a project, shared by `check`, `score`, `gate` and `report`: find the
//! project, load its configuration and rules, read git, walk and scan the files, run the
//! project checks. What the commands do with the report is theirs.

use crate::analyze::Analyzer;
use crate::cache::{self, ResultCache};
use crate::config::{CONFIG_FILE, Config, glob_set};
use crate::engine;
use crate::error::UserError;
use crate::finding::{Diagnostic, DiagnosticKind, Report};
use crate::git::{self, GitFacts, GitRequest};
use crate::project::{ProjectModel, find_root};
use crate::registry::Registry;
use crate::selection::RuleSet;
use crate::source::{DiskSources, MemorySources, SourceSet, relative};
use std::io::Read;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// What to analyse and how: the options `check` shares with the other commands.
#[derive(Debug, Default, Clone)]
pub struct ScanOptions {
    /// Files or directories; empty = the project around the current directory.
    pub paths: Vec<PathBuf>,
    pub config: Option<PathBuf>,
    pub select: Vec<String>,
    pub ignore: Vec<String>,
    pub threads: Option<usize>,
    pub stdin_filename: Option<String>,
    /// Judge the change range since this revision (its commits, its version bump).
    pub changed_since: Option<String>,
    /// Read the worktree state (HYGIENE001).
    pub require_clean: bool,
    /// Lint what is staged (git's index) instead of the worktree.
    pub staged: bool,
    /// Reuse and update the result cache (`.doctrine/cache/`) when the whole project is
    /// checked. Off by default for library callers; the CLI turns it on unless `--no-cache`.
    pub cache: bool,
}

/// The outcome of one analysis.
pub struct Scan {
    pub root: PathBuf,
    pub registry: Registry,
    pub config: Config,
    pub rules: RuleSet,
    /// Sorted findings and diagnostics (input, walk and git diagnostics included).
    pub report: Report,
    pub sources: Box<dyn SourceSet>,
    pub project: ProjectModel,
    pub git: Option<GitFacts>,
    /// Every file of the project was analysed and the project rules ran.
    pub whole_project: bool,
    /// Problems in the configuration or the project's rule files (the run exits 2); the
    /// scan used the defaults instead.
    pub input_errors: Vec<UserError>,
    /// Warnings about the options themselves and the result cache.
    pub warnings: Vec<String>,
    /// Where the run's time went.
    pub timings: RunTimings,
    /// The result cache, written while the caller renders the report.
    cache_write: CacheWrite,
}

impl Scan {
    /// Wait for the result cache to be written (`cache_save_ms` then counts it): its
    /// warning, if it could not be. A scan dropped unwaited still waits, without a word.
    pub fn finish_cache_write(&mut self) -> Option<String> {
        let (warning, took) = match self.cache_write.0.take()? {
            CacheWriting::Running(handle) => handle.join().ok()?,
            CacheWriting::Failed(why) => (Some(why), Duration::ZERO),
        };
        self.timings.cache_save_ms = ms(took);
        warning
    }
}

/// The result cache's write, on a thread of its own, if there is one to wait for.
struct CacheWrite(Option<CacheWriting>);

enum CacheWriting {
    Running(std::thread::JoinHandle<(Option<String>, Duration)>),
    Failed(String),
}

impl CacheWrite {
    const NONE: CacheWrite = CacheWrite(None);

    fn start(cache: ResultCache) -> CacheWrite {
        let spawned = std::thread::Builder::new()
            .name("doctrine-cache".into())
            .spawn(move || {
                let started = Instant::now();
                (cache.save(), started.elapsed())
            });
        CacheWrite(Some(match spawned {
            Ok(handle) => CacheWriting::Running(handle),
            Err(e) => CacheWriting::Failed(format!(
                "cannot start a thread to write the result cache ({e}); not cached"
            )),
        }))
    }
}

impl Drop for CacheWrite {
    fn drop(&mut self) {
        if let Some(CacheWriting::Running(handle)) = self.0.take() {
            let _ = handle.join();
        }
    }
}

/// The phases of a run, timed (`doctrine check --timings`, the benchmark harness).
#[derive(Debug, Clone, Copy, Default, serde::Serialize)]
pub struct RunTimings {
    /// Finding the files (the walk) and reading the configuration.
    pub discover_ms: f64,
    /// Reading git.
    pub git_ms: f64,
    /// Reading the result cache.
    pub cache_load_ms: f64,
    /// Reading, analysing (or taking from the cache) and merging every file.
    pub files_ms: f64,
    /// The project-level rules.
    pub project_ms: f64,
    /// Writing the result cache.
    pub cache_save_ms: f64,
    /// Files whose results came from the cache.
    pub cached_files: usize,
    /// Files analysed.
    pub analysed_files: usize,
    /// The project rules' results came from the cache (nothing they read changed).
    pub project_cached: bool,
}

impl Scan {
    /// A file could not be read or analysed, so findings may be missing.
    pub fn lost_findings(&self) -> bool {
        self.report
            .diagnostics
            .iter()
            .any(|d| d.kind.loses_findings())
    }

    fn root_mix(&self) -> Option<&crate::syntax::mix::MixFacts> {
        self.report
            .facts
            .mix
            .iter()
            .find(|mix| mix.path == "mix.exs")
    }

    /// The `version:` of the root `mix.exs`.
    pub fn project_version(&self) -> Option<&str> {
        self.root_mix().and_then(|mix| mix.version.as_deref())
    }

    /// The `app:` of the root `mix.exs`, else the root directory's name.
    pub fn project_name(&self) -> String {
        match self.root_mix().and_then(|mix| mix.app.clone()) {
            Some(app) => app,
            None => self.root.file_name().map_or_else(
                || self.root.display().to_string(),
                |n| n.to_string_lossy().into_owned(),
            ),
        }
    }
}

/// The project a `check` is about, from its arguments: `(root, anchor, targets)`. Each path
/// belongs to its nearest mix project; the root is the outermost of those (phoenix's
/// `installer/` lies inside phoenix), so paths in nested projects of one repository can be
/// given in any order. Every target exists inside the root; the anchor is the path the root
/// was found from (for editors, the buffer's file).
pub fn locate_project(
    opts: &ScanOptions,
    cwd: &Path,
) -> Result<(PathBuf, PathBuf, Vec<PathBuf>), UserError> {
    let targets: Vec<PathBuf> = opts.paths.iter().map(|p| normalize(&cwd.join(p))).collect();
    if let Some(missing) = opts.paths.iter().zip(&targets).find(|(_, t)| !t.exists()) {
        return Err(UserError::Usage(format!(
            "{}: no such file or directory",
            missing.0.display()
        )));
    }
    let anchors: Vec<PathBuf> = match &opts.stdin_filename {
        Some(name) => vec![normalize(&cwd.join(name))],
        None if targets.is_empty() => vec![cwd.to_path_buf()],
        None => targets.clone(),
    };
    let root_of = |anchor: &Path| {
        let root = find_root(anchor).unwrap_or_else(|| {
            if anchor.is_dir() {
                anchor.to_path_buf()
            } else {
                cwd.to_path_buf()
            }
        });
        normalize(&std::path::absolute(&root).unwrap_or(root))
    };
    let roots: Vec<PathBuf> = anchors.iter().map(|a| root_of(a)).collect();
    let root = roots
        .iter()
        .find(|candidate| roots.iter().all(|r| r.starts_with(candidate)))
        .cloned()
        .unwrap_or_else(|| roots[0].clone());
    if let Some(outside) = opts
        .paths
        .iter()
        .zip(&targets)
        .find(|(_, t)| !t.starts_with(&root))
    {
        return Err(UserError::Usage(format!(
            "{} is outside the project at {}; check one project per run",
            outside.0.display(),
            root.display()
        )));
    }
    Ok((root, anchors[0].clone(), targets))
}

/// `path` with `.` and `..` resolved lexically (symlinks are not followed), so that
/// `lib/../lib/a.ex` is `lib/a.ex` and `lib/../../other` is outside the project.
fn normalize(path: &Path) -> PathBuf {
    use std::path::Component;
    let mut out = PathBuf::new();
    for component in path.components() {
        match component {
            Component::CurDir => {}
            Component::ParentDir => {
                if !out.pop() {
                    out.push(component);
                }
            }
            other => out.push(other),
        }
    }
    out
}

/// The files to analyse: standard input under the anchor's name, or the walk of the targets.
fn read_sources(
    opts: &ScanOptions,
    config: &Config,
    root: &Path,
    anchor: &Path,
    targets: &[PathBuf],
) -> Result<(Box<dyn SourceSet>, Vec<Diagnostic>), UserError> {
    Ok(match &opts.stdin_filename {
        Some(name) => {
            // Bounded like any file: an editor buffer of hundreds of MB is not source.
            let mut content = Vec::new();
            std::io::stdin()
                .take(config.max_file_size + 1)
                .read_to_end(&mut content)
                .map_err(|source| UserError::Io {
                    context: "cannot read standard input".into(),
                    source,
                })?;
            let rel = relative(root, anchor).unwrap_or_else(|| name.replace('\\', "/"));
            if content.len() as u64 > config.max_file_size {
                let too_large = Diagnostic {
                    path: rel,
                    kind: DiagnosticKind::TooLarge,
                    line: None,
                    message: format!(
                        "standard input is over the {} byte limit (`files.max_file_size`); skipped",
                        config.max_file_size
                    ),
                };
                return Ok((Box::new(MemorySources::new(Vec::new())), vec![too_large]));
            }
            (
                Box::new(MemorySources::new(vec![(rel, content)])),
                Vec::new(),
            )
        }
        None => {
            let (disk, diagnostics) = DiskSources::discover(
                root,
                targets,
                &glob_set(&config.exclude),
                config.max_file_size,
            );
            (Box::new(disk), diagnostics)
        }
    })
}

/// Analyse the project `opts` describe. A broken configuration or rule file does not stop
/// it: the scan goes on with the defaults and returns the errors (`Scan::input_errors`).
pub fn scan(opts: &ScanOptions, cwd: &Path, mut registry: Registry) -> Result<Scan, UserError> {
    let started = Instant::now();
    let mut timings = RunTimings::default();
    let (root, anchor, targets) = locate_project(opts, cwd)?;
    // A broken rule file or configuration is reported, the run goes on without it (rule
    // file) or with the defaults (configuration), and the exit code is 2 whatever is found.
    let mut input_errors =
        registry.load_user_rules(&root.join(".doctrine/rules"), ".doctrine/rules");

    let config_path = match &opts.config {
        Some(path) => cwd.join(path),
        None => root.join(CONFIG_FILE),
    };
    // Name the file as the user would reach it from where they are.
    let config_display =
        relative(cwd, &config_path).unwrap_or_else(|| config_path.display().to_string());
    if opts.config.is_some() && !config_path.is_file() {
        return Err(UserError::Usage(format!(
            "config file {} does not exist",
            config_path.display()
        )));
    }
    let config = Config::load(&config_path, &config_display, &registry).unwrap_or_else(|e| {
        input_errors.extend(e);
        Config::default()
    });
    // Reports (JSON, SARIF, GitHub) name the file relative to the project root.
    let config_in_project = relative(&root, &config_path);
    let input_diagnostics: Vec<Diagnostic> = input_errors
        .iter()
        .map(|e| {
            let mut d = e.diagnostic();
            if d.path == config_display
                && let Some(rel) = &config_in_project
            {
                d.path = rel.clone();
            }
            d
        })
        .collect();
    let rules = RuleSet::new(&registry, &config, &opts.select, &opts.ignore)?;
    let analyzer = Analyzer::new(&registry, &rules)?;

    let mut warnings = Vec::new();
    let threads = match opts.threads {
        Some(requested) => {
            let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
            let cap = (cores * 4).max(8);
            if requested > cap {
                warnings.push(format!(
                    "--threads {requested} is more than 4× the {cores} CPU(s); using {cap}"
                ));
            }
            requested.min(cap)
        }
        None => 0,
    };
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .map_err(|e| UserError::Usage(format!("cannot start {threads} threads: {e}")))?;

    if opts.staged {
        let project = ProjectModel::discover(&root);
        let staged = crate::staged::read(&root, config.max_file_size)
            .map_err(|why| UserError::Usage(format!("--staged: {why}")))?;
        let (mut report, sources) =
            pool.install(|| scan_staged(&staged, &analyzer, &project, &registry, &rules));
        report.diagnostics.extend(input_diagnostics);
        report.sort();
        return Ok(Scan {
            root,
            registry,
            config,
            rules,
            report,
            sources: Box::new(sources),
            project,
            git: None,
            whole_project: false,
            input_errors,
            warnings,
            timings,
            cache_write: CacheWrite::NONE,
        });
    }
    // Project-level rules judge the whole project, so they run only when it is all checked.
    let whole_project = opts.stdin_filename.is_none() && targets.iter().all(|t| *t == root);
    // The repository and the result cache are read on their own threads while the walk
    // (one thread) runs.
    let git_reader = (whole_project || opts.changed_since.is_some()).then(|| {
        let request = GitRequest {
            changed_since: opts.changed_since.clone(),
            status: opts.require_clean,
        };
        let root = root.clone();
        Background::start(move || git::read(&root, &request))
    });
    let cache_reader = (opts.cache && whole_project).then(|| {
        let key = cache::key(&registry, &config, &opts.select, &opts.ignore);
        let root = root.clone();
        Background::start(move || ResultCache::open(&root, &key))
    });
    let (sources, walk_diagnostics) = read_sources(opts, &config, &root, &anchor, &targets)?;
    timings.discover_ms = ms(started.elapsed());
    // The walk of a whole-project run saw every `mix.exs` (an excluded one does not matter:
    // its files are not scanned).
    let project = if whole_project {
        let mix_files = sources.paths().iter().filter(|p| p.ends_with("/mix.exs"));
        ProjectModel::discover_with(&root, mix_files.cloned())
    } else {
        ProjectModel::discover(&root)
    };
    // A partial run still needs the facts only the whole project has (its behaviours).
    let context = (!whole_project).then(|| {
        DiskSources::discover(&root, &[], &glob_set(&config.exclude), config.max_file_size).0
    });
    let (git, git_notes) = match git_reader.map(Background::finish) {
        Some(Ok((read, took))) => {
            timings.git_ms = ms(took);
            read
        }
        Some(Err(reason)) => (
            None,
            vec![format!(
                "internal error while reading the git repository ({reason}); the git rules \
                 were skipped"
            )],
        ),
        None => (None, Vec::new()),
    };
    let range = git.as_ref().and_then(|g| g.range.as_ref());
    if let Some(base) = &opts.changed_since
        && range.is_none()
    {
        let why = git_notes.first().cloned().unwrap_or_default();
        return Err(UserError::Usage(format!("--changed-since {base}: {why}")));
    }
    let cache = match cache_reader.map(Background::finish) {
        Some(Ok(((cache, warning), took))) => {
            timings.cache_load_ms = ms(took);
            warnings.extend(warning);
            Some(cache)
        }
        Some(Err(reason)) => {
            warnings.push(format!(
                "internal error while reading the result cache ({reason}); not used"
            ));
            None
        }
        None => None,
    };
    let coverage = if whole_project {
        engine::Coverage::Project {
            git: git.as_ref(),
            cache: cache.as_ref(),
        }
    } else {
        engine::Coverage::Files
    };
    let mut report = pool.install(|| {
        engine::run(
            &analyzer,
            sources.as_ref(),
            &project,
            coverage,
            &registry,
            &rules,
            context.as_ref().map(|c| c as &dyn SourceSet),
        )
    });
    timings.files_ms = ms(report.timings.files);
    timings.project_ms = ms(report.timings.project);
    // Written while the caller renders the report (`Scan::finish_cache_write`).
    let cache_write = match cache {
        Some(cache) => {
            (timings.cached_files, timings.analysed_files) = cache.counts();
            timings.project_cached = !cache.project_recomputed();
            CacheWrite::start(cache)
        }
        None => CacheWrite::NONE,
    };
    report.diagnostics.extend(walk_diagnostics);
    report.diagnostics.extend(input_diagnostics);
    if whole_project {
        report
            .diagnostics
            .extend(git_notes.into_iter().map(|message| Diagnostic {
                path: "./".into(),
                kind: DiagnosticKind::Git,
                line: None,
                message,
            }));
    }
    report.sort();
    Ok(Scan {
        root,
        registry,
        config,
        rules,
        report,
        sources,
        project,
        git,
        whole_project,
        input_errors,
        warnings,
        timings,
        cache_write,
    })
}

/// Work done on its own thread, timed there.
struct Background<T>(std::thread::JoinHandle<(T, Duration)>);

impl<T: Send + 'static> Background<T> {
    fn start(work: impl FnOnce() -> T + Send + 'static) -> Background<T> {
        Background(std::thread::spawn(move || {
            let started = Instant::now();
            let done = work();
            (done, started.elapsed())
        }))
    }

    /// Its result and how long it took, or why it panicked (a bug in doctrine).
    fn finish(self) -> Result<(T, Duration), String> {
        self.0
            .join()
            .map_err(|panic| engine::panic_reason(panic.as_ref()))
    }
}

fn ms(duration: Duration) -> f64 {
    duration.as_secs_f64() * 1000.0
}

/// The staged files, with the facts of the rest of the index and the project rules they
/// bring in; findings kept are those in staged files and those of the project rules.
fn scan_staged(
    staged: &crate::staged::Staged,
    analyzer: &Analyzer,
    project: &ProjectModel,
    registry: &Registry,
    rules: &RuleSet,
) -> (Report, crate::source::MemorySources) {
    let touched = crate::staged::touched_project_rules(&staged.changed);
    let selected = |rule: usize| {
        let def = &registry.rules[rule].def;
        touched.iter().any(|s| *s == def.id || *s == def.pillar)
    };
    let project_rules = rules.restricted(selected);
    // DEPS reads the mix facts, which come from scanning every `mix.exs`.
    let mut scanned = staged.changed.clone();
    if touched.iter().any(|s| s == "DEPS") {
        scanned.extend(
            staged
                .index
                .paths()
                .iter()
                .filter(|p| *p == "mix.exs" || p.ends_with("/mix.exs"))
                .cloned(),
        );
    }
    let (sources, diagnostics) = staged.index.subset(&scanned);
    let git = GitFacts {
        tracked: staged.index.tracked(),
        ..GitFacts::default()
    };
    let mut report = engine::run(
        analyzer,
        &sources,
        project,
        engine::Coverage::Touched {
            git: Some(&git),
            rules: &project_rules,
            project: &staged.index,
        },
        registry,
        rules,
        Some(&staged.index),
    );
    report.diagnostics.extend(diagnostics);
    let project_rule = |rule: &str| {
        registry
            .position(rule)
            .is_some_and(|i| selected(i) && registry.rules[i].def.id != "HYGIENE002")
    };
    report
        .findings
        .retain(|f| staged.changed.contains(&f.path) || project_rule(&f.rule));
    report
        .diagnostics
        .retain(|d| staged.changed.contains(&d.path) || !d.kind.concerns_a_file());
    (report, sources)
}

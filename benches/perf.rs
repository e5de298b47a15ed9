//! The performance harness: what `doctrine check` costs against the floor of its work, a
//! tree-sitter parse of every file.
//!
//! ```text
//! cargo bench --bench perf -- DIR                 a real project
//! cargo bench --bench perf -- --synthetic 2000    a generated one (doctrine::synth)
//! cargo bench --bench perf -- --scaling 1000      generated at 1×, 4× and 16× that size
//! cargo bench --bench perf -- --smoke             a quick run for CI: correctness only
//! options: --threads N (default: every CPU), --rounds N (default 5), --keep DIR
//! ```
//!
//! For each project it reports the files and bytes, the bare parse (read and parse every
//! Elixir file that `check` finds, on the same number of threads, same parser), the cold
//! `doctrine check` (release binary, a first run: empty cache, which it writes; best of the
//! rounds, alternating with the parse) with its ratio to the
//! parse, its peak memory (the child's maximum resident set) and the time of its project
//! phase, then the warm check (cache on, nothing changed) and, for a generated project, the
//! check after one file changed, and the cold check on one thread against all of them.
//!
//! Times are wall-clock and this machine is shared: the harness never asserts on them. The
//! smoke mode checks what must hold whatever the timing: a warm run reports byte for byte
//! what a cold one does, and one changed file is the only one analysed again.

use doctrine::source::{DiskSources, SourceSet, is_elixir};
use rayon::prelude::*;
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const BIN: &str = env!("CARGO_BIN_EXE_doctrine");

struct Options {
    target: Target,
    threads: usize,
    rounds: usize,
    keep: Option<PathBuf>,
}

enum Target {
    Dir(PathBuf),
    Synthetic(usize),
    Scaling(usize),
    Smoke,
}

/// `perf --bare-parse LIST THREADS`: the bare parse, as a child process of its own. The check
/// runs as a fresh process (a cold heap, cold caches, its threads started); the parse it is
/// measured against starts the same way, so neither gets the other's warm-up.
const BARE_PARSE: &str = "--bare-parse";

fn main() {
    let args: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| a != "--bench")
        .collect();
    if let [flag, list, threads] = args.as_slice()
        && flag == BARE_PARSE
    {
        bare_parse_child(Path::new(list), threads.parse().expect("a thread count"));
        return;
    }
    let options = match parse_args(args.into_iter()) {
        Ok(options) => options,
        Err(why) => {
            eprintln!(
                "perf: {why}\nusage: cargo bench --bench perf -- [--synthetic N | --scaling N | --smoke | DIR] [--threads N] [--rounds N] [--keep DIR]"
            );
            std::process::exit(2);
        }
    };
    let failures = match &options.target {
        Target::Dir(dir) => {
            let m = measure(dir, &options, false);
            print_project(&m);
            m.failures
        }
        Target::Synthetic(files) => {
            let m = synthetic(*files, &options);
            m.failures
        }
        Target::Scaling(base) => scaling(*base, &options),
        Target::Smoke => {
            let smoke = Options {
                rounds: 1,
                ..options
            };
            synthetic(200, &smoke).failures
        }
    };
    if !failures.is_empty() {
        for failure in &failures {
            eprintln!("FAILED: {failure}");
        }
        std::process::exit(1);
    }
}

fn parse_args(args: impl Iterator<Item = String>) -> Result<Options, String> {
    let mut options = Options {
        target: Target::Dir(Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures")),
        threads: std::thread::available_parallelism().map_or(1, |n| n.get()),
        rounds: 5,
        keep: None,
    };
    let mut args = args.peekable();
    let number = |value: Option<String>, flag: &str| -> Result<usize, String> {
        value
            .and_then(|v| v.parse().ok())
            .filter(|n| *n > 0)
            .ok_or_else(|| format!("{flag} needs a positive number"))
    };
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--synthetic" => options.target = Target::Synthetic(number(args.next(), &arg)?),
            "--scaling" => options.target = Target::Scaling(number(args.next(), &arg)?),
            "--smoke" => options.target = Target::Smoke,
            "--threads" => options.threads = number(args.next(), &arg)?,
            "--rounds" => options.rounds = number(args.next(), &arg)?,
            "--keep" => options.keep = Some(args.next().ok_or("--keep needs a directory")?.into()),
            flag if flag.starts_with('-') => return Err(format!("unknown option {flag}")),
            dir => options.target = Target::Dir(dir.into()),
        }
    }
    Ok(options)
}

/// What one project costs.
struct Measured {
    dir: PathBuf,
    elixir_files: usize,
    other_files: usize,
    bytes: u64,
    threads: usize,
    parse: Duration,
    /// The bare parse's CPU time (user and system, every thread) in its fastest round.
    parse_cpu: Duration,
    /// The same parse inside this process, warmed up by the rounds before: for reference.
    warm_parse: Duration,
    cold: Check,
    /// Each round's cold check over the parse just before it: the median of these ratios
    /// pairs runs made moments apart, so a slow spell of the machine falls on both.
    paired_wall: f64,
    /// The same, in CPU time: what the work costs, whatever the scheduler does.
    paired_cpu: f64,
    warm: Check,
    changed: Option<Check>,
    one_thread: Option<Check>,
    failures: Vec<String>,
}

/// One `doctrine check` run as a child process.
#[derive(Clone)]
struct Check {
    wall: Duration,
    /// User and system time of the child.
    cpu: Duration,
    peak_kib: u64,
    timings: Value,
    stdout: Vec<u8>,
}

impl Check {
    fn ms(&self, phase: &str) -> f64 {
        self.timings[phase].as_f64().unwrap_or(0.0)
    }

    fn count(&self, what: &str) -> u64 {
        self.timings[what].as_u64().unwrap_or(0)
    }
}

fn measure(dir: &Path, options: &Options, change_one_file: bool) -> Measured {
    // The files `check` reads, under its default size limit.
    let max_file_size = doctrine::config::Config::default().max_file_size;
    let (sources, _) = DiskSources::discover(dir, &[], &globset::GlobSet::empty(), max_file_size);
    let elixir: Vec<&String> = sources.paths().iter().filter(|p| is_elixir(p)).collect();
    let bytes = elixir
        .iter()
        .map(|p| std::fs::metadata(dir.join(p)).map_or(0, |m| m.len()))
        .sum();
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(options.threads)
        .build()
        .expect("a thread pool");
    doctrine::syntax::parse::disable_deadline();
    let absolute: Vec<String> = elixir
        .iter()
        .map(|p| dir.join(p).to_string_lossy().into_owned())
        .collect();
    let warm_parse = || {
        let started = Instant::now();
        pool.install(|| parse_each(&absolute));
        started.elapsed()
    };
    let list = tempfile::NamedTempFile::new().expect("a temporary file");
    std::fs::write(list.path(), absolute.join("\n")).expect("write the file list");
    // (wall, CPU) of one parse of every file, in a fresh process (reaped by `wait_for_usage`).
    #[allow(clippy::zombie_processes)]
    let bare_parse = || {
        let started = Instant::now();
        let child = Command::new(std::env::current_exe().expect("this benchmark's path"))
            .arg(BARE_PARSE)
            .arg(list.path())
            .arg(options.threads.to_string())
            .spawn()
            .expect("the bare parse starts");
        let (_, cpu) = wait_for_usage(child.id());
        (started.elapsed(), cpu)
    };

    let threads = options.threads.to_string();
    let cold_args = ["--no-cache", "--threads", &threads];
    let cache_args = ["--threads", &threads];
    // A cold run is a first run: an empty cache, which it writes. The parse and the cold
    // check alternate, so a busy moment of the machine falls on both alike.
    let (mut parse, mut parse_cpu) = (Duration::MAX, Duration::MAX);
    let mut in_process = Duration::MAX;
    let mut cold: Option<Check> = None;
    let (mut wall_ratios, mut cpu_ratios) = (Vec::new(), Vec::new());
    for _ in 0..options.rounds {
        in_process = in_process.min(warm_parse());
        let (wall, cpu) = bare_parse();
        parse = parse.min(wall);
        parse_cpu = parse_cpu.min(cpu);
        clean_cache(dir);
        let run = check(dir, &cache_args);
        wall_ratios.push(run.wall.as_secs_f64() / wall.as_secs_f64());
        cpu_ratios.push(run.cpu.as_secs_f64() / cpu.as_secs_f64().max(1e-9));
        if cold.as_ref().is_none_or(|c| run.wall < c.wall) {
            cold = Some(run);
        }
    }
    let cold = cold.expect("at least one round");
    let uncached = check(dir, &cold_args);
    let warm = best_check(dir, &cache_args, options.rounds);
    let mut failures = Vec::new();
    if warm.stdout != uncached.stdout || cold.stdout != uncached.stdout {
        failures.push(format!(
            "{}: the cached runs' output differs from the uncached run's",
            dir.display()
        ));
    }
    if warm.count("analysed_files") != 0 {
        failures.push(format!(
            "{}: a warm run analysed {} file(s) again",
            dir.display(),
            warm.count("analysed_files")
        ));
    }
    let lib_files: Vec<&&String> = elixir
        .iter()
        .filter(|p| p.starts_with("lib/") && p.ends_with(".ex"))
        .collect();
    let edited = lib_files.get(lib_files.len() / 2).map(|p| dir.join(p));
    let changed = edited.filter(|_| change_one_file).map(|edited| {
        let runs: Vec<Check> = (0..options.rounds)
            .map(|round| {
                touch_one_file(&edited, round);
                check(dir, &cache_args)
            })
            .collect();
        for run in &runs {
            if run.count("analysed_files") != 1 {
                failures.push(format!(
                    "{}: after one file changed, {} file(s) were analysed",
                    dir.display(),
                    run.count("analysed_files")
                ));
            }
        }
        let last = runs.last().expect("at least one round");
        if last.stdout != check(dir, &cold_args).stdout {
            failures.push(format!(
                "{}: after a change, the cached run's output differs from the uncached run's",
                dir.display()
            ));
        }
        runs.into_iter()
            .min_by_key(|r| r.wall)
            .expect("at least one round")
    });
    // Like the cold runs: first runs, each writing the cache.
    let one_thread = (options.threads > 1).then(|| {
        (0..options.rounds)
            .map(|_| {
                clean_cache(dir);
                check(dir, &["--threads", "1"])
            })
            .min_by_key(|c| c.wall)
            .expect("at least one round")
    });
    Measured {
        dir: dir.to_path_buf(),
        elixir_files: elixir.len(),
        other_files: sources.text_paths().len(),
        bytes,
        threads: options.threads,
        parse,
        parse_cpu,
        warm_parse: in_process,
        cold,
        paired_wall: median(wall_ratios),
        paired_cpu: median(cpu_ratios),
        warm,
        changed,
        one_thread,
        failures,
    }
}

/// Change one file the way an edit does (a new function before its last `end`), differently
/// each round so every round has something new to analyse.
fn touch_one_file(file: &Path, round: usize) {
    let mut text = std::fs::read_to_string(file).expect("a generated file");
    let at = text.rfind("end").expect("a module's end");
    text.insert_str(at, &format!("\n  def edited_{round}, do: {round}\n"));
    std::fs::write(file, text).expect("write the edit");
}

fn synthetic(files: usize, options: &Options) -> Measured {
    let temp = tempfile::tempdir().expect("a temporary directory");
    let dir = options
        .keep
        .clone()
        .unwrap_or_else(|| temp.path().join("shop"));
    let started = Instant::now();
    let summary = doctrine::synth::generate(&dir, files).expect("generate the project");
    println!(
        "generated {} Elixir and {} other files ({:.1} MiB) in {:.0} ms under {}",
        summary.elixir_files,
        summary.other_files,
        summary.bytes as f64 / 1048576.0,
        started.elapsed().as_secs_f64() * 1000.0,
        dir.display()
    );
    let m = measure(&dir, options, true);
    print_project(&m);
    m
}

fn scaling(base: usize, options: &Options) -> Vec<String> {
    let mut failures = Vec::new();
    let mut rows = Vec::new();
    for factor in [1, 4, 16] {
        let m = synthetic(base * factor, options);
        rows.push((
            factor,
            m.elixir_files,
            m.parse,
            m.cold.wall,
            m.cold.peak_kib,
        ));
        failures.extend(m.failures);
    }
    println!("\nscaling ({} threads)", options.threads);
    println!("  size   files   parse ms   check ms   µs/file   peak MiB");
    for (factor, files, parse, cold, peak) in rows {
        println!(
            "  {factor:>3}×  {files:>6}  {:>9.1}  {:>9.1}  {:>8.1}  {:>9.1}",
            ms(parse),
            ms(cold),
            cold.as_secs_f64() * 1e6 / files as f64,
            peak as f64 / 1024.0
        );
    }
    failures
}

fn print_project(m: &Measured) {
    let cold = ms(m.cold.wall);
    println!("\nproject            {}", m.dir.display());
    println!(
        "files              {} Elixir ({:.1} MiB), {} other text files",
        m.elixir_files,
        m.bytes as f64 / 1048576.0,
        m.other_files
    );
    println!("threads            {}", m.threads);
    println!(
        "bare parse         {:>8.1} ms   CPU {:.1} ms   (a fresh process, as the check is)",
        ms(m.parse),
        ms(m.parse_cpu)
    );
    println!(
        "  in this process  {:>8.1} ms   (warm, for reference)",
        ms(m.warm_parse)
    );
    println!(
        "cold check         {cold:>8.1} ms   {:.2}× the parse   peak {:.1} MiB",
        cold / ms(m.parse),
        m.cold.peak_kib as f64 / 1024.0
    );
    println!(
        "  paired rounds    median {:.2}× the parse in wall time, {:.2}× in CPU time",
        m.paired_wall, m.paired_cpu
    );
    println!(
        "  phases           walk {:.1} · git {:.1} · files {:.1} · project rules {:.1} ms",
        m.cold.ms("discover_ms"),
        m.cold.ms("git_ms"),
        m.cold.ms("files_ms"),
        m.cold.ms("project_ms")
    );
    println!(
        "warm check         {:>8.1} ms   {:.1}% of cold   ({} files from the cache)",
        ms(m.warm.wall),
        100.0 * ms(m.warm.wall) / cold,
        m.warm.count("cached_files")
    );
    if let Some(changed) = &m.changed {
        println!(
            "one file changed   {:>8.1} ms   {:.1}% of cold   (project rules {})",
            ms(changed.wall),
            100.0 * ms(changed.wall) / cold,
            if changed.timings["project_cached"] == true {
                "cached"
            } else {
                "ran again"
            }
        );
    }
    if let Some(one) = &m.one_thread {
        println!(
            "cold, 1 thread     {:>8.1} ms   {} threads are {:.2}× faster",
            ms(one.wall),
            m.threads,
            one.wall.as_secs_f64() / m.cold.wall.as_secs_f64()
        );
    }
}

fn clean_cache(dir: &Path) {
    let _ = Command::new(BIN)
        .args(["cache", "clean"])
        .arg(dir)
        .stdout(Stdio::null())
        .status();
}

/// The fastest of `rounds` checks.
fn best_check(dir: &Path, args: &[&str], rounds: usize) -> Check {
    (0..rounds)
        .map(|_| check(dir, args))
        .min_by_key(|c| c.wall)
        .expect("at least one round")
}

/// `doctrine check --format json --timings ARGS DIR`, with its wall time and peak memory.
// The child is reaped by `wait_for_peak` (wait4), not by `Child::wait`.
#[allow(clippy::zombie_processes)]
fn check(dir: &Path, args: &[&str]) -> Check {
    use std::io::Read;
    let started = Instant::now();
    let mut child = Command::new(BIN)
        .args(["check", "--format", "json", "--timings", "--exit-zero"])
        .args(args)
        .arg(dir)
        .env_remove("DOCTRINE_NO_CACHE")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the doctrine binary starts");
    let (mut out, mut err) = (child.stdout.take().unwrap(), child.stderr.take().unwrap());
    let (stdout, stderr, (peak_kib, cpu)) = std::thread::scope(|s| {
        let out = s.spawn(move || {
            let mut buf = Vec::new();
            out.read_to_end(&mut buf).map(|_| buf)
        });
        let err = s.spawn(move || {
            let mut buf = Vec::new();
            err.read_to_end(&mut buf).map(|_| buf)
        });
        let usage = wait_for_usage(child.id());
        (
            out.join().unwrap().expect("stdout"),
            err.join().unwrap().expect("stderr"),
            usage,
        )
    });
    let wall = started.elapsed();
    let stderr = String::from_utf8_lossy(&stderr);
    let timings = stderr
        .lines()
        .find_map(|l| l.strip_prefix("doctrine timings: "))
        .and_then(|json| serde_json::from_str(json).ok())
        .unwrap_or_else(|| {
            panic!(
                "doctrine check {args:?} {} failed:\n{stderr}",
                dir.display()
            )
        });
    Check {
        wall,
        cpu,
        peak_kib,
        timings,
        stdout,
    }
}

/// Read and parse each file named in `list` once, on `threads` threads.
fn bare_parse_child(list: &Path, threads: usize) {
    doctrine::syntax::parse::disable_deadline();
    let list = std::fs::read_to_string(list).expect("the file list");
    let files: Vec<&str> = list.lines().collect();
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .expect("a thread pool");
    pool.install(|| parse_each(&files));
}

/// Read and parse each file once, on the current thread pool: the floor of a cold run.
/// Read and parse every file, scheduled as the check schedules its files (a `stat` of each,
/// then the largest first, one at a time), so the floor is not held back by a schedule the
/// check does not have.
fn parse_each(files: &[impl AsRef<Path> + Sync]) {
    let sizes: Vec<u64> = files
        .par_iter()
        .map(|path| std::fs::metadata(path).map_or(0, |m| m.len()))
        .collect();
    let mut order: Vec<usize> = (0..files.len()).collect();
    order.sort_by_key(|&i| (std::cmp::Reverse(sizes[i]), i));
    order.into_iter().par_bridge().for_each(|i| {
        let bytes = std::fs::read(&files[i]).unwrap_or_default();
        let text = String::from_utf8_lossy(&bytes);
        let _ = std::hint::black_box(doctrine::syntax::parse::parse(&text));
    })
}

/// Wait for the child `pid` and return its peak resident memory in KiB and its CPU time,
/// as the kernel counted them (`wait4`'s `ru_maxrss`, `ru_utime` and `ru_stime`).
fn wait_for_usage(pid: u32) -> (u64, Duration) {
    let mut status = 0;
    // SAFETY: `rusage` is plain data that wait4 fills in; `pid` is our own child, reaped
    // only here (the `Child` handle is never waited on).
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    let reaped = unsafe { libc::wait4(pid as libc::pid_t, &mut status, 0, &mut usage) };
    assert_eq!(reaped, pid as libc::pid_t, "wait4 on the doctrine child");
    (usage.ru_maxrss.max(0) as u64, cpu_time(&usage))
}

fn cpu_time(usage: &libc::rusage) -> Duration {
    let time = |t: libc::timeval| {
        Duration::from_secs(t.tv_sec.max(0) as u64) + Duration::from_micros(t.tv_usec.max(0) as u64)
    };
    time(usage.ru_utime) + time(usage.ru_stime)
}

fn median(mut values: Vec<f64>) -> f64 {
    values.sort_by(f64::total_cmp);
    match values.len() {
        0 => f64::NAN,
        n if n % 2 == 1 => values[n / 2],
        n => (values[n / 2 - 1] + values[n / 2]) / 2.0,
    }
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

//! Running the `doctrine` binary from integration tests, with a hang guard, and writing the
//! files of temporary projects.

use serde_json::Value;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const BIN: &str = env!("CARGO_BIN_EXE_doctrine");
/// A run that takes longer than this is a hang (a symlink loop followed forever, a parser
/// stuck on deep nesting).
const TIMEOUT: Duration = Duration::from_secs(120);

#[derive(Debug)]
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.stdout)
            .unwrap_or_else(|e| panic!("stdout is not JSON ({e}):\n{}", self.stdout))
    }

    /// No panic, no crash by signal.
    pub fn assert_no_crash(&self) {
        assert!(
            self.code != 101 && self.code >= 0 && !self.stderr.contains("panicked at"),
            "doctrine crashed (exit {}):\n{}",
            self.code,
            self.stderr
        );
    }
}

pub fn manifest_dir() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

pub fn fixture(name: &str) -> PathBuf {
    manifest_dir().join("fixtures").join(name)
}

pub fn doctrine(cwd: &Path, args: &[&str]) -> Run {
    doctrine_with_stdin(cwd, args, None)
}

/// Run the binary in `cwd`, feeding `stdin` if given, with a hang guard. The environment is
/// cleaned of variables that change the output (colors, backtraces). The result cache is
/// off: the fixtures are only read.
pub fn doctrine_with_stdin(cwd: &Path, args: &[&str], stdin: Option<&[u8]>) -> Run {
    spawn(cwd, args, stdin, false)
}

/// `doctrine` with the result cache on, as a user runs it.
pub fn doctrine_cached(cwd: &Path, args: &[&str]) -> Run {
    spawn(cwd, args, None, true)
}

fn spawn(cwd: &Path, args: &[&str], stdin: Option<&[u8]>, cache: bool) -> Run {
    let mut command = Command::new(BIN);
    if cache {
        command.env_remove("DOCTRINE_NO_CACHE");
    } else {
        command.env("DOCTRINE_NO_CACHE", "1");
    }
    let mut child = command
        .args(args)
        .current_dir(cwd)
        .env_remove("NO_COLOR")
        .env_remove("FORCE_COLOR")
        .env_remove("CLICOLOR_FORCE")
        .env_remove("RUST_BACKTRACE")
        .env_remove("RUST_LOG")
        .stdin(if stdin.is_some() {
            Stdio::piped()
        } else {
            Stdio::null()
        })
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the doctrine binary starts");
    if let Some(input) = stdin {
        let mut pipe = child.stdin.take().expect("stdin is piped");
        pipe.write_all(input).expect("write stdin");
    }
    let mut out = child.stdout.take().expect("stdout is piped");
    let mut err = child.stderr.take().expect("stderr is piped");
    let out_reader = std::thread::spawn(move || {
        let mut buf = Vec::new();
        out.read_to_end(&mut buf).map(|_| buf)
    });
    let err_reader = std::thread::spawn(move || {
        let mut buf = Vec::new();
        err.read_to_end(&mut buf).map(|_| buf)
    });
    let started = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().expect("wait for doctrine") {
            break status;
        }
        if started.elapsed() > TIMEOUT {
            let _ = child.kill();
            let _ = child.wait();
            panic!(
                "doctrine {args:?} in {} hung for {TIMEOUT:?}",
                cwd.display()
            );
        }
        std::thread::sleep(Duration::from_millis(5));
    };
    let stdout = out_reader.join().unwrap().expect("read stdout");
    let stderr = err_reader.join().unwrap().expect("read stderr");
    Run {
        code: status.code().unwrap_or(-1),
        stdout: String::from_utf8(stdout).expect("stdout is UTF-8"),
        stderr: String::from_utf8_lossy(&stderr).into_owned(),
    }
}

pub fn write(root: &Path, rel: &str, content: impl AsRef<[u8]>) {
    let path = root.join(rel);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, content).unwrap();
}

/// Whether the tests run as root (which reads files whatever their permissions).
pub fn is_root() -> bool {
    // The effective uid of this test process, without a libc dependency.
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("Uid:"))
                .and_then(|l| l.split_whitespace().nth(2).map(|uid| uid == "0"))
        })
        .unwrap_or(false)
}

/// A minimal `mix.exs` for the mix project `name` in `dir` (relative to `root`, `""` for it).
pub fn write_mix_project(root: &Path, dir: &str, name: &str) {
    let path = if dir.is_empty() {
        "mix.exs".to_string()
    } else {
        format!("{dir}/mix.exs")
    };
    write(
        root,
        &path,
        format!("defmodule {name}.MixProject do\n  use Mix.Project\nend\n"),
    );
}

/// Every finding of a JSON report as (rule, path), in report order.
pub fn rules_and_paths(report: &Value) -> Vec<(String, String)> {
    report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["rule"].as_str().unwrap().to_string(),
                f["path"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

/// Every finding of a JSON report as (rule, path, line), sorted.
pub fn located_findings(report: &Value) -> Vec<(String, String, u64)> {
    let mut found: Vec<(String, String, u64)> = report["findings"]
        .as_array()
        .expect("findings is an array")
        .iter()
        .map(|f| {
            (
                f["rule"].as_str().unwrap().to_string(),
                f["path"].as_str().unwrap().to_string(),
                f["line"].as_u64().unwrap(),
            )
        })
        .collect();
    found.sort();
    found
}

/// The `path` of every finding of a JSON report, in report order.
pub fn finding_paths(report: &Value) -> Vec<String> {
    report["findings"]
        .as_array()
        .expect("findings is an array")
        .iter()
        .map(|f| f["path"].as_str().unwrap().to_string())
        .collect()
}

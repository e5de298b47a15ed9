//! A hostile repository must not hang, exhaust memory or lose a finding: non-regular files
//! where doctrine expects text (FIFOs, devices), ignore files it reads itself, panics and
//! closed pipes. Projects are built in temp dirs; nothing large is committed.

mod common;

use common::run::{doctrine, finding_paths, write, write_mix_project};
use std::path::Path;

fn project() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    write_mix_project(root, "", "X");
    write(
        root,
        "lib/x.ex",
        "defmodule X do\n  @moduledoc false\n  def f(y), do: String.to_atom(y)\nend\n",
    );
    dir
}

#[cfg(unix)]
fn mkfifo(path: &Path) {
    let status = std::process::Command::new("mkfifo")
        .arg(path)
        .status()
        .expect("mkfifo runs");
    assert!(status.success());
}

/// Every file doctrine opens itself is checked to be regular: a FIFO in its place is
/// reported or skipped, never waited on (the runner's hang guard would fail the test).
#[cfg(unix)]
#[test]
fn fifos_where_files_are_expected_do_not_block() {
    for name in [
        ".doctrine.toml",
        "README.md",
        ".gitignore",
        "lib/.gitignore",
        ".doctrine/rules/X101.toml",
        "lib/y.ex",
    ] {
        let dir = project();
        let root = dir.path();
        std::fs::create_dir_all(root.join(name).parent().unwrap()).unwrap();
        mkfifo(&root.join(name));
        let run = doctrine(root, &["check", "--format", "concise"]);
        run.assert_no_crash();
        assert!(
            run.stdout.contains("lib/x.ex:3:") || run.stderr.contains("lib/x.ex:3:"),
            "{name}: the rest is still checked\n{}{}",
            run.stdout,
            run.stderr
        );
        match name {
            ".doctrine.toml" | ".doctrine/rules/X101.toml" => {
                assert_eq!(
                    run.code, 2,
                    "{name}: an unreadable configuration is an error"
                );
                assert!(run.stderr.contains("not a regular file"), "{}", run.stderr);
            }
            "lib/y.ex" => {
                assert_eq!(
                    run.code, 2,
                    "{name}: a source that cannot be read fails the gate"
                );
                assert!(run.stderr.contains("lib/y.ex"), "{}", run.stderr);
            }
            _ => assert_eq!(run.code, 1, "{name}: {}", run.stderr),
        }
    }
}

#[cfg(unix)]
#[test]
fn a_mix_exs_fifo_does_not_block_finding_the_project() {
    let dir = project();
    let root = dir.path();
    std::fs::create_dir_all(root.join("apps/web/lib")).unwrap();
    mkfifo(&root.join("apps/web/mix.exs"));
    let run = doctrine(root, &["check", "--format", "concise"]);
    run.assert_no_crash();
    assert!(run.stdout.contains("lib/x.ex:3:"), "{}", run.stdout);
}

#[cfg(unix)]
#[test]
fn a_config_linked_to_an_endless_device_is_refused() {
    let dir = project();
    let root = dir.path();
    std::os::unix::fs::symlink("/dev/zero", root.join(".doctrine.toml")).unwrap();
    let run = doctrine(root, &["check", "--format", "concise"]);
    run.assert_no_crash();
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("not a regular file"), "{}", run.stderr);
}

#[test]
fn ignore_files_are_honoured_with_nesting_negation_and_exclude() {
    let dir = project();
    let root = dir.path();
    std::fs::create_dir_all(root.join(".git/info")).unwrap();
    let atom = "defmodule Y do\n  @moduledoc false\n  def f(y), do: String.to_atom(y)\nend\n";
    write(root, ".gitignore", "/generated/\n*.tmp.ex\n");
    write(root, "generated/a.ex", atom);
    write(root, "lib/b.tmp.ex", atom);
    write(root, "lib/keep/.gitignore", "!*.tmp.ex\nlocal.ex\n");
    write(root, "lib/keep/c.tmp.ex", atom);
    write(root, "lib/keep/local.ex", atom);
    write(root, ".ignore", "lib/ignored_by_dot_ignore.ex\n");
    write(root, "lib/ignored_by_dot_ignore.ex", atom);
    write(root, ".git/info/exclude", "lib/excluded.ex\n");
    write(root, "lib/excluded.ex", atom);
    let run = doctrine(root, &["check", "--format", "json", "--select", "ZERO001"]);
    let paths = finding_paths(&run.json());
    assert_eq!(paths, ["lib/keep/c.tmp.ex", "lib/x.ex"], "{}", run.stderr);

    // A project in a subdirectory of the checkout honours the checkout's ignore files.
    write(root, ".gitignore", "/app/lib/skip.ex\n");
    write_mix_project(root, "app", "A");
    write(root, "app/lib/skip.ex", atom);
    write(root, "app/lib/kept.ex", atom);
    let run = doctrine(
        &root.join("app"),
        &["check", "--format", "json", "--select", "ZERO001"],
    );
    let paths = finding_paths(&run.json());
    assert_eq!(paths, ["lib/kept.ex"]);
}

#[test]
fn a_closed_stderr_or_stdout_ends_the_run_quietly() {
    let dir = project();
    let root = dir.path();
    // A warning (invalid UTF-8) is written to stderr, which is closed at once.
    write(
        root,
        "lib/bad.ex",
        b"defmodule B do\n  @moduledoc false\n  def f, do: \"\xff\"\nend\n",
    );
    for (stdout_closed, stderr_closed) in [(false, true), (true, false), (true, true)] {
        let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_doctrine"))
            .args(["check", "--format", "concise"])
            .current_dir(root)
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        let out = child.stdout.take().unwrap();
        let err = child.stderr.take().unwrap();
        let keep_out = (!stdout_closed).then_some(out);
        let keep_err = (!stderr_closed).then_some(err);
        let status = child.wait().unwrap();
        drop((keep_out, keep_err));
        assert!(
            matches!(status.code(), Some(1)),
            "stdout closed {stdout_closed}, stderr closed {stderr_closed}: {status:?}"
        );
    }
}

// ---------------------------------------------------------------------------------------------
// Output that stays linear, bounded and free of terminal escapes
// ---------------------------------------------------------------------------------------------

#[test]
fn deeply_nested_modules_give_bounded_names_and_messages() {
    let dir = project();
    let root = dir.path();
    let depth = 3_000;
    let mut src: String = (0..depth).map(|i| format!("defmodule M{i} do\n")).collect();
    src.push_str("def f(x), do: String.to_atom(x)\n");
    src.push_str(&"end\n".repeat(depth));
    write(root, "lib/nest.ex", &src);
    let run = doctrine(root, &["check", "--format", "json", "lib/nest.ex"]);
    let report = run.json();
    let findings = report["findings"].as_array().unwrap();
    assert!(!findings.is_empty());
    assert!(
        findings
            .iter()
            .all(|f| f["message"].as_str().unwrap().len() <= 410),
        "messages are bounded"
    );
    assert!(
        run.stdout.len() < 1_500_000,
        "{} bytes of JSON for {} findings",
        run.stdout.len(),
        findings.len()
    );
}

#[test]
fn a_file_with_too_many_findings_reports_a_capped_number_and_says_so() {
    let dir = project();
    let root = dir.path();
    let calls: Vec<&str> = vec!["String.to_atom(x)"; 3_000];
    write(
        root,
        "lib/gen.ex",
        format!(
            "defmodule G do\n  @moduledoc false\n  def f(x), do: [{}]\nend\n",
            calls.join(", ")
        ),
    );
    let run = doctrine(root, &["check", "--format", "json", "lib/gen.ex"]);
    let report = run.json();
    assert_eq!(report["findings"].as_array().unwrap().len(), 1_000);
    let diagnostics = report["diagnostics"].as_array().unwrap();
    assert!(
        diagnostics.iter().any(|d| d["kind"] == "too-many-findings"
            && d["message"]
                .as_str()
                .unwrap()
                .starts_with("2000 more finding(s)")),
        "{diagnostics:?}"
    );
    assert_eq!(run.code, 1, "the reported findings still block");
    // The text format renders them without reading the long line once per finding.
    let text = doctrine(root, &["check", "lib/gen.ex", "--no-color"]);
    assert_eq!(text.code, 1);
    assert!(
        text.stdout.contains("lib/gen.ex:3:"),
        "long lines fall back to plain lines"
    );
}

/// No human-readable format passes a control character from a file name, a file's content
/// or a message to the terminal.
#[cfg(unix)]
#[test]
fn file_names_and_contents_cannot_inject_terminal_escapes() {
    use std::os::unix::ffi::OsStrExt;
    let dir = project();
    let root = dir.path();
    let name = std::ffi::OsStr::from_bytes(b"lib/\x1b]0;owned\x07\x1b[2J.ex");
    let hostile = "defmodule H do\n  @moduledoc false\n  # \u{1b}[2J\u{1b}]0;title\u{7}\r\u{202e}\n  def f(x), do: String.to_atom(x) <> \"\u{1b}[31m\"\nend\n";
    std::fs::write(root.join(name), hostile).unwrap();
    write(
        root,
        "lib/bad_utf8.ex",
        b"defmodule B do\n  @moduledoc false\n  def f, do: \"\x1b[2J\xff\"\nend\n",
    );
    for format in ["text", "concise", "github"] {
        let run = doctrine(root, &["check", "--format", format, "--no-color"]);
        run.assert_no_crash();
        for (stream, text) in [("stdout", &run.stdout), ("stderr", &run.stderr)] {
            let raw: Vec<char> = text
                .chars()
                .filter(|c| (c.is_control() && *c != '\n' && *c != '\t') || *c == '\u{202e}')
                .collect();
            assert!(raw.is_empty(), "{format} {stream} holds {raw:?}:\n{text}");
        }
        assert!(
            run.stdout.contains("\\u{1b}"),
            "{format}: the name is shown escaped"
        );
    }
}

#[test]
fn snippets_show_the_text_that_was_analysed() {
    use doctrine::output::Format;
    use doctrine::source::MemorySources;
    let analysed = "defmodule A do\n  @moduledoc false\n  def f(x), do: String.to_atom(x)\nend\n";
    let mut report = doctrine::lint_str("lib/a.ex", analysed);
    assert!(report.texts.contains_key("lib/a.ex"));
    report.sort();
    // The file changed on disk after the analysis.
    let sources = MemorySources::new(vec![("lib/a.ex".into(), b"garbage\n".to_vec())]);
    let text = common::render(&report, &sources, Format::Text);
    assert!(text.contains("String.to_atom(x)"), "{text}");
    assert!(!text.contains("garbage"));
}

// ---------------------------------------------------------------------------------------------
// Limits and names
// ---------------------------------------------------------------------------------------------

#[test]
fn standard_input_is_bounded_like_any_file() {
    let dir = project();
    let root = dir.path();
    write(root, ".doctrine.toml", "[files]\nmax_file_size = 1000\n");
    let big = format!(
        "defmodule Big do\n  @moduledoc false\n{}end\n",
        "  def f(x), do: String.to_atom(x)\n".repeat(100)
    );
    let run = common::run::doctrine_with_stdin(
        root,
        &[
            "check",
            "--stdin-filename",
            "lib/big.ex",
            "--format",
            "json",
        ],
        Some(big.as_bytes()),
    );
    let report = run.json();
    assert_eq!(report["findings"].as_array().unwrap().len(), 0);
    assert_eq!(
        report["diagnostics"][0]["kind"], "too-large",
        "{}",
        run.stdout
    );
}

#[test]
fn absurd_thread_counts_are_capped_and_said_so() {
    let dir = project();
    let run = doctrine(dir.path(), &["check", "--threads", "100000", "-q"]);
    assert_eq!(run.code, 1);
    assert!(
        run.stderr.contains("--threads 100000 is more than"),
        "{}",
        run.stderr
    );
}

#[test]
fn an_unknown_query_predicate_is_rejected_at_load() {
    let dir = project();
    let root = dir.path();
    write(
        root,
        ".doctrine/rules/X101.toml",
        "id = \"X101\"\nname = \"x\"\npillar = \"NMND\"\nsummary = \"x\"\nrationale = \"x\"\n\
         query = '''((call target: (identifier) @n) @match (#frobnicate! @n \"dbg\"))'''\n\
         message = \"x\"\n[[bad]]\ncode = \"dbg(1)\"\n[[good]]\ncode = \"x\"\n",
    );
    let run = doctrine(root, &["check", "-q"]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("unknown predicate `#frobnicate!`"),
        "{}",
        run.stderr
    );
}

#[cfg(unix)]
#[test]
fn a_file_name_that_is_not_utf8_is_analysed_and_shown_byte_exact() {
    use std::os::unix::ffi::OsStrExt;
    let dir = project();
    let root = dir.path();
    let name = std::ffi::OsStr::from_bytes(b"lib/caf\xe9.ex");
    std::fs::write(
        root.join(name),
        "defmodule C do\n  @moduledoc false\n  def f(x), do: String.to_atom(x)\nend\n",
    )
    .unwrap();
    let run = doctrine(root, &["check", "--format", "concise", "-q"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(run.stdout.contains("lib/caf\\xe9.ex:3:"), "{}", run.stdout);
    assert!(!run.stderr.contains("cannot read"), "{}", run.stderr);
}

#[cfg(unix)]
#[test]
fn an_unreadable_file_fails_the_gate_unless_allowed() {
    if common::run::is_root() {
        return; // root reads every file
    }
    let dir = project();
    let root = dir.path();
    use std::os::unix::fs::PermissionsExt;
    write(root, "lib/secret.ex", "defmodule S do\nend\n");
    std::fs::set_permissions(
        root.join("lib/secret.ex"),
        std::fs::Permissions::from_mode(0o000),
    )
    .unwrap();
    let run = doctrine(root, &["check", "-q", "--select", "DOCS"]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    let run = doctrine(
        root,
        &["check", "-q", "--select", "DOCS", "--allow-unreadable"],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
}

/// A path beyond the OS limit cannot be opened (not even by root): the walk or the read
/// fails, and the run must not pass as if the file had been checked.
#[cfg(unix)]
#[test]
fn a_path_beyond_the_os_limit_fails_the_gate_unless_allowed() {
    let dir = project();
    let root = dir.path();
    // Built with `mkdirat`/`openat` from one directory to the next: no system call sees
    // the full path.
    use std::ffi::CString;
    let segment = CString::new("d".repeat(200)).unwrap();
    let lib = CString::new(root.join("lib").to_str().unwrap()).unwrap();
    // SAFETY: plain POSIX calls on descriptors this test owns; every result is checked.
    unsafe {
        let mut fd = libc::open(lib.as_ptr(), libc::O_DIRECTORY | libc::O_RDONLY);
        assert!(fd >= 0);
        for _ in 0..25 {
            assert_eq!(libc::mkdirat(fd, segment.as_ptr(), 0o755), 0);
            let next = libc::openat(fd, segment.as_ptr(), libc::O_DIRECTORY | libc::O_RDONLY);
            assert!(next >= 0);
            libc::close(fd);
            fd = next;
        }
        let name = CString::new("d.ex").unwrap();
        let file = libc::openat(fd, name.as_ptr(), libc::O_CREAT | libc::O_WRONLY, 0o644);
        assert!(file >= 0);
        let text = b"defmodule D do\nend\n";
        assert_eq!(
            libc::write(file, text.as_ptr().cast(), text.len()),
            text.len() as isize
        );
        libc::close(file);
        libc::close(fd);
    }
    let run = doctrine(root, &["check", "-q", "--select", "DOCS"]);
    run.assert_no_crash();
    assert_eq!(run.code, 2, "{}", run.stderr);
    let run = doctrine(
        root,
        &["check", "-q", "--select", "DOCS", "--allow-unreadable"],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
}

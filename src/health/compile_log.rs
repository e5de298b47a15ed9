//! Warnings and errors in the output of `mix compile`. Elixir prints `warning: …` (indented
//! since 1.15, with a source excerpt below) and `error: …` or `** (CompileError) …`; colors
//! are stripped first, as a CI log keeps them.

use super::CompileCounts;

pub fn count(log: &str) -> CompileCounts {
    let mut counts = CompileCounts::default();
    for line in log.lines() {
        let plain = strip_ansi(line);
        let text = plain.trim_start();
        if text.starts_with("warning:") {
            counts.warnings += 1;
        } else if text.starts_with("error:") || text.starts_with("** (CompileError)") {
            counts.errors += 1;
        }
    }
    counts
}

/// `line` without ANSI escape sequences (`ESC [ … letter`).
fn strip_ansi(line: &str) -> std::borrow::Cow<'_, str> {
    if !line.contains('\x1b') {
        return std::borrow::Cow::Borrowed(line);
    }
    let mut out = String::with_capacity(line.len());
    let mut chars = line.chars();
    while let Some(c) = chars.next() {
        if c == '\x1b' {
            if chars.next() == Some('[') {
                for c in chars.by_ref() {
                    if c.is_ascii_alphabetic() {
                        break;
                    }
                }
            }
        } else {
            out.push(c);
        }
    }
    std::borrow::Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_old_and_new_warning_formats_and_errors() {
        let log = "Compiling 3 files (.ex)\n\
                   warning: variable \"x\" is unused\n  lib/a.ex:3: A.f/1\n\n\
                   \x1b[33m    warning:\x1b[0m function g/0 is unused\n    │\n  5 │   defp g, do: 1\n\
                   \x20   └─ lib/b.ex:5:8: B (module)\n\
                   Generated app app\n";
        assert_eq!(
            count(log),
            CompileCounts {
                warnings: 2,
                errors: 0
            }
        );
        let failed = "    error: undefined variable \"y\"\n** (CompileError) lib/a.ex: cannot compile module A\n";
        assert_eq!(count(failed).errors, 2);
    }

    #[test]
    fn a_warning_word_inside_a_line_is_not_a_warning() {
        assert_eq!(
            count("Compiled lib/warning: ok\nthe warning: above\n").warnings,
            0
        );
    }
}

//! Errors a user can fix (bad config, bad rule file, bad arguments). They exit with code 2 and
//! point at the offending file and line.

use crate::finding::{Diagnostic, DiagnosticKind};
use miette::{NamedSource, SourceSpan};
use thiserror::Error;

#[derive(Debug, Error, miette::Diagnostic)]
pub enum UserError {
    #[error(transparent)]
    #[diagnostic(transparent)]
    InFile(Box<FileError>),
    #[error("{0}")]
    #[diagnostic(code(doctrine::usage))]
    Usage(String),
    #[error("{context}: {source}")]
    #[diagnostic(code(doctrine::io))]
    Io {
        context: String,
        source: std::io::Error,
    },
}

/// A problem at a place in a file the user wrote (`.doctrine.toml`, a rule file).
#[derive(Debug, Error, miette::Diagnostic)]
#[error("{message}")]
#[diagnostic(code(doctrine::config))]
pub struct FileError {
    message: String,
    #[source_code]
    source_code: NamedSource<String>,
    #[label("here")]
    span: Option<SourceSpan>,
    #[help]
    help: Option<String>,
}

impl FileError {
    /// Where in the file the problem is (0 when the whole file is meant).
    pub fn offset(&self) -> usize {
        self.span.map_or(0, |s| s.offset())
    }
}

impl UserError {
    pub fn in_file(
        path: &str,
        content: &str,
        span: Option<std::ops::Range<usize>>,
        message: impl Into<String>,
        help: Option<String>,
    ) -> Self {
        UserError::InFile(Box::new(FileError {
            message: message.into(),
            source_code: NamedSource::new(path, content.to_string()),
            span: span.map(|r| SourceSpan::from(r.start..r.end.max(r.start))),
            help,
        }))
    }

    /// The error as a report diagnostic (kind `config-error`), for JSON and SARIF readers.
    pub fn diagnostic(&self) -> Diagnostic {
        let (path, line) = match self {
            UserError::InFile(e) => (
                e.source_code.name().to_string(),
                e.span
                    .map(|s| line_col(e.source_code.inner(), s.offset()).0 as u32),
            ),
            _ => (String::new(), None),
        };
        let message = match self {
            UserError::InFile(e) => e.message.clone(),
            other => other.to_string(),
        };
        Diagnostic {
            path,
            kind: DiagnosticKind::ConfigError,
            line,
            message,
        }
    }

    /// One line for plain output: `path:line:col: message`.
    pub fn plain(&self) -> String {
        match self {
            UserError::InFile(e) => {
                let FileError {
                    message,
                    source_code,
                    span,
                    help,
                } = e.as_ref();
                let location = span
                    .map(|s| {
                        let (line, col) = line_col(source_code.inner(), s.offset());
                        format!(":{line}:{col}")
                    })
                    .unwrap_or_default();
                let help = help.as_ref().map(|h| format!(" ({h})")).unwrap_or_default();
                format!("{}{location}: {message}{help}", source_code.name())
            }
            other => other.to_string(),
        }
    }
}

fn line_col(content: &str, offset: usize) -> (usize, usize) {
    let before = content.get(..offset).unwrap_or(content);
    let line = before.matches('\n').count() + 1;
    let col = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, col)
}

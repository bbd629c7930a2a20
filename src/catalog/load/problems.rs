//! Problems and where they are: `Problem` (`path:line: message`) and `Findings`, what a load
//! has found so far (the problems, and every code read for the uniqueness check).

use std::fmt;
use std::ops::Range;
use std::path::{Path, PathBuf};

use super::codes::CodeSite;
use super::source::Source;
use crate::catalog::Code;

/// One mistake in the exhibit files.
#[derive(Debug, Clone, PartialEq)]
pub struct Problem {
    pub path: PathBuf,
    pub line: Option<usize>,
    pub message: String,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.line {
            Some(line) => write!(f, "{}:{}: {}", self.path.display(), line, self.message),
            None => write!(f, "{}: {}", self.path.display(), self.message),
        }
    }
}
#[derive(Default)]
pub(super) struct Findings {
    pub(super) problems: Vec<Problem>,
    /// Every code read, in load order, for the server-wide uniqueness check.
    pub(super) codes: Vec<CodeSite>,
}

impl Findings {
    pub(super) fn at(&mut self, src: &Source, span: Range<usize>, message: impl Into<String>) {
        self.problems.push(Problem {
            path: src.path.clone(),
            line: Some(src.line(span.start)),
            message: message.into(),
        });
    }

    pub(super) fn code(&mut self, src: &Source, span: Range<usize>, code: &Code, owner: String) {
        self.codes.push(CodeSite {
            code: code.clone(),
            path: src.path.clone(),
            line: src.line(span.start),
            owner,
        });
    }

    pub(super) fn file(&mut self, path: &Path, message: impl Into<String>) {
        self.problems.push(Problem {
            path: path.to_path_buf(),
            line: None,
            message: message.into(),
        });
    }
}

/// An I/O error as a person reads it: "not found" rather than "No such file or directory (os
/// error 2)".
pub(super) fn io_words(e: &std::io::Error) -> String {
    use std::io::ErrorKind;
    match e.kind() {
        ErrorKind::NotFound => "not found".into(),
        ErrorKind::PermissionDenied => {
            "permission denied (the user docent runs as may not read it)".into()
        }
        ErrorKind::IsADirectory => "is a folder, not a file".into(),
        ErrorKind::NotADirectory => "a part of the path is a file, not a folder".into(),
        ErrorKind::InvalidData => "not readable as text".into(),
        kind => kind.to_string(),
    }
}

//! Reading one TOML file with positions: its bytes decoded (with a way out for GBK and
//! UTF-16), parsed, and byte spans turned into line numbers.

use std::path::PathBuf;

use super::problems::{Findings, Problem, io_words};
use super::unknown::{self, Step};
use crate::catalog::friendly;

/// A file's text, kept to turn byte spans into line numbers.
pub(super) struct Source {
    pub(super) path: PathBuf,
    text: String,
}

impl Source {
    pub(super) fn read(path: PathBuf, report: &mut Findings) -> Option<Source> {
        let bytes = match std::fs::read(&path) {
            Ok(bytes) => bytes,
            Err(e) => {
                report.file(&path, format!("cannot read the file: {}", io_words(&e)));
                return None;
            }
        };
        match decode(bytes) {
            Ok(text) => Some(Source { path, text }),
            Err((line, message)) => {
                report.problems.push(Problem {
                    path,
                    line,
                    message,
                });
                None
            }
        }
    }

    pub(super) fn line(&self, offset: usize) -> usize {
        let end = offset.min(self.text.len());
        self.text.as_bytes()[..end]
            .iter()
            .filter(|&&b| b == b'\n')
            .count()
            + 1
    }

    /// The file read into `T`. Unknown fields do not stop the reading: each is reported (with
    /// the nearest known name) and the rest of the file is still checked.
    pub(super) fn parse<T: serde::de::DeserializeOwned>(&self, report: &mut Findings) -> Option<T> {
        let mut ignored = Vec::new();
        let parsed = toml::Deserializer::parse(&self.text).and_then(|de| {
            serde_ignored::deserialize(de, |path| ignored.push(unknown::steps(&path)))
        });
        let top = unknown::fields_of::<T>();
        for steps in &ignored {
            unknown::report(self, steps, top, report);
        }
        match parsed {
            Ok(value) => Some(value),
            Err(e) => {
                let line = e.span().map(|s| self.line(s.start));
                let (line, message) = match friendly::explain(&self.text, line) {
                    Some((line, message)) => (Some(line), message),
                    None => (line, e.message().trim().to_string()),
                };
                report.problems.push(Problem {
                    path: self.path.clone(),
                    line,
                    message,
                });
                None
            }
        }
    }

    /// Where the key at `steps` is written in the file.
    pub(super) fn span_of(&self, steps: &[Step]) -> Option<std::ops::Range<usize>> {
        let doc = toml_edit::Document::parse(self.text.as_str()).ok()?;
        let mut item = doc.as_item();
        let mut span = None;
        for step in steps {
            match step {
                Step::Key(key) => {
                    let table = item.as_table_like()?;
                    span = table.key(key).and_then(toml_edit::Key::span);
                    item = table.get(key)?;
                }
                Step::Index(i) => {
                    item = item.get(*i)?;
                    span = item.span().or(span);
                }
            }
        }
        span
    }
}

/// A file's bytes as UTF-8 text, or the line and a message saying how to save it. Editors on
/// Chinese Windows save GBK, and Notepad's "Unicode" is UTF-16: both are common, and the raw
/// "stream did not contain valid UTF-8" does not say what to do.
fn decode(bytes: Vec<u8>) -> Result<String, (Option<usize>, String)> {
    const SAVE: &str = "save the file as UTF-8 (in Notepad: File, Save as, Encoding: UTF-8; in VS Code: the encoding in the status bar, Save with Encoding, UTF-8)";
    if bytes.starts_with(&[0xFF, 0xFE]) || bytes.starts_with(&[0xFE, 0xFF]) || bytes.contains(&0) {
        return Err((
            None,
            format!("this file is saved as UTF-16 (\"Unicode\"); {SAVE}"),
        ));
    }
    match String::from_utf8(bytes) {
        // A UTF-8 byte-order mark is harmless: some editors add one.
        Ok(text) => Ok(text
            .strip_prefix('\u{feff}')
            .map(str::to_string)
            .unwrap_or(text)),
        Err(e) => {
            let valid = e.utf8_error().valid_up_to();
            let bytes = e.as_bytes();
            let line = bytes[..valid].iter().filter(|&&b| b == b'\n').count() + 1;
            Err((
                Some(line),
                format!(
                    "this file is not UTF-8 (probably GBK or GB2312, from a Chinese-language editor); {SAVE}"
                ),
            ))
        }
    }
}

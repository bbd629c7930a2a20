//! `Code`: the short token printed inside a QR code. Parsed once, upper-case from then on.

use std::fmt;

/// The longest code accepted. Short codes keep the QR symbol small.
pub const MAX_LEN: usize = 16;
const MIN_LEN: usize = 2;

/// A case-insensitive code such as `NCA1`, stored upper-case so it can be printed upper-case
/// and encoded in the QR alphanumeric mode.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Code(String);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CodeError {
    #[error("a code has {MIN_LEN} to {MAX_LEN} characters, this one has {0}")]
    Length(usize),
    #[error("a code holds only letters A-Z and digits 0-9")]
    Charset,
}

impl Code {
    pub fn parse(raw: &str) -> Result<Code, CodeError> {
        let len = raw.chars().count();
        if !(MIN_LEN..=MAX_LEN).contains(&len) {
            return Err(CodeError::Length(len));
        }
        if !raw.bytes().all(|b| b.is_ascii_alphanumeric()) {
            return Err(CodeError::Charset);
        }
        Ok(Code(raw.to_ascii_uppercase()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Code {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl fmt::Debug for Code {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Code({})", self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_case_insensitive() {
        assert_eq!(Code::parse("nca1").unwrap(), Code::parse("NCA1").unwrap());
        assert_eq!(Code::parse("nCa1").unwrap().as_str(), "NCA1");
    }

    #[test]
    fn bad_codes_are_refused() {
        assert_eq!(Code::parse("A"), Err(CodeError::Length(1)));
        assert_eq!(Code::parse(&"A".repeat(17)), Err(CodeError::Length(17)));
        assert_eq!(Code::parse("NC-A1"), Err(CodeError::Charset));
        assert_eq!(Code::parse("../x"), Err(CodeError::Charset));
        assert_eq!(Code::parse("äb"), Err(CodeError::Charset));
    }
}

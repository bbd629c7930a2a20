//! Single values as staff type them, checked the same way wherever they come from: `docent
//! check` (with `path:line`), the dashboard's editor (beside the field, in the page's
//! language) and `docent import` (with the row and column). Each check names what is wrong as a
//! `ValueProblem`; each caller says where, and in which language.
//!
//! Visitor text refuses characters a person cannot see but a page obeys:
//! - C0 and C1 control characters (NUL, ESC, ...) other than tab and line breaks: never typed
//!   on purpose, they come from pasted terminal output or an attack, and break pages and files;
//! - bidi embeddings, overrides and isolates (U+202A-U+202E, U+2066-U+2069): they reorder the
//!   text that follows ("Trojan source"), so a title can read differently from what it holds.
//!
//! The plain direction marks U+200E and U+200F (LRM, RLM) and U+061C (ALM) are allowed: they
//! change nothing but the direction of the neutral character beside them, and they are what a
//! careful writer puts in mixed Arabic or Hebrew and Latin text.

use std::path::Path;

use crate::catalog::Lang;

/// A story's visitor text by the names the editor's form and the import's columns both give
/// it: each must pass `visitor_text`.
pub const STORY_TEXT: [&str; 7] = [
    "title_zh",
    "title_en",
    "summary_zh",
    "summary_en",
    "topics",
    "cover_alt_zh",
    "cover_alt_en",
];

/// What is wrong with one value; the messages (`Display`) are `docent check`'s, in English.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ValueProblem {
    /// A control or bidi character in text visitors read.
    #[error("holds {}, which visitors cannot see but which {}; remove it", describe(*.0), harm(*.0))]
    HiddenChar(char),
    #[error(
        "`{0}` is not a DOI (expected something like 10.1038/nature16961, without https://doi.org/)"
    )]
    NotDoi(String),
    /// A URL holding a space, a line break or another invisible character.
    #[error(
        "the URL holds {}; remove it (a URL is one line with no spaces; write a space as %20)",
        describe(*.0)
    )]
    UrlChar(char),
    #[error(
        "`{0}` is not a valid http(s) URL (such as https://www.nature.com/articles/nature16961)"
    )]
    NotUrl(String),
    #[error("expected a date such as 2016-01-28, found `{0}`")]
    NotDate(String),
}

/// Whether `c` may stand in text visitors read.
fn is_hidden(c: char) -> bool {
    (c.is_control() && !matches!(c, '\t' | '\n' | '\r')) || is_bidi_control(c)
}

fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// A character named so a person can find it: by what it does, and its code point.
pub fn describe(c: char) -> String {
    match c {
        '\n' | '\r' => "a line break".into(),
        '\t' => "a tab".into(),
        ' ' => "a space".into(),
        '\0' => "the invisible character U+0000 (NUL)".into(),
        '\u{1B}' => "the invisible character U+001B (ESC)".into(),
        c if is_bidi_control(c) => format!(
            "the invisible direction control U+{:04X} (right-to-left override or isolate)",
            c as u32
        ),
        c => format!("the invisible character U+{:04X}", c as u32),
    }
}

fn harm(c: char) -> &'static str {
    if is_bidi_control(c) {
        "reorders the text after it"
    } else {
        "breaks the page or the file"
    }
}

/// Text a visitor reads: a title, a summary, a place, a topic, a citation.
pub fn visitor_text(text: &str) -> Result<(), ValueProblem> {
    match text.chars().find(|&c| is_hidden(c)) {
        Some(c) => Err(ValueProblem::HiddenChar(c)),
        None => Ok(()),
    }
}

/// A DOI such as `10.1038/nature16961` (trimmed first).
pub fn doi(value: &str) -> Result<(), ValueProblem> {
    let d = value.trim();
    if d.starts_with("10.")
        && d.contains('/')
        && !d.contains(|c: char| c.is_whitespace() || c.is_control() || is_bidi_control(c))
    {
        Ok(())
    } else {
        Err(ValueProblem::NotDoi(d.to_string()))
    }
}

/// An http(s) URL with a host (trimmed first).
pub fn url(value: &str) -> Result<(), ValueProblem> {
    let value = value.trim();
    // The url crate drops tabs and line breaks while parsing, so a URL holding them parses, but
    // the raw text then breaks the redirect's Location header: refuse them here.
    if let Some(c) = value
        .chars()
        .find(|&c| c.is_control() || c.is_whitespace() || is_bidi_control(c))
    {
        return Err(ValueProblem::UrlChar(c));
    }
    match url::Url::parse(value) {
        Ok(u) if matches!(u.scheme(), "http" | "https") && u.host().is_some() => Ok(()),
        _ => Err(ValueProblem::NotUrl(value.to_string())),
    }
}

/// A calendar date written `YYYY-MM-DD` (trimmed first).
pub fn date(value: &str) -> Result<(), ValueProblem> {
    let value = value.trim();
    match value.parse::<jiff::civil::Date>() {
        Ok(_) if value.len() == 10 => Ok(()),
        _ => Err(ValueProblem::NotDate(value.to_string())),
    }
}

/// The languages the exhibition in `folder` is written in (`languages` in its
/// `exhibition.toml`; both when absent or unreadable): every visitor text needs each of them.
pub fn languages(folder: &Path) -> Vec<Lang> {
    super::languages::declared_in(&folder.join(super::EXHIBITION_FILE))
        .all()
        .to_vec()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn control_and_bidi_characters_are_refused_and_marks_and_breaks_are_not() {
        assert_eq!(visitor_text("围棋\n第二行\t!"), Ok(()));
        assert_eq!(
            visitor_text("a\u{200F}b\u{200E}"),
            Ok(()),
            "direction marks stay"
        );
        for c in [
            '\0', '\u{1B}', '\u{7F}', '\u{85}', '\u{202E}', '\u{2066}', '\u{2069}',
        ] {
            assert_eq!(
                visitor_text(&format!("AlphaGo{c}x")),
                Err(ValueProblem::HiddenChar(c)),
                "U+{:04X}",
                c as u32
            );
        }
        let said = ValueProblem::HiddenChar('\u{202E}').to_string();
        assert!(
            said.contains("U+202E") && said.contains("reorders"),
            "{said}"
        );
    }

    #[test]
    fn dois_urls_and_dates_are_named_when_wrong() {
        assert_eq!(doi(" 10.1038/nature16961 "), Ok(()));
        assert!(doi("https://doi.org/10.1038/x").is_err());
        assert!(doi("10.1038/a\u{202E}b").is_err());
        assert_eq!(url("https://www.nature.com/articles/x"), Ok(()));
        assert_eq!(url("https://a.b/x y"), Err(ValueProblem::UrlChar(' ')));
        assert!(url("ftp://a.b/x").is_err());
        assert!(url("not a url").is_err());
        assert_eq!(date("2016-01-28"), Ok(()));
        for bad in ["28/01/2016", "2016-02-30", "2016-1-28", "2016"] {
            assert!(date(bad).is_err(), "{bad}");
        }
    }
}

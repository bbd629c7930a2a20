//! Texts in Chinese and English: the languages a show is written in (`languages`), and the
//! checks that every visitor-facing text has each of them.

use std::path::Path;

use toml::Spanned;

use super::problems::Findings;
use super::raw::RawText;
use super::source::Source;
use super::values::{ValueProblem, visitor_text};
use crate::catalog::{Lang, Text};

pub(super) fn text(raw: &RawText) -> Text {
    let clean = |s: &Option<Spanned<String>>| {
        s.as_ref()
            .map(|s| s.get_ref().trim().to_string())
            .filter(|s| !s.is_empty())
    };
    Text {
        zh: clean(&raw.zh),
        en: clean(&raw.en),
    }
}

/// The languages an exhibition is written in (`languages` in exhibition.toml): every
/// visitor-facing text must have each of them, so an English visitor never silently gets
/// Chinese. Read before the stories are, from the file alone; a bad value is reported when
/// the exhibition file itself is checked.
#[derive(Debug, Clone, Copy)]
pub(super) struct Langs {
    zh: bool,
    en: bool,
}

impl Langs {
    pub(super) fn declared_in(exhibition_file: &Path) -> Langs {
        let declared = std::fs::read_to_string(exhibition_file)
            .ok()
            .and_then(|text| text.parse::<toml::Table>().ok())
            .and_then(|table| table.get("languages").cloned())
            .and_then(|v| v.as_array().cloned())
            .map(|list| {
                let has = |l: &str| list.iter().any(|v| v.as_str() == Some(l));
                Langs {
                    zh: has("zh"),
                    en: has("en"),
                }
            });
        match declared {
            Some(l) if l.zh || l.en => l,
            _ => Langs { zh: true, en: true },
        }
    }

    /// A message for a text missing a required language, if it does. `whose` says which
    /// station or phase the text belongs to (" for station `A1`"), or is empty.
    fn missing(self, t: &Text, field: &str, whose: &str) -> Option<String> {
        let key = field.rsplit('.').next().unwrap_or(field);
        let (lang, name, other) = if self.en && t.en.is_none() {
            ("en", "English", "zh")
        } else if self.zh && t.zh.is_none() {
            ("zh", "Chinese", "en")
        } else {
            return None;
        };
        Some(format!(
            "{field}: the {name} text{whose} ({key}.{lang}) is missing or empty; write it, or, if the show is in one language only, put languages = [\"{other}\"] in exhibition.toml"
        ))
    }

    /// The languages as a list, Chinese first.
    pub(super) fn list(self) -> Vec<Lang> {
        let mut list = Vec::new();
        if self.zh {
            list.push(Lang::Zh);
        }
        if self.en {
            list.push(Lang::En);
        }
        list
    }

    /// The keys a text needs, as staff write them: `place.zh and place.en`, or one of them.
    fn keys(self, key: &str) -> String {
        match (self.zh, self.en) {
            (true, true) => format!("{key}.zh and {key}.en"),
            (true, false) => format!("{key}.zh"),
            _ => format!("{key}.en"),
        }
    }
}

pub(super) fn check_text(
    src: &Source,
    raw: &Spanned<RawText>,
    field: &str,
    langs: Langs,
    report: &mut Findings,
) -> Text {
    check_text_of(src, raw, field, "", langs, report)
}

/// `check_text` for a text of one station or phase, named by `whose`.
fn check_text_of(
    src: &Source,
    raw: &Spanned<RawText>,
    field: &str,
    whose: &str,
    langs: Langs,
    report: &mut Findings,
) -> Text {
    let t = text(raw.get_ref());
    check_hidden(src, field, raw.get_ref(), report);
    if t.zh.is_none() && t.en.is_none() {
        report.at(
            src,
            raw.span(),
            format!("{field}: give zh, en or both{whose}; both are empty"),
        );
    } else if let Some(message) = langs.missing(&t, field, whose) {
        report.at(src, raw.span(), message);
    }
    t
}

/// A control or bidi character in either language of a text is reported as `field.zh` or
/// `field.en`, at its own line.
pub(super) fn check_hidden(src: &Source, field: &str, raw: &RawText, report: &mut Findings) {
    for (lang, value) in [("zh", &raw.zh), ("en", &raw.en)] {
        if let Some(value) = value
            && let Err(e) = visitor_text(value.get_ref())
        {
            report.at(src, value.span(), format!("{field}.{lang}: {e}"));
        }
    }
}

/// One visitor text of its own (a topic, a citation's journal), reported as `field`.
pub(super) fn check_hidden_in(
    src: &Source,
    span: std::ops::Range<usize>,
    field: &str,
    value: &str,
    report: &mut Findings,
) -> Result<(), ValueProblem> {
    visitor_text(value).inspect_err(|e| report.at(src, span, format!("{field}: {e}")))
}

/// A station's place or a phase's name: shown to visitors, so required, in every language the
/// show is written in. A missing one is reported at the station's or phase's `id`.
pub(super) fn required_text(
    src: &Source,
    raw: Option<&Spanned<RawText>>,
    id: &Spanned<String>,
    field: &str,
    whose: &str,
    langs: Langs,
    report: &mut Findings,
) -> Text {
    let key = field.rsplit('.').next().unwrap_or(field);
    match raw {
        Some(raw) => check_text_of(src, raw, field, &format!(" for {whose}"), langs, report),
        None => {
            let example = match key {
                "place" => {
                    "where visitors find it, such as place.zh = \"左侧展墙 第1块\" and place.en = \"Left wall, panel 1\""
                }
                _ => {
                    "the name visitors see on the exhibition page, such as name.zh = \"第一期：2016年封面\" and name.en = \"Phase 1: 2016 covers\""
                }
            };
            report.at(
                src,
                id.span(),
                format!(
                    "{field}: {whose} has no {key}; write {} below its id ({example})",
                    langs.keys(key)
                ),
            );
            Text::default()
        }
    }
}

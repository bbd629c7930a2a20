//! Texts in the show's languages: the languages a show is written in (`languages`, any BCP 47
//! tags), and the checks that every visitor-facing text has each of them and no other.

use std::path::Path;

use toml::Spanned;

use super::problems::Findings;
use super::raw::RawText;
use super::source::Source;
use super::values::{ValueProblem, visitor_text};
use crate::catalog::{Lang, Languages, Text};

/// A text as written, in the show's order of languages; keys that are no language of the show
/// are left out here and reported by `check_text`.
pub(super) fn text(raw: &RawText, langs: Langs) -> Text {
    Text::new(langs.all().iter().filter_map(|lang| {
        raw.0
            .get(lang.as_str())
            .map(|s| s.get_ref().trim().to_string())
            .filter(|s| !s.is_empty())
            .map(|s| (*lang, s))
    }))
}

/// The languages an exhibition is written in, as read before its stories are.
pub(super) type Langs = Languages;

/// The languages declared in `exhibition_file` (`languages`; Chinese and English when absent or
/// unreadable). Read before the stories are, from the file alone; a bad value is reported when
/// the exhibition file itself is checked (`check_declared`).
pub(super) fn declared_in(exhibition_file: &Path) -> Langs {
    let table = std::fs::read_to_string(exhibition_file)
        .ok()
        .and_then(|text| text.parse::<toml::Table>().ok());
    let list: Vec<Lang> = table
        .as_ref()
        .and_then(|t| t.get("languages"))
        .and_then(|v| v.as_array())
        .map(|list| {
            list.iter()
                .filter_map(|v| v.as_str())
                .filter_map(|tag| Lang::parse(tag).ok())
                .collect()
        })
        .unwrap_or_default();
    let fallback = table
        .as_ref()
        .and_then(|t| t.get("fallback_language"))
        .and_then(|v| v.as_str())
        .and_then(|tag| Lang::parse(tag).ok());
    Languages::new(&list, fallback)
}

/// `languages` and `fallback_language` as written: every tag well-formed and known, no
/// repeats, at most `MAX_LANGUAGES`, the fallback one of them.
pub(super) fn check_declared(
    src: &Source,
    languages: Option<&Spanned<Vec<Spanned<String>>>>,
    fallback: Option<&Spanned<String>>,
    report: &mut Findings,
) -> Langs {
    let mut list = Vec::new();
    if let Some(declared) = languages {
        if declared.get_ref().is_empty() {
            report.at(
                src,
                declared.span(),
                "languages: name at least one, such as [\"zh\", \"en\"] (the default) or [\"ja\", \"en\"]",
            );
        }
        if declared.get_ref().len() > crate::catalog::MAX_LANGUAGES {
            report.at(
                src,
                declared.span(),
                format!(
                    "languages: at most {} languages in one show",
                    crate::catalog::MAX_LANGUAGES
                ),
            );
        }
        for tag in declared.get_ref() {
            match Lang::parse(tag.get_ref()) {
                Ok(lang) if list.contains(&lang) => report.at(
                    src,
                    tag.span(),
                    format!("languages: `{}` is listed twice", tag.get_ref()),
                ),
                Ok(lang) if lang.stored_number().is_none() => report.at(
                    src,
                    tag.span(),
                    format!(
                        "languages: `{lang}` cannot be counted in the figures yet; docent counts visits in {}",
                        crate::lang::COUNTED.join(", ")
                    ),
                ),
                Ok(lang) => list.push(lang),
                Err(e) => report.at(src, tag.span(), format!("languages: {e}")),
            }
        }
    }
    let langs = Languages::new(&list, None);
    let fallback = match fallback {
        None => None,
        Some(v) => match Lang::parse(v.get_ref()) {
            Ok(l) if langs.has(l) => Some(l),
            _ => {
                let choices: Vec<String> = langs.all().iter().map(|l| format!("\"{l}\"")).collect();
                report.at(
                    src,
                    v.span(),
                    format!(
                        "fallback_language: `{}` is not one of the show's languages; write {}",
                        v.get_ref(),
                        choices.join(" or ")
                    ),
                );
                None
            }
        },
    };
    Languages::new(langs.all(), fallback)
}

/// A message for a text missing one of the show's languages, if it does. `whose` says which
/// station or phase the text belongs to (" for station `A1`"), or is empty.
fn missing(langs: Langs, t: &Text, field: &str, whose: &str) -> Option<String> {
    let key = field.rsplit('.').next().unwrap_or(field);
    let lang = langs.all().iter().find(|l| t.exactly(**l).is_none())?;
    let name = english_name(*lang);
    let others: Vec<String> = langs
        .all()
        .iter()
        .filter(|l| *l != lang)
        .map(|l| format!("\"{l}\""))
        .collect();
    let advice = if others.is_empty() {
        String::new()
    } else {
        format!(
            "; or, if the show is not in {name}, put languages = [{}] in exhibition.toml",
            others.join(", ")
        )
    };
    Some(format!(
        "{field}: the {name} text{whose} ({key}.{lang}) is missing or empty; write it{advice}"
    ))
}

/// A language as English names it, for check messages; the tag itself when not at hand.
fn english_name(lang: Lang) -> String {
    match lang.primary() {
        "zh" => "Chinese".into(),
        "en" => "English".into(),
        "ja" => "Japanese".into(),
        "ko" => "Korean".into(),
        "fr" => "French".into(),
        "de" => "German".into(),
        "es" => "Spanish".into(),
        "it" => "Italian".into(),
        "pt" => "Portuguese".into(),
        "ru" => "Russian".into(),
        "ar" => "Arabic".into(),
        _ => format!("`{lang}`"),
    }
}

/// The keys a text needs, as staff write them: `place.zh and place.en`.
fn keys(langs: Langs, key: &str) -> String {
    let all: Vec<String> = langs.all().iter().map(|l| format!("{key}.{l}")).collect();
    match all.split_last() {
        Some((last, rest)) if !rest.is_empty() => format!("{} and {last}", rest.join(", ")),
        _ => all.join(""),
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
    let t = text(raw.get_ref(), langs);
    check_hidden(src, field, raw.get_ref(), report);
    // A text in a language the show does not list is kept for the day it does (a show that
    // drops English keeps its English texts); a key that is no language is a typo.
    for (tag, value) in &raw.get_ref().0 {
        if let Err(e) = Lang::parse(tag) {
            report.at(src, value.span(), format!("{field}.{tag}: {e}"));
        }
    }
    let written = raw
        .get_ref()
        .0
        .values()
        .any(|v| !v.get_ref().trim().is_empty());
    if !written {
        report.at(
            src,
            raw.span(),
            format!(
                "{field}: write it in {}{whose}; it is empty",
                keys(langs, field.rsplit('.').next().unwrap_or(field))
            ),
        );
    } else if let Some(message) = missing(langs, &t, field, whose) {
        report.at(src, raw.span(), message);
    }
    t
}

/// A control or bidi character in any language of a text is reported as `field.zh`,
/// `field.ja`, ..., at its own line.
pub(super) fn check_hidden(src: &Source, field: &str, raw: &RawText, report: &mut Findings) {
    for (lang, value) in &raw.0 {
        if let Err(e) = visitor_text(value.get_ref()) {
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
                    keys(langs, key)
                ),
            );
            Text::default()
        }
    }
}

/// `machine_translated = ["ja"]`: the languages of this file's texts that a machine
/// translated, each one of the show's languages.
pub(super) fn check_machine(
    src: &Source,
    raw: Option<&Spanned<Vec<Spanned<String>>>>,
    langs: Langs,
    report: &mut Findings,
) -> Vec<Lang> {
    let mut machine = Vec::new();
    for tag in raw.map(|r| r.get_ref().as_slice()).unwrap_or_default() {
        match Lang::parse(tag.get_ref()) {
            Ok(lang) if langs.has(lang) => machine.push(lang),
            Ok(_) => report.at(
                src,
                tag.span(),
                format!(
                    "machine_translated: `{}` is not one of the show's languages",
                    tag.get_ref()
                ),
            ),
            Err(e) => report.at(src, tag.span(), format!("machine_translated: {e}")),
        }
    }
    machine
}

//! What the editor says about a save, for a person who has only the browser: in the page's
//! language, beside the field it is about, saying what to do in the form (never "edit
//! exhibition.toml"), and every problem of a save at once. The form's values are checked here
//! first with the same value checks as `docent check` (`catalog::values`), so a bad date, DOI
//! and URL come back together; what only the whole-folder check finds is mapped back to its
//! field from the check's `field: message` wording.

use std::collections::HashMap;

use fluent_templates::fluent_bundle::FluentValue;

use crate::catalog::save::SaveError;
use crate::catalog::values::{self, ValueProblem};
use crate::catalog::{Lang, Problem};
use crate::covers::CoverError;
use crate::i18n::tr_args;

/// One problem, as a key of `locales/*/editor.ftl` and its arguments (said in the page's
/// language when shown), and the form field it is about (`None`: the whole save).
#[derive(Debug, Clone)]
pub(super) struct Said {
    pub field: Option<&'static str>,
    words: Words,
}

#[derive(Debug, Clone)]
enum Words {
    Key(&'static str, Vec<(&'static str, String)>),
    /// Already in the page's language (a read-only folder, a full disk).
    Given(String),
}

impl Said {
    pub fn text(&self, lang: Lang) -> String {
        match &self.words {
            Words::Key(key, args) => {
                let args: Vec<(&'static str, FluentValue<'_>)> = args
                    .iter()
                    .map(|(name, value)| (*name, FluentValue::from(value.as_str())))
                    .collect();
                tr_args(lang, key, &args)
            }
            Words::Given(text) => text.clone(),
        }
    }
}

/// One of `catalog::values`' checks.
type ValueCheck = fn(&str) -> Result<(), ValueProblem>;

/// Every problem of one save.
#[derive(Debug, Clone, Default)]
pub(super) struct Problems(Vec<Said>);

/// Form fields holding text a visitor reads besides the story's own (`values::STORY_TEXT`).
const CITATION_TEXT: [&str; 5] = [
    "citation_authors",
    "citation_title",
    "citation_journal",
    "citation_volume",
    "citation_pages",
];

impl Problems {
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn all(&self) -> &[Said] {
        &self.0
    }

    /// The problems of one field.
    pub fn of(&self, field: &str) -> impl Iterator<Item = &Said> {
        self.0.iter().filter(move |s| s.field == Some(field))
    }

    /// A problem said by `key` (`locales/*/editor.ftl`) with its arguments.
    pub fn add(
        &mut self,
        field: Option<&'static str>,
        key: &'static str,
        args: &[(&'static str, &str)],
    ) {
        let args = args.iter().map(|(n, v)| (*n, v.to_string())).collect();
        self.0.push(Said {
            field,
            words: Words::Key(key, args),
        });
    }

    /// One problem of the whole save, already in the page's language (a read-only folder, a
    /// full disk).
    pub fn said(message: String) -> Problems {
        Problems(vec![Said {
            field: None,
            words: Words::Given(message),
        }])
    }

    /// The form's values checked one by one, before anything is written. Only fields the form
    /// sent are checked (a field left out keeps its stored value). `languages`: those the
    /// show is written in, each required for the title and the summary.
    pub fn of_form(fields: &HashMap<String, String>, languages: &[Lang]) -> Problems {
        let mut problems = Problems::default();
        let sent = |name: &str| fields.get(name).map(|v| v.trim());
        for name in values::STORY_TEXT.into_iter().chain(CITATION_TEXT) {
            if let Some(Err(e)) = sent(name).map(values::visitor_text) {
                problems.value(name, &e);
            }
        }
        for (text, key) in [
            ("title", "editor-title-required"),
            ("summary", "editor-summary-required"),
        ] {
            for lang in languages {
                let name = field_name(&format!("{text}_{}", lang.as_str()));
                if sent(name) == Some("") {
                    let args = [("lang", lang.primary()), ("tag", lang.as_str())];
                    problems.add(Some(name), key, &args);
                }
            }
        }
        let checks: [(&'static str, ValueCheck); 4] = [
            ("doi", values::doi),
            ("url", values::url),
            ("oa_url", values::url),
            ("citation_issue_date", values::date),
        ];
        for (name, check) in checks {
            if let Some(Err(e)) = sent(name).filter(|v| !v.is_empty()).map(check) {
                problems.value(name, &e);
            }
        }
        problems
    }

    /// A value refused by one of `catalog::values`' checks.
    pub fn value(&mut self, field: &'static str, e: &ValueProblem) {
        let message = e.to_string();
        let code = |c: char| format!("U+{:04X}", c as u32);
        let (key, arg): (&'static str, [(&'static str, String); 2]) = match e {
            ValueProblem::HiddenChar(c) => {
                let reorders = matches!(*c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}');
                let reorders = if reorders { "yes" } else { "no" };
                (
                    "editor-hidden-char",
                    [("code", code(*c)), ("reorders", reorders.into())],
                )
            }
            ValueProblem::NotDoi(v) => (
                "editor-not-doi",
                [("value", v.clone()), ("", String::new())],
            ),
            ValueProblem::UrlChar(c) => {
                let what = match c {
                    ' ' => "space",
                    '\n' | '\r' => "newline",
                    '\t' => "tab",
                    _ => "other",
                };
                (
                    "editor-url-char",
                    [("code", code(*c)), ("what", what.into())],
                )
            }
            ValueProblem::NotUrl(v) => (
                "editor-not-url",
                [("value", v.clone()), ("", String::new())],
            ),
            ValueProblem::NotDate(v) => (
                "editor-not-date",
                [("value", v.clone()), ("", String::new())],
            ),
        };
        let mut args = vec![("message", message.as_str())];
        args.extend(
            arg.iter()
                .filter(|(n, _)| !n.is_empty())
                .map(|(n, v)| (*n, v.as_str())),
        );
        self.add(Some(field), key, &args);
    }

    /// An uploaded cover that cannot be used.
    pub fn cover(&mut self, e: &CoverError) {
        let message = e.to_string();
        let (key, numbers): (&'static str, Vec<(&'static str, String)>) = match e {
            CoverError::NotAnImage(_) => ("editor-cover-not-image", vec![]),
            CoverError::TooLarge { width, height } => (
                "editor-cover-too-large",
                vec![("width", width.to_string()), ("height", height.to_string())],
            ),
            CoverError::TooManyBytes { bytes, limit } => (
                "editor-cover-too-many-bytes",
                vec![
                    ("mb", bytes.div_ceil(1 << 20).to_string()),
                    ("limit", (limit >> 20).to_string()),
                ],
            ),
            CoverError::Truncated => ("editor-cover-truncated", vec![]),
            CoverError::Encode(_) => ("editor-cover-encode", vec![]),
        };
        let mut args = vec![("message", message.as_str())];
        args.extend(numbers.iter().map(|(n, v)| (*n, v.as_str())));
        self.add(Some("cover_file"), key, &args);
    }

    /// What only the whole-folder check found, each mapped to its field when it names one.
    pub fn from_check(found: &[Problem]) -> Problems {
        let mut problems = Problems::default();
        for p in found {
            let (key, message) = p.message.split_once(": ").unwrap_or(("", &p.message));
            let field = check_field(key, message);
            let (said, message) = check_words(key, message, field);
            problems.add(field, said, &[("message", &message)]);
        }
        problems
    }

    /// A save refused for the moment: a stale base (409) or a save under way elsewhere.
    pub fn refused(e: &SaveError) -> Problems {
        let mut problems = Problems::default();
        let key = match e {
            SaveError::Busy => "editor-busy",
            _ => "editor-stale",
        };
        problems.add(None, key, &[("message", &e.to_string())]);
        problems
    }
}

/// A refused save's problems as another editor page lists them (the phase editor): each in
/// `lang`, the check's problems and a conflict alike.
pub(in crate::web) fn said(refused: &SaveError, lang: Lang) -> Vec<String> {
    let problems = match refused {
        SaveError::Rejected(found) => Problems::from_check(found),
        other => Problems::refused(other),
    };
    problems.all().iter().map(|p| p.text(lang)).collect()
}

/// A form field name as the `'static` the page keeps.
fn field_name(name: &str) -> &'static str {
    const ALL: [&str; 18] = [
        "title_zh",
        "title_en",
        "summary_zh",
        "summary_en",
        "topics",
        "cover_alt_zh",
        "cover_alt_en",
        "doi",
        "url",
        "oa_url",
        "citation_authors",
        "citation_title",
        "citation_journal",
        "citation_volume",
        "citation_pages",
        "citation_issue_date",
        "cover_file",
        "id",
    ];
    ALL.into_iter().find(|n| *n == name).unwrap_or("")
}

/// The form field a check's `key: message` is about.
fn check_field(key: &str, message: &str) -> Option<&'static str> {
    let form = match key {
        "title" | "summary" | "cover_alt" => {
            let lang = if message.contains(&format!("({key}.en)")) {
                "en"
            } else {
                "zh"
            };
            format!("{key}_{lang}")
        }
        "article" | "article.url" => "url".into(),
        "article.doi" => "doi".into(),
        "article.oa_url" => "oa_url".into(),
        "cover" => "cover_file".into(),
        "topics" => "topics".into(),
        key => key.replace('.', "_"),
    };
    Some(field_name(&form)).filter(|n| !n.is_empty())
}

/// A check's message as the editor says it (a key of `locales/*/editor.ftl`): what to do in
/// this form; else the check's own English words, passed on as `$message`.
fn check_words(key: &str, message: &str, field: Option<&str>) -> (&'static str, String) {
    let said = if message.contains("is missing or empty") {
        "editor-required"
    } else if message.starts_with("give zh, en or both") {
        "editor-one-language"
    } else if key == "article" {
        "editor-url-or-doi"
    } else if key == "citation" || message.contains("missing field `journal`") {
        "editor-citation-journal"
    } else {
        "editor-check-found"
    };
    let message = match field {
        Some(_) => message.to_string(),
        None => format!("{key}: {message}"),
    };
    (said, message)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_bad_date_doi_and_url_come_at_once_each_at_its_field() {
        let form: HashMap<String, String> = [
            ("doi", "nature16961"),
            ("url", "www.nature.com"),
            ("citation_issue_date", "28/01/2016"),
            ("title_en", ""),
            ("title_zh", "围棋\u{202E}"),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
        let problems = Problems::of_form(&form, &[Lang::ZH, Lang::EN, Lang::JA]);
        for field in ["doi", "url", "citation_issue_date", "title_en", "title_zh"] {
            assert_eq!(problems.of(field).count(), 1, "{field}: {problems:?}");
        }
        assert_eq!(problems.all().len(), 5);
        assert!(
            problems
                .of("doi")
                .all(|s| s.text(Lang::ZH).contains("不是 DOI"))
        );
        let title: Vec<String> = problems.of("title_en").map(|s| s.text(Lang::JA)).collect();
        assert_eq!(title, ["タイトル（英語）は必須です。入力してください"]);
        assert_eq!(
            problems.of("title_en").next().unwrap().text(Lang::EN),
            "the English title is required: write it"
        );
        assert!(
            problems
                .of("doi")
                .all(|s| s.text(Lang::JA).contains("DOI ではありません")),
            "{problems:?}"
        );
    }

    #[test]
    fn the_checks_wording_finds_its_field() {
        assert_eq!(
            check_field("title", "the English text (title.en) is missing or empty"),
            Some("title_en")
        );
        assert_eq!(check_field("article.doi", "x"), Some("doi"));
        assert_eq!(
            check_field("citation.issue_date", "x"),
            Some("citation_issue_date")
        );
        assert_eq!(check_field("phases.show", "x"), None);
    }
}

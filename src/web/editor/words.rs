//! What the editor says about a save, for a person who has only the browser: in the page's
//! language, beside the field it is about, saying what to do in the form (never "edit
//! exhibition.toml"), and every problem of a save at once. The form's values are checked here
//! first with the same value checks as `docent check` (`catalog::values`), so a bad date, DOI
//! and URL come back together; what only the whole-folder check finds is mapped back to its
//! field from the check's `field: message` wording.

use std::collections::HashMap;

use crate::catalog::save::SaveError;
use crate::catalog::values::{self, ValueProblem};
use crate::catalog::{Lang, Problem};
use crate::covers::CoverError;
use crate::lang::ZhEn;

/// One problem, in both languages, and the form field it is about (`None`: the whole save).
#[derive(Debug, Clone)]
pub(super) struct Said {
    pub field: Option<&'static str>,
    en: String,
    zh: String,
}

impl Said {
    pub fn text(&self, lang: Lang) -> &str {
        match lang.zh_or_en() {
            ZhEn::En => &self.en,
            ZhEn::Zh => &self.zh,
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

    pub fn add(
        &mut self,
        field: Option<&'static str>,
        en: impl Into<String>,
        zh: impl Into<String>,
    ) {
        self.0.push(Said {
            field,
            en: en.into(),
            zh: zh.into(),
        });
    }

    /// One problem of the whole save, already in the page's language (a read-only folder, a
    /// full disk).
    pub fn said(message: String) -> Problems {
        let mut problems = Problems::default();
        problems.add(None, message.clone(), message);
        problems
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
        for (text, zh_name) in [("title", "标题"), ("summary", "简介")] {
            for lang in languages {
                let name = field_name(&format!("{text}_{}", lang.as_str()));
                if sent(name) == Some("") {
                    let (en_lang, zh_lang) = match lang.zh_or_en() {
                        ZhEn::Zh => ("Chinese", "中文"),
                        ZhEn::En => ("English", "英文"),
                    };
                    problems.add(
                        Some(name),
                        format!("the {en_lang} {text} is required: write it"),
                        format!("{zh_name}（{zh_lang}）是必填项：请填写"),
                    );
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
        self.add(Some(field), e.to_string(), value_zh(e));
    }

    /// An uploaded cover that cannot be used.
    pub fn cover(&mut self, e: &CoverError) {
        let zh = match e {
            CoverError::NotAnImage(_) => {
                "这个文件不是可读的 PNG 或 JPEG 图片（也可能已损坏或不完整）：请换一个图片文件再保存".to_string()
            }
            CoverError::TooLarge { width, height } => format!(
                "图片为 {width}×{height} 像素，超过 4000 万像素的上限：请先把图片缩小（720×960 就足够）再上传"
            ),
            CoverError::TooManyBytes { bytes, limit } => format!(
                "封面文件为 {} MB，超过 {} MB 的上限：请先把图片缩小（720×960 就足够）再上传",
                bytes.div_ceil(1 << 20),
                limit >> 20
            ),
            CoverError::Truncated => {
                "图片文件不完整（在图像结束之前就断了）：请重新上传完整的文件".to_string()
            }
            CoverError::Encode(_) => "封面无法处理：请稍后再试".to_string(),
        };
        self.add(Some("cover_file"), format!("cover: {e}"), zh);
    }

    /// What only the whole-folder check found, each mapped to its field when it names one.
    pub fn from_check(found: &[Problem]) -> Problems {
        let mut problems = Problems::default();
        for p in found {
            let (key, message) = p.message.split_once(": ").unwrap_or(("", &p.message));
            let field = check_field(key, message);
            let (en, zh) = check_words(key, message, field);
            problems.add(field, en, zh);
        }
        problems
    }

    /// A save refused for the moment: a stale base (409) or a save under way elsewhere.
    pub fn refused(e: &SaveError) -> Problems {
        let mut problems = Problems::default();
        let zh = match e {
            SaveError::Busy => {
                "另一项保存正在进行，未能在几秒内完成；没有写入任何内容。请稍后再点一次“保存”"
            }
            _ => {
                "在您打开此页面之后，有人保存了同一内容；您的修改没有写入。请在新标签页中重新打开此页面查看对方的修改，再把您的修改填进去保存"
            }
        };
        problems.add(None, e.to_string(), zh);
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
    problems
        .all()
        .iter()
        .map(|p| p.text(lang).to_string())
        .collect()
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

/// A check's message as the editor says it: what to do in this form.
fn check_words(key: &str, message: &str, field: Option<&str>) -> (String, String) {
    if message.contains("is missing or empty") {
        return (
            "this is required: write it".into(),
            "这是必填项：请填写".into(),
        );
    }
    if message.starts_with("give zh, en or both") {
        return (
            "write it in at least one language".into(),
            "请至少用一种语言填写".into(),
        );
    }
    if key == "article" {
        return (
            "give the article's URL or its DOI (or both)".into(),
            "请填写论文网址或 DOI（或两者都填）".into(),
        );
    }
    if key == "citation" || message.contains("missing field `journal`") {
        return (
            "the citation needs its journal when any citation field is filled".into(),
            "填写了引用信息时，期刊为必填项".into(),
        );
    }
    let en = match field {
        Some(_) => message.to_string(),
        None => format!("{key}: {message}"),
    };
    let zh = format!("保存前的检查发现问题（原文为英文）：{en}");
    (en, zh)
}

/// A value problem in Chinese.
fn value_zh(e: &ValueProblem) -> String {
    match e {
        ValueProblem::HiddenChar(c) => format!(
            "含有看不见的字符 U+{:04X}，{}；请删除它（它通常是从别处复制粘贴时带进来的）",
            *c as u32,
            if matches!(*c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}') {
                "它会打乱后面文字的显示顺序"
            } else {
                "它会破坏页面或文件"
            }
        ),
        ValueProblem::NotDoi(d) => {
            format!("“{d}”不是 DOI：DOI 应类似 10.1038/nature16961，不含 https://doi.org/")
        }
        ValueProblem::UrlChar(c) => format!(
            "网址中含有{}；请删除（网址只有一行，不含空格；空格请写作 %20）",
            match c {
                ' ' => "空格".to_string(),
                '\n' | '\r' => "换行".to_string(),
                '\t' => "制表符".to_string(),
                c => format!("看不见的字符 U+{:04X}", *c as u32),
            }
        ),
        ValueProblem::NotUrl(v) => format!(
            "“{v}”不是有效的 http(s) 网址（例如 https://www.nature.com/articles/nature16961）"
        ),
        ValueProblem::NotDate(v) => {
            format!("“{v}”不是日期：请写成 年-月-日，例如 2016-01-28")
        }
    }
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
        let problems = Problems::of_form(&form, &[Lang::ZH, Lang::EN]);
        for field in ["doi", "url", "citation_issue_date", "title_en", "title_zh"] {
            assert_eq!(problems.of(field).count(), 1, "{field}: {problems:?}");
        }
        assert_eq!(problems.all().len(), 5);
        assert!(
            problems
                .of("doi")
                .all(|s| s.text(Lang::ZH).contains("不是 DOI"))
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

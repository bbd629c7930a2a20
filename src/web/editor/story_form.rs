//! `GET /admin/e/{exhibition}/stories/{story}`: the story form with every field, blank for
//! `stories/new`, and the page the save shows again with its problems.

use std::collections::HashMap;

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;

use super::{NEW, read_text, story_of};
use crate::catalog::edit;
use crate::web::admin_ui::AdminUi;
use crate::web::auth::Organizer;
use crate::web::error::WebError;
use crate::web::{AppState, no_store};

/// Labels of the fields in English and Chinese, in the editor's order; long ones get a text area.
const LABELS: [(&str, &str, &str, bool); 16] = [
    ("title_zh", "Title (Chinese)", "标题（中文）", false),
    ("title_en", "Title (English)", "标题（英文）", false),
    (
        "summary_zh",
        "Summary (Chinese): 2-4 sentences, plain text",
        "简介（中文）：2–4 句，纯文本",
        true,
    ),
    (
        "summary_en",
        "Summary (English): 2-4 sentences, plain text",
        "简介（英文）：2–4 句，纯文本",
        true,
    ),
    (
        "topics",
        "Topics, separated by ; (Chinese ones show on the Chinese page)",
        "主题，用 ; 分隔（中文主题显示在中文页面上）",
        false,
    ),
    (
        "cover_alt_zh",
        "Cover description for screen readers (Chinese)",
        "封面的文字描述，供读屏软件使用（中文）",
        false,
    ),
    (
        "cover_alt_en",
        "Cover description for screen readers (English)",
        "封面的文字描述，供读屏软件使用（英文）",
        false,
    ),
    (
        "doi",
        "DOI (without https://doi.org/)",
        "DOI（不含 https://doi.org/）",
        false,
    ),
    (
        "url",
        "Article URL (optional when the DOI is set)",
        "论文网址（已填 DOI 时可不填）",
        false,
    ),
    (
        "oa_url",
        "Free, legal copy of the paper (optional)",
        "论文的免费合法全文网址（可不填）",
        false,
    ),
    (
        "citation_authors",
        "Citation: authors (e.g. Silver, D. et al.)",
        "引用：作者（如 Silver, D. et al.）",
        false,
    ),
    (
        "citation_title",
        "Citation: the paper's title",
        "引用：论文标题",
        false,
    ),
    (
        "citation_journal",
        "Citation: journal (required when any citation field is set)",
        "引用：期刊（填写任一引用字段时必填）",
        false,
    ),
    ("citation_volume", "Citation: volume", "引用：卷", false),
    ("citation_pages", "Citation: pages", "引用：页码", false),
    (
        "citation_issue_date",
        "Citation: issue date (YYYY-MM-DD)",
        "引用：出版日期（YYYY-MM-DD）",
        false,
    ),
];

#[derive(Template)]
#[template(path = "admin_story.html")]
pub(super) struct StoryPage {
    organizer: String,
    csrf: String,
    exhibition: String,
    story: String,
    code: String,
    version: String,
    pub(super) t: AdminUi,
    fields: Vec<(&'static str, &'static str, &'static str, String, bool)>,
    problems: Vec<String>,
    saved: bool,
    is_new: bool,
    new_id: String,
}

#[derive(serde::Deserialize)]
pub(crate) struct Shown {
    saved: Option<String>,
}

pub(super) fn page(
    state: &AppState,
    req: &HttpRequest,
    (exhibition, story, code): (&str, &str, String),
    text: &str,
    values: Option<&HashMap<String, String>>,
    problems: Vec<String>,
    saved: bool,
) -> Result<StoryPage, WebError> {
    let organizer = Organizer::of(req)?;
    let zone = state
        .catalog()
        .exhibition(exhibition)
        .map_or_else(|| state.day_zone.clone(), |(_, e)| e.time_zone.clone());
    // Answering a POST too: the toggle leads to the form itself.
    let t = AdminUi::of(req, zone).toggle_to(&format!("/admin/e/{exhibition}/stories/{story}"));
    let stored = edit::story_values(text).map_err(|e| WebError::BadRequest(e.to_string()))?;
    let fields = LABELS
        .iter()
        .map(|&(name, en, zh, long)| {
            let value = values
                .and_then(|v| v.get(name).cloned())
                .or_else(|| {
                    stored
                        .iter()
                        .find(|(n, _)| *n == name)
                        .map(|(_, v)| v.clone())
                })
                .unwrap_or_default();
            (name, en, zh, value, long)
        })
        .collect();
    Ok(StoryPage {
        organizer: organizer.name.clone(),
        csrf: organizer.csrf().to_string(),
        exhibition: exhibition.to_string(),
        story: story.to_string(),
        code,
        version: edit::version(text),
        t,
        fields,
        problems,
        saved,
        is_new: false,
        new_id: String::new(),
    })
}

/// The new-story form, blank or as sent.
pub(super) fn new_page(
    state: &AppState,
    req: &HttpRequest,
    exhibition: &str,
    values: &HashMap<String, String>,
    problems: Vec<String>,
) -> Result<StoryPage, WebError> {
    let organizer = Organizer::of(req)?;
    let value = |name: &str| values.get(name).cloned().unwrap_or_default();
    let zone = state
        .catalog()
        .exhibition(exhibition)
        .map_or_else(|| state.day_zone.clone(), |(_, e)| e.time_zone.clone());
    let t = AdminUi::of(req, zone).toggle_to(&format!("/admin/e/{exhibition}/stories/{NEW}"));
    Ok(StoryPage {
        t,
        organizer: organizer.name.clone(),
        csrf: organizer.csrf().to_string(),
        exhibition: exhibition.to_string(),
        story: NEW.to_string(),
        code: value("code"),
        version: String::new(),
        fields: LABELS
            .iter()
            .map(|&(name, en, zh, long)| (name, en, zh, value(name), long))
            .collect(),
        problems,
        saved: false,
        is_new: true,
        new_id: value("id"),
    })
}

pub(crate) async fn story_form(
    state: web::Data<AppState>,
    req: HttpRequest,
    path: web::Path<(String, String)>,
    shown: web::Query<Shown>,
) -> Result<HttpResponse, WebError> {
    let (exhibition, story) = path.into_inner();
    if story == NEW {
        state
            .catalog()
            .exhibition(&exhibition)
            .ok_or_else(|| WebError::NotFound(format!("no exhibition `{exhibition}`")))?;
        let page = new_page(&state, &req, &exhibition, &HashMap::new(), Vec::new())?;
        return Ok(no_store(page.t.respond(StatusCode::OK, &page)));
    }
    let (dir, code) = story_of(&state, &exhibition, &story)?;
    let text = read_text(dir.join("stories").join(format!("{story}.toml"))).await?;
    let page = page(
        &state,
        &req,
        (&exhibition, &story, code),
        &text,
        None,
        Vec::new(),
        shown.saved.is_some(),
    )?;
    Ok(no_store(page.t.respond(StatusCode::OK, &page)))
}

//! `GET /admin/e/{exhibition}/stories/{story}`: the story form with every field, blank for
//! `stories/new`, and the page the save shows again with its problems, each beside its field
//! and all listed at the top, in the page's language.

use std::collections::HashMap;

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;

use super::words::Problems;
use super::{NEW, read_text, story_of};
use crate::catalog::{Lang, edit};
use crate::web::admin_ui::AdminUi;
use crate::web::auth::Organizer;
use crate::web::error::WebError;
use crate::web::{AppState, no_store};

/// The fields in the editor's order (their labels are `field-{name}` in
/// `locales/*/admin.ftl`); long ones get a text area.
const LABELS: [(&str, bool); 16] = [
    ("title_zh", false),
    ("title_en", false),
    ("summary_zh", true),
    ("summary_en", true),
    ("topics", false),
    ("cover_alt_zh", false),
    ("cover_alt_en", false),
    ("doi", false),
    ("url", false),
    ("oa_url", false),
    ("citation_authors", false),
    ("citation_title", false),
    ("citation_journal", false),
    ("citation_volume", false),
    ("citation_pages", false),
    ("citation_issue_date", false),
];

/// A field's label in `lang`.
fn label_of(name: &str, lang: Lang) -> &'static str {
    crate::i18n::tr_static(lang, &format!("field-{name}"))
}

#[derive(Template)]
#[template(path = "admin_story.html")]
pub(super) struct StoryPage {
    organizer: String,
    csrf: String,
    exhibition: String,
    /// The exhibition's and the story's names in the page's language (ids only as a fallback).
    exhibition_name: String,
    story: String,
    story_name: String,
    code: String,
    /// The current cover's thumbnail and the page visitors see, for a story already live.
    cover_url: Option<String>,
    live_url: Option<String>,
    version: String,
    pub(super) t: AdminUi,
    fields: Vec<Field>,
    /// Every problem of the save, in the page's language: (the field's id and label, or none
    /// for the whole save; the message).
    problems: Vec<(Option<(&'static str, &'static str)>, String)>,
    /// Problems of the new story's id and code, shown beside them.
    id_problems: Vec<String>,
    cover_problems: Vec<String>,
    saved: bool,
    is_new: bool,
    new_id: String,
}

/// One field of the form as shown: its label in the page's language, its value, and what is
/// wrong with it.
struct Field {
    name: &'static str,
    label: &'static str,
    value: String,
    long: bool,
    problems: Vec<String>,
}

#[derive(serde::Deserialize)]
pub(crate) struct Shown {
    saved: Option<String>,
}

/// The label of a form field in `lang`.
fn label(name: &str, lang: Lang) -> &'static str {
    match name {
        "cover_file" | "cover" => crate::i18n::tr_static(lang, "editor-cover"),
        "id" => crate::i18n::tr_static(lang, "editor-story-id"),
        _ if LABELS.iter().any(|l| l.0 == name) => label_of(name, lang),
        _ => "",
    }
}

/// A field's name as a history summary gives it: its label without the explanation
/// (`short-{name}` in `locales/*/editor.ftl`: "DOI", "Summary (English)", "Citation: volume").
pub(super) fn short_label(name: &str, lang: Lang) -> &'static str {
    crate::i18n::tr_static(lang, &format!("short-{name}"))
}

/// The fields with their values (as sent, else as stored) and their problems.
fn fields_of(lang: Lang, value: &dyn Fn(&str) -> String, problems: &Problems) -> Vec<Field> {
    LABELS
        .iter()
        .map(|&(name, long)| Field {
            name,
            label: label_of(name, lang),
            value: value(name),
            long,
            problems: problems.of(name).map(|p| p.text(lang)).collect(),
        })
        .collect()
}

/// Every problem, each with the field it belongs to.
fn listed(problems: &Problems, lang: Lang) -> Vec<(Option<(&'static str, &'static str)>, String)> {
    problems
        .all()
        .iter()
        .map(|p| {
            let at = p.field.map(|f| (f, label(f, lang)));
            (at, p.text(lang))
        })
        .collect()
}

fn beside(problems: &Problems, field: &str, lang: Lang) -> Vec<String> {
    problems.of(field).map(|p| p.text(lang)).collect()
}

pub(super) fn page(
    state: &AppState,
    req: &HttpRequest,
    (exhibition, story, code): (&str, &str, String),
    text: &str,
    values: Option<&HashMap<String, String>>,
    problems: Problems,
    saved: bool,
) -> Result<StoryPage, WebError> {
    let organizer = Organizer::of(req)?;
    let catalog = state.catalog();
    let shown = catalog.exhibition(exhibition).map(|(_, e)| e);
    let zone = shown.map_or_else(|| state.day_zone.clone(), |e| e.time_zone.clone());
    // Answering a POST too: the toggle leads to the form itself.
    let t = AdminUi::of(req, zone).toggle_to(&format!("/admin/e/{exhibition}/stories/{story}"));
    let lang = t.lang;
    let stored = edit::story_values(text).map_err(|e| WebError::BadRequest(e.to_string()))?;
    let value = |name: &str| {
        values
            .and_then(|v| v.get(name).cloned())
            .or_else(|| {
                stored
                    .iter()
                    .find(|(n, _)| *n == name)
                    .map(|(_, v)| v.clone())
            })
            .unwrap_or_default()
    };
    let live = shown.and_then(|e| e.stories.iter().find(|s| s.id == story));
    Ok(StoryPage {
        organizer: organizer.name.clone(),
        csrf: organizer.csrf().to_string(),
        exhibition: exhibition.to_string(),
        exhibition_name: shown.map_or(exhibition, |e| e.title.get(lang)).to_string(),
        story: story.to_string(),
        story_name: live.map_or(story, |s| s.title.get(lang)).to_string(),
        cover_url: live.map(|s| format!("/cover/{exhibition}/{story}/160?v={}", s.cover.version)),
        live_url: live.map(|s| format!("/s/{}?lang={}", s.code, lang.as_str())),
        code,
        version: edit::version(text),
        fields: fields_of(lang, &value, &problems),
        id_problems: Vec::new(),
        cover_problems: beside(&problems, "cover_file", lang),
        problems: listed(&problems, lang),
        t,
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
    problems: Problems,
) -> Result<StoryPage, WebError> {
    let organizer = Organizer::of(req)?;
    let value = |name: &str| values.get(name).cloned().unwrap_or_default();
    let catalog = state.catalog();
    let shown = catalog.exhibition(exhibition).map(|(_, e)| e);
    let zone = shown.map_or_else(|| state.day_zone.clone(), |e| e.time_zone.clone());
    let t = AdminUi::of(req, zone).toggle_to(&format!("/admin/e/{exhibition}/stories/{NEW}"));
    let lang = t.lang;
    Ok(StoryPage {
        organizer: organizer.name.clone(),
        csrf: organizer.csrf().to_string(),
        exhibition: exhibition.to_string(),
        exhibition_name: shown.map_or(exhibition, |e| e.title.get(lang)).to_string(),
        story: NEW.to_string(),
        story_name: String::new(),
        cover_url: None,
        live_url: None,
        code: value("code"),
        version: String::new(),
        fields: fields_of(lang, &value, &problems),
        id_problems: beside(&problems, "id", lang),
        cover_problems: beside(&problems, "cover_file", lang),
        problems: listed(&problems, lang),
        t,
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
        let page = new_page(
            &state,
            &req,
            &exhibition,
            &HashMap::new(),
            Problems::default(),
        )?;
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
        Problems::default(),
        shown.saved.is_some(),
    )?;
    Ok(no_store(page.t.respond(StatusCode::OK, &page)))
}

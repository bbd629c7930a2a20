//! Editing a story from the dashboard: `GET /admin/e/{exhibition}/stories/{story}` shows every
//! field, `POST` saves (with a cover upload) through `catalog::save`, which checks the whole
//! exhibit folder first, refuses a save based on an older file, and keeps the old one; then the
//! catalog is reloaded, so visitors see the change at once. `POST
//! /admin/e/{exhibition}/undo/{entry}` puts a kept version back. File reads, cover resizing
//! and saves run on blocking threads, never on the async executor.

use std::collections::HashMap;

use actix_multipart::Multipart;
use actix_web::http::{StatusCode, header};
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use futures_util::StreamExt;

use super::admin_ui::AdminUi;
use super::auth::Organizer;
use super::error::WebError;
use super::{AppState, no_store};
use crate::catalog::edit;
use crate::catalog::save::{self, Change, SaveError};
use crate::catalog::story_file::story_text;
use crate::covers::{CoverError, resize_cover};

/// The largest cover accepted, and the most text a form may carry.
const COVER_BYTES: usize = 5 << 20;
/// `/admin/e/{exhibition}/stories/new`: the form for a new story (no story may be called so).
const NEW: &str = "new";
const TEXT_BYTES: usize = 64 << 10;

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
struct StoryPage {
    organizer: String,
    csrf: String,
    exhibition: String,
    story: String,
    code: String,
    version: String,
    t: AdminUi,
    fields: Vec<(&'static str, &'static str, &'static str, String, bool)>,
    problems: Vec<String>,
    saved: bool,
    is_new: bool,
    new_id: String,
}

#[derive(serde::Deserialize)]
pub(super) struct Shown {
    saved: Option<String>,
}

/// Where a story's file is: (exhibition folder, story code).
fn story_of(
    state: &AppState,
    exhibition: &str,
    story: &str,
) -> Result<(std::path::PathBuf, String), WebError> {
    let catalog = state.catalog();
    let (_, e) = catalog
        .exhibition(exhibition)
        .ok_or_else(|| WebError::NotFound(format!("no exhibition `{exhibition}`")))?;
    let s = e
        .stories
        .iter()
        .find(|s| s.id == story)
        .ok_or_else(|| WebError::NotFound(format!("no story `{story}` in `{exhibition}`")))?;
    Ok((e.dir.clone(), s.code.to_string()))
}

fn page(
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
fn new_page(
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

pub(super) async fn story_form(
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

/// The form's text fields and the uploaded cover, within the size limits.
async fn read_form(
    mut payload: Multipart,
) -> Result<(HashMap<String, String>, Option<Vec<u8>>), WebError> {
    let mut fields = HashMap::new();
    let mut cover = None;
    let mut text = 0;
    while let Some(field) = payload.next().await {
        let mut field =
            field.map_err(|e| WebError::BadRequest(format!("the form could not be read: {e}")))?;
        let name = field.name().unwrap_or_default().to_string();
        let limit = if name == "cover_file" {
            COVER_BYTES
        } else {
            TEXT_BYTES
        };
        let mut bytes = Vec::new();
        while let Some(chunk) = field.next().await {
            let chunk = chunk
                .map_err(|e| WebError::BadRequest(format!("the form could not be read: {e}")))?;
            if bytes.len() + chunk.len() > limit {
                return Err(WebError::BadRequest(if name == "cover_file" {
                    "the cover is larger than 5 MB: make it smaller (720×960 is plenty)".into()
                } else {
                    format!("the field `{name}` is too long")
                }));
            }
            bytes.extend_from_slice(&chunk);
        }
        if name == "cover_file" {
            // The uploaded file's own name is never used: covers are stored by story id.
            if !bytes.is_empty() {
                cover = Some(bytes);
            }
        } else {
            text += bytes.len();
            if text > TEXT_BYTES {
                return Err(WebError::BadRequest("the form is too long".into()));
            }
            let value = String::from_utf8(bytes)
                .map_err(|_| WebError::BadRequest(format!("the field `{name}` is not text")))?;
            fields.insert(name, value);
        }
    }
    Ok((fields, cover))
}

pub(super) async fn story_save(
    state: web::Data<AppState>,
    req: HttpRequest,
    path: web::Path<(String, String)>,
    payload: Multipart,
) -> Result<HttpResponse, WebError> {
    let (exhibition, story) = path.into_inner();
    let (fields, upload) = read_form(payload).await?;
    let organizer =
        super::admin::organizer_with_token(&req, fields.get("csrf").map(String::as_str))?;
    if story == NEW {
        return create(&state, &req, &exhibition, &organizer, fields, upload).await;
    }
    let (dir, code) = story_of(&state, &exhibition, &story)?;
    let file = format!("stories/{story}.toml");
    let text = read_text(dir.join(&file)).await?;
    let mut problems = Vec::new();
    let mut changes = Vec::new();
    let cover_file = format!("covers/{story}.jpg");
    if let Some(bytes) = upload {
        match resized(bytes).await? {
            Ok(jpeg) => changes.push(Change::write(cover_file.clone(), jpeg)),
            Err(e) => problems.push(format!("new cover: {e}")),
        }
    }
    let has_cover = !changes.is_empty();
    let values = |name: &str| {
        if name == "cover" {
            has_cover.then(|| cover_file.clone())
        } else {
            fields.get(name).cloned()
        }
    };
    let edited = match edit::edit_story(&text, &values) {
        Ok(t) => Some(t),
        Err(e) => {
            problems.push(e.to_string());
            None
        }
    };
    let shown = (exhibition.as_str(), story.as_str(), code.clone());
    let (Some(edited), true) = (edited, problems.is_empty()) else {
        let page = page(&state, &req, shown, &text, Some(&fields), problems, false)?;
        return Ok(no_store(
            page.t.respond(StatusCode::UNPROCESSABLE_ENTITY, &page),
        ));
    };
    changes.insert(0, Change::write(file.clone(), edited));
    let base = fields.get("version").cloned().unwrap_or_default();
    let saved = save(&state, dir, (file, Some(base)), changes, &organizer).await?;
    match saved {
        Ok(()) => {
            live(&state).await?;
            tracing::info!(
                exhibition,
                story,
                by = organizer.name,
                "story saved from the dashboard"
            );
            Ok(HttpResponse::SeeOther()
                .insert_header((
                    header::LOCATION,
                    format!("/admin/e/{exhibition}/stories/{story}?saved=1"),
                ))
                .finish())
        }
        Err(SaveError::Rejected(problems)) => {
            let problems = problems.iter().map(ToString::to_string).collect();
            let page = page(&state, &req, shown, &text, Some(&fields), problems, false)?;
            Ok(no_store(
                page.t.respond(StatusCode::UNPROCESSABLE_ENTITY, &page),
            ))
        }
        Err(e @ (SaveError::Stale | SaveError::Busy)) => {
            let status = refused_status(&e);
            let problems = vec![e.to_string()];
            let page = page(&state, &req, shown, &text, Some(&fields), problems, false)?;
            Ok(no_store(page.t.respond(status, &page)))
        }
        Err(e) => Err(WebError::internal("save", e)),
    }
}

/// Makes a new story file (commented like the demo's) and its cover.
async fn create(
    state: &web::Data<AppState>,
    req: &HttpRequest,
    exhibition: &str,
    organizer: &Organizer,
    fields: HashMap<String, String>,
    upload: Option<Vec<u8>>,
) -> Result<HttpResponse, WebError> {
    let dir = state
        .catalog()
        .exhibition(exhibition)
        .map(|(_, e)| e.dir.clone())
        .ok_or_else(|| WebError::NotFound(format!("no exhibition `{exhibition}`")))?;
    let id = fields.get("id").map_or("", |v| v.trim()).to_string();
    let mut problems = Vec::new();
    if id.is_empty()
        || id == NEW
        || !id
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
    {
        problems.push(format!(
            "story id `{id}`: use lowercase letters, digits and - (and not `new`)"
        ));
    }
    let cover = match upload {
        Some(bytes) => match resized(bytes).await? {
            Ok(jpeg) => Some(jpeg),
            Err(e) => {
                problems.push(format!("cover: {e}"));
                None
            }
        },
        None => {
            problems.push("a new story needs a cover image (PNG or JPEG)".into());
            None
        }
    };
    let (Some(cover), true) = (cover, problems.is_empty()) else {
        let page = new_page(state, req, exhibition, &fields, problems)?;
        return Ok(no_store(
            page.t.respond(StatusCode::UNPROCESSABLE_ENTITY, &page),
        ));
    };
    let get = |name: &str| match name {
        "citation_issue_date" => String::new(),
        _ => fields.get(name).cloned().unwrap_or_default(),
    };
    let text = story_text(
        &id,
        &get,
        None,
        &format!("made on the dashboard by {}", organizer.name),
    );
    // The citation and the free copy, when given, go in through the editor's own path.
    let values = |name: &str| match name {
        "cover" | "title_zh" | "title_en" | "summary_zh" | "summary_en" | "topics" | "doi"
        | "url" | "cover_alt_zh" | "cover_alt_en" => None,
        _ => fields.get(name).cloned().filter(|v| !v.trim().is_empty()),
    };
    let text = match edit::edit_story(&text, &values) {
        Ok(text) => text,
        Err(e) => {
            let page = new_page(state, req, exhibition, &fields, vec![e.to_string()])?;
            return Ok(no_store(
                page.t.respond(StatusCode::UNPROCESSABLE_ENTITY, &page),
            ));
        }
    };
    let file = format!("stories/{id}.toml");
    let changes = vec![
        Change::write(file.clone(), text),
        Change::write(format!("covers/{id}.jpg"), cover),
    ];
    let saved = save(state, dir, (file, None), changes, organizer).await?;
    let (problems, status) = match saved {
        Ok(()) => {
            live(state).await?;
            tracing::info!(
                exhibition,
                story = id,
                by = organizer.name,
                "story made from the dashboard"
            );
            return Ok(HttpResponse::SeeOther()
                .insert_header((
                    header::LOCATION,
                    format!("/admin/e/{exhibition}/stories/{id}?saved=1"),
                ))
                .finish());
        }
        Err(SaveError::Rejected(problems)) => (
            problems.iter().map(ToString::to_string).collect(),
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        Err(SaveError::Stale) => (
            vec![format!("a story `{id}` exists already: choose another id")],
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        Err(e @ SaveError::Busy) => (vec![e.to_string()], refused_status(&e)),
        Err(e) => return Err(WebError::internal("save", e)),
    };
    let page = new_page(state, req, exhibition, &fields, problems)?;
    Ok(no_store(page.t.respond(status, &page)))
}

/// The status of a save refused for the moment: a stale base is a conflict; a save under way
/// elsewhere is worth trying again shortly.
pub(super) fn refused_status(e: &SaveError) -> StatusCode {
    match e {
        SaveError::Busy => StatusCode::SERVICE_UNAVAILABLE,
        _ => StatusCode::CONFLICT,
    }
}

/// A file's text, read on a blocking thread.
pub(super) async fn read_text(path: std::path::PathBuf) -> Result<String, WebError> {
    web::block(move || std::fs::read_to_string(path))
        .await
        .map_err(|e| WebError::internal("exhibit file", e))?
        .map_err(|e| WebError::internal("exhibit file", e))
}

/// An uploaded cover resized (`covers::resize_cover`) on a blocking thread: decoding and
/// resizing a 5 MB image takes a worker's whole attention for a while. `Err` inside: the
/// sender's file is not an image; a failure to encode is this server's.
async fn resized(bytes: Vec<u8>) -> Result<Result<Vec<u8>, CoverError>, WebError> {
    match web::block(move || resize_cover(&bytes))
        .await
        .map_err(|e| WebError::internal("cover", e))?
    {
        Err(e @ CoverError::Encode(_)) => Err(WebError::internal("cover", e)),
        resized => Ok(resized),
    }
}

/// Saves `changes` into the exhibition folder `dir` on a blocking thread (`save::save`: the
/// save lock, base version checked, whole folder checked, atomic writes, old files kept), as
/// `organizer`.
pub(super) async fn save(
    state: &AppState,
    dir: std::path::PathBuf,
    (file, base): (String, Option<String>),
    changes: Vec<Change>,
    organizer: &Organizer,
) -> Result<Result<(), SaveError>, WebError> {
    let root = state.exhibits().to_path_buf();
    let (who, now) = (organizer.name.clone(), state.clock.now());
    web::block(move || {
        save::save(
            &root,
            &dir,
            &[(&file, base.as_deref())],
            &changes,
            &who,
            now,
        )
    })
    .await
    .map_err(|e| WebError::internal("save", e))
}

/// Loads the saved files, so visitors see them now.
pub(super) async fn live(state: &web::Data<AppState>) -> Result<(), WebError> {
    let worker = state.clone();
    let reloaded = web::block(move || worker.reload_catalog())
        .await
        .map_err(|e| WebError::internal("reload", e))?;
    if let Err(problems) = reloaded {
        tracing::error!(?problems, "a checked save did not load");
    }
    Ok(())
}

#[derive(serde::Deserialize)]
pub(super) struct UndoForm {
    csrf: Option<String>,
}

pub(super) async fn undo(
    state: web::Data<AppState>,
    req: HttpRequest,
    path: web::Path<(String, String)>,
    form: web::Form<UndoForm>,
) -> Result<HttpResponse, WebError> {
    let organizer = super::admin::organizer_with_token(&req, form.csrf.as_deref())?;
    let (exhibition, entry) = path.into_inner();
    let catalog = state.catalog();
    let (_, e) = catalog
        .exhibition(&exhibition)
        .ok_or_else(|| WebError::NotFound(format!("no exhibition `{exhibition}`")))?;
    let (root, dir) = (state.exhibits().to_path_buf(), e.dir.clone());
    let (who, now) = (organizer.name.clone(), state.clock.now());
    let undone = web::block(move || save::undo(&root, &dir, &entry, &who, now))
        .await
        .map_err(|e| WebError::internal("undo", e))?;
    match undone {
        Ok(file) => {
            live(&state).await?;
            tracing::info!(
                exhibition,
                file,
                by = organizer.name,
                "change undone from the dashboard"
            );
            Ok(HttpResponse::SeeOther()
                .insert_header((header::LOCATION, format!("/admin/e/{exhibition}#files")))
                .finish())
        }
        Err(e @ SaveError::NoSuchVersion(_)) => Err(WebError::NotFound(e.to_string())),
        Err(SaveError::Rejected(problems)) => Err(WebError::BadRequest(format!(
            "that version no longer passes the checks: {}",
            problems
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join("; ")
        ))),
        Err(e @ (SaveError::Stale | SaveError::Busy)) => Err(WebError::Busy(e.to_string())),
        Err(e) => Err(WebError::internal("undo", e)),
    }
}

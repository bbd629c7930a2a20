//! `POST /admin/e/{exhibition}/stories/{story}`: saves an edited story (and a new cover), or
//! makes a new story for `stories/new`, then reloads the catalog.

use std::collections::HashMap;

use actix_multipart::Multipart;
use actix_web::http::{StatusCode, header};
use actix_web::{HttpRequest, HttpResponse, web};

use super::story_form::{new_page, page};
use super::upload::{Upload, read_form, resized};
use super::words::Problems;
use super::{NEW, live, read_text, refused_status, save, story_of};
use crate::catalog::save::{Change, SaveError};
use crate::catalog::story_file::story_text;
use crate::catalog::{edit, values};
use crate::web::auth::Organizer;
use crate::web::error::WebError;
use crate::web::{AppState, no_store};

pub(crate) async fn story_save(
    state: web::Data<AppState>,
    req: HttpRequest,
    path: web::Path<(String, String)>,
    payload: Multipart,
) -> Result<HttpResponse, WebError> {
    let (exhibition, story) = path.into_inner();
    let (fields, upload) = read_form(payload).await?;
    let organizer =
        crate::web::admin::organizer_with_token(&req, fields.get("csrf").map(String::as_str))?;
    if story == NEW {
        return create(&state, &req, &exhibition, &organizer, fields, upload).await;
    }
    let (dir, code) = story_of(&state, &exhibition, &story)?;
    let file = format!("stories/{story}.toml");
    let text = read_text(dir.join(&file)).await?;
    let mut problems = Problems::of_form(&fields, &values::languages(&dir));
    let mut changes = Vec::new();
    let cover_file = format!("covers/{story}.jpg");
    if let Some(bytes) = upload {
        match resized(bytes).await? {
            Ok(jpeg) => changes.push(Change::write(cover_file.clone(), jpeg)),
            Err(e) => problems.cover(&e),
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
    // A value already refused (a bad date) is not reported twice.
    let edited = match edit::edit_story(&text, &values) {
        Ok(t) => Some(t),
        Err(e) if problems.is_empty() => {
            problems.add(None, "editor-cannot-edit", &[("message", &e.to_string())]);
            None
        }
        Err(_) => None,
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
            let problems = Problems::from_check(&problems);
            let page = page(&state, &req, shown, &text, Some(&fields), problems, false)?;
            Ok(no_store(
                page.t.respond(StatusCode::UNPROCESSABLE_ENTITY, &page),
            ))
        }
        Err(e @ (SaveError::Stale | SaveError::Busy)) => {
            let status = refused_status(&e);
            let problems = Problems::refused(&e);
            let page = page(&state, &req, shown, &text, Some(&fields), problems, false)?;
            Ok(no_store(page.t.respond(status, &page)))
        }
        Err(e) => {
            let (status, problem) = not_writable(&state, &req, &exhibition, e)?;
            let page = page(
                &state,
                &req,
                shown,
                &text,
                Some(&fields),
                Problems::said(problem),
                false,
            )?;
            Ok(no_store(page.t.respond(status, &page)))
        }
    }
}

/// A save that the server's disk refused (a read-only exhibits folder, a full disk), said in
/// the admin's language with what to do: staff with only a browser cannot read the log. Any
/// other failure is the server's own (500, cause in the log).
pub(crate) fn not_writable(
    state: &AppState,
    req: &HttpRequest,
    exhibition: &str,
    e: SaveError,
) -> Result<(StatusCode, String), WebError> {
    let zone = state
        .catalog()
        .exhibition(exhibition)
        .map_or_else(|| state.day_zone.clone(), |(_, e)| e.time_zone.clone());
    let lang = crate::web::admin_ui::AdminUi::of(req, zone).lang;
    match e {
        SaveError::ReadOnly { ref path, .. } => {
            tracing::warn!(error = %crate::error_chain(&e), "a save from the dashboard found the exhibits read-only");
            let path = path.display().to_string();
            Ok((
                StatusCode::SERVICE_UNAVAILABLE,
                crate::i18n::tr_args(lang, "editor-read-only", &[("path", path.into())]),
            ))
        }
        SaveError::DiskFull { .. } => {
            tracing::error!(error = %crate::error_chain(&e), "a save from the dashboard found the disk full");
            Ok((
                StatusCode::INSUFFICIENT_STORAGE,
                crate::i18n::tr(lang, "editor-disk-full"),
            ))
        }
        e => Err(WebError::internal("save", e)),
    }
}

/// Makes a new story file (commented like the demo's) and its cover.
async fn create(
    state: &web::Data<AppState>,
    req: &HttpRequest,
    exhibition: &str,
    organizer: &Organizer,
    fields: HashMap<String, String>,
    upload: Option<Upload>,
) -> Result<HttpResponse, WebError> {
    let dir = state
        .catalog()
        .exhibition(exhibition)
        .map(|(_, e)| e.dir.clone())
        .ok_or_else(|| WebError::NotFound(format!("no exhibition `{exhibition}`")))?;
    let id = fields.get("id").map_or("", |v| v.trim()).to_string();
    let mut problems = Problems::of_form(&fields, &values::languages(&dir));
    if id.is_empty()
        || id == NEW
        || !id
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
    {
        problems.add(Some("id"), "editor-bad-id", &[("id", &id)]);
    }
    let cover = match upload {
        Some(bytes) => match resized(bytes).await? {
            Ok(jpeg) => Some(jpeg),
            Err(e) => {
                problems.cover(&e);
                None
            }
        },
        None => {
            problems.add(Some("cover_file"), "editor-cover-needed", &[]);
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
            let mut problems = Problems::default();
            problems.add(None, "editor-cannot-create", &[("message", &e.to_string())]);
            let page = new_page(state, req, exhibition, &fields, problems)?;
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
            Problems::from_check(&problems),
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        Err(SaveError::Stale) => {
            let mut problems = Problems::default();
            problems.add(Some("id"), "editor-id-taken", &[("id", &id)]);
            (problems, StatusCode::UNPROCESSABLE_ENTITY)
        }
        Err(e @ SaveError::Busy) => (Problems::refused(&e), refused_status(&e)),
        Err(e) => {
            let (status, problem) = not_writable(state, req, exhibition, e)?;
            (Problems::said(problem), status)
        }
    };
    let page = new_page(state, req, exhibition, &fields, problems)?;
    Ok(no_store(page.t.respond(status, &page)))
}

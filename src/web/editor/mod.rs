//! Editing a story from the dashboard: `GET /admin/e/{exhibition}/stories/{story}` shows every
//! field, `POST` saves (with a cover upload) through `catalog::save`, which checks the whole
//! exhibit folder first, refuses a save based on an older file, and keeps the old one; then the
//! catalog is reloaded, so visitors see the change at once. `POST
//! /admin/e/{exhibition}/undo/{entry}` puts a kept version back. File reads, cover resizing
//! and saves run on blocking threads, never on the async executor.
//!
//! This file owns what the editor's parts and `phases` share: finding a story's file, reading
//! exhibit files, saving through `catalog::save` and making the saved files live. The parts:
//! `story_form` (the form, GET), `story_save` (its POST: an edited or a new story), `upload`
//! (reading the multipart form, resizing the cover), `undo` (putting a kept version back),
//! `words` (what the editor says about a save, in the page's language, field by field),
//! `summary` (what each save in the history changed).

mod story_form;
mod story_save;
mod summary;
mod undo;
mod upload;
mod words;

use actix_web::http::StatusCode;
use actix_web::web;

use super::AppState;
use super::auth::Organizer;
use super::error::WebError;
use crate::catalog::save::{self, Change, SaveError};

pub(super) use story_form::story_form;
pub(super) use story_save::{not_writable, story_save};
pub(super) use summary::summaries;
pub(super) use undo::undo;
pub(super) use words::said;

/// `/admin/e/{exhibition}/stories/new`: the form for a new story (no story may be called so).
const NEW: &str = "new";

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

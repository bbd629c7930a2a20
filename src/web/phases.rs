//! Scheduling a new phase from the dashboard: `GET /admin/e/{exhibition}/phases/new` (a form
//! with a story for each station, the live phase's choice first), `POST` adds a `[[phases]]`
//! block to `exhibition.toml` through `catalog::save` (checked first, kept in history, refused
//! when the file changed meanwhile) and reloads.

use std::collections::HashMap;
use std::sync::Arc;

use actix_web::http::{StatusCode, header};
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;

use super::admin_ui::AdminUi;
use super::auth::Organizer;
use super::error::WebError;
use super::{AppState, no_store};
use crate::catalog::edit::{self, NewPhase};
use crate::catalog::save::{Change, SaveError};
use crate::catalog::{Catalog, Exhibition};

const FILE: &str = "exhibition.toml";

#[derive(Template)]
#[template(path = "admin_phase.html")]
struct PhasePage {
    t: AdminUi,
    organizer: String,
    csrf: String,
    exhibition: String,
    version: String,
    zone: String,
    id: String,
    name_zh: String,
    name_en: String,
    starts: String,
    /// (station id, place, story chosen)
    stations: Vec<(String, String, String)>,
    /// (story id, title)
    stories: Vec<(String, String)>,
    problems: Vec<String>,
}

/// The form, as sent (or blank), for `exhibition.toml` as `text` holds it.
fn page(
    state: &AppState,
    req: &HttpRequest,
    (e, text): (&Exhibition, &str),
    form: &HashMap<String, String>,
    problems: Vec<String>,
) -> Result<PhasePage, WebError> {
    let organizer = Organizer::of(req)?;
    let live = e.showing(state.clock.now(), state.last_switch(&e.id).as_ref());
    let shown_now = &e.phases[live.phase].show;
    let field = |name: &str| form.get(name).cloned().unwrap_or_default();
    let lang = AdminUi::of(req, e.time_zone.clone());
    let place_lang = lang.lang;
    Ok(PhasePage {
        t: lang.toggle_to(&format!("/admin/e/{}/phases/new", e.id)),
        organizer: organizer.name.clone(),
        csrf: organizer.csrf().to_string(),
        exhibition: e.id.clone(),
        version: form
            .get("version")
            .cloned()
            .unwrap_or_else(|| edit::version(text)),
        zone: e.time_zone.iana_name().unwrap_or("local").to_string(),
        id: field("id"),
        name_zh: field("name_zh"),
        name_en: field("name_en"),
        starts: field("starts"),
        stations: e
            .stations
            .iter()
            .enumerate()
            .map(|(i, s)| {
                let chosen = form
                    .get(&format!("show_{}", s.id))
                    .cloned()
                    .unwrap_or_else(|| e.stories[shown_now[i]].id.clone());
                (s.id.clone(), s.place.get(place_lang).to_string(), chosen)
            })
            .collect(),
        stories: e
            .stories
            .iter()
            .map(|s| (s.id.clone(), s.title.get(place_lang).to_string()))
            .collect(),
        problems,
    })
}

/// The catalog serving now and the exhibition's index in it.
fn exhibition(state: &AppState, id: &str) -> Result<(Arc<Catalog>, usize), WebError> {
    let catalog = state.catalog();
    let index = catalog
        .exhibition(id)
        .map(|(i, _)| i)
        .ok_or_else(|| WebError::NotFound(format!("no exhibition `{id}`")))?;
    Ok((catalog, index))
}

pub(super) async fn form(
    state: web::Data<AppState>,
    req: HttpRequest,
    path: web::Path<String>,
) -> Result<HttpResponse, WebError> {
    let (catalog, i) = exhibition(&state, &path)?;
    let e = &catalog.exhibitions[i];
    let text = super::editor::read_text(e.dir.join(FILE)).await?;
    let page = page(&state, &req, (e, &text), &HashMap::new(), Vec::new())?;
    Ok(no_store(page.t.respond(StatusCode::OK, &page)))
}

pub(super) async fn save(
    state: web::Data<AppState>,
    req: HttpRequest,
    path: web::Path<String>,
    form: web::Form<HashMap<String, String>>,
) -> Result<HttpResponse, WebError> {
    let form = form.into_inner();
    let organizer = super::admin::organizer_with_token(&req, form.get("csrf").map(String::as_str))?;
    let (catalog, i) = exhibition(&state, &path)?;
    let e = &catalog.exhibitions[i];
    let text = super::editor::read_text(e.dir.join(FILE)).await?;
    let field = |name: &str| form.get(name).map_or("", |v| v.as_str());
    let phase = NewPhase {
        id: field("id"),
        name_zh: field("name_zh"),
        name_en: field("name_en"),
        starts: field("starts"),
        show: e
            .stations
            .iter()
            .map(|s| (s.id.clone(), field(&format!("show_{}", s.id)).to_string()))
            .collect(),
    };
    let rejected = |problems: Vec<String>, status: StatusCode| -> Result<HttpResponse, WebError> {
        let page = page(&state, &req, (e, &text), &form, problems)?;
        Ok(no_store(page.t.respond(status, &page)))
    };
    let added = match edit::add_phase(&text, &phase) {
        Ok(added) => added,
        Err(err) => {
            let t = AdminUi::of(&req, e.time_zone.clone());
            let said = match &err {
                edit::EditError::BadStart(given) => crate::i18n::tr_args(
                    t.lang,
                    "phase-bad-start",
                    &[("given", given.clone().into())],
                ),
                edit::EditError::Invalid(_) => crate::i18n::tr_args(
                    t.lang,
                    "phase-file-invalid",
                    &[("message", err.to_string().into())],
                ),
            };
            return rejected(vec![said], StatusCode::UNPROCESSABLE_ENTITY);
        }
    };
    let change = Change::write(FILE, added);
    let base = (FILE.to_string(), Some(field("version").to_string()));
    let saved = super::editor::save(&state, e.dir.clone(), base, vec![change], &organizer).await?;
    match saved {
        Ok(()) => {
            super::editor::live(&state).await?;
            tracing::info!(
                exhibition = e.id,
                phase = phase.id,
                by = organizer.name,
                "phase scheduled from the dashboard"
            );
            Ok(HttpResponse::SeeOther()
                .insert_header((header::LOCATION, format!("/admin/e/{}#phase", e.id)))
                .finish())
        }
        // In the page's language, like the story editor's.
        Err(err @ SaveError::Rejected(_)) => rejected(
            super::editor::said(&err, AdminUi::of(&req, e.time_zone.clone()).lang),
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        Err(err @ (SaveError::Stale | SaveError::Busy)) => rejected(
            super::editor::said(&err, AdminUi::of(&req, e.time_zone.clone()).lang),
            super::editor::refused_status(&err),
        ),
        // A read-only exhibits folder or a full disk: a page saying so, not a bare 500.
        Err(err) => {
            let (status, problem) = super::editor::not_writable(&state, &req, &e.id, err)?;
            rejected(vec![problem], status)
        }
    }
}

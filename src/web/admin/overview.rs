//! `GET /admin`: the overview of every exhibition, the catalog's reload status and the replicas.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use jiff::Timestamp;

use super::{Replicas, compute, title};
use crate::catalog;
use crate::stats::Stats;
use crate::web::admin_ui::AdminUi;
use crate::web::auth::Organizer;
use crate::web::error::WebError;
use crate::web::{AppState, no_store};

#[derive(Template)]
#[template(path = "admin_overview.html")]
struct Overview {
    t: AdminUi,
    organizer: String,
    csrf: String,
    reload: catalog::ReloadStatus,
    /// When the catalog was loaded.
    loaded_at: Option<Timestamp>,
    replicas: Option<Replicas>,
    shows: Vec<(String, String, String, Stats)>,
}

pub(crate) async fn overview(
    state: web::Data<AppState>,
    req: HttpRequest,
) -> Result<HttpResponse, WebError> {
    let catalog = state.catalog();
    let organizer = Organizer::of(&req)?;
    // Every time on the page in one zone: the first exhibition's (usually the only one).
    let zone = catalog
        .exhibitions
        .first()
        .map_or_else(|| state.day_zone.clone(), |e| e.time_zone.clone());
    let t = AdminUi::of(&req, zone);
    let mut shows = Vec::new();
    // Only the exhibitions this person holds a role in: the others do not exist for them.
    for e in catalog.exhibitions.iter().filter(|e| organizer.sees(&e.id)) {
        let stats = compute(&state, &catalog, &e.id, None).await?;
        let live = e.showing(state.clock.now(), state.last_switch(&e.id).as_ref());
        shows.push((
            e.id.clone(),
            title(e),
            e.phases[live.phase].name.get(t.lang).to_string(),
            stats,
        ));
    }
    let reload = state.reload_status();
    let page = Overview {
        organizer: organizer.name.clone(),
        csrf: organizer.csrf().to_string(),
        loaded_at: reload.loaded_at,
        reload,
        replicas: Replicas::of(&state),
        shows,
        t,
    };
    Ok(no_store(page.t.respond(StatusCode::OK, &page)))
}

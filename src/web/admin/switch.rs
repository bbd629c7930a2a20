//! `POST /admin/switch/{exhibition}` and `POST /admin/return/{exhibition}`: the manual phase
//! switch and the return to the schedule, each confirmed first, both recorded in the store.

use actix_web::http::{StatusCode, header};
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use serde::Deserialize;

use super::{find, organizer_with_token, title};
use crate::catalog::Switch;
use crate::web::admin_ui::AdminUi;
use crate::web::error::WebError;
use crate::web::{AppState, html, no_store};

// ---------------------------------------------------------------------------------------------
// POST /admin/switch/{exhibition}: phase, confirm=yes, csrf

#[derive(Deserialize)]
pub(crate) struct SwitchForm {
    phase: String,
    confirm: Option<String>,
    csrf: Option<String>,
}

#[derive(Template)]
#[template(path = "admin_confirm.html")]
struct Confirm<'a> {
    t: AdminUi,
    id: &'a str,
    title: String,
    /// The phases by name; `to` also by id, for the form.
    from: &'a str,
    to: &'a str,
    to_name: &'a str,
    csrf: &'a str,
}

pub(crate) async fn switch(
    state: web::Data<AppState>,
    req: HttpRequest,
    path: web::Path<String>,
    form: web::Form<SwitchForm>,
) -> Result<HttpResponse, WebError> {
    let organizer = organizer_with_token(&req, form.csrf.as_deref())?;
    let catalog = state.catalog();
    let e = find(&catalog, &path)?;
    let Some((_, phase)) = e.phase(&form.phase) else {
        let message = format!("exhibition `{}` has no phase `{}`", e.id, form.phase);
        return Err(WebError::BadRequest(message));
    };
    if form.confirm.as_deref() != Some("yes") {
        let live = e
            .showing(state.clock.now(), state.last_switch(&e.id).as_ref())
            .phase;
        let t = AdminUi::of(&req, e.time_zone.clone()).toggle_to(&format!("/admin/e/{}", e.id));
        let page = Confirm {
            id: &e.id,
            title: title(e),
            from: e.phases[live].name.get(t.lang),
            to: &phase.id,
            to_name: phase.name.get(t.lang),
            csrf: organizer.csrf(),
            t,
        };
        return Ok(no_store(html(StatusCode::OK, &page)));
    }
    crate::web::audit::note(&req, format!("switched to {}", phase.id));
    let switch = Switch {
        exhibition: e.id.clone(),
        phase: phase.id.clone(),
        at: state.clock.now(),
        by: organizer.name,
    };
    record(&state, switch).await
}

/// Stores a switch (or a return to the schedule), makes it live, and sends the organizer back
/// to the phase section of the dashboard.
async fn record(state: &AppState, switch: Switch) -> Result<HttpResponse, WebError> {
    let (store, made) = (state.store.clone(), switch.clone());
    web::block(move || store.change(&store.new_switch(made)?))
        .await
        .map_err(|e| WebError::internal("switch", e))?
        .map_err(|e| WebError::internal("switch", e))?;
    tracing::info!(exhibition = %switch.exhibition, phase = %switch.phase, by = %switch.by, "manual phase switch");
    let location = format!("/admin/e/{}#phase", switch.exhibition);
    state.remember_switch(switch);
    Ok(HttpResponse::SeeOther()
        .insert_header((header::LOCATION, location))
        .finish())
}

// ---------------------------------------------------------------------------------------------
// POST /admin/return/{exhibition}: confirm=yes, csrf

#[derive(Deserialize)]
pub(crate) struct ReturnForm {
    confirm: Option<String>,
    csrf: Option<String>,
}

#[derive(Template)]
#[template(path = "admin_return.html")]
struct ConfirmReturn<'a> {
    t: AdminUi,
    id: &'a str,
    title: String,
    /// The phases by name.
    from: &'a str,
    to: &'a str,
    csrf: &'a str,
}

/// Undoes a manual switch: the schedule decides again from now on.
pub(crate) async fn return_to_schedule(
    state: web::Data<AppState>,
    req: HttpRequest,
    path: web::Path<String>,
    form: web::Form<ReturnForm>,
) -> Result<HttpResponse, WebError> {
    let organizer = organizer_with_token(&req, form.csrf.as_deref())?;
    let catalog = state.catalog();
    let e = find(&catalog, &path)?;
    let now = state.clock.now();
    if form.confirm.as_deref() != Some("yes") {
        let live = e.showing(now, state.last_switch(&e.id).as_ref()).phase;
        let scheduled = e.showing(now, None).phase;
        let t = AdminUi::of(&req, e.time_zone.clone()).toggle_to(&format!("/admin/e/{}", e.id));
        let page = ConfirmReturn {
            id: &e.id,
            title: title(e),
            from: e.phases[live].name.get(t.lang),
            to: e.phases[scheduled].name.get(t.lang),
            csrf: organizer.csrf(),
            t,
        };
        return Ok(no_store(html(StatusCode::OK, &page)));
    }
    crate::web::audit::note(&req, "returned to the schedule");
    record(&state, Switch::back_to_schedule(&e.id, now, organizer.name)).await
}

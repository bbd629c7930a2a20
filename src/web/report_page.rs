//! The printable report, `/admin/report/{exhibition}?phase=` and `/view/{token}/report`;
//! made by `crate::report` (which `docent report` uses too).

use actix_web::http::header;
use actix_web::{HttpResponse, web};
use serde::Deserialize;

use super::error::WebError;
use super::{AppState, no_store};
use crate::report::ReportError;
use crate::stats::small::{EXACT, Threshold};

#[derive(Deserialize)]
pub(super) struct ReportQuery {
    phase: Option<String>,
}

pub(super) async fn admin(
    state: web::Data<AppState>,
    path: web::Path<String>,
    query: web::Query<ReportQuery>,
) -> Result<HttpResponse, WebError> {
    report(&state, &path, query.into_inner().phase, EXACT).await
}

pub(super) async fn view(
    state: web::Data<AppState>,
    path: web::Path<String>,
    query: web::Query<ReportQuery>,
) -> Result<HttpResponse, WebError> {
    let claims = state.shares.check(&path, state.clock.now())?;
    // A link's reader is the public: small visitor counts are hidden.
    let small = state.small;
    report(&state, &claims.exhibition, query.into_inner().phase, small).await
}

async fn report(
    state: &web::Data<AppState>,
    id: &str,
    phase: Option<String>,
    small: Threshold,
) -> Result<HttpResponse, WebError> {
    let catalog = state.catalog();
    if catalog.exhibition(id).is_none() {
        return Err(WebError::NotFound(format!("no exhibition `{id}`")));
    }
    let (store, id, now) = (state.store.clone(), id.to_string(), state.clock.now());
    let phase = phase.filter(|p| !p.trim().is_empty());
    let rendered = web::block(move || {
        let (_, e) = catalog.exhibition(&id).expect("looked up above");
        crate::report::render_for(&store, e, phase.as_deref(), now, small)
    })
    .await
    .map_err(|e| WebError::internal("report", e))?;
    match rendered {
        Ok(body) => Ok(no_store(
            HttpResponse::Ok()
                .content_type("text/html; charset=utf-8")
                .insert_header((
                    header::CONTENT_SECURITY_POLICY,
                    "default-src 'none'; style-src 'unsafe-inline'",
                ))
                .body(body),
        )),
        Err(e @ ReportError::NoPhase { .. }) => Err(WebError::BadRequest(e.to_string())),
        Err(e) => Err(WebError::internal("report", e)),
    }
}

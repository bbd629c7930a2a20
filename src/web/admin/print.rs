//! `GET /admin/print/{exhibition}`: poster and label sheets of an exhibition's codes.

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, web};
use serde::Deserialize;

use super::find;
use crate::web::admin_ui::AdminUi;
use crate::web::error::WebError;
use crate::web::{AppState, no_store};

#[derive(Deserialize)]
pub(crate) struct PrintQuery {
    phase: Option<String>,
    codes: Option<String>,
    sheet: Option<String>,
    ecc: Option<String>,
}

pub(crate) async fn print(
    state: web::Data<AppState>,
    req: HttpRequest,
    path: web::Path<String>,
    query: web::Query<PrintQuery>,
) -> Result<HttpResponse, WebError> {
    let catalog = state.catalog();
    let e = find(&catalog, &path)?;
    // Codes that open only on this machine: `docent print` refuses them; this page says why,
    // in the admin's language, before anyone prints.
    let lang = AdminUi::of(&req, e.time_zone.clone()).lang;
    let options = print_options(&query).map_err(WebError::BadRequest)?;
    let live = e
        .showing(state.clock.now(), state.last_switch(&e.id).as_ref())
        .phase;
    let phase = crate::print::pick_phase(e, options.phase.as_deref(), live)
        .map_err(|err| WebError::BadRequest(err.to_string()))?;
    let (catalog, base_url, id) = (catalog.clone(), state.base_url.clone(), e.id.clone());
    let rendered = web::block(move || {
        let (_, e) = catalog.exhibition(&id).expect("looked up above");
        crate::print::render_with_notice(e, phase, &base_url, &options, Some(lang))
    })
    .await
    .map_err(|e| WebError::internal("print page", e))?
    .map_err(|e| WebError::internal("print page", e))?;
    Ok(no_store(
        HttpResponse::Ok()
            .content_type("text/html; charset=utf-8")
            // Covers are inlined as data: URIs so the page also works saved to disk.
            .insert_header((
                header::CONTENT_SECURITY_POLICY,
                "default-src 'none'; img-src data:; style-src 'unsafe-inline'",
            ))
            .body(rendered),
    ))
}

fn print_options(query: &PrintQuery) -> Result<crate::print::PrintOptions, String> {
    use crate::print::{Codes, PrintOptions, Sheet};
    let codes = match query.codes.as_deref() {
        None | Some("station") => Codes::Station,
        Some("story") => Codes::Story,
        Some(other) => return Err(format!("codes=`{other}`: use station or story")),
    };
    let sheet = match query.sheet.as_deref() {
        None | Some("posters") => Sheet::Posters,
        Some("labels") => Sheet::Labels,
        Some(other) => return Err(format!("sheet=`{other}`: use posters or labels")),
    };
    let ecc = query
        .ecc
        .as_deref()
        .map(str::parse)
        .transpose()
        .map_err(|e: crate::qr::QrError| e.to_string())?;
    Ok(PrintOptions {
        phase: query.phase.clone(),
        codes,
        sheet,
        ecc: ecc.unwrap_or_default(),
    })
}

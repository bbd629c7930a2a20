//! `POST /admin/reload`: reloads the exhibit files from the overview.

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, web};
use serde::Deserialize;

use super::organizer_with_token;
use crate::web::AppState;
use crate::web::error::WebError;

#[derive(Deserialize)]
pub(crate) struct ReloadForm {
    csrf: Option<String>,
}

pub(crate) async fn reload(
    state: web::Data<AppState>,
    req: HttpRequest,
    form: web::Form<ReloadForm>,
) -> Result<HttpResponse, WebError> {
    organizer_with_token(&req, form.csrf.as_deref())?;
    let worker = state.clone();
    let outcome = web::block(move || worker.reload_catalog())
        .await
        .map_err(|e| WebError::internal("reload", e))?;
    if let Err(problems) = outcome {
        tracing::warn!(count = problems.len(), "reload from the dashboard rejected");
    }
    Ok(HttpResponse::SeeOther()
        .insert_header((header::LOCATION, "/admin#catalog"))
        .finish())
}

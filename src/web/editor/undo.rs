//! `POST /admin/e/{exhibition}/undo/{entry}`: puts a kept version of an exhibit file back.

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, web};

use super::live;
use crate::catalog::save::{self, SaveError};
use crate::web::AppState;
use crate::web::error::WebError;

#[derive(serde::Deserialize)]
pub(crate) struct UndoForm {
    csrf: Option<String>,
}

pub(crate) async fn undo(
    state: web::Data<AppState>,
    req: HttpRequest,
    path: web::Path<(String, String)>,
    form: web::Form<UndoForm>,
) -> Result<HttpResponse, WebError> {
    let organizer = crate::web::admin::organizer_with_token(&req, form.csrf.as_deref())?;
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
        Err(e) => {
            let (_, problem) = super::story_save::not_writable(&state, &req, &exhibition, e)?;
            Err(WebError::Busy(problem))
        }
    }
}

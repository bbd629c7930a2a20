//! `POST /admin/e/{exhibition}/undo/{entry}`: puts a kept version of an exhibit file back.

use actix_web::http::{StatusCode, header};
use actix_web::{HttpRequest, HttpResponse, web};

use super::live;
use crate::catalog::save::{self, SaveError};
use crate::web::admin::ProblemPage;
use crate::web::error::WebError;
use crate::web::{AppState, no_store};

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
        // Said on a page in the admin's language, with the way back to the history.
        Err(err) => {
            let t = crate::web::admin_ui::AdminUi::of(&req, e.time_zone.clone());
            let (status, messages) = match err {
                err @ SaveError::Rejected(_) => {
                    (StatusCode::UNPROCESSABLE_ENTITY, super::said(&err, t.lang))
                }
                err @ (SaveError::Stale | SaveError::Busy) => {
                    (super::refused_status(&err), super::said(&err, t.lang))
                }
                err => {
                    let (status, problem) =
                        super::story_save::not_writable(&state, &req, &exhibition, err)?;
                    (status, vec![problem])
                }
            };
            let page = ProblemPage {
                title: crate::web::admin::title(e),
                heading: t.t("this-version-was-not-put-back").to_string(),
                messages,
                back: format!("/admin/e/{exhibition}#files"),
                back_label: t.t("back-to-the-exhibition").to_string(),
                t,
            };
            Ok(no_store(page.t.respond(status, &page)))
        }
    }
}

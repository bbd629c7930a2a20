//! `GET/POST /invite/{token}`: the page where an invited person sets their own password (12+
//! characters, not weak), which uses the invite up.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use serde::Deserialize;

use super::admin_ui::AdminUi;
use super::error::WebError;
use super::people::store;
use super::{AppState, no_store};
use crate::people::directory::InviteError;
use crate::people::{self, PeopleError};

#[derive(Template)]
#[template(path = "invite.html")]
struct InvitePage {
    t: AdminUi,
    /// Whom the invite is for; `None` when it opens nothing (then `problem` says why).
    name: Option<String>,
    problem: Option<String>,
    done: bool,
}

fn invite_page(
    state: &AppState,
    req: &HttpRequest,
    status: StatusCode,
    page: impl FnOnce(AdminUi) -> InvitePage,
) -> HttpResponse {
    let t = AdminUi::of(req, state.day_zone.clone()).toggle_to(req.path());
    let page = page(t);
    no_store(page.t.respond(status, &page))
}

fn invite_refusal(state: &AppState, req: &HttpRequest, e: InviteError) -> HttpResponse {
    let status = match e {
        InviteError::Unknown => StatusCode::NOT_FOUND,
        InviteError::Expired => StatusCode::GONE,
    };
    let key = match e {
        InviteError::Unknown => "invite-unknown",
        InviteError::Expired => "invite-expired",
    };
    let why = AdminUi::of(req, state.day_zone.clone()).t(key).to_string();
    invite_page(state, req, status, |t| InvitePage {
        t,
        name: None,
        problem: Some(why),
        done: false,
    })
}

/// `GET /invite/{token}`: the form where an invited person sets their password.
pub(super) async fn invite_form(
    state: web::Data<AppState>,
    req: HttpRequest,
    path: web::Path<String>,
) -> HttpResponse {
    match state.people.by_invite(&path, state.clock.now()) {
        Ok(account) => invite_page(&state, &req, StatusCode::OK, |t| InvitePage {
            t,
            name: Some(account.name),
            problem: None,
            done: false,
        }),
        Err(e) => invite_refusal(&state, &req, e),
    }
}

#[derive(Deserialize)]
pub(super) struct PasswordForm {
    password: String,
    confirm: String,
}

/// `POST /invite/{token}`: the password set (12+ characters, not weak), the invite used up.
pub(super) async fn invite_set(
    state: web::Data<AppState>,
    req: HttpRequest,
    path: web::Path<String>,
    form: web::Form<PasswordForm>,
) -> Result<HttpResponse, WebError> {
    let account = match state.people.by_invite(&path, state.clock.now()) {
        Ok(account) => account,
        Err(e) => return Ok(invite_refusal(&state, &req, e)),
    };
    let checked = if form.password != form.confirm {
        Err(PeopleError::Mismatch)
    } else {
        people::check_strength(&form.password, &account)
    };
    if let Err(e) = checked {
        let name = account.name.clone();
        return Ok(invite_page(&state, &req, StatusCode::BAD_REQUEST, |t| {
            InvitePage {
                t,
                name: Some(name),
                problem: Some(e.to_string()),
                done: false,
            }
        }));
    }
    let password = form.password.clone();
    let hash = web::block(move || people::secret::hash_password(&password))
        .await
        .map_err(|e| WebError::internal("password", e))?
        .map_err(|e| WebError::internal("password", e))?;
    // The invite is checked again with the right to change held: of two uses at once, the
    // second finds it used.
    let _changing = state.people.changing().await;
    let account = match state.people.by_invite(&path, state.clock.now()) {
        Ok(account) => account,
        Err(e) => return Ok(invite_refusal(&state, &req, e)),
    };
    let mut next = account.next_version(state.clock.now(), true);
    next.password_hash = Some(hash);
    next.invite = None;
    store(&state, next).await?;
    tracing::info!(account = %account.name, "password set through an invite");
    super::audit::record(
        &state,
        &account.name,
        None,
        "password set",
        "through an invite".into(),
    )
    .await;
    Ok(invite_page(&state, &req, StatusCode::OK, |t| InvitePage {
        t,
        name: Some(account.name),
        problem: None,
        done: true,
    }))
}

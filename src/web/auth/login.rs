//! GET/POST /login and POST /logout: the login form, a new session, ending one.

use std::sync::Arc;

use actix_web::cookie::Cookie;
use actix_web::http::{StatusCode, header};
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use serde::Deserialize;

use super::COOKIE;
use super::origin::{client_ip, same_origin};
use super::password::{Verdict, check_password};
use super::sessions::{new_session_cookie, session};
use crate::people::{self, Account};
use crate::store::SharedChange;
use crate::web::{AppState, html};

#[derive(Template)]
#[template(path = "login.html")]
struct LoginPage<'a> {
    t: crate::web::admin_ui::AdminUi,
    next: &'a str,
    /// The name typed, given back with a wrong password.
    name: &'a str,
    error: bool,
    /// Offer "sign in with single sign-on" (`--oidc-issuer` is set).
    sso: bool,
    /// What a single sign-on that did not end in a session has to say.
    notice: Option<String>,
}

#[derive(Deserialize)]
pub(in crate::web) struct LoginQuery {
    pub(in crate::web) next: Option<String>,
}

#[derive(Deserialize)]
pub(in crate::web) struct LoginForm {
    name: Option<String>,
    password: String,
    next: Option<String>,
}

/// Only admin pages are valid places to return to after logging in.
pub(in crate::web) fn safe_next(next: Option<&str>) -> &str {
    match next {
        Some(n) if n.starts_with("/admin") && !n.contains("//") && !n.contains('\\') => n,
        _ => "/admin",
    }
}

pub(in crate::web) async fn login_form(
    state: web::Data<AppState>,
    req: HttpRequest,
    query: web::Query<LoginQuery>,
) -> HttpResponse {
    let page = LoginPage {
        t: login_ui(&state, &req),
        next: safe_next(query.next.as_deref()),
        name: "",
        error: false,
        sso: state.sign_on.is_some(),
        notice: None,
    };
    page.t.respond(StatusCode::OK, &page)
}

/// The login page with what a single sign-on that did not end in a session has to say.
pub(in crate::web) fn login_notice(
    state: &AppState,
    req: &HttpRequest,
    status: StatusCode,
    notice: crate::web::sso::Notice,
) -> HttpResponse {
    let t = login_ui(state, req);
    let page = LoginPage {
        notice: Some(notice.text(&t)),
        t,
        next: "/admin",
        name: "",
        error: false,
        sso: state.sign_on.is_some(),
    };
    let mut answer = page.t.respond(status, &page);
    answer.headers_mut().insert(
        header::CACHE_CONTROL,
        header::HeaderValue::from_static("no-store"),
    );
    answer
}

/// The login page names no exhibition, so its zone is the server's day zone (it shows no time).
fn login_ui(state: &AppState, req: &HttpRequest) -> crate::web::admin_ui::AdminUi {
    crate::web::admin_ui::AdminUi::of(req, state.day_zone.clone())
}

pub(in crate::web) async fn login(
    state: web::Data<AppState>,
    req: HttpRequest,
    form: web::Form<LoginForm>,
) -> HttpResponse {
    let next = safe_next(form.next.as_deref());
    let name = form.name.as_deref().unwrap_or("").trim();
    let ip = client_ip(&state, &req);
    let account = match check_password(&state, ip, name, &form.password).await {
        Verdict::Right(account) => account,
        Verdict::Wrong => {
            let shown: String = name.chars().filter(|c| !c.is_control()).take(40).collect();
            let tried = if shown.is_empty() {
                people::BUILT_IN
            } else {
                &shown
            };
            crate::web::audit::record(
                &state,
                tried,
                None,
                "login failed",
                "wrong name or password".into(),
            )
            .await;
            let page = LoginPage {
                t: login_ui(&state, &req).toggle_to("/login"),
                next,
                name: &shown,
                error: true,
                sso: state.sign_on.is_some(),
                notice: None,
            };
            return html(StatusCode::UNAUTHORIZED, &page);
        }
        Verdict::Throttled(refuse) => return refuse,
    };
    let how = "signed in with the form".to_string();
    let Some(cookie) = begin_session(&state, &account, how).await else {
        return HttpResponse::InternalServerError().body("no session could be made");
    };
    HttpResponse::SeeOther()
        .insert_header((header::LOCATION, next))
        .cookie(cookie)
        .finish()
}

/// A new session for `account`, signed in `how` (for the audit trail): the cookie, the audit
/// entry and the sign-in time. `None` when no session could be made.
pub(in crate::web) async fn begin_session(
    state: &AppState,
    account: &Account,
    how: String,
) -> Option<Cookie<'static>> {
    let cookie = new_session_cookie(state, account)?;
    tracing::info!(account = %account.name, "logged in");
    crate::web::audit::record(state, &account.name, None, "login", how).await;
    // The sign-in time is worth knowing, not worth failing a login over.
    let (store, at) = (Arc::clone(&state.store), state.clock.now());
    let login = SharedChange::LastLogin {
        name: account.name.clone(),
        at,
    };
    match web::block(move || store.change(&login)).await {
        Ok(Ok(_)) => {}
        Ok(Err(e)) => {
            tracing::warn!(error = %crate::error_chain(&e), "the sign-in time could not be stored")
        }
        Err(e) => tracing::warn!(error = %e, "the sign-in time could not be stored"),
    }
    Some(cookie)
}

#[derive(Deserialize)]
pub(in crate::web) struct LogoutForm {
    csrf: Option<String>,
}

pub(in crate::web) async fn logout(
    state: web::Data<AppState>,
    req: HttpRequest,
    form: web::Form<LogoutForm>,
) -> HttpResponse {
    match session(&state, &req) {
        Some(s) if s.allows(form.csrf.as_deref()) && same_origin(&state, &req) => {
            state
                .sessions
                .revoke(s.csrf(), s.expires, state.clock.now().as_second());
            // Memory first, so the cookie is dead at once; the store makes it stay dead
            // after a restart. The browser forgets the cookie either way, so a failed write
            // is logged rather than shown.
            let (store, token) = (Arc::clone(&state.store), s.csrf().to_string());
            let logout = SharedChange::Logout {
                token,
                expires: s.expires,
            };
            let stored = web::block(move || store.change(&logout)).await;
            if let Err(e) = stored
                .map_err(|e| e.to_string())
                .and_then(|r| r.map_err(|e| crate::error_chain(&e)))
            {
                tracing::error!(error = %e, "a logout could not be stored; it ends here at the next restart, on other replicas when it expires");
            }
            crate::web::audit::record(&state, &s.name, None, "logout", "signed out".into()).await;
            let mut gone = Cookie::build(COOKIE, "").path("/").finish();
            gone.make_removal();
            HttpResponse::SeeOther()
                .insert_header((header::LOCATION, "/login"))
                .cookie(gone)
                .finish()
        }
        Some(_) => HttpResponse::Forbidden()
            .content_type("text/plain")
            .body("missing or wrong form token"),
        None => HttpResponse::SeeOther()
            .insert_header((header::LOCATION, "/login"))
            .finish(),
    }
}

//! `GET /login/sso` and `GET /login/sso/callback`: signing staff in through the OpenID provider
//! (`crate::sso`), when `--oidc-issuer` is set.
//!
//! The start sends the browser to the provider and keeps what the callback needs (state,
//! nonce, PKCE verifier, where to go afterwards) in an encrypted cookie of that browser, valid
//! ten minutes, so whichever replica the callback reaches can finish it. The callback verifies
//! the provider's answer and finds the account by `crate::people::Directory::by_identity`:
//! nobody gets in without an account naming their e-mail or provider subject. The first
//! sign-in by e-mail binds the account to the provider's subject, so a later change of address
//! at the provider does not lock the person out and a new holder of the old address does not
//! get in.
//!
//! The session cookie is SameSite=Strict, which a browser does not send on a navigation that
//! began at the provider's site, even after a redirect; so the callback answers a small page
//! that moves on to the admin side itself, as a navigation of our own.

use actix_web::cookie::{Cookie, CookieJar, SameSite};
use actix_web::http::{StatusCode, header};
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use serde::{Deserialize, Serialize};

use super::AppState;
use super::auth::{self, LoginQuery};
use crate::people::Account;
use crate::sso::{Pending, SsoError};

const PENDING_COOKIE: &str = "docent_sso";
const PENDING_MINUTES: i64 = 10;

#[derive(Serialize, Deserialize)]
struct Started {
    pending: Pending,
    next: String,
    /// Seconds since 1970 when the sign-in began.
    at: i64,
}

pub(super) async fn start(
    state: web::Data<AppState>,
    req: HttpRequest,
    query: web::Query<LoginQuery>,
) -> HttpResponse {
    let Some(sign_on) = state.sign_on.clone() else {
        return HttpResponse::NotFound().body("single sign-on is not set up on this server");
    };
    let next = auth::safe_next(query.next.as_deref()).to_string();
    let begun = web::block(move || sign_on.begin()).await;
    let (url, pending) = match begun {
        Ok(Ok(begun)) => begun,
        Ok(Err(e)) => {
            tracing::warn!(error = %crate::error_chain(&e), "single sign-on could not start");
            return auth::login_notice(
                &state,
                &req,
                StatusCode::SERVICE_UNAVAILABLE,
                Notice::Unreachable,
            );
        }
        Err(e) => {
            tracing::error!(error = %e, "single sign-on could not start");
            return auth::login_notice(
                &state,
                &req,
                StatusCode::SERVICE_UNAVAILABLE,
                Notice::Unreachable,
            );
        }
    };
    let started = Started {
        pending,
        next,
        at: state.clock.now().as_second(),
    };
    let Ok(value) = serde_json::to_string(&started) else {
        return HttpResponse::InternalServerError().body("the sign-in could not be started");
    };
    let cookie = Cookie::build(PENDING_COOKIE, value)
        .path("/login/sso")
        .http_only(true)
        // Lax: the provider sends the browser back with a top-level GET from its own site.
        .same_site(SameSite::Lax)
        .secure(state.base_url.starts_with("https://"))
        .max_age(actix_web::cookie::time::Duration::minutes(PENDING_MINUTES))
        .finish();
    let mut jar = CookieJar::new();
    jar.private_mut(&state.sessions.key()).add(cookie);
    let mut answer = HttpResponse::SeeOther();
    answer.insert_header((header::LOCATION, url));
    answer.insert_header((header::CACHE_CONTROL, "no-store"));
    for cookie in jar.delta() {
        answer.cookie(cookie.clone());
    }
    answer.finish()
}

#[derive(Deserialize)]
pub(super) struct Callback {
    code: Option<String>,
    state: Option<String>,
    error: Option<String>,
}

/// What the login page says about a sign-on that did not end in a session.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Notice {
    /// The provider could not be reached.
    Unreachable,
    /// No started sign-in for this browser, or one too old.
    Stale,
    /// The provider or its answer refused.
    Failed,
    /// Signed in at the provider, but no account here names them.
    NoAccount(String),
    Disabled,
}

impl Notice {
    pub(super) fn text(&self, t: &super::admin_ui::AdminUi) -> String {
        match self {
            Notice::Unreachable => t.t("single-sign-on-cannot-reach-the").to_string(),
            Notice::Stale => t.t("this-sign-in-started-too-long-ago-or").to_string(),
            Notice::Failed => t.t("single-sign-on-did-not-finish-try").to_string(),
            Notice::NoAccount(who) => format!(
                "{} {who}{}",
                t.t("you-signed-in-at-your-identity"),
                t.t("ask-an-administrator-to-add-you-with"),
            ),
            Notice::Disabled => t.t("your-account-here-is-disabled-ask-an").to_string(),
        }
    }
}

pub(super) async fn callback(
    state: web::Data<AppState>,
    req: HttpRequest,
    query: web::Query<Callback>,
) -> HttpResponse {
    let mut answer = finish(&state, &req, query.into_inner()).await;
    // Used or not, the started sign-in is over.
    let mut gone = Cookie::build(PENDING_COOKIE, "")
        .path("/login/sso")
        .finish();
    gone.make_removal();
    let _ = answer.add_cookie(&gone);
    answer
}

async fn finish(state: &web::Data<AppState>, req: &HttpRequest, query: Callback) -> HttpResponse {
    let Some(sign_on) = state.sign_on.clone() else {
        return HttpResponse::NotFound().body("single sign-on is not set up on this server");
    };
    let refuse = |status, notice| auth::login_notice(state, req, status, notice);
    let started = req.cookie(PENDING_COOKIE).and_then(|c| {
        let mut jar = CookieJar::new();
        jar.add_original(c.into_owned());
        let value = jar.private(&state.sessions.key()).get(PENDING_COOKIE)?;
        serde_json::from_str::<Started>(value.value()).ok()
    });
    let now = state.clock.now().as_second();
    let Some(started) = started.filter(|s| now - s.at <= PENDING_MINUTES * 60) else {
        return refuse(StatusCode::BAD_REQUEST, Notice::Stale);
    };
    let issuer = sign_on.issuer().to_string();
    if let Some(error) = query.error {
        let shown: String = error.chars().filter(|c| !c.is_control()).take(60).collect();
        audit_failure(
            state,
            &format!("single sign-on at {issuer}: the provider answered {shown}"),
        )
        .await;
        return refuse(StatusCode::UNAUTHORIZED, Notice::Failed);
    }
    let (Some(code), Some(given_state)) = (query.code, query.state) else {
        return refuse(StatusCode::BAD_REQUEST, Notice::Failed);
    };
    let pending = started.pending.clone();
    let verified = web::block(move || sign_on.finish(&pending, &given_state, &code)).await;
    let identity = match verified {
        Ok(Ok(identity)) => identity,
        Ok(Err(e)) => {
            tracing::warn!(error = %crate::error_chain(&e), "a single sign-on was refused");
            audit_failure(state, &format!("single sign-on at {issuer}: {e}")).await;
            let status = match e {
                SsoError::Provider(_) => StatusCode::BAD_GATEWAY,
                _ => StatusCode::UNAUTHORIZED,
            };
            return refuse(status, Notice::Failed);
        }
        Err(e) => {
            tracing::error!(error = %e, "a single sign-on could not be finished");
            return refuse(StatusCode::INTERNAL_SERVER_ERROR, Notice::Failed);
        }
    };
    let who = identity
        .email
        .clone()
        .unwrap_or_else(|| format!("subject {}", identity.subject));
    let Some(account) = state
        .people
        .by_identity(&identity.subject, identity.email.as_deref())
    else {
        audit_failure(
            state,
            &format!("single sign-on at {issuer}: no account for {who}"),
        )
        .await;
        return refuse(StatusCode::FORBIDDEN, Notice::NoAccount(who));
    };
    if account.disabled {
        super::audit::record(
            state,
            &account.name,
            None,
            "login failed",
            format!("single sign-on at {issuer}: the account is disabled"),
        )
        .await;
        return refuse(StatusCode::FORBIDDEN, Notice::Disabled);
    }
    let account = match bind_subject(state, account, &identity.subject).await {
        Ok(account) => account,
        Err(e) => {
            tracing::error!(error = %e, "an account could not be bound to its sign-on subject");
            return refuse(StatusCode::INTERNAL_SERVER_ERROR, Notice::Failed);
        }
    };
    let how = format!("signed in through single sign-on ({who})");
    let Some(cookie) = auth::begin_session(state, &account, how).await else {
        return HttpResponse::InternalServerError().body("no session could be made");
    };
    let page = Continue {
        t: super::admin_ui::AdminUi::of(req, state.day_zone.clone()),
        next: &started.next,
    };
    let mut answer = page.t.respond(StatusCode::OK, &page);
    let _ = answer.add_cookie(&cookie);
    answer.headers_mut().insert(
        header::CACHE_CONTROL,
        header::HeaderValue::from_static("no-store"),
    );
    answer
}

/// A failed sign-on names no account (none was found, or the provider refused before anyone
/// was known): it is recorded under a name no account can have (`people::parse_name` allows
/// letters, digits and dashes only).
async fn audit_failure(state: &AppState, what: &str) {
    super::audit::record(state, SSO_ACTOR, None, "login failed", what.into()).await;
}

/// Who the audit trail names for a failed sign-on.
pub(crate) const SSO_ACTOR: &str = "(single sign-on)";

/// The account, bound to the provider's subject if it was found by e-mail.
async fn bind_subject(
    state: &AppState,
    account: Account,
    subject: &str,
) -> Result<Account, super::error::WebError> {
    if account.oidc_subject.as_deref() == Some(subject) {
        return Ok(account);
    }
    let _changing = state.people.changing().await;
    let current = state.people.get(&account.name).unwrap_or(account);
    let mut next = current.next_version(state.clock.now(), false);
    next.oidc_subject = Some(subject.to_string());
    super::people::store(state, next.clone()).await?;
    tracing::info!(account = %next.name, "account bound to its single sign-on subject");
    Ok(next)
}

#[derive(Template)]
#[template(path = "login_continue.html")]
struct Continue<'a> {
    t: super::admin_ui::AdminUi,
    next: &'a str,
}

//! Who may use `/admin`, and as whom: a person's account (`crate::people`) signed in through the
//! login form (a signed cookie session), HTTP Basic with the account's name and password, or a
//! personal API token (`Authorization: Bearer`). One guard (`require_admin`) sits in front of
//! the whole `/admin` scope: it finds the person, then the route in `admin::ADMIN_ROUTES` and
//! the role that route declares, and answers 401 (nobody), 404 (an exhibition the person holds
//! no role in) or 403 (a role too low) before any handler runs.
//!
//! Sessions are signed, HttpOnly, SameSite=Strict cookies holding the account's name, its
//! session epoch, an expiry and a CSRF token. The signing key mixes a random secret kept in the
//! store with `DOCENT_ADMIN_PASSWORD` (so changing it ends every session). A cookie is live
//! while its account exists, is not disabled and is still in the epoch the cookie names:
//! disabling a person, changing their roles or password, or "log out everywhere" raises the
//! epoch, here and (through the shared change) on every replica. Logging out is recorded in
//! the store, so a restart does not bring the cookie back. State-changing requests need the
//! session's CSRF token in the form (or, with Basic or a token, a same-origin request).
//! Failed passwords are slowed down by `throttle`, per address and per account.
//!
//! For compatibility, a name that is no account's, with `DOCENT_ADMIN_PASSWORD`, signs in as
//! the built-in `admin` (scripts that sent any name with the shared password keep working).
//!
//! `sessions` holds the cookie sessions and their key, `password` the password check and its
//! throttles, `origin` the same-origin rule for state-changing requests, `login` the login
//! and logout pages.

mod login;
mod origin;
mod password;
mod sessions;

pub(super) use login::{
    LoginQuery, begin_session, login, login_form, login_notice, logout, safe_next,
};
pub(super) use sessions::{Sessions, is_staff, note_admin_password};

use std::sync::Arc;

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::{Method, StatusCode, header};
use actix_web::middleware::Next;
use actix_web::{Error, HttpMessage, HttpRequest, HttpResponse, web};
use base64::Engine;

use super::AppState;
use crate::i18n;
use crate::people::{Account, Role, Verdict as Allowed};
use origin::{client_ip, same_origin};
use password::{Verdict, check_password};
use sessions::session;

const COOKIE: &str = "docent_admin";
const SESSION_HOURS: i64 = 12;

fn same_secret(a: &str, b: &str) -> bool {
    blake3::hash(a.as_bytes()) == blake3::hash(b.as_bytes())
}

/// The person behind a request, as the guard found them.
#[derive(Clone)]
pub(crate) struct Organizer {
    /// The account's name: what histories record as "who".
    pub name: String,
    /// Shared, not copied: a request's organizer is cloned by handlers.
    pub account: Arc<Account>,
    /// The session's CSRF token; `None` for HTTP Basic and tokens (checked by origin instead).
    csrf: Option<String>,
    /// When the session ends (seconds since 1970), for sessions.
    expires: i64,
}

impl Organizer {
    fn of_account(account: Account, csrf: Option<String>, expires: i64) -> Organizer {
        Organizer {
            name: account.name.clone(),
            account: Arc::new(account),
            csrf,
            expires,
        }
    }

    /// Whether a state-changing form carries this session's token.
    pub fn allows(&self, form_token: Option<&str>) -> bool {
        match &self.csrf {
            None => true,
            Some(token) => form_token.is_some_and(|t| same_secret(t, token)),
        }
    }

    /// The token forms must carry (empty for Basic).
    pub fn csrf(&self) -> &str {
        self.csrf.as_deref().unwrap_or("")
    }

    /// Whether exhibition `id` exists for this person (they hold a role in it).
    pub fn sees(&self, id: &str) -> bool {
        self.account.sees(id)
    }

    /// The organizer the guard let in; refused if there is none (a route outside the guard).
    pub fn of(req: &HttpRequest) -> Result<Organizer, super::error::WebError> {
        req.extensions()
            .get::<Organizer>()
            .cloned()
            .ok_or_else(|| super::error::WebError::Forbidden("not logged in".into()))
    }
}

/// What an `Authorization` header offers.
enum Credentials {
    Basic(String, String),
    Bearer(String),
}

fn credentials(req: &ServiceRequest) -> Option<Credentials> {
    let value = req.headers().get(header::AUTHORIZATION)?.to_str().ok()?;
    if let Some(token) = value
        .strip_prefix("Bearer ")
        .or_else(|| value.strip_prefix("bearer "))
    {
        return Some(Credentials::Bearer(token.trim().to_string()));
    }
    let encoded = value
        .strip_prefix("Basic ")
        .or_else(|| value.strip_prefix("basic "))?;
    let decoded = base64::engine::general_purpose::STANDARD
        .decode(encoded.trim())
        .ok()?;
    let (user, password) = String::from_utf8(decoded)
        .ok()?
        .split_once(':')
        .map(|(u, p)| (u.to_string(), p.to_string()))?;
    Some(Credentials::Basic(user, password))
}

/// The one guard in front of every `/admin` route: who (401 without anyone), then what the
/// route table lets them do (404 for an exhibition they hold no role in, 403 below the role).
pub(super) async fn require_admin(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<impl MessageBody>, Error> {
    let Some(state) = req.app_data::<web::Data<AppState>>().cloned() else {
        return Ok(req
            .into_response(HttpResponse::InternalServerError().finish())
            .map_into_right_body());
    };
    let organizer = match credentials(&req) {
        Some(Credentials::Basic(user, password)) => {
            let ip = client_ip(&state, req.request());
            match check_password(&state, ip, &user, &password).await {
                Verdict::Right(account) => Some(Organizer::of_account(account, None, 0)),
                Verdict::Wrong => None,
                Verdict::Throttled(refuse) => {
                    return Ok(req.into_response(refuse).map_into_right_body());
                }
            }
        }
        Some(Credentials::Bearer(token)) => state
            .people
            .by_api_token(&token)
            .map(|account| Organizer::of_account(account, None, 0)),
        None => session(&state, req.request()),
    };
    let Some(organizer) = organizer else {
        let refuse = refusal(req.request());
        return Ok(req.into_response(refuse).map_into_right_body());
    };
    let method = if req.method() == Method::HEAD {
        "GET"
    } else {
        req.method().as_str()
    };
    let (need, exhibition, pattern) = super::admin::route_need(method, req.path());
    if let Some(refuse) = role_refusal(
        req.request(),
        &organizer.account,
        need,
        exhibition.as_deref(),
    ) {
        return Ok(req.into_response(refuse).map_into_right_body());
    }
    let changes_state = !matches!(*req.method(), Method::GET | Method::HEAD);
    if changes_state && !same_origin(&state, req.request()) {
        let refuse = HttpResponse::Forbidden()
            .content_type("text/plain")
            .body("cross-site request refused");
        return Ok(req.into_response(refuse).map_into_right_body());
    }
    let (account, action) = (organizer.name.clone(), format!("{method} {pattern}"));
    let path = req.path().to_string();
    // A read such as a backup is recorded before it starts, so the copy it carries out
    // always holds its own entry (its stream reads the store while the answer goes out).
    if super::audit::AUDITED_READS.contains(&path.as_str()) {
        let detail = format!("{path} (started)");
        super::audit::record(&state, &account, exhibition.clone(), &action, detail).await;
    }
    req.extensions_mut().insert(organizer);
    let response = next.call(req).await?;
    // What was refused changed nothing, and a plain 200 to a POST is a page asking to
    // confirm; a change answers with a redirect, 201, or a note from its handler.
    let status = response.status();
    let note = super::audit::note_of(response.request());
    let changed = status.is_redirection() || status == StatusCode::CREATED || note.is_some();
    if changes_state && changed && !status.is_client_error() && !status.is_server_error() {
        let mut detail = format!("{path} -> {}", status.as_u16());
        if let Some(note) = note {
            detail = format!("{note} ({detail})");
        }
        super::audit::record(&state, &account, exhibition, &action, detail).await;
    }
    Ok(response.map_into_left_body())
}

/// The answer for a person the route table does not let through, if it does not. A path in
/// no route needs admin (`admin::route_need`).
fn role_refusal(
    req: &HttpRequest,
    account: &Account,
    need: Role,
    exhibition: Option<&str>,
) -> Option<HttpResponse> {
    match account.may(need, exhibition) {
        Allowed::Allowed => None,
        // The same words as a handler's for an exhibition that does not exist.
        Allowed::Hidden => Some(
            HttpResponse::NotFound()
                .content_type("text/plain; charset=utf-8")
                .body(format!(
                    "no exhibition `{}`",
                    exhibition.unwrap_or_default()
                )),
        ),
        Allowed::Forbidden => {
            let lang = crate::web::admin_ui::AdminUi::of(req, jiff::tz::TimeZone::UTC).lang;
            let role = i18n::tr(lang, need.key());
            let why = i18n::tr_args(lang, "role-needed", &[("role", role.into())]);
            Some(
                HttpResponse::Forbidden()
                    .content_type("text/plain; charset=utf-8")
                    .body(why),
            )
        }
    }
}

/// Browsers asking for a page go to the login form; everything else gets a Basic challenge.
fn refusal(req: &HttpRequest) -> HttpResponse {
    let wants_page = req.method() == Method::GET
        && req
            .headers()
            .get(header::ACCEPT)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|a| a.contains("text/html"))
        && req.headers().get(header::AUTHORIZATION).is_none();
    if wants_page {
        let next = req
            .uri()
            .path_and_query()
            .map(|p| p.as_str())
            .unwrap_or("/admin");
        let mut target = format!(
            "/login?next={}",
            url::form_urlencoded::byte_serialize(next.as_bytes()).collect::<String>()
        );
        // The login form speaks the language the page was asked in (`?lang=`), if docent
        // ships it: a link someone sent in Japanese does not open an English form.
        let asked = url::form_urlencoded::parse(req.query_string().as_bytes())
            .find(|(k, _)| k == "lang")
            .and_then(|(_, v)| i18n::shipped().iter().find(|l| l.as_str() == v).copied());
        if let Some(lang) = asked {
            target.push_str(&format!("&lang={lang}"));
        }
        return HttpResponse::SeeOther()
            .insert_header((header::LOCATION, target))
            .finish();
    }
    HttpResponse::Unauthorized()
        .insert_header((
            header::WWW_AUTHENTICATE,
            r#"Basic realm="docent admin", charset="UTF-8""#,
        ))
        .content_type("text/plain; charset=utf-8")
        .body("The admin side needs your account name and password (or a personal API token).")
}

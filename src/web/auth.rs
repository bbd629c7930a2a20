//! Who may use `/admin`: HTTP Basic for scripts, a login form and a signed cookie session for
//! browsers. One guard (`require_admin`) sits in front of the whole `/admin` scope.
//!
//! Sessions are signed, HttpOnly, SameSite=Strict cookies holding the organizer's name, an
//! expiry and a CSRF token. The signing key mixes a random secret kept in the store (so a
//! captured cookie tells nothing about the password, and knowing the password is not enough to
//! mint one) with the password (so changing it ends every session). Logging out is recorded in
//! the store, so a restart does not bring the cookie back. State-changing requests need the
//! session's CSRF token in the form (or, with Basic, a same-origin request). Failed passwords
//! are slowed down by `throttle`.

use parking_lot::Mutex;
use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::Arc;

use actix_web::body::MessageBody;
use actix_web::cookie::{Cookie, CookieJar, Key, SameSite};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::{Method, StatusCode, header};
use actix_web::middleware::Next;
use actix_web::{Error, HttpMessage, HttpRequest, HttpResponse, web};
use askama::Template;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde::Deserialize;

use super::throttle::Gate;
use super::{AppState, html};
use crate::config::AdminPassword;
use crate::store::{Store, StoreError};

const COOKIE: &str = "docent_admin";
const SESSION_HOURS: i64 = 12;

fn same_secret(a: &str, b: &str) -> bool {
    blake3::hash(a.as_bytes()) == blake3::hash(b.as_bytes())
}

/// The organizer behind a request, as the guard found it.
#[derive(Clone)]
pub(super) struct Organizer {
    pub name: String,
    /// The session's CSRF token; `None` for HTTP Basic (checked by origin instead).
    csrf: Option<String>,
    /// When the session ends (seconds since 1970), for sessions.
    expires: i64,
}

impl Organizer {
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

    /// The organizer the guard let in; refused if there is none (a route outside the guard).
    pub fn of(req: &HttpRequest) -> Result<Organizer, super::error::WebError> {
        req.extensions()
            .get::<Organizer>()
            .cloned()
            .ok_or_else(|| super::error::WebError::Forbidden("not logged in".into()))
    }
}

/// The key cookies are signed with, and the sessions ended by logging out (by their token,
/// until they would have expired anyway), mirrored from the store so checking a cookie never
/// reads sled.
pub(super) struct Sessions {
    key: Key,
    revoked: Mutex<HashMap<String, i64>>,
}

impl Sessions {
    /// Blocks on the store: called once, at start.
    pub(super) fn load(
        store: &Store,
        password: &AdminPassword,
        now: i64,
    ) -> Result<Sessions, StoreError> {
        let secret = store.session_secret()?;
        Ok(Sessions {
            key: session_key(&secret, password),
            revoked: Mutex::new(store.revoked_sessions(now)?.into_iter().collect()),
        })
    }

    pub(super) fn revoke(&self, token: &str, expires: i64, now: i64) {
        let mut map = self.revoked.lock();
        map.retain(|_, until| *until > now);
        map.insert(token.to_string(), expires);
    }

    fn is_revoked(&self, token: &str) -> bool {
        self.revoked.lock().contains_key(token)
    }
}

/// The stored secret keys a blake3 hash of the password; its 64-byte output is the cookie
/// key. Without the secret a cookie cannot be checked offline against password guesses.
fn session_key(secret: &[u8; 32], password: &AdminPassword) -> Key {
    let mut hasher = blake3::Hasher::new_keyed(secret);
    hasher.update(b"docent admin session key v2\0");
    hasher.update(password.expose().as_bytes());
    let mut key = [0u8; 64];
    hasher.finalize_xof().fill(&mut key);
    Key::from(&key)
}

fn clean_name(raw: &str) -> String {
    let name: String = raw
        .trim()
        .chars()
        .filter(|c| !c.is_control())
        .take(40)
        .collect();
    if name.is_empty() {
        "admin".into()
    } else {
        name
    }
}

fn basic_credentials(req: &ServiceRequest) -> Option<(String, String)> {
    let value = req.headers().get(header::AUTHORIZATION)?.to_str().ok()?;
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
    Some((user, password))
}

fn session(state: &AppState, req: &HttpRequest) -> Option<Organizer> {
    let cookie = req.cookie(COOKIE)?;
    let mut jar = CookieJar::new();
    jar.add_original(cookie.into_owned());
    let verified = jar.signed(&state.sessions.key).get(COOKIE)?;
    let mut parts = verified.value().split('|');
    let (name, expires, csrf) = (parts.next()?, parts.next()?, parts.next()?);
    let name = String::from_utf8(URL_SAFE_NO_PAD.decode(name).ok()?).ok()?;
    let expires: i64 = expires.parse().ok()?;
    let live = state.clock.now().as_second() < expires && !state.sessions.is_revoked(csrf);
    live.then(|| Organizer {
        name,
        csrf: Some(csrf.to_string()),
        expires,
    })
}

/// Whether a visitor page is asked for by staff: from a staff network, or from a browser
/// holding a live organizer session (an organizer checking a code on their own phone).
/// A staff view: from a staff network (`addr`, the client address already worked out), or
/// from a browser with a live admin session.
pub(super) fn is_staff(state: &AppState, req: &HttpRequest, addr: Option<IpAddr>) -> bool {
    addr.is_some_and(|ip| state.staff_networks.contains(ip)) || session(state, req).is_some()
}

fn new_session_cookie(state: &AppState, name: &str) -> Option<Cookie<'static>> {
    let mut token = [0u8; 16];
    getrandom::fill(&mut token).ok()?;
    let csrf = hex::encode(token);
    let expires = state.clock.now().as_second() + SESSION_HOURS * 3600;
    // Cookie values are plain ASCII (and actix percent-decodes them): the name goes in base64.
    let name = URL_SAFE_NO_PAD.encode(name);
    let value = format!("{name}|{expires}|{csrf}");
    let cookie = Cookie::build(COOKIE, value)
        .path("/")
        .http_only(true)
        .same_site(SameSite::Strict)
        .secure(state.base_url.starts_with("https://"))
        .max_age(actix_web::cookie::time::Duration::hours(SESSION_HOURS))
        .finish();
    let mut jar = CookieJar::new();
    jar.signed_mut(&state.sessions.key).add(cookie);
    jar.delta().next().cloned()
}

/// Whether a state-changing request comes from our own pages: its `Origin` (or, without one,
/// its `Referer`) is the configured `--base-url`, or, from the trusted proxy alone, the host
/// and scheme it forwarded. `Host` and `X-Forwarded-*` from anyone else are the client's own
/// claim, so they count for nothing. No Origin and no Referer is a script, not a browser.
fn same_origin(state: &AppState, req: &HttpRequest) -> bool {
    let headers = req.headers();
    if let Some(site) = headers.get("sec-fetch-site").and_then(|v| v.to_str().ok())
        && !matches!(site, "same-origin" | "none")
    {
        return false;
    }
    let claimed = headers
        .get(header::ORIGIN)
        .or_else(|| headers.get(header::REFERER));
    let Some(claimed) = claimed else {
        return true;
    };
    let Some(claimed) = claimed.to_str().ok().and_then(origin_of) else {
        return false;
    };
    origin_of(&state.base_url).is_some_and(|ours| ours == claimed)
        || forwarded_origin(state, req).is_some_and(|theirs| theirs == claimed)
}

/// The scheme, host and port of a URL (default ports made explicit, so `https://a` and
/// `https://a:443` agree); `None` for `null` and anything opaque.
fn origin_of(url: &str) -> Option<url::Origin> {
    let origin = url::Url::parse(url).ok()?.origin();
    origin.is_tuple().then_some(origin)
}

/// The origin the browser used, as the trusted proxy reports it; `None` from any other peer.
/// The last `X-Forwarded-Host` entry is the proxy's own; without `X-Forwarded-Proto` the
/// scheme is that of `--base-url`.
fn forwarded_origin(state: &AppState, req: &HttpRequest) -> Option<url::Origin> {
    let peer = req.peer_addr()?.ip();
    if state.trusted_proxy != Some(peer) {
        return None;
    }
    let last = |name: &str| {
        let value = req.headers().get(name)?.to_str().ok()?;
        Some(value.rsplit(',').next()?.trim().to_string())
    };
    let host = last("x-forwarded-host")?;
    let scheme = last("x-forwarded-proto").unwrap_or_else(|| {
        let base = state.base_url.split_once("://");
        base.map_or("http", |(scheme, _)| scheme).to_string()
    });
    origin_of(&format!("{scheme}://{host}"))
}

fn client_ip(state: &AppState, req: &HttpRequest) -> Option<IpAddr> {
    super::client_ip(req, state.trusted_proxy)
}

/// The one guard in front of every `/admin` route.
pub(super) async fn require_admin(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<impl MessageBody>, Error> {
    let Some(state) = req.app_data::<web::Data<AppState>>().cloned() else {
        return Ok(req
            .into_response(HttpResponse::InternalServerError().finish())
            .map_into_right_body());
    };
    let organizer = match basic_credentials(&req) {
        Some((user, password)) => {
            match check_password(&state, client_ip(&state, req.request()), &password).await {
                Verdict::Right => Some(Organizer {
                    name: clean_name(&user),
                    csrf: None,
                    expires: 0,
                }),
                Verdict::Wrong => None,
                Verdict::Throttled(refuse) => {
                    return Ok(req.into_response(refuse).map_into_right_body());
                }
            }
        }
        None => session(&state, req.request()),
    };
    let Some(organizer) = organizer else {
        let refuse = refusal(req.request());
        return Ok(req.into_response(refuse).map_into_right_body());
    };
    let changes_state = !matches!(*req.method(), Method::GET | Method::HEAD);
    if changes_state && !same_origin(&state, req.request()) {
        let refuse = HttpResponse::Forbidden()
            .content_type("text/plain")
            .body("cross-site request refused");
        return Ok(req.into_response(refuse).map_into_right_body());
    }
    req.extensions_mut().insert(organizer);
    next.call(req).await.map(|r| r.map_into_left_body())
}

/// What became of a password.
enum Verdict {
    Right,
    /// Wrong, answered after the throttle's delay.
    Wrong,
    /// Not looked at: the answer to send instead.
    Throttled(HttpResponse),
}

/// Checks a password through the throttle, waiting as long as it says.
async fn check_password(state: &AppState, ip: Option<IpAddr>, given: &str) -> Verdict {
    match state.throttle.admit(ip) {
        Gate::Blocked => return Verdict::Throttled(too_many(Gate::Blocked)),
        Gate::Busy => return Verdict::Throttled(too_many(Gate::Busy)),
        Gate::Check(wait) if !wait.is_zero() => actix_web::rt::time::sleep(wait).await,
        Gate::Check(_) => {}
    }
    if state.admin_password.matches(given) {
        state.throttle.succeeded(ip);
        Verdict::Right
    } else {
        let wait = state.throttle.failed(ip);
        actix_web::rt::time::sleep(wait).await;
        Verdict::Wrong
    }
}

fn too_many(gate: Gate) -> HttpResponse {
    let why = match gate {
        Gate::Busy => {
            "Too many wrong passwords from many addresses: logins are slowed for everyone. Wait a few seconds and try again."
        }
        _ => "Too many wrong passwords from this address: wait a few seconds and try again.",
    };
    HttpResponse::TooManyRequests()
        .insert_header((header::RETRY_AFTER, "10"))
        .content_type("text/plain; charset=utf-8")
        .body(why)
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
        let target = format!(
            "/login?next={}",
            url::form_urlencoded::byte_serialize(next.as_bytes()).collect::<String>()
        );
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
        .body("The admin side needs the password (DOCENT_ADMIN_PASSWORD).")
}

// ---------------------------------------------------------------------------------------------
// GET/POST /login, POST /logout

#[derive(Template)]
#[template(path = "login.html")]
struct LoginPage<'a> {
    t: super::admin_ui::AdminUi,
    next: &'a str,
    error: bool,
}

#[derive(Deserialize)]
pub(super) struct LoginQuery {
    next: Option<String>,
}

#[derive(Deserialize)]
pub(super) struct LoginForm {
    name: Option<String>,
    password: String,
    next: Option<String>,
}

/// Only admin pages are valid places to return to after logging in.
fn safe_next(next: Option<&str>) -> &str {
    match next {
        Some(n) if n.starts_with("/admin") && !n.contains("//") && !n.contains('\\') => n,
        _ => "/admin",
    }
}

pub(super) async fn login_form(
    state: web::Data<AppState>,
    req: HttpRequest,
    query: web::Query<LoginQuery>,
) -> HttpResponse {
    let page = LoginPage {
        t: login_ui(&state, &req),
        next: safe_next(query.next.as_deref()),
        error: false,
    };
    page.t.respond(StatusCode::OK, &page)
}

/// The login page names no exhibition, so its zone is the server's day zone (it shows no time).
fn login_ui(state: &AppState, req: &HttpRequest) -> super::admin_ui::AdminUi {
    super::admin_ui::AdminUi::of(req, state.day_zone.clone())
}

pub(super) async fn login(
    state: web::Data<AppState>,
    req: HttpRequest,
    form: web::Form<LoginForm>,
) -> HttpResponse {
    let next = safe_next(form.next.as_deref());
    match check_password(&state, client_ip(&state, &req), &form.password).await {
        Verdict::Right => {}
        Verdict::Wrong => {
            let page = LoginPage {
                t: login_ui(&state, &req).toggle_to("/login"),
                next,
                error: true,
            };
            return html(StatusCode::UNAUTHORIZED, &page);
        }
        Verdict::Throttled(refuse) => return refuse,
    }
    let name = clean_name(form.name.as_deref().unwrap_or(""));
    let Some(cookie) = new_session_cookie(&state, &name) else {
        return HttpResponse::InternalServerError().body("no session could be made");
    };
    tracing::info!(organizer = %name, "logged in");
    HttpResponse::SeeOther()
        .insert_header((header::LOCATION, next))
        .cookie(cookie)
        .finish()
}

#[derive(Deserialize)]
pub(super) struct LogoutForm {
    csrf: Option<String>,
}

pub(super) async fn logout(
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
            let logout = crate::store::SharedChange::Logout {
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

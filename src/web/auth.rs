//! Who may use `/admin`: HTTP Basic for scripts, a login form and a signed cookie session for
//! browsers. One guard (`require_admin`) sits in front of the whole `/admin` scope.
//!
//! Sessions are stateless: a signed, HttpOnly, SameSite=Strict cookie holding the organizer's
//! name, an expiry and a CSRF token. The signing key is derived from the admin password, so
//! changing the password ends every session. State-changing requests need the session's CSRF
//! token in the form (or, with Basic, a same-origin request). Failed passwords are answered
//! ever more slowly, per client address.

use std::collections::HashMap;
use std::fmt;
use std::net::IpAddr;
use std::sync::Mutex;
use std::time::{Duration, Instant};

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

use super::{AppState, html};

const COOKIE: &str = "docent_admin";
const SESSION_HOURS: i64 = 12;
/// Failures allowed before answers slow down.
const FREE_FAILURES: u32 = 3;
const MAX_DELAY: Duration = Duration::from_secs(8);
const FORGET_AFTER: Duration = Duration::from_secs(15 * 60);

/// The admin password. Never printed by `Debug`.
#[derive(Clone)]
pub struct AdminPassword(String);

impl fmt::Debug for AdminPassword {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("AdminPassword(<redacted>)")
    }
}

impl AdminPassword {
    pub fn new(password: String) -> AdminPassword {
        AdminPassword(password)
    }

    /// A random password of 20 characters from an alphabet without look-alikes.
    pub fn generate() -> Result<AdminPassword, getrandom::Error> {
        const ALPHABET: &[u8] = b"abcdefghjkmnpqrstuvwxyzACDEFGHJKLMNPQRSTUVWXYZ23456789";
        let mut bytes = [0u8; 20];
        getrandom::fill(&mut bytes)?;
        let password = bytes
            .iter()
            .map(|b| ALPHABET[*b as usize % ALPHABET.len()] as char)
            .collect();
        Ok(AdminPassword(password))
    }

    pub fn expose(&self) -> &str {
        &self.0
    }

    /// Constant-time: blake3 hashes compare in constant time, whatever the lengths.
    fn matches(&self, given: &str) -> bool {
        same_secret(given, &self.0)
    }

    fn session_key(&self) -> Key {
        Key::derive_from(&blake3::derive_key(
            "docent admin session key v1",
            self.0.as_bytes(),
        ))
    }
}

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

/// Sessions ended by logging out, by their token, until they would have expired anyway.
#[derive(Default)]
pub(super) struct Revoked(Mutex<HashMap<String, i64>>);

impl Revoked {
    fn revoke(&self, token: &str, expires: i64, now: i64) {
        let mut map = self.0.lock().unwrap_or_else(|e| e.into_inner());
        map.retain(|_, until| *until > now);
        map.insert(token.to_string(), expires);
    }

    fn contains(&self, token: &str) -> bool {
        self.0
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .contains_key(token)
    }
}

/// Slows down repeated failures from one address: after `FREE_FAILURES`, each failure is
/// answered after a growing delay, and any attempt during that delay is refused unchecked
/// (so parallel connections do not buy more guesses).
#[derive(Default)]
pub(super) struct Throttle(Mutex<HashMap<IpAddr, (u32, Instant)>>);

/// Addresses remembered at most; past that the oldest memory is dropped wholesale.
const THROTTLE_ENTRIES: usize = 10_000;

fn delay_after(failures: u32) -> Duration {
    match failures.checked_sub(FREE_FAILURES + 1) {
        None => Duration::ZERO,
        Some(extra) => {
            (Duration::from_millis(500) * 2u32.saturating_pow(extra.min(10))).min(MAX_DELAY)
        }
    }
}

impl Throttle {
    /// Whether `ip` is inside the delay of its last failure.
    fn blocked(&self, ip: Option<IpAddr>) -> bool {
        let Some(ip) = ip else { return false };
        let map = self.0.lock().unwrap_or_else(|e| e.into_inner());
        map.get(&ip)
            .is_some_and(|(n, last)| last.elapsed() < delay_after(*n))
    }

    /// Records a failure and returns how long to wait before answering it.
    fn failed(&self, ip: Option<IpAddr>) -> Duration {
        let Some(ip) = ip else { return Duration::ZERO };
        let mut map = self.0.lock().unwrap_or_else(|e| e.into_inner());
        let now = Instant::now();
        map.retain(|_, (_, last)| now.duration_since(*last) < FORGET_AFTER);
        if map.len() >= THROTTLE_ENTRIES {
            map.clear();
        }
        let entry = map.entry(ip).or_insert((0, now));
        *entry = (entry.0 + 1, now);
        delay_after(entry.0)
    }

    fn succeeded(&self, ip: Option<IpAddr>) {
        if let Some(ip) = ip {
            self.0.lock().unwrap_or_else(|e| e.into_inner()).remove(&ip);
        }
    }
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
    let verified = jar
        .signed(&state.admin_password.session_key())
        .get(COOKIE)?;
    let mut parts = verified.value().split('|');
    let (name, expires, csrf) = (parts.next()?, parts.next()?, parts.next()?);
    let name = String::from_utf8(URL_SAFE_NO_PAD.decode(name).ok()?).ok()?;
    let expires: i64 = expires.parse().ok()?;
    let live = state.clock.now().as_second() < expires && !state.revoked.contains(csrf);
    live.then(|| Organizer {
        name,
        csrf: Some(csrf.to_string()),
        expires,
    })
}

fn new_session_cookie(state: &AppState, name: &str) -> Option<Cookie<'static>> {
    let mut token = [0u8; 16];
    getrandom::fill(&mut token).ok()?;
    let csrf: String = token.iter().map(|b| format!("{b:02x}")).collect();
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
    jar.signed_mut(&state.admin_password.session_key())
        .add(cookie);
    jar.delta().next().cloned()
}

fn same_origin(req: &HttpRequest) -> bool {
    let headers = req.headers();
    if let Some(site) = headers.get("sec-fetch-site").and_then(|v| v.to_str().ok())
        && !matches!(site, "same-origin" | "none")
    {
        return false;
    }
    match headers.get(header::ORIGIN).and_then(|v| v.to_str().ok()) {
        None => true,
        Some(origin) => {
            origin.split_once("://").map(|(_, h)| h) == Some(req.connection_info().host())
        }
    }
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
    if basic_credentials(&req).is_some() && state.throttle.blocked(client_ip(&state, req.request()))
    {
        return Ok(req.into_response(too_many()).map_into_right_body());
    }
    let organizer = match basic_credentials(&req) {
        Some((user, password)) if state.admin_password.matches(&password) => {
            state.throttle.succeeded(client_ip(&state, req.request()));
            Some(Organizer {
                name: clean_name(&user),
                csrf: None,
                expires: 0,
            })
        }
        Some(_) => {
            let wait = state.throttle.failed(client_ip(&state, req.request()));
            actix_web::rt::time::sleep(wait).await;
            None
        }
        None => session(&state, req.request()),
    };
    let Some(organizer) = organizer else {
        let refuse = refusal(req.request());
        return Ok(req.into_response(refuse).map_into_right_body());
    };
    let changes_state = !matches!(*req.method(), Method::GET | Method::HEAD);
    if changes_state && !same_origin(req.request()) {
        let refuse = HttpResponse::Forbidden()
            .content_type("text/plain")
            .body("cross-site request refused");
        return Ok(req.into_response(refuse).map_into_right_body());
    }
    req.extensions_mut().insert(organizer);
    next.call(req).await.map(|r| r.map_into_left_body())
}

fn too_many() -> HttpResponse {
    HttpResponse::TooManyRequests()
        .insert_header((header::RETRY_AFTER, "10"))
        .content_type("text/plain; charset=utf-8")
        .body("Too many wrong passwords from this address: wait a few seconds and try again.")
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

pub(super) async fn login_form(query: web::Query<LoginQuery>) -> HttpResponse {
    html(
        StatusCode::OK,
        &LoginPage {
            next: safe_next(query.next.as_deref()),
            error: false,
        },
    )
}

pub(super) async fn login(
    state: web::Data<AppState>,
    req: HttpRequest,
    form: web::Form<LoginForm>,
) -> HttpResponse {
    let next = safe_next(form.next.as_deref());
    if state.throttle.blocked(client_ip(&state, &req)) {
        return too_many();
    }
    if !state.admin_password.matches(&form.password) {
        let wait = state.throttle.failed(client_ip(&state, &req));
        actix_web::rt::time::sleep(wait).await;
        return html(StatusCode::UNAUTHORIZED, &LoginPage { next, error: true });
    }
    state.throttle.succeeded(client_ip(&state, &req));
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
        Some(s) if s.allows(form.csrf.as_deref()) && same_origin(&req) => {
            state
                .revoked
                .revoke(s.csrf(), s.expires, state.clock.now().as_second());
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

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
use serde::Deserialize;

use super::throttle::Gate;
use super::{AppState, html};
use crate::config::AdminPassword;
use crate::people::{self, Account, Role, Verdict as Allowed};
use crate::store::{SharedChange, Store, StoreError};

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

/// The name of the account signed in behind `req` (session, Basic or token), for recording
/// who did something; `None` outside the admin guard. For the editor's and other save paths.
#[allow(dead_code)]
pub(crate) fn account_name(req: &HttpRequest) -> Option<String> {
    req.extensions().get::<Organizer>().map(|o| o.name.clone())
}

/// The key cookies are signed with, and the sessions ended by logging out (by their token,
/// until they would have expired anyway), mirrored from the store so checking a cookie never
/// reads sled.
pub(super) struct Sessions {
    /// Replaced when a replica adopts the cluster's session secret after it started serving.
    key: parking_lot::RwLock<Key>,
    revoked: Mutex<HashMap<String, i64>>,
    /// Passwords Argon2 already accepted, so a script sending HTTP Basic with every request
    /// does not cost tens of milliseconds of hashing each: per account, a keyed hash of the
    /// password (under `checked_key`, random, never stored) and the stored hash it matched.
    /// A new password, a reset or a disabling changes the stored hash or the account, and the
    /// entry no longer counts.
    checked: Mutex<HashMap<String, ([u8; 32], String)>>,
    checked_key: [u8; 32],
}

impl Sessions {
    /// Blocks on the store: called once, at start.
    pub(super) fn load(
        store: &Store,
        password: &AdminPassword,
        now: i64,
    ) -> Result<Sessions, StoreError> {
        let secret = store.session_secret()?;
        let mut checked_key = [0u8; 32];
        getrandom::fill(&mut checked_key).map_err(StoreError::Random)?;
        Ok(Sessions {
            key: parking_lot::RwLock::new(session_key(&secret, password)),
            revoked: Mutex::new(store.revoked_sessions(now)?.into_iter().collect()),
            checked: Mutex::new(HashMap::new()),
            checked_key,
        })
    }

    /// The key cookies are signed (and the sign-on cookie encrypted) with now.
    pub(super) fn key(&self) -> Key {
        self.key.read().clone()
    }

    /// Signs with the key made from `secret` from now on: a replica that joined its cluster
    /// after it began serving takes the secret the cluster agreed on, so a login made on any
    /// replica holds on this one too. Cookies signed with the old key no longer hold.
    pub(super) fn rekey(&self, secret: &[u8; 32], password: &AdminPassword) {
        *self.key.write() = session_key(secret, password);
    }

    fn password_mark(&self, name: &str, password: &str) -> [u8; 32] {
        let mut hasher = blake3::Hasher::new_keyed(&self.checked_key);
        hasher.update(name.as_bytes());
        hasher.update(b"\0");
        hasher.update(password.as_bytes());
        *hasher.finalize().as_bytes()
    }

    /// Whether `password` was accepted before for `account` as it is now.
    fn checked_before(&self, account: &Account, password: &str) -> bool {
        let Some(phc) = &account.password_hash else {
            return false;
        };
        let mark = self.password_mark(&account.name, password);
        self.checked
            .lock()
            .get(&account.name)
            .is_some_and(|(m, h)| *m == mark && h == phc)
    }

    fn remember_checked(&self, account: &Account, password: &str) {
        if let Some(phc) = &account.password_hash {
            let mark = self.password_mark(&account.name, password);
            self.checked
                .lock()
                .insert(account.name.clone(), (mark, phc.clone()));
        }
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

/// Ends the built-in admin's sessions when `DOCENT_ADMIN_PASSWORD` is not the one of the last
/// start: the cookie key changes with the password, but setting an old password back would
/// bring the old key, and its cookies, back; the raised epoch keeps them dead. Blocks on the
/// store: called once, at start.
pub(super) fn note_admin_password(
    store: &Store,
    people: &people::Directory,
    password: &AdminPassword,
    now: jiff::Timestamp,
) -> Result<(), StoreError> {
    let secret = store.session_secret()?;
    let mut hasher = blake3::Hasher::new_keyed(&secret);
    hasher.update(b"docent admin password fingerprint\0");
    hasher.update(password.expose().as_bytes());
    if store.admin_password_changed(hasher.finalize().as_bytes())? {
        let admin = people
            .get(people::BUILT_IN)
            .unwrap_or_else(Account::built_in);
        let next = admin.next_version(now, true);
        store.change(&SharedChange::Account(Box::new(next.clone())))?;
        people.remember(next);
        tracing::info!(
            "DOCENT_ADMIN_PASSWORD changed since the last start: admin's old sessions are ended"
        );
    }
    Ok(())
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

/// The live session a request's cookie holds, with its account as it is now.
fn session(state: &AppState, req: &HttpRequest) -> Option<Organizer> {
    let cookie = req.cookie(COOKIE)?;
    let mut jar = CookieJar::new();
    jar.add_original(cookie.into_owned());
    let verified = jar.signed(&state.sessions.key()).get(COOKIE)?;
    let mut parts = verified.value().split('|');
    let (name, epoch, expires, csrf) = (parts.next()?, parts.next()?, parts.next()?, parts.next()?);
    let epoch: u64 = epoch.parse().ok()?;
    let expires: i64 = expires.parse().ok()?;
    let live = state.clock.now().as_second() < expires && !state.sessions.is_revoked(csrf);
    let account = state
        .people
        .get(name)
        .filter(|a| !a.disabled && a.epoch == epoch)?;
    live.then(|| Organizer::of_account(account, Some(csrf.to_string()), expires))
}

/// A staff view: from a staff network (`addr`, the client address already worked out), or
/// from a browser with a live admin session.
pub(super) fn is_staff(state: &AppState, req: &HttpRequest, addr: Option<IpAddr>) -> bool {
    addr.is_some_and(|ip| state.staff_networks.contains(ip)) || session(state, req).is_some()
}

fn new_session_cookie(state: &AppState, account: &Account) -> Option<Cookie<'static>> {
    let mut token = [0u8; 16];
    getrandom::fill(&mut token).ok()?;
    let csrf = hex::encode(token);
    let expires = state.clock.now().as_second() + SESSION_HOURS * 3600;
    // Account names are plain ASCII without `|` (`people::parse_name`).
    let value = format!("{}|{}|{expires}|{csrf}", account.name, account.epoch);
    let cookie = Cookie::build(COOKIE, value)
        .path("/")
        .http_only(true)
        .same_site(SameSite::Strict)
        .secure(state.base_url.starts_with("https://"))
        .max_age(actix_web::cookie::time::Duration::hours(SESSION_HOURS))
        .finish();
    let mut jar = CookieJar::new();
    jar.signed_mut(&state.sessions.key()).add(cookie);
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
    if let Some(refuse) = role_refusal(&organizer.account, need, exhibition.as_deref()) {
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
fn role_refusal(account: &Account, need: Role, exhibition: Option<&str>) -> Option<HttpResponse> {
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
        Allowed::Forbidden => Some(
            HttpResponse::Forbidden()
                .content_type("text/plain; charset=utf-8")
                .body(format!(
                    "This needs the role {} (你的账户没有“{}”权限): ask an administrator.",
                    need.as_str(),
                    need.zh()
                )),
        ),
    }
}

/// What became of a name and password.
enum Verdict {
    Right(Account),
    /// Wrong, answered after the throttle's delay.
    Wrong,
    /// Not looked at: the answer to send instead.
    Throttled(HttpResponse),
}

/// The account a name and password sign in as, if they do: a person's own password (Argon2,
/// checked off the executor), or `DOCENT_ADMIN_PASSWORD` for `admin` and for any name that is
/// no account's. Through the throttle of the address and the one of the account, waiting as
/// long as they say.
async fn check_password(state: &AppState, ip: Option<IpAddr>, name: &str, given: &str) -> Verdict {
    let person = people::parse_name(name)
        .ok()
        .and_then(|n| state.people.get(&n))
        .filter(|a| !a.is_built_in());
    // People's own passwords are counted per account too, from every address together (a
    // guesser rotating addresses still meets the account's delay). The built-in admin's is
    // not: it is long and random, and the global budget already bounds guessing it, so an
    // attack cannot lock the operator out.
    let account_source = person.as_ref().map(|a| account_source(&a.name));
    let mut gates = vec![state.throttle.admit(ip)];
    if account_source.is_some() {
        gates.push(state.account_throttle.admit(account_source));
    }
    for gate in gates {
        match gate {
            Gate::Blocked => return Verdict::Throttled(too_many(Gate::Blocked)),
            Gate::Busy => return Verdict::Throttled(too_many(Gate::Busy)),
            Gate::Check(wait) if !wait.is_zero() => actix_web::rt::time::sleep(wait).await,
            Gate::Check(_) => {}
        }
    }
    let right = match person {
        Some(account) if state.sessions.checked_before(&account, given) => {
            (!account.disabled).then_some(account)
        }
        Some(account) => {
            let hash = account.password_hash.clone();
            let password = given.to_string();
            let matches = web::block(move || {
                hash.is_some_and(|h| people::secret::verify_password(&h, &password))
            })
            .await
            .unwrap_or(false);
            if matches {
                state.sessions.remember_checked(&account, given);
            }
            (matches && !account.disabled).then_some(account)
        }
        None => state
            .admin_password
            .matches(given)
            .then(|| state.people.get(people::BUILT_IN))
            .flatten(),
    };
    match right {
        Some(account) => {
            state.throttle.succeeded(ip);
            if account_source.is_some() {
                state.account_throttle.succeeded(account_source);
            }
            Verdict::Right(account)
        }
        None => {
            let mut wait = state.throttle.failed(ip);
            if account_source.is_some() {
                wait = wait.max(state.account_throttle.failed(account_source));
            }
            actix_web::rt::time::sleep(wait).await;
            Verdict::Wrong
        }
    }
}

/// The throttle counts by address; an account is counted under an address of its own, made
/// from its name (IPv4 addresses count singly; a collision between two names only shares a
/// delay).
fn account_source(name: &str) -> IpAddr {
    let hash = blake3::derive_key("docent login throttle account", name.as_bytes());
    IpAddr::V4(std::net::Ipv4Addr::new(hash[0], hash[1], hash[2], hash[3]))
}

fn too_many(gate: Gate) -> HttpResponse {
    let why = match gate {
        Gate::Busy => {
            "Too many wrong passwords from many addresses: logins are slowed for everyone. Wait a few seconds and try again."
        }
        _ => {
            "Too many wrong passwords from this address or for this account: wait a few seconds and try again."
        }
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
        .body("The admin side needs your account name and password (or a personal API token).")
}

// ---------------------------------------------------------------------------------------------
// GET/POST /login, POST /logout

#[derive(Template)]
#[template(path = "login.html")]
struct LoginPage<'a> {
    t: super::admin_ui::AdminUi,
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
pub(super) struct LoginQuery {
    pub(super) next: Option<String>,
}

#[derive(Deserialize)]
pub(super) struct LoginForm {
    name: Option<String>,
    password: String,
    next: Option<String>,
}

/// Only admin pages are valid places to return to after logging in.
pub(super) fn safe_next(next: Option<&str>) -> &str {
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
        name: "",
        error: false,
        sso: state.sign_on.is_some(),
        notice: None,
    };
    page.t.respond(StatusCode::OK, &page)
}

/// The login page with what a single sign-on that did not end in a session has to say.
pub(super) fn login_notice(
    state: &AppState,
    req: &HttpRequest,
    status: StatusCode,
    notice: super::sso::Notice,
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
fn login_ui(state: &AppState, req: &HttpRequest) -> super::admin_ui::AdminUi {
    super::admin_ui::AdminUi::of(req, state.day_zone.clone())
}

pub(super) async fn login(
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
            super::audit::record(
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
pub(super) async fn begin_session(
    state: &AppState,
    account: &Account,
    how: String,
) -> Option<Cookie<'static>> {
    let cookie = new_session_cookie(state, account)?;
    tracing::info!(account = %account.name, "logged in");
    super::audit::record(state, &account.name, None, "login", how).await;
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
            super::audit::record(&state, &s.name, None, "logout", "signed out".into()).await;
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

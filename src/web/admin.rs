//! The organizer side, all under `/admin` and all behind `require_admin`.
//!
//! Scripts and browsers authenticate with HTTP Basic. State-changing requests from a browser
//! must come from this origin (checked on `Origin` / `Sec-Fetch-Site`), so another site cannot
//! make a logged-in browser switch phases.

use std::fmt;

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::{Method, StatusCode, header};
use actix_web::middleware::Next;
use actix_web::{Error, HttpMessage, HttpResponse, web};
use askama::Template;
use base64::Engine;
use serde::Deserialize;

use super::{AppState, html};
use crate::catalog::{Exhibition, ShowState, Switch};

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
        blake3::hash(given.as_bytes()) == blake3::hash(self.0.as_bytes())
    }
}

/// The name an organizer gave with the password (the Basic user name), for the history.
#[derive(Clone)]
struct Organizer(String);

fn basic_credentials(req: &ServiceRequest) -> Option<(String, String)> {
    let value = req.headers().get(header::AUTHORIZATION)?.to_str().ok()?;
    let encoded = value
        .strip_prefix("Basic ")
        .or_else(|| value.strip_prefix("basic "))?;
    let decoded = base64::engine::general_purpose::STANDARD
        .decode(encoded.trim())
        .ok()?;
    let text = String::from_utf8(decoded).ok()?;
    let (user, password) = text.split_once(':')?;
    Some((user.to_string(), password.to_string()))
}

fn same_origin(req: &ServiceRequest) -> bool {
    let headers = req.headers();
    if let Some(site) = headers.get("sec-fetch-site").and_then(|v| v.to_str().ok())
        && !matches!(site, "same-origin" | "none")
    {
        return false;
    }
    match headers.get(header::ORIGIN).and_then(|v| v.to_str().ok()) {
        None => true,
        Some(origin) => {
            let host = req.connection_info().host().to_string();
            origin.split_once("://").map(|(_, h)| h) == Some(host.as_str())
        }
    }
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
    let organizer = basic_credentials(&req)
        .filter(|(_, password)| state.admin_password.matches(password))
        .map(|(user, _)| user);
    let Some(user) = organizer else {
        let refuse = HttpResponse::Unauthorized()
            .insert_header((
                header::WWW_AUTHENTICATE,
                r#"Basic realm="docent admin", charset="UTF-8""#,
            ))
            .content_type("text/plain; charset=utf-8")
            .body("The admin side needs the password (DOCENT_ADMIN_PASSWORD).");
        return Ok(req.into_response(refuse).map_into_right_body());
    };
    if req.method() != Method::GET && req.method() != Method::HEAD && !same_origin(&req) {
        let refuse = HttpResponse::Forbidden()
            .content_type("text/plain")
            .body("cross-site request refused");
        return Ok(req.into_response(refuse).map_into_right_body());
    }
    let name: String = user
        .trim()
        .chars()
        .filter(|c| !c.is_control())
        .take(40)
        .collect();
    req.extensions_mut().insert(Organizer(if name.is_empty() {
        "admin".into()
    } else {
        name
    }));
    next.call(req).await.map(|r| r.map_into_left_body())
}

// ---------------------------------------------------------------------------------------------
// GET /admin

#[derive(Template)]
#[template(path = "admin.html")]
struct Dashboard {
    shows: Vec<ShowPanel>,
}

struct ShowPanel {
    id: String,
    title: String,
    state: &'static str,
    live: String,
    manual: bool,
    phases: Vec<(String, String, String)>,
    history: Vec<(String, String, String)>,
}

fn panel(state: &AppState, e: &Exhibition) -> ShowPanel {
    let now = state.clock.now();
    let showing = e.showing(now, state.last_switch(&e.id).as_ref());
    let local = |t: jiff::Timestamp| {
        t.to_zoned_datetime(e.time_zone.clone())
            .strftime("%Y-%m-%d %H:%M")
            .to_string()
    };
    let history = state
        .store
        .switches(&e.id)
        .unwrap_or_default()
        .into_iter()
        .rev()
        .map(|s| (local(s.at), s.phase, s.by))
        .collect();
    ShowPanel {
        id: e.id.clone(),
        title: format!(
            "{} / {}",
            e.title.get(crate::catalog::Lang::Zh),
            e.title.get(crate::catalog::Lang::En)
        ),
        state: match showing.state {
            ShowState::Upcoming => "not open yet",
            ShowState::Running => "running",
            ShowState::Closed => "closed",
        },
        live: e.phases[showing.phase].id.clone(),
        manual: showing.manual,
        phases: e
            .phases
            .iter()
            .map(|p| {
                (
                    p.id.clone(),
                    p.name.get(crate::catalog::Lang::En).to_string(),
                    local(p.starts),
                )
            })
            .collect(),
        history,
    }
}

pub(super) async fn dashboard(state: web::Data<AppState>) -> HttpResponse {
    let catalog = state.catalog();
    let shows = catalog
        .exhibitions
        .iter()
        .map(|e| panel(&state, e))
        .collect();
    let mut response = html(StatusCode::OK, &Dashboard { shows });
    response.headers_mut().insert(
        header::CACHE_CONTROL,
        header::HeaderValue::from_static("no-store"),
    );
    response
}

// ---------------------------------------------------------------------------------------------
// POST /admin/switch/{exhibition}

#[derive(Deserialize)]
pub(super) struct SwitchForm {
    phase: String,
}

pub(super) async fn switch(
    state: web::Data<AppState>,
    req: actix_web::HttpRequest,
    path: web::Path<String>,
    form: web::Form<SwitchForm>,
) -> HttpResponse {
    let catalog = state.catalog();
    let Some((_, e)) = catalog.exhibition(&path) else {
        return HttpResponse::NotFound()
            .content_type("text/plain")
            .body("no such exhibition");
    };
    if e.phase(&form.phase).is_none() {
        return HttpResponse::BadRequest()
            .content_type("text/plain")
            .body(format!(
                "exhibition `{}` has no phase `{}`",
                e.id, form.phase
            ));
    }
    let by = req
        .extensions()
        .get::<Organizer>()
        .map(|o| o.0.clone())
        .unwrap_or_default();
    let switch = Switch {
        exhibition: e.id.clone(),
        phase: form.phase.clone(),
        at: state.clock.now(),
        by,
    };
    let store = state.store.clone();
    let stored = switch.clone();
    match web::block(move || store.record_switch(&stored)).await {
        Ok(Ok(())) => {}
        Ok(Err(e)) => return switch_failed(&e.to_string()),
        Err(e) => return switch_failed(&e.to_string()),
    }
    tracing::info!(exhibition = %switch.exhibition, phase = %switch.phase, by = %switch.by, "manual phase switch");
    state.remember_switch(switch);
    HttpResponse::SeeOther()
        .insert_header((header::LOCATION, format!("/admin#{}", e.id)))
        .finish()
}

fn switch_failed(error: &str) -> HttpResponse {
    tracing::error!(error, "manual switch could not be stored");
    HttpResponse::InternalServerError()
        .content_type("text/plain")
        .body("the switch could not be stored; nothing changed")
}

// ---------------------------------------------------------------------------------------------
// GET /admin/print/{exhibition}?phase=&codes=station|story&sheet=posters|labels&ecc=

#[derive(Deserialize)]
pub(super) struct PrintQuery {
    phase: Option<String>,
    codes: Option<String>,
    sheet: Option<String>,
    ecc: Option<String>,
}

pub(super) async fn print(
    state: web::Data<AppState>,
    path: web::Path<String>,
    query: web::Query<PrintQuery>,
) -> HttpResponse {
    let catalog = state.catalog();
    let Some((_, e)) = catalog.exhibition(&path) else {
        return HttpResponse::NotFound()
            .content_type("text/plain")
            .body("no such exhibition");
    };
    let options = match print_options(&query) {
        Ok(o) => o,
        Err(message) => {
            return HttpResponse::BadRequest()
                .content_type("text/plain")
                .body(message);
        }
    };
    let live = e
        .showing(state.clock.now(), state.last_switch(&e.id).as_ref())
        .phase;
    let phase = match crate::print::pick_phase(e, options.phase.as_deref(), live) {
        Ok(p) => p,
        Err(err) => {
            return HttpResponse::BadRequest()
                .content_type("text/plain")
                .body(err.to_string());
        }
    };
    let (catalog_for_job, base_url, exhibition) =
        (catalog.clone(), state.base_url.clone(), e.id.clone());
    let rendered = web::block(move || {
        let (_, e) = catalog_for_job
            .exhibition(&exhibition)
            .expect("looked up above");
        crate::print::render(e, phase, &base_url, &options)
    })
    .await;
    match rendered {
        Ok(Ok(page)) => HttpResponse::Ok()
            .content_type("text/html; charset=utf-8")
            // Covers are inlined as data: URIs so the page also works saved to disk.
            .insert_header((
                header::CONTENT_SECURITY_POLICY,
                "default-src 'none'; img-src data:; style-src 'unsafe-inline'",
            ))
            .insert_header((header::CACHE_CONTROL, "no-store"))
            .body(page),
        Ok(Err(err)) => {
            tracing::error!(error = %err, "print page failed");
            HttpResponse::InternalServerError()
                .content_type("text/plain")
                .body(err.to_string())
        }
        Err(err) => {
            tracing::error!(error = %err, "print page failed");
            HttpResponse::InternalServerError().finish()
        }
    }
}

fn print_options(query: &PrintQuery) -> Result<crate::print::PrintOptions, String> {
    use crate::print::{Codes, PrintOptions, Sheet};
    let codes = match query.codes.as_deref() {
        None | Some("station") => Codes::Station,
        Some("story") => Codes::Story,
        Some(other) => return Err(format!("codes=`{other}`: use station or story")),
    };
    let sheet = match query.sheet.as_deref() {
        None | Some("posters") => Sheet::Posters,
        Some("labels") => Sheet::Labels,
        Some(other) => return Err(format!("sheet=`{other}`: use posters or labels")),
    };
    let ecc = query
        .ecc
        .as_deref()
        .map(str::parse)
        .transpose()
        .map_err(|e: crate::qr::QrError| e.to_string())?;
    Ok(PrintOptions {
        phase: query.phase.clone(),
        codes,
        sheet,
        ecc: ecc.unwrap_or_default(),
    })
}

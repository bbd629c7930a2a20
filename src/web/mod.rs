//! The HTTP surface: shared state, the route table, and headers every response carries.
//!
//! One module per URL area: `visitor` (/s, /go, /e), `covers` (/cover), `qr` (/qr), `admin`
//! (/admin, all behind one guard), `ops` (/healthz).

mod admin;
mod auth;
mod covers;
mod error;
mod ops;
mod qr;
mod visitor;

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, RwLock};

use actix_web::http::header;
use actix_web::middleware::{DefaultHeaders, from_fn};
use actix_web::{HttpResponse, web};
use askama::Template;
use jiff::tz::TimeZone;

use crate::catalog::{Catalog, Switch};
use crate::clock::Clock;
use crate::store::{Recorder, Store};

pub use auth::AdminPassword;

/// Everything handlers share.
pub struct AppState {
    catalog: RwLock<Arc<Catalog>>,
    /// The latest manual switch per exhibition, mirrored from the store so the landing page
    /// never reads sled for it.
    switches: RwLock<HashMap<String, Switch>>,
    pub store: Arc<Store>,
    /// The one way events reach the store: batched, durable before the answer.
    pub recorder: Recorder,
    pub clock: Arc<dyn Clock>,
    /// The zone whose midnight starts a new visitor-id day.
    pub day_zone: TimeZone,
    pub admin_password: AdminPassword,
    /// The public origin QR codes encode.
    pub base_url: String,
    covers: covers::CoverCache,
    throttle: auth::Throttle,
    revoked: auth::Revoked,
    /// Scans or opens that could not be stored (the visitor was served anyway).
    pub log_failures: AtomicU64,
}

impl AppState {
    pub fn new(
        catalog: Catalog,
        store: Arc<Store>,
        clock: Arc<dyn Clock>,
        day_zone: TimeZone,
        admin_password: AdminPassword,
        base_url: String,
    ) -> Result<AppState, crate::store::StoreError> {
        let mut switches = HashMap::new();
        for e in &catalog.exhibitions {
            if let Some(s) = store.last_switch(&e.id)? {
                switches.insert(e.id.clone(), s);
            }
        }
        Ok(AppState {
            catalog: RwLock::new(Arc::new(catalog)),
            switches: RwLock::new(switches),
            recorder: Recorder::start(store.clone(), Arc::new(())),
            store,
            clock,
            day_zone,
            admin_password,
            base_url,
            covers: covers::CoverCache::default(),
            throttle: auth::Throttle::default(),
            revoked: auth::Revoked::default(),
            log_failures: AtomicU64::new(0),
        })
    }

    pub fn catalog(&self) -> Arc<Catalog> {
        self.catalog
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    pub fn last_switch(&self, exhibition: &str) -> Option<Switch> {
        self.switches
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .get(exhibition)
            .cloned()
    }

    fn remember_switch(&self, switch: Switch) {
        self.switches
            .write()
            .unwrap_or_else(|e| e.into_inner())
            .insert(switch.exhibition.clone(), switch);
    }

    fn count_log_failure(&self) {
        self.log_failures.fetch_add(1, Ordering::Relaxed);
    }
}

/// The route table.
pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.service(
        web::resource("/s/{code}")
            .route(web::get().to(visitor::landing))
            .route(web::head().to(visitor::landing)),
    )
    .route("/S/{code}", web::get().to(visitor::landing))
    .route("/go/{code}", web::get().to(visitor::go))
    .route("/e/{exhibition}", web::get().to(visitor::exhibition))
    .route(
        "/cover/{exhibition}/{story}/{width}",
        web::get().to(covers::cover),
    )
    .route("/qr/{file}", web::get().to(qr::image))
    .route("/healthz", web::get().to(ops::healthz))
    .route("/", web::get().to(visitor::home))
    .route("/login", web::get().to(auth::login_form))
    .route("/login", web::post().to(auth::login))
    .route("/logout", web::post().to(auth::logout))
    .service(
        web::scope("/admin")
            .wrap(from_fn(auth::require_admin))
            .route("", web::get().to(admin::overview))
            .route("/e/{exhibition}", web::get().to(admin::dashboard))
            .route("/switch/{exhibition}", web::post().to(admin::switch))
            .route("/print/{exhibition}", web::get().to(admin::print))
            .route("/api/stats/{exhibition}", web::get().to(admin::stats_json))
            .route("/export/{file}", web::get().to(admin::export_csv))
            .default_service(web::to(admin_not_found)),
    )
    .default_service(web::to(visitor::not_found));
}

/// Inside the guard, so an unknown admin URL says nothing to strangers.
async fn admin_not_found() -> HttpResponse {
    HttpResponse::NotFound()
        .content_type("text/plain")
        .body("no such admin page")
}

/// Headers on every response: no framing, no sniffing, no script at all.
pub fn security_headers() -> DefaultHeaders {
    DefaultHeaders::new()
        .add((
            header::CONTENT_SECURITY_POLICY,
            "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'",
        ))
        .add((header::X_CONTENT_TYPE_OPTIONS, "nosniff"))
        .add((header::X_FRAME_OPTIONS, "DENY"))
        .add((header::REFERRER_POLICY, "strict-origin-when-cross-origin"))
}

/// Renders a page, or a plain 500 (with the cause in the log) if the template fails.
fn html(status: actix_web::http::StatusCode, page: &impl Template) -> HttpResponse {
    match page.render() {
        Ok(body) => HttpResponse::build(status)
            .content_type("text/html; charset=utf-8")
            .body(body),
        Err(e) => {
            tracing::error!(error = %e, "template failed to render");
            HttpResponse::InternalServerError()
                .content_type("text/plain; charset=utf-8")
                .body("Something went wrong on our side. 服务器出错，请稍后再试。")
        }
    }
}

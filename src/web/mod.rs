//! The HTTP surface: the route table, the middleware, and headers every response carries.
//!
//! One module per URL area: `landing` (/s, /go, /cite, /e, /), `covers` (/cover), `qr` (/qr),
//! `admin` (/admin, all behind one guard, and its route table), `people` (/admin/people,
//! /invite), `ops` (/healthz, /admin/healthz, /admin/metrics),
//! `favicon`; `state` is what handlers share, `pages` keeps rendered visitor pages,
//! `free_copies` keeps Unpaywall's answers up to date in the background.

mod admin;
mod admin_ui;
mod alerting;
mod audit;
mod auth;
mod chart_cache;
mod covers;
mod digest_form;
mod editor;
mod error;
mod favicon;
mod free_copies;
mod imports;
mod invite;
mod landing;
mod lobby;
mod notify;
mod ops;
mod pages;
mod people;
mod phases;
mod privacy;
mod qr;
mod report_page;
mod share;
mod sso;
mod state;
mod throttle;

use std::net::IpAddr;
use std::time::Instant;

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header;
use actix_web::middleware::{Compress, DefaultHeaders, Next};
use actix_web::{HttpResponse, guard, web};
use askama::Template;
use tracing::Instrument;

pub use admin::ADMIN_ROUTES;
pub use alerting::keep_watching as keep_watching_alerts;
pub use free_copies::keep_up_to_date as keep_free_copies;
pub use notify::keep_sending as keep_sending_digests;
pub use state::{AppState, mirror_replicas};

use crate::metrics::StatusClass;

/// The route table. Every GET route is a `read()` route, so HEAD answers like GET: actix
/// routes HEAD to no GET handler by itself, and uptime monitors and link checkers use HEAD.
/// The body is dropped on the wire (actix's HTTP/1 codec writes none for HEAD), so the headers
/// (type, length, caching) are those of the GET; handlers that log skip logging for HEAD.
///
/// The landing page and `/go/` come first and outside the `Compress` middleware: the page is
/// compressed once when it is rendered (`pages`) and `/go/` answers a redirect without a body,
/// so the middleware would only cost them time on every scan (it wraps each body and looks at
/// the request's and the response's headers). Everything else is behind it (`compressed`).
pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/s/{code}", read().to(landing::landing))
        .route("/S/{code}", read().to(landing::landing))
        .route("/go/{code}", read().to(landing::go))
        .service(
            web::scope("")
                .wrap(Compress::default())
                .configure(compressed),
        );
}

/// Every route but the hot two; `routes` puts them behind `Compress` (gzip, brotli or zstd as
/// asked).
fn compressed(cfg: &mut web::ServiceConfig) {
    cfg.route("/cite/{file}", read().to(landing::cite))
        .route("/c/{code}/react", web::post().to(landing::react))
        .route("/c/{code}/poll", web::post().to(landing::answer))
        .route("/c/{code}/{file}", read().to(landing::beacon))
        .route("/c/{code}/audio/{story}/{lang}", read().to(landing::listen))
        .route("/e/{exhibition}", read().to(landing::exhibition))
        .route(
            "/cover/{exhibition}/{story}/{width}",
            read().to(covers::cover),
        )
        .route("/qr/{file}", read().to(qr::image))
        .route("/healthz", read().to(ops::healthz))
        .route("/favicon.ico", read().to(favicon::favicon))
        .route("/how-we-count", read().to(privacy::how_we_count))
        .route("/", read().to(landing::home))
        .route("/login", read().to(auth::login_form))
        .route("/login", web::post().to(auth::login))
        .route("/login/sso", read().to(sso::start))
        .route(crate::sso::CALLBACK_PATH, read().to(sso::callback))
        .route("/logout", web::post().to(auth::logout))
        .route("/view/{token}", read().to(share::view))
        .route("/view/{token}/lobby", read().to(lobby::view))
        .route("/view/{token}/report", read().to(report_page::view))
        .route("/invite/{token}", read().to(invite::invite_form))
        .route("/invite/{token}", web::post().to(invite::invite_set))
        .service(admin::scope())
        .default_service(web::to(landing::not_found));
}

/// The routes of the `--metrics-bind` listener: `/metrics` without a password, because that
/// listener is meant for a private interface the scraper alone can reach.
pub fn metrics_routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/metrics", read().to(ops::metrics))
        .default_service(web::to(HttpResponse::NotFound));
}

/// A route for GET and HEAD alike.
fn read() -> actix_web::Route {
    web::route().guard(guard::Any(guard::Get()).or(guard::Head()))
}

/// The client's address: the peer, or behind the configured proxy the last address it added
/// to `X-Forwarded-For` (earlier entries are whatever the client claimed).
fn client_ip(req: &actix_web::HttpRequest, trusted_proxy: Option<IpAddr>) -> Option<IpAddr> {
    let peer = req.peer_addr()?.ip();
    if Some(peer) != trusted_proxy {
        return Some(peer);
    }
    let forwarded = req
        .headers()
        .get("x-forwarded-for")
        .and_then(|v| v.to_str().ok());
    forwarded
        .and_then(|f| f.rsplit(',').next())
        .and_then(|ip| ip.trim().parse().ok())
        .or(Some(peer))
}

/// Counts responses by status class for `/metrics`, and writes the access log line.
///
/// Successful answers (1xx to 3xx) are logged at debug level only: at info, a line for every
/// request took 18 % off a static page's throughput (50,600 against 61,600 req/s, release,
/// 2 cores). 4xx and 5xx stay at info, so probing and failures are still seen with the
/// default filter; health probes are not logged.
pub async fn observe_requests(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let started = Instant::now();
    // One span per request: with `RUST_LOG=debug` every line a request causes (store waits,
    // renders) carries its method and path, and the span ends with status and latency.
    let span = tracing::debug_span!(
        "request",
        method = %req.method(),
        path = %loggable(req.path()),
        status = tracing::field::Empty,
        ms = tracing::field::Empty,
    );
    let response = next.call(req).instrument(span.clone()).await?;
    let _entered = span.enter();
    let status = response.status();
    span.record("status", status.as_u16());
    span.record("ms", started.elapsed().as_secs_f64() * 1000.0);
    let request = response.request();
    if let Some(state) = request.app_data::<web::Data<AppState>>() {
        state
            .metrics
            .requests
            .get_or_create(&StatusClass::of(status.as_u16()))
            .inc();
    }
    if !matches!(request.path(), "/healthz" | "/admin/healthz") {
        let ms = started.elapsed().as_secs_f64() * 1000.0;
        let method = request.method();
        // Anyone can ask for a missing page as often as they like: client errors are no news
        // at the default level (a flood of 404s must not fill the disk); server errors are.
        // The path is worked out inside the macros: only when the line is written.
        if status.is_server_error() {
            tracing::warn!(status = status.as_u16(), %method, path = %loggable(request.path()), ms, "answered");
        } else {
            tracing::debug!(status = status.as_u16(), %method, path = %loggable(request.path()), ms, "answered");
        }
    }
    Ok(response)
}

/// The longest path a log line shows.
const LOGGED_PATH: usize = 120;

/// What a log line may show of a request's target: the path (no query: it can be long or
/// carry a token), a share-link token replaced by `…`, cut to `LOGGED_PATH` characters.
fn loggable(path: &str) -> String {
    let path = match path.strip_prefix("/view/") {
        Some(rest) => match rest.split_once('/') {
            Some((_, after)) => format!("/view/…/{after}"),
            None => "/view/…".to_string(),
        },
        None => path.to_string(),
    };
    match path.char_indices().nth(LOGGED_PATH) {
        Some((cut, _)) => format!("{}…", &path[..cut]),
        None => path,
    }
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

/// Marks a response as not to be kept by any cache: counted pages and redirects (each request
/// is a scan or an open), admin pages and figures, health answers.
fn no_store(mut response: HttpResponse) -> HttpResponse {
    response.headers_mut().insert(
        header::CACHE_CONTROL,
        header::HeaderValue::from_static("no-store"),
    );
    response
}

/// Renders a page, or a plain 500 (with the cause in the log) if the template fails.
fn html(status: actix_web::http::StatusCode, page: &impl Template) -> HttpResponse {
    match page.render() {
        Ok(body) => HttpResponse::build(status)
            .content_type("text/html; charset=utf-8")
            .body(body),
        Err(e) => render_failed(&e),
    }
}

/// The plain 500 for a template that failed, with the cause in the log: in every shipped
/// language, as the page that would have said which one is what failed.
fn render_failed(e: &askama::Error) -> HttpResponse {
    tracing::error!(error = %e, "template failed to render");
    let said: Vec<String> = crate::i18n::shipped()
        .iter()
        .map(|lang| crate::i18n::tr(*lang, "server-error"))
        .collect();
    HttpResponse::InternalServerError()
        .content_type("text/plain; charset=utf-8")
        .body(said.join(" "))
}

#[cfg(test)]
mod tests {
    use super::loggable;

    #[test]
    fn logged_paths_are_short_and_carry_no_share_token() {
        assert_eq!(loggable("/s/NCA1"), "/s/NCA1");
        assert_eq!(loggable("/view/abc.def"), "/view/…");
        assert_eq!(loggable("/view/abc.def/lobby"), "/view/…/lobby");
        let long = format!("/{}", "字".repeat(5000));
        let cut = loggable(&long);
        assert_eq!(cut.chars().count(), super::LOGGED_PATH + 1);
        assert!(cut.ends_with('…'));
    }
}

//! Operations endpoints: `/healthz` (store and catalog state) and `/metrics` (Prometheus).

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};

use super::AppState;

pub(super) async fn healthz(state: web::Data<AppState>) -> HttpResponse {
    let catalog = state.catalog();
    let reload = state.reload_status();
    // No sled read per probe: the writer reports failed writes, and the store says whether its
    // database is open (it is not while a reopen after a write error is under way).
    let readable = state.store.is_open();
    // Scans that cannot be made durable make the service unhealthy even though pages are
    // served: a monitor must see it before the queue fills.
    let problem = match state.recorder.problem() {
        Some(why) => Some(why),
        None if !readable => Some("the store cannot be read"),
        None => None,
    };
    let status = if problem.is_none() {
        StatusCode::OK
    } else {
        StatusCode::SERVICE_UNAVAILABLE
    };
    let summary = match (problem, reload.problems.is_empty()) {
        (Some(_), _) => "degraded: scans are not being stored",
        (None, true) => "ok",
        (None, false) => "ok, last exhibit edit rejected",
    };
    HttpResponse::build(status)
        .insert_header((actix_web::http::header::CACHE_CONTROL, "no-store"))
        .json(serde_json::json!({
            "status": summary,
            "store": if problem.is_none() { "ok" } else { "error" },
            "reason": problem,
            "queued": state.recorder.queued(),
            "catalog": {
                "exhibitions": catalog.exhibitions.len(),
                "loaded_at": reload.loaded_at,
                "rejected_edit": reload.problems,
                "rejected_at": reload.failed_at,
            },
            "log_failures": state.metrics.log_failures.get(),
            "scans_unconfirmed": state.metrics.scans_unconfirmed.get(),
        }))
}

pub(super) async fn metrics(state: web::Data<AppState>) -> HttpResponse {
    HttpResponse::Ok()
        .content_type("application/openmetrics-text; version=1.0.0; charset=utf-8")
        .body(state.metrics.encode())
}

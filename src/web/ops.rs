//! Operations endpoints: `/healthz` (store and catalog state) and `/metrics` (Prometheus).

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};

use super::AppState;

pub(super) async fn healthz(state: web::Data<AppState>) -> HttpResponse {
    let catalog = state.catalog();
    let reload = state.reload_status();
    let store = state.store.clone();
    let store_ok = matches!(web::block(move || store.check()).await, Ok(Ok(())));
    let status = if store_ok {
        StatusCode::OK
    } else {
        StatusCode::SERVICE_UNAVAILABLE
    };
    HttpResponse::build(status).json(serde_json::json!({
        "status": if !store_ok { "store unavailable" } else if reload.problems.is_empty() { "ok" } else { "ok, last exhibit edit rejected" },
        "store": if store_ok { "ok" } else { "error" },
        "catalog": {
            "exhibitions": catalog.exhibitions.len(),
            "loaded_at": reload.loaded_at,
            "rejected_edit": reload.problems,
            "rejected_at": reload.failed_at,
        },
        "log_failures": state.metrics.log_failures.get(),
    }))
}

pub(super) async fn metrics(state: web::Data<AppState>) -> HttpResponse {
    HttpResponse::Ok()
        .content_type("application/openmetrics-text; version=1.0.0; charset=utf-8")
        .body(state.metrics.encode())
}

//! Operations endpoints: `/healthz`.

use std::sync::atomic::Ordering;

use actix_web::{HttpResponse, web};

use super::AppState;

pub(super) async fn healthz(state: web::Data<AppState>) -> HttpResponse {
    let catalog = state.catalog();
    HttpResponse::Ok().json(serde_json::json!({
        "status": "ok",
        "exhibitions": catalog.exhibitions.len(),
        "log_failures": state.log_failures.load(Ordering::Relaxed),
    }))
}

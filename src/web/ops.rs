//! Operations endpoints: anonymous `/healthz` (ok or degraded, nothing else), and behind the
//! admin guard `/admin/healthz` (the details) and `/admin/metrics` (Prometheus; also served
//! without a password on the `--metrics-bind` listener).
//!
//! The anonymous answer says nothing an attacker could use (paths, validation messages,
//! queue depth): a monitor needs the status code and one word.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};

use super::{AppState, no_store};

/// What a probe finds, computed the same way for the anonymous and the admin answer.
struct Health {
    /// Why scans cannot be stored now, if they cannot.
    problem: Option<&'static str>,
}

impl Health {
    fn of(state: &AppState) -> Health {
        // No sled read per probe: the writer reports failed writes, and the store says whether
        // its database is open (it is not while a reopen after a write error is under way).
        let readable = state.store.is_open();
        // Scans that cannot be made durable make the service unhealthy even though pages are
        // served: a monitor must see it before the queue fills.
        let problem = match state.recorder.problem() {
            Some(why) => Some(why),
            None if !readable => Some("the store cannot be read"),
            None => None,
        };
        Health { problem }
    }

    fn status(&self) -> StatusCode {
        if self.problem.is_none() {
            StatusCode::OK
        } else {
            StatusCode::SERVICE_UNAVAILABLE
        }
    }

    fn word(&self) -> &'static str {
        if self.problem.is_none() {
            "ok"
        } else {
            "degraded"
        }
    }
}

/// `GET /healthz`: `{"status":"ok"}` or, with 503, `{"status":"degraded"}`.
pub(super) async fn healthz(state: web::Data<AppState>) -> HttpResponse {
    let health = Health::of(&state);
    no_store(
        HttpResponse::build(health.status()).json(serde_json::json!({ "status": health.word() })),
    )
}

/// `GET /admin/healthz`: the same status code (and 503 while the last good copy of the exhibit
/// files serves because the files failed the check at start), with why, what is queued, the
/// catalog's state and the counters an operator looks at first.
pub(super) async fn health_details(state: web::Data<AppState>) -> HttpResponse {
    let health = Health::of(&state);
    let catalog = state.catalog();
    let reload = state.reload_status();
    let summary = match (health.problem, reload.problems.is_empty()) {
        (Some(_), _) => "degraded: scans are not being stored",
        // Pages are served (so the anonymous probe stays ok), but from a copy that a restart
        // does not refresh: someone must fix the files.
        (None, _) if reload.from_last_good => {
            "degraded: the exhibit files fail the check; serving the last good copy from the data folder"
        }
        (None, true) => "ok",
        (None, false) => "ok, last exhibit edit rejected",
    };
    let mut answer = no_store(
        HttpResponse::build(health.status()).json(serde_json::json!({
                    "status": summary,
                    "store": if health.problem.is_none() { "ok" } else { "error" },
                    "reason": health.problem,
                    "queued": state.recorder.queued(),
                    "catalog": {
                        "exhibitions": catalog.exhibitions.len(),
                        "loaded_at": reload.loaded_at,
                        "rejected_edit": reload.problems,
                        "rejected_at": reload.failed_at,
                        "from_last_good": reload.from_last_good,
                    },
                    "log_failures": state.metrics.log_failures.get(),
                    "scans_unconfirmed": state.metrics.scans_unconfirmed.get(),
                    "qr_images": state.qr_images.counters(),
                    "mail": state.notices.health(),
                    "alerts": state.notices.alerts.health(),
                    "replication": state.replica.as_ref().map(|r| {
                        let replicas = r.replicas();
                        let versions: std::collections::BTreeSet<&str> =
                            replicas.iter().map(|p| p.fingerprint.as_str()).collect();
                        serde_json::json!({
                            "replica": r.id(),
                            "problem": r.problem(),
                            "outbox_batches": state.store.outbox_len(),
                            "changes_waiting": state.store.pending_changes().map_or(0, |c| c.len()),
                            "stream_position": state.store.stream_position(),
                            "catalog_fingerprint": crate::catalog::fingerprint(state.exhibits()),
                            "replicas": replicas,
                            "replicas_differ": versions.len() > 1,
                            "refused": {
                                "count": r.refused().0,
                                "last_at": r.refused().1,
                                "what": "stream messages and records not sealed with this replica's cluster key: another key file, or someone who reached NATS without one",
                            },
                        })
                    }),
        })),
    );
    if reload.from_last_good {
        *answer.status_mut() = StatusCode::SERVICE_UNAVAILABLE;
    }
    answer
}

/// Prometheus metrics, OpenMetrics text.
pub(super) async fn metrics(state: web::Data<AppState>) -> HttpResponse {
    no_store(
        HttpResponse::Ok()
            .content_type("application/openmetrics-text; version=1.0.0; charset=utf-8")
            .body(state.metrics.encode()),
    )
}

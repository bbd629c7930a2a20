//! Storing what visitors do: the visit record of a scan or an open (with the day's visitor
//! id), and the store call that never fails the page.

use actix_web::web;

use super::request::Requester;
use crate::catalog::{Code, ShownStory};
use crate::error_chain;
use crate::store::{Event, StoreError, Via, Visit};
use crate::visitor::{self, VisitorId};
use crate::web::AppState;

pub(super) async fn visit_record(
    state: &AppState,
    code: &Code,
    here: &ShownStory<'_>,
    requester: &Requester,
    via: Via,
) -> Visit {
    let now = state.clock.now();
    let day = now.to_zoned_datetime(state.day_zone.clone()).date();
    // Without a salt there is no visitor id; the visit still counts as a view.
    let visitor_id = match daily_salt(state, day).await {
        Some(salt) => visitor::visitor_id(&salt, &requester.ip, &requester.user_agent),
        None => VisitorId::default(),
    };
    Visit {
        staff: requester.staff,
        ..Visit::new(
            now,
            code,
            here,
            visitor_id,
            requester.client,
            requester.lang,
            via,
        )
    }
}

/// Today's salt: from memory, or (once a day) from the store on a blocking thread.
async fn daily_salt(state: &AppState, day: jiff::civil::Date) -> Option<[u8; 32]> {
    if let Some(salt) = state.store.cached_salt(day) {
        return Some(salt);
    }
    let store = state.store.clone();
    match web::block(move || store.daily_salt(day)).await {
        Ok(Ok(salt)) => Some(salt),
        Ok(Err(e)) => {
            tracing::warn!(error = %error_chain(&e), "no daily salt; visitor id left empty");
            None
        }
        Err(e) => {
            tracing::warn!(error = %e, "no daily salt; visitor id left empty");
            None
        }
    }
}

/// Stores an event, waiting until it is durable. A failure is counted and logged, never
/// shown: the visitor gets the page either way. An event answered before it is durable
/// (a slow or failing disk) stays queued and is counted as unconfirmed.
pub(super) async fn record(state: &AppState, event: Event) {
    match &event {
        Event::Scan(_) => state.metrics.scans.inc(),
        Event::Open(_) => state.metrics.opens.inc(),
        Event::Unknown(_) => state.metrics.unknown_codes.inc(),
        Event::Signal(_, signal) => state
            .metrics
            .signals
            .get_or_create(&crate::metrics::SignalKind(signal.kind().name()))
            .inc(),
    };
    let started = std::time::Instant::now();
    let stored = state.recorder.record(event).await;
    // In the request's span, so a slow answer shows how long it waited for its batch.
    let ms = started.elapsed().as_secs_f64() * 1000.0;
    tracing::debug!(ms, ok = stored.is_ok(), "waited for the store");
    match stored {
        Ok(()) => {}
        Err(StoreError::TimedOut) => {
            state.metrics.scans_unconfirmed.inc();
        }
        Err(e) => {
            state.count_log_failure();
            tracing::warn!(error = %error_chain(&e), "an event was not stored; the visitor was served anyway");
        }
    }
}

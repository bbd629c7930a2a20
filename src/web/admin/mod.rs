//! The organizer side, all under `/admin` and all behind `auth::require_admin`: the overview,
//! one dashboard per exhibition (figures, charts, phase control), the manual switch and the
//! return to the schedule, print sheets, statistics as JSON and the CSV export.
//!
//! This file owns what the areas share: the date range of a query, looking up an exhibition
//! and its figures, the replicas panel, who is looking at a dashboard (`Access`), and the
//! form-token check. One file per URL area: `overview` (/admin), `dashboard` (/admin/e/..),
//! `switch` (/admin/switch, /admin/return), `backup`, `reload`, `api` (/admin/api/stats),
//! `export` (/admin/export), `print`; `stream` is the streamed body backup and export use.

mod api;
mod backup;
mod dashboard;
mod export;
mod overview;
mod print;
mod reload;
mod stream;
mod switch;

use std::sync::Arc;

use actix_web::{HttpRequest, web};
use jiff::Timestamp;
use jiff::civil::Date;
use serde::Deserialize;

use super::AppState;
use super::auth::Organizer;
use super::error::WebError;
use crate::catalog::{Catalog, Exhibition, Lang};
use crate::stats::{self, Stats};

pub(super) use api::stats_json;
pub(super) use backup::backup;
pub(super) use dashboard::{dashboard, dashboard_for};
pub(super) use export::export_csv;
pub(super) use overview::overview;
pub(super) use print::print;
pub(super) use reload::reload;
pub(super) use switch::{return_to_schedule, switch};

/// `?from=YYYY-MM-DD&to=YYYY-MM-DD`, both optional.
#[derive(Deserialize, Default)]
pub(super) struct RangeQuery {
    from: Option<String>,
    to: Option<String>,
}

impl RangeQuery {
    /// The inclusive date range asked for, `None` for all time.
    fn range(&self, e: &Exhibition, today: Date) -> Result<Option<(Date, Date)>, String> {
        let parse = |s: &Option<String>, name: &str| -> Result<Option<Date>, String> {
            match s.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
                None => Ok(None),
                Some(v) => v
                    .parse()
                    .map(Some)
                    .map_err(|_| format!("{name}=`{v}`: expected a date such as 2026-11-20")),
            }
        };
        let (from, to) = (parse(&self.from, "from")?, parse(&self.to, "to")?);
        if from.is_none() && to.is_none() {
            return Ok(None);
        }
        let from = from.unwrap_or(e.opens);
        let to = to.unwrap_or(today);
        if to < from {
            return Err(format!("to ({to}) is before from ({from})"));
        }
        check_span(from, to, today)?;
        Ok(Some((from, to)))
    }
}

/// No figures exist before this day; an earlier `from` is a typo or a probe.
const EARLIEST: Date = jiff::civil::date(2000, 1, 1);
/// The longest range asked for, in days: about ten years.
const LONGEST_DAYS: i32 = 3_660;

/// Refuses absurd ranges with a message instead of quietly answering a capped range with
/// zeros (`?from=0001-01-01&to=9999-12-31` used to).
fn check_span(from: Date, to: Date, today: Date) -> Result<(), String> {
    let latest = today
        .checked_add(jiff::Span::new().years(1))
        .unwrap_or(today);
    if from < EARLIEST {
        return Err(format!(
            "from ({from}) is before {EARLIEST}: no figures go back that far"
        ));
    }
    if to > latest {
        return Err(format!(
            "to ({to}) is more than a year after today ({today})"
        ));
    }
    let days = (to - from).get_days();
    if days > LONGEST_DAYS {
        return Err(format!(
            "{from} to {to} is {days} days; ask for at most about ten years ({LONGEST_DAYS} days)"
        ));
    }
    Ok(())
}

fn find<'a>(catalog: &'a Catalog, id: &str) -> Result<&'a Exhibition, WebError> {
    catalog
        .exhibition(id)
        .map(|(_, e)| e)
        .ok_or_else(|| WebError::NotFound(format!("no exhibition `{id}`")))
}

/// Statistics of `catalog`'s exhibition `id` (the caller's catalog: a reload in between
/// cannot make it vanish).
async fn compute(
    state: &web::Data<AppState>,
    catalog: &Arc<Catalog>,
    id: &str,
    range: Option<(Date, Date)>,
) -> Result<Stats, WebError> {
    let (store, catalog, id) = (state.store.clone(), catalog.clone(), id.to_string());
    web::block(move || {
        let e = find(&catalog, &id)?;
        stats::compute(&store, e, range).map_err(|e| WebError::internal("statistics", e))
    })
    .await
    .map_err(|e| WebError::internal("statistics", e))?
}

/// The date range a query asks for, checked.
fn range_of(
    state: &AppState,
    e: &Exhibition,
    query: &RangeQuery,
) -> Result<Option<(Date, Date)>, WebError> {
    let today = state
        .clock
        .now()
        .to_zoned_datetime(e.time_zone.clone())
        .date();
    query.range(e, today).map_err(WebError::BadRequest)
}

/// Replicated (`--nats`): the replicas heard from, and whether they serve the same files.
struct Replicas {
    me: String,
    /// Why this replica is out of step with the cluster, if it is.
    problem: Option<&'static str>,
    /// (replica, catalog fingerprint, heard from seconds ago, heard from when)
    all: Vec<(String, String, i64, Timestamp)>,
    differ: bool,
}

impl Replicas {
    fn of(state: &AppState) -> Option<Replicas> {
        let replica = state.replica.as_ref()?;
        let now = jiff::Timestamp::now();
        let all: Vec<(String, String, i64, Timestamp)> = replica
            .replicas()
            .into_iter()
            .map(|p| {
                let ago = now.duration_since(p.at).as_secs().max(0);
                (p.replica, p.fingerprint, ago, p.at)
            })
            .collect();
        let versions: std::collections::BTreeSet<&str> =
            all.iter().map(|(_, f, _, _)| f.as_str()).collect();
        Some(Replicas {
            me: replica.id().to_string(),
            problem: replica.problem(),
            differ: versions.len() > 1,
            all,
        })
    }
}

fn title(e: &Exhibition) -> String {
    format!("{} · {}", e.title.get(Lang::Zh), e.title.get(Lang::En))
}

/// Who is looking at a dashboard: an organizer (forms, exports, share links) or a read-only
/// link (figures only; every link on the page stays under `/view/{token}`).
pub(super) enum Access {
    Organizer(Organizer),
    Link(String),
}

/// The organizer behind a state-changing form, if the form carries their session's token.
pub(super) fn organizer_with_token(
    req: &HttpRequest,
    csrf: Option<&str>,
) -> Result<Organizer, WebError> {
    let organizer = Organizer::of(req)?;
    if !organizer.allows(csrf) {
        let message = "missing or wrong form token: reload the dashboard and try again";
        return Err(WebError::Forbidden(message.into()));
    }
    Ok(organizer)
}

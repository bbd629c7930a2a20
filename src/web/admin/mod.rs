//! The organizer side, all under `/admin` and all behind `auth::require_admin`: the route
//! table (`ADMIN_ROUTES`, with the role each route needs), the overview,
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

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::middleware::from_fn;
use actix_web::{HttpRequest, HttpResponse, web};
use jiff::Timestamp;
use jiff::civil::Date;
use serde::Deserialize;

use super::AppState;
use super::auth::Organizer;
use super::error::WebError;
use crate::catalog::{Catalog, Exhibition, Lang};
use crate::people::Role;
use crate::stats::{self, Stats};

pub(super) use api::stats_json;
pub(super) use backup::backup;
pub(crate) use dashboard::ProblemPage;
pub(super) use dashboard::{dashboard, dashboard_for};
pub(super) use export::export_csv;
pub(super) use overview::overview;
pub(super) use print::print;
pub(super) use reload::reload;
pub(super) use switch::{return_to_schedule, switch};

/// Every route in the guarded `/admin` scope: (method, path, the role it needs). The scope is
/// built from this list and the guard checks the role from it, so a test can walk every route
/// for every role without reading the source. A path with `{exhibition}` (or `{file}`, which
/// names `{exhibition}.csv`) needs the role in that exhibition, and answers 404 to a person
/// holding no role there; a path of no exhibition needs the role somewhere (admin: server-wide).
pub const ADMIN_ROUTES: &[(&str, &str, Role)] = &[
    ("GET", "/admin", Role::Viewer),
    ("GET", "/admin/e/{exhibition}", Role::Viewer),
    ("POST", "/admin/switch/{exhibition}", Role::Organizer),
    ("POST", "/admin/return/{exhibition}", Role::Organizer),
    ("GET", "/admin/print/{exhibition}", Role::Editor),
    ("GET", "/admin/api/stats/{exhibition}", Role::Viewer),
    ("GET", "/admin/export/{file}", Role::Viewer),
    ("POST", "/admin/reload", Role::Admin),
    ("GET", "/admin/backup", Role::Admin),
    ("GET", "/admin/report/{exhibition}", Role::Viewer),
    ("GET", "/admin/lobby/{exhibition}", Role::Viewer),
    ("POST", "/admin/shares/{exhibition}", Role::Organizer),
    ("POST", "/admin/shares/{exhibition}/revoke", Role::Organizer),
    ("GET", "/admin/healthz", Role::Admin),
    ("GET", "/admin/metrics", Role::Admin),
    ("GET", "/admin/e/{exhibition}/stories/{story}", Role::Editor),
    (
        "POST",
        "/admin/e/{exhibition}/stories/{story}",
        Role::Editor,
    ),
    ("POST", "/admin/e/{exhibition}/undo/{entry}", Role::Editor),
    ("GET", "/admin/e/{exhibition}/phases/new", Role::Editor),
    ("POST", "/admin/e/{exhibition}/phases/new", Role::Editor),
    ("GET", "/admin/people", Role::Admin),
    ("POST", "/admin/people", Role::Admin),
    ("POST", "/admin/people/{name}/disable", Role::Admin),
    ("POST", "/admin/people/{name}/enable", Role::Admin),
    ("POST", "/admin/people/{name}/reset", Role::Admin),
    ("POST", "/admin/people/{name}/roles", Role::Admin),
    ("POST", "/admin/people/{name}/logout", Role::Admin),
    ("POST", "/admin/people/{name}/tokens", Role::Admin),
    ("POST", "/admin/people/{name}/tokens/revoke", Role::Admin),
    ("POST", "/admin/me/logout", Role::Viewer),
    ("GET", "/admin/audit", Role::Admin),
    ("GET", "/admin/audit.csv", Role::Admin),
    ("GET", "/admin/e/{exhibition}/audit", Role::Organizer),
    ("POST", "/admin/digests/{exhibition}", Role::Organizer),
    ("POST", "/admin/e/{exhibition}/digest", Role::Organizer),
];

/// The role a request needs, the exhibition it is about and its route's pattern, from
/// `ADMIN_ROUTES`. A path the table does not know needs admin: no handler is ever reached
/// without a role check, even if the router matched a path this reading of the table did not.
pub(super) fn route_need(method: &str, path: &str) -> (Role, Option<String>, &'static str) {
    let segments: Vec<String> = path
        .split('/')
        .map(|s| {
            percent_encoding::percent_decode_str(s)
                .decode_utf8_lossy()
                .into_owned()
        })
        .collect();
    let found = ADMIN_ROUTES.iter().find_map(|&(m, pattern, role)| {
        let parts: Vec<&str> = pattern.split('/').collect();
        if m != method || parts.len() != segments.len() {
            return None;
        }
        let mut exhibition = None;
        for (part, segment) in parts.iter().zip(&segments) {
            match *part {
                "{exhibition}" => exhibition = Some(segment.clone()),
                "{file}" => {
                    exhibition = Some(segment.strip_suffix(".csv").unwrap_or(segment).to_string())
                }
                p if p.starts_with('{') => {}
                p if p == segment => {}
                _ => return None,
            }
        }
        Some((role, exhibition, pattern))
    });
    found.unwrap_or((Role::Admin, None, "(no route)"))
}

/// The `/admin` scope: every route in `ADMIN_ROUTES`, all behind one guard.
pub(super) fn scope() -> actix_web::Scope<
    impl actix_web::dev::ServiceFactory<
        ServiceRequest,
        Config = (),
        Response = ServiceResponse<impl MessageBody>,
        Error = actix_web::Error,
        InitError = (),
    >,
> {
    use super::{
        audit, digest_form, editor, lobby, notify, ops, people, phases, report_page, share,
    };
    let scope = web::scope("/admin").wrap(from_fn(super::auth::require_admin));
    ADMIN_ROUTES
        .iter()
        .fold(scope, |scope, &(method, path, _)| {
            let route = if method == "POST" {
                web::post()
            } else {
                super::read()
            };
            let post = method == "POST";
            let route = match path {
                "/admin" => route.to(overview),
                "/admin/e/{exhibition}" => route.to(dashboard),
                "/admin/switch/{exhibition}" => route.to(switch),
                "/admin/return/{exhibition}" => route.to(return_to_schedule),
                "/admin/print/{exhibition}" => route.to(print),
                "/admin/api/stats/{exhibition}" => route.to(stats_json),
                "/admin/export/{file}" => route.to(export_csv),
                "/admin/reload" => route.to(reload),
                "/admin/backup" => route.to(backup),
                "/admin/report/{exhibition}" => route.to(report_page::admin),
                "/admin/lobby/{exhibition}" => route.to(lobby::admin),
                "/admin/shares/{exhibition}" => route.to(share::make),
                "/admin/shares/{exhibition}/revoke" => route.to(share::revoke),
                "/admin/healthz" => route.to(ops::health_details),
                "/admin/metrics" => route.to(ops::metrics),
                "/admin/e/{exhibition}/stories/{story}" if post => route.to(editor::story_save),
                "/admin/e/{exhibition}/stories/{story}" => route.to(editor::story_form),
                "/admin/e/{exhibition}/undo/{entry}" => route.to(editor::undo),
                "/admin/e/{exhibition}/phases/new" if post => route.to(phases::save),
                "/admin/e/{exhibition}/phases/new" => route.to(phases::form),
                "/admin/people" if post => route.to(people::add),
                "/admin/people" => route.to(people::page),
                "/admin/people/{name}/disable" => route.to(people::disable),
                "/admin/people/{name}/enable" => route.to(people::enable),
                "/admin/people/{name}/reset" => route.to(people::reset),
                "/admin/people/{name}/roles" => route.to(people::roles),
                "/admin/people/{name}/logout" => route.to(people::logout_everywhere),
                "/admin/people/{name}/tokens" => route.to(people::token_add),
                "/admin/people/{name}/tokens/revoke" => route.to(people::token_revoke),
                "/admin/me/logout" => route.to(people::logout_myself_everywhere),
                "/admin/audit" => route.to(audit::page),
                "/admin/audit.csv" => route.to(audit::csv),
                "/admin/e/{exhibition}/audit" => route.to(audit::of_exhibition),
                "/admin/digests/{exhibition}" => route.to(notify::send_now),
                "/admin/e/{exhibition}/digest" => route.to(digest_form::save),
                _ => unreachable!("{path} is in ADMIN_ROUTES without a handler"),
            };
            scope.route(&path["/admin".len()..], route)
        })
        .default_service(web::to(admin_not_found))
}

/// Inside the guard, so an unknown admin URL says nothing to strangers.
async fn admin_not_found() -> HttpResponse {
    HttpResponse::NotFound()
        .content_type("text/plain")
        .body("no such admin page")
}

/// `?from=YYYY-MM-DD&to=YYYY-MM-DD`, both optional.
#[derive(Deserialize, Default)]
pub(super) struct RangeQuery {
    from: Option<String>,
    to: Option<String>,
}

/// Why a date range cannot be shown, in words for either language.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum RangeError {
    /// `field` (`from` or `to`) is not a date.
    NotADate {
        field: &'static str,
        value: String,
    },
    Backwards {
        from: Date,
        to: Date,
    },
    TooEarly {
        from: Date,
    },
    TooLate {
        to: Date,
        today: Date,
    },
    TooLong {
        from: Date,
        to: Date,
        days: i32,
    },
}

impl RangeError {
    /// What went wrong and what to write instead, in `lang` (`locales/*/admin.ftl`).
    pub(super) fn say(&self, lang: Lang) -> String {
        use crate::i18n::tr_args;
        let d = |date: &Date| date.to_string().into();
        match self {
            RangeError::NotADate { field, value } => tr_args(
                lang,
                if *field == "from" {
                    "range-from-not-a-date"
                } else {
                    "range-to-not-a-date"
                },
                &[("value", value.clone().into())],
            ),
            RangeError::Backwards { from, to } => {
                tr_args(lang, "range-backwards", &[("from", d(from)), ("to", d(to))])
            }
            RangeError::TooEarly { from } => tr_args(
                lang,
                "range-too-early",
                &[("from", d(from)), ("earliest", EARLIEST.to_string().into())],
            ),
            RangeError::TooLate { to, today } => tr_args(
                lang,
                "range-too-late",
                &[("to", d(to)), ("today", d(today))],
            ),
            RangeError::TooLong { from, to, days } => tr_args(
                lang,
                "range-too-long",
                &[
                    ("from", d(from)),
                    ("to", d(to)),
                    ("days", days.to_string().into()),
                    ("longest", LONGEST_DAYS.to_string().into()),
                ],
            ),
        }
    }
}

impl RangeQuery {
    /// The inclusive date range asked for, `None` for all time.
    fn range(&self, e: &Exhibition, today: Date) -> Result<Option<(Date, Date)>, RangeError> {
        let parse = |s: &Option<String>, field: &'static str| -> Result<Option<Date>, RangeError> {
            match s.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
                None => Ok(None),
                Some(v) => v.parse().map(Some).map_err(|_| RangeError::NotADate {
                    field,
                    value: v.to_string(),
                }),
            }
        };
        let (from, to) = (parse(&self.from, "from")?, parse(&self.to, "to")?);
        if from.is_none() && to.is_none() {
            return Ok(None);
        }
        let from = from.unwrap_or(e.opens);
        let to = to.unwrap_or(today);
        if to < from {
            return Err(RangeError::Backwards { from, to });
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
fn check_span(from: Date, to: Date, today: Date) -> Result<(), RangeError> {
    let latest = today
        .checked_add(jiff::Span::new().years(1))
        .unwrap_or(today);
    if from < EARLIEST {
        return Err(RangeError::TooEarly { from });
    }
    if to > latest {
        return Err(RangeError::TooLate { to, today });
    }
    let days = (to - from).get_days();
    if days > LONGEST_DAYS {
        return Err(RangeError::TooLong { from, to, days });
    }
    Ok(())
}

pub(in crate::web) fn find<'a>(catalog: &'a Catalog, id: &str) -> Result<&'a Exhibition, WebError> {
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

/// The date range a query asks for, checked; for scripts (JSON, CSV), refused in English.
fn range_of(
    state: &AppState,
    e: &Exhibition,
    query: &RangeQuery,
) -> Result<Option<(Date, Date)>, WebError> {
    checked_range(state, e, query).map_err(|err| WebError::BadRequest(err.say(Lang::EN)))
}

/// The date range a query asks for, or why it cannot be shown.
fn checked_range(
    state: &AppState,
    e: &Exhibition,
    query: &RangeQuery,
) -> Result<Option<(Date, Date)>, RangeError> {
    let today = state
        .clock
        .now()
        .to_zoned_datetime(e.time_zone.clone())
        .date();
    query.range(e, today)
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

pub(crate) fn title(e: &Exhibition) -> String {
    format!("{} · {}", e.title.get(Lang::ZH), e.title.get(Lang::EN))
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

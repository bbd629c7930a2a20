//! The organizer side, all under `/admin` and all behind `auth::require_admin`: the overview,
//! one dashboard per exhibition (figures, charts, phase control), the manual switch and the
//! return to the schedule, print sheets, statistics as JSON and the CSV export.

use std::sync::Arc;

use actix_web::http::{StatusCode, header};
use actix_web::web::Bytes;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use jiff::Timestamp;
use jiff::civil::Date;
use serde::Deserialize;
use tokio_stream::wrappers::ReceiverStream;

use super::admin_ui::AdminUi;
use super::auth::Organizer;
use super::error::WebError;
use super::{AppState, chart_cache, html, no_store};
use crate::catalog::{self, Catalog, Exhibition, Lang, ShowState, Switch};
use crate::stats::{self, Stats, charts};
use crate::store::{self, Visit};

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

// ---------------------------------------------------------------------------------------------
// GET /admin

#[derive(Template)]
#[template(path = "admin_overview.html")]
struct Overview {
    t: AdminUi,
    organizer: String,
    csrf: String,
    reload: catalog::ReloadStatus,
    /// When the catalog was loaded.
    loaded_at: Option<Timestamp>,
    replicas: Option<Replicas>,
    shows: Vec<(String, String, String, Stats)>,
}

pub(super) async fn overview(
    state: web::Data<AppState>,
    req: HttpRequest,
) -> Result<HttpResponse, WebError> {
    let catalog = state.catalog();
    let mut shows = Vec::new();
    for e in &catalog.exhibitions {
        let stats = compute(&state, &catalog, &e.id, None).await?;
        let live = e.showing(state.clock.now(), state.last_switch(&e.id).as_ref());
        shows.push((
            e.id.clone(),
            title(e),
            e.phases[live.phase].id.clone(),
            stats,
        ));
    }
    let organizer = Organizer::of(&req)?;
    let reload = state.reload_status();
    // Every time on the page in one zone: the first exhibition's (usually the only one).
    let zone = catalog
        .exhibitions
        .first()
        .map_or_else(|| state.day_zone.clone(), |e| e.time_zone.clone());
    let t = AdminUi::of(&req, zone);
    let page = Overview {
        organizer: organizer.name.clone(),
        csrf: organizer.csrf().to_string(),
        loaded_at: reload.loaded_at,
        reload,
        replicas: Replicas::of(&state),
        shows,
        t,
    };
    Ok(no_store(page.t.respond(StatusCode::OK, &page)))
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

// ---------------------------------------------------------------------------------------------
// GET /admin/e/{exhibition}, and read-only through a share link: GET /view/{token}

/// Who is looking at a dashboard: an organizer (forms, exports, share links) or a read-only
/// link (figures only; every link on the page stays under `/view/{token}`).
pub(super) enum Access {
    Organizer(Organizer),
    Link(String),
}

#[derive(Template)]
#[template(path = "admin_dashboard.html")]
struct Dashboard {
    t: AdminUi,
    id: String,
    title: String,
    organizer: String,
    csrf: String,
    readonly: bool,
    /// Where the page itself, the lobby screen and the report are, for this kind of access.
    base: String,
    lobby_href: String,
    report_href: String,
    /// A rejected edit holds back every exhibition's files, so each dashboard warns of it.
    reload: catalog::ReloadStatus,
    replicas: Option<Replicas>,
    /// (id, code, English title), to edit.
    stories: Vec<(String, String, String)>,
    /// Kept versions of the exhibit files, newest first, with when they were saved.
    changes: Vec<(catalog::save::Kept, String)>,
    state: &'static str,
    live: String,
    manual: bool,
    phases: Vec<(String, String, String)>,
    history: Vec<(String, String, String)>,
    /// Read-only links: (link, full URL, live now, expiry in local time).
    links: Vec<(crate::sharelink::ShareLink, String, bool, String)>,
    from: String,
    to: String,
    range_query: String,
    stats: Stats,
    chart_days: String,
    chart_hours: String,
    chart_stories: String,
    chart_stations: String,
}

pub(super) async fn dashboard(
    state: web::Data<AppState>,
    req: HttpRequest,
    path: web::Path<String>,
    query: web::Query<RangeQuery>,
) -> Result<HttpResponse, WebError> {
    let organizer = Organizer::of(&req)?;
    dashboard_for(&state, &req, &path, &query, Access::Organizer(organizer)).await
}

/// The dashboard of exhibition `id`, for an organizer or a read-only link.
pub(super) async fn dashboard_for(
    state: &web::Data<AppState>,
    req: &HttpRequest,
    id: &str,
    query: &RangeQuery,
    access: Access,
) -> Result<HttpResponse, WebError> {
    let catalog = state.catalog();
    let e = find(&catalog, id)?;
    let now = state.clock.now();
    let t = AdminUi::of(req, e.time_zone.clone());
    let lang = t.lang;
    let local = |at: Timestamp| t.time(&at);
    let range = range_of(state, e, query)?;
    // Read before the figures: they are at least this new, so charts kept for it are current.
    let position = state.store.position();
    let stats = compute(state, &catalog, &e.id, range).await?;
    let showing = e.showing(now, state.last_switch(&e.id).as_ref());
    let (store, sid) = (state.store.clone(), e.id.clone());
    // A sled read: on a blocking thread, never on the executor.
    let history = web::block(move || store.switches(&sid))
        .await
        .map_err(|e| WebError::internal("switch history", e))?
        .map_err(|e| WebError::internal("switch history", e))?
        .into_iter()
        .rev()
        .map(|s| {
            let to = if s.is_return_to_schedule() {
                t.s("back to schedule", "恢复按计划").to_string()
            } else {
                s.phase
            };
            (local(s.at), to, s.by)
        })
        .collect();
    let origin = state.base_url.trim_end_matches('/').to_string();
    let (organizer, csrf, base, lobby_href, report_href, links) = match &access {
        Access::Organizer(o) => (
            o.name.clone(),
            o.csrf().to_string(),
            format!("/admin/e/{}", e.id),
            format!("/admin/lobby/{}", e.id),
            format!("/admin/report/{}", e.id),
            state
                .shares
                .of_exhibition(&e.id, now)
                .into_iter()
                .map(|(l, path, live)| {
                    let expires = local(l.expires);
                    (l, format!("{origin}{path}"), live, expires)
                })
                .collect(),
        ),
        Access::Link(token) => (
            String::new(),
            String::new(),
            format!("/view/{token}"),
            format!("/view/{token}/lobby"),
            format!("/view/{token}/report"),
            vec![],
        ),
    };
    let nth = (stats.by_day.len() / 12).max(1);
    let dir = e.dir.clone();
    let changes = web::block(move || catalog::save::history(&dir))
        .await
        .map_err(|e| WebError::internal("change history", e))?;
    let titles = (
        t.s("Scans and article opens by day", "每日扫码与全文打开次数"),
        t.s(
            "Scans and article opens by hour of day",
            "各时段扫码与全文打开次数",
        ),
        t.s("By story", "按故事"),
        t.s("By station", "按展位"),
    );
    let rows = (
        stats.by_day.clone(),
        stats.by_hour.clone(),
        stats.by_story.clone(),
        stats.by_station.clone(),
    );
    let view = chart_cache::View {
        exhibition: e.id.clone(),
        range,
        lang,
    };
    let charts = state
        .charts
        .get_or_draw(view, position, &catalog, move || {
            let (days, hours, stories, stations) = rows;
            chart_cache::Charts {
                days: charts::columns(lang, titles.0, &days, nth),
                hours: charts::columns(lang, titles.1, &hours, 2),
                stories: charts::bars(lang, titles.2, &stories),
                stations: charts::bars(lang, titles.3, &stations),
            }
        })
        .await
        .map_err(|e| WebError::internal("charts", e))?;
    let page = Dashboard {
        id: e.id.clone(),
        title: title(e),
        organizer,
        csrf,
        readonly: matches!(access, Access::Link(_)),
        base,
        lobby_href,
        report_href,
        reload: state.reload_status(),
        replicas: Replicas::of(state),
        state: match showing.state {
            ShowState::Upcoming => t.s("not open yet", "尚未开幕"),
            ShowState::Running => t.s("running", "展出中"),
            ShowState::Closed => t.s("closed", "已闭幕"),
        },
        live: e.phases[showing.phase].id.clone(),
        manual: showing.manual,
        phases: e
            .phases
            .iter()
            .map(|p| (p.id.clone(), p.name.get(lang).to_string(), local(p.starts)))
            .collect(),
        history,
        stories: e
            .stories
            .iter()
            .map(|s| {
                (
                    s.id.clone(),
                    s.code.to_string(),
                    s.title.get(lang).to_string(),
                )
            })
            .collect(),
        changes: changes
            .into_iter()
            .take(20)
            .map(|c| {
                let at = kept_at(&c.at).map_or_else(|| c.at.clone(), local);
                (c, at)
            })
            .collect(),
        links,
        from: range.map(|r| r.0.to_string()).unwrap_or_default(),
        to: range.map(|r| r.1.to_string()).unwrap_or_default(),
        range_query: range
            .map(|(f, t)| format!("?from={f}&to={t}"))
            .unwrap_or_default(),
        chart_days: charts.days.clone(),
        chart_hours: charts.hours.clone(),
        chart_stories: charts.stories.clone(),
        chart_stations: charts.stations.clone(),
        stats,
        t,
    };
    Ok(no_store(page.t.respond(StatusCode::OK, &page)))
}

/// When a kept version was saved: its stamp, `20261120T020000.000000Z`, is UTC.
fn kept_at(stamp: &str) -> Option<Timestamp> {
    let civil = jiff::civil::DateTime::strptime("%Y%m%dT%H%M%S%.f", stamp.strip_suffix('Z')?);
    let civil = civil.ok()?;
    civil
        .to_zoned_datetime(jiff::tz::TimeZone::UTC)
        .ok()
        .map(|z| z.timestamp())
}

// ---------------------------------------------------------------------------------------------
// POST /admin/switch/{exhibition}: phase, confirm=yes, csrf

#[derive(Deserialize)]
pub(super) struct SwitchForm {
    phase: String,
    confirm: Option<String>,
    csrf: Option<String>,
}

#[derive(Template)]
#[template(path = "admin_confirm.html")]
struct Confirm<'a> {
    t: AdminUi,
    id: &'a str,
    title: String,
    from: &'a str,
    to: &'a str,
    to_name: &'a str,
    csrf: &'a str,
}

pub(super) async fn switch(
    state: web::Data<AppState>,
    req: HttpRequest,
    path: web::Path<String>,
    form: web::Form<SwitchForm>,
) -> Result<HttpResponse, WebError> {
    let organizer = organizer_with_token(&req, form.csrf.as_deref())?;
    let catalog = state.catalog();
    let e = find(&catalog, &path)?;
    let Some((_, phase)) = e.phase(&form.phase) else {
        let message = format!("exhibition `{}` has no phase `{}`", e.id, form.phase);
        return Err(WebError::BadRequest(message));
    };
    if form.confirm.as_deref() != Some("yes") {
        let live = e
            .showing(state.clock.now(), state.last_switch(&e.id).as_ref())
            .phase;
        let t = AdminUi::of(&req, e.time_zone.clone()).toggle_to(&format!("/admin/e/{}", e.id));
        let page = Confirm {
            id: &e.id,
            title: title(e),
            from: &e.phases[live].id,
            to: &phase.id,
            to_name: phase.name.get(t.lang),
            csrf: organizer.csrf(),
            t,
        };
        return Ok(no_store(html(StatusCode::OK, &page)));
    }
    let switch = Switch {
        exhibition: e.id.clone(),
        phase: phase.id.clone(),
        at: state.clock.now(),
        by: organizer.name,
    };
    record(&state, switch).await
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

/// Stores a switch (or a return to the schedule), makes it live, and sends the organizer back
/// to the phase section of the dashboard.
async fn record(state: &AppState, switch: Switch) -> Result<HttpResponse, WebError> {
    let (store, made) = (state.store.clone(), switch.clone());
    web::block(move || store.change(&store.new_switch(made)?))
        .await
        .map_err(|e| WebError::internal("switch", e))?
        .map_err(|e| WebError::internal("switch", e))?;
    tracing::info!(exhibition = %switch.exhibition, phase = %switch.phase, by = %switch.by, "manual phase switch");
    let location = format!("/admin/e/{}#phase", switch.exhibition);
    state.remember_switch(switch);
    Ok(HttpResponse::SeeOther()
        .insert_header((header::LOCATION, location))
        .finish())
}

// ---------------------------------------------------------------------------------------------
// POST /admin/return/{exhibition}: confirm=yes, csrf

#[derive(Deserialize)]
pub(super) struct ReturnForm {
    confirm: Option<String>,
    csrf: Option<String>,
}

#[derive(Template)]
#[template(path = "admin_return.html")]
struct ConfirmReturn<'a> {
    t: AdminUi,
    id: &'a str,
    title: String,
    from: &'a str,
    to: &'a str,
    csrf: &'a str,
}

/// Undoes a manual switch: the schedule decides again from now on.
pub(super) async fn return_to_schedule(
    state: web::Data<AppState>,
    req: HttpRequest,
    path: web::Path<String>,
    form: web::Form<ReturnForm>,
) -> Result<HttpResponse, WebError> {
    let organizer = organizer_with_token(&req, form.csrf.as_deref())?;
    let catalog = state.catalog();
    let e = find(&catalog, &path)?;
    let now = state.clock.now();
    if form.confirm.as_deref() != Some("yes") {
        let live = e.showing(now, state.last_switch(&e.id).as_ref()).phase;
        let scheduled = e.showing(now, None).phase;
        let page = ConfirmReturn {
            t: AdminUi::of(&req, e.time_zone.clone()).toggle_to(&format!("/admin/e/{}", e.id)),
            id: &e.id,
            title: title(e),
            from: &e.phases[live].id,
            to: &e.phases[scheduled].id,
            csrf: organizer.csrf(),
        };
        return Ok(no_store(html(StatusCode::OK, &page)));
    }
    record(&state, Switch::back_to_schedule(&e.id, now, organizer.name)).await
}

// ---------------------------------------------------------------------------------------------
// GET /admin/backup: a consistent copy of the store, for `docent backup`

pub(super) async fn backup(state: web::Data<AppState>) -> Result<HttpResponse, WebError> {
    let store = state.store.clone();
    // Read straight from the log up to the position at the start; the writer goes on.
    let body = stream_blocking(move |out| {
        let mut writer = std::io::BufWriter::with_capacity(64 * 1024, OutWriter(out));
        let summary = store::backup::write(&store, &mut writer).map_err(std::io::Error::other)?;
        std::io::Write::flush(&mut writer)?;
        tracing::info!(rows = summary.rows, events = summary.events, "backup sent");
        Ok(())
    });
    Ok(no_store(
        HttpResponse::Ok()
            .content_type("application/octet-stream")
            .insert_header((
                header::CONTENT_DISPOSITION,
                "attachment; filename=\"docent.backup\"",
            ))
            .streaming(body),
    ))
}

/// `io::Write` into a streamed body; a client gone away is an error, which stops the writer.
struct OutWriter<'a>(&'a Out);

impl std::io::Write for OutWriter<'_> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        if self.0.send(Bytes::copy_from_slice(buf)) {
            Ok(buf.len())
        } else {
            Err(std::io::Error::new(
                std::io::ErrorKind::BrokenPipe,
                "the client went away",
            ))
        }
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

// ---------------------------------------------------------------------------------------------
// POST /admin/reload: csrf

#[derive(Deserialize)]
pub(super) struct ReloadForm {
    csrf: Option<String>,
}

pub(super) async fn reload(
    state: web::Data<AppState>,
    req: HttpRequest,
    form: web::Form<ReloadForm>,
) -> Result<HttpResponse, WebError> {
    organizer_with_token(&req, form.csrf.as_deref())?;
    let worker = state.clone();
    let outcome = web::block(move || worker.reload_catalog())
        .await
        .map_err(|e| WebError::internal("reload", e))?;
    if let Err(problems) = outcome {
        tracing::warn!(count = problems.len(), "reload from the dashboard rejected");
    }
    Ok(HttpResponse::SeeOther()
        .insert_header((header::LOCATION, "/admin#catalog"))
        .finish())
}

// ---------------------------------------------------------------------------------------------
// GET /admin/api/stats/{exhibition}

pub(super) async fn stats_json(
    state: web::Data<AppState>,
    path: web::Path<String>,
    query: web::Query<RangeQuery>,
) -> Result<HttpResponse, WebError> {
    let catalog = state.catalog();
    let e = find(&catalog, &path)?;
    let range = range_of(&state, e, &query)?;
    let stats = compute(&state, &catalog, &e.id, range).await?;
    Ok(no_store(HttpResponse::Ok().json(stats)))
}

// ---------------------------------------------------------------------------------------------
// GET /admin/export/{exhibition}.csv

const CSV_HEADER: [&str; 18] = [
    "kind",
    "time_utc",
    "local_date",
    "local_hour",
    "exhibition",
    "code",
    "station",
    "story",
    "phase",
    "show_state",
    "device",
    "in_app",
    "lang",
    "bot",
    "via",
    "route",
    "share",
    "staff",
];

pub(super) async fn export_csv(
    state: web::Data<AppState>,
    path: web::Path<String>,
    query: web::Query<RangeQuery>,
) -> Result<HttpResponse, WebError> {
    let Some(id) = path.strip_suffix(".csv") else {
        return Err(WebError::NotFound(
            "expected /admin/export/{exhibition}.csv".into(),
        ));
    };
    let catalog = state.catalog();
    let e = find(&catalog, id)?;
    let (from, to) = match range_of(&state, e, &query)? {
        Some((f, t)) => (
            catalog::midnight(&e.time_zone, f).unwrap_or(Timestamp::UNIX_EPOCH),
            catalog::midnight(&e.time_zone, t.tomorrow().unwrap_or(t)).unwrap_or(Timestamp::MAX),
        ),
        None => (Timestamp::UNIX_EPOCH, Timestamp::MAX),
    };
    let (store, exhibition) = (state.store.clone(), e.id.clone());
    // Rows are read from the log (in the order they were answered) on a blocking thread and
    // sent in chunks; memory stays flat. A store error aborts the response, so a client never
    // takes a cut-short file for a whole one.
    let body = stream_blocking(move |out| {
        let mut csv = csv::WriterBuilder::new()
            .buffer_capacity(32 * 1024)
            .from_writer(OutWriter(out));
        csv.write_record(CSV_HEADER)?;
        for row in store.visits() {
            let (kind, v) = row.map_err(std::io::Error::other)?;
            if v.exhibition == exhibition && (from..to).contains(&v.at) {
                csv.write_record(csv_row(kind.name(), &v).iter().map(|f| f.as_bytes()))?;
            }
        }
        csv.flush()
    });
    Ok(no_store(
        HttpResponse::Ok()
            .content_type("text/csv; charset=utf-8")
            .insert_header((
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{id}-scans.csv\""),
            ))
            .streaming(body),
    ))
}

/// One CSV record, in `CSV_HEADER`'s order.
fn csv_row<'a>(kind: &'static str, v: &'a Visit) -> [std::borrow::Cow<'a, str>; 18] {
    use std::borrow::Cow::{Borrowed, Owned};
    [
        Borrowed(kind),
        Owned(v.at.to_string()),
        Owned(v.day.to_string()),
        Owned(v.hour.to_string()),
        Borrowed(&v.exhibition),
        Borrowed(&v.code),
        Borrowed(v.station.as_deref().unwrap_or("")),
        Borrowed(&v.story),
        Borrowed(&v.phase),
        Borrowed(v.state.as_str()),
        Borrowed(v.device.as_str()),
        Borrowed(v.in_app.as_str()),
        Borrowed(v.lang.as_str()),
        Borrowed(if v.bot { "true" } else { "false" }),
        Borrowed(v.via.as_str()),
        // Empty for a scan; an open's way to the paper.
        Borrowed(v.route.map_or("", |r| r.as_str())),
        Borrowed(v.share.map_or("", store::Share::as_str)),
        Borrowed(if v.staff { "true" } else { "false" }),
    ]
}

/// Where a blocking producer sends a streamed body.
struct Out(tokio::sync::mpsc::Sender<std::io::Result<Bytes>>);

impl Out {
    /// False once the client has gone.
    fn send(&self, chunk: Bytes) -> bool {
        self.0.blocking_send(Ok(chunk)).is_ok()
    }
}

/// A response body produced on a blocking thread. An error ends the body with an error, which
/// aborts the response instead of ending it as if complete.
fn stream_blocking(
    produce: impl FnOnce(&Out) -> std::io::Result<()> + Send + 'static,
) -> ReceiverStream<std::io::Result<Bytes>> {
    let (sender, receiver) = tokio::sync::mpsc::channel(8);
    actix_web::rt::task::spawn_blocking(move || {
        let out = Out(sender);
        match produce(&out) {
            Ok(()) => {}
            // Nobody is left to tell.
            Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => {
                tracing::debug!(error = %e, "streamed response stopped");
            }
            Err(e) => {
                tracing::error!(error = %e, "streamed response stopped");
                let _ = out.0.blocking_send(Err(e));
            }
        }
    });
    ReceiverStream::new(receiver)
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
) -> Result<HttpResponse, WebError> {
    let catalog = state.catalog();
    let e = find(&catalog, &path)?;
    let options = print_options(&query).map_err(WebError::BadRequest)?;
    let live = e
        .showing(state.clock.now(), state.last_switch(&e.id).as_ref())
        .phase;
    let phase = crate::print::pick_phase(e, options.phase.as_deref(), live)
        .map_err(|err| WebError::BadRequest(err.to_string()))?;
    let (catalog, base_url, id) = (catalog.clone(), state.base_url.clone(), e.id.clone());
    let rendered = web::block(move || {
        let (_, e) = catalog.exhibition(&id).expect("looked up above");
        crate::print::render(e, phase, &base_url, &options)
    })
    .await
    .map_err(|e| WebError::internal("print page", e))?
    .map_err(|e| WebError::internal("print page", e))?;
    Ok(no_store(
        HttpResponse::Ok()
            .content_type("text/html; charset=utf-8")
            // Covers are inlined as data: URIs so the page also works saved to disk.
            .insert_header((
                header::CONTENT_SECURITY_POLICY,
                "default-src 'none'; img-src data:; style-src 'unsafe-inline'",
            ))
            .body(rendered),
    ))
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

//! `GET /admin/e/{exhibition}`, and read-only through a share link (`GET /view/{token}`): one
//! exhibition's figures, charts, phase control, stories, kept files and share links.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use jiff::Timestamp;

use super::{Access, RangeQuery, Replicas, checked_range, compute, find, title};
use crate::catalog::{self, ShowState};
use crate::people::Role;
use crate::stats::small::{EXACT, Threshold};
use crate::stats::{Stats, charts};
use crate::web::admin_ui::AdminUi;
use crate::web::auth::Organizer;
use crate::web::error::WebError;
use crate::web::{AppState, chart_cache, no_store};

#[derive(Template)]
#[template(path = "admin_dashboard.html")]
struct Dashboard {
    t: AdminUi,
    id: String,
    title: String,
    organizer: String,
    csrf: String,
    readonly: bool,
    /// The person's role here: forms they could not use are not shown (viewers see figures;
    /// editors also the stories and their history; organizers also switches and links).
    role: Option<Role>,
    /// Where the page itself, the lobby screen and the report are, for this kind of access.
    base: String,
    lobby_href: String,
    report_href: String,
    /// A rejected edit holds back every exhibition's files, so each dashboard warns of it.
    reload: catalog::ReloadStatus,
    /// docent may not write the exhibit files: said before anyone starts an edit.
    exhibits_read_only: bool,
    replicas: Option<Replicas>,
    /// (id, code, English title), to edit.
    stories: Vec<(String, String, String)>,
    /// Kept versions of the exhibit files, newest first, with when they were saved.
    /// Each kept version, when it was kept, and what the save changed.
    changes: Vec<(catalog::save::Kept, String, String)>,
    state: &'static str,
    /// The live phase: its id (to mark its row and the menu) and its name.
    live_id: String,
    live: String,
    manual: bool,
    /// (id, name, local start): the id only as the menu's value, never shown.
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
    /// What visitors answered back: the funnel, and each reaction's id and words.
    chart_funnel: String,
    reaction_names: Vec<(String, String)>,
    /// Visitor counts below this are written as words: a read-only link's viewer is the
    /// public; an organizer sees exact figures.
    small: Threshold,
    /// What the event log keeps and since when (`--retain-days`).
    kept: String,
    /// Digests: recipients, sent, failing (`[digest]`, `--smtp-url`); organizers only.
    digests: Option<crate::web::notify::Panel>,
    /// Alerts standing now, in the page's language: (key, words, since local).
    alerts: Vec<(String, String, String)>,
}

impl Dashboard {
    /// A count of distinct visitors as this viewer may see it.
    fn people(&self, n: impl std::borrow::Borrow<u64>) -> String {
        self.small.shown(*n.borrow(), self.t.lang)
    }

    fn may(&self, need: Role) -> bool {
        self.role.is_some_and(|r| r >= need)
    }

    fn may_edit(&self) -> bool {
        self.may(Role::Editor)
    }

    fn may_switch(&self) -> bool {
        self.may(Role::Organizer)
    }
}

/// Something the admin asked for that cannot be done (a date range that cannot be shown, a
/// version that cannot be put back), said in the page's language with a way back: staff with
/// only a browser get a page, not a bare line of text.
#[derive(Template)]
#[template(path = "admin_problem.html")]
pub(crate) struct ProblemPage {
    pub t: AdminUi,
    pub title: String,
    pub heading: String,
    pub messages: Vec<String>,
    pub back: String,
    pub back_label: String,
}

pub(crate) async fn dashboard(
    state: web::Data<AppState>,
    req: HttpRequest,
    path: web::Path<String>,
    query: web::Query<RangeQuery>,
) -> Result<HttpResponse, WebError> {
    let organizer = Organizer::of(&req)?;
    dashboard_for(&state, &req, &path, &query, Access::Organizer(organizer)).await
}

/// The dashboard of exhibition `id`, for an organizer or a read-only link.
pub(crate) async fn dashboard_for(
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
    let range = match checked_range(state, e, query) {
        Ok(range) => range,
        // A page in the organizer's language, with a way back, not a bare line of text.
        Err(problem) => {
            let back = match &access {
                Access::Organizer(_) => format!("/admin/e/{}", e.id),
                Access::Link(token) => format!("/view/{token}"),
            };
            let page = ProblemPage {
                title: title(e),
                heading: t.t("these-dates-cannot-be-shown").to_string(),
                messages: vec![problem.say(lang)],
                back,
                back_label: t.t("back-to-the-figures-for-all-time").to_string(),
                t,
            };
            return Ok(no_store(page.t.respond(StatusCode::BAD_REQUEST, &page)));
        }
    };
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
                t.t("back-to-schedule").to_string()
            } else {
                // By its name; a phase since removed from the files by its id.
                e.phase(&s.phase)
                    .map_or(s.phase.clone(), |(_, p)| p.name.get(lang).to_string())
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
    let store = state.store.clone();
    let oldest = web::block(move || store.oldest_record())
        .await
        .map_err(|e| WebError::internal("oldest record", e))?
        .map_err(|e| WebError::internal("oldest record", e))?
        .map(|at| at.to_zoned_datetime(e.time_zone.clone()).date().to_string());
    let kept = crate::web::privacy::kept(lang, state.retain_days, oldest);
    let dir = e.dir.clone();
    let root = state.exhibits().to_path_buf();
    // A read-only link's viewer edits nothing, so is told nothing about writing.
    let exhibits_read_only = !matches!(access, Access::Link(_))
        && !web::block(move || catalog::save::writable(&root))
            .await
            .map_err(|e| WebError::internal("exhibits probe", e))?;
    let changes = web::block(move || {
        let kept = catalog::save::history(&dir);
        // What each save changed, field by field, for the 20 shown.
        let said = crate::web::editor::summaries(&dir, &kept[..kept.len().min(20)], lang);
        kept.into_iter()
            .zip(said.into_iter().chain(std::iter::repeat(String::new())))
            .collect::<Vec<_>>()
    })
    .await
    .map_err(|e| WebError::internal("change history", e))?;
    let titles = (
        t.t("scans-and-article-opens-by-day"),
        t.t("scans-and-article-opens-by-hour-of"),
        t.t("by-story"),
        t.t("by-station"),
    );
    let public = matches!(access, Access::Link(_));
    // The public's bars name no story or station seen by only a few (`stats::small`).
    let (by_story, by_station) = if public {
        (
            state.small.merge_named(stats.by_story.clone()),
            state.small.merge_named(stats.by_station.clone()),
        )
    } else {
        (stats.by_story.clone(), stats.by_station.clone())
    };
    let rows = (
        stats.by_day.clone(),
        stats.by_hour.clone(),
        by_story,
        by_station,
    );
    let view = chart_cache::View {
        exhibition: e.id.clone(),
        range,
        lang,
        public,
    };
    let charts = state
        .charts
        .get_or_draw(view, position, &catalog, move || {
            let (days, hours, stories, stations) = rows;
            chart_cache::Charts {
                days: charts::columns(lang, titles.0, &days),
                hours: charts::columns(lang, titles.1, &hours),
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
        role: match &access {
            Access::Organizer(o) => o.account.role_in(&e.id),
            Access::Link(_) => None,
        },
        base,
        lobby_href,
        report_href,
        reload: state.reload_status(),
        exhibits_read_only,
        replicas: Replicas::of(state),
        state: match showing.state {
            ShowState::Upcoming => t.t("not-open-yet"),
            ShowState::Running => t.t("running"),
            ShowState::Closed => t.t("admin-closed"),
        },
        live_id: e.phases[showing.phase].id.clone(),
        live: e.phases[showing.phase].name.get(lang).to_string(),
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
            .map(|(c, said)| {
                let at = kept_at(&c.at).map_or_else(|| c.at.clone(), local);
                (c, at, said)
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
        chart_funnel: charts::funnel(
            lang,
            t.t("from-page-view-to-citation-the-whole"),
            &crate::stats::funnel::steps(&stats.totals),
        ),
        reaction_names: e
            .reactions
            .iter()
            .map(|r| (r.id.clone(), r.label.get(lang).to_string()))
            .collect(),
        kept,
        alerts: state
            .notices
            .alerts
            .of_exhibition(&e.id)
            .into_iter()
            .map(|a| (a.key, a.rule.words(lang), local(a.since)))
            .collect(),
        digests: match &access {
            Access::Organizer(_) => crate::web::notify::panel(state, e, lang).await,
            Access::Link(_) => None,
        },
        small: match access {
            Access::Organizer(_) => EXACT,
            Access::Link(_) => state.small,
        },
        stats: match access {
            Access::Organizer(_) => stats,
            Access::Link(_) => state.small.public(stats),
        },
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

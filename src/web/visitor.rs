//! Visitor pages: the landing page behind every code (`/s/{code}`), the article redirect
//! (`/go/{code}`, by the route `access` picks for where the visitor stands), the citation to
//! take home (`/cite/{code}.ris|.bib`), the exhibition overview (`/e/{exhibition}`), and the
//! friendly 404.
//!
//! The page is served even when logging fails: the failure is counted and logged, never shown.
//! Landing and exhibition pages are rendered once per variant and then served from memory
//! (`pages`); the scan is still recorded on every request.

use std::sync::Arc;

use actix_web::http::{Method, StatusCode, header};
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;

use super::pages::{self, VariantKey};
use super::{AppState, html, no_store, render_failed};
use crate::access::{Case, FreeCopy, Route, Ways};
use crate::catalog::Place;
use crate::catalog::{
    Catalog, Citation, Code, Exhibition, Lang, ShowState, Showing, ShownStory, Story, Target,
};
use crate::error_chain;
use crate::i18n::{self, Ui};
use crate::store::{Event, Share, StoreError, UnknownScan, Via, Visit};
use crate::visitor::{self, Client, InApp, VisitorId};

/// Query options every visitor page understands. Parsed leniently: apps append their own
/// parameters (WeChat adds `from=singlemessage` to shared links) and repeat keys, so any key is
/// accepted, unknown ones are ignored and the first `lang` wins.
#[derive(Default, serde::Deserialize)]
#[serde(from = "Vec<(String, String)>")]
pub(super) struct PageQuery {
    lang: Option<String>,
    /// Set (`via=list`, `via=lang`, `via=show`) on links between docent pages, so browsing is
    /// not counted as scanning.
    browsing: bool,
    /// `/go/` only: a route the visitor chose (`publisher`, `proxy`, `oa`).
    route: Option<Route>,
    /// WeChat's marks on a forwarded link (`from=`, `isappinstalled`): a share, not a scan.
    share: Option<Share>,
}

impl From<Vec<(String, String)>> for PageQuery {
    fn from(pairs: Vec<(String, String)>) -> PageQuery {
        let values = |key: &'static str| {
            pairs
                .iter()
                .filter(move |(k, _)| k == key)
                .map(|(_, v)| v.as_str())
        };
        PageQuery {
            lang: values("lang").next().map(str::to_string),
            browsing: values("via").any(|v| matches!(v, "list" | "lang" | "show")),
            route: values("route").find_map(Route::forced),
            share: Share::of(
                values("from").next(),
                values("isappinstalled").next().is_some(),
            ),
        }
    }
}

impl PageQuery {
    fn of(req: &HttpRequest) -> PageQuery {
        web::Query::<PageQuery>::from_query(req.query_string())
            .map(web::Query::into_inner)
            .unwrap_or_default()
    }
}

/// Who asked, worked out once per request.
struct Visitor {
    client: Client,
    lang: Lang,
    /// The client's address (see `client_ip`): picks the route to the paper.
    addr: Option<std::net::IpAddr>,
    ip: String,
    user_agent: String,
    /// A staff network or a logged-in organizer: stored, left out of the figures.
    staff: bool,
}

impl Visitor {
    fn of(req: &HttpRequest, query: &PageQuery) -> Visitor {
        let state = req.app_data::<web::Data<AppState>>();
        let trusted_proxy = state.and_then(|s| s.trusted_proxy);
        let header_str = |name: &str| req.headers().get(name).and_then(|v| v.to_str().ok());
        let user_agent = header_str(header::USER_AGENT.as_str())
            .unwrap_or("")
            .to_string();
        let prefetch = ["purpose", "sec-purpose", "x-moz"]
            .iter()
            .any(|h| header_str(h).is_some_and(|v| v.contains("prefetch")));
        let addr = super::client_ip(req, trusted_proxy);
        let staff = state.is_some_and(|s| super::auth::is_staff(s, req, addr));
        Visitor {
            client: visitor::classify(&user_agent, prefetch),
            lang: visitor::pick_lang(
                query.lang.as_deref(),
                header_str(header::ACCEPT_LANGUAGE.as_str()),
            ),
            addr,
            ip: addr.map(|ip| ip.to_string()).unwrap_or_default(),
            user_agent,
            staff,
        }
    }
}

/// What `target` shows right now, the latest manual switch considered.
fn resolve<'a>(state: &AppState, catalog: &'a Catalog, target: Target) -> ShownStory<'a> {
    let e = &catalog.exhibitions[target.exhibition()];
    let showing = e.showing(state.clock.now(), state.last_switch(&e.id).as_ref());
    match target {
        Target::Station { station, .. } => ShownStory::station(e, showing, station),
        Target::Story { story, .. } => ShownStory::story(e, showing, &e.stories[story]),
    }
}

/// What `/s/` and `/go/` both start from: who asked, and the code they asked about, resolved
/// against the catalog now serving.
struct CodeRequest {
    query: PageQuery,
    visitor: Visitor,
    /// Read before the catalog and switches: see `PageCache::generation`.
    generation: pages::Generation,
    catalog: Arc<Catalog>,
    code: Code,
    target: Target,
}

impl CodeRequest {
    /// The request's code, or (as `Err`) the unknown-code page, with the unknown scan recorded.
    async fn of(
        state: &web::Data<AppState>,
        req: &HttpRequest,
        raw: &str,
    ) -> Result<CodeRequest, HttpResponse> {
        let query = PageQuery::of(req);
        let visitor = Visitor::of(req, &query);
        let generation = state.pages.generation();
        let catalog = state.catalog();
        let known = Code::parse(raw)
            .ok()
            .and_then(|c| catalog.resolve(&c).map(|t| (c, t)));
        let Some((code, target)) = known else {
            return Err(unknown_code(state, req, raw, &visitor).await);
        };
        Ok(CodeRequest {
            query,
            visitor,
            generation,
            catalog,
            code,
            target,
        })
    }

    /// What the code shows right now.
    fn here(&self, state: &AppState) -> ShownStory<'_> {
        resolve(state, &self.catalog, self.target)
    }
}

// ---------------------------------------------------------------------------------------------
// GET /s/{code}

#[derive(Template)]
#[template(path = "landing.html")]
struct LandingPage<'a> {
    t: &'static Ui,
    code: &'a str,
    show_title: &'a str,
    show_href: String,
    notice: Option<String>,
    in_app: bool,
    /// The main button, and the library's route as a second one after a free copy.
    first: Button,
    second: Option<Button>,
    /// "Free to read", before the note, when the first button is a free copy.
    free: bool,
    access_note: &'a str,
    /// "No access? Ask the library": the exhibition's OpenURL resolver, for this paper.
    resolver: Option<String>,
    station_place: Option<&'a str>,
    story: StoryView<'a>,
    others: Vec<Card<'a>>,
    venue: &'a str,
    dates: String,
}

/// A link to the paper through `/go/`.
struct Button {
    href: String,
    label: &'static str,
}

/// A story as the page shows it.
struct StoryView<'a> {
    title: &'a str,
    subtitle: Option<&'a str>,
    paragraphs: Vec<&'a str>,
    cover: CoverView,
    topics: Vec<&'a str>,
    citation: Option<String>,
    doi: Option<&'a str>,
}

struct CoverView {
    src: String,
    srcset: String,
    width: u32,
    height: u32,
    alt: String,
}

/// A small link to another story on show.
struct Card<'a> {
    href: String,
    title: &'a str,
    thumb: String,
    thumb_srcset: String,
    label: String,
}

pub(super) async fn landing(
    state: web::Data<AppState>,
    req: HttpRequest,
    path: web::Path<String>,
) -> HttpResponse {
    let asked = match CodeRequest::of(&state, &req, &path).await {
        Ok(asked) => asked,
        Err(unknown) => return unknown,
    };
    let (code, visitor) = (&asked.code, &asked.visitor);
    let here = asked.here(&state);
    if req.method() != Method::HEAD {
        let via = if asked.query.browsing {
            Via::Browse
        } else {
            Via::Qr
        };
        let mut visit = visit_record(&state, code, &here, visitor, via).await;
        visit.share = asked.query.share;
        record(&state, Event::Scan(visit)).await;
    }
    let (lang, in_app) = (visitor.lang, visitor.client.in_app != InApp::None);
    let place = here.exhibition.access.place(visitor.addr);
    let key = VariantKey::Landing {
        code: code.clone(),
        lang,
        in_app,
        place,
        showing: here.showing,
    };
    let page = state.pages.get_or_render(asked.generation, key, || {
        let free = state.free_copy(here.story);
        let view = Variant {
            lang,
            in_app,
            place,
        };
        landing_page(&here, code, view, free.as_ref()).render()
    });
    no_store(match page {
        Ok(page) => pages::respond(&req, &page),
        Err(e) => render_failed(&e),
    })
}

/// What a landing page variant is for, besides the code and what is showing.
#[derive(Clone, Copy)]
struct Variant {
    lang: Lang,
    in_app: bool,
    place: Place,
}

/// The landing page, from exactly what its `VariantKey::Landing` holds: the code (which with
/// the phase picks `here`), the language, the in-app hint, where the visitor stands and what
/// is showing; and the story's free copy (the cache is cleared when the copies change).
fn landing_page<'a>(
    here: &ShownStory<'a>,
    code: &'a Code,
    view: Variant,
    free: Option<&FreeCopy>,
) -> LandingPage<'a> {
    let Variant {
        lang,
        in_app,
        place,
    } = view;
    let e = here.exhibition;
    let t = i18n::ui(lang);
    let ways = Ways {
        access: &e.access,
        article: &here.story.article_url,
        free: free.and_then(|f| f.link(in_app)),
    };
    let plan = ways.plan(place);
    let go = |route: Option<Route>| match route {
        None => format!("/go/{code}?lang={}", lang.as_str()),
        Some(r) => format!("/go/{code}?lang={}&route={}", lang.as_str(), r.as_str()),
    };
    let first = Button {
        href: go(None),
        label: if plan.first == Route::Oa {
            t.read_free
        } else {
            t.read_full
        },
    };
    let second = plan.second.map(|r| Button {
        href: go(Some(r)),
        label: if r == Route::Proxy {
            t.read_library
        } else {
            t.read_publisher
        },
    });
    let resolver = match (&e.access.resolver, plan.resolver) {
        (Some(base), true) => Some(crate::access::openurl(base, here.story)),
        _ => None,
    };
    let notice = notice(e, here.showing.state, lang);
    let others = if here.showing.state == ShowState::Running {
        e.stories_in(here.showing.phase)
            .into_iter()
            .map(|i| &e.stories[i])
            .filter(|s| s.id != here.story.id)
            .map(|s| card(e, s, lang, None))
            .collect()
    } else {
        vec![]
    };
    LandingPage {
        t,
        code: code.as_str(),
        show_title: e.title.get(lang),
        show_href: format!("/e/{}?lang={}&via=show", e.id, lang.as_str()),
        notice,
        in_app,
        first,
        second,
        free: plan.case == Case::Free,
        access_note: access_note(e, plan.case, place, free, lang),
        resolver,
        station_place: here.station.map(|s| e.stations[s].place.get(lang)),
        story: story_view(e, here.story, lang),
        others,
        venue: e.venue.get(lang),
        dates: i18n::dates(lang, e.opens, e.closes),
    }
}

/// The line under the button, one honest sentence per case. A free copy says so whatever the
/// exhibition's wording, which describes the subscription route the free copy does not take;
/// that wording (`access_note`) replaces the library's route off campus.
fn access_note<'a>(
    e: &'a Exhibition,
    case: Case,
    place: Place,
    free: Option<&FreeCopy>,
    lang: Lang,
) -> &'a str {
    let t = i18n::ui(lang);
    let library = || {
        e.access_note
            .as_ref()
            .map_or(t.access_note, |n| n.get(lang))
    };
    match case {
        Case::Campus => t.campus_note,
        // After `free_lead`, see landing.html. An author's manuscript is not the journal's
        // typeset version, and the page says so.
        Case::Free => match free.and_then(|f| f.version.as_deref()) {
            Some("acceptedVersion" | "submittedVersion") => t.free_note_authors,
            _ => t.free_note,
        },
        Case::Proxy if place == Place::OffCampus && e.access_note.is_none() => t.proxy_note,
        Case::Proxy | Case::Unknown => library(),
        Case::OffCampus => e
            .access_note
            .as_ref()
            .map_or(t.off_campus_note, |n| n.get(lang)),
    }
}

/// The topics written in the page's language (Chinese ones hold Han characters), or all of
/// them when none is: exhibit files often list both, as 人工智能 and "Artificial intelligence".
fn topics_in(topics: &[String], lang: Lang) -> Vec<&str> {
    let han = |t: &str| t.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c));
    let matching: Vec<&str> = topics
        .iter()
        .map(String::as_str)
        .filter(|t| han(t) == (lang == Lang::Zh))
        .collect();
    if matching.is_empty() {
        topics.iter().map(String::as_str).collect()
    } else {
        matching
    }
}

/// The banner before opening or after closing.
fn notice(e: &Exhibition, state: ShowState, lang: Lang) -> Option<String> {
    match state {
        ShowState::Upcoming => Some(i18n::upcoming(lang, e.opens)),
        ShowState::Closed => Some(i18n::closed(lang, e.closes)),
        ShowState::Running => None,
    }
}

fn story_view<'a>(e: &Exhibition, story: &'a Story, lang: Lang) -> StoryView<'a> {
    let title = story.title.get(lang);
    let subtitle = story.title.exactly(lang.other()).filter(|s| *s != title);
    StoryView {
        title,
        subtitle,
        paragraphs: story
            .summary
            .get(lang)
            .split("\n\n")
            .map(str::trim)
            .filter(|p| !p.is_empty())
            .collect(),
        cover: cover_view(e, story, lang),
        topics: topics_in(&story.topics, lang),
        citation: story.citation.as_ref().map(citation_line),
        doi: story.doi.as_deref(),
    }
}

/// "Authors. Title. Journal volume, pages (date)" with no doubled full stops.
fn citation_line(c: &Citation) -> String {
    let mut line = String::new();
    for part in c.authors.iter().chain(c.title.iter()) {
        line.push_str(part.trim());
        if !line.ends_with('.') {
            line.push('.');
        }
        line.push(' ');
    }
    line.push_str(&c.journal);
    if let Some(v) = &c.volume {
        line.push_str(&format!(" {v}"));
    }
    if let Some(p) = &c.pages {
        line.push_str(&format!(", {p}"));
    }
    if let Some(d) = c.issue_date {
        // A citation is English bibliographic text whatever the page language.
        line.push_str(&format!(" ({})", i18n::date(Lang::En, d)));
    }
    line
}

fn cover_url(e: &Exhibition, story: &Story, width: u32) -> String {
    format!(
        "/cover/{}/{}/{width}?v={}",
        e.id, story.id, story.cover.version
    )
}

/// The cover at both widths on offer, for the browser to pick from.
fn cover_srcset(e: &Exhibition, story: &Story) -> String {
    format!(
        "{} 160w, {} 480w",
        cover_url(e, story, 160),
        cover_url(e, story, 480)
    )
}

fn cover_view(e: &Exhibition, story: &Story, lang: Lang) -> CoverView {
    let (w, h) = (story.cover.width.max(1), story.cover.height.max(1));
    CoverView {
        src: cover_url(e, story, 480),
        srcset: cover_srcset(e, story),
        width: 480,
        height: (480 * h / w).max(1),
        alt: story.cover.alt.get(lang).to_string(),
    }
}

fn card<'a>(e: &Exhibition, story: &'a Story, lang: Lang, label: Option<String>) -> Card<'a> {
    Card {
        href: format!("/s/{}?lang={}&via=list", story.code, lang.as_str()),
        title: story.title.get(lang),
        thumb: cover_url(e, story, 160),
        thumb_srcset: cover_srcset(e, story),
        label: label.unwrap_or_default(),
    }
}

// ---------------------------------------------------------------------------------------------
// GET /go/{code}

pub(super) async fn go(
    state: web::Data<AppState>,
    req: HttpRequest,
    path: web::Path<String>,
) -> HttpResponse {
    let asked = match CodeRequest::of(&state, &req, &path).await {
        Ok(asked) => asked,
        Err(unknown) => return unknown,
    };
    let here = asked.here(&state);
    let visitor = &asked.visitor;
    let place = here.exhibition.access.place(visitor.addr);
    let free = state.free_copy(here.story);
    let ways = Ways {
        access: &here.exhibition.access,
        article: &here.story.article_url,
        free: free
            .as_ref()
            .and_then(|f| f.link(visitor.client.in_app != InApp::None)),
    };
    // The same rule as the landing page's first button, unless the visitor chose a route.
    let route = match asked.query.route {
        Some(asked) => ways.forced(asked, place),
        None => ways.plan(place).first,
    };
    // `forced` and `plan` only ever name a route this paper has.
    let location = ways
        .url(route)
        .unwrap_or_else(|| here.story.article_url.clone());
    // A link checker's HEAD is not a reader opening the article.
    if req.method() != Method::HEAD {
        let visit = visit_record(&state, &asked.code, &here, visitor, Via::Browse).await;
        record(&state, Event::Open(visit.opened_by(route))).await;
    }
    // Only catalog URLs (and the copies found for them) are ever redirected to: the code
    // picks the story, nothing else does.
    no_store(
        HttpResponse::Found()
            .insert_header((header::LOCATION, location))
            .finish(),
    )
}

// ---------------------------------------------------------------------------------------------
// GET /cite/{code}.ris and /cite/{code}.bib

/// The citation of what a code shows now, for a reference manager. Not counted.
pub(super) async fn cite(
    state: web::Data<AppState>,
    req: HttpRequest,
    path: web::Path<String>,
) -> HttpResponse {
    let (raw, format) = match path.rsplit_once('.') {
        Some((raw, "ris")) => (raw, "ris"),
        Some((raw, "bib")) => (raw, "bib"),
        _ => return not_found(state, req).await,
    };
    let catalog = state.catalog();
    let Some(target) = Code::parse(raw).ok().and_then(|c| catalog.resolve(&c)) else {
        return not_found(state, req).await;
    };
    let here = resolve(&state, &catalog, target);
    let story = here.story;
    let (body, content_type) = match format {
        "ris" => (
            crate::access::cite::ris(story, &story.article_url),
            "application/x-research-info-systems; charset=utf-8",
        ),
        _ => (
            crate::access::cite::bibtex(story, &story.article_url),
            "application/x-bibtex; charset=utf-8",
        ),
    };
    HttpResponse::Ok()
        .content_type(content_type)
        .insert_header((
            header::CONTENT_DISPOSITION,
            format!("attachment; filename=\"{}.{format}\"", story.id),
        ))
        // A station's code cites another story after a rotation: kept briefly only.
        .insert_header((header::CACHE_CONTROL, "public, max-age=300"))
        .body(body)
}

// ---------------------------------------------------------------------------------------------
// Logging

async fn visit_record(
    state: &AppState,
    code: &Code,
    here: &ShownStory<'_>,
    visitor: &Visitor,
    via: Via,
) -> Visit {
    let now = state.clock.now();
    let day = now.to_zoned_datetime(state.day_zone.clone()).date();
    // Without a salt there is no visitor id; the visit still counts as a view.
    let visitor_id = match daily_salt(state, day).await {
        Some(salt) => visitor::visitor_id(&salt, &visitor.ip, &visitor.user_agent),
        None => VisitorId::default(),
    };
    Visit {
        staff: visitor.staff,
        ..Visit::new(
            now,
            code,
            here,
            visitor_id,
            visitor.client,
            visitor.lang,
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
async fn record(state: &AppState, event: Event) {
    match &event {
        Event::Scan(_) => state.metrics.scans.inc(),
        Event::Open(_) => state.metrics.opens.inc(),
        Event::Unknown(_) => state.metrics.unknown_codes.inc(),
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

// ---------------------------------------------------------------------------------------------
// Unknown codes and other 404s

#[derive(Template)]
#[template(path = "shows.html")]
struct ShowsPage<'a> {
    t: &'static Ui,
    heading: &'static str,
    text: &'static str,
    shows: Vec<(String, &'a str)>,
}

async fn unknown_code(
    state: &web::Data<AppState>,
    req: &HttpRequest,
    raw: &str,
    visitor: &Visitor,
) -> HttpResponse {
    if req.method() != Method::HEAD {
        let at = state.clock.now();
        let scan = UnknownScan {
            at,
            day: at.to_zoned_datetime(state.day_zone.clone()).date(),
            code: raw
                .chars()
                .filter(|c| c.is_ascii_graphic())
                .take(32)
                .collect(),
            bot: visitor.client.bot,
        };
        record(state, Event::Unknown(scan)).await;
    }
    not_found_page(state, visitor.lang)
}

fn not_found_page(state: &AppState, lang: Lang) -> HttpResponse {
    let t = i18n::ui(lang);
    shows_page(
        state,
        lang,
        StatusCode::NOT_FOUND,
        t.not_found_title,
        t.not_found_text,
    )
}

/// A page listing the hosted exhibitions under a heading.
fn shows_page(
    state: &AppState,
    lang: Lang,
    status: StatusCode,
    heading: &'static str,
    text: &'static str,
) -> HttpResponse {
    let catalog = state.catalog();
    let page = ShowsPage {
        t: i18n::ui(lang),
        heading,
        text,
        shows: catalog
            .exhibitions
            .iter()
            .map(|e| {
                (
                    format!("/e/{}?lang={}", e.id, lang.as_str()),
                    e.title.get(lang),
                )
            })
            .collect(),
    };
    html(status, &page)
}

/// Any other unknown URL.
pub(super) async fn not_found(state: web::Data<AppState>, req: HttpRequest) -> HttpResponse {
    let query = PageQuery::of(&req);
    not_found_page(&state, Visitor::of(&req, &query).lang)
}

// ---------------------------------------------------------------------------------------------
// GET /e/{exhibition} and GET /

#[derive(Template)]
#[template(path = "exhibition.html")]
struct ExhibitionPage<'a> {
    t: &'static Ui,
    lang: Lang,
    id: &'a str,
    title: &'a str,
    venue: &'a str,
    dates: String,
    notice: Option<String>,
    phase: &'a str,
    manual: bool,
    cards: Vec<Card<'a>>,
}

pub(super) async fn exhibition(
    state: web::Data<AppState>,
    req: HttpRequest,
    path: web::Path<String>,
) -> HttpResponse {
    let query = PageQuery::of(&req);
    let lang = Visitor::of(&req, &query).lang;
    // Before the catalog and switches are read: see `PageCache::generation`.
    let generation = state.pages.generation();
    let catalog = state.catalog();
    let Some((index, e)) = catalog.exhibition(&path) else {
        return not_found_page(&state, lang);
    };
    let showing = e.showing(state.clock.now(), state.last_switch(&e.id).as_ref());
    let key = VariantKey::Exhibition {
        index,
        lang,
        showing,
    };
    match state.pages.get_or_render(generation, key, || {
        exhibition_page(e, lang, showing).render()
    }) {
        Ok(page) => pages::respond(&req, &page),
        Err(err) => render_failed(&err),
    }
}

/// The exhibition page, from exactly what its `VariantKey::Exhibition` holds.
fn exhibition_page(e: &Exhibition, lang: Lang, showing: Showing) -> ExhibitionPage<'_> {
    let t = i18n::ui(lang);
    let cards = e
        .stations
        .iter()
        .enumerate()
        .map(|(i, station)| {
            let label = format!("{} {} · {}", t.station, station.id, station.place.get(lang));
            card(e, e.story_at(showing.phase, i), lang, Some(label))
        })
        .collect();
    let notice = notice(e, showing.state, lang);
    ExhibitionPage {
        t,
        lang,
        id: &e.id,
        title: e.title.get(lang),
        venue: e.venue.get(lang),
        dates: i18n::dates(lang, e.opens, e.closes),
        notice,
        phase: e.phases[showing.phase].name.get(lang),
        manual: showing.manual,
        cards,
    }
}

/// `/` lists the exhibitions, so a bare domain is never a dead end.
pub(super) async fn home(state: web::Data<AppState>, req: HttpRequest) -> HttpResponse {
    let lang = Visitor::of(&req, &PageQuery::of(&req)).lang;
    let catalog = state.catalog();
    if let [only] = catalog.exhibitions.as_slice() {
        return HttpResponse::Found()
            .insert_header((
                header::LOCATION,
                format!("/e/{}?lang={}", only.id, lang.as_str()),
            ))
            .finish();
    }
    shows_page(&state, lang, StatusCode::OK, i18n::ui(lang).exhibitions, "")
}

//! GET /e/{exhibition}, the overview of what every station shows now, and GET /, which lists
//! the exhibitions (or goes straight to the only one).

use actix_web::http::{StatusCode, header};
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;

use super::nav::Nav;
use super::not_found::{not_found_page, shows_page};
use super::request::{PageQuery, Requester};
use super::story_view::{Card, card, notice};
use crate::catalog::{Exhibition, Lang, Showing};
use crate::i18n::{self, Ui};
use crate::web::pages::{self, VariantKey};
use crate::web::{AppState, render_failed};

#[derive(Template)]
#[template(path = "exhibition.html")]
struct ExhibitionPage<'a> {
    t: &'static Ui,
    nav: Nav,
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

pub(in crate::web) async fn exhibition(
    state: web::Data<AppState>,
    req: HttpRequest,
    path: web::Path<String>,
) -> HttpResponse {
    let query = PageQuery::of(&req);
    // Before the catalog and switches are read: see `PageCache::generation`.
    let generation = state.pages.generation();
    let catalog = state.catalog();
    let Some((index, e)) = catalog.exhibition(&path) else {
        return not_found_page(&state, Requester::of(&req, &query).lang);
    };
    let lang = Requester::for_show(&req, &query, e.languages).lang;
    let showing = e.showing(state.clock.now(), state.last_switch(&e.id).as_ref());
    let large = query.large;
    let key = VariantKey::Exhibition {
        index,
        lang,
        showing,
        large,
    };
    match state.pages.get_or_render(generation, key, || {
        exhibition_page(e, lang, showing, large).render()
    }) {
        Ok(page) => pages::respond(&req, &page),
        Err(err) => render_failed(&err),
    }
}

/// The exhibition page, from exactly what its `VariantKey::Exhibition` holds.
fn exhibition_page(
    e: &Exhibition,
    lang: Lang,
    showing: Showing,
    large: bool,
) -> ExhibitionPage<'_> {
    let t = i18n::ui(lang);
    let cards = e
        .stations
        .iter()
        .enumerate()
        .map(|(i, station)| {
            let label = format!("{} {} · {}", t.station, station.id, station.place.get(lang));
            card(e, e.story_at(showing.phase, i), lang, Some(label), large)
        })
        .collect();
    let notice = notice(e, showing.state, lang);
    ExhibitionPage {
        t,
        nav: Nav::new(e.languages, lang, large),
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
pub(in crate::web) async fn home(state: web::Data<AppState>, req: HttpRequest) -> HttpResponse {
    let lang = Requester::of(&req, &PageQuery::of(&req)).lang;
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

//! Unknown codes (recorded, then the friendly 404) and any other unknown URL; the page listing
//! the hosted exhibitions under a heading, which `/` shows too.

use actix_web::http::{Method, StatusCode};
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;

use super::nav::Nav;
use super::recording::record;
use super::request::{PageQuery, Requester};
use crate::catalog::Lang;
use crate::i18n::{self, Ui};
use crate::store::{Event, UnknownScan};
use crate::web::{AppState, html};

#[derive(Template)]
#[template(path = "shows.html")]
struct ShowsPage<'a> {
    t: &'static Ui,
    nav: Nav,
    heading: &'static str,
    text: &'static str,
    /// Whose page this is, at the top: the venue (or venues) of the shows, not the software.
    site: String,
    /// (link, title, venue)
    shows: Vec<(String, &'a str, &'a str)>,
}

/// The venues of the hosted exhibitions, each once, in order; the first show's title for
/// shows that name no venue; `docent` only for a server that hosts nothing.
fn site_name(catalog: &crate::catalog::Catalog, lang: Lang) -> String {
    let mut venues: Vec<&str> = Vec::new();
    for e in &catalog.exhibitions {
        let venue = e.venue.get(lang);
        if !venue.is_empty() && !venues.contains(&venue) {
            venues.push(venue);
        }
    }
    match (venues.is_empty(), catalog.exhibitions.first()) {
        (false, _) => venues.join(" · "),
        (true, Some(e)) => e.title.get(lang).to_string(),
        (true, None) => "docent".to_string(),
    }
}

pub(super) async fn unknown_code(
    state: &web::Data<AppState>,
    req: &HttpRequest,
    raw: &str,
    requester: &Requester,
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
            bot: requester.client.bot,
        };
        record(state, Event::Unknown(scan)).await;
    }
    not_found_page(state, requester.lang)
}

pub(super) fn not_found_page(state: &AppState, lang: Lang) -> HttpResponse {
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
pub(super) fn shows_page(
    state: &AppState,
    lang: Lang,
    status: StatusCode,
    heading: &'static str,
    text: &'static str,
) -> HttpResponse {
    let catalog = state.catalog();
    let page = ShowsPage {
        t: i18n::ui(lang),
        nav: Nav::new(catalog.languages(), lang, false),
        heading,
        text,
        site: site_name(&catalog, lang),
        shows: catalog
            .exhibitions
            .iter()
            .map(|e| {
                (
                    format!("/e/{}?lang={}", e.id, lang.as_str()),
                    e.title.get(lang),
                    e.venue.get(lang),
                )
            })
            .collect(),
    };
    html(status, &page)
}

/// Any other unknown URL.
pub(in crate::web) async fn not_found(
    state: web::Data<AppState>,
    req: HttpRequest,
) -> HttpResponse {
    let query = PageQuery::of(&req);
    not_found_page(&state, Requester::of(&req, &query).lang)
}

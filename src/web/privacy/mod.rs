//! `GET /how-we-count`: the public page that says what docent keeps about a visit and for how
//! long, written from the settings this server runs with (the salt's zone, `--retain-days`,
//! `--min-count`), so a visitor or a data-protection officer reads what is true here and not
//! what a manual promises. Linked from every visitor page's privacy line. The words are in
//! `words`, one function per paragraph and language.

mod words;

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;

use super::{AppState, html};
use crate::i18n::{self, Ui};
pub(crate) use words::{Facts, kept};

#[derive(Template)]
#[template(path = "privacy.html")]
struct HowWeCount {
    t: &'static Ui,
    nav: super::landing::Nav,
    heading: &'static str,
    /// (heading, paragraphs)
    sections: Vec<(&'static str, Vec<String>)>,
}

/// What the page says, from the running settings.
pub(crate) fn facts(state: &AppState) -> Facts {
    Facts {
        zone: state
            .day_zone
            .iana_name()
            .unwrap_or("the server's local time zone")
            .to_string(),
        retain_days: state.retain_days,
        min_count: state.small.0,
    }
}

pub(super) async fn how_we_count(state: web::Data<AppState>, req: HttpRequest) -> HttpResponse {
    let asked = web::Query::<LangQuery>::from_query(req.query_string())
        .ok()
        .and_then(|q| q.into_inner().lang);
    let catalog = state.catalog();
    let show = catalog
        .exhibitions
        .first()
        .map(|e| e.languages)
        .unwrap_or_default();
    let header = req
        .headers()
        .get(actix_web::http::header::ACCEPT_LANGUAGE)
        .and_then(|v| v.to_str().ok());
    let lang = crate::visitor::pick_lang(asked.as_deref(), header, show);
    let facts = facts(&state);
    let page = HowWeCount {
        t: i18n::ui(lang),
        nav: super::landing::Nav::new(show, lang, false),
        heading: words::heading(lang),
        sections: words::sections(lang, &facts),
    };
    let mut response = html(StatusCode::OK, &page);
    // The same words for everyone until the settings change: a short public cache is fine.
    response.headers_mut().insert(
        actix_web::http::header::CACHE_CONTROL,
        actix_web::http::header::HeaderValue::from_static("public, max-age=300"),
    );
    response
}

#[derive(serde::Deserialize)]
struct LangQuery {
    lang: Option<String>,
}

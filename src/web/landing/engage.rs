//! What a landing page sends back, without script or cookie: `GET /c/{code}/seen.gif` (the
//! page's own `no-store` image: a browser rendered the page), `GET /c/{code}/read.gif` (the
//! lazily loaded image after the story: the visitor scrolled there), `POST /c/{code}/react`
//! (a one-tap reaction) and `POST /c/{code}/poll` (an answer to the open poll).
//!
//! Every request is logged as a signal with the same visit fields a scan would have (the
//! daily visitor id recomputed from the request, as the landing page does); whether it counts
//! (once per visitor and day, only after a view of that code, never for bots or staff) is
//! decided where the figures are made, `store::views`, so a replay decides the same. The
//! forms answer 303 back to the page, anchored at the answers, with a thank-you line.

use actix_web::http::{Method, StatusCode, header};
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;

use super::recording::{record, visit_record};
use super::request::{PageQuery, Requester, resolve};
use super::words::words;
use crate::catalog::{Catalog, Code, Lang, ShownStory};
use crate::store::{Event, Signal, Via};
use crate::web::{AppState, html, no_store};

/// A transparent 1x1 GIF.
const PIXEL: &[u8] = &[
    0x47, 0x49, 0x46, 0x38, 0x39, 0x61, 0x01, 0x00, 0x01, 0x00, 0x80, 0x00, 0x00, 0x00, 0x00, 0x00,
    0xff, 0xff, 0xff, 0x21, 0xf9, 0x04, 0x01, 0x00, 0x00, 0x00, 0x00, 0x2c, 0x00, 0x00, 0x00, 0x00,
    0x01, 0x00, 0x01, 0x00, 0x00, 0x02, 0x02, 0x44, 0x01, 0x00, 0x3b,
];

/// Where a form sends the visitor back: the page, saying thank you, at the answers.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(in crate::web) enum Thanks {
    Reaction,
    Poll,
}

impl Thanks {
    pub(super) fn of(value: &str) -> Option<Thanks> {
        match value {
            "reaction" => Some(Thanks::Reaction),
            "poll" => Some(Thanks::Poll),
            _ => None,
        }
    }

    fn as_str(self) -> &'static str {
        match self {
            Thanks::Reaction => "reaction",
            Thanks::Poll => "poll",
        }
    }

    pub(super) fn line(self, lang: Lang) -> &'static str {
        match self {
            Thanks::Reaction => words(lang).thanks_reaction,
            Thanks::Poll => words(lang).thanks_poll,
        }
    }
}

/// GET /c/{code}/seen.gif and /c/{code}/read.gif.
pub(in crate::web) async fn beacon(
    state: web::Data<AppState>,
    req: HttpRequest,
    path: web::Path<(String, String)>,
) -> HttpResponse {
    let (raw, file) = path.into_inner();
    let signal = match file.as_str() {
        "seen.gif" => Signal::Confirm,
        "read.gif" => Signal::Read,
        _ => return no_store(HttpResponse::NotFound().finish()),
    };
    if req.method() != Method::HEAD {
        let catalog = state.catalog();
        if let Some((code, here)) = shown(&state, &catalog, &raw) {
            let requester =
                Requester::for_show(&req, &PageQuery::of(&req), here.exhibition.languages);
            let visit = visit_record(&state, &code, &here, &requester, Via::Qr).await;
            record(&state, Event::Signal(visit, signal)).await;
        }
    }
    // The same image either way: a page from before a reload still shows nothing broken.
    no_store(HttpResponse::Ok().content_type("image/gif").body(PIXEL))
}

/// The form of a reaction or a poll answer.
#[derive(serde::Deserialize)]
pub(in crate::web) struct AnswerForm {
    /// A reaction id.
    r: Option<String>,
    poll: Option<String>,
    option: Option<String>,
}

/// POST /c/{code}/react: `r` = a reaction id.
pub(in crate::web) async fn react(
    state: web::Data<AppState>,
    req: HttpRequest,
    path: web::Path<String>,
    form: web::Form<AnswerForm>,
) -> HttpResponse {
    let catalog = state.catalog();
    let Some((code, here)) = shown(&state, &catalog, &path) else {
        return refused(StatusCode::NOT_FOUND, Lang::EN, "no such code", None);
    };
    let query = PageQuery::of(&req);
    let requester = Requester::for_show(&req, &query, here.exhibition.languages);
    let lang = requester.lang;
    let Some(reaction) = form.r.as_deref().and_then(|r| here.exhibition.reaction(r)) else {
        return refused(
            StatusCode::BAD_REQUEST,
            lang,
            words(lang).unknown_reaction,
            Some(&code),
        );
    };
    let signal = Signal::React(reaction.id.clone());
    let visit = visit_record(&state, &code, &here, &requester, Via::Qr).await;
    record(&state, Event::Signal(visit, signal)).await;
    back(&code, lang, Thanks::Reaction, query.large)
}

/// POST /c/{code}/poll: `poll` and `option`; refused (400, with the reason) for a poll that
/// is not open now or an option it does not have.
pub(in crate::web) async fn answer(
    state: web::Data<AppState>,
    req: HttpRequest,
    path: web::Path<String>,
    form: web::Form<AnswerForm>,
) -> HttpResponse {
    let catalog = state.catalog();
    let Some((code, here)) = shown(&state, &catalog, &path) else {
        return refused(StatusCode::NOT_FOUND, Lang::EN, "no such code", None);
    };
    let e = here.exhibition;
    let query = PageQuery::of(&req);
    let requester = Requester::for_show(&req, &query, e.languages);
    let lang = requester.lang;
    let today = state
        .clock
        .now()
        .to_zoned_datetime(e.time_zone.clone())
        .date();
    let poll = form
        .poll
        .as_deref()
        .and_then(|id| e.polls.iter().find(|p| p.id == id))
        .filter(|p| p.is_open(e, here.showing, today));
    let Some(poll) = poll else {
        return refused(
            StatusCode::BAD_REQUEST,
            lang,
            words(lang).poll_closed,
            Some(&code),
        );
    };
    let Some(option) = form.option.as_deref().and_then(|o| poll.option(o)) else {
        return refused(
            StatusCode::BAD_REQUEST,
            lang,
            words(lang).poll_unknown_option,
            Some(&code),
        );
    };
    let signal = Signal::Answer {
        poll: poll.id.clone(),
        option: option.id.clone(),
    };
    let visit = visit_record(&state, &code, &here, &requester, Via::Qr).await;
    record(&state, Event::Signal(visit, signal)).await;
    back(&code, lang, Thanks::Poll, query.large)
}

/// What a known code shows now; `None` for a code the catalog does not know (not counted
/// as an unknown scan: nobody scanned it).
pub(super) fn shown<'a>(
    state: &AppState,
    catalog: &'a Catalog,
    raw: &str,
) -> Option<(Code, ShownStory<'a>)> {
    let code = Code::parse(raw).ok()?;
    let target = catalog.resolve(&code)?;
    Some((code, resolve(state, catalog, target)))
}

/// 303 back to the landing page, which says thank you and is not counted as another view.
fn back(code: &Code, lang: Lang, thanks: Thanks, large: bool) -> HttpResponse {
    no_store(
        HttpResponse::SeeOther()
            .insert_header((
                header::LOCATION,
                format!(
                    "/s/{code}?lang={}&done={}{}#respond",
                    lang.as_str(),
                    thanks.as_str(),
                    super::nav::keep(large)
                ),
            ))
            .finish(),
    )
}

#[derive(Template)]
#[template(path = "answer_refused.html")]
struct Refused<'a> {
    lang: &'static str,
    message: &'a str,
    back: &'static str,
    back_href: Option<String>,
}

/// A short page saying why an answer was refused, with the way back.
fn refused(status: StatusCode, lang: Lang, message: &str, code: Option<&Code>) -> HttpResponse {
    let page = Refused {
        lang: lang.as_str(),
        message,
        back: words(lang).back,
        back_href: code.map(|c| format!("/s/{c}?lang={}&via=lang#respond", lang.as_str())),
    };
    no_store(html(status, &page))
}

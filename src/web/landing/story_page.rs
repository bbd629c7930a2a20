//! GET /s/{code}: the landing page behind every code, with the buttons to the paper and the
//! line under them saying honestly how it can be read from where the visitor stands.

use actix_web::http::Method;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;

use super::engage::Thanks;
use super::nav::{Nav, keep};
use super::recording::{record, visit_record};
use super::request::CodeRequest;
use super::story_view::{Card, StoryView, card, notice, story_view};
use super::words::{Words, words};
use crate::access::{Case, FreeCopy, Route, Ways};
use crate::catalog::{Code, Exhibition, Lang, Place, ShowState, ShownStory};
use crate::i18n::{self, Ui};
use crate::store::{Event, Via};
use crate::visitor::InApp;
use crate::web::pages::{self, VariantKey};
use crate::web::{AppState, no_store, render_failed};

#[derive(Template)]
#[template(path = "landing.html")]
struct LandingPage<'a> {
    t: &'static Ui,
    nav: Nav,
    /// The story's texts in this language are a machine's translation: the page says so.
    machine: bool,
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
    /// The story's recording in this language, and its words.
    audio: Option<AudioView<'a>>,
    /// What visitors can answer back (`engage`): reactions, the open poll, a thank-you.
    w: &'static Words,
    lang: &'static str,
    /// Keeps large type on the answer forms' way back.
    keep: &'static str,
    reactions: Vec<Choice<'a>>,
    poll: Option<PollView<'a>>,
    thanks: Option<&'static str>,
    others: Vec<Card<'a>>,
    venue: &'a str,
    dates: String,
}

/// A button of a reaction or a poll: the id it posts and its words.
struct Choice<'a> {
    id: &'a str,
    label: &'a str,
}

struct PollView<'a> {
    id: &'a str,
    question: &'a str,
    options: Vec<Choice<'a>>,
}

/// The player: nothing is downloaded until the visitor presses play (`preload="none"`).
struct AudioView<'a> {
    src: String,
    mime: &'static str,
    /// The transcript's paragraphs: its own text, or the story's summary.
    transcript: Vec<&'a str>,
}

/// A link to the paper through `/go/`.
struct Button {
    href: String,
    label: &'static str,
}

pub(in crate::web) async fn landing(
    state: web::Data<AppState>,
    req: HttpRequest,
    path: web::Path<String>,
) -> HttpResponse {
    let asked = match CodeRequest::of(&state, &req, &path).await {
        Ok(asked) => asked,
        Err(unknown) => return unknown,
    };
    let (code, requester) = (&asked.code, &asked.requester);
    let here = asked.here(&state);
    // Back from an answer form: the same visit, already counted.
    if req.method() != Method::HEAD && asked.query.done.is_none() {
        let via = if asked.query.browsing {
            Via::Browse
        } else {
            Via::Qr
        };
        let mut visit = visit_record(&state, code, &here, requester, via).await;
        visit.share = asked.query.share;
        record(&state, Event::Scan(visit)).await;
    }
    let (lang, in_app) = (requester.lang, requester.client.in_app != InApp::None);
    let place = here.exhibition.access.place(requester.addr);
    let e = here.exhibition;
    let today = state
        .clock
        .now()
        .to_zoned_datetime(e.time_zone.clone())
        .date();
    let poll = e
        .polls
        .iter()
        .position(|p| p.is_open(e, here.showing, today));
    let thanks = asked.query.done;
    let key = VariantKey::Landing {
        code: code.clone(),
        lang,
        in_app,
        place,
        showing: here.showing,
        poll,
        thanks,
        large: asked.query.large,
    };
    let page = state.pages.get_or_render(asked.generation, key, || {
        let free = state.free_copy(here.story);
        let view = Variant {
            lang,
            in_app,
            place,
            poll,
            thanks,
            large: asked.query.large,
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
    poll: Option<usize>,
    thanks: Option<Thanks>,
    large: bool,
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
        poll,
        thanks,
        large,
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
            .map(|s| card(e, s, lang, None, large))
            .collect()
    } else {
        vec![]
    };
    LandingPage {
        t,
        nav: Nav::new(e.languages, lang, large),
        machine: here.story.machine.contains(&lang) || e.machine.contains(&lang),
        code: code.as_str(),
        show_title: e.title.get(lang),
        show_href: format!("/e/{}?lang={}&via=show{}", e.id, lang.as_str(), keep(large)),
        notice,
        in_app,
        first,
        second,
        free: plan.case == Case::Free,
        access_note: access_note(e, plan.case, place, free, lang),
        resolver,
        station_place: here.station.map(|s| e.stations[s].place.get(lang)),
        story: story_view(e, here.story, lang),
        audio: here.story.audio_in(lang).map(|a| AudioView {
            src: format!(
                "/c/{code}/audio/{}/{}?v={}",
                here.story.id,
                a.lang.as_str(),
                a.version
            ),
            mime: a.mime,
            transcript: here
                .story
                .transcript
                .exactly(lang)
                .unwrap_or_else(|| here.story.summary.get(lang))
                .split("\n\n")
                .map(str::trim)
                .filter(|p| !p.is_empty())
                .collect(),
        }),
        w: words(lang),
        lang: lang.as_str(),
        keep: keep(large),
        reactions: e
            .reactions
            .iter()
            .map(|r| Choice {
                id: &r.id,
                label: r.label.get(lang),
            })
            .collect(),
        poll: poll.and_then(|i| e.polls.get(i)).map(|p| PollView {
            id: &p.id,
            question: p.question.get(lang),
            options: p
                .options
                .iter()
                .map(|o| Choice {
                    id: &o.id,
                    label: o.label.get(lang),
                })
                .collect(),
        }),
        thanks: thanks.map(|t| t.line(lang)),
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

//! GET /c/{code}/audio/{story}/{lang}: a story's recording, with ranges (206) as audio players
//! ask for them, cached for a year under its content hash (`?v=`) like covers. The first
//! range of a play (none, or one from byte 0) is logged as a listen; whether it counts (once per
//! visitor, story and day, after a view of the code, never for bots or staff) is decided where
//! the figures are made, like the page's other signals.

use actix_files::NamedFile;
use actix_web::http::Method;
use actix_web::http::header::{self, HeaderValue};
use actix_web::{HttpRequest, HttpResponse, web};

use super::recording::{record, visit_record};
use super::request::{PageQuery, Requester};
use crate::store::{Event, Signal, Via};
use crate::web::AppState;

#[derive(serde::Deserialize)]
pub(in crate::web) struct ListenQuery {
    v: Option<String>,
}

pub(in crate::web) async fn listen(
    state: web::Data<AppState>,
    req: HttpRequest,
    path: web::Path<(String, String, String)>,
    query: web::Query<ListenQuery>,
) -> HttpResponse {
    let (raw, story_id, tag) = path.into_inner();
    let catalog = state.catalog();
    let Some((code, here)) = super::engage::shown(&state, &catalog, &raw) else {
        return not_found();
    };
    let e = here.exhibition;
    // The tag is matched against the story's own recordings, never made into a `Lang`: what a
    // request names is not interned.
    let found = e.story(&story_id).and_then(|(_, story)| {
        let audio = story.audio.iter().find(|a| a.lang.as_str() == tag)?;
        Some((story, audio))
    });
    let Some((story, audio)) = found else {
        return not_found();
    };
    if req.method() != Method::HEAD && first_range(&req) && story.id == here.story.id {
        let requester = Requester::for_show(&req, &PageQuery::of(&req), e.languages);
        let visit = visit_record(&state, &code, &here, &requester, Via::Qr).await;
        record(&state, Event::Signal(visit, Signal::Listen)).await;
    }
    let file = match NamedFile::open_async(&audio.path).await {
        Ok(file) => file,
        Err(e) => {
            tracing::error!(path = %audio.path.display(), error = %e, "recording could not be read");
            return HttpResponse::NotFound()
                .content_type("text/plain")
                .body("recording unavailable");
        }
    };
    let mime: actix_web::mime::Mime = audio
        .mime
        .parse()
        .unwrap_or(actix_web::mime::APPLICATION_OCTET_STREAM);
    let mut response = file
        .set_content_type(mime)
        .disable_content_disposition()
        .into_response(&req);
    // A stale version (a page cached before an edit) still gets the current file, briefly.
    let cache = if query.v.as_deref() == Some(audio.version.as_str()) {
        "public, max-age=31536000, immutable"
    } else {
        "public, max-age=300"
    };
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static(cache));
    response
}

/// No `Range`, or one that starts at byte 0: a play starting, not a seek or a resumed buffer.
fn first_range(req: &HttpRequest) -> bool {
    match req
        .headers()
        .get(header::RANGE)
        .and_then(|v| v.to_str().ok())
    {
        None => true,
        Some(range) => range.trim().starts_with("bytes=0-"),
    }
}

fn not_found() -> HttpResponse {
    HttpResponse::NotFound()
        .content_type("text/plain")
        .body("no such recording")
}

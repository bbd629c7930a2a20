//! GET /cite/{code}.ris and /cite/{code}.bib: the citation of what a code shows, to take home
//! in a reference manager. Each download is counted as a citation taken home.

use actix_web::http::{Method, header};
use actix_web::{HttpRequest, HttpResponse, web};

use super::not_found::not_found;
use super::recording::{record, visit_record};
use super::request::{PageQuery, Requester, resolve};
use crate::catalog::Code;
use crate::store::{Event, Signal, Via};
use crate::web::AppState;

/// The citation of what a code shows now, for a reference manager; a GET is counted (bots
/// and staff left out where the figures are made).
pub(in crate::web) async fn cite(
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
    let Some((code, target)) = Code::parse(raw)
        .ok()
        .and_then(|c| catalog.resolve(&c).map(|t| (c, t)))
    else {
        return not_found(state, req).await;
    };
    let here = resolve(&state, &catalog, target);
    if req.method() != Method::HEAD {
        let query = PageQuery::of(&req);
        let requester = Requester::for_show(&req, &query, here.exhibition.languages);
        let visit = visit_record(&state, &code, &here, &requester, Via::Browse).await;
        record(&state, Event::Signal(visit, Signal::Cite)).await;
    }
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

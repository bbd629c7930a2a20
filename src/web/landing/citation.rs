//! GET /cite/{code}.ris and /cite/{code}.bib: the citation of what a code shows, to take home
//! in a reference manager.

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, web};

use super::not_found::not_found;
use super::request::resolve;
use crate::catalog::Code;
use crate::web::AppState;

/// The citation of what a code shows now, for a reference manager. Not counted.
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

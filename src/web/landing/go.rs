//! GET /go/{code}: the redirect to the paper, by the same route rule as the landing page's
//! first button unless the visitor chose a route; the open is recorded.

use actix_web::http::{Method, header};
use actix_web::{HttpRequest, HttpResponse, web};

use super::recording::{record, visit_record};
use super::request::CodeRequest;
use crate::access::Ways;
use crate::store::{Event, Via};
use crate::visitor::InApp;
use crate::web::{AppState, no_store};

pub(in crate::web) async fn go(
    state: web::Data<AppState>,
    req: HttpRequest,
    path: web::Path<String>,
) -> HttpResponse {
    let asked = match CodeRequest::of(&state, &req, &path).await {
        Ok(asked) => asked,
        Err(unknown) => return unknown,
    };
    let here = asked.here(&state);
    let requester = &asked.requester;
    let place = here.exhibition.access.place(requester.addr);
    let free = state.free_copy(here.story);
    let ways = Ways {
        access: &here.exhibition.access,
        article: &here.story.article_url,
        free: free
            .as_ref()
            .and_then(|f| f.link(requester.client.in_app != InApp::None)),
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
        let visit = visit_record(&state, &asked.code, &here, requester, Via::Browse).await;
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

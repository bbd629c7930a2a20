//! `GET /admin/api/stats/{exhibition}`: one exhibition's statistics as JSON.

use actix_web::{HttpResponse, web};

use super::{RangeQuery, compute, find, range_of};
use crate::web::error::WebError;
use crate::web::{AppState, no_store};

pub(crate) async fn stats_json(
    state: web::Data<AppState>,
    path: web::Path<String>,
    query: web::Query<RangeQuery>,
) -> Result<HttpResponse, WebError> {
    let catalog = state.catalog();
    let e = find(&catalog, &path)?;
    let range = range_of(&state, e, &query)?;
    let stats = compute(&state, &catalog, &e.id, range).await?;
    Ok(no_store(HttpResponse::Ok().json(stats)))
}

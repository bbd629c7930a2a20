//! Cover thumbnails: `/cover/{exhibition}/{story}/{width}?v={version}`.
//!
//! Thumbnails are made once (`crate::covers`) and kept in memory. The version in the URL is a hash of the file, so
//! responses can be cached for a year; an edited cover gets a new URL.

use parking_lot::Mutex;
use std::collections::HashMap;
use std::path::Path;
use std::sync::Arc;

use actix_web::http::header;
use actix_web::{HttpResponse, web};
use serde::Deserialize;

use super::AppState;
use crate::covers::{WIDTHS, thumbnail};

/// Thumbnails made so far, by cover version and width. Bounded: cleared when it grows past
/// what any real catalog needs.
#[derive(Default)]
pub(super) struct CoverCache(Mutex<HashMap<ThumbKey, Arc<Vec<u8>>>>);

/// A cover version and a width.
type ThumbKey = (String, u32);

const CACHE_ENTRIES: usize = 512;

impl CoverCache {
    fn get(&self, key: &ThumbKey) -> Option<Arc<Vec<u8>>> {
        self.0.lock().get(key).cloned()
    }

    fn put(&self, key: ThumbKey, bytes: Arc<Vec<u8>>) {
        let mut map = self.0.lock();
        if map.len() >= CACHE_ENTRIES {
            map.clear();
        }
        map.insert(key, bytes);
    }
}

#[derive(Deserialize)]
pub(super) struct CoverQuery {
    v: Option<String>,
}

pub(super) async fn cover(
    state: web::Data<AppState>,
    path: web::Path<(String, String, u32)>,
    query: web::Query<CoverQuery>,
) -> HttpResponse {
    let (exhibition, story, width) = path.into_inner();
    let catalog = state.catalog();
    let found = catalog
        .exhibition(&exhibition)
        .and_then(|(_, e)| e.story(&story));
    let (Some((_, story)), true) = (found, WIDTHS.contains(&width)) else {
        return HttpResponse::NotFound()
            .content_type("text/plain")
            .body("no such cover");
    };
    let key = (story.cover.version.clone(), width);
    let bytes = match state.covers.get(&key) {
        Some(bytes) => bytes,
        None => {
            let file = story.cover.path.clone();
            match web::block(move || thumbnail(&file, width)).await {
                Ok(Ok(bytes)) => {
                    let bytes = Arc::new(bytes);
                    state.covers.put(key, bytes.clone());
                    bytes
                }
                Ok(Err(e)) => return cover_failed(&story.cover.path, &e.to_string()),
                Err(e) => return cover_failed(&story.cover.path, &e.to_string()),
            }
        }
    };
    // A stale version (a page cached before an edit) still gets the current cover, briefly.
    let cache = if query.v.as_deref() == Some(story.cover.version.as_str()) {
        "public, max-age=31536000, immutable"
    } else {
        "public, max-age=300"
    };
    HttpResponse::Ok()
        .content_type("image/jpeg")
        .insert_header((header::CACHE_CONTROL, cache))
        .body(bytes.to_vec())
}

fn cover_failed(path: &Path, error: &str) -> HttpResponse {
    tracing::error!(path = %path.display(), error, "cover could not be resized");
    HttpResponse::InternalServerError()
        .content_type("text/plain")
        .body("cover unavailable")
}

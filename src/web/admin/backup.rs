//! `GET /admin/backup`: a consistent copy of the store, streamed, for `docent backup`.

use actix_web::http::header;
use actix_web::{HttpResponse, web};

use super::stream::{OutWriter, stream_blocking};
use crate::store;
use crate::web::error::WebError;
use crate::web::{AppState, no_store};

pub(crate) async fn backup(state: web::Data<AppState>) -> Result<HttpResponse, WebError> {
    let store = state.store.clone();
    // Read straight from the log up to the position at the start; the writer goes on.
    let body = stream_blocking(move |out| {
        let mut writer = std::io::BufWriter::with_capacity(64 * 1024, OutWriter(out));
        let summary = store::backup::write(&store, &mut writer).map_err(std::io::Error::other)?;
        std::io::Write::flush(&mut writer)?;
        tracing::info!(rows = summary.rows, events = summary.events, "backup sent");
        Ok(())
    });
    Ok(no_store(
        HttpResponse::Ok()
            .content_type("application/octet-stream")
            .insert_header((
                header::CONTENT_DISPOSITION,
                "attachment; filename=\"docent.backup\"",
            ))
            .streaming(body),
    ))
}

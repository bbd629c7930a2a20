//! `GET /admin/export/{exhibition}.csv`: every scan, open and signal (confirmation,
//! read-through, citation, reaction, poll answer) of an exhibition as CSV, streamed.

use actix_web::http::header;
use actix_web::{HttpResponse, web};
use jiff::Timestamp;

use super::stream::{OutWriter, stream_blocking};
use super::{RangeQuery, find, range_of};
use crate::catalog;
use crate::store::{self, Event, Signal, Visit};
use crate::web::error::WebError;
use crate::web::{AppState, no_store};

const CSV_HEADER: [&str; 21] = [
    "kind",
    "time_utc",
    "local_date",
    "local_hour",
    "exhibition",
    "code",
    "station",
    "story",
    "phase",
    "show_state",
    "device",
    "in_app",
    "lang",
    "bot",
    "via",
    "route",
    "share",
    "staff",
    "reaction",
    "poll",
    "answer",
];

pub(crate) async fn export_csv(
    state: web::Data<AppState>,
    path: web::Path<String>,
    query: web::Query<RangeQuery>,
) -> Result<HttpResponse, WebError> {
    let Some(id) = path.strip_suffix(".csv") else {
        return Err(WebError::NotFound(
            "expected /admin/export/{exhibition}.csv".into(),
        ));
    };
    let catalog = state.catalog();
    let e = find(&catalog, id)?;
    let (from, to) = match range_of(&state, e, &query)? {
        Some((f, t)) => (
            catalog::midnight(&e.time_zone, f).unwrap_or(Timestamp::UNIX_EPOCH),
            catalog::midnight(&e.time_zone, t.tomorrow().unwrap_or(t)).unwrap_or(Timestamp::MAX),
        ),
        None => (Timestamp::UNIX_EPOCH, Timestamp::MAX),
    };
    let (store, exhibition) = (state.store.clone(), e.id.clone());
    // Rows are read from the log (in the order they were answered) on a blocking thread and
    // sent in chunks; memory stays flat. A store error aborts the response, so a client never
    // takes a cut-short file for a whole one.
    let body = stream_blocking(move |out| {
        let mut csv = csv::WriterBuilder::new()
            .buffer_capacity(32 * 1024)
            .from_writer(OutWriter(out));
        csv.write_record(CSV_HEADER)?;
        for event in store.events() {
            let event = event.map_err(std::io::Error::other)?;
            let Some((kind, v)) = event.visit() else {
                continue;
            };
            if v.exhibition == exhibition && (from..to).contains(&v.at) {
                csv.write_record(csv_row(kind.name(), v, &event).iter().map(|f| f.as_bytes()))?;
            }
        }
        csv.flush()
    });
    Ok(no_store(
        HttpResponse::Ok()
            .content_type("text/csv; charset=utf-8")
            .insert_header((
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{id}-scans.csv\""),
            ))
            .streaming(body),
    ))
}

/// One CSV record, in `CSV_HEADER`'s order.
fn csv_row<'a>(
    kind: &'static str,
    v: &'a Visit,
    event: &'a Event,
) -> [std::borrow::Cow<'a, str>; 21] {
    use std::borrow::Cow::{Borrowed, Owned};
    let (reaction, poll, answer) = match event {
        Event::Signal(_, Signal::React(id)) => (id.as_str(), "", ""),
        Event::Signal(_, Signal::Answer { poll, option }) => ("", poll.as_str(), option.as_str()),
        _ => ("", "", ""),
    };
    [
        Borrowed(kind),
        // To the second in every row: without a precision a moment on a whole second is
        // written without a fraction and the others with six digits.
        Owned(format!("{:.0}", v.at)),
        Owned(v.day.to_string()),
        Owned(v.hour.to_string()),
        Borrowed(&v.exhibition),
        Borrowed(&v.code),
        Borrowed(v.station.as_deref().unwrap_or("")),
        Borrowed(&v.story),
        Borrowed(&v.phase),
        Borrowed(v.state.as_str()),
        Borrowed(v.device.as_str()),
        Borrowed(v.in_app.as_str()),
        Borrowed(v.lang.as_str()),
        Borrowed(if v.bot { "true" } else { "false" }),
        Borrowed(v.via.as_str()),
        // Empty for a scan; an open's way to the paper.
        Borrowed(v.route.map_or("", |r| r.as_str())),
        Borrowed(v.share.map_or("", store::Share::as_str)),
        Borrowed(if v.staff { "true" } else { "false" }),
        Borrowed(reaction),
        Borrowed(poll),
        Borrowed(answer),
    ]
}

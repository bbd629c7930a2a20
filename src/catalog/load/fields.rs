//! Single fields: codes, URLs, distances, dates and local instants, ids.

use jiff::Timestamp;
use jiff::civil::{Date, DateTime, Time};
use jiff::tz::TimeZone;
use toml::Spanned;
use toml::value::Datetime;

use super::DISTANCE_RANGE_M;
use super::problems::Findings;
use super::source::Source;
use super::values;
use crate::catalog::Code;

pub(super) fn check_code(
    src: &Source,
    raw: &Spanned<String>,
    field: &str,
    report: &mut Findings,
) -> Option<Code> {
    Code::parse(raw.get_ref().trim())
        .map_err(|e| {
            report.at(
                src,
                raw.span(),
                format!("{field}: `{}`: {e}", raw.get_ref()),
            )
        })
        .ok()
}

pub(super) fn check_url(
    src: &Source,
    raw: &Spanned<String>,
    field: &str,
    report: &mut Findings,
) -> Option<String> {
    let value = raw.get_ref().trim();
    match values::url(value) {
        Ok(()) => Some(value.to_string()),
        Err(e) => {
            report.at(src, raw.span(), format!("{field}: {e}"));
            None
        }
    }
}

pub(super) fn check_distance(
    src: &Source,
    raw: Option<&Spanned<f64>>,
    default: f64,
    report: &mut Findings,
) -> f64 {
    let Some(raw) = raw else { return default };
    let d = *raw.get_ref();
    if DISTANCE_RANGE_M.contains(&d) {
        d
    } else {
        report.at(
            src,
            raw.span(),
            format!("scan_distance_m: {d} m is out of range (0.2 to 30)"),
        );
        default
    }
}

pub(super) fn check_date(
    src: &Source,
    raw: &Spanned<Datetime>,
    field: &str,
    report: &mut Findings,
) -> Option<Date> {
    let dt = raw.get_ref();
    let date = match (dt.date, dt.time, dt.offset) {
        (Some(d), None, None) => Date::new(d.year as i16, d.month as i8, d.day as i8).ok(),
        _ => None,
    };
    if date.is_none() {
        report.at(
            src,
            raw.span(),
            format!("{field}: expected a date such as 2026-11-02, found {dt}"),
        );
    }
    date
}

/// A local date-time in the exhibition's zone (a bare date means midnight).
pub(super) fn check_instant(
    src: &Source,
    raw: &Spanned<Datetime>,
    field: &str,
    tz: &TimeZone,
    report: &mut Findings,
) -> Option<Timestamp> {
    let dt = raw.get_ref();
    let local = match (dt.date, dt.time, dt.offset) {
        (Some(d), time, None) => {
            let time = match time {
                Some(t) => {
                    Time::new(t.hour as i8, t.minute as i8, t.second.unwrap_or(0) as i8, 0).ok()
                }
                None => Some(Time::midnight()),
            };
            Date::new(d.year as i16, d.month as i8, d.day as i8)
                .ok()
                .zip(time)
                .map(|(d, t)| DateTime::from_parts(d, t))
        }
        _ => None,
    };
    let instant = local.and_then(|l| tz.to_timestamp(l).ok());
    if instant.is_none() {
        let hint = if dt.offset.is_some() {
            "; leave out the offset, the exhibition's time_zone applies"
        } else {
            ""
        };
        report.at(src, raw.span(), format!("{field}: expected a local date and time such as 2026-12-07T08:00:00, found {dt}{hint}"));
    }
    instant
}

pub(super) fn is_slug(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 64
        && s.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && !s.starts_with('-')
}

pub(super) fn is_station_id(s: &str) -> bool {
    (1..=16).contains(&s.len()) && s.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
}

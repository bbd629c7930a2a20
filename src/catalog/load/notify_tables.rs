//! `[digest]` and `[alerts]` in exhibition.toml, checked into `catalog::notify`: every
//! mistake named with its line, like the other tables.
//!
//! ```toml
//! [digest]
//! recipients = ["wang.li@library.example.edu"]
//! weekly = { day = "monday", hour = 9 }   # the seven days before, local time
//! at_phase_end = true
//! at_closing = true
//!
//! [alerts]
//! opening_hours = "09:00-18:00"
//! closed_days = ["monday"]
//! silent_hours = 3          # no scan for this long at a station ...
//! others_at_least = 10      # ... while the other stations had this many together
//! webhook_url = "https://hooks.example.edu/docent"
//! webhook_secret_file = "/etc/docent/webhook-secret"
//! ```

use jiff::civil::{Time, Weekday};
use serde::Deserialize;
use toml::Spanned;

use super::fields::check_url;
use super::problems::Findings;
use super::source::Source;
use crate::catalog::notify::{AlertPlan, DigestPlan, Notify};

#[derive(Deserialize)]
pub(super) struct RawDigest {
    pub(super) recipients: Option<Spanned<Vec<Spanned<String>>>>,
    pub(super) weekly: Option<Spanned<RawWeekly>>,
    pub(super) at_phase_end: Option<Spanned<bool>>,
    pub(super) at_closing: Option<Spanned<bool>>,
}

#[derive(Deserialize)]
pub(super) struct RawWeekly {
    pub(super) day: Spanned<String>,
    pub(super) hour: Spanned<i64>,
}

#[derive(Deserialize)]
pub(super) struct RawAlerts {
    pub(super) opening_hours: Option<Spanned<String>>,
    pub(super) closed_days: Option<Vec<Spanned<String>>>,
    pub(super) silent_hours: Option<Spanned<i64>>,
    pub(super) others_at_least: Option<Spanned<i64>>,
    pub(super) webhook_url: Option<Spanned<String>>,
    pub(super) webhook_secret_file: Option<Spanned<String>>,
}

pub(super) fn check_notify(
    src: &Source,
    digest: &Option<Spanned<RawDigest>>,
    alerts: &Option<Spanned<RawAlerts>>,
    report: &mut Findings,
) -> Notify {
    Notify {
        digest: digest.as_ref().and_then(|d| check_digest(src, d, report)),
        alerts: alerts.as_ref().and_then(|a| check_alerts(src, a, report)),
    }
}

fn check_digest(
    src: &Source,
    raw: &Spanned<RawDigest>,
    report: &mut Findings,
) -> Option<DigestPlan> {
    let d = raw.get_ref();
    let mut recipients = Vec::new();
    match &d.recipients {
        None => report.at(
            src,
            raw.span(),
            "digest: recipients is missing; write recipients = [\"name@library.example.edu\"]",
        ),
        Some(list) if list.get_ref().is_empty() => report.at(
            src,
            list.span(),
            "digest.recipients: the list is empty; name at least one address, or remove [digest]",
        ),
        Some(list) => {
            for r in list.get_ref() {
                let address = r.get_ref().trim();
                match address.parse::<lettre::Address>() {
                    Ok(_) => recipients.push(address.to_string()),
                    Err(_) => report.at(
                        src,
                        r.span(),
                        format!("digest.recipients: `{address}` is not an e-mail address (such as wang.li@library.example.edu)"),
                    ),
                }
            }
        }
    }
    let weekly = d.weekly.as_ref().and_then(|w| {
        let w = w.get_ref();
        let day = weekday(w.day.get_ref());
        if day.is_none() {
            report.at(
                src,
                w.day.span(),
                format!(
                    "digest.weekly.day: `{}` is not a day of the week; write monday, tuesday, ... sunday",
                    w.day.get_ref()
                ),
            );
        }
        let hour = *w.hour.get_ref();
        if !(0..=23).contains(&hour) {
            report.at(
                src,
                w.hour.span(),
                format!("digest.weekly.hour: {hour} is not an hour of the day (0 to 23, local time)"),
            );
        }
        Some((day?, i8::try_from(hour).ok().filter(|h| (0..=23).contains(h))?))
    });
    let flag = |f: &Option<Spanned<bool>>| f.as_ref().is_some_and(|b| *b.get_ref());
    (recipients.len() == d.recipients.as_ref().map_or(0, |l| l.get_ref().len())
        && !recipients.is_empty())
    .then(|| DigestPlan {
        recipients,
        weekly,
        at_phase_end: flag(&d.at_phase_end),
        at_closing: flag(&d.at_closing),
    })
}

fn check_alerts(
    src: &Source,
    raw: &Spanned<RawAlerts>,
    report: &mut Findings,
) -> Option<AlertPlan> {
    let a = raw.get_ref();
    let (opens, closes) = match &a.opening_hours {
        None => (Time::midnight(), Time::MAX),
        Some(h) => match hours(h.get_ref()) {
            Some(pair) => pair,
            None => {
                report.at(
                    src,
                    h.span(),
                    format!(
                        "alerts.opening_hours: `{}` is not a range of local times; write \"09:00-18:00\"",
                        h.get_ref()
                    ),
                );
                return None;
            }
        },
    };
    let mut closed_days = Vec::new();
    for d in a.closed_days.iter().flatten() {
        match weekday(d.get_ref()) {
            Some(day) => closed_days.push(day),
            None => report.at(
                src,
                d.span(),
                format!(
                    "alerts.closed_days: `{}` is not a day of the week; write monday, tuesday, ... sunday",
                    d.get_ref()
                ),
            ),
        }
    }
    let positive =
        |v: &Option<Spanned<i64>>, field: &str, default: i64, report: &mut Findings| match v {
            None => Some(default),
            Some(n) if *n.get_ref() >= 1 => Some(*n.get_ref()),
            Some(n) => {
                report.at(
                    src,
                    n.span(),
                    format!("alerts.{field}: {} must be 1 or more", n.get_ref()),
                );
                None
            }
        };
    let silent_hours = positive(&a.silent_hours, "silent_hours", 3, report);
    let others_at_least = positive(&a.others_at_least, "others_at_least", 10, report);
    let webhook_url = match &a.webhook_url {
        Some(u) => Some(check_url(src, u, "alerts.webhook_url", report)?),
        None => None,
    };
    let webhook_secret_file = a
        .webhook_secret_file
        .as_ref()
        .map(|f| std::path::PathBuf::from(f.get_ref().trim()));
    if let (Some(url), None) = (&a.webhook_url, &webhook_secret_file) {
        report.at(
            src,
            url.span(),
            "alerts.webhook_url: a webhook is signed; add webhook_secret_file = \"/etc/docent/webhook-secret\" (a file holding whsec_ and the base64 secret)",
        );
        return None;
    }
    if closed_days.len() != a.closed_days.as_ref().map_or(0, Vec::len) {
        return None;
    }
    Some(AlertPlan {
        opens,
        closes,
        closed_days,
        silent_hours: silent_hours?,
        others_at_least: others_at_least? as u64,
        webhook_url,
        webhook_secret_file,
    })
}

fn weekday(name: &str) -> Option<Weekday> {
    Some(match name.trim().to_lowercase().as_str() {
        "monday" | "mon" => Weekday::Monday,
        "tuesday" | "tue" => Weekday::Tuesday,
        "wednesday" | "wed" => Weekday::Wednesday,
        "thursday" | "thu" => Weekday::Thursday,
        "friday" | "fri" => Weekday::Friday,
        "saturday" | "sat" => Weekday::Saturday,
        "sunday" | "sun" => Weekday::Sunday,
        _ => return None,
    })
}

/// `09:00-18:00`: two local times, the first before the second.
fn hours(text: &str) -> Option<(Time, Time)> {
    let (from, to) = text.split_once('-')?;
    let parse = |t: &str| Time::strptime("%H:%M", t.trim()).ok();
    let (from, to) = (parse(from)?, parse(to)?);
    (from < to).then_some((from, to))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn opening_hours_and_days_are_read_as_people_write_them() {
        assert_eq!(
            hours("09:00-18:30"),
            Some((Time::constant(9, 0, 0, 0), Time::constant(18, 30, 0, 0)))
        );
        assert_eq!(hours("18:00-09:00"), None);
        assert_eq!(hours("9-18"), None);
        assert_eq!(weekday("Monday"), Some(Weekday::Monday));
        assert_eq!(weekday("lundi"), None);
    }
}

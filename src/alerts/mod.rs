//! Alerts: something on the wall needs a person. Three rules, decided from the data:
//! - **silent station**: in opening hours, a station with no scan for `silent_hours` while the
//!   other stations had at least `others_at_least` scans in the same hours (a code torn off,
//!   covered, in glare, printed too small); the whole window must lie in today's opening
//!   hours, so the morning's first hours never count as silence;
//! - **spike**: this hour's scans at least three times the same hour's average over the seven
//!   days before, and at least `2 × others_at_least` (a class visiting, or a code copied
//!   somewhere it should not be);
//! - **unknown code**: a code the catalog does not know scanned `UNKNOWN_AT` times today (a
//!   misprint on a poster).
//!
//! An alert stands while its rule holds and clears when it stops holding (scans return). The
//! rules are pure functions of `Inputs`; the web layer gathers the inputs, keeps what stands,
//! and says so on the dashboard, by mail and by a signed webhook (`sign`).

pub mod sign;

use jiff::{SignedDuration, Timestamp};
use serde::Serialize;

use crate::catalog::Exhibition;
use crate::catalog::notify::AlertPlan;

/// Scans of one unknown code in a day that make it a misprint, not a typo.
pub const UNKNOWN_AT: u64 = 20;

/// What an alert is about.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "rule", rename_all = "snake_case")]
pub enum Rule {
    SilentStation {
        station: String,
        hours: i64,
        others: u64,
    },
    Spike {
        hour: i8,
        scans: u64,
        usual: u64,
    },
    UnknownCode {
        code: String,
        scans: u64,
    },
}

impl Rule {
    /// What stays the same while the alert stands: one alert per station, hour or code.
    pub fn key(&self) -> String {
        match self {
            Rule::SilentStation { station, .. } => format!("silent-station.{station}"),
            Rule::Spike { hour, .. } => format!("spike.{hour:02}"),
            Rule::UnknownCode { code, .. } => format!("unknown-code.{code}"),
        }
    }

    /// In words, Chinese and English.
    pub fn words(&self) -> (String, String) {
        match self {
            Rule::SilentStation {
                station,
                hours,
                others,
            } => (
                format!(
                    "展位 {station} 已 {hours} 小时没有扫码，而其他展位同期共有 {others} 次：二维码可能被撕掉、遮挡、反光或印得太小，请到现场查看。"
                ),
                format!(
                    "Station {station} has had no scan for {hours} hours while the other stations had {others}: its code may be torn off, covered, in glare or printed too small. Please check the wall."
                ),
            ),
            Rule::Spike { hour, scans, usual } => (
                format!("{hour:02}:00 这一小时已有 {scans} 次扫码，平时同一时段约 {usual} 次。"),
                format!(
                    "{scans} scans in the hour from {hour:02}:00, where the same hour usually has about {usual}."
                ),
            ),
            Rule::UnknownCode { code, scans } => (
                format!("今天有 {scans} 次扫描了展览中没有的二维码「{code}」：可能有海报印错了。"),
                format!(
                    "A code the exhibits do not know, `{code}`, was scanned {scans} times today: a poster may carry a misprint."
                ),
            ),
        }
    }
}

/// What the rules look at, gathered by the caller.
#[derive(Debug, Default)]
pub struct Inputs {
    /// Printed-code scans since `now - silent_hours`: (station, time).
    pub recent: Vec<(Option<String>, Timestamp)>,
    /// Scans in the current local hour so far.
    pub this_hour: u64,
    /// Scans in the same hour on each of the seven days before.
    pub same_hour_before: Vec<u64>,
    /// Unknown codes scanned today, with their counts.
    pub unknown_today: Vec<(String, u64)>,
}

/// The rules that hold at `now`.
pub fn evaluate(plan: &AlertPlan, e: &Exhibition, now: Timestamp, inputs: &Inputs) -> Vec<Rule> {
    let local = now.to_zoned_datetime(e.time_zone.clone());
    let today = local.date();
    let mut holding = Vec::new();
    let open_now = today >= e.opens && today <= e.closes && plan.is_open(&local);
    if !open_now {
        return holding;
    }
    let window = SignedDuration::from_hours(plan.silent_hours);
    let start = now
        .checked_sub(window)
        .unwrap_or(now)
        .to_zoned_datetime(e.time_zone.clone());
    if start.date() == today && start.time() >= plan.opens {
        let since = now.checked_sub(window).unwrap_or(now);
        let in_window = |s: &str| {
            inputs
                .recent
                .iter()
                .filter(|(station, at)| *at >= since && station.as_deref() == Some(s))
                .count() as u64
        };
        let all = inputs.recent.iter().filter(|(_, at)| *at >= since).count() as u64;
        for station in &e.stations {
            let here = in_window(&station.id);
            let others = all - here;
            if here == 0 && others >= plan.others_at_least {
                holding.push(Rule::SilentStation {
                    station: station.id.clone(),
                    hours: plan.silent_hours,
                    others,
                });
            }
        }
    }
    if !inputs.same_hour_before.is_empty() {
        let usual =
            inputs.same_hour_before.iter().sum::<u64>() / inputs.same_hour_before.len() as u64;
        if inputs.this_hour >= (3 * usual).max(2 * plan.others_at_least) {
            holding.push(Rule::Spike {
                hour: local.hour(),
                scans: inputs.this_hour,
                usual,
            });
        }
    }
    for (code, scans) in &inputs.unknown_today {
        if *scans >= UNKNOWN_AT && code != crate::store::OTHER_CODES {
            holding.push(Rule::UnknownCode {
                code: code.clone(),
                scans: *scans,
            });
        }
    }
    holding
}

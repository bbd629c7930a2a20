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

use crate::catalog::notify::AlertPlan;
use crate::catalog::{Exhibition, Lang};
use crate::i18n::tr_args;

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

    /// In words, in `lang`'s interface (`locales/*/mail.ftl`).
    pub fn words(&self, lang: Lang) -> String {
        match self {
            Rule::SilentStation {
                station,
                hours,
                others,
            } => tr_args(
                lang,
                "alert-silent-station",
                &[
                    ("station", station.clone().into()),
                    ("hours", (*hours).into()),
                    ("others", (*others).into()),
                ],
            ),
            Rule::Spike { hour, scans, usual } => tr_args(
                lang,
                "alert-spike",
                &[
                    ("hour", format!("{hour:02}").into()),
                    ("scans", (*scans).into()),
                    ("usual", (*usual).into()),
                ],
            ),
            Rule::UnknownCode { code, scans } => tr_args(
                lang,
                "alert-unknown-code",
                &[("code", code.clone().into()), ("scans", (*scans).into())],
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

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::Time;

    fn show() -> Exhibition {
        let catalog = crate::catalog::load(
            &std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("exhibits"),
        )
        .unwrap();
        catalog.exhibitions.into_iter().next().unwrap()
    }

    fn plan() -> AlertPlan {
        AlertPlan {
            opens: Time::constant(9, 0, 0, 0),
            closes: Time::constant(18, 0, 0, 0),
            closed_days: vec![jiff::civil::Weekday::Monday],
            silent_hours: 2,
            others_at_least: 10,
            webhook_url: None,
            webhook_secret_file: None,
        }
    }

    fn at(s: &str) -> Timestamp {
        s.parse().unwrap()
    }

    /// Scans at every station but `quiet`, `n` each, at `when`.
    fn scans(quiet: &str, n: usize, when: &str) -> Vec<(Option<String>, Timestamp)> {
        ["A1", "A2", "A3", "B1", "B2", "B3"]
            .iter()
            .filter(|s| **s != quiet)
            .flat_map(|s| std::iter::repeat_n((Some(s.to_string()), at(when)), n))
            .collect()
    }

    #[test]
    fn a_station_is_silent_only_in_opening_hours_and_while_the_others_are_scanned() {
        let (e, plan) = (show(), plan());
        let inputs = Inputs {
            recent: scans("A3", 3, "2026-11-20T03:00:00Z"),
            ..Inputs::default()
        };
        // Friday 11:30 Beijing time: A3 silent for two hours, the others had 15.
        let rules = evaluate(&plan, &e, at("2026-11-20T03:30:00Z"), &inputs);
        assert_eq!(
            rules,
            vec![Rule::SilentStation {
                station: "A3".into(),
                hours: 2,
                others: 15
            }]
        );
        // 10:30: the window began before opening: the morning is no silence.
        assert!(evaluate(&plan, &e, at("2026-11-20T02:30:00Z"), &inputs).is_empty());
        // Monday is a closed day; 19:00 is after closing.
        assert!(evaluate(&plan, &e, at("2026-11-23T03:30:00Z"), &inputs).is_empty());
        assert!(evaluate(&plan, &e, at("2026-11-20T11:00:00Z"), &inputs).is_empty());
        // The others too quiet to tell: 5 scans.
        let quiet = Inputs {
            recent: scans("A3", 1, "2026-11-20T03:00:00Z"),
            ..Inputs::default()
        };
        assert!(evaluate(&plan, &e, at("2026-11-20T03:30:00Z"), &quiet).is_empty());
    }

    #[test]
    fn a_spike_and_a_misprinted_code_are_raised_from_their_counts() {
        let (e, plan) = (show(), plan());
        let now = at("2026-11-20T03:30:00Z");
        let busy = Inputs {
            recent: scans("", 3, "2026-11-20T03:00:00Z"),
            this_hour: 60,
            same_hour_before: vec![10, 12, 8],
            unknown_today: vec![
                ("NCA7".into(), 25),
                ("XX".into(), 3),
                ("(other)".into(), 90),
            ],
        };
        let rules = evaluate(&plan, &e, now, &busy);
        assert_eq!(
            rules,
            vec![
                Rule::Spike {
                    hour: 11,
                    scans: 60,
                    usual: 10
                },
                Rule::UnknownCode {
                    code: "NCA7".into(),
                    scans: 25
                },
            ]
        );
        // Twice the usual is no spike.
        let usual = Inputs {
            this_hour: 20,
            ..busy
        };
        assert!(
            !evaluate(&plan, &e, now, &usual)
                .iter()
                .any(|r| matches!(r, Rule::Spike { .. }))
        );
        assert_eq!(rules[1].key(), "unknown-code.NCA7");
    }
}

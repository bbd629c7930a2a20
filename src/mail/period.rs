//! The periods a digest covers, and which are due: the seven days before each weekly sending,
//! a phase's days when the next phase starts, the whole show the day after closing.

use jiff::civil::Date;
use jiff::{SignedDuration, Timestamp};

use crate::catalog::Exhibition;
use crate::catalog::notify::DigestPlan;

/// A digest that is this late is not sent any more (a server down for weeks does not mail
/// a pile of old weeks when it comes back).
const LATE: SignedDuration = SignedDuration::from_hours(24 * 7);

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Kind {
    Week,
    /// A phase's days, by its id.
    Phase(String),
    Closing,
    /// Asked for by hand (`docent digest --period`, the dashboard's "send now").
    Custom,
}

/// Local days, inclusive, and why they make a period.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Period {
    pub kind: Kind,
    pub from: Date,
    pub to: Date,
}

impl Period {
    /// The name the sending is recorded under: once per exhibition and key.
    pub fn key(&self) -> String {
        match &self.kind {
            Kind::Week => format!("week-{}", self.from),
            Kind::Phase(id) => format!("phase-{id}"),
            Kind::Closing => "closing".into(),
            Kind::Custom => format!("custom-{}-{}", self.from, self.to),
        }
    }

    pub fn days(&self) -> i64 {
        i64::from((self.to - self.from).get_days()) + 1
    }

    /// The same number of days just before, for the change.
    pub fn previous(&self) -> Option<(Date, Date)> {
        let to = self.from.yesterday().ok()?;
        let from = to
            .checked_sub(jiff::Span::new().days(self.days() - 1))
            .ok()?;
        Some((from, to))
    }

    /// `from..=to` as typed (`2026-11-16..2026-11-22`) or the last seven days before `today`.
    pub fn parse(text: Option<&str>, today: Date) -> Result<Period, String> {
        let Some(text) = text.map(str::trim).filter(|t| !t.is_empty()) else {
            let to = today.yesterday().map_err(|e| e.to_string())?;
            let from = to
                .checked_sub(jiff::Span::new().days(6))
                .map_err(|e| e.to_string())?;
            return Ok(Period {
                kind: Kind::Custom,
                from,
                to,
            });
        };
        let (a, b) = text.split_once("..").ok_or_else(|| {
            format!("--period `{text}`: write FROM..TO, such as 2026-11-16..2026-11-22")
        })?;
        let day = |s: &str| {
            s.trim()
                .parse::<Date>()
                .map_err(|_| format!("--period `{text}`: `{s}` is not a date such as 2026-11-16"))
        };
        let (from, to) = (day(a)?, day(b)?);
        if to < from {
            return Err(format!("--period `{text}`: {to} is before {from}"));
        }
        Ok(Period {
            kind: Kind::Custom,
            from,
            to,
        })
    }
}

/// The periods whose digest is due at `now`: the time to send has come, within `LATE`.
pub fn due(e: &Exhibition, plan: &DigestPlan, now: Timestamp) -> Vec<Period> {
    let zone = e.time_zone.clone();
    let local = now.to_zoned_datetime(zone.clone());
    let recent = |at: Timestamp| at <= now && now.duration_since(at) < LATE;
    let mut due = Vec::new();
    if let Some((weekday, hour)) = plan.weekly {
        let today = local.date();
        let back = i64::from(today.weekday().since(weekday));
        if let Ok(day) = today.checked_sub(jiff::Span::new().days(back)) {
            // This week's sending, or last week's when this week's hour has not come yet.
            let at = |d: Date| {
                d.at(hour, 0, 0, 0)
                    .to_zoned_datetime(zone.clone())
                    .map(|z| z.timestamp())
                    .ok()
            };
            let day = match at(day) {
                Some(t) if t > now => day.checked_sub(jiff::Span::new().days(7)).ok(),
                Some(_) => Some(day),
                None => None,
            };
            if let Some(day) = day
                && let (Some(sent_at), Ok(to), Ok(from)) = (
                    at(day),
                    day.yesterday(),
                    day.checked_sub(jiff::Span::new().days(7)),
                )
                && recent(sent_at)
                && to >= e.opens
                && from <= e.closes
            {
                due.push(Period {
                    kind: Kind::Week,
                    from: from.max(e.opens),
                    to: to.min(e.closes),
                });
            }
        }
    }
    if plan.at_phase_end {
        for pair in e.phases.windows(2) {
            if recent(pair[1].starts)
                && let Ok((from, to)) = crate::report::phase_days(e, &pair[0].id)
            {
                due.push(Period {
                    kind: Kind::Phase(pair[0].id.clone()),
                    from,
                    to,
                });
            }
        }
    }
    if plan.at_closing
        && let Ok(after) = e.closes.tomorrow()
        && let Ok(at) = after.to_zoned_datetime(zone)
        && recent(at.timestamp())
    {
        due.push(Period {
            kind: Kind::Closing,
            from: e.opens,
            to: e.closes,
        });
    }
    due
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    #[test]
    fn a_period_has_a_key_and_a_previous_period_of_the_same_length() {
        let p = Period {
            kind: Kind::Week,
            from: date(2026, 11, 16),
            to: date(2026, 11, 22),
        };
        assert_eq!(p.key(), "week-2026-11-16");
        assert_eq!(p.previous(), Some((date(2026, 11, 9), date(2026, 11, 15))));
        let typed = Period::parse(Some("2026-11-16..2026-11-22"), date(2026, 12, 1)).unwrap();
        assert_eq!((typed.from, typed.to, typed.days()), (p.from, p.to, 7));
        let last = Period::parse(None, date(2026, 12, 1)).unwrap();
        assert_eq!(
            (last.from, last.to),
            (date(2026, 11, 24), date(2026, 11, 30))
        );
        assert!(Period::parse(Some("2026-11-22..2026-11-16"), date(2026, 12, 1)).is_err());
        assert!(Period::parse(Some("last week"), date(2026, 12, 1)).is_err());
    }
}

//! Synthetic, realistic traffic for demos and benchmarks: a lobby's day of scans, with
//! lunch and evening peaks, mostly phones in WeChat, a few bots, some visitors opening the
//! paper. Deterministic for a given seed.
//!
//! It is for demos: it keeps to days that have happened (unless asked), and refuses a store
//! holding anything it did not write, so synthetic scans never mix with real ones.

use std::path::{Path, PathBuf};

use jiff::civil::{Date, Time};
use jiff::{SignedDuration, Timestamp};

use crate::access::Route;
use crate::catalog::{Catalog, Code, Exhibition, Lang, ShownStory, Story};
use crate::store::{Event, Signal, Store, StoreError, UnknownScan, Via, Visit};
use crate::visitor::{Client, Device, InApp, VisitorId};

/// Relative traffic by hour of day (the library is open 8:00 to 22:00).
const HOURLY: [u32; 24] = [
    0, 0, 0, 0, 0, 0, 0, 1, 4, 6, 7, 8, 12, 10, 7, 7, 8, 11, 9, 6, 5, 4, 2, 0,
];

/// Of the pages viewed (by people, not bots), those whose article is opened.
const OPEN_PERCENT: u32 = 30;

/// The file in the data folder that says simulate wrote it: the store's position after the last
/// run. A store whose position moved since then has had other events (a server's real scans).
const MARKER: &str = "simulated";

/// Why nothing (or not everything) was simulated.
#[derive(Debug, thiserror::Error)]
pub enum SimulateError {
    #[error("no exhibition `{id}` (exhibitions: {known})")]
    UnknownExhibition { id: String, known: String },
    #[error("there are several exhibitions ({known}): choose one with --exhibition ID")]
    SeveralExhibitions { known: String },
    #[error("--silent-station {station}: no such station in `{exhibition}` (stations: {known})")]
    UnknownStation {
        station: String,
        exhibition: String,
        known: String,
    },
    #[error(
        "the first day, {first}, is after today ({today}): simulate writes only days that have happened; give an earlier --from, or pass --future to write days to come"
    )]
    AfterToday { first: Date, today: Date },
    #[error(
        "{} already holds events that simulate did not write (real scans, probably): synthetic traffic would mix with them in every figure. Use an empty --data folder for a demo, or pass --force to mix them anyway",
        data.display()
    )]
    RealEvents { data: PathBuf },
    #[error("cannot open the store in {} (is docent serve running on it?)", data.display())]
    Open {
        data: PathBuf,
        #[source]
        source: StoreError,
    },
    #[error("cannot write the synthetic events into {}", data.display())]
    Write {
        data: PathBuf,
        #[source]
        source: StoreError,
    },
    #[error("cannot mark {} as simulated", path.display())]
    Mark {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
}

/// What `docent simulate` was asked for.
pub struct Request<'a> {
    /// Required when the catalog has several exhibitions.
    pub exhibition: Option<&'a str>,
    /// Default: the opening day.
    pub first_day: Option<Date>,
    pub days: u32,
    pub per_day: u32,
    pub seed: u64,
    /// Also write days after today.
    pub future: bool,
    /// Write into a store that holds events simulate did not write.
    pub force: bool,
    /// A station that falls silent for the last `SILENT_HOURS` written (its code "torn
    /// off"), so the dashboard can show a silent-station alert.
    pub silent_station: Option<&'a str>,
}

/// How long before the end of the traffic a `--silent-station` gets no scan.
pub const SILENT_HOURS: i64 = 4;

/// What a run wrote.
pub struct Simulated {
    pub exhibition: String,
    pub events: usize,
    /// Days written (fewer than asked when the rest are after today).
    pub days: u32,
}

/// Writes synthetic traffic into the (stopped) server's store in `data`.
pub fn run(catalog: &Catalog, data: &Path, request: &Request) -> Result<Simulated, SimulateError> {
    let known = || {
        let ids: Vec<_> = catalog.exhibitions.iter().map(|e| e.id.as_str()).collect();
        ids.join(", ")
    };
    let e = match (request.exhibition, catalog.exhibitions.as_slice()) {
        (Some(id), _) => catalog.exhibition(id).map(|(_, e)| e).ok_or_else(|| {
            SimulateError::UnknownExhibition {
                id: id.to_string(),
                known: known(),
            }
        })?,
        (None, [only]) => only,
        (None, _) => return Err(SimulateError::SeveralExhibitions { known: known() }),
    };
    let now = Timestamp::now();
    let today = now.to_zoned_datetime(e.time_zone.clone()).date();
    let first_day = request.first_day.unwrap_or(e.opens);
    let days = days_until(first_day, request.days, today, request.future)?;
    let store = Store::open(data, 64 << 20).map_err(|source| SimulateError::Open {
        data: data.to_path_buf(),
        source,
    })?;
    let mark = check_store(data, store.position(), request.force)?;
    let traffic = Traffic {
        first_day,
        days,
        scans_per_day: request.per_day,
        seed: request.seed,
        not_after: (!request.future).then_some(now),
    };
    let mut events = events(e, &traffic);
    if let Some(station) = request.silent_station {
        if !e.stations.iter().any(|s| s.id == station) {
            return Err(SimulateError::UnknownStation {
                station: station.to_string(),
                exhibition: e.id.clone(),
                known: e
                    .stations
                    .iter()
                    .map(|s| s.id.as_str())
                    .collect::<Vec<_>>()
                    .join(", "),
            });
        }
        silence(&mut events, station);
    }
    let written = || -> Result<(), StoreError> {
        for batch in events.chunks(256) {
            store.append(batch)?;
        }
        store.checkpoint()
    };
    written().map_err(|source| SimulateError::Write {
        data: data.to_path_buf(),
        source,
    })?;
    if mark {
        mark_store(data, store.position())?;
    }
    Ok(Simulated {
        exhibition: e.id.clone(),
        events: events.len(),
        days,
    })
}

pub struct Traffic {
    pub first_day: Date,
    pub days: u32,
    pub scans_per_day: u32,
    pub seed: u64,
    /// No event after this instant (now, unless future days were asked for).
    pub not_after: Option<Timestamp>,
}

/// The days to write: `days` from `first`, cut at `today` unless `future`. An error when
/// nothing is left.
pub fn days_until(first: Date, days: u32, today: Date, future: bool) -> Result<u32, SimulateError> {
    if future {
        return Ok(days);
    }
    if first > today {
        return Err(SimulateError::AfterToday { first, today });
    }
    let possible = first.until(today).map(|span| span.get_days()).unwrap_or(0) + 1;
    Ok(days.min(u32::try_from(possible).unwrap_or(u32::MAX)))
}

/// Refuses a store holding events simulate did not write, unless `force`. Returns whether the
/// store may be marked as simulated afterwards (not when real events were mixed in by force).
pub fn check_store(data: &Path, position: u64, force: bool) -> Result<bool, SimulateError> {
    if position == 0 {
        return Ok(true);
    }
    let marked = std::fs::read_to_string(data.join(MARKER))
        .ok()
        .and_then(|t| t.trim().parse::<u64>().ok());
    if marked == Some(position) {
        return Ok(true);
    }
    if force {
        return Ok(false);
    }
    Err(SimulateError::RealEvents {
        data: data.to_path_buf(),
    })
}

/// Marks the store as holding only synthetic events, up to `position`.
pub fn mark_store(data: &Path, position: u64) -> Result<(), SimulateError> {
    let path = data.join(MARKER);
    std::fs::write(&path, format!("{position}\n"))
        .map_err(|source| SimulateError::Mark { path, source })
}

/// The events of `traffic` at `e`, in time order within each day.
pub fn events(e: &Exhibition, traffic: &Traffic) -> Vec<Event> {
    let mut rng = fastrand::Rng::with_seed(traffic.seed);
    let mut out = Vec::new();
    let mut day = traffic.first_day;
    for _ in 0..traffic.days {
        // Weekends are quieter; any day varies by a quarter either way.
        let weekend = matches!(
            day.weekday(),
            jiff::civil::Weekday::Saturday | jiff::civil::Weekday::Sunday
        );
        let base = if weekend {
            traffic.scans_per_day / 2
        } else {
            traffic.scans_per_day
        };
        let today = base * rng.u32(75..126) / 100;
        let mut times: Vec<Timestamp> = (0..today)
            .filter_map(|_| instant(e, day, &mut rng))
            .filter(|at| traffic.not_after.is_none_or(|limit| *at <= limit))
            .collect();
        times.sort();
        let visitors = (traffic.scans_per_day / 2).max(1);
        for at in times {
            out.extend(visit_events(e, at, &mut rng, visitors));
        }
        day = match day.tomorrow() {
            Ok(d) => d,
            Err(_) => break,
        };
    }
    out
}

/// Leaves out every event at `station` in the last `SILENT_HOURS` before the last event.
fn silence(events: &mut Vec<Event>, station: &str) {
    let at = |e: &Event| match e {
        Event::Scan(v) | Event::Open(v) | Event::Signal(v, _) => Some(v.at),
        Event::Unknown(_) => None,
    };
    let Some(last) = events.iter().filter_map(at).max() else {
        return;
    };
    let from = last
        .checked_sub(jiff::SignedDuration::from_hours(SILENT_HOURS))
        .unwrap_or(last);
    events.retain(|e| match e {
        Event::Scan(v) | Event::Open(v) | Event::Signal(v, _) => {
            !(v.at >= from && v.station.as_deref() == Some(station))
        }
        Event::Unknown(_) => true,
    });
}

fn instant(e: &Exhibition, day: Date, rng: &mut fastrand::Rng) -> Option<Timestamp> {
    let total: u32 = HOURLY.iter().sum();
    let mut pick = rng.u32(0..total);
    let hour = HOURLY.iter().position(|&w| {
        if pick < w {
            true
        } else {
            pick -= w;
            false
        }
    })?;
    let time = Time::new(hour as i8, rng.i8(0..60), rng.i8(0..60), 0).ok()?;
    e.time_zone.to_timestamp(day.to_datetime(time)).ok()
}

/// One scan, and maybe a browse and an open after it.
fn visit_events(
    e: &Exhibition,
    at: Timestamp,
    rng: &mut fastrand::Rng,
    visitors: u32,
) -> Vec<Event> {
    let local = at.to_zoned_datetime(e.time_zone.clone());
    if rng.u32(0..100) == 0 {
        let code = format!("X{}", rng.u32(100..999));
        return vec![Event::Unknown(UnknownScan {
            at,
            day: local.date(),
            code,
            bot: false,
        })];
    }
    let showing = e.showing(at, None);
    let station = rng.usize(0..e.stations.len());
    // Some stations draw more people than others.
    let station = if rng.bool() {
        station.min(rng.usize(0..e.stations.len()))
    } else {
        station
    };
    let bot = rng.u32(0..100) < 5;
    let device = match rng.u32(0..100) {
        0..85 => Device::Phone,
        85..93 => Device::Tablet,
        _ => Device::Desktop,
    };
    let in_app = match (device, rng.u32(0..100)) {
        (Device::Desktop, _) => InApp::None,
        (_, 0..60) => InApp::WeChat,
        (_, 60..68) => InApp::Qq,
        (_, 68..71) => InApp::Weibo,
        (_, 71..73) => InApp::Alipay,
        (_, 73..75) => InApp::DingTalk,
        _ => InApp::None,
    };
    let client = Client {
        device,
        in_app,
        bot,
    };
    let visitor = VisitorId(1 + (rng.u32(0..visitors) as u64 ^ (local.date().day() as u64) << 40));
    let lang = if rng.u32(0..100) < 85 {
        Lang::ZH
    } else {
        Lang::EN
    };
    let visit = |secs: i64, code: &Code, shown: &ShownStory<'_>, via: Via| {
        let at = at
            .checked_add(SignedDuration::from_secs(secs))
            .unwrap_or(at);
        Visit::new(at, code, shown, visitor, client, lang, via)
    };
    // An open follows the page it was opened from, with that page's code, story and station,
    // as `/go/` logs it; and every page viewed leads to one equally often, so a story's open
    // rate reads the same in the by-story and the by-station tables.
    let opens = |rng: &mut fastrand::Rng| !bot && rng.u32(0..100) < OPEN_PERCENT;
    let here = ShownStory::station(e, showing, station);
    let code = &e.stations[station].code;
    let mut events = vec![Event::Scan(visit(0, code, &here, Via::Qr))];
    if !bot {
        // What the page sends back, from a generator of its own: a seed gives the same
        // visits with or without these.
        let mut back = fastrand::Rng::with_seed(visitor.0 ^ at.as_second() as u64);
        let signal = |secs, s| Event::Signal(visit(secs, code, &here, Via::Qr), s);
        if back.u32(0..100) < 85 {
            events.push(signal(1, Signal::Confirm));
            if back.u32(0..100) < 45 {
                events.push(signal(50, Signal::Read));
            }
        }
        if back.u32(0..100) < 12 && !e.reactions.is_empty() {
            let r = &e.reactions[back.usize(0..e.reactions.len())];
            events.push(signal(55, Signal::React(r.id.clone())));
        }
        if back.u32(0..100) < 6 {
            events.push(signal(58, Signal::Cite));
        }
        if let Some(poll) = e.open_poll(showing, local.date())
            && back.u32(0..100) < 10
        {
            let option = &poll.options[back.usize(0..poll.options.len())];
            events.push(signal(
                59,
                Signal::Answer {
                    poll: poll.id.clone(),
                    option: option.id.clone(),
                },
            ));
        }
    }
    if opens(rng) {
        let route = route(rng, e, here.story);
        events.push(Event::Open(
            visit(40, code, &here, Via::Browse).opened_by(route),
        ));
    }
    if !bot && rng.u32(0..100) < 20 {
        let others = e.stories_in(showing.phase);
        let other = &e.stories[others[rng.usize(0..others.len())]];
        let there = ShownStory::story(e, showing, other);
        events.push(Event::Scan(visit(90, &other.code, &there, Via::Browse)));
        if opens(rng) {
            let route = route(rng, e, other);
            events.push(Event::Open(
                visit(130, &other.code, &there, Via::Browse).opened_by(route),
            ));
        }
    }
    events
}

/// The way a simulated open goes: about two in five visitors are on the campus network, when
/// the show names one (`[access] campus_networks`; without it no visitor is known to be on
/// campus); the others take a free copy when the story names one, else the library's route.
fn route(rng: &mut fastrand::Rng, e: &Exhibition, story: &Story) -> Route {
    // Drawn either way, so a seed gives the same traffic whatever the access settings.
    let on_campus = rng.u32(0..100) < 40;
    if on_campus && !e.access.campus_networks.is_empty() {
        Route::Campus
    } else if story.oa_url.is_some() {
        Route::Oa
    } else if e.access.proxy.is_some() {
        Route::Proxy
    } else {
        Route::Publisher
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_silent_station_has_no_event_in_the_last_hours_and_the_others_do() {
        let catalog = crate::catalog::load(
            &std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("exhibits"),
        )
        .unwrap();
        let e = &catalog.exhibitions[0];
        let traffic = Traffic {
            first_day: e.opens,
            days: 3,
            scans_per_day: 600,
            seed: 7,
            not_after: None,
        };
        let mut all = events(e, &traffic);
        let station_at = |ev: &Event| match ev {
            Event::Scan(v) => Some((v.station.clone(), v.at)),
            _ => None,
        };
        let last = all
            .iter()
            .filter_map(station_at)
            .map(|(_, at)| at)
            .max()
            .unwrap();
        let from = last
            .checked_sub(jiff::SignedDuration::from_hours(SILENT_HOURS))
            .unwrap();
        let recent = |events: &[Event], station: &str| {
            events
                .iter()
                .filter_map(station_at)
                .filter(|(s, at)| *at >= from && s.as_deref() == Some(station))
                .count()
        };
        assert!(recent(&all, "A3") > 0, "A3 was scanned before silencing");
        let before = all.len();
        silence(&mut all, "A3");
        assert_eq!(recent(&all, "A3"), 0);
        assert!(recent(&all, "A1") > 0, "the others stay");
        assert!(all.len() < before);
    }
}

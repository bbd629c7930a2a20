//! Aggregates kept up to date as events are written, so statistics cost the same at a
//! thousand scans and at ten million.
//!
//! A counter key is `exhibition ␟ period ␟ metric ␟ dimension ␟ value` (␟ is U+001F), where
//! period is `all` or a local date, and its value a big-endian u64. Daily unique visitors are
//! counted through a set of `exhibition ␟ day ␟ dimension ␟ value ␟ visitor` keys: the first
//! time a key is added, the matching `visitors` counters go up by one.

use std::collections::BTreeMap;

use super::{Event, Via, Visit};

pub(super) const SEP: char = '\u{1f}';
pub const ALL: &str = "all";

/// What is counted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Metric {
    /// Landing views through a printed code (not bots).
    Scans,
    /// Landing views reached by browsing between docent pages (not bots).
    Browses,
    /// Article opens (not bots).
    Opens,
    /// Daily unique visitors among scans, browses and opens (not bots).
    Visitors,
    /// Views and opens by bots, link previews and prefetches.
    Bots,
    /// Scans of codes the catalog does not know.
    Unknown,
}

impl Metric {
    pub const ALL: [Metric; 6] = [
        Metric::Scans,
        Metric::Browses,
        Metric::Opens,
        Metric::Visitors,
        Metric::Bots,
        Metric::Unknown,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Metric::Scans => "scans",
            Metric::Browses => "browses",
            Metric::Opens => "opens",
            Metric::Visitors => "visitors",
            Metric::Bots => "bots",
            Metric::Unknown => "unknown",
        }
    }

    fn parse(s: &str) -> Option<Metric> {
        Metric::ALL.into_iter().find(|m| m.name() == s)
    }
}

/// One counter as read back.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Counter {
    pub period: String,
    pub metric: Metric,
    /// `total`, `story`, `station`, `phase`, `hour`, `device`, `app`, `lang`, or `day` (in
    /// the all-time period only).
    pub dimension: String,
    pub value: String,
    pub count: u64,
}

pub(super) fn counter_key(
    exhibition: &str,
    period: &str,
    metric: Metric,
    dimension: &str,
    value: &str,
) -> Vec<u8> {
    format!(
        "{exhibition}{SEP}{period}{SEP}{}{SEP}{dimension}{SEP}{value}",
        metric.name()
    )
    .into_bytes()
}

/// `metric ␟ dimension ␟ value`, the part of a counter key after its prefix.
pub(super) fn split_counter(rest: &[u8]) -> Option<(Metric, &str, &str)> {
    let mut parts = std::str::from_utf8(rest).ok()?.splitn(3, SEP);
    let (metric, dimension, value) = (parts.next()?, parts.next()?, parts.next()?);
    Some((Metric::parse(metric)?, dimension, value))
}

pub(super) fn prefix(exhibition: &str, period: &str) -> Vec<u8> {
    format!("{exhibition}{SEP}{period}{SEP}").into_bytes()
}

/// The counter increments and unique-visitor candidates of a batch of events.
#[derive(Default)]
pub(super) struct Tally {
    pub counts: BTreeMap<Vec<u8>, u64>,
    /// Set key -> counter keys to bump when the set key is new.
    pub uniques: BTreeMap<Vec<u8>, Vec<Vec<u8>>>,
}

impl Tally {
    pub fn add(&mut self, event: &Event) {
        match event {
            Event::Scan(v) => self.visit(
                v,
                if v.via == Via::Qr {
                    Metric::Scans
                } else {
                    Metric::Browses
                },
            ),
            Event::Open(v) => self.visit(v, Metric::Opens),
            Event::Unknown(u) => {
                for period in [ALL.to_string(), u.day.to_string()] {
                    let metric = if u.bot { Metric::Bots } else { Metric::Unknown };
                    self.bump(counter_key("", &period, metric, "total", ""));
                }
            }
        }
    }

    fn visit(&mut self, v: &Visit, metric: Metric) {
        let day = v.day.to_string();
        if v.bot {
            for period in [ALL, day.as_str()] {
                self.bump(counter_key(
                    &v.exhibition,
                    period,
                    Metric::Bots,
                    "total",
                    "",
                ));
            }
            return;
        }
        // Days are a dimension of the all-time period only: one read gives the daily series.
        self.bump(counter_key(&v.exhibition, ALL, metric, "day", &day));
        if !v.visitor.is_empty() {
            let set_key = format!(
                "{}{SEP}{day}{SEP}day{SEP}{day}{SEP}{}",
                v.exhibition, v.visitor
            );
            let target = counter_key(&v.exhibition, ALL, Metric::Visitors, "day", &day);
            self.uniques
                .entry(set_key.into_bytes())
                .or_insert_with(|| vec![target]);
        }
        for (dimension, value) in dimensions(v) {
            for period in [ALL, day.as_str()] {
                self.bump(counter_key(
                    &v.exhibition,
                    period,
                    metric,
                    dimension,
                    &value,
                ));
            }
            if v.visitor.is_empty() {
                continue;
            }
            let set_key = format!(
                "{}{SEP}{day}{SEP}{dimension}{SEP}{value}{SEP}{}",
                v.exhibition, v.visitor
            )
            .into_bytes();
            let targets = [ALL, day.as_str()]
                .map(|period| {
                    counter_key(&v.exhibition, period, Metric::Visitors, dimension, &value)
                })
                .to_vec();
            self.uniques.entry(set_key).or_insert(targets);
        }
    }

    fn bump(&mut self, key: Vec<u8>) {
        *self.counts.entry(key).or_insert(0) += 1;
    }
}

/// The dimensions a visit is counted under.
fn dimensions(v: &Visit) -> Vec<(&'static str, String)> {
    let mut dims = vec![
        ("total", String::new()),
        ("story", v.story.clone()),
        ("phase", v.phase.clone()),
        ("hour", format!("{:02}", v.hour)),
        ("device", enum_name(&v.device)),
        ("app", enum_name(&v.in_app)),
        ("lang", v.lang.as_str().to_string()),
    ];
    if let Some(station) = &v.station {
        dims.push(("station", station.clone()));
    }
    dims
}

/// A serde enum's lower-case name, as stored in events.
pub fn enum_name<T: serde::Serialize>(value: &T) -> String {
    serde_json::to_value(value)
        .ok()
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_default()
}

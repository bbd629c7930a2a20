//! What organizers see: totals and breakdowns of an exhibition's scans, visitors and opens,
//! computed from the store's aggregates (never from the events themselves), so the cost does
//! not grow with traffic. Charts are in `charts`.

pub mod charts;

use std::collections::HashMap;

use jiff::civil::Date;
use serde::Serialize;

use crate::catalog::{Exhibition, Lang};
use crate::store::{Dimension, Metric, Period, Store, StoreError};

/// Scans, views, opens and daily unique visitors for one group (a story, a day, ...).
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Figures {
    /// Landing views through a printed code.
    pub scans: u64,
    /// Landing views reached by browsing from another docent page.
    pub browses: u64,
    /// Daily unique visitors, summed over days.
    pub visitors: u64,
    /// Article opens.
    pub opens: u64,
    /// Landing views through a link forwarded in WeChat (`from=singlemessage`, ...): people
    /// reading at a distance, not in front of the wall; in no other figure.
    pub shares: u64,
    /// Opens per landing view (scans and browses), 0 when there were none.
    pub open_rate: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Row {
    pub key: String,
    pub label: String,
    #[serde(flatten)]
    pub figures: Figures,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Stats {
    pub exhibition: String,
    /// The date range, inclusive, in the exhibition's time zone; `None` for all time.
    pub from: Option<Date>,
    pub to: Option<Date>,
    pub totals: Figures,
    /// Views and opens by bots, link previews and prefetches: excluded from every other figure.
    pub bots: u64,
    /// Views and opens by staff (staff networks, a logged-in organizer's browser), not bots:
    /// excluded from every other figure.
    pub staff: u64,
    /// Scans of codes no exhibition knows (server-wide, same range).
    pub unknown_codes: u64,
    pub by_story: Vec<Row>,
    pub by_station: Vec<Row>,
    pub by_phase: Vec<Row>,
    pub by_day: Vec<Row>,
    pub by_hour: Vec<Row>,
    pub by_device: Vec<Row>,
    pub by_app: Vec<Row>,
    pub by_lang: Vec<Row>,
    /// Article opens by the way they went: `campus` (publisher, from a campus network),
    /// `proxy` (the library's proxy), `oa` (a free copy), `publisher` (publisher, off campus
    /// or not known to be on it). Only `opens` and `visitors` are filled in these rows.
    pub by_route: Vec<Row>,
}

/// Sums counters by dimension and value, one slot per metric. Looked up by `&str`, so
/// reading a few hundred counters allocates little.
#[derive(Default)]
struct Sums(HashMap<Dimension, HashMap<String, [u64; Metric::ALL.len()]>>);

impl Sums {
    fn add(&mut self, metric: Metric, dimension: Dimension, value: &str, count: u64) {
        let values = self.0.entry(dimension).or_default();
        let slots = match values.get_mut(value) {
            Some(slots) => slots,
            None => values.entry(value.to_string()).or_default(),
        };
        slots[metric as usize] += count;
    }

    fn get(&self, dimension: Dimension, value: &str) -> [u64; Metric::ALL.len()] {
        self.0
            .get(&dimension)
            .and_then(|v| v.get(value))
            .copied()
            .unwrap_or_default()
    }

    fn figures(&self, dimension: Dimension, value: &str) -> Figures {
        let slots = self.get(dimension, value);
        let (scans, browses, opens) = (
            slots[Metric::Scans as usize],
            slots[Metric::Browses as usize],
            slots[Metric::Opens as usize],
        );
        let views = scans + browses;
        Figures {
            scans,
            browses,
            visitors: slots[Metric::Visitors as usize],
            opens,
            shares: slots[Metric::Shares as usize],
            open_rate: if views == 0 {
                0.0
            } else {
                opens as f64 / views as f64
            },
        }
    }

    fn values(&self, dimension: Dimension) -> Vec<String> {
        let mut values: Vec<String> = self
            .0
            .get(&dimension)
            .map(|v| v.keys().cloned().collect())
            .unwrap_or_default();
        values.sort();
        values
    }

    fn metric(&self, metric: Metric) -> u64 {
        self.0
            .values()
            .flat_map(|v| v.values())
            .map(|slots| slots[metric as usize])
            .sum()
    }

    /// Rows for a dimension: `known` (key, label) pairs first, in their order, then any other
    /// value seen (a story since removed from the catalog, say).
    fn rows(&self, dimension: Dimension, known: Vec<(String, String)>) -> Vec<Row> {
        let mut rows: Vec<Row> = known
            .iter()
            .map(|(key, label)| Row {
                key: key.clone(),
                label: label.clone(),
                figures: self.figures(dimension, key),
            })
            .collect();
        for value in self.values(dimension) {
            if !known.iter().any(|(k, _)| *k == value) {
                let figures = self.figures(dimension, &value);
                rows.push(Row {
                    key: value.clone(),
                    label: value,
                    figures,
                });
            }
        }
        rows
    }
}

/// Statistics of an exhibition, for all time or for the days `from..=to`.
pub fn compute(
    store: &Store,
    e: &Exhibition,
    range: Option<(Date, Date)>,
) -> Result<Stats, StoreError> {
    let mut sums = Sums::default();
    let mut days = Sums::default();
    match range {
        None => {
            store.for_each_counter(&e.id, Period::All, |metric, dimension, value, count| {
                let target = if dimension == Dimension::Day {
                    &mut days
                } else {
                    &mut sums
                };
                target.add(metric, dimension, value, count);
            });
        }
        Some((from, to)) => {
            for day in days_between(from, to) {
                let period = Period::Day(day);
                let text = day.to_string();
                store.for_each_counter(&e.id, period, |metric, dimension, value, count| {
                    if dimension == Dimension::Total {
                        days.add(metric, Dimension::Day, &text, count);
                    }
                    sums.add(metric, dimension, value, count);
                });
            }
        }
    }
    let unknown_codes = store
        .unknown_codes(range)
        .into_iter()
        .map(|(_, _, count)| count)
        .sum();
    let label = |t: &crate::catalog::Text| t.get(Lang::En).to_string();
    let day_keys = match range {
        Some((from, to)) => days_between(from, to),
        // From the opening (or the first scan, if earlier) to the last day with data.
        None => {
            let seen: Vec<Date> = days
                .values(Dimension::Day)
                .iter()
                .filter_map(|d| d.parse().ok())
                .collect();
            match (seen.iter().min(), seen.iter().max()) {
                (Some(first), Some(last)) => days_between((*first).min(e.opens), *last),
                _ => vec![],
            }
        }
    };
    Ok(Stats {
        exhibition: e.id.clone(),
        from: range.map(|r| r.0),
        to: range.map(|r| r.1),
        totals: sums.figures(Dimension::Total, ""),
        bots: sums.metric(Metric::Bots),
        staff: sums.metric(Metric::Staff),
        unknown_codes,
        by_story: most_first(
            sums.rows(
                Dimension::Story,
                e.stories
                    .iter()
                    .map(|s| (s.id.clone(), label(&s.title)))
                    .collect(),
            ),
        ),
        by_station: sums.rows(
            Dimension::Station,
            e.stations
                .iter()
                .map(|s| (s.id.clone(), format!("{} · {}", s.id, label(&s.place))))
                .collect(),
        ),
        by_phase: sums.rows(
            Dimension::Phase,
            e.phases
                .iter()
                .map(|p| (p.id.clone(), label(&p.name)))
                .collect(),
        ),
        by_day: days.rows(
            Dimension::Day,
            day_keys
                .into_iter()
                .map(|d| (d.to_string(), d.to_string()))
                .collect(),
        ),
        by_hour: sums.rows(
            Dimension::Hour,
            (0..24)
                .map(|h| (format!("{h:02}"), format!("{h:02}:00")))
                .collect(),
        ),
        by_device: sums.rows(
            Dimension::Device,
            known(&["phone", "tablet", "desktop", "other"]),
        ),
        by_app: sums.rows(
            Dimension::App,
            known(&["none", "wechat", "qq", "weibo", "alipay", "dingtalk"]),
        ),
        by_lang: sums.rows(Dimension::Lang, known(&["zh", "en"])),
        by_route: sums.rows(
            Dimension::Route,
            crate::access::Route::ALL
                .iter()
                .map(|r| (r.as_str().to_string(), route_label(*r).to_string()))
                .collect(),
        ),
    })
}

/// What the dashboard calls each route.
fn route_label(r: crate::access::Route) -> &'static str {
    use crate::access::Route;
    match r {
        Route::Campus => "campus network (publisher)",
        Route::Proxy => "library proxy",
        Route::Oa => "free copy",
        Route::Publisher => "publisher, off campus",
    }
}

/// Every date from `from` to `to`, inclusive; at most ten years of them.
fn days_between(from: Date, to: Date) -> Vec<Date> {
    let mut days = Vec::new();
    let mut day = from;
    while day <= to && days.len() < 3660 {
        days.push(day);
        day = match day.tomorrow() {
            Ok(d) => d,
            Err(_) => break,
        };
    }
    days
}

/// Rows with the most scans first, so the stories that drew people lead.
fn most_first(mut rows: Vec<Row>) -> Vec<Row> {
    rows.sort_by(|a, b| {
        (b.figures.scans + b.figures.browses).cmp(&(a.figures.scans + a.figures.browses))
    });
    rows
}

fn known(keys: &[&str]) -> Vec<(String, String)> {
    keys.iter()
        .map(|k| (k.to_string(), k.to_string()))
        .collect()
}

//! What organizers see: totals and breakdowns of an exhibition's scans, visitors and opens,
//! computed from the store's aggregates (never from the events themselves), so the cost does
//! not grow with traffic. Rows carry their keys as values (`keys`): a day is a date, an app an
//! `InApp`, until JSON turns them into text. Charts are in `charts`.

pub mod charts;
pub mod funnel;
pub mod keys;
pub mod polls;
pub mod small;

use std::borrow::Cow;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::hash::Hash;

use jiff::civil::Date;
use serde::Serialize;

pub use self::keys::{Every, Hour, Key, Named};
pub use self::polls::{OptionResult, PollResult};
use crate::access::Route;
use crate::catalog::{Exhibition, Lang};
use crate::store::{Group, Metric, Period, Store, StoreError};
use crate::visitor::{Device, InApp};

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
    /// Landing views (scans and browses) a real browser confirmed by fetching the page's
    /// own image, once per daily visitor, story and code.
    pub confirmed: u64,
    /// Confirmed viewers who reached the end of the story, once per daily visitor, story
    /// and code.
    pub read_to_end: u64,
    /// Read-throughs per confirmed view, 0 when there were none.
    pub read_rate: f64,
    /// One-tap reactions by reaction id (each of the exhibition's, 0 when none), once per
    /// daily visitor, story and reaction.
    pub reactions: BTreeMap<String, u64>,
    /// Citations downloaded (`/cite/{code}.ris|.bib`).
    pub citations: u64,
    /// Viewers who played the story's recording, once per daily visitor, story and code.
    pub listens: u64,
}

impl Figures {
    /// Every reaction counted, whatever its id.
    pub fn reactions_total(&self) -> u64 {
        self.reactions.values().sum()
    }

    /// The reactions with id `id`.
    pub fn reaction(&self, id: &str) -> u64 {
        self.reactions.get(id).copied().unwrap_or(0)
    }

    /// Landing views, raw: scans and browses.
    pub fn views(&self) -> u64 {
        self.scans + self.browses
    }
}

/// One group's figures: a story, a day, an in-app browser ... as a typed key. The key's text
/// form appears only in JSON: `key` (the name scripts use) and `label` (in English).
#[derive(Debug, Clone, PartialEq)]
pub struct Row<K> {
    pub key: K,
    pub figures: Figures,
}

impl<K: Key> Row<K> {
    /// What the row is called in `lang`.
    pub fn label(&self, lang: Lang) -> Cow<'_, str> {
        self.key.label(lang)
    }
}

impl<K: Key> Serialize for Row<K> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        #[derive(Serialize)]
        struct Json<'a> {
            key: Cow<'a, str>,
            label: Cow<'a, str>,
            #[serde(flatten)]
            figures: &'a Figures,
        }
        Json {
            key: self.key.key(),
            label: self.key.label(Lang::EN),
            figures: &self.figures,
        }
        .serialize(serializer)
    }
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
    pub by_story: Vec<Row<Named>>,
    pub by_station: Vec<Row<Named>>,
    pub by_phase: Vec<Row<Named>>,
    pub by_day: Vec<Row<Date>>,
    pub by_hour: Vec<Row<Hour>>,
    pub by_device: Vec<Row<Device>>,
    pub by_app: Vec<Row<InApp>>,
    pub by_lang: Vec<Row<Lang>>,
    /// Article opens by the way they went: `campus` (publisher, from a campus network),
    /// `proxy` (the library's proxy), `oa` (a free copy), `publisher` (publisher, off campus
    /// or not known to be on it). Only `opens` and `visitors` are filled in these rows.
    pub by_route: Vec<Row<Route>>,
    /// The exhibition's polls with their answers.
    pub polls: Vec<PollResult>,
}

/// One slot per metric.
type Slots = [u64; Metric::ALL.len()];

/// The counters of one group: one slot per metric, and the reactions by id.
#[derive(Clone, Default)]
struct Sum {
    slots: Slots,
    reactions: BTreeMap<String, u64>,
}

fn figures(sum: &Sum) -> Figures {
    let slots = sum.slots;
    let (scans, browses, opens) = (
        slots[Metric::Scans as usize],
        slots[Metric::Browses as usize],
        slots[Metric::Opens as usize],
    );
    let views = scans + browses;
    let (confirmed, read_to_end) = (
        slots[Metric::Confirmed as usize],
        slots[Metric::ReadToEnd as usize],
    );
    Figures {
        confirmed,
        read_to_end,
        read_rate: if confirmed == 0 {
            0.0
        } else {
            read_to_end as f64 / confirmed as f64
        },
        reactions: sum.reactions.clone(),
        citations: slots[Metric::Citations as usize],
        listens: slots[Metric::Listens as usize],
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

/// The counters of one dimension, summed by value.
struct Tally<K>(HashMap<K, Sum>);

impl<K> Default for Tally<K> {
    fn default() -> Self {
        Tally(HashMap::new())
    }
}

impl<K: Eq + Hash> Tally<K> {
    fn add(&mut self, key: K, metric: Metric, count: u64) {
        self.0.entry(key).or_default().slots[metric as usize] += count;
    }

    fn add_reaction(&mut self, key: K, reaction: &str, count: u64) {
        *self
            .0
            .entry(key)
            .or_default()
            .reactions
            .entry(reaction.to_string())
            .or_default() += count;
    }

    fn figures(&self, key: &K) -> Figures {
        self.0.get(key).map(figures).unwrap_or_default()
    }
}

impl<K: Eq + Hash + Ord> Tally<K> {
    /// Rows: `known` keys first, in their order, then any other value seen (a story since
    /// removed from the catalog, say), in order.
    fn rows<R>(&self, known: Vec<R>, id: fn(&R) -> &K, other: fn(&K) -> R) -> Vec<Row<R>> {
        let listed: HashSet<&K> = known.iter().map(id).collect();
        let mut rest: Vec<&K> = self.0.keys().filter(|k| !listed.contains(k)).collect();
        rest.sort();
        let rest: Vec<Row<R>> = rest
            .into_iter()
            .map(|k| Row {
                key: other(k),
                figures: figures(&self.0[k]),
            })
            .collect();
        known
            .into_iter()
            .map(|key| Row {
                figures: self.figures(id(&key)),
                key,
            })
            .chain(rest)
            .collect()
    }
}

impl<K: Every + Copy + Eq + Hash> Tally<K> {
    /// A row for every value of the key, in its order (`ALL` has them all).
    fn every(&self) -> Vec<Row<K>> {
        K::ALL
            .iter()
            .map(|key| Row {
                key: *key,
                figures: self.figures(key),
            })
            .collect()
    }
}

impl Tally<String> {
    /// Adds by name without allocating when the name was seen before.
    fn add_name(&mut self, name: &str, metric: Metric, count: u64) {
        match self.0.get_mut(name) {
            Some(sum) => sum.slots[metric as usize] += count,
            None => self.add(name.to_string(), metric, count),
        }
    }

    fn named(&self, known: Vec<Named>) -> Vec<Row<Named>> {
        self.rows(known, |n| &n.id, |id| Named::removed(id))
    }
}

/// The store's counters, summed by dimension and value.
#[derive(Default)]
struct Sums {
    total: Sum,
    story: Tally<String>,
    station: Tally<String>,
    phase: Tally<String>,
    day: Tally<Date>,
    hour: Tally<Hour>,
    device: Tally<Device>,
    app: Tally<InApp>,
    lang: Tally<Lang>,
    route: Tally<Route>,
    /// Poll answers by poll and option; visitors who answered by poll.
    answers: BTreeMap<(String, String), u64>,
    answered: BTreeMap<String, u64>,
}

impl Sums {
    fn add(&mut self, metric: Metric, group: Group<'_>, count: u64) {
        match group {
            Group::Total => self.total.slots[metric as usize] += count,
            Group::Poll(poll) => {
                if metric == Metric::Answerers {
                    *self.answered.entry(poll.to_string()).or_default() += count;
                }
            }
            Group::Story(name) => self.story.add_name(name, metric, count),
            Group::Station(name) => self.station.add_name(name, metric, count),
            Group::Phase(name) => self.phase.add_name(name, metric, count),
            Group::Day(day) => self.day.add(day, metric, count),
            Group::Hour(h) => {
                if let Some(hour) = Hour::new(h) {
                    self.hour.add(hour, metric, count);
                }
            }
            Group::Device(d) => self.device.add(d, metric, count),
            Group::App(a) => self.app.add(a, metric, count),
            Group::Lang(l) => self.lang.add(l, metric, count),
            Group::Route(r) => self.route.add(r, metric, count),
        }
    }

    /// A counter with a detail: a reaction by id, or a poll answer by option.
    fn add_detail(&mut self, metric: Metric, group: Group<'_>, detail: &str, count: u64) {
        match (metric, group) {
            (Metric::Answers, Group::Poll(poll)) => {
                *self
                    .answers
                    .entry((poll.to_string(), detail.to_string()))
                    .or_default() += count;
            }
            (Metric::Reactions, group) => self.add_reaction(group, detail, count),
            _ => {}
        }
    }

    fn add_reaction(&mut self, group: Group<'_>, id: &str, count: u64) {
        match group {
            Group::Total => *self.total.reactions.entry(id.to_string()).or_default() += count,
            Group::Story(name) => self.story.add_reaction(name.to_string(), id, count),
            Group::Station(name) => self.station.add_reaction(name.to_string(), id, count),
            Group::Phase(name) => self.phase.add_reaction(name.to_string(), id, count),
            Group::Day(day) => self.day.add_reaction(day, id, count),
            Group::Hour(h) => {
                if let Some(hour) = Hour::new(h) {
                    self.hour.add_reaction(hour, id, count);
                }
            }
            Group::Device(d) => self.device.add_reaction(d, id, count),
            Group::App(a) => self.app.add_reaction(a, id, count),
            Group::Lang(l) => self.lang.add_reaction(l, id, count),
            Group::Route(r) => self.route.add_reaction(r, id, count),
            Group::Poll(_) => {}
        }
    }
}

/// Statistics of an exhibition, for all time or for the days `from..=to`.
pub fn compute(
    store: &Store,
    e: &Exhibition,
    range: Option<(Date, Date)>,
) -> Result<Stats, StoreError> {
    let mut sums = Sums::default();
    match range {
        // The all-time period has its own counters by day.
        None => {
            store.for_each_counter(&e.id, Period::All, |metric, group, count| {
                sums.add(metric, group, count);
            });
            store.for_each_detail(&e.id, Period::All, |metric, group, detail, count| {
                sums.add_detail(metric, group, detail, count);
            });
        }
        Some((from, to)) => {
            for day in days_between(from, to) {
                store.for_each_counter(&e.id, Period::Day(day), |metric, group, count| {
                    if group == Group::Total {
                        sums.day.add(day, metric, count);
                    }
                    sums.add(metric, group, count);
                });
                store.for_each_detail(&e.id, Period::Day(day), |metric, group, detail, count| {
                    if group == Group::Total && metric == Metric::Reactions {
                        sums.day.add_reaction(day, detail, count);
                    }
                    sums.add_detail(metric, group, detail, count);
                });
            }
        }
    }
    let unknown_codes = store
        .unknown_codes(range)
        .into_iter()
        .map(|(_, _, count)| count)
        .sum();
    let day_keys = match range {
        Some((from, to)) => days_between(from, to),
        // From the opening (or the first scan, if earlier) to the last day with data.
        None => match (sums.day.0.keys().min(), sums.day.0.keys().max()) {
            (Some(first), Some(last)) => days_between((*first).min(e.opens), *last),
            _ => vec![],
        },
    };
    let named = |id: &str, name: &crate::catalog::Text| Named::new(id, |l| name.get(l).into());
    let polls = polls::results(e, &sums.answers, &sums.answered);
    let mut stats = Stats {
        exhibition: e.id.clone(),
        from: range.map(|r| r.0),
        to: range.map(|r| r.1),
        totals: figures(&sums.total),
        bots: sums.total.slots[Metric::Bots as usize],
        staff: sums.total.slots[Metric::Staff as usize],
        unknown_codes,
        by_story: most_first(
            sums.story
                .named(e.stories.iter().map(|s| named(&s.id, &s.title)).collect()),
        ),
        by_station: sums.station.named(
            e.stations
                .iter()
                .map(|s| Named::new(&s.id, |l| format!("{} · {}", s.id, s.place.get(l))))
                .collect(),
        ),
        by_phase: sums
            .phase
            .named(e.phases.iter().map(|p| named(&p.id, &p.name)).collect()),
        by_day: sums.day.rows(day_keys, |d| d, |d| *d),
        by_hour: sums.hour.every(),
        by_device: sums.device.every(),
        by_app: sums.app.every(),
        by_lang: sums.lang.rows(e.languages.all().to_vec(), |l| l, |l| *l),
        by_route: sums.route.every(),
        polls,
    };
    stats.list_every_reaction(e);
    Ok(stats)
}

impl Stats {
    /// Every figure's `reactions` names each of the exhibition's reactions, 0 when none.
    fn list_every_reaction(&mut self, e: &Exhibition) {
        let fill = |f: &mut Figures| {
            for r in &e.reactions {
                f.reactions.entry(r.id.clone()).or_insert(0);
            }
        };
        fill(&mut self.totals);
        macro_rules! rows {
            ($($rows:ident),+) => {
                $(for row in &mut self.$rows {
                    fill(&mut row.figures);
                })+
            };
        }
        rows!(
            by_story, by_station, by_phase, by_day, by_hour, by_device, by_app, by_lang, by_route
        );
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
fn most_first<K>(mut rows: Vec<Row<K>>) -> Vec<Row<K>> {
    rows.sort_by(|a, b| {
        (b.figures.scans + b.figures.browses).cmp(&(a.figures.scans + a.figures.browses))
    });
    rows
}

#[cfg(test)]
mod tests;

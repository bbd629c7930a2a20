//! The figures, materialised in memory from the event log: counters by exhibition, period,
//! metric, dimension and value, and the sets that make daily unique visitors exact.
//! Longer than 500 lines for a reason: the counters, the visitor sets and the rules deciding
//! what a signal counts for are one materialisation, updated together per event.
//!
//!
//! What a landing page sends back (`Signal`s) is counted here too, with the visitor sets
//! deciding what counts: a confirmation, a read-through, a reaction or a poll answer only
//! after a view of that code by that visitor the same day (a view through a forwarded link is
//! a share, and does not count as one); a confirmation or a read-through once per visitor,
//! story and code; a reaction once per visitor, story and reaction; a poll answer once per
//! visitor and poll; each a day. Citations count every download. Bots and staff send back
//! nothing that counts.
//!
//! Views change only when a batch is durable (or when the log is replayed), so they never
//! count an event the log does not hold. A checkpoint stores the counters with the log
//! position they cover; a restart loads it and replays the tail. The visitor sets are not
//! checkpointed: they hold today's and yesterday's visitors only, so a restart rebuilds them
//! from the start of the oldest day they cover (`sets_from`), which gives the same sets.

use foldhash::{HashMap, HashSet, HashSetExt};

use jiff::civil::Date;
use serde::{Deserialize, Serialize};

use super::record::{self, Fact, NameId};
use super::{Kind, StoreError, Via};
use crate::access::Route;
use crate::catalog::Lang;
use crate::visitor::{Device, InApp};

/// What is counted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
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
    /// Landing views through a link forwarded in WeChat (not bots, not staff).
    Shares,
    /// Views and opens by staff (staff networks, a logged-in organizer's browser), not bots.
    Staff,
    /// Landing views a browser confirmed by fetching the page's own image.
    Confirmed,
    /// Visitors who reached the end of the story (the lazily loaded image after it).
    ReadToEnd,
    /// Citations downloaded.
    Citations,
    /// Reactions; each counter's detail is the reaction id.
    Reactions,
    /// Poll answers, by poll (`Dimension::Poll`) with the option as the detail.
    Answers,
    /// Visitors who answered a poll, by poll.
    Answerers,
    /// Visitors who played the story's recording.
    Listens,
}

impl Metric {
    // New metrics go at the end: checkpoints store them by number.
    pub const ALL: [Metric; 14] = [
        Metric::Scans,
        Metric::Browses,
        Metric::Opens,
        Metric::Visitors,
        Metric::Bots,
        Metric::Shares,
        Metric::Staff,
        Metric::Confirmed,
        Metric::ReadToEnd,
        Metric::Citations,
        Metric::Reactions,
        Metric::Answers,
        Metric::Answerers,
        Metric::Listens,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Metric::Scans => "scans",
            Metric::Browses => "browses",
            Metric::Opens => "opens",
            Metric::Visitors => "visitors",
            Metric::Bots => "bots",
            Metric::Shares => "shares",
            Metric::Staff => "staff",
            Metric::Confirmed => "confirmed",
            Metric::ReadToEnd => "read_to_end",
            Metric::Citations => "citations",
            Metric::Reactions => "reactions",
            Metric::Answers => "answers",
            Metric::Answerers => "answered",
            Metric::Listens => "listens",
        }
    }
}

/// What a counter is broken down by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum Dimension {
    Total,
    Story,
    Station,
    Phase,
    /// Local hour, `00` to `23`.
    Hour,
    Device,
    App,
    Lang,
    /// Local date; in the all-time period only.
    Day,
    /// The way an open went (campus, proxy, oa, publisher); opens only.
    Route,
    /// A poll, by name id; poll answers only.
    Poll,
}

impl Dimension {
    pub fn name(self) -> &'static str {
        match self {
            Dimension::Total => "total",
            Dimension::Story => "story",
            Dimension::Station => "station",
            Dimension::Phase => "phase",
            Dimension::Hour => "hour",
            Dimension::Device => "device",
            Dimension::App => "app",
            Dimension::Lang => "lang",
            Dimension::Day => "day",
            Dimension::Route => "route",
            Dimension::Poll => "poll",
        }
    }
}

/// What one counter read back counts, decoded: the total, a story, an hour, a device, ...
/// The statistics carry these values; they become text only in JSON and CSV.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Group<'a> {
    Total,
    Story(&'a str),
    Station(&'a str),
    Phase(&'a str),
    /// Local hour, 0 to 23.
    Hour(u8),
    Device(Device),
    App(InApp),
    Lang(Lang),
    /// Local date; in the all-time period only.
    Day(Date),
    Route(Route),
    /// A poll, by id.
    Poll(&'a str),
}

impl Group<'_> {
    pub fn dimension(self) -> Dimension {
        match self {
            Group::Total => Dimension::Total,
            Group::Story(_) => Dimension::Story,
            Group::Station(_) => Dimension::Station,
            Group::Phase(_) => Dimension::Phase,
            Group::Hour(_) => Dimension::Hour,
            Group::Device(_) => Dimension::Device,
            Group::App(_) => Dimension::App,
            Group::Lang(_) => Dimension::Lang,
            Group::Day(_) => Dimension::Day,
            Group::Route(_) => Dimension::Route,
            Group::Poll(_) => Dimension::Poll,
        }
    }
}

/// The time a counter covers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Period {
    All,
    /// One local day of the exhibition.
    Day(Date),
}

/// A counter's value: a name id, an hour, an enum's number or a day number, as `Dimension`
/// says.
type Value = u32;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
struct Slot {
    metric: Metric,
    dimension: Dimension,
    value: Value,
    /// A second key for the metrics that have one (a reaction id, a poll's option), by name
    /// id; 0 for none.
    detail: u32,
}

/// Exhibition id and day number (`None`: all time).
type Scope = (NameId, Option<i32>);

#[derive(Debug, Default)]
struct DaySet {
    /// The log position of the first event of this day, where a rebuild starts.
    first_seq: u64,
    seen: HashSet<u64>,
}

#[derive(Debug, Default)]
pub(super) struct Views {
    counters: HashMap<Scope, HashMap<Slot, u64>>,
    sets: HashMap<(NameId, i32), DaySet>,
    /// The newest local day seen in any exhibition (day number). One day for all, so an
    /// exhibition that stops getting scans does not keep old sets (and a long replay) alive.
    newest: Option<i32>,
    /// Scopes changed since the last checkpoint.
    dirty: HashSet<Scope>,
    /// The log position covered: every event before it is counted.
    pub position: u64,
}

/// A checkpoint's head: the position its counters cover. Counters are stored per scope
/// (exhibition and day, or all time), and only the scopes changed since the last checkpoint
/// are written again, with the head, in one atomic batch: a busy day rewrites a few
/// kilobytes every few seconds, not every figure since the opening.
#[derive(Serialize, Deserialize)]
struct Head {
    position: u64,
    sets_from: u64,
    newest: Option<i32>,
}

/// Checkpoint format; a checkpoint of another version is ignored (the log is replayed).
/// Version 2 counts opens by route: a version-1 checkpoint lacks those counters, so the log
/// is replayed once to fill them in. Version 3 gave counters a detail (reactions, polls).
const CHECKPOINT_VERSION: u8 = 3;

/// What `Views::checkpoint` hands the store to write.
pub(super) struct CheckpointParts {
    pub head: Vec<u8>,
    /// Changed scopes: key and counters.
    pub scopes: Vec<([u8; 9], Vec<u8>)>,
}

impl Views {
    /// Counts one event at log position `seq`.
    pub fn count(&mut self, seq: u64, f: &Fact) {
        if is_signal(f.kind) {
            self.signal(seq, f, true);
            return;
        }
        let day = record::day_number(f.day);
        // Bots, then staff, are counted once each and nowhere else.
        let apart = if f.bot {
            Some(Metric::Bots)
        } else if f.staff {
            Some(Metric::Staff)
        } else {
            None
        };
        if let Some(metric) = apart {
            self.dirty.insert((f.exhibition, None));
            self.dirty.insert((f.exhibition, Some(day)));
            self.bump((f.exhibition, None), metric, Dimension::Total, 0);
            self.bump((f.exhibition, Some(day)), metric, Dimension::Total, 0);
            return;
        }
        let metric = match (f.kind, f.via) {
            (Kind::Open, _) => Metric::Opens,
            (Kind::Scan, _) if f.share.is_some() => Metric::Shares,
            (Kind::Scan, Via::Qr) => Metric::Scans,
            (Kind::Scan, Via::Browse) => Metric::Browses,
            // Signals were counted by `signal` above.
            _ => return,
        };
        let all = (f.exhibition, None);
        let today = (f.exhibition, Some(day));
        self.dirty.insert(all);
        self.dirty.insert(today);
        self.bump(all, metric, Dimension::Day, day as u32);
        // Someone reading a forwarded link is not a visitor in front of the wall.
        let tracked = metric != Metric::Shares
            && !f.visitor.is_none()
            && self.track_day(f.exhibition, day, seq);
        if tracked && self.first_visit(f, day, Dimension::Day, day as u32) {
            self.bump(all, Metric::Visitors, Dimension::Day, day as u32);
        }
        if tracked && f.kind == Kind::Scan {
            self.mark(f, day, key(VIEWED, f.code.0, 0));
        }
        for (dimension, value) in dimensions(f) {
            self.bump(all, metric, dimension, value);
            self.bump(today, metric, dimension, value);
            if tracked && self.first_visit(f, day, dimension, value) {
                self.bump(all, Metric::Visitors, dimension, value);
                self.bump(today, Metric::Visitors, dimension, value);
            }
        }
    }

    /// Adds an event to the visitor sets only: a rebuild of the sets below the checkpoint.
    pub fn remember(&mut self, seq: u64, f: &Fact) {
        if is_signal(f.kind) {
            self.signal(seq, f, false);
            return;
        }
        if f.bot || f.staff || f.share.is_some() || f.visitor.is_none() {
            return;
        }
        let day = record::day_number(f.day);
        if self.track_day(f.exhibition, day, seq) {
            self.first_visit(f, day, Dimension::Day, day as u32);
            for (dimension, value) in dimensions(f) {
                self.first_visit(f, day, dimension, value);
            }
            if f.kind == Kind::Scan {
                self.mark(f, day, key(VIEWED, f.code.0, 0));
            }
        }
    }

    /// A signal: counted (`counting`), or only remembered in the visitor sets (a rebuild
    /// below the checkpoint), by the same rules. Bots and staff count nothing; a citation
    /// counts every download; the others count once per visitor and day as the module says,
    /// and only while their day's visitors are tracked (not for a clock set back).
    fn signal(&mut self, seq: u64, f: &Fact, counting: bool) {
        if f.bot || f.staff {
            return;
        }
        let day = record::day_number(f.day);
        let (all, today) = ((f.exhibition, None), (f.exhibition, Some(day)));
        if f.kind == Kind::Cite {
            if counting {
                self.bump_everywhere(f, Metric::Citations, 0);
            }
            return;
        }
        if f.visitor.is_none() || !self.track_day(f.exhibition, day, seq) {
            return;
        }
        let about = f.about.map_or(0, |n| n.0);
        let viewed = |views: &Views| views.has(f, day, key(VIEWED, f.code.0, 0));
        let (metric, first) = match f.kind {
            Kind::Confirm => (
                Metric::Confirmed,
                viewed(self) && self.mark(f, day, key(CONFIRMED, f.story.0, f.code.0)),
            ),
            Kind::Read => (
                Metric::ReadToEnd,
                viewed(self) && self.mark(f, day, key(READ, f.story.0, f.code.0)),
            ),
            Kind::React => (
                Metric::Reactions,
                about != 0 && viewed(self) && self.mark(f, day, key(REACTED, f.story.0, about)),
            ),
            Kind::Listen => (
                Metric::Listens,
                viewed(self) && self.mark(f, day, key(LISTENED, f.story.0, f.code.0)),
            ),
            Kind::Answer => (
                Metric::Answers,
                about != 0 && viewed(self) && self.mark(f, day, key(ANSWERED, about, 0)),
            ),
            Kind::Scan | Kind::Open | Kind::Cite => return,
        };
        if !(first && counting) {
            return;
        }
        match f.kind {
            Kind::Answer => {
                let option = f.choice.map_or(0, |n| n.0);
                for scope in [all, today] {
                    self.dirty.insert(scope);
                    self.bump_detail(scope, Metric::Answers, Dimension::Poll, about, option);
                    self.bump_detail(scope, Metric::Answerers, Dimension::Poll, about, 0);
                }
            }
            Kind::React => self.bump_everywhere(f, metric, about),
            _ => self.bump_everywhere(f, metric, 0),
        }
    }

    /// Counts `metric` (with `detail`) under every dimension of `f`, all time and its day.
    fn bump_everywhere(&mut self, f: &Fact, metric: Metric, detail: u32) {
        let day = record::day_number(f.day);
        let (all, today) = ((f.exhibition, None), (f.exhibition, Some(day)));
        self.dirty.insert(all);
        self.dirty.insert(today);
        self.bump_detail(all, metric, Dimension::Day, day as u32, detail);
        for (dimension, value) in dimensions(f) {
            self.bump_detail(all, metric, dimension, value, detail);
            self.bump_detail(today, metric, dimension, value, detail);
        }
    }

    /// Adds `key` to the visitor's set of the day; whether it was new.
    fn mark(&mut self, f: &Fact, day: i32, key: u64) -> bool {
        match self.sets.get_mut(&(f.exhibition, day)) {
            Some(set) => set.seen.insert(f.visitor.0 ^ key),
            None => false,
        }
    }

    /// Whether the visitor's set of the day holds `key`.
    fn has(&self, f: &Fact, day: i32, key: u64) -> bool {
        self.sets
            .get(&(f.exhibition, day))
            .is_some_and(|set| set.seen.contains(&(f.visitor.0 ^ key)))
    }

    /// Whether a day's visitors are still tracked (the newest day seen or the one before),
    /// moving the newest day on and dropping older sets as days pass. Events of older days
    /// (a clock set back) count as views, not as new visitors.
    fn track_day(&mut self, exhibition: NameId, day: i32, seq: u64) -> bool {
        let newest = *self.newest.get_or_insert(day);
        if day > newest {
            self.newest = Some(day);
            let cutoff = day_before(day);
            self.sets.retain(|(_, d), _| *d >= cutoff);
        } else if day < day_before(newest) {
            return false;
        }
        self.sets
            .entry((exhibition, day))
            .or_insert_with(|| DaySet {
                first_seq: seq,
                seen: HashSet::new(),
            });
        true
    }

    fn first_visit(&mut self, f: &Fact, day: i32, dimension: Dimension, value: Value) -> bool {
        let Some(set) = self.sets.get_mut(&(f.exhibition, day)) else {
            return false;
        };
        // The visitor id is a keyed hash already; mixing in the slot keeps one set per day.
        let slot = ((dimension as u64) << 32) | u64::from(value);
        set.seen.insert(f.visitor.0 ^ mix(slot))
    }

    fn bump(&mut self, scope: Scope, metric: Metric, dimension: Dimension, value: Value) {
        self.bump_detail(scope, metric, dimension, value, 0);
    }

    fn bump_detail(
        &mut self,
        scope: Scope,
        metric: Metric,
        dimension: Dimension,
        value: Value,
        detail: u32,
    ) {
        *self
            .counters
            .entry(scope)
            .or_default()
            .entry(Slot {
                metric,
                dimension,
                value,
                detail,
            })
            .or_insert(0) += 1;
    }

    /// Calls `f` for every counter of an exhibition in a period: metric, dimension, value,
    /// detail (0 for none) and count.
    pub fn each(
        &self,
        exhibition: NameId,
        period: Period,
        mut f: impl FnMut(Metric, Dimension, Value, u32, u64),
    ) {
        let scope = match period {
            Period::All => (exhibition, None),
            Period::Day(d) => (exhibition, Some(record::day_number(d))),
        };
        if let Some(slots) = self.counters.get(&scope) {
            for (slot, count) in slots {
                f(slot.metric, slot.dimension, slot.value, slot.detail, *count);
            }
        }
    }

    /// Where a rebuild of the visitor sets starts.
    pub fn sets_from(&self) -> u64 {
        self.sets
            .values()
            .map(|s| s.first_seq)
            .min()
            .unwrap_or(self.position)
    }

    /// The head and the changed scopes, encoded; `saved` clears the changes once written.
    pub fn checkpoint(&self) -> Result<CheckpointParts, StoreError> {
        let head = Head {
            position: self.position,
            sets_from: self.sets_from(),
            newest: self.newest,
        };
        let mut scopes = Vec::with_capacity(self.dirty.len());
        for scope in &self.dirty {
            let counters: Vec<(Slot, u64)> = self
                .counters
                .get(scope)
                .map(|slots| slots.iter().map(|(s, c)| (*s, *c)).collect())
                .unwrap_or_default();
            scopes.push((
                scope_key(*scope),
                postcard::to_extend(&counters, vec![CHECKPOINT_VERSION])?,
            ));
        }
        Ok(CheckpointParts {
            head: postcard::to_extend(&head, vec![CHECKPOINT_VERSION])?,
            scopes,
        })
    }

    pub fn saved(&mut self) {
        self.dirty.clear();
    }

    /// Views as a checkpoint left them, without visitor sets, and where their rebuild starts;
    /// `None` for a checkpoint of another format.
    pub fn from_checkpoint<'a>(
        head: &[u8],
        scopes: impl Iterator<Item = (&'a [u8], &'a [u8])>,
    ) -> Result<Option<(Views, u64)>, StoreError> {
        let Some((&CHECKPOINT_VERSION, body)) = head.split_first() else {
            return Ok(None);
        };
        let head: Head = postcard::from_bytes(body)?;
        let mut views = Views {
            position: head.position,
            newest: head.newest,
            ..Views::default()
        };
        for (key, value) in scopes {
            let Some((&CHECKPOINT_VERSION, body)) = value.split_first() else {
                return Ok(None);
            };
            let scope = scope_of_key(key).ok_or(StoreError::Corrupt("a checkpoint key"))?;
            let counters: Vec<(Slot, u64)> = postcard::from_bytes(body)?;
            views.counters.insert(scope, counters.into_iter().collect());
        }
        Ok(Some((views, head.sets_from.min(head.position))))
    }
}

/// The exhibition id, then 0 and zeros for all time or 1 and the day number.
fn scope_key((exhibition, day): Scope) -> [u8; 9] {
    let mut key = [0u8; 9];
    key[..4].copy_from_slice(&exhibition.0.to_be_bytes());
    key[4] = u8::from(day.is_some());
    key[5..].copy_from_slice(&day.unwrap_or(0).to_be_bytes());
    key
}

fn scope_of_key(key: &[u8]) -> Option<Scope> {
    let key: [u8; 9] = key.try_into().ok()?;
    let exhibition = NameId(u32::from_be_bytes(key[..4].try_into().ok()?));
    let day = i32::from_be_bytes(key[5..].try_into().ok()?);
    Some((exhibition, (key[4] == 1).then_some(day)))
}

fn day_before(day: i32) -> i32 {
    record::day_of_number(day)
        .and_then(|d| d.yesterday().ok())
        .map_or(day - 1, record::day_number)
}

fn is_signal(kind: Kind) -> bool {
    !matches!(kind, Kind::Scan | Kind::Open)
}

// What a signal's set entries stand for; apart from the slot numbers `first_visit` uses
// (a dimension's number is below 16).
const VIEWED: u64 = 0x51;
const CONFIRMED: u64 = 0x52;
const READ: u64 = 0x53;
const REACTED: u64 = 0x54;
const ANSWERED: u64 = 0x55;
const LISTENED: u64 = 0x56;

/// A set entry's key: what it stands for and up to two name ids, spread over 64 bits.
fn key(tag: u64, a: u32, b: u32) -> u64 {
    mix(mix((tag << 40) ^ u64::from(a)) ^ u64::from(b))
}

/// splitmix64's finaliser: spreads a slot number over 64 bits.
fn mix(mut x: u64) -> u64 {
    x = (x ^ (x >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    x = (x ^ (x >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    x ^ (x >> 31)
}

/// The dimensions an event is counted under, each with its value.
fn dimensions(f: &Fact) -> impl Iterator<Item = (Dimension, Value)> {
    [
        Some((Dimension::Total, 0)),
        Some((Dimension::Story, f.story.0)),
        Some((Dimension::Phase, f.phase.0)),
        Some((Dimension::Hour, f.hour.clamp(0, 23) as u32)),
        Some((Dimension::Device, u32::from(record::device_index(f.device)))),
        Some((Dimension::App, u32::from(record::app_index(f.app)))),
        Some((Dimension::Lang, u32::from(record::lang_index(f.lang)))),
        f.station.map(|s| (Dimension::Station, s.0)),
        f.route
            .map(|r| (Dimension::Route, u32::from(record::route_index(r)))),
    ]
    .into_iter()
    .flatten()
}

//! Everything sled: scans, opens, unknown-code scans, their aggregates, manual phase switches
//! and the daily salt.
//!
//! sled types never leave this module. Trees carry a version in their name so a later format
//! can live beside this one. Event keys are the event time in microseconds, big-endian, then a
//! unique id, so a range scan returns time order. Events are written in batches (`apply`),
//! each batch with its aggregate updates in one transaction and made durable by one flush;
//! `recorder` feeds it from the web handlers (group commit). Calls block.

mod aggregate;
mod recorder;

pub use aggregate::{ALL, Counter, Metric, enum_name};
pub use recorder::{BatchObserver, Recorder};

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Mutex, RwLock};

use sled::Transactional;
use sled::transaction::ConflictableTransactionError;

use jiff::Timestamp;
use jiff::civil::Date;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

use crate::catalog::{Lang, ShowState, Switch};
use crate::visitor::{Device, InApp};

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("store: {0}")]
    Sled(#[from] sled::Error),
    #[error("store: a record could not be read or written: {0}")]
    Codec(#[from] serde_json::Error),
    #[error("store: the operating system's random source failed: {0}")]
    Random(String),
    #[error("store: a transaction failed: {0}")]
    Transaction(String),
    #[error("store: the writer has stopped")]
    WriterGone,
    #[error("store: {0}")]
    Io(String),
    #[error("store: not confirmed durable in time; the event stays queued")]
    TimedOut,
}

pub type Result<T> = std::result::Result<T, StoreError>;

/// How the visitor reached the page.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Via {
    /// Scanned a printed code (or typed its URL).
    Qr,
    /// Followed a link from another docent page.
    Browse,
}

/// One landing-page view or one article open. No IP address, no user agent, no cookie.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Visit {
    pub at: Timestamp,
    /// The local date and hour in the exhibition's time zone, for daily and hourly figures.
    pub day: Date,
    pub hour: i8,
    pub code: String,
    pub exhibition: String,
    pub station: Option<String>,
    pub story: String,
    pub phase: String,
    pub state: ShowState,
    pub visitor: String,
    pub device: Device,
    pub in_app: InApp,
    pub lang: Lang,
    pub bot: bool,
    pub via: Via,
}

/// A scan of a code the catalog does not know, kept apart from real scans.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct UnknownScan {
    pub at: Timestamp,
    pub day: Date,
    /// What was asked for, cut short and limited to printable ASCII.
    pub code: String,
    pub bot: bool,
}

/// Something that happened, to be stored.
#[derive(Debug, Clone, PartialEq)]
pub enum Event {
    Scan(Visit),
    Open(Visit),
    Unknown(UnknownScan),
}

impl Event {
    fn at(&self) -> Timestamp {
        match self {
            Event::Scan(v) | Event::Open(v) => v.at,
            Event::Unknown(u) => u.at,
        }
    }
}

const SALT_KEY: &[u8] = b"daily-salt";

pub struct Store {
    db: sled::Db,
    scans: sled::Tree,
    opens: sled::Tree,
    unknown: sled::Tree,
    switches: sled::Tree,
    meta: sled::Tree,
    counters: sled::Tree,
    uniques: sled::Tree,
    /// Today's salt, so the hot path does not read sled for it.
    salt: Mutex<Option<(Date, [u8; 32])>>,
    /// A copy of the counters tree (thousands of keys, not millions), updated after each
    /// committed batch: statistics read it at the same cost whatever sled holds.
    counter_cache: RwLock<BTreeMap<Vec<u8>, u64>>,
    /// Visitor-day set keys known to be stored, so repeat visitors cost no sled read. Bounded:
    /// cleared when full (sled stays the authority).
    seen_sets: Mutex<std::collections::HashSet<Vec<u8>>>,
    batches: AtomicU64,
    /// Set keys of days before this one are gone.
    pruned_before: Mutex<Option<Date>>,
}

const SEEN_SETS_MAX: usize = 50_000;
/// Visitor-day keys removed at most per batch.
const PRUNE_STEP: usize = 2_000;
/// Batches between two compactions of the counter cache.
const COMPACT_EVERY: u64 = 128;

impl Store {
    /// Opens (or creates) the store in `dir`, with sled's page cache bounded to `cache_bytes`.
    pub fn open(dir: &Path, cache_bytes: u64) -> Result<Store> {
        let db = sled::Config::new()
            .path(dir)
            .cache_capacity(cache_bytes)
            // Durability comes from `apply`'s flush; this only bounds idle-time lag.
            .flush_every_ms(Some(1000))
            .open()?;
        let counters = db.open_tree("counters.v1")?;
        let cache = read_counters(&counters)?;
        Ok(Store {
            scans: db.open_tree("scans.v1")?,
            opens: db.open_tree("opens.v1")?,
            unknown: db.open_tree("unknown.v1")?,
            switches: db.open_tree("switches.v1")?,
            meta: db.open_tree("meta.v1")?,
            counters,
            uniques: db.open_tree("uniques.v1")?,
            salt: Mutex::new(None),
            counter_cache: RwLock::new(cache),
            seen_sets: Mutex::new(std::collections::HashSet::new()),
            batches: AtomicU64::new(0),
            pruned_before: Mutex::new(None),
            db,
        })
    }

    /// Writes a batch of events and their aggregates in one transaction, then makes it durable.
    pub fn apply(&self, events: &[Event]) -> Result<()> {
        let mut tally = aggregate::Tally::default();
        let mut rows = Vec::with_capacity(events.len());
        for event in events {
            tally.add(event);
            let key = event_key(event.at(), self.db.generate_id()?);
            let (tree, value) = match event {
                Event::Scan(v) => (0, serde_json::to_vec(v)?),
                Event::Open(v) => (1, serde_json::to_vec(v)?),
                Event::Unknown(u) => (2, serde_json::to_vec(u)?),
            };
            rows.push((tree, key, value));
        }
        let trees = (
            &self.scans,
            &self.opens,
            &self.unknown,
            &self.counters,
            &self.uniques,
        );
        self.prune_sets(events)?;
        // Visitor-day keys already known (most of them, on a busy day) need no sled read.
        let fresh_sets: Vec<&Vec<u8>> = {
            let seen = self.seen_sets.lock().unwrap_or_else(|e| e.into_inner());
            tally
                .uniques
                .keys()
                .filter(|k| !seen.contains(*k))
                .collect()
        };
        // The counters' new values, as the committed attempt wrote them. The writer is the only
        // one to change counters, so the in-memory copy holds their current values.
        let written: Mutex<Vec<(Vec<u8>, u64)>> = Mutex::new(Vec::new());
        trees
            .transaction(|(scans, opens, unknown, counters, uniques)| {
                for (tree, key, value) in &rows {
                    let tree = [scans, opens, unknown][*tree];
                    tree.insert(key.as_slice(), value.as_slice())?;
                }
                let mut counts = tally.counts.clone();
                for set_key in &fresh_sets {
                    if uniques.insert(set_key.as_slice(), &[])?.is_none() {
                        for target in &tally.uniques[*set_key] {
                            *counts.entry(target.clone()).or_insert(0) += 1;
                        }
                    }
                }
                let cache = self.counter_cache.read().unwrap_or_else(|e| e.into_inner());
                let mut new_values = Vec::with_capacity(counts.len());
                for (key, delta) in counts {
                    let value = cache.get(&key).copied().unwrap_or(0) + delta;
                    counters.insert(key.as_slice(), &value.to_be_bytes())?;
                    new_values.push((key, value));
                }
                *written.lock().unwrap_or_else(|e| e.into_inner()) = new_values;
                Ok::<_, ConflictableTransactionError<()>>(())
            })
            .map_err(|e| StoreError::Transaction(format!("{e:?}")))?;
        let mut cache = self
            .counter_cache
            .write()
            .unwrap_or_else(|e| e.into_inner());
        cache.extend(written.into_inner().unwrap_or_else(|e| e.into_inner()));
        // Keys created batch by batch end up scattered over the heap, and reading them gets
        // slower as the store grows; a fresh copy now and then keeps them together.
        if self.batches.fetch_add(1, Ordering::Relaxed) % COMPACT_EVERY == COMPACT_EVERY - 1 {
            *cache = cache.clone();
        }
        drop(cache);
        let mut seen = self.seen_sets.lock().unwrap_or_else(|e| e.into_inner());
        if seen.len() > SEEN_SETS_MAX {
            seen.clear();
        }
        seen.extend(fresh_sets.into_iter().cloned());
        drop(seen);
        self.db.flush()?;
        Ok(())
    }

    /// Drops the visitor-day set keys of days before yesterday: daily uniques only ever need
    /// today's (and yesterday's, for late events), and keeping old ones would grow the store
    /// and keep visitor ids around longer than needed.
    fn prune_sets(&self, events: &[Event]) -> Result<()> {
        let visits = || {
            events.iter().filter_map(|e| match e {
                Event::Scan(v) | Event::Open(v) => Some(v),
                Event::Unknown(_) => None,
            })
        };
        let Some(newest) = visits().map(|v| v.day).max() else {
            return Ok(());
        };
        let Ok(cutoff) = newest.yesterday() else {
            return Ok(());
        };
        let mut pruned = self.pruned_before.lock().unwrap_or_else(|e| e.into_inner());
        if pruned.is_some_and(|p| p >= cutoff) {
            return Ok(());
        }
        // A bounded step per batch, so a large backlog (an old store) never stalls the writer
        // or balloons memory; the next batches carry on until it is done.
        let mut removed = 0;
        let exhibitions: std::collections::BTreeSet<&str> =
            visits().map(|v| v.exhibition.as_str()).collect();
        for exhibition in exhibitions {
            let start = format!("{exhibition}{}", aggregate::SEP).into_bytes();
            let end = format!("{exhibition}{}{cutoff}", aggregate::SEP).into_bytes();
            let mut batch = sled::Batch::default();
            for key in self
                .uniques
                .range(start..end)
                .keys()
                .take(PRUNE_STEP - removed)
            {
                batch.remove(key?);
                removed += 1;
            }
            self.uniques.apply_batch(batch)?;
        }
        if removed < PRUNE_STEP {
            *pruned = Some(cutoff);
        }
        Ok(())
    }

    /// Convenience for one event (tests, tools): a batch of one.
    pub fn record(&self, event: Event) -> Result<()> {
        self.apply(&[event])
    }

    /// Every counter of an exhibition for a period (`ALL` or a date); `""` is the server-wide
    /// exhibition of unknown codes.
    pub fn counters(&self, exhibition: &str, period: &str) -> Result<Vec<Counter>> {
        let mut out = Vec::new();
        self.for_each_counter(exhibition, period, |metric, dimension, value, count| {
            out.push(Counter {
                period: period.to_string(),
                metric,
                dimension: dimension.to_string(),
                value: value.to_string(),
                count,
            });
        });
        Ok(out)
    }

    /// Calls `f(metric, dimension, value, count)` for each counter of an exhibition and
    /// period, from the in-memory copy, without allocating.
    pub fn for_each_counter(
        &self,
        exhibition: &str,
        period: &str,
        mut f: impl FnMut(Metric, &str, &str, u64),
    ) {
        let prefix = aggregate::prefix(exhibition, period);
        let cache = self.counter_cache.read().unwrap_or_else(|e| e.into_inner());
        for (key, count) in cache
            .range(prefix.clone()..)
            .take_while(|(k, _)| k.starts_with(&prefix))
        {
            if let Some((metric, dimension, value)) = aggregate::split_counter(&key[prefix.len()..])
            {
                f(metric, dimension, value, *count);
            }
        }
    }

    /// Scans of an exhibition between two instants, oldest first, read lazily.
    pub fn scans_between(
        &self,
        from: Timestamp,
        to: Timestamp,
    ) -> impl Iterator<Item = Result<Visit>> + use<> {
        typed_range(&self.scans, from, to)
    }

    pub fn opens_between(
        &self,
        from: Timestamp,
        to: Timestamp,
    ) -> impl Iterator<Item = Result<Visit>> + use<> {
        typed_range(&self.opens, from, to)
    }

    pub fn scans(&self) -> Result<Vec<Visit>> {
        read_all(&self.scans)
    }

    pub fn opens(&self) -> Result<Vec<Visit>> {
        read_all(&self.opens)
    }

    pub fn unknown_scans(&self) -> Result<Vec<UnknownScan>> {
        read_all(&self.unknown)
    }

    /// Stores a manual phase switch; it is flushed at once, as an organizer waits for it.
    pub fn record_switch(&self, switch: &Switch) -> Result<()> {
        let mut key = switch_prefix(&switch.exhibition);
        key.extend_from_slice(&event_key(switch.at, self.db.generate_id()?));
        self.switches.insert(key, serde_json::to_vec(switch)?)?;
        self.db.flush()?;
        Ok(())
    }

    /// Every manual switch of an exhibition, oldest first.
    pub fn switches(&self, exhibition: &str) -> Result<Vec<Switch>> {
        self.switches
            .scan_prefix(switch_prefix(exhibition))
            .values()
            .map(|v| Ok(serde_json::from_slice(&v?)?))
            .collect()
    }

    pub fn last_switch(&self, exhibition: &str) -> Result<Option<Switch>> {
        match self
            .switches
            .scan_prefix(switch_prefix(exhibition))
            .values()
            .next_back()
        {
            Some(v) => Ok(Some(serde_json::from_slice(&v?)?)),
            None => Ok(None),
        }
    }

    /// The secret salt for `day`. A new day's salt replaces the old one, which is then gone:
    /// visitor ids of different days cannot be linked.
    pub fn daily_salt(&self, day: Date) -> Result<[u8; 32]> {
        let mut cached = self.salt.lock().unwrap_or_else(|e| e.into_inner());
        if let Some((d, salt)) = *cached
            && d == day
        {
            return Ok(salt);
        }
        let stored = self.meta.get(SALT_KEY)?.and_then(|v| decode_salt(&v));
        let salt = match stored {
            Some((d, salt)) if d == day => salt,
            _ => {
                let mut salt = [0u8; 32];
                getrandom::fill(&mut salt).map_err(|e| StoreError::Random(e.to_string()))?;
                self.meta.insert(SALT_KEY, encode_salt(day, &salt))?;
                self.meta.flush()?;
                salt
            }
        };
        *cached = Some((day, salt));
        Ok(salt)
    }

    /// Makes every write so far durable. Called at shutdown: sled's own flush-on-drop does not
    /// always run when actix still holds a handle at exit.
    /// Writes every tree, key and value as JSON lines (base64), after a header line. Run it
    /// where no event write can interleave (the recorder does) for a consistent copy.
    pub fn export(&self, out: &mut impl std::io::Write) -> Result<u64> {
        use base64::Engine;
        let b64 = |b: &[u8]| base64::engine::general_purpose::STANDARD.encode(b);
        let io = |e: std::io::Error| StoreError::Io(e.to_string());
        writeln!(out, "{}", serde_json::json!({ "docent_backup": 1 })).map_err(io)?;
        let mut rows = 0;
        for name in self.db.tree_names() {
            // The daily salt never leaves the store: a backup must not link visitor ids to people.
            if name == "meta.v1" {
                continue;
            }
            let tree = self.db.open_tree(&name)?;
            for kv in tree.iter() {
                let (k, v) = kv?;
                let line = serde_json::json!({ "t": b64(&name), "k": b64(&k), "v": b64(&v) });
                writeln!(out, "{line}").map_err(io)?;
                rows += 1;
            }
        }
        out.flush().map_err(io)?;
        Ok(rows)
    }

    /// Loads an `export` into this store, which must hold no events yet: a restore never
    /// mixes with, or overwrites, data already stored.
    pub fn import(&self, input: impl std::io::BufRead) -> Result<u64> {
        use base64::Engine;
        let bad = |what: &str| StoreError::Io(format!("not a docent backup: {what}"));
        if !self.scans.is_empty() || !self.opens.is_empty() || !self.counters.is_empty() {
            return Err(StoreError::Io(
                "the data folder already holds scans: restore into an empty one".into(),
            ));
        }
        let mut lines = input.lines();
        let header = lines
            .next()
            .ok_or_else(|| bad("empty file"))?
            .map_err(|e| StoreError::Io(e.to_string()))?;
        if !header.contains("\"docent_backup\":1") {
            return Err(bad("no header line"));
        }
        let mut rows = 0;
        for line in lines {
            let line = line.map_err(|e| StoreError::Io(e.to_string()))?;
            let row: serde_json::Value = serde_json::from_str(&line)?;
            let field = |name: &str| {
                row[name]
                    .as_str()
                    .and_then(|s| base64::engine::general_purpose::STANDARD.decode(s).ok())
                    .ok_or_else(|| bad(&format!("line {} has no `{name}`", rows + 2)))
            };
            let tree = self.db.open_tree(field("t")?)?;
            tree.insert(field("k")?, field("v")?)?;
            rows += 1;
        }
        self.db.flush()?;
        *self.salt.lock().unwrap_or_else(|e| e.into_inner()) = None;
        *self
            .counter_cache
            .write()
            .unwrap_or_else(|e| e.into_inner()) = read_counters(&self.counters)?;
        Ok(rows)
    }

    /// Whether the store answers a read.
    pub fn check(&self) -> Result<()> {
        self.meta.get(SALT_KEY)?;
        Ok(())
    }

    pub fn flush(&self) -> Result<()> {
        self.db.flush()?;
        Ok(())
    }
}

fn read_all<T: DeserializeOwned>(tree: &sled::Tree) -> Result<Vec<T>> {
    tree.iter()
        .values()
        .map(|v| Ok(serde_json::from_slice(&v?)?))
        .collect()
}

fn typed_range<T: DeserializeOwned>(
    tree: &sled::Tree,
    from: Timestamp,
    to: Timestamp,
) -> impl Iterator<Item = Result<T>> + use<T> {
    tree.range(event_key(from, 0)..event_key(to, 0))
        .values()
        .map(|v| Ok(serde_json::from_slice(&v?)?))
}

fn read_counters(tree: &sled::Tree) -> Result<BTreeMap<Vec<u8>, u64>> {
    tree.iter()
        .map(|kv| {
            let (k, v) = kv?;
            Ok((k.to_vec(), decode_u64(&v)))
        })
        .collect()
}

fn decode_u64(v: &[u8]) -> u64 {
    v.try_into().map(u64::from_be_bytes).unwrap_or(0)
}

fn event_key(at: Timestamp, id: u64) -> [u8; 16] {
    // Events before 1970 do not happen here; clamp rather than wrap.
    let micros = u64::try_from(at.as_microsecond()).unwrap_or(0);
    let mut key = [0u8; 16];
    key[..8].copy_from_slice(&micros.to_be_bytes());
    key[8..].copy_from_slice(&id.to_be_bytes());
    key
}

fn switch_prefix(exhibition: &str) -> Vec<u8> {
    let mut prefix = exhibition.as_bytes().to_vec();
    prefix.push(0);
    prefix
}

fn encode_salt(day: Date, salt: &[u8; 32]) -> Vec<u8> {
    let mut v = day.to_string().into_bytes();
    v.push(b'|');
    v.extend_from_slice(salt);
    v
}

fn decode_salt(v: &[u8]) -> Option<(Date, [u8; 32])> {
    let split = v.iter().position(|&b| b == b'|')?;
    let day: Date = std::str::from_utf8(&v[..split]).ok()?.parse().ok()?;
    let salt: [u8; 32] = v[split + 1..].try_into().ok()?;
    Some((day, salt))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::visitor::{Device, InApp};
    use jiff::civil::date;

    #[test]
    fn salt_is_stable_within_a_day_and_replaced_the_next() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path(), 8 << 20).unwrap();
        let monday = store.daily_salt(date(2026, 11, 23)).unwrap();
        assert_eq!(monday, store.daily_salt(date(2026, 11, 23)).unwrap());
        let tuesday = store.daily_salt(date(2026, 11, 24)).unwrap();
        assert_ne!(monday, tuesday);
        drop(store);
        let reopened = Store::open(dir.path(), 8 << 20).unwrap();
        assert_eq!(
            tuesday,
            reopened.daily_salt(date(2026, 11, 24)).unwrap(),
            "survives a restart"
        );
        let raw = reopened.meta.get(SALT_KEY).unwrap().unwrap();
        assert!(
            !raw.windows(32).any(|w| w == monday),
            "yesterday's salt is gone"
        );
    }

    fn visit(day: &str, story: &str, visitor: &str, bot: bool) -> Visit {
        Visit {
            at: format!("{day}T02:00:00Z").parse().unwrap(),
            day: day.parse().unwrap(),
            hour: 10,
            code: "NCA1".into(),
            exhibition: "show".into(),
            station: Some("A1".into()),
            story: story.into(),
            phase: "one".into(),
            state: ShowState::Running,
            visitor: visitor.into(),
            device: Device::Phone,
            in_app: InApp::WeChat,
            lang: Lang::Zh,
            bot,
            via: Via::Qr,
        }
    }

    fn count(store: &Store, period: &str, metric: Metric, dimension: &str, value: &str) -> u64 {
        store
            .counters("show", period)
            .unwrap()
            .into_iter()
            .find(|c| c.metric == metric && c.dimension == dimension && c.value == value)
            .map(|c| c.count)
            .unwrap_or(0)
    }

    #[test]
    fn aggregates_follow_the_events_in_the_same_batch() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path(), 8 << 20).unwrap();
        store
            .apply(&[
                Event::Scan(visit("2026-11-20", "alphago", "v1", false)),
                Event::Scan(visit("2026-11-20", "alphago", "v1", false)),
                Event::Scan(visit("2026-11-20", "exac", "v2", false)),
                Event::Scan(visit("2026-11-20", "exac", "bot", true)),
                Event::Open(visit("2026-11-20", "alphago", "v1", false)),
            ])
            .unwrap();
        store
            .record(Event::Scan(visit("2026-11-21", "alphago", "v9", false)))
            .unwrap();
        assert_eq!(store.scans().unwrap().len(), 5);
        assert_eq!(count(&store, ALL, Metric::Scans, "total", ""), 4);
        assert_eq!(count(&store, ALL, Metric::Scans, "story", "alphago"), 3);
        assert_eq!(count(&store, ALL, Metric::Opens, "story", "alphago"), 1);
        assert_eq!(count(&store, ALL, Metric::Bots, "total", ""), 1);
        assert_eq!(
            count(&store, "2026-11-20", Metric::Visitors, "total", ""),
            2
        );
        assert_eq!(
            count(&store, "2026-11-20", Metric::Visitors, "story", "alphago"),
            1
        );
        assert_eq!(
            count(&store, ALL, Metric::Visitors, "total", ""),
            3,
            "daily uniques add up"
        );
        assert_eq!(
            count(&store, "2026-11-21", Metric::Scans, "app", "wechat"),
            1
        );
        assert_eq!(count(&store, ALL, Metric::Scans, "hour", "10"), 4);
        assert_eq!(count(&store, ALL, Metric::Scans, "day", "2026-11-20"), 3);
        assert_eq!(count(&store, ALL, Metric::Visitors, "day", "2026-11-20"), 2);
        store
            .record(Event::Scan(visit("2026-11-23", "alphago", "v9", false)))
            .unwrap();
        let days: std::collections::BTreeSet<String> = store
            .uniques
            .iter()
            .keys()
            .map(|k| {
                String::from_utf8(k.unwrap().to_vec())
                    .unwrap()
                    .split(aggregate::SEP)
                    .nth(1)
                    .unwrap()
                    .to_string()
            })
            .collect();
        assert_eq!(
            days.into_iter().collect::<Vec<_>>(),
            ["2026-11-23"],
            "older visitor-day keys are pruned"
        );
        assert_eq!(
            count(&store, ALL, Metric::Visitors, "total", ""),
            4,
            "counts stay"
        );
    }

    #[test]
    fn a_backup_restores_into_an_empty_store_only() {
        let (a, b) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
        let store = Store::open(a.path(), 8 << 20).unwrap();
        store
            .record(Event::Scan(visit("2026-11-20", "alphago", "v1", false)))
            .unwrap();
        let mut file = Vec::new();
        let rows = store.export(&mut file).unwrap();
        assert!(rows > 10, "events, counters and sets: {rows}");
        let copy = Store::open(b.path(), 8 << 20).unwrap();
        assert_eq!(copy.import(file.as_slice()).unwrap(), rows);
        assert_eq!(copy.scans().unwrap(), store.scans().unwrap());
        assert_eq!(
            copy.counters("show", ALL).unwrap(),
            store.counters("show", ALL).unwrap()
        );
        assert!(
            store.import(file.as_slice()).is_err(),
            "never into a store with data"
        );
        assert!(copy.import(&b"garbage\n"[..]).is_err());
    }

    #[test]
    fn switches_come_back_in_time_order_per_exhibition() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path(), 8 << 20).unwrap();
        let sw = |ex: &str, phase: &str, at: &str| Switch {
            exhibition: ex.into(),
            phase: phase.into(),
            at: at.parse().unwrap(),
            by: "admin".into(),
        };
        store
            .record_switch(&sw("a", "two", "2026-12-02T00:00:00Z"))
            .unwrap();
        store
            .record_switch(&sw("a", "one", "2026-12-03T00:00:00Z"))
            .unwrap();
        store
            .record_switch(&sw("ab", "x", "2026-12-04T00:00:00Z"))
            .unwrap();
        let all = store.switches("a").unwrap();
        assert_eq!(
            all.iter().map(|s| s.phase.as_str()).collect::<Vec<_>>(),
            ["two", "one"]
        );
        assert_eq!(store.last_switch("a").unwrap().unwrap().phase, "one");
        assert_eq!(store.last_switch("ab").unwrap().unwrap().phase, "x");
        assert!(store.last_switch("b").unwrap().is_none());
    }
}

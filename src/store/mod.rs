//! Everything sled: the event log (scans, opens and what landing pages send back), the
//! figures materialised from it, counts of unknown codes, manual phase switches and the daily
//! salt.
//!
//! sled types never leave this module. The log is one tree (`log.v2`) holding three kinds of
//! keys, so that one `apply_batch` writes a batch atomically:
//! - `B` + sequence (u64, big-endian): a block of compact records (`record`), one per batch;
//!   the sequence is that of the block's first event, and events are numbered without gaps.
//! - `D` + id (u32, big-endian): a name of the append-only dictionary.
//! - `U` + local date + NUL + code: how often an unknown code was asked for that day.
//!
//! Figures live in memory (`views`) and are checkpointed to `checkpoint.v2` with the log
//! position they cover; opening the store loads the checkpoint and replays the tail. Writes go
//! through `append`, one batch at a time (the recorder is the only writer while serving).
//! Calls block: async callers run them on a blocking thread.
//!
//! Longer than 500 lines for a reason: opening, reopening after a write error, replaying,
//! appending, checkpointing and reading the log all share the trees, the figures in memory
//! and the position, and read best side by side; what stands alone has a file of its own
//! (event types, salt, switches, shared changes, outbox, Unpaywall cache, migration).

mod accounts;
mod audit;
pub mod backup;
pub mod cluster;
pub mod compact;
mod event;
mod free_copies;
mod migrate;
mod outbox;
mod record;
mod recorder;
pub mod retention;
mod salt;
pub mod sent;
mod sessions;
mod shared;
mod switches;
mod views;

pub use audit::AuditEntry;
pub use cluster::{Cluster, ClusterError, Outbound, Records};
pub use event::{Event, Kind, Share, Signal, UnknownScan, Via, Visit};
pub use outbox::Earlier;
pub use record::NameId;
pub use recorder::{BatchObserver, Health, Recorder};
pub use shared::SharedChange;
pub use views::{Dimension, Group, Metric, Period};

use parking_lot::{Mutex, RwLock};
use std::collections::BTreeMap;
use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};

use jiff::civil::Date;

use crate::access::Route;
use crate::catalog::{Lang, ShowState};
use crate::visitor::{Device, InApp, VisitorId};
use record::Dictionary;
use salt::DaySalt;
use views::Views;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("the embedded database failed")]
    Sled(#[from] sled::Error),
    #[error("a stored record could not be decoded or encoded")]
    Codec(#[from] postcard::Error),
    #[error("a stored switch could not be read or written")]
    Json(#[from] serde_json::Error),
    #[error("the operating system's random source failed")]
    Random(#[source] getrandom::Error),
    #[error("the store is damaged: {0}")]
    Corrupt(&'static str),
    #[error("the writer has stopped")]
    WriterGone,
    #[error("not confirmed durable in time; the event stays queued")]
    TimedOut,
    #[error("the write queue is full; the event was dropped")]
    QueueFull,
    #[error("the database is being reopened after a write error")]
    Reopening,
    #[error("{0}")]
    Backup(String),
    #[error("the other replicas cannot be reached: {0}")]
    Replication(String),
    #[error("reading or writing a file failed")]
    Io(#[from] std::io::Error),
}

impl StoreError {
    /// Whether the store could not be opened because another process holds it: a running
    /// docent. sled says so only in its message (an `Other` I/O error, "could not acquire
    /// lock"), so the message is what is matched.
    pub fn is_in_use(&self) -> bool {
        matches!(self, StoreError::Sled(sled::Error::Io(e))
            if e.to_string().contains("could not acquire lock"))
    }
}

pub type Result<T> = std::result::Result<T, StoreError>;

/// Distinct unknown codes counted by name per day; the rest are counted as `OTHER_CODES`.
pub const UNKNOWN_CODES_A_DAY: usize = 100;
pub const OTHER_CODES: &str = "(other)";

/// In `meta.v1` while a restore is writing.
const RESTORING_KEY: &[u8] = b"restoring";
/// In `checkpoint.v2`: the head under this key, each scope under its 9-byte key.
const CHECKPOINT_KEY: &[u8] = b"head";
const BLOCK: u8 = b'B';
const NAME: u8 = b'D';
const UNKNOWN: u8 = b'U';
/// What the log holds beside the blocks, in memory.
#[derive(Debug, Default)]
struct Memory {
    names: Dictionary,
    views: Views,
    /// Unknown-code hits (not bots) by local day and code.
    unknown: BTreeMap<(Date, String), u64>,
    /// Replicated: the last stream message in the log, and each origin's last batch in it.
    stream: outbox::StreamPosition,
}

/// The open sled database and its trees. Replaced whole when it must be reopened: after a
/// write error (a full disk) sled refuses every write until it is opened again.
struct Trees {
    db: sled::Db,
    log: sled::Tree,
    checkpoints: sled::Tree,
    switches: sled::Tree,
    meta: sled::Tree,
    /// Replicated: this replica's batches not yet acknowledged by the stream.
    outbox: sled::Tree,
    /// Replicated: shared changes made here not yet acknowledged by the cluster.
    changes: sled::Tree,
    /// Unpaywall's answers by lower-case DOI (JSON `Checked`): a cache, not part of the log.
    free_copies: sled::Tree,
}

impl Trees {
    fn open(dir: &Path, cache_bytes: u64) -> Result<Trees> {
        remove_stale_snapshots(dir);
        let config = sled::Config::new()
            .path(dir)
            .cache_capacity(cache_bytes)
            // Durability comes from `append`'s flush; this only bounds idle-time lag.
            .flush_every_ms(Some(1000));
        // sled's background thread can hold the file lock for a moment after the last handle
        // of the same process is dropped (a reopen, a restart in tests): wait for it briefly.
        let mut tries = 0;
        let db = loop {
            match config.open() {
                // sled reports a held lock as an `Other` I/O error (its only kind at open that
                // is not the file system's own); any such error is tried again for a second.
                Err(sled::Error::Io(e)) if e.kind() == std::io::ErrorKind::Other && tries < 40 => {
                    tries += 1;
                    std::thread::sleep(std::time::Duration::from_millis(25));
                }
                other => break other?,
            }
        };
        Ok(Trees {
            log: db.open_tree("log.v2")?,
            checkpoints: db.open_tree("checkpoint.v2")?,
            switches: db.open_tree("switches.v1")?,
            meta: db.open_tree("meta.v1")?,
            outbox: db.open_tree("outbox.v1")?,
            changes: db.open_tree("changes.v1")?,
            free_copies: db.open_tree("free-copies.v1")?,
            db,
        })
    }
}

/// sled 0.34 leaves an empty `snap.*.generating` file when an open fails on a full disk, and
/// then takes it for its snapshot on every later open ("corruption") until it is removed.
fn remove_stale_snapshots(dir: &Path) {
    for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let name = entry.file_name();
        let name = name.to_string_lossy();
        if name.starts_with("snap.") && name.ends_with(".generating") {
            let _ = std::fs::remove_file(entry.path());
        }
    }
}

pub struct Store {
    dir: std::path::PathBuf,
    cache_bytes: u64,
    /// `None` while a reopen is under way or has failed.
    trees: RwLock<Option<std::sync::Arc<Trees>>>,
    /// Set by a failed write: the next write reopens the database first.
    needs_reopen: std::sync::atomic::AtomicBool,
    memory: RwLock<Memory>,
    /// Held by `append`: one batch at a time.
    append_lock: Mutex<()>,
    /// The next event's sequence number: every event before it is durable and counted.
    position: AtomicU64,
    /// Today's salt, so the hot path does not read sled for it. Written only after the
    /// (slow) work of `daily_salt`, which `salt_change` serialises.
    /// With, for a replica that could not agree on it with the others, when to ask again.
    salt: RwLock<Option<DaySalt>>,
    salt_change: Mutex<()>,
    /// Set when replicas share the log (`--nats`): where staged batches, shared changes and
    /// the salt go.
    outbound: std::sync::OnceLock<std::sync::Arc<dyn Outbound>>,
}

impl Store {
    /// Opens (or creates) the store in `dir`, with sled's page cache bounded to `cache_bytes`;
    /// loads the last checkpoint and replays the log after it.
    pub fn open(dir: &Path, cache_bytes: u64) -> Result<Store> {
        let trees = Trees::open(dir, cache_bytes)?;
        let store = Store {
            dir: dir.to_path_buf(),
            cache_bytes,
            trees: RwLock::new(Some(std::sync::Arc::new(trees))),
            needs_reopen: std::sync::atomic::AtomicBool::new(false),
            memory: RwLock::new(Memory::default()),
            append_lock: Mutex::new(()),
            position: AtomicU64::new(0),
            salt: RwLock::new(None),
            salt_change: Mutex::new(()),
            outbound: std::sync::OnceLock::new(),
        };
        store.undo_unfinished_restore()?;
        store.load()?;
        store.migrate_first_format()?;
        Ok(store)
    }

    /// Empties the log, the checkpoints and (with `switches`) the switches, and memory: for
    /// a restore or a migration that stopped half-way and starts again.
    fn reset(&self, switches: bool) -> Result<()> {
        let t = self.trees()?;
        t.log.clear()?;
        t.checkpoints.clear()?;
        if switches {
            t.switches.clear()?;
        }
        t.db.flush()?;
        *self.memory.write() = Memory::default();
        self.position.store(0, Ordering::SeqCst);
        Ok(())
    }

    /// A restore marks the store before writing and unmarks it when done; a store still
    /// marked holds part of a backup, which is removed so the restore can be run again.
    fn undo_unfinished_restore(&self) -> Result<()> {
        if self.trees()?.meta.get(RESTORING_KEY)?.is_none() {
            return Ok(());
        }
        tracing::warn!("store: removing a restore that did not finish; run the restore again");
        self.reset(true)?;
        let t = self.trees()?;
        t.meta.remove(RESTORING_KEY)?;
        t.db.flush()?;
        Ok(())
    }

    fn trees(&self) -> Result<std::sync::Arc<Trees>> {
        self.trees.read().clone().ok_or(StoreError::Reopening)
    }

    /// Runs a write; a failed one marks the database for reopening, and the next write
    /// reopens it first (sled keeps failing every write after an I/O error until then).
    fn writing<T>(&self, write: impl FnOnce(&Trees) -> Result<T>) -> Result<T> {
        if self.needs_reopen.load(Ordering::SeqCst) {
            self.reopen()?;
        }
        let outcome = write(&*self.trees()?);
        if matches!(outcome, Err(StoreError::Sled(_) | StoreError::Io(_))) {
            self.needs_reopen.store(true, Ordering::SeqCst);
        }
        outcome
    }

    /// Drops the database and opens it again. What a failed write left in sled's memory is
    /// gone after this; what was flushed is there. Memory (figures, dictionary, position)
    /// only ever follows successful writes, so it still matches.
    fn reopen(&self) -> Result<()> {
        let mut slot = self.trees.write();
        if let Some(old) = slot.take() {
            // Another thread holding the old handle would keep sled's file lock.
            match std::sync::Arc::try_unwrap(old) {
                Ok(trees) => drop(trees),
                Err(old) => {
                    *slot = Some(old);
                    return Err(StoreError::Reopening);
                }
            }
        }
        *slot = Some(std::sync::Arc::new(Trees::open(
            &self.dir,
            self.cache_bytes,
        )?));
        self.needs_reopen.store(false, Ordering::SeqCst);
        tracing::info!("store: the database was reopened after a write error");
        Ok(())
    }

    /// Reads the dictionary, the unknown counts and the checkpoint, then replays the tail.
    fn load(&self) -> Result<()> {
        let t = self.trees()?;
        let mut memory = Memory::default();
        for kv in t.log.scan_prefix([NAME]) {
            let (key, name) = kv?;
            let id = u32_at(&key[1..])?;
            memory.names.load(id, &String::from_utf8_lossy(&name))?;
        }
        for kv in t.log.scan_prefix([UNKNOWN]) {
            let (key, count) = kv?;
            if let Some((day, code)) = unknown_key_parts(&key) {
                memory.unknown.insert((day, code), u64_at(&count)?);
            }
        }
        memory.stream = outbox::StreamPosition::load(&t.log)?;
        let (views, sets_from) = match t.checkpoints.get(CHECKPOINT_KEY)? {
            Some(head) => {
                let scopes = t
                    .checkpoints
                    .iter()
                    .filter(|kv| kv.as_ref().map_or(true, |(k, _)| k.len() == 9))
                    .collect::<std::result::Result<Vec<_>, _>>()?;
                Views::from_checkpoint(&head, scopes.iter().map(|(k, v)| (k.as_ref(), v.as_ref())))?
                    .unwrap_or_default()
            }
            None => (Views::default(), 0),
        };
        let covered = views.position;
        memory.views = views;
        // The replay starts at the block holding `sets_from`.
        let start = match t
            .log
            .range(block_key(0)..=block_key(sets_from))
            .keys()
            .next_back()
        {
            Some(key) => u64_at(&key?[1..])?,
            None => 0,
        };
        let mut next = None;
        for kv in t.log.range(block_key(start)..block_key(u64::MAX)) {
            let (key, block) = kv?;
            let first = u64_at(&key[1..])?;
            if next.is_some_and(|n| n != first) {
                return Err(StoreError::Corrupt("a gap in the event log"));
            }
            let facts = record::decode_block(&block)?;
            for (i, fact) in facts.iter().enumerate() {
                let seq = first + i as u64;
                if seq < sets_from {
                    continue;
                } else if seq < covered {
                    memory.views.remember(seq, fact);
                } else {
                    memory.views.count(seq, fact);
                }
            }
            next = Some(first + facts.len() as u64);
        }
        let position = next.unwrap_or(0).max(covered);
        memory.views.position = position;
        self.position.store(position, Ordering::SeqCst);
        *self.memory.write() = memory;
        Ok(())
    }

    /// The next event's sequence number: every event before it is durable and counted.
    pub fn position(&self) -> u64 {
        self.position.load(Ordering::SeqCst)
    }

    /// Writes a batch of events durably (one sled batch, one flush), then counts them. On an
    /// error nothing is counted and the same batch can be written again: it lands at the same
    /// position, so nothing is counted twice.
    pub fn append<'a>(&self, events: impl IntoIterator<Item = &'a Event>) -> Result<()> {
        let events: Vec<&Event> = events.into_iter().collect();
        self.append_with(&events, true, |_| {})
    }

    /// `append`, adding to the same atomic batch what `extra` writes; `durable` flushes
    /// before returning.
    fn append_with(
        &self,
        events: &[&Event],
        durable: bool,
        extra: impl FnOnce(&mut sled::Batch),
    ) -> Result<()> {
        let visits: Vec<record::Entry<'_>> =
            events.iter().filter_map(|e| record::Entry::of(e)).collect();
        self.append_blocks(events, durable, extra, |names| {
            let blocks = if visits.is_empty() {
                Vec::new()
            } else {
                vec![record::encode_entries(&visits, names)?]
            };
            Ok((blocks, Vec::new()))
        })
    }

    /// `append_with` for blocks that `blocks` makes against the dictionary (under the
    /// writer's lock), each with the facts it holds, and the unknown-code hits in `events`
    /// and in the events `blocks` returns beside them.
    fn append_blocks(
        &self,
        events: &[&Event],
        durable: bool,
        extra: impl FnOnce(&mut sled::Batch),
        blocks: impl FnOnce(&mut Dictionary) -> Result<(Vec<(Vec<u8>, Vec<record::Fact>)>, Vec<Event>)>,
    ) -> Result<()> {
        let _writer = self.append_lock.lock();
        let first = self.position();
        let mut batch = sled::Batch::default();
        let (blocks, unknown) = {
            let mut memory = self.memory.write();
            let (blocks, more) = blocks(&mut memory.names)?;
            for (id, name) in memory.names.unsaved() {
                batch.insert(name_key(id).as_slice(), name.as_bytes());
            }
            let mut events = events.to_vec();
            events.extend(more.iter());
            (blocks, unknown_tally(&memory.unknown, &events))
        };
        let mut next = first;
        for (bytes, facts) in blocks.iter().filter(|(_, facts)| !facts.is_empty()) {
            batch.insert(&block_key(next), bytes.as_slice());
            next += facts.len() as u64;
        }
        extra(&mut batch);
        for ((day, code), (total, _)) in &unknown {
            batch.insert(unknown_key(*day, code), &total.to_be_bytes());
        }
        self.writing(|t| {
            t.log.apply_batch(batch)?;
            if durable {
                t.db.flush()?;
            }
            Ok(())
        })?;
        let mut memory = self.memory.write();
        memory.names.mark_saved();
        let facts = blocks.iter().flat_map(|(_, facts)| facts);
        for (i, fact) in facts.enumerate() {
            memory.views.count(first + i as u64, fact);
        }
        for (key, (total, _)) in unknown {
            memory.unknown.insert(key, total);
        }
        memory.views.position = next;
        self.position.store(next, Ordering::SeqCst);
        Ok(())
    }

    /// Convenience for one event (tests, tools): a batch of one.
    pub fn record(&self, event: Event) -> Result<()> {
        self.append([&event])
    }

    /// Stores the figures with the position they cover, so a restart replays only the tail.
    pub fn checkpoint(&self) -> Result<()> {
        // No batch lands between reading the changes and marking them saved.
        let _writer = self.append_lock.lock();
        let parts = self.memory.read().views.checkpoint()?;
        let mut batch = sled::Batch::default();
        for (key, counters) in parts.scopes {
            batch.insert(&key, counters);
        }
        batch.insert(CHECKPOINT_KEY, parts.head);
        self.writing(|t| {
            t.checkpoints.apply_batch(batch)?;
            t.db.flush()?;
            Ok(())
        })?;
        self.memory.write().views.saved();
        Ok(())
    }

    /// Calls `f(metric, group, count)` for each counter of an exhibition and period, from
    /// memory, its group decoded (a counter whose number no table knows is skipped).
    pub fn for_each_counter(
        &self,
        exhibition: &str,
        period: Period,
        mut f: impl FnMut(Metric, Group<'_>, u64),
    ) {
        let memory = self.memory.read();
        let Some(id) = memory.names.id(exhibition) else {
            return;
        };
        memory
            .views
            .each(id, period, |metric, dimension, value, detail, count| {
                if detail != 0 {
                    return;
                }
                if let Some(group) = group_of(&memory.names, dimension, value) {
                    f(metric, group, count);
                }
            });
    }

    /// Calls `f(metric, group, detail, count)` for each counter with a detail (a reaction id,
    /// a poll's option) of an exhibition and period, from memory.
    pub fn for_each_detail(
        &self,
        exhibition: &str,
        period: Period,
        mut f: impl FnMut(Metric, Group<'_>, &str, u64),
    ) {
        let memory = self.memory.read();
        let Some(id) = memory.names.id(exhibition) else {
            return;
        };
        memory
            .views
            .each(id, period, |metric, dimension, value, detail, count| {
                if detail == 0 {
                    return;
                }
                if let Some(group) = group_of(&memory.names, dimension, value) {
                    f(metric, group, memory.names.name(NameId(detail)), count);
                }
            });
    }

    /// Every counter of an exhibition for a period, sorted: for comparing figures.
    pub fn counters(&self, exhibition: &str, period: Period) -> Vec<Counter> {
        let mut out = Vec::new();
        self.for_each_counter(exhibition, period, |metric, group, count| {
            out.push(Counter {
                metric,
                dimension: group.dimension(),
                value: text(group),
                count,
            });
        });
        // Counters with a detail (reactions, poll answers): `value/detail`.
        self.for_each_detail(exhibition, period, |metric, group, detail, count| {
            out.push(Counter {
                metric,
                dimension: group.dimension(),
                value: format!("{}/{detail}", text(group)),
                count,
            });
        });
        out.sort_by(|a, b| {
            (a.metric, a.dimension, &a.value).cmp(&(b.metric, b.dimension, &b.value))
        });
        out
    }

    /// Unknown-code hits (bots left out) on the local days `from..=to`, or all of them.
    pub fn unknown_codes(&self, range: Option<(Date, Date)>) -> Vec<(Date, String, u64)> {
        let memory = self.memory.read();
        memory
            .unknown
            .iter()
            .filter(|((day, _), _)| range.is_none_or(|(from, to)| (from..=to).contains(day)))
            .map(|((day, code), count)| (*day, code.clone(), *count))
            .collect()
    }

    /// Scans, opens and signals with their kinds: `events` without the signals' names.
    pub fn visits(&self) -> impl Iterator<Item = Result<(Kind, Visit)>> + '_ {
        self.events().filter_map(|event| match event {
            Ok(Event::Unknown(_)) => None,
            Ok(Event::Scan(v)) => Some(Ok((Kind::Scan, v))),
            Ok(Event::Open(v)) => Some(Ok((Kind::Open, v))),
            Ok(Event::Signal(v, s)) => Some(Ok((s.kind(), v))),
            Err(e) => Some(Err(e)),
        })
    }

    /// Scans, opens and signals in log order (the order they were answered; by time within a
    /// batch), names resolved, read lazily up to the current position. Blocks are read a few
    /// at a time without holding the database in between, so a slow reader (a CSV download)
    /// never keeps the writer from reopening it after a write error.
    pub fn events(&self) -> impl Iterator<Item = Result<Event>> + '_ {
        let end = self.position();
        let mut next = 0;
        let mut pending = std::collections::VecDeque::new();
        std::iter::from_fn(move || {
            while pending.is_empty() && next < end {
                match self.blocks(next, end, 64) {
                    Ok(blocks) if blocks.is_empty() => next = end,
                    Ok(blocks) => {
                        for (first, block) in blocks {
                            next = first + 1;
                            match self.resolve(&block) {
                                Ok(visits) => pending.extend(visits.into_iter().map(Ok)),
                                Err(e) => pending.push_back(Err(e)),
                            }
                        }
                    }
                    Err(e) => {
                        next = end;
                        pending.push_back(Err(e));
                    }
                }
            }
            pending.pop_front()
        })
    }

    /// Up to `max` blocks whose first event is in `from..end`: (first sequence, block).
    fn blocks(&self, from: u64, end: u64, max: usize) -> Result<Vec<(u64, sled::IVec)>> {
        let t = self.trees()?;
        t.log
            .range(block_key(from)..block_key(end))
            .take(max)
            .map(|kv| {
                let (key, block) = kv?;
                Ok((u64_at(&key[1..])?, block))
            })
            .collect()
    }

    fn resolve(&self, block: &[u8]) -> Result<Vec<Event>> {
        let mut facts = record::decode_block(block)?;
        facts.sort_by_key(|f| f.at);
        let memory = self.memory.read();
        facts
            .iter()
            .map(|f| record::event_of(f, |id| Ok(memory.names.name(id).to_string())))
            .collect()
    }

    /// Every scan, oldest first (tests and tools).
    pub fn scans(&self) -> Result<Vec<Visit>> {
        self.of_kind(Kind::Scan)
    }

    pub fn opens(&self) -> Result<Vec<Visit>> {
        self.of_kind(Kind::Open)
    }

    fn of_kind(&self, kind: Kind) -> Result<Vec<Visit>> {
        let mut out = Vec::new();
        for visit in self.visits() {
            let (k, v) = visit?;
            if k == kind {
                out.push(v);
            }
        }
        Ok(out)
    }

    /// Whether the database is open (not while a reopen after a write error is under way).
    pub fn is_open(&self) -> bool {
        self.trees().is_ok()
    }

    /// Whether the store holds anything a restore could collide with.
    pub fn is_empty(&self) -> bool {
        self.trees()
            .is_ok_and(|t| t.log.is_empty() && t.switches.is_empty())
    }

    /// Makes every write so far durable. Called at shutdown: sled's own flush-on-drop does not
    /// always run when actix still holds a handle at exit.
    pub fn flush(&self) -> Result<()> {
        self.trees()?.db.flush()?;
        Ok(())
    }
}

/// One counter as read back.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Counter {
    pub metric: Metric,
    pub dimension: Dimension,
    pub value: String,
    pub count: u64,
}

/// A counter's dimension and value decoded; `None` for a number no table has.
fn group_of(names: &Dictionary, dimension: Dimension, value: u32) -> Option<Group<'_>> {
    let name = || names.name(NameId(value));
    match dimension {
        Dimension::Total => Some(Group::Total),
        Dimension::Story => Some(Group::Story(name())),
        Dimension::Station => Some(Group::Station(name())),
        Dimension::Phase => Some(Group::Phase(name())),
        Dimension::Hour => u8::try_from(value).ok().map(Group::Hour),
        Dimension::Device => record::device_at(value).map(Group::Device),
        Dimension::App => record::app_at(value).map(Group::App),
        Dimension::Lang => record::lang_at(value).map(Group::Lang),
        Dimension::Route => record::route_at(value).map(Group::Route),
        Dimension::Day => record::day_of_number(value as i32).map(Group::Day),
        Dimension::Poll => Some(Group::Poll(name())),
    }
}

/// A counter's group as the stats JSON names it: for comparing figures in tests and tools.
fn text(group: Group<'_>) -> String {
    match group {
        Group::Total => String::new(),
        Group::Story(name) | Group::Station(name) | Group::Phase(name) | Group::Poll(name) => {
            name.to_string()
        }
        Group::Hour(h) => format!("{h:02}"),
        Group::Device(d) => d.as_str().to_string(),
        Group::App(a) => a.as_str().to_string(),
        Group::Lang(l) => l.as_str().to_string(),
        Group::Day(d) => d.to_string(),
        Group::Route(r) => r.as_str().to_string(),
    }
}

/// New totals of the unknown codes in a batch, by (day, code): (total, added).
fn unknown_tally(
    known: &BTreeMap<(Date, String), u64>,
    events: &[&Event],
) -> BTreeMap<(Date, String), (u64, u64)> {
    let mut out: BTreeMap<(Date, String), (u64, u64)> = BTreeMap::new();
    for event in events {
        let Event::Unknown(u) = event else { continue };
        if u.bot {
            continue;
        }
        let distinct = |day: Date| {
            let stored = known
                .range((day, String::new())..)
                .take_while(|((d, _), _)| *d == day)
                .count();
            let fresh = out
                .keys()
                .filter(|(d, c)| *d == day && !known.contains_key(&(*d, c.clone())))
                .count();
            stored + fresh
        };
        let mut key = (u.day, u.code.clone());
        if !known.contains_key(&key)
            && !out.contains_key(&key)
            && distinct(u.day) >= UNKNOWN_CODES_A_DAY
        {
            key.1 = OTHER_CODES.to_string();
        }
        let before = known.get(&key).copied().unwrap_or(0);
        let entry = out.entry(key).or_insert((before, 0));
        entry.0 += 1;
        entry.1 += 1;
    }
    out
}

fn block_key(seq: u64) -> [u8; 9] {
    let mut key = [BLOCK; 9];
    key[1..].copy_from_slice(&seq.to_be_bytes());
    key
}

fn name_key(id: u32) -> [u8; 5] {
    let mut key = [NAME; 5];
    key[1..].copy_from_slice(&id.to_be_bytes());
    key
}

fn unknown_key(day: Date, code: &str) -> Vec<u8> {
    let mut key = vec![UNKNOWN];
    key.extend_from_slice(day.to_string().as_bytes());
    key.push(0);
    key.extend_from_slice(code.as_bytes());
    key
}

fn unknown_key_parts(key: &[u8]) -> Option<(Date, String)> {
    let rest = key.strip_prefix(&[UNKNOWN])?;
    let split = rest.iter().position(|&b| b == 0)?;
    let day = std::str::from_utf8(&rest[..split]).ok()?.parse().ok()?;
    Some((
        day,
        String::from_utf8_lossy(&rest[split + 1..]).into_owned(),
    ))
}

fn u32_at(bytes: &[u8]) -> Result<u32> {
    bytes
        .try_into()
        .map(u32::from_be_bytes)
        .map_err(|_| StoreError::Corrupt("a malformed key"))
}

fn u64_at(bytes: &[u8]) -> Result<u64> {
    bytes
        .try_into()
        .map(u64::from_be_bytes)
        .map_err(|_| StoreError::Corrupt("a malformed number"))
}

#[cfg(test)]
pub(crate) mod tests;

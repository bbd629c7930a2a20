//! The store's side of replication (`--nats`). Replicas share one event stream; each keeps a
//! local copy of it in its log and materialises the figures from that copy, so any replica's
//! dashboard shows every replica's scans.
//!
//! - A replica's own events are first written to its outbox, `outbox.v1`, one entry
//!   per recorder batch under an increasing number, in a form that carries its own names
//!   (`record::encode_portable`). The publisher sends entries to the stream in order and
//!   removes them once the stream has acknowledged them. While the stream cannot be reached
//!   they wait there, flushed before their scans are answered: nothing is lost and the
//!   visitor is not kept waiting.
//! - Every replica reads the stream in order and appends each message's events to its log
//!   (`apply_stream`), together with the stream position and, per origin replica, the number
//!   of the last outbox entry applied. An entry sent twice (an acknowledgement lost, a
//!   restart) has a number already applied and is skipped: nothing is counted twice, however
//!   long the stream was away.
//! - What is not an event goes through the cluster port (`cluster.rs`): the daily salt and
//!   the session secret are agreed, shared changes follow `shared.rs`.

use std::collections::{BTreeSet, HashMap};

use super::{Event, Outbound, Result, Store, StoreError, record};

/// In `log.v2`: the last stream message applied.
const STREAM_KEY: &[u8] = b"S";
/// In `log.v2`: `O` + origin replica id: the last outbox entry of that replica applied.
const ORIGIN: u8 = b'O';
/// How far an origin's entry number may jump past its last one applied.
const MAX_JUMP: u64 = 1 << 40;
/// In `meta.v1`: this replica's id.
const REPLICA_KEY: &[u8] = b"replica-id";

/// How far the log follows the stream.
#[derive(Debug, Default, Clone)]
pub(super) struct StreamPosition {
    pub last: u64,
    pub origins: HashMap<String, Applied>,
}

/// Which of a replica's outbox entries the log holds: every one up to `upto`, and those in
/// `above` (entries of messages stored ahead of an earlier one, while several were in flight).
#[derive(Debug, Default, Clone, PartialEq)]
pub(super) struct Applied {
    upto: Option<u64>,
    above: BTreeSet<u64>,
}

impl Applied {
    fn has(&self, n: u64) -> bool {
        self.upto.is_some_and(|u| n <= u) || self.above.contains(&n)
    }

    fn highest(&self) -> Option<u64> {
        self.above.last().copied().max(self.upto)
    }

    /// Every entry up to `n` is held: the set keeps only what lies above.
    fn raise(&mut self, n: u64) {
        let upto = self.upto.map_or(n, |u| u.max(n));
        self.upto = Some(upto);
        self.above = self.above.split_off(&(upto.saturating_add(1)));
        if upto == u64::MAX {
            self.above.clear();
        }
    }

    /// An earlier version stored the highest entry alone (8 bytes); this one a marker, the
    /// floor plus one (0: none), then the entries above it.
    fn encode(&self) -> Vec<u8> {
        if self.above.is_empty()
            && let Some(upto) = self.upto
        {
            return upto.to_be_bytes().to_vec();
        }
        let mut out = vec![1u8];
        out.extend_from_slice(&self.upto.map_or(0, |u| u + 1).to_be_bytes());
        for n in &self.above {
            out.extend_from_slice(&n.to_be_bytes());
        }
        out
    }

    fn decode(bytes: &[u8]) -> Result<Applied> {
        if bytes.len() == 8 {
            return Ok(Applied {
                upto: Some(super::u64_at(bytes)?),
                above: BTreeSet::new(),
            });
        }
        let rest = bytes
            .strip_prefix(&[1u8])
            .filter(|r| !r.is_empty() && r.len() % 8 == 0)
            .ok_or(StoreError::Corrupt("a malformed stream position"))?;
        let mut numbers = rest.chunks(8).map(super::u64_at);
        let upto = numbers.next().transpose()?.unwrap_or(0).checked_sub(1);
        Ok(Applied {
            upto,
            above: numbers.collect::<Result<_>>()?,
        })
    }
}

/// What a stream message tells of its replica's earlier entries.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Earlier {
    /// Sent by a version that kept one message in flight: every entry below its highest one
    /// came before it.
    BelowHighest,
    /// Every entry up to this one (`None`: no claim) is in the stream before this message.
    Upto(Option<u64>),
}

impl StreamPosition {
    pub fn load(log: &sled::Tree) -> Result<StreamPosition> {
        let mut position = StreamPosition::default();
        if let Some(v) = log.get(STREAM_KEY)? {
            position.last = super::u64_at(&v)?;
        }
        for kv in log.scan_prefix([ORIGIN]) {
            let (key, v) = kv?;
            let origin = String::from_utf8_lossy(&key[1..]).into_owned();
            position.origins.insert(origin, Applied::decode(&v)?);
        }
        Ok(position)
    }
}

fn origin_key(origin: &str) -> Vec<u8> {
    let mut key = vec![ORIGIN];
    key.extend_from_slice(origin.as_bytes());
    key
}

impl Store {
    /// Makes this store a replica: events go through the outbox and the stream, shared
    /// changes through the change outbox. Set once, before the recorder starts.
    pub fn replicate(&self, outbound: std::sync::Arc<dyn Outbound>) {
        let _ = self.outbound.set(outbound);
    }

    /// Where a replica's batches, changes and salt go; `None` on a single server.
    pub(super) fn outbound(&self) -> Option<&std::sync::Arc<dyn Outbound>> {
        self.outbound.get()
    }

    /// Whether events go through the stream (`--nats`).
    pub fn is_replica(&self) -> bool {
        self.outbound.get().is_some()
    }

    /// This replica's id, made on first use: names its batches in the stream.
    pub fn replica_id(&self) -> Result<String> {
        let t = self.trees()?;
        if let Some(id) = t.meta.get(REPLICA_KEY)? {
            return Ok(String::from_utf8_lossy(&id).into_owned());
        }
        let mut bytes = [0u8; 8];
        getrandom::fill(&mut bytes).map_err(StoreError::Random)?;
        let id = hex::encode(bytes);
        t.meta.insert(REPLICA_KEY, id.as_bytes())?;
        t.meta.flush()?;
        Ok(id)
    }

    /// Writes a batch of this replica's events to the outbox; returns its number. Not
    /// flushed: a scan the stream acknowledges is durable there (a majority of its servers
    /// hold it), and the replica flushes (`flush`) before it answers one without the stream.
    /// That keeps a disk sync off the path of every replicated scan.
    pub(super) fn stage(&self, events: &[&Event]) -> Result<u64> {
        let bytes = record::encode_portable(events)?;
        self.writing(|t| {
            let n = t.db.generate_id()?;
            t.outbox.insert(n.to_be_bytes(), bytes)?;
            Ok(n)
        })
    }

    /// The oldest outbox entries, in order, up to about `max_bytes`: (number, entry).
    pub fn outbox(&self, max_bytes: usize) -> Result<Vec<(u64, Vec<u8>)>> {
        self.outbox_after(None, max_bytes)
    }

    /// `outbox`, from the first entry after `after` (entries up to it may still be there,
    /// sent and not yet removed).
    pub fn outbox_after(
        &self,
        after: Option<u64>,
        max_bytes: usize,
    ) -> Result<Vec<(u64, Vec<u8>)>> {
        let t = self.trees()?;
        let mut out = Vec::new();
        let mut size = 0;
        let from = after.map_or(0, |a| a.saturating_add(1));
        for kv in t.outbox.range(from.to_be_bytes()..) {
            let (key, v) = kv?;
            if !out.is_empty() && size + v.len() > max_bytes {
                break;
            }
            size += v.len();
            out.push((super::u64_at(&key)?, v.to_vec()));
        }
        Ok(out)
    }

    /// Outbox entries waiting for the stream.
    pub fn outbox_len(&self) -> usize {
        self.trees().map_or(0, |t| t.outbox.len())
    }

    /// Removes the outbox entries up to `upto`: the stream has them. Not flushed: an entry
    /// that comes back after a crash is sent again and skipped by every reader.
    pub fn unstage(&self, upto: u64) -> Result<()> {
        let t = self.trees()?;
        let mut batch = sled::Batch::default();
        for key in t.outbox.range(..=upto.to_be_bytes()).keys() {
            batch.remove(key?);
        }
        t.outbox.apply_batch(batch)?;
        Ok(())
    }

    /// The last stream message in the log (0: none).
    pub fn stream_position(&self) -> u64 {
        self.memory.read().stream.last
    }

    /// Appends stream message `seq`, sent by replica `origin`, holding its outbox entries
    /// `entries`, with what it tells of that replica's earlier entries: entries already
    /// applied are skipped; the rest are counted. The position is written in the same atomic
    /// batch; not flushed, as the stream keeps the message (a crash reads it again). Returns
    /// how many events were new.
    pub fn apply_stream(
        &self,
        seq: u64,
        origin: &str,
        entries: &[(u64, Vec<u8>)],
        earlier: Earlier,
    ) -> Result<usize> {
        let known = self.memory.read().stream.origins.get(origin).cloned();
        let mut applied = known.clone().unwrap_or_default();
        let mut fresh: Vec<&[u8]> = Vec::new();
        for (n, bytes) in entries {
            if applied.has(*n) {
                continue;
            }
            // Numbers come from sled's id generator, which skips ahead a little after a crash;
            // a jump past anything a replica could have sent would silence its real batches.
            if *n > applied.highest().unwrap_or(0).saturating_add(MAX_JUMP) {
                tracing::warn!(
                    origin,
                    entry = n,
                    "a replicated batch numbered far past its replica's last one is refused"
                );
                continue;
            }
            fresh.push(bytes);
            applied.above.insert(*n);
        }
        match earlier {
            Earlier::BelowHighest => {
                if let Some(highest) = applied.highest() {
                    applied.raise(highest);
                }
            }
            Earlier::Upto(Some(n)) => applied.raise(n),
            Earlier::Upto(None) => {}
        }
        let changed = (known.as_ref() != Some(&applied)).then_some(&applied);
        // Each batch becomes a block of its own, its records as the sending replica encoded
        // them (only the names are this store's); its unknown-code hits are counted with it.
        let mut new = 0;
        self.append_blocks(
            &[],
            false,
            |batch| {
                batch.insert(STREAM_KEY, &seq.to_be_bytes());
                if let Some(applied) = changed {
                    batch.insert(origin_key(origin), applied.encode());
                }
            },
            |names| {
                let (mut blocks, mut unknown) = (Vec::new(), Vec::new());
                for bytes in &fresh {
                    match record::localize_portable(bytes, names) {
                        Ok(localized) => {
                            unknown.extend(localized.unknown);
                            blocks.extend(localized.block);
                        }
                        Err(e) => tracing::warn!(
                            error = %crate::error_chain(&e), origin,
                            "a replicated batch could not be read; it is skipped"
                        ),
                    }
                }
                new = unknown.len()
                    + blocks
                        .iter()
                        .map(|(_, f): &(_, Vec<_>)| f.len())
                        .sum::<usize>();
                Ok((blocks, unknown))
            },
        )?;
        let mut memory = self.memory.write();
        memory.stream.last = seq;
        if known.as_ref() != Some(&applied) {
            memory.stream.origins.insert(origin.to_string(), applied);
        }
        Ok(new)
    }
}

//! Backups: a copy of the event log up to a log position, taken while the writer goes on
//! (the blocks below the position never change), and its restore into an empty store.
//!
//! The file is a header, then frames (`kind`, key length, key, value length, value), then a
//! trailer frame with the number of frames and a BLAKE3 hash of every byte before it. A file
//! cut short, tampered with, of another program, or holding a kind of frame this version does
//! not know is refused whole before anything is written. The daily salt is never in it: a
//! backup must not link visitor ids to people.
//!
//! Since format 4 it holds the figures' checkpoint as well (taken before the log position it
//! copies up to, so it never counts an event the copy lacks): a store whose oldest records
//! retention removed (`--retain-days`) restores with every figure, not only those of the
//! records kept. Without one (formats 2 and 3) the figures are replayed from the log.
//!
//! Since format 3 it also holds the people (accounts, with their password and token hashes,
//! never a password) and the audit trail, so a restored server knows who may sign in and who
//! did what. Format-2 files still restore, with neither.

use std::io::{BufReader, Read, Write};
use std::path::Path;

use super::{BLOCK, NAME, Result, Store, StoreError, UNKNOWN, record};

const MAGIC: &[u8] = b"docent backup\n";
const FORMAT: u8 = 4;
/// Formats this version restores.
const READS: [u8; 3] = [2, 3, 4];
/// A record of `checkpoint.v2` (format 4 on), with its own key.
const CHECKPOINT: u8 = b'C';
const SWITCH: u8 = b'S';
/// A record of `meta.v1` under one of `META_PREFIXES`, with its own key.
const META: u8 = b'M';
const TRAILER: u8 = b'T';
const KINDS: [u8; 6] = [NAME, BLOCK, UNKNOWN, SWITCH, META, CHECKPOINT];
/// What of `meta.v1` a backup carries: people and the audit trail (not the session secret,
/// the salt, share links or logouts, which belong to the running server).
const META_PREFIXES: [&[u8]; 2] = [super::accounts::ACCOUNT_PREFIX, super::audit::AUDIT_PREFIX];

/// What a backup holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Summary {
    /// Frames: names, blocks, unknown-code counts, switches, accounts and audit entries.
    pub rows: u64,
    /// Events (scans and opens) in the blocks.
    pub events: u64,
}

/// Writes a backup of everything stored before the current log position to `out`.
pub fn write(store: &Store, out: impl Write) -> Result<Summary> {
    // The checkpoint and the position together, with no batch or checkpoint between them: the
    // checkpoint covers no event past the position the copy goes up to.
    let (checkpoint, end) = {
        let _writer = store.append_lock.lock();
        let t = store.trees()?;
        let parts: Vec<_> = t.checkpoints.iter().collect();
        (parts, store.position())
    };
    let t = store.trees()?;
    let mut out = Hashing::new(out);
    out.write_all(MAGIC)?;
    out.write_all(&[FORMAT])?;
    let mut rows: u64 = 0;
    // Names first: every block below `end` was written with (or after) its names.
    let names: Vec<_> = t.log.scan_prefix([NAME]).collect();
    drop(t);
    for kv in names {
        let (k, v) = kv?;
        frame(&mut out, NAME, &k, &v)?;
        rows += 1;
    }
    // Blocks a few at a time, without holding the database while the client reads.
    let mut events = 0;
    let mut next = 0;
    loop {
        let blocks = store.blocks(next, end, 64)?;
        if blocks.is_empty() {
            break;
        }
        for (first, block) in blocks {
            events += record::decode_block(&block)?.len() as u64;
            frame(&mut out, BLOCK, &super::block_key(first), &block)?;
            rows += 1;
            next = first + 1;
        }
    }
    let t = store.trees()?;
    let unknown: Vec<_> = t.log.scan_prefix([UNKNOWN]).collect();
    let switches: Vec<_> = t.switches.iter().collect();
    let meta: Vec<_> = META_PREFIXES
        .iter()
        .flat_map(|prefix| t.meta.scan_prefix(prefix))
        .collect();
    drop(t);
    for (kind, kv) in unknown
        .into_iter()
        .map(|kv| (UNKNOWN, kv))
        .chain(checkpoint.into_iter().map(|kv| (CHECKPOINT, kv)))
        .chain(switches.into_iter().map(|kv| (SWITCH, kv)))
        .chain(meta.into_iter().map(|kv| (META, kv)))
    {
        let (k, v) = kv?;
        frame(&mut out, kind, &k, &v)?;
        rows += 1;
    }
    let hash = out.hasher.finalize();
    let mut trailer = rows.to_be_bytes().to_vec();
    trailer.extend_from_slice(hash.as_bytes());
    frame(&mut out, TRAILER, &[], &trailer)?;
    out.inner.flush()?;
    Ok(Summary { rows, events })
}

/// Checks a backup file whole: header, every frame, the trailer's count and hash.
pub fn verify(path: &Path) -> Result<Summary> {
    let file = std::fs::File::open(path)?;
    read(BufReader::new(file), |_, _, _| Ok(()))
}

/// Restores a backup into `store`, which must hold no events and no switches. The file is
/// checked whole first, so a bad file writes nothing.
pub fn restore(store: &Store, path: &Path) -> Result<Summary> {
    if !store.is_empty() {
        return Err(StoreError::Backup(
            "the data folder already holds scans or switches: restore into an empty one".into(),
        ));
    }
    verify(path)?;
    let file = std::fs::File::open(path)?;
    let mut log = sled::Batch::default();
    let mut switches = sled::Batch::default();
    let mut meta = sled::Batch::default();
    let mut checkpoints = sled::Batch::default();
    let summary = read(BufReader::new(file), |kind, key, value| {
        match kind {
            SWITCH => switches.insert(key, value),
            CHECKPOINT => checkpoints.insert(key, value),
            // An empty store may already hold the built-in admin's account (its first start
            // notes the admin password): the backup's version replaces it. Its epoch then
            // ends sessions the same way the backed-up server did.
            META => meta.insert(key, value),
            _ => log.insert(key, value),
        }
        Ok(())
    })?;
    // Marked while writing: a restore stopped half-way is undone at the next open.
    store.writing(|t| {
        t.meta.insert(super::RESTORING_KEY, &[])?;
        t.db.flush()?;
        t.log.apply_batch(log)?;
        t.switches.apply_batch(switches)?;
        t.meta.apply_batch(meta)?;
        t.checkpoints.apply_batch(checkpoints)?;
        t.db.flush()?;
        Ok(())
    })?;
    store.load()?;
    store.checkpoint()?;
    store.writing(|t| {
        t.meta.remove(super::RESTORING_KEY)?;
        t.db.flush()?;
        Ok(())
    })?;
    Ok(summary)
}

/// Reads a backup, handing each frame to `each`, and checks it; `each` sees frames before the
/// trailer is checked, so callers that write must `verify` first.
fn read(
    mut input: impl Read,
    mut each: impl FnMut(u8, &[u8], &[u8]) -> Result<()>,
) -> Result<Summary> {
    let bad = |what: &str| StoreError::Backup(format!("not a valid docent backup: {what}"));
    let mut hasher = blake3::Hasher::new();
    let mut header = [0u8; MAGIC.len() + 1];
    input
        .read_exact(&mut header)
        .map_err(|_| bad("no header"))?;
    if &header[..MAGIC.len()] != MAGIC {
        return Err(bad("no header (another kind of file?)"));
    }
    if !READS.contains(&header[MAGIC.len()]) {
        return Err(bad("a format this version does not read"));
    }
    hasher.update(&header);
    let (mut rows, mut events, mut next_seq, mut names) = (0u64, 0u64, 0u64, 0u32);
    loop {
        let Some((kind, key, value)) =
            read_frame(&mut input).map_err(|_| bad("it is cut short (no trailer)"))?
        else {
            return Err(bad("it is cut short (no trailer)"));
        };
        if kind == TRAILER {
            let expected = hasher.finalize();
            if !key.is_empty()
                || value.len() != 40
                || value[..8] != rows.to_be_bytes()
                || value[8..] != *expected.as_bytes()
            {
                return Err(bad(
                    "its contents do not match its trailer (damaged or edited)",
                ));
            }
            let mut rest = [0u8; 1];
            if input.read(&mut rest)? != 0 {
                return Err(bad("there is data after the trailer"));
            }
            return Ok(Summary { rows, events });
        }
        if !KINDS.contains(&kind) {
            return Err(bad(&format!("an unknown kind of record ({kind:#04x})")));
        }
        if !matches!(kind, SWITCH | META | CHECKPOINT) && key.first() != Some(&kind) {
            return Err(bad("a record under the wrong kind"));
        }
        // Everything a restored store checks when it opens is checked here, before anything
        // is written.
        match kind {
            NAME => {
                let id = super::u32_at(&key[1..]).map_err(|_| bad("a malformed name key"))?;
                if id != names + 1 || std::str::from_utf8(&value).is_err() {
                    return Err(bad("a gap or a malformed name in the dictionary"));
                }
                names = id;
            }
            BLOCK => {
                let first = super::u64_at(&key[1..]).map_err(|_| bad("a malformed block key"))?;
                // The log may begin after 0: retention (`--retain-days`) removed its oldest
                // blocks. After the first, blocks follow without a gap.
                if events == 0 {
                    next_seq = first;
                } else if first != next_seq {
                    return Err(bad("a gap in the event log"));
                }
                let facts = record::decode_block(&value)
                    .map_err(|_| bad("a block this version cannot read"))?;
                let known = |id: record::NameId| id.0 >= 1 && id.0 <= names;
                if !facts.iter().all(|f| {
                    [f.exhibition, f.code, f.story, f.phase]
                        .into_iter()
                        .chain(f.station)
                        .all(known)
                }) {
                    return Err(bad("a record naming something not in the dictionary"));
                }
                next_seq += facts.len() as u64;
                events += facts.len() as u64;
            }
            UNKNOWN => {
                if super::unknown_key_parts(&key).is_none() || value.len() != 8 {
                    return Err(bad("a malformed unknown-code count"));
                }
            }
            META => {
                let readable = if key.starts_with(super::accounts::ACCOUNT_PREFIX) {
                    serde_json::from_slice::<crate::people::Account>(&value).is_ok()
                } else if key.starts_with(super::audit::AUDIT_PREFIX) {
                    serde_json::from_slice::<super::audit::AuditEntry>(&value).is_ok()
                } else {
                    false
                };
                if !readable {
                    return Err(bad("a malformed account or audit entry"));
                }
            }
            CHECKPOINT => {
                if key != super::CHECKPOINT_KEY && key.len() != 9 {
                    return Err(bad("a malformed part of the figures' checkpoint"));
                }
            }
            _ => {
                if serde_json::from_slice::<crate::catalog::Switch>(&value).is_err() {
                    return Err(bad("a malformed phase switch"));
                }
            }
        }
        hasher.update(&frame_bytes(kind, &key, &value));
        each(kind, &key, &value)?;
        rows += 1;
    }
}

fn frame_bytes(kind: u8, key: &[u8], value: &[u8]) -> Vec<u8> {
    let mut bytes = Vec::with_capacity(9 + key.len() + value.len());
    bytes.push(kind);
    bytes.extend_from_slice(&(key.len() as u32).to_be_bytes());
    bytes.extend_from_slice(key);
    bytes.extend_from_slice(&(value.len() as u32).to_be_bytes());
    bytes.extend_from_slice(value);
    bytes
}

fn frame(out: &mut impl Write, kind: u8, key: &[u8], value: &[u8]) -> Result<()> {
    out.write_all(&frame_bytes(kind, key, value))?;
    Ok(())
}

/// The largest key or value a frame may claim, so a damaged length cannot allocate gigabytes.
const MAX_PART: usize = 64 << 20;

#[allow(clippy::type_complexity)]
fn read_frame(input: &mut impl Read) -> std::io::Result<Option<(u8, Vec<u8>, Vec<u8>)>> {
    let mut kind = [0u8; 1];
    if input.read(&mut kind)? == 0 {
        return Ok(None);
    }
    let mut part = || -> std::io::Result<Vec<u8>> {
        let mut len = [0u8; 4];
        input.read_exact(&mut len)?;
        let len = u32::from_be_bytes(len) as usize;
        if len > MAX_PART {
            return Err(std::io::Error::other("a frame too large"));
        }
        let mut bytes = vec![0u8; len];
        input.read_exact(&mut bytes)?;
        Ok(bytes)
    };
    let key = part()?;
    let value = part()?;
    Ok(Some((kind[0], key, value)))
}

/// A writer that hashes what passes through it.
struct Hashing<W> {
    inner: W,
    hasher: blake3::Hasher,
}

impl<W: Write> Hashing<W> {
    fn new(inner: W) -> Self {
        Hashing {
            inner,
            hasher: blake3::Hasher::new(),
        }
    }
}

impl<W: Write> Write for Hashing<W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let n = self.inner.write(buf)?;
        self.hasher.update(&buf[..n]);
        Ok(n)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.inner.flush()
    }
}

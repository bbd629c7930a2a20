//! Block format 4: the records of a block stored column by column, then compressed (zstd).
//!
//! A block's records have much in common: one exhibition, a few codes and stories, the same
//! visitor for a scan and the signals after it, times seconds apart. Written row by row
//! (formats 1 to 3, postcard) a record took about 20 bytes; as columns, the values that repeat
//! sit next to each other and zstd takes most of them away (see BENCHMARKS.md for the figures).
//!
//! Layout, after the version byte:
//! - the block's **names**: a count, then the dictionary ids the block uses, each as the zigzag
//!   difference from the one before. Records refer to a name by its place in this table, so a
//!   block made against another dictionary (a replica's portable batch) is taken into this
//!   one by rewriting the table alone (`rebase`): the records are not encoded again.
//! - a codec byte (`PLAIN` or `ZSTD`; the smaller is written), for zstd the body's length;
//! - the **body**: the record count, the base time, the time unit, the block's distinct
//!   visitor ids (8 bytes each), then one column per field: times as zigzag differences from
//!   the record before (in the unit), the one-byte fields, then the name and visitor places.
//!
//! Integers are LEB128 varints throughout. Every count is checked against the bytes left, so
//! a damaged block is refused with an error, never a panic or a huge allocation.

use std::cell::RefCell;
use std::collections::HashMap;

use super::{Record, SignalRecord, StoreError};

const PLAIN: u8 = 0;
const ZSTD: u8 = 1;
/// zstd's level: on simulated traffic levels 1 to 6 gave the same size within a sled segment,
/// 19 about 4 % less for a quarter more time (BENCHMARKS.md).
const LEVEL: i32 = 3;
/// A body bigger than this is refused as damaged (a block holds at most a few thousand records).
const MAX_BODY: usize = 16 << 20;
/// Time units (microseconds) a block's times may be counted in, coarsest first.
const UNITS: [i64; 3] = [1_000_000, 1_000, 1];

thread_local! {
    // One compression context a thread: making one costs more than compressing a batch.
    static COMPRESSOR: RefCell<Option<zstd::bulk::Compressor<'static>>> = const { RefCell::new(None) };
    static DECOMPRESSOR: RefCell<Option<zstd::bulk::Decompressor<'static>>> = const { RefCell::new(None) };
}

/// Encodes `records` (their times relative to `base`) as a format-4 block, version byte first.
pub(super) fn encode(version: u8, base: i64, records: &[Record]) -> Result<Vec<u8>, StoreError> {
    let mut names: Vec<u32> = records.iter().flat_map(ids).filter(|&id| id != 0).collect();
    names.sort_unstable();
    names.dedup();
    let place: HashMap<u32, u64> = names
        .iter()
        .enumerate()
        .map(|(i, &id)| (id, i as u64 + 1))
        .collect();
    let place = |id: u32| if id == 0 { 0 } else { place[&id] };

    let mut out = vec![version];
    put_names(&mut out, &names);

    let mut body = Vec::with_capacity(records.len() * 12 + 32);
    put(&mut body, records.len() as u64);
    put(&mut body, zigzag(base));
    let unit = UNITS
        .iter()
        .position(|u| records.iter().all(|r| r.at % u == 0))
        .unwrap_or(UNITS.len() - 1);
    body.push(unit as u8);
    let mut visitors: Vec<[u8; 8]> = Vec::new();
    let mut visitor_place: HashMap<[u8; 8], u64> = HashMap::new();
    let visitor_of: Vec<u64> = records
        .iter()
        .map(|r| {
            *visitor_place.entry(r.visitor).or_insert_with(|| {
                visitors.push(r.visitor);
                visitors.len() as u64 - 1
            })
        })
        .collect();
    put(&mut body, visitors.len() as u64);
    for v in &visitors {
        body.extend_from_slice(v);
    }
    let mut before = 0;
    for r in records {
        put(&mut body, zigzag((r.at - before) / UNITS[unit]));
        before = r.at;
    }
    for byte in [
        |r: &Record| r.flags,
        |r: &Record| r.when,
        |r: &Record| r.enums,
        |r: &Record| r.app,
        |r: &Record| r.route,
        |r: &Record| r.signal.map_or(0, |s| s.kind + 1),
    ] {
        body.extend(records.iter().map(byte));
    }
    for name in [
        |r: &Record| r.exhibition,
        |r: &Record| r.code,
        |r: &Record| r.station,
        |r: &Record| r.story,
        |r: &Record| r.phase,
        |r: &Record| r.signal.map_or(0, |s| s.about),
        |r: &Record| r.signal.map_or(0, |s| s.choice),
    ] {
        for r in records {
            put(&mut body, place(name(r)));
        }
    }
    for &v in &visitor_of {
        put(&mut body, v);
    }

    let packed = compress(&body)?;
    match packed {
        Some(packed) if packed.len() + 4 < body.len() => {
            out.push(ZSTD);
            put(&mut out, body.len() as u64);
            out.extend_from_slice(&packed);
        }
        _ => {
            out.push(PLAIN);
            out.extend_from_slice(&body);
        }
    }
    Ok(out)
}

/// Decodes a format-4 block (`bytes` after its version byte): (base, records).
pub(super) fn decode(bytes: &[u8]) -> Result<(i64, Vec<Record>), StoreError> {
    let mut r = Reader(bytes);
    let names = r.names()?;
    let body = match r.byte()? {
        PLAIN => std::borrow::Cow::Borrowed(r.0),
        ZSTD => {
            let len = r.count(MAX_BODY)?;
            std::borrow::Cow::Owned(decompress(r.0, len)?)
        }
        _ => return Err(StoreError::Corrupt("a block of an unknown codec")),
    };
    let mut r = Reader(&body);
    // Every record takes at least 14 bytes of columns.
    let n = r.count(body.len() / 14)?;
    let base = unzigzag(r.varint()?);
    let unit = *UNITS
        .get(usize::from(r.byte()?))
        .ok_or(StoreError::Corrupt("a block's time unit out of range"))?;
    let m = r.count(r.0.len() / 8)?;
    let visitors: Vec<[u8; 8]> = (0..m)
        .map(|_| r.take(8).map(|b| b.try_into().expect("8 bytes")))
        .collect::<Result<_, _>>()?;
    let mut at = 0i64;
    let times: Vec<i64> = (0..n)
        .map(|_| {
            let delta = unzigzag(r.varint()?)
                .checked_mul(unit)
                .ok_or(StoreError::Corrupt("a time out of range"))?;
            at = at
                .checked_add(delta)
                .ok_or(StoreError::Corrupt("a time out of range"))?;
            Ok(at)
        })
        .collect::<Result<_, StoreError>>()?;
    let mut bytes_column = || r.take(n).map(<[u8]>::to_vec);
    let (flags, when, enums, app, route, signal) = (
        bytes_column()?,
        bytes_column()?,
        bytes_column()?,
        bytes_column()?,
        bytes_column()?,
        bytes_column()?,
    );
    let mut name_column = || -> Result<Vec<u32>, StoreError> {
        (0..n)
            .map(|_| match r.varint()? {
                0 => Ok(0),
                i => names
                    .get(i as usize - 1)
                    .copied()
                    .ok_or(StoreError::Corrupt(
                        "a record naming a place out of its block",
                    )),
            })
            .collect()
    };
    let (exhibition, code, station, story, phase, about, choice) = (
        name_column()?,
        name_column()?,
        name_column()?,
        name_column()?,
        name_column()?,
        name_column()?,
        name_column()?,
    );
    let mut records = Vec::with_capacity(n);
    for i in 0..n {
        let visitor = *visitors
            .get(r.varint()? as usize)
            .ok_or(StoreError::Corrupt("a record's visitor out of its block"))?;
        records.push(Record {
            flags: flags[i],
            at: times[i],
            when: when[i],
            exhibition: exhibition[i],
            code: code[i],
            station: station[i],
            story: story[i],
            phase: phase[i],
            enums: enums[i],
            app: app[i],
            visitor,
            route: route[i],
            signal: signal[i].checked_sub(1).map(|kind| SignalRecord {
                kind,
                about: about[i],
                choice: choice[i],
            }),
        });
    }
    if !r.0.is_empty() {
        return Err(StoreError::Corrupt("bytes after a block's last column"));
    }
    Ok((base, records))
}

/// The dictionary ids a format-4 block (version byte first) names.
pub(super) fn names(block: &[u8]) -> Result<Vec<u32>, StoreError> {
    Reader(block.get(1..).unwrap_or_default()).names()
}

/// The same block with each name id replaced by `map(id)`: the records are copied as they are.
pub(super) fn rebase(
    block: &[u8],
    mut map: impl FnMut(u32) -> Result<u32, StoreError>,
) -> Result<Vec<u8>, StoreError> {
    let (&version, rest) = block
        .split_first()
        .ok_or(StoreError::Corrupt("an empty block"))?;
    let mut r = Reader(rest);
    let names = r
        .names()?
        .into_iter()
        .map(&mut map)
        .collect::<Result<Vec<_>, _>>()?;
    let mut out = Vec::with_capacity(block.len() + names.len() * 2);
    out.push(version);
    put_names(&mut out, &names);
    out.extend_from_slice(r.0);
    Ok(out)
}

fn ids(r: &Record) -> [u32; 7] {
    let (about, choice) = r.signal.map_or((0, 0), |s| (s.about, s.choice));
    [
        r.exhibition,
        r.code,
        r.station,
        r.story,
        r.phase,
        about,
        choice,
    ]
}

pub(super) fn put_names(out: &mut Vec<u8>, names: &[u32]) {
    put(out, names.len() as u64);
    let mut before = 0i64;
    for &id in names {
        put(out, zigzag(i64::from(id) - before));
        before = i64::from(id);
    }
}

fn compress(body: &[u8]) -> Result<Option<Vec<u8>>, StoreError> {
    COMPRESSOR.with(|slot| {
        let mut slot = slot.borrow_mut();
        if slot.is_none() {
            *slot = Some(zstd::bulk::Compressor::new(LEVEL).map_err(StoreError::Io)?);
        }
        let compressor = slot.as_mut().expect("made above");
        Ok(compressor.compress(body).ok())
    })
}

fn decompress(packed: &[u8], len: usize) -> Result<Vec<u8>, StoreError> {
    DECOMPRESSOR.with(|slot| {
        let mut slot = slot.borrow_mut();
        if slot.is_none() {
            *slot = Some(zstd::bulk::Decompressor::new().map_err(StoreError::Io)?);
        }
        let decompressor = slot.as_mut().expect("made above");
        let body = decompressor
            .decompress(packed, len)
            .map_err(|_| StoreError::Corrupt("a block that does not decompress"))?;
        if body.len() != len {
            return Err(StoreError::Corrupt("a block shorter than it says"));
        }
        Ok(body)
    })
}

fn put(out: &mut Vec<u8>, mut n: u64) {
    while n >= 0x80 {
        out.push((n as u8) | 0x80);
        n >>= 7;
    }
    out.push(n as u8);
}

fn zigzag(n: i64) -> u64 {
    ((n << 1) ^ (n >> 63)) as u64
}

fn unzigzag(n: u64) -> i64 {
    ((n >> 1) as i64) ^ -((n & 1) as i64)
}

struct Reader<'a>(&'a [u8]);

impl<'a> Reader<'a> {
    fn byte(&mut self) -> Result<u8, StoreError> {
        Ok(self.take(1)?[0])
    }

    fn take(&mut self, n: usize) -> Result<&'a [u8], StoreError> {
        if n > self.0.len() {
            return Err(StoreError::Corrupt("a block cut short"));
        }
        let (head, rest) = self.0.split_at(n);
        self.0 = rest;
        Ok(head)
    }

    fn varint(&mut self) -> Result<u64, StoreError> {
        let mut n = 0u64;
        for shift in (0..64).step_by(7) {
            let b = self.byte()?;
            n |= u64::from(b & 0x7f) << shift;
            if b & 0x80 == 0 {
                return Ok(n);
            }
        }
        Err(StoreError::Corrupt("a number too long in a block"))
    }

    /// A count, refused when above `most`.
    fn count(&mut self, most: usize) -> Result<usize, StoreError> {
        let n = self.varint()?;
        usize::try_from(n)
            .ok()
            .filter(|&n| n <= most)
            .ok_or(StoreError::Corrupt("a count larger than its block"))
    }

    fn names(&mut self) -> Result<Vec<u32>, StoreError> {
        let k = self.count(self.0.len())?;
        let mut before = 0i64;
        (0..k)
            .map(|_| {
                before = before.wrapping_add(unzigzag(self.varint()?));
                u32::try_from(before)
                    .ok()
                    .filter(|&id| id != 0)
                    .ok_or(StoreError::Corrupt("a name id out of range in a block"))
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn varints_and_zigzag_come_back() {
        for n in [0i64, 1, -1, 63, -64, 300, i64::MAX, i64::MIN] {
            assert_eq!(unzigzag(zigzag(n)), n);
            let mut out = Vec::new();
            put(&mut out, zigzag(n));
            assert_eq!(Reader(&out).varint().unwrap(), zigzag(n));
        }
    }

    #[test]
    fn a_truncated_or_damaged_block_is_an_error_not_a_panic() {
        assert!(decode(&[]).is_err());
        assert!(decode(&[0, PLAIN, 200, 1]).is_err());
        assert!(decode(&[0, ZSTD, 10, 1, 2, 3]).is_err());
        assert!(decode(&[0, 9]).is_err());
        assert!(decode(&[1, 0]).is_err(), "a name id 0");
    }
}

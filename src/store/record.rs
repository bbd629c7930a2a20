//! The binary format of the event log: a block of compact records per durable batch, and the
//! append-only dictionary that turns names (exhibitions, codes, stations, stories, phases)
//! into small ids.
//!
//! A record is about 20 bytes: flags, the time as a delta from the block's base, the local
//! hour and day (as an offset from the UTC day), five name ids, the enums packed in two bytes,
//! the 8-byte visitor id, and (since version 3) what a landing page sent back: one byte for
//! a scan or an open, a few more for a signal. Blocks start with a format version, so a later
//! format can add fields and still read these. Since version 4 a block stores its records
//! column by column and compressed (`columns`, about 12 bytes a record on disk); versions 1
//! to 3 (postcard rows) still decode. Names are never rewritten: renaming a story in the files adds
//! a new name, and old records keep pointing at the old one.
//!
//! Longer than 500 lines for a reason: the format is one thing, and its encoder, decoder and
//! round-trip tests (from line 787) are read together whenever a field is added.

use std::sync::Arc;

use jiff::Timestamp;
use jiff::civil::Date;
use serde::{Deserialize, Serialize};

use super::{Event, Kind, Share, Signal, StoreError, UnknownScan, Via, Visit};
use crate::access::Route;
use crate::catalog::{Lang, ShowState};
use crate::visitor::VisitorId;
use crate::visitor::{Device, InApp};

/// The block format this code writes. Readers accept every version up to it.
/// Version 2 added `route` to each record; version-1 records decode with no route for a scan
/// and `publisher` for an open (what the link was when routes were not told apart).
/// Version 3 added `signal` (confirmations, read-throughs, citations, reactions, poll
/// answers); version-2 records decode as the scans and opens they were.
/// Version 4 holds the same records column by column, compressed (`columns`): about a third
/// of the bytes; versions 1 to 3 still decode.
pub(super) const BLOCK_VERSION: u8 = 4;

mod columns;

/// A small number standing for a name in the dictionary.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct NameId(pub u32);

/// One scan or open, as stored.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(super) struct Record {
    /// bit 0: an open (else a scan); bit 1: reached by browsing; bit 2: a bot; bit 3: has a
    /// station; bit 4: a forwarded link (a share); bit 5: staff; bits 6-7: the share's kind.
    /// Blocks written before bits 4-7 were used hold zeros there: no share, not staff.
    flags: u8,
    /// Microseconds from the block's base time.
    at: i64,
    /// The local hour (bits 0-4) and the local day minus the UTC day, plus one (bits 5-6).
    when: u8,
    exhibition: u32,
    code: u32,
    station: u32,
    story: u32,
    phase: u32,
    /// Show state (bits 0-1), device (bits 2-3), language (bit 4).
    enums: u8,
    app: u8,
    visitor: [u8; 8],
    /// An open's route by stored number plus one; 0 for a scan. (Since version 2.)
    route: u8,
    /// What a landing page sent back; `None` for a scan or an open. (Since version 3.)
    signal: Option<SignalRecord>,
}

/// A signal as stored: its kind (`SIGNALS`' number) and its names (0 for none).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
struct SignalRecord {
    kind: u8,
    /// A reaction id or a poll id.
    about: u32,
    /// A poll answer's option id.
    choice: u32,
}

#[derive(Deserialize)]
#[cfg_attr(test, derive(Serialize))]
struct Block {
    base: i64,
    records: Vec<Record>,
}

/// A record as version 2 wrote it: `Record` without `signal`.
#[derive(Deserialize)]
#[cfg_attr(test, derive(Serialize))]
struct RecordV2 {
    flags: u8,
    at: i64,
    when: u8,
    exhibition: u32,
    code: u32,
    station: u32,
    story: u32,
    phase: u32,
    enums: u8,
    app: u8,
    visitor: [u8; 8],
    route: u8,
}

#[derive(Deserialize)]
#[cfg_attr(test, derive(Serialize))]
struct BlockV2 {
    base: i64,
    records: Vec<RecordV2>,
}

impl From<RecordV2> for Record {
    fn from(r: RecordV2) -> Record {
        Record {
            flags: r.flags,
            at: r.at,
            when: r.when,
            exhibition: r.exhibition,
            code: r.code,
            station: r.station,
            story: r.story,
            phase: r.phase,
            enums: r.enums,
            app: r.app,
            visitor: r.visitor,
            route: r.route,
            signal: None,
        }
    }
}

/// A record as version 1 wrote it: `Record` without `route`. postcard writes fields in order
/// with no names, so an old record is read with its own shape and then given the default.
#[derive(Deserialize)]
#[cfg_attr(test, derive(Serialize))]
struct RecordV1 {
    flags: u8,
    at: i64,
    when: u8,
    exhibition: u32,
    code: u32,
    station: u32,
    story: u32,
    phase: u32,
    enums: u8,
    app: u8,
    visitor: [u8; 8],
}

#[derive(Deserialize)]
#[cfg_attr(test, derive(Serialize))]
struct BlockV1 {
    base: i64,
    records: Vec<RecordV1>,
}

impl From<RecordV1> for Record {
    fn from(r: RecordV1) -> Record {
        let open = r.flags & 1 == 1;
        Record {
            flags: r.flags,
            at: r.at,
            when: r.when,
            exhibition: r.exhibition,
            code: r.code,
            station: r.station,
            story: r.story,
            phase: r.phase,
            enums: r.enums,
            app: r.app,
            visitor: r.visitor,
            route: if open {
                route_index(Route::Publisher) + 1
            } else {
                0
            },
            signal: None,
        }
    }
}

/// A decoded record with its names still as ids: what the views count.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) struct Fact {
    pub kind: Kind,
    pub via: Via,
    pub bot: bool,
    pub share: Option<Share>,
    pub staff: bool,
    pub at: Timestamp,
    pub day: Date,
    pub hour: i8,
    pub exhibition: NameId,
    pub code: NameId,
    pub station: Option<NameId>,
    pub story: NameId,
    pub phase: NameId,
    pub state: ShowState,
    pub device: Device,
    pub app: InApp,
    pub lang: Lang,
    pub visitor: VisitorId,
    pub route: Option<Route>,
    /// A reaction's or a poll's id; `None` for the other kinds.
    pub about: Option<NameId>,
    /// A poll answer's option id.
    pub choice: Option<NameId>,
}

/// One visit to encode: its kind, and the names a signal carries (`Signal::names`).
#[derive(Clone, Copy)]
pub(super) struct Entry<'a> {
    pub kind: Kind,
    pub visit: &'a Visit,
    pub about: Option<&'a str>,
    pub choice: Option<&'a str>,
}

impl<'a> Entry<'a> {
    /// The entry of an event; `None` for an unknown code.
    pub fn of(event: &'a Event) -> Option<Entry<'a>> {
        let (kind, visit) = event.visit()?;
        let (about, choice) = event.names();
        Some(Entry {
            kind,
            visit,
            about,
            choice,
        })
    }
}

// The enums' stored numbers. New variants go at the end; the order never changes.
const STATES: [ShowState; 3] = [ShowState::Upcoming, ShowState::Running, ShowState::Closed];
const DEVICES: [Device; 4] = [
    Device::Phone,
    Device::Tablet,
    Device::Desktop,
    Device::Other,
];
const ROUTES: [Route; 4] = [Route::Campus, Route::Proxy, Route::Oa, Route::Publisher];
/// Signal kinds by stored number (`SignalRecord::kind`).
const SIGNALS: [Kind; 6] = [
    Kind::Confirm,
    Kind::Read,
    Kind::Cite,
    Kind::React,
    Kind::Answer,
    Kind::Listen,
];
pub(super) const APPS: [InApp; 17] = [
    InApp::None,
    InApp::WeChat,
    InApp::WeCom,
    InApp::Qq,
    InApp::Weibo,
    InApp::Alipay,
    InApp::DingTalk,
    InApp::Douyin,
    InApp::Feishu,
    InApp::Facebook,
    InApp::Instagram,
    InApp::Line,
    InApp::Xiaohongshu,
    InApp::Baidu,
    InApp::Toutiao,
    InApp::Taobao,
    InApp::Jd,
];

// Exhaustive matches, so a new variant does not compile until it has its number (at the end
// of its table above).
fn state_index(s: ShowState) -> u8 {
    match s {
        ShowState::Upcoming => 0,
        ShowState::Running => 1,
        ShowState::Closed => 2,
    }
}

fn nth<T: Copy>(all: &[T], n: u8) -> Result<T, StoreError> {
    all.get(usize::from(n))
        .copied()
        .ok_or(StoreError::Corrupt("an enum value out of range"))
}

pub(super) fn device_index(d: Device) -> u8 {
    match d {
        Device::Phone => 0,
        Device::Tablet => 1,
        Device::Desktop => 2,
        Device::Other => 3,
    }
}

pub(super) fn app_index(a: InApp) -> u8 {
    match a {
        InApp::None => 0,
        InApp::WeChat => 1,
        InApp::WeCom => 2,
        InApp::Qq => 3,
        InApp::Weibo => 4,
        InApp::Alipay => 5,
        InApp::DingTalk => 6,
        InApp::Douyin => 7,
        InApp::Feishu => 8,
        InApp::Facebook => 9,
        InApp::Instagram => 10,
        InApp::Line => 11,
        InApp::Xiaohongshu => 12,
        InApp::Baidu => 13,
        InApp::Toutiao => 14,
        InApp::Taobao => 15,
        InApp::Jd => 16,
    }
}

/// A signal kind's stored number; `None` for a scan or an open (which have none).
fn signal_index(k: Kind) -> Option<u8> {
    match k {
        Kind::Scan | Kind::Open => None,
        Kind::Confirm => Some(0),
        Kind::Read => Some(1),
        Kind::Cite => Some(2),
        Kind::React => Some(3),
        Kind::Answer => Some(4),
        Kind::Listen => Some(5),
    }
}

pub(super) fn route_index(r: Route) -> u8 {
    match r {
        Route::Campus => 0,
        Route::Proxy => 1,
        Route::Oa => 2,
        Route::Publisher => 3,
    }
}

/// A language's stored number (four bits; `Lang::stored_number`). `check` refuses a show in a
/// language without one, so the English number for such a one is never written.
pub(super) fn lang_index(l: Lang) -> u8 {
    l.stored_number().unwrap_or(1)
}

/// The enum a counter's stored number stands for (`None` for a number no table has).
pub(super) fn device_at(n: u32) -> Option<Device> {
    DEVICES.get(n as usize).copied()
}
pub(super) fn app_at(n: u32) -> Option<InApp> {
    APPS.get(n as usize).copied()
}
pub(super) fn lang_at(n: u32) -> Option<Lang> {
    u8::try_from(n).ok().and_then(Lang::of_stored_number)
}
pub(super) fn route_at(n: u32) -> Option<Route> {
    ROUTES.get(n as usize).copied()
}

/// Days as one ordered number (not a count of days: only order and equality matter).
pub(super) fn day_number(d: Date) -> i32 {
    i32::from(d.year()) * 512 + i32::from(d.month()) * 32 + i32::from(d.day())
}

pub(super) fn day_of_number(n: i32) -> Option<Date> {
    let year = i16::try_from(n.div_euclid(512)).ok()?;
    let rest = n.rem_euclid(512);
    Date::new(year, (rest / 32) as i8, (rest % 32) as i8).ok()
}

/// Encodes a batch of visits, interning their names, as one block; with the facts the block
/// holds (made from the very records written, as a replay would decode them). Scans and
/// opens only (tests); the store encodes `Entry`s.
#[cfg(test)]
pub(super) fn encode_block(
    visits: &[(Kind, &Visit)],
    dictionary: &mut Dictionary,
) -> Result<(Vec<u8>, Vec<Fact>), StoreError> {
    encode_entries(&entries_of(visits), dictionary)
}

/// Scans and opens as entries (no signal names).
#[cfg(test)]
fn entries_of<'a>(visits: &[(Kind, &'a Visit)]) -> Vec<Entry<'a>> {
    visits
        .iter()
        .map(|(kind, visit)| Entry {
            kind: *kind,
            visit,
            about: None,
            choice: None,
        })
        .collect()
}

/// `encode_block` for entries that may be signals.
pub(super) fn encode_entries(
    entries: &[Entry<'_>],
    dictionary: &mut Dictionary,
) -> Result<(Vec<u8>, Vec<Fact>), StoreError> {
    let (base, records) = records_of(entries, dictionary);
    let facts = records
        .iter()
        .map(|r| fact(base, r))
        .collect::<Result<_, _>>()?;
    Ok((columns::encode(BLOCK_VERSION, base, &records)?, facts))
}

/// The records of `entries`, their names interned, times relative to the first's.
fn records_of(entries: &[Entry<'_>], dictionary: &mut Dictionary) -> (i64, Vec<Record>) {
    let base = entries
        .first()
        .map(|e| e.visit.at.as_microsecond())
        .unwrap_or(0);
    let mut records = Vec::with_capacity(entries.len());
    for entry in entries {
        let (kind, v) = (&entry.kind, entry.visit);
        let utc_day = v.at.to_zoned_datetime(jiff::tz::TimeZone::UTC).date();
        let day_shift = match v.day.cmp(&utc_day) {
            std::cmp::Ordering::Less => 0,
            std::cmp::Ordering::Equal => 1,
            std::cmp::Ordering::Greater => 2,
        };
        let mut flags = 0u8;
        flags |= u8::from(*kind == Kind::Open);
        flags |= u8::from(v.via == Via::Browse) << 1;
        flags |= u8::from(v.bot) << 2;
        flags |= u8::from(v.station.is_some()) << 3;
        flags |= share_bits(v.share);
        flags |= u8::from(v.staff) << 5;
        records.push(Record {
            flags,
            at: v.at.as_microsecond() - base,
            when: (v.hour.clamp(0, 23) as u8) | (day_shift << 5),
            exhibition: dictionary.intern(&v.exhibition).0,
            code: dictionary.intern(&v.code).0,
            station: v.station.as_deref().map_or(0, |s| dictionary.intern(s).0),
            story: dictionary.intern(&v.story).0,
            phase: dictionary.intern(&v.phase).0,
            enums: state_index(v.state) | (device_index(v.device) << 2) | (lang_index(v.lang) << 4),
            app: app_index(v.in_app),
            visitor: v.visitor.0.to_be_bytes(),
            route: v.route.map_or(0, |r| route_index(r) + 1),
            signal: signal_index(*kind).map(|kind| SignalRecord {
                kind,
                about: entry.about.map_or(0, |n| dictionary.intern(n).0),
                choice: entry.choice.map_or(0, |n| dictionary.intern(n).0),
            }),
        });
    }
    (base, records)
}

/// Decodes a block written by any version up to `BLOCK_VERSION`.
pub(super) fn decode_block(bytes: &[u8]) -> Result<Vec<Fact>, StoreError> {
    let (&version, body) = bytes
        .split_first()
        .ok_or(StoreError::Corrupt("an empty block"))?;
    let block: Block = match version {
        1 => {
            let old: BlockV1 = postcard::from_bytes(body)?;
            Block {
                base: old.base,
                records: old.records.into_iter().map(Record::from).collect(),
            }
        }
        2 => {
            let old: BlockV2 = postcard::from_bytes(body)?;
            Block {
                base: old.base,
                records: old.records.into_iter().map(Record::from).collect(),
            }
        }
        3 => postcard::from_bytes(body)?,
        4 => {
            let (base, records) = columns::decode(body)?;
            Block { base, records }
        }
        _ => return Err(StoreError::Corrupt("a block of an unknown format version")),
    };
    block.records.iter().map(|r| fact(block.base, r)).collect()
}

fn fact(base: i64, r: &Record) -> Result<Fact, StoreError> {
    let at = Timestamp::from_microsecond(base.saturating_add(r.at))
        .map_err(|_| StoreError::Corrupt("a time out of range"))?;
    let utc_day = at.to_zoned_datetime(jiff::tz::TimeZone::UTC).date();
    let day = match r.when >> 5 {
        0 => utc_day.yesterday(),
        1 => Ok(utc_day),
        _ => utc_day.tomorrow(),
    }
    .map_err(|_| StoreError::Corrupt("a day out of range"))?;
    let id = |n: u32| (n != 0).then_some(NameId(n));
    Ok(Fact {
        kind: match r.signal {
            Some(s) => nth(&SIGNALS, s.kind)?,
            None if r.flags & 1 == 1 => Kind::Open,
            None => Kind::Scan,
        },
        about: r.signal.and_then(|s| id(s.about)),
        choice: r.signal.and_then(|s| id(s.choice)),
        via: if r.flags & 2 == 2 {
            Via::Browse
        } else {
            Via::Qr
        },
        bot: r.flags & 4 == 4,
        share: share_of_bits(r.flags),
        staff: r.flags & 32 == 32,
        at,
        day,
        hour: (r.when & 31) as i8,
        exhibition: NameId(r.exhibition),
        code: NameId(r.code),
        station: (r.flags & 8 == 8).then_some(NameId(r.station)),
        story: NameId(r.story),
        phase: NameId(r.phase),
        state: nth(&STATES, r.enums & 3)?,
        device: nth(&DEVICES, (r.enums >> 2) & 3)?,
        lang: lang_at(u32::from(r.enums >> 4))
            .ok_or(StoreError::Corrupt("a language out of range"))?,
        app: nth(&APPS, r.app)?,
        visitor: VisitorId(u64::from_be_bytes(r.visitor)),
        route: match r.route {
            0 => None,
            n => Some(nth(&ROUTES, n - 1)?),
        },
    })
}

/// A batch of events that carries its own names: what a replica publishes, so that another
/// replica (with its own dictionary) can read it. The visits are one block encoded against a
/// dictionary private to the batch; unknown-code hits travel as they are.
#[derive(Serialize, Deserialize)]
struct Portable {
    names: Vec<String>,
    block: Vec<u8>,
    /// (time in microseconds, local day number, code, bot)
    unknown: Vec<(i64, i32, String, bool)>,
}

/// Encodes events for another replica.
pub(super) fn encode_portable(events: &[&Event]) -> Result<Vec<u8>, StoreError> {
    let visits: Vec<Entry<'_>> = events.iter().filter_map(|e| Entry::of(e)).collect();
    let mut names = Dictionary::default();
    let block = if visits.is_empty() {
        Vec::new()
    } else {
        encode_entries(&visits, &mut names)?.0
    };
    let unknown = events
        .iter()
        .filter_map(|e| match e {
            Event::Unknown(u) => Some((
                u.at.as_microsecond(),
                day_number(u.day),
                u.code.clone(),
                u.bot,
            )),
            _ => None,
        })
        .collect();
    let portable = Portable {
        names: names.names.iter().map(|n| n.to_string()).collect(),
        block,
        unknown,
    };
    Ok(postcard::to_extend(&portable, vec![BLOCK_VERSION])?)
}

/// Decodes what `encode_portable` wrote (any version up to this one's).
pub(super) fn decode_portable(bytes: &[u8]) -> Result<Vec<Event>, StoreError> {
    let (&version, body) = bytes
        .split_first()
        .ok_or(StoreError::Corrupt("an empty batch"))?;
    if version == 0 || version > BLOCK_VERSION {
        return Err(StoreError::Corrupt("a batch of an unknown format version"));
    }
    let portable: Portable = postcard::from_bytes(body)?;
    let name = |id: NameId| -> Result<String, StoreError> {
        id.0.checked_sub(1)
            .and_then(|i| portable.names.get(i as usize))
            .cloned()
            .ok_or(StoreError::Corrupt("a name missing from a batch"))
    };
    let mut events = Vec::new();
    if !portable.block.is_empty() {
        for f in decode_block(&portable.block)? {
            events.push(event_of(&f, &name)?);
        }
    }
    events.extend(unknown_events(portable.unknown)?);
    Ok(events)
}

/// A portable batch taken into this store: its visits as one block against this store's
/// dictionary, with the facts it holds, and its unknown-code hits.
pub(super) struct Localized {
    pub block: Option<(Vec<u8>, Vec<Fact>)>,
    pub unknown: Vec<Event>,
}

/// Takes a portable batch into `dictionary`. A block of this version keeps its records as
/// they are: only its table of names is rewritten (`columns::rebase`), so a replicated scan
/// is encoded once, by the replica that served it. An older batch is decoded and encoded again.
pub(super) fn localize_portable(
    bytes: &[u8],
    dictionary: &mut Dictionary,
) -> Result<Localized, StoreError> {
    let (&version, body) = bytes
        .split_first()
        .ok_or(StoreError::Corrupt("an empty batch"))?;
    if version == 0 || version > BLOCK_VERSION {
        return Err(StoreError::Corrupt("a batch of an unknown format version"));
    }
    let portable: Portable = postcard::from_bytes(body)?;
    let unknown = unknown_events(portable.unknown)?;
    let block = match portable.block.first() {
        None => None,
        Some(&BLOCK_VERSION) => {
            let named = |id: u32| {
                portable
                    .names
                    .get(id as usize - 1)
                    .ok_or(StoreError::Corrupt("a name missing from a batch"))
            };
            // Every name checked before any is taken in.
            for id in columns::names(&portable.block)? {
                named(id)?;
            }
            let block = columns::rebase(&portable.block, |id| Ok(dictionary.intern(named(id)?).0))?;
            let facts = decode_block(&block)?;
            Some((block, facts))
        }
        Some(_) => {
            let events = decode_portable(bytes)?;
            let entries: Vec<Entry<'_>> = events.iter().filter_map(Entry::of).collect();
            Some(encode_entries(&entries, dictionary)?)
        }
    };
    Ok(Localized { block, unknown })
}

fn unknown_events(unknown: Vec<(i64, i32, String, bool)>) -> Result<Vec<Event>, StoreError> {
    unknown
        .into_iter()
        .map(|(at, day, code, bot)| {
            Ok(Event::Unknown(UnknownScan {
                at: Timestamp::from_microsecond(at)
                    .map_err(|_| StoreError::Corrupt("a time out of range"))?,
                day: day_of_number(day).ok_or(StoreError::Corrupt("a day out of range"))?,
                code,
                bot,
            }))
        })
        .collect()
}

/// The event a fact records, its names resolved.
pub(super) fn event_of(
    f: &Fact,
    mut name: impl FnMut(NameId) -> Result<String, StoreError>,
) -> Result<Event, StoreError> {
    let visit = visit_of(f, &mut name)?;
    let mut named =
        |id: Option<NameId>| id.map(&mut name).transpose().map(Option::unwrap_or_default);
    Ok(match f.kind {
        Kind::Scan => Event::Scan(visit),
        Kind::Open => Event::Open(visit),
        Kind::Confirm => Event::Signal(visit, Signal::Confirm),
        Kind::Read => Event::Signal(visit, Signal::Read),
        Kind::Cite => Event::Signal(visit, Signal::Cite),
        Kind::Listen => Event::Signal(visit, Signal::Listen),
        Kind::React => Event::Signal(visit, Signal::React(named(f.about)?)),
        Kind::Answer => {
            let poll = named(f.about)?;
            Event::Signal(
                visit,
                Signal::Answer {
                    poll,
                    option: named(f.choice)?,
                },
            )
        }
    })
}

/// A fact with its names resolved.
pub(super) fn visit_of(
    f: &Fact,
    mut name: impl FnMut(NameId) -> Result<String, StoreError>,
) -> Result<Visit, StoreError> {
    Ok(Visit {
        at: f.at,
        day: f.day,
        hour: f.hour,
        code: name(f.code)?,
        exhibition: name(f.exhibition)?,
        station: f.station.map(&mut name).transpose()?,
        story: name(f.story)?,
        phase: name(f.phase)?,
        state: f.state,
        visitor: f.visitor,
        device: f.device,
        in_app: f.app,
        lang: f.lang,
        bot: f.bot,
        via: f.via,
        route: f.route,
        share: f.share,
        staff: f.staff,
    })
}

/// Bit 4 and the kind in bits 6-7 (0 other, 1 single chat, 2 group chat, 3 Moments).
fn share_bits(share: Option<Share>) -> u8 {
    let kind = match share {
        None => return 0,
        Some(Share::Other) => 0,
        Some(Share::Single) => 1,
        Some(Share::Group) => 2,
        Some(Share::Timeline) => 3,
    };
    16 | (kind << 6)
}

fn share_of_bits(flags: u8) -> Option<Share> {
    (flags & 16 == 16).then_some(match flags >> 6 {
        1 => Share::Single,
        2 => Share::Group,
        3 => Share::Timeline,
        _ => Share::Other,
    })
}

/// Every name ever stored, by id. Append-only: ids never change meaning. Names added since
/// the last durable write are `unsaved` and go into the next batch, so a failed write that is
/// retried still stores them before (and atomically with) the records using them.
#[derive(Debug, Default)]
pub(super) struct Dictionary {
    names: Vec<Arc<str>>,
    ids: foldhash::HashMap<Arc<str>, NameId>,
    saved: usize,
}

impl Dictionary {
    /// Ids start at 1: 0 means "none" in a record.
    pub fn intern(&mut self, name: &str) -> NameId {
        if let Some(id) = self.ids.get(name) {
            return *id;
        }
        let name: Arc<str> = Arc::from(name);
        let id = NameId(self.names.len() as u32 + 1);
        self.names.push(name.clone());
        self.ids.insert(name, id);
        id
    }

    pub fn id(&self, name: &str) -> Option<NameId> {
        self.ids.get(name).copied()
    }

    pub fn name(&self, id: NameId) -> &str {
        id.0.checked_sub(1)
            .and_then(|i| self.names.get(i as usize))
            .map_or("", |n| n)
    }

    /// Loads a stored entry (on open or restore); entries come in id order.
    pub fn load(&mut self, id: u32, name: &str) -> Result<(), StoreError> {
        if id as usize != self.names.len() + 1 {
            return Err(StoreError::Corrupt("a gap in the name dictionary"));
        }
        self.intern(name);
        self.saved = self.names.len();
        Ok(())
    }

    /// Names not yet written: (id, name).
    pub fn unsaved(&self) -> impl Iterator<Item = (u32, &str)> {
        self.names[self.saved..]
            .iter()
            .enumerate()
            .map(|(i, n)| ((self.saved + i + 1) as u32, n.as_ref()))
    }

    pub fn mark_saved(&mut self) {
        self.saved = self.names.len();
    }
}

#[cfg(test)]
pub(super) mod tests {
    use super::*;

    fn visit(station: Option<&str>, day: &str) -> Visit {
        Visit {
            at: "2026-11-20T17:30:00.123456Z".parse().unwrap(),
            day: day.parse().unwrap(),
            hour: 1,
            code: "NCA1".into(),
            exhibition: "show".into(),
            station: station.map(Into::into),
            story: "alphago".into(),
            phase: "one".into(),
            state: ShowState::Closed,
            visitor: VisitorId(0xdead_beef_0123_4567),
            device: Device::Tablet,
            in_app: InApp::Line,
            lang: Lang::EN,
            bot: true,
            via: Via::Browse,
            route: None,
            share: None,
            staff: false,
        }
    }

    #[test]
    fn a_block_decodes_to_what_was_encoded_in_about_twenty_bytes_a_record() {
        let mut dict = Dictionary::default();
        let a = visit(Some("A1"), "2026-11-21");
        let b = visit(None, "2026-11-20");
        let many: Vec<(Kind, &Visit)> = (0..100).map(|_| (Kind::Scan, &a)).collect();
        let (bytes, _) = encode_block(&many, &mut dict).unwrap();
        assert!(bytes.len() < 100 * 24, "{} bytes", bytes.len());
        let (bytes, written) =
            encode_block(&[(Kind::Open, &a), (Kind::Scan, &b)], &mut dict).unwrap();
        let facts = decode_block(&bytes).unwrap();
        assert_eq!(written, facts, "what is counted is what a replay reads");
        let f = facts[0];
        assert_eq!((f.kind, f.via, f.bot), (Kind::Open, Via::Browse, true));
        assert_eq!((f.at, f.day, f.hour), (a.at, a.day, 1));
        assert_eq!(dict.name(f.station.unwrap()), "A1");
        assert_eq!(dict.name(f.story), "alphago");
        assert_eq!(
            (f.state, f.device, f.app, f.lang),
            (ShowState::Closed, Device::Tablet, InApp::Line, Lang::EN)
        );
        assert_eq!(f.visitor, a.visitor);
        assert_eq!(facts[1].station, None);
        assert_eq!(facts[1].day, b.day);
        assert_eq!((f.share, f.staff), (None, false));
    }

    #[test]
    fn shares_and_staff_ride_in_the_flags_and_cross_replicas() {
        let mut dict = Dictionary::default();
        let kinds = [
            None,
            Some(Share::Other),
            Some(Share::Single),
            Some(Share::Group),
            Some(Share::Timeline),
        ];
        let visits: Vec<Visit> = kinds
            .iter()
            .enumerate()
            .map(|(i, share)| Visit {
                share: *share,
                staff: i % 2 == 1,
                bot: false,
                ..visit(Some("A1"), "2026-11-21")
            })
            .collect();
        let pairs: Vec<(Kind, &Visit)> = visits.iter().map(|v| (Kind::Scan, v)).collect();
        let (bytes, _) = encode_block(&pairs, &mut dict).unwrap();
        let facts = decode_block(&bytes).unwrap();
        for (f, v) in facts.iter().zip(&visits) {
            assert_eq!((f.share, f.staff, f.bot), (v.share, v.staff, false));
            assert_eq!(f.station, Some(dict.id("A1").unwrap()), "bit 3 untouched");
        }
        let events: Vec<Event> = visits.iter().cloned().map(Event::Scan).collect();
        let refs: Vec<&Event> = events.iter().collect();
        let back = decode_portable(&encode_portable(&refs).unwrap()).unwrap();
        assert_eq!(back, events);
    }

    #[test]
    fn a_portable_batch_reads_back_as_the_same_events_without_the_dictionary() {
        let a = visit(Some("A1"), "2026-11-21");
        let b = visit(None, "2026-11-20");
        let events = [
            Event::Scan(a.clone()),
            Event::Unknown(UnknownScan {
                at: a.at,
                day: a.day,
                code: "ZZ9".into(),
                bot: false,
            }),
            Event::Open(b),
        ];
        let refs: Vec<&Event> = events.iter().collect();
        let bytes = encode_portable(&refs).unwrap();
        let back = decode_portable(&bytes).unwrap();
        // Visits first, in order, then the unknown-code hits.
        assert_eq!(
            back,
            vec![events[0].clone(), events[2].clone(), events[1].clone()]
        );
        assert!(decode_portable(&bytes[..bytes.len() - 3]).is_err());
        assert!(decode_portable(&[BLOCK_VERSION + 1]).is_err());
    }

    /// The records of `visits` as blocks of versions 1 to 3 held them.
    fn version_3_records(visits: &[(Kind, &Visit)], dictionary: &mut Dictionary) -> Block {
        version_3_of(&entries_of(visits), dictionary)
    }

    fn version_3_of(entries: &[Entry<'_>], dictionary: &mut Dictionary) -> Block {
        let (base, records) = records_of(entries, dictionary);
        Block { base, records }
    }

    /// A version-3 block (postcard rows) as the previous release wrote it, holding `entries`.
    pub(in crate::store) fn version_3_block(
        entries: &[Entry<'_>],
        dictionary: &mut Dictionary,
    ) -> Vec<u8> {
        postcard::to_extend(&version_3_of(entries, dictionary), vec![3]).unwrap()
    }

    /// A version-1 block as the previous release wrote it, holding `visits`.
    pub(in crate::store) fn version_1_block(
        visits: &[(Kind, &Visit)],
        dictionary: &mut Dictionary,
    ) -> Vec<u8> {
        let block = version_3_records(visits, dictionary);
        let old = BlockV1 {
            base: block.base,
            records: block
                .records
                .into_iter()
                .map(|r| RecordV1 {
                    flags: r.flags,
                    at: r.at,
                    when: r.when,
                    exhibition: r.exhibition,
                    code: r.code,
                    station: r.station,
                    story: r.story,
                    phase: r.phase,
                    enums: r.enums,
                    app: r.app,
                    visitor: r.visitor,
                })
                .collect(),
        };
        postcard::to_extend(&old, vec![1]).unwrap()
    }

    /// A version-2 block as the previous release wrote it (no signals), holding `visits`.
    pub(in crate::store) fn version_2_block(
        visits: &[(Kind, &Visit)],
        dictionary: &mut Dictionary,
    ) -> Vec<u8> {
        let block = version_3_records(visits, dictionary);
        let old = BlockV2 {
            base: block.base,
            records: block
                .records
                .into_iter()
                .map(|r| RecordV2 {
                    flags: r.flags,
                    at: r.at,
                    when: r.when,
                    exhibition: r.exhibition,
                    code: r.code,
                    station: r.station,
                    story: r.story,
                    phase: r.phase,
                    enums: r.enums,
                    app: r.app,
                    visitor: r.visitor,
                    route: r.route,
                })
                .collect(),
        };
        postcard::to_extend(&old, vec![2]).unwrap()
    }

    #[test]
    fn version_2_blocks_decode_unchanged_as_scans_and_opens() {
        let mut dict = Dictionary::default();
        let a = visit(Some("A1"), "2026-11-21");
        let open = a.clone().opened_by(Route::Proxy);
        let pairs = [(Kind::Scan, &a), (Kind::Open, &open)];
        let old = version_2_block(&pairs, &mut dict);
        assert_eq!(old[0], 2);
        let (new, written) = encode_block(&pairs, &mut dict).unwrap();
        assert_eq!(new[0], BLOCK_VERSION);
        let facts = decode_block(&old).unwrap();
        assert_eq!(
            facts, written,
            "an old block reads as the same facts as a new one"
        );
        assert_eq!(facts[1].route, Some(Route::Proxy));
        assert_eq!((facts[0].about, facts[0].choice), (None, None));
    }

    #[test]
    fn signals_survive_a_block_and_a_portable_batch() {
        let v = visit(Some("A1"), "2026-11-21");
        let signals = [
            Signal::Confirm,
            Signal::Read,
            Signal::Cite,
            Signal::React("interesting".into()),
            Signal::Answer {
                poll: "next-phase".into(),
                option: "genomes".into(),
            },
        ];
        let mut events = vec![Event::Scan(v.clone())];
        events.extend(signals.iter().map(|s| Event::Signal(v.clone(), s.clone())));
        let entries: Vec<Entry<'_>> = events.iter().filter_map(Entry::of).collect();
        let mut dict = Dictionary::default();
        let (bytes, written) = encode_entries(&entries, &mut dict).unwrap();
        let facts = decode_block(&bytes).unwrap();
        assert_eq!(facts, written);
        let kinds: Vec<Kind> = facts.iter().map(|f| f.kind).collect();
        assert_eq!(
            kinds,
            [
                Kind::Scan,
                Kind::Confirm,
                Kind::Read,
                Kind::Cite,
                Kind::React,
                Kind::Answer
            ]
        );
        assert_eq!(dict.name(facts[4].about.unwrap()), "interesting");
        assert_eq!(dict.name(facts[5].about.unwrap()), "next-phase");
        assert_eq!(dict.name(facts[5].choice.unwrap()), "genomes");
        let refs: Vec<&Event> = events.iter().collect();
        let back = decode_portable(&encode_portable(&refs).unwrap()).unwrap();
        assert_eq!(
            back, events,
            "a replica reads the signals another one stored"
        );
        for (i, k) in SIGNALS.iter().enumerate() {
            assert_eq!(signal_index(*k), Some(i as u8));
        }
    }

    /// Every kind of event, with shares, staff, bots and opens by every route.
    fn every_kind() -> Vec<Event> {
        let v = visit(Some("A1"), "2026-11-21");
        let mut events = vec![Event::Scan(v.clone())];
        for (i, s) in [
            Signal::Confirm,
            Signal::Read,
            Signal::Cite,
            Signal::React("interesting".into()),
            Signal::Answer {
                poll: "next-phase".into(),
                option: "genomes".into(),
            },
        ]
        .into_iter()
        .enumerate()
        {
            let at = v.at + jiff::SignedDuration::from_micros(i as i64 * 1_234_567 - 3_000_000);
            events.push(Event::Signal(Visit { at, ..v.clone() }, s));
        }
        for (i, r) in ROUTES.iter().enumerate() {
            let other = Visit {
                visitor: VisitorId(i as u64),
                station: None,
                share: Some(Share::Group),
                staff: i == 1,
                bot: false,
                ..visit(None, "2026-11-20")
            };
            events.push(Event::Open(other.opened_by(*r)));
        }
        events
    }

    #[test]
    fn version_3_blocks_decode_unchanged_with_their_signals() {
        let events = every_kind();
        let entries: Vec<Entry<'_>> = events.iter().filter_map(Entry::of).collect();
        let mut dict = Dictionary::default();
        let old = version_3_block(&entries, &mut dict);
        assert_eq!(old[0], 3);
        let (new, written) = encode_entries(&entries, &mut dict).unwrap();
        assert_eq!(new[0], BLOCK_VERSION);
        assert_eq!(decode_block(&old).unwrap(), written);
        assert_eq!(decode_block(&new).unwrap(), written);
    }

    #[test]
    fn version_4_blocks_hold_every_field_in_a_third_of_the_bytes() {
        let events = every_kind();
        let entries: Vec<Entry<'_>> = events.iter().filter_map(Entry::of).collect();
        let mut dict = Dictionary::default();
        let (bytes, written) = encode_entries(&entries, &mut dict).unwrap();
        assert_eq!(
            decode_block(&bytes).unwrap(),
            written,
            "microsecond times too"
        );
        let back: Vec<Event> = written
            .iter()
            .map(|f| event_of(f, |id| Ok(dict.name(id).to_string())).unwrap())
            .collect();
        assert_eq!(back, events);

        // A day's traffic as a busy server batches it: 256 records, 90 visitors, whole
        // seconds apart, a few stations.
        let visits: Vec<Visit> = (0..256u64)
            .map(|i| Visit {
                at: "2026-11-20T09:00:00Z".parse::<Timestamp>().unwrap()
                    + jiff::SignedDuration::from_secs(i as i64 * 3),
                visitor: VisitorId(0x9e37_79b9_7f4a_7c15u64.wrapping_mul(i / 3 + 1)),
                station: Some(format!("A{}", i % 5)),
                code: format!("NCA{}", i % 5),
                device: if i % 7 == 0 {
                    Device::Desktop
                } else {
                    Device::Phone
                },
                in_app: if i % 3 == 0 {
                    InApp::None
                } else {
                    InApp::WeChat
                },
                ..visit(None, "2026-11-20")
            })
            .collect();
        let pairs: Vec<(Kind, &Visit)> = visits.iter().map(|v| (Kind::Scan, v)).collect();
        let (v4, facts) = encode_block(&pairs, &mut dict).unwrap();
        let v3 = version_3_block(
            &pairs
                .iter()
                .map(|(kind, visit)| Entry {
                    kind: *kind,
                    visit,
                    about: None,
                    choice: None,
                })
                .collect::<Vec<_>>(),
            &mut dict,
        );
        assert_eq!(decode_block(&v4).unwrap(), facts);
        assert!(
            v4.len() * 3 < v3.len(),
            "format 4: {} bytes, format 3: {} bytes",
            v4.len(),
            v3.len()
        );
    }

    #[test]
    fn a_portable_block_is_taken_in_by_rewriting_its_names_alone() {
        let events = every_kind();
        let refs: Vec<&Event> = events.iter().collect();
        let portable = encode_portable(&refs).unwrap();
        // A store that knows other names already, under other ids.
        let mut dict = Dictionary::default();
        for name in ["elsewhere", "genomes", "show", "X9"] {
            dict.intern(name);
        }
        let localized = localize_portable(&portable, &mut dict).unwrap();
        let (block, facts) = localized.block.unwrap();
        assert_eq!(decode_block(&block).unwrap(), facts);
        let back: Vec<Event> = facts
            .iter()
            .map(|f| event_of(f, |id| Ok(dict.name(id).to_string())).unwrap())
            .collect();
        assert_eq!(back, events, "the same events, named by this store's ids");
        assert_eq!(
            dict.id("show"),
            Some(NameId(3)),
            "known names keep their ids"
        );
        let inner = postcard::from_bytes::<Portable>(&portable[1..])
            .unwrap()
            .block;
        let records_of = |b: &[u8]| b[1 + names_len(b)..].to_vec();
        assert_eq!(
            records_of(&inner),
            records_of(&block),
            "the records are the sender's bytes"
        );
    }

    /// The bytes of a format-4 block's table of names (after its version byte).
    fn names_len(block: &[u8]) -> usize {
        let mut table = Vec::new();
        columns::put_names(&mut table, &columns::names(block).unwrap());
        table.len()
    }

    #[test]
    fn version_1_blocks_decode_with_scans_routeless_and_opens_via_the_publisher() {
        let mut dict = Dictionary::default();
        let a = visit(Some("A1"), "2026-11-21");
        let old = version_1_block(&[(Kind::Scan, &a), (Kind::Open, &a)], &mut dict);
        assert_eq!(old[0], 1);
        let facts = decode_block(&old).unwrap();
        assert_eq!(facts[0].route, None);
        assert_eq!(facts[1].route, Some(Route::Publisher));
        assert_eq!(
            (facts[1].kind, facts[1].at, facts[1].visitor),
            (Kind::Open, a.at, a.visitor)
        );
        assert_eq!(dict.name(facts[1].story), "alphago");
    }

    #[test]
    fn routes_survive_a_block_and_a_portable_batch() {
        let mut dict = Dictionary::default();
        let scan = visit(Some("A1"), "2026-11-21");
        let opens: Vec<Visit> = ROUTES.iter().map(|r| scan.clone().opened_by(*r)).collect();
        let mut visits = vec![(Kind::Scan, &scan)];
        visits.extend(opens.iter().map(|v| (Kind::Open, v)));
        let (bytes, _) = encode_block(&visits, &mut dict).unwrap();
        assert_eq!(bytes[0], BLOCK_VERSION);
        let routes: Vec<Option<Route>> = decode_block(&bytes)
            .unwrap()
            .iter()
            .map(|f| f.route)
            .collect();
        assert_eq!(
            routes,
            vec![
                None,
                Some(Route::Campus),
                Some(Route::Proxy),
                Some(Route::Oa),
                Some(Route::Publisher)
            ]
        );
        let events: Vec<Event> = opens.into_iter().map(Event::Open).collect();
        let refs: Vec<&Event> = events.iter().collect();
        let back = decode_portable(&encode_portable(&refs).unwrap()).unwrap();
        assert_eq!(back, events, "a replica reads the route another one stored");
    }

    #[test]
    fn every_enum_number_names_its_own_variant() {
        for (i, d) in DEVICES.iter().enumerate() {
            assert_eq!(usize::from(device_index(*d)), i);
        }
        for (i, a) in APPS.iter().enumerate() {
            assert_eq!(usize::from(app_index(*a)), i);
        }
        for (i, tag) in crate::lang::COUNTED.iter().enumerate() {
            let lang = Lang::parse(tag).unwrap();
            assert_eq!(usize::from(lang_index(lang)), i);
            assert_eq!(lang_at(i as u32), Some(lang));
        }
        for (i, s) in STATES.iter().enumerate() {
            assert_eq!(usize::from(state_index(*s)), i);
        }
        for (i, r) in ROUTES.iter().enumerate() {
            assert_eq!(usize::from(route_index(*r)), i);
        }
    }

    #[test]
    fn unknown_versions_and_garbage_are_refused() {
        assert!(decode_block(&[]).is_err());
        assert!(decode_block(&[BLOCK_VERSION + 1, 0, 0]).is_err());
        assert!(decode_block(&[BLOCK_VERSION, 0xff, 0xff, 0xff]).is_err());
    }

    #[test]
    fn day_numbers_keep_order_and_come_back() {
        let days = ["2016-01-28", "2026-02-28", "2026-03-01", "2026-12-31"];
        let numbers: Vec<i32> = days
            .iter()
            .map(|d| day_number(d.parse().unwrap()))
            .collect();
        assert!(numbers.windows(2).all(|w| w[0] < w[1]));
        for (d, n) in days.iter().zip(numbers) {
            assert_eq!(day_of_number(n).unwrap().to_string(), *d);
        }
    }
}

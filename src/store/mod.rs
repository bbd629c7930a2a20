//! Everything sled: scans, opens, unknown-code scans, manual phase switches and the daily salt.
//!
//! sled types never leave this module. Trees carry a version in their name so a later format
//! can live beside this one. Event keys are the event time in microseconds, big-endian, then a
//! unique id, so a range scan returns time order. Calls block: web handlers run them on the
//! blocking pool.

use std::path::Path;
use std::sync::Mutex;

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
    /// What was asked for, cut short and limited to printable ASCII.
    pub code: String,
    pub bot: bool,
}

const SALT_KEY: &[u8] = b"daily-salt";

pub struct Store {
    db: sled::Db,
    scans: sled::Tree,
    opens: sled::Tree,
    unknown: sled::Tree,
    switches: sled::Tree,
    meta: sled::Tree,
    /// Today's salt, so the hot path does not read sled for it.
    salt: Mutex<Option<(Date, [u8; 32])>>,
}

impl Store {
    /// Opens (or creates) the store in `dir`, with sled's page cache bounded to `cache_bytes`.
    pub fn open(dir: &Path, cache_bytes: u64) -> Result<Store> {
        let db = sled::Config::new()
            .path(dir)
            .cache_capacity(cache_bytes)
            .flush_every_ms(Some(200))
            .open()?;
        Ok(Store {
            scans: db.open_tree("scans.v1")?,
            opens: db.open_tree("opens.v1")?,
            unknown: db.open_tree("unknown.v1")?,
            switches: db.open_tree("switches.v1")?,
            meta: db.open_tree("meta.v1")?,
            salt: Mutex::new(None),
            db,
        })
    }

    pub fn record_scan(&self, visit: &Visit) -> Result<()> {
        self.append(&self.scans, visit.at, visit)
    }

    pub fn record_open(&self, visit: &Visit) -> Result<()> {
        self.append(&self.opens, visit.at, visit)
    }

    pub fn record_unknown(&self, scan: &UnknownScan) -> Result<()> {
        self.append(&self.unknown, scan.at, scan)
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
    pub fn flush(&self) -> Result<()> {
        self.db.flush()?;
        Ok(())
    }

    fn append<T: Serialize>(&self, tree: &sled::Tree, at: Timestamp, record: &T) -> Result<()> {
        let key = event_key(at, self.db.generate_id()?);
        tree.insert(key, serde_json::to_vec(record)?)?;
        Ok(())
    }
}

fn read_all<T: DeserializeOwned>(tree: &sled::Tree) -> Result<Vec<T>> {
    tree.iter()
        .values()
        .map(|v| Ok(serde_json::from_slice(&v?)?))
        .collect()
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

//! Manual phase switches as stored (`switches.v1`, under exhibition + time + number, so a
//! prefix scan returns one exhibition's in time order); they are made and shared as
//! `SharedChange::Switch` (`shared.rs`).

use jiff::Timestamp;

use super::{Result, Store};
use crate::catalog::Switch;

impl Store {
    /// Every manual switch of an exhibition, oldest first.
    pub fn switches(&self, exhibition: &str) -> Result<Vec<Switch>> {
        self.trees()?
            .switches
            .scan_prefix(switch_prefix(exhibition))
            .values()
            .map(|v| Ok(serde_json::from_slice(&v?)?))
            .collect()
    }

    pub fn last_switch(&self, exhibition: &str) -> Result<Option<Switch>> {
        match self
            .trees()?
            .switches
            .scan_prefix(switch_prefix(exhibition))
            .values()
            .next_back()
        {
            Some(v) => Ok(Some(serde_json::from_slice(&v?)?)),
            None => Ok(None),
        }
    }
}

pub(super) fn event_key(at: Timestamp, id: u64) -> [u8; 16] {
    // Events before 1970 do not happen here; clamp rather than wrap.
    let micros = u64::try_from(at.as_microsecond()).unwrap_or(0);
    let mut key = [0u8; 16];
    key[..8].copy_from_slice(&micros.to_be_bytes());
    key[8..].copy_from_slice(&id.to_be_bytes());
    key
}

pub(super) fn switch_prefix(exhibition: &str) -> Vec<u8> {
    let mut prefix = exhibition.as_bytes().to_vec();
    prefix.push(0);
    prefix
}

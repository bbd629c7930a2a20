//! The daily salt visitor ids are hashed with: one a day, replaced (and so destroyed) by the
//! next day's; replicas agree on one through the cluster port, and use their own while it is
//! away.

use jiff::civil::Date;

use super::{Result, Store, StoreError};

pub(super) const SALT_KEY: &[u8] = b"daily-salt";
/// A day, its salt and, for a replica that could not agree on it yet, when to ask again.
pub(super) type DaySalt = (Date, [u8; 32], Option<std::time::Instant>);
/// How long a replica uses its own salt before asking the others again.
const SALT_ASK_AGAIN: std::time::Duration = std::time::Duration::from_secs(30);

impl Store {
    /// Today's salt if it is in memory: the hot path asks this first and goes to a blocking
    /// thread for `daily_salt` only when the day has changed.
    pub fn cached_salt(&self, day: Date) -> Option<[u8; 32]> {
        match *self.salt.read() {
            Some((d, salt, None)) if d == day => Some(salt),
            Some((d, salt, Some(again))) if d == day && std::time::Instant::now() < again => {
                Some(salt)
            }
            _ => None,
        }
    }

    /// The secret salt for `day`. A new day's salt replaces the old one, which is then gone:
    /// visitor ids of different days cannot be linked. When it cannot be stored (a full
    /// disk) it is still used from memory; only a restart that day would start a new one.
    pub fn daily_salt(&self, day: Date) -> Result<[u8; 32]> {
        let _changing = self.salt_change.lock();
        if let Some(salt) = self.cached_salt(day) {
            return Ok(salt);
        }
        // Never reopens the database from here: the writer does that.
        let stored = self
            .trees()
            .ok()
            .and_then(|t| t.meta.get(SALT_KEY).ok().flatten())
            .and_then(|v| decode_salt(&v));
        let mine = match stored {
            Some((d, salt)) if d == day => Some(salt),
            _ => None,
        };
        // Replicas agree on one salt a day, so a visitor seen by two is one visitor. Asked
        // once a day per process; when the cluster cannot be reached the local one is used,
        // and the others are asked again a little later.
        let agreed = self.outbound().and_then(|outbound| {
            let mut fresh = [0u8; 32];
            getrandom::fill(&mut fresh).ok()?;
            match outbound.agree_salt(day, mine.unwrap_or(fresh)) {
                Ok(salt) => Some(salt),
                Err(e) => {
                    tracing::warn!(error = %crate::error_chain(&e), "the replicas' daily salt could not be read; this replica uses its own until they answer");
                    None
                }
            }
        });
        let salt = match (agreed, mine) {
            (None, Some(salt)) => salt,
            (Some(salt), Some(m)) if salt == m => salt,
            _ => {
                let salt = match agreed {
                    Some(salt) => salt,
                    None => {
                        let mut salt = [0u8; 32];
                        getrandom::fill(&mut salt).map_err(StoreError::Random)?;
                        salt
                    }
                };
                let saved = self.trees().and_then(|t| {
                    t.meta.insert(SALT_KEY, encode_salt(day, &salt))?;
                    t.meta.flush()?;
                    Ok(())
                });
                if let Err(e) = saved {
                    tracing::warn!(error = %crate::error_chain(&e), "the new daily salt could not be stored; it is used from memory");
                }
                salt
            }
        };
        let again = (self.outbound().is_some() && agreed.is_none())
            .then(|| std::time::Instant::now() + SALT_ASK_AGAIN);
        *self.salt.write() = Some((day, salt, again));
        Ok(salt)
    }
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

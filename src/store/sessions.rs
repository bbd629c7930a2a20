//! What admin sessions need to outlive a restart, in `meta.v1`: the random secret cookies are
//! signed with, the sessions ended by logging out (until they would have expired anyway;
//! a logout is a `SharedChange`), and a fingerprint of the `DOCENT_ADMIN_PASSWORD` last
//! served with (so a start with another one, even one used before, ends the old sessions).
//!
//! Neither is in a backup: a store restored elsewhere gets a new secret, so cookies issued by
//! the old server do not work on the new one, and nothing revoked there needs remembering.

use super::shared::REVOKED_PREFIX;
use super::{Result, Store, StoreError};

const SECRET_KEY: &[u8] = b"session-secret";
const ADMIN_PASSWORD_KEY: &[u8] = b"admin-password-fingerprint";

impl Store {
    /// The session secret, made (and flushed) on the first call for this data folder.
    pub fn session_secret(&self) -> Result<[u8; 32]> {
        let t = self.trees()?;
        if let Some(stored) = t.meta.get(SECRET_KEY)?
            && let Ok(secret) = <[u8; 32]>::try_from(stored.as_ref())
        {
            return Ok(secret);
        }
        let mut secret = [0u8; 32];
        getrandom::fill(&mut secret).map_err(StoreError::Random)?;
        t.meta.insert(SECRET_KEY, &secret)?;
        t.meta.flush()?;
        Ok(secret)
    }

    /// Replaces the session secret (replicas adopt the one they share), flushed.
    pub fn set_session_secret(&self, secret: [u8; 32]) -> Result<()> {
        let t = self.trees()?;
        t.meta.insert(SECRET_KEY, &secret)?;
        t.meta.flush()?;
        Ok(())
    }

    /// Records the fingerprint of the admin password serving now (flushed); true when another
    /// one was recorded before, that is, the password changed since the last start.
    pub fn admin_password_changed(&self, fingerprint: &[u8; 32]) -> Result<bool> {
        let t = self.trees()?;
        let old = t.meta.insert(ADMIN_PASSWORD_KEY, fingerprint)?;
        if old.as_deref() == Some(fingerprint.as_slice()) {
            return Ok(false);
        }
        t.meta.flush()?;
        Ok(old.is_some())
    }

    /// Sessions ended by logging out that would still be live at `now` (seconds since 1970),
    /// as (token, expiry); the rest are removed.
    pub fn revoked_sessions(&self, now: i64) -> Result<Vec<(String, i64)>> {
        let t = self.trees()?;
        let mut live = Vec::new();
        for kv in t.meta.scan_prefix(REVOKED_PREFIX) {
            let (key, value) = kv?;
            let expires = <[u8; 8]>::try_from(value.as_ref())
                .map(i64::from_be_bytes)
                .unwrap_or(0);
            if expires > now {
                let token = String::from_utf8_lossy(&key[REVOKED_PREFIX.len()..]).into_owned();
                live.push((token, expires));
            } else {
                t.meta.remove(key)?;
            }
        }
        Ok(live)
    }
}

#[cfg(test)]
mod tests {
    use crate::store::{SharedChange, Store};

    #[test]
    fn the_secret_and_revocations_outlive_a_reopen() {
        let dir = tempfile::tempdir().unwrap();
        let (secret, revoked) = {
            let store = Store::open(dir.path(), 1 << 20).unwrap();
            for (token, expires) in [("live", 2_000), ("old", 1_000)] {
                let token = token.to_string();
                store
                    .change(&SharedChange::Logout { token, expires })
                    .unwrap();
            }
            (
                store.session_secret().unwrap(),
                store.revoked_sessions(1_500).unwrap(),
            )
        };
        assert_eq!(revoked, vec![("live".to_string(), 2_000)]);
        let store = Store::open(dir.path(), 1 << 20).unwrap();
        assert_eq!(store.session_secret().unwrap(), secret);
        assert_eq!(
            store.revoked_sessions(0).unwrap(),
            revoked,
            "the expired one is gone"
        );
        let other = tempfile::tempdir().unwrap();
        let fresh = Store::open(other.path(), 1 << 20).unwrap();
        assert_ne!(fresh.session_secret().unwrap(), secret);
    }
}

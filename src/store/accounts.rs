//! People's accounts in `meta.v1`: each under `account/{name}` (JSON, the whole record), each
//! one's last sign-in under `last-login/{name}` (big-endian microseconds since 1970). Both are
//! `SharedChange`s (`shared.rs`); this file holds how they are merged and read back.
//!
//! The merge rules make applying idempotent and the order of arrival irrelevant: an account
//! version replaces the stored one only if it `supersedes` it (changed later; a tie goes to the
//! one whose JSON sorts last), and a sign-in time replaces the stored one only if it is later.

use sled::transaction::{ConflictableTransactionError, TransactionalTree};

use super::shared::TxError;
use super::{Result, Store, StoreError};
use crate::people::Account;

pub(super) const ACCOUNT_PREFIX: &[u8] = b"account/";
const LOGIN_PREFIX: &[u8] = b"last-login/";

impl Store {
    /// Every account stored, by name.
    pub fn accounts(&self) -> Result<Vec<Account>> {
        let t = self.trees()?;
        let mut accounts = Vec::new();
        for value in t.meta.scan_prefix(ACCOUNT_PREFIX).values() {
            accounts.push(serde_json::from_slice::<Account>(&value?)?);
        }
        accounts.sort_by(|a, b| a.name.cmp(&b.name));
        Ok(accounts)
    }

    /// When each person last signed in, by name.
    pub fn last_logins(&self) -> Result<Vec<(String, jiff::Timestamp)>> {
        let t = self.trees()?;
        let mut out = Vec::new();
        for kv in t.meta.scan_prefix(LOGIN_PREFIX) {
            let (key, value) = kv?;
            let name = String::from_utf8_lossy(&key[LOGIN_PREFIX.len()..]).into_owned();
            if let Some(at) = micros(&value) {
                out.push((name, at));
            }
        }
        Ok(out)
    }
}

fn micros(bytes: &[u8]) -> Option<jiff::Timestamp> {
    let n = i64::from_be_bytes(<[u8; 8]>::try_from(bytes).ok()?);
    jiff::Timestamp::from_microsecond(n).ok()
}

fn json_error(e: serde_json::Error) -> TxError {
    ConflictableTransactionError::Abort(StoreError::Json(e))
}

/// Stores an account version if it supersedes the stored one; false when nothing changed.
pub(super) fn put_account(
    meta: &TransactionalTree,
    account: &Account,
) -> std::result::Result<bool, TxError> {
    let key = [ACCOUNT_PREFIX, account.name.as_bytes()].concat();
    if let Some(old) = meta.get(&key)? {
        // A stored version this build cannot read is replaced: the newer one is readable.
        let keep = serde_json::from_slice::<Account>(&old).is_ok_and(|o| !account.supersedes(&o));
        if keep {
            return Ok(false);
        }
    }
    meta.insert(key, serde_json::to_vec(account).map_err(json_error)?)?;
    Ok(true)
}

/// Stores a sign-in time if it is later than the stored one.
pub(super) fn put_last_login(
    meta: &TransactionalTree,
    name: &str,
    at: jiff::Timestamp,
) -> std::result::Result<bool, TxError> {
    let key = [LOGIN_PREFIX, name.as_bytes()].concat();
    if meta
        .get(&key)?
        .and_then(|old| micros(&old))
        .is_some_and(|old| old >= at)
    {
        return Ok(false);
    }
    let value = at.as_microsecond().to_be_bytes();
    meta.insert(key, &value)?;
    Ok(true)
}

#[cfg(test)]
mod tests {
    use crate::people::{Account, Grant};
    use crate::store::{SharedChange, Store};

    fn now() -> jiff::Timestamp {
        "2026-12-01T10:00:00Z".parse().unwrap()
    }

    #[test]
    fn account_versions_merge_the_same_in_any_order_and_outlive_a_reopen() {
        let dir = tempfile::tempdir().unwrap();
        let first = Account::new("li", vec![Grant::parse("editor@a").unwrap()], now()).unwrap();
        let mut second = first.next_version(now(), true);
        second.disabled = true;
        {
            let store = Store::open(dir.path(), 1 << 20).unwrap();
            let newer = SharedChange::Account(Box::new(second.clone()));
            let older = SharedChange::Account(Box::new(first.clone()));
            assert!(store.apply(&newer).unwrap());
            assert!(
                !store.apply(&older).unwrap(),
                "an older version changes nothing"
            );
            assert!(!store.apply(&newer).unwrap(), "nor the same one twice");
            let later = now() + jiff::SignedDuration::from_secs(5);
            for at in [later, now()] {
                let login = SharedChange::LastLogin {
                    name: "li".into(),
                    at,
                };
                store.apply(&login).unwrap();
            }
        }
        let store = Store::open(dir.path(), 1 << 20).unwrap();
        assert_eq!(store.accounts().unwrap(), vec![second]);
        assert_eq!(
            store.last_logins().unwrap(),
            vec![("li".into(), now() + jiff::SignedDuration::from_secs(5))]
        );
    }
}

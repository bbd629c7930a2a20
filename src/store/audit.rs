//! The audit trail in `meta.v1`: every state-changing admin action, under
//! `audit/{time}{id}` (big-endian microseconds since 1970, then the entry's random number), so a
//! prefix scan reads it in time order. An entry is a `SharedChange::Audit`: each replica keeps
//! every replica's entries. Entries are only ever added: applying one already kept changes
//! nothing, and nothing in docent edits or removes one.

use serde::{Deserialize, Serialize};
use sled::transaction::{ConflictableTransactionError, TransactionalTree};

use super::shared::TxError;
use super::{Result, Store, StoreError};

pub(super) const AUDIT_PREFIX: &[u8] = b"audit/";

/// One recorded action.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditEntry {
    /// Random: sets two entries of the same microsecond apart, on any replica.
    pub id: u64,
    pub at: jiff::Timestamp,
    /// The account that acted (for a failed sign-in, the name tried).
    pub account: String,
    /// The exhibition acted on, if the action is about one.
    #[serde(default)]
    pub exhibition: Option<String>,
    /// What was done: `login`, `login failed`, `logout`, or the route (`POST /admin/switch/...`).
    pub action: String,
    /// What changed, in words (the path asked, the answer, a note from the handler).
    pub detail: String,
}

impl AuditEntry {
    /// A new entry with a random number.
    pub fn new(
        at: jiff::Timestamp,
        account: &str,
        exhibition: Option<String>,
        action: &str,
        detail: String,
    ) -> Result<AuditEntry> {
        let mut id = [0u8; 8];
        getrandom::fill(&mut id).map_err(StoreError::Random)?;
        Ok(AuditEntry {
            id: u64::from_be_bytes(id),
            at,
            account: account.to_string(),
            exhibition,
            action: action.to_string(),
            detail,
        })
    }

    fn key(&self) -> Vec<u8> {
        let mut key = AUDIT_PREFIX.to_vec();
        key.extend_from_slice(&self.at.as_microsecond().to_be_bytes());
        key.extend_from_slice(&self.id.to_be_bytes());
        key
    }
}

impl Store {
    /// The audit trail, oldest first: every entry, or those about `exhibition`.
    pub fn audit_trail(&self, exhibition: Option<&str>) -> Result<Vec<AuditEntry>> {
        let t = self.trees()?;
        let mut entries = Vec::new();
        for value in t.meta.scan_prefix(AUDIT_PREFIX).values() {
            let entry: AuditEntry = serde_json::from_slice(&value?)?;
            if exhibition.is_none_or(|id| entry.exhibition.as_deref() == Some(id)) {
                entries.push(entry);
            }
        }
        Ok(entries)
    }

    /// The newest exhibit-file history entry of `exhibition` whose imports are in the audit
    /// trail (`web::imports`). Kept by this server only: each reads its own exhibit files.
    pub fn import_seen(&self, exhibition: &str) -> Result<Option<String>> {
        let t = self.trees()?;
        let key = [IMPORT_SEEN_PREFIX, exhibition.as_bytes()].concat();
        Ok(t.meta
            .get(key)?
            .map(|v| String::from_utf8_lossy(&v).into_owned()))
    }

    pub fn set_import_seen(&self, exhibition: &str, entry: &str) -> Result<()> {
        let t = self.trees()?;
        let key = [IMPORT_SEEN_PREFIX, exhibition.as_bytes()].concat();
        t.meta.insert(key, entry.as_bytes())?;
        t.meta.flush()?;
        Ok(())
    }
}

const IMPORT_SEEN_PREFIX: &[u8] = b"import-seen/";

/// Keeps an entry; false when it was kept already.
pub(super) fn put_audit(
    meta: &TransactionalTree,
    entry: &AuditEntry,
) -> std::result::Result<bool, TxError> {
    let key = entry.key();
    if meta.get(&key)?.is_some() {
        return Ok(false);
    }
    let value = serde_json::to_vec(entry)
        .map_err(|e| ConflictableTransactionError::Abort(StoreError::Json(e)))?;
    meta.insert(key, value)?;
    Ok(true)
}

#[cfg(test)]
mod tests {
    use super::AuditEntry;
    use crate::store::{SharedChange, Store};

    #[test]
    fn entries_are_kept_once_in_time_order_and_outlive_a_reopen() {
        let dir = tempfile::tempdir().unwrap();
        let later = AuditEntry::new(
            "2026-12-01T10:00:05Z".parse().unwrap(),
            "li",
            Some("show".into()),
            "POST /admin/switch/{exhibition}",
            "phase-2".into(),
        )
        .unwrap();
        let earlier = AuditEntry::new(
            "2026-12-01T10:00:00Z".parse().unwrap(),
            "admin",
            None,
            "login",
            String::new(),
        )
        .unwrap();
        {
            let store = Store::open(dir.path(), 1 << 20).unwrap();
            for entry in [&later, &earlier, &later] {
                store
                    .apply(&SharedChange::Audit(Box::new(entry.clone())))
                    .unwrap();
            }
        }
        let store = Store::open(dir.path(), 1 << 20).unwrap();
        assert_eq!(
            store.audit_trail(None).unwrap(),
            vec![earlier, later.clone()]
        );
        assert_eq!(store.audit_trail(Some("show")).unwrap(), vec![later]);
    }
}

//! Changes every replica must know, made on any one of them: manual phase switches, read-only
//! share links (made and revoked) and logouts. One rule for all of them (accounts will follow
//! it too):
//! - **made here**: `Store::change` applies it and, on a replica, queues it in the change
//!   outbox (`changes.v1`) in the same sled transaction, flushed before it returns. So a
//!   change is never applied here and forgotten there, nor sent and lost here: while the
//!   cluster is away it waits in the outbox, and the replica sends it until acknowledged.
//! - **made elsewhere**: `Store::apply` applies it idempotently (a change seen twice, or an
//!   older copy of a link after its revocation, changes nothing) and says whether it was new.
//!
//! Where each kind lives here: switches in `switches.v1` under exhibition + time + number,
//! links in `meta.v1` under `share/{id}` (JSON), logouts in `meta.v1` under `revoked/{token}`
//! (expiry, big-endian seconds).

use serde::{Deserialize, Serialize};
use sled::Transactional;
use sled::transaction::{ConflictableTransactionError, TransactionError, TransactionalTree};

use super::{Result, Store, StoreError};
use crate::catalog::Switch;
use crate::sharelink::ShareLink;

const LINK_PREFIX: &[u8] = b"share/";
pub(super) const REVOKED_PREFIX: &[u8] = b"revoked/";

/// How far another replica's clock may be ahead of this one's.
const CLOCK_SKEW: jiff::SignedDuration = jiff::SignedDuration::from_secs(300);

/// A change made on one replica that every replica applies.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum SharedChange {
    /// A manual phase switch, known by the same random number everywhere.
    Switch { id: u64, switch: Switch },
    /// A read-only share link, made or revoked (a revocation is never undone).
    Link(ShareLink),
    /// An admin session ended by logging out, until it would have expired (seconds since 1970).
    Logout { token: String, expires: i64 },
    /// A version of a person's account, whole: of two versions the one changed later wins
    /// (`Account::supersedes`), so applying them in any order, or twice, ends the same.
    Account(Box<crate::people::Account>),
    /// A person signed in at `at`: the latest time wins. Kept apart from the account, so a
    /// sign-in on one replica can never undo a disabling made at the same time on another.
    LastLogin { name: String, at: jiff::Timestamp },
    /// An entry of the audit trail: kept once, never changed.
    Audit(Box<super::AuditEntry>),
    /// A digest claimed or sent for a period (`sent.rs`): the first claim stands, a sending
    /// is final.
    Digest(Box<super::sent::DigestMark>),
}

impl SharedChange {
    /// The name this change is known by in the cluster: a second change under the same name
    /// replaces the first (a revoked link replaces the link).
    pub fn key(&self) -> String {
        match self {
            SharedChange::Switch { id, switch } => {
                format!(
                    "switch.{}.{id:016x}",
                    hex::encode(switch.exhibition.as_bytes())
                )
            }
            // A revocation under a key of its own: a copy of the link as made, sent again
            // (a lost acknowledgement), can never replace it in the cluster.
            SharedChange::Link(link) if link.revoked.is_some() => {
                format!("revoked-link.{}", hex::encode(link.id.as_bytes()))
            }
            SharedChange::Link(link) => format!("link.{}", hex::encode(link.id.as_bytes())),
            SharedChange::Logout { token, .. } => format!("logout.{}", hex::encode(token)),
            SharedChange::Account(account) => {
                format!("account.{}", hex::encode(account.name.as_bytes()))
            }
            SharedChange::LastLogin { name, .. } => {
                format!("last-login.{}", hex::encode(name.as_bytes()))
            }
            SharedChange::Audit(entry) => format!("audit.{:016x}", entry.id),
            // A sending under a key of its own, so a claim sent again never replaces it, and
            // each replica's claim under its own, so none is lost before all have decided.
            SharedChange::Digest(mark) if mark.sent => format!(
                "digest-sent.{}.{}",
                hex::encode(mark.exhibition.as_bytes()),
                hex::encode(mark.period.as_bytes())
            ),
            SharedChange::Digest(mark) => format!(
                "digest-claim.{}.{}.{}",
                hex::encode(mark.exhibition.as_bytes()),
                hex::encode(mark.period.as_bytes()),
                hex::encode(mark.replica.as_bytes())
            ),
        }
    }

    /// Why no replica could have made this change at `now`, if none could: a switch or a
    /// link dated later than a replica's clock can be ahead. A switch dated in 2099 would
    /// otherwise win over every real one for good.
    pub fn implausible(&self, now: jiff::Timestamp) -> Option<&'static str> {
        let latest = now + CLOCK_SKEW;
        match self {
            SharedChange::Switch { switch, .. } if switch.at > latest => {
                Some("a switch dated in the future")
            }
            SharedChange::Link(link) if link.created > latest => Some("a link made in the future"),
            SharedChange::Link(link) if link.revoked.is_some_and(|r| r > latest) => {
                Some("a link revoked in the future")
            }
            _ => None,
        }
    }

    pub fn encode(&self) -> Result<Vec<u8>> {
        Ok(serde_json::to_vec(self)?)
    }

    pub fn decode(bytes: &[u8]) -> Result<SharedChange> {
        Ok(serde_json::from_slice(bytes)?)
    }
}

/// Why a change transaction could not be done.
pub(super) type TxError = ConflictableTransactionError<StoreError>;

impl Store {
    /// A new switch as a change. Its number orders it after every switch made here before
    /// (of two made in the same microsecond, the later wins) and sets it apart from other
    /// replicas' (16 random low bits).
    pub fn new_switch(&self, switch: Switch) -> Result<SharedChange> {
        let mut low = [0u8; 2];
        getrandom::fill(&mut low).map_err(StoreError::Random)?;
        let n = self.trees()?.db.generate_id()?;
        Ok(SharedChange::Switch {
            id: (n << 16) | u64::from(u16::from_be_bytes(low)),
            switch,
        })
    }

    /// Applies a change made here and, on a replica, queues it for the others in the same
    /// transaction (flushed). Returns whether it changed anything.
    pub fn change(&self, change: &SharedChange) -> Result<bool> {
        let outbound = self.outbound();
        let new = self.write_change(change, outbound.is_some())?;
        if let Some(outbound) = outbound {
            outbound.changed();
        }
        Ok(new)
    }

    /// Applies a change made on another replica; returns whether it was new here. One that
    /// no replica could have made (`SharedChange::implausible`) changes nothing.
    pub fn apply(&self, change: &SharedChange) -> Result<bool> {
        if let Some(why) = change.implausible(jiff::Timestamp::now()) {
            tracing::warn!(
                key = change.key(),
                why,
                "a shared change from the cluster was refused"
            );
            return Ok(false);
        }
        self.write_change(change, false)
    }

    fn write_change(&self, change: &SharedChange, queue: bool) -> Result<bool> {
        let queued = if queue { Some(change.encode()?) } else { None };
        self.writing(|t| {
            let outcome =
                (&t.switches, &t.meta, &t.changes).transaction(|(switches, meta, out)| {
                    let new = match change {
                        SharedChange::Switch { id, switch } => put_switch(switches, switch, *id)?,
                        SharedChange::Link(link) => put_link(meta, link)?,
                        SharedChange::Logout { token, expires } => {
                            let value = expires.to_be_bytes();
                            meta.insert(revoked_key(token), &value)?
                                .is_none_or(|old| old.as_ref() != value)
                        }
                        SharedChange::Account(account) => {
                            super::accounts::put_account(meta, account)?
                        }
                        SharedChange::LastLogin { name, at } => {
                            super::accounts::put_last_login(meta, name, *at)?
                        }
                        SharedChange::Audit(entry) => super::audit::put_audit(meta, entry)?,
                        SharedChange::Digest(mark) => super::sent::put_mark(meta, mark)?,
                    };
                    if let Some(bytes) = &queued {
                        let n = out.generate_id()?;
                        out.insert(&n.to_be_bytes(), bytes.as_slice())?;
                    }
                    Ok(new)
                });
            let new = match outcome {
                Ok(new) => new,
                Err(TransactionError::Abort(e)) => return Err(e),
                Err(TransactionError::Storage(e)) => return Err(e.into()),
            };
            if new || queued.is_some() {
                t.db.flush()?;
            }
            Ok(new)
        })
    }

    /// The changes made here not yet acknowledged by the cluster, oldest first.
    pub fn pending_changes(&self) -> Result<Vec<(u64, SharedChange)>> {
        let t = self.trees()?;
        let mut out = Vec::new();
        for kv in t.changes.iter() {
            let (key, value) = kv?;
            let n = super::u64_at(&key)?;
            match SharedChange::decode(&value) {
                Ok(change) => out.push((n, change)),
                // Written by a later version: kept, for that version to send.
                Err(e) => {
                    tracing::warn!(error = %crate::error_chain(&e), entry = n, "a queued change could not be read; it waits")
                }
            }
        }
        Ok(out)
    }

    /// Every share link issued, oldest first.
    pub fn share_links(&self) -> Result<Vec<ShareLink>> {
        let t = self.trees()?;
        let mut links = Vec::new();
        for value in t.meta.scan_prefix(LINK_PREFIX).values() {
            links.push(serde_json::from_slice::<ShareLink>(&value?)?);
        }
        links.sort_by_key(|l| l.created);
        Ok(links)
    }

    /// The cluster has change `n`: it leaves the outbox. Not flushed: one that comes back
    /// after a crash is sent again, and applying it twice changes nothing.
    pub fn change_sent(&self, n: u64) -> Result<()> {
        self.trees()?.changes.remove(n.to_be_bytes())?;
        Ok(())
    }
}

/// Stores a switch under `id`; false when it was already stored.
fn put_switch(
    switches: &TransactionalTree,
    switch: &Switch,
    id: u64,
) -> std::result::Result<bool, TxError> {
    let mut key = super::switches::switch_prefix(&switch.exhibition);
    key.extend_from_slice(&super::switches::event_key(switch.at, id));
    if switches.get(&key)?.is_some() {
        return Ok(false);
    }
    let value = serde_json::to_vec(switch)
        .map_err(|e| ConflictableTransactionError::Abort(StoreError::Json(e)))?;
    switches.insert(key, value)?;
    Ok(true)
}

/// Stores a link; a revoked one is never replaced by a copy that is not. False when nothing
/// changed.
fn put_link(meta: &TransactionalTree, link: &ShareLink) -> std::result::Result<bool, TxError> {
    let key = link_key(&link.id);
    let value = serde_json::to_vec(link)
        .map_err(|e| ConflictableTransactionError::Abort(StoreError::Json(e)))?;
    if let Some(old) = meta.get(&key)? {
        if old.as_ref() == value.as_slice() {
            return Ok(false);
        }
        if link.revoked.is_none()
            && serde_json::from_slice::<ShareLink>(&old).is_ok_and(|o| o.revoked.is_some())
        {
            return Ok(false);
        }
    }
    meta.insert(key, value)?;
    Ok(true)
}

fn link_key(id: &str) -> Vec<u8> {
    [LINK_PREFIX, id.as_bytes()].concat()
}

fn revoked_key(token: &str) -> Vec<u8> {
    [REVOKED_PREFIX, token.as_bytes()].concat()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::Store;

    fn switch(phase: &str, at: &str) -> Switch {
        Switch {
            exhibition: "show".into(),
            phase: phase.into(),
            at: at.parse().unwrap(),
            by: "Wang".into(),
        }
    }

    #[test]
    fn a_change_applied_twice_changes_nothing_the_second_time() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path(), 1 << 20).unwrap();
        let change = store
            .new_switch(switch("phase-2", "2026-11-20T02:00:00Z"))
            .unwrap();
        assert!(store.apply(&change).unwrap());
        assert!(!store.apply(&change).unwrap());
        assert_eq!(store.switches("show").unwrap().len(), 1);
        let logout = SharedChange::Logout {
            token: "t".into(),
            expires: 2_000,
        };
        store.apply(&logout).unwrap();
        store.apply(&logout).unwrap();
        assert_eq!(
            store.revoked_sessions(0).unwrap(),
            vec![("t".into(), 2_000)]
        );
    }

    #[test]
    fn a_revocation_is_never_undone_by_an_older_copy() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path(), 1 << 20).unwrap();
        let now = "2026-11-20T02:00:00Z".parse().unwrap();
        let link = ShareLink::new("show", 3, now, "Wang").unwrap();
        let mut revoked = link.clone();
        revoked.revoked = Some(now);
        assert!(store.apply(&SharedChange::Link(revoked.clone())).unwrap());
        assert!(!store.apply(&SharedChange::Link(link)).unwrap());
        assert_eq!(store.share_links().unwrap(), vec![revoked]);
    }

    #[test]
    fn links_and_their_revocation_outlive_a_reopen() {
        let dir = tempfile::tempdir().unwrap();
        let now = "2026-11-20T02:00:00Z".parse().unwrap();
        let mut link = ShareLink::new("show", 3, now, "Wang").unwrap();
        {
            let store = Store::open(dir.path(), 1 << 20).unwrap();
            store.change(&SharedChange::Link(link.clone())).unwrap();
            link.revoked = Some(now);
            store.change(&SharedChange::Link(link.clone())).unwrap();
        }
        let store = Store::open(dir.path(), 1 << 20).unwrap();
        assert_eq!(store.share_links().unwrap(), vec![link]);
    }

    #[test]
    fn of_two_switches_made_in_the_same_instant_the_later_wins() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path(), 1 << 20).unwrap();
        for n in 0..20 {
            let phase = format!("phase-{n}");
            let made = store
                .new_switch(switch(&phase, "2026-11-20T02:00:00Z"))
                .unwrap();
            store.change(&made).unwrap();
            assert_eq!(store.last_switch("show").unwrap().unwrap().phase, phase);
        }
    }

    #[test]
    fn a_single_server_queues_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path(), 1 << 20).unwrap();
        store
            .change(
                &store
                    .new_switch(switch("phase-2", "2026-11-20T02:00:00Z"))
                    .unwrap(),
            )
            .unwrap();
        assert!(store.pending_changes().unwrap().is_empty());
        assert_eq!(store.last_switch("show").unwrap().unwrap().phase, "phase-2");
    }

    #[test]
    fn keys_name_the_change_in_characters_any_cluster_takes() {
        let mut switch = switch("p", "2026-11-20T02:00:00Z");
        switch.exhibition = "nature-2026/冬".into();
        let key = SharedChange::Switch { id: 0xbeef, switch }.key();
        assert!(
            key.chars().all(|c| c.is_ascii_alphanumeric() || c == '.'),
            "{key}"
        );
        assert!(key.ends_with(".000000000000beef"), "{key}");
        let logout = SharedChange::Logout {
            token: "a/b c".into(),
            expires: 1,
        };
        assert_eq!(logout.key(), "logout.612f622063");
    }
}

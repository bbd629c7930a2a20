//! What digests were sent, per exhibition and period, so each is sent once even across
//! restarts and replicas. A replica first *claims* the period (a `SharedChange::Digest` with
//! `sent: false` and its id), waits for the other replicas' claims to arrive, and sends only
//! if the claim that stands is its own; then it records the sending (`sent: true`), which no
//! later claim replaces. Every replica decides between two claims the same way, whatever order
//! they arrive in: the earlier one stands (ties: the smaller replica id), unless it is older
//! than `TAKEOVER` and was never followed by a sending (its replica died mid-way), when the
//! newer one takes over.
//!
//! Stored in `meta.v1` under `digest/{exhibition}/{period}` (JSON), shared through the same
//! seam as switches and links.

use serde::{Deserialize, Serialize};
use sled::transaction::{ConflictableTransactionError, TransactionalTree};

use super::shared::TxError;
use super::{Result, SharedChange, Store, StoreError};

const PREFIX: &[u8] = b"digest/";

/// A claim older than this without a sending may be taken over.
pub const TAKEOVER: jiff::SignedDuration = jiff::SignedDuration::from_mins(10);

/// One replica's claim on a digest, or the record that it was sent.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DigestMark {
    pub exhibition: String,
    /// The period's key (`week-2026-11-23`, `phase-phase-1`, `closing`).
    pub period: String,
    /// The replica that claimed or sent it (`local` for a single server).
    pub replica: String,
    pub at: jiff::Timestamp,
    pub sent: bool,
    /// Whom it went to, once sent.
    #[serde(default)]
    pub to: Vec<String>,
}

impl DigestMark {
    /// Whether `self` replaces `old` where both are stored.
    fn replaces(&self, old: &DigestMark) -> bool {
        match (old.sent, self.sent) {
            (true, _) => false,
            (false, true) => true,
            (false, false) => {
                let stale = self.at.duration_since(old.at) > TAKEOVER;
                stale || (self.at, &self.replica) < (old.at, &old.replica)
            }
        }
    }
}

fn key(exhibition: &str, period: &str) -> Vec<u8> {
    [PREFIX, exhibition.as_bytes(), b"/", period.as_bytes()].concat()
}

/// Stores a mark by the rule above; whether anything changed.
pub(super) fn put_mark(
    meta: &TransactionalTree,
    mark: &DigestMark,
) -> std::result::Result<bool, TxError> {
    let key = key(&mark.exhibition, &mark.period);
    if let Some(old) = meta.get(&key)? {
        let old: DigestMark = serde_json::from_slice(&old)
            .map_err(|e| ConflictableTransactionError::Abort(StoreError::Json(e)))?;
        if old == *mark || !mark.replaces(&old) {
            return Ok(false);
        }
    }
    let value = serde_json::to_vec(mark)
        .map_err(|e| ConflictableTransactionError::Abort(StoreError::Json(e)))?;
    meta.insert(key, value)?;
    Ok(true)
}

impl Store {
    /// The mark standing for a period, if any.
    pub fn digest_mark(&self, exhibition: &str, period: &str) -> Result<Option<DigestMark>> {
        let t = self.trees()?;
        match t.meta.get(key(exhibition, period))? {
            Some(v) => Ok(Some(serde_json::from_slice(&v)?)),
            None => Ok(None),
        }
    }

    /// Every digest sent for an exhibition, oldest first.
    pub fn digests_sent(&self, exhibition: &str) -> Result<Vec<DigestMark>> {
        let t = self.trees()?;
        let prefix = [PREFIX, exhibition.as_bytes(), b"/"].concat();
        let mut marks: Vec<DigestMark> = Vec::new();
        for value in t.meta.scan_prefix(prefix).values() {
            let mark: DigestMark = serde_json::from_slice(&value?)?;
            if mark.sent {
                marks.push(mark);
            }
        }
        marks.sort_by_key(|m| m.at);
        Ok(marks)
    }

    /// Claims a period for `replica` at `now` (shared with the other replicas); whether the
    /// claim standing afterwards is this one. Not sent yet, and no other replica's live claim.
    pub fn claim_digest(
        &self,
        exhibition: &str,
        period: &str,
        replica: &str,
        now: jiff::Timestamp,
    ) -> Result<bool> {
        let claim = DigestMark {
            exhibition: exhibition.into(),
            period: period.into(),
            replica: replica.into(),
            at: now,
            sent: false,
            to: vec![],
        };
        match self.digest_mark(exhibition, period)? {
            Some(old) if old.sent => return Ok(false),
            // Our own claim stands already (a retry after a failed send).
            Some(old) if old.replica == replica => return Ok(true),
            _ => {}
        }
        self.change(&SharedChange::Digest(Box::new(claim)))?;
        self.holds_claim(exhibition, period, replica)
    }

    /// Whether the claim standing for a period is `replica`'s and nothing was sent.
    pub fn holds_claim(&self, exhibition: &str, period: &str, replica: &str) -> Result<bool> {
        Ok(self
            .digest_mark(exhibition, period)?
            .is_some_and(|m| !m.sent && m.replica == replica))
    }

    /// Records that a period's digest went out (shared).
    pub fn digest_sent(
        &self,
        exhibition: &str,
        period: &str,
        replica: &str,
        now: jiff::Timestamp,
        to: Vec<String>,
    ) -> Result<()> {
        let mark = DigestMark {
            exhibition: exhibition.into(),
            period: period.into(),
            replica: replica.into(),
            at: now,
            sent: true,
            to,
        };
        self.change(&SharedChange::Digest(Box::new(mark)))?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> jiff::Timestamp {
        s.parse().unwrap()
    }

    #[test]
    fn the_first_claim_stands_everywhere_and_a_sending_is_final() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path(), 1 << 20).unwrap();
        let t = at("2026-11-23T01:00:00Z");
        assert!(
            store
                .claim_digest("show", "week-2026-11-16", "b", t)
                .unwrap()
        );
        // An earlier claim of another replica arrives: it stands, here as there.
        let earlier = DigestMark {
            exhibition: "show".into(),
            period: "week-2026-11-16".into(),
            replica: "a".into(),
            at: at("2026-11-23T00:59:59Z"),
            sent: false,
            to: vec![],
        };
        assert!(
            store
                .apply(&SharedChange::Digest(Box::new(earlier.clone())))
                .unwrap()
        );
        assert!(!store.holds_claim("show", "week-2026-11-16", "b").unwrap());
        // A later claim does not replace it; one after the takeover time does.
        let later = at("2026-11-23T01:05:00Z");
        assert!(
            !store
                .claim_digest("show", "week-2026-11-16", "c", later)
                .unwrap()
        );
        let stale = at("2026-11-23T01:30:00Z");
        assert!(
            store
                .claim_digest("show", "week-2026-11-16", "c", stale)
                .unwrap()
        );
        store
            .digest_sent(
                "show",
                "week-2026-11-16",
                "c",
                stale,
                vec!["o@x.edu".into()],
            )
            .unwrap();
        // Nothing replaces a sending: not a claim, not an older claim arriving late.
        assert!(
            !store
                .apply(&SharedChange::Digest(Box::new(earlier)))
                .unwrap()
        );
        let much_later = at("2026-11-24T01:30:00Z");
        assert!(
            !store
                .claim_digest("show", "week-2026-11-16", "a", much_later)
                .unwrap()
        );
        let sent = store.digests_sent("show").unwrap();
        assert_eq!(sent.len(), 1);
        assert_eq!((sent[0].replica.as_str(), sent[0].to.len()), ("c", 1));
    }
}

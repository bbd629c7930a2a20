//! Shared changes (switches, share links, logouts) through the cluster's change records: those
//! made here are sent, oldest first, each until the cluster has it; those made anywhere are
//! applied here once.

use std::sync::atomic::Ordering;
use std::time::Duration;

use futures_util::StreamExt;

use super::{ACK_AT_MOST, Inner, blocking};
use crate::error_chain;
use crate::store::cluster::ClusterResult;
use crate::store::{ClusterError, Records, SharedChange};

impl Inner {
    /// Sends the changes made here, oldest first, each until the cluster has it; forever.
    pub(super) async fn send_changes(&self) -> ClusterResult<()> {
        loop {
            let store = self.store.clone();
            let pending = blocking(move || store.pending_changes()).await?;
            if pending.is_empty() {
                let wake = self.wake_changes.notified();
                let _ = tokio::time::timeout(Duration::from_secs(1), wake).await;
                continue;
            }
            for (n, change) in pending {
                let value = change.encode()?;
                let sent = tokio::time::timeout(
                    ACK_AT_MOST,
                    self.cluster.put(Records::Changes, change.key(), value),
                )
                .await
                .unwrap_or(Err(ClusterError::TimedOut));
                if let Err(e) = sent {
                    if self.changes_sent.swap(false, Ordering::SeqCst) {
                        tracing::warn!(error = %error_chain(&e), "changes cannot be sent to the cluster; they wait in the outbox");
                    }
                    return Err(e);
                }
                if !self.changes_sent.swap(true, Ordering::SeqCst) {
                    tracing::info!("changes reach the cluster again");
                }
                let store = self.store.clone();
                blocking(move || store.change_sent(n)).await?;
            }
        }
    }

    /// Applies every change the cluster holds (those already there first), and each one put
    /// later; tells the web side of those that were new here.
    pub(super) async fn follow_changes(&self) -> ClusterResult<()> {
        let mut records = self.cluster.watch(Records::Changes).await?;
        while let Some(record) = records.next().await {
            let (key, value) = record?;
            let change = match SharedChange::decode(&value) {
                Ok(change) => change,
                Err(e) => {
                    tracing::warn!(key, error = %error_chain(&e), "a shared change could not be read; skipped");
                    continue;
                }
            };
            let store = self.store.clone();
            let applied = change.clone();
            if blocking(move || store.apply(&applied)).await? {
                let _ = self.changed.send(change);
            }
        }
        Err(ClusterError::Unreachable)
    }
}

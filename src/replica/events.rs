//! Events through the stream: the publisher sends this replica's outbox in order, one
//! message in flight, and answers the scans waiting for it; the reader appends every
//! replica's messages, in order, to the log.

use std::sync::atomic::Ordering;
use std::time::Duration;

use futures_util::StreamExt;

use super::{ACK_AT_MOST, Envelope, Inner, MESSAGE_BYTES, QUIET, blocking, lock};
use crate::error_chain;
use crate::store::ClusterError;
use crate::store::cluster::ClusterResult;

impl Inner {
    /// Sends the outbox to the stream, oldest first, one message in flight; forever.
    ///
    /// One in flight because every reader skips an entry numbered at or below the last one
    /// it applied from the same replica (that is what makes a resend harmless): a message
    /// refused while the next one was stored would have its entries skipped everywhere.
    pub(super) async fn publish(&self) -> ClusterResult<()> {
        let mut pause = Duration::from_millis(50);
        // The last entry the stream acknowledged. The next message starts after it, so the
        // entries acknowledged are removed from the outbox beside it, not before it.
        let mut acknowledged: Option<u64> = None;
        loop {
            let store = self.store.clone();
            let entries = blocking(move || store.outbox_after(acknowledged, MESSAGE_BYTES)).await?;
            let (Some(first), Some(last)) = (entries.first(), entries.last()) else {
                let _ = tokio::time::timeout(Duration::from_secs(1), self.wake.notified()).await;
                continue;
            };
            let (first, last) = (first.0, last.0);
            let payload = postcard::to_allocvec(&Envelope {
                origin: self.id.clone(),
                entries,
            })
            .map_err(|e| ClusterError::Store(e.into()))?;
            let id = format!("{}-{first}-{last}", self.id);
            let sent = tokio::time::timeout(ACK_AT_MOST, self.cluster.append(id, payload))
                .await
                .unwrap_or(Err(ClusterError::TimedOut));
            match sent {
                Ok(_) => {
                    if !self.connected.swap(true, Ordering::SeqCst) {
                        tracing::info!("the stream acknowledges scans again");
                    }
                    // The scans are answered first: removing their entries is bookkeeping
                    // (one left behind by a crash is sent again and skipped by every reader).
                    self.answer(Some(last));
                    acknowledged = Some(last);
                    let store = self.store.clone();
                    tokio::task::spawn_blocking(move || {
                        if let Err(e) = store.unstage(last) {
                            tracing::warn!(error = %error_chain(&e), "sent batches stay in the outbox for now");
                        }
                    });
                    pause = Duration::from_millis(50);
                }
                Err(e) => {
                    if self.connected.swap(false, Ordering::SeqCst) {
                        tracing::warn!(error = %error_chain(&e), "the stream cannot be reached; scans wait in the outbox");
                    }
                    // Made durable here, nobody waits for the stream while it is away.
                    let store = self.store.clone();
                    match blocking(move || store.flush()).await {
                        Ok(()) => self.answer(None),
                        Err(e) => {
                            tracing::warn!(error = %error_chain(&e), "the outbox cannot be flushed")
                        }
                    }
                    tokio::time::sleep(pause).await;
                    pause = (pause * 2).min(Duration::from_secs(2));
                }
            }
        }
    }

    /// Answers the waiters for entries up to `acknowledged`, or (`None`, the stream is away)
    /// all of them.
    pub(super) fn answer(&self, acknowledged: Option<u64>) {
        let mut pending = lock(&self.pending);
        if let Some(last) = acknowledged {
            pending.acknowledged = pending.acknowledged.max(last);
        }
        let (done, wait): (Vec<_>, Vec<_>) = std::mem::take(&mut pending.waiters)
            .into_iter()
            .partition(|(n, _)| acknowledged.is_none_or(|last| *n <= last));
        pending.waiters = wait;
        drop(pending);
        for (_, w) in done {
            let _ = w.send(());
        }
    }

    /// Reads the stream from after the last message in the log, in order, into the log.
    pub(super) async fn read(&self) -> ClusterResult<()> {
        let start = self.store.stream_position() + 1;
        let mut messages = self.cluster.read(start).await?;
        loop {
            // A quiet stream is idle, or this reader has stalled (its node went away and the
            // client has not noticed yet): after a quiet spell the stream says which, and a
            // stalled reader starts again from the log's position.
            let (seq, payload) = match tokio::time::timeout(QUIET, messages.next()).await {
                Ok(Some(message)) => message?,
                Ok(None) => return Err(ClusterError::Unreachable),
                Err(_) => {
                    if self.cluster.last().await? > self.store.stream_position() {
                        return Err(ClusterError::TimedOut);
                    }
                    continue;
                }
            };
            if seq <= self.store.stream_position() {
                continue;
            }
            let (origin, entries) = match postcard::from_bytes::<Envelope>(&payload) {
                Ok(envelope) => (envelope.origin, envelope.entries),
                Err(e) => {
                    tracing::warn!(error = %e, seq, "a stream message could not be read; skipped");
                    (String::new(), Vec::new())
                }
            };
            let store = self.store.clone();
            blocking(move || store.apply_stream(seq, &origin, &entries)).await?;
        }
    }
}

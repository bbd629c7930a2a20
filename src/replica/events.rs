//! Events through the stream: the publisher sends this replica's outbox in order (one
//! message in flight, or a few: `IN_FLIGHT`), and answers the scans waiting for them; the
//! reader appends every replica's messages, in stream order, to the log.

use std::sync::atomic::Ordering;
use std::time::Duration;

use std::collections::VecDeque;

use futures_util::StreamExt;
use futures_util::stream::FuturesOrdered;

use super::{ACK_AT_MOST, Envelope, Inner, MESSAGE_BYTES, QUIET, blocking, lock};
use crate::error_chain;
use crate::store::{ClusterError, Earlier};

/// Messages sent and not yet acknowledged, at most. With several in flight a batch need not
/// wait for the round trip of the one before it, but each message costs the stream's servers
/// a replicated write: on the benchmark's machine (2 cores for wrk, three NATS servers and
/// two replicas) four in flight made smaller messages and fewer scans a second than one
/// (BENCHMARKS.md, issue 25). Readers take any number (`store::Earlier`).
const IN_FLIGHT: usize = 1;
use crate::store::cluster::ClusterResult;

impl Inner {
    /// Sends the outbox to the stream, oldest first, `IN_FLIGHT` messages at a time at most;
    /// forever. Acknowledgements are taken in the order the messages were sent: a scan is
    /// answered once its message and every one before it are in the stream.
    ///
    /// Each message tells readers which of this replica's entries are in the stream before
    /// it (those before the oldest message in flight): a reader skips an entry it holds, so a
    /// message stored after a later one (the earlier was refused, then sent again) still
    /// counts once, and a resend of what readers hold counts nothing.
    pub(super) async fn publish(&self) -> ClusterResult<()> {
        let mut pause = Duration::from_millis(50);
        // The last entry acknowledged in order, and the last one sent. The next message
        // starts after the one sent; entries acknowledged leave the outbox beside it.
        let (mut acknowledged, mut sent): (Option<u64>, Option<u64>) = (None, None);
        let mut window = FuturesOrdered::new();
        // The first entry of each message in flight, oldest first.
        let mut firsts: VecDeque<u64> = VecDeque::new();
        loop {
            if window.len() < IN_FLIGHT {
                let store = self.store.clone();
                let entries = blocking(move || store.outbox_after(sent, MESSAGE_BYTES)).await?;
                if let (Some(&(first, _)), Some(&(last, _))) = (entries.first(), entries.last()) {
                    let earlier = firsts.front().copied().unwrap_or(first).checked_sub(1);
                    let payload = postcard::to_allocvec(&Envelope {
                        origin: self.id.clone(),
                        entries,
                        earlier,
                    })
                    .map_err(|e| ClusterError::Store(e.into()))?;
                    let id = format!("{}-{first}-{last}", self.id);
                    let append = self.cluster.append(id, payload);
                    window.push_back(async move {
                        let sent = tokio::time::timeout(ACK_AT_MOST, append)
                            .await
                            .unwrap_or(Err(ClusterError::TimedOut));
                        (last, sent)
                    });
                    firsts.push_back(first);
                    sent = Some(last);
                    continue;
                }
            }
            if window.is_empty() {
                let _ = tokio::time::timeout(Duration::from_secs(1), self.wake.notified()).await;
                continue;
            }
            let (last, outcome) = tokio::select! {
                done = window.next() => done.expect("the window is not empty"),
                _ = self.wake.notified(), if window.len() < IN_FLIGHT => continue,
            };
            firsts.pop_front();
            match outcome {
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
                    // The messages after it may be stored or not: let them finish, then send
                    // again everything after the last entry acknowledged in order.
                    while window.next().await.is_some() {}
                    firsts.clear();
                    sent = acknowledged;
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
            let (origin, entries, earlier) = match open_envelope(&payload) {
                Ok(opened) => opened,
                Err(e) => {
                    tracing::warn!(error = %e, seq, "a stream message could not be read; skipped");
                    (String::new(), Vec::new(), Earlier::Upto(None))
                }
            };
            let store = self.store.clone();
            blocking(move || store.apply_stream(seq, &origin, &entries, earlier)).await?;
        }
    }
}

/// A stream message's outbox entries: (number, portable batch).
type Entries = Vec<(u64, Vec<u8>)>;

/// A stream message's origin, entries and claim; a message of the version before the claim
/// (one message in flight) is read as `Earlier::BelowHighest`.
fn open_envelope(payload: &[u8]) -> Result<(String, Entries, Earlier), postcard::Error> {
    match postcard::from_bytes::<Envelope>(payload) {
        Ok(e) => Ok((e.origin, e.entries, Earlier::Upto(e.earlier))),
        Err(_) => {
            let (origin, entries) = postcard::from_bytes(payload)?;
            Ok((origin, entries, Earlier::BelowHighest))
        }
    }
}

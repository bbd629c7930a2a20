//! Replicas (`docent serve --nats URLS`): several servers, one set of figures. This module
//! drives replication through the store's cluster port (`store::cluster`); `jetstream.rs` is
//! the port on NATS JetStream and the only code that knows NATS, `memory.rs` a cluster in
//! memory for unit tests.
//!
//! - **Events.** The recorder stages each batch in the store's outbox; the publisher sends
//!   the outbox to the stream in order, one message in flight, several batches a message,
//!   and answers a scan once the stream has it (or at once when the stream is away: the
//!   outbox holds it durably). Every replica reads the whole stream in order into its log,
//!   so every replica counts every scan once.
//! - **Shared changes** (switches, share links, logouts): one rule, `store::SharedChange`.
//!   Queued with the local change in one transaction, put in the cluster until acknowledged,
//!   applied idempotently by every replica as it follows the cluster's change records (those
//!   already there first, so a replica that was away learns what it missed).
//! - **Agreed values**: the daily salt and the session secret, the first replica's wins.
//! - **Presence**: each replica says every few seconds that it is alive and what it serves.
//!
//! - **Trust**: everything goes through `seal::Sealed`, so what another replica did not seal
//!   under the cluster key is refused and counted before any rule here sees it.
//!
//! All of it runs on a small runtime of its own, so neither the web server's workers nor the
//! writer thread ever wait on the network; blocking callers wait a bounded time.

mod changes;
mod events;
pub mod jetstream;
#[cfg(test)]
mod memory;
mod presence;
pub mod seal;
mod setup;
#[cfg(test)]
mod tests;

use parking_lot::Mutex;
use std::collections::HashMap;
use std::future::Future;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use jiff::Timestamp;
use jiff::civil::Date;
use serde::{Deserialize, Serialize};
use tokio::sync::{Notify, OnceCell, mpsc, oneshot};

use crate::error_chain;
use crate::store::cluster::ClusterResult;
use crate::store::{Cluster, ClusterError, Outbound, Records, SharedChange, Store, StoreError};
pub use presence::Presence;
use seal::{ClusterKey, Refusals};

/// A message stays under NATS's default 1 MB payload limit.
const MESSAGE_BYTES: usize = 512 * 1024;
/// How long a blocking caller (the salt) waits for the cluster.
const ASK_AT_MOST: Duration = Duration::from_secs(3);
/// How long a publish waits for the stream's acknowledgement.
const ACK_AT_MOST: Duration = Duration::from_secs(3);
/// How long the stream's reader waits for a message before asking whether it has stalled.
const QUIET: Duration = Duration::from_secs(2);
/// How often a replica says it is alive, and how long that is believed.
const PRESENCE_EVERY: Duration = Duration::from_secs(5);
const PRESENCE_FOR: Duration = Duration::from_secs(30);

/// Why a replica could not start.
#[derive(Debug, thiserror::Error)]
pub enum ReplicaError {
    #[error("--nats names no server")]
    NoServers,
    #[error(
        "this data folder holds {0} scans and opens counted by a single server, which the other \
         replicas would never see. Start each replica on an empty data folder (it reads every \
         scan from the stream); keep this one with `docent backup` first"
    )]
    SingleServerFolder(u64),
    #[error("the replication runtime cannot start")]
    Runtime(#[source] std::io::Error),
    #[error("the store cannot be read")]
    Store(#[from] StoreError),
    #[error("the cluster cannot be joined")]
    Cluster(#[from] ClusterError),
    #[error(transparent)]
    Key(#[from] seal::KeyError),
    #[error(transparent)]
    Settings(#[from] jetstream::SettingsError),
}

/// One outbox-full of batches in one stream message.
#[derive(Serialize, Deserialize)]
struct Envelope {
    origin: String,
    entries: Vec<(u64, Vec<u8>)>,
    /// Every entry of `origin` up to this one is in the stream before this message (`None`:
    /// no claim). Last, so a version that did not send it reads the rest; a message without
    /// it comes from that version (`store::Earlier::BelowHighest`).
    earlier: Option<u64>,
}

#[derive(Default)]
struct Pending {
    /// (outbox entry, waiter)
    waiters: Vec<(u64, oneshot::Sender<()>)>,
    acknowledged: u64,
}

struct Inner {
    store: Arc<Store>,
    id: String,
    cluster: Arc<dyn Cluster>,
    /// What the cluster handed over unsealed, refused.
    refusals: Arc<Refusals>,
    /// Set once the stream and the record kinds exist and the session secret is agreed.
    prepared: OnceCell<()>,
    /// Whether the last publish reached the stream.
    connected: AtomicBool,
    /// Whether the last shared change sent reached the cluster.
    changes_sent: AtomicBool,
    /// Waiters for outbox entries not yet acknowledged, and the last entry acknowledged.
    /// One lock, so a waiter added just after its entry was acknowledged is answered too.
    pending: Mutex<Pending>,
    /// New outbox entries to send.
    wake: Notify,
    /// New shared changes to send.
    wake_changes: Notify,
    /// A new fingerprint to announce.
    announce_now: Notify,
    /// Changes other replicas made that were new here, for the web side's memory.
    changed: mpsc::UnboundedSender<SharedChange>,
    fingerprint: Mutex<String>,
    presence: Mutex<HashMap<String, Presence>>,
    /// The cluster's session secret, once this replica took it in place of its own.
    adopted: tokio::sync::watch::Sender<Option<[u8; 32]>>,
}

/// A running replica: hands its events and changes to the cluster and reads everyone's back.
pub struct Replica {
    inner: Arc<Inner>,
    handle: tokio::runtime::Handle,
    /// Keeps the runtime; dropped (and shut down) last.
    _runtime: Mutex<Option<tokio::runtime::Runtime>>,
}

/// What other replicas changed (new here), for the web side to show.
pub type Changes = mpsc::UnboundedReceiver<SharedChange>;

impl Replica {
    /// Makes `store` a replica on the cluster that `join` connects to (run on the replica's
    /// own runtime). Waits up to `wait` for the cluster to be ready, so a login and a salt
    /// are shared from the first request; if it is not there yet it keeps trying in the
    /// background, and the replica serves meanwhile (its scans and changes wait in the
    /// outbox). Returns the replica and the changes other replicas make.
    pub fn start<J, F>(
        store: Arc<Store>,
        wait: Duration,
        key: ClusterKey,
        join: J,
    ) -> Result<(Arc<Replica>, Changes), ReplicaError>
    where
        J: FnOnce() -> F + Send,
        F: Future<Output = ClusterResult<Arc<dyn Cluster>>>,
    {
        // Events counted here but never read from the stream (a single server's history, a
        // restored backup) would be missing on every other replica, and counted twice here
        // if they were published now: refuse rather than diverge.
        if store.position() > 0 && store.stream_position() == 0 {
            return Err(ReplicaError::SingleServerFolder(store.position()));
        }
        let id = store.replica_id()?;
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .thread_name("docent-replica")
            .enable_all()
            .build()
            .map_err(ReplicaError::Runtime)?;
        // On a thread of its own: the caller may be inside another runtime (actix's), where
        // blocking on this one is not allowed.
        let joined = std::thread::scope(|scope| {
            scope
                .spawn(|| runtime.block_on(Inner::join(id, store.clone(), wait, key, join)))
                .join()
                .unwrap_or(Err(ClusterError::Stopped))
        });
        let (inner, changes) = match joined {
            Ok(joined) => joined,
            Err(e) => {
                // Dropping a runtime inside another one (actix's) panics.
                runtime.shutdown_background();
                return Err(e.into());
            }
        };
        for task in Task::ALL {
            runtime.spawn(task.run(inner.clone()));
        }
        let replica = Arc::new(Replica {
            inner,
            handle: runtime.handle().clone(),
            _runtime: Mutex::new(Some(runtime)),
        });
        store.replicate(replica.clone());
        Ok((replica, changes))
    }

    pub fn id(&self) -> &str {
        &self.inner.id
    }

    /// Why the replica is not in step with the cluster, if it is not.
    pub fn problem(&self) -> Option<&'static str> {
        if self.inner.prepared.get().is_none() {
            Some("the NATS cluster has not been reached yet")
        } else if !self.inner.connected.load(Ordering::SeqCst) {
            Some("NATS cannot be reached; scans wait in the outbox")
        } else if !self.inner.changes_sent.load(Ordering::SeqCst) {
            Some("changes (switches, links, logouts) cannot be sent; they wait in the outbox")
        } else {
            None
        }
    }

    /// Values the cluster handed over that no holder of the cluster key sealed: how many
    /// since start, and when the last came (seconds since 1970).
    pub fn refused(&self) -> (u64, Option<i64>) {
        self.inner.refusals.seen()
    }

    /// Tells of the cluster's session secret when this replica adopts it in place of its own
    /// (at the join, or later when the cluster was away at the start), so the web side signs
    /// and checks logins and share links with the one every replica uses.
    pub fn adopted_secrets(&self) -> tokio::sync::watch::Receiver<Option<[u8; 32]>> {
        self.inner.adopted.subscribe()
    }

    /// Counts refusals in the server's metrics as well.
    pub fn count_refusals_in(&self, metric: prometheus_client::metrics::counter::Counter) {
        self.inner.refusals.count_in(metric);
    }

    /// The fingerprint of the catalog this replica serves, announced to the others.
    pub fn set_fingerprint(&self, fingerprint: String) {
        *lock(&self.inner.fingerprint) = fingerprint;
        self.inner.announce_now.notify_one();
    }

    /// Replicas heard from recently (this one included), by id.
    pub fn replicas(&self) -> Vec<Presence> {
        let cutoff = Timestamp::now() - PRESENCE_FOR;
        let mut all: Vec<Presence> = lock(&self.inner.presence)
            .values()
            .filter(|p| p.at > cutoff)
            .cloned()
            .collect();
        all.sort_by(|a, b| a.replica.cmp(&b.replica));
        all
    }

    /// Gives the publisher up to `drain` to send what the outboxes hold, then stops the
    /// background tasks. What is not sent yet stays in the outboxes for the next start.
    pub async fn shutdown(&self, drain: Duration) {
        let until = tokio::time::Instant::now() + drain;
        let store = &self.inner.store;
        let waiting = || store.outbox_len() + store.pending_changes().map_or(0, |c| c.len());
        while self.inner.connected.load(Ordering::SeqCst)
            && waiting() > 0
            && tokio::time::Instant::now() < until
        {
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        let left = waiting();
        if left > 0 {
            tracing::warn!(
                entries = left,
                "batches and changes stay in the outbox until the next start"
            );
        }
        self.stop();
    }

    fn stop(&self) {
        if let Some(runtime) = lock(&self._runtime).take() {
            // Not `shutdown_timeout`: this may run inside another runtime.
            runtime.shutdown_background();
        }
    }

    /// Runs `f` on the replica's runtime and waits for it, at most `ASK_AT_MOST`. Safe from
    /// any thread that may block.
    fn ask<T: Send + 'static>(
        &self,
        f: impl Future<Output = ClusterResult<T>> + Send + 'static,
    ) -> ClusterResult<T> {
        let (tx, rx) = std::sync::mpsc::channel();
        self.handle.spawn(async move {
            let _ = tx.send(tokio::time::timeout(ASK_AT_MOST, f).await);
        });
        match rx.recv_timeout(ASK_AT_MOST + Duration::from_millis(500)) {
            Ok(Ok(result)) => result,
            Ok(Err(_)) | Err(std::sync::mpsc::RecvTimeoutError::Timeout) => {
                Err(ClusterError::TimedOut)
            }
            Err(std::sync::mpsc::RecvTimeoutError::Disconnected) => Err(ClusterError::Stopped),
        }
    }
}

impl Drop for Replica {
    fn drop(&mut self) {
        self.stop();
    }
}

impl Outbound for Replica {
    fn agree_salt(&self, day: Date, mine: [u8; 32]) -> ClusterResult<[u8; 32]> {
        let inner = self.inner.clone();
        self.ask(async move {
            // A replica that has just started may still be joining: wait for it (bounded).
            inner.ready().await;
            let agreed = inner
                .cluster
                .put_first(Records::Salts, day.to_string(), mine.to_vec())
                .await?;
            // The day before is over here: its salt goes from the cluster too (the bucket's
            // age limit catches a day on which nobody scanned).
            for past in [day.yesterday(), day.yesterday().and_then(|d| d.yesterday())]
                .into_iter()
                .flatten()
            {
                if let Err(e) = inner.cluster.forget(Records::Salts, past.to_string()).await {
                    tracing::debug!(error = %error_chain(&e), "an old salt could not be forgotten yet");
                }
            }
            <[u8; 32]>::try_from(agreed.as_slice())
                .map_err(|_| ClusterError::Damaged("the shared salt"))
        })
    }

    fn staged(&self, upto: u64, waiters: Vec<oneshot::Sender<()>>) {
        let mut pending = lock(&self.inner.pending);
        // Answered at once when the stream has already acknowledged the entry (the publisher
        // can be that quick), or when it is away, once the outbox is flushed (the stream gets
        // the entry when it is back). A failed flush answers nobody: they time out unconfirmed.
        let away = !self.inner.connected.load(Ordering::SeqCst);
        if away || upto <= pending.acknowledged {
            drop(pending);
            if away && let Err(e) = self.inner.store.flush() {
                tracing::warn!(error = %error_chain(&e), "the outbox cannot be flushed");
                return;
            }
            for w in waiters {
                let _ = w.send(());
            }
        } else {
            pending
                .waiters
                .extend(waiters.into_iter().map(|w| (upto, w)));
            drop(pending);
        }
        self.inner.wake.notify_one();
    }

    fn changed(&self) {
        self.inner.wake_changes.notify_one();
    }
}

#[derive(Clone, Copy, Debug)]
enum Task {
    Publish,
    Read,
    SendChanges,
    FollowChanges,
    Presence,
}

impl Task {
    const ALL: [Task; 5] = [
        Task::Publish,
        Task::Read,
        Task::SendChanges,
        Task::FollowChanges,
        Task::Presence,
    ];

    /// Runs the task for good: an error is logged and the task starts again after a pause.
    async fn run(self, inner: Arc<Inner>) {
        let mut pause = Duration::from_millis(100);
        loop {
            inner.ready().await;
            let outcome = match self {
                Task::Publish => inner.publish().await,
                Task::Read => inner.read().await,
                Task::SendChanges => inner.send_changes().await,
                Task::FollowChanges => inner.follow_changes().await,
                Task::Presence => inner.announce().await,
            };
            if let Err(e) = outcome {
                tracing::debug!(task = ?self, error = %error_chain(&e), "replication task restarts");
            }
            tokio::time::sleep(pause).await;
            pause = (pause * 2).min(Duration::from_secs(2));
        }
    }
}

/// Runs a store call on a blocking thread.
async fn blocking<T: Send + 'static>(
    f: impl FnOnce() -> crate::store::Result<T> + Send + 'static,
) -> ClusterResult<T> {
    tokio::task::spawn_blocking(f)
        .await
        .map_err(|_| ClusterError::Stopped)?
        .map_err(ClusterError::Store)
}

fn lock<T>(mutex: &Mutex<T>) -> parking_lot::MutexGuard<'_, T> {
    mutex.lock()
}

//! Joining the cluster: the connection made through the port, the cluster prepared (its stream
//! and buckets), and the session secret every replica agrees on.

use parking_lot::Mutex;
use std::collections::HashMap;
use std::future::Future;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use tokio::sync::{Notify, OnceCell, mpsc};

use super::seal::{ClusterKey, Refusals, Sealed};
use super::{Changes, Inner, Pending, blocking};
use crate::error_chain;
use crate::store::cluster::ClusterResult;
use crate::store::{Cluster, ClusterError, Records, Store};

/// The session secret's key among `Records::Secrets`.
const SESSION_SECRET: &str = "session";

impl Inner {
    /// Connects (`join`) and waits up to `wait` until the cluster is ready.
    pub(super) async fn join<J, F>(
        id: String,
        store: Arc<Store>,
        wait: Duration,
        key: ClusterKey,
        join: J,
    ) -> ClusterResult<(Arc<Inner>, Changes)>
    where
        J: FnOnce() -> F,
        F: Future<Output = ClusterResult<Arc<dyn Cluster>>>,
    {
        let refusals = Arc::new(Refusals::default());
        let cluster: Arc<dyn Cluster> = Arc::new(Sealed::new(join().await?, key, refusals.clone()));
        let (changed, changes) = mpsc::unbounded_channel();
        let inner = Arc::new(Inner {
            store,
            id,
            cluster,
            refusals,
            prepared: OnceCell::new(),
            connected: AtomicBool::new(false),
            changes_sent: AtomicBool::new(true),
            pending: Mutex::new(Pending::default()),
            wake: Notify::new(),
            wake_changes: Notify::new(),
            announce_now: Notify::new(),
            changed,
            fingerprint: Mutex::new(String::new()),
            presence: Mutex::new(HashMap::new()),
            adopted: tokio::sync::watch::channel(None).0,
        });
        if tokio::time::timeout(wait, inner.ready()).await.is_err() {
            tracing::warn!(
                "the cluster cannot be reached yet; serving, with scans waiting in the outbox"
            );
        }
        Ok((inner, changes))
    }

    /// Waits until the cluster is prepared and the session secret agreed.
    pub(super) async fn ready(&self) {
        self.prepared
            .get_or_init(|| async {
                let mut pause = Duration::from_millis(100);
                loop {
                    match self.prepare().await {
                        Ok(()) => {
                            tracing::info!(replica = %self.id, "joined the cluster");
                            self.connected.store(true, Ordering::SeqCst);
                            break;
                        }
                        Err(e) => {
                            tracing::debug!(error = %error_chain(&e), "cluster setup retries")
                        }
                    }
                    tokio::time::sleep(pause).await;
                    pause = (pause * 2).min(Duration::from_secs(2));
                }
            })
            .await;
    }

    async fn prepare(&self) -> ClusterResult<()> {
        self.cluster.prepare().await?;
        self.adopt_session_secret().await
    }

    /// The first replica's session secret becomes everyone's, so a login works on all.
    async fn adopt_session_secret(&self) -> ClusterResult<()> {
        let store = self.store.clone();
        let mine = blocking(move || store.session_secret()).await?;
        let agreed = self
            .cluster
            .put_first(Records::Secrets, SESSION_SECRET.into(), mine.to_vec())
            .await?;
        let theirs = <[u8; 32]>::try_from(agreed.as_slice())
            .map_err(|_| ClusterError::Damaged("the shared session secret"))?;
        if theirs != mine {
            let store = self.store.clone();
            blocking(move || store.set_session_secret(theirs)).await?;
            self.adopted.send_replace(Some(theirs));
            tracing::info!(
                "took the cluster's session secret: logins and share links made on any replica hold here"
            );
        }
        Ok(())
    }
}

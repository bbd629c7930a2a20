//! Presence: each replica says every few seconds that it is alive and what it serves (its
//! exhibits' fingerprint), and keeps what the others say, for the admin's replicas page.

use futures_util::StreamExt;
use jiff::Timestamp;
use serde::{Deserialize, Serialize};

use super::{Inner, PRESENCE_EVERY, lock};
use crate::store::cluster::ClusterResult;
use crate::store::{ClusterError, Records};

/// What a replica says about itself, every few seconds.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Presence {
    pub replica: String,
    pub fingerprint: String,
    pub at: Timestamp,
}

impl Inner {
    /// Says every few seconds that this replica is alive and what it serves; listens to the
    /// others.
    pub(super) async fn announce(&self) -> ClusterResult<()> {
        let mut others = self.cluster.watch(Records::Presence).await?;
        let mut tick = tokio::time::interval(PRESENCE_EVERY);
        loop {
            tokio::select! {
                _ = tick.tick() => self.say_alive().await?,
                _ = self.announce_now.notified() => self.say_alive().await?,
                record = others.next() => {
                    let (key, value) = record.ok_or(ClusterError::Unreachable)??;
                    if let Ok(p) = serde_json::from_slice::<Presence>(&value) {
                        lock(&self.presence).insert(key, p);
                    }
                }
            }
        }
    }

    async fn say_alive(&self) -> ClusterResult<()> {
        let presence = Presence {
            replica: self.id.clone(),
            fingerprint: lock(&self.fingerprint).clone(),
            at: Timestamp::now(),
        };
        let value = serde_json::to_vec(&presence).map_err(|e| ClusterError::Store(e.into()))?;
        self.cluster
            .put(Records::Presence, self.id.clone(), value)
            .await
    }
}

//! Replicas trust each other, not whoever reaches the cluster: every stream message and every
//! record goes out sealed under the cluster key (`--cluster-key-file`) and comes back opened,
//! or is refused. `Sealed` wraps any `Cluster` in this, so the replication rules above it
//! never see a byte that another replica did not write.
//!
//! - **Sealing** is AES-256-GCM under a key derived (BLAKE3 `derive_key`) from the key file,
//!   with a fresh random nonce a value: confidential (the session secret and the daily salt
//!   are never readable in the cluster) and authenticated. The associated data binds a value
//!   to where it was put (the stream, or the record kind and key), so yesterday's salt cannot
//!   be moved under today's key, nor a link record under a switch's.
//! - **Refused** values are counted (`refused()`, shown on `/admin/healthz` and in the
//!   metrics) and never reach the store. A refused stream message comes out with an empty
//!   payload, so the reader passes over its position instead of stopping at it. A refused
//!   first value (`put_first`) is replaced by this replica's: a forged salt or secret, or a
//!   plaintext one left by an earlier version, cannot stop a replica from joining.
//! - **Messages written before the key** (by a version that did not seal) are read as they
//!   are: the first replica with a key records where sealing started in the cluster (sealed,
//!   first writer wins), and only positions after it must be sealed. Nobody can insert a
//!   message before that position, so this opens no door.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use aes_gcm::aead::{Aead, KeyInit, Payload};
use aes_gcm::{Aes256Gcm, Nonce};
use futures_util::{FutureExt, StreamExt};
use tokio::sync::OnceCell;

use crate::store::cluster::{ClusterResult, Feed, Message, Op, Record};
use crate::store::{Cluster, ClusterError, Records};

/// Fewer random bytes than this are too easy to guess.
pub const MIN_KEY_BYTES: usize = 32;
/// What a sealed value starts with: its format, then the nonce.
const VERSION: u8 = 1;
const NONCE_BYTES: usize = 12;
/// The derivation's context (BLAKE3 asks for a unique, hard-coded string).
const CONTEXT: &str = "docent 2026-12-02 cluster records and stream messages v1";
/// In `Records::Secrets`: the first stream position that must be sealed.
const SEALED_FROM: &str = "sealed-from";

/// Why the cluster key cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum KeyError {
    #[error(
        "--nats needs --cluster-key-file (DOCENT_CLUSTER_KEY_FILE): the same file of 32 or more \
         random bytes on every replica, for example made with `head -c 32 /dev/urandom > \
         cluster.key`"
    )]
    Missing,
    #[error("the cluster key file {path} cannot be read")]
    Unreadable {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error(
        "the cluster key file {path} holds {found} bytes; it needs at least {MIN_KEY_BYTES} \
         random bytes (for example `head -c 32 /dev/urandom > {path}`)"
    )]
    TooShort { path: PathBuf, found: usize },
}

/// The key every replica is given. Never printed, never sent anywhere.
#[derive(Clone)]
pub struct ClusterKey(Arc<Aes256Gcm>);

impl std::fmt::Debug for ClusterKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("ClusterKey(..)")
    }
}

impl ClusterKey {
    /// Reads the key file. A line break at its end (an editor's) is not part of the key, so
    /// a file copied through an editor still matches the others.
    pub fn from_file(path: &Path) -> Result<ClusterKey, KeyError> {
        let bytes = std::fs::read(path).map_err(|source| KeyError::Unreadable {
            path: path.to_path_buf(),
            source,
        })?;
        let material = bytes.strip_suffix(b"\n").unwrap_or(&bytes);
        let material = material.strip_suffix(b"\r").unwrap_or(material);
        if material.len() < MIN_KEY_BYTES {
            return Err(KeyError::TooShort {
                path: path.to_path_buf(),
                found: material.len(),
            });
        }
        Ok(ClusterKey::from_bytes(material))
    }

    /// A key from its material (at least `MIN_KEY_BYTES`; `from_file` checks).
    pub fn from_bytes(material: &[u8]) -> ClusterKey {
        let key = blake3::derive_key(CONTEXT, material);
        ClusterKey(Arc::new(Aes256Gcm::new(&key.into())))
    }

    /// `value`, sealed for the place `aad` names.
    pub fn seal(&self, aad: &[u8], value: &[u8]) -> ClusterResult<Vec<u8>> {
        let mut nonce = [0u8; NONCE_BYTES];
        getrandom::fill(&mut nonce).map_err(|_| ClusterError::Damaged("no random nonce"))?;
        let sealed = self
            .0
            .encrypt(Nonce::from_slice(&nonce), Payload { msg: value, aad })
            .map_err(|_| ClusterError::Damaged("a value could not be sealed"))?;
        let mut out = Vec::with_capacity(1 + NONCE_BYTES + sealed.len());
        out.push(VERSION);
        out.extend_from_slice(&nonce);
        out.extend_from_slice(&sealed);
        Ok(out)
    }

    /// What `sealed` holds, if a holder of this key sealed it for the place `aad` names.
    pub fn open(&self, aad: &[u8], sealed: &[u8]) -> Option<Vec<u8>> {
        let rest = sealed.strip_prefix(&[VERSION])?;
        if rest.len() < NONCE_BYTES {
            return None;
        }
        let (nonce, body) = rest.split_at(NONCE_BYTES);
        self.0
            .decrypt(Nonce::from_slice(nonce), Payload { msg: body, aad })
            .ok()
    }
}

/// Where a value was put, bound into its seal.
fn place(records: Records, key: &str) -> Vec<u8> {
    let kind = match records {
        Records::Salts => "salts",
        Records::Secrets => "secrets",
        Records::Changes => "changes",
        Records::Presence => "presence",
    };
    format!("{kind}/{key}").into_bytes()
}

const STREAM_PLACE: &[u8] = b"stream";

/// Values the cluster handed over that no replica sealed.
#[derive(Debug, Default)]
pub struct Refusals {
    count: AtomicU64,
    /// The metric that counts them too, once the web side has one.
    metric: std::sync::OnceLock<prometheus_client::metrics::counter::Counter>,
    /// When the last one came (seconds since 1970; 0: never).
    last: AtomicU64,
}

impl Refusals {
    fn refuse(&self, what: &str) {
        let n = self.count.fetch_add(1, Ordering::Relaxed);
        if let Some(metric) = self.metric.get() {
            metric.inc();
        }
        self.last.store(
            jiff::Timestamp::now().as_second().max(0) as u64,
            Ordering::Relaxed,
        );
        // One line for the first, then one in a thousand: whoever floods the cluster with
        // forgeries must not flood the log as well.
        if n.is_multiple_of(1000) {
            tracing::warn!(
                what,
                refused = n + 1,
                "a value in the cluster is not sealed with this replica's cluster key; refused \
                 (a replica with another key file, or someone who reached NATS without it)"
            );
        }
    }

    /// Counts them (those so far, and each later one) in `metric` too.
    pub fn count_in(&self, metric: prometheus_client::metrics::counter::Counter) {
        let earlier = self.count.load(Ordering::Relaxed);
        if self.metric.set(metric.clone()).is_ok() {
            metric.inc_by(earlier);
        }
    }

    /// How many were refused since start, and when the last one was (seconds since 1970).
    pub fn seen(&self) -> (u64, Option<i64>) {
        let count = self.count.load(Ordering::Relaxed);
        let last = self.last.load(Ordering::Relaxed);
        (count, (last > 0).then_some(last as i64))
    }
}

/// A cluster whose values are sealed on the way in and opened (or refused) on the way out.
pub struct Sealed {
    inner: Arc<dyn Cluster>,
    key: ClusterKey,
    refusals: Arc<Refusals>,
    /// Stream positions before this one were written before sealing began.
    sealed_from: OnceCell<u64>,
}

impl Sealed {
    pub fn new(inner: Arc<dyn Cluster>, key: ClusterKey, refusals: Arc<Refusals>) -> Sealed {
        Sealed {
            inner,
            key,
            refusals,
            sealed_from: OnceCell::new(),
        }
    }

    /// The first stream position that must be sealed: agreed once, first writer wins.
    async fn agree_sealed_from(&self) -> ClusterResult<u64> {
        let from = self.inner.last().await? + 1;
        let opened = self
            .put_first_sealed(
                Records::Secrets,
                SEALED_FROM.into(),
                from.to_be_bytes().to_vec(),
            )
            .await?;
        let bytes = <[u8; 8]>::try_from(opened.as_slice())
            .map_err(|_| ClusterError::Damaged("where sealing began"))?;
        Ok(u64::from_be_bytes(bytes))
    }

    async fn put_first_sealed(
        &self,
        records: Records,
        key: String,
        value: Vec<u8>,
    ) -> ClusterResult<Vec<u8>> {
        let sealed = self.key.seal(&place(records, &key), &value)?;
        let held = self
            .inner
            .put_first(records, key.clone(), sealed.clone())
            .await?;
        if let Some(opened) = self.key.open(&place(records, &key), &held) {
            return Ok(opened);
        }
        // A forgery, or a plaintext value of an earlier version, got there first: it is
        // replaced, and whatever a replica sealed since holds.
        self.refusals.refuse("a first value");
        self.inner.put(records, key.clone(), sealed.clone()).await?;
        // Read back: of two replicas replacing it at once, the later put holds for both.
        let held = self.inner.put_first(records, key.clone(), sealed).await?;
        self.key
            .open(&place(records, &key), &held)
            .ok_or(ClusterError::Damaged("a shared value is not sealed"))
    }
}

impl Cluster for Sealed {
    fn prepare(&self) -> Op<'_, ()> {
        async move {
            self.inner.prepare().await?;
            if self.sealed_from.get().is_none() {
                let from = self.agree_sealed_from().await?;
                let _ = self.sealed_from.set(from);
            }
            Ok(())
        }
        .boxed()
    }

    fn append(&self, id: String, payload: Vec<u8>) -> Op<'_, u64> {
        async move {
            let sealed = self.key.seal(STREAM_PLACE, &payload)?;
            self.inner.append(id, sealed).await
        }
        .boxed()
    }

    fn read(&self, from: u64) -> Op<'_, Feed<Message>> {
        async move {
            let sealed_from = *self.sealed_from.get().ok_or(ClusterError::Unreachable)?;
            let key = self.key.clone();
            let refusals = self.refusals.clone();
            let feed = self.inner.read(from).await?.map(move |message| {
                let (seq, payload) = message?;
                if seq < sealed_from {
                    return Ok((seq, payload));
                }
                match key.open(STREAM_PLACE, &payload) {
                    Some(opened) => Ok((seq, opened)),
                    None => {
                        refusals.refuse("a stream message");
                        Ok((seq, Vec::new()))
                    }
                }
            });
            Ok(feed.boxed())
        }
        .boxed()
    }

    fn last(&self) -> Op<'_, u64> {
        self.inner.last()
    }

    fn put(&self, records: Records, key: String, value: Vec<u8>) -> Op<'_, ()> {
        async move {
            let sealed = self.key.seal(&place(records, &key), &value)?;
            self.inner.put(records, key, sealed).await
        }
        .boxed()
    }

    fn put_first(&self, records: Records, key: String, value: Vec<u8>) -> Op<'_, Vec<u8>> {
        self.put_first_sealed(records, key, value).boxed()
    }

    fn forget(&self, records: Records, key: String) -> Op<'_, ()> {
        self.inner.forget(records, key)
    }

    fn watch(&self, records: Records) -> Op<'_, Feed<Record>> {
        async move {
            let key = self.key.clone();
            let refusals = self.refusals.clone();
            let feed = self.inner.watch(records).await?.filter_map(move |record| {
                let out = match record {
                    Ok((name, value)) => match key.open(&place(records, &name), &value) {
                        Some(opened) => Some(Ok((name, opened))),
                        None => {
                            refusals.refuse("a record");
                            None
                        }
                    },
                    Err(e) => Some(Err(e)),
                };
                std::future::ready(out)
            });
            Ok(feed.boxed())
        }
        .boxed()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_sealed_value_opens_only_under_its_key_and_in_its_place() {
        let key = ClusterKey::from_bytes(&[7u8; 32]);
        let other = ClusterKey::from_bytes(&[8u8; 32]);
        let sealed = key.seal(b"salts/2026-12-02", b"the salt").unwrap();
        assert_eq!(
            key.open(b"salts/2026-12-02", &sealed).as_deref(),
            Some(&b"the salt"[..])
        );
        assert!(!sealed.windows(8).any(|w| w == b"the salt"));
        assert_eq!(other.open(b"salts/2026-12-02", &sealed), None);
        assert_eq!(key.open(b"salts/2026-12-03", &sealed), None);
        let mut flipped = sealed.clone();
        *flipped.last_mut().unwrap() ^= 1;
        assert_eq!(key.open(b"salts/2026-12-02", &flipped), None);
        assert_eq!(key.open(b"salts/2026-12-02", b"plain"), None);
        assert_eq!(key.open(b"salts/2026-12-02", &[]), None);
    }

    #[test]
    fn a_key_file_is_read_whole_but_for_a_final_line_break_and_must_be_long_enough() {
        let dir = tempfile::tempdir().unwrap();
        let short = dir.path().join("short.key");
        std::fs::write(&short, b"0123456789\n").unwrap();
        assert!(matches!(
            ClusterKey::from_file(&short),
            Err(KeyError::TooShort { found: 10, .. })
        ));
        let a = dir.path().join("a.key");
        let b = dir.path().join("b.key");
        std::fs::write(&a, [42u8; 40]).unwrap();
        let mut with_newline = vec![42u8; 40];
        with_newline.push(b'\n');
        std::fs::write(&b, with_newline).unwrap();
        let sealed = ClusterKey::from_file(&a).unwrap().seal(b"x", b"v").unwrap();
        assert!(
            ClusterKey::from_file(&b)
                .unwrap()
                .open(b"x", &sealed)
                .is_some()
        );
        assert!(matches!(
            ClusterKey::from_file(&dir.path().join("none")),
            Err(KeyError::Unreadable { .. })
        ));
    }
}

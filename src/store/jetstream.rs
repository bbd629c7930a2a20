//! Replicas on a NATS JetStream cluster (`docent serve --nats URLS`).
//!
//! Each replica keeps its own sled store. Its events go to the outbox (`outbox.rs`), and a
//! publisher sends the outbox to the stream `DOCENT` in order, one message in flight, each
//! message several batches; a scan is answered once the stream has acknowledged it (stored
//! on a majority of the cluster), or at once when the stream cannot be reached, since the
//! outbox already holds it durably. Every replica reads the whole stream in order into its
//! log, so every replica counts every scan once.
//!
//! Key-value buckets hold what is not an event: the daily salt (first writer wins), manual
//! switches (each replica stores every one, under the same number), the session secret (first
//! writer wins) and each replica's presence with its catalog's fingerprint.
//!
//! All of it runs on a small runtime of its own, so neither the web server's workers nor the
//! writer thread ever wait on the network; blocking callers wait a bounded time.

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use async_nats::jetstream::{self, consumer, kv, stream};
use futures_util::StreamExt;
use jiff::Timestamp;
use jiff::civil::Date;
use serde::{Deserialize, Serialize};
use tokio::sync::{Notify, OnceCell, mpsc, oneshot};

use super::{Shared, Store};
use crate::catalog::Switch;
use crate::error_chain;

const STREAM: &str = "DOCENT";
const SUBJECT: &str = "docent.events";
const SALTS: &str = "docent-salt";
const SWITCHES: &str = "docent-switches";
const SECRETS: &str = "docent-secrets";
const REPLICAS: &str = "docent-replicas";
const LOGOUTS: &str = "docent-logouts";
const LINKS: &str = "docent-links";
/// A message stays under NATS's default 1 MB payload limit.
const MESSAGE_BYTES: usize = 512 * 1024;
/// How long a blocking caller (salt, switch) waits for the cluster.
const ASK_AT_MOST: Duration = Duration::from_secs(3);
/// How long a publish waits for the stream's acknowledgement.
const ACK_AT_MOST: Duration = Duration::from_secs(3);
/// How long the stream's reader waits for a message before asking whether it has stalled.
const QUIET: Duration = Duration::from_secs(2);
/// How often a replica says it is alive, and how long that is believed.
const PRESENCE_EVERY: Duration = Duration::from_secs(5);
const PRESENCE_FOR: Duration = Duration::from_secs(30);

/// One outbox-full of batches in one stream message.
#[derive(Serialize, Deserialize)]
struct Envelope {
    origin: String,
    entries: Vec<(u64, Vec<u8>)>,
}

/// What a replica says about itself, every few seconds.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Presence {
    pub replica: String,
    pub fingerprint: String,
    pub at: Timestamp,
}

struct Buckets {
    salts: kv::Store,
    switches: kv::Store,
    secrets: kv::Store,
    replicas: kv::Store,
    logouts: kv::Store,
    links: kv::Store,
}

/// What another replica changed that the web side shows from memory.
#[derive(Debug, Clone, PartialEq)]
pub enum Change {
    /// An exhibition's switches (read its latest from the store).
    Switch(String),
    /// A session ended by logging out: (token, expiry in seconds since 1970).
    Logout(String, i64),
    /// A read-only share link made or revoked on another replica.
    Link(crate::sharelink::ShareLink),
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
    servers: usize,
    client: async_nats::Client,
    js: jetstream::Context,
    buckets: OnceCell<Buckets>,
    /// Whether the last publish reached the stream.
    connected: AtomicBool,
    /// Waiters for outbox entries not yet acknowledged, and the last entry acknowledged.
    /// One lock, so a waiter added just after its entry was acknowledged is answered too.
    pending: Mutex<Pending>,
    /// New outbox entries to send.
    wake: Notify,
    /// A new fingerprint to announce.
    announce_now: Notify,
    changed: mpsc::UnboundedSender<Change>,
    fingerprint: Mutex<String>,
    presence: Mutex<HashMap<String, Presence>>,
}

/// A running replica: hands its events to the stream and reads everyone's back.
pub struct Replica {
    inner: Arc<Inner>,
    handle: tokio::runtime::Handle,
    /// Keeps the runtime; dropped (and shut down) last.
    _runtime: Mutex<Option<tokio::runtime::Runtime>>,
}

impl Replica {
    /// Connects to the cluster at `urls` (comma-separated) and makes `store` a replica. Waits
    /// up to `wait` for the stream and buckets, so a login and a salt are shared from the
    /// first request; if the cluster is not there yet it keeps trying in the background,
    /// and the replica serves meanwhile (its scans wait in the outbox). Returns the replica
    /// and a receiver of exhibitions whose switches another replica changed.
    pub fn start(
        urls: &str,
        store: Arc<Store>,
        wait: Duration,
    ) -> Result<(Arc<Replica>, mpsc::UnboundedReceiver<Change>), String> {
        let servers: Vec<String> = urls
            .split(',')
            .map(str::trim)
            .filter(|u| !u.is_empty())
            .map(String::from)
            .collect();
        if servers.is_empty() {
            return Err("--nats names no server".into());
        }
        // Events counted here but never read from the stream (a single server's history, a
        // restored backup) would be missing on every other replica, and counted twice here
        // if they were published now: refuse rather than diverge.
        if store.position() > 0 && store.stream_position() == 0 {
            return Err(format!(
                "this data folder holds {} scans and opens counted by a single server, which the \
                 other replicas would never see. Start each replica on an empty data folder (it \
                 reads every scan from the stream); keep this one with `docent backup` first",
                store.position()
            ));
        }
        let id = store.replica_id().map_err(|e| error_chain(&e))?;
        // On a thread of its own: the caller may be inside another runtime (actix's), where
        // blocking on this one is not allowed.
        let (runtime, inner) = std::thread::scope(|scope| {
            scope
                .spawn(|| Replica::connect(urls, &servers, id, store.clone(), wait))
                .join()
                .map_err(|_| "the NATS connection thread failed".to_string())?
        })?;
        let receiver = inner.1;
        let inner = inner.0;
        for task in [
            Task::Publish,
            Task::Read,
            Task::Switches,
            Task::Logouts,
            Task::Links,
            Task::Presence,
        ] {
            runtime.spawn(task.run(inner.clone()));
        }
        let replica = Arc::new(Replica {
            inner,
            handle: runtime.handle().clone(),
            _runtime: Mutex::new(Some(runtime)),
        });
        store.share(replica.clone());
        Ok((replica, receiver))
    }

    /// Builds the runtime, connects and waits for the stream (on a plain thread).
    #[allow(clippy::type_complexity)]
    fn connect(
        urls: &str,
        servers: &[String],
        id: String,
        store: Arc<Store>,
        wait: Duration,
    ) -> Result<
        (
            tokio::runtime::Runtime,
            (Arc<Inner>, mpsc::UnboundedReceiver<Change>),
        ),
        String,
    > {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .thread_name("docent-nats")
            .enable_all()
            .build()
            .map_err(|e| format!("the NATS runtime cannot start: {e}"))?;
        let _inside = runtime.enter();
        let client = runtime
            .block_on(
                async_nats::ConnectOptions::new()
                    .name(format!("docent {id}"))
                    .retry_on_initial_connect()
                    .connection_timeout(Duration::from_secs(2))
                    .connect(servers),
            )
            .map_err(|e| format!("--nats {urls}: {e}"))?;
        let mut js = jetstream::new(client.clone());
        js.set_timeout(ACK_AT_MOST);
        let (changed, receiver) = mpsc::unbounded_channel();
        let inner = Arc::new(Inner {
            store,
            id,
            servers: servers.len(),
            client,
            js,
            buckets: OnceCell::new(),
            connected: AtomicBool::new(false),
            pending: Mutex::new(Pending::default()),
            wake: Notify::new(),
            announce_now: Notify::new(),
            changed,
            fingerprint: Mutex::new(String::new()),
            presence: Mutex::new(HashMap::new()),
        });
        let ready =
            runtime.block_on(async { tokio::time::timeout(wait, inner.ready()).await.is_ok() });
        if !ready {
            tracing::warn!(
                nats = urls,
                "the NATS cluster cannot be reached yet; serving, with scans waiting in the outbox"
            );
        }
        drop(_inside);
        Ok((runtime, (inner, receiver)))
    }

    pub fn id(&self) -> &str {
        &self.inner.id
    }

    /// Why the replica is not in step with the cluster, if it is not.
    pub fn problem(&self) -> Option<&'static str> {
        if self.inner.buckets.get().is_none() {
            Some("the NATS cluster has not been reached yet")
        } else if !self.inner.connected.load(Ordering::SeqCst) {
            Some("NATS cannot be reached; scans wait in the outbox")
        } else {
            None
        }
    }

    /// The fingerprint of the catalog this replica serves, announced to the others.
    pub fn set_fingerprint(&self, fingerprint: String) {
        *self
            .inner
            .fingerprint
            .lock()
            .unwrap_or_else(|e| e.into_inner()) = fingerprint;
        self.inner.announce_now.notify_one();
    }

    /// Replicas heard from recently (this one included), by id.
    pub fn replicas(&self) -> Vec<Presence> {
        let cutoff = Timestamp::now() - PRESENCE_FOR;
        let mut all: Vec<Presence> = self
            .inner
            .presence
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .values()
            .filter(|p| p.at > cutoff)
            .cloned()
            .collect();
        all.sort_by(|a, b| a.replica.cmp(&b.replica));
        all
    }

    /// Gives the publisher up to `drain` to send what the outbox holds, then stops the
    /// background tasks. Entries not yet sent stay in the outbox for the next start.
    pub fn shutdown(&self, drain: Duration) {
        let until = std::time::Instant::now() + drain;
        while self.inner.connected.load(Ordering::SeqCst)
            && self.inner.store.outbox_len() > 0
            && std::time::Instant::now() < until
        {
            std::thread::sleep(Duration::from_millis(20));
        }
        let left = self.inner.store.outbox_len();
        if left > 0 {
            tracing::warn!(
                batches = left,
                "batches stay in the outbox until the next start"
            );
        }
        self.stop();
    }

    fn stop(&self) {
        if let Some(runtime) = self
            ._runtime
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .take()
        {
            // Not `shutdown_timeout`: this may run inside another runtime.
            runtime.shutdown_background();
        }
    }

    /// Runs `f` on the replica's runtime and waits for it, at most `ASK_AT_MOST`. Safe from
    /// any thread that may block.
    fn ask<T: Send + 'static>(
        &self,
        f: impl std::future::Future<Output = Result<T, String>> + Send + 'static,
    ) -> Result<T, String> {
        let (tx, rx) = std::sync::mpsc::channel();
        self.handle.spawn(async move {
            let _ = tx.send(tokio::time::timeout(ASK_AT_MOST, f).await);
        });
        match rx.recv_timeout(ASK_AT_MOST + Duration::from_millis(500)) {
            Ok(Ok(result)) => result,
            _ => Err("no answer from the NATS cluster in time".into()),
        }
    }
}

impl Drop for Replica {
    fn drop(&mut self) {
        self.stop();
    }
}

impl Shared for Replica {
    fn agree_salt(&self, day: Date, mine: [u8; 32]) -> Result<[u8; 32], String> {
        let inner = self.inner.clone();
        self.ask(async move {
            // A replica that has just started may still be joining: wait for it (bounded).
            inner.ready().await;
            let b = inner.buckets.get().ok_or("not connected yet")?;
            let key = day.to_string();
            match b.salts.create(&key, mine.to_vec().into()).await {
                Ok(_) => Ok(mine),
                Err(e) if e.kind() == kv::CreateErrorKind::AlreadyExists => {
                    let theirs = b.salts.get(&key).await.map_err(|e| e.to_string())?;
                    theirs
                        .and_then(|v| <[u8; 32]>::try_from(v.as_ref()).ok())
                        .ok_or_else(|| "the shared salt is missing or damaged".to_string())
                }
                Err(e) => Err(e.to_string()),
            }
        })
    }

    fn share_switch(&self, switch: &Switch) -> Result<u64, String> {
        let mut id = [0u8; 8];
        getrandom::fill(&mut id).map_err(|e| e.to_string())?;
        let id = u64::from_be_bytes(id) | 1;
        let key = switch_key(&switch.exhibition, id);
        let value = serde_json::to_vec(switch).map_err(|e| e.to_string())?;
        let inner = self.inner.clone();
        self.ask(async move {
            let b = inner.buckets.get().ok_or("not connected yet")?;
            b.switches
                .put(key, value.into())
                .await
                .map_err(|e| e.to_string())?;
            Ok(id)
        })
    }

    fn share_logout(&self, token: &str, expires: i64) -> Result<(), String> {
        let key = hex(token.as_bytes());
        let inner = self.inner.clone();
        self.ask(async move {
            let b = inner.buckets.get().ok_or("not connected yet")?;
            b.logouts
                .put(key, expires.to_be_bytes().to_vec().into())
                .await
                .map_err(|e| e.to_string())?;
            Ok(())
        })
    }

    fn share_link(&self, link: &crate::sharelink::ShareLink) -> Result<(), String> {
        let (key, value) = (
            link.id.clone(),
            serde_json::to_vec(link).map_err(|e| e.to_string())?,
        );
        let inner = self.inner.clone();
        self.ask(async move {
            let b = inner.buckets.get().ok_or("not connected yet")?;
            b.links
                .put(key, value.into())
                .await
                .map_err(|e| e.to_string())?;
            Ok(())
        })
    }

    fn staged(&self, upto: u64, waiters: Vec<oneshot::Sender<()>>) {
        let mut pending = self.inner.pending.lock().unwrap_or_else(|e| e.into_inner());
        // Durable here already: answered at once when the stream is away (it gets the entry
        // when it is back) or has already acknowledged it (the publisher can be that quick).
        if !self.inner.connected.load(Ordering::SeqCst) || upto <= pending.acknowledged {
            drop(pending);
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
}

/// A switch's key: the exhibition (hex, as ids may hold characters keys may not) and its number.
fn switch_key(exhibition: &str, id: u64) -> String {
    format!("{}.{id:016x}", hex(exhibition.as_bytes()))
}

/// Stores what a bucket entry (key, value) says, here; returns what the web side must show.
type Keep = fn(&Store, &str, &[u8]) -> Result<Option<Change>, String>;

/// Stores a switch made on any replica; says which exhibition changed, if it is new here.
fn keep_switch(store: &Store, key: &str, value: &[u8]) -> Result<Option<Change>, String> {
    let (Some(id), Ok(switch)) = (switch_id(key), serde_json::from_slice::<Switch>(value)) else {
        tracing::warn!(key, "a shared switch could not be read; skipped");
        return Ok(None);
    };
    let new = store
        .insert_switch(&switch, Some(id))
        .map_err(|e| error_chain(&e))?;
    Ok(new.then_some(Change::Switch(switch.exhibition)))
}

/// Stores a logout made on any replica.
fn keep_logout(store: &Store, key: &str, value: &[u8]) -> Result<Option<Change>, String> {
    let (Some(token), Ok(expires)) = (
        unhex(key),
        <[u8; 8]>::try_from(value).map(i64::from_be_bytes),
    ) else {
        return Ok(None);
    };
    store
        .keep_revoked(&token, expires)
        .map_err(|e| error_chain(&e))?;
    Ok(Some(Change::Logout(token, expires)))
}

/// Stores a share link made or revoked on any replica.
fn keep_link(store: &Store, key: &str, value: &[u8]) -> Result<Option<Change>, String> {
    let Ok(link) = serde_json::from_slice::<crate::sharelink::ShareLink>(value) else {
        tracing::warn!(key, "a shared share link could not be read; skipped");
        return Ok(None);
    };
    store.keep_share_link(&link).map_err(|e| error_chain(&e))?;
    Ok(Some(Change::Link(link)))
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn unhex(text: &str) -> Option<String> {
    let bytes = (0..text.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(text.get(i..i + 2)?, 16).ok())
        .collect::<Option<Vec<u8>>>()?;
    String::from_utf8(bytes).ok()
}

fn switch_id(key: &str) -> Option<u64> {
    u64::from_str_radix(key.rsplit('.').next()?, 16).ok()
}

#[derive(Clone, Copy)]
enum Task {
    Publish,
    Read,
    Switches,
    Logouts,
    Links,
    Presence,
}

impl Task {
    /// Runs the task for good: an error is logged and the task starts again after a pause.
    async fn run(self, inner: Arc<Inner>) {
        let mut pause = Duration::from_millis(100);
        loop {
            inner.ready().await;
            let Some(b) = inner.buckets.get() else {
                continue;
            };
            let outcome = match self {
                Task::Publish => inner.publish().await,
                Task::Read => inner.read().await,
                Task::Switches => inner.follow(&b.switches, keep_switch).await,
                Task::Logouts => inner.follow(&b.logouts, keep_logout).await,
                Task::Links => inner.follow(&b.links, keep_link).await,
                Task::Presence => inner.announce(b).await,
            };
            if let Err(e) = outcome {
                tracing::debug!(error = %e, "replication task restarts");
            }
            tokio::time::sleep(pause).await;
            pause = (pause * 2).min(Duration::from_secs(2));
        }
    }
}

impl Inner {
    /// Waits until the stream and the buckets exist (making them if needed).
    async fn ready(&self) {
        self.buckets
            .get_or_init(|| async {
                let mut pause = Duration::from_millis(100);
                loop {
                    match self.setup().await {
                        Ok(buckets) => {
                            tracing::info!(replica = %self.id, "joined the NATS cluster");
                            self.connected.store(true, Ordering::SeqCst);
                            break buckets;
                        }
                        Err(e) => tracing::debug!(error = %e, "NATS setup retries"),
                    }
                    tokio::time::sleep(pause).await;
                    pause = (pause * 2).min(Duration::from_secs(2));
                }
            })
            .await;
    }

    async fn setup(&self) -> Result<Buckets, String> {
        if self.client.connection_state() != async_nats::connection::State::Connected {
            return Err("not connected".into());
        }
        let known = self
            .client
            .server_info()
            .connect_urls
            .len()
            .max(self.servers);
        // Three copies on a cluster of three or more, as the issue asks; one on a single server.
        let replicas = if known >= 3 { 3 } else { 1 };
        self.js
            .get_or_create_stream(stream::Config {
                name: STREAM.into(),
                subjects: vec![SUBJECT.into()],
                num_replicas: replicas,
                duplicate_window: Duration::from_secs(120),
                ..Default::default()
            })
            .await
            .map_err(|e| e.to_string())?;
        let bucket = |name: &str, history: i64, max_age: Duration| kv::Config {
            bucket: name.into(),
            history,
            max_age,
            num_replicas: replicas,
            ..Default::default()
        };
        let day = Duration::from_secs(86_400);
        let buckets = Buckets {
            salts: self.bucket(bucket(SALTS, 1, 3 * day)).await?,
            switches: self.bucket(bucket(SWITCHES, 1, Duration::ZERO)).await?,
            secrets: self.bucket(bucket(SECRETS, 1, Duration::ZERO)).await?,
            replicas: self.bucket(bucket(REPLICAS, 1, PRESENCE_FOR)).await?,
            // Sessions last 12 hours; a logout is kept a little longer.
            logouts: self.bucket(bucket(LOGOUTS, 1, day)).await?,
            // Links live at most 366 days; the bucket keeps each for as long.
            links: self.bucket(bucket(LINKS, 1, 367 * day)).await?,
        };
        self.adopt_session_secret(&buckets.secrets).await?;
        Ok(buckets)
    }

    async fn bucket(&self, config: kv::Config) -> Result<kv::Store, String> {
        if let Ok(store) = self.js.get_key_value(&config.bucket).await {
            return Ok(store);
        }
        let name = config.bucket.clone();
        match self.js.create_key_value(config).await {
            Ok(store) => Ok(store),
            // Another replica made it meanwhile.
            Err(_) => self
                .js
                .get_key_value(&name)
                .await
                .map_err(|e| format!("bucket {name}: {e}")),
        }
    }

    /// The first replica's session secret becomes everyone's, so a login works on all.
    async fn adopt_session_secret(&self, secrets: &kv::Store) -> Result<(), String> {
        let store = self.store.clone();
        let mine = blocking(move || store.session_secret().map_err(|e| error_chain(&e))).await?;
        match secrets.create("session", mine.to_vec().into()).await {
            Ok(_) => Ok(()),
            Err(e) if e.kind() == kv::CreateErrorKind::AlreadyExists => {
                let theirs = secrets
                    .get("session")
                    .await
                    .map_err(|e| e.to_string())?
                    .and_then(|v| <[u8; 32]>::try_from(v.as_ref()).ok())
                    .ok_or("the shared session secret is missing or damaged")?;
                if theirs != mine {
                    let store = self.store.clone();
                    blocking(move || {
                        store
                            .set_session_secret(theirs)
                            .map_err(|e| error_chain(&e))
                    })
                    .await?;
                }
                Ok(())
            }
            Err(e) => Err(e.to_string()),
        }
    }

    /// Sends the outbox to the stream, oldest first, one message in flight; forever.
    async fn publish(&self) -> Result<(), String> {
        let mut pause = Duration::from_millis(50);
        loop {
            let store = self.store.clone();
            let entries =
                blocking(move || store.outbox(MESSAGE_BYTES).map_err(|e| error_chain(&e))).await?;
            let (Some(first), Some(last)) = (entries.first(), entries.last()) else {
                let _ = tokio::time::timeout(Duration::from_secs(1), self.wake.notified()).await;
                continue;
            };
            let (first, last) = (first.0, last.0);
            let payload = postcard::to_allocvec(&Envelope {
                origin: self.id.clone(),
                entries,
            })
            .map_err(|e| e.to_string())?;
            let mut headers = async_nats::HeaderMap::new();
            headers.insert(
                async_nats::header::NATS_MESSAGE_ID,
                format!("{}-{first}-{last}", self.id).as_str(),
            );
            let sent = tokio::time::timeout(ACK_AT_MOST, async {
                self.js
                    .publish_with_headers(SUBJECT, headers, payload.into())
                    .await
                    .map_err(|e| e.to_string())?
                    .await
                    .map_err(|e| e.to_string())
            })
            .await
            .unwrap_or_else(|_| Err("no acknowledgement in time".into()));
            match sent {
                Ok(_) => {
                    if !self.connected.swap(true, Ordering::SeqCst) {
                        tracing::info!("the NATS stream acknowledges scans again");
                    }
                    let store = self.store.clone();
                    blocking(move || store.unstage(last).map_err(|e| error_chain(&e))).await?;
                    self.answer(Some(last));
                    pause = Duration::from_millis(50);
                }
                Err(e) => {
                    if self.connected.swap(false, Ordering::SeqCst) {
                        tracing::warn!(error = %e, "the NATS stream cannot be reached; scans wait in the outbox");
                    }
                    // They are durable here: nobody waits for the stream while it is away.
                    self.answer(None);
                    tokio::time::sleep(pause).await;
                    pause = (pause * 2).min(Duration::from_secs(2));
                }
            }
        }
    }

    /// Answers the waiters for entries up to `acknowledged`, or (`None`, the stream is away)
    /// all of them.
    fn answer(&self, acknowledged: Option<u64>) {
        let mut pending = self.pending.lock().unwrap_or_else(|e| e.into_inner());
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
    async fn read(&self) -> Result<(), String> {
        let start = self.store.stream_position() + 1;
        let stream = self
            .js
            .get_stream(STREAM)
            .await
            .map_err(|e| e.to_string())?;
        let consumer = stream
            .create_consumer(consumer::pull::OrderedConfig {
                deliver_policy: consumer::DeliverPolicy::ByStartSequence {
                    start_sequence: start,
                },
                ..Default::default()
            })
            .await
            .map_err(|e| e.to_string())?;
        let mut messages = consumer.messages().await.map_err(|e| e.to_string())?;
        loop {
            // A quiet stream is idle, or this reader has stalled (its node went away and the
            // client has not noticed yet): after a quiet spell the stream says which, and a
            // stalled reader starts again from the log's position.
            let message = match tokio::time::timeout(QUIET, messages.next()).await {
                Ok(Some(message)) => message.map_err(|e| e.to_string())?,
                Ok(None) => break,
                Err(_) => {
                    let last = stream
                        .get_info()
                        .await
                        .map_err(|e| e.to_string())?
                        .state
                        .last_sequence;
                    if last > self.store.stream_position() {
                        return Err("the stream's reader stalled; reading again".into());
                    }
                    continue;
                }
            };
            let seq = message.info().map_err(|e| e.to_string())?.stream_sequence;
            if seq <= self.store.stream_position() {
                continue;
            }
            let (origin, entries) = match postcard::from_bytes::<Envelope>(&message.payload) {
                Ok(envelope) => (envelope.origin, envelope.entries),
                Err(e) => {
                    tracing::warn!(error = %e, seq, "a stream message could not be read; skipped");
                    (String::new(), Vec::new())
                }
            };
            let store = self.store.clone();
            blocking(move || {
                store
                    .apply_stream(seq, &origin, &entries)
                    .map_err(|e| error_chain(&e))
            })
            .await?;
        }
        Err("the stream's reader ended".into())
    }

    /// Hands every value put in `bucket` (those already there first, so a replica that was
    /// away learns what it missed) to `apply` on a blocking thread, and what it reports
    /// changed to the web side.
    async fn follow(&self, bucket: &kv::Store, apply: Keep) -> Result<(), String> {
        let mut entries = bucket
            .watch_with_history(">")
            .await
            .map_err(|e| e.to_string())?;
        while let Some(entry) = entries.next().await {
            let entry = entry.map_err(|e| e.to_string())?;
            if entry.operation != kv::Operation::Put {
                continue;
            }
            let store = self.store.clone();
            let change = blocking(move || apply(&store, &entry.key, &entry.value)).await?;
            if let Some(change) = change {
                let _ = self.changed.send(change);
            }
        }
        Err(format!("the watch of {} ended", bucket.name))
    }

    /// Says every few seconds that this replica is alive and what it serves; listens to the
    /// others.
    async fn announce(&self, b: &Buckets) -> Result<(), String> {
        let mut others = b
            .replicas
            .watch_with_history(">")
            .await
            .map_err(|e| e.to_string())?;
        let mut tick = tokio::time::interval(PRESENCE_EVERY);
        loop {
            tokio::select! {
                _ = tick.tick() => self.say_alive(b).await?,
                _ = self.announce_now.notified() => self.say_alive(b).await?,
                entry = others.next() => {
                    let entry = entry.ok_or("the presence watch ended")?.map_err(|e| e.to_string())?;
                    let mut presence = self.presence.lock().unwrap_or_else(|e| e.into_inner());
                    match serde_json::from_slice::<Presence>(&entry.value) {
                        Ok(p) if entry.operation == kv::Operation::Put => {
                            presence.insert(entry.key, p);
                        }
                        _ => {
                            presence.remove(&entry.key);
                        }
                    }
                }
            }
        }
    }

    async fn say_alive(&self, b: &Buckets) -> Result<(), String> {
        let presence = Presence {
            replica: self.id.clone(),
            fingerprint: self
                .fingerprint
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .clone(),
            at: Timestamp::now(),
        };
        let value = serde_json::to_vec(&presence).map_err(|e| e.to_string())?;
        b.replicas
            .put(&self.id, value.into())
            .await
            .map_err(|e| e.to_string())?;
        Ok(())
    }
}

async fn blocking<T: Send + 'static>(
    f: impl FnOnce() -> Result<T, String> + Send + 'static,
) -> Result<T, String> {
    tokio::task::spawn_blocking(f)
        .await
        .map_err(|e| format!("a store call failed: {e}"))?
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn switch_keys_hold_any_exhibition_id_and_give_the_number_back() {
        let key = switch_key("nature-2026/冬", 0xdead_beef);
        assert!(
            key.chars().all(|c| c.is_ascii_alphanumeric() || c == '.'),
            "{key}"
        );
        assert_eq!(switch_id(&key), Some(0xdead_beef));
        assert_eq!(switch_id("garbage"), None);
        assert_eq!(
            unhex(&hex("Zz-09_=".as_bytes())).as_deref(),
            Some("Zz-09_=")
        );
        assert_eq!(unhex("abc"), None);
    }
}

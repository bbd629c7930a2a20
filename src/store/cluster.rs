//! The store's port to a cluster of replicas: what it needs from one, and nothing of how one
//! is reached. `crate::replica` drives replication through these traits, and its JetStream
//! module is the only code that knows NATS; a cluster in memory stands in for unit tests.
//!
//! Two directions:
//! - `Cluster` (outward): an ordered stream of messages (append one and learn its position,
//!   read from a position) and named records in a few kinds (put, put-if-first, watch).
//! - `Outbound` (inward): what the store hands a running replica: a day's salt to agree on,
//!   event batches staged for the stream, and word that a shared change was queued.

use futures_util::future::BoxFuture;
use futures_util::stream::BoxStream;
use jiff::civil::Date;
use tokio::sync::oneshot;

/// Why the cluster did not do what was asked.
#[derive(Debug, thiserror::Error)]
pub enum ClusterError {
    /// Not connected, or the cluster has no leader: worth trying again later.
    #[error("the cluster cannot be reached")]
    Unreachable,
    #[error("no answer from the cluster in time")]
    TimedOut,
    /// The cluster's client reported an error (the cluster refused, or the client could not
    /// ask it): the cause follows in the chain.
    #[error("the cluster's client reported an error")]
    Refused(#[source] Box<dyn std::error::Error + Send + Sync>),
    /// What a record or a message holds cannot be read.
    #[error("a shared value is damaged: {0}")]
    Damaged(&'static str),
    /// A store call made for the cluster failed.
    #[error("the local store failed")]
    Store(#[from] super::StoreError),
    /// The replica is shutting down.
    #[error("the replica has stopped")]
    Stopped,
}

impl ClusterError {
    /// Wraps an error the cluster's client returned.
    pub fn refused(e: impl std::error::Error + Send + Sync + 'static) -> ClusterError {
        ClusterError::Refused(Box::new(e))
    }
}

pub type ClusterResult<T> = std::result::Result<T, ClusterError>;
/// One call to the cluster.
pub type Op<'a, T> = BoxFuture<'a, ClusterResult<T>>;
/// What a cluster keeps sending: stream messages, or records as they are put.
pub type Feed<T> = BoxStream<'static, ClusterResult<T>>;

/// The kinds of named record the replicas keep in the cluster.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Records {
    /// The salt of each day (the first replica's wins). Forgotten when the next day's is
    /// agreed, and kept at most a day and an hour in any case: the promise is that an old
    /// salt is destroyed.
    Salts,
    /// The session secret (the first replica's wins).
    Secrets,
    /// Shared changes (`SharedChange`), by `SharedChange::key`.
    Changes,
    /// Each replica's presence and the fingerprint of what it serves; short-lived.
    Presence,
}

impl Records {
    pub const ALL: [Records; 4] = [
        Records::Salts,
        Records::Secrets,
        Records::Changes,
        Records::Presence,
    ];
}

/// A message of the stream: its position and its bytes.
pub type Message = (u64, Vec<u8>);
/// A record as put: its key and value.
pub type Record = (String, Vec<u8>);

/// What the store needs from a cluster. Calls are async and bounded by the implementation;
/// none is made on a web worker or the writer thread.
pub trait Cluster: Send + Sync + 'static {
    /// Makes sure the stream and the record kinds exist (making them if needed).
    fn prepare(&self) -> Op<'_, ()>;
    /// Appends one message; a second append under the same `id` (a resend) is dropped by the
    /// cluster. Returns the message's position.
    fn append(&self, id: String, payload: Vec<u8>) -> Op<'_, u64>;
    /// The messages from position `from` on, in order, then each one appended later.
    fn read(&self, from: u64) -> Op<'_, Feed<Message>>;
    /// The position of the last message appended (0: none).
    fn last(&self) -> Op<'_, u64>;
    /// Puts a record (replacing one under the same key).
    fn put(&self, records: Records, key: String, value: Vec<u8>) -> Op<'_, ()>;
    /// Puts a record unless one is there already; returns the value that holds.
    fn put_first(&self, records: Records, key: String, value: Vec<u8>) -> Op<'_, Vec<u8>>;
    /// Removes a record and every earlier value of it, for good (an old day's salt).
    fn forget(&self, records: Records, key: String) -> Op<'_, ()>;
    /// Every record there now, then each one put later.
    fn watch(&self, records: Records) -> Op<'_, Feed<Record>>;
}

/// What the store hands a running replica. Implemented by `crate::replica::Replica`.
pub trait Outbound: Send + Sync + 'static {
    /// The salt every replica uses for `day`: `mine` if none has one yet. Blocks, bounded.
    fn agree_salt(&self, day: Date, mine: [u8; 32]) -> ClusterResult<[u8; 32]>;
    /// Outbox entries up to `upto` are durable here; `waiters` are answered when the stream
    /// has them (or at once, when it cannot be reached).
    fn staged(&self, upto: u64, waiters: Vec<oneshot::Sender<()>>);
    /// A shared change was queued: send it.
    fn changed(&self);
}

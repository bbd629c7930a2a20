//! Group commit: handlers hand events to one writer thread and wait (asynchronously) until
//! the batch holding theirs is durable. While one batch is written the next one gathers, so
//! a busy server makes few, large writes and an idle one answers at once.
//!
//! When a write fails (a full disk, an I/O error) the events stay queued, in order, and the
//! writer retries with a growing pause; handlers are answered without waiting (the event is
//! "unconfirmed"), `Health` says why, and the queue drains once writes succeed. A retried
//! batch lands at the same log position, so nothing is counted twice. The queue is bounded:
//! past `MAX_QUEUED` an event is refused and counted as lost.
//!
//! The writer also checkpoints the figures every few seconds and at shutdown.
//!
//! This exists because a sled flush per request is slow (about 7,200 req/s here) and sled
//! 0.34's `flush_async` deadlocks under concurrent callers (sled issue #1308).

use parking_lot::Mutex;
use std::collections::VecDeque;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc;
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use tokio::sync::oneshot;

use crate::error_chain;

use super::{Event, Store, StoreError};

/// How long a request waits for its event to be durable before it is answered anyway.
const WAIT_AT_MOST: Duration = Duration::from_secs(1);

/// The most events one batch takes, so one slow write cannot grow a batch without bound.
const MAX_BATCH: usize = 1024;

/// Events waiting to be written, at most; about 300 bytes each.
const MAX_QUEUED: usize = 50_000;

/// After a batch of at least `BUSY` events, the writer waits `LINGER` before it gathers the
/// next one: under load more events share one durable write (a batch grew from 45 to 90
/// events while sled's write and flush went from 0.56 to 0.60 ms), which left more of the two
/// cores to the web workers (`bench/ab.sh`: +4 % landing page, +5 % `/go/`). A quiet server never waits: a
/// scan after a small batch is written at once. A replica's writer does not linger: it only
/// stages the batch, and the publisher's round trip to the stream gathers the next message.
const LINGER: Duration = Duration::from_micros(200);
const BUSY: usize = 4;

/// How often the figures are checkpointed while events come in.
const CHECKPOINT_EVERY: Duration = Duration::from_secs(5);

/// The pause before retrying a failed write, at first and at most.
const RETRY_FIRST: Duration = Duration::from_millis(50);
const RETRY_MOST: Duration = Duration::from_secs(2);

const SLOW: &str = "the disk is slow";

/// Observations of the writer, for metrics.
pub trait BatchObserver: Send + Sync + 'static {
    /// One attempt at writing a batch: its size, how long it took, and whether it is durable
    /// (a failed batch stays queued and is tried again).
    fn batch_written(&self, events: usize, seconds: f64, ok: bool);
}

struct Job {
    event: Event,
    done: oneshot::Sender<()>,
}

/// Whether events are being stored, and if not, why (a short reason, no paths).
#[derive(Default)]
pub struct Health {
    problem: Mutex<Option<&'static str>>,
}

impl Health {
    pub fn problem(&self) -> Option<&'static str> {
        *self.problem.lock()
    }

    fn set(&self, problem: Option<&'static str>) -> Option<&'static str> {
        std::mem::replace(&mut *self.problem.lock(), problem)
    }
}

pub struct Recorder {
    sender: Mutex<Option<mpsc::Sender<Job>>>,
    writer: Mutex<Option<JoinHandle<()>>>,
    queued: Arc<AtomicUsize>,
    health: Arc<Health>,
}

impl Recorder {
    /// Starts the writer thread. A replica's store must have been made one
    /// (`Store::replicate`) before: the writer picks its sink here, once.
    pub fn start(store: Arc<Store>, observer: Arc<dyn BatchObserver>) -> Recorder {
        let (sender, receiver) = mpsc::channel::<Job>();
        let queued = Arc::new(AtomicUsize::new(0));
        let health = Arc::new(Health::default());
        let sink = match store.outbound() {
            Some(outbound) => Sink::Outbox(outbound.clone()),
            None => Sink::Log,
        };
        let writer = Writer {
            store,
            sink,
            receiver,
            observer,
            queued: queued.clone(),
            health: health.clone(),
            backlog: VecDeque::new(),
        };
        let writer = std::thread::Builder::new()
            .name("docent-writer".into())
            .spawn(move || writer.run())
            .expect("the writer thread starts");
        Recorder {
            sender: Mutex::new(Some(sender)),
            writer: Mutex::new(Some(writer)),
            queued,
            health,
        }
    }

    /// Stores an event; returns once it is durable. While writes fail, returns `TimedOut` at
    /// once (the event stays queued and is written later); a write slower than
    /// `WAIT_AT_MOST` also returns `TimedOut`. The visitor is never kept waiting for long.
    pub async fn record(&self, event: Event) -> Result<(), StoreError> {
        if self.queued.fetch_add(1, Ordering::SeqCst) >= MAX_QUEUED {
            self.queued.fetch_sub(1, Ordering::SeqCst);
            return Err(StoreError::QueueFull);
        }
        let (done, wait) = oneshot::channel();
        let sent = self
            .sender
            .lock()
            .as_ref()
            .map(|s| s.send(Job { event, done }).is_ok());
        if sent != Some(true) {
            self.queued.fetch_sub(1, Ordering::SeqCst);
            return Err(StoreError::WriterGone);
        }
        if self.health.problem().is_some() {
            return Err(StoreError::TimedOut);
        }
        match tokio::time::timeout(WAIT_AT_MOST, wait).await {
            Ok(Ok(())) => Ok(()),
            Ok(Err(_)) => Err(StoreError::WriterGone),
            Err(_) => Err(StoreError::TimedOut),
        }
    }

    /// Why events are not being stored right now, if they are not.
    pub fn problem(&self) -> Option<&'static str> {
        self.health.problem()
    }

    /// Events accepted and not yet durable.
    pub fn queued(&self) -> usize {
        self.queued.load(Ordering::SeqCst)
    }

    /// Stops taking events, writes what is queued (retrying a failing disk for a while), takes
    /// a last checkpoint, and waits for the writer to finish.
    pub fn shutdown(&self) {
        self.sender.lock().take();
        if let Some(writer) = self.writer.lock().take() {
            let _ = writer.join();
        }
    }
}

/// Where the writer puts a batch, fixed when it starts.
enum Sink {
    /// A single server: the batch is appended to the log and counted at once.
    Log,
    /// A replica: the batch is staged in the outbox; the replica sends it and answers the
    /// waiters when the stream has it.
    Outbox(Arc<dyn super::Outbound>),
}

struct Writer {
    store: Arc<Store>,
    sink: Sink,
    receiver: mpsc::Receiver<Job>,
    observer: Arc<dyn BatchObserver>,
    queued: Arc<AtomicUsize>,
    health: Arc<Health>,
    /// Events received and not yet written, oldest first.
    backlog: VecDeque<Job>,
}

impl Writer {
    fn run(mut self) {
        let mut open = true;
        let mut checkpointed = (Instant::now(), self.store.position());
        let mut retry = RETRY_FIRST;
        let mut failures_at_close = 0;
        let mut busy = false;
        while open || !self.backlog.is_empty() {
            if self.backlog.is_empty() {
                match self.receiver.recv_timeout(CHECKPOINT_EVERY) {
                    Ok(job) => self.backlog.push_back(job),
                    // Idle with nothing queued: a slow write earlier is no problem now.
                    Err(mpsc::RecvTimeoutError::Timeout) => {
                        if self.health.problem() == Some(SLOW) {
                            self.health.set(None);
                        }
                    }
                    Err(mpsc::RecvTimeoutError::Disconnected) => open = false,
                }
            }
            if busy && open && matches!(self.sink, Sink::Log) {
                std::thread::sleep(LINGER);
            }
            while self.backlog.len() < MAX_BATCH {
                match self.receiver.try_recv() {
                    Ok(job) => self.backlog.push_back(job),
                    Err(mpsc::TryRecvError::Empty) => break,
                    Err(mpsc::TryRecvError::Disconnected) => {
                        open = false;
                        break;
                    }
                }
            }
            busy = self.backlog.len() >= BUSY;
            if !self.backlog.is_empty() {
                if self.write_batch() {
                    retry = RETRY_FIRST;
                } else {
                    if !open {
                        failures_at_close += 1;
                        if failures_at_close > 10 {
                            tracing::error!(
                                events = self.backlog.len(),
                                "shutting down with events that could not be stored"
                            );
                            break;
                        }
                    }
                    std::thread::sleep(retry);
                    retry = (retry * 2).min(RETRY_MOST);
                }
            }
            let position = self.store.position();
            if position != checkpointed.1 && (checkpointed.0.elapsed() >= CHECKPOINT_EVERY || !open)
            {
                match self.store.checkpoint() {
                    Ok(()) => checkpointed = (Instant::now(), position),
                    Err(e) => tracing::warn!(error = %error_chain(&e), "checkpoint failed"),
                }
            }
        }
        if let Err(e) = self.store.checkpoint() {
            tracing::warn!(error = %error_chain(&e), "final checkpoint failed");
        }
    }

    /// Writes the oldest queued events as one batch; true when they are durable.
    fn write_batch(&mut self) -> bool {
        let n = self.backlog.len().min(MAX_BATCH);
        // A span per batch, so a slow request can be followed into the write it waited for.
        let span = tracing::debug_span!("batch", events = n, seconds = tracing::field::Empty);
        let _entered = span.enter();
        let started = Instant::now();
        let events: Vec<&Event> = self.backlog.iter().take(n).map(|j| &j.event).collect();
        let outcome = match self.sink {
            Sink::Outbox(_) => self.store.stage(&events).map(Some),
            Sink::Log => self.store.append(events).map(|()| None),
        };
        let took = started.elapsed();
        span.record("seconds", took.as_secs_f64());
        tracing::debug!(ok = outcome.is_ok(), "batch written");
        self.observer
            .batch_written(n, took.as_secs_f64(), outcome.is_ok());
        match outcome {
            Ok(staged) => {
                let waiters = self.backlog.drain(..n).map(|job| job.done);
                match (staged, &self.sink) {
                    (Some(upto), Sink::Outbox(outbound)) => {
                        outbound.staged(upto, waiters.collect())
                    }
                    _ => waiters.for_each(|done| {
                        let _ = done.send(());
                    }),
                }
                self.queued.fetch_sub(n, Ordering::SeqCst);
                let problem = (took > WAIT_AT_MOST).then_some(SLOW);
                if let Some(was) = self.health.set(problem)
                    && problem.is_none()
                {
                    tracing::info!(was, "events are stored again");
                }
                true
            }
            Err(e) => {
                let problem = reason(&e);
                if self.health.set(Some(problem)) != Some(problem) {
                    tracing::error!(
                        error = %error_chain(&e),
                        queued = self.backlog.len(),
                        "events cannot be stored; they stay queued and are retried"
                    );
                }
                false
            }
        }
    }
}

/// A short reason for `/healthz`: no paths, no internals.
fn reason(e: &StoreError) -> &'static str {
    let io = match e {
        StoreError::Sled(sled::Error::Io(io)) => Some(io),
        StoreError::Io(io) => Some(io),
        _ => None,
    };
    match io {
        Some(io) if io.kind() == std::io::ErrorKind::StorageFull => "the disk is full",
        Some(_) => "the disk cannot be written",
        None => "the store cannot be written",
    }
}

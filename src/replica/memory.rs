//! A cluster in memory, for unit tests of the replication rules: one stream and the record
//! kinds, shared by every replica given a handle, and a switch that takes the whole cluster
//! away (every call and every feed fails) and brings it back.

use parking_lot::Mutex;
use std::collections::{HashMap, HashSet};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use futures_util::{FutureExt, StreamExt, stream};

use crate::store::cluster::{ClusterResult, Feed, Message, Op, Record};
use crate::store::{Cluster, ClusterError, Records};

/// How often a feed looks for something new.
const POLL: Duration = Duration::from_millis(10);

#[derive(Clone, Default)]
pub struct MemoryCluster(Arc<State>);

#[derive(Default)]
struct State {
    down: AtomicBool,
    held: Mutex<Held>,
}

#[derive(Default)]
struct Held {
    stream: Vec<Vec<u8>>,
    ids: HashSet<String>,
    /// Every put, in order (what a watch replays), and the latest value by kind and key.
    puts: Vec<(Records, String, Vec<u8>)>,
    latest: HashMap<(Records, String), Vec<u8>>,
}

impl MemoryCluster {
    /// Takes the cluster away (`true`) or brings it back.
    pub fn set_down(&self, down: bool) {
        self.0.down.store(down, Ordering::SeqCst);
    }

    /// The value held under `key`, whatever the cluster's state.
    pub fn get(&self, records: Records, key: &str) -> Option<Vec<u8>> {
        self.held().latest.get(&(records, key.to_string())).cloned()
    }

    fn up(&self) -> ClusterResult<()> {
        if self.0.down.load(Ordering::SeqCst) {
            Err(ClusterError::Unreachable)
        } else {
            Ok(())
        }
    }

    fn held(&self) -> parking_lot::MutexGuard<'_, Held> {
        self.0.held.lock()
    }

    /// A feed of `next(held, position)` from position `from`, failing once the cluster goes
    /// away.
    fn feed<T: Send + 'static>(
        &self,
        from: usize,
        next: fn(&Held, usize) -> Option<(T, usize)>,
    ) -> Feed<T> {
        let cluster = self.clone();
        stream::unfold(Some(from), move |at| {
            let cluster = cluster.clone();
            async move {
                let at = at?;
                loop {
                    if cluster.up().is_err() {
                        return Some((Err(ClusterError::Unreachable), None));
                    }
                    if let Some((item, after)) = next(&cluster.held(), at) {
                        return Some((Ok(item), Some(after)));
                    }
                    tokio::time::sleep(POLL).await;
                }
            }
        })
        .boxed()
    }
}

impl Cluster for MemoryCluster {
    fn prepare(&self) -> Op<'_, ()> {
        async move { self.up() }.boxed()
    }

    fn append(&self, id: String, payload: Vec<u8>) -> Op<'_, u64> {
        async move {
            self.up()?;
            let mut held = self.held();
            if held.ids.insert(id) {
                held.stream.push(payload);
            }
            Ok(held.stream.len() as u64)
        }
        .boxed()
    }

    fn read(&self, from: u64) -> Op<'_, Feed<Message>> {
        async move {
            self.up()?;
            let from = usize::try_from(from.max(1) - 1).unwrap_or(usize::MAX);
            Ok(self.feed(from, |held, at| {
                let payload = held.stream.get(at)?.clone();
                Some(((at as u64 + 1, payload), at + 1))
            }))
        }
        .boxed()
    }

    fn last(&self) -> Op<'_, u64> {
        async move {
            self.up()?;
            Ok(self.held().stream.len() as u64)
        }
        .boxed()
    }

    fn put(&self, records: Records, key: String, value: Vec<u8>) -> Op<'_, ()> {
        async move {
            self.up()?;
            let mut held = self.held();
            held.puts.push((records, key.clone(), value.clone()));
            held.latest.insert((records, key), value);
            Ok(())
        }
        .boxed()
    }

    fn put_first(&self, records: Records, key: String, value: Vec<u8>) -> Op<'_, Vec<u8>> {
        async move {
            self.up()?;
            let mut held = self.held();
            if let Some(first) = held.latest.get(&(records, key.clone())) {
                return Ok(first.clone());
            }
            held.puts.push((records, key.clone(), value.clone()));
            held.latest.insert((records, key), value.clone());
            Ok(value)
        }
        .boxed()
    }

    fn forget(&self, records: Records, key: String) -> Op<'_, ()> {
        async move {
            self.up()?;
            let mut held = self.held();
            held.puts.retain(|(r, k, _)| !(*r == records && *k == key));
            held.latest.remove(&(records, key));
            Ok(())
        }
        .boxed()
    }

    /// Like a JetStream key-value watch with history: the latest value of each key there now
    /// (a value replaced before the watch began is not seen), then every later put.
    fn watch(&self, records: Records) -> Op<'_, Feed<Record>> {
        async move {
            self.up()?;
            let (now, start) = {
                let held = self.held();
                let now: Vec<ClusterResult<Record>> = held
                    .puts
                    .iter()
                    .enumerate()
                    .filter(|(i, (r, key, _))| {
                        *r == records
                            && !held.puts[i + 1..]
                                .iter()
                                .any(|(r2, k2, _)| *r2 == records && k2 == key)
                    })
                    .map(|(_, (_, key, value))| Ok((key.clone(), value.clone())))
                    .collect();
                (now, held.puts.len())
            };
            let next = match records {
                Records::Salts => next_put::<0>,
                Records::Secrets => next_put::<1>,
                Records::Changes => next_put::<2>,
                Records::Presence => next_put::<3>,
            };
            Ok(stream::iter(now).chain(self.feed(start, next)).boxed())
        }
        .boxed()
    }
}

/// The next put of kind `Records::ALL[K]` at or after `at`.
fn next_put<const K: usize>(held: &Held, at: usize) -> Option<(Record, usize)> {
    let kind = Records::ALL[K];
    let (i, (_, key, value)) = held
        .puts
        .iter()
        .enumerate()
        .skip(at)
        .find(|(_, (r, _, _))| *r == kind)?;
    Some(((key.clone(), value.clone()), i + 1))
}

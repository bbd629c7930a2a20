//! The replication rules on a cluster in memory: two replicas, the cluster taken away and
//! brought back. The same code runs on NATS in `tests/api/replicas.rs`.

use std::sync::Arc;
use std::time::{Duration, Instant};

use futures_util::FutureExt;

use super::memory::MemoryCluster;
use super::seal::ClusterKey;
use super::{Changes, Replica};
use crate::catalog::Switch;
use crate::sharelink::ShareLink;
use crate::store::{Cluster, Event, Recorder, Records, SharedChange, Store};

struct Node {
    store: Arc<Store>,
    replica: Arc<Replica>,
    changes: Changes,
    _dir: tempfile::TempDir,
}

/// The key every node of these tests shares.
const KEY: [u8; 32] = [0x5a; 32];

fn node(cluster: &MemoryCluster) -> Node {
    node_with_key(cluster, &KEY)
}

fn node_with_key(cluster: &MemoryCluster, key: &[u8]) -> Node {
    let dir = tempfile::tempdir().unwrap();
    let store = Arc::new(Store::open(dir.path(), 1 << 20).unwrap());
    let cluster = cluster.clone();
    let (replica, changes) = Replica::start(
        store.clone(),
        Duration::from_secs(2),
        ClusterKey::from_bytes(key),
        move || std::future::ready(Ok(Arc::new(cluster) as Arc<dyn Cluster>)),
    )
    .unwrap();
    Node {
        store,
        replica,
        changes,
        _dir: dir,
    }
}

/// Waits up to 10 s for `done`; the replication tasks retry with pauses of up to 2 s.
fn eventually(what: &str, mut done: impl FnMut() -> bool) {
    let until = Instant::now() + Duration::from_secs(10);
    while !done() {
        assert!(Instant::now() < until, "not within 10 s: {what}");
        std::thread::sleep(Duration::from_millis(20));
    }
}

fn switch(phase: &str, at: &str) -> Switch {
    Switch {
        exhibition: "show".into(),
        phase: phase.into(),
        at: at.parse().unwrap(),
        by: "Wang".into(),
    }
}

fn drain(changes: &mut Changes) -> Vec<SharedChange> {
    std::iter::from_fn(|| changes.try_recv().ok()).collect()
}

#[test]
fn changes_made_while_the_cluster_is_away_reach_the_other_replica_when_it_is_back() {
    let cluster = MemoryCluster::default();
    let (a, mut b) = (node(&cluster), node(&cluster));
    let now = "2026-11-20T02:00:00Z".parse().unwrap();
    let link = ShareLink::new("show", 3, now, "Wang").unwrap();
    a.store.change(&SharedChange::Link(link.clone())).unwrap();
    eventually("the link reaches B", || {
        b.store.share_links().unwrap() == vec![link.clone()]
    });

    cluster.set_down(true);
    let mut revoked = link.clone();
    revoked.revoked = Some(now);
    let logout = SharedChange::Logout {
        token: "session-token".into(),
        expires: i64::MAX,
    };
    let switched = a
        .store
        .new_switch(switch("phase-2", "2026-11-20T03:00:00Z"))
        .unwrap();
    for change in [
        SharedChange::Link(revoked.clone()),
        logout.clone(),
        switched.clone(),
    ] {
        assert!(a.store.change(&change).unwrap(), "applied on A at once");
    }
    assert_eq!(
        a.store.last_switch("show").unwrap().unwrap().phase,
        "phase-2"
    );
    std::thread::sleep(Duration::from_millis(300));
    assert_eq!(
        a.store.pending_changes().unwrap().len(),
        3,
        "they wait in A's outbox"
    );
    assert!(b.store.share_links().unwrap()[0].revoked.is_none());

    cluster.set_down(false);
    eventually("the revocation, the logout and the switch reach B", || {
        b.store.share_links().unwrap() == vec![revoked.clone()]
            && b.store.revoked_sessions(0).unwrap() == vec![("session-token".into(), i64::MAX)]
            && b.store
                .last_switch("show")
                .unwrap()
                .is_some_and(|s| s.phase == "phase-2")
    });
    eventually("A's outbox empties", || {
        a.store.pending_changes().unwrap().is_empty()
    });
    let seen = drain(&mut b.changes);
    for change in [SharedChange::Link(revoked), logout, switched] {
        assert!(seen.contains(&change), "B's web side hears of {change:?}");
    }
    drop(a.replica);
}

#[test]
fn a_links_creation_sent_again_after_its_revocation_never_reopens_it_anywhere() {
    let cluster = MemoryCluster::default();
    let (a, b) = (node(&cluster), node(&cluster));
    let now = "2026-11-20T02:00:00Z".parse().unwrap();
    let link = ShareLink::new("show", 3, now, "Wang").unwrap();
    a.store.change(&SharedChange::Link(link.clone())).unwrap();
    let mut revoked = link.clone();
    revoked.revoked = Some(now);
    eventually("B knows the link", || {
        b.store.share_links().unwrap().len() == 1
    });
    b.store
        .change(&SharedChange::Link(revoked.clone()))
        .unwrap();
    eventually("A knows the revocation", || {
        a.store.share_links().unwrap() == vec![revoked.clone()]
    });
    // A's creation again, as after a lost acknowledgement: the cluster holds it anew.
    let made = SharedChange::Link(link);
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime
        .block_on(cluster.put(Records::Changes, made.key(), made.encode().unwrap()))
        .unwrap();
    let c = node(&cluster);
    eventually("a replica that joins later learns the revocation", || {
        c.store.share_links().unwrap() == vec![revoked.clone()]
    });
    std::thread::sleep(Duration::from_millis(200));
    assert_eq!(c.store.share_links().unwrap(), vec![revoked.clone()]);
    assert_eq!(a.store.share_links().unwrap(), vec![revoked]);
}

#[test]
fn the_latest_switch_wins_on_every_replica_whatever_order_they_arrive_in() {
    let cluster = MemoryCluster::default();
    let (a, b) = (node(&cluster), node(&cluster));
    cluster.set_down(true);
    // Made apart: A's is earlier, B's later; each replica knows only its own.
    let early = a
        .store
        .new_switch(switch("phase-2", "2026-11-20T03:00:00Z"))
        .unwrap();
    let late = b
        .store
        .new_switch(switch("phase-1", "2026-11-20T04:00:00Z"))
        .unwrap();
    a.store.change(&early).unwrap();
    b.store.change(&late).unwrap();
    assert_eq!(
        a.store.last_switch("show").unwrap().unwrap().phase,
        "phase-2"
    );
    cluster.set_down(false);
    for (name, node) in [("A", &a), ("B", &b)] {
        eventually(&format!("{name} holds both switches"), || {
            node.store.switches("show").unwrap().len() == 2
        });
        assert_eq!(
            node.store.last_switch("show").unwrap().unwrap().phase,
            "phase-1",
            "{name} shows the later switch"
        );
    }
}

#[test]
fn each_replica_uses_its_own_salt_while_the_cluster_is_away_and_one_salt_when_it_is_back() {
    let cluster = MemoryCluster::default();
    let (a, b) = (node(&cluster), node(&cluster));
    let first: jiff::civil::Date = "2026-11-20".parse().unwrap();
    cluster.set_down(true);
    let (mine_a, mine_b) = (
        a.store.daily_salt(first).unwrap(),
        b.store.daily_salt(first).unwrap(),
    );
    assert_ne!(mine_a, mine_b, "no shared salt without the cluster");
    assert_eq!(
        a.store.daily_salt(first).unwrap(),
        mine_a,
        "kept for the day"
    );
    assert!(cluster.get(Records::Salts, "2026-11-20").is_none());

    cluster.set_down(false);
    let next = first.tomorrow().unwrap();
    let agreed = a.store.daily_salt(next).unwrap();
    assert_eq!(
        b.store.daily_salt(next).unwrap(),
        agreed,
        "one salt for both"
    );
    let held = cluster.get(Records::Salts, "2026-11-21").unwrap();
    assert!(
        !held.windows(32).any(|w| w == agreed),
        "the cluster holds the salt sealed, never as it is"
    );
    let after = next.tomorrow().unwrap();
    a.store.daily_salt(after).unwrap();
    assert!(
        cluster.get(Records::Salts, "2026-11-21").is_none(),
        "a day's salt leaves the cluster once the next day's is agreed"
    );
    assert!(cluster.get(Records::Salts, "2026-11-22").is_some());
}

#[test]
fn what_no_replica_sealed_is_refused_and_changes_nothing() {
    let cluster = MemoryCluster::default();
    let (a, b) = (node(&cluster), node(&cluster));
    // A forger who reached the cluster: plain values, and values sealed under another key.
    let stranger = ClusterKey::from_bytes(&[1u8; 32]);
    let forged_switch = SharedChange::Switch {
        id: 7,
        switch: switch("phase-9", "2026-11-20T05:00:00Z"),
    };
    let bytes = forged_switch.encode().unwrap();
    let envelope = postcard::to_allocvec(&super::Envelope {
        origin: b.replica.id().to_string(),
        entries: vec![(1 << 62, vec![0; 4])],
        earlier: None,
    })
    .unwrap();
    let key = forged_switch.key();
    let place = format!("changes/{key}");
    for (key, value) in [
        (key.clone(), bytes.clone()),
        (
            format!("{key}0"),
            stranger.seal(place.as_bytes(), &bytes).unwrap(),
        ),
    ] {
        cluster
            .put(Records::Changes, key, value)
            .now_or_never()
            .unwrap()
            .unwrap();
    }
    for payload in [
        envelope.clone(),
        stranger.seal(b"stream", &envelope).unwrap(),
    ] {
        cluster
            .append(format!("forged-{}", payload.len()), payload)
            .now_or_never()
            .unwrap()
            .unwrap();
    }
    eventually("both replicas refuse the four forgeries", || {
        a.replica.refused().0 >= 4 && b.replica.refused().0 >= 4
    });
    // Even sealed with the right key (a replica gone wrong, or its key file stolen): a switch
    // dated years ahead and a batch number far past B's last change nothing either.
    let ours = ClusterKey::from_bytes(&KEY);
    let future = SharedChange::Switch {
        id: 8,
        switch: switch("phase-9", "2099-01-01T00:00:00Z"),
    };
    let future_key = future.key();
    cluster
        .put(
            Records::Changes,
            future_key.clone(),
            ours.seal(
                format!("changes/{future_key}").as_bytes(),
                &future.encode().unwrap(),
            )
            .unwrap(),
        )
        .now_or_never()
        .unwrap()
        .unwrap();
    cluster
        .append(
            "sealed-huge".into(),
            ours.seal(b"stream", &envelope).unwrap(),
        )
        .now_or_never()
        .unwrap()
        .unwrap();
    eventually("and read past the forged messages", || {
        a.store.stream_position() >= 3 && b.store.stream_position() >= 3
    });
    std::thread::sleep(Duration::from_millis(200));

    // Real scans from B still count on A: the forged batch number 2^62 silenced nobody.
    let recorder = Recorder::start(b.store.clone(), Arc::new(NoObserver));
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        for n in 1..=3 {
            recorder.record(scan(n)).await.unwrap();
        }
    });
    eventually("A counts B's three scans", || a.store.position() == 3);
    assert_eq!(a.store.position(), 3, "and nothing of the forged message");
    assert!(a.store.last_switch("show").unwrap().is_none());
    assert!(b.store.last_switch("show").unwrap().is_none());
    recorder.shutdown();

    // A replica given another key file trusts nothing the others sealed, and says so.
    let c = node_with_key(&cluster, &[2u8; 32]);
    eventually("C refuses the others' values", || c.replica.refused().0 > 0);
    assert_eq!(c.store.position(), 0, "C counts none of their scans");
}

#[test]
fn scans_staged_while_the_cluster_is_away_are_answered_and_counted_once_everywhere() {
    let cluster = MemoryCluster::default();
    let (a, b) = (node(&cluster), node(&cluster));
    let recorder = Recorder::start(a.store.clone(), Arc::new(NoObserver));
    cluster.set_down(true);
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        for n in 1..=5 {
            tokio::time::timeout(Duration::from_secs(5), recorder.record(scan(n)))
                .await
                .expect("answered while the cluster is away")
                .unwrap();
        }
    });
    assert!(a.store.outbox_len() > 0, "they wait in the outbox");
    assert_eq!(b.store.position(), 0);
    cluster.set_down(false);
    for (name, node) in [("A", &a), ("B", &b)] {
        eventually(&format!("{name} counts the five scans"), || {
            node.store.position() == 5
        });
    }
    std::thread::sleep(Duration::from_millis(200));
    assert_eq!(b.store.scans().unwrap().len(), 5, "counted once");
    recorder.shutdown();
}

struct NoObserver;

impl crate::store::BatchObserver for NoObserver {
    fn batch_written(&self, _: usize, _: f64, _: bool) {}
}

fn scan(visitor: u64) -> Event {
    Event::Scan(crate::store::tests::visit(
        "2026-11-20",
        "alphago",
        visitor,
        false,
    ))
}

#[test]
fn what_visitors_send_back_reaches_the_other_replica_and_counts_the_same_there() {
    use crate::store::{Period, Signal};
    let cluster = MemoryCluster::default();
    let (a, b) = (node(&cluster), node(&cluster));
    let recorder = Recorder::start(a.store.clone(), Arc::new(NoObserver));
    let back = |signal: Signal| {
        Event::Signal(
            crate::store::tests::visit("2026-11-20", "alphago", 1, false),
            signal,
        )
    };
    let events = [
        scan(1),
        back(Signal::Confirm),
        back(Signal::Read),
        back(Signal::Cite),
        back(Signal::React("interesting".into())),
        back(Signal::Answer {
            poll: "next".into(),
            option: "space".into(),
        }),
    ];
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        for event in events {
            recorder.record(event).await.unwrap();
        }
    });
    eventually("B has the six events", || b.store.position() == 6);
    let counters = a.store.counters("show", Period::All);
    assert!(
        counters.iter().any(|c| c.value == "next/space"),
        "{counters:?}"
    );
    assert_eq!(b.store.counters("show", Period::All), counters);
    recorder.shutdown();
}

//! The store against a real sled folder: figures as events are appended, after a restart,
//! after replay from an older checkpoint, after a backup and restore; refused backups.
//!
//! Longer than 500 lines for a reason: every test here shares the same traffic, helpers and
//! real sled folder; split, each part would repeat them.

use super::*;
use crate::catalog::Switch;
use crate::visitor::{Device, InApp};
use jiff::civil::date;

fn open(dir: &Path) -> Store {
    Store::open(dir, 8 << 20).unwrap()
}

/// A scan of `story` at station A1 on `day`, by `visitor` (also used by the replica tests).
pub(crate) fn visit(day: &str, story: &str, visitor: u64, bot: bool) -> Visit {
    Visit {
        at: format!("{day}T02:00:00Z").parse().unwrap(),
        day: day.parse().unwrap(),
        hour: 10,
        code: "NCA1".into(),
        exhibition: "show".into(),
        station: Some("A1".into()),
        story: story.into(),
        phase: "one".into(),
        state: ShowState::Running,
        visitor: VisitorId(visitor),
        device: Device::Phone,
        in_app: InApp::WeChat,
        lang: Lang::ZH,
        bot,
        via: Via::Qr,
        route: None,
        share: None,
        staff: false,
    }
}

fn count(store: &Store, period: Period, metric: Metric, dimension: Dimension, value: &str) -> u64 {
    store
        .counters("show", period)
        .into_iter()
        .find(|c| c.metric == metric && c.dimension == dimension && c.value == value)
        .map_or(0, |c| c.count)
}

fn day(s: &str) -> Period {
    Period::Day(s.parse().unwrap())
}

/// A few days of mixed traffic, in batches of varied size.
fn traffic() -> Vec<Vec<Event>> {
    let mut batches = Vec::new();
    for (i, d) in ["2026-11-20", "2026-11-21", "2026-11-22", "2026-11-23"]
        .iter()
        .enumerate()
    {
        let mut batch = Vec::new();
        for n in 0..(5 + i as u64 * 3) {
            let story = ["alphago", "exac", "zika"][n as usize % 3];
            batch.push(Event::Scan(visit(d, story, 1 + n % 4, n % 7 == 6)));
            if n % 2 == 0 {
                batch.push(Event::Open(visit(d, story, 1 + n % 4, false)));
            }
        }
        batch.push(Event::Unknown(UnknownScan {
            at: format!("{d}T03:00:00Z").parse().unwrap(),
            day: d.parse().unwrap(),
            code: "XYZ".into(),
            bot: false,
        }));
        batches.push(batch);
    }
    batches
}

fn everything(store: &Store) -> Vec<(Period, Vec<Counter>)> {
    let mut periods = vec![Period::All];
    periods.extend(
        ["2026-11-20", "2026-11-21", "2026-11-22", "2026-11-23"]
            .iter()
            .map(|d| day(d)),
    );
    periods
        .into_iter()
        .map(|p| (p, store.counters("show", p)))
        .collect()
}

#[test]
fn figures_follow_the_events_with_exact_daily_visitors() {
    let dir = tempfile::tempdir().unwrap();
    let store = open(dir.path());
    store
        .append(&[
            Event::Scan(visit("2026-11-20", "alphago", 1, false)),
            Event::Scan(visit("2026-11-20", "alphago", 1, false)),
            Event::Scan(visit("2026-11-20", "exac", 2, false)),
            Event::Scan(visit("2026-11-20", "exac", 99, true)),
            Event::Open(visit("2026-11-20", "alphago", 1, false)),
        ])
        .unwrap();
    store
        .record(Event::Scan(visit("2026-11-21", "alphago", 9, false)))
        .unwrap();
    assert_eq!(store.scans().unwrap().len(), 5);
    assert_eq!(store.opens().unwrap().len(), 1);
    assert_eq!(store.position(), 6);
    let (all, d20) = (Period::All, day("2026-11-20"));
    assert_eq!(count(&store, all, Metric::Scans, Dimension::Total, ""), 4);
    assert_eq!(
        count(&store, all, Metric::Scans, Dimension::Story, "alphago"),
        3
    );
    assert_eq!(
        count(&store, all, Metric::Opens, Dimension::Story, "alphago"),
        1
    );
    assert_eq!(count(&store, all, Metric::Bots, Dimension::Total, ""), 1);
    assert_eq!(
        count(&store, d20, Metric::Visitors, Dimension::Total, ""),
        2
    );
    assert_eq!(
        count(&store, d20, Metric::Visitors, Dimension::Story, "alphago"),
        1
    );
    assert_eq!(
        count(&store, all, Metric::Visitors, Dimension::Total, ""),
        3,
        "daily uniques add up"
    );
    assert_eq!(
        count(
            &store,
            day("2026-11-21"),
            Metric::Scans,
            Dimension::App,
            "wechat"
        ),
        1
    );
    assert_eq!(count(&store, all, Metric::Scans, Dimension::Hour, "10"), 4);
    assert_eq!(
        count(&store, all, Metric::Scans, Dimension::Day, "2026-11-20"),
        3
    );
    assert_eq!(
        count(&store, all, Metric::Visitors, Dimension::Day, "2026-11-20"),
        2
    );
    assert_eq!(
        count(&store, all, Metric::Scans, Dimension::Station, "A1"),
        4
    );
}

#[test]
fn figures_are_equal_after_a_restart_and_after_replay_from_an_older_checkpoint() {
    let dir = tempfile::tempdir().unwrap();
    let batches = traffic();
    let store = open(dir.path());
    store.append(&batches[0]).unwrap();
    store.append(&batches[1]).unwrap();
    store.checkpoint().unwrap();
    let old_checkpoint: Vec<_> = store
        .trees()
        .unwrap()
        .checkpoints
        .iter()
        .map(|kv| kv.unwrap())
        .collect();
    store.append(&batches[2]).unwrap();
    store.append(&batches[3]).unwrap();
    store.checkpoint().unwrap();
    let before = everything(&store);
    let position = store.position();
    let unknown = store.unknown_codes(None);
    assert_eq!(unknown.len(), 4, "one unknown code a day: {unknown:?}");
    drop(store);

    let reopened = open(dir.path());
    assert_eq!(everything(&reopened), before, "from the latest checkpoint");
    assert_eq!(reopened.position(), position);
    assert_eq!(reopened.unknown_codes(None), unknown);
    // Put the older checkpoint back: two batches are replayed on top of it.
    let checkpoints = reopened.trees().unwrap().checkpoints.clone();
    checkpoints.clear().unwrap();
    for (k, v) in old_checkpoint {
        checkpoints.insert(k, v).unwrap();
    }
    drop(checkpoints);
    reopened.flush().unwrap();
    drop(reopened);
    let replayed = open(dir.path());
    assert_eq!(everything(&replayed), before, "from an older checkpoint");
    // No checkpoint at all: the whole log is replayed.
    replayed.trees().unwrap().checkpoints.clear().unwrap();
    replayed.flush().unwrap();
    drop(replayed);
    let from_scratch = open(dir.path());
    assert_eq!(everything(&from_scratch), before, "from the log alone");

    // New events after the replay still count visitors exactly: visitor 1 was seen on the
    // 23rd, visitor 77 was not.
    from_scratch
        .append(&[
            Event::Scan(visit("2026-11-23", "alphago", 1, false)),
            Event::Scan(visit("2026-11-23", "alphago", 77, false)),
        ])
        .unwrap();
    let d23 = day("2026-11-23");
    let visitors_before = before[4]
        .1
        .iter()
        .find(|c| c.metric == Metric::Visitors && c.dimension == Dimension::Total)
        .unwrap()
        .count;
    assert_eq!(
        count(&from_scratch, d23, Metric::Visitors, Dimension::Total, ""),
        visitors_before + 1
    );
}

#[test]
fn an_event_costs_a_few_dozen_bytes_of_log() {
    let dir = tempfile::tempdir().unwrap();
    let store = open(dir.path());
    let batch: Vec<Event> = (0..1000)
        .map(|n| Event::Scan(visit("2026-11-20", "alphago", n, false)))
        .collect();
    store.append(&batch).unwrap();
    let block = store
        .trees()
        .unwrap()
        .log
        .get(block_key(0))
        .unwrap()
        .unwrap();
    assert!(block.len() < 1000 * 24, "{} bytes", block.len());
}

#[test]
fn unknown_codes_are_counted_per_day_with_a_cap_on_distinct_codes() {
    let dir = tempfile::tempdir().unwrap();
    let store = open(dir.path());
    let unknown = |code: String, bot: bool| {
        Event::Unknown(UnknownScan {
            at: "2026-11-20T02:00:00Z".parse().unwrap(),
            day: date(2026, 11, 20),
            code,
            bot,
        })
    };
    let mut batch: Vec<Event> = (0..UNKNOWN_CODES_A_DAY + 30)
        .map(|n| unknown(format!("C{n}"), false))
        .collect();
    batch.push(unknown("C0".into(), false));
    batch.push(unknown("BOT".into(), true));
    store.append(&batch[..50]).unwrap();
    store.append(&batch[50..]).unwrap();
    let counts = store.unknown_codes(None);
    assert_eq!(counts.len(), UNKNOWN_CODES_A_DAY + 1, "capped, plus other");
    let of = |code: &str| counts.iter().find(|c| c.1 == code).map(|c| c.2);
    assert_eq!(of("C0"), Some(2));
    assert_eq!(of(OTHER_CODES), Some(30));
    assert_eq!(of("BOT"), None, "bots are not counted");
    assert!(store.scans().unwrap().is_empty(), "nothing in the log");
    drop(store);
    assert_eq!(open(dir.path()).unknown_codes(None), counts);
}

#[test]
fn a_renamed_story_keeps_its_old_name_in_history() {
    let dir = tempfile::tempdir().unwrap();
    let store = open(dir.path());
    store
        .record(Event::Scan(visit("2026-11-20", "alphago", 1, false)))
        .unwrap();
    store
        .record(Event::Scan(visit("2026-11-20", "alpha-go", 1, false)))
        .unwrap();
    drop(store);
    let store = open(dir.path());
    let stories: Vec<String> = store
        .scans()
        .unwrap()
        .into_iter()
        .map(|v| v.story)
        .collect();
    assert_eq!(stories, ["alphago", "alpha-go"]);
}

fn backup_of(store: &Store, dir: &Path) -> std::path::PathBuf {
    let path = dir.join("backup.docent");
    let file = std::fs::File::create(&path).unwrap();
    backup::write(store, std::io::BufWriter::new(file)).unwrap();
    path
}

#[test]
fn a_backup_restores_equal_figures_into_an_empty_store_only() {
    let (a, b, files) = (
        tempfile::tempdir().unwrap(),
        tempfile::tempdir().unwrap(),
        tempfile::tempdir().unwrap(),
    );
    let store = open(a.path());
    for batch in traffic() {
        store.append(&batch).unwrap();
    }
    store
        .change(
            &store
                .new_switch(Switch {
                    exhibition: "show".into(),
                    phase: "two".into(),
                    at: "2026-11-22T00:00:00Z".parse().unwrap(),
                    by: "admin".into(),
                })
                .unwrap(),
        )
        .unwrap();
    let path = backup_of(&store, files.path());
    let summary = backup::verify(&path).unwrap();
    assert_eq!(summary.events, store.position());

    let copy = open(b.path());
    assert_eq!(backup::restore(&copy, &path).unwrap(), summary);
    assert_eq!(everything(&copy), everything(&store));
    assert_eq!(copy.scans().unwrap(), store.scans().unwrap());
    assert_eq!(copy.unknown_codes(None), store.unknown_codes(None));
    assert_eq!(copy.switches("show").unwrap().len(), 1);
    drop(copy);
    assert_eq!(everything(&open(b.path())), everything(&store));

    let again = backup::restore(&store, &path).unwrap_err().to_string();
    assert!(again.contains("already holds"), "{again}");
}

#[test]
fn truncated_tampered_and_foreign_backups_are_refused_and_write_nothing() {
    let (a, files) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let store = open(a.path());
    for batch in traffic() {
        store.append(&batch).unwrap();
    }
    let path = backup_of(&store, files.path());
    let good = std::fs::read(&path).unwrap();
    let mut cases: Vec<(&str, Vec<u8>)> = vec![
        ("cut short", good[..good.len() - 20].to_vec()),
        ("cut before the trailer", good[..good.len() - 49].to_vec()),
        ("empty", vec![]),
        ("foreign", b"{\"docent_backup\":1}\n".to_vec()),
    ];
    let mut tampered = good.clone();
    let middle = tampered.len() / 2;
    tampered[middle] ^= 1;
    cases.push(("tampered", tampered));
    let mut unknown_kind = good[..15].to_vec();
    unknown_kind.extend_from_slice(&frame_of(b'X', b"k", b"v"));
    cases.push(("unknown kind", unknown_kind));
    for (what, bytes) in cases {
        let bad = files.path().join("bad");
        std::fs::write(&bad, &bytes).unwrap();
        assert!(backup::verify(&bad).is_err(), "{what} passed verify");
        let target = tempfile::tempdir().unwrap();
        let empty = open(target.path());
        let error = backup::restore(&empty, &bad).unwrap_err().to_string();
        assert!(
            error.contains("not a valid docent backup"),
            "{what}: {error}"
        );
        assert!(empty.is_empty(), "{what}: something was written");
    }
}

fn frame_of(kind: u8, key: &[u8], value: &[u8]) -> Vec<u8> {
    let mut out = vec![kind];
    out.extend_from_slice(&(key.len() as u32).to_be_bytes());
    out.extend_from_slice(key);
    out.extend_from_slice(&(value.len() as u32).to_be_bytes());
    out.extend_from_slice(value);
    out
}

#[test]
fn salt_is_stable_within_a_day_and_replaced_the_next() {
    let dir = tempfile::tempdir().unwrap();
    let store = open(dir.path());
    let monday = store.daily_salt(date(2026, 11, 23)).unwrap();
    assert_eq!(monday, store.daily_salt(date(2026, 11, 23)).unwrap());
    assert_eq!(store.cached_salt(date(2026, 11, 23)), Some(monday));
    assert_eq!(store.cached_salt(date(2026, 11, 24)), None);
    let tuesday = store.daily_salt(date(2026, 11, 24)).unwrap();
    assert_ne!(monday, tuesday);
    drop(store);
    let reopened = open(dir.path());
    assert_eq!(
        tuesday,
        reopened.daily_salt(date(2026, 11, 24)).unwrap(),
        "survives a restart"
    );
    let raw = reopened
        .trees()
        .unwrap()
        .meta
        .get(salt::SALT_KEY)
        .unwrap()
        .unwrap();
    assert!(
        !raw.windows(32).any(|w| w == monday),
        "yesterday's salt is gone"
    );
}

#[test]
fn switches_come_back_in_time_order_per_exhibition() {
    let dir = tempfile::tempdir().unwrap();
    let store = open(dir.path());
    let sw = |ex: &str, phase: &str, at: &str| Switch {
        exhibition: ex.into(),
        phase: phase.into(),
        at: at.parse().unwrap(),
        by: "admin".into(),
    };
    store
        .change(
            &store
                .new_switch(sw("a", "two", "2026-12-02T00:00:00Z"))
                .unwrap(),
        )
        .unwrap();
    store
        .change(
            &store
                .new_switch(sw("a", "one", "2026-12-03T00:00:00Z"))
                .unwrap(),
        )
        .unwrap();
    store
        .change(
            &store
                .new_switch(sw("ab", "x", "2026-12-04T00:00:00Z"))
                .unwrap(),
        )
        .unwrap();
    let all = store.switches("a").unwrap();
    assert_eq!(
        all.iter().map(|s| s.phase.as_str()).collect::<Vec<_>>(),
        ["two", "one"]
    );
    assert_eq!(store.last_switch("a").unwrap().unwrap().phase, "one");
    assert_eq!(store.last_switch("ab").unwrap().unwrap().phase, "x");
    assert!(store.last_switch("b").unwrap().is_none());
}

#[test]
fn a_store_of_the_first_format_is_moved_into_the_log() {
    let dir = tempfile::tempdir().unwrap();
    {
        let db = sled::open(dir.path()).unwrap();
        let scans = db.open_tree("scans.v1").unwrap();
        let row = serde_json::json!({
            "at": "2026-11-20T02:00:00Z", "day": "2026-11-20", "hour": 10, "code": "NCA1",
            "exhibition": "show", "station": "A1", "story": "alphago", "phase": "one",
            "state": "running", "visitor": "00000000000000ff", "device": "phone",
            "in_app": "wechat", "lang": "zh", "bot": false, "via": "qr"
        });
        scans
            .insert(1u64.to_be_bytes(), serde_json::to_vec(&row).unwrap())
            .unwrap();
        db.open_tree("counters.v1")
            .unwrap()
            .insert("x", "y")
            .unwrap();
        db.flush().unwrap();
    }
    let store = open(dir.path());
    let scans = store.scans().unwrap();
    assert_eq!(scans.len(), 1);
    assert_eq!(scans[0].visitor, VisitorId(255));
    assert_eq!(
        count(&store, Period::All, Metric::Scans, Dimension::Total, ""),
        1
    );
    assert!(
        !store
            .trees()
            .unwrap()
            .db
            .tree_names()
            .iter()
            .any(|n| n.as_ref() == b"counters.v1")
    );
}

#[test]
fn a_restore_that_stopped_half_way_is_undone_at_the_next_open() {
    let (a, b, files) = (
        tempfile::tempdir().unwrap(),
        tempfile::tempdir().unwrap(),
        tempfile::tempdir().unwrap(),
    );
    let store = open(a.path());
    for batch in traffic() {
        store.append(&batch).unwrap();
    }
    let path = backup_of(&store, files.path());
    {
        // What a kill between the restore's marker and its end leaves: the marker and part
        // of the log.
        let half = open(b.path());
        let t = half.trees().unwrap();
        t.meta.insert(RESTORING_KEY, &[]).unwrap();
        t.log
            .insert(
                block_key(0),
                store
                    .trees()
                    .unwrap()
                    .log
                    .get(block_key(0))
                    .unwrap()
                    .unwrap(),
            )
            .unwrap();
        t.db.flush().unwrap();
    }
    let reopened = open(b.path());
    assert!(reopened.is_empty(), "the half restore is gone");
    assert_eq!(reopened.position(), 0);
    backup::restore(&reopened, &path).expect("and the restore runs again");
    assert_eq!(everything(&reopened), everything(&store));
}

#[test]
fn a_backup_with_a_valid_hash_but_a_broken_dictionary_is_refused() {
    let (a, files) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let store = open(a.path());
    store.append(&traffic()[0]).unwrap();
    // Rebuild the file with a name id gap, and a correct trailer for it.
    let mut body = b"docent backup\n\x02".to_vec();
    body.extend_from_slice(&frame_of(NAME, &name_key(2), b"show"));
    let hash = blake3::hash(&body);
    let mut trailer = 1u64.to_be_bytes().to_vec();
    trailer.extend_from_slice(hash.as_bytes());
    body.extend_from_slice(&frame_of(b'T', b"", &trailer));
    let path = files.path().join("crafted");
    std::fs::write(&path, body).unwrap();
    let error = backup::verify(&path).unwrap_err().to_string();
    assert!(error.contains("dictionary"), "{error}");
}

#[test]
fn a_migration_that_stopped_half_way_starts_again_without_doubling() {
    let dir = tempfile::tempdir().unwrap();
    let row = |n: u64| {
        serde_json::json!({
            "at": format!("2026-11-20T02:00:{:02}Z", n), "day": "2026-11-20", "hour": 10,
            "code": "NCA1", "exhibition": "show", "station": "A1", "story": "alphago",
            "phase": "one", "state": "running", "visitor": format!("{:016x}", n + 1),
            "device": "phone", "in_app": "wechat", "lang": "zh", "bot": false, "via": "qr"
        })
    };
    {
        let db = sled::open(dir.path()).unwrap();
        let scans = db.open_tree("scans.v1").unwrap();
        for n in 0..3u64 {
            scans
                .insert(n.to_be_bytes(), serde_json::to_vec(&row(n)).unwrap())
                .unwrap();
        }
        // What a migration stopped before dropping the old trees leaves: part of the log.
        let trees = Trees {
            log: db.open_tree("log.v2").unwrap(),
            checkpoints: db.open_tree("checkpoint.v2").unwrap(),
            switches: db.open_tree("switches.v1").unwrap(),
            meta: db.open_tree("meta.v1").unwrap(),
            outbox: db.open_tree("outbox.v1").unwrap(),
            changes: db.open_tree("changes.v1").unwrap(),
            free_copies: db.open_tree("free-copies.v1").unwrap(),
            db: db.clone(),
        };
        let mut names = Dictionary::default();
        let v = visit("2026-11-20", "alphago", 1, false);
        let block = record::encode_block(&[(Kind::Scan, &v)], &mut names).unwrap();
        for (id, name) in names.unsaved() {
            trees.log.insert(name_key(id), name.as_bytes()).unwrap();
        }
        trees.log.insert(block_key(0), block.0).unwrap();
        db.flush().unwrap();
    }
    let store = open(dir.path());
    assert_eq!(store.scans().unwrap().len(), 3, "each old event once");
    assert_eq!(
        count(&store, Period::All, Metric::Scans, Dimension::Total, ""),
        3
    );
}

#[test]
fn a_stream_batch_sent_twice_or_overlapping_counts_once_even_after_a_restart() {
    let dir = tempfile::tempdir().unwrap();
    let portable = |visitors: &[u64]| -> Vec<u8> {
        let events: Vec<Event> = visitors
            .iter()
            .map(|v| Event::Scan(visit("2026-11-20", "alphago", *v, false)))
            .collect();
        let refs: Vec<&Event> = events.iter().collect();
        record::encode_portable(&refs).unwrap()
    };
    let scans = |s: &Store| count(s, Period::All, Metric::Scans, Dimension::Total, "");
    {
        let store = open(dir.path());
        let first = vec![(1, portable(&[1, 2])), (2, portable(&[3]))];
        assert_eq!(
            store
                .apply_stream(1, "a", &first, Earlier::BelowHighest)
                .unwrap(),
            3
        );
        // The same batches again (an acknowledgement was lost), then an overlap.
        assert_eq!(
            store
                .apply_stream(2, "a", &first, Earlier::BelowHighest)
                .unwrap(),
            0
        );
        let overlap = vec![(2, portable(&[3])), (5, portable(&[4]))];
        assert_eq!(
            store
                .apply_stream(3, "a", &overlap, Earlier::BelowHighest)
                .unwrap(),
            1
        );
        // Another replica's numbers are its own.
        assert_eq!(
            store
                .apply_stream(4, "b", &[(1, portable(&[9]))], Earlier::BelowHighest)
                .unwrap(),
            1
        );
        assert_eq!(scans(&store), 5);
        assert_eq!(store.stream_position(), 4);
        store.flush().unwrap();
    }
    let store = open(dir.path());
    assert_eq!((scans(&store), store.stream_position()), (5, 4));
    assert_eq!(
        store
            .apply_stream(5, "a", &[(5, portable(&[4]))], Earlier::BelowHighest)
            .unwrap(),
        0
    );
    assert_eq!(
        store
            .apply_stream(6, "b", &[(2, portable(&[8]))], Earlier::BelowHighest)
            .unwrap(),
        1
    );
    assert_eq!(scans(&store), 6);
    assert_eq!(
        store.scans().unwrap().len(),
        6,
        "the log holds each event once"
    );
}

#[test]
fn the_outbox_keeps_batches_in_order_until_the_stream_has_them() {
    let dir = tempfile::tempdir().unwrap();
    let (a, b) = {
        let store = open(dir.path());
        let one = Event::Scan(visit("2026-11-20", "alphago", 1, false));
        let two = Event::Open(visit("2026-11-20", "exac", 2, false));
        (
            store.stage(&[&one]).unwrap(),
            store.stage(&[&two, &one]).unwrap(),
        )
    };
    assert!(a < b);
    // Staged batches are durable: they survive a restart, and are not counted until read
    // back from the stream.
    let store = open(dir.path());
    let staged = store.outbox(usize::MAX).unwrap();
    assert_eq!(
        staged.iter().map(|(n, _)| *n).collect::<Vec<_>>(),
        vec![a, b]
    );
    assert_eq!(record::decode_portable(&staged[1].1).unwrap().len(), 2);
    assert_eq!(
        count(&store, Period::All, Metric::Scans, Dimension::Total, ""),
        0
    );
    assert_eq!(
        store.outbox(1).unwrap().len(),
        1,
        "at least one batch, at most the size"
    );
    store.unstage(a).unwrap();
    assert_eq!(store.outbox_len(), 1);
    store.unstage(b).unwrap();
    assert_eq!(store.outbox_len(), 0);
}

#[test]
fn a_log_written_before_routes_reads_back_and_counts_its_opens_under_publisher() {
    let dir = tempfile::tempdir().unwrap();
    let scan = visit("2026-11-20", "alphago", 1, false);
    let open_old = visit("2026-11-20", "alphago", 1, false);
    {
        // The previous release's log: version-1 blocks and a version-1 checkpoint.
        let db = sled::open(dir.path()).unwrap();
        let log = db.open_tree("log.v2").unwrap();
        let mut names = Dictionary::default();
        let block = record::tests::version_1_block(
            &[(Kind::Scan, &scan), (Kind::Open, &open_old)],
            &mut names,
        );
        for (id, name) in names.unsaved() {
            log.insert(name_key(id), name.as_bytes()).unwrap();
        }
        log.insert(block_key(0), block).unwrap();
        let checkpoints = db.open_tree("checkpoint.v2").unwrap();
        checkpoints
            .insert(CHECKPOINT_KEY, vec![1u8, 2, 0, 0])
            .unwrap();
        db.flush().unwrap();
    }
    let store = open(dir.path());
    assert_eq!(store.opens().unwrap()[0].route, Some(Route::Publisher));
    assert_eq!(store.scans().unwrap()[0].route, None);
    let new_open = visit("2026-11-20", "alphago", 2, false).opened_by(Route::Oa);
    store.record(Event::Open(new_open)).unwrap();
    let routes = |store: &Store| {
        ["campus", "proxy", "oa", "publisher"]
            .map(|r| count(store, Period::All, Metric::Opens, Dimension::Route, r))
    };
    assert_eq!(routes(&store), [0, 0, 1, 1]);
    store.checkpoint().unwrap();
    drop(store);
    let store = open(dir.path());
    assert_eq!(
        routes(&store),
        [0, 0, 1, 1],
        "after a restart from the new checkpoint"
    );
    assert_eq!(
        count(&store, Period::All, Metric::Opens, Dimension::Total, ""),
        2
    );
}

#[test]
fn shares_and_staff_are_counted_apart_from_scans_visitors_and_each_other() {
    let dir = tempfile::tempdir().unwrap();
    let store = open(dir.path());
    let d = "2026-11-20";
    let shared = |share, visitor| {
        Event::Scan(Visit {
            share: Some(share),
            ..visit(d, "alphago", visitor, false)
        })
    };
    let staff = |bot| {
        Event::Scan(Visit {
            staff: true,
            ..visit(d, "alphago", 9, bot)
        })
    };
    store
        .append(&[
            Event::Scan(visit(d, "alphago", 1, false)),
            shared(Share::Single, 2),
            shared(Share::Group, 3),
            shared(Share::Timeline, 4),
            shared(Share::Other, 5),
            staff(false),
            staff(false),
            staff(true),
            Event::Scan(visit(d, "alphago", 6, true)),
        ])
        .unwrap();
    let all = |m, dim, v| count(&store, Period::All, m, dim, v);
    assert_eq!(all(Metric::Scans, Dimension::Total, ""), 1);
    assert_eq!(
        all(Metric::Visitors, Dimension::Total, ""),
        1,
        "sharers are not visitors here"
    );
    assert_eq!(all(Metric::Shares, Dimension::Total, ""), 4);
    assert_eq!(all(Metric::Shares, Dimension::Story, "alphago"), 4);
    assert_eq!(
        count(&store, day(d), Metric::Shares, Dimension::Total, ""),
        4
    );
    assert_eq!(all(Metric::Staff, Dimension::Total, ""), 2);
    assert_eq!(
        all(Metric::Bots, Dimension::Total, ""),
        2,
        "a staff bot is a bot"
    );
    drop(store);
    let store = open(dir.path());
    assert_eq!(
        count(&store, Period::All, Metric::Shares, Dimension::Total, ""),
        4,
        "replayed"
    );
    assert_eq!(
        count(&store, Period::All, Metric::Staff, Dimension::Total, ""),
        2
    );
}

/// `signal` sent back from a view like `visit`'s.
fn signal(visitor: u64, signal: Signal) -> Event {
    Event::Signal(visit("2026-11-20", "alphago", visitor, false), signal)
}

#[test]
fn signals_count_once_a_day_after_a_view_and_the_rule_holds_across_a_restart() {
    let dir = tempfile::tempdir().unwrap();
    let store = open(dir.path());
    let react = |v| signal(v, Signal::React("interesting".into()));
    let answer = |v, option: &str| {
        signal(
            v,
            Signal::Answer {
                poll: "next".into(),
                option: option.into(),
            },
        )
    };
    store
        .append(&[
            // Visitor 2 confirms and reacts without a view: nothing.
            signal(2, Signal::Confirm),
            Event::Scan(visit("2026-11-20", "alphago", 1, false)),
            signal(1, Signal::Confirm),
            signal(1, Signal::Confirm),
            signal(1, Signal::Read),
            react(1),
            react(1),
            react(2),
            answer(1, "yes"),
            answer(1, "no"),
            signal(1, Signal::Cite),
            signal(1, Signal::Cite),
            // Bots and staff count nothing.
            Event::Signal(visit("2026-11-20", "alphago", 1, true), Signal::Cite),
            Event::Signal(
                Visit {
                    staff: true,
                    ..visit("2026-11-20", "alphago", 3, false)
                },
                Signal::React("interesting".into()),
            ),
        ])
        .unwrap();
    let figures = |store: &Store| {
        [
            count(
                store,
                Period::All,
                Metric::Confirmed,
                Dimension::Story,
                "alphago",
            ),
            count(store, Period::All, Metric::ReadToEnd, Dimension::Total, ""),
            count(
                store,
                Period::All,
                Metric::Reactions,
                Dimension::Story,
                "alphago/interesting",
            ),
            count(
                store,
                Period::All,
                Metric::Answers,
                Dimension::Poll,
                "next/yes",
            ),
            count(
                store,
                Period::All,
                Metric::Answers,
                Dimension::Poll,
                "next/no",
            ),
            count(
                store,
                Period::All,
                Metric::Answerers,
                Dimension::Poll,
                "next",
            ),
            count(store, Period::All, Metric::Citations, Dimension::Total, ""),
            count(
                store,
                day("2026-11-20"),
                Metric::Confirmed,
                Dimension::Total,
                "",
            ),
            count(store, Period::All, Metric::Bots, Dimension::Total, ""),
        ]
    };
    assert_eq!(figures(&store), [1, 1, 1, 1, 0, 1, 2, 1, 0]);
    store.checkpoint().unwrap();
    drop(store);
    // After a restart the visitor sets are rebuilt: a repeat still counts nothing, and a new
    // view and its confirmation count.
    let store = open(dir.path());
    assert_eq!(figures(&store), [1, 1, 1, 1, 0, 1, 2, 1, 0]);
    store
        .append(&[
            signal(1, Signal::Confirm),
            react(1),
            answer(1, "no"),
            Event::Scan(visit("2026-11-20", "alphago", 2, false)),
            signal(2, Signal::Confirm),
            react(2),
        ])
        .unwrap();
    assert_eq!(figures(&store), [2, 1, 2, 1, 0, 1, 2, 2, 0]);
    // A replay from scratch decides the same.
    let all = store.counters("show", Period::All);
    drop(store);
    let db = sled::open(dir.path()).unwrap();
    db.drop_tree("checkpoint.v2").unwrap();
    drop(db);
    let store = open(dir.path());
    assert_eq!(store.counters("show", Period::All), all);
    assert_eq!(store.events().count(), 20);
}

#[test]
fn a_log_of_the_previous_version_reads_back_unchanged() {
    let dir = tempfile::tempdir().unwrap();
    let scan = visit("2026-11-20", "alphago", 1, false);
    let opened = visit("2026-11-20", "alphago", 1, false).opened_by(Route::Proxy);
    {
        let db = sled::open(dir.path()).unwrap();
        let log = db.open_tree("log.v2").unwrap();
        let mut names = Dictionary::default();
        let block = record::tests::version_2_block(
            &[(Kind::Scan, &scan), (Kind::Open, &opened)],
            &mut names,
        );
        for (id, name) in names.unsaved() {
            log.insert(name_key(id), name.as_bytes()).unwrap();
        }
        log.insert(block_key(0), block).unwrap();
        db.flush().unwrap();
    }
    let store = open(dir.path());
    assert_eq!(store.scans().unwrap(), vec![scan]);
    assert_eq!(store.opens().unwrap(), vec![opened]);
    assert_eq!(
        count(&store, Period::All, Metric::Scans, Dimension::Total, ""),
        1
    );
    assert_eq!(
        count(
            &store,
            Period::All,
            Metric::Opens,
            Dimension::Route,
            "proxy"
        ),
        1
    );
    // New signals land after it in blocks of the new version.
    store.record(signal(1, Signal::Confirm)).unwrap();
    assert_eq!(
        count(&store, Period::All, Metric::Confirmed, Dimension::Total, ""),
        1
    );
}

#[test]
fn a_log_with_blocks_of_every_format_reads_back_and_survives_a_backup() {
    let (dir, copy_dir, files) = (
        tempfile::tempdir().unwrap(),
        tempfile::tempdir().unwrap(),
        tempfile::tempdir().unwrap(),
    );
    let scan = visit("2026-11-20", "alphago", 1, false);
    let opened = visit("2026-11-20", "alphago", 2, false).opened_by(Route::Proxy);
    let reacted = signal(3, Signal::React("interesting".into()));
    {
        // Formats 1 to 3 as earlier releases wrote them, one block each.
        let db = sled::open(dir.path()).unwrap();
        let log = db.open_tree("log.v2").unwrap();
        let mut names = Dictionary::default();
        let v1 = record::tests::version_1_block(&[(Kind::Scan, &scan)], &mut names);
        let v2 = record::tests::version_2_block(&[(Kind::Open, &opened)], &mut names);
        let v3 =
            record::tests::version_3_block(&[record::Entry::of(&reacted).unwrap()], &mut names);
        for (id, name) in names.unsaved() {
            log.insert(name_key(id), name.as_bytes()).unwrap();
        }
        for (seq, block) in [v1, v2, v3].into_iter().enumerate() {
            log.insert(block_key(seq as u64), block).unwrap();
        }
        db.flush().unwrap();
    }
    let store = open(dir.path());
    assert_eq!(store.position(), 3);
    // Then blocks of this version after them.
    for batch in traffic() {
        store.append(&batch).unwrap();
    }
    let t = store.trees().unwrap();
    let versions: Vec<u8> = t
        .log
        .range(block_key(0)..block_key(u64::MAX))
        .values()
        .map(|v| v.unwrap()[0])
        .collect();
    assert_eq!(&versions[..3], [1, 2, 3]);
    assert!(versions[3..].iter().all(|&v| v == record::BLOCK_VERSION));
    drop(t);
    let figures = everything(&store);
    let scans = store.scans().unwrap();
    assert_eq!(scans[0], scan);
    assert_eq!(store.opens().unwrap()[0], opened);
    drop(store);

    let store = open(dir.path());
    assert_eq!(everything(&store), figures, "the same after a restart");
    let path = backup_of(&store, files.path());
    let copy = open(copy_dir.path());
    backup::restore(&copy, &path).unwrap();
    assert_eq!(everything(&copy), figures);
    assert_eq!(copy.scans().unwrap(), scans);
}

#[test]
fn a_message_stored_after_a_later_one_still_counts_once_on_every_reader() {
    let dir = tempfile::tempdir().unwrap();
    let portable = |visitor: u64| -> Vec<u8> {
        let event = Event::Scan(visit("2026-11-20", "alphago", visitor, false));
        record::encode_portable(&[&event]).unwrap()
    };
    let scans = |s: &Store| count(s, Period::All, Metric::Scans, Dimension::Total, "");
    {
        let store = open(dir.path());
        // Entries 3 and 4 went out first and were refused; 5 and 6, sent while they were in
        // flight, were stored. Both messages said: everything up to 2 came before.
        let later = vec![(5, portable(5)), (6, portable(6))];
        assert_eq!(
            store
                .apply_stream(1, "a", &later, Earlier::Upto(Some(2)))
                .unwrap(),
            2
        );
        // The publisher sends again everything after its last entry acknowledged in order.
        let again: Vec<(u64, Vec<u8>)> = (3..=6).map(|n| (n, portable(n))).collect();
        assert_eq!(
            store
                .apply_stream(2, "a", &again, Earlier::Upto(Some(2)))
                .unwrap(),
            2,
            "3 and 4 count, 5 and 6 do not count twice"
        );
        assert_eq!(scans(&store), 4);
        store.flush().unwrap();
    }
    // What the log holds of each replica survives a restart.
    let store = open(dir.path());
    let again: Vec<(u64, Vec<u8>)> = (3..=6).map(|n| (n, portable(n))).collect();
    assert_eq!(
        store
            .apply_stream(3, "a", &again, Earlier::Upto(Some(2)))
            .unwrap(),
        0
    );
    let next = vec![(7, portable(7))];
    assert_eq!(
        store
            .apply_stream(4, "a", &next, Earlier::Upto(Some(6)))
            .unwrap(),
        1
    );
    // A message of the version that kept one in flight: everything below its highest entry.
    assert_eq!(
        store
            .apply_stream(5, "a", &[(9, portable(9))], Earlier::BelowHighest)
            .unwrap(),
        1
    );
    assert_eq!(
        store
            .apply_stream(6, "a", &[(8, portable(8))], Earlier::Upto(None))
            .unwrap(),
        0,
        "8 is below 9, which an earlier version's message vouched for"
    );
    assert_eq!(scans(&store), 6);
    store.flush().unwrap();
    drop(store);
    let store = open(dir.path());
    assert_eq!((scans(&store), store.stream_position()), (6, 6));
}

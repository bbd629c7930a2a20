//! Times the organizer statistics at 1,000 and 1,000,000 stored scans, to show the cost does
//! not grow with traffic (statistics read figures kept in memory, never the events), and
//! measures the log's bytes on disk per event and the time to reopen the store.
//!
//! Run: `cargo run --release --example stats_bench` (loading a million scans takes a while).
//! Prints a markdown table.

use std::path::Path;
use std::time::{Duration, Instant};

use docent::catalog;
use docent::simulate::{Traffic, events};
use docent::stats;
use docent::store::{Event, Period, Store};

fn main() {
    let catalog = catalog::load(Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/exhibits")))
        .expect("demo loads");
    let e = &catalog.exhibitions[0];
    println!(
        "| stored scans | events (scans, opens) | load time | bytes on disk per event | reopen (checkpoint + tail) | stats, all time (median of 101) | stats, 30-day range (median of 101) | counters read (all time) | counters read (30 days) | settled after | all time, store reopened |"
    );
    println!("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
    // Sizes from the command line (default: 1,000 then 1,000,000).
    let sizes: Vec<usize> = std::env::args()
        .skip(1)
        .filter_map(|a| a.parse().ok())
        .collect();
    let sizes = if sizes.is_empty() {
        vec![1_000, 1_000_000]
    } else {
        sizes
    };
    for target in sizes {
        let dir = tempfile::tempdir().expect("temp dir");
        let store = Store::open(dir.path(), 32 << 20).expect("store opens");
        let started = Instant::now();
        let mut stored = 0;
        let mut seed = 1;
        while stored < target {
            let per_day = ((target - stored) / 60).clamp(10, 20_000) as u32;
            let traffic = Traffic {
                first_day: e.opens,
                days: 60,
                scans_per_day: per_day,
                seed,
                // A benchmark wants the same events whatever today is.
                not_after: None,
            };
            let mut batch = Vec::with_capacity(1024);
            for event in events(e, &traffic) {
                if matches!(event, Event::Scan(_)) {
                    if stored == target {
                        break;
                    }
                    stored += 1;
                }
                batch.push(event);
                if batch.len() == 1024 {
                    store.append(&batch).expect("batch stored");
                    batch.clear();
                }
            }
            store.append(&batch).expect("batch stored");
            seed += 1;
        }
        let load = started.elapsed();
        // Let sled's background flushing and segment cleaning settle before timing: wait until
        // the process uses (almost) no CPU for a second, at most a minute and a half.
        store.flush().expect("flush");
        let settle = Instant::now();
        let mut last = cpu_ticks();
        while settle.elapsed() < Duration::from_secs(90) {
            std::thread::sleep(Duration::from_secs(1));
            let now = cpu_ticks();
            if now - last <= 2 {
                break;
            }
            last = now;
        }
        let settled = settle.elapsed();
        let all = median(|| {
            stats::compute(&store, e, None).expect("stats");
        });
        let to = e
            .opens
            .checked_add(jiff::Span::new().days(29))
            .expect("date");
        let range = median(|| {
            stats::compute(&store, e, Some((e.opens, to))).expect("stats");
        });
        let keys = store.counters(&e.id, Period::All).len();
        let events = store.position();
        store.checkpoint().expect("checkpoint");
        // The same store opened afresh, as a restarted server would hold it.
        drop(store);
        let bytes = disk_bytes(dir.path());
        let opening = Instant::now();
        let store = Store::open(dir.path(), 32 << 20).expect("store reopens");
        let opened = opening.elapsed();
        let all_reopened = median(|| {
            stats::compute(&store, e, None).expect("stats");
        });
        let mut day = e.opens;
        let mut range_keys = 0;
        while day <= to {
            range_keys += store.counters(&e.id, Period::Day(day)).len();
            day = day.tomorrow().expect("date");
        }
        println!(
            "| {stored} | {events} | {:.1} s | {:.0} | {:.2} s | {:.2} ms | {:.2} ms | {keys} | {range_keys} | {:.0} s | {:.2} ms |",
            load.as_secs_f64(),
            bytes as f64 / events.max(1) as f64,
            opened.as_secs_f64(),
            ms(all),
            ms(range),
            settled.as_secs_f64(),
            ms(all_reopened)
        );
    }
}

/// Bytes of the files under `dir`.
fn disk_bytes(dir: &Path) -> u64 {
    std::fs::read_dir(dir)
        .into_iter()
        .flatten()
        .flatten()
        .map(|entry| match entry.metadata() {
            Ok(m) if m.is_dir() => disk_bytes(&entry.path()),
            Ok(m) => m.len(),
            Err(_) => 0,
        })
        .sum()
}

/// CPU time this process has used, in clock ticks (Linux).
fn cpu_ticks() -> u64 {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    let fields: Vec<&str> = stat
        .rsplit(')')
        .next()
        .unwrap_or("")
        .split_whitespace()
        .collect();
    let field = |i: usize| {
        fields
            .get(i)
            .and_then(|f| f.parse::<u64>().ok())
            .unwrap_or(0)
    };
    field(11) + field(12)
}

fn median(mut f: impl FnMut()) -> Duration {
    let mut times: Vec<Duration> = (0..101)
        .map(|_| {
            let t = Instant::now();
            f();
            t.elapsed()
        })
        .collect();
    times.sort();
    times[times.len() / 2]
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

//! `serve --retain-days 30` on a store holding 60 days of simulated visits: the log (and so
//! the CSV export) keeps no record older than 30 days, every figure is the same as before,
//! the data folder is smaller, the dashboard and the privacy page say what is kept, and a
//! backup written afterwards restores with every figure.

use std::path::Path;
use std::process::{Child, Command};

use crate::helpers::*;

fn folder_size(path: &Path) -> u64 {
    let meta = std::fs::symlink_metadata(path).unwrap();
    if !meta.is_dir() {
        return meta.len();
    }
    std::fs::read_dir(path)
        .unwrap()
        .map(|e| folder_size(&e.unwrap().path()))
        .sum()
}

fn stop(mut server: Child) {
    let stopped = Command::new("kill")
        .args(["-TERM", &server.id().to_string()])
        .status()
        .unwrap();
    assert!(stopped.success());
    assert!(server.wait().unwrap().success(), "a clean exit on SIGTERM");
}

fn admin(base: &str, path: &str) -> String {
    let mut reply = ureq::get(format!("{base}{path}"))
        .header("Authorization", &basic("ci", PASSWORD))
        .call()
        .unwrap();
    reply.body_mut().read_to_string().unwrap()
}

/// Every `time_utc` in the CSV export.
fn csv_times(base: &str) -> Vec<jiff::Timestamp> {
    let csv = admin(base, "/admin/export/nature-covers.csv");
    csv.lines()
        .skip(1)
        .map(|l| l.split(',').nth(1).unwrap().parse().unwrap())
        .collect()
}

#[test]
fn retention_removes_old_records_keeps_every_figure_and_shrinks_the_folder() {
    let data = tempfile::tempdir().unwrap();
    let store = data.path().join("store");
    let now = jiff::Timestamp::now();
    let first = now
        .checked_sub(jiff::SignedDuration::from_hours(24 * 59))
        .unwrap()
        .to_zoned_datetime(jiff::tz::TimeZone::get("Asia/Shanghai").unwrap())
        .date();
    let out = Command::new(env!("CARGO_BIN_EXE_docent"))
        .args(["simulate", "--days", "60", "--per-day", "150", "--from"])
        .arg(first.to_string())
        .arg("--exhibits")
        .arg(demo_exhibits())
        .arg("--data")
        .arg(&store)
        .output()
        .unwrap();
    let (code, _, err) = outcome(out);
    assert_eq!(code, 0, "{err}");

    let (server, base) = start_server(&store);
    let figures = stats_json(&base);
    let before = csv_times(&base);
    let cut = now
        .checked_sub(jiff::SignedDuration::from_hours(24 * 30))
        .unwrap();
    let old = before.iter().filter(|t| **t < cut).count();
    assert!(old > before.len() / 3, "{old} of {} are old", before.len());
    stop(server);
    let size_before = folder_size(&store);

    let (server, base) = serve_binary_env(
        &store,
        "127.0.0.1:0",
        PASSWORD,
        &[("DOCENT_RETAIN_DAYS", "30")],
    );
    let after = csv_times(&base);
    assert_eq!(after.len(), before.len() - old, "exactly the old ones went");
    // A few seconds pass between the two cuts: nothing within them is older than 30 days.
    let slack = jiff::SignedDuration::from_secs(120);
    assert!(
        after.iter().all(|t| *t >= cut.checked_sub(slack).unwrap()),
        "no record older than 30 days"
    );
    assert_eq!(stats_json(&base), figures, "every figure unchanged");
    let dashboard = admin(&base, "/admin/e/nature-covers?lang=en");
    assert!(
        dashboard.contains("Visit records are kept for 30 days (the oldest now is from"),
        "{dashboard}"
    );
    let page = ureq::get(format!("{base}/how-we-count?lang=en"))
        .call()
        .unwrap()
        .body_mut()
        .read_to_string()
        .unwrap();
    assert!(page.contains("Each visit record is kept for 30 days"));
    // A backup written now holds only what the log kept.
    let backup = data.path().join("after.bak");
    let out = Command::new(env!("CARGO_BIN_EXE_docent"))
        .args(["backup", "--out"])
        .arg(&backup)
        .args(["--bind", base.trim_start_matches("http://")])
        .env("DOCENT_ADMIN_PASSWORD", PASSWORD)
        .output()
        .unwrap();
    let (code, out, err) = outcome(out);
    assert_eq!(code, 0, "{err}");
    let said = format!("{out}{err}");
    assert!(
        said.contains(&format!("{} events (", after.len())),
        "{said} (kept {})",
        after.len()
    );
    stop(server);
    let size_after = folder_size(&store);

    // The backup restores with every figure, also those of the records it no longer holds.
    let restored = data.path().join("restored");
    let out = Command::new(env!("CARGO_BIN_EXE_docent"))
        .args(["restore"])
        .arg(&backup)
        .arg("--data")
        .arg(&restored)
        .output()
        .unwrap();
    let (code, _, err) = outcome(out);
    assert_eq!(code, 0, "{err}");
    let (server, base) = start_server(&restored);
    assert_eq!(stats_json(&base), figures, "every figure after a restore");
    assert_eq!(csv_times(&base).len(), after.len());
    stop(server);
    println!("data folder: {size_before} bytes before retention, {size_after} after");
    assert!(
        size_after < size_before,
        "{size_after} bytes after, {size_before} before"
    );
}

//! `docent simulate`: demo traffic that never mixes with real scans, never lands in the future
//! unless asked, and never guesses which exhibition was meant.

use std::path::Path;
use std::process::Command;

use crate::helpers::*;

fn simulate(exhibits: &Path, data: &Path, args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_docent"))
        .arg("simulate")
        .args(args)
        .arg("--exhibits")
        .arg(exhibits)
        .arg("--data")
        .arg(data)
        .output()
        .unwrap();
    outcome(out)
}

#[test]
fn simulate_asks_which_exhibition_when_there_are_several() {
    let exhibits = tempfile::tempdir().unwrap();
    copy_dir(&demo_exhibits(), exhibits.path());
    let second = exhibits.path().join("second-show");
    copy_dir(&exhibits.path().join("nature-covers"), &second);
    // Its own codes, so the catalog is valid: NCA1 becomes ZNCA1, and so on.
    for file in [second.join("exhibition.toml")].into_iter().chain(
        std::fs::read_dir(second.join("stories"))
            .unwrap()
            .map(|e| e.unwrap().path()),
    ) {
        let text = std::fs::read_to_string(&file).unwrap();
        std::fs::write(&file, text.replace("\ncode = \"", "\ncode = \"Z")).unwrap();
    }
    let data = tempfile::tempdir().unwrap();
    let (code, _, err) = simulate(exhibits.path(), &data.path().join("d"), &["--days", "2"]);
    assert_eq!(code, 1);
    assert!(
        err.contains("there are several exhibitions (nature-covers, second-show): choose one with --exhibition ID"),
        "{err}"
    );
    let (code, out, err) = simulate(
        exhibits.path(),
        &data.path().join("d"),
        &[
            "--days",
            "2",
            "--from",
            "2026-11-02",
            "--exhibition",
            "second-show",
        ],
    );
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("for `second-show` over 2 days"), "{out}");
}

#[test]
fn simulate_writes_no_day_after_today_unless_asked() {
    let data = tempfile::tempdir().unwrap();
    let data = data.path().join("data");
    let later = "2099-01-01".to_string();
    let (code, _, err) = simulate(&demo_exhibits(), &data, &["--from", &later, "--days", "3"]);
    assert_eq!(code, 1);
    assert!(
        err.contains(&format!("the first day, {later}, is after today"))
            && err.contains("--future"),
        "{err}"
    );
    let (code, out, err) = simulate(
        &demo_exhibits(),
        &data,
        &[
            "--from",
            &later,
            "--days",
            "3",
            "--future",
            "--per-day",
            "10",
        ],
    );
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("over 3 days"), "{out}");

    // A range running past today is cut at today, and says so.
    let fresh = data.with_file_name("fresh");
    let (code, out, err) = simulate(
        &demo_exhibits(),
        &fresh,
        &["--from", "2026-01-01", "--days", "36500", "--per-day", "1"],
    );
    assert_eq!(code, 0, "{err}");
    assert!(
        out.contains("(36500 asked for; the rest are after today: --future writes them)"),
        "{out}"
    );
}

#[test]
fn simulate_refuses_a_store_holding_real_scans_unless_forced() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let args = ["--from", "2026-11-02", "--days", "2", "--per-day", "20"];
    let (code, _, err) = simulate(&demo_exhibits(), &data, &args);
    assert_eq!(code, 0, "{err}");
    // Simulating again into a store only simulate wrote is fine (demos are rebuilt often).
    let (code, _, err) = simulate(&demo_exhibits(), &data, &args);
    assert_eq!(code, 0, "{err}");

    let (mut server, base) = start_server(&data);
    let scan = ureq::get(format!("{base}/s/NCA1")).call();
    server.kill().unwrap();
    server.wait().unwrap();
    assert_eq!(scan.unwrap().status(), 200);

    let (code, _, err) = simulate(&demo_exhibits(), &data, &args);
    assert_eq!(code, 1);
    assert!(
        err.contains("already holds events that simulate did not write") && err.contains("--force"),
        "{err}"
    );
    let (code, _, err) = simulate(&demo_exhibits(), &data, &[&args[..], &["--force"]].concat());
    assert_eq!(code, 0, "{err}");
    // Forcing does not make the real scans synthetic: the next run must be forced too.
    let (code, _, _) = simulate(&demo_exhibits(), &data, &args);
    assert_eq!(code, 1);
}

#[test]
fn simulate_help_says_it_is_for_demos() {
    let out = Command::new(env!("CARGO_BIN_EXE_docent"))
        .args(["simulate", "--help"])
        .output()
        .unwrap();
    let help = String::from_utf8_lossy(&out.stdout);
    assert!(help.contains("For demos only"), "{help}");
    assert!(
        help.contains("--future") && help.contains("--force"),
        "{help}"
    );
}

/// Issue 10, item 11: an open carries the code, story and station of the page it was opened
/// from, and every page viewed leads to one as often; so in phase 1, where each story hangs at
/// one station, a story's open rate reads the same in the by-story and by-station tables
/// (they read 26 % and 30 % when opens followed station scans only).
#[test]
fn simulated_opens_agree_between_the_story_and_station_tables() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    // Phase 1 runs from 2026-11-02 to 2026-12-06: twenty days stay inside it.
    let args = ["--from", "2026-11-02", "--days", "20", "--per-day", "1000"];
    let (code, _, err) = simulate(&demo_exhibits(), &data, &args);
    assert_eq!(code, 0, "{err}");
    let (mut server, base) = serve_binary(&data, "127.0.0.1:0", PASSWORD);
    let stats = stats_json(&base);
    server.kill().unwrap();
    server.wait().unwrap();

    let table = |name: &str| -> Vec<(String, u64, u64)> {
        stats[name]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| {
                let n = |f: &str| r[f].as_u64().unwrap();
                (
                    r["key"].as_str().unwrap().to_string(),
                    n("scans") + n("browses"),
                    n("opens"),
                )
            })
            .collect()
    };
    let (stories, stations) = (table("by_story"), table("by_station"));
    let sum = |rows: &[(String, u64, u64)]| -> (u64, u64) {
        rows.iter().fold((0, 0), |(v, o), r| (v + r.1, o + r.2))
    };
    let ((story_views, story_opens), (station_views, station_opens)) =
        (sum(&stories), sum(&stations));
    // Every view and open names its story; those from a story's own code name no station.
    assert_eq!(story_opens, stats["totals"]["opens"].as_u64().unwrap());
    assert!(station_opens <= story_opens && station_views < story_views);
    // Pages reached by a story's code (browsing) lead to opens too, and never more of them
    // than there were such pages.
    let (browsed, opened_there) = (story_views - station_views, story_opens - station_opens);
    assert!(
        opened_there > 0 && opened_there <= browsed,
        "{opened_there} opens from {browsed} pages reached without a station"
    );
    let phase_1 = [
        ("A1", "alphago"),
        ("A2", "breast-cancer-genomes"),
        ("A3", "exac"),
        ("B1", "proxima-b"),
        ("B2", "genome-diversity"),
        ("B3", "dnc"),
    ];
    let rate = |rows: &[(String, u64, u64)], key: &str| {
        let (_, views, opens) = rows.iter().find(|r| r.0 == key).unwrap();
        assert!(opens <= views, "{key}: {opens} opens of {views} views");
        *opens as f64 / *views as f64
    };
    for (station, story) in phase_1 {
        let (by_station, by_story) = (rate(&stations, station), rate(&stories, story));
        // Only sampling noise apart (under a point with this seed); opens after station scans
        // alone put the story four to seven points lower.
        assert!(
            (by_station - by_story).abs() < 0.02,
            "{story} at {station}: opened {:.1} % by story, {:.1} % by station",
            by_story * 100.0,
            by_station * 100.0
        );
    }
}

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

    let port = free_port();
    let mut server = start_server(&data, port);
    let scan = ureq::get(format!("http://127.0.0.1:{port}/s/NCA1")).call();
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

//! `docent import`: stories from a CSV, the real binary on a copy of the demo, with a stand-in
//! Crossref server on loopback.
//!
//! Longer than 500 lines because each step of an import where a kill or a bad row can land is one scenario.

use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Duration;

use crate::helpers::*;

/// A Crossref `works` answer in the API's shape, trimmed to the fields docent reads (written
/// for this test from the API's documented format; not a live recording).
const GRAVITATIONAL_WAVES: &str = r#"{"status":"ok","message-type":"work","message-version":"1.0.0","message":{
  "DOI":"10.1103/PhysRevLett.116.061102","type":"journal-article",
  "title":["Observation of Gravitational Waves from a Binary Black Hole Merger"],
  "container-title":["Physical Review Letters"],
  "author":[{"given":"B. P.","family":"Abbott","sequence":"first"},{"given":"R.","family":"Abbott","sequence":"additional"}],
  "volume":"116","issue":"6","page":"061102",
  "published-print":{"date-parts":[[2016,2,12]]},"issued":{"date-parts":[[2016,2,11]]}}}"#;

/// Serves `GET /works/{doi}` for the DOIs it knows, 404 for others, on a loopback port.
fn crossref_stand_in() -> String {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { continue };
            let mut request = String::new();
            let mut reader = BufReader::new(stream.try_clone().unwrap());
            if reader.read_line(&mut request).is_err() {
                continue;
            }
            let mut line = String::new();
            while reader.read_line(&mut line).is_ok_and(|n| n > 2) {
                line.clear();
            }
            let (status, body) = if request.contains("/works/10.1103/PhysRevLett.116.061102") {
                ("200 OK", GRAVITATIONAL_WAVES)
            } else {
                ("404 Not Found", "Resource not found.")
            };
            let _ = write!(
                stream,
                "HTTP/1.1 {status}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                body.len()
            );
        }
    });
    base
}

const HEADER: &str = "code,doi,title_zh,title_en,summary_zh,summary_en,cover,topics";

fn good_rows() -> String {
    format!(
        "{HEADER}\n\
         GW16,10.1103/PhysRevLett.116.061102,首次直接探测到引力波,\"Gravitational waves, seen at last\",两个黑洞并合时发出的引力波被LIGO探测到。,\"LIGO caught the ripples in spacetime from two merging black holes.\",cover.png,物理学;Physics\n\
         CRISPR17,10.9999/unknown.doi,基因编辑新工具,A new gene-editing tool,一种新的基因编辑方法。,A new way to edit genes.,cover.png,\n"
    )
}

/// A copy of the demo, and a folder with the CSV (in `encode`'s bytes) and a cover image.
fn setup(
    csv: &str,
    encode: impl Fn(&str) -> Vec<u8>,
) -> (tempfile::TempDir, tempfile::TempDir, PathBuf) {
    let exhibits = tempfile::tempdir().unwrap();
    copy_dir(&demo_exhibits(), exhibits.path());
    let input = tempfile::tempdir().unwrap();
    std::fs::copy(
        demo_exhibits().join("nature-covers/covers/alphago.png"),
        input.path().join("cover.png"),
    )
    .unwrap();
    let file = input.path().join("papers.csv");
    std::fs::write(&file, encode(csv)).unwrap();
    (exhibits, input, file)
}

fn import(csv: &Path, exhibits: &Path, crossref: &str) -> (i32, String, String) {
    outcome(import_command(csv, exhibits, crossref).output().unwrap())
}

fn import_command(csv: &Path, exhibits: &Path, crossref: &str) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_docent"));
    command
        .arg("import")
        .arg(csv)
        .args(["--exhibition", "nature-covers", "--crossref-url", crossref])
        .arg("--exhibits")
        .arg(exhibits);
    command
}

fn stories(exhibits: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(exhibits.join("nature-covers/stories"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

fn check_passes(exhibits: &Path) {
    let (code, out, err) = outcome(
        Command::new(env!("CARGO_BIN_EXE_docent"))
            .arg("check")
            .arg(exhibits)
            .output()
            .unwrap(),
    );
    assert_eq!(code, 0, "{out}{err}");
}

#[test]
fn a_good_csv_writes_commented_story_files_covers_and_crossref_citations() {
    let (exhibits, _input, csv) = setup(&good_rows(), |t| t.as_bytes().to_vec());
    let (code, out, err) = import(&csv, exhibits.path(), &crossref_stand_in());
    assert_eq!(code, 0, "{out}{err}");
    assert!(
        out.contains("2 stories written (1 with a citation from Crossref)"),
        "{out}"
    );
    assert!(
        err.contains("papers.csv:3: citation left out"),
        "the unknown DOI: {err}"
    );
    check_passes(exhibits.path());

    let gw =
        std::fs::read_to_string(exhibits.path().join("nature-covers/stories/gw16.toml")).unwrap();
    let parsed: toml::Value = toml::from_str(&gw).unwrap();
    assert_eq!(parsed["code"].as_str(), Some("GW16"));
    assert_eq!(
        parsed["title"]["en"].as_str(),
        Some("Gravitational waves, seen at last")
    );
    assert_eq!(parsed["topics"].as_array().unwrap().len(), 2);
    let citation = &parsed["citation"];
    assert_eq!(
        citation["authors"].as_str(),
        Some("Abbott, B. P. & Abbott, R.")
    );
    assert_eq!(
        citation["journal"].as_str(),
        Some("Physical Review Letters")
    );
    assert_eq!(citation["pages"].as_str(), Some("061102"));
    assert_eq!(citation["issue_date"].to_string(), "2016-02-12");
    assert!(
        gw.contains("# PERMANENT short code"),
        "commented like the demo: {gw}"
    );
    assert!(
        gw.contains("describe what the picture shows"),
        "the alt text is marked for staff"
    );
    let crispr =
        std::fs::read_to_string(exhibits.path().join("nature-covers/stories/crispr17.toml"))
            .unwrap();
    assert!(!crispr.contains("[citation]"), "{crispr}");

    let cover = image::open(exhibits.path().join("nature-covers/covers/gw16.jpg")).unwrap();
    assert!(cover.width() <= 720 && cover.height() <= 960);
}

#[test]
fn a_csv_with_problems_writes_nothing_and_names_every_row() {
    let csv = format!(
        "{HEADER}\n\
         GO16,10.1/a,标题,Title,摘要,Summary,cover.png,\n\
         NEW1,10.1/b,,Title,摘要,Summary,cover.png,\n\
         NEW2,10.1/c,标题,Title,摘要,Summary,missing.png,\n\
         NEW3,10.1/d,标题,Title,摘要,Summary,cover.png,\n\
         NEW3,10.1/e,标题,Title,摘要,Summary,cover.png,\n\
         NEW4,10.1/f,标题,Title,摘要,Summary,/dev/zero,\n"
    );
    let (exhibits, _input, file) = setup(&csv, |t| t.as_bytes().to_vec());
    let before = stories(exhibits.path());
    let (code, _, err) = import(&file, exhibits.path(), "http://127.0.0.1:9");
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("nothing was written"), "{err}");
    assert!(err.contains("papers.csv:3: `title_zh` is empty"), "{err}");
    assert!(err.contains("papers.csv:4: cover `missing.png`"), "{err}");
    assert!(
        err.contains("papers.csv:7: cover `/dev/zero`: not a regular file"),
        "a device is never read: {err}"
    );
    assert!(
        err.contains("papers.csv:6: code `NEW3` is also on row 5"),
        "the repeated code: {err}"
    );
    assert_eq!(stories(exhibits.path()), before, "nothing written");

    // Without the rows the cheap checks catch, the code already in use is found by the full
    // check, on the row that brings it.
    let csv = format!("{HEADER}\nGO16,10.1/a,标题,Title,摘要,Summary,cover.png,\n");
    let (exhibits, _input, file) = setup(&csv, |t| t.as_bytes().to_vec());
    let (code, _, err) = import(&file, exhibits.path(), "http://127.0.0.1:9");
    assert_eq!(code, 1, "{err}");
    assert!(
        err.contains("papers.csv:2:") && err.contains("GO16"),
        "{err}"
    );
    assert_eq!(stories(exhibits.path()), before);

    let (exhibits, _input, file) = setup("code,titel_zh\nAB1,x\n", |t| t.as_bytes().to_vec());
    let (code, _, err) = import(&file, exhibits.path(), "http://127.0.0.1:9");
    assert_eq!(code, 1);
    assert!(
        err.contains("papers.csv:1: unknown column `titel_zh`"),
        "{err}"
    );
    assert!(
        err.contains("papers.csv:1: the column `doi` is missing"),
        "{err}"
    );
}

#[test]
fn excel_utf8_with_bom_and_gbk_files_import_the_same_chinese_text() {
    for (what, encode) in [
        (
            "BOM",
            (|t: &str| [b"\xEF\xBB\xBF".as_slice(), t.as_bytes()].concat()) as fn(&str) -> Vec<u8>,
        ),
        ("GBK", |t: &str| encoding_rs::GBK.encode(t).0.into_owned()),
    ] {
        let (exhibits, _input, csv) = setup(&good_rows(), encode);
        let (code, out, err) = import(&csv, exhibits.path(), "http://127.0.0.1:9");
        assert_eq!(code, 0, "{what}: {out}{err}");
        assert!(
            err.contains("citation left out"),
            "Crossref unreachable: {err}"
        );
        let gw = std::fs::read_to_string(exhibits.path().join("nature-covers/stories/gw16.toml"))
            .unwrap();
        assert!(gw.contains("首次直接探测到引力波"), "{what}: {gw}");
        assert!(
            !gw.contains("[citation]"),
            "{what}: no citation without Crossref"
        );
        check_passes(exhibits.path());
    }
}

/// Takes the exhibits folder's save lock, as the server does while it saves an edit.
fn hold_save_lock(exhibits: &Path) -> std::fs::File {
    let history = exhibits.join(".history");
    std::fs::create_dir_all(&history).unwrap();
    let lock = std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(history.join("save.lock"))
        .unwrap();
    lock.lock().unwrap();
    lock
}

/// The names in an exhibition's `.history/`.
fn kept(exhibits: &Path) -> Vec<String> {
    std::fs::read_dir(exhibits.join("nature-covers/.history"))
        .into_iter()
        .flatten()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect()
}

#[test]
fn an_import_waits_for_a_save_under_way_then_saves_like_the_editor_with_history() {
    let (exhibits, _input, csv) = setup(&good_rows(), |t| t.as_bytes().to_vec());
    let before = stories(exhibits.path());
    let lock = hold_save_lock(exhibits.path());
    let import = import_command(&csv, exhibits.path(), "http://127.0.0.1:9")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    std::thread::sleep(Duration::from_secs(2));
    assert_eq!(
        stories(exhibits.path()),
        before,
        "nothing written meanwhile"
    );
    assert!(
        !exhibits
            .path()
            .join("nature-covers/covers/gw16.jpg")
            .exists(),
        "no cover either"
    );
    drop(lock);
    let (code, out, err) = outcome(import.wait_with_output().unwrap());
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.contains("2 stories written"), "{out}");
    check_passes(exhibits.path());

    // Each file the import made is in the history, by the import, so it can be undone from the
    // dashboard; no temporary file is left behind.
    // Entries are named by time and a random part; who and which file are inside.
    let folder = exhibits.path().join("nature-covers/.history");
    let headers: Vec<String> = kept(exhibits.path())
        .iter()
        .map(|name| {
            let bytes = std::fs::read(folder.join(name)).unwrap();
            let end = bytes.iter().position(|&b| b == b'\n').unwrap();
            String::from_utf8(bytes[..end].to_vec()).unwrap()
        })
        .collect();
    for file in [
        "stories/gw16.toml",
        "covers/gw16.jpg",
        "stories/crispr17.toml",
        "covers/crispr17.jpg",
    ] {
        let made = format!(r#"{{"who":"docent import","file":"{file}","created":true}}"#);
        assert!(headers.contains(&made), "{file} in {headers:?}");
    }
    for folder in ["stories", "covers"] {
        let left: Vec<String> =
            std::fs::read_dir(exhibits.path().join("nature-covers").join(folder))
                .unwrap()
                .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
                .filter(|n| n.ends_with(".saving"))
                .collect();
        assert!(left.is_empty(), "{left:?}");
    }
}

#[test]
fn an_import_is_refused_cleanly_while_another_save_keeps_the_lock() {
    let (exhibits, _input, csv) = setup(&good_rows(), |t| t.as_bytes().to_vec());
    let before = stories(exhibits.path());
    let _lock = hold_save_lock(exhibits.path());
    let (code, _, err) = import(&csv, exhibits.path(), "http://127.0.0.1:9");
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("nothing was written"), "{err}");
    assert!(
        err.contains("another save of the exhibit files is under way"),
        "{err}"
    );
    assert_eq!(stories(exhibits.path()), before);
    assert!(
        !exhibits
            .path()
            .join("nature-covers/covers/gw16.jpg")
            .exists()
    );
    assert!(kept(exhibits.path()).is_empty());
}

#[test]
fn an_import_killed_at_any_step_leaves_no_trace_or_all_of_it_and_the_next_import_works() {
    for (step, finished) in [
        ("covers", false),
        ("checked", false),
        ("staged", false),
        ("committed", true),
        ("switching", true),
        ("switched", true),
    ] {
        let (exhibits, _input, csv) = setup(&good_rows(), |t| t.as_bytes().to_vec());
        let before = stories(exhibits.path());
        let scratch = tempfile::tempdir().unwrap();
        let marker = scratch.path().join("paused");
        let tmp = scratch.path().join("tmp");
        std::fs::create_dir(&tmp).unwrap();
        let mut killed = import_command(&csv, exhibits.path(), "http://127.0.0.1:9")
            .env("DOCENT_TEST_PAUSE_AT", step)
            .env("DOCENT_TEST_PAUSED", &marker)
            .env("TMPDIR", &tmp)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let deadline = std::time::Instant::now() + Duration::from_secs(60);
        while !marker.exists() {
            assert!(std::time::Instant::now() < deadline, "{step} never reached");
            std::thread::sleep(Duration::from_millis(20));
        }
        killed.kill().unwrap();
        killed.wait().unwrap();
        assert_eq!(
            std::fs::read_dir(&tmp).unwrap().count(),
            0,
            "{step}: nothing in the temporary folder"
        );

        // The next start finishes or clears it, serves, and the files pass the check.
        let data = scratch.path().join("store");
        let (mut serve, base) =
            serve_exhibits(exhibits.path(), &data, "127.0.0.1:0", PASSWORD, &[]);
        let landing = read(agent().get(format!("{base}/s/GW16")).call()).status;
        let old = read(agent().get(format!("{base}/s/GO16")).call()).status;
        serve.kill().unwrap();
        serve.wait().unwrap();
        assert_eq!(old, 200, "{step}");
        assert_eq!(
            landing == 200,
            finished,
            "{step}: the imported story {landing}"
        );
        crate::saves::check_passes(exhibits.path());
        assert_eq!(
            crate::saves::leftovers(exhibits.path()),
            Vec::<PathBuf>::new(),
            "{step}"
        );
        let now = stories(exhibits.path());
        if finished {
            assert_eq!(now.len(), before.len() + 2, "{step}: all of it {now:?}");
            assert!(
                exhibits
                    .path()
                    .join("nature-covers/covers/crispr17.jpg")
                    .is_file()
            );
        } else {
            assert_eq!(now, before, "{step}: none of it");
        }

        // An import again: it works (or says the stories are there already).
        let (code, out, err) = import(&csv, exhibits.path(), "http://127.0.0.1:9");
        if finished {
            assert_eq!(code, 1, "{step}: {out}{err}");
            assert!(err.contains("exists already"), "{step}: {err}");
        } else {
            assert_eq!(code, 0, "{step}: {out}{err}");
            assert_eq!(stories(exhibits.path()).len(), before.len() + 2);
        }
        crate::saves::check_passes(exhibits.path());
    }
}

#[test]
fn control_and_bidi_characters_are_refused_with_their_row_and_column() {
    let rows = good_rows()
        .replacen("首次直接探测到引力波", "首次直接探测到引力波\u{1b}[2J", 1)
        .replacen(
            "A new way to edit genes.",
            "A new way \u{202e}to edit genes.",
            1,
        );
    let (exhibits, _input, csv) = setup(&rows, |t| t.as_bytes().to_vec());
    let before = stories(exhibits.path());
    let (code, out, err) = import(&csv, exhibits.path(), &crossref_stand_in());
    assert_eq!(code, 1, "{out}{err}");
    assert!(
        err.contains("papers.csv:2: column `title_zh`: holds the invisible character U+001B"),
        "{err}"
    );
    assert!(
        err.contains(
            "papers.csv:3: column `summary_en`: holds the invisible direction control U+202E"
        ),
        "{err}"
    );
    assert_eq!(stories(exhibits.path()), before, "nothing written");
}

/// An import made while the server runs is on the audit trail once, under the exhibition,
/// when the server loads the new files; loading them again records nothing more.
#[test]
fn an_import_reaches_the_audit_trail_once() {
    let (exhibits, _input, csv) = setup(&good_rows(), |t| t.as_bytes().to_vec());
    let app = spawn_app_with(exhibits, IN_PHASE_1);
    let (code, out, err) = import(&csv, &app.exhibits_dir(), "http://127.0.0.1:9");
    assert_eq!(code, 0, "{out}{err}");
    let imports = || {
        let csv = app.admin_get("/admin/audit.csv").body;
        csv.lines()
            .filter(|l| l.contains(",import,"))
            .map(str::to_string)
            .collect::<Vec<_>>()
    };
    let deadline = std::time::Instant::now() + Duration::from_secs(20);
    while imports().is_empty() && std::time::Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(200));
    }
    let found = imports();
    assert_eq!(found.len(), 1, "{found:?}");
    assert!(
        found[0].contains(
            "docent import,nature-covers,import,\"2 stories from a spreadsheet, saved 20"
        ),
        "{}",
        found[0]
    );
    assert!(found[0].contains("stories/gw16.toml"), "{}", found[0]);
    let reload = app.admin_post("/admin/reload", &[], &[]);
    assert!(reload.status < 400, "{}", reload.status);
    assert_eq!(imports().len(), 1, "recorded once");
    let exhibition = app.admin_get("/admin/e/nature-covers/audit");
    assert!(
        exhibition.body.contains("2 stories from a spreadsheet"),
        "{}",
        exhibition.body
    );
}

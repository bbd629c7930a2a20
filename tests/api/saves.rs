//! Saves that happen whole or not at all, and starts that never die on a save docent made:
//! a full disk (a real one, a small tmpfs), a kill -9 at every step of a save (the real binary,
//! stopped at a step by `DOCENT_TEST_PAUSE_AT`, a debug-build hook), a hand edit landing in
//! the middle of a save, and a start on broken files serving the last good copy.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use crate::editor::{multipart, version_on};
use crate::helpers::*;

const FORM: &str = "/admin/e/nature-covers/stories/alphago";
const STORY: &str = "nature-covers/stories/alphago.toml";
const NEW_COVER: &str = "nature-covers/covers/alphago.jpg";

/// A plain copy of the demo exhibits in `dir`.
fn demo_into(dir: &Path) {
    copy_dir(&demo_exhibits(), dir);
}

/// The real binary on `exhibits` and `data`, its log in `data/../serve.log`.
fn serve(exhibits: &Path, data: &Path, env: &[(&str, &str)]) -> (Child, String) {
    let log = std::fs::File::create(data.with_extension("log")).unwrap();
    serve_logging(
        exhibits,
        data,
        "127.0.0.1:0",
        PASSWORD,
        env,
        Stdio::from(log),
    )
}

fn stop(mut child: Child) {
    child.kill().unwrap();
    child.wait().unwrap();
}

fn admin_get(base: &str, path: &str) -> Reply {
    read(
        agent()
            .get(format!("{base}{path}"))
            .header("Authorization", &basic("curator", PASSWORD))
            .call(),
    )
}

/// The editor's save of alphago with a new cover (and a new English title), as a browser
/// sends it.
fn save_with_cover(base: &str, path: &str, version: &str) -> Result<Reply, ureq::Error> {
    let png = std::fs::read(demo_exhibits().join("nature-covers/covers/exac.png")).unwrap();
    let (content_type, body) = multipart(
        &[
            ("version", version),
            ("title_en", "AlphaGo beats a Go professional"),
        ],
        Some(("new.png", &png)),
    );
    agent()
        .post(format!("{base}{path}"))
        .header("Authorization", &basic("curator", PASSWORD))
        .header("Origin", base)
        .header("Content-Type", &content_type)
        .send(&body[..])
        .map(|r| read(Ok(r)))
}

fn wait_for(marker: &Path, what: &str) {
    let deadline = Instant::now() + Duration::from_secs(60);
    while !marker.exists() {
        assert!(Instant::now() < deadline, "{what} was never reached");
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// Files a save must never leave: staged `*.saving` files, scratch copies, an intent, empty
/// history entries (the lock file is empty by nature).
pub(crate) fn leftovers(root: &Path) -> Vec<PathBuf> {
    let mut found = Vec::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap().flatten() {
            let path = entry.path();
            let name = entry.file_name().to_string_lossy().into_owned();
            if name.ends_with(".saving") || name.starts_with("scratch-") || name == "save.intent" {
                found.push(path);
            } else if entry.file_type().unwrap().is_dir() {
                stack.push(path);
            } else if dir.ends_with(".history")
                && name != "save.lock"
                && entry.metadata().unwrap().len() == 0
            {
                found.push(path);
            }
        }
    }
    found
}

pub(crate) fn check_passes(exhibits: &Path) {
    let (code, out, err) = outcome(
        Command::new(env!("CARGO_BIN_EXE_docent"))
            .arg("check")
            .arg(exhibits)
            .output()
            .unwrap(),
    );
    assert_eq!(code, 0, "check fails: {out}{err}");
}

/// The story is the old one (and no new cover), or the new one with its whole cover.
fn old_or_new(root: &Path, before: &str) -> bool {
    let now = std::fs::read_to_string(root.join(STORY)).unwrap();
    if now == before {
        return false;
    }
    assert!(now.contains("cover = \"covers/alphago.jpg\""), "{now}");
    assert!(now.contains("AlphaGo beats a Go professional"), "{now}");
    let cover = image::open(root.join(NEW_COVER)).expect("the new cover is whole");
    assert!(cover.width() > 0);
    true
}

/// A restart on the same files and data serves the story and is healthy.
fn restart_serves(exhibits: &Path, data: &Path) {
    let (child, base) = serve(exhibits, data, &[]);
    let landing = read(agent().get(format!("{base}/s/GO16")).call());
    let health = admin_get(&base, "/admin/healthz");
    stop(child);
    assert_eq!(landing.status, 200, "{}", landing.body);
    assert_eq!(health.status, 200, "{}", health.body);
    assert!(health.body.contains(r#""status":"ok""#), "{}", health.body);
}

#[test]
fn a_save_killed_at_any_step_leaves_the_old_or_the_new_story_and_the_next_start_serves() {
    for (step, finished) in [
        ("checked", false),
        ("staged", false),
        ("committed", true),
        ("switching", true),
        ("switched", true),
    ] {
        let exhibits = tempfile::tempdir().unwrap();
        demo_into(exhibits.path());
        let data = tempfile::tempdir().unwrap();
        let store = data.path().join("store");
        let marker = data.path().join("paused");
        let before = std::fs::read_to_string(exhibits.path().join(STORY)).unwrap();
        let (child, base) = serve(
            exhibits.path(),
            &store,
            &[
                ("DOCENT_TEST_PAUSE_AT", step),
                ("DOCENT_TEST_PAUSED", marker.to_str().unwrap()),
            ],
        );
        let version = version_on(&admin_get(&base, FORM).body);
        let post = {
            let base = base.clone();
            std::thread::spawn(move || save_with_cover(&base, FORM, &version))
        };
        wait_for(&marker, step);
        stop(child);
        assert!(
            post.join().unwrap().is_err(),
            "{step}: no answer from a killed server"
        );

        restart_serves(exhibits.path(), &store);
        check_passes(exhibits.path());
        let root = exhibits.path();
        assert_eq!(old_or_new(root, &before), finished, "{step}");
        assert_eq!(root.join(NEW_COVER).exists(), finished, "{step}");
        assert_eq!(leftovers(root), Vec::<PathBuf>::new(), "{step}");
        let kept = std::fs::read_dir(root.join("nature-covers/.history")).map_or(0, |d| d.count());
        assert_eq!(kept, if finished { 2 } else { 0 }, "{step}: history");
    }
}

#[test]
fn a_hand_edit_during_a_save_is_kept_and_the_save_answers_409() {
    let exhibits = tempfile::tempdir().unwrap();
    demo_into(exhibits.path());
    let data = tempfile::tempdir().unwrap();
    let marker = data.path().join("paused");
    let (child, base) = serve(
        exhibits.path(),
        &data.path().join("store"),
        &[
            ("DOCENT_TEST_PAUSE_AT", "staged"),
            ("DOCENT_TEST_PAUSED", marker.to_str().unwrap()),
        ],
    );
    let version = version_on(&admin_get(&base, FORM).body);
    let post = {
        let base = base.clone();
        std::thread::spawn(move || save_with_cover(&base, FORM, &version))
    };
    // The save was checked and its files staged; a hand edit lands before the switch.
    wait_for(&marker, "staged");
    let file = exhibits.path().join(STORY);
    let hand = format!(
        "{}\n# Checked by hand.\n",
        std::fs::read_to_string(&file).unwrap()
    );
    std::fs::write(&file, &hand).unwrap();
    std::fs::remove_file(&marker).unwrap();
    let reply = post.join().unwrap().expect("the server answers");
    stop(child);
    assert_eq!(reply.status, 409, "{}", reply.body);
    assert!(
        reply
            .body
            .contains("someone saved this file after you opened it"),
        "{}",
        reply.body
    );
    assert_eq!(
        std::fs::read_to_string(&file).unwrap(),
        hand,
        "the hand edit stays"
    );
    assert!(!exhibits.path().join(NEW_COVER).exists());
    assert_eq!(leftovers(exhibits.path()), Vec::<PathBuf>::new());
}

/// A tmpfs of `size` mounted on a new folder, unmounted when dropped; `None` (with the
/// reason printed) when this machine refuses to mount.
pub(crate) struct Mount(tempfile::TempDir);

impl Mount {
    pub(crate) fn path(&self) -> &Path {
        self.0.path()
    }

    fn run(args: &[&str], at: &Path) -> bool {
        match Command::new("mount").args(args).arg(at).output() {
            Ok(out) if out.status.success() => true,
            Ok(out) => {
                println!(
                    "skipped: mount {args:?} refused: {}",
                    String::from_utf8_lossy(&out.stderr).trim()
                );
                false
            }
            Err(e) => {
                println!("skipped: mount could not run: {e}");
                false
            }
        }
    }

    pub(crate) fn tmpfs(size: &str) -> Option<Mount> {
        let dir = tempfile::tempdir().unwrap();
        Mount::run(
            &["-t", "tmpfs", "-o", &format!("size={size}"), "tmpfs"],
            dir.path(),
        )
        .then_some(Mount(dir))
    }

    /// `from` seen read-only at a new folder (root ignores file modes, so chmod proves nothing).
    pub(crate) fn read_only(from: &Path) -> Option<Mount> {
        let dir = tempfile::tempdir().unwrap();
        if !Mount::run(&["--bind", from.to_str().unwrap()], dir.path()) {
            return None;
        }
        let mount = Mount(dir);
        Mount::run(&["-o", "remount,ro,bind"], mount.path()).then_some(mount)
    }
}

impl Drop for Mount {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg("-l").arg(self.0.path()).status();
    }
}

/// Fills the disk holding `dir`, then frees `keep` bytes of it; returns the filler.
fn fill_leaving(dir: &Path, keep: u64) -> PathBuf {
    use std::io::Write;
    let filler = dir.join("filler");
    let mut file = std::fs::File::create(&filler).unwrap();
    let chunk = vec![0u8; 64 << 10];
    while file.write_all(&chunk).is_ok() {}
    while file.write_all(&chunk[..512]).is_ok() {}
    let _ = file.sync_all();
    let len = file.metadata().unwrap().len();
    file.set_len(len.saturating_sub(keep)).unwrap();
    filler
}

#[test]
fn a_save_with_a_cover_on_a_full_disk_is_whole_or_nothing_and_the_next_start_serves() {
    let Some(disk) = Mount::tmpfs("3m") else {
        return;
    };
    let exhibits = disk.path().join("exhibits");
    demo_into(&exhibits);
    let data = tempfile::tempdir().unwrap();
    let store = data.path().join("store");
    let (child, base) = serve(&exhibits, &store, &[]);
    let before = std::fs::read_to_string(exhibits.join(STORY)).unwrap();
    let mut refused = 0;
    // From a disk with no room at all to one with room for the save: each fails at another
    // step, or succeeds; each leaves the old story or the whole new one.
    for keep in [
        0u64,
        4 << 10,
        12 << 10,
        24 << 10,
        48 << 10,
        96 << 10,
        256 << 10,
    ] {
        let version = version_on(&admin_get(&base, FORM).body);
        let filler = fill_leaving(disk.path(), keep);
        let reply = save_with_cover(&base, FORM, &version).expect("the server answers");
        std::fs::remove_file(filler).unwrap();
        match reply.status {
            303 => {}
            507 => {
                refused += 1;
                assert!(
                    reply
                        .body
                        .contains("disk holding the exhibit files is full"),
                    "{}",
                    reply.body
                );
                assert!(reply.body.contains("nothing was saved"), "{}", reply.body);
            }
            other => panic!("{keep} bytes free: {other} {}", reply.body),
        }
        assert_eq!(
            leftovers(&exhibits),
            Vec::<PathBuf>::new(),
            "{keep} bytes free"
        );
        old_or_new(&exhibits, &before);
        check_passes(&exhibits);
    }
    stop(child);
    assert!(
        refused > 0,
        "the disk was never full enough to refuse a save"
    );
    restart_serves(&exhibits, &store);
}

#[test]
fn a_start_on_files_that_fail_serves_the_last_good_copy_and_says_degraded() {
    let exhibits = tempfile::tempdir().unwrap();
    demo_into(exhibits.path());
    let data = tempfile::tempdir().unwrap();
    let store = data.path().join("store");
    let (child, _) = serve(exhibits.path(), &store, &[]);
    stop(child);

    // What a save cut short used to leave: the story names a cover that is not there.
    let file = exhibits.path().join(STORY);
    let text = std::fs::read_to_string(&file).unwrap();
    std::fs::write(
        &file,
        text.replace("covers/alphago.png", "covers/alphago.jpg"),
    )
    .unwrap();
    let (code, out, err) = outcome(
        Command::new(env!("CARGO_BIN_EXE_docent"))
            .arg("check")
            .arg(exhibits.path())
            .output()
            .unwrap(),
    );
    assert_eq!(code, 1, "check still tells: {out}{err}");

    let (child, base) = serve(exhibits.path(), &store, &[]);
    let landing = read(agent().get(format!("{base}/s/GO16?lang=en")).call());
    let cover = landing
        .body
        .split("src=\"")
        .find(|s| s.starts_with("/cover/"))
        .map(|s| s[..s.find('"').unwrap()].to_string());
    let cover = cover.map(|c| read(agent().get(format!("{base}{c}")).call()).status);
    let anonymous = read(agent().get(format!("{base}/healthz")).call());
    let health = admin_get(&base, "/admin/healthz");
    let dashboard = admin_get(&base, "/admin/e/nature-covers");
    stop(child);
    assert_eq!(landing.status, 200, "{}", landing.body);
    assert!(
        heading(&landing.body).contains("AlphaGo"),
        "{}",
        landing.body
    );
    assert_eq!(cover, Some(200), "the last good cover is served");
    assert_eq!(
        anonymous.status, 200,
        "pages are served: {}",
        anonymous.body
    );
    assert_eq!(health.status, 503, "{}", health.body);
    let json: serde_json::Value = serde_json::from_str(&health.body).unwrap();
    assert!(
        json["status"].as_str().unwrap().starts_with("degraded"),
        "{json}"
    );
    assert_eq!(json["catalog"]["from_last_good"], true, "{json}");
    assert!(
        json["catalog"]["rejected_edit"][0]
            .as_str()
            .unwrap()
            .contains("alphago.toml"),
        "{json}"
    );
    assert!(
        dashboard.body.contains("alphago.toml"),
        "the problem on the dashboard"
    );
    assert!(
        dashboard
            .body
            .contains("failed the check when the server started"),
        "and why the last good copy serves: {}",
        dashboard.body
    );

    // Without a good catalog kept before, the start still refuses, listing the problem.
    let fresh = tempfile::tempdir().unwrap();
    let (code, _, err) = outcome(
        Command::new(env!("CARGO_BIN_EXE_docent"))
            .args(["serve", "--bind", "127.0.0.1:0", "--exhibits"])
            .arg(exhibits.path())
            .arg("--data")
            .arg(fresh.path().join("store"))
            .env("DOCENT_ADMIN_PASSWORD", PASSWORD)
            .stdout(Stdio::null())
            .output()
            .unwrap(),
    );
    assert_ne!(code, 0, "{err}");
    assert!(err.contains("alphago.toml"), "{err}");
}

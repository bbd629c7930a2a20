//! Running it: hot reload, metrics and health, backup and restore, and a crash test that
//! kills the real binary mid-load and checks that every answered scan survived.

use std::path::Path;
use std::process::Command;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use docent::store::Period;

use crate::helpers::*;

/// Polls until `check` holds, for at most 20 seconds (a loaded CI machine can be slow; it
/// returns as soon as the check holds).
fn eventually(mut check: impl FnMut() -> bool) -> bool {
    let until = Instant::now() + Duration::from_secs(20);
    while Instant::now() < until {
        if check() {
            return true;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    false
}

#[test]
fn a_valid_edit_is_served_and_a_broken_one_is_reported_while_the_last_good_catalog_serves() {
    let exhibits = demo_copy(|t| t.replace("Nature Cover Stories", "Nature Covers, edition 1"));
    let story = exhibits.path().join("nature-covers/stories/alphago.toml");
    let exhibition = exhibits.path().join("nature-covers/exhibition.toml");
    let app = spawn_app_with(exhibits, IN_PHASE_1);
    assert!(app.get("/s/GO16?lang=en").body.contains("edition 1"));

    let text = std::fs::read_to_string(&story).unwrap();
    std::fs::write(
        &story,
        text.replace(
            "AlphaGo: a computer beats a Go professional",
            "AlphaGo, retitled",
        ),
    )
    .unwrap();
    assert!(
        eventually(|| heading(&app.get("/s/GO16?lang=en").body) == "AlphaGo, retitled"),
        "a valid edit is live"
    );

    let good = std::fs::read_to_string(&exhibition).unwrap();
    std::fs::write(
        &exhibition,
        good.replace("A1 = \"alphago\"", "A1 = \"missing-story\""),
    )
    .unwrap();
    assert!(
        eventually(|| {
            !app.admin_get("/admin/healthz")
                .body
                .contains("\"rejected_edit\":[]")
        }),
        "the rejection is reported"
    );
    let health: serde_json::Value =
        serde_json::from_str(&app.admin_get("/admin/healthz").body).unwrap();
    assert_eq!(health["status"], "ok, last exhibit edit rejected");
    assert!(
        health["catalog"]["rejected_edit"][0]
            .as_str()
            .unwrap()
            .contains("missing-story")
    );
    let page = app.get("/s/NCA1?lang=en");
    assert_eq!(page.status, 200);
    assert_eq!(
        heading(&page.body),
        "AlphaGo, retitled",
        "the last good catalog keeps serving"
    );
    assert!(
        app.admin_get("/admin")
            .body
            .contains("The last edit was rejected")
    );
    let dashboard = app.admin_get("/admin/e/nature-covers").body;
    assert!(
        dashboard.contains("The last edit was rejected") && dashboard.contains("missing-story"),
        "the exhibition's own dashboard warns too: {dashboard}"
    );
    assert!(
        app.admin_get("/admin/metrics")
            .body
            .contains("docent_catalog_reloads_total{result=\"error\"}")
    );

    std::fs::write(&exhibition, good).unwrap();
    assert!(
        eventually(|| {
            app.admin_get("/admin/healthz")
                .body
                .contains("\"rejected_edit\":[]")
        }),
        "fixed again"
    );
    assert!(
        !app.admin_get("/admin/e/nature-covers")
            .body
            .contains("The last edit was rejected")
    );
    let reload = app.admin_post("/admin/reload", &[], &[]);
    assert_eq!(reload.status, 303, "the dashboard button reloads too");
}

#[test]
fn metrics_and_health_report_in_standard_formats() {
    let app = spawn_app(IN_PHASE_1);
    app.get("/s/NCA1");
    app.get("/go/NCA1");
    app.get("/s/NOPE1");
    let metrics = app.admin_get("/admin/metrics");
    assert_eq!(metrics.status, 200);
    for line in [
        "docent_scans_total 1",
        "docent_opens_total 1",
        "docent_unknown_code_scans_total 1",
        "docent_log_failures_total 0",
    ] {
        assert!(metrics.body.contains(line), "{line}:\n{}", metrics.body);
    }
    assert!(metrics.body.contains("docent_store_batch_seconds_count"));
    assert!(
        metrics
            .body
            .contains("docent_http_requests_total{class=\"2xx\"}")
    );
    let health: serde_json::Value =
        serde_json::from_str(&app.admin_get("/admin/healthz").body).unwrap();
    assert_eq!(health["status"], "ok");
    assert_eq!(health["store"], "ok");
    assert_eq!(health["catalog"]["exhibitions"], 1);
}

fn docent() -> Command {
    Command::new(env!("CARGO_BIN_EXE_docent"))
}

#[test]
fn a_backup_taken_while_serving_restores_into_a_new_store() {
    let app = spawn_app(IN_PHASE_1);
    for ua in [IPHONE_WECHAT, ANDROID_CHROME, GOOGLEBOT] {
        app.get_as("/s/NCA1", ua, &[]);
    }
    app.get("/go/NCA2");
    // A person, with a password set: the restored server must still know them.
    app.person("li", "viewer@nature-covers");
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("docent.backup");
    let bind = app.base.trim_start_matches("http://");
    let out = docent()
        .args(["backup", "--bind", bind, "--out"])
        .arg(&file)
        .env("DOCENT_ADMIN_PASSWORD", PASSWORD)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("backup from the running server"));

    let restored = dir.path().join("restored");
    let out = docent()
        .arg("restore")
        .arg(&file)
        .arg("--data")
        .arg(&restored)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let copy = docent::store::Store::open(&restored, 8 << 20).unwrap();
    assert_eq!(copy.scans().unwrap(), app.store.scans().unwrap());
    assert_eq!(copy.opens().unwrap(), app.store.opens().unwrap());
    assert_eq!(
        copy.counters("nature-covers", Period::All),
        app.store.counters("nature-covers", Period::All)
    );
    let li = |store: &docent::store::Store| {
        store
            .accounts()
            .unwrap()
            .into_iter()
            .find(|a| a.name == "li")
    };
    let restored_li = li(&copy).expect("the restored store knows li");
    assert!(restored_li.password_hash.is_some());
    assert_eq!(
        serde_json::to_string(&restored_li).unwrap(),
        serde_json::to_string(&li(&app.store).unwrap()).unwrap()
    );
    // The whole trail, the backup's own entry in it, and then the restore's.
    let actions = |store: &docent::store::Store| -> Vec<String> {
        let mut entries = store.audit_trail(None).unwrap();
        entries.sort_by_key(|e| e.at);
        entries.into_iter().map(|e| e.action).collect()
    };
    let mut expected = actions(&app.store);
    assert!(
        expected.iter().any(|a| a == "GET /admin/backup"),
        "{expected:?}"
    );
    expected.push("restore".to_string());
    assert_eq!(actions(&copy), expected, "the audit trail comes back whole");
    drop(copy);
    let again = docent()
        .arg("restore")
        .arg(&file)
        .arg("--data")
        .arg(&restored)
        .output()
        .unwrap();
    assert!(
        !again.status.success(),
        "a restore never overwrites stored scans"
    );
    assert!(String::from_utf8_lossy(&again.stderr).contains("already holds scans"));

    let wrong = docent()
        .args(["backup", "--bind", bind, "--out"])
        .arg(dir.path().join("x"))
        .env("DOCENT_ADMIN_PASSWORD", "wrong")
        .output()
        .unwrap();
    assert!(!wrong.status.success());
}

#[test]
fn every_answered_scan_survives_a_kill_9_mid_load() {
    let data = tempfile::tempdir().unwrap();
    let (mut server, base) = start_server(data.path());
    let answered = Arc::new(AtomicU64::new(0));
    let stop = Arc::new(AtomicBool::new(false));
    let load: Vec<_> = (0..4)
        .map(|worker| {
            let (base, answered, stop) = (base.clone(), answered.clone(), stop.clone());
            std::thread::spawn(move || {
                let agent: ureq::Agent = ureq::Agent::config_builder()
                    .timeout_global(Some(Duration::from_secs(2)))
                    .build()
                    .into();
                let mut n = 0;
                while !stop.load(Ordering::Relaxed) && n < 20_000 {
                    n += 1;
                    let ua = format!("{ANDROID_CHROME} worker/{worker}/{n}");
                    if let Ok(r) = agent
                        .get(format!("{base}/s/NCA1"))
                        .header("User-Agent", &ua)
                        .call()
                        && r.status().is_success()
                    {
                        answered.fetch_add(1, Ordering::SeqCst);
                    }
                }
            })
        })
        .collect();
    std::thread::sleep(Duration::from_millis(1500));
    server.kill().unwrap(); // SIGKILL: no shutdown, no final flush.
    server.wait().unwrap();
    stop.store(true, Ordering::Relaxed);
    for worker in load {
        worker.join().unwrap();
    }
    let acknowledged = answered.load(Ordering::SeqCst);
    assert!(acknowledged > 50, "the load ran: {acknowledged} answers");

    let (mut server, base) = start_server(data.path());
    let stats = stats_json(&base);
    let stored = stats["totals"]["scans"].as_u64().unwrap();
    assert!(
        stored >= acknowledged,
        "{acknowledged} scans were answered, {stored} survived"
    );
    assert!(
        stored <= acknowledged + 4,
        "at most the in-flight requests more: {stored} vs {acknowledged}"
    );
    let health = ureq::get(format!("{base}/healthz")).call().unwrap();
    assert!(health.status().is_success(), "the store opened cleanly");
    // Every figure, not only the total, is the same after another kill -9 and a replay.
    let before = stats_json(&base);
    assert!(before["totals"]["visitors"].as_u64().unwrap() > 0);
    server.kill().unwrap();
    server.wait().unwrap();
    let (mut server, base) = start_server(data.path());
    assert_eq!(
        stats_json(&base),
        before,
        "figures after kill -9 equal those before it"
    );
    server.kill().unwrap();
    server.wait().unwrap();
}

#[test]
fn with_debug_logs_a_request_can_be_followed_into_its_store_batch() {
    let data = tempfile::tempdir().unwrap();
    let log_path = data.path().join("log");
    let log = std::fs::File::create(&log_path).unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_docent"))
        .args(["serve", "--bind", "127.0.0.1:0", "--watch-seconds", "0"])
        .arg("--exhibits")
        .arg(demo_exhibits())
        .arg("--data")
        .arg(data.path().join("store"))
        .env("DOCENT_ADMIN_PASSWORD", PASSWORD)
        .env("RUST_LOG", "docent=debug")
        .env("NO_COLOR", "1")
        .stdout(std::process::Stdio::piped())
        .stderr(log)
        .spawn()
        .unwrap();
    let mut first = String::new();
    std::io::BufRead::read_line(
        &mut std::io::BufReader::new(child.stdout.as_mut().unwrap()),
        &mut first,
    )
    .unwrap();
    let base = first.split("serving at ").nth(1).unwrap().trim();
    let base = base.trim_end_matches('/').to_string();
    assert_eq!(
        agent()
            .get(format!("{base}/s/NCA1"))
            .call()
            .unwrap()
            .status(),
        200
    );
    let logged = || std::fs::read_to_string(&log_path).unwrap_or_default();
    let found = eventually(|| {
        let text = logged();
        text.contains("batch written") && text.contains("answered")
    });
    let _ = child.kill();
    let _ = child.wait();
    let text = logged();
    assert!(found, "{text}");
    let batch = text.lines().find(|l| l.contains("batch written")).unwrap();
    assert!(batch.contains("batch{events=1 seconds="), "{batch}");
    let waited = text.lines().find(|l| l.contains("waited for the store"));
    assert!(
        waited.is_some_and(|l| l.contains("request{method=GET path=/s/NCA1")),
        "the wait is logged in the request's span: {text}"
    );
    let answered = text.lines().find(|l| l.contains("answered")).unwrap();
    assert!(
        answered.contains("status=200") && answered.contains("ms="),
        "{answered}"
    );
}

/// An address nobody listens at (the listener is closed when this returns).
fn nobody_listens() -> String {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    listener.local_addr().unwrap().to_string()
}

/// The line a failed command ends with, `error: ...`.
fn error_line(stderr: &str) -> &str {
    stderr
        .lines()
        .find(|l| l.starts_with("error: "))
        .unwrap_or_else(|| panic!("no error line in: {stderr}"))
}

#[test]
fn a_healthcheck_with_no_server_names_the_url_and_the_refused_connection() {
    let bind = nobody_listens();
    let (code, _, err) = outcome(
        docent()
            .args(["healthcheck", "--bind", &bind])
            .output()
            .unwrap(),
    );
    assert_eq!(code, 1, "{err}");
    let line = error_line(&err);
    assert!(
        line.contains(&format!("no server answered at http://{bind}/healthz"))
            && line.contains("Connection refused"),
        "{err}"
    );
}

#[test]
fn a_backup_into_a_missing_folder_names_the_file_once_with_its_cause() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("missing").join("docent.backup");
    let (code, _, err) = outcome(
        docent()
            .args(["backup", "--bind", &nobody_listens(), "--out"])
            .arg(&out)
            .arg("--data")
            .arg(dir.path().join("data"))
            .output()
            .unwrap(),
    );
    assert_eq!(code, 1, "{err}");
    let line = error_line(&err);
    let partial = format!("{}.partial", out.display());
    assert_eq!(line.matches(&partial).count(), 1, "{err}");
    assert!(line.contains("No such file or directory"), "{err}");
    assert!(!out.exists() && !Path::new(&partial).exists());
}

#[test]
fn share_names_the_server_whose_answer_broke_off() {
    use std::io::{Read, Write};
    // A server that promises a 100-byte link and hangs up after 7.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let bind = listener.local_addr().unwrap().to_string();
    std::thread::spawn(move || {
        if let Ok((mut stream, _)) = listener.accept() {
            let mut request = [0u8; 8192];
            let _ = stream.read(&mut request);
            let _ = stream.write_all(b"HTTP/1.1 201 Created\r\nContent-Length: 100\r\n\r\nhttp://");
        }
    });
    let (code, out, err) = outcome(
        docent()
            .args(["share", "nature-covers", "--bind", &bind])
            .env("DOCENT_ADMIN_PASSWORD", PASSWORD)
            .output()
            .unwrap(),
    );
    assert_eq!((code, out.as_str()), (1, ""), "{err}");
    let line = error_line(&err);
    let url = format!("http://{bind}/admin/shares/nature-covers");
    let cause = line.split_once(&url).map(|(_, after)| after);
    assert!(
        cause.is_some_and(|c| c.starts_with(": ") && c.len() > 2),
        "the URL is named, then why: {err}"
    );
}

//! What monitors, crawlers and operators meet (issue 9): HEAD on every route, a favicon, QR
//! images cached and drawn two at a time, a health check that says one word to strangers,
//! metrics behind the password or on their own listener, plain-text logs with a shutdown
//! line, and absurd statistics ranges refused.

use std::io::{BufRead, BufReader, Read};
use std::process::{Command, Stdio};
use std::sync::{Arc, Barrier};

use serde_json::Value;

use crate::helpers::*;

/// Public GET routes, one of each kind (pages, redirects, images, 404s).
const PUBLIC: &[&str] = &[
    "/",
    "/s/NCA1",
    "/S/NCA1",
    "/s/NOPE1",
    "/go/NCA1",
    "/e/nature-covers",
    "/cover/nature-covers/alphago/160",
    "/qr/NCA1.svg",
    "/qr/NCA1.png",
    "/healthz",
    "/favicon.ico",
    "/login",
    "/admin",
    "/no/such",
];

/// Admin GET routes, asked for with the password.
const ADMIN: &[&str] = &[
    "/admin",
    "/admin/e/nature-covers",
    "/admin/print/nature-covers",
    "/admin/api/stats/nature-covers",
    "/admin/export/nature-covers.csv",
    "/admin/healthz",
    "/admin/metrics",
];

fn assert_like(path: &str, head: &Reply, get: &Reply) {
    assert_eq!(head.status, get.status, "HEAD {path}");
    assert_eq!(
        head.header("content-type"),
        get.header("content-type"),
        "HEAD {path}"
    );
    assert_eq!(
        head.header("cache-control"),
        get.header("cache-control"),
        "HEAD {path}"
    );
    assert!(head.body.is_empty(), "HEAD {path} sent a body");
    if !get.header("content-length").is_empty() {
        assert_eq!(
            head.header("content-length"),
            get.header("content-length"),
            "HEAD {path}"
        );
    }
}

#[test]
fn head_answers_like_get_on_every_route_and_logs_no_scan_or_open() {
    let app = spawn_app(IN_PHASE_1);
    let heads: Vec<Reply> = PUBLIC.iter().map(|p| app.head(p)).collect();
    assert!(app.store.scans().unwrap().is_empty(), "HEAD logged a scan");
    assert!(app.store.opens().unwrap().is_empty(), "HEAD logged an open");
    assert_eq!(
        app.get("/admin/no-such-page").status,
        401,
        "unknown admin pages stay hidden"
    );
    for (path, head) in PUBLIC.iter().zip(&heads) {
        let get = app.get(path);
        assert_like(path, head, &get);
    }
    let auth = basic("monitor", PASSWORD);
    for path in ADMIN {
        let head = app.head_with(path, &[("Authorization", &auth)]);
        assert_eq!(head.status, 200, "HEAD {path}");
        let get = app.get_as(path, ANDROID_CHROME, &[("Authorization", &auth)]);
        assert_like(path, &head, &get);
    }
}

#[test]
fn the_favicon_is_a_png_cached_for_a_week() {
    let app = spawn_app(IN_PHASE_1);
    let (reply, bytes) = app.get_bytes("/favicon.ico", &[]);
    assert_eq!(reply.status, 200);
    assert_eq!(reply.header("content-type"), "image/png");
    assert!(reply.header("cache-control").contains("max-age=604800"));
    assert!(bytes.starts_with(b"\x89PNG\r\n\x1a\n"), "a PNG");
    assert!(bytes.len() < 1024, "tiny: {} bytes", bytes.len());
}

fn qr_counters(app: &TestApp) -> Value {
    let health: Value = serde_json::from_str(&app.admin_get("/admin/healthz").body).unwrap();
    health["qr_images"].clone()
}

#[test]
fn public_qr_images_are_capped_cached_and_drawn_two_at_a_time() {
    let app = spawn_app(IN_PHASE_1);
    // The reported attack, and anything over 300 mm or 2048 px, is refused before drawing.
    for query in [
        "size=1000&dpi=101",
        "size=301",
        "size=200&dpi=300",
        "size=50&dpi=1200",
    ] {
        let reply = app.get(&format!("/qr/NCA1.png?{query}"));
        assert_eq!(reply.status, 400, "{query}");
        assert!(reply.body.contains("2048") || reply.body.contains("300 mm"));
    }
    assert_eq!(qr_counters(&app)["rendered"], 0);

    // The same image twice: drawn once.
    let (first, png) = app.get_bytes("/qr/NCA1.png?size=170&dpi=300", &[]);
    assert_eq!(first.status, 200);
    let (again, cached) = app.get_bytes("/qr/NCA1.png?size=170.000001&dpi=300", &[]);
    assert_eq!(again.status, 200);
    assert_eq!(png, cached);
    let counters = qr_counters(&app);
    assert_eq!(counters["rendered"], 1, "{counters}");
    assert_eq!(counters["cached"], 1, "{counters}");

    // Ten different images at once: never more than two drawn at the same time; the rest
    // wait their turn or are told to come back.
    let start = Arc::new(Barrier::new(10));
    let base = app.base.clone();
    let askers: Vec<_> = (0..10)
        .map(|i| {
            let (start, base) = (start.clone(), base.clone());
            std::thread::spawn(move || {
                start.wait();
                let agent: ureq::Agent = ureq::Agent::config_builder()
                    .http_status_as_error(false)
                    .build()
                    .into();
                let reply = agent
                    .get(format!(
                        "{base}/qr/NCA1.png?size={}&dpi=600",
                        80.0 + i as f64 / 2.0
                    ))
                    .call()
                    .unwrap();
                (
                    reply.status().as_u16(),
                    reply.headers().get("retry-after").is_some_and(|v| v == "2"),
                )
            })
        })
        .collect();
    let answers: Vec<(u16, bool)> = askers.into_iter().map(|t| t.join().unwrap()).collect();
    for (status, retry) in &answers {
        assert!(*status == 200 || (*status == 503 && *retry), "{answers:?}");
    }
    let drawn = answers.iter().filter(|(s, _)| *s == 200).count();
    let counters = qr_counters(&app);
    assert!(drawn >= 2, "{answers:?}");
    assert_eq!(counters["rendered"], 1 + drawn, "{counters}");
    assert_eq!(counters["refused_busy"], 10 - drawn, "{counters}");
    let peak = counters["peak_concurrent_renders"].as_u64().unwrap();
    assert!((1..=2).contains(&peak), "{counters}");
}

#[test]
fn anonymous_healthz_says_ok_and_nothing_else_while_admins_get_the_details() {
    let exhibits = demo_copy(|t| t.replace("Nature Cover Stories", "Nature Covers, edition 1"));
    let exhibition = exhibits.path().join("nature-covers/exhibition.toml");
    let app = spawn_app_with(exhibits, IN_PHASE_1);
    let probe = app.get("/healthz");
    assert_eq!(probe.status, 200);
    assert_eq!(probe.body, r#"{"status":"ok"}"#);
    assert_eq!(probe.header("cache-control"), "no-store");

    let good = std::fs::read_to_string(&exhibition).unwrap();
    std::fs::write(
        &exhibition,
        good.replace("A1 = \"alphago\"", "A1 = \"missing-story\""),
    )
    .unwrap();
    // Up to 20 s: the watcher is quick, a loaded CI machine may not be.
    let until = std::time::Instant::now() + std::time::Duration::from_secs(20);
    let details = loop {
        let details: Value = serde_json::from_str(&app.admin_get("/admin/healthz").body).unwrap();
        if details["catalog"]["rejected_edit"][0].is_string() || std::time::Instant::now() > until {
            break details;
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    };
    assert_eq!(details["status"], "ok, last exhibit edit rejected");
    assert_eq!(details["queued"], 0);
    let probe = app.get("/healthz");
    assert_eq!(
        probe.body, r#"{"status":"ok"}"#,
        "no paths or messages for strangers"
    );
    assert_eq!(app.get("/admin/healthz").status, 401);
    assert_eq!(app.get("/metrics").status, 404, "metrics are not public");
    assert_eq!(app.get("/admin/metrics").status, 401);
    assert!(
        app.admin_get("/admin/metrics")
            .body
            .contains("docent_scans_total")
    );
}

#[test]
fn absurd_statistics_ranges_get_400_with_a_reason_on_json_csv_and_dashboard() {
    let app = spawn_app(IN_PHASE_1);
    app.get("/s/NCA1");
    // Today is 2026-11-20 in the demo's zone.
    let refused = [
        ("from=0001-01-01&to=9999-12-31", "before 2000-01-01"),
        ("from=1999-12-31&to=2026-11-20", "before 2000-01-01"),
        (
            "from=2026-11-01&to=2027-11-21",
            "more than a year after today",
        ),
        ("to=9999-12-31", "more than a year after today"),
        ("from=2010-01-01&to=2026-11-20", "ten years"),
    ];
    for route in [
        "/admin/api/stats/nature-covers",
        "/admin/export/nature-covers.csv",
        "/admin/e/nature-covers",
    ] {
        for (query, reason) in refused {
            let reply = app.admin_get(&format!("{route}?{query}"));
            assert_eq!(reply.status, 400, "{route}?{query}");
            assert!(
                reply.body.contains(reason),
                "{route}?{query}: {}",
                reply.body
            );
        }
        let fine = app.admin_get(&format!("{route}?from=2026-11-01&to=2027-11-20"));
        assert_eq!(fine.status, 200, "{route}: up to a year ahead is fine");
    }
    let stats: Value = serde_json::from_str(
        &app.admin_get("/admin/api/stats/nature-covers?from=2016-11-20&to=2026-11-20")
            .body,
    )
    .unwrap();
    assert_eq!(
        stats["totals"]["scans"], 1,
        "ten years back is answered in full"
    );
}

/// The next line the server prints to stdout.
fn line(out: &mut impl BufRead) -> String {
    let mut line = String::new();
    out.read_line(&mut line).unwrap();
    line
}

#[test]
fn metrics_listen_apart_logs_to_a_pipe_are_plain_and_shutdown_is_logged() {
    let data = tempfile::tempdir().unwrap();
    let mut server = Command::new(env!("CARGO_BIN_EXE_docent"))
        .args([
            "serve",
            "--bind",
            "127.0.0.1:0",
            "--metrics-bind",
            "127.0.0.1:0",
        ])
        .arg("--exhibits")
        .arg(demo_exhibits())
        .arg("--data")
        .arg(data.path())
        .env("DOCENT_ADMIN_PASSWORD", PASSWORD)
        .env("RUST_LOG", "info")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut out = BufReader::new(server.stdout.take().unwrap());
    let serving = line(&mut out);
    let base = serving
        .trim()
        .rsplit(' ')
        .next()
        .unwrap()
        .trim_end_matches('/')
        .to_string();
    assert!(base.starts_with("http://127.0.0.1:"), "{serving}");
    let _admin = line(&mut out);
    let metrics_line = line(&mut out);
    let metrics_url = metrics_line.trim().rsplit(' ').next().unwrap().to_string();
    assert!(metrics_url.ends_with("/metrics"), "{metrics_line}");

    let agent: ureq::Agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .build()
        .into();
    agent.get(format!("{base}/s/NCA1")).call().unwrap();
    let mut metrics = agent.get(&metrics_url).call().unwrap();
    assert_eq!(
        metrics.status().as_u16(),
        200,
        "no password on its own listener"
    );
    assert!(
        metrics
            .body_mut()
            .read_to_string()
            .unwrap()
            .contains("docent_scans_total 1")
    );
    let public = agent.get(format!("{base}/metrics")).call().unwrap();
    assert_eq!(public.status().as_u16(), 404);
    let only_metrics = metrics_url.replace("/metrics", "/healthz");
    assert_eq!(
        agent.get(&only_metrics).call().unwrap().status().as_u16(),
        404
    );

    let stopped = Command::new("kill")
        .args(["-TERM", &server.id().to_string()])
        .status()
        .unwrap();
    assert!(stopped.success());
    assert!(server.wait().unwrap().success(), "a clean exit on SIGTERM");
    let mut logs = String::new();
    server
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut logs)
        .unwrap();
    assert!(!logs.contains('\x1b'), "no colour codes in a pipe:\n{logs}");
    assert!(logs.contains("INFO"), "{logs}");
    assert!(logs.contains("shut down: the store is flushed"), "{logs}");
}

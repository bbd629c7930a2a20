//! Visitor pages served from memory: compressed forms that decode to the page itself, one page
//! per variant, and the served page following a manual switch, a reloaded edit and the schedule.

use std::io::Read;

use crate::helpers::*;

const BR: (&str, &str) = ("Accept-Encoding", "br");
const GZIP: (&str, &str) = ("Accept-Encoding", "gzip");

fn gunzip(body: &[u8]) -> String {
    let mut out = String::new();
    flate2::read::GzDecoder::new(body)
        .read_to_string(&mut out)
        .expect("a gzip stream");
    out
}

fn unbrotli(body: &[u8]) -> String {
    let mut out = String::new();
    brotli::Decompressor::new(body, 4096)
        .read_to_string(&mut out)
        .expect("a brotli stream");
    out
}

/// The page at `path` as a brotli-accepting browser gets it, decoded.
fn page_via_br(app: &TestApp, path: &str) -> String {
    let (reply, body) = app.get_bytes(path, &[BR]);
    assert_eq!(reply.header("content-encoding"), "br", "{path}");
    unbrotli(&body)
}

fn page_via_gzip(app: &TestApp, path: &str) -> String {
    let (reply, body) = app.get_bytes(path, &[GZIP]);
    assert_eq!(reply.header("content-encoding"), "gzip", "{path}");
    gunzip(&body)
}

#[test]
fn gzip_and_brotli_bodies_decode_to_exactly_the_identity_page() {
    let app = spawn_app(IN_PHASE_1);
    for path in ["/s/NCA1?lang=en", "/e/nature-covers?lang=en"] {
        let (plain, identity) = app.get_bytes(path, &[]);
        assert_eq!(plain.status, 200);
        assert_eq!(
            plain.header("content-encoding"),
            "",
            "{path}: no coding asked"
        );
        assert!(
            String::from_utf8(identity.clone())
                .unwrap()
                .contains("</html>")
        );
        let codings = [
            ("gzip", "gzip"),
            ("br", "br"),
            ("gzip, deflate, br, zstd", "br"),
            ("br;q=0, gzip", "gzip"),
        ];
        for (accept, coding) in codings {
            let (first, body) = app.get_bytes(path, &[("Accept-Encoding", accept)]);
            let (_, again) = app.get_bytes(path, &[("Accept-Encoding", accept)]);
            assert_eq!(first.status, 200);
            assert_eq!(first.header("content-encoding"), coding, "{path} {accept}");
            assert_eq!(first.header("vary"), "accept-encoding", "{path} {accept}");
            assert_eq!(
                first.header("content-length"),
                body.len().to_string(),
                "{path} {accept}"
            );
            assert!(
                body.len() * 2 < identity.len(),
                "{path} {accept}: {} of {} bytes",
                body.len(),
                identity.len()
            );
            assert_eq!(body, again, "{path} {accept}: the same bytes from memory");
            let decoded = if coding == "gzip" {
                gunzip(&body)
            } else {
                unbrotli(&body)
            };
            // Decoding once gives the page: `Compress` did not encode it a second time.
            assert_eq!(decoded.as_bytes(), identity, "{path} {accept}");
        }
    }
    let (landing, _) = app.get_bytes("/s/NCA1?lang=en", &[BR]);
    assert_eq!(landing.header("cache-control"), "no-store");

    let (_, br_body) = app.get_bytes("/s/NCA1?lang=en", &[BR]);
    let head = app.head_with("/s/NCA1?lang=en", &[BR]);
    assert_eq!(head.status, 200);
    assert_eq!(head.header("content-encoding"), "br");
    assert_eq!(head.header("cache-control"), "no-store");
    assert_eq!(head.header("content-length"), br_body.len().to_string());
    assert!(head.body.is_empty());

    // Every GET of the landing page was still recorded, cached page or not; HEAD is not.
    assert_eq!(app.store.scans().unwrap().len(), 1 + 4 * 2 + 2);
}

#[test]
fn each_variant_is_its_own_page() {
    let app = spawn_app(IN_PHASE_1);
    let wechat = app.get_as("/s/NCA1?lang=en", IPHONE_WECHAT, &[]);
    let browser = app.get_as("/s/NCA1?lang=en", ANDROID_CHROME, &[]);
    assert!(
        wechat.body.contains("Open in browser"),
        "WeChat gets the hint"
    );
    assert!(
        !browser.body.contains("Open in browser"),
        "not the WeChat page from memory"
    );
    let zh = app.get("/s/NCA1?lang=zh");
    assert!(zh.body.contains(r#"<html lang="zh-Hans">"#));
    let other_code = app.get("/s/GO16?lang=en");
    assert!(
        other_code.body.contains("/go/GO16?"),
        "the story code's own links"
    );
    assert!(!other_code.body.contains("/go/NCA1?"));
}

#[test]
fn a_manual_switch_changes_the_page_served_from_memory() {
    // Phase 2 by schedule.
    let app = spawn_app("2026-12-10T02:00:00Z");
    let landing = "/s/NCA1?lang=en";
    let show = "/e/nature-covers?lang=en";
    assert!(heading(&app.get(landing).body).contains("Zero"));
    assert!(heading(&page_via_br(&app, landing)).contains("Zero"));
    let before = app.get(show).body;
    assert!(before.contains("Phase 2: 2017 covers"), "{before}");
    assert!(!before.contains("switched by staff"));

    let reply = app.admin_post(
        "/admin/switch/nature-covers",
        &[("phase", "phase-1"), ("confirm", "yes")],
        &[],
    );
    assert_eq!(reply.status, 303, "{}", reply.body);

    for page in [app.get(landing).body, page_via_br(&app, landing)] {
        let switched = heading(&page);
        assert!(
            switched.contains("AlphaGo") && !switched.contains("Zero"),
            "{switched}"
        );
    }
    let after = app.get(show).body;
    assert!(after.contains("Phase 1: 2016 covers"), "{after}");
    assert!(after.contains("switched by staff"));
    assert_eq!(page_via_gzip(&app, show), after);
}

#[test]
fn a_reloaded_exhibit_edit_replaces_the_page_served_from_memory() {
    let exhibits = demo_copy(|t| t.replace("Nature Cover Stories", "Nature Covers, edition 1"));
    let story = exhibits.path().join("nature-covers/stories/alphago.toml");
    let app = spawn_app_with(exhibits, IN_PHASE_1);
    let path = "/s/GO16?lang=en";
    let original = "AlphaGo: a computer beats a Go professional";
    assert_eq!(heading(&app.get(path).body), original);
    assert_eq!(heading(&page_via_gzip(&app, path)), original);

    let text = std::fs::read_to_string(&story).unwrap();
    std::fs::write(&story, text.replace(original, "AlphaGo, retitled")).unwrap();
    let reload = app.admin_post("/admin/reload", &[], &[]);
    assert_eq!(reload.status, 303);

    assert_eq!(heading(&app.get(path).body), "AlphaGo, retitled");
    assert_eq!(heading(&page_via_gzip(&app, path)), "AlphaGo, retitled");
    assert_eq!(heading(&page_via_br(&app, path)), "AlphaGo, retitled");
    // The station code's page lists it under "on show" with the new title too.
    assert!(
        app.get("/s/NCA2?lang=en")
            .body
            .contains("AlphaGo, retitled")
    );
}

#[test]
fn the_scheduled_phase_change_serves_the_next_phase_from_memory() {
    let app = spawn_app(IN_PHASE_1);
    let landing = "/s/NCA1?lang=en";
    let show = "/e/nature-covers?lang=en";
    for _ in 0..2 {
        assert!(heading(&app.get(landing).body).contains("AlphaGo"));
        assert!(!heading(&page_via_gzip(&app, landing)).contains("Zero"));
        assert!(page_via_br(&app, show).contains("Phase 1: 2016 covers"));
    }

    app.clock.set(at(PHASE_2_STARTS));
    assert!(heading(&app.get(landing).body).contains("Zero"));
    assert!(heading(&page_via_gzip(&app, landing)).contains("Zero"));
    assert!(heading(&page_via_br(&app, landing)).contains("Zero"));
    let after = page_via_br(&app, show);
    assert!(after.contains("Phase 2: 2017 covers"), "{after}");
    assert!(
        !after.contains("switched by staff"),
        "the schedule, not staff"
    );
    assert_eq!(
        app.store.scans().unwrap().last().unwrap().phase,
        "phase-2",
        "the scan records the phase the page shows"
    );
}

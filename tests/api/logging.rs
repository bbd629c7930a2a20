//! What is stored for each scan and open, bots kept apart, visitor ids per day.

use docent::catalog::{Lang, ShowState};
use docent::store::Via;
use docent::visitor::{Device, InApp};

use crate::helpers::*;

#[test]
fn scans_and_opens_are_stored_with_every_field() {
    let app = spawn_app(IN_PHASE_1);
    app.get_as(
        "/s/nca1",
        IPHONE_WECHAT,
        &[("Accept-Language", "zh-CN,zh;q=0.9")],
    );
    app.get_as("/go/NCA1?lang=zh", IPHONE_WECHAT, &[]);

    let scans = app.store.scans().unwrap();
    assert_eq!(scans.len(), 1);
    let scan = &scans[0];
    assert_eq!(scan.at, at(IN_PHASE_1));
    assert_eq!(scan.code, "NCA1");
    assert_eq!(scan.exhibition, "nature-covers");
    assert_eq!(scan.station.as_deref(), Some("A1"));
    assert_eq!(scan.story, "alphago");
    assert_eq!(scan.phase, "phase-1");
    assert_eq!(scan.state, ShowState::Running);
    assert_eq!(scan.device, Device::Phone);
    assert_eq!(scan.in_app, InApp::WeChat);
    assert_eq!(scan.lang, Lang::ZH);
    assert!(!scan.bot);
    assert_eq!(scan.via, Via::Qr);
    assert_eq!(scan.visitor.to_string().len(), 16);
    assert!(!scan.visitor.is_none());

    let opens = app.store.opens().unwrap();
    assert_eq!(opens.len(), 1);
    assert_eq!(opens[0].story, "alphago");
    assert_eq!(opens[0].station.as_deref(), Some("A1"));
    assert_eq!(
        opens[0].visitor, scan.visitor,
        "the open joins the scan's visitor"
    );
}

#[test]
fn nothing_personal_is_stored_or_backed_up() {
    let app = spawn_app(IN_PHASE_1);
    app.get_as("/s/NCA1", IPHONE_WECHAT, &[]);
    app.get_as("/go/NCA1", IPHONE_WECHAT, &[]);
    // Every byte of the store as it would be backed up.
    let mut dump = Vec::new();
    docent::store::backup::write(&app.store, &mut dump).unwrap();
    let decoded = String::from_utf8_lossy(&dump);
    assert!(decoded.contains("alphago"), "the dump holds the scan");
    assert!(!decoded.contains("127.0.0.1"), "no IP address");
    assert!(
        !decoded.contains("MicroMessenger") && !decoded.contains("iPhone OS"),
        "no user agent"
    );
    assert!(
        !decoded.contains("daily-salt"),
        "the salt is never exported"
    );
    // Nor the visitor ids of the whole day in a form that a salt could be found from: the
    // salt's bytes are not in the file.
    let today = "2026-11-20".parse().unwrap();
    let salt = app.store.daily_salt(today).unwrap();
    assert!(!dump.windows(32).any(|w| w == salt), "the salt's bytes");
}

#[test]
fn bots_and_previews_are_stored_flagged() {
    let app = spawn_app(IN_PHASE_1);
    app.get_as("/s/NCA2", GOOGLEBOT, &[]);
    app.get_as("/s/NCA2", "WhatsApp/2.23.20.0", &[]);
    app.get_as("/s/NCA2", ANDROID_CHROME, &[("Sec-Purpose", "prefetch")]);
    app.get_as("/s/NCA2", ANDROID_CHROME, &[]);
    let flags: Vec<bool> = app.store.scans().unwrap().iter().map(|s| s.bot).collect();
    assert_eq!(flags, [true, true, true, false]);
}

#[test]
fn browsing_between_pages_is_not_a_scan() {
    let app = spawn_app(IN_PHASE_1);
    app.get("/s/NCA1");
    app.get("/s/BRCA16?lang=zh&via=list");
    // WeChat adds its own `from` to shared links, sometimes twice: still a scan, still a page.
    let shared = app.get("/s/NCA2?from=singlemessage&from=timeline&lang=en&lang=zh");
    assert_eq!(shared.status, 200);
    assert!(
        shared.body.contains("Read the full paper"),
        "the first lang wins"
    );
    let via: Vec<Via> = app.store.scans().unwrap().iter().map(|s| s.via).collect();
    assert_eq!(via, [Via::Qr, Via::Browse, Via::Qr]);
}

#[test]
fn the_same_phone_is_one_visitor_within_a_day_and_a_new_one_the_next_day() {
    // 2026-11-20 10:00 and 23:00 Beijing time, then 2026-11-21 09:00.
    let app = spawn_app("2026-11-20T02:00:00Z");
    app.get_as("/s/NCA1", IPHONE_WECHAT, &[]);
    app.clock.set(at("2026-11-20T15:00:00Z"));
    app.get_as("/s/NCA2", IPHONE_WECHAT, &[]);
    app.get_as("/s/NCA2", ANDROID_CHROME, &[]);
    app.clock.set(at("2026-11-21T01:00:00Z"));
    app.get_as("/s/NCA1", IPHONE_WECHAT, &[]);
    let ids: Vec<String> = app
        .store
        .scans()
        .unwrap()
        .into_iter()
        .map(|s| s.visitor.to_string())
        .collect();
    assert_eq!(ids[0], ids[1], "same phone, same day");
    assert_ne!(ids[1], ids[2], "another phone");
    assert_ne!(ids[0], ids[3], "same phone, next day: not linkable");
}

//! Issue 13, figures organizers can trust: WeChat shares and staff views counted apart from
//! scans (and from each other and bots), read-only share links, the lobby screen and the report.

use serde_json::Value;

use crate::helpers::*;

fn stats(app: &TestApp, query: &str) -> Value {
    let reply = app.admin_get(&format!("/admin/api/stats/nature-covers{query}"));
    assert_eq!(reply.status, 200, "{}", reply.body);
    serde_json::from_str(&reply.body).unwrap()
}

fn story<'a>(stats: &'a Value, key: &str) -> &'a Value {
    stats["by_story"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["key"] == key)
        .unwrap_or_else(|| panic!("no {key}"))
}

#[test]
fn each_wechat_share_is_a_share_not_a_scan_and_is_exported_with_its_kind() {
    let app = spawn_app(IN_PHASE_1);
    app.get_as("/s/NCA1", IPHONE_WECHAT, &[]);
    for query in [
        "from=singlemessage",
        "from=groupmessage&isappinstalled=0",
        "from=timeline",
        "isappinstalled=1",
    ] {
        let reply = app.get_as(&format!("/s/NCA1?{query}"), IPHONE_WECHAT, &[]);
        assert_eq!(reply.status, 200, "{query}");
    }
    // A forwarded link a link-preview bot fetches is a bot, not a share.
    app.get_as("/s/NCA1?from=timeline", GOOGLEBOT, &[]);
    let s = stats(&app, "");
    assert_eq!(s["totals"]["scans"], 1, "{s}");
    assert_eq!(s["totals"]["shares"], 4);
    assert_eq!(
        s["totals"]["visitors"], 1,
        "a reader of a forwarded link is not at the wall"
    );
    assert_eq!(s["bots"], 1);
    assert_eq!(s["staff"], 0);
    assert_eq!(story(&s, "alphago")["shares"], 4);
    assert_eq!(story(&s, "alphago")["scans"], 1);
    let day = stats(&app, "?from=2026-11-20&to=2026-11-20");
    assert_eq!(day["totals"]["shares"], 4, "{day}");
    assert_eq!(day["totals"]["scans"], 1);

    let csv = app.admin_get("/admin/export/nature-covers.csv").body;
    let header = csv.lines().next().unwrap();
    assert!(header.ends_with(",bot,via,share,staff"), "{header}");
    for kind in ["singlemessage", "groupmessage", "timeline", "other"] {
        assert!(
            csv.lines()
                .any(|l| l.ends_with(&format!(",qr,{kind},false"))),
            "{kind}:\n{csv}"
        );
    }
    let dashboard = app.admin_get("/admin/e/nature-covers").body;
    assert!(
        dashboard.contains("forwarded"),
        "the dashboard shows shares"
    );
}

/// Logs in through the form; the session cookie as a Cookie header value.
pub fn login(app: &TestApp) -> String {
    let reply = app.post(
        "/login",
        &[("name", "Wang"), ("password", PASSWORD), ("next", "/admin")],
        &[],
    );
    assert_eq!(reply.status, 303, "{}", reply.body);
    reply
        .header("set-cookie")
        .split(';')
        .next()
        .unwrap()
        .to_string()
}

#[test]
fn staff_by_network_and_by_session_are_left_out_like_bots_and_counted_apart() {
    let app = spawn_app_tuned(IN_PHASE_1, |s| {
        s.trusted_proxy = Some("127.0.0.1".parse().unwrap());
        s.staff_networks = docent::staff::StaffNetworks::parse("10.9.0.0/16").unwrap();
    });
    let from = |ip: &'static str| ("X-Forwarded-For", ip);
    // Two visitors, one of them opening the article.
    app.get_as("/s/NCA1", IPHONE_WECHAT, &[from("203.0.113.5")]);
    app.get_as("/s/NCB1", ANDROID_CHROME, &[from("203.0.113.6")]);
    app.get_as("/go/NCB1", ANDROID_CHROME, &[from("203.0.113.6")]);
    // Staff on the library network: three views and an open.
    for code in ["NCA1", "NCA1", "NCB1"] {
        app.get_as(&format!("/s/{code}"), IPHONE_WECHAT, &[from("10.9.3.4")]);
    }
    app.get_as("/go/NCA1", IPHONE_WECHAT, &[from("10.9.3.4")]);
    // An organizer's own phone, logged in, from outside: two views.
    let cookie = login(&app);
    for _ in 0..2 {
        let reply = app.get_as(
            "/s/NCA2",
            ANDROID_CHROME,
            &[from("198.51.100.1"), ("Cookie", &cookie)],
        );
        assert_eq!(reply.status, 200);
    }
    // Bots, one of them on the staff network: bots, not staff.
    app.get_as("/s/NCA1", GOOGLEBOT, &[from("66.249.66.1")]);
    app.get_as("/s/NCA1", GOOGLEBOT, &[from("10.9.0.1")]);
    // A staff member forwarding a link is staff.
    app.get_as("/s/NCA1?from=timeline", IPHONE_WECHAT, &[from("10.9.3.4")]);

    let s = stats(&app, "");
    assert_eq!(s["totals"]["scans"], 2, "{s}");
    assert_eq!(s["totals"]["opens"], 1);
    assert_eq!(s["totals"]["visitors"], 2);
    assert_eq!(s["totals"]["shares"], 0);
    assert_eq!(s["staff"], 7);
    assert_eq!(s["bots"], 2);
    assert_eq!(story(&s, "alphago")["scans"], 1);
    let day = stats(&app, "?from=2026-11-20&to=2026-11-20");
    assert_eq!(
        (day["staff"].as_u64(), day["bots"].as_u64()),
        (Some(7), Some(2))
    );
    let csv = app.admin_get("/admin/export/nature-covers.csv").body;
    // The export holds the flags as stored: the bot on the staff network is flagged both.
    assert_eq!(
        csv.lines().filter(|l| l.ends_with(",true")).count(),
        8,
        "{csv}"
    );
}

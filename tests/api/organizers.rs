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

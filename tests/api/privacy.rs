//! The public "how we count" page: linked from every visitor page, in the visitor's language,
//! and written from the running settings (retention, threshold, salt zone).

use crate::helpers::*;

#[test]
fn the_privacy_page_states_the_configured_retention_in_both_languages() {
    let app = spawn_app_tuned(IN_PHASE_1, |s| {
        s.retain_days = Some(30);
        s.min_count = 7;
    });
    let landing = app.get_as("/s/NCA1", IPHONE_WECHAT, &[]).body;
    let start = landing
        .find("href=\"/how-we-count?lang=")
        .expect("the privacy line links the page")
        + 6;
    let href = &landing[start..start + landing[start..].find('"').unwrap()];
    assert_eq!(
        href, "/how-we-count?lang=zh",
        "a Chinese phone gets Chinese"
    );
    let zh = app.get(href);
    assert_eq!(zh.status, 200);
    assert!(zh.body.contains("我们如何统计"));
    assert!(zh.body.contains("每条访问记录保存 30 天"), "{}", zh.body);
    assert!(zh.body.contains("少于 7"));
    assert!(zh.body.contains("Asia/Shanghai"));
    assert!(!zh.body.contains("<script"));

    let en = app.get("/how-we-count?lang=en").body;
    for said in [
        "How we count",
        "Each visit record is kept for 30 days",
        "No IP address, no full browser identification string (user agent), no cookie",
        "the old one is overwritten and so destroyed",
        "fewer than 7",
        "read-only link",
    ] {
        assert!(en.contains(said), "{said}: {en}");
    }
    // The exhibition page links it too, and HEAD answers like GET.
    assert!(
        app.get("/e/nature-covers?lang=en")
            .body
            .contains("/how-we-count?lang=en")
    );
    assert_eq!(app.head("/how-we-count").status, 200);
}

#[test]
fn without_retention_the_page_says_records_are_kept() {
    let app = spawn_app(IN_PHASE_1);
    let en = app.get("/how-we-count?lang=en").body;
    assert!(en.contains("This server sets no retention period"), "{en}");
    assert!(en.contains("fewer than 5"));
    let dashboard = app.admin_get("/admin/e/nature-covers?lang=en").body;
    assert!(dashboard.contains("Visit records are kept without a time limit"));
}

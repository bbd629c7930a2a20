//! Small numbers where the public sees them: a share link, the lobby screen and the report
//! through a link show "fewer than 5" where the signed-in dashboard shows 3, and a story seen
//! by only three people is merged into "other" there.

use crate::helpers::*;

/// Three daily visitors (three phones) scan station A1; returns the story it shows.
fn three_visitors(app: &TestApp) -> (String, String) {
    for phone in ["iPhone 1", "iPhone 2", "iPhone 3"] {
        let ua = IPHONE_WECHAT.replace("iPhone;", &format!("{phone};"));
        assert_eq!(app.get_as("/s/NCA1", &ua, &[]).status, 200);
    }
    let stats = stats_json(&app.base);
    assert_eq!(stats["totals"]["visitors"], 3, "{stats}");
    let row = stats["by_story"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["visitors"] == 3)
        .expect("the story at A1")
        .clone();
    (
        row["key"].as_str().unwrap().to_string(),
        row["label"].as_str().unwrap().to_string(),
    )
}

fn share_link(app: &TestApp) -> String {
    let reply = app.admin_post(
        "/admin/shares/nature-covers",
        &[("days", "7")],
        &[("Accept", "text/plain")],
    );
    assert_eq!(reply.status, 201, "{}", reply.body);
    reply.body.trim()[app.base.len()..].to_string()
}

/// The text of the `<b>` just before `label` in a totals box.
fn total_before(page: &str, label: &str) -> String {
    let at = page
        .find(label)
        .unwrap_or_else(|| panic!("{label} in {page}"));
    let head = &page[..at];
    let open = head.rfind("<b>").unwrap() + 3;
    head[open..head[open..].find("</b>").unwrap() + open].to_string()
}

#[test]
fn a_share_link_says_fewer_than_5_where_the_dashboard_says_3() {
    let app = spawn_app(IN_PHASE_1);
    let (story, title) = three_visitors(&app);
    let dashboard = app.admin_get("/admin/e/nature-covers?lang=en").body;
    assert_eq!(total_before(&dashboard, "daily unique visitors"), "3");
    assert!(
        dashboard.contains(&title),
        "the organizer sees the story's row"
    );

    let link = share_link(&app);
    let shared = app.get(&format!("{link}?lang=en")).body;
    assert_eq!(
        total_before(&shared, "daily unique visitors"),
        "fewer than 5"
    );
    // The story's row was made only of small counts: merged into "other".
    assert!(!shared.contains(&format!("<td>{title}</td>")), "{story}");
    assert!(shared.contains("<td>other</td>"));
    // Nor anywhere else on the link's page, the bars of its charts included (they cut long
    // titles short, so only the title's start is looked for).
    let head: String = title.chars().take(12).collect();
    assert!(
        !shared.contains(&head),
        "{head} is not named on the link's page"
    );
    let charts = dashboard.matches(&head).count();
    assert!(
        charts >= 2,
        "the organizer's table and bars name it: {charts}"
    );
    let zh = app.get(&format!("{link}?lang=zh")).body;
    assert_eq!(total_before(&zh, "每日访客"), "少于 5");

    let report = app.get(&format!("{link}/report")).body;
    assert!(report.contains("少于 5 · fewer than 5"), "{report}");
    assert!(report.contains("by fewer than 5 daily visitors"));
    // The organizer's report stays exact.
    let exact = app.admin_get("/admin/report/nature-covers").body;
    assert!(
        exact.contains(r#"data-figure="totals.visitors">3<"#),
        "{exact}"
    );

    // The lobby is a public screen: hidden for the organizer's URL too.
    for lobby in [format!("{link}/lobby"), "/admin/lobby/nature-covers".into()] {
        let page = if lobby.starts_with("/admin") {
            app.admin_get(&lobby).body
        } else {
            app.get(&lobby).body
        };
        assert!(page.contains("<b>少于 5 · fewer than 5</b>"), "{page}");
        assert!(!page.contains(&title), "a story seen by three is not named");
    }
}

#[test]
fn the_threshold_follows_min_count() {
    let app = spawn_app_tuned(IN_PHASE_1, |s| s.min_count = 3);
    three_visitors(&app);
    let link = share_link(&app);
    let shared = app.get(&format!("{link}?lang=en")).body;
    // Three is not fewer than three.
    assert_eq!(total_before(&shared, "daily unique visitors"), "3");
    let app = spawn_app_tuned(IN_PHASE_1, |s| s.min_count = 10);
    three_visitors(&app);
    let link = share_link(&app);
    let shared = app.get(&format!("{link}?lang=en")).body;
    assert_eq!(
        total_before(&shared, "daily unique visitors"),
        "fewer than 10"
    );
}

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
    assert!(
        header.ends_with(",bot,via,route,share,staff,reaction,poll,answer"),
        "{header}"
    );
    for kind in ["singlemessage", "groupmessage", "timeline", "other"] {
        assert!(
            csv.lines()
                .any(|l| l.ends_with(&format!(",qr,,{kind},false,,,"))),
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
        csv.lines().filter(|l| l.ends_with(",true,,,")).count(),
        8,
        "{csv}"
    );
}

/// A read-only link made by the server, as a path (`/view/...`).
fn make_link(app: &TestApp, days: &str) -> String {
    let reply = app.admin_post(
        "/admin/shares/nature-covers",
        &[("days", days)],
        &[("Accept", "text/plain")],
    );
    assert_eq!(reply.status, 201, "{}", reply.body);
    let url = reply.body.trim();
    assert!(url.starts_with(&format!("{}/view/", app.base)), "{url}");
    url[app.base.len()..].to_string()
}

/// The id inside a link's token.
pub(crate) fn link_id(path: &str) -> String {
    use base64::Engine;
    let token = path.trim_start_matches("/view/");
    let fields = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(token.split('.').next().unwrap())
        .unwrap();
    String::from_utf8(fields)
        .unwrap()
        .split('|')
        .next()
        .unwrap()
        .to_string()
}

#[test]
fn a_share_link_opens_the_figures_read_only_until_it_expires_or_is_revoked() {
    let app = spawn_app(IN_PHASE_1);
    app.get_as("/s/NCA1", IPHONE_WECHAT, &[]);
    let link = make_link(&app, "2");
    let page = app.get(&link);
    assert_eq!(page.status, 200, "{}", page.body);
    assert!(page.body.contains("read-only link"));
    assert!(page.body.contains("scans of printed codes"));
    assert!(
        !page.body.contains("method=\"post\""),
        "no form that writes"
    );
    assert!(!page.body.contains("/admin/"), "no way into the admin side");
    assert!(page.body.contains(&format!("{link}/report")));
    let lobby = app.get(&format!("{link}/lobby"));
    assert_eq!(lobby.status, 200);
    assert!(
        lobby
            .body
            .contains(r#"<meta http-equiv="refresh" content="60">"#)
    );
    assert!(!lobby.body.contains("<script"));
    assert_eq!(app.get(&format!("{link}/report")).status, 200);
    assert_eq!(app.head(&link).status, 200);

    // The organizer's dashboard lists it with a revoke button.
    let dashboard = app.admin_get("/admin/e/nature-covers").body;
    assert!(dashboard.contains(&link), "listed");

    // Tampered: another exhibition or a longer life under the same tag, a broken tag.
    let (fields, tag) = link.trim_start_matches("/view/").split_once('.').unwrap();
    let mut broken = tag.as_bytes().to_vec();
    broken[3] = if broken[3] == b'x' { b'y' } else { b'x' };
    let broken = String::from_utf8(broken).unwrap();
    for bad in [
        format!("/view/{fields}.{broken}"),
        format!("/view/{fields}x.{tag}"),
        format!("/view/{fields}"),
        "/view/nonsense".to_string(),
        format!("/view/{fields}.{broken}/lobby"),
    ] {
        let reply = app.get(&bad);
        assert_eq!(reply.status, 404, "{bad}");
        assert!(!reply.body.contains("scans"), "{bad}");
    }

    // Never a way to write: POSTs to the link, and the link's token anywhere near an admin
    // route, find no route or no login.
    let token = link.trim_start_matches("/view/");
    for path in [
        link.clone(),
        format!("{link}/report"),
        format!("{link}/lobby"),
    ] {
        let reply = app.post(&path, &[("phase", "phase-2"), ("confirm", "yes")], &[]);
        assert!(
            [404, 405].contains(&reply.status),
            "POST {path}: {}",
            reply.status
        );
    }
    for headers in [
        vec![("Cookie", format!("docent_admin={token}"))],
        vec![("Authorization", format!("Bearer {token}"))],
        vec![("Referer", format!("{}{link}", app.base))],
    ] {
        let headers: Vec<(&str, &str)> = headers.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let reply = app.post(
            &format!("/admin/switch/nature-covers?token={token}"),
            &[("phase", "phase-2"), ("confirm", "yes")],
            &headers,
        );
        assert_eq!(reply.status, 401);
        let reply = app.post("/admin/shares/nature-covers", &[("days", "300")], &headers);
        assert_eq!(reply.status, 401);
    }
    assert!(app.store.switches("nature-covers").unwrap().is_empty());

    // Expired: two days later.
    app.clock.set(at("2026-11-22T02:00:01Z"));
    assert_eq!(app.get(&link).status, 403);
    assert_eq!(app.get(&format!("{link}/lobby")).status, 403);
    app.clock.set(at(IN_PHASE_1));
    assert_eq!(app.get(&link).status, 200);

    // Revoked: at once, for every page, and the others stay open.
    let other = make_link(&app, "30");
    let revoked = app.admin_post(
        "/admin/shares/nature-covers/revoke",
        &[("id", &link_id(&link))],
        &[],
    );
    assert_eq!(revoked.status, 303, "{}", revoked.body);
    for path in [
        link.clone(),
        format!("{link}/lobby"),
        format!("{link}/report"),
    ] {
        assert_eq!(app.get(&path).status, 403, "{path}");
    }
    assert_eq!(app.get(&other).status, 200);
    assert!(
        app.store
            .share_links()
            .unwrap()
            .iter()
            .any(|l| l.revoked.is_some())
    );
    assert_eq!(
        app.admin_post("/admin/shares/nature-covers", &[("days", "0")], &[])
            .status,
        400
    );
}

#[test]
fn docent_share_prints_a_link_the_running_server_opens_and_revocation_outlives_a_restart() {
    let data = tempfile::tempdir().unwrap();
    let (mut server, base) = start_server(data.path());
    let bind = base.trim_start_matches("http://").to_string();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_docent"))
        .args(["share", "nature-covers", "--days", "7", "--bind", &bind])
        .env("DOCENT_ADMIN_PASSWORD", PASSWORD)
        .output()
        .unwrap();
    let (code, stdout, stderr) = outcome(out);
    assert_eq!(code, 0, "{stderr}");
    let link = stdout.trim().to_string();
    assert!(link.starts_with(&format!("{base}/view/")), "{link}");
    let open = |url: &str| read(agent().get(url).call()).status;
    assert_eq!(open(&link), 200);
    let id = link_id(&link[base.len()..]);
    let revoked = read(
        agent()
            .post(format!("{base}/admin/shares/nature-covers/revoke"))
            .header("Authorization", &basic("ci", PASSWORD))
            .send_form([("id", id.as_str())]),
    );
    assert_eq!(revoked.status, 303);
    assert_eq!(open(&link), 403);
    server.kill().unwrap();
    server.wait().unwrap();
    let (mut server, base) = start_server(data.path());
    let link = format!("{base}{}", &link[link.find("/view/").unwrap()..]);
    assert_eq!(open(&link), 403, "still revoked after a restart");
    server.kill().unwrap();
    server.wait().unwrap();
}

/// Some traffic over two days and both phases.
fn traffic(app: &TestApp) {
    for (i, code) in ["NCA1", "NCA1", "NCB1", "NCA2", "NCB3", "NCA3"]
        .iter()
        .enumerate()
    {
        let ip = format!("203.0.113.{i}");
        app.get_as(
            &format!("/s/{code}"),
            IPHONE_WECHAT,
            &[("X-Forwarded-For", &ip)],
        );
    }
    app.get_as("/go/NCA1", IPHONE_WECHAT, &[]);
    app.get_as("/s/NCA1?from=groupmessage", IPHONE_WECHAT, &[]);
    app.get_as("/s/NCB1", GOOGLEBOT, &[]);
    app.clock.set(at("2026-11-21T07:30:00Z"));
    app.get_as("/s/NCB1", ANDROID_CHROME, &[]);
    app.get_as("/go/NCB1", ANDROID_CHROME, &[]);
    app.clock.set(at("2026-12-08T03:00:00Z"));
    app.get_as("/s/NCA1", ANDROID_CHROME, &[]);
    app.get_as("/s/NCB2", IPHONE_WECHAT, &[]);
    app.get_as("/go/NCB2", IPHONE_WECHAT, &[]);
}

/// Every `data-figure="path"` number in a report, as (path, value).
fn figures_in(report: &str) -> Vec<(String, u64)> {
    report
        .split("data-figure=\"")
        .skip(1)
        .map(|rest| {
            let (path, rest) = rest.split_once('"').unwrap();
            let value = rest[1..rest.find('<').unwrap()].trim().parse().unwrap();
            (path.to_string(), value)
        })
        .collect()
}

/// The value at `totals.scans` or `by_story.alphago.opens` in the stats JSON.
fn at_path(stats: &Value, path: &str) -> u64 {
    let parts: Vec<&str> = path.split('.').collect();
    let v = match parts.as_slice() {
        [field] => &stats[*field],
        [object, field] if !object.starts_with("by_") => &stats[*object][*field],
        [table, key, field] => {
            let row = stats[*table]
                .as_array()
                .unwrap()
                .iter()
                .find(|r| r["key"] == *key);
            &row.unwrap_or_else(|| panic!("{path}"))[*field]
        }
        _ => panic!("{path}"),
    };
    v.as_u64().unwrap_or_else(|| panic!("{path}: {v}"))
}

#[test]
fn the_reports_numbers_are_the_stats_jsons_for_the_show_and_for_a_phase() {
    let app = spawn_app(IN_PHASE_1);
    traffic(&app);
    for (report_query, expect_phase) in [("", false), ("?phase=phase-1", true)] {
        let report = app.admin_get(&format!("/admin/report/nature-covers{report_query}"));
        assert_eq!(report.status, 200, "{}", report.body);
        // The report names the JSON its numbers are.
        let json = report.body.split("<code>").nth(1).unwrap();
        let json = json[..json.find("</code>").unwrap()]
            .replace("&#38;", "&")
            .replace("&amp;", "&");
        assert_eq!(json.contains("?from="), expect_phase, "{json}");
        let stats: Value = serde_json::from_str(&app.admin_get(&json).body).unwrap();
        let figures = figures_in(&report.body);
        assert!(figures.len() > 40, "{}", figures.len());
        for (path, value) in &figures {
            assert_eq!(*value, at_path(&stats, path), "{report_query} {path}");
        }
        assert!(
            figures.contains(&("totals.shares".into(), 1)),
            "{figures:?}"
        );
        assert!(report.body.contains("微信") && report.body.contains("WeChat"));
        assert!(report.body.contains("@page{size:A4"));
    }
    let phase_1 = app
        .admin_get("/admin/report/nature-covers?phase=phase-1")
        .body;
    assert!(
        phase_1.contains("2026-11-02 to 2026-12-06"),
        "phase 1's scheduled days"
    );
    assert_eq!(
        app.admin_get("/admin/report/nature-covers?phase=nope")
            .status,
        400
    );
    assert_eq!(app.admin_get("/admin/report/nope").status, 404);
    // The summary a newsletter can quote, in both languages.
    let all = app.admin_get("/admin/report/nature-covers").body;
    assert!(all.contains("共被扫描 9 次"), "zh summary");
    assert!(all.contains("were scanned 9 times"), "en summary");
}

/// Pages of a PDF as text, one string a page (poppler's pdftotext).
fn pdf_text_pages(pdf: &std::path::Path) -> Vec<String> {
    let out = std::process::Command::new("pdftotext")
        .args(["-layout"])
        .arg(pdf)
        .arg("-")
        .output()
        .expect("pdftotext runs (Debian package poppler-utils)");
    String::from_utf8_lossy(&out.stdout)
        .split('\u{c}')
        .map(str::to_string)
        .filter(|p| !p.trim().is_empty())
        .collect()
}

#[test]
fn the_report_prints_to_a4_pdf_in_chromium_without_a_chart_split_across_pages() {
    let app = spawn_app(IN_PHASE_1);
    traffic(&app);
    let dir = tempfile::tempdir().unwrap();
    let html = dir.path().join("report.html");
    // As `docent report --out` would write it: the page, saved.
    std::fs::write(&html, app.admin_get("/admin/report/nature-covers").body).unwrap();
    let pdf = dir.path().join("report.pdf");
    crate::printing::chromium_pdf(&html, &pdf);
    let pages = pdf_text_pages(&pdf);
    assert!((2..=6).contains(&pages.len()), "{} pages", pages.len());
    // Each chart's title is drawn at its top (in the SVG), its caption under it: both on one page.
    for (n, title) in [
        (1, "Scans and article opens by day"),
        (2, "By story"),
        (3, "By station"),
        (4, "Scans and article opens by hour of day"),
    ] {
        let caption = format!("Figure {n}.");
        let with_caption: Vec<usize> = (0..pages.len())
            .filter(|&i| pages[i].contains(&caption))
            .collect();
        assert_eq!(with_caption.len(), 1, "{caption} once");
        assert!(
            pages[with_caption[0]].contains(title),
            "figure {n} starts on another page than it ends:\n{}",
            pages[with_caption[0]]
        );
    }
    // A4: 595 x 842 points.
    let size = std::process::Command::new("pdfinfo")
        .arg(&pdf)
        .output()
        .unwrap();
    let info = String::from_utf8_lossy(&size.stdout);
    assert!(
        info.lines()
            .any(|l| l.starts_with("Page size:") && l.contains("(A4)")),
        "{info}"
    );
}

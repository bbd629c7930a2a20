//! The organizer side: the guard on every admin route, login sessions and CSRF, the manual
//! switch and the return to schedule, and statistics (JSON and CSV) that match the scans made over HTTP.
//!
//! Longer than 500 lines because it walks every admin page and action against one live server, one short scenario each.

use std::time::Instant;

use serde_json::Value;

use crate::helpers::*;

/// Every route in the admin scope (the library's own list), with its placeholders filled in,
/// and one unknown admin URL.
fn admin_walk() -> Vec<(&'static str, String)> {
    let mut walk: Vec<(&str, String)> = docent::web::ADMIN_ROUTES
        .iter()
        .map(|&(method, path, _)| {
            let path = path
                .replace("{exhibition}", "nature-covers")
                .replace("{name}", "admin")
                .replace("{file}", "nature-covers.csv")
                .replace("{story}", "alphago")
                .replace(
                    "{entry}",
                    "20261120T020000.000000Z--curator--stories__alphago.toml",
                );
            assert!(
                !path.contains('{'),
                "{path}: a placeholder the walk cannot fill"
            );
            (method, path)
        })
        .collect();
    walk.push(("GET", "/admin/no-such-page".into()));
    walk
}

#[test]
fn the_walk_covers_the_whole_admin_scope() {
    let walk = admin_walk();
    assert_eq!(walk.len(), 36);
    assert!(walk.contains(&("POST", "/admin/switch/nature-covers".into())));
    assert!(walk.contains(&("GET", "/admin/metrics".into())));
}

#[test]
fn anonymous_requests_to_every_admin_route_are_refused() {
    let app = spawn_app(IN_PHASE_1);
    app.get("/s/NCA1");
    for (method, path) in &admin_walk() {
        let path = path.as_str();
        let reply = match *method {
            "POST" => app.post(
                path,
                &[("phase", "phase-2"), ("confirm", "yes"), ("csrf", "")],
                &[],
            ),
            _ => app.get(path),
        };
        assert_eq!(reply.status, 401, "{method} {path}");
        assert!(
            reply.header("www-authenticate").starts_with("Basic"),
            "{path}"
        );
        for secret in ["phase-1", "alphago", "scans", "NCA1"] {
            assert!(!reply.body.contains(secret), "{path} leaks {secret}");
        }
        let browser = app.get_as(path, ANDROID_CHROME, &[("Accept", "text/html")]);
        if *method == "GET" {
            assert_eq!(
                browser.status, 303,
                "{path}: a browser goes to the login form"
            );
            assert!(browser.header("location").starts_with("/login?next="));
        }
        let wrong = app.get_as(
            path,
            ANDROID_CHROME,
            &[("Authorization", &basic("x", "guess"))],
        );
        assert!(
            [401, 429].contains(&wrong.status),
            "{path} with a wrong password: {}",
            wrong.status
        );
        assert!(!wrong.body.contains("alphago"));
    }
    assert!(app.store.switches("nature-covers").unwrap().is_empty());
}

#[test]
fn the_login_form_speaks_the_language_the_page_was_asked_in() {
    let app = spawn_app(IN_PHASE_1);
    let html = [("Accept", "text/html")];
    let asked = app.get_as("/admin/people?lang=ja", ANDROID_CHROME, &html);
    assert_eq!(asked.status, 303);
    let login = asked.header("location").to_string();
    assert!(login.ends_with("&lang=ja"), "{login}");
    let form = app.get_as(&login, ANDROID_CHROME, &html);
    assert_eq!(form.status, 200);
    assert!(form.body.contains(r#"<html lang="ja""#), "{}", form.body);
    assert!(form.body.contains("パスワード"), "{}", form.body);
    // A language docent does not ship is not passed on, nor anything else in the query.
    let other = app.get_as("/admin/people?lang=xx&x=%3Cb%3E", ANDROID_CHROME, &html);
    assert!(
        !other.header("location").contains("lang="),
        "{}",
        other.header("location")
    );
}

/// The session cookie from a Set-Cookie header, as a Cookie header value.
fn session_cookie(reply: &Reply) -> String {
    let set = reply.header("set-cookie");
    assert!(
        set.contains("HttpOnly") && set.contains("SameSite=Strict"),
        "{set}"
    );
    set.split(';').next().unwrap().to_string()
}

#[test]
fn a_browser_logs_in_switches_with_a_form_token_and_logs_out() {
    let app = spawn_app(IN_PHASE_1);
    let bad = app.post("/login", &[("name", "Wang"), ("password", "nope")], &[]);
    assert_eq!(bad.status, 401);
    assert!(bad.body.contains("do not match"));
    assert!(bad.header("set-cookie").is_empty());

    let ok = app.post(
        "/login",
        &[
            ("name", "王 Wang"),
            ("password", PASSWORD),
            ("next", "/admin/e/nature-covers"),
        ],
        &[],
    );
    assert_eq!(ok.status, 303);
    assert_eq!(ok.header("location"), "/admin/e/nature-covers");
    let cookie = session_cookie(&ok);
    let page = app.get_as(
        "/admin/e/nature-covers",
        ANDROID_CHROME,
        &[("Cookie", &cookie)],
    );
    assert_eq!(page.status, 200);
    // The history names the account signed in (the built-in admin), not a typed name.
    assert!(!page.body.contains("王 Wang"));
    let csrf = csrf_of(&page.body);

    let forged = app.post(
        "/admin/switch/nature-covers",
        &[("phase", "phase-2"), ("confirm", "yes")],
        &[("Cookie", &cookie)],
    );
    assert_eq!(forged.status, 403, "no form token: refused");
    let wrong = app.post(
        "/admin/switch/nature-covers",
        &[("phase", "phase-2"), ("confirm", "yes"), ("csrf", "00")],
        &[("Cookie", &cookie)],
    );
    assert_eq!(wrong.status, 403, "wrong form token: refused");
    assert!(app.store.switches("nature-covers").unwrap().is_empty());

    let ask = app.post(
        "/admin/switch/nature-covers",
        &[("phase", "phase-2"), ("csrf", &csrf)],
        &[("Cookie", &cookie)],
    );
    assert_eq!(ask.status, 200);
    assert!(
        ask.body
            .contains("Yes, switch to Phase 2: 2017 covers, plus two from 2016 now"),
        "asks to confirm first"
    );
    assert!(app.store.switches("nature-covers").unwrap().is_empty());
    let done = app.post(
        "/admin/switch/nature-covers",
        &[("phase", "phase-2"), ("confirm", "yes"), ("csrf", &csrf)],
        &[("Cookie", &cookie)],
    );
    assert_eq!(done.status, 303);
    assert_eq!(app.store.switches("nature-covers").unwrap()[0].by, "admin");

    let out = app.post("/logout", &[("csrf", &csrf)], &[("Cookie", &cookie)]);
    assert_eq!(out.status, 303);
    assert!(
        out.header("set-cookie").contains("docent_admin=;"),
        "{}",
        out.header("set-cookie")
    );
    let after = app.get_as("/admin", ANDROID_CHROME, &[("Cookie", &cookie)]);
    assert_eq!(after.status, 401, "the old cookie no longer works");
}

#[test]
fn repeated_failed_logins_are_slowed_down() {
    let app = spawn_app(IN_PHASE_1);
    let mut took = Vec::new();
    for _ in 0..5 {
        let started = Instant::now();
        assert_eq!(
            app.post("/login", &[("password", "wrong")], &[]).status,
            401
        );
        took.push(started.elapsed().as_millis());
    }
    assert!(took[0] < 400, "the first failures are quick: {took:?}");
    assert!(took[4] >= 900, "the fifth waits: {took:?}");
    let started = Instant::now();
    assert_eq!(
        app.post("/login", &[("password", PASSWORD)], &[]).status,
        303
    );
    assert!(
        started.elapsed().as_millis() < 400,
        "the right password is not slowed"
    );
}

#[test]
fn a_manual_switch_wins_until_the_next_scheduled_phase_and_is_listed() {
    // Phase 3 is added so there is a "next scheduled phase" after the switch.
    let exhibits = demo_copy(|t| {
        format!(
            "{t}\n[[phases]]\nid = \"phase-3\"\nname = {{ zh = \"第三期\", en = \"Phase 3\" }}\nstarts = 2026-12-20T08:00:00\n[phases.show]\nA1 = \"alphago\"\nA2 = \"exac\"\nA3 = \"dnc\"\nB1 = \"proxima-b\"\nB2 = \"trappist-1\"\nB3 = \"zika-genomes\"\n"
        )
    });
    let app = spawn_app_with(exhibits, "2026-12-10T02:00:00Z");
    assert!(
        heading(&app.get("/s/NCA1?lang=en").body).contains("Zero"),
        "phase 2 by schedule"
    );

    let reply = app.admin_post(
        "/admin/switch/nature-covers",
        &[("phase", "phase-1"), ("confirm", "yes")],
        &[],
    );
    assert_eq!(reply.status, 303, "{}", reply.body);
    let switched = heading(&app.get("/s/NCA1?lang=en").body);
    assert!(
        switched.contains("AlphaGo") && !switched.contains("Zero"),
        "{switched}"
    );
    assert_eq!(
        app.store.scans().unwrap().last().unwrap().phase,
        "phase-1",
        "scans record the phase shown"
    );

    let history = app.store.switches("nature-covers").unwrap();
    assert_eq!(history.len(), 1);
    assert_eq!(
        (history[0].phase.as_str(), history[0].by.as_str()),
        ("phase-1", "admin")
    );
    assert_eq!(history[0].at, at("2026-12-10T02:00:00Z"));
    let dashboard = app.admin_get("/admin/e/nature-covers");
    assert!(dashboard.body.contains("set by a manual switch"));
    assert!(
        dashboard
            .body
            .contains("<td>2026-12-10 10:00</td><td>Phase 1: 2016 covers</td><td>admin</td>"),
        "history row"
    );
    let stats = stats_json(&app, "");
    assert_eq!(
        row(&stats, "by_phase", "phase-1")["scans"],
        1,
        "statistics honour the switch"
    );
    assert_eq!(row(&stats, "by_phase", "phase-2")["scans"], 1);

    app.clock.set(at("2026-12-20T00:00:00Z"));
    let after = heading(&app.get("/s/NCA3?lang=en").body);
    assert!(
        after.contains("external memory"),
        "phase 3's A3 is dnc: {after}"
    );
}

#[test]
fn a_return_to_schedule_undoes_a_switch_and_the_public_note() {
    let app = spawn_app(IN_PHASE_1);
    let note = "switched by staff";
    assert!(!app.get("/e/nature-covers?lang=en").body.contains(note));
    let dashboard = app.admin_get("/admin/e/nature-covers");
    assert!(
        !dashboard.body.contains("Return to schedule"),
        "nothing to undo"
    );

    // A switch to the phase the schedule shows anyway is no news for visitors.
    let same = app.admin_post(
        "/admin/switch/nature-covers",
        &[("phase", "phase-1"), ("confirm", "yes")],
        &[],
    );
    assert_eq!(same.status, 303);
    assert!(!app.get("/e/nature-covers?lang=en").body.contains(note));

    let switched = app.admin_post(
        "/admin/switch/nature-covers",
        &[("phase", "phase-2"), ("confirm", "yes")],
        &[],
    );
    assert_eq!(switched.status, 303);
    assert!(app.get("/e/nature-covers?lang=en").body.contains(note));
    assert!(heading(&app.get("/s/NCA1?lang=en").body).contains("Zero"));
    let dashboard = app.admin_get("/admin/e/nature-covers");
    assert!(
        dashboard
            .body
            .contains(r#"action="/admin/return/nature-covers""#)
    );
    assert!(dashboard.body.contains("Return to schedule"));

    let ask = app.admin_post("/admin/return/nature-covers", &[], &[]);
    assert_eq!(ask.status, 200);
    assert!(
        ask.body.contains("Yes, return to schedule now"),
        "asks first"
    );
    assert!(
        ask.body.contains("<b>Phase 1: 2016 covers</b>"),
        "names the scheduled phase"
    );
    assert_eq!(app.store.switches("nature-covers").unwrap().len(), 2);
    let cross = app.admin_post(
        "/admin/return/nature-covers",
        &[("confirm", "yes")],
        &[
            ("Origin", "https://evil.example"),
            ("Sec-Fetch-Site", "cross-site"),
        ],
    );
    assert_eq!(cross.status, 403);

    let done = app.admin_post("/admin/return/nature-covers", &[("confirm", "yes")], &[]);
    assert_eq!(done.status, 303, "{}", done.body);
    assert_eq!(done.header("location"), "/admin/e/nature-covers#phase");
    let public = app.get("/e/nature-covers?lang=en").body;
    assert!(!public.contains(note), "{public}");
    assert!(!heading(&app.get("/s/NCA1?lang=en").body).contains("Zero"));
    let history = app.store.switches("nature-covers").unwrap();
    assert!(history.last().unwrap().is_return_to_schedule());
    let dashboard = app.admin_get("/admin/e/nature-covers");
    assert!(dashboard.body.contains("(by schedule)"));
    assert!(
        dashboard
            .body
            .contains("<td>back to schedule</td><td>admin</td>")
    );
    assert!(!dashboard.body.contains(r#"action="/admin/return/"#));
}

#[test]
fn a_cross_site_switch_is_refused() {
    let app = spawn_app(IN_PHASE_1);
    let reply = app.admin_post(
        "/admin/switch/nature-covers",
        &[("phase", "phase-2"), ("confirm", "yes")],
        &[
            ("Origin", "https://evil.example"),
            ("Sec-Fetch-Site", "cross-site"),
        ],
    );
    assert_eq!(reply.status, 403);
    assert!(app.store.switches("nature-covers").unwrap().is_empty());
    let bad_phase = app.admin_post(
        "/admin/switch/nature-covers",
        &[("phase", "nope"), ("confirm", "yes")],
        &[],
    );
    assert_eq!(bad_phase.status, 400);
}

/// A switch posted from `origin` with `extra` headers: its status.
fn switch_from(app: &TestApp, origin: &str, extra: &[(&str, &str)]) -> u16 {
    let mut headers = vec![("Origin", origin)];
    headers.extend_from_slice(extra);
    let form = [("phase", "phase-2"), ("confirm", "yes")];
    app.admin_post("/admin/switch/nature-covers", &form, &headers)
        .status
}

#[test]
fn a_forged_forwarded_host_from_a_peer_that_is_not_the_proxy_is_refused() {
    let app = spawn_app(IN_PHASE_1);
    let forged = [
        ("X-Forwarded-Host", "evil.example"),
        ("X-Forwarded-Proto", "https"),
    ];
    assert_eq!(switch_from(&app, "https://evil.example", &forged), 403);
    let forwarded = [("Forwarded", "host=evil.example;proto=https")];
    assert_eq!(switch_from(&app, "https://evil.example", &forwarded), 403);
    let referer = app.admin_post(
        "/admin/switch/nature-covers",
        &[("phase", "phase-2"), ("confirm", "yes")],
        &[
            ("Referer", "https://evil.example/page"),
            forged[0],
            forged[1],
        ],
    );
    assert_eq!(referer.status, 403, "a foreign Referer without Origin");
    assert!(app.store.switches("nature-covers").unwrap().is_empty());

    assert_eq!(switch_from(&app, &app.base, &forged), 303, "our own origin");
    assert_eq!(app.store.switches("nature-covers").unwrap().len(), 1);
}

#[test]
fn behind_the_trusted_proxy_its_forwarded_host_is_the_origin() {
    let app = spawn_app_tuned(IN_PHASE_1, |s| {
        s.trusted_proxy = Some("127.0.0.1".parse().unwrap());
    });
    let proxied = [
        ("X-Forwarded-Host", "docent.example"),
        ("X-Forwarded-Proto", "https"),
    ];
    assert_eq!(switch_from(&app, "https://evil.example", &proxied), 403);
    assert_eq!(switch_from(&app, "http://docent.example", &proxied), 403);
    assert!(app.store.switches("nature-covers").unwrap().is_empty());
    assert_eq!(switch_from(&app, "https://docent.example", &proxied), 303);
    assert_eq!(app.store.switches("nature-covers").unwrap().len(), 1);
}

fn stats_json(app: &TestApp, query: &str) -> Value {
    let reply = app.admin_get(&format!("/admin/api/stats/nature-covers{query}"));
    assert_eq!(reply.status, 200, "{}", reply.body);
    serde_json::from_str(&reply.body).unwrap()
}

fn row<'a>(stats: &'a Value, table: &str, key: &str) -> &'a Value {
    stats[table]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["key"] == key)
        .unwrap_or_else(|| panic!("no {key} in {table}"))
}

#[test]
fn scans_and_opens_made_over_http_appear_in_json_and_csv() {
    let app = spawn_app(IN_PHASE_1);
    app.get_as("/s/NCA1", IPHONE_WECHAT, &[("Accept-Language", "zh-CN")]);
    app.get_as("/go/NCA1", IPHONE_WECHAT, &[]);
    app.get_as("/s/NCB1", ANDROID_CHROME, &[("Accept-Language", "en")]);
    app.get_as("/s/NCB1", GOOGLEBOT, &[]);
    app.get_as("/s/NOPE42", ANDROID_CHROME, &[]);

    let stats = stats_json(&app, "");
    assert_eq!(stats["totals"]["scans"], 2, "the bot is left out: {stats}");
    assert_eq!(stats["totals"]["opens"], 1);
    assert_eq!(stats["totals"]["visitors"], 2);
    assert_eq!(stats["bots"], 1);
    assert_eq!(stats["unknown_codes"], 1);
    assert_eq!(row(&stats, "by_story", "alphago")["scans"], 1);
    assert_eq!(row(&stats, "by_story", "alphago")["opens"], 1);
    assert_eq!(row(&stats, "by_story", "alphago")["open_rate"], 1.0);
    assert_eq!(row(&stats, "by_story", "proxima-b")["scans"], 1);
    assert_eq!(row(&stats, "by_station", "A1")["scans"], 1);
    assert_eq!(row(&stats, "by_station", "B1")["scans"], 1);
    assert_eq!(row(&stats, "by_phase", "phase-1")["scans"], 2);
    assert_eq!(row(&stats, "by_device", "phone")["scans"], 2);
    assert_eq!(row(&stats, "by_app", "wechat")["scans"], 1);
    assert_eq!(row(&stats, "by_app", "none")["scans"], 1);
    assert_eq!(row(&stats, "by_lang", "en")["scans"], 1);
    assert_eq!(
        row(&stats, "by_hour", "10")["scans"],
        2,
        "10:00 Beijing time"
    );
    assert_eq!(row(&stats, "by_day", "2026-11-20")["scans"], 2);

    let csv = app.admin_get("/admin/export/nature-covers.csv");
    assert_eq!(csv.status, 200);
    assert!(csv.header("content-type").starts_with("text/csv"));
    let lines: Vec<&str> = csv.body.lines().collect();
    assert_eq!(
        lines.len(),
        1 + 4,
        "header, three scans (one a bot) and one open:\n{}",
        csv.body
    );
    assert!(lines[1].starts_with("scan,2026-11-20T02:00:00Z,2026-11-20,10,nature-covers,NCA1,A1,alphago,phase-1,running,phone,wechat,zh,false,qr"), "{}", lines[1]);
    assert!(
        lines
            .iter()
            .any(|l| l.starts_with("open,") && l.contains(",alphago,"))
    );
    assert!(
        lines.iter().any(|l| l.contains(",true,")),
        "the bot row is flagged"
    );
    assert!(
        !csv.body.contains("127.0.0.1") && !csv.body.contains("Mozilla"),
        "no personal data"
    );
}

#[test]
fn daily_uniques_are_counted_across_a_day_boundary() {
    let app = spawn_app("2026-11-20T14:00:00Z"); // 22:00 in Beijing
    app.get_as("/s/NCA1", IPHONE_WECHAT, &[]);
    app.get_as("/s/NCA2", IPHONE_WECHAT, &[]);
    app.clock.set(at("2026-11-20T16:30:00Z")); // 00:30 the next day
    app.get_as("/s/NCA1", IPHONE_WECHAT, &[]);
    let stats = stats_json(&app, "");
    assert_eq!(stats["totals"]["scans"], 3);
    assert_eq!(
        stats["totals"]["visitors"], 2,
        "one phone, two days: {}",
        stats["totals"]
    );
    assert_eq!(row(&stats, "by_day", "2026-11-20")["visitors"], 1);
    assert_eq!(row(&stats, "by_day", "2026-11-21")["visitors"], 1);
    assert_eq!(row(&stats, "by_story", "alphago")["visitors"], 2);

    let first_day = stats_json(&app, "?from=2026-11-20&to=2026-11-20");
    assert_eq!(first_day["totals"]["scans"], 2);
    assert_eq!(first_day["totals"]["visitors"], 1);
    assert_eq!(
        app.admin_get("/admin/api/stats/nature-covers?from=2026-11-22&to=2026-11-20")
            .status,
        400
    );
    assert_eq!(
        app.admin_get("/admin/api/stats/nature-covers?from=yesterday")
            .status,
        400
    );
}

#[test]
fn the_dashboard_shows_figures_and_charts() {
    let app = spawn_app(IN_PHASE_1);
    app.get_as("/s/NCA1", IPHONE_WECHAT, &[]);
    let page = app.admin_get("/admin/e/nature-covers");
    assert_eq!(page.status, 200);
    assert!(page.body.contains("daily unique visitors"));
    assert!(
        page.body.matches("<svg").count() >= 4,
        "server-rendered charts"
    );
    assert!(!page.body.contains("<script"));
    let overview = app.admin_get("/admin");
    assert!(overview.body.contains("/admin/e/nature-covers"));
}

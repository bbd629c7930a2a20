//! The organizer's manual phase switch, and the guard in front of /admin.

use crate::helpers::*;

fn heading(body: &str) -> String {
    let start = body.find("<h1>").unwrap() + 4;
    body[start..start + body[start..].find("</h1>").unwrap()].to_string()
}

#[test]
fn a_manual_switch_wins_until_the_next_scheduled_phase() {
    // Phase 3 is added so there is a "next scheduled phase" after the switch.
    let exhibits = demo_copy(|t| {
        format!(
            "{t}\n[[phases]]\nid = \"phase-3\"\nstarts = 2026-12-20T08:00:00\n[phases.show]\nA1 = \"alphago\"\nA2 = \"exac\"\nA3 = \"dnc\"\nB1 = \"proxima-b\"\nB2 = \"trappist-1\"\nB3 = \"zika-genomes\"\n"
        )
    });
    let app = spawn_app_with(exhibits, "2026-12-10T02:00:00Z");
    assert!(
        heading(&app.get("/s/NCA1?lang=en").body).contains("Zero"),
        "phase 2 by schedule"
    );

    let reply = app.admin_post("/admin/switch/nature-covers", &[("phase", "phase-1")], &[]);
    assert_eq!(reply.status, 303, "{}", reply.body);
    let switched = heading(&app.get("/s/NCA1?lang=en").body);
    assert!(
        switched.contains("AlphaGo") && !switched.contains("Zero"),
        "{switched}"
    );
    let scans = app.store.scans().unwrap();
    assert_eq!(
        scans.last().unwrap().phase,
        "phase-1",
        "scans record the phase actually shown"
    );

    let history = app.store.switches("nature-covers").unwrap();
    assert_eq!(history.len(), 1);
    assert_eq!(
        (history[0].phase.as_str(), history[0].by.as_str()),
        ("phase-1", "curator")
    );
    assert_eq!(history[0].at, at("2026-12-10T02:00:00Z"));
    let dashboard = app.admin_get("/admin");
    assert!(dashboard.body.contains("manual switch") && dashboard.body.contains("curator"));

    app.clock.set(at("2026-12-20T00:00:00Z"));
    let after = heading(&app.get("/s/NCA3?lang=en").body);
    assert!(
        after.contains("neural network") || after.contains("memory"),
        "phase 3's A3 is dnc: {after}"
    );
}

#[test]
fn admin_routes_refuse_anonymous_and_wrong_passwords() {
    let app = spawn_app(IN_PHASE_1);
    let anonymous = app.get("/admin");
    assert_eq!(anonymous.status, 401);
    assert!(anonymous.header("www-authenticate").starts_with("Basic"));
    assert!(!anonymous.body.contains("phase-1"), "no data leaks");
    let wrong = app.get_as(
        "/admin",
        ANDROID_CHROME,
        &[("Authorization", &basic("x", "wrong"))],
    );
    assert_eq!(wrong.status, 401);
    let form = [("phase", "phase-2")];
    let post = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .build();
    let post: ureq::Agent = post.into();
    let reply = post
        .post(format!("{}/admin/switch/nature-covers", app.base))
        .send_form(form)
        .unwrap();
    assert_eq!(reply.status().as_u16(), 401);
    assert!(app.store.switches("nature-covers").unwrap().is_empty());
    assert_eq!(app.admin_get("/admin").status, 200);
}

#[test]
fn a_cross_site_switch_is_refused() {
    let app = spawn_app(IN_PHASE_1);
    let reply = app.admin_post(
        "/admin/switch/nature-covers",
        &[("phase", "phase-2")],
        &[
            ("Origin", "https://evil.example"),
            ("Sec-Fetch-Site", "cross-site"),
        ],
    );
    assert_eq!(reply.status, 403);
    assert!(app.store.switches("nature-covers").unwrap().is_empty());
    let bad_phase = app.admin_post("/admin/switch/nature-covers", &[("phase", "nope")], &[]);
    assert_eq!(bad_phase.status, 400);
}

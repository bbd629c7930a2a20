//! People against the real server: invites (used once, within 72 hours, only with their own
//! token), sign-in by name and password, sessions that end when a person is disabled, their
//! roles change or they log out everywhere, personal API tokens made, used and revoked, the
//! People page in both languages, and `docent user` / `docent token` with and without a
//! running server.
//!
//! Longer than 500 lines because one scenario per account change, each against a live server, sharing its helpers.

use std::process::Command;

use crate::helpers::*;

fn get_with(app: &TestApp, path: &str, header: (&str, &str)) -> Reply {
    app.get_as(path, ANDROID_CHROME, &[header])
}

#[test]
fn an_invite_sets_a_password_once_and_only_with_its_own_token() {
    let app = spawn_app(IN_PHASE_1);
    let invite = app.invite("li", "editor@nature-covers");
    let form = app.get(&invite);
    assert_eq!(form.status, 200);
    assert!(form.body.contains("li"), "{}", form.body);

    let weak = app.post(
        &invite,
        &[("password", "password1234"), ("confirm", "password1234")],
        &[],
    );
    assert_eq!(weak.status, 400);
    assert!(weak.body.contains("too easy to guess"), "{}", weak.body);
    let short = app.post(&invite, &[("password", "abc"), ("confirm", "abc")], &[]);
    assert_eq!(short.status, 400);
    assert!(short.body.contains("at least 12"), "{}", short.body);

    let mut tampered = invite.clone();
    let last = tampered.pop().unwrap();
    tampered.push(if last == 'A' { 'B' } else { 'A' });
    let forged = app.post(
        &tampered,
        &[("password", PERSON_PASSWORD), ("confirm", PERSON_PASSWORD)],
        &[],
    );
    assert_eq!(forged.status, 404, "a tampered token opens nothing");

    let set = app.post(
        &invite,
        &[("password", PERSON_PASSWORD), ("confirm", PERSON_PASSWORD)],
        &[],
    );
    assert_eq!(set.status, 200, "{}", set.body);
    let again = app.post(
        &invite,
        &[
            ("password", "another long phrase 4711"),
            ("confirm", "another long phrase 4711"),
        ],
        &[],
    );
    assert_eq!(again.status, 404, "an invite works once");
    assert_eq!(app.get(&invite).status, 404);

    let cookie = app.log_in_as("li", PERSON_PASSWORD);
    assert_eq!(get_with(&app, "/admin", ("Cookie", &cookie)).status, 200);
    let wrong = app.post(
        "/login",
        &[("name", "li"), ("password", "another long phrase 4711")],
        &[],
    );
    assert_eq!(wrong.status, 401, "the second invite use set nothing");
}

#[test]
fn an_invite_expires_after_72_hours() {
    let app = spawn_app(IN_PHASE_1);
    let invite = app.invite("wu", "viewer");
    app.clock.advance(jiff::SignedDuration::from_hours(73));
    let late = app.get(&invite);
    assert_eq!(late.status, 410);
    assert!(late.body.contains("expired"), "{}", late.body);
    let set = app.post(
        &invite,
        &[("password", PERSON_PASSWORD), ("confirm", PERSON_PASSWORD)],
        &[],
    );
    assert_eq!(set.status, 410);
    let reset = app.admin_text("/admin/people/wu/reset", &[]);
    assert_eq!(reset.status, 201, "{}", reset.body);
    assert_eq!(
        app.get(&invite_path(&reset.body)).status,
        200,
        "a new invite works"
    );
}

#[test]
fn disabling_a_person_or_changing_their_roles_ends_their_live_sessions() {
    let app = spawn_app(IN_PHASE_1);
    app.person("li", "organizer@nature-covers");
    let cookie = app.log_in_as("li", PERSON_PASSWORD);
    assert_eq!(get_with(&app, "/admin", ("Cookie", &cookie)).status, 200);

    assert_eq!(app.admin_text("/admin/people/li/disable", &[]).status, 200);
    assert_eq!(get_with(&app, "/admin", ("Cookie", &cookie)).status, 401);
    let refused = app.post(
        "/login",
        &[("name", "li"), ("password", PERSON_PASSWORD)],
        &[],
    );
    assert_eq!(refused.status, 401, "a disabled person cannot sign in");

    assert_eq!(app.admin_text("/admin/people/li/enable", &[]).status, 200);
    assert_eq!(
        get_with(&app, "/admin", ("Cookie", &cookie)).status,
        401,
        "enabling again does not bring the old session back"
    );
    let fresh = app.log_in_as("li", PERSON_PASSWORD);
    assert_eq!(get_with(&app, "/admin", ("Cookie", &fresh)).status, 200);
    let changed = app.admin_text(
        "/admin/people/li/roles",
        &[("roles", "viewer@nature-covers")],
    );
    assert_eq!(changed.status, 200, "{}", changed.body);
    assert_eq!(get_with(&app, "/admin", ("Cookie", &fresh)).status, 401);
    let bad = app.admin_text(
        "/admin/people/li/roles",
        &[("roles", "editor@no-such-show")],
    );
    assert_eq!(bad.status, 400);
    assert!(bad.body.contains("no-such-show"), "{}", bad.body);
}

#[test]
fn log_out_everywhere_ends_every_session_of_the_person_only() {
    let app = spawn_app(IN_PHASE_1);
    app.person("li", "viewer");
    let phone = app.log_in_as("li", PERSON_PASSWORD);
    let laptop = app.log_in_as("li", PERSON_PASSWORD);
    let admin = app.log_in_as("admin", PASSWORD);
    let page = get_with(&app, "/admin", ("Cookie", &phone));
    assert_eq!(page.status, 200);
    let out = app.post(
        "/admin/me/logout",
        &[("csrf", &csrf_of(&page.body))],
        &[("Cookie", &phone)],
    );
    assert_eq!(out.status, 303, "{}", out.body);
    assert_eq!(get_with(&app, "/admin", ("Cookie", &phone)).status, 401);
    assert_eq!(get_with(&app, "/admin", ("Cookie", &laptop)).status, 401);
    assert_eq!(
        get_with(&app, "/admin", ("Cookie", &admin)).status,
        200,
        "another person's session goes on"
    );
}

#[test]
fn an_api_token_is_shown_once_works_with_the_persons_roles_and_is_revoked() {
    let app = spawn_app(IN_PHASE_1);
    app.invite("ci-bot", "viewer@nature-covers");
    let token = app.token_for("ci-bot");
    assert!(token.starts_with("docent_ci-bot_"), "{token}");
    let bearer = format!("Bearer {token}");
    let stats = get_with(
        &app,
        "/admin/api/stats/nature-covers",
        ("Authorization", &bearer),
    );
    assert_eq!(stats.status, 200);
    let backup = get_with(&app, "/admin/backup", ("Authorization", &bearer));
    assert_eq!(backup.status, 403, "a viewer's token does not take backups");
    let wrong = format!("Bearer {token}x");
    assert_eq!(
        get_with(&app, "/admin", ("Authorization", &wrong)).status,
        401
    );

    let page = app.admin_get("/admin/people");
    assert!(!page.body.contains(&token), "the token is not shown again");
    let stored = app.store.accounts().unwrap();
    let bot = stored.iter().find(|a| a.name == "ci-bot").unwrap();
    assert_eq!(bot.tokens.len(), 1);
    let id = bot.tokens[0].id.clone();
    assert!(
        !serde_json::to_string(bot).unwrap().contains(&token),
        "stored hashed"
    );
    let revoked = app.admin_text("/admin/people/ci-bot/tokens/revoke", &[("id", &id)]);
    assert_eq!(revoked.status, 200, "{}", revoked.body);
    assert_eq!(
        get_with(
            &app,
            "/admin/api/stats/nature-covers",
            ("Authorization", &bearer)
        )
        .status,
        401
    );
}

#[test]
fn the_people_page_speaks_both_languages_and_only_to_admins() {
    let app = spawn_app(IN_PHASE_1);
    app.person("li", "organizer");
    let en = app.admin_get("/admin/people?lang=en");
    assert_eq!(en.status, 200);
    assert!(
        en.body.contains("Add a person") && en.body.contains("li"),
        "{}",
        en.body
    );
    let zh = app.admin_get("/admin/people?lang=zh");
    assert!(zh.body.contains("添加人员"), "{}", zh.body);
    let login_zh = app.get("/login?lang=zh");
    assert!(login_zh.body.contains("账户名"));
    assert!(!app.get("/login").body.contains("DOCENT_ADMIN_PASSWORD"));
    let organizer = get_with(
        &app,
        "/admin/people",
        ("Authorization", &basic("li", PERSON_PASSWORD)),
    );
    assert_eq!(organizer.status, 403);
    let made = app.admin_text("/admin/people", &[("name", "li"), ("roles", "viewer")]);
    assert_eq!(made.status, 400, "a name is taken once");
    let bad = app.admin_text(
        "/admin/people",
        &[("name", "Eve--stories__x.toml"), ("roles", "viewer")],
    );
    assert_eq!(bad.status, 400);
    assert!(
        bad.body.contains("name `Eve--stories__x.toml`"),
        "{}",
        bad.body
    );
}

fn docent(args: &[&str], data: &std::path::Path) -> (i32, String, String) {
    outcome(
        Command::new(env!("CARGO_BIN_EXE_docent"))
            .args(args)
            .arg("--data")
            .arg(data)
            .arg("--exhibits")
            .arg(demo_exhibits())
            .env("DOCENT_ADMIN_PASSWORD", PASSWORD)
            .output()
            .unwrap(),
    )
}

#[test]
fn docent_user_and_token_work_on_the_store_and_through_the_running_server() {
    let data = tempfile::tempdir().unwrap();
    let store = data.path().join("store");
    // No server: on the store.
    let nobody = "127.0.0.1:9";
    let (code, link, err) = docent(
        &[
            "user",
            "add",
            "li",
            "--role",
            "editor",
            "--exhibition",
            "nature-covers",
            "--bind",
            nobody,
        ],
        &store,
    );
    assert_eq!(code, 0, "{err}");
    assert!(link.contains("/invite/"), "{link}");
    assert!(err.contains("no server was running"), "{err}");
    let (code, _, err) = docent(
        &[
            "user",
            "add",
            "wu",
            "--role",
            "editor",
            "--exhibition",
            "no-such-show",
            "--bind",
            nobody,
        ],
        &store,
    );
    assert_eq!(code, 1);
    assert!(err.contains("no-such-show"), "{err}");
    let (code, list, _) = docent(&["user", "list", "--bind", nobody], &store);
    assert_eq!(code, 0);
    assert!(
        list.contains("li\tli\teditor@nature-covers\tinvited"),
        "{list}"
    );

    // The server started on that store knows the invite made without it.
    let (mut child, base) = start_server(&store);
    let bind = base.trim_start_matches("http://").to_string();
    let opened = read(agent().get(format!("{base}{}", invite_path(&link))).call());
    assert_eq!(opened.status, 200, "{}", opened.body);
    let (code, link, err) = docent(
        &["user", "add", "wu", "--role", "viewer", "--bind", &bind],
        &store,
    );
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("running server"), "{err}");
    let set = read(
        agent()
            .post(format!("{base}{}", invite_path(&link)))
            .send_form([("password", PERSON_PASSWORD), ("confirm", PERSON_PASSWORD)]),
    );
    assert_eq!(set.status, 200);
    let (code, token, err) = docent(&["token", "add", "wu", "--bind", &bind], &store);
    assert_eq!(code, 0, "{err}");
    let stats = read(
        agent()
            .get(format!("{base}/admin/api/stats/nature-covers"))
            .header("Authorization", &format!("Bearer {}", token.trim()))
            .call(),
    );
    assert_eq!(stats.status, 200);
    let (code, _, err) = docent(&["user", "disable", "wu", "--bind", &bind], &store);
    assert_eq!(code, 0, "{err}");
    let after = read(
        agent()
            .get(format!("{base}/admin/api/stats/nature-covers"))
            .header("Authorization", &basic("wu", PERSON_PASSWORD))
            .call(),
    );
    assert_eq!(after.status, 401, "disabled at once");
    let (code, list, _) = docent(&["user", "list", "--bind", &bind], &store);
    assert_eq!(code, 0);
    assert!(list.contains("wu\twu\tviewer\tdisabled"), "{list}");
    let (code, reset, err) = docent(&["user", "reset", "li", "--bind", &bind], &store);
    assert_eq!(code, 0, "{err}");
    assert!(reset.contains("/invite/"));
    let old = read(agent().get(format!("{base}{}", invite_path(&link))).call());
    assert_eq!(old.status, 404, "wu's used invite opens nothing");
    let _ = child.kill();
    let _ = child.wait();
}

#[test]
fn wrong_passwords_for_one_person_are_slowed_from_every_address() {
    let app = spawn_app_tuned(IN_PHASE_1, |s| {
        s.trusted_proxy = Some("127.0.0.1".parse().unwrap());
    });
    app.person("li", "viewer");
    let try_from = |client: &str, password: &str| {
        let started = std::time::Instant::now();
        let reply = app.post(
            "/login",
            &[("name", "li"), ("password", password)],
            &[("X-Forwarded-For", client)],
        );
        (reply.status, started.elapsed())
    };
    let took: Vec<_> = (1..=5)
        .map(|i| {
            let (status, time) = try_from(&format!("198.51.100.{i}"), "wrong guess number one");
            assert_eq!(status, 401);
            time
        })
        .collect();
    assert!(
        took[4] >= std::time::Duration::from_millis(900),
        "the fifth guess waits, though each came from another address: {took:?}"
    );
    let (status, time) = try_from("203.0.113.9", "wrong guess number two");
    assert_eq!(status, 401);
    assert!(
        time >= std::time::Duration::from_millis(1_900),
        "a fresh address meets the account's growing delay: {time:?}"
    );
    // Another person is not slowed by it.
    let (status, time) = {
        let started = std::time::Instant::now();
        let reply = app.post(
            "/login",
            &[("name", "admin"), ("password", PASSWORD)],
            &[("X-Forwarded-For", "203.0.113.10")],
        );
        (reply.status, started.elapsed())
    };
    assert_eq!(status, 303);
    assert!(time < std::time::Duration::from_millis(400), "{time:?}");
}

#[test]
fn every_audited_action_is_recorded_once_with_its_account_and_outlives_a_restart() {
    let data = tempfile::tempdir().unwrap();
    let as_admin = basic("admin", PASSWORD);
    let (mut child, base) = start_server(data.path());
    let post = |path: &str, auth: &str, form: &[(&str, &str)]| {
        read(
            agent()
                .post(format!("{base}{path}"))
                .header("Authorization", auth)
                .header("Accept", "text/plain")
                .send_form(form.iter().copied()),
        )
    };
    let added = post(
        "/admin/people",
        &as_admin,
        &[("name", "li"), ("roles", "organizer@nature-covers")],
    );
    assert_eq!(added.status, 201, "{}", added.body);
    let set = read(
        agent()
            .post(format!("{base}{}", invite_path(&added.body)))
            .send_form([("password", PERSON_PASSWORD), ("confirm", PERSON_PASSWORD)]),
    );
    assert_eq!(set.status, 200);
    let as_li = basic("li", PERSON_PASSWORD);
    let asked = post(
        "/admin/switch/nature-covers",
        &as_li,
        &[("phase", "phase-2")],
    );
    assert_eq!(asked.status, 200, "a confirmation page, not a change");
    let switched = post(
        "/admin/switch/nature-covers",
        &as_li,
        &[("phase", "phase-2"), ("confirm", "yes")],
    );
    assert_eq!(switched.status, 303);
    let refused = post("/admin/people/li/disable", &as_li, &[]);
    assert_eq!(
        refused.status, 403,
        "refused: nothing changed, nothing recorded"
    );
    let shared = post("/admin/shares/nature-covers", &as_li, &[("days", "3")]);
    assert_eq!(shared.status, 201);
    let failed = read(
        agent()
            .post(format!("{base}/login"))
            .send_form([("name", "li"), ("password", "not it at all, sorry")]),
    );
    assert_eq!(failed.status, 401);
    let backup = read(
        agent()
            .get(format!("{base}/admin/backup"))
            .header("Authorization", &as_admin)
            .call(),
    );
    assert_eq!(backup.status, 200);
    let _ = child.kill();
    let _ = child.wait();

    let (mut child, base) = start_server(data.path());
    let csv = read(
        agent()
            .get(format!("{base}/admin/audit.csv"))
            .header("Authorization", &as_admin)
            .call(),
    );
    assert_eq!(csv.status, 200);
    let rows: Vec<Vec<String>> = csv::Reader::from_reader(csv.body.as_bytes())
        .records()
        .map(|r| r.unwrap().iter().map(str::to_string).collect())
        .collect();
    let once = |account: &str, action: &str, exhibition: &str| {
        let found: Vec<&Vec<String>> = rows
            .iter()
            .filter(|r| r[1] == account && r[3] == action && r[2] == exhibition)
            .collect();
        assert_eq!(found.len(), 1, "{account} {action}: {rows:?}");
        found[0][4].clone()
    };
    assert!(
        once("admin", "POST /admin/people", "").contains("li added as organizer@nature-covers")
    );
    once("li", "password set", "");
    let switch = once("li", "POST /admin/switch/{exhibition}", "nature-covers");
    assert!(switch.contains("switched to phase-2"), "{switch}");
    once("li", "POST /admin/shares/{exhibition}", "nature-covers");
    once("li", "login failed", "");
    once("admin", "GET /admin/backup", "");
    assert!(
        !rows.iter().any(|r| r[3].contains("/disable")),
        "a refused request is no change: {rows:?}"
    );
    assert_eq!(rows.len(), 6, "{rows:?}");
    // The exhibition's own trail, for its organizer; not the server's, which is admin's.
    let mine = read(
        agent()
            .get(format!("{base}/admin/e/nature-covers/audit?lang=en"))
            .header("Authorization", &basic("li", PERSON_PASSWORD))
            .call(),
    );
    assert_eq!(mine.status, 200);
    assert!(mine.body.contains("switched to phase-2"), "{}", mine.body);
    assert!(!mine.body.contains("GET /admin/backup"));
    let all = read(
        agent()
            .get(format!("{base}/admin/audit"))
            .header("Authorization", &basic("li", PERSON_PASSWORD))
            .call(),
    );
    assert_eq!(all.status, 403);
    let _ = child.kill();
    let _ = child.wait();
}

#[test]
fn an_invite_used_at_once_from_many_browsers_sets_one_password_and_a_reset_ends_it() {
    let app = spawn_app(IN_PHASE_1);
    let invite = app.invite("li", "viewer");
    let passwords: Vec<String> = (0..6)
        .map(|i| format!("lantern orchard velvet {i} 1987"))
        .collect();
    let statuses: Vec<u16> = std::thread::scope(|s| {
        let handles: Vec<_> = passwords
            .iter()
            .map(|p| {
                let (app, invite) = (&app, &invite);
                s.spawn(move || {
                    app.post(invite, &[("password", p), ("confirm", p)], &[])
                        .status
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    assert_eq!(
        statuses.iter().filter(|s| **s == 200).count(),
        1,
        "{statuses:?}"
    );
    assert_eq!(
        statuses.iter().filter(|s| **s == 404).count(),
        5,
        "{statuses:?}"
    );
    let winner = &passwords[statuses.iter().position(|s| *s == 200).unwrap()];
    let figures = |password: &str| {
        get_with(
            &app,
            "/admin/api/stats/nature-covers",
            ("Authorization", &basic("li", password)),
        )
        .status
    };
    assert_eq!(figures(winner), 200);
    assert_eq!(
        figures(winner),
        200,
        "a script's repeated Basic keeps working"
    );
    assert_eq!(app.admin_text("/admin/people/li/reset", &[]).status, 201);
    assert_eq!(figures(winner), 401, "a reset removes the password at once");
}

#[test]
fn a_restore_is_on_the_restored_stores_audit_trail() {
    let dir = tempfile::tempdir().unwrap();
    let (first, restored, file) = (
        dir.path().join("a"),
        dir.path().join("b"),
        dir.path().join("backup.bin"),
    );
    let (mut child, base) = start_server(&first);
    let bind = base.trim_start_matches("http://").to_string();
    let out = Command::new(env!("CARGO_BIN_EXE_docent"))
        .args(["backup", "--bind", &bind, "--out"])
        .arg(&file)
        .env("DOCENT_ADMIN_PASSWORD", PASSWORD)
        .output()
        .unwrap();
    let (code, _, err) = outcome(out);
    assert_eq!(code, 0, "{err}");
    let _ = child.kill();
    let _ = child.wait();
    let out = Command::new(env!("CARGO_BIN_EXE_docent"))
        .arg("restore")
        .arg(&file)
        .arg("--data")
        .arg(&restored)
        .output()
        .unwrap();
    let (code, _, err) = outcome(out);
    assert_eq!(code, 0, "{err}");
    let (mut child, base) = start_server(&restored);
    let csv = read(
        agent()
            .get(format!("{base}/admin/audit.csv"))
            .header("Authorization", &basic("admin", PASSWORD))
            .call(),
    );
    let _ = child.kill();
    let _ = child.wait();
    let restores: Vec<&str> = csv
        .body
        .lines()
        .filter(|l| l.contains(",restore,"))
        .collect();
    assert_eq!(restores.len(), 1, "{}", csv.body);
    assert!(restores[0].contains(",command line,"), "{}", restores[0]);
}

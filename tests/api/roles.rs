//! Roles against the route table itself: every admin route, walked for every role and for
//! nobody, answers as the role it declares in `docent::web::ADMIN_ROUTES` says; a person sees
//! only the exhibitions they hold a role in; a wrong password is 401, a role too low 403.

use docent::people::Role;

use crate::helpers::*;

/// A route's path with its placeholders filled in; people routes act on `target`.
fn fill(path: &str) -> String {
    let path = path
        .replace("{exhibition}", "nature-covers")
        .replace("{file}", "nature-covers.csv")
        .replace("{story}", "alphago")
        .replace("{name}", "target")
        .replace(
            "{entry}",
            "20261120T020000.000000Z--admin--stories__alphago.toml",
        );
    assert!(
        !path.contains('{'),
        "{path}: a placeholder the walk cannot fill"
    );
    path
}

fn ask(app: &TestApp, method: &str, path: &str, auth: Option<&str>) -> Reply {
    let url = format!("{}{path}", app.base);
    let form = [("phase", "phase-2"), ("confirm", "no"), ("csrf", "")];
    match (method, auth) {
        ("POST", Some(auth)) => read(
            agent()
                .post(url)
                .header("Authorization", auth)
                .send_form(form),
        ),
        ("POST", None) => read(agent().post(url).send_form(form)),
        (_, Some(auth)) => read(agent().get(url).header("Authorization", auth).call()),
        (_, None) => read(agent().get(url).call()),
    }
}

/// What the guard says when a role is too low.
fn refused_for_role(reply: &Reply) -> bool {
    reply.status == 403 && reply.body.contains("This needs the role")
}

/// What the guard says about an exhibition the person holds no role in.
fn hidden(reply: &Reply) -> bool {
    reply.status == 404 && reply.body.starts_with("no exhibition")
}

#[test]
fn every_admin_route_answers_every_role_as_the_table_declares() {
    let app = spawn_app_with(two_exhibitions(), IN_PHASE_1);
    app.get("/s/NCA1");
    app.invite("target", "viewer@nature-covers");
    let people: Vec<(Role, String)> = [
        (Role::Viewer, "viewer@nature-covers"),
        (Role::Editor, "editor@nature-covers"),
        (Role::Organizer, "organizer@nature-covers"),
        (Role::Admin, "admin"),
    ]
    .into_iter()
    .map(|(role, roles)| {
        let name = format!("a-{}", role.as_str());
        app.invite(&name, roles);
        (role, format!("Bearer {}", app.token_for(&name)))
    })
    .collect();
    let mut walked = 0;
    for &(method, pattern, need) in docent::web::ADMIN_ROUTES {
        let path = fill(pattern);
        let anonymous = ask(&app, method, &path, None);
        assert_eq!(anonymous.status, 401, "anonymous {method} {path}");
        for (role, auth) in &people {
            let reply = ask(&app, method, &path, Some(auth));
            let allowed = *role >= need;
            if allowed {
                assert!(
                    !refused_for_role(&reply) && reply.status != 401 && !hidden(&reply),
                    "{} {method} {path} (needs {}): {} {}",
                    role.as_str(),
                    need.as_str(),
                    reply.status,
                    reply.body
                );
            } else {
                assert!(
                    refused_for_role(&reply),
                    "{} {method} {path} (needs {}): {} {}",
                    role.as_str(),
                    need.as_str(),
                    reply.status,
                    reply.body
                );
            }
            walked += 1;
        }
    }
    assert_eq!(walked, docent::web::ADMIN_ROUTES.len() * 4);
    // As admin the walk disabled, enabled, reset `target`, changed its roles and ended its
    // sessions: each a real change that raised its session epoch.
    let target = app.store.accounts().unwrap();
    let target = target.iter().find(|a| a.name == "target").unwrap();
    assert!(target.epoch >= 5, "{target:?}");
}

#[test]
fn a_person_sees_only_the_exhibitions_they_hold_a_role_in() {
    let app = spawn_app_with(two_exhibitions(), IN_PHASE_1);
    app.invite("li", "organizer@nature-covers");
    let auth = format!("Bearer {}", app.token_for("li"));
    let get = |path: &str| {
        read(
            agent()
                .get(format!("{}{path}", app.base))
                .header("Authorization", &auth)
                .call(),
        )
    };
    let overview = get("/admin");
    assert_eq!(overview.status, 200);
    assert!(overview.body.contains("/admin/e/nature-covers"));
    assert!(
        !overview.body.contains("second-show"),
        "the overview lists no other exhibition"
    );
    for path in [
        "/admin/e/second-show",
        "/admin/api/stats/second-show",
        "/admin/export/second-show.csv",
        "/admin/report/second-show",
        "/admin/lobby/second-show",
        "/admin/print/second-show",
        "/admin/e/second-show/stories/alphago",
    ] {
        let reply = get(path);
        assert_eq!(reply.status, 404, "{path}: {}", reply.body);
        assert_eq!(
            reply.body, "no exhibition `second-show`",
            "{path}: the same answer as for an exhibition that does not exist"
        );
        assert_eq!(
            get(&path.replace("second-show", "nature-covers")).status,
            200,
            "{path}"
        );
    }
    let switch = read(
        agent()
            .post(format!("{}/admin/switch/second-show", app.base))
            .header("Authorization", &auth)
            .send_form([("phase", "phase-2"), ("confirm", "yes")]),
    );
    assert_eq!(switch.status, 404);
    assert!(app.store.switches("second-show").unwrap().is_empty());
}

#[test]
fn a_wrong_password_is_401_and_a_role_too_low_is_403() {
    let app = spawn_app(IN_PHASE_1);
    app.person("wu", "viewer");
    let as_wu = |password: &str| {
        read(
            agent()
                .post(format!("{}/admin/switch/nature-covers", app.base))
                .header("Authorization", &basic("wu", password))
                .send_form([("phase", "phase-2"), ("confirm", "yes")]),
        )
    };
    assert_eq!(as_wu("not the password at all").status, 401);
    let low = as_wu(PERSON_PASSWORD);
    assert!(refused_for_role(&low), "{} {}", low.status, low.body);
    assert!(app.store.switches("nature-covers").unwrap().is_empty());
    let figures = read(
        agent()
            .get(format!("{}/admin/api/stats/nature-covers", app.base))
            .header("Authorization", &basic("wu", PERSON_PASSWORD))
            .call(),
    );
    assert_eq!(figures.status, 200, "a viewer reads the figures");
    // The shared password is admin's: with another person's name it is no password of theirs.
    assert_eq!(as_wu(PASSWORD).status, 401);
}

/// A dashboard shows a person only the forms their role may use: a form that answers 403 when
/// used is a trap, not a feature.
#[test]
fn the_dashboard_offers_each_role_only_what_it_may_do() {
    let app = spawn_app(IN_PHASE_1);
    let marks = [
        ("/admin/switch/nature-covers", Role::Organizer),
        ("/admin/shares/nature-covers", Role::Organizer),
        ("/admin/e/nature-covers/audit", Role::Organizer),
        ("/admin/e/nature-covers/stories/alphago", Role::Editor),
        ("/admin/print/nature-covers", Role::Editor),
        ("/admin/export/nature-covers.csv", Role::Viewer),
    ];
    for (name, role) in [
        ("vic", Role::Viewer),
        ("eda", Role::Editor),
        ("org", Role::Organizer),
    ] {
        app.person(name, &format!("{}@nature-covers", role.as_str()));
        let cookie = app.log_in_as(name, PERSON_PASSWORD);
        let page = app.get_as(
            "/admin/e/nature-covers",
            ANDROID_CHROME,
            &[("Cookie", &cookie)],
        );
        assert_eq!(page.status, 200, "{name}: {}", page.body);
        for (mark, need) in marks {
            assert_eq!(
                page.body.contains(mark),
                role >= need,
                "{name} ({role:?}) and {mark} (needs {need:?})"
            );
        }
    }
}

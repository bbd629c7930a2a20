//! Login throttling against the real server, with clients told apart by `X-Forwarded-For`
//! from a trusted proxy: one IPv6 /64 is one source, many sources together spend a global
//! budget, and a full table keeps the sources that have earned a delay.

use std::time::{Duration, Instant};

use docent::config::LoginLimits;

use crate::helpers::*;

/// A server that believes `X-Forwarded-For` from the test (the loopback peer).
fn behind_proxy(limits: LoginLimits) -> TestApp {
    spawn_app_tuned(IN_PHASE_1, move |s| {
        s.trusted_proxy = Some("127.0.0.1".parse().unwrap());
        s.login_limits = limits;
    })
}

/// A login from `client` with `password`: its status and how long the answer took.
fn login_from(app: &TestApp, client: &str, password: &str) -> (u16, Duration) {
    let started = Instant::now();
    let reply = app.post(
        "/login",
        &[("password", password)],
        &[("X-Forwarded-For", client)],
    );
    (reply.status, started.elapsed())
}

#[test]
fn rotating_addresses_within_one_ipv6_64_share_a_delay() {
    let app = behind_proxy(LoginLimits::default());
    let mut took = Vec::new();
    for host in 1..=5 {
        let (status, time) = login_from(&app, &format!("2001:db8:7:9::{host:x}"), "wrong");
        assert_eq!(status, 401);
        took.push(time);
    }
    assert!(took[2] < Duration::from_millis(400), "{took:?}");
    assert!(
        took[4] >= Duration::from_millis(900),
        "the fifth waits: {took:?}"
    );
    let (status, time) = login_from(&app, "2001:db8:7:a::1", "wrong");
    assert_eq!(status, 401);
    assert!(
        time < Duration::from_millis(400),
        "the next /64 is another source: {time:?}"
    );
}

#[test]
fn failures_from_many_addresses_slow_every_login_within_a_bound() {
    let app = behind_proxy(LoginLimits {
        global_free: 6,
        ..LoginLimits::default()
    });
    for i in 0..6 {
        let (status, time) = login_from(&app, &format!("198.51.100.{i}"), "wrong");
        assert_eq!(status, 401);
        assert!(
            time < Duration::from_millis(400),
            "within the budget: {time:?}"
        );
    }
    // Each address fails once: no delay of its own. Past the budget (the first of these
    // spends its last unit) checks run one every half second.
    let started = Instant::now();
    for i in 10..14 {
        assert_eq!(login_from(&app, &format!("198.51.100.{i}"), "wrong").0, 401);
    }
    assert!(
        started.elapsed() >= Duration::from_millis(900),
        "checks take turns: {:?}",
        started.elapsed()
    );
    // Many at once: those whose turn is too far away are refused unchecked.
    let statuses: Vec<u16> = std::thread::scope(|s| {
        let handles: Vec<_> = (20..40)
            .map(|i| {
                let app = &app;
                s.spawn(move || login_from(app, &format!("198.51.100.{i}"), "wrong").0)
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    assert!(statuses.contains(&429), "{statuses:?}");
    assert!(
        statuses.iter().all(|s| [401, 429].contains(s)),
        "{statuses:?}"
    );
    // The organizer still gets in, a few seconds late at most.
    let (status, time) = login_from(&app, "203.0.113.5", PASSWORD);
    assert_eq!(status, 303);
    assert!(time <= Duration::from_millis(5_500), "bounded: {time:?}");
}

#[test]
fn a_full_table_keeps_a_delayed_address_delay() {
    let app = behind_proxy(LoginLimits {
        sources: 8,
        global_free: 1_000,
    });
    let victim = "192.0.2.77";
    for _ in 0..5 {
        assert_eq!(login_from(&app, victim, "wrong").0, 401);
    }
    // Many times the table's size in fresh addresses, one failure each.
    for i in 0..40 {
        assert_eq!(login_from(&app, &format!("10.1.0.{i}"), "wrong").0, 401);
    }
    let (status, time) = login_from(&app, victim, "wrong");
    assert_eq!(status, 401);
    assert!(
        time >= Duration::from_millis(1_900),
        "the sixth failure still waits 2 s: {time:?}"
    );
}

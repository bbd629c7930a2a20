//! Accounts, roles, grants, invites and tokens: unit tests.

use super::*;

fn now() -> Timestamp {
    "2026-12-01T10:00:00Z".parse().unwrap()
}

#[test]
fn names_are_plain_and_cannot_spoof_a_file_name() {
    assert_eq!(parse_name(" Wang-Li ").unwrap(), "wang-li");
    for bad in [
        "",
        "1abc",
        "eve--stories__exac.toml",
        "a b",
        "a-",
        "王",
        &"a".repeat(33),
    ] {
        assert!(parse_name(bad).is_err(), "{bad}");
    }
}

#[test]
fn roles_per_exhibition_and_server_wide() {
    let grants = vec![
        Grant::parse("organizer@a").unwrap(),
        Grant::parse("viewer").unwrap(),
    ];
    let person = Account::new("li", grants, now()).unwrap();
    assert_eq!(person.may(Role::Organizer, Some("a")), Verdict::Allowed);
    assert_eq!(person.may(Role::Editor, Some("b")), Verdict::Forbidden);
    assert_eq!(person.may(Role::Viewer, Some("b")), Verdict::Allowed);
    assert_eq!(person.may(Role::Admin, None), Verdict::Forbidden);
    assert_eq!(person.may(Role::Viewer, None), Verdict::Allowed);
    let only_a = Account::new("wu", vec![Grant::parse("viewer@a").unwrap()], now()).unwrap();
    assert_eq!(only_a.may(Role::Viewer, Some("b")), Verdict::Hidden);
    assert_eq!(
        Grant::parse("admin@a"),
        Err(PeopleError::AdminForOne("a".into()))
    );
    assert!(Account::built_in().is_admin());
}

#[test]
fn the_later_version_wins_whatever_the_order() {
    let first = Account::new("li", vec![], now()).unwrap();
    let mut second = first.next_version(now(), true);
    second.disabled = true;
    assert!(second.supersedes(&first));
    assert!(!first.supersedes(&second));
    assert!(!second.supersedes(&second));
    let mut twin = second.clone();
    twin.display_name = "Li".into();
    assert!(twin.supersedes(&second) != second.supersedes(&twin));
}

#[test]
fn weak_and_short_passwords_are_refused() {
    let person = Account::new("wang-li", vec![], now()).unwrap();
    assert_eq!(
        check_strength("short", &person),
        Err(PeopleError::TooShort(5))
    );
    assert_eq!(
        check_strength("password1234", &person),
        Err(PeopleError::Weak)
    );
    for weak in ["aaaaaaaaaaaa", "qwertyqwerty", "wang-li-2026"] {
        assert_eq!(
            check_strength(weak, &person),
            Err(PeopleError::Weak),
            "{weak}"
        );
    }
    assert!(check_strength("correct horse battery staple", &person).is_ok());
}

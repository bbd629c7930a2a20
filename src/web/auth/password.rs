//! Checking a name and password: a person's own (Argon2id, off the executor, remembered once
//! accepted) or `DOCENT_ADMIN_PASSWORD` for the built-in admin, through the throttles of the
//! address and of the account.

use std::net::IpAddr;

use actix_web::http::header;
use actix_web::{HttpResponse, web};

use crate::people::{self, Account};
use crate::web::AppState;
use crate::web::throttle::Gate;

/// What became of a name and password.
pub(super) enum Verdict {
    Right(Account),
    /// Wrong, answered after the throttle's delay.
    Wrong,
    /// Not looked at: the answer to send instead.
    Throttled(HttpResponse),
}

/// The account a name and password sign in as, if they do: a person's own password (Argon2,
/// checked off the executor), or `DOCENT_ADMIN_PASSWORD` for `admin` and for any name that is
/// no account's. Through the throttle of the address and the one of the account, waiting as
/// long as they say.
pub(super) async fn check_password(
    state: &AppState,
    ip: Option<IpAddr>,
    name: &str,
    given: &str,
) -> Verdict {
    let person = people::parse_name(name)
        .ok()
        .and_then(|n| state.people.get(&n))
        .filter(|a| !a.is_built_in());
    // People's own passwords are counted per account too, from every address together (a
    // guesser rotating addresses still meets the account's delay). The built-in admin's is
    // not: it is long and random, and the global budget already bounds guessing it, so an
    // attack cannot lock the operator out.
    let account_source = person.as_ref().map(|a| account_source(&a.name));
    let mut gates = vec![state.throttle.admit(ip)];
    if account_source.is_some() {
        gates.push(state.account_throttle.admit(account_source));
    }
    for gate in gates {
        match gate {
            Gate::Blocked => return Verdict::Throttled(too_many(Gate::Blocked)),
            Gate::Busy => return Verdict::Throttled(too_many(Gate::Busy)),
            Gate::Check(wait) if !wait.is_zero() => actix_web::rt::time::sleep(wait).await,
            Gate::Check(_) => {}
        }
    }
    let right = match person {
        Some(account) if state.sessions.checked_before(&account, given) => {
            (!account.disabled).then_some(account)
        }
        Some(account) => {
            let hash = account.password_hash.clone();
            let password = given.to_string();
            let matches = web::block(move || {
                hash.is_some_and(|h| people::secret::verify_password(&h, &password))
            })
            .await
            .unwrap_or(false);
            if matches {
                state.sessions.remember_checked(&account, given);
            }
            (matches && !account.disabled).then_some(account)
        }
        None => state
            .admin_password
            .matches(given)
            .then(|| state.people.get(people::BUILT_IN))
            .flatten(),
    };
    match right {
        Some(account) => {
            state.throttle.succeeded(ip);
            if account_source.is_some() {
                state.account_throttle.succeeded(account_source);
            }
            Verdict::Right(account)
        }
        None => {
            let mut wait = state.throttle.failed(ip);
            if account_source.is_some() {
                wait = wait.max(state.account_throttle.failed(account_source));
            }
            actix_web::rt::time::sleep(wait).await;
            Verdict::Wrong
        }
    }
}

/// The throttle counts by address; an account is counted under an address of its own, made
/// from its name (IPv4 addresses count singly; a collision between two names only shares a
/// delay).
fn account_source(name: &str) -> IpAddr {
    let hash = blake3::derive_key("docent login throttle account", name.as_bytes());
    IpAddr::V4(std::net::Ipv4Addr::new(hash[0], hash[1], hash[2], hash[3]))
}

fn too_many(gate: Gate) -> HttpResponse {
    let why = match gate {
        Gate::Busy => {
            "Too many wrong passwords from many addresses: logins are slowed for everyone. Wait a few seconds and try again."
        }
        _ => {
            "Too many wrong passwords from this address or for this account: wait a few seconds and try again."
        }
    };
    HttpResponse::TooManyRequests()
        .insert_header((header::RETRY_AFTER, "10"))
        .content_type("text/plain; charset=utf-8")
        .body(why)
}

//! Cookie sessions: the key they are signed with (from a secret in the store and
//! `DOCENT_ADMIN_PASSWORD`), the sessions ended by logging out, the passwords already checked,
//! and reading or making a session cookie.

use parking_lot::Mutex;
use std::collections::HashMap;
use std::net::IpAddr;

use actix_web::HttpRequest;
use actix_web::cookie::{Cookie, CookieJar, Key, SameSite};

use super::{COOKIE, Organizer, SESSION_HOURS};
use crate::config::AdminPassword;
use crate::people::{self, Account};
use crate::store::{SharedChange, Store, StoreError};
use crate::web::AppState;

/// The key cookies are signed with, and the sessions ended by logging out (by their token,
/// until they would have expired anyway), mirrored from the store so checking a cookie never
/// reads sled.
pub(in crate::web) struct Sessions {
    /// Replaced when a replica adopts the cluster's session secret after it started serving.
    key: parking_lot::RwLock<Key>,
    revoked: Mutex<HashMap<String, i64>>,
    /// Passwords Argon2 already accepted, so a script sending HTTP Basic with every request
    /// does not cost tens of milliseconds of hashing each: per account, a keyed hash of the
    /// password (under `checked_key`, random, never stored) and the stored hash it matched.
    /// A new password, a reset or a disabling changes the stored hash or the account, and the
    /// entry no longer counts.
    checked: Mutex<HashMap<String, ([u8; 32], String)>>,
    checked_key: [u8; 32],
}

impl Sessions {
    /// Blocks on the store: called once, at start.
    pub(in crate::web) fn load(
        store: &Store,
        password: &AdminPassword,
        now: i64,
    ) -> Result<Sessions, StoreError> {
        let secret = store.session_secret()?;
        let mut checked_key = [0u8; 32];
        getrandom::fill(&mut checked_key).map_err(StoreError::Random)?;
        Ok(Sessions {
            key: parking_lot::RwLock::new(session_key(&secret, password)),
            revoked: Mutex::new(store.revoked_sessions(now)?.into_iter().collect()),
            checked: Mutex::new(HashMap::new()),
            checked_key,
        })
    }

    /// The key cookies are signed (and the sign-on cookie encrypted) with now.
    pub(in crate::web) fn key(&self) -> Key {
        self.key.read().clone()
    }

    /// Signs with the key made from `secret` from now on: a replica that joined its cluster
    /// after it began serving takes the secret the cluster agreed on, so a login made on any
    /// replica holds on this one too. Cookies signed with the old key no longer hold.
    pub(in crate::web) fn rekey(&self, secret: &[u8; 32], password: &AdminPassword) {
        *self.key.write() = session_key(secret, password);
    }

    fn password_mark(&self, name: &str, password: &str) -> [u8; 32] {
        let mut hasher = blake3::Hasher::new_keyed(&self.checked_key);
        hasher.update(name.as_bytes());
        hasher.update(b"\0");
        hasher.update(password.as_bytes());
        *hasher.finalize().as_bytes()
    }

    /// Whether `password` was accepted before for `account` as it is now.
    pub(super) fn checked_before(&self, account: &Account, password: &str) -> bool {
        let Some(phc) = &account.password_hash else {
            return false;
        };
        let mark = self.password_mark(&account.name, password);
        self.checked
            .lock()
            .get(&account.name)
            .is_some_and(|(m, h)| *m == mark && h == phc)
    }

    pub(super) fn remember_checked(&self, account: &Account, password: &str) {
        if let Some(phc) = &account.password_hash {
            let mark = self.password_mark(&account.name, password);
            self.checked
                .lock()
                .insert(account.name.clone(), (mark, phc.clone()));
        }
    }

    pub(in crate::web) fn revoke(&self, token: &str, expires: i64, now: i64) {
        let mut map = self.revoked.lock();
        map.retain(|_, until| *until > now);
        map.insert(token.to_string(), expires);
    }

    fn is_revoked(&self, token: &str) -> bool {
        self.revoked.lock().contains_key(token)
    }
}

/// The stored secret keys a blake3 hash of the password; its 64-byte output is the cookie
/// key. Without the secret a cookie cannot be checked offline against password guesses.
fn session_key(secret: &[u8; 32], password: &AdminPassword) -> Key {
    let mut hasher = blake3::Hasher::new_keyed(secret);
    hasher.update(b"docent admin session key v2\0");
    hasher.update(password.expose().as_bytes());
    let mut key = [0u8; 64];
    hasher.finalize_xof().fill(&mut key);
    Key::from(&key)
}

/// Ends the built-in admin's sessions when `DOCENT_ADMIN_PASSWORD` is not the one of the last
/// start: the cookie key changes with the password, but setting an old password back would
/// bring the old key, and its cookies, back; the raised epoch keeps them dead. Blocks on the
/// store: called once, at start.
pub(in crate::web) fn note_admin_password(
    store: &Store,
    people: &people::Directory,
    password: &AdminPassword,
    now: jiff::Timestamp,
) -> Result<(), StoreError> {
    let secret = store.session_secret()?;
    let mut hasher = blake3::Hasher::new_keyed(&secret);
    hasher.update(b"docent admin password fingerprint\0");
    hasher.update(password.expose().as_bytes());
    if store.admin_password_changed(hasher.finalize().as_bytes())? {
        let admin = people
            .get(people::BUILT_IN)
            .unwrap_or_else(Account::built_in);
        let next = admin.next_version(now, true);
        store.change(&SharedChange::Account(Box::new(next.clone())))?;
        people.remember(next);
        tracing::info!(
            "DOCENT_ADMIN_PASSWORD changed since the last start: admin's old sessions are ended"
        );
    }
    Ok(())
}

/// The live session a request's cookie holds, with its account as it is now.
pub(super) fn session(state: &AppState, req: &HttpRequest) -> Option<Organizer> {
    let cookie = req.cookie(COOKIE)?;
    let mut jar = CookieJar::new();
    jar.add_original(cookie.into_owned());
    let verified = jar.signed(&state.sessions.key()).get(COOKIE)?;
    let mut parts = verified.value().split('|');
    let (name, epoch, expires, csrf) = (parts.next()?, parts.next()?, parts.next()?, parts.next()?);
    let epoch: u64 = epoch.parse().ok()?;
    let expires: i64 = expires.parse().ok()?;
    let live = state.clock.now().as_second() < expires && !state.sessions.is_revoked(csrf);
    let account = state
        .people
        .get(name)
        .filter(|a| !a.disabled && a.epoch == epoch)?;
    live.then(|| Organizer::of_account(account, Some(csrf.to_string()), expires))
}

/// A staff view: from a staff network (`addr`, the client address already worked out), or
/// from a browser with a live admin session.
pub(in crate::web) fn is_staff(state: &AppState, req: &HttpRequest, addr: Option<IpAddr>) -> bool {
    addr.is_some_and(|ip| state.staff_networks.contains(ip)) || session(state, req).is_some()
}

pub(super) fn new_session_cookie(state: &AppState, account: &Account) -> Option<Cookie<'static>> {
    let mut token = [0u8; 16];
    getrandom::fill(&mut token).ok()?;
    let csrf = hex::encode(token);
    let expires = state.clock.now().as_second() + SESSION_HOURS * 3600;
    // Account names are plain ASCII without `|` (`people::parse_name`).
    let value = format!("{}|{}|{expires}|{csrf}", account.name, account.epoch);
    let cookie = Cookie::build(COOKIE, value)
        .path("/")
        .http_only(true)
        .same_site(SameSite::Strict)
        .secure(state.base_url.starts_with("https://"))
        .max_age(actix_web::cookie::time::Duration::hours(SESSION_HOURS))
        .finish();
    let mut jar = CookieJar::new();
    jar.signed_mut(&state.sessions.key()).add(cookie);
    jar.delta().next().cloned()
}

//! Every account, in memory, so checking a session or a token never reads sled. Filled from
//! the store at start, then kept up to date with each change made here and each one arriving
//! from another replica, by the same rule as the store (`Account::supersedes`).

use parking_lot::RwLock;
use std::collections::HashMap;

use jiff::Timestamp;

use super::secret::{api_token_account, same_hash, token_hash};
use super::{Account, BUILT_IN};

/// Why an invite link opens nothing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum InviteError {
    /// Never issued, already used, replaced by a newer one, or altered.
    #[error("this invite link is not valid: it was used already, replaced, or mistyped")]
    Unknown,
    #[error("this invite link has expired: ask an administrator for a new one")]
    Expired,
}

pub struct Directory {
    accounts: RwLock<HashMap<String, Account>>,
    /// Held while a change is made from the current version and stored, so two changes made
    /// here at once (a disabling and a "log out everywhere") cannot each start from the same
    /// version and the later silently drop the other.
    changing: tokio::sync::Mutex<()>,
}

impl Directory {
    /// The accounts stored, and the built-in `admin` if nothing about it was stored yet.
    pub fn new(stored: Vec<Account>) -> Directory {
        let mut accounts: HashMap<String, Account> =
            stored.into_iter().map(|a| (a.name.clone(), a)).collect();
        accounts
            .entry(BUILT_IN.to_string())
            .or_insert_with(Account::built_in);
        Directory {
            accounts: RwLock::new(accounts),
            changing: tokio::sync::Mutex::new(()),
        }
    }

    /// Waits for, then holds, the right to change an account here: read the current version
    /// after this, store the next before dropping it.
    pub async fn changing(&self) -> tokio::sync::MutexGuard<'_, ()> {
        self.changing.lock().await
    }

    pub fn get(&self, name: &str) -> Option<Account> {
        self.accounts.read().get(name).cloned()
    }

    /// Every account, by name.
    pub fn all(&self) -> Vec<Account> {
        let mut all: Vec<Account> = self.accounts.read().values().cloned().collect();
        all.sort_by(|a, b| a.name.cmp(&b.name));
        all
    }

    /// Knows a version of an account; false when the one known already is as new.
    pub fn remember(&self, account: Account) -> bool {
        let mut accounts = self.accounts.write();
        match accounts.get(&account.name) {
            Some(old) if !account.supersedes(old) => false,
            _ => {
                accounts.insert(account.name.clone(), account);
                true
            }
        }
    }

    /// The account an invite token was issued for, if it still opens at `now`.
    pub fn by_invite(&self, token: &str, now: Timestamp) -> Result<Account, InviteError> {
        let hash = token_hash(token);
        let accounts = self.accounts.read();
        let found = accounts.values().find(|a| {
            a.invite
                .as_ref()
                .is_some_and(|invite| same_hash(&invite.hash, &hash))
        });
        let account = found.ok_or(InviteError::Unknown)?;
        if account.disabled {
            return Err(InviteError::Unknown);
        }
        match &account.invite {
            Some(invite) if invite.expires > now => Ok(account.clone()),
            _ => Err(InviteError::Expired),
        }
    }

    /// The account a person signed in through the OpenID provider is: the one whose
    /// `oidc_subject` is theirs, else the one (only one) whose e-mail is theirs. The built-in
    /// `admin` is never reached this way; a disabled account is found (and refused by the
    /// caller, which says why).
    pub fn by_identity(&self, subject: &str, email: Option<&str>) -> Option<Account> {
        let accounts = self.accounts.read();
        let reachable = || accounts.values().filter(|a| !a.is_built_in());
        if let Some(account) = reachable().find(|a| a.oidc_subject.as_deref() == Some(subject)) {
            return Some(account.clone());
        }
        let email = email?;
        let mut same = reachable().filter(|a| {
            a.oidc_subject.is_none()
                && a.email
                    .as_deref()
                    .is_some_and(|e| e.eq_ignore_ascii_case(email))
        });
        match (same.next(), same.next()) {
            (Some(account), None) => Some(account.clone()),
            // Two accounts with one address: which one is meant is not ours to guess.
            _ => None,
        }
    }

    /// The live account a personal API token belongs to.
    pub fn by_api_token(&self, token: &str) -> Option<Account> {
        let name = api_token_account(token)?;
        let hash = token_hash(token);
        let account = self.get(name)?;
        let known = account.tokens.iter().any(|t| same_hash(&t.hash, &hash));
        (known && !account.disabled).then_some(account)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::people::Invite;

    fn now() -> Timestamp {
        "2026-12-01T10:00:00Z".parse().unwrap()
    }

    #[test]
    fn an_invite_opens_until_it_expires_and_only_with_its_token() {
        let mut li = Account::new("li", vec![], now()).unwrap();
        li.invite = Some(Invite {
            hash: token_hash("secret-token"),
            expires: now() + jiff::SignedDuration::from_hours(72),
        });
        let directory = Directory::new(vec![li]);
        assert_eq!(
            directory.by_invite("secret-token", now()).unwrap().name,
            "li"
        );
        assert_eq!(
            directory.by_invite("secret-tokeN", now()).unwrap_err(),
            InviteError::Unknown
        );
        let later = now() + jiff::SignedDuration::from_hours(73);
        assert_eq!(
            directory.by_invite("secret-token", later).unwrap_err(),
            InviteError::Expired
        );
        assert!(directory.get(BUILT_IN).unwrap().is_admin());
    }

    #[test]
    fn sign_on_finds_by_subject_first_then_by_one_email() {
        let mut li = Account::new("li", vec![], now()).unwrap();
        li.email = Some("Li@Lib.example".into());
        let mut wang = Account::new("wang", vec![], now()).unwrap();
        wang.oidc_subject = Some("sub-wang".into());
        wang.email = Some("li@lib.example".into());
        let mut admin = Account::built_in();
        admin.email = Some("it@lib.example".into());
        let directory = Directory::new(vec![li, wang, admin]);
        let found =
            |sub: &str, email: Option<&str>| directory.by_identity(sub, email).map(|a| a.name);
        assert_eq!(found("sub-wang", None).as_deref(), Some("wang"));
        // wang's address is the same, but wang is bound to a subject: li is the only match.
        assert_eq!(
            found("sub-x", Some("li@lib.example")).as_deref(),
            Some("li")
        );
        assert_eq!(found("sub-x", Some("nobody@lib.example")), None);
        assert_eq!(found("sub-x", None), None);
        assert_eq!(
            found("sub-y", Some("it@lib.example")),
            None,
            "never the built-in admin"
        );
        let mut twin = Account::new("twin", vec![], now()).unwrap();
        twin.email = Some("li@lib.example".into());
        directory.remember(twin);
        assert_eq!(
            found("sub-x", Some("li@lib.example")),
            None,
            "two accounts, one address"
        );
    }

    #[test]
    fn an_older_version_never_replaces_a_newer_one() {
        let li = Account::new("li", vec![], now()).unwrap();
        let mut off = li.next_version(now(), true);
        off.disabled = true;
        let directory = Directory::new(vec![]);
        assert!(directory.remember(off.clone()));
        assert!(!directory.remember(li));
        assert!(directory.get("li").unwrap().disabled);
    }
}

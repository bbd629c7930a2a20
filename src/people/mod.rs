//! People on the admin side: accounts with roles granted server-wide or per exhibition, their
//! passwords (Argon2id), one-time invites and personal API tokens.
//!
//! An `Account` is one record, shared by the replicas whole (`SharedChange::Account`): of two
//! versions the one changed later wins (`Account::supersedes`). Everything a session depends on
//! (disabled, roles, password) sits in that one record, and every change to it that must end
//! the person's sessions raises its `epoch`, which each session cookie carries: a cookie of an
//! older epoch is dead, on every replica as soon as the change arrives, and stays dead when a
//! password is later set back to an old value.
//!
//! The built-in account `admin` has no stored password: its password is
//! `DOCENT_ADMIN_PASSWORD`, so existing set-ups and scripts keep working.
//!
//! `directory` is the in-memory mirror the web layer checks every request against.

pub mod directory;
pub mod secret;

use serde::{Deserialize, Serialize};

use jiff::Timestamp;

pub use directory::Directory;

/// How long an invite link opens.
pub const INVITE_HOURS: i64 = 72;

/// The built-in account whose password is `DOCENT_ADMIN_PASSWORD`.
pub const BUILT_IN: &str = "admin";

/// Why a person, a role or a password was refused; each names the field it is about.
#[derive(Debug, PartialEq, Eq, thiserror::Error)]
pub enum PeopleError {
    #[error(
        "name `{0}`: use 1 to 32 lower-case letters and digits, words joined by single hyphens, starting with a letter (for example wang-li)"
    )]
    BadName(String),
    #[error("role `{0}`: expected viewer, editor, organizer or admin")]
    BadRole(String),
    #[error("role admin is server-wide: it cannot be limited to exhibition `{0}`")]
    AdminForOne(String),
    #[error("exhibition `{0}`: no such exhibition")]
    NoExhibition(String),
    #[error("password: it has {0} characters; it needs at least {MIN_PASSWORD_CHARS}")]
    TooShort(usize),
    #[error(
        "password: too easy to guess (common words, names or patterns); add a few unrelated words"
    )]
    Weak,
    #[error("password: the two entries are not the same")]
    Mismatch,
    #[error("display name: at most 80 characters, no control characters")]
    BadDisplayName,
    #[error("e-mail `{0}`: expected an address such as wang@example.edu")]
    BadEmail(String),
    #[error("the operating system's random source failed")]
    Random,
    #[error("the password could not be hashed")]
    Hash,
}

/// What a person may do, in order: each role may do everything the ones before it may.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, Default,
)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    /// Figures, charts, CSV/JSON export, report, lobby.
    #[default]
    Viewer,
    /// And edit stories, covers, phases; import.
    Editor,
    /// And switch phases, make and revoke share links.
    Organizer,
    /// Everything, server-wide only: accounts, backups, restore, every exhibition.
    Admin,
}

impl Role {
    pub fn parse(raw: &str) -> Result<Role, PeopleError> {
        match raw.trim().to_ascii_lowercase().as_str() {
            "viewer" => Ok(Role::Viewer),
            "editor" => Ok(Role::Editor),
            "organizer" | "organiser" => Ok(Role::Organizer),
            "admin" => Ok(Role::Admin),
            _ => Err(PeopleError::BadRole(raw.to_string())),
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Viewer => "viewer",
            Role::Editor => "editor",
            Role::Organizer => "organizer",
            Role::Admin => "admin",
        }
    }

    /// The key of the role's name in the interface's words (`locales/*/people.ftl`).
    pub fn key(self) -> &'static str {
        match self {
            Role::Viewer => "role-viewer",
            Role::Editor => "role-editor",
            Role::Organizer => "role-organizer",
            Role::Admin => "role-admin",
        }
    }
}

/// A role, over every exhibition (`None`) or one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Grant {
    pub role: Role,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub exhibition: Option<String>,
}

impl Grant {
    /// A grant as written on the People page and the command line: `editor` (every exhibition)
    /// or `editor@nature-covers`.
    pub fn parse(raw: &str) -> Result<Grant, PeopleError> {
        let (role, exhibition) = match raw.trim().split_once('@') {
            Some((role, ex)) => (role, Some(ex.trim().to_string())),
            None => (raw.trim(), None),
        };
        Grant::new(Role::parse(role)?, exhibition)
    }

    pub fn new(role: Role, exhibition: Option<String>) -> Result<Grant, PeopleError> {
        let exhibition = exhibition.filter(|e| !e.is_empty());
        if let (Role::Admin, Some(ex)) = (role, &exhibition) {
            return Err(PeopleError::AdminForOne(ex.clone()));
        }
        Ok(Grant { role, exhibition })
    }
}

impl std::fmt::Display for Grant {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.exhibition {
            Some(ex) => write!(f, "{}@{ex}", self.role.as_str()),
            None => f.write_str(self.role.as_str()),
        }
    }
}

/// A one-time invite: the hash of the token in the link, and when it stops working.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Invite {
    pub hash: String,
    pub expires: Timestamp,
}

/// A personal API token: shown once, kept as a hash.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApiToken {
    /// Short and public: names the token on the People page (the hash's first characters).
    pub id: String,
    pub hash: String,
    pub created: Timestamp,
}

/// One person on the admin side.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Account {
    pub name: String,
    pub display_name: String,
    #[serde(default)]
    pub email: Option<String>,
    pub grants: Vec<Grant>,
    /// Argon2id PHC string; `None` until the person sets one through an invite (and always for
    /// the built-in `admin`, whose password is `DOCENT_ADMIN_PASSWORD`).
    #[serde(default)]
    pub password_hash: Option<String>,
    pub created: Timestamp,
    #[serde(default)]
    pub disabled: bool,
    #[serde(default)]
    pub oidc_subject: Option<String>,
    /// Raised whenever the person's sessions must end; cookies carry the epoch they began in.
    #[serde(default)]
    pub epoch: u64,
    #[serde(default)]
    pub invite: Option<Invite>,
    #[serde(default)]
    pub tokens: Vec<ApiToken>,
    /// When this version was made: the later version wins on every replica.
    pub changed: Timestamp,
}

/// Secrets (hashes included) stay out of logs.
impl std::fmt::Debug for Account {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Account")
            .field("name", &self.name)
            .field("grants", &self.grants)
            .field("disabled", &self.disabled)
            .field("epoch", &self.epoch)
            .field("changed", &self.changed)
            .finish_non_exhaustive()
    }
}

/// What a person may do with one route.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    Allowed,
    /// They hold a role there, not one high enough: 403.
    Forbidden,
    /// They hold no role in that exhibition: it does not exist for them (404).
    Hidden,
}

impl Account {
    /// A new account with no password yet.
    pub fn new(name: &str, grants: Vec<Grant>, now: Timestamp) -> Result<Account, PeopleError> {
        let name = parse_name(name)?;
        Ok(Account {
            display_name: name.clone(),
            name,
            email: None,
            grants,
            password_hash: None,
            created: now,
            disabled: false,
            oidc_subject: None,
            epoch: 0,
            invite: None,
            tokens: Vec::new(),
            changed: now,
        })
    }

    /// The built-in `admin` as it is before anything about it was stored.
    pub fn built_in() -> Account {
        Account {
            name: BUILT_IN.into(),
            display_name: "admin".into(),
            email: None,
            grants: vec![Grant {
                role: Role::Admin,
                exhibition: None,
            }],
            password_hash: None,
            created: Timestamp::UNIX_EPOCH,
            disabled: false,
            oidc_subject: None,
            epoch: 0,
            invite: None,
            tokens: Vec::new(),
            changed: Timestamp::UNIX_EPOCH,
        }
    }

    pub fn is_built_in(&self) -> bool {
        self.name == BUILT_IN
    }

    /// The highest role held over every exhibition.
    pub fn server_role(&self) -> Option<Role> {
        self.grants
            .iter()
            .filter(|g| g.exhibition.is_none())
            .map(|g| g.role)
            .max()
    }

    /// The highest role held in exhibition `id` (server-wide grants count).
    pub fn role_in(&self, id: &str) -> Option<Role> {
        self.grants
            .iter()
            .filter(|g| g.exhibition.as_deref().is_none_or(|e| e == id))
            .map(|g| g.role)
            .max()
    }

    /// Whether exhibition `id` exists for this person.
    pub fn sees(&self, id: &str) -> bool {
        self.role_in(id).is_some()
    }

    pub fn is_admin(&self) -> bool {
        self.server_role() == Some(Role::Admin)
    }

    /// Whether `need` is met in exhibition `exhibition`, or (`None`) on a route of no
    /// exhibition: there any role anywhere meets a need below admin, and admin needs admin.
    pub fn may(&self, need: Role, exhibition: Option<&str>) -> Verdict {
        match exhibition {
            Some(id) => match self.role_in(id) {
                None => Verdict::Hidden,
                Some(role) if role >= need => Verdict::Allowed,
                Some(_) => Verdict::Forbidden,
            },
            None if need == Role::Admin && !self.is_admin() => Verdict::Forbidden,
            None if self.grants.iter().any(|g| g.role >= need) => Verdict::Allowed,
            None => Verdict::Forbidden,
        }
    }

    /// Whether this version replaces `old` of the same account: the one changed later wins;
    /// of two changed in the same microsecond, the one whose JSON sorts last (so every replica
    /// keeps the same one, whatever order they arrive in).
    pub fn supersedes(&self, old: &Account) -> bool {
        match self.changed.cmp(&old.changed) {
            std::cmp::Ordering::Greater => true,
            std::cmp::Ordering::Less => false,
            std::cmp::Ordering::Equal => {
                let (new, old) = (serde_json::to_vec(self), serde_json::to_vec(old));
                matches!((new, old), (Ok(n), Ok(o)) if n > o)
            }
        }
    }

    /// A new version of this account changed at `now` (later than the last, even with a clock
    /// that stepped back), its sessions ended when `end_sessions`.
    pub fn next_version(&self, now: Timestamp, end_sessions: bool) -> Account {
        let mut next = self.clone();
        let after = self
            .changed
            .checked_add(jiff::SignedDuration::from_micros(1))
            .unwrap_or(self.changed);
        next.changed = now.max(after);
        if end_sessions {
            next.epoch += 1;
        }
        next
    }

    /// Where the account stands, as `docent user list` and the People page say it.
    pub fn status(&self) -> &'static str {
        if self.disabled {
            "disabled"
        } else if self.is_built_in() {
            "DOCENT_ADMIN_PASSWORD"
        } else if self.password_hash.is_some() {
            "active"
        } else {
            "invited"
        }
    }

    /// The account as one line of `docent user list`: name, display name, roles, status.
    pub fn list_line(&self) -> String {
        format!(
            "{}\t{}\t{}\t{}",
            self.name,
            self.display_name,
            self.roles_text(),
            self.status()
        )
    }

    /// Roles as one line: `organizer@nature-covers, viewer`.
    pub fn roles_text(&self) -> String {
        self.grants
            .iter()
            .map(Grant::to_string)
            .collect::<Vec<_>>()
            .join(", ")
    }
}

/// A name as accounts are known by: it goes into cookies, history and URLs, so it is plain.
pub fn parse_name(raw: &str) -> Result<String, PeopleError> {
    let name = raw.trim().to_ascii_lowercase();
    let plain = !name.is_empty()
        && name.len() <= 32
        && name.starts_with(|c: char| c.is_ascii_lowercase())
        && !name.ends_with('-')
        && !name.contains("--")
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
    if plain {
        Ok(name)
    } else {
        Err(PeopleError::BadName(raw.chars().take(40).collect()))
    }
}

/// A display name: what the People page and histories show beside the account name.
pub fn parse_display_name(raw: &str) -> Result<String, PeopleError> {
    let name = raw.trim();
    if name.chars().count() > 80 || name.chars().any(char::is_control) {
        return Err(PeopleError::BadDisplayName);
    }
    Ok(name.to_string())
}

/// An e-mail address, loosely: something@domain, no spaces.
pub fn parse_email(raw: &str) -> Result<Option<String>, PeopleError> {
    let email = raw.trim();
    if email.is_empty() {
        return Ok(None);
    }
    let ok = email.len() <= 254
        && !email.chars().any(|c| c.is_whitespace() || c.is_control())
        && email
            .split_once('@')
            .is_some_and(|(user, host)| !user.is_empty() && host.contains('.'));
    if ok {
        Ok(Some(email.to_string()))
    } else {
        Err(PeopleError::BadEmail(email.chars().take(60).collect()))
    }
}

/// Passwords shorter than this fall to a guesser too soon.
pub const MIN_PASSWORD_CHARS: usize = 12;

/// A password a person chose: 12 characters or more, and not rated weak by zxcvbn (score 3 of
/// 4 or better), with the person's own names counted as known words.
pub fn check_strength(password: &str, account: &Account) -> Result<(), PeopleError> {
    let chars = password.chars().count();
    if chars < MIN_PASSWORD_CHARS {
        return Err(PeopleError::TooShort(chars));
    }
    let known = [
        account.name.as_str(),
        account.display_name.as_str(),
        "docent",
    ];
    if zxcvbn::zxcvbn(password, &known).score() < zxcvbn::Score::Three {
        return Err(PeopleError::Weak);
    }
    Ok(())
}

#[cfg(test)]
mod tests;

//! Read-only share links: `/view/{token}` opens an exhibition's figures without the password.
//!
//! A token is the link's fields (exhibition, expiry, a random id) in base64 and a 128-bit keyed
//! BLAKE3 tag over them. The key is derived from the store's session secret (never from the
//! admin password, so changing the password does not break the links given to a director;
//! each link is revoked on its own). A token whose tag does not match was never issued (404);
//! an expired or revoked one was (403).

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use jiff::Timestamp;
use serde::{Deserialize, Serialize};

/// The longest a link may live.
pub const MAX_DAYS: u32 = 366;
/// How long a link lives unless told otherwise.
pub const DEFAULT_DAYS: u32 = 30;

/// Why no link was made: a life out of range is the asker's mistake; the others are the
/// machine's.
#[derive(Debug, thiserror::Error)]
pub enum LinkError {
    #[error("--days {0}: give 1 to {MAX_DAYS} days")]
    Days(u32),
    #[error("no random id for the link")]
    Random(#[source] getrandom::Error),
    #[error("the link's expiry is out of range")]
    Expiry(#[source] jiff::Error),
}

/// One issued link, as the store keeps it (for the dashboard's list and for revocation).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ShareLink {
    /// 16 hex digits, random.
    pub id: String,
    pub exhibition: String,
    pub created: Timestamp,
    pub expires: Timestamp,
    /// Who made it (an organizer's name, or `command line`).
    pub by: String,
    pub revoked: Option<Timestamp>,
}

impl ShareLink {
    /// A new link to `exhibition` for `days` days from `now`.
    pub fn new(
        exhibition: &str,
        days: u32,
        now: Timestamp,
        by: &str,
    ) -> Result<ShareLink, LinkError> {
        if !(1..=MAX_DAYS).contains(&days) {
            return Err(LinkError::Days(days));
        }
        let mut id = [0u8; 8];
        getrandom::fill(&mut id).map_err(LinkError::Random)?;
        let expires = now
            .checked_add(jiff::SignedDuration::from_hours(24 * i64::from(days)))
            .map_err(LinkError::Expiry)?;
        Ok(ShareLink {
            id: hex::encode(id),
            exhibition: exhibition.to_string(),
            created: now,
            expires,
            by: by.to_string(),
            revoked: None,
        })
    }

    /// Whether it still opens at `now`.
    pub fn is_live(&self, now: Timestamp) -> bool {
        self.revoked.is_none() && now < self.expires
    }
}

/// The key links are signed with.
#[derive(Clone)]
pub struct LinkKey([u8; 32]);

impl std::fmt::Debug for LinkKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("LinkKey(<redacted>)")
    }
}

/// What a valid token says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Claims {
    pub id: String,
    pub exhibition: String,
    /// Seconds since 1970.
    pub expires: i64,
}

impl LinkKey {
    /// Derived from the store's session secret, apart from the cookie key.
    pub fn from_secret(secret: &[u8; 32]) -> LinkKey {
        LinkKey(blake3::derive_key(
            "docent 2026 read-only share link v1",
            secret,
        ))
    }

    fn tag(&self, fields: &[u8]) -> [u8; 16] {
        let hash = blake3::keyed_hash(&self.0, fields);
        let mut tag = [0u8; 16];
        tag.copy_from_slice(&hash.as_bytes()[..16]);
        tag
    }

    /// The token for a link: what goes after `/view/`.
    pub fn token(&self, link: &ShareLink) -> String {
        let fields = format!(
            "{}|{}|{}",
            link.id,
            link.expires.as_second(),
            link.exhibition
        );
        format!(
            "{}.{}",
            URL_SAFE_NO_PAD.encode(&fields),
            URL_SAFE_NO_PAD.encode(self.tag(fields.as_bytes()))
        )
    }

    /// What a token says, if this key signed it; `None` for anything else.
    pub fn verify(&self, token: &str) -> Option<Claims> {
        let (fields, tag) = token.split_once('.')?;
        let fields = URL_SAFE_NO_PAD.decode(fields).ok()?;
        let tag = URL_SAFE_NO_PAD.decode(tag).ok()?;
        // Compared as hashes: constant time whatever the lengths.
        if blake3::hash(&tag) != blake3::hash(&self.tag(&fields)) {
            return None;
        }
        let fields = String::from_utf8(fields).ok()?;
        let mut parts = fields.splitn(3, '|');
        Some(Claims {
            id: parts.next()?.to_string(),
            expires: parts.next()?.parse().ok()?,
            exhibition: parts.next()?.to_string(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_token_verifies_under_its_key_only_and_any_change_breaks_it() {
        let key = LinkKey::from_secret(&[7; 32]);
        let now: Timestamp = "2026-11-20T02:00:00Z".parse().unwrap();
        let link = ShareLink::new("nature-covers", 30, now, "Wang").unwrap();
        let token = key.token(&link);
        let claims = key.verify(&token).unwrap();
        assert_eq!(claims.exhibition, "nature-covers");
        assert_eq!(claims.id, link.id);
        assert_eq!(claims.expires, now.as_second() + 30 * 86_400);
        assert!(LinkKey::from_secret(&[8; 32]).verify(&token).is_none());
        let (fields, tag) = token.split_once('.').unwrap();
        let other = URL_SAFE_NO_PAD.encode(format!("{}|9999999999|nature-covers", link.id));
        assert!(
            key.verify(&format!("{other}.{tag}")).is_none(),
            "a longer life"
        );
        let mut flipped = tag.to_string().into_bytes();
        flipped[0] = if flipped[0] == b'A' { b'B' } else { b'A' };
        let flipped = String::from_utf8(flipped).unwrap();
        assert!(key.verify(&format!("{fields}.{flipped}")).is_none());
        assert!(key.verify("nonsense").is_none());
        assert!(matches!(
            ShareLink::new("x", 0, now, ""),
            Err(LinkError::Days(0))
        ));
        assert!(matches!(
            ShareLink::new("x", MAX_DAYS + 1, now, ""),
            Err(LinkError::Days(_))
        ));
    }
}

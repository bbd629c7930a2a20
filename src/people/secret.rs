//! The secrets of accounts: password hashes (Argon2id with OWASP's parameters, 19 MiB, two
//! passes, one lane: `Argon2::default()`), and random tokens kept as a BLAKE3 hash (invites
//! and API tokens carry 256 random bits, so a fast hash is enough: nothing to guess offline).
//!
//! Hashing a password takes tens of milliseconds on purpose: callers run it off the async
//! executor.

use argon2::Argon2;
use argon2::password_hash::{PasswordHasher, PasswordVerifier};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;

use super::PeopleError;

/// The PHC string of `password` with a fresh salt.
pub fn hash_password(password: &str) -> Result<String, PeopleError> {
    Argon2::default()
        .hash_password(password.as_bytes())
        .map(|h| h.to_string())
        .map_err(|_| PeopleError::Hash)
}

/// Whether `password` is the one hashed in `phc` (false for a damaged hash).
pub fn verify_password(phc: &str, password: &str) -> bool {
    Argon2::default()
        .verify_password(password.as_bytes(), phc)
        .is_ok()
}

/// 256 random bits, URL-safe.
pub fn random_token() -> Result<String, PeopleError> {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes).map_err(|_| PeopleError::Random)?;
    Ok(URL_SAFE_NO_PAD.encode(bytes))
}

/// What is stored of a token.
pub fn token_hash(token: &str) -> String {
    blake3::hash(token.as_bytes()).to_hex().to_string()
}

/// Compares two stored hashes without an early exit (hashes of secrets).
pub fn same_hash(a: &str, b: &str) -> bool {
    blake3::hash(a.as_bytes()) == blake3::hash(b.as_bytes())
}

/// The prefix of every personal API token: `docent_{account}_{secret}`. Account names hold no
/// `_`, so the account is found without trying every hash.
pub const API_TOKEN_PREFIX: &str = "docent_";

/// A new API token for `account`: (the token, shown once; its stored hash; its public id).
pub fn new_api_token(account: &str) -> Result<(String, String, String), PeopleError> {
    let token = format!("{API_TOKEN_PREFIX}{account}_{}", random_token()?);
    let hash = token_hash(&token);
    let id = hash[..8].to_string();
    Ok((token, hash, id))
}

/// The account an API token claims to belong to.
pub fn api_token_account(token: &str) -> Option<&str> {
    token
        .strip_prefix(API_TOKEN_PREFIX)?
        .split_once('_')
        .map(|(a, _)| a)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_hash_verifies_its_password_and_no_other() {
        let phc = hash_password("correct horse battery staple").unwrap();
        assert!(phc.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"), "{phc}");
        assert!(verify_password(&phc, "correct horse battery staple"));
        assert!(!verify_password(&phc, "correct horse battery stapl"));
        assert!(!verify_password("garbage", "x"));
    }

    #[test]
    fn api_tokens_name_their_account() {
        let (token, hash, id) = new_api_token("wang-li").unwrap();
        assert_eq!(api_token_account(&token), Some("wang-li"));
        assert_eq!(token_hash(&token), hash);
        assert!(hash.starts_with(&id));
        assert_eq!(api_token_account("Bearer x"), None);
    }
}

//! Standard Webhooks signatures (<https://www.standardwebhooks.com>): a webhook carries
//! `webhook-id`, `webhook-timestamp` (seconds since 1970) and `webhook-signature`, which is
//! `v1,` and the base64 HMAC-SHA256 of `{id}.{timestamp}.{body}` under the secret. The secret
//! is written `whsec_` and base64 (the scheme's own form), kept in a file.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use hmac::{Hmac, Mac};
use sha2::Sha256;

#[derive(Debug, thiserror::Error)]
pub enum SecretError {
    #[error("the webhook secret file {path} cannot be read")]
    Read {
        path: std::path::PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error(
        "the webhook secret in {0} is not `whsec_` followed by base64 (such as whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw)"
    )]
    Form(std::path::PathBuf),
}

/// A webhook secret, its bytes; never printed.
pub struct Secret(Vec<u8>);

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Secret(<redacted>)")
    }
}

impl Secret {
    pub fn parse(text: &str) -> Option<Secret> {
        let b64 = text.trim().strip_prefix("whsec_")?;
        let bytes = STANDARD.decode(b64).ok()?;
        (!bytes.is_empty()).then_some(Secret(bytes))
    }

    pub fn from_file(path: &std::path::Path) -> Result<Secret, SecretError> {
        let text = std::fs::read_to_string(path).map_err(|source| SecretError::Read {
            path: path.to_path_buf(),
            source,
        })?;
        Secret::parse(&text).ok_or_else(|| SecretError::Form(path.to_path_buf()))
    }

    /// The `webhook-signature` header's value for a message.
    pub fn sign(&self, id: &str, timestamp: i64, body: &[u8]) -> String {
        let mut mac = Hmac::<Sha256>::new_from_slice(&self.0).expect("HMAC takes any key");
        mac.update(format!("{id}.{timestamp}.").as_bytes());
        mac.update(body);
        format!("v1,{}", STANDARD.encode(mac.finalize().into_bytes()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_signature_is_the_schemes_published_example() {
        // The example of the scheme's reference libraries.
        let secret = Secret::parse("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw").unwrap();
        assert_eq!(
            secret.sign(
                "msg_p5jXN8AQM9LWM0D4loKWxJek",
                1614265330,
                br#"{"test": 2432232314}"#
            ),
            "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="
        );
        assert!(Secret::parse("MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw").is_none());
        assert!(Secret::parse("whsec_***").is_none());
        assert!(!format!("{secret:?}").contains("MfKQ"));
    }
}

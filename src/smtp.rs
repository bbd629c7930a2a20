//! Sending mail over SMTP (`--smtp-url`, `--mail-from`): one small port, `Mailer`, that the
//! digests and alerts use; lettre underneath, blocking (callers run it on a blocking thread).
//!
//! URLs: `smtp://host:25` (plain, for a relay on the same network), `smtp://host:587?tls=starttls`
//! (STARTTLS, required), `smtps://host:465` (TLS from the first byte); a user and password in
//! the URL (`smtps://user:pass@host`) log in. The password never reaches a log line: `Debug`
//! shows the host only.

use std::fmt;
use std::time::Duration;

use lettre::message::Mailbox;
use lettre::{Message, SmtpTransport, Transport};

/// How long one SMTP conversation may take.
const TIMEOUT: Duration = Duration::from_secs(15);

#[derive(Debug, thiserror::Error)]
pub enum MailError {
    #[error("--smtp-url `{shown}`: {why}")]
    Url { shown: String, why: String },
    #[error("--mail-from `{0}` is not an address such as \"docent <docent@library.example.edu>\"")]
    From(String),
    #[error("`{0}` is not an e-mail address")]
    To(String),
    #[error("the message could not be put together")]
    Build(#[from] lettre::error::Error),
    #[error("the mail server did not take the message")]
    Send(#[from] lettre::transport::smtp::Error),
}

/// Where mail goes and from whom.
#[derive(Clone)]
pub struct MailSettings {
    pub url: String,
    pub from: String,
}

impl fmt::Debug for MailSettings {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MailSettings")
            .field("server", &shown(&self.url))
            .field("from", &self.from)
            .finish()
    }
}

/// A URL without its user and password, for messages.
fn shown(url: &str) -> String {
    match url::Url::parse(url) {
        Ok(mut u) => {
            let _ = u.set_username("");
            let _ = u.set_password(None);
            u.to_string()
        }
        Err(_) => "(not a URL)".into(),
    }
}

/// An SMTP connection's settings, checked; sending opens a connection each time.
pub struct Mailer {
    transport: SmtpTransport,
    from: Mailbox,
    /// The server, without credentials, for the dashboard and health.
    pub server: String,
}

impl Mailer {
    /// Checks the URL and the sender at start, so a typo stops `serve` instead of the first
    /// digest.
    pub fn new(settings: &MailSettings) -> Result<Mailer, MailError> {
        let url_error = |why: String| MailError::Url {
            shown: shown(&settings.url),
            why,
        };
        let parsed = url::Url::parse(&settings.url).map_err(|e| url_error(e.to_string()))?;
        // lettre's word for STARTTLS is `required`; people write `starttls`.
        let mut url = parsed.clone();
        let pairs: Vec<(String, String)> = parsed
            .query_pairs()
            .map(|(k, v)| {
                let v = if k == "tls" && v == "starttls" {
                    "required".to_string()
                } else {
                    v.into_owned()
                };
                (k.into_owned(), v)
            })
            .collect();
        url.set_query(None);
        if !pairs.is_empty() {
            url.query_pairs_mut().extend_pairs(pairs);
        }
        if !matches!(url.scheme(), "smtp" | "smtps") {
            return Err(url_error(
                "write smtp://host:25, smtp://host:587?tls=starttls or smtps://host:465".into(),
            ));
        }
        let transport = SmtpTransport::from_url(url.as_str())
            .map_err(|e| url_error(e.to_string()))?
            .timeout(Some(TIMEOUT))
            .build();
        let from = settings
            .from
            .parse::<Mailbox>()
            .map_err(|_| MailError::From(settings.from.clone()))?;
        Ok(Mailer {
            transport,
            from,
            server: shown(&settings.url),
        })
    }

    pub fn from(&self) -> &Mailbox {
        &self.from
    }

    /// Sends a message (blocking).
    pub fn send(&self, message: &Message) -> Result<(), MailError> {
        self.transport.send(message)?;
        Ok(())
    }
}

/// An address for the `To:` header, checked.
pub fn mailbox(address: &str) -> Result<Mailbox, MailError> {
    address
        .parse::<Mailbox>()
        .map_err(|_| MailError::To(address.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_and_senders_are_checked_and_passwords_never_shown() {
        let settings = |url: &str| MailSettings {
            url: url.into(),
            from: "docent <docent@library.example.edu>".into(),
        };
        for ok in [
            "smtp://127.0.0.1:2525",
            "smtp://mail.example.edu:587?tls=starttls",
            "smtps://docent:secret@mail.example.edu",
        ] {
            assert!(Mailer::new(&settings(ok)).is_ok(), "{ok}");
        }
        let m = Mailer::new(&settings("smtps://docent:secret@mail.example.edu")).unwrap();
        assert!(!m.server.contains("secret"), "{}", m.server);
        assert!(!format!("{:?}", settings("smtps://u:secret@h")).contains("secret"));
        assert!(matches!(
            Mailer::new(&settings("http://mail.example.edu")),
            Err(MailError::Url { .. })
        ));
        let mut bad = settings("smtp://h:25");
        bad.from = "not an address".into();
        assert!(matches!(Mailer::new(&bad), Err(MailError::From(_))));
    }
}

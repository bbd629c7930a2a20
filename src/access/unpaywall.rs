//! Free legal copies found by Unpaywall (`serve --unpaywall-email`): each story's DOI is
//! looked up in the background at start and again once its answer is a day old, and the
//! answer is cached in the store. A visitor's request never calls out: pages read the copies
//! in memory. A failed or garbled lookup keeps the last good answer (or none), so when the
//! API is down everything works as it did without it.
//!
//! The answer's shape is Unpaywall's v2 API: `is_oa`, and `best_oa_location` with `url`,
//! `url_for_pdf`, `url_for_landing_page`, `host_type`, `license` and `version`.

use std::collections::HashMap;
use std::time::Duration;

use jiff::Timestamp;
use serde::{Deserialize, Serialize};

use super::FreeCopy;

/// The public API; `--unpaywall-url` replaces it (tests use a stand-in on loopback).
pub const PUBLIC_API: &str = "https://api.unpaywall.org/v2";

/// An answer older than this is asked again.
pub const FRESH_FOR: Duration = Duration::from_secs(24 * 60 * 60);

/// What `serve` needs to look copies up.
#[derive(Debug, Clone)]
pub struct Settings {
    /// Unpaywall asks every caller for a contact address.
    pub email: String,
    pub api: String,
    /// How often the background task wakes to look for stale or new DOIs.
    pub check_every: Duration,
}

impl Settings {
    pub fn new(email: String, api: Option<String>) -> Settings {
        Settings {
            email,
            api: api.unwrap_or_else(|| PUBLIC_API.to_string()),
            check_every: Duration::from_secs(60 * 60),
        }
    }
}

/// One DOI's cached answer: when it was asked, and the copy if the paper is open access.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Checked {
    pub at: Timestamp,
    pub copy: Option<FreeCopy>,
}

impl Checked {
    pub fn is_stale(&self, now: Timestamp) -> bool {
        now.duration_since(self.at).unsigned_abs() >= FRESH_FOR
    }
}

#[derive(Debug, thiserror::Error)]
pub enum LookupError {
    #[error("the Unpaywall API could not be reached")]
    Http(#[from] ureq::Error),
    #[error("the Unpaywall API answered {0}")]
    Status(u16),
    #[error("the Unpaywall API's answer is not what v2 answers: {0}")]
    Garbled(String),
}

/// DOIs are case-insensitive; the cache and the lookups use the lower-case form.
pub fn doi_key(doi: &str) -> String {
    doi.trim().to_ascii_lowercase()
}

pub struct Client {
    settings: Settings,
    agent: ureq::Agent,
}

impl Client {
    pub fn new(settings: Settings) -> Client {
        let agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .timeout_global(Some(Duration::from_secs(15)))
            .user_agent(concat!("docent/", env!("CARGO_PKG_VERSION")))
            .build()
            .into();
        Client { settings, agent }
    }

    pub fn settings(&self) -> &Settings {
        &self.settings
    }

    /// Asks about one DOI: `Ok(None)` when the paper has no free copy (or Unpaywall does not
    /// know the DOI). Blocking.
    pub fn lookup(&self, doi: &str) -> Result<Option<FreeCopy>, LookupError> {
        // The DOI goes in the path as it is, slashes included, as Unpaywall's own examples
        // have it; anything that is not a URL path character is encoded.
        let path: String = doi
            .trim()
            .bytes()
            .map(|b| match b {
                b'A'..=b'Z'
                | b'a'..=b'z'
                | b'0'..=b'9'
                | b'/'
                | b'.'
                | b'-'
                | b'_'
                | b'('
                | b')' => (b as char).to_string(),
                other => format!("%{other:02X}"),
            })
            .collect();
        let email: String =
            url::form_urlencoded::byte_serialize(self.settings.email.as_bytes()).collect();
        let url = format!(
            "{}/{path}?email={email}",
            self.settings.api.trim_end_matches('/')
        );
        let mut response = self.agent.get(&url).call()?;
        match response.status().as_u16() {
            200 => {}
            404 => return Ok(None),
            other => return Err(LookupError::Status(other)),
        }
        let body = response
            .body_mut()
            .with_config()
            .limit(1 << 20)
            .read_to_string()?;
        parse(&body)
    }
}

#[derive(Deserialize)]
struct Answer {
    is_oa: bool,
    best_oa_location: Option<Location>,
}

#[derive(Deserialize)]
struct Location {
    url: Option<String>,
    url_for_pdf: Option<String>,
    url_for_landing_page: Option<String>,
    host_type: Option<String>,
    license: Option<String>,
    version: Option<String>,
}

/// Reads a v2 answer. Links are kept only if they are plain http(s) URLs: they end up in a
/// `Location` header and an `href`.
pub fn parse(body: &str) -> Result<Option<FreeCopy>, LookupError> {
    let answer: Answer =
        serde_json::from_str(body).map_err(|e| LookupError::Garbled(e.to_string()))?;
    if !answer.is_oa {
        return Ok(None);
    }
    let Some(at) = answer.best_oa_location else {
        return Ok(None);
    };
    let safe = |u: Option<String>| u.filter(|u| is_plain_url(u));
    let pdf = safe(at.url_for_pdf);
    let mut landing = safe(at.url_for_landing_page);
    // `url` is the PDF when there is one, else the landing page.
    if pdf.is_none() && landing.is_none() {
        landing = safe(at.url);
    }
    if pdf.is_none() && landing.is_none() {
        return Err(LookupError::Garbled(
            "is_oa is true but no usable link".into(),
        ));
    }
    Ok(Some(FreeCopy {
        pdf,
        landing,
        host_type: at.host_type,
        license: at.license,
        version: at.version,
    }))
}

fn is_plain_url(u: &str) -> bool {
    u.len() <= 2048
        && !u.chars().any(|c| c.is_control() || c.is_whitespace())
        && url::Url::parse(u)
            .is_ok_and(|p| matches!(p.scheme(), "http" | "https") && p.host().is_some())
}

/// The DOIs that need asking now: new ones, and those whose answer is stale.
pub fn due<'a>(
    dois: impl IntoIterator<Item = &'a str>,
    cache: &HashMap<String, Checked>,
    now: Timestamp,
) -> Vec<String> {
    let mut due: Vec<String> = dois
        .into_iter()
        .map(doi_key)
        .filter(|d| cache.get(d).is_none_or(|c| c.is_stale(now)))
        .collect();
    due.sort();
    due.dedup();
    due
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_v2_answer_gives_the_pdf_and_the_landing_page() {
        let body = r#"{"doi":"10.1038/nature21360","is_oa":true,"oa_status":"green",
            "best_oa_location":{"url":"https://arxiv.org/pdf/1703.01424","url_for_pdf":"https://arxiv.org/pdf/1703.01424",
            "url_for_landing_page":"https://arxiv.org/abs/1703.01424","host_type":"repository","license":null,
            "version":"submittedVersion","evidence":"oa repository (via OAI-PMH doi match)"}}"#;
        let copy = parse(body).unwrap().unwrap();
        assert_eq!(copy.link(false), Some("https://arxiv.org/pdf/1703.01424"));
        assert_eq!(copy.link(true), Some("https://arxiv.org/abs/1703.01424"));
        assert_eq!(copy.host_type.as_deref(), Some("repository"));
    }

    #[test]
    fn closed_papers_garbage_and_unsafe_links_give_no_copy() {
        assert_eq!(
            parse(r#"{"is_oa":false,"best_oa_location":null}"#).unwrap(),
            None
        );
        assert!(parse("<html>502 Bad Gateway</html>").is_err());
        assert!(parse(r#"{"is_oa":"yes"}"#).is_err());
        let sneaky = r#"{"is_oa":true,"best_oa_location":{"url":"javascript:alert(1)","url_for_pdf":null,"url_for_landing_page":"https://x.org/a\r\nSet-Cookie: a=b","host_type":"publisher","license":null,"version":null}}"#;
        assert!(parse(sneaky).is_err());
    }

    #[test]
    fn only_new_and_day_old_answers_are_due() {
        let now: Timestamp = "2026-11-20T02:00:00Z".parse().unwrap();
        let mut cache = HashMap::new();
        cache.insert(
            "10.1/fresh".to_string(),
            Checked {
                at: now - jiff::SignedDuration::from_hours(2),
                copy: None,
            },
        );
        cache.insert(
            "10.1/old".to_string(),
            Checked {
                at: now - jiff::SignedDuration::from_hours(25),
                copy: None,
            },
        );
        let dois = ["10.1/FRESH", "10.1/old", "10.1/new", "10.1/new"];
        assert_eq!(due(dois, &cache, now), vec!["10.1/new", "10.1/old"]);
    }
}

//! Who hears about an exhibition and when (`[digest]` and `[alerts]` in exhibition.toml),
//! checked at load like every other table (`load::notify_tables`).

use jiff::civil::{Time, Weekday};

/// `[digest]`: the figures by e-mail.
#[derive(Debug, Clone, PartialEq)]
pub struct DigestPlan {
    /// Addresses, checked at load.
    pub recipients: Vec<String>,
    /// Every week on this day at this hour, local time: the seven days before it.
    pub weekly: Option<(Weekday, i8)>,
    /// When a phase ends (the next one starts): that phase's days.
    pub at_phase_end: bool,
    /// The day after closing: the whole show.
    pub at_closing: bool,
}

/// `[alerts]`: a station that falls silent while the rest of the show is scanned, a sudden
/// spike, a code the catalog does not know scanned often.
#[derive(Debug, Clone, PartialEq)]
pub struct AlertPlan {
    /// Opening hours, local time; alerts are raised only between them.
    pub opens: Time,
    pub closes: Time,
    pub closed_days: Vec<Weekday>,
    /// A station is silent after this many hours without a scan...
    pub silent_hours: i64,
    /// ...while the other stations together had at least this many in the same hours.
    pub others_at_least: u64,
    /// Where a signed webhook goes (Standard Webhooks), if anywhere.
    pub webhook_url: Option<String>,
    /// The file holding the webhook secret (`whsec_` + base64), read when an alert is sent.
    pub webhook_secret_file: Option<std::path::PathBuf>,
}

/// Both tables; `None` where the file has none.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Notify {
    pub digest: Option<DigestPlan>,
    pub alerts: Option<AlertPlan>,
}

impl Notify {
    /// Who hears about the show: the digest's recipients (alerts go to them too); none
    /// without `[digest]`.
    pub fn recipients(&self) -> Vec<String> {
        self.digest
            .as_ref()
            .map(|d| d.recipients.clone())
            .unwrap_or_default()
    }
}

impl AlertPlan {
    /// Whether `at` (local) is inside the opening hours of an open day.
    pub fn is_open(&self, at: &jiff::ZonedDateTime) -> bool {
        let time = at.time();
        !self.closed_days.contains(&at.weekday()) && time >= self.opens && time < self.closes
    }
}

//! The raw file shapes serde reads `exhibition.toml` and `stories/*.toml` into, spans kept for
//! the line numbers of later problems. Unknown fields are taken here and reported by
//! `unknown`, so one typo does not hide the rest of the file's problems.

use std::collections::BTreeMap;

use serde::Deserialize;
use toml::Spanned;
use toml::value::Datetime;

/// A visitor text: language tag to its words (`title.zh`, `title.ja`, ...).
#[derive(Deserialize)]
#[serde(transparent)]
pub(super) struct RawText(pub(super) BTreeMap<String, Spanned<String>>);

#[derive(Deserialize)]
pub(super) struct RawExhibition {
    pub(super) title: Spanned<RawText>,
    pub(super) venue: Option<Spanned<RawText>>,
    pub(super) opens: Spanned<Datetime>,
    pub(super) closes: Spanned<Datetime>,
    pub(super) time_zone: Spanned<String>,
    /// The older name of `[access] proxy`; still read.
    pub(super) article_prefix: Option<Spanned<String>>,
    pub(super) access: Option<Spanned<RawAccess>>,
    pub(super) access_note: Option<Spanned<RawText>>,
    pub(super) call_to_action: Option<Spanned<RawText>>,
    /// The languages every visitor-facing text must be written in; both by default.
    pub(super) languages: Option<Spanned<Vec<Spanned<String>>>>,
    /// Languages whose texts in this file a machine translated: the page says so.
    pub(super) machine_translated: Option<Spanned<Vec<Spanned<String>>>>,
    /// The language of a visitor whose browser names none of `languages`; English by default
    /// when the show has it.
    pub(super) fallback_language: Option<Spanned<String>>,
    pub(super) scan_distance_m: Option<Spanned<f64>>,
    #[serde(default)]
    pub(super) stations: Vec<RawStation>,
    #[serde(default)]
    pub(super) phases: Vec<RawPhase>,
    /// Reaction id to its wording; the default pair when absent.
    pub(super) reactions: Option<Spanned<BTreeMap<String, Spanned<RawText>>>>,
    #[serde(default)]
    pub(super) polls: Vec<RawPoll>,
    pub(super) digest: Option<Spanned<super::notify_tables::RawDigest>>,
    pub(super) alerts: Option<Spanned<super::notify_tables::RawAlerts>>,
}

/// `[[polls]]`: a question for visitors, and when it runs.
#[derive(Deserialize)]
pub(super) struct RawPoll {
    pub(super) id: Spanned<String>,
    pub(super) question: Spanned<RawText>,
    pub(super) options: Spanned<Vec<RawPollOption>>,
    pub(super) phases: Option<Vec<Spanned<String>>>,
    pub(super) from: Option<Spanned<Datetime>>,
    pub(super) to: Option<Spanned<Datetime>>,
}

#[derive(Deserialize)]
pub(super) struct RawPollOption {
    pub(super) id: Spanned<String>,
    pub(super) label: Spanned<RawText>,
}

/// `[access]`: how visitors reach the full text (see exhibits/README.md).
#[derive(Deserialize)]
pub(super) struct RawAccess {
    pub(super) campus_networks: Option<Spanned<Vec<Spanned<String>>>>,
    pub(super) proxy: Option<Spanned<String>>,
    pub(super) proxy_encode: Option<Spanned<bool>>,
    pub(super) resolver: Option<Spanned<String>>,
}

#[derive(Deserialize)]
pub(super) struct RawStation {
    pub(super) id: Spanned<String>,
    pub(super) code: Spanned<String>,
    pub(super) place: Option<Spanned<RawText>>,
    pub(super) scan_distance_m: Option<Spanned<f64>>,
}

#[derive(Deserialize)]
pub(super) struct RawPhase {
    pub(super) id: Spanned<String>,
    pub(super) name: Option<Spanned<RawText>>,
    pub(super) starts: Spanned<Datetime>,
    pub(super) ends: Option<Spanned<Datetime>>,
    /// Station id to story id; a station's line is its story's (`serde_ignored` takes only
    /// plain keys).
    pub(super) show: Spanned<BTreeMap<String, Spanned<String>>>,
}

#[derive(Deserialize)]
pub(super) struct RawStory {
    pub(super) code: Spanned<String>,
    pub(super) cover: Spanned<String>,
    pub(super) cover_alt: Option<Spanned<RawText>>,
    #[serde(default)]
    pub(super) topics: Vec<Spanned<String>>,
    pub(super) title: Spanned<RawText>,
    pub(super) summary: Spanned<RawText>,
    pub(super) article: Spanned<RawArticle>,
    pub(super) citation: Option<Spanned<RawCitation>>,
    /// Languages whose texts in this story a machine translated: the page says so.
    pub(super) machine_translated: Option<Spanned<Vec<Spanned<String>>>>,
    /// A recording per language: language tag to a file in the exhibition folder.
    pub(super) audio: Option<Spanned<RawText>>,
    /// The recordings' words; the summary when absent.
    pub(super) transcript: Option<Spanned<RawText>>,
}

#[derive(Deserialize)]
pub(super) struct RawArticle {
    pub(super) url: Option<Spanned<String>>,
    pub(super) doi: Option<Spanned<String>>,
    /// A free, legal copy (open access, a repository, arXiv), named by hand.
    pub(super) oa_url: Option<Spanned<String>>,
}

#[derive(Deserialize)]
pub(super) struct RawCitation {
    pub(super) authors: Option<String>,
    pub(super) title: Option<String>,
    pub(super) journal: String,
    pub(super) volume: Option<String>,
    pub(super) pages: Option<String>,
    pub(super) issue_date: Option<Spanned<Datetime>>,
}

//! The raw file shapes serde reads `exhibition.toml` and `stories/*.toml` into: unknown
//! fields refused, spans kept for the line numbers of later problems.

use std::collections::BTreeMap;

use serde::Deserialize;
use toml::Spanned;
use toml::value::Datetime;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawText {
    pub(super) zh: Option<String>,
    pub(super) en: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
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
    pub(super) languages: Option<Spanned<Vec<String>>>,
    /// The language of a visitor whose browser names none of `languages`; English by default
    /// when the show has it.
    pub(super) fallback_language: Option<Spanned<String>>,
    pub(super) scan_distance_m: Option<Spanned<f64>>,
    #[serde(default)]
    pub(super) stations: Vec<RawStation>,
    #[serde(default)]
    pub(super) phases: Vec<RawPhase>,
}

/// `[access]`: how visitors reach the full text (see exhibits/README.md).
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawAccess {
    pub(super) campus_networks: Option<Spanned<Vec<Spanned<String>>>>,
    pub(super) proxy: Option<Spanned<String>>,
    pub(super) proxy_encode: Option<Spanned<bool>>,
    pub(super) resolver: Option<Spanned<String>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawStation {
    pub(super) id: Spanned<String>,
    pub(super) code: Spanned<String>,
    pub(super) place: Option<Spanned<RawText>>,
    pub(super) scan_distance_m: Option<Spanned<f64>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawPhase {
    pub(super) id: Spanned<String>,
    pub(super) name: Option<Spanned<RawText>>,
    pub(super) starts: Spanned<Datetime>,
    pub(super) ends: Option<Spanned<Datetime>>,
    pub(super) show: Spanned<BTreeMap<Spanned<String>, Spanned<String>>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawStory {
    pub(super) code: Spanned<String>,
    pub(super) cover: Spanned<String>,
    pub(super) cover_alt: Option<RawText>,
    #[serde(default)]
    pub(super) topics: Vec<String>,
    pub(super) title: Spanned<RawText>,
    pub(super) summary: Spanned<RawText>,
    pub(super) article: Spanned<RawArticle>,
    pub(super) citation: Option<RawCitation>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawArticle {
    pub(super) url: Option<Spanned<String>>,
    pub(super) doi: Option<Spanned<String>>,
    /// A free, legal copy (open access, a repository, arXiv), named by hand.
    pub(super) oa_url: Option<Spanned<String>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawCitation {
    pub(super) authors: Option<String>,
    pub(super) title: Option<String>,
    pub(super) journal: String,
    pub(super) volume: Option<String>,
    pub(super) pages: Option<String>,
    pub(super) issue_date: Option<Spanned<Datetime>>,
}

//! The "how we count" page's words, from `locales/*/privacy.ftl` (Chinese, English, Japanese),
//! with the running settings put in; and the dashboard's line on what the log keeps
//! (`locales/*/admin.ftl`, in the organizer page's language).

use crate::catalog::Lang;
use crate::i18n::{tr, tr_args, tr_static};

/// The settings the page speaks of.
pub(crate) struct Facts {
    /// The zone whose midnight replaces the daily salt.
    pub zone: String,
    /// `--retain-days`; `None` keeps every visit record.
    pub retain_days: Option<u32>,
    /// `--min-count`.
    pub min_count: u64,
}

pub(super) fn heading(lang: Lang) -> &'static str {
    tr_static(lang, "privacy-heading")
}

pub(super) fn sections(lang: Lang, f: &Facts) -> Vec<(&'static str, Vec<String>)> {
    let h = |key: &str| tr_static(lang, key);
    let p = |key: &str| tr(lang, key);
    let retention = match f.retain_days {
        Some(days) => tr_args(
            lang,
            "privacy-retention",
            &[("days", days.to_string().into())],
        ),
        None => p("privacy-retention-none"),
    };
    vec![
        (h("privacy-recorded-heading"), vec![p("privacy-recorded")]),
        (h("privacy-never-heading"), vec![p("privacy-never")]),
        (
            h("privacy-daily-id-heading"),
            vec![tr_args(
                lang,
                "privacy-daily-id",
                &[("zone", f.zone.clone().into())],
            )],
        ),
        (h("privacy-retention-heading"), vec![retention]),
        (
            h("privacy-who-heading"),
            vec![
                p("privacy-who"),
                tr_args(
                    lang,
                    "privacy-small",
                    &[("k", f.min_count.to_string().into())],
                ),
            ],
        ),
    ]
}

/// The dashboard's line on what the log keeps: `oldest` is the local date of the oldest
/// visit record left.
pub(crate) fn kept(lang: Lang, days: Option<u32>, oldest: Option<String>) -> String {
    let oldest = oldest.unwrap_or_else(|| "none".to_string());
    match days {
        Some(d) => tr_args(
            lang,
            "kept-for",
            &[("days", d.into()), ("oldest", oldest.into())],
        ),
        None => tr_args(lang, "kept-forever", &[("oldest", oldest.into())]),
    }
}

//! The "how we count" page's words, from `locales/*/privacy.ftl` (Chinese, English, Japanese),
//! with the running settings put in; and the dashboard's line on what the log keeps (Chinese
//! and English, for the organizers).

use crate::catalog::Lang;
use crate::i18n::{tr, tr_args, tr_static};
use crate::lang::ZhEn;

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
    let since = |zh: bool| match (&oldest, zh) {
        (Some(d), true) => format!("目前最早的一条来自 {d}"),
        (Some(d), false) => format!("the oldest now is from {d}"),
        (None, true) => "目前没有访问记录".to_string(),
        (None, false) => "none is kept now".to_string(),
    };
    match (lang.zh_or_en(), days) {
        (ZhEn::Zh, Some(d)) => format!(
            "访问记录保存 {d} 天（{}），更早的已删除，也不在 CSV 导出和此后的备份中；统计数字涵盖全部时间。",
            since(true)
        ),
        (ZhEn::En, Some(d)) => format!(
            "Visit records are kept for {d} days ({}); older ones are removed, from the CSV export and from backups made afterwards too, while the figures cover all time.",
            since(false)
        ),
        (ZhEn::Zh, None) => format!(
            "访问记录没有保存期限（{}）；可用 --retain-days 设定。",
            since(true)
        ),
        (ZhEn::En, None) => format!(
            "Visit records are kept without a time limit ({}); --retain-days sets one.",
            since(false)
        ),
    }
}

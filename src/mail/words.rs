//! The digest's and alert mails' words (`locales/*/mail.ftl`): every mail carries the show's
//! first two languages (`i18n::Both`), the first first.

use fluent_templates::fluent_bundle::FluentValue;
use jiff::civil::Date;

use super::period::{Kind, Period};
use crate::catalog::{Exhibition, Lang};
use crate::i18n::{self, Both, Pair};

/// The subject: the show's title and what the mail is, in both languages.
pub fn subject(e: &Exhibition, p: &Period) -> String {
    let both = Both::of(&e.languages);
    format!(
        "{}: {}",
        Both::joined(&both.text(&e.title), " · "),
        Both::joined(&what(e, p), " · ")
    )
}

/// What the period is, in words.
pub fn what(e: &Exhibition, p: &Period) -> Pair {
    Both::of(&e.languages).pair(|lang| {
        let dates = FluentValue::from(i18n::dates(lang, p.from, p.to));
        match &p.kind {
            Kind::Week => i18n::tr_args(lang, "digest-week", &[("dates", dates)]),
            Kind::Phase(id) => {
                let name = e
                    .phase(id)
                    .map_or(id.clone(), |(_, ph)| ph.name.get(lang).to_string());
                i18n::tr_args(
                    lang,
                    "digest-phase",
                    &[("phase", name.into()), ("dates", dates)],
                )
            }
            Kind::Closing => i18n::tr_args(lang, "digest-closing", &[("dates", dates)]),
            Kind::Custom => i18n::tr_args(lang, "digest-custom", &[("dates", dates)]),
        }
    })
}

/// The change against the previous period of the same length.
pub fn change(both: Both, now: u64, before: u64, days: i64) -> Pair {
    if before == 0 {
        return both.words_args("digest-change-from-zero", &[("days", days.into())]);
    }
    let pct = (now as f64 - before as f64) * 100.0 / before as f64;
    both.words_args(
        "digest-change",
        &[("pct", format!("{pct:+.0}").into()), ("days", days.into())],
    )
}

pub fn link(both: Both, days: i64, until: Date) -> Pair {
    both.words_args(
        "digest-link",
        &[("days", days.into()), ("until", until.to_string().into())],
    )
}

/// "8 views", in both languages.
pub fn views(both: Both, count: u64) -> Pair {
    both.words_args("digest-views", &[("count", count.into())])
}

/// When a plan sends, for the dashboard.
pub fn schedule(lang: Lang, plan: &crate::catalog::notify::DigestPlan) -> String {
    let mut parts = Vec::new();
    if let Some((day, hour)) = plan.weekly {
        let day = format!("{day:?}").to_lowercase();
        parts.push(i18n::tr_args(
            lang,
            "digest-weekly",
            &[("day", day.into()), ("hour", i64::from(hour).into())],
        ));
    }
    if plan.at_phase_end {
        parts.push(i18n::tr(lang, "digest-at-phase-end"));
    }
    if plan.at_closing {
        parts.push(i18n::tr(lang, "digest-at-closing"));
    }
    parts.join(&i18n::tr(lang, "digest-list-separator"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::notify::DigestPlan;

    #[test]
    fn a_plan_is_said_in_each_language() {
        let plan = DigestPlan {
            recipients: Vec::new(),
            weekly: Some((jiff::civil::Weekday::Friday, 17)),
            at_phase_end: true,
            at_closing: false,
        };
        assert_eq!(
            schedule(Lang::EN, &plan),
            "weekly on Friday at 17:00, at the end of each phase"
        );
        assert_eq!(schedule(Lang::ZH, &plan), "每周五 17:00、每个展期结束时");
        assert_eq!(
            schedule(Lang::JA, &plan),
            "毎週金曜日 17:00、各会期の終了時"
        );
    }
}

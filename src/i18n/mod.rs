//! Interface words for visitor pages, posters and labels, from the Fluent resources
//! (`resources`, `locales/*/visitor.ftl`). Content (titles, summaries) comes from the exhibit
//! files; these are the words around it.

mod both;
mod resources;
#[cfg(test)]
mod scan;

pub use both::{Both, Pair};
pub use resources::{interface, shipped, tr, tr_args, tr_static};

use std::collections::HashMap;
use std::sync::LazyLock;

use parking_lot::Mutex;

use jiff::Timestamp;
use jiff::civil::Date;
use jiff::tz::TimeZone;

use crate::lang::Lang;

/// A visitor page's words in one interface language, read from its resource once.
pub struct Ui {
    pub html_lang: &'static str,
    pub read_full: &'static str,
    /// The default of an exhibition's `access_note`, written for a library.
    pub access_note: &'static str,
    /// The default of an exhibition's `call_to_action` on posters and labels.
    pub call_to_action: &'static str,
    /// In place of the access note, for a story with a free copy (`article.oa_url`): the lead
    /// in bold, `colon`, then the note.
    pub free_lead: &'static str,
    pub free_note: &'static str,
    /// `free_note` for a copy that is the authors' manuscript, not the journal's version.
    pub free_note_authors: &'static str,
    pub colon: &'static str,
    /// The first button when it leads to a free copy.
    pub read_free: &'static str,
    /// The second button after a free copy: the library's proxy, or the publisher.
    pub read_library: &'static str,
    pub read_publisher: &'static str,
    /// The note on the campus network, off campus through the proxy, off campus without one.
    pub campus_note: &'static str,
    pub proxy_note: &'static str,
    pub off_campus_note: &'static str,
    /// The link to the library's OpenURL resolver, after the note.
    pub ask_library: &'static str,
    /// Before the RIS and BibTeX links.
    pub take_citation: &'static str,
    /// In place of the call to action, on the poster of a story with a free copy.
    pub free_call_to_action: &'static str,
    pub in_app_hint: &'static str,
    pub on_show: &'static str,
    pub whole_show: &'static str,
    pub privacy: &'static str,
    pub station: &'static str,
    pub now_showing: &'static str,
    /// Around the phase name after `now_showing`: corner quotes in Chinese, a dash in English.
    pub phase_open: &'static str,
    pub phase_close: &'static str,
    pub not_found_title: &'static str,
    pub not_found_text: &'static str,
    pub exhibitions: &'static str,
    pub topics: &'static str,
    pub cite: &'static str,
    pub manual_note: &'static str,
    pub machine_translated: &'static str,
    pub languages: &'static str,
    pub larger_text: &'static str,
    pub normal_text: &'static str,
    pub listen: &'static str,
    pub transcript: &'static str,
    pub react_heading: &'static str,
    pub thanks_reaction: &'static str,
    pub thanks_poll: &'static str,
    /// What the page sends back, and that none of it identifies a person.
    pub signals_note: &'static str,
    pub poll_closed: &'static str,
    pub poll_unknown_option: &'static str,
    pub unknown_reaction: &'static str,
    pub back: &'static str,
    /// The privacy line's link to `/how-we-count`.
    pub how_we_count: &'static str,
}

/// The words for a page in `lang` (or the nearest shipped interface language).
pub fn ui(lang: Lang) -> &'static Ui {
    static BUILT: LazyLock<Mutex<HashMap<Lang, &'static Ui>>> = LazyLock::new(Default::default);
    let lang = interface(lang);
    let mut built = BUILT.lock();
    let ui: &&'static Ui = built
        .entry(lang)
        .or_insert_with(|| Box::leak(Box::new(Ui::of(lang))));
    ui
}

impl Ui {
    fn of(lang: Lang) -> Ui {
        let w = |key: &str| -> &'static str { Box::leak(tr(lang, key).into_boxed_str()) };
        Ui {
            html_lang: w("html-lang"),
            read_full: w("read-full"),
            access_note: w("access-note"),
            call_to_action: w("call-to-action"),
            free_lead: w("free-lead"),
            free_note: w("free-note"),
            free_note_authors: w("free-note-authors"),
            colon: w("colon"),
            read_free: w("read-free"),
            read_library: w("read-library"),
            read_publisher: w("read-publisher"),
            campus_note: w("campus-note"),
            proxy_note: w("proxy-note"),
            off_campus_note: w("off-campus-note"),
            ask_library: w("ask-library"),
            take_citation: w("take-citation"),
            free_call_to_action: w("free-call-to-action"),
            in_app_hint: w("in-app-hint"),
            on_show: w("on-show"),
            whole_show: w("whole-show"),
            privacy: w("privacy"),
            station: w("station"),
            now_showing: w("now-showing"),
            phase_open: w("phase-open"),
            phase_close: w("phase-close"),
            not_found_title: w("not-found-title"),
            not_found_text: w("not-found-text"),
            exhibitions: w("exhibitions"),
            topics: w("topics"),
            cite: w("cite"),
            manual_note: w("manual-note"),
            machine_translated: w("machine-translated"),
            languages: w("languages"),
            larger_text: w("larger-text"),
            normal_text: w("normal-text"),
            listen: w("listen"),
            transcript: w("transcript"),
            react_heading: w("react-heading"),
            thanks_reaction: w("thanks-reaction"),
            thanks_poll: w("thanks-poll"),
            signals_note: w("signals-note"),
            poll_closed: w("poll-closed"),
            poll_unknown_option: w("poll-unknown-option"),
            unknown_reaction: w("unknown-reaction"),
            back: w("back"),
            how_we_count: w("how-we-count"),
        }
    }
}

/// Words holding markup (`<b>`, `<code>`) with one argument, escaped before it goes in: for
/// a template to show with `|safe` (the resources are ours).
pub fn markup(
    lang: &Lang,
    key: &str,
    (name, value): &(&'static str, impl std::fmt::Display),
) -> String {
    let value = escape(&value.to_string());
    tr_args(*lang, key, &[(name, value.into())])
}

/// Text made safe to stand inside HTML.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// The `lang` attribute of a page in `lang`: the shipped resource's (`zh-Hans` for Chinese), or
/// the show's own tag for a language docent ships no words for (its texts are still in it).
pub fn html_lang(lang: Lang) -> &'static str {
    if interface(lang) == lang {
        ui(lang).html_lang
    } else {
        lang.as_str()
    }
}

/// A calendar date as people write it in each language; never split across lines.
pub fn date(lang: Lang, d: Date) -> String {
    let month = i64::from(d.month());
    let month_name = tr_args(lang, "month-name", &[("month", month.into())]);
    tr_args(
        lang,
        "date",
        &[
            ("year", i64::from(d.year()).into()),
            ("month", month.into()),
            ("monthName", month_name.into()),
            ("day", i64::from(d.day()).into()),
        ],
    )
    .replace(' ', "\u{a0}")
}

pub fn dates(lang: Lang, from: Date, to: Date) -> String {
    tr_args(
        lang,
        "date-range",
        &[
            ("from", date(lang, from).into()),
            ("to", date(lang, to).into()),
        ],
    )
}

pub fn upcoming(lang: Lang, opens: Date) -> String {
    tr_args(lang, "upcoming", &[("date", date(lang, opens).into())])
}

pub fn closed(lang: Lang, closes: Date) -> String {
    tr_args(lang, "closed", &[("date", date(lang, closes).into())])
}

/// A time zone as a reader can tell it apart: never an abbreviation such as `CST` (China or
/// US Central?), but the zone's name with its offset from UTC at `at`: `北京时间（UTC+8）`,
/// `China Standard Time (UTC+8)`, `Europe/Berlin (UTC+1)`.
pub fn zone_label(lang: Lang, zone: &TimeZone, at: Timestamp) -> String {
    let seconds = zone.to_offset(at).seconds();
    let sign = if seconds < 0 { '-' } else { '+' };
    let (hours, minutes) = (seconds.abs() / 3600, seconds.abs() % 3600 / 60);
    let offset = match minutes {
        0 => format!("UTC{sign}{hours}"),
        m => format!("UTC{sign}{hours}:{m:02}"),
    };
    let iana = zone.iana_name().unwrap_or("UTC");
    match iana {
        "Asia/Shanghai" => tr_args(lang, "zone-shanghai", &[("offset", offset.into())]),
        _ => tr_args(
            lang,
            "zone-other",
            &[("zone", iana.to_string().into()), ("offset", offset.into())],
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date as d;

    #[test]
    fn zones_are_named_with_their_offset_never_an_abbreviation() {
        let at: Timestamp = "2026-11-20T02:00:00Z".parse().unwrap();
        let shanghai = TimeZone::get("Asia/Shanghai").unwrap();
        assert_eq!(zone_label(Lang::ZH, &shanghai, at), "北京时间（UTC+8）");
        assert_eq!(
            zone_label(Lang::EN, &shanghai, at),
            "China Standard Time (UTC+8)"
        );
        let chicago = TimeZone::get("America/Chicago").unwrap();
        assert_eq!(
            zone_label(Lang::EN, &chicago, at),
            "America/Chicago (UTC-6)"
        );
        let kolkata = TimeZone::get("Asia/Kolkata").unwrap();
        assert_eq!(
            zone_label(Lang::ZH, &kolkata, at),
            "Asia/Kolkata（UTC+5:30）"
        );
    }

    #[test]
    fn a_page_is_marked_in_its_own_language_even_without_words_of_its_own() {
        assert_eq!(html_lang(Lang::ZH), "zh-Hans");
        assert_eq!(html_lang(Lang::JA), "ja");
        let ko = Lang::parse("ko").unwrap();
        assert_eq!(html_lang(ko), "ko");
        assert_eq!(
            ui(ko).read_full,
            "Read the full paper",
            "English words around Korean texts"
        );
    }

    #[test]
    fn dates_read_naturally() {
        assert_eq!(date(Lang::ZH, d(2026, 11, 2)), "2026年11月2日");
        assert_eq!(date(Lang::EN, d(2026, 11, 2)), "2\u{a0}November\u{a0}2026");
    }
}

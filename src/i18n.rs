//! Interface strings for visitor pages, in Chinese and English. Content (titles, summaries)
//! comes from the exhibit files; these are the words around it.

use jiff::Timestamp;
use jiff::civil::Date;
use jiff::tz::TimeZone;

use crate::catalog::Lang;

pub struct Ui {
    pub html_lang: &'static str,
    pub switch_to: &'static str,
    pub switch_lang: &'static str,
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
}

pub const ZH: Ui = Ui {
    html_lang: "zh-Hans",
    switch_to: "English",
    switch_lang: "en",
    read_full: "阅读全文",
    access_note: "全文需图书馆订阅：请连接校园网，或经图书馆远程访问登录后阅读。",
    call_to_action: "扫码阅读全文",
    free_lead: "免费阅读",
    free_note: "全文对所有人开放，无需订阅，也无需登录。",
    free_note_authors: "作者公开的合法全文，对所有人开放、无需登录；排版可能与期刊正式版不同。",
    colon: "：",
    read_free: "免费阅读全文",
    read_library: "经图书馆阅读期刊版",
    read_publisher: "在出版社网站阅读",
    campus_note: "您正在使用校园网：图书馆的订阅可直接打开全文。",
    proxy_note: "您不在校园网内：请用图书馆账号登录，经图书馆的订阅阅读全文。",
    off_campus_note: "您不在校园网内：出版社网站可能要求订阅；连接校园网后可直接阅读。",
    ask_library: "无法访问？请图书馆帮忙",
    take_citation: "带走引用：",
    free_call_to_action: "扫码免费阅读全文",
    in_app_hint: "若全文在此无法打开，请点右上角「···」，选择「在浏览器中打开」。",
    on_show: "正在展出",
    whole_show: "查看全部展品",
    privacy: "本页不使用 Cookie。扫码统计只保存每日更换的匿名编号，不保存 IP 地址和浏览器信息原文。",
    station: "展位",
    now_showing: "当前展期",
    // Phase names hold colons of their own (第一期：冬季), so the name is quoted, not introduced.
    phase_open: "「",
    phase_close: "」",
    not_found_title: "没有找到这个二维码",
    not_found_text: "这个二维码没有对应的展品，可能是打印有误或链接不完整。请查看正在举办的展览：",
    exhibitions: "正在举办的展览",
    topics: "主题",
    cite: "引用",
    manual_note: "（已由工作人员手动切换）",
};

pub const EN: Ui = Ui {
    html_lang: "en",
    switch_to: "中文",
    switch_lang: "zh",
    read_full: "Read the full paper",
    access_note: "The full text needs the library's subscription: use the campus network, or sign in through the library's remote access.",
    call_to_action: "Scan to read the full paper",
    free_lead: "Free to read",
    free_note: "the full paper is open to everyone, with no subscription or sign-in.",
    free_note_authors: "a legal copy the authors made public, open to everyone with no sign-in; its layout may differ from the journal's.",
    colon: ": ",
    read_free: "Read the paper free",
    read_library: "Journal version, via the library",
    read_publisher: "Journal version, at the publisher",
    campus_note: "You are on the campus network: the library's subscription opens the full text.",
    proxy_note: "You are off the campus network: sign in with your library account to read through the library's subscription.",
    off_campus_note: "You are off the campus network: the publisher may ask for a subscription; on the campus network it opens directly.",
    ask_library: "No access? Ask the library",
    take_citation: "Take the citation: ",
    free_call_to_action: "Scan to read the full paper, free",
    in_app_hint: "If the paper does not open here, tap ··· at the top right and choose “Open in browser”.",
    on_show: "Also on show",
    whole_show: "See the whole exhibition",
    privacy: "No cookies. Scan statistics keep only an anonymous id that changes every day; no IP address or browser string is stored.",
    station: "Station",
    now_showing: "Now showing",
    phase_open: " — ",
    phase_close: "",
    not_found_title: "We do not know this code",
    not_found_text: "This QR code does not lead to an exhibit; it may be misprinted or cut short. These exhibitions are on:",
    exhibitions: "Exhibitions",
    topics: "Topics",
    cite: "Cite",
    manual_note: " (switched by staff)",
};

pub fn ui(lang: Lang) -> &'static Ui {
    match lang {
        Lang::Zh => &ZH,
        Lang::En => &EN,
    }
}

/// A calendar date as people write it in each language.
pub fn date(lang: Lang, d: Date) -> String {
    match lang {
        Lang::Zh => format!("{}年{}月{}日", d.year(), d.month(), d.day()),
        // No-break spaces: a date never splits across lines.
        Lang::En => d.strftime("%-d %B %Y").to_string().replace(' ', "\u{a0}"),
    }
}

pub fn dates(lang: Lang, from: Date, to: Date) -> String {
    let sep = match lang {
        Lang::Zh => "至",
        Lang::En => " to ",
    };
    format!("{}{sep}{}", date(lang, from), date(lang, to))
}

pub fn upcoming(lang: Lang, opens: Date) -> String {
    match lang {
        Lang::Zh => format!("展览将于{}开幕，先睹为快。", date(lang, opens)),
        Lang::En => format!(
            "The exhibition opens on {}. Here is a preview.",
            date(lang, opens)
        ),
    }
}

pub fn closed(lang: Lang, closes: Date) -> String {
    match lang {
        Lang::Zh => format!(
            "展览已于{}结束，感谢关注。以下是这里展出过的故事。",
            date(lang, closes)
        ),
        Lang::En => format!(
            "The exhibition closed on {}. Thank you for visiting; here is the story shown here.",
            date(lang, closes)
        ),
    }
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
    match (lang, iana) {
        (Lang::Zh, "Asia/Shanghai") => format!("北京时间（{offset}）"),
        (Lang::En, "Asia/Shanghai") => format!("China Standard Time ({offset})"),
        (Lang::Zh, _) => format!("{iana}（{offset}）"),
        (Lang::En, _) => format!("{iana} ({offset})"),
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
        assert_eq!(zone_label(Lang::Zh, &shanghai, at), "北京时间（UTC+8）");
        assert_eq!(
            zone_label(Lang::En, &shanghai, at),
            "China Standard Time (UTC+8)"
        );
        let chicago = TimeZone::get("America/Chicago").unwrap();
        assert_eq!(
            zone_label(Lang::En, &chicago, at),
            "America/Chicago (UTC-6)"
        );
        let kolkata = TimeZone::get("Asia/Kolkata").unwrap();
        assert_eq!(
            zone_label(Lang::Zh, &kolkata, at),
            "Asia/Kolkata（UTC+5:30）"
        );
    }

    #[test]
    fn dates_read_naturally() {
        assert_eq!(date(Lang::Zh, d(2026, 11, 2)), "2026年11月2日");
        assert_eq!(date(Lang::En, d(2026, 11, 2)), "2\u{a0}November\u{a0}2026");
    }
}

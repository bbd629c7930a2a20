//! The organizer pages' language and clock. The language is Chinese or English: `?lang=`
//! (the toggle on every page, remembered in a cookie), else that cookie, else the browser's
//! `Accept-Language` (zh first → Chinese), else English. Times are shown in the exhibition's
//! zone as `YYYY-MM-DD HH:MM`, the zone named once per page.
//!
//! Visitor pages keep their words in tables (`crate::i18n`); organizer pages have many more
//! words used once each, so they are written as pairs where they show, `t.s("Scans", "扫码次数")`,
//! and each page reads in both languages in one place.

use actix_web::cookie::{Cookie, SameSite};
use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse};
use askama::Template;
use jiff::Timestamp;
use jiff::tz::TimeZone;

use crate::catalog::Lang;

/// Remembers the language chosen with the toggle; only a preference, so readable by scripts.
pub(super) const COOKIE: &str = "docent_admin_lang";

/// What every organizer page needs to speak: its language, where the toggle leads, its zone.
pub(super) struct AdminUi {
    pub lang: Lang,
    /// `?lang=` chose the language: the response stores it in the cookie.
    chosen: bool,
    /// This page in the other language.
    toggle: String,
    zone: TimeZone,
}

impl AdminUi {
    /// The language `req` asks for, and a toggle back to the same page in the other one.
    pub fn of(req: &HttpRequest, zone: TimeZone) -> AdminUi {
        let asked = query_lang(req.query_string());
        let lang = asked
            .or_else(|| req.cookie(COOKIE).and_then(|c| parse(c.value())))
            .unwrap_or_else(|| {
                let header = req
                    .headers()
                    .get(actix_web::http::header::ACCEPT_LANGUAGE)
                    .and_then(|v| v.to_str().ok());
                from_header(header)
            });
        let mut ui = AdminUi {
            lang,
            chosen: asked.is_some(),
            toggle: String::new(),
            zone,
        };
        ui.toggle = ui.toggle_for(req.path(), req.query_string());
        ui
    }

    /// Points the toggle at `page` (a page answering a POST cannot be asked for again by GET).
    pub fn toggle_to(mut self, page: &str) -> AdminUi {
        self.toggle = self.toggle_for(page, "");
        self
    }

    fn toggle_for(&self, path: &str, query: &str) -> String {
        let mut pairs: Vec<&str> = query
            .split('&')
            .filter(|p| !p.is_empty() && !p.starts_with("lang="))
            .collect();
        let lang = format!("lang={}", self.lang.other().as_str());
        pairs.push(&lang);
        format!("{path}?{}", pairs.join("&"))
    }

    /// The text in the page's language.
    pub fn s<'a>(&self, en: &'a str, zh: &'a str) -> &'a str {
        match self.lang {
            Lang::En => en,
            Lang::Zh => zh,
        }
    }

    pub fn zh(&self) -> bool {
        self.lang == Lang::Zh
    }

    pub fn html_lang(&self) -> &'static str {
        self.s("en", "zh-Hans")
    }

    pub fn toggle_href(&self) -> &str {
        &self.toggle
    }

    /// The toggle's label, in the language it leads to.
    pub fn toggle_label(&self) -> &'static str {
        self.s("中文", "English")
    }

    /// A moment in the page's zone: `2026-12-10 10:00`.
    pub fn time(&self, t: &Timestamp) -> String {
        local(t, &self.zone)
    }

    /// The zone every time on the page is in, by name.
    pub fn zone_name(&self) -> &str {
        self.zone.iana_name().unwrap_or("UTC")
    }

    /// The page rendered, storing the language in the cookie when the toggle chose it.
    pub fn respond(&self, status: StatusCode, page: &impl Template) -> HttpResponse {
        let mut response = super::html(status, page);
        if self.chosen {
            let cookie = Cookie::build(COOKIE, self.lang.as_str())
                .path("/")
                .same_site(SameSite::Lax)
                .max_age(actix_web::cookie::time::Duration::days(365))
                .finish();
            if let Err(e) = response.add_cookie(&cookie) {
                tracing::warn!(error = %e, "language cookie not set");
            }
        }
        response
    }
}

/// A moment in `zone`, to the minute.
pub(super) fn local(t: &Timestamp, zone: &TimeZone) -> String {
    t.to_zoned_datetime(zone.clone())
        .strftime("%Y-%m-%d %H:%M")
        .to_string()
}

fn parse(value: &str) -> Option<Lang> {
    match value {
        "zh" => Some(Lang::Zh),
        "en" => Some(Lang::En),
        _ => None,
    }
}

fn query_lang(query: &str) -> Option<Lang> {
    query
        .split('&')
        .find_map(|p| p.strip_prefix("lang="))
        .and_then(parse)
}

/// Chinese when the browser ranks a zh language above English, else English (also for a
/// browser that names neither: the organizer side was English first).
fn from_header(header: Option<&str>) -> Lang {
    match header {
        Some(h) if h.to_ascii_lowercase().contains("zh") => {
            crate::visitor::pick_lang(None, Some(h), crate::catalog::Languages::default())
        }
        _ => Lang::En,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn english_unless_the_browser_prefers_chinese() {
        assert_eq!(from_header(None), Lang::En);
        assert_eq!(from_header(Some("de-DE,de;q=0.9")), Lang::En);
        assert_eq!(from_header(Some("zh-CN,zh;q=0.9,en;q=0.8")), Lang::Zh);
        assert_eq!(from_header(Some("zh-TW")), Lang::Zh);
        assert_eq!(from_header(Some("en-GB,zh;q=0.5")), Lang::En);
    }

    #[test]
    fn the_toggle_keeps_the_query() {
        let ui = AdminUi {
            lang: Lang::En,
            chosen: false,
            toggle: String::new(),
            zone: TimeZone::UTC,
        };
        assert_eq!(
            ui.toggle_for("/admin/e/x", "from=2026-11-01&lang=en"),
            "/admin/e/x?from=2026-11-01&lang=zh"
        );
        assert_eq!(ui.toggle_for("/admin", ""), "/admin?lang=zh");
    }
}

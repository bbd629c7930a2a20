//! The organizer pages' language and clock. The language is one docent ships words for
//! (Chinese, English, Japanese): `?lang=` (the links on every page, remembered in a cookie),
//! else that cookie, else the browser's `Accept-Language`, else English. Times are shown in the
//! exhibition's zone as `YYYY-MM-DD HH:MM`, the zone named once per page.
//!
//! The words are in `locales/*/admin.ftl`, looked up by key where they show: `t.t("log-out")`.

use std::fmt::Display;

use actix_web::cookie::{Cookie, SameSite};
use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse};
use askama::Template;
use fluent_templates::fluent_bundle::FluentValue;
use jiff::Timestamp;
use jiff::tz::TimeZone;

use crate::catalog::Lang;
use crate::i18n;

/// Remembers the language chosen with the toggle; only a preference, so readable by scripts.
pub(super) const COOKIE: &str = "docent_admin_lang";

/// What every organizer page needs to speak: its language, the links to it in the others, its
/// zone.
pub(super) struct AdminUi {
    pub lang: Lang,
    /// `?lang=` chose the language: the response stores it in the cookie.
    chosen: bool,
    /// This page in each other shipped language.
    links: Vec<LangLink>,
    zone: TimeZone,
}

/// A link to the same page in another language, in that language's own name.
pub(super) struct LangLink {
    pub href: String,
    pub tag: &'static str,
    pub name: &'static str,
}

impl AdminUi {
    /// The language `req` asks for, and links back to the same page in the others.
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
            links: Vec::new(),
            zone,
        };
        ui.links = ui.links_for(req.path(), req.query_string());
        ui
    }

    /// Points the language links at `page` (a page answering a POST cannot be asked for
    /// again by GET).
    pub fn toggle_to(mut self, page: &str) -> AdminUi {
        self.links = self.links_for(page, "");
        self
    }

    fn links_for(&self, path: &str, query: &str) -> Vec<LangLink> {
        let kept: Vec<&str> = query
            .split('&')
            .filter(|p| !p.is_empty() && !p.starts_with("lang="))
            .collect();
        i18n::shipped()
            .iter()
            .filter(|l| **l != self.lang)
            .map(|l| {
                let mut pairs = kept.clone();
                let lang = format!("lang={l}");
                pairs.push(&lang);
                LangLink {
                    href: format!("{path}?{}", pairs.join("&")),
                    tag: l.as_str(),
                    name: l.own_name(),
                }
            })
            .collect()
    }

    /// The words of `key` (`locales/*/admin.ftl`) in the page's language.
    pub fn t(&self, key: &str) -> &'static str {
        words(self.lang, key)
    }

    /// The words of `key` with one argument, `{ $name }`: `t.ta("scans-n", "count", n)`. A
    /// number stays a number, so plurals can select on it.
    pub fn ta(&self, key: &str, name: &'static str, value: impl Arg) -> String {
        i18n::tr_args(self.lang, key, &[(name, value.fluent())])
    }

    /// The words of `key` with two arguments.
    pub fn ta2(
        &self,
        key: &str,
        (n1, v1): &(&'static str, impl Arg),
        (n2, v2): &(&'static str, impl Arg),
    ) -> String {
        i18n::tr_args(self.lang, key, &[(n1, v1.fluent()), (n2, v2.fluent())])
    }

    /// Words holding markup (`<b>`, `<code>`), shown with `|safe`: the resources are ours.
    pub fn html(&self, key: &str) -> &'static str {
        words(self.lang, key)
    }

    /// Words holding markup with one argument, escaped before it goes in.
    pub fn html_a(&self, key: &str, (name, value): &(&'static str, impl Display)) -> String {
        let value = i18n::escape(&value.to_string());
        i18n::tr_args(self.lang, key, &[(name, value.into())])
    }

    /// Words holding markup with two arguments, each escaped.
    pub fn html_a2(
        &self,
        key: &str,
        (n1, v1): &(&'static str, impl Display),
        (n2, v2): &(&'static str, impl Display),
    ) -> String {
        let (v1, v2) = (i18n::escape(&v1.to_string()), i18n::escape(&v2.to_string()));
        i18n::tr_args(self.lang, key, &[(n1, v1.into()), (n2, v2.into())])
    }

    /// A day of the week by its name in the files (`monday`), in the page's language.
    pub fn weekday(&self, day: &str) -> &'static str {
        words(self.lang, &format!("weekday-{day}"))
    }

    pub fn html_lang(&self) -> &'static str {
        i18n::ui(self.lang).html_lang
    }

    /// The page in each other language.
    pub fn links(&self) -> &[LangLink] {
        &self.links
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

/// What a template may give Fluent as an argument: a number stays a number (plurals select on
/// it), a text stays a text. Askama hands over references, hence the impl for `&T`.
pub(super) trait Arg {
    fn fluent(&self) -> FluentValue<'static>;
}

impl<T: Arg + ?Sized> Arg for &T {
    fn fluent(&self) -> FluentValue<'static> {
        (**self).fluent()
    }
}

macro_rules! number_arg {
    ($($t:ty)*) => {$(
        impl Arg for $t {
            fn fluent(&self) -> FluentValue<'static> {
                FluentValue::from(*self)
            }
        }
    )*};
}
number_arg!(i32 i64 u32 u64 usize f64);

impl Arg for str {
    fn fluent(&self) -> FluentValue<'static> {
        FluentValue::from(self.to_string())
    }
}

impl Arg for String {
    fn fluent(&self) -> FluentValue<'static> {
        self.as_str().fluent()
    }
}

/// An organizer-side word (`locales/*/admin.ftl`).
fn words(lang: Lang, key: &str) -> &'static str {
    i18n::tr_static(lang, key)
}

/// A shipped interface language named by its tag (compared, never parsed: a cookie or a
/// query is not interned).
fn parse(value: &str) -> Option<Lang> {
    i18n::shipped()
        .iter()
        .copied()
        .find(|l| l.as_str() == value)
}

fn query_lang(query: &str) -> Option<Lang> {
    query
        .split('&')
        .find_map(|p| p.strip_prefix("lang="))
        .and_then(parse)
}

/// The shipped language the browser ranks first, else English (also for a browser that names
/// none: the organizer side was English first).
fn from_header(header: Option<&str>) -> Lang {
    let shipped = crate::catalog::Languages::new(i18n::shipped(), Some(Lang::EN));
    crate::visitor::pick_lang(None, Some(header.unwrap_or("en")), shipped)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn english_unless_the_browser_prefers_chinese() {
        assert_eq!(from_header(None), Lang::EN);
        assert_eq!(from_header(Some("de-DE,de;q=0.9")), Lang::EN);
        assert_eq!(from_header(Some("zh-CN,zh;q=0.9,en;q=0.8")), Lang::ZH);
        assert_eq!(from_header(Some("zh-TW")), Lang::ZH);
        assert_eq!(from_header(Some("en-GB,zh;q=0.5")), Lang::EN);
        assert_eq!(from_header(Some("ja-JP,ja;q=0.9")), Lang::JA);
    }

    #[test]
    fn the_language_links_keep_the_query() {
        let ui = AdminUi {
            lang: Lang::EN,
            chosen: false,
            links: Vec::new(),
            zone: TimeZone::UTC,
        };
        let links = ui.links_for("/admin/e/x", "from=2026-11-01&lang=en");
        let hrefs: Vec<&str> = links.iter().map(|l| l.href.as_str()).collect();
        assert!(
            hrefs.contains(&"/admin/e/x?from=2026-11-01&lang=zh"),
            "{hrefs:?}"
        );
        assert!(
            hrefs.contains(&"/admin/e/x?from=2026-11-01&lang=ja"),
            "{hrefs:?}"
        );
        assert!(!hrefs.iter().any(|h| h.ends_with("lang=en")), "{hrefs:?}");
        assert!(links.iter().any(|l| l.name == "日本語"));
    }

    #[test]
    fn organizer_words_come_from_the_resources() {
        assert_eq!(words(Lang::ZH, "log-out"), "退出登录");
        assert_eq!(words(Lang::JA, "log-out"), "ログアウト");
    }

    #[test]
    fn arguments_go_in_escaped_where_the_words_hold_markup() {
        let ui = AdminUi {
            lang: Lang::EN,
            chosen: false,
            links: Vec::new(),
            zone: TimeZone::UTC,
        };
        let said = ui.html_a2(
            "confirm-switch-text",
            &("to", "<i>B</i>"),
            &("from", "A & C"),
        );
        assert!(said.contains("<b>&lt;i&gt;B&lt;/i&gt;</b>"), "{said}");
        assert!(said.contains("<b>A &amp; C</b>"), "{said}");
        assert_eq!(ui.ta("overview-ago", "seconds", 3), "3 s ago");
    }
}

//! The keys the figures are broken down by, as values: a story, station or phase of the
//! catalog, an hour, a day, a device, an in-app browser, a page language, a route. Each key
//! has one name in the stats JSON and the CSV (`wechat`, `10`, `2026-11-20`), and one label
//! per language, written here once, for everything organizers read: the dashboard, the
//! charts, the report and the lobby.

use std::borrow::Cow;

use jiff::civil::Date;

use crate::access::Route;
use crate::catalog::Lang;
use crate::visitor::{Device, InApp};

/// A key of a statistics row.
pub trait Key {
    /// The name the stats JSON uses (`wechat`, `10`, `2026-11-20`); scripts rely on it.
    fn key(&self) -> Cow<'_, str>;
    /// What a person reads, in `lang`.
    fn label(&self, lang: Lang) -> Cow<'_, str>;
}

/// Keys with a fixed set of values, each listed once: every value gets a row, even at zero.
pub trait Every: Sized + 'static {
    const ALL: &'static [Self];
}

/// `ALL` for an enum, and the same list as a `match`, which stops compiling when the enum
/// gains a variant the list does not have.
macro_rules! every {
    ($ty:ident: $($variant:ident),+ $(,)?) => {
        impl Every for $ty {
            const ALL: &'static [$ty] = &[$($ty::$variant),+];
        }
        const _: fn($ty) = |v| match v {
            $($ty::$variant)|+ => {}
        };
    };
}

// The order of the rows. The six apps first known keep their place; later ones follow.
every!(Device: Phone, Tablet, Desktop, Other);
every!(InApp:
    None, WeChat, Qq, Weibo, Alipay, DingTalk, WeCom, Douyin, Feishu, Facebook, Instagram, Line,
    Xiaohongshu, Baidu, Toutiao, Taobao, Jd
);
every!(Route: Campus, Proxy, Oa, Publisher);

/// A stored name's words (`locales/*/figures.ftl`): `device-phone`, `app-wechat`, ...
fn word(lang: Lang, kind: &str, name: &str) -> Cow<'static, str> {
    crate::i18n::tr(lang, &format!("{kind}-{name}")).into()
}

impl Key for Device {
    fn key(&self) -> Cow<'_, str> {
        self.as_str().into()
    }

    fn label(&self, lang: Lang) -> Cow<'_, str> {
        word(lang, "device", self.as_str())
    }
}

impl Key for InApp {
    fn key(&self) -> Cow<'_, str> {
        self.as_str().into()
    }

    fn label(&self, lang: Lang) -> Cow<'_, str> {
        word(lang, "app", self.as_str())
    }
}

impl Key for Lang {
    fn key(&self) -> Cow<'_, str> {
        self.as_str().into()
    }

    /// Each language by its own name, as language menus write them: a reader finds theirs.
    fn label(&self, _: Lang) -> Cow<'_, str> {
        Cow::Borrowed(self.own_name())
    }
}

impl Key for Route {
    fn key(&self) -> Cow<'_, str> {
        self.as_str().into()
    }

    fn label(&self, lang: Lang) -> Cow<'_, str> {
        word(lang, "route", self.as_str())
    }
}

/// A local hour of the day, 0 to 23.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Hour(u8);

impl Hour {
    pub fn new(hour: u8) -> Option<Hour> {
        (hour < 24).then_some(Hour(hour))
    }
}

impl Every for Hour {
    const ALL: &'static [Hour] = &{
        let mut all = [Hour(0); 24];
        let mut h = 0;
        while h < 24 {
            all[h] = Hour(h as u8);
            h += 1;
        }
        all
    };
}

impl Key for Hour {
    fn key(&self) -> Cow<'_, str> {
        format!("{:02}", self.0).into()
    }

    /// The hour's start, `10:00`, in both languages.
    fn label(&self, _: Lang) -> Cow<'_, str> {
        format!("{:02}:00", self.0).into()
    }
}

/// A day is written the same in both languages: ISO dates fit under a chart's columns.
impl Key for Date {
    fn key(&self) -> Cow<'_, str> {
        self.to_string().into()
    }

    fn label(&self, _: Lang) -> Cow<'_, str> {
        self.to_string().into()
    }
}

/// A story, station or phase: its id and what the catalog calls it in each language the
/// figures are read in (the shipped interface languages).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Named {
    pub id: String,
    names: Vec<(Lang, String)>,
}

impl Named {
    pub fn new(id: &str, name: impl Fn(Lang) -> String) -> Named {
        Named {
            id: id.to_string(),
            names: crate::i18n::shipped()
                .iter()
                .map(|l| (*l, name(*l)))
                .collect(),
        }
    }

    /// One the catalog no longer has (a story since removed, say): known by its id.
    pub fn removed(id: &str) -> Named {
        Named::new(id, |_| id.to_string())
    }
}

impl Key for Named {
    fn key(&self) -> Cow<'_, str> {
        Cow::Borrowed(&self.id)
    }

    fn label(&self, lang: Lang) -> Cow<'_, str> {
        let lang = crate::i18n::interface(lang);
        let found = self.names.iter().find(|(l, _)| *l == lang);
        Cow::Borrowed(
            found
                .or(self.names.first())
                .map_or(self.id.as_str(), |(_, n)| n),
        )
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashSet;

    use super::*;

    /// Every label of `keys` in both languages: present, distinct within the language, and
    /// in Chinese not the bare key (each value has a Chinese name or a proper spelling).
    fn check<K: Key>(what: &str, keys: &[K], chinese_differs: bool) {
        assert!(!keys.is_empty(), "{what}: no values");
        for lang in [Lang::ZH, Lang::EN] {
            let mut seen = HashSet::new();
            for k in keys {
                let label = k.label(lang);
                assert!(!label.trim().is_empty(), "{what} {}: no label", k.key());
                assert!(
                    seen.insert(label.to_string()),
                    "{what}: two values called {label} in {lang:?}"
                );
                if lang == Lang::ZH && chinese_differs {
                    assert_ne!(label, k.key(), "{what}: the raw key shown in Chinese");
                }
            }
        }
        let names: HashSet<_> = keys.iter().map(|k| k.key().to_string()).collect();
        assert_eq!(names.len(), keys.len(), "{what}: two values share a key");
    }

    #[test]
    fn every_key_has_a_distinct_label_in_both_languages() {
        check("device", Device::ALL, true);
        check("in-app browser", InApp::ALL, true);
        check("language", &[Lang::ZH, Lang::EN, Lang::JA], true);
        check("route", Route::ALL, true);
        check("hour", Hour::ALL, true);
        let days: Vec<Date> = ["2026-11-20", "2026-12-31", "2027-01-01"]
            .iter()
            .map(|d| d.parse().unwrap())
            .collect();
        // A date is written alike in both languages: it is its own label.
        check("day", &days, false);
        let stories = [
            Named::new("alphago", |l| {
                if l == Lang::ZH {
                    "阿尔法围棋".into()
                } else {
                    "AlphaGo".into()
                }
            }),
            Named::removed("gone"),
        ];
        check("story", &stories[..1], true);
        check("story", &stories, false);
    }

    #[test]
    fn every_in_app_browser_has_its_chinese_name() {
        let zh: Vec<_> = InApp::ALL.iter().map(|a| a.label(Lang::ZH)).collect();
        for name in [
            "微信",
            "企业微信",
            "QQ",
            "微博",
            "支付宝",
            "钉钉",
            "抖音",
            "飞书",
            "Facebook",
            "Instagram",
            "LINE",
            "小红书",
            "百度",
            "今日头条",
            "淘宝",
            "京东",
        ] {
            assert!(zh.iter().any(|l| l == name), "{name} in {zh:?}");
        }
        assert_eq!(InApp::ALL.len(), 17);
    }

    #[test]
    fn keys_are_the_names_scripts_read() {
        assert_eq!(InApp::WeCom.key(), "wecom");
        assert_eq!(Device::Phone.key(), "phone");
        assert_eq!(Route::Oa.key(), "oa");
        assert_eq!(Hour::new(9).unwrap().key(), "09");
        assert_eq!(Hour::new(9).unwrap().label(Lang::EN), "09:00");
        assert!(Hour::new(24).is_none());
        assert_eq!(Hour::ALL.len(), 24);
        let day: Date = "2026-11-20".parse().unwrap();
        assert_eq!(day.key(), "2026-11-20");
    }
}

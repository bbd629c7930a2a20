//! Who is looking, as far as docent may know: device class, in-app browser, bot or not,
//! language, and a visitor id that cannot outlive the day.
//!
//! Pure functions over request headers; nothing here is stored raw. The user-agent rules are
//! a short list on purpose: the job is a handful of Chinese super-apps and the common preview
//! bots, not a full UA database.

use serde::{Deserialize, Serialize};

use crate::catalog::Lang;

/// A visitor within one day: a keyed hash of address and user agent under the daily salt.
/// 0 means unknown (no salt could be had).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct VisitorId(pub u64);

impl VisitorId {
    pub fn is_none(self) -> bool {
        self.0 == 0
    }
}

impl std::fmt::Display for VisitorId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:016x}", self.0)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Device {
    Phone,
    Tablet,
    Desktop,
    Other,
}

/// The app whose built-in browser shows the page, if any.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum InApp {
    None,
    WeChat,
    WeCom,
    Qq,
    Weibo,
    Alipay,
    DingTalk,
    Douyin,
    Feishu,
    Facebook,
    Instagram,
    Line,
}

impl Device {
    /// The name the statistics, the CSV export and serde use.
    pub fn as_str(self) -> &'static str {
        match self {
            Device::Phone => "phone",
            Device::Tablet => "tablet",
            Device::Desktop => "desktop",
            Device::Other => "other",
        }
    }
}

impl InApp {
    /// The name the statistics, the CSV export and serde use.
    pub fn as_str(self) -> &'static str {
        match self {
            InApp::None => "none",
            InApp::WeChat => "wechat",
            InApp::WeCom => "wecom",
            InApp::Qq => "qq",
            InApp::Weibo => "weibo",
            InApp::Alipay => "alipay",
            InApp::DingTalk => "dingtalk",
            InApp::Douyin => "douyin",
            InApp::Feishu => "feishu",
            InApp::Facebook => "facebook",
            InApp::Instagram => "instagram",
            InApp::Line => "line",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Client {
    pub device: Device,
    pub in_app: InApp,
    pub bot: bool,
}

// Checked in order: WeCom's agent also says MicroMessenger, so it comes first.
const IN_APP: &[(&str, InApp)] = &[
    ("wxwork", InApp::WeCom),
    ("micromessenger", InApp::WeChat),
    ("dingtalk", InApp::DingTalk),
    ("alipayclient", InApp::Alipay),
    ("weibo", InApp::Weibo),
    (" qq/", InApp::Qq),
    ("aweme", InApp::Douyin),
    ("bytedancewebview", InApp::Douyin),
    ("lark/", InApp::Feishu),
    ("feishu", InApp::Feishu),
    ("fban/", InApp::Facebook),
    ("fbav/", InApp::Facebook),
    ("instagram", InApp::Instagram),
    (" line/", InApp::Line),
];

/// Substrings of crawlers, link-preview fetchers, monitors and scripts.
const BOTS: &[&str] = &[
    "bot",
    "crawl",
    "spider",
    "slurp",
    "preview",
    "facebookexternalhit",
    "whatsapp",
    "telegram",
    "headlesschrome",
    "lighthouse",
    "pingdom",
    "uptime",
    "monitor",
    "curl/",
    "wget/",
    "python-",
    "go-http-client",
    "okhttp",
    "java/",
    "libwww",
    "httpclient",
    "scrapy",
    "axios",
    "node-fetch",
    "bytespider",
    "yisouspider",
    "360spider",
    "sogou",
    "baiduspider",
];

/// Classifies a request from its user agent and whether the browser said it is prefetching.
pub fn classify(user_agent: &str, prefetch: bool) -> Client {
    let ua = user_agent.to_ascii_lowercase();
    let in_app = IN_APP
        .iter()
        .find(|(needle, _)| ua.contains(needle))
        .map(|(_, app)| *app)
        .unwrap_or(InApp::None);
    let bot = ua.trim().is_empty() || prefetch || BOTS.iter().any(|b| ua.contains(b));
    Client {
        device: device(&ua),
        in_app,
        bot,
    }
}

fn device(ua: &str) -> Device {
    if ua.contains("ipad")
        || ua.contains("tablet")
        || (ua.contains("android") && !ua.contains("mobile"))
    {
        Device::Tablet
    } else if ua.contains("iphone") || ua.contains("mobile") || ua.contains("android") {
        Device::Phone
    } else if ua.contains("windows")
        || ua.contains("macintosh")
        || ua.contains("x11")
        || ua.contains("cros")
    {
        Device::Desktop
    } else {
        Device::Other
    }
}

/// The page language: an explicit `?lang=` wins, then the first zh or en in Accept-Language,
/// then Chinese (the show's home audience).
pub fn pick_lang(query: Option<&str>, accept_language: Option<&str>) -> Lang {
    match query {
        Some("en") => return Lang::En,
        Some("zh") => return Lang::Zh,
        _ => {}
    }
    let mut ranked: Vec<(f32, Lang)> = accept_language
        .unwrap_or("")
        .split(',')
        .enumerate()
        .filter_map(|(i, part)| {
            let mut bits = part.split(';');
            let tag = bits.next()?.trim().to_ascii_lowercase();
            let q = bits
                .find_map(|b| {
                    b.trim()
                        .strip_prefix("q=")
                        .and_then(|q| q.parse::<f32>().ok())
                })
                .unwrap_or(1.0);
            let lang = if tag.starts_with("zh") {
                Lang::Zh
            } else if tag.starts_with("en") {
                Lang::En
            } else {
                return None;
            };
            // Earlier entries win ties, as browsers list them in preference order.
            Some((q - i as f32 * 1e-4, lang))
        })
        .collect();
    ranked.sort_by(|a, b| b.0.total_cmp(&a.0));
    ranked.first().map(|(_, l)| *l).unwrap_or(Lang::Zh)
}

/// The day's pseudonymous visitor id: a keyed hash of client address and user agent under a
/// salt that is replaced every day, so the same phone is one visitor within a day and a
/// stranger the next.
pub fn visitor_id(salt: &[u8; 32], ip: &str, user_agent: &str) -> VisitorId {
    let mut hasher = blake3::Hasher::new_keyed(salt);
    hasher.update(ip.as_bytes());
    hasher.update(&[0]);
    hasher.update(user_agent.as_bytes());
    let hash = hasher.finalize();
    let mut first = [0u8; 8];
    first.copy_from_slice(&hash.as_bytes()[..8]);
    // 0 stands for "no id"; a hash of 0 is as good as never seen.
    VisitorId(u64::from_be_bytes(first).max(1))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_the_serde_names() {
        let serde_name = |v: serde_json::Value| v.as_str().unwrap().to_string();
        for d in [
            Device::Phone,
            Device::Tablet,
            Device::Desktop,
            Device::Other,
        ] {
            assert_eq!(d.as_str(), serde_name(serde_json::to_value(d).unwrap()));
        }
        // IN_APP names every app but None.
        let apps = IN_APP.iter().map(|(_, app)| *app).chain([InApp::None]);
        for a in apps {
            assert_eq!(a.as_str(), serde_name(serde_json::to_value(a).unwrap()));
        }
    }

    const WECHAT_IOS: &str = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 MicroMessenger/8.0.47(0x18002f2c) NetType/WIFI Language/zh_CN";
    const WECOM: &str = "Mozilla/5.0 (Linux; Android 13; V2227A Build/TP1A.220624.014; wv) AppleWebKit/537.36 Chrome/111.0 Mobile Safari/537.36 wxwork/4.1.16 MicroMessenger/7.0.1 Language/zh";
    const ANDROID_QQ: &str = "Mozilla/5.0 (Linux; U; Android 12; zh-cn; PDRM00) AppleWebKit/537.36 Chrome/98.0 Mobile Safari/537.36 V1_AND_SQ_8.9.58_4108_YYB_D QQ/8.9.58.11050 NetType/WIFI";
    const IPAD_SAFARI: &str = "Mozilla/5.0 (iPad; CPU OS 17_1 like Mac OS X) AppleWebKit/605.1.15 Version/17.1 Mobile/15E148 Safari/604.1";
    const DESKTOP: &str =
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 Chrome/131.0 Safari/537.36";

    #[test]
    fn in_app_browsers_are_named() {
        assert_eq!(classify(WECHAT_IOS, false).in_app, InApp::WeChat);
        assert_eq!(classify(WECOM, false).in_app, InApp::WeCom);
        assert_eq!(classify(ANDROID_QQ, false).in_app, InApp::Qq);
        assert_eq!(classify(DESKTOP, false).in_app, InApp::None);
    }

    #[test]
    fn devices_are_classed() {
        assert_eq!(classify(WECHAT_IOS, false).device, Device::Phone);
        assert_eq!(classify(ANDROID_QQ, false).device, Device::Phone);
        assert_eq!(classify(IPAD_SAFARI, false).device, Device::Tablet);
        assert_eq!(classify(DESKTOP, false).device, Device::Desktop);
    }

    #[test]
    fn bots_previews_and_prefetches_are_flagged() {
        for ua in [
            "Googlebot/2.1 (+http://www.google.com/bot.html)",
            "facebookexternalhit/1.1",
            "curl/8.5.0",
            "",
            "Mozilla/5.0 (compatible; Bytespider)",
        ] {
            assert!(classify(ua, false).bot, "{ua}");
        }
        assert!(!classify(WECHAT_IOS, false).bot);
        assert!(classify(WECHAT_IOS, true).bot, "a prefetch is not a view");
    }

    #[test]
    fn language_follows_the_query_then_the_header() {
        assert_eq!(pick_lang(Some("en"), Some("zh-CN,zh;q=0.9")), Lang::En);
        assert_eq!(pick_lang(None, Some("zh-CN,zh;q=0.9,en;q=0.8")), Lang::Zh);
        assert_eq!(
            pick_lang(None, Some("en-US,en;q=0.9,zh-CN;q=0.8")),
            Lang::En
        );
        assert_eq!(pick_lang(None, Some("de-DE,de;q=0.9,en;q=0.5")), Lang::En);
        assert_eq!(pick_lang(None, Some("zh;q=0.5,en;q=0.9")), Lang::En);
        assert_eq!(pick_lang(None, None), Lang::Zh);
        assert_eq!(pick_lang(Some("fr"), Some("fr")), Lang::Zh);
    }

    #[test]
    fn visitor_ids_depend_on_the_salt() {
        let a = visitor_id(&[1; 32], "10.0.0.1", WECHAT_IOS);
        assert_eq!(a, visitor_id(&[1; 32], "10.0.0.1", WECHAT_IOS));
        assert_ne!(a, visitor_id(&[2; 32], "10.0.0.1", WECHAT_IOS));
        assert_ne!(a, visitor_id(&[1; 32], "10.0.0.2", WECHAT_IOS));
        assert_eq!(a.to_string().len(), 16);
    }
}

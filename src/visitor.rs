//! Who is looking, as far as docent may know: device class, in-app browser, bot or not,
//! language, and a visitor id that cannot outlive the day.
//!
//! Pure functions over request headers; nothing here is stored raw. The user-agent rules are
//! a short list on purpose: the job is a handful of Chinese super-apps and the common preview
//! bots, not a full UA database.

use serde::{Deserialize, Serialize};

use unic_langid::LanguageIdentifier;

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
    Xiaohongshu,
    Baidu,
    Toutiao,
    Taobao,
    Jd,
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
            InApp::Xiaohongshu => "xiaohongshu",
            InApp::Baidu => "baidu",
            InApp::Toutiao => "toutiao",
            InApp::Taobao => "taobao",
            InApp::Jd => "jd",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Client {
    pub device: Device,
    pub in_app: InApp,
    pub bot: bool,
}

// Checked in order: WeCom's agent also says MicroMessenger, so it comes first; Taobao's and
// DingTalk's say UCBrowser (the engine they embed), so both come before anything else.
// UC Browser and QQ Browser (`MQQBrowser/`) are browsers of their own, not an app's webview:
// no needle here matches them, and they count as plain browsers (`none`).
const IN_APP: &[(&str, InApp)] = &[
    ("wxwork", InApp::WeCom),
    ("micromessenger", InApp::WeChat),
    ("dingtalk", InApp::DingTalk),
    ("aliapp(tb", InApp::Taobao),
    ("jdapp;", InApp::Jd),
    (" discover/", InApp::Xiaohongshu),
    ("xiaohongshu", InApp::Xiaohongshu),
    ("baiduboxapp", InApp::Baidu),
    ("newsarticle/", InApp::Toutiao),
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

/// The page language, always one of the show's: an explicit `?lang=` wins, then
/// Accept-Language by q-value, each tag matched to the show's languages as a reader expects
/// (`zh-TW` and `zh-Hant` reach Traditional Chinese when the show has it, else Chinese;
/// `en-GB` reaches English; `ja-JP` Japanese). A browser that names only languages the show
/// lacks (German, Korean, ...) gets the show's fallback (English when the show has it); one
/// that names no language at all (no header, `*`, or tags that are no known language) gets the
/// show's first language, as nothing says its reader does not read it.
pub fn pick_lang(
    query: Option<&str>,
    accept_language: Option<&str>,
    show: crate::catalog::Languages,
) -> Lang {
    let (available, full): (Vec<_>, Vec<_>) = show.all().iter().map(|l| identities(*l)).unzip();
    let chosen = |requested: &[LanguageIdentifier]| -> Option<Lang> {
        let at = best_match(requested, &available, &full)?;
        show.all().get(at).copied()
    };
    if let Some(asked) = query.and_then(|q| q.parse::<LanguageIdentifier>().ok())
        && let Some(lang) = chosen(&[asked])
    {
        return lang;
    }
    let requested = ranked_tags(accept_language.unwrap_or(""));
    if requested.is_empty() {
        return show.first();
    }
    chosen(&requested).unwrap_or(show.fallback)
}

/// The tags of an Accept-Language header that name a known language, best first (earlier
/// entries win ties, as browsers list them in preference order); `*` and q=0 left out.
fn ranked_tags(header: &str) -> Vec<LanguageIdentifier> {
    let mut ranked: Vec<(f32, LanguageIdentifier)> = header
        .split(',')
        .enumerate()
        .filter_map(|(i, part)| {
            let mut bits = part.split(';');
            let tag = bits.next()?.trim();
            let q = bits
                .find_map(|b| {
                    b.trim()
                        .strip_prefix("q=")
                        .and_then(|q| q.parse::<f32>().ok())
                })
                .unwrap_or(1.0);
            if tag.is_empty() || tag == "*" || q <= 0.0 || tag.len() > 35 {
                return None;
            }
            let id: LanguageIdentifier = tag.parse().ok()?;
            if !crate::lang::Lang::is_known_subtag(id.language.as_str()) {
                return None;
            }
            Some((q - i as f32 * 1e-4, id))
        })
        .take(16)
        .collect();
    ranked.sort_by(|a, b| b.0.total_cmp(&a.0));
    ranked.into_iter().map(|(_, id)| id).collect()
}

/// The index in `available` of the best language for `requested` (best first): for each
/// requested tag in turn, one of the same language and script (scripts filled in from likely
/// subtags, so `zh-TW` is Traditional; `full` holds `available` so), the same region preferred;
/// else what Fluent's negotiation (filtering) finds for it; last, the same language in any
/// script.
fn best_match(
    requested: &[LanguageIdentifier],
    available: &[LanguageIdentifier],
    full: &[LanguageIdentifier],
) -> Option<usize> {
    for asked in requested {
        let mut want = asked.clone();
        want.maximize();
        let same_script =
            |i: &usize| full[*i].language == want.language && full[*i].script == want.script;
        let candidates: Vec<usize> = (0..available.len()).filter(same_script).collect();
        if let Some(at) = candidates
            .iter()
            .find(|i| full[**i].region == want.region)
            .or(candidates.first())
        {
            return Some(*at);
        }
        let found = fluent_langneg::negotiate_languages(
            std::slice::from_ref(asked),
            available,
            None,
            fluent_langneg::NegotiationStrategy::Filtering,
        );
        if let Some(first) = found.first() {
            return available.iter().position(|a| a == *first);
        }
    }
    // The same language in another script (Traditional for a Simplified reader) before none.
    requested
        .iter()
        .find_map(|asked| available.iter().position(|a| a.language == asked.language))
}

/// A show language's identifier and its maximized form (likely subtags filled in), made once
/// per thread: `pick_lang` runs on every landing request, the show's languages seldom change.
fn identities(lang: Lang) -> (LanguageIdentifier, LanguageIdentifier) {
    thread_local! {
        static MADE: std::cell::RefCell<std::collections::HashMap<Lang, (LanguageIdentifier, LanguageIdentifier)>> =
            Default::default();
    }
    MADE.with(|made| {
        made.borrow_mut()
            .entry(lang)
            .or_insert_with(|| {
                let id = lang.id();
                let mut full = id.clone();
                full.maximize();
                (id, full)
            })
            .clone()
    })
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

    /// Agents as these apps send them (collected from public user-agent lists and tests).
    const XIAOHONGSHU_IOS: &str = "Mozilla/5.0 (iPhone; CPU iPhone OS 18_3_2 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 discover/9.1 Device/(Apple Inc.;iPhone15,3) NetType/WiFi";
    const XIAOHONGSHU_ANDROID: &str =
        "Mozilla/5.0 (Linux; Android 15) AppleWebKit/537.36 Mobile Safari/537.36 XiaoHongShu/8.92";
    const BAIDU_IOS: &str = "Mozilla/5.0 (iPhone; CPU iPhone OS 13_5_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 SP-engine/2.22.0 main%2F1.0 baiduboxapp/11.26.1.10 (Baidu; P2 13.5.1) NABar/1.0 webCore=0x1327ad770";
    const BAIDU_ANDROID: &str = "Mozilla/5.0 (Linux; Android 9; STK-AL00 Build/HUAWEISTK-AL00; wv) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/76.0.3809.89 Mobile Safari/537.36 T7/11.20 SP-engine/2.16.0 baiduboxapp/11.20.0.14 (Baidu; P1 9) NABar/1.0";
    const TOUTIAO_IOS: &str = "Mozilla/5.0 (iPhone; CPU iPhone OS 15_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 NewsArticle/9.1.9.20 JsSdk/2.0 NetType/WIFI (News 9.1.9 15.100000)";
    const TOUTIAO_ANDROID: &str = "Mozilla/5.0 (Linux; Android 12; PGBM10 Build/SP1A.210812.016; wv) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/97.0.4692.98 Mobile Safari/537.36 JsSdk/2 NewsArticle/9.1.0 NetType/wifi";
    const TAOBAO_ANDROID: &str = "Mozilla/5.0 (Linux; U; Android 15; zh-CN; 24031PN0DC Build/AQ3A.240627.003) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/100.0.4896.58 UWS/5.18.6.0 Mobile Safari/537.36 AliApp(TB/10.48.30.2079) UCBS/2.11.1.1 TTID/600000@taobao_android_10.48.30.2079 WindVane/8.5.0 Themis/1.7.168";
    const TAOBAO_OLD: &str = "Mozilla/5.0 (Linux; U; Android 4.4.4; en-us; vivo X5Max Build/KTU84P) AppleWebKit/534.30 (KHTML, like Gecko) Version/4.0 UCBrowser/1.0.0.100 U3/0.8.0 Mobile Safari/534.30 AliApp(TB/6.5.0) WindVane/8.0.0 1080X1920 GCanvas/1.4.2.21";
    const TAOBAO_IOS: &str = "Mozilla/5.0 (iPhone; CPU iPhone OS 15_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 AliApp(TB/10.14.0) WindVane/8.7.2 UT4Aplus/0.0.4 828x1792 WK";
    const JD_IOS: &str = "jdapp;iPhone;10.1.2;15.0;network/wifi;Mozilla/5.0 (iPhone; CPU iPhone OS 15_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148;supportJDSHWK/1";
    const ALIPAY_IOS: &str = "Mozilla/5.0 (iPhone; CPU iPhone OS 15_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 AlipayClient/2.x NetType/WIFI";
    const DINGTALK_ANDROID: &str = "Mozilla/5.0 (Linux; U; Android 8.1.0; zh-CN; COL-AL10 Build/HUAWEICOL-AL10) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/40.0.2214.89 UCBrowser/11.6.4.950 UWS/2.11.0.47 Mobile Safari/537.36 AliApp(DingTalk/4.3.7) com.alibaba.android.rimet/0 Channel/227200 language/zh-CN";
    const WECHAT_ANDROID_TBS: &str = "Mozilla/5.0 (Linux; U; Android 4.4.4; zh-cn; MI 4W Build/KTU84P) AppleWebKit/533.1 (KHTML, like Gecko)Version/4.0 MQQBrowser/5.4 TBS/025469 Mobile Safari/533.1 MicroMessenger/6.2.5.53_r2565f18.621 NetType/WIFI Language/zh_CN";
    const QQ_BROWSER: &str = "Mozilla/5.0 (Linux; U; Android 4.4.4; zh-cn; MI 4W Build/KTU84P) AppleWebKit/537.36 (KHTML, like Gecko)Version/4.0 MQQBrowser/6.0 Mobile Safari/537.36";
    const UC_BROWSER: &str = "Mozilla/5.0 (iPhone; CPU iPhone OS 9_3_3 like Mac OS X; zh-CN) AppleWebKit/537.51.1 (KHTML, like Gecko) Mobile/13G34 UCBrowser/10.9.19.815 Mobile";

    #[test]
    fn the_big_chinese_apps_are_named_and_standalone_browsers_are_not_apps() {
        for (ua, app) in [
            (XIAOHONGSHU_IOS, InApp::Xiaohongshu),
            (XIAOHONGSHU_ANDROID, InApp::Xiaohongshu),
            (BAIDU_IOS, InApp::Baidu),
            (BAIDU_ANDROID, InApp::Baidu),
            (TOUTIAO_IOS, InApp::Toutiao),
            (TOUTIAO_ANDROID, InApp::Toutiao),
            (TAOBAO_ANDROID, InApp::Taobao),
            (TAOBAO_OLD, InApp::Taobao),
            (TAOBAO_IOS, InApp::Taobao),
            (JD_IOS, InApp::Jd),
            (ALIPAY_IOS, InApp::Alipay),
            (DINGTALK_ANDROID, InApp::DingTalk),
            (WECHAT_ANDROID_TBS, InApp::WeChat),
            (ANDROID_QQ, InApp::Qq),
            (QQ_BROWSER, InApp::None),
            (UC_BROWSER, InApp::None),
        ] {
            let client = classify(ua, false);
            assert_eq!(client.in_app, app, "{ua}");
            assert!(!client.bot, "a person, not a bot: {ua}");
            assert_eq!(client.device, Device::Phone, "{ua}");
        }
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
    fn language_follows_the_query_then_the_header_then_the_show() {
        use crate::catalog::Languages;
        let (zh, en, ja) = (Lang::ZH, Lang::EN, Lang::JA);
        let both = Languages::default();
        let pick = |q, h| pick_lang(q, h, both);
        assert_eq!(pick(Some("en"), Some("zh-CN,zh;q=0.9")), en);
        assert_eq!(pick(None, Some("zh-CN,zh;q=0.9,en;q=0.8")), zh);
        assert_eq!(pick(None, Some("en-US,en;q=0.9,zh-CN;q=0.8")), en);
        assert_eq!(pick(None, Some("de-DE,de;q=0.9,en;q=0.5")), en);
        assert_eq!(pick(None, Some("zh;q=0.5,en;q=0.9")), en);
        assert_eq!(pick(None, Some("zh-TW,zh;q=0.9")), zh);
        assert_eq!(pick(None, Some("zh-Hant")), zh);
        assert_eq!(pick(None, Some("en-GB")), en);
        // Only languages the show lacks: its fallback, English.
        assert_eq!(pick(None, Some("de-DE")), en);
        assert_eq!(pick(None, Some("ja-JP,ja;q=0.9")), en);
        assert_eq!(pick(Some("fr"), Some("fr")), en);
        // A language refused with q=0 is not asked for.
        assert_eq!(pick(None, Some("en;q=0,zh;q=0.1")), zh);
        // Nothing named, or nothing that is a language: the show's first language.
        assert_eq!(pick(None, None), zh);
        assert_eq!(pick(None, Some("")), zh);
        assert_eq!(pick(None, Some("*")), zh);
        assert_eq!(pick(None, Some("xx-unknown")), zh);
        // A show that falls back to Chinese, or is English first.
        let zh_fallback = Languages::new(&[zh, en], Some(zh));
        assert_eq!(pick_lang(None, Some("de-DE"), zh_fallback), zh);
        let english_first = Languages::new(&[en, zh], None);
        assert_eq!(pick_lang(None, None, english_first), en);
        assert_eq!(pick_lang(None, Some("zh-CN"), english_first), zh);
        // Japanese and English, no Chinese at all.
        let ja_en = Languages::new(&[ja, en], None);
        assert_eq!(pick_lang(None, Some("ja"), ja_en), ja);
        assert_eq!(pick_lang(None, Some("ja-JP"), ja_en), ja);
        assert_eq!(pick_lang(None, Some("en"), ja_en), en);
        assert_eq!(pick_lang(None, Some("zh-CN"), ja_en), en);
        assert_eq!(pick_lang(None, Some("xx"), ja_en), ja);
        assert_eq!(pick_lang(Some("ja"), Some("en"), ja_en), ja);
        // Simplified and Traditional side by side.
        let hant = Lang::parse("zh-Hant").unwrap();
        let three = Languages::new(&[zh, hant, en], None);
        assert_eq!(pick_lang(None, Some("zh-TW"), three), hant);
        assert_eq!(pick_lang(None, Some("zh-HK,en;q=0.5"), three), hant);
        assert_eq!(pick_lang(None, Some("zh-CN"), three), zh);
        assert_eq!(pick_lang(None, Some("zh"), three), zh);
        // Only Traditional: a Chinese reader gets it rather than English.
        let only_hant = Languages::new(&[hant, en], None);
        assert_eq!(pick_lang(None, Some("zh-CN"), only_hant), hant);
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

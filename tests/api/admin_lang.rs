//! The organizer side in Chinese and English: the browser's language, the `?lang=` toggle kept
//! in a cookie, and every time shown in the exhibition's zone.

use crate::helpers::*;

const COOKIE: &str = "docent_admin_lang";

/// An admin page as a browser with `headers` asks for it.
fn admin_as(app: &TestApp, path: &str, headers: &[(&str, &str)]) -> Reply {
    let auth = basic("curator", PASSWORD);
    let mut all = vec![("Authorization", auth.as_str())];
    all.extend_from_slice(headers);
    app.get_as(path, ANDROID_CHROME, &all)
}

const ZH_BROWSER: (&str, &str) = ("Accept-Language", "zh-CN,zh;q=0.9,en;q=0.8");

#[test]
fn a_chinese_browser_gets_chinese_and_the_toggle_switches_to_english_for_good() {
    let app = spawn_app(IN_PHASE_1);

    let zh = admin_as(&app, "/admin/e/nature-covers", &[ZH_BROWSER]);
    assert_eq!(zh.status, 200);
    assert!(zh.body.contains("<html lang=\"zh-Hans\">"), "{}", zh.body);
    for heading in [
        "<h2>展期</h2>",
        "<h2>按故事</h2>",
        "<h2>按展位</h2>",
        "<h2>只读链接</h2>",
    ] {
        assert!(zh.body.contains(heading), "{heading} in {}", zh.body);
    }
    assert!(zh.body.contains("扫码次数") && zh.body.contains("每日访客"));
    assert!(zh.body.contains("全文打开次数") && zh.body.contains("打开率"));
    assert!(
        zh.body.contains("每日扫码与全文打开次数"),
        "chart title in Chinese"
    );
    assert!(!zh.body.contains("<h2>By story</h2>"));
    assert!(
        zh.body.contains("href=\"/admin/e/nature-covers?lang=en\""),
        "a toggle to English"
    );
    assert!(
        zh.header("set-cookie").is_empty(),
        "following the browser sets nothing"
    );

    // The toggle: English now, and the cookie keeps it for the next page.
    let en = admin_as(&app, "/admin/e/nature-covers?lang=en", &[ZH_BROWSER]);
    assert!(en.body.contains("<html lang=\"en\">"));
    assert!(en.body.contains("<h2>By story</h2>"), "{}", en.body);
    assert!(en.body.contains("Scans and article opens by day"));
    let set = en.header("set-cookie");
    assert!(set.starts_with(&format!("{COOKIE}=en")), "{set}");
    assert!(
        set.contains("SameSite=Lax") && set.contains("Path=/"),
        "{set}"
    );
    let cookie = format!("{COOKIE}=en");
    let kept = admin_as(&app, "/admin", &[ZH_BROWSER, ("Cookie", &cookie)]);
    assert!(kept.body.contains("<h1>Exhibitions</h1>"), "{}", kept.body);
    assert!(
        kept.body
            .contains("href=\"/admin?lang=zh\" lang=\"zh\" hreflang=\"zh\">中文</a>"),
        "{}",
        kept.body
    );
    // Japanese too, from the same resources, and its links to the others.
    let ja = admin_as(&app, "/admin?lang=ja", &[("Cookie", &cookie)]);
    assert!(ja.body.contains("<html lang=\"ja\">"), "{}", ja.body);
    assert!(ja.body.contains("<h1>展示</h1>"), "{}", ja.body);
    assert!(ja.body.contains("展示ファイル"), "{}", ja.body);
    assert!(ja.body.contains(">English</a>") && ja.body.contains(">中文</a>"));

    // And back to Chinese with the other toggle.
    let back = admin_as(&app, "/admin?lang=zh", &[("Cookie", &cookie)]);
    assert!(back.body.contains("<h1>展览</h1>"), "{}", back.body);
    assert!(
        back.header("set-cookie")
            .starts_with(&format!("{COOKIE}=zh"))
    );
}

#[test]
fn english_is_the_default_and_the_overview_follows_the_browser() {
    let app = spawn_app(IN_PHASE_1);
    let plain = app.admin_get("/admin");
    assert!(plain.body.contains("<h1>Exhibitions</h1>"));
    assert!(
        plain
            .body
            .contains("Live phase: <b>Phase 1: 2016 covers</b>")
    );
    let other = admin_as(&app, "/admin", &[("Accept-Language", "de-DE,de;q=0.9")]);
    assert!(other.body.contains("<h1>Exhibitions</h1>"));

    let zh = admin_as(&app, "/admin", &[ZH_BROWSER]);
    assert!(zh.body.contains("<h1>展览</h1>"), "{}", zh.body);
    assert!(zh.body.contains("当前展期：<b>第一期：2016年封面</b>"));
    assert!(zh.body.contains("展品文件") && zh.body.contains("立即重新载入展品文件"));
    assert!(
        !zh.body.contains("Log out"),
        "no English left in the header"
    );

    let login = app.get_as("/login", ANDROID_CHROME, &[ZH_BROWSER]);
    assert!(login.body.contains(">登录</button>"), "{}", login.body);
    assert!(app.get("/login").body.contains(">Log in</button>"));
}

#[test]
fn times_are_local_to_the_exhibition_and_the_zone_is_named() {
    let exhibits = demo_copy(|s| format!("{s}\n# A copy with a kept version.\n"));
    // A kept version saved at 02:00 UTC: 10:00 in Beijing.
    let history = exhibits.path().join("nature-covers/.history");
    std::fs::create_dir_all(&history).unwrap();
    std::fs::write(
        history.join("20261120T020000.000000Z--curator--stories__alphago.toml.bak"),
        // Not empty: an empty entry is what a save on a full disk once left, removed at start.
        "code = \"GO16\"\n",
    )
    .unwrap();
    let app = spawn_app_with(exhibits, IN_PHASE_1);
    let page = app.admin_get("/admin/e/nature-covers");
    assert!(
        page.body
            .contains("<td>2026-11-20 10:00</td><td>curator</td><td>stories/alphago.toml</td>"),
        "{}",
        page.body
    );
    assert!(!page.body.contains("<td>20261120T"), "no raw stamp shown");
    assert_eq!(
        page.body.matches("Asia/Shanghai").count(),
        1,
        "the zone named once"
    );

    let overview = app.admin_get("/admin");
    assert!(overview.body.contains("Asia/Shanghai"));
    let loaded = overview.body.split("loaded at ").nth(1).unwrap_or("");
    assert!(
        loaded.len() > 16 && loaded.as_bytes()[10] == b' ' && loaded.as_bytes()[16] == b'.',
        "YYYY-MM-DD HH:MM: {loaded:.40}"
    );
}

const WECOM: &str = "Mozilla/5.0 (Linux; Android 13; V2227A Build/TP1A.220624.014; wv) AppleWebKit/537.36 Chrome/111.0 Mobile Safari/537.36 wxwork/4.1.16 MicroMessenger/7.0.1 Language/zh";
const DOUYIN: &str = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 aweme_29.1.0 JsSdk/2.0 NetType/WIFI";
const LINE: &str = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 Safari Line/13.20.0";

#[test]
fn every_in_app_browser_is_named_on_the_dashboard_in_both_languages() {
    let app = spawn_app(IN_PHASE_1);
    for ua in [WECOM, DOUYIN, LINE] {
        assert_eq!(app.get_as("/s/NCA1", ua, &[]).status, 200);
    }

    let json = app.admin_get("/admin/api/stats/nature-covers");
    let stats: serde_json::Value = serde_json::from_str(&json.body).unwrap();
    for key in ["wecom", "douyin", "line"] {
        let row = stats["by_app"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["key"] == key)
            .unwrap_or_else(|| panic!("no {key} in {stats}"));
        assert_eq!(row["scans"], 1, "the JSON keeps its keys: {row}");
    }

    for (lang, names) in [
        ("zh", ["企业微信", "抖音", "LINE"]),
        ("en", ["WeCom", "Douyin", "LINE"]),
    ] {
        let page = admin_as(&app, &format!("/admin/e/nature-covers?lang={lang}"), &[]);
        assert_eq!(page.status, 200);
        for name in names {
            let cell = format!("<td>{name}</td><td class=\"n\">1</td>");
            assert!(
                page.body.contains(&cell),
                "{cell} ({lang}) in {}",
                page.body
            );
        }
        for raw in ["wecom", "douyin", "line"] {
            let cell = format!("<td>{raw}</td>");
            assert!(!page.body.contains(&cell), "raw key {cell} shown ({lang})");
        }
    }
}

//! The visitor's path: codes, rotation, language, covers, the article redirect.
//!
//! Longer than 500 lines because it covers every visitor path (devices, apps, languages, phases), one short scenario each.

use crate::helpers::*;

#[test]
fn a_station_code_shows_the_story_of_the_phase_on_each_side_of_the_boundary() {
    let app = spawn_app(IN_PHASE_1);
    let before = app.get_as(
        "/s/NCA1",
        ANDROID_CHROME,
        &[("Accept-Language", "en-US,en;q=0.9")],
    );
    assert_eq!(before.status, 200);
    assert!(
        heading(&before.body).contains("AlphaGo"),
        "{}",
        heading(&before.body)
    );
    assert!(!heading(&before.body).contains("Zero"));

    app.clock
        .set(at(PHASE_2_STARTS) - jiff::SignedDuration::from_secs(1));
    let just_before = app.get_as("/s/NCA1", ANDROID_CHROME, &[("Accept-Language", "en")]);
    assert_eq!(heading(&just_before.body), heading(&before.body));

    app.clock.set(at(PHASE_2_STARTS));
    let after = app.get_as("/s/NCA1", ANDROID_CHROME, &[("Accept-Language", "en")]);
    assert_eq!(after.status, 200);
    assert!(
        heading(&after.body).contains("Zero"),
        "{}",
        heading(&after.body)
    );
}

#[test]
fn codes_are_case_insensitive_and_story_codes_always_show_their_story() {
    let app = spawn_app(IN_PHASE_1);
    let upper = app.get("/s/NCA1");
    let lower = app.get("/s/nca1");
    assert_eq!(heading(&upper.body), heading(&lower.body));
    assert_eq!(
        app.get("/S/NCA1").status,
        200,
        "an all-upper-case URL works too"
    );

    // The story code of AlphaGo Zero shows it even in phase 1, when no station holds it.
    let story = app.get_as("/s/goz17", ANDROID_CHROME, &[("Accept-Language", "en")]);
    assert_eq!(story.status, 200);
    assert!(heading(&story.body).contains("Zero"));
    app.clock.set(at(PHASE_2_STARTS));
    let story_later = app.get_as("/s/GOZ17", ANDROID_CHROME, &[("Accept-Language", "en")]);
    assert_eq!(heading(&story_later.body), heading(&story.body));
}

#[test]
fn unknown_and_malformed_codes_get_a_friendly_404_counted_apart() {
    let app = spawn_app(IN_PHASE_1);
    for path in ["/s/NOPE99", "/s/..%2F..%2Fetc", "/s/x", "/s/%3Cscript%3E"] {
        let reply = app.get(path);
        assert_eq!(reply.status, 404, "{path}");
        assert!(
            reply.body.contains("没有找到这个二维码"),
            "{path}: a page, not a bare 404"
        );
        assert!(
            reply.body.contains("/e/nature-covers"),
            "{path}: points to the show"
        );
        assert!(!reply.body.contains("<script>"));
    }
    let unknown = app.store.unknown_codes(None);
    assert_eq!(unknown.iter().map(|u| u.2).sum::<u64>(), 4, "{unknown:?}");
    assert!(
        unknown
            .iter()
            .any(|(day, code, n)| code == "NOPE99" && *n == 1 && day.to_string() == "2026-11-20"),
        "counted by day and code: {unknown:?}"
    );
    assert!(
        app.store.scans().unwrap().is_empty(),
        "unknown codes are not scans"
    );
    assert_eq!(app.get("/no/such/page").status, 404);
}

#[test]
fn before_the_show_and_after_it_a_code_still_answers_helpfully() {
    let app = spawn_app("2026-10-01T02:00:00Z");
    let early = app.get_as("/s/NCB1", ANDROID_CHROME, &[("Accept-Language", "en")]);
    assert_eq!(early.status, 200);
    assert!(
        early.body.contains("opens on 2\u{a0}November\u{a0}2026"),
        "{}",
        early.body
    );
    assert!(
        heading(&early.body).contains("Proxima"),
        "the first phase's story as a preview"
    );

    app.clock.set(at("2027-02-01T02:00:00Z"));
    let late = app.get_as("/s/NCB1", ANDROID_CHROME, &[("Accept-Language", "en")]);
    assert_eq!(late.status, 200);
    assert!(
        late.body.contains("closed on 8\u{a0}January\u{a0}2027"),
        "{}",
        late.body
    );
    assert!(
        late.body.contains("/go/NCB1"),
        "the paper is still one tap away"
    );
    let zh = app.get_as("/s/NCB1", ANDROID_CHROME, &[("Accept-Language", "zh-CN")]);
    assert!(zh.body.contains("展览已于2027年1月8日结束"));
    let scans = app.store.scans().unwrap();
    let states: Vec<_> = scans.iter().map(|s| format!("{:?}", s.state)).collect();
    assert_eq!(states, ["Upcoming", "Closed", "Closed"]);
}

#[test]
fn the_page_follows_the_phone_language_and_has_a_toggle() {
    let app = spawn_app(IN_PHASE_1);
    let zh = app.get_as(
        "/s/GO16",
        ANDROID_CHROME,
        &[("Accept-Language", "zh-CN,zh;q=0.9,en;q=0.8")],
    );
    assert!(zh.body.contains(r#"<html lang="zh-Hans">"#));
    assert!(zh.body.contains("阅读全文"));
    assert!(
        zh.body.contains(r#"href="?lang=en"#),
        "a visible toggle to English"
    );
    let en = app.get_as(
        "/s/GO16",
        ANDROID_CHROME,
        &[("Accept-Language", "en-GB,en;q=0.9")],
    );
    assert!(en.body.contains(r#"<html lang="en">"#));
    assert!(en.body.contains("Read the full paper"));
    assert!(
        zh.body.contains("<li>人工智能</li>")
            && !zh.body.contains("<li>Artificial intelligence</li>"),
        "topics in Chinese"
    );
    assert!(
        en.body.contains("<li>Artificial intelligence</li>")
            && !en.body.contains("<li>人工智能</li>"),
        "topics in English"
    );
    let forced = app.get_as(
        "/s/GO16?lang=zh",
        ANDROID_CHROME,
        &[("Accept-Language", "en")],
    );
    assert!(forced.body.contains("阅读全文"));
}

#[test]
fn the_landing_page_is_small_and_complete() {
    let app = spawn_app(IN_PHASE_1);
    let page = app.get_as("/s/NCA1", ANDROID_CHROME, &[("Accept-Language", "en")]);
    assert!(
        page.body.len() < 12_000,
        "HTML is {} bytes",
        page.body.len()
    );
    assert!(page.body.contains("/go/NCA1"), "read-the-paper button");
    assert!(
        page.body.contains("doi:10.1038/nature16961"),
        "citation with DOI"
    );
    assert!(page.body.contains("campus network"), "subscription note");
    let cover = &page.body[page.body.find(r#"<img class="cover""#).unwrap()..];
    let alt = &cover[cover.find("alt=\"").unwrap() + 5..];
    assert!(
        alt.starts_with("Generated abstract art"),
        "the cover has alt text: {}",
        &alt[..40]
    );
    assert!(
        page.body.contains("/e/nature-covers"),
        "link to the whole show"
    );
    assert!(page.body.contains("Also on show"), "the other stories");
    assert_eq!(
        page.body.matches("via=list").count(),
        5,
        "five other stations' stories"
    );
    assert!(!page.body.contains("<script"), "no JavaScript");
    assert!(
        !page.body.contains("Open in browser"),
        "no in-app hint in a normal browser"
    );
    assert_eq!(page.header("cache-control"), "no-store");
    assert!(
        page.header("content-security-policy")
            .contains("default-src 'none'")
    );

    let wechat = app.get_as("/s/NCA1", IPHONE_WECHAT, &[("Accept-Language", "en")]);
    assert!(
        wechat.body.contains("Open in browser"),
        "WeChat gets the hint"
    );
}

#[test]
fn covers_are_resized_jpegs_cached_for_a_year() {
    let app = spawn_app(IN_PHASE_1);
    let page = app.get("/s/GO16");
    let start = page
        .body
        .find("/cover/nature-covers/alphago/480?v=")
        .unwrap();
    let end = page.body[start..].find('"').unwrap() + start;
    let url = &page.body[start..end];
    let reply = read_bytes(&app, url);
    assert_eq!(reply.0, 200);
    assert_eq!(reply.1, "image/jpeg");
    assert!(reply.2.contains("immutable"));
    let img = image::load_from_memory(&reply.3).unwrap();
    assert_eq!(img.width(), 480);
    assert!(
        reply.3.len() < 80_000,
        "thumbnail is {} bytes",
        reply.3.len()
    );
    assert_eq!(
        app.get("/cover/nature-covers/alphago/333").status,
        404,
        "only offered widths"
    );
    assert_eq!(
        app.get("/cover/nature-covers/..%2Fexhibition/480").status,
        404
    );
}

fn read_bytes(app: &TestApp, path: &str) -> (u16, String, String, Vec<u8>) {
    let mut response = ureq::get(format!("{}{path}", app.base)).call().unwrap();
    let h = |n: &str| {
        response
            .headers()
            .get(n)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .to_string()
    };
    let (ct, cc) = (h("content-type"), h("cache-control"));
    let bytes = response.body_mut().read_to_vec().unwrap();
    (response.status().as_u16(), ct, cc, bytes)
}

#[test]
fn the_open_redirect_goes_to_the_article_behind_the_access_prefix() {
    let app = spawn_app(IN_PHASE_1);
    let plain = app.get("/go/GO16");
    assert_eq!(plain.status, 302);
    assert_eq!(
        plain.header("location"),
        "https://www.nature.com/articles/nature16961"
    );

    let proxied = demo_copy(|t| {
        t.replace(
            "# article_prefix = \"https://proxy.example.edu/login?url=\"",
            "article_prefix = \"https://proxy.example.edu/login?url=\"",
        )
    });
    let app = spawn_app_with(proxied, IN_PHASE_1);
    let reply = app.get("/go/nca1");
    assert_eq!(reply.status, 302);
    assert_eq!(
        reply.header("location"),
        "https://proxy.example.edu/login?url=https://www.nature.com/articles/nature16961"
    );
    assert_eq!(
        app.get("/go/UNKNOWN1").status,
        404,
        "no open redirect for unknown codes"
    );
}

#[test]
fn the_exhibition_page_lists_what_is_on_show_now() {
    let app = spawn_app(IN_PHASE_1);
    let page = app.get_as(
        "/e/nature-covers",
        ANDROID_CHROME,
        &[("Accept-Language", "en")],
    );
    assert_eq!(page.status, 200);
    assert_eq!(
        page.body.matches("<li><a href=\"/s/").count(),
        6,
        "one card per station"
    );
    assert!(page.body.contains("Phase 1"));
    let zh = app.get("/e/nature-covers?lang=zh").body;
    assert!(
        zh.contains("<h2>当前展期「第一期：2016年封面」</h2>"),
        "one colon, the phase name's own: {zh}"
    );
    assert!(page.body.contains("<h2>Now showing — Phase 1"));
    assert_eq!(app.get("/e/no-such-show").status, 404);
    let home = app.get("/");
    assert_eq!(home.status, 302, "a single show: / goes to it");
    assert!(home.header("location").starts_with("/e/nature-covers"));
}

#[test]
fn head_requests_are_answered_but_not_counted() {
    let app = spawn_app(IN_PHASE_1);
    assert_eq!(app.head("/s/NCA1").status, 200);
    assert!(app.store.scans().unwrap().is_empty());
    app.get("/s/NCA1");
    assert_eq!(app.store.scans().unwrap().len(), 1);
}

#[test]
fn a_story_with_a_free_copy_says_free_to_read_and_the_open_goes_there() {
    // trappist-1 (at A3 in phase 2) names its arXiv copy in article.oa_url; the proxy and
    // the exhibition's own note are for the subscription route, which it does not take.
    let exhibits = demo_copy(|t| {
        t.replace(
            "# article_prefix = \"https://proxy.example.edu/login?url=\"",
            "article_prefix = \"https://proxy.example.edu/login?url=\"\naccess_note = { zh = \"请经图书馆代理阅读。\", en = \"Read through the library proxy.\" }",
        )
    });
    let app = spawn_app_with(exhibits, "2026-12-10T02:00:00Z");
    let en = app.get("/s/NCA3?lang=en").body;
    assert!(heading(&en).contains("TRAPPIST-1"), "{en}");
    assert!(
        en.contains(
            "<strong class=\"free\">Free to read</strong>: the full paper is open to everyone"
        ),
        "{en}"
    );
    assert!(
        !en.contains("library proxy") && !en.contains("subscription:"),
        "{en}"
    );
    let zh = app.get("/s/NCA3?lang=zh").body;
    assert!(
        zh.contains("<strong class=\"free\">免费阅读</strong>：全文对所有人开放，无需订阅"),
        "{zh}"
    );
    assert!(
        zh.contains("href=\"/go/NCA3?lang=zh\""),
        "the button goes through /go/"
    );
    // A story without one keeps the exhibition's note and the proxy.
    let other = app.get("/s/NCA1?lang=en").body;
    assert!(other.contains("Read through the library proxy."), "{other}");
    assert!(!other.contains("Free to read"), "{other}");

    for code in ["NCA3", "trap17"] {
        let reply = app.get_as(&format!("/go/{code}"), ANDROID_CHROME, &[]);
        assert_eq!(reply.status, 302);
        assert_eq!(reply.header("location"), "https://arxiv.org/abs/1703.01424");
    }
    assert_eq!(
        app.get("/go/NCA1").header("location"),
        "https://proxy.example.edu/login?url=https://www.nature.com/articles/nature24270"
    );
    let stats = stats_json(&app.base);
    let trappist = stats["by_story"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["key"] == "trappist-1")
        .unwrap();
    assert_eq!(
        trappist["opens"], 2,
        "opens of the free copy are logged: {stats}"
    );
}

#[test]
fn a_phone_in_another_language_gets_english_and_one_with_none_the_shows_first() {
    let app = spawn_app(IN_PHASE_1);
    let lang_of = |headers: &[(&str, &str)]| {
        let page = app.get_as("/s/GO16", ANDROID_CHROME, headers);
        assert_eq!(page.status, 200);
        let at = page.body.find("<html lang=\"").expect("a page language") + 12;
        page.body[at..at + page.body[at..].find('"').unwrap()].to_string()
    };
    for german_or_japanese in ["de-DE", "de-DE,de;q=0.9", "ja-JP,ja;q=0.9", "ko-KR"] {
        assert_eq!(
            lang_of(&[("Accept-Language", german_or_japanese)]),
            "en",
            "{german_or_japanese}: English, which the demo has"
        );
    }
    assert_eq!(lang_of(&[("Accept-Language", "de-DE,zh;q=0.5")]), "zh-Hans");
    assert_eq!(lang_of(&[]), "zh-Hans", "no language: the show's first");
    assert_eq!(lang_of(&[("Accept-Language", "*")]), "zh-Hans");
    // The exhibition page follows the same rule.
    let show = app.get_as(
        "/e/nature-covers",
        ANDROID_CHROME,
        &[("Accept-Language", "de-DE")],
    );
    assert!(
        show.body.contains(r#"<html lang="en">"#),
        "{}",
        &show.body[..200]
    );

    // A show that asks for Chinese as its fallback.
    let exhibits = demo_copy(|t| t.replacen("opens = ", "fallback_language = \"zh\"\nopens = ", 1));
    let app = spawn_app_with(exhibits, IN_PHASE_1);
    let page = app.get_as("/s/GO16", ANDROID_CHROME, &[("Accept-Language", "de-DE")]);
    assert!(page.body.contains(r#"<html lang="zh-Hans">"#));
}

#[test]
fn a_fallback_language_the_show_lacks_is_refused_by_check_naming_the_field() {
    let exhibits = demo_copy(|t| {
        t.replacen(
            "opens = ",
            "languages = [\"zh\"]\nfallback_language = \"en\"\nopens = ",
            1,
        )
    });
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_docent"))
        .arg("check")
        .arg(exhibits.path())
        .output()
        .unwrap();
    let (code, stdout, stderr) = outcome(out);
    let all = format!("{stdout}{stderr}");
    assert_eq!(code, 1, "{all}");
    assert!(
        all.contains("exhibition.toml") && all.contains("fallback_language: `en`"),
        "{all}"
    );
}

/// User agents as the apps send them (from public lists of real agents).
const XIAOHONGSHU: &str = "Mozilla/5.0 (iPhone; CPU iPhone OS 18_3_2 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 discover/9.1 Device/(Apple Inc.;iPhone15,3) NetType/WiFi";
const BAIDU: &str = "Mozilla/5.0 (Linux; Android 9; STK-AL00 Build/HUAWEISTK-AL00; wv) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/76.0.3809.89 Mobile Safari/537.36 T7/11.20 SP-engine/2.16.0 baiduboxapp/11.20.0.14 (Baidu; P1 9) NABar/1.0";
const TOUTIAO: &str = "Mozilla/5.0 (iPhone; CPU iPhone OS 15_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 NewsArticle/9.1.9.20 JsSdk/2.0 NetType/WIFI (News 9.1.9 15.100000)";
const TAOBAO: &str = "Mozilla/5.0 (Linux; U; Android 15; zh-CN; 24031PN0DC Build/AQ3A.240627.003) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/100.0.4896.58 UWS/5.18.6.0 Mobile Safari/537.36 AliApp(TB/10.48.30.2079) UCBS/2.11.1.1 TTID/600000@taobao_android_10.48.30.2079 WindVane/8.5.0 Themis/1.7.168";
const JD: &str = "jdapp;iPhone;10.1.2;15.0;network/wifi;Mozilla/5.0 (iPhone; CPU iPhone OS 15_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148;supportJDSHWK/1";
const QQ_BROWSER: &str = "Mozilla/5.0 (Linux; U; Android 4.4.4; zh-cn; MI 4W Build/KTU84P) AppleWebKit/537.36 (KHTML, like Gecko)Version/4.0 MQQBrowser/6.0 Mobile Safari/537.36";

#[test]
fn the_big_chinese_apps_get_the_open_in_browser_hint_and_rows_of_their_own() {
    let app = spawn_app(IN_PHASE_1);
    let apps = [
        (XIAOHONGSHU, "xiaohongshu", "小红书"),
        (BAIDU, "baidu", "百度"),
        (TOUTIAO, "toutiao", "今日头条"),
        (TAOBAO, "taobao", "淘宝"),
        (JD, "jd", "京东"),
    ];
    for (i, (ua, _, _)) in apps.iter().enumerate() {
        let ip = format!("203.0.113.{i}");
        let page = app.get_as(
            "/s/NCA1",
            ua,
            &[("Accept-Language", "en"), ("X-Forwarded-For", &ip)],
        );
        assert!(page.body.contains("Open in browser"), "the hint for {ua}");
    }
    let browser = app.get_as("/s/NCA1", QQ_BROWSER, &[("Accept-Language", "en")]);
    assert!(
        !browser.body.contains("Open in browser"),
        "QQ Browser is a browser, not the QQ app"
    );
    let stats: serde_json::Value =
        serde_json::from_str(&app.admin_get("/admin/api/stats/nature-covers").body).unwrap();
    let rows = stats["by_app"].as_array().unwrap();
    for (_, key, _) in apps {
        let row = rows.iter().find(|r| r["key"] == key).expect(key);
        assert_eq!(row["scans"], 1, "{key}: {row}");
    }
    let none = rows.iter().find(|r| r["key"] == "none").unwrap();
    assert_eq!(none["scans"], 1, "QQ Browser counts as a plain browser");
    let dashboard = app.admin_get("/admin/e/nature-covers?lang=zh").body;
    for (_, _, name) in apps {
        assert!(dashboard.contains(name), "{name} on the Chinese dashboard");
    }
}

#[test]
fn the_unknown_code_page_names_the_venue_not_the_software() {
    let app = spawn_app(IN_PHASE_1);
    let zh = app.get_as("/s/NOPE99", ANDROID_CHROME, &[("Accept-Language", "zh-CN")]);
    assert_eq!(zh.status, 404);
    let bar = |body: &str| {
        let at = body.find(r#"<a class="show""#).expect("the top bar");
        body[at..at + body[at..].find("</a>").unwrap()].to_string()
    };
    assert!(
        bar(&zh.body).contains("图书馆一层大厅"),
        "{}",
        bar(&zh.body)
    );
    assert!(!bar(&zh.body).contains("docent"));
    let en = app.get_as("/s/NOPE99", ANDROID_CHROME, &[("Accept-Language", "en")]);
    assert!(bar(&en.body).contains("Library lobby, ground floor"));
    assert!(
        en.body
            .contains("Nature Cover Stories</a> · Library lobby, ground floor")
    );
}

//! Issue 21: every figure named as people call it: phases, languages, devices and apps by
//! their names in the page's language (never `phase-1` or `wechat`), zones never as `CST`,
//! chart labels that fit, and the report's headings and rows in both of its languages.
//!
//! Longer than 500 lines because it reads every figure page in every shipped language, one scenario per page.

use crate::helpers::*;

/// Visits from several apps and devices, over two days and both phases, and one switch.
fn traffic(app: &TestApp) {
    let agents = [
        IPHONE_WECHAT,
        ANDROID_CHROME,
        "Mozilla/5.0 (iPad; CPU OS 17_1 like Mac OS X) AppleWebKit/605.1.15 Version/17.1 Mobile/15E148 Safari/604.1",
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 Chrome/131.0 Safari/537.36",
    ];
    for (i, code) in ["NCA1", "NCB1", "NCA2", "NCB3"].iter().enumerate() {
        let ip = format!("203.0.113.{i}");
        app.get_as(
            &format!("/s/{code}"),
            agents[i],
            &[("X-Forwarded-For", &ip), ("Accept-Language", "en")],
        );
    }
    app.get_as("/go/NCA1", IPHONE_WECHAT, &[]);
    app.get_as("/s/NCA1?from=groupmessage", IPHONE_WECHAT, &[]);
    app.clock.set(at("2026-12-08T03:00:00Z"));
    app.get_as("/s/NCB2", IPHONE_WECHAT, &[]);
    let switch = app.admin_post(
        "/admin/switch/nature-covers",
        &[("phase", "phase-1"), ("confirm", "yes")],
        &[],
    );
    assert_eq!(switch.status, 303, "{}", switch.body);
}

/// What a reader sees of a page: its text without tags, styles or attributes (chart labels
/// are text inside the SVG, so they are kept).
pub(crate) fn visible_text(html: &str) -> String {
    let mut rest = html.to_string();
    for tag in ["style", "script"] {
        while let Some(start) = rest.find(&format!("<{tag}")) {
            let end = rest[start..]
                .find(&format!("</{tag}>"))
                .map_or(rest.len(), |e| start + e + tag.len() + 3);
            rest.replace_range(start..end, " ");
        }
    }
    let mut text = String::new();
    let mut in_tag = false;
    for c in rest.chars() {
        match c {
            '<' => in_tag = true,
            '>' if in_tag => {
                in_tag = false;
                text.push(' ');
            }
            c if !in_tag => text.push(c),
            _ => {}
        }
    }
    text.replace("&amp;", "&")
        .replace("&#38;", "&")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&#39;", "'")
        .replace("&quot;", "\"")
}

/// The words of a text (runs of ASCII letters, digits and `_`).
fn words(text: &str) -> Vec<&str> {
    text.split(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .filter(|w| !w.is_empty())
        .collect()
}

/// Keys the stats JSON and CSV use that have a different name for people (checked case by
/// case: `WeChat` is the name, `wechat` the key). Device and route keys are English words a
/// sentence may use (`phone`, `campus`), so they are checked on Chinese pages only.
const APP_AND_LANGUAGE_KEYS: &[&str] = &[
    "wechat",
    "wecom",
    "qq",
    "weibo",
    "alipay",
    "dingtalk",
    "douyin",
    "feishu",
    "facebook",
    "instagram",
    "xiaohongshu",
    "baidu",
    "toutiao",
    "taobao",
    "jd",
    "zh",
    "en",
];
const ENGLISH_WORD_KEYS: &[&str] = &[
    "none",
    "phone",
    "tablet",
    "desktop",
    "other",
    "campus",
    "proxy",
    "oa",
    "publisher",
];

fn assert_named(page: &str, what: &str, chinese: bool) {
    let text = visible_text(page);
    for id in ["phase-1", "phase-2"] {
        assert!(
            !text.contains(id),
            "{what}: the phase id {id} shown:\n{}",
            around(&text, id)
        );
    }
    let seen = words(&text);
    let keys = APP_AND_LANGUAGE_KEYS
        .iter()
        .chain(if chinese { ENGLISH_WORD_KEYS } else { &[] });
    for key in keys {
        assert!(
            !seen.contains(key),
            "{what}: the raw key `{key}` shown:\n{}",
            around(&text, &format!(" {key} "))
        );
    }
    assert!(!words(&text).contains(&"CST"), "{what}: an ambiguous zone");
}

fn around(text: &str, needle: &str) -> String {
    match text.find(needle) {
        Some(at) => {
            let start = text.floor_char_boundary(at.saturating_sub(120));
            let end = text.ceil_char_boundary((at + 120).min(text.len()));
            text[start..end].to_string()
        }
        None => String::new(),
    }
}

fn share_link(app: &TestApp) -> String {
    let reply = app.admin_post(
        "/admin/shares/nature-covers",
        &[("days", "2")],
        &[("Accept", "text/plain")],
    );
    assert_eq!(reply.status, 201, "{}", reply.body);
    reply.body.trim()[app.base.len()..].to_string()
}

#[test]
fn every_figure_page_names_phases_apps_and_languages_never_ids_in_both_languages() {
    // Every row shown through the link too: the few visitors here would otherwise be merged
    // into "other" there (tests/api/small_counts.rs).
    let app = spawn_app_tuned(IN_PHASE_1, |s| s.min_count = 0);
    traffic(&app);
    let link = share_link(&app);
    for (lang, chinese) in [("zh", true), ("en", false)] {
        for path in [
            "/admin".to_string(),
            "/admin/e/nature-covers".to_string(),
            "/admin/e/nature-covers?from=2026-11-19&to=2026-12-09".to_string(),
        ] {
            let sep = if path.contains('?') { '&' } else { '?' };
            let page = app.admin_get(&format!("{path}{sep}lang={lang}"));
            assert_eq!(page.status, 200, "{path}");
            assert_named(&page.body, &format!("{path} in {lang}"), chinese);
        }
        let view = app.get(&format!("{link}?lang={lang}"));
        assert_eq!(view.status, 200);
        assert_named(
            &view.body,
            &format!("the read-only view in {lang}"),
            chinese,
        );
    }
    // The phase by its name where the live phase is said, in each language.
    let zh = app.admin_get("/admin/e/nature-covers?lang=zh").body;
    assert!(zh.contains("当前展期：<b>第一期：2016年封面</b>"), "{zh}");
    let en = app.admin_get("/admin/e/nature-covers?lang=en").body;
    assert!(en.contains("Live phase: <b>Phase 1: 2016 covers</b>"));
    // The "By phase" table: by name, in the page's language.
    let by_phase = &zh[zh.find("按展期").unwrap()..];
    assert!(by_phase[..by_phase.find("</table>").unwrap()].contains("第二期"));
    // A story's visitors say they include browsing, so they may outnumber its scans.
    assert!(zh.contains("每日访客（扫码与浏览）") && zh.contains("所以可能多于扫码次数"));
    assert!(
        en.contains("daily visitors, scans and browses") && en.contains("can outnumber its scans")
    );
    // Languages by their own names; apps and devices in the page's language.
    assert!(zh.contains("<td>English</td>") && zh.contains("<td>中文</td>"));
    assert!(zh.contains("<td>微信</td>") && zh.contains("<td>平板</td>"));
    assert!(en.contains("<td>English</td>") && en.contains("<td>WeChat</td>"));

    // The report is written in both languages: no ids, no keys, headings and rows in both.
    for path in [
        "/admin/report/nature-covers".to_string(),
        "/admin/report/nature-covers?phase=phase-2".to_string(),
        format!("{link}/report"),
    ] {
        let report = if path.starts_with("/view/") {
            app.get(&path)
        } else {
            app.admin_get(&path)
        };
        assert_eq!(report.status, 200, "{path}");
        // Both languages: English words such as `phone` are names here.
        assert_named(&report.body, &path, false);
        let text = visible_text(&report.body);
        for both in [
            "设备 device",
            "手机",
            "phone",
            "微信",
            "WeChat",
            "第一期：2016年封面",
            "Phase 1: 2016 covers",
            "每日扫码与全文打开 · Scans and article opens by day",
            "北京时间（UTC+8）",
            "China Standard Time (UTC+8)",
        ] {
            assert!(text.contains(both), "{path}: no {both}");
        }
    }
    let whole = visible_text(&app.admin_get("/admin/report/nature-covers").body);
    assert!(whole.contains("平板 tablet") && whole.contains("电脑 desktop"));
    let phase_2 = app
        .admin_get("/admin/report/nature-covers?phase=phase-2")
        .body;
    assert!(phase_2.contains("第二期：2017年封面（保留两篇2016年故事）：2026-12-07 至 2027-01-08"));
}

#[test]
fn a_report_without_shares_does_not_speak_of_zero_forwarded_views() {
    let app = spawn_app(IN_PHASE_1);
    app.get_as("/s/NCA1", IPHONE_WECHAT, &[]);
    let report = app.admin_get("/admin/report/nature-covers").body;
    assert!(!report.contains("Another 0 views"), "the sentence at 0");
    assert!(!report.contains("另有 0 次"), "the Chinese one at 0");
    assert!(report.contains("Staff and bot visits are not in these figures."));
    app.get_as("/s/NCA1?from=singlemessage", IPHONE_WECHAT, &[]);
    let report = app.admin_get("/admin/report/nature-covers").body;
    assert!(
        report.contains("Another 1 view came through links forwarded in WeChat"),
        "said once there is one"
    );
    assert!(report.contains("另有 1 次浏览来自微信转发的链接"));
}

/// `docent backup` with `env`, asking the server at `bind` and falling back to `data`.
fn backup(bind: &str, data: &std::path::Path, env: &[(&str, &str)]) -> (i32, String, String) {
    let out = data.with_file_name("backup.docent");
    let cmd = std::process::Command::new(env!("CARGO_BIN_EXE_docent"))
        .args(["backup", "--bind", bind, "--out"])
        .arg(&out)
        .arg("--data")
        .arg(data)
        .env_remove("DOCENT_ADMIN_PASSWORD")
        .envs(env.iter().copied())
        .output()
        .unwrap();
    outcome(cmd)
}

#[test]
fn backup_says_the_password_was_refused_and_names_the_server_it_could_not_reach() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let (mut server, base) = start_server(&data);
    let bind = base.trim_start_matches("http://").to_string();

    let (code, _, err) = backup(
        &bind,
        &data,
        &[("DOCENT_ADMIN_PASSWORD", "not-the-password")],
    );
    assert_eq!(code, 1, "{err}");
    assert!(
        err.contains("refused the admin password in DOCENT_ADMIN_PASSWORD")
            && err.contains("not the password that server was started with"),
        "a wrong password is called wrong: {err}"
    );
    let (code, _, err) = backup(&bind, &data, &[]);
    assert_eq!(code, 1);
    assert!(err.contains("DOCENT_ADMIN_PASSWORD is not set"), "{err}");

    // The server listens elsewhere than --bind says: the store is its, and in use.
    let elsewhere = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let nobody = elsewhere.local_addr().unwrap().to_string();
    drop(elsewhere);
    let (code, _, err) = backup(&nobody, &data, &[("DOCENT_ADMIN_PASSWORD", PASSWORD)]);
    assert_eq!(code, 1, "{err}");
    assert!(
        err.contains("is in use by a running docent")
            && err.contains(&nobody)
            && err.contains("--bind ADDRESS"),
        "{err}"
    );
    assert!(
        !err.contains("could not acquire lock"),
        "no database error: {err}"
    );

    let (code, out, err) = backup(&bind, &data, &[("DOCENT_ADMIN_PASSWORD", PASSWORD)]);
    assert_eq!(code, 0, "the right address and password work: {err}");
    assert!(out.contains("from the running server"), "{out}");
    server.kill().unwrap();
    server.wait().unwrap();
}

#[test]
fn the_csv_writes_every_time_to_the_second() {
    let app = spawn_app(IN_PHASE_1);
    app.get_as("/s/NCA1", IPHONE_WECHAT, &[]);
    app.clock.set(at("2026-11-20T02:00:01.250731Z"));
    app.get_as("/s/NCA2", IPHONE_WECHAT, &[]);
    let csv = app.admin_get("/admin/export/nature-covers.csv").body;
    let times: Vec<&str> = csv
        .lines()
        .skip(1)
        .map(|l| l.split(',').nth(1).unwrap())
        .collect();
    assert_eq!(times, ["2026-11-20T02:00:00Z", "2026-11-20T02:00:01Z"]);
}

#[test]
fn simulate_puts_no_open_on_a_campus_network_the_show_does_not_have() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_docent"))
        .args([
            "simulate",
            "--days",
            "3",
            "--per-day",
            "80",
            "--future",
            "--exhibits",
        ])
        .arg(demo_exhibits())
        .arg("--data")
        .arg(&data)
        .output()
        .unwrap();
    let (code, _, err) = outcome(out);
    assert_eq!(code, 0, "{err}");
    let (mut server, base) = start_server(&data);
    let stats = stats_json(&base);
    server.kill().unwrap();
    server.wait().unwrap();
    let route = |key: &str| {
        stats["by_route"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["key"] == key)
            .unwrap()["opens"]
            .as_u64()
            .unwrap()
    };
    assert!(
        stats["totals"]["opens"].as_u64().unwrap() > 20,
        "{}",
        stats["totals"]
    );
    assert_eq!(route("campus"), 0, "the demo lists no campus networks");
    assert!(route("publisher") + route("oa") > 20);
}

/// Lays out `html` in a 390-pixel-wide viewport (an iframe in headless Chromium, whose own
/// window cannot be that narrow) and reports: the page's scroll width, the viewport's width,
/// how many lines the header's brand takes, the narrowest table header (in characters'
/// widths, over headers of more than two characters) and the phase menu's right edge.
fn phone_layout(html: &str) -> Vec<f64> {
    laid_out(html, 390, PHONE_PROBE)
}

const PHONE_PROBE: &str = r#"
  var brand = d.querySelector('header > span');
  var line = parseFloat(w.getComputedStyle(brand).lineHeight) || 20;
  var narrowest = 99;
  d.querySelectorAll('th').forEach(function (th) {
    var text = th.textContent.trim();
    if (text.length > 2) {
      var em = parseFloat(w.getComputedStyle(th).fontSize);
      narrowest = Math.min(narrowest, th.getBoundingClientRect().width / em);
    }
  });
  var select = d.querySelector('select');
  var right = select ? select.getBoundingClientRect().right : 0;
  return [d.documentElement.scrollWidth, w.innerWidth,
    Math.round(brand.getBoundingClientRect().height / line), narrowest, right];
"#;

/// The numbers `script` (the body of a function of the document `d` and window `w`)
/// returns for `html` laid out in headless Chromium in an iframe `width` pixels wide.
fn laid_out(html: &str, width: u32, script: &str) -> Vec<f64> {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("page.html"), html).unwrap();
    let probe = r#"<!doctype html><html><body style="margin:0">
<iframe id="f" src="page.html" style="width:WIDTHpx;height:844px;border:0"></iframe>
<script>
document.getElementById('f').addEventListener('load', function () {
  var d = this.contentDocument, w = this.contentWindow;
  var numbers = (function (d, w) { SCRIPT })(d, w);
  document.body.setAttribute('data-probe', numbers.join(' '));
});
</script></body></html>"#
        .replace("WIDTH", &width.to_string())
        .replace("SCRIPT", script);

    std::fs::write(dir.path().join("probe.html"), probe).unwrap();
    let profile = tempfile::tempdir().unwrap();
    let out = std::process::Command::new("chromium")
        .args([
            "--headless=new",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            "--allow-file-access-from-files",
            "--virtual-time-budget=3000",
            "--dump-dom",
        ])
        .arg(format!("--user-data-dir={}", profile.path().display()))
        .arg(format!(
            "file://{}",
            dir.path().join("probe.html").display()
        ))
        .output()
        .expect("chromium runs (Debian package chromium)");
    let dom = String::from_utf8_lossy(&out.stdout);
    let at = dom.find("data-probe=\"").expect("the probe ran") + 12;
    dom[at..at + dom[at..].find('"').unwrap()]
        .split(' ')
        .map(|v| v.parse().unwrap())
        .collect()
}

#[test]
fn on_a_390_pixel_phone_the_dashboard_fits_the_screen_in_both_languages() {
    let app = spawn_app(IN_PHASE_1);
    traffic(&app);
    let link = share_link(&app);
    for lang in ["zh", "en"] {
        for (what, page) in [
            (
                "dashboard",
                app.admin_get(&format!("/admin/e/nature-covers?lang={lang}")),
            ),
            ("read-only view", app.get(&format!("{link}?lang={lang}"))),
            ("overview", app.admin_get(&format!("/admin?lang={lang}"))),
        ] {
            assert_eq!(page.status, 200);
            let m = phone_layout(&page.body);
            let (scroll, width, brand_lines, narrowest_th, menu_right) =
                (m[0], m[1], m[2], m[3], m[4]);
            assert_eq!(width, 390.0, "{what}: the probe's viewport");
            assert!(
                scroll <= width,
                "{what} in {lang}: {scroll} px wide, scrolls sideways"
            );
            assert_eq!(
                brand_lines, 1.0,
                "{what} in {lang}: the header's name wraps"
            );
            assert!(
                narrowest_th >= 2.0,
                "{what} in {lang}: a table header {narrowest_th:.1} characters wide"
            );
            assert!(
                menu_right <= width,
                "{what} in {lang}: the phase menu runs off"
            );
        }
    }
}

#[test]
fn a_bad_date_range_answers_a_page_in_the_admins_language() {
    let app = spawn_app(IN_PHASE_1);
    let link = share_link(&app);
    let zh = app.admin_get("/admin/e/nature-covers?from=2026-11-20&to=2026-11-01&lang=zh");
    assert_eq!(zh.status, 400);
    assert!(zh.header("content-type").starts_with("text/html"), "a page");
    assert!(zh.body.contains(r#"<html lang="zh-Hans">"#));
    assert!(
        zh.body
            .contains("结束日期（2026-11-01）早于开始日期（2026-11-20）：请对调两个日期"),
        "{}",
        zh.body
    );
    assert!(
        zh.body.contains(r#"href="/admin/e/nature-covers""#),
        "a way back"
    );
    let en = app.get(&format!("{link}?from=2026-13-01&lang=en"));
    assert_eq!(en.status, 400);
    assert!(en.body.contains(r#"<html lang="en">"#));
    assert!(
        en.body
            .contains("from=`2026-13-01`: expected a date such as 2026-11-20")
    );
    assert!(
        en.body.contains(&format!(r#"href="{link}""#)),
        "back within the link"
    );
    let zh = app.get(&format!("{link}?from=2026-13-01&lang=zh"));
    assert!(zh.body.contains("开始日期「2026-13-01」不是日期"));
    // Scripts still get the plain reason.
    let json = app.admin_get("/admin/api/stats/nature-covers?from=2026-11-20&to=2026-11-01");
    assert_eq!(json.status, 400);
    assert!(
        json.body
            .contains("to (2026-11-01) is before from (2026-11-20)")
    );
}

#[test]
fn labels_name_the_place_in_both_languages_and_take_about_half_a_page() {
    let app = spawn_app_tuned(IN_PHASE_1, |s| {
        s.base_url = Some("https://docent.example.edu".into());
    });
    let sheet = app.admin_get("/admin/print/nature-covers?sheet=labels");
    assert_eq!(sheet.status, 200);
    let text = visible_text(&sheet.body);
    for place in ["A1 · 左侧展墙 第1块", "Left wall, panel 1"] {
        assert!(text.contains(place), "{place} in:\n{text}");
    }
    // Six labels on A4 (272 mm of printable height), each as tall as its 40 mm code needs:
    // about half the page (they took 198 mm, three quarters, in rows of 66 mm).
    let height_mm = laid_out(
        &sheet.body,
        800,
        "return [d.querySelector('.sheet').getBoundingClientRect().height * 25.4 / 96];",
    )[0];
    assert!(height_mm < 140.0, "the six labels take {height_mm:.0} mm");
}

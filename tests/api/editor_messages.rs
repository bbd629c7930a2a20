//! What the story editor says to someone who has only the browser: in the page's language,
//! beside the field it is about, every problem of a save at once, and nothing about editing
//! files by hand.

use crate::editor::version_on;
use crate::helpers::*;

const FORM: &str = "/admin/e/nature-covers/stories/alphago";

/// A multipart body of text fields.
fn multipart(fields: &[(&str, &str)]) -> (String, Vec<u8>) {
    crate::editor::multipart(fields, None)
}

/// The editor's form, asked for in `lang` (`zh` or `en`).
fn form(app: &TestApp, lang: &str) -> Reply {
    app.admin_get(&format!("{FORM}?lang={lang}"))
}

/// Saves the form as a browser set to `accept_language` would.
fn save(app: &TestApp, accept_language: &str, fields: &[(&str, &str)]) -> Reply {
    let (content_type, body) = multipart(fields);
    read(
        agent()
            .post(format!("{}{FORM}", app.base))
            .header("Authorization", &basic("curator", PASSWORD))
            .header("Origin", &app.base)
            .header("Accept-Language", accept_language)
            .header("Content-Type", &content_type)
            .send(&body[..]),
    )
}

/// The problem shown right after the input of `field`.
fn beside(page: &str, field: &str) -> String {
    let input = page
        .find(&format!("id=\"{field}\""))
        .unwrap_or_else(|| panic!("no field {field}"));
    let rest = &page[input..];
    let next_label = rest[1..].find("<label").map_or(rest.len(), |i| i + 1);
    let own = &rest[..next_label];
    let at = own
        .find(&format!("id=\"{field}-problem\""))
        .unwrap_or_else(|| panic!("no problem beside {field}: {own}"));
    let start = at + own[at..].find('>').unwrap() + 1;
    own[start..start + own[start..].find("</p>").unwrap()].to_string()
}

fn has_chinese(s: &str) -> bool {
    s.chars().any(|c| ('\u{4E00}'..='\u{9FFF}').contains(&c))
}

/// A server on a copy of the demo: saves must never touch the demo itself.
fn app() -> TestApp {
    let exhibits = tempfile::tempdir().unwrap();
    copy_dir(&demo_exhibits(), exhibits.path());
    spawn_app_with(exhibits, "2026-11-20T02:00:00Z")
}

#[test]
fn a_bad_date_doi_and_url_come_back_at_once_in_chinese_beside_their_fields() {
    let app = app();
    let story = app
        .exhibits_dir()
        .join("nature-covers/stories/alphago.toml");
    let original = std::fs::read_to_string(&story).unwrap();
    let version = version_on(&form(&app, "zh").body);
    let reply = save(
        &app,
        "zh-CN,zh;q=0.9",
        &[
            ("version", &version),
            ("citation_issue_date", "28/01/2016"),
            ("doi", "nature16961"),
            ("url", "www.nature.com/articles/nature16961"),
        ],
    );
    assert_eq!(reply.status, 422, "{}", reply.body);
    assert_eq!(
        std::fs::read_to_string(&story).unwrap(),
        original,
        "nothing written"
    );
    let page = &reply.body;
    assert!(page.contains("未保存"), "{page}");
    for (field, words) in [
        ("citation_issue_date", "不是日期"),
        ("doi", "不是 DOI"),
        ("url", "不是有效的 http(s) 网址"),
    ] {
        let said = beside(page, field);
        assert!(said.contains(words), "{field}: {said}");
    }
    // No English check wording, no file path, no advice to edit files by hand.
    for never in [
        "alphago.toml:",
        "exhibition.toml",
        "is not a DOI",
        "expected a date",
    ] {
        assert!(
            !page.contains(never),
            "`{never}` on the Chinese editor: {page}"
        );
    }
    // The same save from an English editor: the same three, in English.
    let reply = save(
        &app,
        "en",
        &[
            ("version", &version),
            ("citation_issue_date", "28/01/2016"),
            ("doi", "nature16961"),
            ("url", "www.nature.com/articles/nature16961"),
        ],
    );
    assert_eq!(reply.status, 422);
    assert!(beside(&reply.body, "doi").contains("is not a DOI"));
    assert!(!has_chinese(&beside(&reply.body, "url")));
}

#[test]
fn a_title_left_empty_and_a_hidden_character_are_named_at_their_fields_in_chinese() {
    let app = app();
    let version = version_on(&form(&app, "zh").body);
    let reply = save(
        &app,
        "zh-CN",
        &[
            ("version", &version),
            ("title_en", ""),
            ("title_zh", "AlphaGo\u{202E}：计算机"),
            ("summary_en", "Go\u{1b}[31m is hard."),
        ],
    );
    assert_eq!(reply.status, 422, "{}", reply.body);
    assert!(beside(&reply.body, "title_en").contains("必填"));
    assert!(beside(&reply.body, "title_zh").contains("U+202E"));
    assert!(beside(&reply.body, "summary_en").contains("U+001B"));
    assert!(!reply.body.contains("exhibition.toml"), "{}", reply.body);
}

#[test]
fn a_conflict_is_explained_in_chinese() {
    let app = app();
    let version = version_on(&form(&app, "zh").body);
    let first = save(
        &app,
        "zh-CN",
        &[("version", &version), ("citation_volume", "530")],
    );
    assert_eq!(first.status, 303, "{}", first.body);
    let second = save(
        &app,
        "zh-CN",
        &[("version", &version), ("citation_pages", "1-2")],
    );
    assert_eq!(second.status, 409, "{}", second.body);
    assert!(
        second.body.contains("有人保存了同一内容"),
        "{}",
        second.body
    );
    assert!(!second.body.contains("someone saved"), "{}", second.body);
}

#[test]
fn the_editor_names_the_story_shows_its_cover_and_links_the_live_page() {
    let app = app();
    let page = form(&app, "zh");
    assert_eq!(page.status, 200);
    let h1 = heading(&page.body);
    assert!(h1.contains("AlphaGo：计算机首次战胜职业围棋棋手"), "{h1}");
    assert!(!h1.contains("<code>alphago</code>"), "{h1}");
    assert!(
        page.body
            .contains("<img src=\"/cover/nature-covers/alphago/160?v=")
    );
    let live = page
        .body
        .find("href=\"/s/GO16?lang=zh\"")
        .expect("a link to the live page");
    assert!(page.body[live..].contains("打开观众看到的页面"));
    let cover = {
        let at = page
            .body
            .find("/cover/nature-covers/alphago/160?v=")
            .unwrap();
        page.body[at..at + page.body[at..].find('"').unwrap()].to_string()
    };
    let (reply, bytes) = app.get_bytes(&cover, &[]);
    assert_eq!(reply.status, 200);
    assert!(bytes.starts_with(&[0xFF, 0xD8]), "a JPEG thumbnail");
}

#[test]
fn the_phase_editor_explains_a_conflict_in_chinese_too() {
    let app = app();
    let reply = read(
        agent()
            .post(format!("{}/admin/e/nature-covers/phases/new", app.base))
            .header("Authorization", &basic("curator", PASSWORD))
            .header("Origin", &app.base)
            .header("Accept-Language", "zh-CN")
            .send_form([
                ("version", "an-older-version"),
                ("id", "phase-9"),
                ("name_zh", "第九期"),
                ("name_en", "Phase 9"),
                ("starts", "2026-12-20T08:00"),
            ]),
    );
    assert_eq!(reply.status, 409, "{}", reply.body);
    assert!(reply.body.contains("有人保存了同一内容"), "{}", reply.body);
    assert!(!reply.body.contains("someone saved"), "{}", reply.body);
}

#[test]
fn the_phase_editor_explains_a_bad_start_in_the_pages_language() {
    let app = app();
    let post = |lang: &str| {
        read(
            agent()
                .post(format!("{}/admin/e/nature-covers/phases/new", app.base))
                .header("Authorization", &basic("curator", PASSWORD))
                .header("Origin", &app.base)
                .header("Accept-Language", lang)
                .send_form([
                    ("id", "phase-9"),
                    ("name_zh", "第九期"),
                    ("name_en", "Phase 9"),
                    ("starts", "20.12.2026 08:00"),
                ]),
        )
    };
    let zh = post("zh-CN");
    assert_eq!(zh.status, 422, "{}", zh.body);
    assert!(
        zh.body.contains("开始时间“20.12.2026 08:00”：请写成"),
        "{}",
        zh.body
    );
    assert!(!zh.body.contains("write it as"), "{}", zh.body);
    let en = post("en-GB");
    assert_eq!(en.status, 422, "{}", en.body);
    assert!(
        en.body
            .contains("start `20.12.2026 08:00`: write it as YYYY-MM-DDTHH:MM"),
        "{}",
        en.body
    );
}

#[test]
fn the_history_says_which_fields_each_save_changed() {
    let app = app();
    let version = version_on(&form(&app, "en").body);
    let saved = save(
        &app,
        "en",
        &[
            ("version", &version),
            ("title_en", "AlphaGo beats a Go professional"),
            ("doi", "10.1038/nature16961 "),
            ("citation_volume", "530"),
        ],
    );
    assert_eq!(saved.status, 303, "{}", saved.body);
    let en = app.admin_get("/admin/e/nature-covers?lang=en").body;
    assert!(
        en.contains("<td>stories/alphago.toml</td><td>Title (English), Citation: volume</td>"),
        "{en}"
    );
    let zh = app.admin_get("/admin/e/nature-covers?lang=zh").body;
    assert!(
        zh.contains("<td>stories/alphago.toml</td><td>标题（英文）、引用：卷</td>"),
        "{zh}"
    );
}

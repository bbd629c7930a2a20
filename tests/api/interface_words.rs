//! One i18n mechanism everywhere: a show whose first language is Japanese gets Japanese
//! interface words, from the Fluent resources, in its printable report, on its lobby screen,
//! in the editor's problems (for an organizer reading Japanese) and in its digest mail, sent
//! through a real SMTP server; the mail keeps its second language (English) after the first.

use crate::digests::{DIGEST, figure, free_port, mail_to, part, smtp_sink, traffic};
use crate::helpers::*;
use crate::languages::japanese_show;
use mailparse::MailHeaderMap;

fn japanese_app(tune: impl FnOnce(&mut docent::config::Settings)) -> TestApp {
    let dir = japanese_show();
    let file = dir.path().join("nature-covers/exhibition.toml");
    let text = std::fs::read_to_string(&file).unwrap();
    std::fs::write(&file, format!("{text}{DIGEST}")).unwrap();
    spawn_app_with_tuned(dir, IN_PHASE_1, tune)
}

fn has_chinese_only_words(s: &str, words: &[&str]) -> Vec<String> {
    words
        .iter()
        .filter(|w| s.contains(*w))
        .map(|w| w.to_string())
        .collect()
}

#[test]
fn a_japanese_show_gets_japanese_words_in_its_report_lobby_editor_and_digest() {
    let port = free_port();
    let sink = smtp_sink(port);
    let app = japanese_app(|s| s.mail = Some(mail_to(port)));
    traffic(&app);
    app.clock.set(at(IN_PHASE_1));

    // The report: headings, figure captions and the summary in Japanese, then English.
    let report = app.admin_get("/admin/report/nature-covers");
    assert_eq!(report.status, 200, "{}", report.body);
    let body = &report.body;
    assert!(body.contains("<html lang=\"ja\""), "{body}");
    for words in [
        "印刷コードのスキャン scans of printed codes",
        "会期の比較 Phases compared",
        "図 1 日ごとのスキャンと全文表示（現地時間） Figure 1.",
        "展示位置 station",
        "回スキャンされ",
    ] {
        assert!(body.contains(words), "{words}: {body}");
    }
    let chinese = has_chinese_only_words(body, &["扫码", "访客", "各期对比", "报告生成于"]);
    assert!(
        chinese.is_empty(),
        "Chinese words in a Japanese show's report: {chinese:?}"
    );

    // The lobby screen's headings.
    let lobby = app.admin_get("/admin/lobby/nature-covers");
    assert_eq!(lobby.status, 200, "{}", lobby.body);
    for words in [
        "現在の会期 Now showing",
        "今日のスキャン scans today",
        "よく読まれている展示 Most read",
        "更新",
    ] {
        assert!(lobby.body.contains(words), "{words}: {}", lobby.body);
    }
    let chinese = has_chinese_only_words(&lobby.body, &["当前展期", "今日扫码", "最受关注"]);
    assert!(chinese.is_empty(), "{chinese:?}");

    // The editor, for an organizer whose browser reads Japanese: a bad DOI and date, each
    // said in Japanese.
    let form = app.admin_get("/admin/e/nature-covers/stories/alphago?lang=ja");
    assert_eq!(form.status, 200, "{}", form.body);
    let version = crate::editor::version_on(&form.body);
    let (content_type, multipart) = crate::editor::multipart(
        &[
            ("version", &version),
            ("doi", "nature16961"),
            ("citation_issue_date", "28/01/2016"),
        ],
        None,
    );
    let saved = read(
        agent()
            .post(format!(
                "{}/admin/e/nature-covers/stories/alphago",
                app.base
            ))
            .header("Authorization", &basic("curator", PASSWORD))
            .header("Origin", &app.base)
            .header("Accept-Language", "ja-JP,ja;q=0.9")
            .header("Content-Type", &content_type)
            .send(&multipart[..]),
    );
    assert_eq!(saved.status, 422, "{}", saved.body);
    assert!(
        saved.body.contains("「nature16961」は DOI ではありません"),
        "{}",
        saved.body
    );
    assert!(
        saved.body.contains("「28/01/2016」は日付ではありません"),
        "{}",
        saved.body
    );
    assert!(saved.body.contains("保存されていません"), "{}", saved.body);

    // The digest, by hand: Japanese first, then English, in both parts.
    let reply = app.admin_post(
        "/admin/digests/nature-covers",
        &[
            ("period", "2026-11-16..2026-11-22"),
            ("to", "curator@library.example.edu"),
        ],
        &[("Accept", "text/plain")],
    );
    assert_eq!(reply.status, 200, "{}", reply.body);
    let mails = sink.wait_for(1);
    let mail = mailparse::parse_mail(&mails[0]).unwrap();
    let subject = mail.headers.get_first_value("Subject").unwrap();
    assert!(subject.contains("集計（"), "{subject}");
    assert!(
        subject.contains("figures, "),
        "the second language too: {subject}"
    );
    let plain = part(&mail, "text/plain").unwrap().get_body().unwrap();
    assert!(plain.contains("スキャン scans: 8"), "{plain}");
    assert_eq!(figure(&plain, "scans"), 8);
    assert!(plain.contains("日ごとの来場者 daily visitors: "), "{plain}");
    assert!(plain.contains("閲覧専用リンク"), "{plain}");
    let html = part(&mail, "text/html").unwrap().get_body().unwrap();
    assert!(html.contains("<html lang=\"ja\">"), "{html}");
    assert!(html.contains("論文全文の表示"), "{html}");
    let chinese = has_chinese_only_words(&plain, &["扫码", "每日访客", "只读链接"]);
    assert!(chinese.is_empty(), "{chinese:?}: {plain}");
}

#[test]
fn a_chinese_and_english_show_keeps_its_words() {
    let app = spawn_app(IN_PHASE_1);
    let report = app.admin_get("/admin/report/nature-covers").body;
    assert!(report.contains("<html lang=\"zh-Hans\""), "{report}");
    assert!(report.contains("扫码 scans of printed codes"), "{report}");
    assert!(report.contains("各期对比 Phases compared"), "{report}");
    let lobby = app.admin_get("/admin/lobby/nature-covers").body;
    assert!(lobby.contains("当前展期 Now showing"), "{lobby}");
    assert!(!lobby.contains("現在の会期"), "{lobby}");
    // A show in one language says each word once.
    let exhibits = demo_copy(|t| {
        t.replace(
            "time_zone = \"Asia/Shanghai\"",
            "time_zone = \"Asia/Shanghai\"\nlanguages = [\"zh\"]",
        )
    });
    let only_zh = spawn_app_with(exhibits, IN_PHASE_1);
    let lobby = only_zh.admin_get("/admin/lobby/nature-covers").body;
    assert!(lobby.contains("当前展期<b>"), "{lobby}");
    assert!(!lobby.contains("Now showing"), "{lobby}");
}

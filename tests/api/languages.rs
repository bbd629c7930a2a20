//! Every visitor's language (issue 23): a show in Japanese and English with no Chinese at all,
//! a missing Japanese text named at its line, machine translation labelled, Accept-Language
//! matched as readers expect, a recording probed, served in ranges and counted once per
//! visit, and the large-text page measured in a real headless Chromium at phone size.

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use crate::helpers::*;

/// The demo turned into a Japanese and English show: every Chinese text becomes the
/// Japanese one (the words do not matter to the server, the keys do), one title written in
/// Japanese to be found on the page.
pub(crate) fn japanese_show() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    copy_dir(&demo_exhibits(), dir.path());
    let show = dir.path().join("nature-covers");
    for file in toml_files(&show) {
        let text = std::fs::read_to_string(&file).unwrap();
        let mut out = String::new();
        for line in text.lines() {
            let line = if let Some(rest) = line.strip_prefix("zh = ") {
                format!("ja = {rest}")
            } else if let Some(rest) = line.strip_prefix("place.zh = ") {
                format!("place.ja = {rest}")
            } else if let Some(rest) = line.strip_prefix("name.zh = ") {
                format!("name.ja = {rest}")
            } else {
                line.to_string()
            };
            out.push_str(&line);
            out.push('\n');
        }
        std::fs::write(&file, out).unwrap();
    }
    edit(
        &show.join("exhibition.toml"),
        "time_zone = \"Asia/Shanghai\"",
        "time_zone = \"Asia/Tokyo\"\nlanguages = [\"ja\", \"en\"]",
    );
    edit(
        &show.join("stories/alphago.toml"),
        "ja = \"AlphaGo：计算机首次战胜职业围棋棋手\"",
        "ja = \"AlphaGo：コンピューターがプロ棋士に初めて勝つ\"",
    );
    dir
}

fn toml_files(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut files = vec![dir.join("exhibition.toml")];
    for entry in std::fs::read_dir(dir.join("stories")).unwrap() {
        files.push(entry.unwrap().path());
    }
    files
}

pub(crate) fn edit(file: &Path, from: &str, to: &str) {
    let text = std::fs::read_to_string(file).unwrap();
    assert!(text.contains(from), "{} has no `{from}`", file.display());
    std::fs::write(file, text.replacen(from, to, 1)).unwrap();
}

fn page(app: &TestApp, path: &str, accept_language: &str) -> Reply {
    app.get_as(
        path,
        ANDROID_CHROME,
        &[("Accept-Language", accept_language)],
    )
}

#[test]
fn a_japanese_and_english_show_passes_check_and_speaks_each_visitor_s_language() {
    let dir = japanese_show();
    let (code, out) = check(dir.path());
    assert_eq!(code, 0, "{out}");
    let app = spawn_app_with(dir, IN_PHASE_1);

    let ja = page(&app, "/s/GO16", "ja-JP,ja;q=0.9");
    assert_eq!(ja.status, 200);
    assert!(ja.body.contains("<html lang=\"ja\""), "{}", ja.body);
    assert!(
        ja.body
            .contains("AlphaGo：コンピューターがプロ棋士に初めて勝つ")
    );
    assert!(
        ja.body.contains("論文の全文を読む"),
        "Japanese words around it"
    );
    assert!(
        ja.body.contains(">English</a>"),
        "a link to the other language"
    );
    assert!(
        !ja.body.contains("中文"),
        "no Chinese anywhere: {}",
        ja.body
    );

    let en = page(&app, "/s/GO16", "en-GB,en;q=0.9");
    assert!(en.body.contains("<html lang=\"en\""));
    assert!(en.body.contains("Read the full paper"));
    assert!(en.body.contains(">日本語</a>"));

    // A tag that names no language: the show's first language. German: its fallback, English.
    let unknown = page(&app, "/s/GO16", "xx-unknown");
    assert!(
        unknown.body.contains("<html lang=\"ja\""),
        "{}",
        unknown.body
    );
    let german = page(&app, "/s/GO16", "de-DE,de;q=0.9");
    assert!(german.body.contains("<html lang=\"en\""));

    // The privacy page too, linked from the page in its language.
    assert!(
        ja.body
            .contains("href=\"/how-we-count?lang=ja\">集計の方法</a>"),
        "{}",
        ja.body
    );
    let privacy = page(&app, "/how-we-count?lang=ja", "ja");
    assert!(
        privacy.body.contains("毎日変わるランダムな秘密の鍵"),
        "{}",
        privacy.body
    );
    // The overview and the counts speak the same languages.
    let overview = page(&app, "/e/nature-covers", "ja");
    assert!(overview.body.contains("展示をすべて見る") || overview.body.contains("展示位置"));
    let stats = stats_json(&app.base);
    let langs: Vec<&str> = stats["by_lang"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["key"].as_str().unwrap())
        .collect();
    assert_eq!(&langs[..2], ["ja", "en"], "{langs:?}");
    let ja_row = &stats["by_lang"][0];
    assert!(ja_row["scans"].as_u64().unwrap() >= 2, "{ja_row}");
    assert_eq!(ja_row["label"], "日本語");
}

#[test]
fn a_three_language_show_missing_one_japanese_title_is_named_at_its_line() {
    let dir = tempfile::tempdir().unwrap();
    copy_dir(&demo_exhibits(), dir.path());
    let show = dir.path().join("nature-covers");
    edit(
        &show.join("exhibition.toml"),
        "time_zone = \"Asia/Shanghai\"",
        "time_zone = \"Asia/Shanghai\"\nlanguages = [\"zh\", \"en\", \"ja\"]",
    );
    // Japanese for every text but one title.
    for file in toml_files(&show) {
        let text = std::fs::read_to_string(&file).unwrap();
        let mut out = String::new();
        for line in text.lines() {
            out.push_str(line);
            out.push('\n');
            for key in ["zh = ", "place.zh = ", "name.zh = "] {
                if let Some(rest) = line.strip_prefix(key) {
                    let skip =
                        file.ends_with("alphago.toml") && rest.starts_with("\"AlphaGo：计算机");
                    if !skip {
                        out.push_str(&format!("{} = {rest}\n", key.replace("zh = ", "ja")));
                    }
                }
            }
        }
        std::fs::write(&file, out).unwrap();
    }
    let (code, out) = check(dir.path());
    assert_eq!(code, 1, "{out}");
    let file = show.join("stories/alphago.toml");
    let line = std::fs::read_to_string(&file)
        .unwrap()
        .lines()
        .position(|l| l == "[title]")
        .unwrap()
        + 1;
    let problems: Vec<&str> = out.lines().filter(|l| l.contains(".toml:")).collect();
    assert_eq!(problems.len(), 1, "one missing text, one message:\n{out}");
    assert!(
        problems[0].starts_with(&format!("{}:{line}: ", file.display()))
            && problems[0].contains("the Japanese text (title.ja) is missing or empty"),
        "{out}"
    );
}

#[test]
fn a_machine_translated_text_says_so_in_its_language_and_only_there() {
    let dir = japanese_show();
    let story = dir.path().join("nature-covers/stories/alphago.toml");
    edit(
        &story,
        "code = \"GO16\"",
        "code = \"GO16\"\nmachine_translated = [\"ja\"]",
    );
    let (code, out) = check(dir.path());
    assert_eq!(code, 0, "{out}");
    let app = spawn_app_with(dir, IN_PHASE_1);
    let ja = page(&app, "/s/GO16", "ja");
    assert!(
        ja.body.contains("<p class=\"machine\">機械翻訳</p>"),
        "{}",
        ja.body
    );
    let en = page(&app, "/s/GO16", "en");
    assert!(!en.body.contains("class=\"machine\""), "{}", en.body);
    // Another story of the same show is a person's translation.
    let other = page(&app, "/s/NCA2", "ja");
    assert!(!other.body.contains("class=\"machine\""));
}

#[test]
fn traditional_and_regional_tags_reach_the_language_a_reader_expects() {
    let app = spawn_app(IN_PHASE_1);
    for tag in ["zh-TW", "zh-Hant-HK", "zh-CN,zh;q=0.9", "zh-SG"] {
        let reply = page(&app, "/s/GO16", tag);
        assert!(reply.body.contains("<html lang=\"zh-Hans\""), "{tag}");
        assert!(reply.body.contains("阅读全文"), "{tag}");
    }
    for tag in ["en-GB", "en-AU,en;q=0.8", "fr-FR,en;q=0.5"] {
        let reply = page(&app, "/s/GO16", tag);
        assert!(reply.body.contains("<html lang=\"en\""), "{tag}");
    }
    // Two languages: one link to the other, in its own name.
    let zh = page(&app, "/s/GO16", "zh-CN");
    assert!(
        zh.body.contains("hreflang=\"en\">English</a>"),
        "{}",
        zh.body
    );
}

/// A spoken recording made here: espeak-ng's voice, encoded as AAC in M4A by ffmpeg.
fn recording(dir: &Path, name: &str, words: &str) -> std::path::PathBuf {
    let wav = dir.join(format!("{name}.wav"));
    let status = Command::new("espeak-ng")
        .arg("-w")
        .arg(&wav)
        .arg(words)
        .status()
        .expect("espeak-ng runs (Debian package espeak-ng)");
    assert!(status.success());
    let out = dir.join(format!("{name}.m4a"));
    let status = Command::new("ffmpeg")
        .args(["-loglevel", "error", "-y", "-i"])
        .arg(&wav)
        .args(["-c:a", "aac", "-b:a", "48k"])
        .arg(&out)
        .status()
        .expect("ffmpeg runs (Debian package ffmpeg)");
    assert!(status.success());
    std::fs::remove_file(wav).unwrap();
    out
}

#[test]
fn a_recording_is_checked_served_in_ranges_and_counted_once_per_visit() {
    let dir = tempfile::tempdir().unwrap();
    copy_dir(&demo_exhibits(), dir.path());
    let show = dir.path().join("nature-covers");
    std::fs::create_dir_all(show.join("audio")).unwrap();
    recording(
        &show.join("audio"),
        "alphago.en",
        "AlphaGo beat a professional Go player on a full board.",
    );
    let story = show.join("stories/alphago.toml");
    let text = std::fs::read_to_string(&story).unwrap();
    std::fs::write(
        &story,
        format!(
            "{text}\n[audio]\nen = \"audio/alphago.en.m4a\"\n\n[transcript]\nzh = \"阿尔法围棋在全尺寸棋盘上战胜了职业棋手。\"\nen = \"AlphaGo beat a professional Go player on a full board.\"\n"
        ),
    )
    .unwrap();
    let (code, out) = check(dir.path());
    assert_eq!(code, 0, "{out}");

    let app = spawn_app_with(dir, IN_PHASE_1);
    let en = page(&app, "/s/GO16", "en");
    assert!(
        en.body.contains("<audio controls preload=\"none\">"),
        "{}",
        en.body
    );
    assert!(
        en.body
            .contains("AlphaGo beat a professional Go player on a full board.")
    );
    let src = en
        .body
        .split("<source src=\"")
        .nth(1)
        .and_then(|s| s.split('"').next())
        .unwrap()
        .replace("&amp;", "&");
    assert!(src.starts_with("/c/GO16/audio/alphago/en?v="), "{src}");
    assert!(en.body.contains("type=\"audio/mp4\""));
    // No recording in Chinese: no player on the Chinese page.
    assert!(!page(&app, "/s/GO16", "zh").body.contains("<audio"));

    // A play: the first range, then the rest; served as 206 with the range asked for.
    let (first, bytes) = app.get_bytes(&src, &[("Range", "bytes=0-99")]);
    assert_eq!(first.status, 206);
    assert_eq!(bytes.len(), 100);
    assert!(first.header("content-range").starts_with("bytes 0-99/"));
    assert!(first.header("cache-control").contains("immutable"));
    assert_eq!(first.header("content-type"), "audio/mp4");
    let (rest, _) = app.get_bytes(&src, &[("Range", "bytes=100-")]);
    assert_eq!(rest.status, 206);
    // Played again by the same visitor the same day: the same listen.
    app.get_bytes(&src, &[("Range", "bytes=0-")]);
    let until = Instant::now() + Duration::from_secs(5);
    let listens = loop {
        let stats = stats_json(&app.base);
        let n = stats["totals"]["listens"].as_u64().unwrap();
        if n > 0 || Instant::now() > until {
            break (n, stats);
        }
        std::thread::sleep(Duration::from_millis(100));
    };
    assert_eq!(listens.0, 1, "{}", listens.1["totals"]);
    let row = listens.1["by_story"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["key"] == "alphago")
        .unwrap()
        .clone();
    assert_eq!(row["listens"], 1, "{row}");
    // Two plays started (a range from byte 0), the seek in between was no play.
    let metrics = app.admin_get("/admin/metrics").body;
    assert!(
        metrics.contains("docent_signals_total{kind=\"listen\"} 2"),
        "{metrics}"
    );
    // The staff CSV lists the plays.
    let csv = app.admin_get("/admin/export/nature-covers.csv");
    assert!(
        csv.body.lines().any(|l| l.starts_with("listen,")),
        "{}",
        csv.body
    );
}

#[test]
fn a_text_file_named_mp3_is_refused_at_its_line() {
    let dir = tempfile::tempdir().unwrap();
    copy_dir(&demo_exhibits(), dir.path());
    let show = dir.path().join("nature-covers");
    std::fs::create_dir_all(show.join("audio")).unwrap();
    std::fs::write(
        show.join("audio/alphago.mp3"),
        "these are words, not sound\n".repeat(50),
    )
    .unwrap();
    let story = show.join("stories/alphago.toml");
    let text = std::fs::read_to_string(&story).unwrap();
    std::fs::write(
        &story,
        format!("{text}\n[audio]\nzh = \"audio/alphago.mp3\"\n"),
    )
    .unwrap();
    let (code, out) = check(dir.path());
    assert_eq!(code, 1, "{out}");
    let line = std::fs::read_to_string(&story).unwrap().lines().count();
    assert!(
        out.contains(&format!(
            "{}:{line}: audio.zh: `audio/alphago.mp3` is not a playable MP3 file",
            story.display()
        )),
        "{out}"
    );
}

/// The page at `path` measured by a real Chromium in a 390x844 window: the page's width
/// against the window's, and the root font size. The page is docent's own HTML with a
/// measuring script added (docent's pages have no script), loaded from a file whose base is
/// the server, so its styles and images are the real ones.
fn measure(app: &TestApp, path: &str) -> (u64, u64, f64) {
    let html = page(app, path, "en").body;
    let probe = "<script>addEventListener('load',()=>{const d=document.documentElement;\
        document.body.dataset.m=[d.scrollWidth,innerWidth,parseFloat(getComputedStyle(d).fontSize)].join(' ')})</script>";
    let html = html
        .replacen("<head>", &format!("<head><base href=\"{}/\">", app.base), 1)
        .replacen("</body>", &format!("{probe}</body>"), 1);
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("page.html");
    std::fs::write(&file, html).unwrap();
    let out = Command::new("chromium")
        .args([
            "--headless=new",
            "--no-sandbox",
            "--disable-gpu",
            "--no-first-run",
            "--hide-scrollbars",
            "--window-size=390,844",
            "--virtual-time-budget=3000",
            "--dump-dom",
        ])
        .arg(format!(
            "--user-data-dir={}",
            dir.path().join("profile").display()
        ))
        .arg(format!("file://{}", file.display()))
        .output()
        .expect("chromium runs (Debian package chromium)");
    let dom = String::from_utf8_lossy(&out.stdout);
    let m = dom
        .split("data-m=\"")
        .nth(1)
        .and_then(|s| s.split('"').next())
        .unwrap_or_else(|| panic!("no measurement: {dom:.500}"));
    let parts: Vec<&str> = m.split(' ').collect();
    (
        parts[0].parse().unwrap(),
        parts[1].parse().unwrap(),
        parts[2].parse().unwrap(),
    )
}

#[test]
fn the_large_text_page_fits_a_phone_with_type_of_at_least_20_px() {
    let app = spawn_app(IN_PHASE_1);
    let normal = page(&app, "/s/GO16", "en");
    // The switch is a plain link, on the page, in the page's language.
    assert!(
        normal
            .body
            .contains("&amp;via=size&amp;size=large\">A+ Larger text</a>"),
        "{}",
        normal.body
    );
    let large = page(&app, "/s/GO16?size=large", "en");
    assert!(large.body.contains("<html lang=\"en\" class=\"large\">"));
    assert!(large.body.contains(">A− Normal text</a>"));
    // Its own links keep the large type.
    assert!(
        large.body.contains("via=list&#38;size=large"),
        "{}",
        large.body
    );
    assert!(large.body.contains("via=show&#38;size=large"));
    assert!(large.body.contains("?lang=zh&amp;via=lang&#38;size=large"));

    let (width, window, font) = measure(&app, "/s/GO16?size=large&lang=en");
    assert!(width <= window, "no horizontal scroll: {width} > {window}");
    assert!(font >= 20.0, "base font {font} px");
    let (width, window, font) = measure(&app, "/s/GO16?lang=en");
    assert!(width <= window, "{width} > {window}");
    assert!(font < 20.0, "the normal page is the normal size: {font}");
}

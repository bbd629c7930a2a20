//! Visitors answer back (issue 22): a real headless Chromium confirms a view and, in a tall
//! window, reads to the end; a client that loads no images (curl, a link preview) confirms
//! nothing; reactions and poll answers count once per visitor and day; citations are counted;
//! the figures survive kill -9 and a backup and restore.
//!
//! Longer than 500 lines because one scenario per kind of answer a visitor gives, each confirmed by a real browser.

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use crate::helpers::*;

/// A phone's browser, as the headless Chromium introduces itself here (its own user agent
/// says HeadlessChrome, which docent rightly counts as a bot).
const PHONE: &str = "Mozilla/5.0 (Linux; Android 14; Pixel 7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0 Mobile Safari/537.36";
const OTHER_PHONE: &str = "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1";
const LINK_PREVIEW: &str =
    "facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)";

/// Loads `url` in headless Chromium with a `height`-pixel window, as the phone `user_agent`.
/// Headless Chromium loads lazy images eagerly unless told otherwise; a phone's browser does
/// not, so lazy loading is switched on as it is there.
fn chromium(url: &str, user_agent: &str, height: u32) {
    let profile = tempfile::tempdir().unwrap();
    let out = Command::new("chromium")
        .args([
            "--headless=new",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            "--blink-settings=lazyLoadEnabled=true",
            "--virtual-time-budget=3000",
            "--dump-dom",
        ])
        .arg(format!("--user-agent={user_agent}"))
        .arg(format!("--window-size=500,{height}"))
        .arg(format!("--user-data-dir={}", profile.path().display()))
        .arg(url)
        .output()
        .expect("chromium runs (Debian package chromium)");
    let dom = String::from_utf8_lossy(&out.stdout);
    assert!(dom.contains("seen.gif"), "the page loaded: {dom:.300}");
}

/// The totals of the stats JSON, once `ready` holds for them (a browser's last image may
/// still be on its way when it exits), or as they are after 5 s.
fn totals_when(base: &str, ready: impl Fn(&serde_json::Value) -> bool) -> serde_json::Value {
    let until = Instant::now() + Duration::from_secs(5);
    loop {
        let totals = stats_json(base)["totals"].clone();
        if ready(&totals) || Instant::now() > until {
            return totals;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// The one story row with views: the story the test's code shows.
fn viewed_row(stats: &serde_json::Value) -> &serde_json::Value {
    let rows: Vec<&serde_json::Value> = stats["by_story"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["scans"].as_u64() > Some(0))
        .collect();
    assert_eq!(rows.len(), 1, "{rows:?}");
    rows[0]
}

fn story_row<'a>(stats: &'a serde_json::Value, story: &str) -> &'a serde_json::Value {
    stats["by_story"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["key"] == story)
        .unwrap_or_else(|| panic!("a row for {story}"))
}

#[test]
fn a_browser_confirms_its_view_once_and_curl_or_a_link_preview_confirms_none() {
    let app = spawn_app(IN_PHASE_1);
    // A client that fetches the page and none of its images.
    assert_eq!(app.get_as("/s/NCA1", IPHONE_WECHAT, &[]).status, 200);
    // A link preview fetches the page alone too (and is a bot).
    assert_eq!(app.get_as("/s/NCA1", LINK_PREVIEW, &[]).status, 200);
    // The image alone, from someone who never saw the page, confirms nothing.
    let pixel = app.get_as("/c/NCA1/seen.gif", OTHER_PHONE, &[]);
    assert_eq!(pixel.status, 200);
    assert_eq!(pixel.header("content-type"), "image/gif");
    assert_eq!(pixel.header("cache-control"), "no-store");
    // A view through a link forwarded in WeChat is a share, and its image confirms no scan.
    let forwarded = "Mozilla/5.0 (Linux; Android 13) MicroMessenger/8.0.49";
    app.get_as("/s/NCA1?from=singlemessage", forwarded, &[]);
    app.get_as("/c/NCA1/seen.gif", forwarded, &[]);
    let stats = stats_json(&app.base);
    assert_eq!(stats["totals"]["scans"], 1);
    assert_eq!(stats["totals"]["shares"], 1);
    assert_eq!(stats["bots"], 1);
    assert_eq!(stats["totals"]["confirmed"], 0);

    let url = format!("{}/s/NCA1", app.base);
    chromium(&url, PHONE, 844);
    let totals = totals_when(&app.base, |t| t["confirmed"] == 1);
    assert_eq!(
        (totals["scans"].as_u64(), totals["confirmed"].as_u64()),
        (Some(2), Some(1))
    );
    // The same visitor again: another view, the same confirmed visit.
    chromium(&url, PHONE, 844);
    let totals = totals_when(&app.base, |t| t["scans"] == 3);
    assert_eq!(totals["confirmed"], 1, "{totals}");
    let stats = stats_json(&app.base);
    let row = viewed_row(&stats);
    assert_eq!(
        (row["scans"].as_u64(), row["confirmed"].as_u64()),
        (Some(3), Some(1))
    );
    assert_eq!(
        stats["by_story"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["confirmed"].as_u64().unwrap())
            .sum::<u64>(),
        1
    );
}

/// The demo with the story behind `GOZ17` made long: a page a short window does not reach
/// the end of.
fn long_story() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    copy_dir(&demo_exhibits(), dir.path());
    let file = dir.path().join("nature-covers/stories/alphago-zero.toml");
    let text = std::fs::read_to_string(&file).unwrap();
    let filler = "A long paragraph about Go that goes on and on, so that the page is taller than any phone's window and the end of the story is far below. ".repeat(4);
    let long = format!("en = \"\"\"{}", format!("{filler}\n\n").repeat(40));
    std::fs::write(
        &file,
        text.replacen("en = \"\"\"Earlier", &format!("{long}Earlier"), 1),
    )
    .unwrap();
    dir
}

#[test]
fn a_tall_window_reads_to_the_end_and_a_short_one_does_not() {
    let app = spawn_app_with(long_story(), IN_PHASE_1);
    let url = format!("{}/s/GOZ17?lang=en", app.base);
    chromium(&url, PHONE, 400);
    let totals = totals_when(&app.base, |t| t["confirmed"] == 1);
    assert_eq!(totals["confirmed"], 1, "{totals}");
    assert_eq!(
        totals["read_to_end"], 0,
        "a short window never reached the end"
    );
    chromium(&url, OTHER_PHONE, 16000);
    let totals = totals_when(&app.base, |t| t["read_to_end"] == 1);
    assert_eq!(
        (totals["confirmed"].as_u64(), totals["read_to_end"].as_u64()),
        (Some(2), Some(1))
    );
    let stats = stats_json(&app.base);
    let row = story_row(&stats, "alphago-zero");
    assert_eq!(
        (row["confirmed"].as_u64(), row["read_to_end"].as_u64()),
        (Some(2), Some(1))
    );
    assert_eq!(row["read_rate"], 0.5);
}

fn post_as(app: &TestApp, path: &str, form: &[(&str, &str)], user_agent: &str) -> Reply {
    app.post(path, form, &[("User-Agent", user_agent)])
}

#[test]
fn a_reaction_counts_once_per_visitor_and_day_and_goes_back_to_the_page_with_thanks() {
    let app = spawn_app(IN_PHASE_1);
    let page = app.get_as("/s/NCA1?lang=en", IPHONE_WECHAT, &[]);
    assert!(
        page.body.contains("action=\"/c/NCA1/react?lang=en\""),
        "the form is on the page"
    );
    assert!(
        page.body.contains("More like this, please"),
        "the default reactions"
    );
    for _ in 0..2 {
        let back = post_as(
            &app,
            "/c/NCA1/react?lang=en",
            &[("r", "interesting")],
            IPHONE_WECHAT,
        );
        assert_eq!(back.status, 303);
        assert_eq!(
            back.header("location"),
            "/s/NCA1?lang=en&done=reaction#respond"
        );
    }
    // A second visitor, who viewed the page too.
    app.get_as("/s/NCA1?lang=en", ANDROID_CHROME, &[]);
    post_as(
        &app,
        "/c/NCA1/react?lang=en",
        &[("r", "interesting")],
        ANDROID_CHROME,
    );
    post_as(
        &app,
        "/c/NCA1/react?lang=en",
        &[("r", "more")],
        ANDROID_CHROME,
    );
    // Bots are left out as everywhere, and so is a reaction without a view of the page.
    post_as(&app, "/c/NCA1/react", &[("r", "interesting")], GOOGLEBOT);
    post_as(&app, "/c/NCA1/react", &[("r", "more")], OTHER_PHONE);
    let unknown = post_as(
        &app,
        "/c/NCA1/react?lang=en",
        &[("r", "boring")],
        ANDROID_CHROME,
    );
    assert_eq!(unknown.status, 400);
    assert!(
        unknown.body.contains("no such reaction"),
        "{}",
        unknown.body
    );
    assert_eq!(
        post_as(&app, "/c/NCA1/react", &[], ANDROID_CHROME).status,
        400
    );

    let thanks = app.get_as("/s/NCA1?lang=en&done=reaction", IPHONE_WECHAT, &[]);
    assert!(
        thanks.body.contains("Thank you! Your reaction is in"),
        "{}",
        thanks.body
    );
    let stats = stats_json(&app.base);
    assert_eq!(
        stats["totals"]["reactions"],
        serde_json::json!({"interesting": 2, "more": 1})
    );
    assert_eq!(
        stats["totals"]["scans"], 2,
        "coming back from the form is not another view"
    );
    assert_eq!(viewed_row(&stats)["reactions"]["interesting"], 2);
    let csv = app.admin_get("/admin/export/nature-covers.csv").body;
    assert!(
        csv.lines()
            .any(|l| l.starts_with("reaction,") && l.ends_with(",false,interesting,,")),
        "{csv}"
    );
    assert_eq!(
        stats["by_story"][9]["reactions"]["interesting"], 0,
        "every row names every reaction"
    );
}

/// The demo with two polls: one open in phase 1, one that runs in phase 2 only.
fn with_polls() -> tempfile::TempDir {
    demo_copy(|t| {
        format!(
            "{t}\n{}",
            r#"
[[polls]]
id = "next-phase"
question = { zh = "下一期想看什么？", en = "What should the next phase show?" }
phases = ["phase-1"]
options = [
  { id = "genomes", label = { zh = "基因组", en = "Genomes" } },
  { id = "space", label = { zh = "太空", en = "Space" } },
]

[[polls]]
id = "later"
question = { zh = "以后再问", en = "Asked later" }
phases = ["phase-2"]
options = [
  { id = "yes", label = { zh = "是", en = "Yes" } },
  { id = "no", label = { zh = "否", en = "No" } },
]
"#
        )
    })
}

#[test]
fn a_poll_answer_counts_once_per_visitor_and_day_and_a_closed_poll_or_unknown_option_is_refused() {
    let app = spawn_app_with(with_polls(), IN_PHASE_1);
    let page = app.get_as("/s/NCA1?lang=en", IPHONE_WECHAT, &[]);
    assert!(
        page.body.contains("What should the next phase show?"),
        "the open poll is asked"
    );
    assert!(!page.body.contains("Asked later"), "not the closed one");
    let answer = |poll: &str, option: &str, ua: &str| {
        post_as(
            &app,
            "/c/NCA1/poll?lang=en",
            &[("poll", poll), ("option", option)],
            ua,
        )
    };
    let back = answer("next-phase", "genomes", IPHONE_WECHAT);
    assert_eq!(
        (back.status, back.header("location")),
        (303, "/s/NCA1?lang=en&done=poll#respond")
    );
    assert_eq!(
        answer("next-phase", "space", IPHONE_WECHAT).status,
        303,
        "a second answer is thanked"
    );
    app.get_as("/s/NCA1?lang=en", ANDROID_CHROME, &[]);
    answer("next-phase", "space", ANDROID_CHROME);
    // Without a view of the page first, an answer counts nothing.
    assert_eq!(answer("next-phase", "space", OTHER_PHONE).status, 303);
    let closed = answer("later", "yes", ANDROID_CHROME);
    assert_eq!(closed.status, 400);
    assert!(
        closed.body.contains("This poll is not open now."),
        "{}",
        closed.body
    );
    let unknown = answer("next-phase", "cooking", ANDROID_CHROME);
    assert_eq!(unknown.status, 400);
    assert!(unknown.body.contains("no such option"), "{}", unknown.body);
    assert_eq!(answer("nope", "yes", ANDROID_CHROME).status, 400);

    let stats = stats_json(&app.base);
    let polls = stats["polls"].as_array().unwrap();
    assert_eq!(polls.len(), 2);
    assert_eq!(polls[0]["id"], "next-phase");
    assert_eq!(polls[0]["answered"], 2);
    let counts: Vec<(String, u64)> = polls[0]["options"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| {
            (
                o["id"].as_str().unwrap().to_string(),
                o["count"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        counts,
        [("genomes".to_string(), 1), ("space".to_string(), 1)]
    );
    assert_eq!(polls[0]["options"][0]["share"], 0.5);
    assert_eq!(polls[1]["answered"], 0);

    // The CSV has every answer as stored, its poll and option in the last columns.
    let csv = app.admin_get("/admin/export/nature-covers.csv").body;
    let header = csv.lines().next().unwrap();
    assert!(header.ends_with(",staff,reaction,poll,answer"), "{header}");
    let answers: Vec<&str> = csv.lines().filter(|l| l.starts_with("answer,")).collect();
    assert_eq!(answers.len(), 4, "{csv}");
    assert!(
        answers[0].ends_with(",false,,next-phase,genomes"),
        "{}",
        answers[0]
    );
}

#[test]
fn docent_check_names_the_line_of_each_poll_and_reaction_mistake() {
    let dir = demo_copy(|t| {
        format!(
            "{t}\n{}",
            r#"
[reactions]
Nice = { zh = "好", en = "Nice" }

[[polls]]
id = "p"
question = { zh = "问" }
phases = ["phase-9"]
options = [
  { id = "a", label = { zh = "甲", en = "A" } },
  { id = "a", label = { zh = "乙", en = "B" } },
]
"#
        )
    });
    let out = Command::new(env!("CARGO_BIN_EXE_docent"))
        .arg("check")
        .arg(dir.path())
        .output()
        .unwrap();
    let (code, stdout, stderr) = outcome(out);
    let text = format!("{stdout}{stderr}");
    assert_eq!(code, 1, "{text}");
    let file = Path::new("nature-covers").join("exhibition.toml");
    let lines = std::fs::read_to_string(dir.path().join(&file)).unwrap();
    let line_of = |needle: &str| 1 + lines[..lines.find(needle).unwrap()].matches('\n').count();
    for (needle, message) in [
        ("Nice =", "reactions: `Nice` must be lower-case"),
        ("question = { zh = \"问\" }", "the English text"),
        ("\"phase-9\"", "no phase `phase-9`"),
        ("{ id = \"a\", label = { zh = \"乙\"", "`a` is listed twice"),
    ] {
        let at = format!("exhibition.toml:{}:", line_of(needle));
        assert!(
            text.lines().any(|l| l.contains(&at) && l.contains(message)),
            "{message} at {at} in:\n{text}"
        );
    }
}

#[test]
fn citations_taken_home_are_counted_per_story() {
    let app = spawn_app(IN_PHASE_1);
    assert_eq!(
        app.get_as("/cite/GOZ17.ris", IPHONE_WECHAT, &[]).status,
        200
    );
    assert_eq!(
        app.get_as("/cite/GOZ17.bib", IPHONE_WECHAT, &[]).status,
        200
    );
    app.get_as("/cite/GOZ17.bib", GOOGLEBOT, &[]);
    app.head("/cite/GOZ17.bib");
    let stats = stats_json(&app.base);
    assert_eq!(stats["totals"]["citations"], 2);
    assert_eq!(story_row(&stats, "alphago-zero")["citations"], 2);
}

/// Views, confirmations, a read-through, reactions, a poll answer and a citation, over HTTP.
fn answer_back(base: &str) {
    let get = |path: &str, ua: &str| {
        agent()
            .get(format!("{base}{path}"))
            .header("User-Agent", ua)
            .call()
            .unwrap()
            .status()
            .as_u16()
    };
    let post = |path: &str, form: &[(&str, &str)], ua: &str| {
        agent()
            .post(format!("{base}{path}"))
            .header("User-Agent", ua)
            .send_form(form.iter().copied())
            .unwrap()
            .status()
            .as_u16()
    };
    for ua in [PHONE, OTHER_PHONE, IPHONE_WECHAT] {
        assert_eq!(get("/s/NCA1", ua), 200);
        assert_eq!(get("/c/NCA1/seen.gif", ua), 200);
        assert_eq!(post("/c/NCA1/react", &[("r", "interesting")], ua), 303);
    }
    assert_eq!(get("/c/NCA1/read.gif", PHONE), 200);
    assert_eq!(
        post(
            "/c/NCA1/poll",
            &[("poll", "next-phase"), ("option", "space")],
            PHONE
        ),
        303
    );
    assert_eq!(get("/cite/NCA1.ris", PHONE), 200);
}

#[test]
fn the_new_figures_survive_a_kill_9_and_a_restart_and_a_backup_and_restore() {
    let exhibits = with_polls();
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let serve = |data: &Path| serve_exhibits(exhibits.path(), data, "127.0.0.1:0", PASSWORD, &[]);
    let (mut server, base) = serve(&data);
    answer_back(&base);
    let before = stats_json(&base);
    assert_eq!(before["totals"]["confirmed"], 3);
    assert_eq!(before["totals"]["read_to_end"], 1);
    assert_eq!(before["totals"]["reactions"]["interesting"], 3);
    assert_eq!(before["totals"]["citations"], 1);
    assert_eq!(before["polls"][0]["answered"], 1);
    let file = dir.path().join("docent.backup");
    let out = Command::new(env!("CARGO_BIN_EXE_docent"))
        .args([
            "backup",
            "--bind",
            base.trim_start_matches("http://"),
            "--out",
        ])
        .arg(&file)
        .env("DOCENT_ADMIN_PASSWORD", PASSWORD)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    server.kill().unwrap(); // SIGKILL
    server.wait().unwrap();

    let (mut again, base) = serve(&data);
    let after = stats_json(&base);
    assert_eq!(
        after["totals"], before["totals"],
        "after kill -9 and a restart"
    );
    assert_eq!(after["by_story"], before["by_story"]);
    assert_eq!(after["polls"], before["polls"]);
    again.kill().unwrap();
    again.wait().unwrap();

    let restored = dir.path().join("restored");
    let out = Command::new(env!("CARGO_BIN_EXE_docent"))
        .arg("restore")
        .arg(&file)
        .arg("--data")
        .arg(&restored)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let (mut copy, base) = serve(&restored);
    let restored = stats_json(&base);
    assert_eq!(
        restored["totals"], before["totals"],
        "after backup and restore"
    );
    assert_eq!(restored["by_story"], before["by_story"]);
    assert_eq!(restored["polls"], before["polls"]);
    copy.kill().unwrap();
    copy.wait().unwrap();
}

/// The number a report cell of the answers section, marked `data-funnel="{name}"`, shows (the
/// rest of the report marks its cells `data-figure` with the JSON's own paths).
fn figure(page: &str, name: &str) -> u64 {
    let mark = format!("data-funnel=\"{name}\">");
    let at = page
        .find(&mark)
        .unwrap_or_else(|| panic!("no {name} in the report"))
        + mark.len();
    page[at..at + page[at..].find('<').unwrap()]
        .trim()
        .parse()
        .unwrap()
}

#[test]
fn the_report_funnel_says_the_json_numbers_and_the_dashboard_and_lobby_show_the_answers() {
    // The lobby is public: with the default threshold its three likers would be "fewer than
    // 5" and the story not named (tests/api/small_counts.rs); here every count is shown.
    let app = spawn_app_with_tuned(with_polls(), IN_PHASE_1, |s| s.min_count = 0);
    answer_back(&app.base);
    let stats = stats_json(&app.base);
    let report = app.admin_get("/admin/report/nature-covers");
    assert_eq!(report.status, 200);
    let page = report.body;
    let totals = &stats["totals"];
    let views = totals["scans"].as_u64().unwrap() + totals["browses"].as_u64().unwrap();
    assert_eq!(figure(&page, "totals.views"), views);
    for key in ["confirmed", "read_to_end", "opens", "citations"] {
        let json = totals[key].as_u64().unwrap();
        assert_eq!(figure(&page, &format!("totals.{key}")), json, "{key}");
    }
    assert_eq!(
        totals["confirmed"], 3,
        "the test made figures worth comparing"
    );
    for row in stats["by_story"].as_array().unwrap() {
        let id = row["key"].as_str().unwrap();
        for key in ["confirmed", "read_to_end", "opens", "citations"] {
            let cell = figure(&page, &format!("by_story.{id}.{key}"));
            assert_eq!(cell, row[key].as_u64().unwrap(), "{id} {key}");
        }
        let cell = figure(&page, &format!("by_story.{id}.reactions.interesting"));
        assert_eq!(cell, row["reactions"]["interesting"].as_u64().unwrap());
    }
    assert_eq!(figure(&page, "polls.next-phase.space"), 1);
    assert_eq!(figure(&page, "polls.next-phase.answered"), 1);
    assert!(
        page.contains("读到文末") && page.contains("read to the end"),
        "both languages"
    );

    for (lang, words) in [
        (
            "en",
            [
                "From page view to citation",
                "Confirmed views: the landing page",
            ],
        ),
        ("zh", ["从页面浏览到带走引文", "确认浏览：落地页上有一张"]),
    ] {
        let dashboard = app.admin_get(&format!("/admin/e/nature-covers?lang={lang}"));
        assert_eq!(dashboard.status, 200);
        for w in words {
            assert!(dashboard.body.contains(w), "{lang}: {w}");
        }
    }
    let lobby = app.admin_get("/admin/lobby/nature-covers");
    assert_eq!(lobby.status, 200);
    assert!(lobby.body.contains("Most liked · 3"), "{}", lobby.body);
    assert!(lobby.body.contains("What should the next phase show?"));
}

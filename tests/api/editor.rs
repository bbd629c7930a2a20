//! Editing a story from the dashboard over HTTP: comments kept byte for byte, checks before
//! writing, stale saves refused, uploads bounded, undo, and the change live at once.

use std::path::PathBuf;

use crate::helpers::*;

const FORM: &str = "/admin/e/nature-covers/stories/alphago";

fn story_file(app: &TestApp) -> PathBuf {
    app.exhibits_dir()
        .join("nature-covers/stories/alphago.toml")
}

/// A multipart body: text fields, and optionally a file as `cover_file`.
pub(crate) fn multipart(fields: &[(&str, &str)], file: Option<(&str, &[u8])>) -> (String, Vec<u8>) {
    let boundary = "docent-test-boundary-7d3f";
    let mut body = Vec::new();
    for (name, value) in fields {
        body.extend_from_slice(
            format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n"
            )
            .as_bytes(),
        );
    }
    if let Some((filename, bytes)) = file {
        body.extend_from_slice(
            format!("--{boundary}\r\nContent-Disposition: form-data; name=\"cover_file\"; filename=\"{filename}\"\r\nContent-Type: application/octet-stream\r\n\r\n").as_bytes(),
        );
        body.extend_from_slice(bytes);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}

/// The form's version token, as the editor page carries it.
pub(crate) fn version_on(page: &str) -> String {
    let at = page
        .find(r#"name="version" value=""#)
        .expect("a version on the form")
        + 22;
    page[at..at + page[at..].find('"').unwrap()].to_string()
}

fn save(app: &TestApp, fields: &[(&str, &str)], file: Option<(&str, &[u8])>) -> Reply {
    let (content_type, body) = multipart(fields, file);
    read(
        agent()
            .post(format!("{}{FORM}", app.base))
            .header("Authorization", &basic("curator", PASSWORD))
            .header("Origin", &app.base)
            .header("Content-Type", &content_type)
            .send(&body[..]),
    )
}

fn edited_app() -> TestApp {
    spawn_app_with(
        demo_copy(|t| t.replace("closes = 2027-01-08", "closes = 2027-01-09")),
        "2026-11-20T02:00:00Z",
    )
}

#[test]
fn a_saved_edit_changes_only_that_value_and_goes_live() {
    let app = edited_app();
    let original = std::fs::read_to_string(story_file(&app)).unwrap();
    let form = app.admin_get(FORM);
    assert_eq!(form.status, 200);
    assert!(
        form.body
            .contains("AlphaGo: a computer beats a Go professional")
    );
    let version = version_on(&form.body);

    let reply = save(
        &app,
        &[
            ("version", &version),
            ("title_en", "AlphaGo beats a Go professional"),
            ("title_zh", "AlphaGo：计算机首次战胜职业围棋棋手"),
        ],
        None,
    );
    assert_eq!(reply.status, 303, "{}", reply.body);
    let saved = std::fs::read_to_string(story_file(&app)).unwrap();
    assert_eq!(
        saved,
        original.replace(
            "en = \"AlphaGo: a computer beats a Go professional\"",
            "en = \"AlphaGo beats a Go professional\""
        ),
        "every other byte, comments included, is as it was"
    );
    assert_ne!(saved, original);
    assert!(
        heading(&app.get("/s/GO16?lang=en").body).contains("AlphaGo beats a Go professional"),
        "live on the landing page"
    );
    let dashboard = app.admin_get("/admin/e/nature-covers");
    assert!(
        dashboard
            .body
            .contains("<td>admin</td><td>stories/alphago.toml</td>"),
        "listed"
    );
    assert!(
        !dashboard.body.contains("id=\"read-only\""),
        "writable exhibits: no read-only notice"
    );

    // Put back: the file is byte for byte the original, and the page shows the old title.
    let entry = {
        let at = dashboard.body.find("/admin/e/nature-covers/undo/").unwrap() + 28;
        dashboard.body[at..at + dashboard.body[at..].find('"').unwrap()].to_string()
    };
    let undone = app.admin_post(
        &format!("/admin/e/nature-covers/undo/{entry}"),
        &[],
        &[("Origin", &app.base)],
    );
    assert_eq!(undone.status, 303, "{}", undone.body);
    assert_eq!(std::fs::read_to_string(story_file(&app)).unwrap(), original);
    assert!(heading(&app.get("/s/GO16?lang=en").body).contains("a computer beats"));
}

#[test]
fn a_rejected_or_stale_save_writes_nothing() {
    let app = edited_app();
    let original = std::fs::read_to_string(story_file(&app)).unwrap();
    let version = version_on(&app.admin_get(FORM).body);

    let rejected = save(&app, &[("version", &version), ("title_en", "")], None);
    assert_eq!(rejected.status, 422, "{}", rejected.body);
    assert!(rejected.body.contains("Not saved"), "{}", rejected.body);
    assert!(
        rejected.body.contains("title"),
        "the check's message: {}",
        rejected.body
    );
    assert_eq!(std::fs::read_to_string(story_file(&app)).unwrap(), original);

    // Two editors open the same story; the second save is refused.
    let first = save(
        &app,
        &[("version", &version), ("citation_volume", "530")],
        None,
    );
    assert_eq!(first.status, 303, "{}", first.body);
    let after_first = std::fs::read_to_string(story_file(&app)).unwrap();
    let second = save(
        &app,
        &[("version", &version), ("citation_pages", "1–2")],
        None,
    );
    assert_eq!(second.status, 409, "{}", second.body);
    assert!(
        second
            .body
            .contains("someone saved this file after you opened it")
    );
    assert_eq!(
        std::fs::read_to_string(story_file(&app)).unwrap(),
        after_first
    );
}

#[test]
fn uploads_are_images_of_bounded_size_stored_by_story_never_by_their_name() {
    let app = edited_app();
    let original = std::fs::read_to_string(story_file(&app)).unwrap();
    let version = version_on(&app.admin_get(FORM).body);

    let not_image = save(
        &app,
        &[("version", &version)],
        Some(("cover.png", b"<svg/>")),
    );
    assert_eq!(not_image.status, 422, "{}", not_image.body);
    assert!(not_image.body.contains("not a PNG or JPEG image"));
    let huge = vec![0u8; (5 << 20) + 1];
    let too_big = save(&app, &[("version", &version)], Some(("big.png", &huge)));
    // Beside the cover field, with the rest of the form as sent.
    assert_eq!(too_big.status, 422, "{}", too_big.body);
    assert!(too_big.body.contains("larger than 5 MB"));
    assert!(too_big.body.contains("id=\"cover_file-problem\""));
    // 12000x12000 in a few hundred KB: refused from its header, never decoded.
    let mut many_pixels = Vec::new();
    {
        let mut encoder = png::Encoder::new(&mut many_pixels, 12_000, 12_000);
        encoder.set_color(png::ColorType::Grayscale);
        let mut writer = encoder.write_header().unwrap();
        writer
            .write_image_data(&vec![0u8; 12_000 * 12_000])
            .unwrap();
    }
    let refused = save(
        &app,
        &[("version", &version)],
        Some(("big.png", &many_pixels)),
    );
    assert_eq!(refused.status, 422, "{}", refused.body);
    assert!(refused.body.contains("12000x12000"), "{}", refused.body);
    assert_eq!(std::fs::read_to_string(story_file(&app)).unwrap(), original);

    let png = std::fs::read(demo_exhibits().join("nature-covers/covers/exac.png")).unwrap();
    let saved = save(&app, &[("version", &version)], Some(("../../x.png", &png)));
    assert_eq!(saved.status, 303, "{}", saved.body);
    let text = std::fs::read_to_string(story_file(&app)).unwrap();
    assert!(text.contains("cover = \"covers/alphago.jpg\""), "{text}");
    let root = app.exhibits_dir();
    assert!(root.join("nature-covers/covers/alphago.jpg").is_file());
    assert!(!root.join("x.png").exists() && !root.join("nature-covers/x.png").exists());
    assert_eq!(app.get("/s/GO16").status, 200);
}

/// A form POST as a curator with HTTP Basic (the origin check wants the server's origin).
fn curator_post(app: &TestApp, path: &str, content_type: &str, body: &[u8]) -> Reply {
    read(
        agent()
            .post(format!("{}{path}", app.base))
            .header("Authorization", &basic("curator", PASSWORD))
            .header("Origin", &app.base)
            .header("Content-Type", content_type)
            .send(body),
    )
}

#[test]
fn a_new_story_with_its_cover_goes_on_a_station_in_a_new_phase_and_a_mistake_is_undone() {
    let app = edited_app();
    let root = app.exhibits_dir();
    let png = std::fs::read(demo_exhibits().join("nature-covers/covers/dnc.png")).unwrap();

    // The new story: without a cover it is refused and nothing is written.
    assert_eq!(
        app.admin_get("/admin/e/nature-covers/stories/new").status,
        200
    );
    let fields = [
        ("id", "gravitational-waves"),
        ("code", "GW16"),
        ("title_zh", "首次直接探测到引力波"),
        ("title_en", "Gravitational waves, seen at last"),
        ("summary_zh", "LIGO探测到两个黑洞并合发出的引力波。"),
        (
            "summary_en",
            "LIGO caught the ripples in spacetime from two merging black holes.",
        ),
        ("doi", "10.1103/PhysRevLett.116.061102"),
        ("citation_journal", "Physical Review Letters"),
        ("citation_issue_date", "2016-02-12"),
    ];
    let (ct, body) = multipart(&fields, None);
    let refused = curator_post(&app, "/admin/e/nature-covers/stories/new", &ct, &body);
    assert_eq!(refused.status, 422, "{}", refused.body);
    assert!(refused.body.contains("needs a cover"));
    assert!(
        !root
            .join("nature-covers/stories/gravitational-waves.toml")
            .exists()
    );

    let (ct, body) = multipart(&fields, Some(("waves.png", &png)));
    let made = curator_post(&app, "/admin/e/nature-covers/stories/new", &ct, &body);
    assert_eq!(made.status, 303, "{}", made.body);
    let text = std::fs::read_to_string(root.join("nature-covers/stories/gravitational-waves.toml"))
        .unwrap();
    assert!(
        text.contains("# PERMANENT short code") && text.contains("code = \"GW16\""),
        "{text}"
    );
    assert!(text.contains("issue_date = 2016-02-12"), "{text}");
    assert!(
        root.join("nature-covers/covers/gravitational-waves.jpg")
            .is_file()
    );
    assert_eq!(
        app.get("/s/GW16").status,
        200,
        "its story code works at once"
    );

    // A new phase puts it on station A1 from 2026-12-20 08:00 (Shanghai).
    let form = app.admin_get("/admin/e/nature-covers/phases/new");
    assert_eq!(form.status, 200);
    assert!(
        form.body.contains(r#"<option value="gravitational-waves""#),
        "offered"
    );
    let version = version_on(&form.body);
    let before = std::fs::read_to_string(root.join("nature-covers/exhibition.toml")).unwrap();
    let mut phase: Vec<(String, String)> = [
        ("version", version.as_str()),
        ("id", "phase-3"),
        ("name_zh", "第三期：引力波"),
        ("name_en", "Phase 3: gravitational waves"),
        ("starts", "2026-12-20T08:00"),
        ("show_A1", "gravitational-waves"),
    ]
    .map(|(k, v)| (k.to_string(), v.to_string()))
    .to_vec();
    for (station, story) in [
        ("A2", "exac"),
        ("A3", "dnc"),
        ("B1", "proxima-b"),
        ("B2", "trappist-1"),
        ("B3", "zika-genomes"),
    ] {
        phase.push((format!("show_{station}"), story.to_string()));
    }
    let body = phase
        .iter()
        .map(|(k, v)| format!("{k}={}", url_encoded(v)))
        .collect::<Vec<_>>()
        .join("&");
    let scheduled = curator_post(
        &app,
        "/admin/e/nature-covers/phases/new",
        "application/x-www-form-urlencoded",
        body.as_bytes(),
    );
    assert_eq!(scheduled.status, 303, "{}", scheduled.body);
    let after = std::fs::read_to_string(root.join("nature-covers/exhibition.toml")).unwrap();
    assert!(after.starts_with(&before), "the file so far is untouched");
    app.clock.set(at("2026-12-20T00:30:00Z"));
    assert!(
        heading(&app.get("/s/NCA1?lang=en").body).contains("Gravitational waves"),
        "live on station A1 once the phase starts"
    );

    // The phase was a mistake: put the previous exhibition.toml back.
    let dashboard = app.admin_get("/admin/e/nature-covers");
    let row = dashboard
        .body
        .find("<td>exhibition.toml</td>")
        .expect("the change is listed");
    let at_undo = dashboard.body[row..].find("/undo/").unwrap() + row + 6;
    let entry = &dashboard.body[at_undo..at_undo + dashboard.body[at_undo..].find('"').unwrap()];
    let undone = app.admin_post(
        &format!("/admin/e/nature-covers/undo/{entry}"),
        &[],
        &[("Origin", &app.base)],
    );
    assert_eq!(undone.status, 303, "{}", undone.body);
    assert_eq!(
        std::fs::read_to_string(root.join("nature-covers/exhibition.toml")).unwrap(),
        before
    );
    assert!(!heading(&app.get("/s/NCA1?lang=en").body).contains("Gravitational waves"));
}

fn url_encoded(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

#[test]
fn a_cover_upload_keeps_the_comment_block_and_blank_line_above_cover_byte_for_byte() {
    let app = edited_app();
    let original = std::fs::read_to_string(story_file(&app)).unwrap();
    let comments =
        "\n# Cover image, as a path relative to the exhibition folder (the folder that\n";
    assert!(
        original.contains(comments),
        "the demo comments its cover: {original}"
    );
    let version = version_on(&app.admin_get(FORM).body);
    let png = std::fs::read(demo_exhibits().join("nature-covers/covers/exac.png")).unwrap();
    let saved = save(&app, &[("version", &version)], Some(("new.png", &png)));
    assert_eq!(saved.status, 303, "{}", saved.body);
    assert_eq!(
        std::fs::read_to_string(story_file(&app)).unwrap(),
        original.replace(
            "cover = \"covers/alphago.png\"",
            "cover = \"covers/alphago.jpg\""
        ),
        "only the cover's value changed"
    );
}

#[test]
fn under_read_only_exhibits_a_save_answers_a_clear_page_in_the_admins_language() {
    let real = demo_copy(|t| t.replace("closes = 2027-01-08", "closes = 2027-01-09"));
    let Some(view) = crate::saves::Mount::read_only(real.path()) else {
        return;
    };
    let app = spawn_app_with_tuned(tempfile::tempdir().unwrap(), IN_PHASE_1, |s| {
        s.exhibits = view.path().to_path_buf();
    });
    let original =
        std::fs::read_to_string(real.path().join("nature-covers/stories/alphago.toml")).unwrap();
    // Said before anyone types, in the page's language.
    for (lang, says) in [("en", "read-only to docent"), ("zh", "对 docent 只读")] {
        let dashboard = app.admin_get(&format!("/admin/e/nature-covers?lang={lang}"));
        assert_eq!(dashboard.status, 200);
        assert!(dashboard.body.contains(says), "{lang}: {}", dashboard.body);
    }
    let form = app.admin_get(FORM);
    assert_eq!(form.status, 200);
    let version = version_on(&form.body);
    let png = std::fs::read(demo_exhibits().join("nature-covers/covers/exac.png")).unwrap();
    for (lang, says) in [("en", "read-only to it"), ("zh", "对它只读")] {
        let (content_type, body) = multipart(
            &[("version", &version), ("title_en", "Changed")],
            Some(("new.png", &png)),
        );
        let reply = read(
            agent()
                .post(format!("{}{FORM}?lang={lang}", app.base))
                .header("Authorization", &basic("curator", PASSWORD))
                .header("Origin", &app.base)
                .header("Content-Type", &content_type)
                .send(&body[..]),
        );
        assert_eq!(reply.status, 503, "{lang}: {}", reply.body);
        assert!(
            reply.header("content-type").starts_with("text/html"),
            "a page, not plain text"
        );
        assert!(reply.body.contains(says), "{lang}: {}", reply.body);
        assert!(
            reply.body.contains("title_en"),
            "the form, with what was typed"
        );
    }
    assert_eq!(
        std::fs::read_to_string(real.path().join("nature-covers/stories/alphago.toml")).unwrap(),
        original
    );

    // Scheduling a phase says the same, on the phase form.
    let form = app.admin_get("/admin/e/nature-covers/phases/new");
    let body = [
        ("version", version_on(&form.body)),
        ("id", "phase-3".into()),
        ("name_zh", "第三期".into()),
        ("name_en", "Phase 3".into()),
        ("starts", "2026-12-20T08:00".into()),
    ]
    .iter()
    .map(|(k, v)| format!("{k}={}", url_encoded(v)))
    .collect::<Vec<_>>()
    .join("&");
    let phase = curator_post(
        &app,
        "/admin/e/nature-covers/phases/new",
        "application/x-www-form-urlencoded",
        body.as_bytes(),
    );
    assert_eq!(phase.status, 503, "{}", phase.body);
    assert!(phase.body.contains("read-only to it"), "{}", phase.body);

    // Putting a kept version back says it on a page too, with the way back to the history.
    let history = real.path().join("nature-covers/.history");
    std::fs::create_dir_all(&history).unwrap();
    let entry = "20261201T100000--curator--stories__alphago.toml";
    std::fs::write(history.join(format!("{entry}.bak")), &original).unwrap();
    for (lang, says) in [("en", "was not put back"), ("zh", "没有恢复这个版本")] {
        let undo = curator_post(
            &app,
            &format!("/admin/e/nature-covers/undo/{entry}?lang={lang}"),
            "application/x-www-form-urlencoded",
            b"",
        );
        assert_eq!(undo.status, 503, "{lang}: {}", undo.body);
        assert!(
            undo.header("content-type").starts_with("text/html"),
            "{lang}: a page, not plain text"
        );
        assert!(
            undo.body.contains(says) && undo.body.contains("/admin/e/nature-covers#files"),
            "{lang}: {}",
            undo.body
        );
    }
    drop(app);
}

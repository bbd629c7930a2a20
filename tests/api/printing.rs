//! QR images and print sheets: every demo code decodes back to its exact URL with independent
//! decoders (rqrr in-process, zbar as a separate program), also at the pixels a phone camera
//! gets from the configured distance; the poster sheet prints one A4 page per station.
//!
//! Longer than 500 lines because every printable format (SVG, PNG, sheets, posters) decoded from outside, one scenario each.

use std::path::Path;
use std::process::Command;

use docent::catalog::{self, Code};
use docent::qr::{self, Ecc, Symbol};

use crate::helpers::*;

/// Every code in the demo, station codes first.
fn demo_codes() -> Vec<String> {
    let catalog = catalog::load(&demo_exhibits()).unwrap();
    catalog
        .codes()
        .into_iter()
        .map(|(c, _)| c.to_string())
        .collect()
}

fn fetch(app: &TestApp, path: &str) -> (String, Vec<u8>) {
    let mut response = ureq::get(format!("{}{path}", app.base)).call().unwrap();
    let content_type = response
        .headers()
        .get("content-type")
        .unwrap()
        .to_str()
        .unwrap()
        .to_string();
    (content_type, response.body_mut().read_to_vec().unwrap())
}

/// zbar, a decoder that shares no code with docent.
fn zbar(file: &Path) -> Vec<String> {
    let out = Command::new("zbarimg")
        .args(["-q", "--raw"])
        .arg(file)
        .output()
        .expect("zbarimg runs (Debian package zbar-tools; .ci/run installs it)");
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(str::to_string)
        .collect()
}

fn url_of(app: &TestApp, code: &str) -> String {
    format!("{}/S/{code}", app.base.to_ascii_uppercase())
}

#[test]
fn every_demo_png_decodes_to_its_exact_url() {
    let app = spawn_app(IN_PHASE_1);
    let dir = tempfile::tempdir().unwrap();
    let codes = demo_codes();
    assert_eq!(codes.len(), 16);
    for code in &codes {
        let (content_type, png) = fetch(&app, &format!("/qr/{}.png", code.to_lowercase()));
        assert_eq!(content_type, "image/png");
        let img = image::load_from_memory(&png).unwrap().to_luma8();
        assert_eq!(qr::decode(&img), [url_of(&app, code)], "rqrr, {code}");
        let file = dir.path().join(format!("{code}.png"));
        std::fs::write(&file, &png).unwrap();
        assert_eq!(zbar(&file), [url_of(&app, code)], "zbar, {code}");
    }
}

#[test]
fn every_demo_svg_decodes_once_rasterised() {
    let app = spawn_app(IN_PHASE_1);
    for code in demo_codes() {
        let (content_type, svg) = fetch(&app, &format!("/qr/{code}.svg"));
        assert_eq!(content_type, "image/svg+xml");
        let svg = String::from_utf8(svg).unwrap();
        assert_eq!(svg.matches("<path").count(), 1);
        let img = qr::rasterise_svg(&svg, 300).unwrap();
        assert_eq!(qr::decode(&img), [url_of(&app, &code)], "{code}");
    }
}

/// Pixels across a printed code as a phone camera sees it from `distance_m`: a 1080-pixel-wide
/// preview frame over a 65 degree horizontal field of view.
fn camera_pixels(size_mm: f64, distance_m: f64) -> u32 {
    let field_mm = 2.0 * distance_m * 1000.0 * (65f64.to_radians() / 2.0).tan();
    (size_mm / field_mm * 1080.0).round() as u32
}

#[test]
fn codes_still_decode_at_the_resolution_a_phone_gets_from_the_scanning_distance() {
    let app = spawn_app(IN_PHASE_1);
    let dir = tempfile::tempdir().unwrap();
    for code in ["NCA1", "NCB3", "SGDP16"] {
        let symbol = Symbol::new(&url_of(&app, code), Ecc::M).unwrap();
        let distance = 1.0;
        let size = symbol.size_for_distance(distance);
        let (_, png) = fetch(&app, &format!("/qr/{code}.png"));
        let full = image::load_from_memory(&png).unwrap().to_luma8();
        let px = camera_pixels(size, distance);
        assert!(
            px < full.width() / 10,
            "{px} px is a real downscale of {}",
            full.width()
        );
        let small = image::imageops::resize(&full, px, px, image::imageops::FilterType::Triangle);
        // A camera frame has surroundings: put the code on a larger white field.
        let mut frame = image::GrayImage::from_pixel(px * 3, px * 2, image::Luma([255]));
        image::imageops::overlay(&mut frame, &small, px as i64, (px / 2) as i64);
        assert_eq!(qr::decode(&frame), [url_of(&app, code)], "rqrr at {px} px");
        let file = dir.path().join(format!("{code}-camera.png"));
        frame.save(&file).unwrap();
        assert_eq!(zbar(&file), [url_of(&app, code)], "zbar at {px} px");
    }
}

#[test]
fn the_demo_base_url_gives_version_2_codes() {
    for code in demo_codes() {
        let url = qr::code_url("http://127.0.0.1:8080", &Code::parse(&code).unwrap());
        let symbol = Symbol::new(&url, Ecc::M).unwrap();
        assert_eq!(symbol.version(), 2, "{url}");
    }
}

#[test]
fn qr_options_are_honoured_and_checked() {
    let app = spawn_app(IN_PHASE_1);
    let (_, png) = fetch(&app, "/qr/NCA1.png?size=50&dpi=600&ecc=H");
    let reader = png::Decoder::new(std::io::Cursor::new(&png))
        .read_info()
        .unwrap();
    assert_eq!(
        reader.info().pixel_dims.unwrap().xppu,
        23622,
        "600 DPI recorded"
    );
    let width = reader.info().width;
    assert!(
        (1181..1300).contains(&width),
        "50 mm at 600 DPI: {width} px"
    );
    assert_eq!(app.get("/qr/NCA1.png?ecc=Z").status, 400);
    assert_eq!(app.get("/qr/NCA1.gif").status, 400);
    assert_eq!(app.get("/qr/NOPE1.svg").status, 404);
    assert_eq!(
        app.get("/qr/NCA1.png?size=1000&dpi=1200").status,
        400,
        "too many pixels"
    );
}

fn docent(args: &[&str]) -> (i32, String, String) {
    docent_with_env(args, &[])
}

/// Runs docent on the demo with only the `DOCENT_*` variables given in `env`.
fn docent_with_env(args: &[&str], env: &[(&str, &str)]) -> (i32, String, String) {
    let mut command = Command::new(env!("CARGO_BIN_EXE_docent"));
    for (name, _) in std::env::vars().filter(|(n, _)| n.starts_with("DOCENT_")) {
        command.env_remove(name);
    }
    let out = command
        .envs(env.iter().copied())
        .args(args)
        .arg("--exhibits")
        .arg(demo_exhibits())
        .output()
        .unwrap();
    outcome(out)
}

#[test]
fn the_qr_command_writes_a_checked_png_and_svg() {
    let dir = tempfile::tempdir().unwrap();
    let png = dir.path().join("a1.png");
    let (code, out, err) = docent(&[
        "qr",
        "nca1",
        "--format",
        "png",
        "--out",
        png.to_str().unwrap(),
        "--distance",
        "2",
        "--base-url",
        "http://127.0.0.1:8080",
    ]);
    assert_eq!(code, 0, "{err}");
    assert!(
        out.contains("QR version 2") && out.contains("264 mm for 2 m"),
        "{out}"
    );
    assert_eq!(zbar(&png), ["HTTP://127.0.0.1:8080/S/NCA1"]);
    let svg = dir.path().join("a1.svg");
    let (code, _, err) = docent(&[
        "qr",
        "NCA1",
        "--format",
        "svg",
        "--out",
        svg.to_str().unwrap(),
        "--base-url",
        "https://docent.example.edu",
    ]);
    assert_eq!(code, 0, "{err}");
    let img = qr::rasterise_svg(&std::fs::read_to_string(&svg).unwrap(), 400).unwrap();
    assert_eq!(qr::decode(&img), ["HTTPS://DOCENT.EXAMPLE.EDU/S/NCA1"]);
    let (code, _, err) = docent(&[
        "qr",
        "NOPE1",
        "--format",
        "svg",
        "--out",
        svg.to_str().unwrap(),
        "--base-url",
        "https://docent.example.edu",
    ]);
    assert_eq!(code, 1);
    assert!(err.contains("code `NOPE1` is not in"), "{err}");
}

#[test]
fn print_writes_every_code_and_fails_clearly_on_unknown_names() {
    let dir = tempfile::tempdir().unwrap();
    let out_dir = dir.path().to_str().unwrap();
    let local = ["--base-url", "http://127.0.0.1:8080"];
    let (code, out, err) = docent(
        &[
            &["print", "--out", out_dir, "--phase", "phase-2"],
            &local[..],
        ]
        .concat(),
    );
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("16 codes as SVG and PNG"), "{out}");
    for c in demo_codes() {
        let png = dir.path().join(format!("qr/{c}.png"));
        assert_eq!(zbar(&png), [format!("HTTP://127.0.0.1:8080/S/{c}")]);
        assert!(dir.path().join(format!("qr/{c}.svg")).is_file());
    }
    let posters =
        std::fs::read_to_string(dir.path().join("nature-covers-phase-2-posters.html")).unwrap();
    // Phase 2 puts AlphaGo Zero at A1: its poster carries the English title under the Chinese.
    assert!(
        posters.contains("<h2 lang=\"en\">AlphaGo Zero: mastering Go from scratch</h2>"),
        "{posters}"
    );

    let (code, _, err) = docent(
        &[
            &["print", "--out", out_dir, "--exhibition", "nope"],
            &local[..],
        ]
        .concat(),
    );
    assert_eq!(code, 1);
    assert!(
        err.contains("no exhibition `nope` (exhibitions: nature-covers)"),
        "{err}"
    );
    let (code, _, err) = docent(
        &[
            &["print", "--out", out_dir, "--phase", "phase-9"],
            &local[..],
        ]
        .concat(),
    );
    assert_eq!(code, 1);
    assert!(
        err.contains("has no phase `phase-9` (phases: phase-1, phase-2)"),
        "{err}"
    );
}

#[test]
fn print_and_qr_refuse_to_encode_a_base_url_nobody_gave() {
    let dir = tempfile::tempdir().unwrap();
    let out_dir = dir.path().join("print");
    let png = dir.path().join("a1.png");
    let print = ["print", "--out", out_dir.to_str().unwrap()];
    let qr = [
        "qr",
        "NCA1",
        "--format",
        "png",
        "--out",
        png.to_str().unwrap(),
    ];
    for args in [&print[..], &qr[..]] {
        // DOCENT_BIND alone is not a base URL: it is where the server listens, not where phones go.
        let (code, _, err) = docent_with_env(args, &[("DOCENT_BIND", "0.0.0.0:8080")]);
        assert_eq!(code, 1, "{args:?}");
        assert!(
            err.contains("--base-url")
                && err.contains("DOCENT_BASE_URL")
                && err.contains("no phone"),
            "{err}"
        );
    }
    assert!(!out_dir.exists() && !png.exists(), "nothing written");

    let (code, _, err) = docent_with_env(&qr, &[("DOCENT_BASE_URL", "https://docent.example.edu")]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(zbar(&png), ["HTTPS://DOCENT.EXAMPLE.EDU/S/NCA1"]);

    let (code, _, err) = docent(&[&qr[..], &["--base-url", "http://localhost:8080"]].concat());
    assert_eq!(code, 0, "an explicit loopback address is allowed: {err}");
    assert!(err.contains("loopback"), "but warned about: {err}");
    assert_eq!(zbar(&png), ["HTTP://LOCALHOST:8080/S/NCA1"]);

    let (code, _, err) = docent(&[&qr[..], &["--base-url", "docent.example.edu"]].concat());
    assert_eq!(code, 1);
    assert!(err.contains("is not an http(s) URL"), "{err}");
}

/// Pages in a PDF that Chromium wrote.
fn pdf_pages(pdf: &[u8]) -> usize {
    let text = String::from_utf8_lossy(pdf);
    text.match_indices("/Type /Page")
        .filter(|(i, _)| !text[i + 11..].starts_with('s'))
        .count()
}

pub fn chromium_pdf(html: &Path, pdf: &Path) {
    let profile = tempfile::tempdir().unwrap();
    let status = Command::new("chromium")
        .args([
            "--headless=new",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            "--no-pdf-header-footer",
        ])
        .arg(format!("--user-data-dir={}", profile.path().display()))
        .arg(format!("--print-to-pdf={}", pdf.display()))
        .arg(format!("file://{}", html.display()))
        .output()
        .expect("chromium runs (Debian package chromium; .ci/run installs it)");
    assert!(
        pdf.is_file(),
        "chromium wrote no PDF: {}",
        String::from_utf8_lossy(&status.stderr)
    );
}

#[test]
fn the_poster_sheet_prints_one_a4_page_per_station_in_chromium() {
    let app = spawn_app(IN_PHASE_1);
    let anonymous = app.get("/admin/print/nature-covers");
    assert_eq!(anonymous.status, 401);
    let page = app.admin_get("/admin/print/nature-covers");
    assert_eq!(page.status, 200);
    assert_eq!(page.body.matches(r#"<section class="poster">"#).count(), 6);
    assert!(page.body.contains("扫码阅读全文"));
    assert!(page.body.contains(&format!(
        "{}/s/NCA1",
        app.base.trim_start_matches("http://")
    )));
    assert!(
        page.header("content-security-policy")
            .contains("img-src data:")
    );

    let dir = tempfile::tempdir().unwrap();
    let html = dir.path().join("posters.html");
    std::fs::write(&html, &page.body).unwrap();
    let pdf = dir.path().join("posters.pdf");
    chromium_pdf(&html, &pdf);
    assert_eq!(
        pdf_pages(&std::fs::read(&pdf).unwrap()),
        6,
        "one page per station"
    );

    let labels = app.admin_get("/admin/print/nature-covers?sheet=labels&codes=story&phase=phase-2");
    assert_eq!(labels.status, 200);
    assert!(labels.body.contains("/s/GOZ17"), "phase 2's story codes");
    let html = dir.path().join("labels.html");
    std::fs::write(&html, &labels.body).unwrap();
    let pdf = dir.path().join("labels.pdf");
    chromium_pdf(&html, &pdf);
    assert_eq!(
        pdf_pages(&std::fs::read(&pdf).unwrap()),
        1,
        "six labels fit one page"
    );
    assert_eq!(
        app.admin_get("/admin/print/nature-covers?phase=nope")
            .status,
        400
    );
}

#[test]
fn an_exhibitions_own_wording_replaces_the_library_default_on_page_and_poster() {
    let exhibits = demo_copy(|t| {
        t.replace(
            "scan_distance_m = 1.0\n",
            "scan_distance_m = 1.0\naccess_note = { zh = \"论文可免费阅读。\", en = \"The paper is free to read.\" }\ncall_to_action = { zh = \"扫码看展品\", en = \"Scan for the story\" }\n",
        )
    });
    let app = spawn_app_with(exhibits, IN_PHASE_1);
    let en = app.get("/s/NCA1?lang=en").body;
    assert!(en.contains("The paper is free to read."), "{en}");
    assert!(!en.contains("subscription"));
    assert!(app.get("/s/NCA1?lang=zh").body.contains("论文可免费阅读。"));
    let posters = app.admin_get("/admin/print/nature-covers").body;
    assert!(posters.contains("扫码看展品 · Scan for the story"));
    assert!(!posters.contains("Scan to read the full paper"));
    let labels = app
        .admin_get("/admin/print/nature-covers?sheet=labels")
        .body;
    assert!(labels.contains("扫码看展品 · Scan for the story"));

    let plain = spawn_app(IN_PHASE_1);
    assert!(plain.get("/s/NCA1?lang=en").body.contains("subscription"));
    assert!(
        plain
            .admin_get("/admin/print/nature-covers")
            .body
            .contains("扫码阅读全文 · Scan to read the full paper")
    );
}

#[test]
fn print_warns_on_the_command_line_when_a_code_outgrows_a4() {
    // 6 m needs a 792 mm code: its PNG is large enough that the decoder used to panic on it.
    let exhibits =
        demo_copy(|t| t.replacen("id = \"B1\"\n", "id = \"B1\"\nscan_distance_m = 6.0\n", 1));
    let dir = tempfile::tempdir().unwrap();
    let run = |exhibits: &Path| {
        let out = Command::new(env!("CARGO_BIN_EXE_docent"))
            .env_remove("DOCENT_BASE_URL")
            .args(["print", "--base-url", "https://docent.example.org", "--out"])
            .arg(dir.path())
            .arg("--exhibits")
            .arg(exhibits)
            .output()
            .unwrap();
        (
            out.status.code(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    };
    let (code, err) = run(exhibits.path());
    assert_eq!(code, Some(0), "{err}");
    let warnings: Vec<_> = err.lines().filter(|l| l.starts_with("warning:")).collect();
    assert_eq!(warnings.len(), 1, "{err}");
    assert!(
        warnings[0].contains("station B1")
            && warnings[0].contains("6 m")
            && warnings[0].contains("A3"),
        "{err}"
    );
    let (code, err) = run(&demo_exhibits());
    assert_eq!(code, Some(0), "{err}");
    assert!(!err.contains("warning:"), "the demo fits A4: {err}");
}

#[test]
fn a_poster_for_a_story_with_a_free_copy_says_free_to_read() {
    // Custom wording too: the free copy is a fact about the paper, so it wins on its poster.
    let exhibits = demo_copy(|t| {
        t.replace(
            "scan_distance_m = 1.0\n",
            "scan_distance_m = 1.0\ncall_to_action = { zh = \"扫码看展品\", en = \"Scan for the story\" }\n",
        )
    });
    let app = spawn_app_with(exhibits, IN_PHASE_1);
    let free = "扫码免费阅读全文 · Scan to read the full paper, free";
    for query in [
        "?phase=phase-2",
        "?phase=phase-2&sheet=labels",
        "?phase=phase-2&codes=story",
    ] {
        let sheet = app
            .admin_get(&format!("/admin/print/nature-covers{query}"))
            .body;
        assert_eq!(
            sheet.matches(free).count(),
            1,
            "only trappist-1's ({query})"
        );
        assert_eq!(
            sheet.matches("扫码看展品 · Scan for the story").count(),
            5,
            "{query}"
        );
    }
    // Phase 1 does not show trappist-1: no poster says free.
    let phase_1 = app.admin_get("/admin/print/nature-covers").body;
    assert!(!phase_1.contains(free));
}

#[test]
fn the_browsers_print_page_warns_in_the_admins_language_when_phones_cannot_open_its_codes() {
    // No base URL: the codes hold this test server's loopback address.
    let app = spawn_app(IN_PHASE_1);
    for (query, words) in [
        ("?lang=en", "Do not print: phones cannot open these codes"),
        ("?lang=zh", "请勿打印：手机扫不开这些二维码"),
        ("?lang=zh&sheet=labels", "请勿打印"),
    ] {
        let page = app.admin_get(&format!("/admin/print/nature-covers{query}"));
        assert_eq!(page.status, 200);
        assert!(page.body.contains(words), "{query}: no warning");
        assert!(
            page.body.contains(&format!("<code>{}</code>", app.base))
                && page.body.contains("--base-url")
                && page.body.contains("DOCENT_BASE_URL"),
            "{query}: names the address and what to set"
        );
        assert!(page.body.contains("@media print{.notice{display:none}}"));
    }
    // With the public address given, nothing to warn of.
    let app = spawn_app_tuned(IN_PHASE_1, |s| {
        s.base_url = Some("https://docent.example.edu".into());
    });
    let page = app.admin_get("/admin/print/nature-covers?lang=en");
    assert_eq!(page.status, 200);
    assert!(page.body.to_lowercase().contains("docent.example.edu/s/"));
    assert!(!page.body.contains("Do not print"), "a reachable address");
}

#[test]
fn serve_without_a_base_url_warns_at_start() {
    use std::io::{BufRead, BufReader};
    let data = tempfile::tempdir().unwrap();
    let warning_of = |env: &[(&str, &str)]| {
        let (mut child, _) = serve_logging(
            &demo_exhibits(),
            &data.path().join("store"),
            "127.0.0.1:0",
            PASSWORD,
            env,
            std::process::Stdio::piped(),
        );
        let stderr = child.stderr.take().unwrap();
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                if line.starts_with("warning:") {
                    let _ = tx.send(line);
                }
            }
        });
        let warning = rx.recv_timeout(std::time::Duration::from_secs(5)).ok();
        child.kill().unwrap();
        child.wait().unwrap();
        warning
    };
    let warning = warning_of(&[]).expect("a warning on stderr");
    assert!(
        warning.contains("only this computer can open")
            && warning.contains("--base-url")
            && warning.contains("DOCENT_BASE_URL"),
        "{warning}"
    );
    assert_eq!(
        warning_of(&[("DOCENT_BASE_URL", "https://docent.example.edu")]),
        None,
        "no warning with a public address"
    );
}

//! Uploads that cannot hurt the show: a cover of too many pixels or cut short is refused with
//! a 4xx within a second and nothing is written; a form of thousands of fields or of long
//! field names is refused at once.

use std::time::{Duration, Instant};

use crate::helpers::*;

const FORM: &str = "/admin/e/nature-covers/stories/alphago";

fn version_on(page: &str) -> String {
    let at = page
        .find(r#"name="version" value=""#)
        .expect("a version on the form")
        + 22;
    page[at..at + page[at..].find('"').unwrap()].to_string()
}

/// A multipart body of `fields` and a cover file.
fn multipart(fields: &[(String, String)], cover: Option<&[u8]>) -> (String, Vec<u8>) {
    let fields: Vec<(&str, &str)> = fields
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    crate::editor::multipart(&fields, cover.map(|bytes| ("c", bytes)))
}

/// A server on a copy of the demo: a save that got through must not touch the demo itself.
fn app() -> TestApp {
    let exhibits = tempfile::tempdir().unwrap();
    copy_dir(&demo_exhibits(), exhibits.path());
    spawn_app_with(exhibits, "2026-11-20T02:00:00Z")
}

fn post(app: &TestApp, fields: &[(String, String)], cover: Option<&[u8]>) -> (Reply, Duration) {
    let (content_type, body) = multipart(fields, cover);
    let started = Instant::now();
    let reply = read(
        agent()
            .post(format!("{}{FORM}", app.base))
            .header("Authorization", &basic("curator", PASSWORD))
            .header("Origin", &app.base)
            .header("Content-Type", &content_type)
            .send(&body[..]),
    );
    (reply, started.elapsed())
}

/// Every file of the exhibition folder with its bytes, to see that nothing was written.
fn files(app: &TestApp) -> Vec<(std::path::PathBuf, Vec<u8>)> {
    let dir = app.exhibits_dir().join("nature-covers");
    let mut all = Vec::new();
    for sub in ["stories", "covers"] {
        for entry in std::fs::read_dir(dir.join(sub)).unwrap() {
            let path = entry.unwrap().path();
            all.push((path.clone(), std::fs::read(&path).unwrap()));
        }
    }
    all.sort();
    all
}

/// A 12000x12000 grey PNG: a few hundred KB that would decode to 144 MB.
fn huge_png() -> Vec<u8> {
    let mut png = Vec::new();
    {
        let mut encoder = png::Encoder::new(&mut png, 12_000, 12_000);
        encoder.set_color(png::ColorType::Grayscale);
        encoder.set_compression(png::Compression::Fast);
        let mut writer = encoder.write_header().unwrap();
        writer
            .write_image_data(&vec![128u8; 12_000 * 12_000])
            .unwrap();
    }
    png
}

/// A whole JPEG of 1000x800, cut to its first two thirds.
fn truncated_jpeg() -> Vec<u8> {
    let picture = image::RgbImage::from_fn(1000, 800, |x, y| {
        image::Rgb([(x % 251) as u8, (y % 241) as u8, 90])
    });
    let mut jpeg = Vec::new();
    picture
        .write_to(
            &mut std::io::Cursor::new(&mut jpeg),
            image::ImageFormat::Jpeg,
        )
        .unwrap();
    jpeg.truncate(jpeg.len() * 2 / 3);
    jpeg
}

#[test]
fn a_huge_or_truncated_cover_is_refused_quickly_and_nothing_is_written() {
    let app = app();
    let version = version_on(&app.admin_get(FORM).body);
    let before = files(&app);
    let fields = [("version".to_string(), version)];
    for (what, bytes, words) in [
        ("12000x12000 PNG", huge_png(), "12000x12000"),
        ("truncated JPEG", truncated_jpeg(), "incomplete"),
    ] {
        assert!(bytes.len() < 5 << 20, "{what}: {} bytes", bytes.len());
        let (reply, took) = post(&app, &fields, Some(&bytes));
        assert_eq!(reply.status, 422, "{what}: {}", reply.body);
        assert!(reply.body.contains(words), "{what}: {}", reply.body);
        assert!(
            reply.body.contains("id=\"cover_file-problem\""),
            "{what}: beside the cover field"
        );
        assert!(took < Duration::from_secs(1), "{what} took {took:?}");
        assert_eq!(files(&app), before, "{what}: nothing written");
    }
}

#[test]
fn a_form_of_many_fields_or_long_field_names_is_refused_at_once() {
    let app = app();
    let before = files(&app);
    let long_names: Vec<(String, String)> = (0..300)
        .map(|i| (format!("{i}{}", "n".repeat(2_000)), String::new()))
        .collect();
    let many: Vec<(String, String)> = (0..3_000).map(|i| (format!("f{i}"), "x".into())).collect();
    for (what, fields, words) in [
        ("long names", long_names, "field name is longer"),
        ("many fields", many, "more than 64 fields"),
    ] {
        let (reply, took) = post(&app, &fields, None);
        assert_eq!(reply.status, 400, "{what}: {}", reply.body);
        assert!(reply.body.contains(words), "{what}: {}", reply.body);
        assert!(took < Duration::from_secs(1), "{what} took {took:?}");
    }
    assert_eq!(files(&app), before);
    // The server is still well.
    assert_eq!(app.get("/s/GO16").status, 200);
}

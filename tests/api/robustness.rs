//! Hostile input: security headers everywhere, markup in exhibit text shown as text, no open
//! redirect, no path traversal, clean 4xx for malformed codes, huge headers, big bodies and odd
//! methods; and property tests of the parsers.

use std::io::{Read, Write};
use std::net::TcpStream;

use proptest::prelude::*;

use docent::catalog::{self, Code};

use crate::helpers::*;

#[test]
fn every_kind_of_response_carries_the_security_headers() {
    let app = spawn_app(IN_PHASE_1);
    for path in [
        "/s/NCA1",
        "/e/nature-covers",
        "/go/NCA1",
        "/qr/NCA1.svg",
        "/healthz",
        "/no/such",
        "/login",
        "/admin",
        "/s/NOPE1",
    ] {
        let reply = app.get(path);
        assert!(
            reply
                .header("content-security-policy")
                .contains("frame-ancestors 'none'"),
            "{path}"
        );
        assert!(
            !reply
                .header("content-security-policy")
                .contains("script-src"),
            "{path}: no script allowed at all"
        );
        assert_eq!(reply.header("x-content-type-options"), "nosniff", "{path}");
        assert_eq!(reply.header("x-frame-options"), "DENY", "{path}");
        assert!(!reply.header("referrer-policy").is_empty(), "{path}");
    }
}

#[test]
fn markup_in_exhibit_text_is_shown_as_text() {
    let exhibits = demo_copy(|t| {
        t.replace(
            "zh = \"《自然》封面故事展\"",
            "zh = \"<script>alert(1)</script>展\"",
        )
    });
    let story = exhibits.path().join("nature-covers/stories/alphago.toml");
    let text = std::fs::read_to_string(&story).unwrap();
    std::fs::write(
        &story,
        text.replacen(
            "[summary]\n",
            "[summary]\nzh = \"<img src=x onerror=alert(2)> 摘要\"\n#",
            1,
        ),
    )
    .unwrap();
    let app = spawn_app_with(exhibits, IN_PHASE_1);
    for path in ["/s/GO16?lang=zh", "/e/nature-covers?lang=zh"] {
        let page = app.get(path);
        assert_eq!(page.status, 200, "{path}: {}", page.body);
        assert!(
            !page.body.contains("<script>alert") && !page.body.contains("<img src=x"),
            "{path}"
        );
        assert!(
            page.body
                .contains("&#60;script&#62;alert(1)&#60;/script&#62;"),
            "{path}: shown as text"
        );
    }
    assert!(
        app.get("/s/GO16?lang=zh")
            .body
            .contains("&#60;img src=x onerror=alert(2)&#62; 摘要")
    );
}

#[test]
fn go_only_ever_redirects_to_catalog_articles() {
    let app = spawn_app(IN_PHASE_1);
    for path in [
        "/go/NCA1?url=https://evil.example",
        "/go/NCA1?next=//evil.example",
        "/go/https:%2F%2Fevil.example",
        "/go/%2F%2Fevil.example",
    ] {
        let reply = app.get(path);
        let location = reply.header("location");
        assert!(
            location.is_empty() || location.starts_with("https://www.nature.com/"),
            "{path} -> {location}"
        );
    }
    let login = app.post(
        "/login",
        &[("password", PASSWORD), ("next", "//evil.example/admin")],
        &[],
    );
    assert_eq!(
        login.header("location"),
        "/admin",
        "login never sends people off-site"
    );
}

#[test]
fn covers_and_codes_refuse_traversal_and_garbage_with_4xx() {
    let app = spawn_app(IN_PHASE_1);
    for path in [
        "/cover/nature-covers/..%2F..%2Fexhibition/480",
        "/cover/..%2F..%2Fetc/passwd/480",
        "/cover/nature-covers/alphago/480%00",
        "/cover/nature-covers/alphago/99999999999999999999",
        "/qr/..%2Fsecret.png",
        "/qr/NCA1.png?size=-5",
        "/qr/NCA1.png?dpi=abc",
        "/e/..%2F..%2Fetc",
    ] {
        let status = app.get(path).status;
        assert!((400..500).contains(&status), "{path}: {status}");
    }
    let long = format!("/s/{}", "A".repeat(5000));
    assert_eq!(app.get(&long).status, 404);
    assert!(app.store.scans().unwrap().is_empty());
}

#[test]
fn odd_methods_big_bodies_and_huge_headers_get_clean_4xx() {
    let app = spawn_app(IN_PHASE_1);
    for method in ["DELETE", "PUT", "PATCH", "POST"] {
        let raw = raw_request(
            &app,
            &format!(
                "{method} /s/NCA1 HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
            ),
        );
        assert!(
            raw.starts_with("HTTP/1.1 405") || raw.starts_with("HTTP/1.1 404"),
            "{method}: {}",
            &raw[..raw.len().min(40)]
        );
    }
    // Past the server's 128 KiB limit for a request head: refused with a status, not dropped.
    let huge = format!(
        "GET /s/NCA1 HTTP/1.1\r\nHost: x\r\nX-Big: {}\r\nConnection: close\r\n\r\n",
        "a".repeat(200_000)
    );
    let raw = raw_request(&app, &huge);
    assert!(
        raw.starts_with("HTTP/1.1 431"),
        "huge header: {:?}",
        &raw[..raw.len().min(40)]
    );
    let body = "password=".to_string() + &"x".repeat(100_000);
    let big = app.post("/login", &[("password", &body)], &[]);
    assert_eq!(big.status, 413, "form bodies are limited");
    assert!(app.get("/healthz").status == 200, "still serving");
}

fn raw_request(app: &TestApp, request: &str) -> String {
    let mut stream = TcpStream::connect(app.base.trim_start_matches("http://")).unwrap();
    stream
        .set_read_timeout(Some(std::time::Duration::from_secs(5)))
        .unwrap();
    let _ = stream.write_all(request.as_bytes());
    let mut out = Vec::new();
    let _ = stream.read_to_end(&mut out);
    String::from_utf8_lossy(&out).into_owned()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 2000, ..ProptestConfig::default() })]

    #[test]
    fn code_parsing_never_panics_and_accepts_only_printable_codes(raw in "[A-Za-z0-9]{0,20}|\\PC{0,40}") {
        if let Ok(code) = Code::parse(&raw) {
            prop_assert!(code.as_str().bytes().all(|b| b.is_ascii_uppercase() || b.is_ascii_digit()));
            prop_assert_eq!(code.as_str(), raw.to_ascii_uppercase());
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 300, ..ProptestConfig::default() })]

    /// Random damage to a real exhibition file: `load` answers Ok or a list of problems,
    /// each naming the file, and never panics.
    #[test]
    fn the_exhibit_parser_survives_damaged_files(cuts in proptest::collection::vec((0usize..8000, 0usize..40, "\\PC{0,12}"), 1..6)) {
        let dir = tempfile::tempdir().unwrap();
        copy_dir(&demo_exhibits(), dir.path());
        let file = dir.path().join("nature-covers/exhibition.toml");
        let mut text: Vec<char> = std::fs::read_to_string(&file).unwrap().chars().collect();
        for (at, len, insert) in cuts {
            let at = at.min(text.len());
            let end = (at + len).min(text.len());
            text.splice(at..end, insert.chars());
        }
        std::fs::write(&file, text.into_iter().collect::<String>()).unwrap();
        if let Err(problems) = catalog::load(dir.path()) {
            prop_assert!(!problems.is_empty());
            for p in problems {
                prop_assert!(p.to_string().contains(&dir.path().display().to_string()), "{}", p);
            }
        }
    }
}

//! Digests by e-mail through a real SMTP server on loopback (Python's aiosmtpd, started by the
//! test): the weekly digest arrives once, as multipart with both parts and the chart inline,
//! with the stats JSON's figures for its week and a read-only link that opens without a
//! password; with the mail server down it is tried again, shown as failing, and arrives once
//! when the server is back; an organizer can send one by hand.

use mailparse::MailHeaderMap;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use docent::smtp::MailSettings;

use crate::helpers::*;

/// Beijing time Monday 2026-11-23, 09:00:05: the weekly digest (Monday, 9) is due.
const MONDAY_9: &str = "2026-11-23T01:00:05Z";
pub(crate) const DIGEST: &str = "\n[digest]\nrecipients = [\"wang.li@library.example.edu\", \"director@library.example.edu\"]\nweekly = { day = \"monday\", hour = 9 }\nat_phase_end = true\n";

pub struct Sink {
    child: Child,
    pub dir: tempfile::TempDir,
}

impl Drop for Sink {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// aiosmtpd on `port`, saving each message in a folder of its own.
pub fn smtp_sink(port: u16) -> Sink {
    let dir = tempfile::tempdir().unwrap();
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tools/smtp_sink.py");
    let mut child = Command::new("python3")
        .arg(script)
        .args(["--port", &port.to_string(), "--dir"])
        .arg(dir.path())
        .stdout(Stdio::piped())
        .spawn()
        .expect("python3 runs (tools/test.sh installs aiosmtpd)");
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    assert!(
        line.starts_with("ready"),
        "the SMTP server did not start: {line}"
    );
    Sink { child, dir }
}

impl Sink {
    pub fn messages(&self) -> Vec<PathBuf> {
        let mut files: Vec<PathBuf> = std::fs::read_dir(self.dir.path())
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|x| x == "eml"))
            .collect();
        files.sort();
        files
    }

    /// Waits until `n` messages arrived.
    pub fn wait_for(&self, n: usize) -> Vec<Vec<u8>> {
        let until = Instant::now() + Duration::from_secs(20);
        while self.messages().len() < n {
            assert!(Instant::now() < until, "{n} message(s) did not arrive");
            std::thread::sleep(Duration::from_millis(50));
        }
        self.messages()
            .iter()
            .map(|p| std::fs::read(p).unwrap())
            .collect()
    }
}

pub fn mail_to(port: u16) -> MailSettings {
    MailSettings {
        url: format!("smtp://127.0.0.1:{port}"),
        from: "docent <docent@library.example.edu>".into(),
    }
}

fn with_digest() -> tempfile::TempDir {
    demo_copy(|t| format!("{t}{DIGEST}"))
}

/// Scans on three days of the week 2026-11-16..22 and one the week before.
pub(crate) fn traffic(app: &TestApp) {
    for (day, n) in [
        ("2026-11-12", 2),
        ("2026-11-17", 3),
        ("2026-11-19", 4),
        ("2026-11-22", 1),
    ] {
        app.clock.set(at(&format!("{day}T03:00:00Z")));
        for i in 0..n {
            let ua = ANDROID_CHROME.replace("Pixel 8", &format!("Pixel {i}"));
            assert_eq!(app.get_as("/s/NCA2", &ua, &[]).status, 200);
        }
        app.get_as("/go/NCA2", ANDROID_CHROME, &[]);
    }
}

/// The body of the part of `mail` with this type, anywhere in the tree.
pub(crate) fn part<'a>(
    mail: &'a mailparse::ParsedMail<'a>,
    mime: &str,
) -> Option<&'a mailparse::ParsedMail<'a>> {
    if mail.ctype.mimetype == mime {
        return Some(mail);
    }
    mail.subparts.iter().find_map(|p| part(p, mime))
}

/// The number after `label: ` in the plain text.
pub(crate) fn figure(text: &str, label: &str) -> u64 {
    let at = text
        .find(&format!("{label}: "))
        .unwrap_or_else(|| panic!("{label} in {text}"))
        + label.len()
        + 2;
    text[at..]
        .chars()
        .take_while(char::is_ascii_digit)
        .collect::<String>()
        .parse()
        .unwrap()
}

#[test]
fn the_weekly_digest_arrives_once_with_the_weeks_figures_and_a_link_that_opens() {
    let port = free_port();
    let sink = smtp_sink(port);
    let app = spawn_app_with_tuned(with_digest(), IN_PHASE_1, |s| {
        s.mail = Some(mail_to(port));
        s.notify_every = Duration::from_millis(200);
    });
    traffic(&app);
    app.clock.set(at(MONDAY_9));
    let mails = sink.wait_for(1);
    // A few more ticks: nothing more is sent for the week.
    std::thread::sleep(Duration::from_millis(1500));
    assert_eq!(sink.messages().len(), 1, "sent once");

    let mail = mailparse::parse_mail(&mails[0]).unwrap();
    assert_eq!(mail.ctype.mimetype, "multipart/alternative");
    let to = mail
        .headers
        .iter()
        .find(|h| h.get_key() == "To")
        .unwrap()
        .get_value();
    assert!(
        to.contains("wang.li@library.example.edu") && to.contains("director@"),
        "{to}"
    );
    let subject = mail.headers.get_first_value("Subject").unwrap();
    assert!(subject.contains("weekly figures"), "{subject}");
    let plain = part(&mail, "text/plain")
        .expect("a plain part")
        .get_body()
        .unwrap();
    let html = part(&mail, "text/html")
        .expect("an HTML part")
        .get_body()
        .unwrap();
    let png = part(&mail, "image/png")
        .expect("the chart inline")
        .get_body_raw()
        .unwrap();
    assert!(png.starts_with(b"\x89PNG"), "a PNG");
    assert!(html.contains("src=\"cid:days@docent\""), "{html}");
    assert!(
        !html.contains("http://") || html.contains("/view/"),
        "no remote image"
    );

    // Its figures are the stats JSON's for the week it names.
    assert!(plain.contains("2026-11-16 .. 2026-11-22"), "{plain}");
    let stats: serde_json::Value = serde_json::from_str(
        &app.admin_get("/admin/api/stats/nature-covers?from=2026-11-16&to=2026-11-22")
            .body,
    )
    .unwrap();
    for (label, key) in [
        ("scans", "scans"),
        ("daily visitors", "visitors"),
        ("article opens", "opens"),
    ] {
        assert_eq!(
            figure(&plain, label),
            stats["totals"][key].as_u64().unwrap(),
            "{label}: {plain}"
        );
    }
    assert_eq!(figure(&plain, "scans"), 8);
    assert!(
        plain.contains("+300 % on the 7 days before"),
        "8 against 2: {plain}"
    );
    assert!(
        html.contains(&format!(r#"data-figure="totals.scans">{}<"#, 8)),
        "{html}"
    );

    // The link opens the figures read-only, without a password.
    let start = plain.find("/view/").expect("a link");
    let end = start + plain[start..].find(char::is_whitespace).unwrap();
    let view = app.get(&plain[start..end]);
    assert_eq!(view.status, 200, "{}", view.body);
    assert!(view.body.contains("read-only link"));

    let health: serde_json::Value =
        serde_json::from_str(&app.admin_get("/admin/healthz").body).unwrap();
    assert_eq!(health["mail"]["status"], "ok", "{health}");
    assert_eq!(health["mail"]["last_sent"][1], "week-2026-11-16");
    let dashboard = app.admin_get("/admin/e/nature-covers?lang=en").body;
    assert!(
        dashboard.contains("week-2026-11-16"),
        "the dashboard lists it"
    );
}

#[test]
fn with_the_mail_server_down_the_digest_is_retried_and_arrives_once() {
    let port = free_port();
    let app = spawn_app_with_tuned(with_digest(), IN_PHASE_1, |s| {
        s.mail = Some(mail_to(port));
        s.notify_every = Duration::from_millis(200);
    });
    traffic(&app);
    app.clock.set(at(MONDAY_9));
    std::thread::sleep(Duration::from_millis(1200));
    let health: serde_json::Value =
        serde_json::from_str(&app.admin_get("/admin/healthz").body).unwrap();
    assert_eq!(health["mail"]["status"], "failing", "{health}");
    let failing = &health["mail"]["failing"][0];
    assert_eq!(failing["period"], "week-2026-11-16");
    assert!(
        failing["attempts"].as_u64().unwrap() >= 2,
        "tried again: {health}"
    );
    let dashboard = app.admin_get("/admin/e/nature-covers?lang=en").body;
    assert!(
        dashboard.contains("could not be sent"),
        "shown on the dashboard"
    );

    let sink = smtp_sink(port);
    sink.wait_for(1);
    std::thread::sleep(Duration::from_millis(1500));
    assert_eq!(sink.messages().len(), 1, "arrives once");
    let health: serde_json::Value =
        serde_json::from_str(&app.admin_get("/admin/healthz").body).unwrap();
    assert_eq!(health["mail"]["status"], "ok", "{health}");
}

#[test]
fn an_organizer_sends_a_digest_by_hand_to_one_address() {
    let port = free_port();
    let sink = smtp_sink(port);
    let app = spawn_app_with_tuned(with_digest(), IN_PHASE_1, |s| {
        s.mail = Some(mail_to(port));
    });
    traffic(&app);
    let reply = app.admin_post(
        "/admin/digests/nature-covers",
        &[
            ("period", "2026-11-16..2026-11-22"),
            ("to", "curator@library.example.edu"),
        ],
        &[("Accept", "text/plain")],
    );
    assert_eq!(reply.status, 200, "{}", reply.body);
    assert!(reply.body.contains("curator@library.example.edu"));
    let mails = sink.wait_for(1);
    let mail = mailparse::parse_mail(&mails[0]).unwrap();
    let plain = part(&mail, "text/plain").unwrap().get_body().unwrap();
    assert_eq!(figure(&plain, "scans"), 8);
    let bad = app.admin_post(
        "/admin/digests/nature-covers",
        &[("period", "last week")],
        &[("Accept", "text/plain")],
    );
    assert_eq!(bad.status, 400);
    assert!(bad.body.contains("FROM..TO"), "{}", bad.body);
}

fn docent(args: &[&str], env: &[(&str, &str)]) -> (i32, String, String) {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_docent"));
    cmd.args(args);
    for (k, v) in env {
        cmd.env(k, v);
    }
    outcome(cmd.output().unwrap())
}

#[test]
fn docent_digest_prints_or_sends_through_the_server_and_from_the_data_folder() {
    let port = free_port();
    let sink = smtp_sink(port);
    let exhibits = with_digest();
    let exhibits_dir = exhibits.path().to_path_buf();
    let app = spawn_app_with_tuned(exhibits, IN_PHASE_1, |s| {
        s.mail = Some(mail_to(port));
    });
    traffic(&app);
    let bind = app.base.trim_start_matches("http://").to_string();
    let password = [("DOCENT_ADMIN_PASSWORD", PASSWORD)];
    let week = ["--period", "2026-11-16..2026-11-22"];
    let (code, out, err) = docent(
        &[
            &["digest", "nature-covers", "--dry-run", "--bind", &bind],
            &week[..],
        ]
        .concat(),
        &password,
    );
    assert_eq!(code, 0, "{err}");
    assert_eq!(figure(&out, "scans"), 8, "{out}");
    assert!(sink.messages().is_empty(), "a dry run sends nothing");
    let (code, out, err) = docent(
        &[
            &[
                "digest",
                "nature-covers",
                "--to",
                "curator@library.example.edu",
                "--bind",
                &bind,
            ],
            &week[..],
        ]
        .concat(),
        &password,
    );
    assert_eq!(code, 0, "{err}");
    assert!(
        out.contains("sent custom-2026-11-16-2026-11-22 to curator@"),
        "{out}"
    );
    sink.wait_for(1);

    // No server: from --data, with this command's own mail settings.
    let data = tempfile::tempdir().unwrap();
    let store = data.path().join("store");
    let (code, _, err) = docent(
        &[
            "simulate",
            "--days",
            "3",
            "--per-day",
            "50",
            "--from",
            "2026-11-16",
            "--exhibits",
        ]
        .iter()
        .copied()
        .chain([
            exhibits_dir.to_str().unwrap(),
            "--data",
            store.to_str().unwrap(),
        ])
        .collect::<Vec<_>>(),
        &[],
    );
    assert_eq!(code, 0, "{err}");
    let smtp = format!("smtp://127.0.0.1:{port}");
    let free = free_port().to_string();
    let nobody = format!("127.0.0.1:{free}");
    let (code, out, err) = docent(
        &[
            "digest",
            "nature-covers",
            "--period",
            "2026-11-16..2026-11-18",
            "--bind",
            &nobody,
            "--exhibits",
            exhibits_dir.to_str().unwrap(),
            "--data",
            store.to_str().unwrap(),
            "--smtp-url",
            &smtp,
            "--mail-from",
            "docent <docent@library.example.edu>",
        ],
        &[],
    );
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("no server was running"), "{out}");
    let mails = sink.wait_for(2);
    let mail = mailparse::parse_mail(&mails[1]).unwrap();
    let plain = part(&mail, "text/plain").unwrap().get_body().unwrap();
    assert!(figure(&plain, "scans") > 0, "{plain}");
    assert!(plain.contains("/view/"));
}

#[test]
fn an_organizer_sets_the_recipients_and_schedule_on_the_dashboard() {
    let app = spawn_app_with(demo_copy(|t| format!("{t}\n# the end\n")), IN_PHASE_1);
    let page = app.admin_get("/admin/e/nature-covers?lang=en").body;
    assert!(
        page.contains(r#"id="digest-settings""#),
        "the form is there"
    );
    let saved = app.admin_post(
        "/admin/e/nature-covers/digest",
        &[
            (
                "recipients",
                "wang.li@library.example.edu, director@library.example.edu",
            ),
            ("weekly_day", "friday"),
            ("weekly_hour", "17"),
            ("at_closing", "on"),
        ],
        &[],
    );
    assert_eq!(saved.status, 303, "{}", saved.body);
    let file =
        std::fs::read_to_string(app.exhibits_dir().join("nature-covers/exhibition.toml")).unwrap();
    assert!(
        file.contains("weekly = { day = \"friday\", hour = 17 }"),
        "{file}"
    );
    assert!(file.contains("# the end\n"), "the rest of the file is kept");
    let page = app.admin_get("/admin/e/nature-covers?lang=en").body;
    assert!(page.contains("wang.li@library.example.edu, director@library.example.edu"));
    assert!(page.contains("weekly on Friday at 17:00"), "live at once");
    // A bad address is refused by the same check as docent check, and nothing is written.
    let refused = app.admin_post(
        "/admin/e/nature-covers/digest",
        &[("recipients", "not-an-address")],
        &[],
    );
    assert_eq!(refused.status, 422, "{}", refused.body);
    assert!(refused.body.contains("not-an-address"), "{}", refused.body);
    let after =
        std::fs::read_to_string(app.exhibits_dir().join("nature-covers/exhibition.toml")).unwrap();
    assert_eq!(after, file, "nothing written");
}

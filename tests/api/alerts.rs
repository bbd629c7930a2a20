//! A silent station: in opening hours, station A3 gets no scan for two hours while the others
//! are scanned. Exactly one alert is raised (on the dashboard, by mail to the digest's
//! recipients, and as a webhook whose Standard Webhooks signature the test checks with its
//! own HMAC), and it clears when A3 is scanned again.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::sync::mpsc;
use std::time::Duration;

use base64::Engine;
use hmac::{Hmac, Mac};
use sha2::Sha256;

use crate::digests::{free_port, mail_to, smtp_sink};
use crate::helpers::*;

const SECRET: &str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

/// A webhook received: its JSON body, once its signature was found right.
fn receiver() -> (String, mpsc::Receiver<serde_json::Value>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}/hooks/docent", listener.local_addr().unwrap());
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let mut stream = stream.unwrap();
            let mut reader = BufReader::new(stream.try_clone().unwrap());
            let mut headers = std::collections::HashMap::new();
            let mut line = String::new();
            reader.read_line(&mut line).unwrap();
            assert!(line.starts_with("POST /hooks/docent "), "{line}");
            loop {
                line.clear();
                reader.read_line(&mut line).unwrap();
                let l = line.trim_end();
                if l.is_empty() {
                    break;
                }
                let (k, v) = l.split_once(':').unwrap();
                headers.insert(k.to_lowercase(), v.trim().to_string());
            }
            let n: usize = headers["content-length"].parse().unwrap();
            let mut body = vec![0; n];
            reader.read_exact(&mut body).unwrap();
            let (id, ts) = (&headers["webhook-id"], &headers["webhook-timestamp"]);
            let key = base64::engine::general_purpose::STANDARD
                .decode(SECRET.strip_prefix("whsec_").unwrap())
                .unwrap();
            let mut mac = Hmac::<Sha256>::new_from_slice(&key).unwrap();
            mac.update(format!("{id}.{ts}.").as_bytes());
            mac.update(&body);
            let expected = format!(
                "v1,{}",
                base64::engine::general_purpose::STANDARD.encode(mac.finalize().into_bytes())
            );
            let signed = headers["webhook-signature"]
                .split(' ')
                .any(|s| s == expected);
            let age = jiff::Timestamp::now().as_second() - ts.parse::<i64>().unwrap();
            stream
                .write_all(
                    b"HTTP/1.1 204 No Content\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
                )
                .unwrap();
            if signed && age.abs() < 300 {
                tx.send(serde_json::from_slice(&body).unwrap()).unwrap();
            } else {
                tx.send(serde_json::json!({"type": "BAD SIGNATURE"}))
                    .unwrap();
            }
        }
    });
    (url, rx)
}

fn scan(app: &TestApp, code: &str, n: usize) {
    for i in 0..n {
        let ua = ANDROID_CHROME.replace("Pixel 8", &format!("Pixel {code}{i}"));
        assert_eq!(app.get_as(&format!("/s/{code}"), &ua, &[]).status, 200);
    }
}

#[test]
fn a_silent_station_raises_one_alert_everywhere_and_clears_when_scanned() {
    let (url, hooks) = receiver();
    let secret = tempfile::NamedTempFile::new().unwrap();
    std::fs::write(secret.path(), format!("{SECRET}\n")).unwrap();
    let table = format!(
        "\n[digest]\nrecipients = [\"wang.li@library.example.edu\"]\n\n[alerts]\nopening_hours = \"09:00-18:00\"\nclosed_days = [\"monday\"]\nsilent_hours = 2\nothers_at_least = 10\nwebhook_url = \"{url}\"\nwebhook_secret_file = \"{}\"\n",
        secret.path().display()
    );
    let port = free_port();
    let sink = smtp_sink(port);
    let app = spawn_app_with_tuned(
        demo_copy(|t| format!("{t}{table}")),
        "2026-11-20T01:30:00Z",
        |s| {
            s.mail = Some(mail_to(port));
            s.notify_every = Duration::from_millis(200);
        },
    );
    // Friday 09:30 Beijing time: every station is scanned.
    for code in ["NCA1", "NCA2", "NCA3", "NCB1", "NCB2", "NCB3"] {
        scan(&app, code, 1);
    }
    // 10:30: the others again, A3 not.
    app.clock.set(at("2026-11-20T02:30:00Z"));
    for code in ["NCA1", "NCA2", "NCB1", "NCB2", "NCB3"] {
        scan(&app, code, 3);
    }
    std::thread::sleep(Duration::from_millis(600));
    assert!(hooks.try_recv().is_err(), "not two hours yet: no alert");
    // 11:35: A3 has been silent since 09:30, the others had 15 scans since 09:35.
    app.clock.set(at("2026-11-20T03:35:00Z"));
    let raised = hooks
        .recv_timeout(Duration::from_secs(10))
        .expect("a webhook");
    assert_eq!(raised["type"], "alert.raised", "{raised}");
    assert_eq!(raised["data"]["alert"]["rule"], "silent_station");
    assert_eq!(raised["data"]["alert"]["station"], "A3");
    let mails = sink.wait_for(1);
    let mail = mailparse::parse_mail(&mails[0]).unwrap();
    let body = mail.get_body().unwrap();
    assert!(
        body.contains("Station A3 has had no scan for 2 hours"),
        "{body}"
    );
    let dashboard = app.admin_get("/admin/e/nature-covers?lang=en").body;
    assert!(
        dashboard.contains(r#"data-alert="silent-station.A3""#),
        "on the dashboard"
    );
    let health: serde_json::Value =
        serde_json::from_str(&app.admin_get("/admin/healthz").body).unwrap();
    assert_eq!(
        health["alerts"]["standing"].as_array().unwrap().len(),
        1,
        "{health}"
    );

    // Exactly one: more ticks raise nothing more.
    std::thread::sleep(Duration::from_millis(1000));
    assert!(hooks.try_recv().is_err(), "one webhook");
    assert_eq!(sink.messages().len(), 1, "one mail");

    // A3 is scanned again: the alert clears.
    scan(&app, "NCA3", 1);
    let cleared = hooks
        .recv_timeout(Duration::from_secs(10))
        .expect("a webhook");
    assert_eq!(cleared["type"], "alert.cleared", "{cleared}");
    assert_eq!(cleared["data"]["key"], "silent-station.A3");
    let dashboard = app.admin_get("/admin/e/nature-covers?lang=en").body;
    assert!(
        !dashboard.contains("data-alert="),
        "cleared from the dashboard"
    );
}

#[test]
fn alert_tables_are_checked_with_their_lines() {
    let broken = demo_copy(|t| {
        format!(
            "{t}\n[alerts]\nopening_hours = \"18:00-09:00\"\nclosed_days = [\"lundi\"]\nwebhook_url = \"https://hooks.example.edu/x\"\n\n[digest]\nrecipients = [\"not an address\"]\nweekly = {{ day = \"monday\", hour = 25 }}\n"
        )
    });
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_docent"))
        .arg("check")
        .arg(broken.path())
        .output()
        .unwrap();
    let (code, out, err) = outcome(out);
    let said = format!("{out}{err}");
    assert_eq!(code, 1, "{said}");
    for expected in [
        "alerts.opening_hours: `18:00-09:00` is not a range of local times",
        "digest.recipients: `not an address` is not an e-mail address",
        "digest.weekly.hour: 25 is not an hour of the day",
    ] {
        assert!(said.contains(expected), "{expected}: {said}");
    }
    assert!(said.contains("exhibition.toml:"), "file and line: {said}");
}

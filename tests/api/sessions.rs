//! Admin sessions against the real server: cookies signed with a key the password alone does
//! not give, logouts that outlive a restart, a password change that ends every session (and
//! setting the old one back does not revive them), and `serve` refusing weak passwords.

use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use actix_web::cookie::{Cookie, CookieJar, Key};

use crate::helpers::*;

/// The real binary on port 0 over `data`, stopped (killed) when dropped.
struct Served {
    child: Child,
    base: String,
}

impl Drop for Served {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn serve(data: &Path, password: &str) -> Served {
    let (child, base) = serve_binary(data, "127.0.0.1:0", password);
    Served { child, base }
}

impl Served {
    fn get(&self, path: &str, cookie: &str) -> Reply {
        read(
            agent()
                .get(format!("{}{path}", self.base))
                .header("Cookie", cookie)
                .call(),
        )
    }

    fn post(&self, path: &str, form: &[(&str, &str)], cookie: &str) -> Reply {
        read(
            agent()
                .post(format!("{}{path}", self.base))
                .header("Cookie", cookie)
                .send_form(form.iter().copied()),
        )
    }

    /// Logs in and returns the session cookie, as a Cookie header value.
    fn log_in(&self, password: &str) -> String {
        let reply = self.post("/login", &[("name", "Li"), ("password", password)], "");
        assert_eq!(reply.status, 303, "{}", reply.body);
        cookie_of(&reply)
    }
}

fn cookie_of(reply: &Reply) -> String {
    let set = reply.header("set-cookie");
    assert!(set.starts_with("docent_admin="), "{set}");
    set.split(';').next().unwrap().to_string()
}

/// A session cookie for account `name` (epoch 0) signed with `key`, in the server's format.
fn mint(key: &Key, name: &str, expires: i64) -> String {
    let value = format!("{name}|0|{expires}|{}", "ab".repeat(16));
    let mut jar = CookieJar::new();
    jar.signed_mut(key).add(Cookie::new("docent_admin", value));
    let signed = jar.delta().next().unwrap();
    format!("docent_admin={}", signed.value())
}

#[test]
fn a_cookie_signed_with_a_key_from_the_password_alone_is_refused() {
    let app = spawn_app(IN_PHASE_1);
    let expires = at(IN_PHASE_1).as_second() + 3600;
    // How cookies were signed before: anyone knowing the password could mint one, and a
    // captured one let the password be guessed offline.
    let old_key = Key::derive_from(
        blake3::derive_key("docent admin session key v1", PASSWORD.as_bytes()).as_slice(),
    );
    let forged = mint(&old_key, "admin", expires);
    let reply = app.get_as("/admin", ANDROID_CHROME, &[("Cookie", &forged)]);
    assert_eq!(reply.status, 401, "{}", reply.body);

    // The same cookie signed with the stored secret mixed in is accepted: the refusal above
    // is the key's doing, not the format's.
    let secret = app.store.session_secret().unwrap();
    let mut hasher = blake3::Hasher::new_keyed(&secret);
    hasher.update(b"docent admin session key v2\0");
    hasher.update(PASSWORD.as_bytes());
    let mut key = [0u8; 64];
    hasher.finalize_xof().fill(&mut key);
    let genuine = mint(&Key::from(&key), "admin", expires);
    let reply = app.get_as("/admin", ANDROID_CHROME, &[("Cookie", &genuine)]);
    assert_eq!(reply.status, 200, "{}", reply.body);
    // A well-signed cookie for an account that does not exist opens nothing.
    let nobody = mint(&Key::from(&key), "mallory", expires);
    let reply = app.get_as("/admin", ANDROID_CHROME, &[("Cookie", &nobody)]);
    assert_eq!(reply.status, 401, "{}", reply.body);
}

#[test]
fn a_logged_out_cookie_stays_refused_after_a_restart() {
    let data = tempfile::tempdir().unwrap();
    let (kept, ended) = {
        let server = serve(data.path(), PASSWORD);
        let kept = server.log_in(PASSWORD);
        let ended = server.log_in(PASSWORD);
        let page = server.get("/admin/e/nature-covers", &ended);
        assert_eq!(page.status, 200);
        let out = server.post("/logout", &[("csrf", &csrf_of(&page.body))], &ended);
        assert_eq!(out.status, 303);
        assert_eq!(server.get("/admin", &ended).status, 401);
        assert_eq!(server.get("/admin", &kept).status, 200);
        (kept, ended)
    };
    let server = serve(data.path(), PASSWORD);
    assert_eq!(
        server.get("/admin", &kept).status,
        200,
        "a session not logged out survives a restart: the secret is kept"
    );
    assert_eq!(
        server.get("/admin", &ended).status,
        401,
        "the logout is remembered"
    );
}

#[test]
fn a_password_change_ends_every_session() {
    let data = tempfile::tempdir().unwrap();
    let cookie = {
        let server = serve(data.path(), PASSWORD);
        let cookie = server.log_in(PASSWORD);
        assert_eq!(server.get("/admin", &cookie).status, 200);
        cookie
    };
    let new_password = "an-entirely-new-password";
    let server = serve(data.path(), new_password);
    assert_eq!(server.get("/admin", &cookie).status, 401);
    let fresh = server.log_in(new_password);
    assert_eq!(server.get("/admin", &fresh).status, 200);
}

#[test]
fn setting_an_old_password_back_does_not_revive_its_sessions() {
    let data = tempfile::tempdir().unwrap();
    let old = {
        let server = serve(data.path(), PASSWORD);
        server.log_in(PASSWORD)
    };
    drop(serve(data.path(), "an-entirely-new-password"));
    let server = serve(data.path(), PASSWORD);
    assert_eq!(
        server.get("/admin", &old).status,
        401,
        "the cookie of the first start stays dead"
    );
    let fresh = server.log_in(PASSWORD);
    assert_eq!(server.get("/admin", &fresh).status, 200);
    drop(server);
    let server = serve(data.path(), PASSWORD);
    assert_eq!(
        server.get("/admin", &fresh).status,
        200,
        "a restart with the same password keeps sessions"
    );
}

/// `serve`'s exit, or a failure if it is still running after a while (it started).
fn serve_exit(password: &str) -> (bool, String) {
    let data = tempfile::tempdir().unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_docent"))
        .args(["serve", "--bind", "127.0.0.1:0"])
        .arg("--exhibits")
        .arg(demo_exhibits())
        .arg("--data")
        .arg(data.path())
        .env("DOCENT_ADMIN_PASSWORD", password)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let started = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if started.elapsed() > Duration::from_secs(20) {
            let _ = child.kill();
            let _ = child.wait();
            panic!("serve started with the password {password:?}");
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    let mut stderr = String::new();
    std::io::Read::read_to_string(child.stderr.as_mut().unwrap(), &mut stderr).unwrap();
    (status.success(), stderr)
}

#[test]
fn serve_refuses_short_and_example_passwords() {
    let (ok, stderr) = serve_exit("short-pass");
    assert!(!ok);
    assert!(
        stderr.contains("DOCENT_ADMIN_PASSWORD") && stderr.contains("at least 12"),
        "{stderr}"
    );
    let (ok, stderr) = serve_exit("change-me");
    assert!(!ok);
    assert!(
        stderr.contains("DOCENT_ADMIN_PASSWORD") && stderr.contains("example"),
        "{stderr}"
    );
}

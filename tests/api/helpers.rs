//! `spawn_app`: a real docent server on a free port, with its own temp store and a clock the
//! test moves by hand.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::sync::mpsc;
use std::thread::JoinHandle;

use actix_web::dev::ServerHandle;
use docent::clock::ManualClock;
use docent::config::{AdminPassword, Settings};
use docent::startup::Application;
use docent::store::Store;
use jiff::Timestamp;
use tempfile::TempDir;

pub const PASSWORD: &str = "test-password-long";
pub const IPHONE_WECHAT: &str = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 MicroMessenger/8.0.47(0x18002f2c) NetType/WIFI Language/zh_CN";
pub const ANDROID_CHROME: &str = "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Mobile Safari/537.36";
pub const GOOGLEBOT: &str =
    "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)";

/// During phase 1 of the demo (Beijing time 2026-11-20 10:00).
pub const IN_PHASE_1: &str = "2026-11-20T02:00:00Z";
/// Phase 2 of the demo starts 2026-12-07 08:00 Beijing time.
pub const PHASE_2_STARTS: &str = "2026-12-07T00:00:00Z";

pub fn demo_exhibits() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("exhibits")
}

/// A copy of the demo exhibits, with `edit` applied to exhibition.toml.
pub fn demo_copy(edit: impl Fn(String) -> String) -> TempDir {
    let dir = tempfile::tempdir().unwrap();
    copy_dir(&demo_exhibits(), dir.path());
    let file = dir.path().join("nature-covers/exhibition.toml");
    let text = std::fs::read_to_string(&file).unwrap();
    let edited = edit(text.clone());
    assert_ne!(edited, text, "the edit changed nothing");
    std::fs::write(&file, edited).unwrap();
    dir
}

pub fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}

pub fn at(s: &str) -> Timestamp {
    s.parse().unwrap()
}

pub struct TestApp {
    pub base: String,
    pub clock: Arc<ManualClock>,
    pub store: Arc<Store>,
    handle: ServerHandle,
    thread: Option<JoinHandle<()>>,
    _data: TempDir,
    _exhibits: Option<TempDir>,
}

pub fn spawn_app(now: &str) -> TestApp {
    spawn_with(demo_exhibits(), None, now, |_| {})
}

pub fn spawn_app_with(exhibits: TempDir, now: &str) -> TestApp {
    let path = exhibits.path().to_path_buf();
    spawn_with(path, Some(exhibits), now, |_| {})
}

/// The demo, with `tune` applied to the settings (a trusted proxy, smaller limits, ...).
pub fn spawn_app_tuned(now: &str, tune: impl FnOnce(&mut Settings)) -> TestApp {
    spawn_with(demo_exhibits(), None, now, tune)
}

/// Exhibits of the test's own, with `tune` applied to the settings.
pub fn spawn_app_with_tuned(
    exhibits: TempDir,
    now: &str,
    tune: impl FnOnce(&mut Settings),
) -> TestApp {
    let path = exhibits.path().to_path_buf();
    spawn_with(path, Some(exhibits), now, tune)
}

fn spawn_with(
    exhibits: PathBuf,
    keep: Option<TempDir>,
    now: &str,
    tune: impl FnOnce(&mut Settings),
) -> TestApp {
    let data = tempfile::tempdir().unwrap();
    let clock = Arc::new(ManualClock::new(at(now)));
    let mut settings = Settings {
        bind: "127.0.0.1:0".into(),
        // None: the visitor-id day follows the demo's zone, Asia/Shanghai.
        day_zone: None,
        cache_bytes: 8 << 20,
        workers: Some(1),
        watch_every: Some(std::time::Duration::from_millis(100)),
        ..Settings::new(
            exhibits,
            data.path().join("store"),
            AdminPassword::parse(PASSWORD.into()).unwrap(),
        )
    };
    tune(&mut settings);
    let (tx, rx) = mpsc::channel();
    let app_clock = clock.clone();
    let thread = std::thread::spawn(move || {
        actix_web::rt::System::new().block_on(async move {
            let app = Application::build(settings, app_clock).expect("server starts");
            tx.send((app.port(), app.handle(), app.state().store.clone()))
                .unwrap();
            app.run_until_stopped().await.unwrap();
        })
    });
    let (port, handle, store) = rx.recv().expect("server reported its port");
    TestApp {
        base: format!("http://127.0.0.1:{port}"),
        clock,
        store,
        handle,
        thread: Some(thread),
        _data: data,
        _exhibits: keep,
    }
}

impl Drop for TestApp {
    fn drop(&mut self) {
        actix_web::rt::System::new().block_on(self.handle.stop(true));
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

/// A reply, read whole.
pub struct Reply {
    pub status: u16,
    pub headers: ureq::http::HeaderMap,
    pub body: String,
}

impl Reply {
    pub fn header(&self, name: &str) -> &str {
        self.headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
    }
}

pub fn agent() -> ureq::Agent {
    ureq::Agent::config_builder()
        .http_status_as_error(false)
        .max_redirects(0)
        .max_redirects_will_error(false)
        .build()
        .into()
}

pub fn read(result: Result<ureq::http::Response<ureq::Body>, ureq::Error>) -> Reply {
    let mut response = result.expect("the server answers");
    let status = response.status().as_u16();
    let headers = response.headers().clone();
    let body = response.body_mut().read_to_string().unwrap_or_default();
    Reply {
        status,
        headers,
        body,
    }
}

impl TestApp {
    /// The exhibits folder served: the app's own copy, or the demo.
    pub fn exhibits_dir(&self) -> PathBuf {
        self._exhibits
            .as_ref()
            .map_or_else(demo_exhibits, |d| d.path().to_path_buf())
    }

    /// GET with a user agent and extra headers.
    pub fn get_as(&self, path: &str, user_agent: &str, headers: &[(&str, &str)]) -> Reply {
        let mut req = agent()
            .get(format!("{}{path}", self.base))
            .header("User-Agent", user_agent);
        for (k, v) in headers {
            req = req.header(*k, *v);
        }
        read(req.call())
    }

    pub fn get(&self, path: &str) -> Reply {
        self.get_as(path, ANDROID_CHROME, &[])
    }

    /// GET whose body is kept as bytes, as sent (compressed bodies are not decoded).
    pub fn get_bytes(&self, path: &str, headers: &[(&str, &str)]) -> (Reply, Vec<u8>) {
        let mut req = agent()
            .get(format!("{}{path}", self.base))
            .header("User-Agent", ANDROID_CHROME);
        for (k, v) in headers {
            req = req.header(*k, *v);
        }
        let mut response = req.call().expect("the server answers");
        let bytes = response.body_mut().read_to_vec().unwrap();
        let reply = Reply {
            status: response.status().as_u16(),
            headers: response.headers().clone(),
            body: String::new(),
        };
        (reply, bytes)
    }

    /// HEAD with extra headers.
    pub fn head_with(&self, path: &str, headers: &[(&str, &str)]) -> Reply {
        let mut req = agent()
            .head(format!("{}{path}", self.base))
            .header("User-Agent", ANDROID_CHROME);
        for (k, v) in headers {
            req = req.header(*k, *v);
        }
        read(req.call())
    }

    pub fn head(&self, path: &str) -> Reply {
        read(
            agent()
                .head(format!("{}{path}", self.base))
                .header("User-Agent", ANDROID_CHROME)
                .call(),
        )
    }

    pub fn admin_get(&self, path: &str) -> Reply {
        self.get_as(
            path,
            ANDROID_CHROME,
            &[("Authorization", &basic("curator", PASSWORD))],
        )
    }

    /// POST a form without credentials (extra headers may carry a cookie).
    pub fn post(&self, path: &str, form: &[(&str, &str)], headers: &[(&str, &str)]) -> Reply {
        let mut req = agent().post(format!("{}{path}", self.base));
        for (k, v) in headers {
            req = req.header(*k, *v);
        }
        read(req.send_form(form.iter().copied()))
    }

    pub fn admin_post(&self, path: &str, form: &[(&str, &str)], headers: &[(&str, &str)]) -> Reply {
        let mut req = agent()
            .post(format!("{}{path}", self.base))
            .header("Authorization", &basic("curator", PASSWORD));
        for (k, v) in headers {
            req = req.header(*k, *v);
        }
        read(req.send_form(form.iter().copied()))
    }
}

/// The <h1> of a page: which story it shows.
pub fn heading(body: &str) -> String {
    let start = body.find("<h1>").expect("page has a heading") + 4;
    body[start..start + body[start..].find("</h1>").unwrap()].to_string()
}

pub fn basic(user: &str, password: &str) -> String {
    use base64::Engine;
    format!(
        "Basic {}",
        base64::engine::general_purpose::STANDARD.encode(format!("{user}:{password}"))
    )
}

/// The real binary serving the demo from `data` on a port of its choosing (bound as port 0);
/// returns the process and the base URL it printed.
pub fn start_server(data: &std::path::Path) -> (Child, String) {
    serve_binary(data, "127.0.0.1:0", PASSWORD)
}

/// The real binary serving the demo from `data` on `bind` (port 0 for any), the admin password
/// set; returns the process and the base URL it printed.
pub fn serve_binary(data: &std::path::Path, bind: &str, password: &str) -> (Child, String) {
    serve_binary_env(data, bind, password, &[])
}

/// `serve_binary` with more environment (`DOCENT_NATS`, ...).
pub fn serve_binary_env(
    data: &std::path::Path,
    bind: &str,
    password: &str,
    env: &[(&str, &str)],
) -> (Child, String) {
    serve_exhibits(&demo_exhibits(), data, bind, password, env)
}

/// `serve_binary_env` serving the exhibit files in `exhibits`.
pub fn serve_exhibits(
    exhibits: &std::path::Path,
    data: &std::path::Path,
    bind: &str,
    password: &str,
    env: &[(&str, &str)],
) -> (Child, String) {
    serve_logging(exhibits, data, bind, password, env, Stdio::null())
}

/// `serve_exhibits` with the server's log (stderr) sent to `log`.
pub fn serve_logging(
    exhibits: &std::path::Path,
    data: &std::path::Path,
    bind: &str,
    password: &str,
    env: &[(&str, &str)],
    log: Stdio,
) -> (Child, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_docent"))
        .args([
            "serve",
            "--bind",
            bind,
            "--watch-seconds",
            "0",
            "--exhibits",
        ])
        .arg(exhibits)
        .arg("--data")
        .arg(data)
        .env("DOCENT_ADMIN_PASSWORD", password)
        .envs(env.iter().copied())
        .stdout(Stdio::piped())
        .stderr(log)
        .spawn()
        .unwrap();
    let mut first = String::new();
    BufReader::new(child.stdout.as_mut().unwrap())
        .read_line(&mut first)
        .unwrap();
    let base = first
        .split("serving at ")
        .nth(1)
        .unwrap_or_else(|| panic!("no URL in {first:?}"))
        .trim()
        .trim_end_matches('/')
        .to_string();
    (child, base)
}

/// `docent check DIR`: its exit code and what it printed.
pub fn check(dir: &Path) -> (i32, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_docent"))
        .arg("check")
        .arg(dir)
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
    )
}

/// The statistics JSON of the demo exhibition, asked with the admin password.
pub fn stats_json(base: &str) -> serde_json::Value {
    let mut reply = ureq::get(format!("{base}/admin/api/stats/nature-covers"))
        .header("Authorization", &basic("ci", PASSWORD))
        .call()
        .unwrap();
    serde_json::from_str(&reply.body_mut().read_to_string().unwrap()).unwrap()
}

/// The form token on an admin page.
pub fn csrf_of(page: &str) -> String {
    let at = page
        .find(r#"name="csrf" value=""#)
        .expect("a form token on the page")
        + 19;
    page[at..at + page[at..].find('"').unwrap()].to_string()
}

/// A finished command's exit code (-1 when killed), stdout and stderr.
pub fn outcome(out: std::process::Output) -> (i32, String, String) {
    let text = |b: &[u8]| String::from_utf8_lossy(b).into_owned();
    (
        out.status.code().unwrap_or(-1),
        text(&out.stdout),
        text(&out.stderr),
    )
}

/// The demo and a second exhibition, `second-show`, with codes of its own (NCA1 becomes
/// ZNCA1, ...).
pub fn two_exhibitions() -> TempDir {
    let exhibits = tempfile::tempdir().unwrap();
    copy_dir(&demo_exhibits(), exhibits.path());
    let second = exhibits.path().join("second-show");
    copy_dir(&exhibits.path().join("nature-covers"), &second);
    for file in [second.join("exhibition.toml")].into_iter().chain(
        std::fs::read_dir(second.join("stories"))
            .unwrap()
            .map(|e| e.unwrap().path()),
    ) {
        let text = std::fs::read_to_string(&file).unwrap();
        std::fs::write(&file, text.replace("\ncode = \"", "\ncode = \"Z")).unwrap();
    }
    exhibits
}

/// A password people's accounts pass the strength check with.
pub const PERSON_PASSWORD: &str = "lantern orchard velvet 1987";

/// The path (`/invite/...`) of an invite link, from the full link.
pub fn invite_path(link: &str) -> String {
    let at = link.find("/invite/").expect("an invite link");
    link[at..].trim().to_string()
}

impl TestApp {
    /// A request as the built-in admin (Basic, `DOCENT_ADMIN_PASSWORD`) asking for plain text,
    /// as `docent user` does.
    pub fn admin_text(&self, path: &str, form: &[(&str, &str)]) -> Reply {
        read(
            agent()
                .post(format!("{}{path}", self.base))
                .header("Authorization", &basic("admin", PASSWORD))
                .header("Accept", "text/plain")
                .send_form(form.iter().copied()),
        )
    }

    /// Adds a person with `roles` (`editor@nature-covers, viewer`); returns the invite path.
    pub fn invite(&self, name: &str, roles: &str) -> String {
        let reply = self.admin_text("/admin/people", &[("name", name), ("roles", roles)]);
        assert_eq!(reply.status, 201, "{}", reply.body);
        invite_path(&reply.body)
    }

    /// Adds a person with `roles` who has set `PERSON_PASSWORD` through their invite.
    pub fn person(&self, name: &str, roles: &str) {
        let invite = self.invite(name, roles);
        let set = self.post(
            &invite,
            &[("password", PERSON_PASSWORD), ("confirm", PERSON_PASSWORD)],
            &[],
        );
        assert_eq!(set.status, 200, "{}", set.body);
    }

    /// A personal API token for `name`, made by the admin.
    pub fn token_for(&self, name: &str) -> String {
        let reply = self.admin_text(&format!("/admin/people/{name}/tokens"), &[]);
        assert_eq!(reply.status, 201, "{}", reply.body);
        reply.body.trim().to_string()
    }

    /// Logs `name` in with `password` through the form; the session cookie as a Cookie header.
    pub fn log_in_as(&self, name: &str, password: &str) -> String {
        let reply = self.post("/login", &[("name", name), ("password", password)], &[]);
        assert_eq!(reply.status, 303, "{}", reply.body);
        let set = reply.header("set-cookie");
        assert!(set.starts_with("docent_admin="), "{set}");
        set.split(';').next().unwrap().to_string()
    }
}

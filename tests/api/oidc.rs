//! Single sign-on against a real OpenID provider: the npm `oidc-provider` under node
//! (`tools/oidc/provider.mjs`, installed by tools/test.sh), started here on loopback with a
//! client registered for docent, through the whole authorization code flow with PKCE over
//! HTTP: docent's start, the provider's login and consent forms, the code back to docent, the
//! code traded for tokens and the ID token verified with the provider's keys.

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader};
use std::net::TcpListener;
use std::path::Path;
use std::process::{Child, Command, Stdio};

use docent::config::OidcSettings;

use crate::helpers::*;

const CLIENT_ID: &str = "docent";
const CLIENT_SECRET: &str = "a-client-secret-for-the-test-only";

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// The provider, stopped when dropped.
struct Provider {
    child: Child,
    issuer: String,
}

impl Drop for Provider {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn start_provider(redirect_uri: &str) -> Provider {
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tools/oidc/provider.mjs");
    assert!(
        script
            .with_file_name("node_modules")
            .join("oidc-provider")
            .exists(),
        "oidc-provider is not installed: run tools/test.sh (it installs it with npm)"
    );
    let port = free_port();
    let mut child = Command::new("node")
        .arg(&script)
        .args([&port.to_string(), CLIENT_ID, CLIENT_SECRET, redirect_uri])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("node runs (tools/test.sh installs it)");
    let mut out = BufReader::new(child.stdout.take().unwrap());
    let mut line = String::new();
    out.read_line(&mut line).unwrap();
    assert_eq!(line.trim(), "ready", "the provider did not start: {line}");
    // The provider logs to its standard output as it works: read it away, or node stops at
    // a closed pipe.
    std::thread::spawn(move || std::io::copy(&mut out, &mut std::io::sink()));
    Provider {
        child,
        issuer: format!("http://127.0.0.1:{port}"),
    }
}

/// docent on a port chosen beforehand (the provider must know the redirect URI), with single
/// sign-on through `provider`.
fn docent_with(provider_for: impl FnOnce(&str) -> Provider) -> (TestApp, Provider) {
    let port = free_port();
    let base = format!("http://127.0.0.1:{port}");
    let provider = provider_for(&format!("{base}/login/sso/callback"));
    let issuer = provider.issuer.clone();
    let app = spawn_app_tuned(IN_PHASE_1, |s| {
        s.bind = format!("127.0.0.1:{port}");
        s.base_url = Some(base.clone());
        s.oidc = Some(OidcSettings {
            issuer,
            client_id: CLIENT_ID.into(),
            client_secret: CLIENT_SECRET.into(),
        });
    });
    (app, provider)
}

/// A browser's cookies, per host, by name (paths are not told apart: enough here).
#[derive(Default)]
struct Jar(BTreeMap<(String, String), String>);

impl Jar {
    fn host(url: &str) -> String {
        url::Url::parse(url)
            .map(|u| format!("{}:{}", u.host_str().unwrap_or(""), u.port().unwrap_or(80)))
            .unwrap_or_default()
    }

    fn take(&mut self, url: &str, reply: &Reply) {
        for set in reply.headers.get_all("set-cookie") {
            let set = set.to_str().unwrap();
            let pair = set.split(';').next().unwrap();
            let (name, value) = pair.split_once('=').unwrap();
            let key = (Jar::host(url), name.to_string());
            let removed = value.is_empty() || set.to_ascii_lowercase().contains("max-age=0");
            if removed {
                self.0.remove(&key);
            } else {
                self.0.insert(key, value.to_string());
            }
        }
    }

    fn header(&self, url: &str) -> String {
        let host = Jar::host(url);
        self.0
            .iter()
            .filter(|((h, _), _)| *h == host)
            .map(|((_, n), v)| format!("{n}={v}"))
            .collect::<Vec<_>>()
            .join("; ")
    }

    fn get(&mut self, url: &str) -> Reply {
        let reply = read(
            agent()
                .get(url)
                .header("Cookie", &self.header(url))
                .header("Accept", "text/html")
                .call(),
        );
        self.take(url, &reply);
        reply
    }

    fn post(&mut self, url: &str, form: &[(String, String)]) -> Reply {
        let reply = read(
            agent()
                .post(url)
                .header("Cookie", &self.header(url))
                .header("Accept", "text/html")
                .send_form(form.iter().map(|(k, v)| (k.as_str(), v.as_str()))),
        );
        self.take(url, &reply);
        reply
    }
}

fn absolute(base: &str, location: &str) -> String {
    url::Url::parse(base)
        .unwrap()
        .join(location)
        .unwrap()
        .to_string()
}

/// The first form of a page: its action and its hidden fields.
fn form_of(page: &str) -> (String, Vec<(String, String)>) {
    let start = page.find("<form").expect("a form");
    let form = &page[start
        ..page[start..]
            .find("</form>")
            .map_or(page.len(), |e| start + e)];
    let attr = |tag: &str, name: &str| {
        let key = format!("{name}=\"");
        tag.find(&key).map(|i| {
            let rest = &tag[i + key.len()..];
            rest[..rest.find('"').unwrap()].to_string()
        })
    };
    let action = attr(form, "action").expect("the form has an action");
    let hidden = form
        .split("<input")
        .skip(1)
        .filter(|tag| tag.contains("type=\"hidden\""))
        .filter_map(|tag| Some((attr(tag, "name")?, attr(tag, "value").unwrap_or_default())))
        .collect();
    (action.replace("&amp;", "&"), hidden)
}

/// A browser going through the whole sign-on as `login` at the provider, from docent's
/// button to docent's answer to the callback (returned, with the jar holding every cookie).
fn sign_on(app: &TestApp, login: &str) -> (Reply, Jar) {
    let mut jar = Jar::default();
    let mut url = format!("{}/login/sso?next=/admin/e/nature-covers", app.base);
    let mut reply = jar.get(&url);
    for _ in 0..20 {
        if (300..400).contains(&reply.status) {
            url = absolute(&url, reply.header("location"));
            if url.starts_with(&app.base) && url.contains("/login/sso/callback") {
                return (jar.get(&url), jar);
            }
            reply = jar.get(&url);
            continue;
        }
        assert_eq!(reply.status, 200, "{url}: {}", reply.body);
        // The provider's development login form, then its consent form.
        let (action, mut fields) = form_of(&reply.body);
        if reply.body.contains("name=\"login\"") {
            fields.push(("login".into(), login.into()));
            fields.push(("password".into(), "anything".into()));
        }
        url = absolute(&url, &action);
        reply = jar.post(&url, &fields);
    }
    panic!("the sign-on never came back to docent");
}

fn cookie_header(jar: &Jar, app: &TestApp) -> String {
    jar.header(&app.base)
}

#[test]
fn a_person_with_an_account_signs_in_through_the_provider_and_is_bound_to_it() {
    let (app, _provider) = docent_with(start_provider);
    let login_page = app.get_as("/login", ANDROID_CHROME, &[]);
    assert!(
        login_page.body.contains("/login/sso?next="),
        "{}",
        login_page.body
    );
    // An editor of the demo, known by e-mail only; invited, but no password set yet.
    let added = app.admin_text(
        "/admin/people",
        &[
            ("name", "ana"),
            ("email", "Ana@Lib.example"),
            ("roles", "editor@nature-covers"),
        ],
    );
    assert_eq!(added.status, 201, "{}", added.body);

    let (answer, jar) = sign_on(&app, "ana@lib.example");
    assert_eq!(answer.status, 200, "{}", answer.body);
    assert!(
        answer.body.contains("url=/admin/e/nature-covers"),
        "the page moves on to where the person was going: {}",
        answer.body
    );
    let cookies = cookie_header(&jar, &app);
    assert!(cookies.contains("docent_admin="), "{cookies}");
    assert!(
        !cookies.contains("docent_sso="),
        "the started sign-in is over: {cookies}"
    );
    let dashboard = app.get_as(
        "/admin/e/nature-covers",
        ANDROID_CHROME,
        &[("Cookie", &cookies)],
    );
    assert_eq!(dashboard.status, 200, "{}", dashboard.body);
    // An editor's rights, not more: the People page is the admin's.
    let people = app.get_as("/admin/people", ANDROID_CHROME, &[("Cookie", &cookies)]);
    assert_eq!(people.status, 403);

    // The account is now bound to the provider's subject.
    let ana = app
        .store
        .accounts()
        .unwrap()
        .into_iter()
        .find(|a| a.name == "ana")
        .unwrap();
    assert_eq!(ana.oidc_subject.as_deref(), Some("ana@lib.example"));

    // Audited once, naming the account and the way in.
    let audit = app.admin_get("/admin/audit.csv");
    let logins: Vec<&str> = audit
        .body
        .lines()
        .filter(|l| l.contains(",ana,") && l.contains("single sign-on"))
        .collect();
    assert_eq!(logins.len(), 1, "{}", audit.body);
}

#[test]
fn nobody_gets_in_without_an_account_and_a_disabled_one_is_refused() {
    let (app, _provider) = docent_with(start_provider);
    let (answer, jar) = sign_on(&app, "stranger@elsewhere.example");
    assert_eq!(answer.status, 403, "{}", answer.body);
    assert!(
        answer.body.contains("stranger@elsewhere.example"),
        "{}",
        answer.body
    );
    assert!(
        !cookie_header(&jar, &app).contains("docent_admin="),
        "no session for a stranger"
    );
    let audit = app.admin_get("/admin/audit.csv");
    assert!(
        audit.body.lines().any(|l| l.contains("login failed")
            && l.contains("no account for stranger@elsewhere.example")),
        "{}",
        audit.body
    );

    // An account the provider knows, disabled here.
    let added = app.admin_text(
        "/admin/people",
        &[
            ("name", "bo"),
            ("email", "bo@lib.example"),
            ("roles", "viewer@nature-covers"),
        ],
    );
    assert_eq!(added.status, 201, "{}", added.body);
    let off = app.admin_text("/admin/people/bo/disable", &[]);
    assert!(off.status < 400, "{}: {}", off.status, off.body);
    let (answer, jar) = sign_on(&app, "bo@lib.example");
    assert_eq!(answer.status, 403, "{}", answer.body);
    assert!(!cookie_header(&jar, &app).contains("docent_admin="));
}

#[test]
fn a_callback_without_its_own_start_or_with_another_state_is_refused() {
    let (app, _provider) = docent_with(start_provider);
    // No cookie of a started sign-in: nothing to finish.
    let bare = app.get_as(
        "/login/sso/callback?code=abc&state=def",
        ANDROID_CHROME,
        &[("Accept", "text/html")],
    );
    assert_eq!(bare.status, 400, "{}", bare.body);
    // A started sign-in, answered with a state that is not its own.
    let mut jar = Jar::default();
    let start = jar.get(&format!("{}/login/sso", app.base));
    assert_eq!(start.status, 303);
    assert!(
        start.header("location").contains("code_challenge="),
        "PKCE is used"
    );
    let forged = jar.get(&format!(
        "{}/login/sso/callback?code=abc&state=not-the-one",
        app.base
    ));
    assert_eq!(forged.status, 401, "{}", forged.body);
    assert!(!cookie_header(&jar, &app).contains("docent_admin="));
}

#[test]
fn without_a_provider_configured_there_is_no_sign_on() {
    let app = spawn_app(IN_PHASE_1);
    assert_eq!(app.get("/login/sso").status, 404);
    assert!(!app.get("/login").body.contains("/login/sso"));
}

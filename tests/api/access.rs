//! The paper, wherever the visitor stands (issue 12): campus networks, the proxy, free copies
//! from a stand-in Unpaywall, forced routes, in-app browsers, `by_route`, citations to take
//! home, `docent access`, and `[access]` mistakes named by `docent check`.
//!
//! Longer than 500 lines because one scenario per route to the paper, each against the same stand-in services.

use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::path::Path;
use std::process::Command;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use docent::access::unpaywall;
use docent::config::Settings;
use tempfile::TempDir;

use crate::helpers::*;

const CAMPUS_V4: &str = "10.20.30.40";
const CAMPUS_V6: &str = "2001:db8:5::9";
const MOBILE_V4: &str = "203.0.113.9";
const MOBILE_V6: &str = "2400:cb00::1";
const EZPROXY: &str = "https://proxy.example.edu/login?url=";
const RESOLVER: &str = "https://resolver.example.edu/openurl";

/// A copy of the demo with an `[access]` table holding `body`.
fn with_access(body: &str) -> TempDir {
    demo_copy(|t| {
        t.replacen(
            "scan_distance_m = 1.0\n",
            &format!("scan_distance_m = 1.0\n\n[access]\n{body}\n"),
            1,
        )
    })
}

fn library() -> TempDir {
    with_access(&format!(
        "campus_networks = [\"10.0.0.0/8\", \"2001:db8::/32\"]\nproxy = \"{EZPROXY}\"\nresolver = \"{RESOLVER}\""
    ))
}

/// A stand-in for the Unpaywall v2 API on loopback: Proxima b has an arXiv copy (an answer
/// in the v2 shape, fields as the API gives them), AlphaGo is closed, the DNC paper gets
/// garbage, every other DOI is unknown (404). It counts the requests it gets.
struct StandIn {
    url: String,
    asked: Arc<AtomicUsize>,
}

impl StandIn {
    fn start() -> StandIn {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!("http://{}/v2", listener.local_addr().unwrap());
        let asked = Arc::new(AtomicUsize::new(0));
        let counter = asked.clone();
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                let Ok(mut stream) = stream else { continue };
                let mut reader = BufReader::new(stream.try_clone().unwrap());
                let mut request = String::new();
                if reader.read_line(&mut request).is_err() {
                    continue;
                }
                let mut line = String::new();
                while reader.read_line(&mut line).is_ok_and(|n| n > 2) {
                    line.clear();
                }
                counter.fetch_add(1, Ordering::SeqCst);
                let path = request.split(' ').nth(1).unwrap_or("");
                let (status, body) = answer(path);
                let _ = write!(
                    stream,
                    "HTTP/1.1 {status}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                    body.len()
                );
            }
        });
        StandIn { url, asked }
    }

    fn asked(&self) -> usize {
        self.asked.load(Ordering::SeqCst)
    }
}

fn answer(path: &str) -> (&'static str, String) {
    assert!(
        path.contains("?email=curator%40library.example.edu"),
        "every request names the contact address: {path}"
    );
    let doi = path
        .trim_start_matches("/v2/")
        .split('?')
        .next()
        .unwrap_or("");
    let fixture = |name: &str| {
        std::fs::read_to_string(
            Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("tests/api/fixtures")
                .join(name),
        )
        .unwrap()
    };
    match doi {
        "10.1038/nature19106" => ("200 OK", fixture("unpaywall-nature19106.json")),
        "10.1038/nature16961" => ("200 OK", fixture("unpaywall-closed.json")),
        "10.1038/nature20101" => ("200 OK", "<html><body>502 Bad Gateway</body></html>".into()),
        _ => (
            "404 Not Found",
            format!(
                "{{\"HTTP_status_code\": 404, \"error\": true, \"message\": \"'{doi}' is an invalid doi.\"}}"
            ),
        ),
    }
}

fn unpaywall_at(url: &str) -> unpaywall::Settings {
    let mut settings =
        unpaywall::Settings::new("curator@library.example.edu".into(), Some(url.into()));
    settings.check_every = Duration::from_millis(100);
    settings
}

/// Behind a trusted reverse proxy on loopback, so tests can stand anywhere with
/// `X-Forwarded-For`.
fn behind_proxy(settings: &mut Settings) {
    settings.trusted_proxy = Some("127.0.0.1".parse().unwrap());
}

fn from(app: &TestApp, path: &str, ip: &str) -> Reply {
    app.get_as(path, ANDROID_CHROME, &[("X-Forwarded-For", ip)])
}

fn wait_until(what: &str, mut done: impl FnMut() -> bool) {
    let start = Instant::now();
    while !done() {
        assert!(
            start.elapsed() < Duration::from_secs(10),
            "timed out: {what}"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

fn route_counts(app: &TestApp) -> Vec<(String, u64)> {
    stats_json(&app.base)["by_route"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["key"].as_str().unwrap().to_string(),
                r["opens"].as_u64().unwrap(),
            )
        })
        .collect()
}

#[test]
fn on_and_off_campus_visitors_get_their_own_route_over_ipv4_and_ipv6() {
    let app = spawn_app_with_tuned(library(), IN_PHASE_1, behind_proxy);
    let nature = "https://www.nature.com/articles/nature16961";
    for campus in [CAMPUS_V4, CAMPUS_V6, "::ffff:10.1.2.3"] {
        let reply = from(&app, "/go/GO16", campus);
        assert_eq!(reply.status, 302);
        assert_eq!(
            reply.header("location"),
            nature,
            "{campus}: straight to the publisher"
        );
        let page = from(&app, "/s/GO16?lang=en", campus).body;
        assert!(page.contains("You are on the campus network"), "{page}");
        assert!(!page.contains("No access?"), "{page}");
    }
    for mobile in [MOBILE_V4, MOBILE_V6] {
        let reply = from(&app, "/go/GO16", mobile);
        assert_eq!(
            reply.header("location"),
            format!("{EZPROXY}{nature}"),
            "{mobile}"
        );
        let page = from(&app, "/s/GO16?lang=en", mobile).body;
        assert!(
            page.contains("You are off the campus network: sign in"),
            "{page}"
        );
        assert!(
            page.contains("href=\"https://resolver.example.edu/openurl?url_ver=Z39.88-2004")
                && page.contains("rft_id=info%3Adoi%2F10.1038%2Fnature16961"),
            "the resolver as a fallback: {page}"
        );
    }
    let zh = from(&app, "/s/GO16?lang=zh", MOBILE_V4).body;
    assert!(zh.contains("无法访问？请图书馆帮忙"), "{zh}");
    assert_eq!(
        route_counts(&app),
        [("campus", 3), ("proxy", 2), ("oa", 0), ("publisher", 0)]
            .map(|(k, n)| (k.to_string(), n))
            .to_vec()
    );
}

#[test]
fn a_forwarded_address_from_an_untrusted_peer_is_not_believed() {
    // No trusted proxy: the peer (loopback, off campus) is the client, whatever it claims.
    let app = spawn_app_with(library(), IN_PHASE_1);
    let reply = from(&app, "/go/GO16", CAMPUS_V4);
    assert!(
        reply.header("location").starts_with(EZPROXY),
        "{}",
        reply.header("location")
    );
    let page = from(&app, "/s/GO16?lang=en", CAMPUS_V4).body;
    assert!(!page.contains("You are on the campus network"), "{page}");

    // Behind the trusted proxy, only the address it added (the last) counts.
    let app = spawn_app_with_tuned(library(), IN_PHASE_1, behind_proxy);
    let spoofed = format!("{CAMPUS_V4}, {MOBILE_V4}");
    assert!(
        from(&app, "/go/GO16", &spoofed)
            .header("location")
            .starts_with(EZPROXY)
    );
}

#[test]
fn a_route_can_be_forced_and_a_missing_one_falls_back() {
    let app = spawn_app_with_tuned(library(), IN_PHASE_1, behind_proxy);
    let nature = "https://www.nature.com/articles/nature16961";
    let cases = [
        ("/go/GO16?route=publisher", MOBILE_V4, nature.to_string()),
        (
            "/go/GO16?route=proxy",
            CAMPUS_V4,
            format!("{EZPROXY}{nature}"),
        ),
        // No free copy of AlphaGo: the visitor's own route instead of a dead end.
        ("/go/GO16?route=oa", MOBILE_V4, format!("{EZPROXY}{nature}")),
        ("/go/GO16?route=nonsense", CAMPUS_V4, nature.to_string()),
        (
            "/go/TRAP17?route=publisher",
            MOBILE_V4,
            "https://www.nature.com/articles/nature21360".into(),
        ),
        (
            "/go/TRAP17?route=oa",
            CAMPUS_V4,
            "https://arxiv.org/abs/1703.01424".into(),
        ),
    ];
    for (path, ip, want) in &cases {
        assert_eq!(
            from(&app, path, ip).header("location"),
            want,
            "{path} from {ip}"
        );
    }
    assert_eq!(
        route_counts(&app),
        [("campus", 1), ("proxy", 2), ("oa", 1), ("publisher", 2)]
            .map(|(k, n)| (k.to_string(), n))
            .to_vec()
    );
    let csv = app.admin_get("/admin/export/nature-covers.csv").body;
    assert!(
        csv.lines()
            .next()
            .unwrap()
            .ends_with(",via,route,share,staff,reaction,poll,answer"),
        "{csv}"
    );
    assert!(
        csv.lines()
            .any(|l| l.starts_with("open,") && l.ends_with(",oa,,false,,,")),
        "{csv}"
    );
}

#[test]
fn a_free_copy_comes_first_off_campus_and_not_on_campus() {
    // trappist-1 names its arXiv copy by hand.
    let app = spawn_app_with_tuned(library(), IN_PHASE_1, behind_proxy);
    let off = from(&app, "/s/TRAP17?lang=en", MOBILE_V4).body;
    assert!(off.contains("Read the paper free →"), "{off}");
    assert!(
        off.contains("<strong class=\"free\">Free to read</strong>"),
        "{off}"
    );
    assert!(
        off.contains("href=\"/go/TRAP17?lang=en&#38;route=proxy\"")
            && off.contains("Journal version, via the library"),
        "the library's route second: {off}"
    );
    assert_eq!(
        from(&app, "/go/TRAP17", MOBILE_V4).header("location"),
        "https://arxiv.org/abs/1703.01424"
    );
    let on = from(&app, "/s/TRAP17?lang=en", CAMPUS_V4).body;
    assert!(on.contains("You are on the campus network"), "{on}");
    assert!(
        !on.contains("Free to read") && !on.contains("route=proxy"),
        "{on}"
    );
    assert_eq!(
        from(&app, "/go/TRAP17", CAMPUS_V4).header("location"),
        "https://www.nature.com/articles/nature21360"
    );
}

#[test]
fn free_copies_are_looked_up_in_the_background_cached_and_never_on_a_visit() {
    let stand_in = StandIn::start();
    let data = tempfile::tempdir().unwrap();
    let store_dir = data.path().join("store");
    let url = stand_in.url.clone();
    let dir = store_dir.clone();
    let app = spawn_app_with_tuned(library(), IN_PHASE_1, move |s| {
        behind_proxy(s);
        s.data = dir;
        s.unpaywall = Some(unpaywall_at(&url));
    });
    // Nine DOIs without a hand-named copy (trappist-1 has one and is not asked about).
    wait_until("every DOI asked", || stand_in.asked() >= 9);
    wait_until("the copy shows", || {
        from(&app, "/s/PROX16?lang=en", MOBILE_V4)
            .body
            .contains("Read the paper free")
    });
    let asked = stand_in.asked();
    assert_eq!(asked, 9, "each DOI once");

    let page = from(&app, "/s/PROX16?lang=en", MOBILE_V4).body;
    assert!(
        page.contains("a legal copy the authors made public"),
        "an arXiv preprint is not called the journal's version: {page}"
    );
    // Outside apps the PDF; inside WeChat the landing page, which its browser can show.
    assert_eq!(
        from(&app, "/go/PROX16", MOBILE_V4).header("location"),
        "https://arxiv.org/pdf/1609.03449"
    );
    let wechat = app.get_as(
        "/go/PROX16",
        IPHONE_WECHAT,
        &[("X-Forwarded-For", MOBILE_V6)],
    );
    assert_eq!(
        wechat.header("location"),
        "https://arxiv.org/abs/1609.03449"
    );
    // Closed (AlphaGo), garbled (DNC) and unknown (ExAC) answers: the library's route.
    for code in ["GO16", "DNC16", "EXAC16"] {
        assert!(
            from(&app, &format!("/go/{code}"), MOBILE_V4)
                .header("location")
                .starts_with(EZPROXY),
            "{code}"
        );
        let page = from(&app, &format!("/s/{code}?lang=en"), MOBILE_V4).body;
        assert!(!page.contains("Free to read"), "{code}: {page}");
    }
    for _ in 0..20 {
        from(&app, "/s/PROX16", MOBILE_V4);
        from(&app, "/go/PROX16", MOBILE_V4);
        from(&app, "/s/GO16", CAMPUS_V4);
    }
    assert_eq!(stand_in.asked(), asked, "no lookup on a visitor's request");
    let stats = stats_json(&app.base);
    assert!(
        stats["by_route"].to_string().contains("\"key\":\"oa\""),
        "{stats}"
    );

    // A day later the answers are asked again.
    app.clock.advance(jiff::SignedDuration::from_hours(25));
    wait_until("asked again a day later", || stand_in.asked() >= asked + 9);
    drop(app);

    // The answers are cached: restarted with the API unreachable, the copy is still offered.
    let cached = docent::store::Store::open(&store_dir, 8 << 20)
        .unwrap()
        .free_copies()
        .unwrap();
    assert_eq!(cached.len(), 8, "all but the garbled answer: {cached:?}");
    let down = unreachable_api();
    let dir = store_dir.clone();
    let app = spawn_app_with_tuned(library(), IN_PHASE_1, move |s| {
        behind_proxy(s);
        s.data = dir;
        s.unpaywall = Some(unpaywall_at(&down));
    });
    assert_eq!(
        from(&app, "/go/PROX16", MOBILE_V4).header("location"),
        "https://arxiv.org/pdf/1609.03449"
    );
}

/// An address where nothing listens.
fn unreachable_api() -> String {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}/v2", listener.local_addr().unwrap());
    drop(listener);
    url
}

#[test]
fn with_the_api_down_everything_works_as_before() {
    let down = unreachable_api();
    let app = spawn_app_with_tuned(library(), IN_PHASE_1, move |s| {
        behind_proxy(s);
        s.unpaywall = Some(unpaywall_at(&down));
    });
    std::thread::sleep(Duration::from_millis(300));
    let page = from(&app, "/s/PROX16?lang=en", MOBILE_V4);
    assert_eq!(page.status, 200);
    assert!(
        page.body
            .contains("You are off the campus network: sign in"),
        "{}",
        page.body
    );
    assert!(
        from(&app, "/go/PROX16", MOBILE_V4)
            .header("location")
            .starts_with(EZPROXY)
    );
    assert_eq!(
        from(&app, "/go/TRAP17", MOBILE_V4).header("location"),
        "https://arxiv.org/abs/1703.01424"
    );
    assert_eq!(app.get("/healthz").status, 200);
}

#[test]
fn an_openathens_proxy_gets_the_article_url_encoded() {
    let exhibits = with_access(
        "campus_networks = [\"10.0.0.0/8\"]\nproxy = \"https://go.openathens.net/redirector/example.edu?url=\"",
    );
    let app = spawn_app_with_tuned(exhibits, IN_PHASE_1, behind_proxy);
    assert_eq!(
        from(&app, "/go/GO16", MOBILE_V4).header("location"),
        "https://go.openathens.net/redirector/example.edu?url=https%3A%2F%2Fwww.nature.com%2Farticles%2Fnature16961"
    );
    // No resolver given: no fallback link, and a publisher off campus says what to expect.
    let page = from(&app, "/s/GO16?lang=en", MOBILE_V4).body;
    assert!(!page.contains("No access?"), "{page}");
    let plain = with_access("campus_networks = [\"10.0.0.0/8\"]");
    let app = spawn_app_with_tuned(plain, IN_PHASE_1, behind_proxy);
    let page = from(&app, "/s/GO16?lang=en", MOBILE_V4).body;
    assert!(
        page.contains("the publisher may ask for a subscription"),
        "{page}"
    );
}

#[test]
fn citations_go_home_as_ris_and_bibtex() {
    let app = spawn_app(IN_PHASE_1);
    let page = app.get("/s/GO16?lang=en").body;
    let scans = app.store.scans().unwrap().len();
    assert!(
        page.contains("href=\"/cite/GO16.ris\"") && page.contains("href=\"/cite/GO16.bib\""),
        "{page}"
    );
    let ris = app.get("/cite/go16.ris");
    assert_eq!(ris.status, 200);
    assert_eq!(
        ris.header("content-type"),
        "application/x-research-info-systems; charset=utf-8"
    );
    assert!(ris.header("content-disposition").contains("alphago.ris"));
    for line in [
        "TY  - JOUR\r\n",
        "TI  - Mastering the game of Go with deep neural networks and tree search\r\n",
        "AU  - Silver, D.\r\n",
        "JO  - Nature\r\n",
        "VL  - 529\r\n",
        "DO  - 10.1038/nature16961\r\n",
        "ER  - \r\n",
    ] {
        assert!(ris.body.contains(line), "{line:?} in {}", ris.body);
    }
    let bib = app.get("/cite/GO16.bib");
    assert_eq!(
        bib.header("content-type"),
        "application/x-bibtex; charset=utf-8"
    );
    assert!(
        bib.body.starts_with("@article{silver2016alphago,\n"),
        "{}",
        bib.body
    );
    for field in [
        "  title = {{Mastering the game of Go with deep neural networks and tree search}},",
        "  author = {Silver, D. and others},",
        "  journal = {Nature},",
        "  year = {2016},",
        "  doi = {10.1038/nature16961},",
    ] {
        assert!(bib.body.contains(field), "{field} in {}", bib.body);
    }
    // A station's code cites what it shows now.
    assert!(app.get("/cite/NCA1.bib").body.starts_with("@article{"));
    assert_eq!(app.head("/cite/GO16.ris").status, 200);
    assert_eq!(app.get("/cite/GO16.txt").status, 404);
    assert_eq!(app.get("/cite/NOPE99.ris").status, 404);
    assert_eq!(
        app.store.scans().unwrap().len(),
        scans,
        "citations are not scans"
    );
}

#[test]
fn the_dashboard_shows_the_way_to_the_paper() {
    let app = spawn_app_with_tuned(library(), IN_PHASE_1, behind_proxy);
    from(&app, "/go/GO16", CAMPUS_V4);
    from(&app, "/go/TRAP17", MOBILE_V4);
    let page = app.admin_get("/admin/e/nature-covers").body;
    assert!(page.contains("Way to the paper"), "{page}");
    assert!(
        page.contains("<td>free copy</td><td class=\"n\">1</td><td class=\"n\">50 %</td>"),
        "{page}"
    );
    assert!(
        page.contains("<td>campus network (publisher)</td><td class=\"n\">1</td>"),
        "{page}"
    );
}

#[test]
fn docent_access_prints_each_story_and_its_route_off_campus() {
    let exhibits = library();
    let out = Command::new(env!("CARGO_BIN_EXE_docent"))
        .args(["access", "--exhibition", "nature-covers", "--exhibits"])
        .arg(exhibits.path())
        .arg("--data")
        .arg(exhibits.path().join("no-store-here"))
        .output()
        .unwrap();
    let (code, stdout, stderr) = outcome(out);
    assert_eq!(code, 0, "{stderr}");
    assert!(
        stdout.contains("  campus networks: 10.0.0.0/8, 2001:db8::/32"),
        "{stdout}"
    );
    assert!(
        stdout.contains(&format!("  proxy: {EZPROXY}\n")),
        "{stdout}"
    );
    assert!(
        stdout.contains("  trappist-1\n    doi:        10.1038/nature21360\n    free copy:  named by hand: https://arxiv.org/abs/1703.01424\n    off campus: free copy https://arxiv.org/abs/1703.01424, then proxy https://proxy.example.edu/login?url=https://www.nature.com/articles/nature21360\n"),
        "{stdout}"
    );
    assert!(
        stdout.contains(
            "  alphago\n    doi:        10.1038/nature16961\n    free copy:  not looked up yet"
        ),
        "{stdout}"
    );
    assert!(stdout.contains("resolver as fallback"), "{stdout}");

    // With the stand-in asked now.
    let stand_in = StandIn::start();
    let data = tempfile::tempdir().unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_docent"))
        .args([
            "access",
            "--unpaywall-email",
            "curator@library.example.edu",
            "--unpaywall-url",
            &stand_in.url,
            "--exhibits",
        ])
        .arg(exhibits.path())
        .arg("--data")
        .arg(data.path())
        .output()
        .unwrap();
    let (code, stdout, _) = outcome(out);
    assert_eq!(code, 0);
    assert!(
        stdout.contains("free copy:  https://arxiv.org/pdf/1609.03449 (Unpaywall"),
        "{stdout}"
    );
    assert!(
        stdout.contains("! Unpaywall lookup of 10.1038/nature20101 failed"),
        "{stdout}"
    );
    let unknown = Command::new(env!("CARGO_BIN_EXE_docent"))
        .args(["access", "--exhibition", "nope", "--exhibits"])
        .arg(exhibits.path())
        .output()
        .unwrap();
    assert_eq!(unknown.status.code(), Some(1));
}

#[test]
fn check_names_access_mistakes_at_their_line() {
    let cases = [
        (
            "campus_networks = [\"10.0.0.0/8\", \"10.0.0/33\"]",
            "is not a network",
        ),
        (
            "campus_networks = [\"192.168.1.5/24\"]",
            "write the network as 192.168.1.0/24",
        ),
        (
            "campus_networks = [\"::/0\"]",
            "every visitor would count as on campus",
        ),
        (
            "proxy = \"https://proxy.example.edu/login\"",
            "must end with the parameter",
        ),
        (
            "proxy = \"proxy.example.edu/login?url=\"",
            "not a valid http(s) URL",
        ),
        (
            "resolver = \"ftp://resolver.example.edu\"",
            "access.resolver",
        ),
        ("proxy_encode = true", "no proxy in [access]"),
        (
            "proxie = \"https://proxy.example.edu/login?url=\"",
            "proxie",
        ),
    ];
    for (body, words) in cases {
        let dir = with_access(body);
        let out = Command::new(env!("CARGO_BIN_EXE_docent"))
            .arg("check")
            .arg(dir.path())
            .output()
            .unwrap();
        let (code, stdout, _) = outcome(out);
        assert_eq!(code, 1, "{body}: {stdout}");
        let file = dir.path().join("nature-covers/exhibition.toml");
        let text = std::fs::read_to_string(&file).unwrap();
        let line = text.lines().position(|l| l == body).unwrap() + 1;
        let prefix = format!("{}:{line}: ", file.display());
        assert!(
            stdout
                .lines()
                .any(|l| l.starts_with(&prefix) && l.contains(words)),
            "{body}: want {prefix}...{words}\n{stdout}"
        );
    }
    // The older article_prefix and [access] proxy together: one of them must go.
    let both = demo_copy(|t| {
        t.replace("# article_prefix = ", "article_prefix = ")
            .replacen(
                "scan_distance_m = 1.0\n",
                &format!("scan_distance_m = 1.0\n\n[access]\nproxy = \"{EZPROXY}\"\n"),
                1,
            )
    });
    let out = Command::new(env!("CARGO_BIN_EXE_docent"))
        .arg("check")
        .arg(both.path())
        .output()
        .unwrap();
    let (code, stdout, _) = outcome(out);
    assert_eq!(code, 1);
    assert!(
        stdout.contains("article_prefix: [access] also names a proxy"),
        "{stdout}"
    );
    // A full, valid table passes.
    let out = Command::new(env!("CARGO_BIN_EXE_docent"))
        .arg("check")
        .arg(library().path())
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
}

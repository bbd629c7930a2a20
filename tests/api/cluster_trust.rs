//! Nothing gets in through the cluster: what someone who reaches NATS without the cluster key
//! can read (nothing secret) and do (nothing), on a real three-node JetStream cluster with two
//! real replicas; and a cluster that wants TLS with client certificates, or a token kept in
//! a file.
//!
//! Longer than 500 lines because each attack on the cluster needs the same three-node cluster and two replicas set up here.

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use futures_util::StreamExt;

use crate::helpers::*;
use crate::replicas::{
    Cluster, Replica, admin_health, client, cluster_key, make_link, scan, settle,
};

/// Every value in the replicas' buckets: (bucket, key, value).
async fn every_record(js: &async_nats::jetstream::Context) -> Vec<(String, String, Vec<u8>)> {
    let mut found = Vec::new();
    for bucket in [
        "docent-sealed-salt",
        "docent-sealed-secrets",
        "docent-sealed-changes",
        "docent-sealed-replicas",
    ] {
        let kv = js.get_key_value(bucket).await.expect("the bucket exists");
        let mut keys = kv.keys().await.unwrap();
        while let Some(key) = keys.next().await {
            let key = key.unwrap();
            if let Some(value) = kv.get(&key).await.unwrap() {
                found.push((bucket.to_string(), key, value.to_vec()));
            }
        }
    }
    found
}

/// A stream message as the replicas write it, but plain: postcard of (origin, entries).
#[derive(serde::Serialize)]
struct Envelope {
    origin: String,
    entries: Vec<(u64, Vec<u8>)>,
}

fn refused(base: &str) -> u64 {
    admin_health(base).1["replication"]["refused"]["count"]
        .as_u64()
        .unwrap()
}

fn landing_heading(base: &str) -> String {
    heading(&read(client().get(format!("{base}/s/NCA1?lang=en")).call()).body)
}

#[test]
fn whoever_reaches_nats_without_the_cluster_key_reads_no_secret_and_changes_nothing() {
    let cluster = Cluster::start();
    let urls = cluster.urls();
    let data = tempfile::tempdir().unwrap();
    let a = Replica::start(&data.path().join("a"), &urls);
    let b = Replica::start(&data.path().join("b"), &urls);
    assert_eq!(scan(&a.base, 1), 200);
    assert_eq!(scan(&b.base, 2), 200);
    assert_eq!(settle(&a, &b, |n| n == 2, Duration::from_secs(15)), (2, 2));
    let link = make_link(&a.base);
    let link_id = crate::organizers::link_id(&link);
    let until = Instant::now() + Duration::from_secs(10);
    while read(client().get(format!("{}{link}", b.base)).call()).status != 200 {
        assert!(Instant::now() < until, "the link does not reach B");
        std::thread::sleep(Duration::from_millis(200));
    }
    // Two more scans: the page each replica shows now.
    let shown = (landing_heading(&a.base), landing_heading(&b.base));
    assert_eq!(settle(&a, &b, |n| n == 4, Duration::from_secs(15)), (4, 4));
    let origin = admin_health(&a.base).1["replication"]["replica"]
        .as_str()
        .unwrap()
        .to_string();
    let (refused_a, refused_b) = (refused(&a.base), refused(&b.base));

    // A plain NATS client, no key: it reads what it can and forges what it likes.
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let records = runtime.block_on(async {
        let nats = async_nats::connect(format!("127.0.0.1:{}", cluster.nodes[0].port))
            .await
            .unwrap();
        let js = async_nats::jetstream::new(nats);
        let records = every_record(&js).await;
        for old in ["docent-salt", "docent-secrets"] {
            assert!(
                js.get_key_value(old).await.is_err(),
                "no plaintext bucket {old}"
            );
        }

        // Stream: a batch numbered 2^62 under A's name, and an authentic message replayed.
        let stream = js.get_stream("DOCENT").await.unwrap();
        let last = stream.get_info().await.unwrap().state.last_sequence;
        let authentic = stream.get_raw_message(last).await.unwrap().payload;
        let huge = postcard::to_allocvec(&Envelope {
            origin: origin.clone(),
            entries: vec![(1 << 62, vec![0; 8])],
        })
        .unwrap();
        for (id, payload) in [("forged-huge", huge.into()), ("forged-replay", authentic)] {
            let mut headers = async_nats::HeaderMap::new();
            headers.insert(async_nats::header::NATS_MESSAGE_ID, id);
            js.publish_with_headers("docent.events", headers, payload)
                .await
                .unwrap()
                .await
                .unwrap();
        }

        // Changes: a switch to each phase dated 2099, the real link revoked, a fake replica.
        let changes = js.get_key_value("docent-sealed-changes").await.unwrap();
        for (n, phase) in ["phase-1", "phase-2"].into_iter().enumerate() {
            let forged = serde_json::json!({"Switch": {"id": 99 + n, "switch": {
                "exhibition": "nature-covers", "phase": phase,
                "at": "2099-01-01T00:00:00Z", "by": "mallory"}}});
            let key = format!("switch.{}.{:016x}", hex::encode("nature-covers"), 99 + n);
            changes
                .put(key, serde_json::to_vec(&forged).unwrap().into())
                .await
                .unwrap();
        }
        let revoked = serde_json::json!({"Link": {"id": link_id, "exhibition": "nature-covers",
            "created": "2026-01-01T00:00:00Z", "expires": "2100-01-01T00:00:00Z",
            "by": "mallory", "revoked": "2026-01-02T00:00:00Z"}});
        changes
            .put(
                format!("revoked-link.{}", hex::encode(&link_id)),
                serde_json::to_vec(&revoked).unwrap().into(),
            )
            .await
            .unwrap();
        js.get_key_value("docent-sealed-replicas")
            .await
            .unwrap()
            .put(
                "evil",
                serde_json::to_vec(&serde_json::json!({"replica": "evil",
                    "fingerprint": "x", "at": "2099-01-01T00:00:00Z"}))
                .unwrap()
                .into(),
            )
            .await
            .unwrap();
        records
    });

    // Four forged records and one forged message, refused by each replica.
    let until = Instant::now() + Duration::from_secs(15);
    while refused(&a.base) < refused_a + 5 || refused(&b.base) < refused_b + 5 {
        assert!(
            Instant::now() < until,
            "not refused: {} / {}",
            admin_health(&a.base).1,
            admin_health(&b.base).1
        );
        std::thread::sleep(Duration::from_millis(200));
    }
    // A still counts everywhere (the batch number silenced nobody), the replay counted
    // nothing, no wall was switched, the link still opens, no fake replica is listed.
    assert_eq!(scan(&a.base, 3), 200);
    assert_eq!(scan(&b.base, 4), 200);
    assert_eq!(settle(&a, &b, |n| n == 6, Duration::from_secs(15)), (6, 6));
    std::thread::sleep(Duration::from_secs(1));
    assert_eq!(
        (a.totals()["scans"].as_u64(), b.totals()["scans"].as_u64()),
        (Some(6), Some(6))
    );
    assert_eq!((landing_heading(&a.base), landing_heading(&b.base)), shown);
    assert_eq!(
        read(client().get(format!("{}{link}", b.base)).call()).status,
        200
    );
    assert_eq!(
        read(client().get(format!("{}{link}", a.base)).call()).status,
        200
    );
    let (_, health) = admin_health(&b.base);
    let listed = health["replication"]["replicas"].to_string();
    assert!(!listed.contains("evil"), "{listed}");
    let metrics = read(
        client()
            .get(format!("{}/admin/metrics", a.base))
            .header("Authorization", &basic("ci", PASSWORD))
            .call(),
    );
    assert!(
        metrics
            .body
            .lines()
            .any(|l| l.starts_with("docent_cluster_refused_total ") && !l.ends_with(" 0")),
        "{}",
        metrics.body
    );

    // What the plain client read: neither replica's session secret, nor today's salt, nor a
    // word of what the changes say.
    drop((a, b));
    for replica in ["a", "b"] {
        let db = sled::open(data.path().join(replica)).unwrap();
        let meta = db.open_tree("meta.v1").unwrap();
        let secret = meta.get("session-secret").unwrap().unwrap().to_vec();
        let salt = meta.get("daily-salt").unwrap().unwrap();
        let salt = salt[salt.len() - 32..].to_vec();
        assert_eq!(secret.len(), 32);
        for (bucket, key, value) in &records {
            for (what, bytes) in [("secret", &secret), ("salt", &salt)] {
                assert!(
                    !value.windows(32).any(|w| w == bytes.as_slice()),
                    "{bucket}/{key} holds replica {replica}'s {what} in plain"
                );
            }
            for word in [&b"nature-covers"[..], b"phase-", link_id.as_bytes()] {
                assert!(
                    !value.windows(word.len()).any(|w| w == word),
                    "{bucket}/{key} is readable: {}",
                    String::from_utf8_lossy(value)
                );
            }
        }
    }
    assert!(
        records.iter().any(|(b, _, _)| b == "docent-sealed-secrets")
            && records.iter().any(|(b, _, _)| b == "docent-sealed-salt")
            && records.iter().any(|(b, _, _)| b == "docent-sealed-changes"),
        "the secret, the salt and the link were shared: {:?}",
        records.iter().map(|(b, k, _)| (b, k)).collect::<Vec<_>>()
    );
}

#[test]
fn serve_with_nats_and_no_cluster_key_stops_with_what_to_do() {
    let data = tempfile::tempdir().unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_docent"))
        .args(["serve", "--bind", "127.0.0.1:0", "--exhibits"])
        .arg(demo_exhibits())
        .arg("--data")
        .arg(data.path())
        .env("DOCENT_ADMIN_PASSWORD", PASSWORD)
        .env("DOCENT_NATS", "nats://127.0.0.1:9")
        .env_remove("DOCENT_CLUSTER_KEY_FILE")
        .output()
        .unwrap();
    let (code, _, stderr) = outcome(out);
    assert_eq!(code, 1, "{stderr}");
    assert!(
        stderr.contains("--cluster-key-file") && stderr.contains("head -c 32 /dev/urandom"),
        "{stderr}"
    );
    let short = data.path().join("short.key");
    std::fs::write(&short, "too short").unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_docent"))
        .args(["serve", "--bind", "127.0.0.1:0", "--exhibits"])
        .arg(demo_exhibits())
        .arg("--data")
        .arg(data.path().join("d"))
        .env("DOCENT_ADMIN_PASSWORD", PASSWORD)
        .env("DOCENT_NATS", "nats://127.0.0.1:9")
        .env("DOCENT_CLUSTER_KEY_FILE", &short)
        .output()
        .unwrap();
    let (code, _, stderr) = outcome(out);
    assert_eq!(code, 1, "{stderr}");
    assert!(stderr.contains("holds 9 bytes"), "{stderr}");
}

/// Runs openssl with `args` in `dir`.
fn openssl(dir: &Path, args: &[&str]) {
    let out = Command::new("openssl")
        .args(args)
        .current_dir(dir)
        .output()
        .expect("openssl is needed for the TLS test (Debian `openssl`)");
    assert!(
        out.status.success(),
        "openssl {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// A CA, a server certificate for 127.0.0.1 and a client certificate, in `dir`.
fn certificates(dir: &Path) {
    let ec = [
        "-newkey",
        "ec",
        "-pkeyopt",
        "ec_paramgen_curve:prime256v1",
        "-nodes",
    ];
    let mut ca = vec!["req", "-x509"];
    ca.extend(ec);
    ca.extend([
        "-keyout",
        "ca.key",
        "-out",
        "ca.pem",
        "-days",
        "2",
        "-subj",
        "/CN=docent test CA",
    ]);
    openssl(dir, &ca);
    std::fs::write(dir.join("server.ext"), "subjectAltName=IP:127.0.0.1\n").unwrap();
    std::fs::write(dir.join("client.ext"), "extendedKeyUsage=clientAuth\n").unwrap();
    for who in ["server", "client"] {
        let (key, csr, pem, ext) = (
            format!("{who}.key"),
            format!("{who}.csr"),
            format!("{who}.pem"),
            format!("{who}.ext"),
        );
        let mut req = vec!["req"];
        req.extend(ec);
        req.extend(["-keyout", &key, "-out", &csr, "-subj", "/CN=127.0.0.1"]);
        openssl(dir, &req);
        openssl(
            dir,
            &[
                "x509",
                "-req",
                "-in",
                &csr,
                "-CA",
                "ca.pem",
                "-CAkey",
                "ca.key",
                "-CAcreateserial",
                "-out",
                &pem,
                "-days",
                "2",
                "-extfile",
                &ext,
            ],
        );
    }
}

/// Whether the replica at `base` joins within `within`.
fn joins(base: &str, within: Duration) -> bool {
    let until = Instant::now() + within;
    loop {
        if admin_health(base).1["replication"]["problem"].is_null() {
            return true;
        }
        if Instant::now() > until {
            return false;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
}

#[test]
fn a_replica_reaches_a_cluster_over_tls_with_a_client_certificate_or_a_token_from_a_file() {
    let certs = tempfile::tempdir().unwrap();
    certificates(certs.path());
    let file = |name: &str| certs.path().join(name).display().to_string();
    let cluster = Cluster::start_with(&[
        "--tls",
        "--tlscert",
        &file("server.pem"),
        "--tlskey",
        &file("server.key"),
        "--tlsverify",
        "--tlscacert",
        &file("ca.pem"),
    ]);
    let urls = cluster
        .nodes
        .iter()
        .map(|n| format!("tls://127.0.0.1:{}", n.port))
        .collect::<Vec<_>>()
        .join(",");
    let data = tempfile::tempdir().unwrap();
    let (ca, cert, key) = (file("ca.pem"), file("client.pem"), file("client.key"));
    let (mut child, base) = serve_binary_env(
        &data.path().join("a"),
        "127.0.0.1:0",
        PASSWORD,
        &[
            ("DOCENT_NATS", urls.as_str()),
            ("DOCENT_CLUSTER_KEY_FILE", cluster_key()),
            ("DOCENT_NATS_CA", ca.as_str()),
            ("DOCENT_NATS_CERT", cert.as_str()),
            ("DOCENT_NATS_KEY", key.as_str()),
        ],
    );
    assert!(
        joins(&base, Duration::from_secs(30)),
        "{}",
        admin_health(&base).1
    );
    assert_eq!(scan(&base, 1), 200);
    let _ = child.kill();
    let _ = child.wait();

    // Without its certificate, the server that verifies clients lets it nowhere near.
    let (mut child, base) = serve_binary_env(
        &data.path().join("b"),
        "127.0.0.1:0",
        PASSWORD,
        &[
            ("DOCENT_NATS", urls.as_str()),
            ("DOCENT_CLUSTER_KEY_FILE", cluster_key()),
            ("DOCENT_NATS_CA", ca.as_str()),
        ],
    );
    assert!(
        !joins(&base, Duration::from_secs(4)),
        "joined without a certificate"
    );
    let _ = child.kill();
    let _ = child.wait();
    drop(cluster);

    // A token kept in a file, out of the process list and the log.
    let token = "t0ken-kept-in-a-file";
    let cluster = Cluster::start_with(&["--auth", token]);
    let token_file = data.path().join("nats.token");
    std::fs::write(&token_file, format!("{token}\n")).unwrap();
    let log = data.path().join("c.log");
    let urls = cluster.urls();
    let (mut child, base) = serve_logging(
        &demo_exhibits(),
        &data.path().join("c"),
        "127.0.0.1:0",
        PASSWORD,
        &[
            ("DOCENT_NATS", urls.as_str()),
            ("DOCENT_CLUSTER_KEY_FILE", cluster_key()),
            ("DOCENT_NATS_PASSWORD_FILE", token_file.to_str().unwrap()),
            ("RUST_LOG", "debug"),
        ],
        std::fs::File::create(&log).unwrap().into(),
    );
    assert!(
        joins(&base, Duration::from_secs(30)),
        "{}",
        admin_health(&base).1
    );
    assert_eq!(scan(&base, 2), 200);
    let _ = child.kill();
    let _ = child.wait();
    let text = std::fs::read_to_string(&log).unwrap();
    assert!(!text.contains(token), "the token is in the log:\n{text}");
}

#[test]
fn the_shipped_nats_configuration_lets_docent_in_over_tls_with_its_password_and_no_further() {
    // The certificates from the shipped script, the configuration as shipped but for paths.
    let dir = tempfile::tempdir().unwrap();
    let shipped = Path::new(env!("CARGO_MANIFEST_DIR")).join("deploy/replicas");
    std::fs::copy(
        shipped.join("make-certs.sh"),
        dir.path().join("make-certs.sh"),
    )
    .unwrap();
    let made = Command::new("sh")
        .arg(dir.path().join("make-certs.sh"))
        .output()
        .unwrap();
    assert!(
        made.status.success(),
        "{}",
        String::from_utf8_lossy(&made.stderr)
    );
    let certs = dir.path().join("certs");
    let conf = std::fs::read_to_string(shipped.join("nats.conf"))
        .unwrap()
        .replace("/etc/nats/certs/", &format!("{}/", certs.display()))
        .replace("/data", &dir.path().join("js").display().to_string());
    let conf_file = dir.path().join("nats.conf");
    std::fs::write(&conf_file, conf).unwrap();
    let password = "nats-pass-for-docent";
    let cluster = Cluster::start_with_env(
        &["-c", conf_file.to_str().unwrap()],
        &[("DOCENT_NATS_PASSWORD", password)],
    );
    let urls = cluster
        .nodes
        .iter()
        .map(|n| format!("tls://docent@127.0.0.1:{}", n.port))
        .collect::<Vec<_>>()
        .join(",");
    let password_file = dir.path().join("nats.password");
    std::fs::write(&password_file, password).unwrap();
    let file = |name: &str| certs.join(name).display().to_string();
    let (ca, cert, key) = (file("ca.pem"), file("client.pem"), file("client.key"));
    let env = [
        ("DOCENT_NATS", urls.as_str()),
        ("DOCENT_NATS_PASSWORD_FILE", password_file.to_str().unwrap()),
        ("DOCENT_CLUSTER_KEY_FILE", cluster_key()),
        ("DOCENT_NATS_CA", ca.as_str()),
        ("DOCENT_NATS_CERT", cert.as_str()),
        ("DOCENT_NATS_KEY", key.as_str()),
    ];
    let data = tempfile::tempdir().unwrap();
    // One after the other, as the other replica tests do: a replica that joins more than 5 s
    // after its start keeps its own session secret until restarted (deploy/README.md), and a
    // fresh cluster on a busy machine can take that long to elect its leaders.
    let (mut child, base) = serve_binary_env(&data.path().join("a"), "127.0.0.1:0", PASSWORD, &env);
    assert!(
        joins(&base, Duration::from_secs(30)),
        "{}",
        admin_health(&base).1
    );
    let (mut other, other_base) =
        serve_binary_env(&data.path().join("b"), "127.0.0.1:0", PASSWORD, &env);
    assert!(
        joins(&other_base, Duration::from_secs(30)),
        "{}",
        admin_health(&other_base).1
    );
    // Scans, a shared change and the salt all pass the permissions.
    assert_eq!(scan(&base, 1), 200);
    let link = make_link(&base);
    let until = Instant::now() + Duration::from_secs(15);
    while read(client().get(format!("{other_base}{link}")).call()).status != 200
        || stats_json(&other_base)["totals"]["scans"].as_u64() != Some(1)
    {
        assert!(
            Instant::now() < until,
            "the other replica did not get the scan and the link: link {}, scans {}, {} / {}",
            read(client().get(format!("{other_base}{link}")).call()).status,
            stats_json(&other_base)["totals"]["scans"],
            admin_health(&base).1["replication"],
            admin_health(&other_base).1["replication"]
        );
        std::thread::sleep(Duration::from_millis(200));
    }
    let (_, health) = admin_health(&base);
    assert!(health["replication"]["problem"].is_null(), "{health}");

    // The same user may not make a stream of its own.
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let refused = runtime.block_on(async {
        let nats = async_nats::ConnectOptions::new()
            .user_and_password("docent".into(), password.into())
            .add_root_certificates(ca.clone().into())
            .add_client_certificate(cert.clone().into(), key.clone().into())
            .require_tls(true)
            .connect(format!("tls://127.0.0.1:{}", cluster.nodes[0].port))
            .await
            .unwrap();
        let mut js = async_nats::jetstream::new(nats);
        js.set_timeout(Duration::from_secs(3));
        js.create_stream(async_nats::jetstream::stream::Config {
            name: "OTHER".into(),
            subjects: vec!["other.>".into()],
            ..Default::default()
        })
        .await
        .is_err()
    });
    assert!(refused, "docent's NATS user could make a stream of its own");
    for c in [&mut child, &mut other] {
        let _ = c.kill();
        let _ = c.wait();
    }
}

#[test]
fn a_replica_logs_in_to_nats_with_an_nkey_seed_from_a_file() {
    let user = nkeys::KeyPair::new_user();
    let dir = tempfile::tempdir().unwrap();
    let conf = dir.path().join("nkey.conf");
    std::fs::write(
        &conf,
        format!(
            "authorization {{ users: [ {{ nkey: {} }} ] }}\n",
            user.public_key()
        ),
    )
    .unwrap();
    let seed = dir.path().join("docent.nk");
    std::fs::write(&seed, user.seed().unwrap()).unwrap();
    let cluster = Cluster::start_with(&["-c", conf.to_str().unwrap()]);
    let urls = cluster.urls();
    let joined = |seed_file: Option<&Path>, data: &str, within: Duration| {
        let mut env = vec![
            ("DOCENT_NATS", urls.as_str()),
            ("DOCENT_CLUSTER_KEY_FILE", cluster_key()),
        ];
        if let Some(seed) = seed_file {
            env.push(("DOCENT_NATS_NKEY_FILE", seed.to_str().unwrap()));
        }
        let (mut child, base) =
            serve_binary_env(&dir.path().join(data), "127.0.0.1:0", PASSWORD, &env);
        let joined = joins(&base, within) && scan(&base, 1) == 200;
        let _ = child.kill();
        let _ = child.wait();
        joined
    };
    assert!(
        joined(Some(&seed), "a", Duration::from_secs(30)),
        "not joined with the seed"
    );
    assert!(
        !joined(None, "b", Duration::from_secs(4)),
        "joined without a seed"
    );
}

//! What the server's log holds under hostile traffic: 10 s of long-path 404s leave it under
//! 1 MB at the default level, and a share-link token never reaches it, even at debug level.

use std::process::Child;
use std::time::{Duration, Instant};

use crate::helpers::*;

/// The real binary on port 0 with its log (stderr) in `log`; returns it and its base URL.
fn serve_logging_to(data: &std::path::Path, log: &std::path::Path, level: &str) -> (Child, String) {
    let log = std::fs::File::create(log).unwrap().into();
    let env = [("RUST_LOG", level)];
    serve_logging(&demo_exhibits(), data, "127.0.0.1:0", PASSWORD, &env, log)
}

#[test]
fn ten_seconds_of_long_404s_leave_the_log_under_a_megabyte() {
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("docent.log");
    let (mut server, base) = serve_logging_to(&dir.path().join("data"), &log, "info");
    let path = format!("/{}", "x".repeat(16 * 1024));
    let until = Instant::now() + Duration::from_secs(10);
    let sent: usize = std::thread::scope(|scope| {
        let workers: Vec<_> = (0..4)
            .map(|_| {
                scope.spawn(|| {
                    let agent = ureq::Agent::new_with_defaults();
                    let mut n = 0;
                    while Instant::now() < until {
                        let _ = agent.get(format!("{base}{path}")).call();
                        n += 1;
                    }
                    n
                })
            })
            .collect();
        workers.into_iter().map(|w| w.join().unwrap()).sum()
    });
    let _ = server.kill();
    let _ = server.wait();
    let size = std::fs::metadata(&log).unwrap().len();
    assert!(sent > 100, "only {sent} requests were sent");
    assert!(
        size < 1024 * 1024,
        "{size} bytes of log after {sent} long 404s"
    );
}

#[test]
fn a_share_token_never_reaches_the_log() {
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("docent.log");
    let (mut server, base) = serve_logging_to(&dir.path().join("data"), &log, "debug");
    let token = "c2VjcmV0LXRva2VuLW5vYm9keS1tYXktc2Vl.AAAAAAAAAAAAAAAAAAAAAA";
    for tail in ["", "/lobby", "/report"] {
        let _ = ureq::get(format!("{base}/view/{token}{tail}?x={token}")).call();
    }
    let _ = ureq::get(format!("{base}/s/NOSUCHCODE")).call();
    let _ = server.kill();
    let _ = server.wait();
    let text = std::fs::read_to_string(&log).unwrap();
    assert!(
        text.contains("/view/…/lobby"),
        "the request is logged: {text}"
    );
    assert!(!text.contains(token), "the token is in the log:\n{text}");
}

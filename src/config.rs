//! Settings for `serve`, after the command line and `DOCENT_*` variables are read (clap does
//! both, later wins: default, then environment, then flag).

use std::net::IpAddr;
use std::path::PathBuf;
use std::time::Duration;

use jiff::tz::TimeZone;

use crate::web::AdminPassword;

#[derive(Debug, Clone)]
pub struct Settings {
    pub exhibits: PathBuf,
    pub data: PathBuf,
    pub bind: String,
    /// The public origin QR codes encode, such as `https://docent.example.edu`; `None` means
    /// `http://` and the address actually bound.
    pub base_url: Option<String>,
    pub admin_password: AdminPassword,
    /// The zone whose midnight starts a new visitor-id day; `None` means the first
    /// exhibition's zone, so a visitor-id day and the exhibition's day are the same day.
    pub day_zone: Option<TimeZone>,
    /// sled's page cache, bytes.
    pub cache_bytes: u64,
    /// HTTP worker threads; `None` means one per core.
    pub workers: Option<usize>,
    /// A reverse proxy whose `X-Forwarded-For` is believed for the client address.
    pub trusted_proxy: Option<IpAddr>,
    /// How often exhibit files are checked for changes; `None` turns the watch off (SIGHUP
    /// and the admin button still reload).
    pub watch_every: Option<Duration>,
    /// A second listener serving only `/metrics`, without a password (for a private
    /// interface); `None` (the default) leaves metrics at `/admin/metrics` alone.
    pub metrics_bind: Option<String>,
    /// Serve `/_baseline`, a static page the size of a landing page, for benchmarks.
    pub bench_baseline: bool,
}

impl Settings {
    /// Defaults for everything but where the files are; tests and tools start from this.
    pub fn new(exhibits: PathBuf, data: PathBuf, admin_password: AdminPassword) -> Settings {
        Settings {
            exhibits,
            data,
            bind: "127.0.0.1:8080".into(),
            base_url: None,
            admin_password,
            day_zone: None,
            cache_bytes: 32 << 20,
            workers: None,
            trusted_proxy: None,
            watch_every: Some(Duration::from_secs(2)),
            metrics_bind: None,
            bench_baseline: false,
        }
    }
}

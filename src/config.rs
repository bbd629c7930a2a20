//! Settings for `serve`, after the command line and `DOCENT_*` variables are read (clap does
//! both, later wins: default, then environment, then flag), and the admin password, checked
//! once when it is read.

use std::fmt;
use std::net::IpAddr;
use std::path::PathBuf;
use std::time::Duration;

use jiff::tz::TimeZone;

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
    /// How to reach the NATS cluster when this server is one of several replicas.
    pub nats: Option<NatsSettings>,
    /// Serve `/_baseline`, a static page the size of a landing page, for benchmarks.
    pub bench_baseline: bool,
    /// How much the login throttle remembers and tolerates.
    pub login_limits: LoginLimits,
    /// Look free copies up on Unpaywall (`--unpaywall-email`); `None` leaves it off.
    pub unpaywall: Option<crate::access::unpaywall::Settings>,
    /// Views from these networks are staff's, left out of the figures.
    pub staff_networks: crate::staff::StaffNetworks,
    /// Single sign-on through an OpenID provider; `None` leaves only names and passwords.
    pub oidc: Option<OidcSettings>,
    /// Counts of distinct visitors below this are shown as "fewer than N" wherever the public
    /// sees figures (share links, the lobby screen); 0 or 1 hides nothing.
    pub min_count: u64,
    /// Visit records older than this many days are removed from the event log (the
    /// checkpointed figures keep them); `None` keeps every record.
    pub retain_days: Option<u32>,
    /// Where digests and alerts are mailed from (`--smtp-url`, `--mail-from`); `None` sends
    /// no mail (alerts still show on the dashboard and go to a webhook).
    pub mail: Option<crate::smtp::MailSettings>,
    /// How often due digests are looked for, and the first pause after a failed sending
    /// (doubled each time). Not on the command line: tests shorten it.
    pub notify_every: Duration,
}

/// The OpenID provider staff sign in through (`--oidc-issuer`, `--oidc-client-id`, and the
/// secret from `--oidc-client-secret` or `--oidc-client-secret-file`).
#[derive(Clone)]
pub struct OidcSettings {
    /// The issuer URL, whose `/.well-known/openid-configuration` describes the provider.
    pub issuer: String,
    pub client_id: String,
    pub client_secret: String,
}

impl fmt::Debug for OidcSettings {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("OidcSettings")
            .field("issuer", &self.issuer)
            .field("client_id", &self.client_id)
            .finish_non_exhaustive()
    }
}

/// How a replica reaches its NATS cluster and proves itself to it and to the other replicas.
/// Only paths here: files are read when the replica starts, so secrets stay out of process
/// lists.
#[derive(Debug, Clone, Default)]
pub struct NatsSettings {
    /// Comma-separated `nats://` or `tls://` URLs, optionally with `user:password@` or
    /// `token@`.
    pub urls: String,
    /// The key every replica shares (`--cluster-key-file`); required.
    pub cluster_key_file: Option<PathBuf>,
    /// The password for the URLs' user, or the token when they name no user.
    pub password_file: Option<PathBuf>,
    /// A NATS `.creds` file (user JWT and nkey seed).
    pub creds_file: Option<PathBuf>,
    /// A file holding an nkey seed (`SU...`).
    pub nkey_file: Option<PathBuf>,
    /// CA certificates (PEM) to trust for the servers' TLS certificates; implies TLS.
    pub ca_file: Option<PathBuf>,
    /// A client certificate and its key (PEM), for servers that verify clients.
    pub cert_file: Option<PathBuf>,
    pub key_file: Option<PathBuf>,
}

/// Bounds of the login throttle. Not on the command line: tests shrink them to reach the edges
/// in a few requests.
#[derive(Debug, Clone, Copy)]
pub struct LoginLimits {
    /// Sources (an IPv4 address, an IPv6 /64) remembered at most; past that the ones with the
    /// least at stake are forgotten first.
    pub sources: usize,
    /// Failures from all sources together, within about a minute, before every password
    /// check waits its turn.
    pub global_free: u32,
}

impl Default for LoginLimits {
    fn default() -> LoginLimits {
        LoginLimits {
            sources: 10_000,
            global_free: 30,
        }
    }
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
            nats: None,
            bench_baseline: false,
            login_limits: LoginLimits::default(),
            unpaywall: None,
            staff_networks: crate::staff::StaffNetworks::default(),
            oidc: None,
            min_count: DEFAULT_MIN_COUNT,
            retain_days: None,
            mail: None,
            notify_every: Duration::from_secs(60),
        }
    }
}

/// The smallest count of distinct visitors shown as it is where the public sees figures.
pub const DEFAULT_MIN_COUNT: u64 = 5;

/// The admin password, at least `MIN_PASSWORD_CHARS` long and not a documented example.
/// Never printed by `Debug`.
#[derive(Clone)]
pub struct AdminPassword(String);

/// Shorter passwords fall to an offline or distributed guesser too soon.
pub const MIN_PASSWORD_CHARS: usize = 12;

/// Values shown in `deploy/docent.env.example` (and the like): copied unchanged, they would be
/// the first guess of anyone who has read the same file.
const EXAMPLE_PASSWORDS: &[&str] = &["change-me", "changeme", "change-me-please"];

#[derive(Debug, PartialEq, Eq, thiserror::Error)]
pub enum PasswordError {
    #[error(
        "DOCENT_ADMIN_PASSWORD is the example value from deploy/docent.env.example; set your own (for example: openssl rand -base64 24)"
    )]
    Example,
    #[error(
        "DOCENT_ADMIN_PASSWORD has {0} characters; it needs at least {MIN_PASSWORD_CHARS} (for example: openssl rand -base64 24)"
    )]
    TooShort(usize),
}

impl fmt::Debug for AdminPassword {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("AdminPassword(<redacted>)")
    }
}

impl AdminPassword {
    pub fn parse(password: String) -> Result<AdminPassword, PasswordError> {
        let plain = password.trim().to_lowercase();
        if EXAMPLE_PASSWORDS.contains(&plain.as_str()) {
            return Err(PasswordError::Example);
        }
        let chars = password.chars().count();
        if chars < MIN_PASSWORD_CHARS {
            return Err(PasswordError::TooShort(chars));
        }
        Ok(AdminPassword(password))
    }

    /// A random password of 24 characters from an alphabet of 54 without look-alikes: about
    /// 138 bits. Bytes past the last whole multiple of 54 are drawn again, so every character
    /// is equally likely.
    pub fn generate() -> Result<AdminPassword, getrandom::Error> {
        const ALPHABET: &[u8] = b"abcdefghjkmnpqrstuvwxyzACDEFGHJKLMNPQRSTUVWXYZ23456789";
        const LEN: usize = 24;
        let fair = (256 / ALPHABET.len() * ALPHABET.len()) as u8;
        let mut password = String::with_capacity(LEN);
        while password.len() < LEN {
            let mut bytes = [0u8; 32];
            getrandom::fill(&mut bytes)?;
            password.extend(
                bytes
                    .iter()
                    .filter(|b| **b < fair)
                    .map(|b| ALPHABET[*b as usize % ALPHABET.len()] as char)
                    .take(LEN - password.len()),
            );
        }
        Ok(AdminPassword(password))
    }

    pub fn expose(&self) -> &str {
        &self.0
    }

    /// Constant-time: blake3 hashes compare in constant time, whatever the lengths.
    pub fn matches(&self, given: &str) -> bool {
        blake3::hash(given.as_bytes()) == blake3::hash(self.0.as_bytes())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_and_example_passwords_are_refused() {
        assert_eq!(
            AdminPassword::parse("eleven-char".into()).unwrap_err(),
            PasswordError::TooShort(11)
        );
        assert!(AdminPassword::parse("twelve-chars".into()).is_ok());
        // Characters, not bytes: four Chinese characters are not twelve.
        assert!(AdminPassword::parse("展览二维码".into()).is_err());
        assert_eq!(
            AdminPassword::parse(" Change-Me ".into()).unwrap_err(),
            PasswordError::Example
        );
    }

    #[test]
    fn the_deploy_example_password_is_refused() {
        let example = include_str!("../deploy/docent.env.example");
        let value = example
            .lines()
            .find_map(|l| l.strip_prefix("DOCENT_ADMIN_PASSWORD="))
            .expect("the example sets DOCENT_ADMIN_PASSWORD");
        assert!(AdminPassword::parse(value.into()).is_err(), "{value}");
    }

    #[test]
    fn generated_passwords_are_long_random_and_accepted() {
        let a = AdminPassword::generate().unwrap();
        let b = AdminPassword::generate().unwrap();
        assert_eq!(a.expose().chars().count(), 24);
        assert_ne!(a.expose(), b.expose());
        assert!(AdminPassword::parse(a.expose().into()).is_ok());
    }
}

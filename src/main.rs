//! The `docent` command line: `serve`, `check`, `qr`, `print`, `access`, ... Nothing else lives here.
//! Longer than 500 lines for a reason: it is the clap definition of every command and its
//! flags (the help text people read), each command's body a call into the library.

#![forbid(unsafe_code)]

use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;

use anyhow::{Context, anyhow, bail};
use clap::{Args, Parser, Subcommand, ValueEnum};
use docent::catalog::{self, Catalog, Code};
use docent::clock::SystemClock;
use docent::config::{AdminPassword, Settings};
use docent::ops;
use docent::print::{self, Codes, PrintJob, Progress};
use docent::qr::{DEFAULT_DPI, Ecc};
use docent::startup::Application;
use docent::store::Store;
use indicatif::{ProgressBar, ProgressStyle};

const DEFAULT_BIND: &str = "127.0.0.1:8080";

#[derive(Parser)]
#[command(
    name = "docent",
    version,
    about = "QR-code companion for exhibitions: exhibit files in, posters, landing pages and scan statistics out"
)]
struct Cli {
    /// Log format: text for people, json for log collectors.
    #[arg(long, global = true, env = "DOCENT_LOG_FORMAT", default_value = "text")]
    log_format: LogFormat,
    #[command(subcommand)]
    command: Command,
}

/// Where `docent user` and `docent token` find the server, or the store when none runs.
#[derive(Args, Clone)]
struct PeopleTarget {
    #[arg(long, env = "DOCENT_BIND", default_value = DEFAULT_BIND)]
    bind: String,
    #[command(flatten)]
    common: Common,
}

#[derive(Subcommand)]
enum UserAction {
    /// Add a person; prints the invite link (72 hours, once) where they set their password.
    Add {
        name: String,
        /// viewer, editor, organizer or admin.
        #[arg(long)]
        role: String,
        /// Limit the role to this exhibition (repeat for several); server-wide without it.
        #[arg(long)]
        exhibition: Vec<String>,
        #[arg(long, default_value = "")]
        display_name: String,
        #[arg(long, default_value = "")]
        email: String,
        #[command(flatten)]
        target: PeopleTarget,
    },
    /// Everyone, one a line: name, display name, roles, status.
    List {
        #[command(flatten)]
        target: PeopleTarget,
    },
    /// Refuse the person from their next request on (sessions and tokens included).
    Disable {
        name: String,
        #[command(flatten)]
        target: PeopleTarget,
    },
    /// Remove the person's password, end their sessions and print a new invite link.
    Reset {
        name: String,
        #[command(flatten)]
        target: PeopleTarget,
    },
}

#[derive(Subcommand)]
enum TokenAction {
    /// Make a personal API token for the person; printed once.
    Add {
        name: String,
        #[command(flatten)]
        target: PeopleTarget,
    },
}

#[derive(Clone, Copy, ValueEnum)]
enum LogFormat {
    Text,
    Json,
}

#[derive(Subcommand)]
enum Command {
    /// Serve the landing pages, the QR images and the admin side.
    Serve(Box<ServeArgs>),
    /// Check exhibit files; print every problem as path:line: message.
    Check {
        /// The exhibits folder (default: --exhibits, or ./exhibits).
        dir: Option<PathBuf>,
        #[command(flatten)]
        common: Common,
    },
    /// Write one code's QR image.
    Qr(QrArgs),
    /// Write every station's and story's QR (SVG and PNG) and the poster and label sheets.
    Print(PrintArgs),
    /// For demos only: fill an empty data store with realistic synthetic traffic (stop the
    /// server first). Refuses a store holding real scans, and days after today, unless asked.
    Simulate(SimulateArgs),
    /// Exit 0 if the server at --bind answers /healthz (for container health checks).
    Healthcheck {
        #[arg(long, env = "DOCENT_BIND", default_value = DEFAULT_BIND)]
        bind: String,
    },
    /// Write a consistent copy of the store: from the running server (needs
    /// DOCENT_ADMIN_PASSWORD), or straight from --data when no server runs.
    Backup {
        #[arg(long)]
        out: PathBuf,
        #[arg(long, env = "DOCENT_BIND", default_value = DEFAULT_BIND)]
        bind: String,
        #[command(flatten)]
        common: Common,
    },
    /// Add stories from a CSV (columns code, doi, title_zh, title_en, summary_zh, summary_en,
    /// cover; optionally url, topics, cover_alt_zh, cover_alt_en). Writes nothing unless every
    /// row passes the same checks as `docent check`.
    Import {
        /// The CSV file (UTF-8, Excel's UTF-8 with BOM, UTF-16 or GBK). Cover paths in it are
        /// relative to its folder.
        csv: PathBuf,
        /// The exhibition the stories go to.
        #[arg(long)]
        exhibition: String,
        /// The Crossref REST API, for citations (left out when it does not answer).
        #[arg(long, default_value = "https://api.crossref.org")]
        crossref_url: String,
        #[command(flatten)]
        common: Common,
    },
    /// Print each story's DOI, free-copy status and the route an off-campus visitor gets.
    Access(AccessArgs),
    /// Print a read-only link to an exhibition's figures, lobby screen and report (made by the
    /// running server, needs DOCENT_ADMIN_PASSWORD; or stored in --data when none runs).
    Share {
        exhibition: String,
        /// How long the link opens, 1 to 366 days.
        #[arg(long, default_value_t = docent::sharelink::DEFAULT_DAYS)]
        days: u32,
        #[arg(long, env = "DOCENT_BIND", default_value = DEFAULT_BIND)]
        bind: String,
        #[command(flatten)]
        common: Common,
    },
    /// Send a digest of an exhibition's figures now (or print it with --dry-run): through the
    /// running server (needs DOCENT_ADMIN_PASSWORD), or from --data with --smtp-url and
    /// --mail-from when none runs.
    Digest {
        exhibition: String,
        /// The days, FROM..TO (such as 2026-11-16..2026-11-22); default the last seven days.
        #[arg(long)]
        period: Option<String>,
        /// One address instead of the [digest] recipients.
        #[arg(long)]
        to: Option<String>,
        /// Print the digest's text; send nothing.
        #[arg(long)]
        dry_run: bool,
        #[arg(long, env = "DOCENT_BIND", default_value = DEFAULT_BIND)]
        bind: String,
        #[command(flatten)]
        mail: MailArgs,
        #[command(flatten)]
        common: Common,
    },
    /// Write the printable report (A4 HTML) of an exhibition or one of its phases: from the
    /// running server (needs DOCENT_ADMIN_PASSWORD), or from --data when none runs.
    Report {
        exhibition: String,
        /// Only the days this phase was scheduled.
        #[arg(long)]
        phase: Option<String>,
        #[arg(long)]
        out: PathBuf,
        #[arg(long, env = "DOCENT_BIND", default_value = DEFAULT_BIND)]
        bind: String,
        #[command(flatten)]
        common: Common,
    },
    /// People on the admin side: add (prints a one-time invite link), list, disable, reset
    /// (a new invite). Asks the running server (needs DOCENT_ADMIN_PASSWORD), or changes the
    /// store in --data when none runs.
    User {
        #[command(subcommand)]
        action: UserAction,
    },
    /// Personal API tokens (`Authorization: Bearer`), like `docent user`.
    Token {
        #[command(subcommand)]
        action: TokenAction,
    },
    /// Load a backup into an empty --data folder (stop the server first).
    Restore {
        file: PathBuf,
        #[command(flatten)]
        common: Common,
    },
}

/// Unpaywall, for `serve` (in the background) and `access` (now).
#[derive(Args)]
struct UnpaywallArgs {
    /// The contact address Unpaywall asks for. With it, free legal copies of the stories'
    /// papers are looked up: by `serve` in the background at start and daily (never on a
    /// visitor's request), by `access` at once. Without it only copies named by hand
    /// (article.oa_url) are offered.
    #[arg(
        long = "unpaywall-email",
        env = "DOCENT_UNPAYWALL_EMAIL",
        value_name = "EMAIL"
    )]
    email: Option<String>,
    /// The Unpaywall API to ask (default: the public v2 API).
    #[arg(
        long = "unpaywall-url",
        env = "DOCENT_UNPAYWALL_URL",
        value_name = "URL",
        requires = "email"
    )]
    url: Option<String>,
}

/// Single sign-on for staff through the campus OpenID provider (authorization code flow with
/// PKCE). A person signed in there gets in only when an account names their e-mail or subject.
#[derive(Args)]
struct OidcArgs {
    /// The provider's issuer URL (it serves /.well-known/openid-configuration). Register
    /// {base-url}/login/sso/callback as the redirect URI there.
    #[arg(
        long,
        env = "DOCENT_OIDC_ISSUER",
        value_name = "URL",
        requires = "oidc_client_id"
    )]
    oidc_issuer: Option<String>,
    /// The client id docent was registered with at the provider.
    #[arg(
        long,
        env = "DOCENT_OIDC_CLIENT_ID",
        value_name = "ID",
        requires = "oidc_issuer"
    )]
    oidc_client_id: Option<String>,
    /// The client secret (better in the environment or --oidc-client-secret-file than on the
    /// command line).
    #[arg(
        long,
        env = "DOCENT_OIDC_CLIENT_SECRET",
        value_name = "SECRET",
        hide_env_values = true
    )]
    oidc_client_secret: Option<String>,
    /// A file holding the client secret.
    #[arg(
        long,
        env = "DOCENT_OIDC_CLIENT_SECRET_FILE",
        value_name = "FILE",
        conflicts_with = "oidc_client_secret"
    )]
    oidc_client_secret_file: Option<PathBuf>,
}

impl OidcArgs {
    fn settings(self) -> anyhow::Result<Option<docent::config::OidcSettings>> {
        let (Some(issuer), Some(client_id)) = (self.oidc_issuer, self.oidc_client_id) else {
            return Ok(None);
        };
        if !url::Url::parse(&issuer).is_ok_and(|u| matches!(u.scheme(), "http" | "https")) {
            bail!("--oidc-issuer {issuer}: not an http(s) URL");
        }
        let client_secret = match (self.oidc_client_secret, self.oidc_client_secret_file) {
            (Some(secret), _) => secret,
            (None, Some(file)) => std::fs::read_to_string(&file)
                .with_context(|| format!("--oidc-client-secret-file {}", file.display()))?
                .trim()
                .to_string(),
            (None, None) => {
                bail!(
                    "--oidc-issuer needs the client secret: --oidc-client-secret or --oidc-client-secret-file"
                )
            }
        };
        if client_secret.is_empty() {
            bail!("the OpenID client secret is empty");
        }
        Ok(Some(docent::config::OidcSettings {
            issuer,
            client_id,
            client_secret,
        }))
    }
}

#[derive(Args)]
struct AccessArgs {
    /// Only this exhibition.
    #[arg(long)]
    exhibition: Option<String>,
    /// With --unpaywall-email: ask Unpaywall now (and cache the answers in --data when no
    /// server holds it).
    #[command(flatten)]
    unpaywall: UnpaywallArgs,
    #[command(flatten)]
    common: Common,
}

#[derive(Args)]
struct SimulateArgs {
    /// Number of days, starting at the exhibition's opening day (or --from); days after today
    /// are left out unless --future.
    #[arg(long, default_value_t = 24)]
    days: u32,
    /// Printed-code scans a day.
    #[arg(long, default_value_t = 300)]
    per_day: u32,
    /// First day (default: the opening day).
    #[arg(long)]
    from: Option<jiff::civil::Date>,
    /// The exhibition (required when there are several).
    #[arg(long)]
    exhibition: Option<String>,
    /// Also write days after today (for load tests and benchmarks).
    #[arg(long)]
    future: bool,
    /// Write into a store that already holds events simulate did not write.
    #[arg(long)]
    force: bool,
    /// A station with no scan for the last 4 hours written (a code torn off), so the
    /// dashboard shows a silent-station alert when [alerts] is set.
    #[arg(long, value_name = "STATION")]
    silent_station: Option<String>,
    #[arg(long, default_value_t = 7)]
    seed: u64,
    #[command(flatten)]
    common: Common,
}

/// Options shared by every subcommand that needs them.
#[derive(Args, Clone)]
struct Common {
    /// Folder of exhibition folders.
    #[arg(long, env = "DOCENT_EXHIBITS", default_value = "exhibits")]
    exhibits: PathBuf,
    /// Folder of the data store.
    #[arg(long, env = "DOCENT_DATA", default_value = "data")]
    data: PathBuf,
    /// Public origin encoded in QR codes, such as https://docent.example.edu. `serve` defaults
    /// to http:// and the bind address; `print` and `qr` require it.
    #[arg(long, env = "DOCENT_BASE_URL")]
    base_url: Option<String>,
}

impl Common {
    /// The origin printed codes hold. It must be given (flag or `DOCENT_BASE_URL`): a default
    /// made from the bind address is a loopback address no phone can reach, and a poster printed
    /// with it is waste paper. An explicit loopback origin is accepted (local tests), with a
    /// warning.
    fn printing_base_url(&self) -> anyhow::Result<String> {
        let Some(given) = &self.base_url else {
            bail!(
                "no base URL: printed codes would hold http://{DEFAULT_BIND}/..., which no phone \
                 can reach. Give the public address visitors' phones open, with --base-url \
                 https://docent.example.edu or DOCENT_BASE_URL=https://docent.example.edu \
                 (to print for a local test, pass --base-url http://{DEFAULT_BIND} explicitly)"
            );
        };
        let url = url::Url::parse(given.trim())
            .ok()
            .filter(|u| matches!(u.scheme(), "http" | "https") && u.host().is_some())
            .ok_or_else(|| {
                anyhow!("--base-url / DOCENT_BASE_URL `{given}` is not an http(s) URL such as https://docent.example.edu")
            })?;
        if print::only_this_machine(url.as_str()) {
            eprintln!(
                "warning: --base-url {given} is a loopback address: these codes only work on this machine"
            );
        }
        Ok(given.trim().to_string())
    }
}

#[derive(Args)]
struct ServeArgs {
    #[command(flatten)]
    common: Common,
    /// Address to listen on.
    #[arg(long, env = "DOCENT_BIND", default_value = DEFAULT_BIND)]
    bind: String,
    /// IANA time zone whose midnight starts a new visitor-id day (default: the first
    /// exhibition's).
    #[arg(long, env = "DOCENT_TIME_ZONE")]
    time_zone: Option<String>,
    /// sled page cache in MiB.
    #[arg(long, env = "DOCENT_CACHE_MB", default_value_t = 32)]
    cache_mb: u64,
    /// HTTP worker threads (default: one per core).
    #[arg(long, env = "DOCENT_WORKERS")]
    workers: Option<usize>,
    /// Address of a reverse proxy whose X-Forwarded-For gives the client address.
    #[arg(long, env = "DOCENT_TRUSTED_PROXY")]
    trusted_proxy: Option<std::net::IpAddr>,
    /// Seconds between checks of the exhibit files for changes (0 turns the watch off).
    #[arg(long, env = "DOCENT_WATCH_SECONDS", default_value_t = 2)]
    watch_seconds: u64,
    /// Also serve /metrics, without a password, on this address (a private interface);
    /// otherwise metrics are only at /admin/metrics.
    #[arg(long, env = "DOCENT_METRICS_BIND")]
    metrics_bind: Option<String>,
    #[command(flatten)]
    nats: NatsArgs,
    #[command(flatten)]
    unpaywall: UnpaywallArgs,
    #[command(flatten)]
    oidc: OidcArgs,
    /// Views from these networks (comma-separated CIDRs such as 10.1.0.0/16) are staff's:
    /// stored, but left out of every figure like bots.
    #[arg(long, env = "DOCENT_STAFF_NETWORKS", value_name = "CIDRS", value_parser = docent::staff::StaffNetworks::parse)]
    staff_networks: Option<docent::staff::StaffNetworks>,
    /// On share links and the lobby screen, counts of distinct visitors below this are shown
    /// as "fewer than N" (the signed-in dashboard shows them exactly).
    #[arg(long, env = "DOCENT_MIN_COUNT", default_value_t = docent::config::DEFAULT_MIN_COUNT)]
    min_count: u64,
    /// Remove visit records older than this many days from the event log (figures stay).
    #[arg(long, env = "DOCENT_RETAIN_DAYS", value_parser = clap::value_parser!(u32).range(1..=36600))]
    retain_days: Option<u32>,
    #[command(flatten)]
    mail: MailArgs,
    /// Serve /_baseline, a static page the size of a landing page (for benchmarks).
    #[arg(long, env = "DOCENT_BENCH_BASELINE", hide = true)]
    bench_baseline: bool,
}

/// Where digests and alerts are mailed from.
#[derive(Args)]
struct MailArgs {
    /// The SMTP server: smtp://host:25, smtp://host:587?tls=starttls or smtps://user:pass@host:465.
    #[arg(long, env = "DOCENT_SMTP_URL", hide_env_values = true)]
    smtp_url: Option<String>,
    /// The sender of digests and alerts, such as "docent <docent@library.example.edu>".
    #[arg(long, env = "DOCENT_MAIL_FROM")]
    mail_from: Option<String>,
}

impl MailArgs {
    fn settings(self) -> anyhow::Result<Option<docent::smtp::MailSettings>> {
        match (self.smtp_url, self.mail_from) {
            (Some(url), Some(from)) => Ok(Some(docent::smtp::MailSettings { url, from })),
            (None, None) => Ok(None),
            (Some(_), None) => anyhow::bail!("--smtp-url needs --mail-from (the sender's address)"),
            (None, Some(_)) => anyhow::bail!("--mail-from needs --smtp-url (the mail server)"),
        }
    }
}

#[derive(Args)]
struct NatsArgs {
    /// Run as one of several replicas sharing a NATS JetStream cluster: comma-separated
    /// nats:// or tls:// URLs, optionally with user:password@ or token@ (better in the
    /// environment or --nats-password-file than on the command line). Without it the server
    /// keeps everything in its own store.
    #[arg(long, env = "DOCENT_NATS", value_name = "URLS")]
    nats: Option<String>,
    /// The key the replicas share (32 or more random bytes, the same file on each, for
    /// example `head -c 32 /dev/urandom > cluster.key`): everything sent through NATS is
    /// sealed with it, and what is not is refused. Required with --nats.
    #[arg(long, env = "DOCENT_CLUSTER_KEY_FILE", value_name = "FILE")]
    cluster_key_file: Option<PathBuf>,
    /// A file holding the NATS password of the user the URLs name (or the token, when they
    /// name none).
    #[arg(long, env = "DOCENT_NATS_PASSWORD_FILE", value_name = "FILE")]
    nats_password_file: Option<PathBuf>,
    /// A NATS credentials file (.creds: user JWT and nkey seed).
    #[arg(long, env = "DOCENT_NATS_CREDS", value_name = "FILE")]
    nats_creds: Option<PathBuf>,
    /// A file holding an nkey seed (SU...).
    #[arg(long, env = "DOCENT_NATS_NKEY_FILE", value_name = "FILE")]
    nats_nkey_file: Option<PathBuf>,
    /// CA certificates (PEM) that sign the NATS servers' certificates; TLS is then required.
    #[arg(long, env = "DOCENT_NATS_CA", value_name = "FILE")]
    nats_ca: Option<PathBuf>,
    /// A client certificate (PEM) for NATS servers that verify clients, with --nats-key.
    #[arg(
        long,
        env = "DOCENT_NATS_CERT",
        value_name = "FILE",
        requires = "nats_key"
    )]
    nats_cert: Option<PathBuf>,
    /// The client certificate's private key (PEM).
    #[arg(
        long,
        env = "DOCENT_NATS_KEY",
        value_name = "FILE",
        requires = "nats_cert"
    )]
    nats_key: Option<PathBuf>,
}

impl NatsArgs {
    fn settings(self) -> Option<docent::config::NatsSettings> {
        Some(docent::config::NatsSettings {
            urls: self.nats?,
            cluster_key_file: self.cluster_key_file,
            password_file: self.nats_password_file,
            creds_file: self.nats_creds,
            nkey_file: self.nats_nkey_file,
            ca_file: self.nats_ca,
            cert_file: self.nats_cert,
            key_file: self.nats_key,
        })
    }
}

#[derive(Clone, Copy, ValueEnum)]
enum Format {
    Svg,
    Png,
}

#[derive(Args)]
struct QrArgs {
    /// A station or story code, such as NCA1.
    code: String,
    #[arg(long, value_enum)]
    format: Format,
    /// Output file.
    #[arg(long)]
    out: PathBuf,
    /// Expected scanning distance in metres (default: the station's or exhibition's setting).
    #[arg(long)]
    distance: Option<f64>,
    /// Printed width in millimetres, quiet zone included (default: from the distance).
    #[arg(long)]
    size_mm: Option<f64>,
    /// PNG resolution.
    #[arg(long, default_value_t = DEFAULT_DPI)]
    dpi: u32,
    /// Error correction: L, M, Q or H.
    #[arg(long, default_value = "M")]
    ecc: Ecc,
    #[command(flatten)]
    common: Common,
}

#[derive(Args)]
struct PrintArgs {
    /// Output folder.
    #[arg(long)]
    out: PathBuf,
    /// Only this exhibition (default: all).
    #[arg(long)]
    exhibition: Option<String>,
    /// Print the stories of this phase (default: the first phase, or the one live now).
    #[arg(long)]
    phase: Option<String>,
    /// Put the story's own code on posters instead of the station's rotating code.
    #[arg(long)]
    story_codes: bool,
    /// Error correction: L, M, Q or H.
    #[arg(long, default_value = "M")]
    ecc: Ecc,
    #[command(flatten)]
    common: Common,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| "info,actix_server=warn".into());
    // Colour codes only for a person at a terminal: in a file, journald or a pipe to a log
    // collector they are noise that breaks grep.
    let logs = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_ansi(std::io::stderr().is_terminal())
        .with_writer(std::io::stderr);
    match cli.log_format {
        LogFormat::Text => logs.init(),
        LogFormat::Json => logs.json().init(),
    }
    let outcome = match cli.command {
        Command::Check { dir, common } => return check(&dir.unwrap_or(common.exhibits)),
        Command::Serve(args) => serve(*args),
        Command::Qr(args) => write_qr(args),
        Command::Print(args) => print_all(args),
        Command::Simulate(args) => simulate(args),
        Command::Access(args) => access(args),
        Command::Healthcheck { bind } => ops::healthcheck(&bind).map_err(anyhow::Error::from),
        Command::Backup { out, bind, common } => {
            let password = std::env::var("DOCENT_ADMIN_PASSWORD").unwrap_or_default();
            ops::backup(&out, &bind, &password, &common.data).map(|done| println!("{done}"))
        }
        Command::Share {
            exhibition,
            days,
            bind,
            common,
        } => {
            let password = std::env::var("DOCENT_ADMIN_PASSWORD").unwrap_or_default();
            let offline = offline(&common, &bind);
            ops::share(&exhibition, days, &bind, &password, &offline).map(|(link, note)| {
                println!("{link}");
                eprintln!("{note}");
            })
        }
        Command::Digest {
            exhibition,
            period,
            to,
            dry_run,
            bind,
            mail,
            common,
        } => {
            let password = std::env::var("DOCENT_ADMIN_PASSWORD").unwrap_or_default();
            let offline = offline(&common, &bind);
            mail.settings().and_then(|mail| {
                let request = docent::cli::digest::Request {
                    exhibition: &exhibition,
                    period: period.as_deref(),
                    to: to.as_deref(),
                    dry_run,
                    mail,
                };
                docent::cli::digest::digest(&request, &bind, &password, &offline)
                    .map(|said| print!("{said}"))
            })
        }
        Command::Report {
            exhibition,
            phase,
            out,
            bind,
            common,
        } => {
            let password = std::env::var("DOCENT_ADMIN_PASSWORD").unwrap_or_default();
            let offline = offline(&common, &bind);
            ops::report(&exhibition, phase.as_deref(), &bind, &password, &offline).and_then(
                |(page, from)| {
                    std::fs::write(&out, page)
                        .with_context(|| format!("cannot write the report to {}", out.display()))?;
                    println!(
                        "{}: the report, {from}; open it in a browser and print to A4",
                        out.display()
                    );
                    Ok(())
                },
            )
        }
        Command::User { action } => {
            use docent::cli::people::Request;
            let (request, target) = match &action {
                UserAction::Add {
                    name,
                    role,
                    exhibition,
                    display_name,
                    email,
                    target,
                } => (
                    Request::Add {
                        name,
                        role,
                        exhibitions: exhibition,
                        display_name,
                        email,
                    },
                    target,
                ),
                UserAction::List { target } => (Request::List, target),
                UserAction::Disable { name, target } => (Request::Disable(name), target),
                UserAction::Reset { name, target } => (Request::Reset(name), target),
            };
            people_command(&request, target)
        }
        Command::Token {
            action: TokenAction::Add { name, target },
        } => people_command(&docent::cli::people::Request::Token(&name), &target),
        Command::Restore { file, common } => {
            ops::restore(&file, &common.data).map(|done| println!("{done}"))
        }
        Command::Import {
            csv,
            exhibition,
            crossref_url,
            common,
        } => import(&csv, &exhibition, &crossref_url, &common.exhibits),
    };
    match outcome {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            // `{:#}`: the error and every cause after it, "a: b: c", as a person needs them.
            eprintln!("error: {error:#}");
            ExitCode::FAILURE
        }
    }
}

fn import(csv: &Path, exhibition: &str, crossref: &str, exhibits: &Path) -> anyhow::Result<()> {
    let request = docent::import::Request {
        csv,
        exhibits,
        exhibition,
        crossref: Some(crossref),
    };
    match docent::import::import(&request) {
        Ok(done) => {
            for note in &done.notes {
                eprintln!("note: {note}");
            }
            println!(
                "{}: {} stories written ({} with a citation from Crossref); name them in a phase of exhibition.toml to show them:",
                exhibits.display(),
                done.stories.len(),
                done.citations
            );
            for (_, path) in &done.stories {
                println!("  {}", path.display());
            }
            Ok(())
        }
        Err(problems) => Err(anyhow!(
            "nothing was written; {} problem(s):\n{}",
            problems.len(),
            problems.join("\n")
        )),
    }
}

fn people_command(
    request: &docent::cli::people::Request<'_>,
    target: &PeopleTarget,
) -> anyhow::Result<()> {
    let password = std::env::var("DOCENT_ADMIN_PASSWORD").unwrap_or_default();
    let offline = offline(&target.common, &target.bind);
    docent::cli::people::run(request, &target.bind, &password, &offline).map(|(out, note)| {
        println!("{out}");
        eprintln!("{note}");
    })
}

/// Where `share` and `report` look when no server answers.
fn offline<'a>(common: &'a Common, bind: &str) -> ops::Offline<'a> {
    ops::Offline {
        exhibits: &common.exhibits,
        data: &common.data,
        base_url: common
            .base_url
            .clone()
            .unwrap_or_else(|| format!("http://{bind}")),
    }
}

fn check(dir: &Path) -> ExitCode {
    match catalog::load(dir) {
        Ok(catalog) => {
            let stories: usize = catalog.exhibitions.iter().map(|e| e.stories.len()).sum();
            let stations: usize = catalog.exhibitions.iter().map(|e| e.stations.len()).sum();
            println!(
                "{}: ok: {} exhibition(s), {} station(s), {} story(ies), {} code(s)",
                dir.display(),
                catalog.exhibitions.len(),
                stations,
                stories,
                catalog.codes().len()
            );
            for hint in catalog::hints(&catalog) {
                println!("{hint}");
            }
            ExitCode::SUCCESS
        }
        Err(problems) => {
            for p in &problems {
                println!("{p}");
            }
            eprintln!("{} problem(s) found", problems.len());
            ExitCode::FAILURE
        }
    }
}

/// The catalog, or every problem in it as one message.
fn load(dir: &Path) -> anyhow::Result<Catalog> {
    catalog::load(dir).map_err(|problems| {
        let list: Vec<String> = problems.iter().map(|p| format!("  {p}")).collect();
        anyhow!(
            "the exhibit files have problems (run `docent check`):\n{}",
            list.join("\n")
        )
    })
}

fn serve(args: ServeArgs) -> anyhow::Result<()> {
    let day_zone = match &args.time_zone {
        Some(name) => {
            Some(jiff::tz::TimeZone::get(name).with_context(|| format!("--time-zone {name}"))?)
        }
        None => None,
    };
    // Set but empty counts as unset: an env file's `DOCENT_ADMIN_PASSWORD=` line left blank.
    let (admin_password, generated) = match std::env::var("DOCENT_ADMIN_PASSWORD") {
        Ok(p) if !p.is_empty() => (AdminPassword::parse(p)?, false),
        _ => (
            AdminPassword::generate().context("cannot generate an admin password")?,
            true,
        ),
    };
    let settings = Settings {
        bind: args.bind,
        base_url: args.common.base_url,
        day_zone,
        cache_bytes: args.cache_mb * 1024 * 1024,
        workers: args.workers,
        trusted_proxy: args.trusted_proxy,
        watch_every: (args.watch_seconds > 0)
            .then(|| std::time::Duration::from_secs(args.watch_seconds)),
        bench_baseline: args.bench_baseline,
        metrics_bind: args.metrics_bind,
        nats: args.nats.settings(),
        unpaywall: unpaywall_settings(args.unpaywall.email, args.unpaywall.url)?,
        staff_networks: args.staff_networks.unwrap_or_default(),
        oidc: args.oidc.settings()?,
        min_count: args.min_count,
        retain_days: args.retain_days,
        mail: args.mail.settings()?,
        ..Settings::new(
            args.common.exhibits,
            args.common.data,
            admin_password.clone(),
        )
    };
    actix_web::rt::System::new().block_on(async move {
        let app = Application::build(settings, Arc::new(SystemClock))?;
        let base = app.base_url().trim_end_matches('/').to_string();
        println!("docent is serving at {base}/");
        println!("  admin: {base}/admin");
        if print::only_this_machine(&base) {
            // What `docent print` refuses; the browser's print page warns of it too.
            eprintln!(
                "warning: QR codes and printed posters will hold {base}/..., which only this \
                 computer can open; phones cannot. Give the public address phones open with \
                 --base-url https://docent.example.edu or DOCENT_BASE_URL"
            );
        }
        if let Some(addr) = app.metrics_addr() {
            println!("  metrics (no password): http://{addr}/metrics");
        }
        if generated {
            println!(
                "  admin password (generated for this run; set DOCENT_ADMIN_PASSWORD to keep one): {}",
                admin_password.expose()
            );
        }
        app.run_until_stopped()
            .await
            .context("the server stopped on an error")
    })
}

/// `--unpaywall-email` and `--unpaywall-url`, checked.
fn unpaywall_settings(
    email: Option<String>,
    api: Option<String>,
) -> anyhow::Result<Option<docent::access::unpaywall::Settings>> {
    let Some(email) = email.filter(|e| !e.trim().is_empty()) else {
        return Ok(None);
    };
    if !email.contains('@') {
        bail!("--unpaywall-email {email}: give a real contact address (Unpaywall asks for one)");
    }
    if let Some(api) = &api
        && !url::Url::parse(api).is_ok_and(|u| matches!(u.scheme(), "http" | "https"))
    {
        bail!("--unpaywall-url {api}: not an http(s) URL");
    }
    Ok(Some(docent::access::unpaywall::Settings::new(
        email.trim().to_string(),
        api,
    )))
}

fn access(args: AccessArgs) -> anyhow::Result<()> {
    let catalog = load(&args.common.exhibits)?;
    let unpaywall = unpaywall_settings(args.unpaywall.email, args.unpaywall.url)?;
    // The cache is read when no server holds the store; a running server's answers are the
    // same ones, so this only matters for the "checked" dates.
    let store = args
        .common
        .data
        .is_dir()
        .then(|| Store::open(&args.common.data, 8 << 20))
        .and_then(Result::ok);
    if store.is_none() && args.common.data.is_dir() {
        eprintln!(
            "note: the store in {} is in use (a server is running?); cached Unpaywall answers are not shown",
            args.common.data.display()
        );
    }
    let report = docent::cli::access::AccessReport {
        catalog: &catalog,
        exhibition: args.exhibition.as_deref(),
        store: store.as_ref(),
        unpaywall: unpaywall.map(docent::access::unpaywall::Client::new),
        now: jiff::Timestamp::now(),
    };
    print!("{}", report.write()?);
    Ok(())
}

fn write_qr(args: QrArgs) -> anyhow::Result<()> {
    let base_url = args.common.printing_base_url()?;
    let catalog = load(&args.common.exhibits)?;
    let code = Code::parse(&args.code).with_context(|| format!("code `{}`", args.code))?;
    let request = print::OneCode {
        code: &code,
        base_url: &base_url,
        format: match args.format {
            Format::Svg => print::Format::Svg,
            Format::Png => print::Format::Png,
        },
        distance_m: args.distance,
        size_mm: args.size_mm,
        dpi: args.dpi,
        ecc: args.ecc,
    };
    let written = print::write_one(&catalog, &request, &args.out)?;
    println!(
        "{}: {} (QR version {}, ECC {}, {} mm for {} m, decoded and checked)",
        args.out.display(),
        written.url,
        written.version,
        args.ecc,
        written.size_mm,
        written.distance_m
    );
    Ok(())
}

fn print_all(args: PrintArgs) -> anyhow::Result<()> {
    let base_url = args.common.printing_base_url()?;
    let catalog = load(&args.common.exhibits)?;
    let job = PrintJob {
        out: &args.out,
        base_url: &base_url,
        exhibition: args.exhibition.as_deref(),
        phase: args.phase.as_deref(),
        codes: if args.story_codes {
            Codes::Story
        } else {
            Codes::Station
        },
        ecc: args.ecc,
    };
    let bar = ProgressBar::new(0);
    bar.set_style(
        ProgressStyle::with_template("{bar:30} {pos}/{len} {msg}").expect("valid template"),
    );
    let written = print::write_all(
        &catalog,
        &job,
        jiff::Timestamp::now(),
        &mut |step| match step {
            Progress::Steps(n) => bar.set_length(n),
            Progress::Doing(what) => bar.set_message(what.to_string()),
            Progress::Done => bar.inc(1),
            Progress::Warning(w) => bar.suspend(|| eprintln!("warning: {w}")),
        },
    );
    bar.finish_and_clear();
    let written = written?;
    println!(
        "{}: {} codes as SVG and PNG (each decoded back to its URL), {} print sheets:",
        args.out.display(),
        written.codes,
        written.sheets.len()
    );
    for s in written.sheets {
        println!("  {}", s.display());
    }
    Ok(())
}

fn simulate(args: SimulateArgs) -> anyhow::Result<()> {
    let catalog = load(&args.common.exhibits)?;
    let request = docent::simulate::Request {
        exhibition: args.exhibition.as_deref(),
        first_day: args.from,
        days: args.days,
        per_day: args.per_day,
        seed: args.seed,
        future: args.future,
        force: args.force,
        silent_station: args.silent_station.as_deref(),
    };
    let done = docent::simulate::run(&catalog, &args.common.data, &request)?;
    let cut = if done.days < args.days {
        format!(
            " ({} asked for; the rest are after today: --future writes them)",
            args.days
        )
    } else {
        String::new()
    };
    println!(
        "{}: {} synthetic events for `{}` over {} days{cut}",
        args.common.data.display(),
        done.events,
        done.exhibition,
        done.days,
    );
    Ok(())
}

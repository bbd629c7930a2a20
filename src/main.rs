//! The `docent` command line: `serve`, `check`, `qr`, `print`. Nothing else lives here.

#![forbid(unsafe_code)]

use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;

use clap::{Args, Parser, Subcommand, ValueEnum};
use docent::catalog::{self, Catalog, Code};
use docent::clock::SystemClock;
use docent::config::{AdminPassword, Settings};
use docent::error_chain;
use docent::print::{Codes, PrintOptions, Sheet};
use docent::qr::{self, DEFAULT_DPI, Ecc, Symbol};
use docent::startup::Application;
use docent::store::{Store, backup};
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

#[derive(Clone, Copy, ValueEnum)]
enum LogFormat {
    Text,
    Json,
}

#[derive(Subcommand)]
enum Command {
    /// Serve the landing pages, the QR images and the admin side.
    Serve(ServeArgs),
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
    /// Load a backup into an empty --data folder (stop the server first).
    Restore {
        file: PathBuf,
        #[command(flatten)]
        common: Common,
    },
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
    fn printing_base_url(&self) -> Result<String, String> {
        let Some(given) = &self.base_url else {
            return Err(format!(
                "no base URL: printed codes would hold http://{DEFAULT_BIND}/..., which no phone \
                 can reach. Give the public address visitors' phones open, with --base-url \
                 https://docent.example.edu or DOCENT_BASE_URL=https://docent.example.edu \
                 (to print for a local test, pass --base-url http://{DEFAULT_BIND} explicitly)"
            ));
        };
        let url = url::Url::parse(given.trim())
            .ok()
            .filter(|u| matches!(u.scheme(), "http" | "https") && u.host().is_some())
            .ok_or_else(|| {
                format!("--base-url / DOCENT_BASE_URL `{given}` is not an http(s) URL such as https://docent.example.edu")
            })?;
        if is_loopback(&url) {
            eprintln!(
                "warning: --base-url {given} is a loopback address: these codes only work on this machine"
            );
        }
        Ok(given.trim().to_string())
    }
}

/// Whether `url` names this machine only (`localhost`, 127.0.0.0/8, `::1`).
fn is_loopback(url: &url::Url) -> bool {
    match url.host() {
        Some(url::Host::Domain(d)) => d.eq_ignore_ascii_case("localhost"),
        Some(url::Host::Ipv4(ip)) => ip.is_loopback() || ip.is_unspecified(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback() || ip.is_unspecified(),
        None => true,
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
    /// Run as one of several replicas sharing a NATS JetStream cluster: comma-separated
    /// nats:// URLs. Without it the server keeps everything in its own store.
    #[arg(long, env = "DOCENT_NATS", value_name = "URLS")]
    nats: Option<String>,
    /// Serve /_baseline, a static page the size of a landing page (for benchmarks).
    #[arg(long, env = "DOCENT_BENCH_BASELINE", hide = true)]
    bench_baseline: bool,
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
        Command::Serve(args) => serve(args),
        Command::Qr(args) => write_qr(args),
        Command::Print(args) => print_all(args),
        Command::Simulate(args) => simulate(args),
        Command::Healthcheck { bind } => healthcheck(&bind),
        Command::Backup { out, bind, common } => backup(&out, &bind, &common),
        Command::Restore { file, common } => restore(&file, &common),
    };
    match outcome {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::FAILURE
        }
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
fn load(dir: &Path) -> Result<Catalog, String> {
    catalog::load(dir).map_err(|problems| {
        let list: Vec<String> = problems.iter().map(|p| format!("  {p}")).collect();
        format!(
            "the exhibit files have problems (run `docent check`):\n{}",
            list.join("\n")
        )
    })
}

fn serve(args: ServeArgs) -> Result<(), String> {
    let day_zone = match &args.time_zone {
        Some(name) => {
            Some(jiff::tz::TimeZone::get(name).map_err(|e| format!("--time-zone {name}: {e}"))?)
        }
        None => None,
    };
    let all_interfaces = args.bind.starts_with("0.0.0.0") || args.bind.starts_with("[::]");
    if args.common.base_url.is_none() && all_interfaces {
        tracing::warn!(bind = %args.bind, "no --base-url: QR codes would hold an address phones cannot reach; set DOCENT_BASE_URL");
    }
    // Set but empty counts as unset: an env file's `DOCENT_ADMIN_PASSWORD=` line left blank.
    let (admin_password, generated) = match std::env::var("DOCENT_ADMIN_PASSWORD") {
        Ok(p) if !p.is_empty() => (AdminPassword::parse(p).map_err(|e| e.to_string())?, false),
        _ => (
            AdminPassword::generate()
                .map_err(|e| format!("cannot generate an admin password: {e}"))?,
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
        nats: args.nats,
        ..Settings::new(
            args.common.exhibits,
            args.common.data,
            admin_password.clone(),
        )
    };
    actix_web::rt::System::new().block_on(async move {
        let app =
            Application::build(settings, Arc::new(SystemClock)).map_err(|e| error_chain(&e))?;
        let base = app.base_url().trim_end_matches('/').to_string();
        println!("docent is serving at {base}/");
        println!("  admin: {base}/admin");
        if let Some(addr) = app.metrics_addr() {
            println!("  metrics (no password): http://{addr}/metrics");
        }
        if generated {
            println!(
                "  admin password (generated for this run; set DOCENT_ADMIN_PASSWORD to keep one): {}",
                admin_password.expose()
            );
        }
        app.run_until_stopped().await.map_err(|e| e.to_string())
    })
}

fn write_qr(args: QrArgs) -> Result<(), String> {
    let base_url = args.common.printing_base_url()?;
    let catalog = load(&args.common.exhibits)?;
    let code = Code::parse(&args.code).map_err(|e| format!("code `{}`: {e}", args.code))?;
    let target = catalog
        .resolve(&code)
        .ok_or_else(|| format!("code `{code}` is not in {}", args.common.exhibits.display()))?;
    let symbol =
        Symbol::new(&qr::code_url(&base_url, &code), args.ecc).map_err(|e| e.to_string())?;
    let distance = args
        .distance
        .unwrap_or_else(|| catalog.scan_distance_m(target));
    let size = args
        .size_mm
        .unwrap_or_else(|| symbol.size_for_distance(distance));
    let bytes = match args.format {
        Format::Svg => qr::verified_svg(&symbol, size).map(String::into_bytes),
        Format::Png => qr::verified_png(&symbol, size, args.dpi),
    }
    .map_err(|e| e.to_string())?;
    std::fs::write(&args.out, bytes).map_err(|e| format!("{}: {e}", args.out.display()))?;
    println!(
        "{}: {} (QR version {}, ECC {}, {size} mm for {distance} m, decoded and checked)",
        args.out.display(),
        symbol.url,
        symbol.version(),
        args.ecc
    );
    Ok(())
}

fn print_all(args: PrintArgs) -> Result<(), String> {
    let base_url = args.common.printing_base_url()?;
    let catalog = load(&args.common.exhibits)?;
    let exhibitions: Vec<_> = match &args.exhibition {
        Some(id) => vec![catalog.exhibition(id).map(|(_, e)| e).ok_or_else(|| {
            let known: Vec<_> = catalog.exhibitions.iter().map(|e| e.id.as_str()).collect();
            format!("no exhibition `{id}` (exhibitions: {})", known.join(", "))
        })?],
        None => catalog.exhibitions.iter().collect(),
    };
    let qr_dir = args.out.join("qr");
    std::fs::create_dir_all(&qr_dir).map_err(|e| format!("{}: {e}", qr_dir.display()))?;
    let now = jiff::Timestamp::now();
    // Check every phase name before writing anything.
    let phases = exhibitions
        .iter()
        .map(|e| docent::print::pick_phase(e, args.phase.as_deref(), e.showing(now, None).phase))
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| e.to_string())?;
    let codes: Vec<_> = catalog
        .codes()
        .into_iter()
        .filter(|(_, t)| {
            exhibitions
                .iter()
                .any(|e| e.id == catalog.exhibitions[t.exhibition()].id)
        })
        .collect();
    let bar = ProgressBar::new((codes.len() + exhibitions.len() * 2) as u64);
    bar.set_style(
        ProgressStyle::with_template("{bar:30} {pos}/{len} {msg}").expect("valid template"),
    );
    for (code, target) in &codes {
        bar.set_message(code.to_string());
        let distance = catalog.scan_distance_m(*target);
        let symbol =
            Symbol::new(&qr::code_url(&base_url, code), args.ecc).map_err(|e| e.to_string())?;
        let size = symbol.size_for_distance(distance);
        let svg = qr::verified_svg(&symbol, size).map_err(|e| e.to_string())?;
        let png = qr::verified_png(&symbol, size, DEFAULT_DPI).map_err(|e| e.to_string())?;
        write(&qr_dir.join(format!("{code}.svg")), svg.as_bytes())?;
        write(&qr_dir.join(format!("{code}.png")), &png)?;
        bar.inc(1);
    }
    let mut sheets = Vec::new();
    for (e, phase) in exhibitions.iter().zip(phases) {
        for (sheet, name) in [(Sheet::Posters, "posters"), (Sheet::Labels, "labels")] {
            bar.set_message(format!("{} {name}", e.id));
            let options = PrintOptions {
                phase: None,
                codes: if args.story_codes {
                    Codes::Story
                } else {
                    Codes::Station
                },
                sheet,
                ecc: args.ecc,
            };
            if sheet == Sheet::Posters {
                let big = docent::print::too_big_for_a4(e, phase, &base_url, &options)
                    .map_err(|e| e.to_string())?;
                for b in big {
                    bar.suspend(|| {
                        eprintln!(
                            "warning: {} station {} (code {}): a {} m scanning distance needs a {:.0} mm code, more than the 180 mm an A4 poster holds; print its poster on A3, or lower its scan_distance_m",
                            e.id, b.station, b.code, b.distance_m, b.wanted_mm
                        )
                    });
                }
            }
            let html =
                docent::print::render(e, phase, &base_url, &options).map_err(|e| e.to_string())?;
            let file = args
                .out
                .join(format!("{}-{}-{name}.html", e.id, e.phases[phase].id));
            write(&file, html.as_bytes())?;
            sheets.push(file);
            bar.inc(1);
        }
    }
    bar.finish_and_clear();
    println!(
        "{}: {} codes as SVG and PNG (each decoded back to its URL), {} print sheets:",
        args.out.display(),
        codes.len(),
        sheets.len()
    );
    for s in sheets {
        println!("  {}", s.display());
    }
    Ok(())
}

fn simulate(args: SimulateArgs) -> Result<(), String> {
    let catalog = load(&args.common.exhibits)?;
    let known = || {
        let ids: Vec<_> = catalog.exhibitions.iter().map(|e| e.id.as_str()).collect();
        ids.join(", ")
    };
    let e = match (&args.exhibition, catalog.exhibitions.as_slice()) {
        (Some(id), _) => catalog
            .exhibition(id)
            .map(|(_, e)| e)
            .ok_or_else(|| format!("no exhibition `{id}` (exhibitions: {})", known()))?,
        (None, [only]) => only,
        (None, _) => {
            return Err(format!(
                "there are several exhibitions ({}): choose one with --exhibition ID",
                known()
            ));
        }
    };
    let now = jiff::Timestamp::now();
    let today = now.to_zoned_datetime(e.time_zone.clone()).date();
    let first_day = args.from.unwrap_or(e.opens);
    let days = docent::simulate::days_until(first_day, args.days, today, args.future)?;
    let store = Store::open(&args.common.data, 64 << 20).map_err(|e| {
        format!(
            "{}: {} (is docent serve running on it?)",
            args.common.data.display(),
            error_chain(&e)
        )
    })?;
    let mark = docent::simulate::check_store(&args.common.data, store.position(), args.force)?;
    let traffic = docent::simulate::Traffic {
        first_day,
        days,
        scans_per_day: args.per_day,
        seed: args.seed,
        not_after: (!args.future).then_some(now),
    };
    let events = docent::simulate::events(e, &traffic);
    for batch in events.chunks(256) {
        store.append(batch).map_err(|e| error_chain(&e))?;
    }
    store.checkpoint().map_err(|e| error_chain(&e))?;
    if mark {
        docent::simulate::mark_store(&args.common.data, store.position())
            .map_err(|e| format!("{}: {e}", args.common.data.display()))?;
    }
    let cut = if days < args.days {
        format!(
            " ({} asked for; the rest are after today: --future writes them)",
            args.days
        )
    } else {
        String::new()
    };
    println!(
        "{}: {} synthetic events for `{}` over {days} days{cut}",
        args.common.data.display(),
        events.len(),
        e.id,
    );
    Ok(())
}

/// `http://` and the bind address, with an all-interfaces bind reached on loopback.
fn local_origin(bind: &str) -> String {
    let bind = bind
        .replace("0.0.0.0", "127.0.0.1")
        .replace("[::]", "[::1]");
    format!("http://{bind}")
}

fn healthcheck(bind: &str) -> Result<(), String> {
    let url = format!("{}/healthz", local_origin(bind));
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .timeout_global(Some(std::time::Duration::from_secs(5)))
        .build()
        .into();
    match agent.get(&url).call() {
        Ok(r) if r.status().is_success() => Ok(()),
        Ok(r) => Err(format!("{url} answered {}", r.status())),
        Err(e) => Err(format!("{url}: {e}")),
    }
}

/// Writes a backup to `out`: first to `out.partial`, checked against its trailer, then renamed,
/// so an earlier backup of the same name is never replaced by a broken one.
fn backup(out: &Path, bind: &str, common: &Common) -> Result<(), String> {
    let partial = PathBuf::from(format!("{}.partial", out.display()));
    let outcome = backup_into(&partial, bind, common).and_then(|message| {
        std::fs::rename(&partial, out).map_err(|e| format!("{}: {e}", out.display()))?;
        println!("{}: {message}", out.display());
        Ok(())
    });
    if outcome.is_err() {
        let _ = std::fs::remove_file(&partial);
    }
    outcome
}

fn backup_into(out: &Path, bind: &str, common: &Common) -> Result<String, String> {
    let url = format!("{}/admin/backup", local_origin(bind));
    let password = std::env::var("DOCENT_ADMIN_PASSWORD").unwrap_or_default();
    let auth = {
        use base64::Engine;
        format!(
            "Basic {}",
            base64::engine::general_purpose::STANDARD.encode(format!("backup:{password}"))
        )
    };
    let file =
        |path: &Path| std::fs::File::create(path).map_err(|e| format!("{}: {e}", path.display()));
    match ureq::get(&url).header("Authorization", &auth).call() {
        Ok(mut response) => {
            let copied = file(out).and_then(|mut target| {
                std::io::copy(&mut response.body_mut().as_reader(), &mut target)
                    .and_then(|_| target.sync_all())
                    .map_err(|e| format!("{}: {e}", out.display()))
            });
            // A stream cut short (server stopped, network) leaves no file that looks whole.
            let summary = copied.and_then(|()| {
                backup::verify(out).map_err(|e| format!("{}: {}", out.display(), error_chain(&e)))
            });
            match summary {
                Ok(s) => Ok(format!(
                    "backup from the running server, {} events ({} records), verified",
                    s.events, s.rows
                )),
                Err(e) => Err(format!("the backup is incomplete and was removed: {e}")),
            }
        }
        Err(ureq::Error::StatusCode(401)) => {
            Err("the server refused the password: set DOCENT_ADMIN_PASSWORD".into())
        }
        Err(ureq::Error::Io(_) | ureq::Error::ConnectionFailed) => {
            // No server: the store can be opened directly.
            let store = Store::open(&common.data, 32 << 20).map_err(|e| {
                format!(
                    "no server at {url}, and {}: {}",
                    common.data.display(),
                    error_chain(&e)
                )
            })?;
            let written = file(out).and_then(|target| {
                let mut target = std::io::BufWriter::new(target);
                let summary = backup::write(&store, &mut target).map_err(|e| error_chain(&e))?;
                target
                    .into_inner()
                    .map_err(|e| e.to_string())?
                    .sync_all()
                    .map_err(|e| e.to_string())?;
                Ok(summary)
            });
            match written {
                Ok(s) => Ok(format!(
                    "backup of {} ({} events; no server was running)",
                    common.data.display(),
                    s.events
                )),
                Err(e) => Err(format!("{}: {e}", out.display())),
            }
        }
        Err(e) => Err(format!("{url}: {e}")),
    }
}

fn restore(file: &Path, common: &Common) -> Result<(), String> {
    let store = Store::open(&common.data, 32 << 20).map_err(|e| {
        format!(
            "{}: {} (stop the server first)",
            common.data.display(),
            error_chain(&e)
        )
    })?;
    let summary = backup::restore(&store, file)
        .map_err(|e| format!("{}: {}", file.display(), error_chain(&e)))?;
    store.flush().map_err(|e| error_chain(&e))?;
    println!(
        "{}: restored {} events ({} records) from {}",
        common.data.display(),
        summary.events,
        summary.rows,
        file.display()
    );
    Ok(())
}

fn write(path: &Path, bytes: &[u8]) -> Result<(), String> {
    std::fs::write(path, bytes).map_err(|e| format!("{}: {e}", path.display()))
}

//! The `docent` command line: `serve`, `check`. Nothing else lives here.

#![forbid(unsafe_code)]

use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

use clap::{Args, Parser, Subcommand};
use docent::clock::SystemClock;
use docent::startup::{Application, Settings};
use docent::web::AdminPassword;

#[derive(Parser)]
#[command(
    name = "docent",
    version,
    about = "QR-code companion for exhibitions: exhibit files in, posters, landing pages and scan statistics out"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
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
}

/// Options every subcommand that reads exhibits or data shares.
#[derive(Args, Clone)]
struct Common {
    /// Folder of exhibition folders.
    #[arg(long, env = "DOCENT_EXHIBITS", default_value = "exhibits")]
    exhibits: PathBuf,
    /// Folder of the data store.
    #[arg(long, env = "DOCENT_DATA", default_value = "data")]
    data: PathBuf,
}

#[derive(Args)]
struct ServeArgs {
    #[command(flatten)]
    common: Common,
    /// Address to listen on.
    #[arg(long, env = "DOCENT_BIND", default_value = "127.0.0.1:8080")]
    bind: String,
    /// Public origin encoded in QR codes (default: http://BIND).
    #[arg(long, env = "DOCENT_BASE_URL")]
    base_url: Option<String>,
    /// IANA time zone whose midnight starts a new visitor-id day (default: the system's).
    #[arg(long, env = "DOCENT_TIME_ZONE")]
    time_zone: Option<String>,
    /// sled page cache in MiB.
    #[arg(long, env = "DOCENT_CACHE_MB", default_value_t = 32)]
    cache_mb: u64,
    /// HTTP worker threads (default: one per core).
    #[arg(long, env = "DOCENT_WORKERS")]
    workers: Option<usize>,
}

fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| "info,actix_server=warn".into()),
        )
        .with_writer(std::io::stderr)
        .init();
    let cli = Cli::parse();
    match cli.command {
        Command::Check { dir, common } => check(dir.unwrap_or(common.exhibits)),
        Command::Serve(args) => serve(args),
    }
}

fn check(dir: PathBuf) -> ExitCode {
    match docent::catalog::load(&dir) {
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

fn serve(args: ServeArgs) -> ExitCode {
    let day_zone = match &args.time_zone {
        Some(name) => match jiff::tz::TimeZone::get(name) {
            Ok(tz) => tz,
            Err(e) => {
                eprintln!("error: --time-zone {name}: {e}");
                return ExitCode::FAILURE;
            }
        },
        None => jiff::tz::TimeZone::system(),
    };
    let (admin_password, generated) = match std::env::var("DOCENT_ADMIN_PASSWORD") {
        Ok(p) if !p.is_empty() => (AdminPassword::new(p), false),
        _ => match AdminPassword::generate() {
            Ok(p) => (p, true),
            Err(e) => {
                eprintln!("error: cannot generate an admin password: {e}");
                return ExitCode::FAILURE;
            }
        },
    };
    let settings = Settings {
        exhibits: args.common.exhibits,
        data: args.common.data,
        bind: args.bind.clone(),
        admin_password: admin_password.clone(),
        day_zone,
        cache_bytes: args.cache_mb * 1024 * 1024,
        workers: args.workers,
    };
    let base_url = args
        .base_url
        .unwrap_or_else(|| format!("http://{}", args.bind));
    actix_web::rt::System::new().block_on(async move {
        let app = match Application::build(settings, Arc::new(SystemClock)) {
            Ok(app) => app,
            Err(e) => {
                eprintln!("error: {e}");
                return ExitCode::FAILURE;
            }
        };
        println!("docent is serving at {base_url}/");
        println!("  admin: {base_url}/admin");
        if generated {
            println!("  admin password (generated for this run; set DOCENT_ADMIN_PASSWORD to choose one): {}", admin_password.expose());
        }
        match app.run_until_stopped().await {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => {
                eprintln!("error: {e}");
                ExitCode::FAILURE
            }
        }
    })
}

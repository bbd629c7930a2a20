//! Start-up: load the catalog (refusing to start on any problem), open the store, bind the
//! listener, and run until the server is stopped, then flush the store.
//!
//! The listener is bound here and its real port read back, so tests can ask for port 0.

use std::net::TcpListener;
use std::path::PathBuf;
use std::sync::Arc;

use actix_web::dev::{Server, ServerHandle};
use actix_web::middleware::Compress;
use actix_web::{App, HttpServer, web};
use jiff::tz::TimeZone;

use crate::catalog::{self, Problem};
use crate::clock::Clock;
use crate::store::{Store, StoreError};
use crate::web::{AdminPassword, AppState, routes, security_headers};

/// What `serve` needs to know.
#[derive(Debug, Clone)]
pub struct Settings {
    pub exhibits: PathBuf,
    pub data: PathBuf,
    pub bind: String,
    /// The public origin QR codes encode, such as `https://docent.example.edu`; `None` means
    /// `http://` and the address actually bound.
    pub base_url: Option<String>,
    pub admin_password: AdminPassword,
    /// The zone whose midnight starts a new visitor-id day.
    pub day_zone: TimeZone,
    /// sled's page cache, bytes.
    pub cache_bytes: u64,
    /// HTTP worker threads; `None` means one per core.
    pub workers: Option<usize>,
}

#[derive(Debug, thiserror::Error)]
pub enum StartupError {
    #[error("the exhibit files have {} problem(s):\n{}", .0.len(), list(.0))]
    Catalog(Vec<Problem>),
    #[error("cannot open the data store at {path}: {source}")]
    Store { path: PathBuf, source: StoreError },
    #[error("cannot listen on {addr}: {source}")]
    Bind {
        addr: String,
        source: std::io::Error,
    },
}

fn list(problems: &[Problem]) -> String {
    problems
        .iter()
        .map(|p| format!("  {p}"))
        .collect::<Vec<_>>()
        .join("\n")
}

pub struct Application {
    port: u16,
    server: Server,
    state: web::Data<AppState>,
}

impl Application {
    /// Everything that can fail at start fails here, before a single request is answered.
    pub fn build(settings: Settings, clock: Arc<dyn Clock>) -> Result<Application, StartupError> {
        let catalog = catalog::load(&settings.exhibits).map_err(StartupError::Catalog)?;
        let store_error = |source| StartupError::Store {
            path: settings.data.clone(),
            source,
        };
        let store =
            Arc::new(Store::open(&settings.data, settings.cache_bytes).map_err(store_error)?);
        let bind_error = |source| StartupError::Bind {
            addr: settings.bind.clone(),
            source,
        };
        let listener = TcpListener::bind(&settings.bind).map_err(bind_error)?;
        let local = listener.local_addr().map_err(bind_error)?;
        let base_url = settings
            .base_url
            .clone()
            .unwrap_or_else(|| format!("http://{local}"));
        let state = AppState::new(
            catalog,
            store,
            clock,
            settings.day_zone.clone(),
            settings.admin_password.clone(),
            base_url,
        )
        .map_err(store_error)?;
        let state = web::Data::new(state);
        let port = local.port();
        let app_state = state.clone();
        let mut server = HttpServer::new(move || {
            App::new()
                .app_data(app_state.clone())
                .app_data(web::FormConfig::default().limit(16 * 1024))
                .app_data(web::PayloadConfig::new(64 * 1024))
                .wrap(security_headers())
                .wrap(Compress::default())
                .wrap(tracing_actix())
                .configure(routes)
        });
        if let Some(workers) = settings.workers {
            server = server.workers(workers);
        }
        let server = server.listen(listener).map_err(bind_error)?.run();
        Ok(Application {
            port,
            server,
            state,
        })
    }

    /// The public origin QR codes encode.
    pub fn base_url(&self) -> &str {
        &self.state.base_url
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    pub fn state(&self) -> web::Data<AppState> {
        self.state.clone()
    }

    pub fn handle(&self) -> ServerHandle {
        self.server.handle()
    }

    /// Serves until stopped (SIGINT/SIGTERM or the handle), then makes every write durable.
    pub async fn run_until_stopped(self) -> std::io::Result<()> {
        let served = self.server.await;
        self.state.recorder.shutdown();
        if let Err(e) = self.state.store.flush() {
            tracing::error!(error = %e, "final flush of the store failed");
        }
        served
    }
}

fn tracing_actix() -> actix_web::middleware::Logger {
    actix_web::middleware::Logger::new(r#"%s "%r" %Dms"#).exclude("/healthz")
}

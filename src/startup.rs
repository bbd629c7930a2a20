//! Start-up: finish or clear a save cut short (`catalog::save::recover`), load the catalog,
//! open the store, bind the listener, and run until the server is stopped; then write what is
//! queued and flush.
//!
//! A start never dies on exhibit files that fail the check when a good catalog was loaded
//! before: the last good copy kept in the data folder (`catalog::last_good`) serves, and the
//! problems are on the dashboard and `/admin/healthz`. Only without one does `serve` refuse
//! to start, listing every problem.
//!
//! The listener is bound here and its real port read back, so tests can ask for port 0.
//! While running, exhibit files are watched (and reloaded on SIGHUP). With `--metrics-bind`, a
//! second listener serves `/metrics` alone; it stops with the main one.

use std::net::{SocketAddr, TcpListener};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use actix_web::dev::{Server, ServerHandle};
use actix_web::middleware::from_fn;
use actix_web::{App, HttpServer, web};

use crate::catalog::{self, Fingerprint, Problem};
use crate::clock::Clock;
use crate::config::Settings;
use crate::replica::jetstream::{JetStream, Options};
use crate::replica::seal::ClusterKey;
use crate::replica::{Changes, Replica, ReplicaError};
use crate::store::{Store, StoreError};
use crate::web::{
    AppState, keep_free_copies, metrics_routes, observe_requests, routes, security_headers,
};

#[derive(Debug, thiserror::Error)]
pub enum StartupError {
    #[error("the exhibit files have {} problem(s):\n{}", .0.len(), list(.0))]
    Catalog(Vec<Problem>),
    #[error("cannot open the data store at {path}")]
    Store { path: PathBuf, source: StoreError },
    #[error("cannot listen on {addr}")]
    Bind {
        addr: String,
        source: std::io::Error,
    },
    #[error("cannot join the NATS cluster")]
    Nats(#[source] crate::replica::ReplicaError),
    #[error("single sign-on cannot be set up")]
    SignOn(#[source] crate::sso::SsoError),
    #[error("mail cannot be set up")]
    Mail(#[source] crate::smtp::MailError),
}

fn list(problems: &[Problem]) -> String {
    problems
        .iter()
        .map(|p| format!("  {p}"))
        .collect::<Vec<_>>()
        .join("\n")
}

/// Checks the NATS settings and the cluster key, then joins the cluster.
fn join_cluster(
    nats: &crate::config::NatsSettings,
    store: &Arc<Store>,
) -> Result<(Arc<Replica>, Changes), ReplicaError> {
    let options = Options::load(nats)?;
    if options.servers() == 0 {
        return Err(ReplicaError::NoServers);
    }
    let key_file = nats
        .cluster_key_file
        .as_deref()
        .ok_or(crate::replica::seal::KeyError::Missing)?;
    let key = ClusterKey::from_file(key_file)?;
    let id = store.replica_id()?;
    Replica::start(store.clone(), Duration::from_secs(5), key, || async move {
        JetStream::connect(&options, &id).await
    })
}

pub struct Application {
    port: u16,
    server: Server,
    /// The `--metrics-bind` listener's address and server, when there is one.
    metrics: Option<(SocketAddr, Server)>,
    state: web::Data<AppState>,
    watch_every: Option<Duration>,
    /// Replicated: exhibitions whose switches another replica changed.
    switch_changes: Option<Changes>,
    /// `--unpaywall-email`: free copies are looked up in the background.
    unpaywall: Option<crate::access::unpaywall::Settings>,
    /// The data folder (retention marks a compaction due in it).
    data: std::path::PathBuf,
}

impl Application {
    /// Everything that can fail at start fails here, before a single request is answered.
    pub fn build(settings: Settings, clock: Arc<dyn Clock>) -> Result<Application, StartupError> {
        recover_saves(&settings.exhibits);
        let loaded = catalog::load(&settings.exhibits);
        let store_error = |source| StartupError::Store {
            path: settings.data.clone(),
            source,
        };
        if let Some(days) = settings.retain_days {
            crate::retention::at_start(&settings.data, days, clock.now(), settings.cache_bytes)
                .map_err(store_error)?;
        }
        let store =
            Arc::new(Store::open(&settings.data, settings.cache_bytes).map_err(store_error)?);
        // After the store is open: this server, not another one, owns the data folder.
        let (catalog, rejected) = good_catalog(&settings.exhibits, &settings.data, loaded)?;
        // Joined before the state is made, so the session secret is the shared one.
        let (replica, switch_changes) = match &settings.nats {
            Some(nats) => {
                let (replica, changes) = join_cluster(nats, &store).map_err(StartupError::Nats)?;
                replica.set_fingerprint(catalog::fingerprint(&settings.exhibits));
                (Some(replica), Some(changes))
            }
            None => (None, None),
        };
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
        let sign_on = match settings.oidc.clone() {
            Some(oidc) => {
                Some(crate::sso::SignOn::new(oidc, &base_url).map_err(StartupError::SignOn)?)
            }
            None => None,
        };
        let mailer = match &settings.mail {
            Some(mail) => Some(crate::smtp::Mailer::new(mail).map_err(StartupError::Mail)?),
            None => None,
        };
        let state = AppState::new(catalog, store, clock, &settings, base_url)
            .map_err(store_error)?
            .with_replica(replica)
            .with_sign_on(sign_on)
            .with_mailer(mailer, settings.notify_every);
        if let Some(problems) = &rejected {
            state.started_from_last_good(problems);
        }
        let state = web::Data::new(state);
        let app_state = state.clone();
        let baseline = settings.bench_baseline;
        let mut server = HttpServer::new(move || {
            let app = App::new()
                .app_data(app_state.clone())
                .app_data(web::FormConfig::default().limit(16 * 1024))
                .app_data(web::PayloadConfig::new(64 * 1024))
                .wrap(security_headers())
                .wrap(from_fn(observe_requests));
            let app = if baseline {
                app.route("/_baseline", web::get().to(baseline_page))
            } else {
                app
            };
            app.configure(routes)
        })
        .client_request_timeout(Duration::from_secs(10))
        .shutdown_timeout(10);
        if let Some(workers) = settings.workers {
            server = server.workers(workers);
        }
        let server = server.listen(listener).map_err(bind_error)?.run();
        let metrics = match &settings.metrics_bind {
            Some(addr) => Some(metrics_server(addr, state.clone())?),
            None => None,
        };
        Ok(Application {
            port: local.port(),
            server,
            metrics,
            state,
            watch_every: settings.watch_every,
            switch_changes,
            unpaywall: settings.unpaywall.clone(),
            data: settings.data.clone(),
        })
    }

    /// The public origin QR codes encode.
    pub fn base_url(&self) -> &str {
        &self.state.base_url
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    /// The address the `--metrics-bind` listener got (port 0 is resolved), if there is one.
    pub fn metrics_addr(&self) -> Option<SocketAddr> {
        self.metrics.as_ref().map(|(addr, _)| *addr)
    }

    pub fn state(&self) -> web::Data<AppState> {
        self.state.clone()
    }

    pub fn handle(&self) -> ServerHandle {
        self.server.handle()
    }

    /// Serves until stopped (SIGINT/SIGTERM or the handle), then writes what is queued and
    /// flushes the store.
    pub async fn run_until_stopped(self) -> std::io::Result<()> {
        if let Some(every) = self.watch_every {
            actix_web::rt::spawn(watch_exhibits(self.state.clone(), every));
        }
        actix_web::rt::spawn(reload_on_hangup(self.state.clone()));
        // Imports made while the server was down.
        let state = self.state.clone();
        actix_web::rt::spawn(async move {
            let _ = web::block(move || state.audit_imports()).await;
        });
        if let Some(unpaywall) = self.unpaywall {
            let client = crate::access::unpaywall::Client::new(unpaywall);
            actix_web::rt::spawn(keep_free_copies(self.state.clone(), client));
        }
        if self.state.mails() {
            actix_web::rt::spawn(crate::web::keep_sending_digests(self.state.clone()));
        }
        // Alerts show on the dashboard even without mail.
        actix_web::rt::spawn(crate::web::keep_watching_alerts(self.state.clone()));
        if let Some(days) = self.state.retain_days {
            let (store, clock) = (self.state.store.clone(), self.state.clock.clone());
            let data = self.data.clone();
            actix_web::rt::spawn(crate::retention::keep_trimmed(store, clock, days, data));
        }
        if let Some(replica) = &self.state.replica {
            let mut adopted = replica.adopted_secrets();
            let state = self.state.clone();
            // Taken at the join already (the state was built from the store after it), or
            // later: either way the latest is in force.
            actix_web::rt::spawn(async move {
                loop {
                    if let Some(secret) = *adopted.borrow_and_update() {
                        state.rekey(&secret);
                    }
                    if adopted.changed().await.is_err() {
                        break;
                    }
                }
            });
        }
        if let Some(changes) = self.switch_changes {
            actix_web::rt::spawn(crate::web::mirror_replicas(self.state.clone(), changes));
        }
        let metrics = self.metrics.map(|(_, server)| {
            let handle = server.handle();
            actix_web::rt::spawn(server);
            handle
        });
        let served = self.server.await;
        tracing::info!("stopped answering requests; writing what is queued");
        if let Some(metrics) = metrics {
            metrics.stop(true).await;
        }
        self.state.recorder.shutdown();
        if let Some(replica) = &self.state.replica {
            replica.shutdown(Duration::from_secs(3)).await;
        }
        match self.state.store.flush() {
            Ok(_) => tracing::info!("shut down: the store is flushed"),
            Err(e) => {
                tracing::error!(error = %crate::error_chain(&e), "final flush of the store failed")
            }
        }
        served
    }
}

/// Finishes a save cut short by a crash, or clears what it left, before the files are read.
/// A read-only exhibits folder has nothing of docent's to clear.
fn recover_saves(exhibits: &Path) {
    match catalog::save::recover(exhibits) {
        Ok(_) => {}
        Err(e @ catalog::save::SaveError::ReadOnly { .. }) => {
            tracing::debug!(error = %crate::error_chain(&e), "no save to recover")
        }
        Err(e) => {
            tracing::warn!(error = %crate::error_chain(&e), "a save cut short could not be put right")
        }
    }
}

/// The catalog to serve: the exhibit files when they pass (kept as the last good copy), else
/// the last good copy with the problems found; with neither, the problems stop the start.
fn good_catalog(
    exhibits: &Path,
    data: &Path,
    loaded: Result<catalog::Catalog, Vec<Problem>>,
) -> Result<(catalog::Catalog, Option<Vec<Problem>>), StartupError> {
    match loaded {
        Ok(catalog) => {
            if let Err(e) = catalog::last_good::keep(exhibits, data) {
                tracing::warn!(error = %e, "the exhibit files could not be kept as the last good copy");
            }
            Ok((catalog, None))
        }
        Err(problems) => match catalog::last_good::load(exhibits, data) {
            Some(catalog) => {
                tracing::error!(
                    problems = ?problems.iter().map(ToString::to_string).collect::<Vec<_>>(),
                    "the exhibit files fail the check; serving the last good copy kept in the data folder until they are fixed"
                );
                Ok((catalog, Some(problems)))
            }
            None => Err(StartupError::Catalog(problems)),
        },
    }
}

/// The `--metrics-bind` listener: `/metrics` only, one worker, no password.
fn metrics_server(
    addr: &str,
    state: web::Data<AppState>,
) -> Result<(SocketAddr, Server), StartupError> {
    let bind_error = |source| StartupError::Bind {
        addr: addr.to_string(),
        source,
    };
    let listener = TcpListener::bind(addr).map_err(bind_error)?;
    let local = listener.local_addr().map_err(bind_error)?;
    let server = HttpServer::new(move || {
        App::new()
            .app_data(state.clone())
            .wrap(security_headers())
            .configure(metrics_routes)
    })
    .workers(1)
    .shutdown_timeout(2)
    .listen(listener)
    .map_err(bind_error)?
    .run();
    Ok((local, server))
}

/// A static page the size of a landing page: the ceiling in benchmarks.
async fn baseline_page() -> actix_web::HttpResponse {
    static BODY: std::sync::LazyLock<String> = std::sync::LazyLock::new(|| "x".repeat(6 * 1024));
    actix_web::HttpResponse::Ok()
        .content_type("text/html; charset=utf-8")
        .body(BODY.as_str())
}

/// Reloads the catalog whenever a file under the exhibits folder changes.
async fn watch_exhibits(state: web::Data<AppState>, every: Duration) {
    let dir = state.exhibits().to_path_buf();
    let mut seen = fingerprint_of(&dir).await;
    loop {
        actix_web::rt::time::sleep(every).await;
        let now = fingerprint_of(&dir).await;
        if now != seen {
            seen = now;
            let _ = web::block({
                let state = state.clone();
                move || state.reload_catalog()
            })
            .await;
        }
    }
}

async fn reload_on_hangup(state: web::Data<AppState>) {
    use tokio::signal::unix::{SignalKind, signal};
    let Ok(mut hangups) = signal(SignalKind::hangup()) else {
        return;
    };
    while hangups.recv().await.is_some() {
        tracing::info!("SIGHUP: reloading exhibit files");
        let state = state.clone();
        let _ = web::block(move || state.reload_catalog()).await;
    }
}

async fn fingerprint_of(dir: &Path) -> Fingerprint {
    let dir = dir.to_path_buf();
    web::block(move || Fingerprint::of(&dir))
        .await
        .unwrap_or_default()
}

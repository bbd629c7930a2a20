//! What every handler shares: the catalog and switches now serving, the store and its writer,
//! settings, and the caches of rendered pages, covers, charts and QR images.

use parking_lot::RwLock;
use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::Arc;

use jiff::tz::TimeZone;

use super::{auth, chart_cache, covers, pages, qr, share, throttle};
use crate::access::FreeCopy;
use crate::access::unpaywall::{self, Checked};
use crate::catalog::{Catalog, LiveCatalog, Problem, ReloadStatus, Story, Switch, Switches};
use crate::clock::Clock;
use crate::config::{AdminPassword, Settings};
use crate::error_chain;
use crate::metrics::Metrics;
use crate::replica::{Changes, Replica};
use crate::store::{Recorder, SharedChange, Store, StoreError};

pub struct AppState {
    catalog: LiveCatalog,
    switches: Switches,
    pub store: Arc<Store>,
    /// Replicated (`--nats`): the link to the other replicas.
    pub replica: Option<Arc<Replica>>,
    /// The one way events reach the store: batched, durable before the answer.
    pub recorder: Recorder,
    pub clock: Arc<dyn Clock>,
    /// The zone whose midnight starts a new visitor-id day.
    pub day_zone: TimeZone,
    pub admin_password: AdminPassword,
    /// The public origin QR codes encode.
    pub base_url: String,
    pub trusted_proxy: Option<IpAddr>,
    /// Views from these networks are staff's.
    pub staff_networks: crate::staff::StaffNetworks,
    pub metrics: Arc<Metrics>,
    pub(super) covers: covers::CoverCache,
    /// The dashboard's charts, by view and by the figures they were drawn from.
    pub(super) charts: chart_cache::ChartCache,
    /// Public QR images made so far, and the limit on drawing more at once.
    pub(super) qr_images: qr::QrImages,
    /// Landing and exhibition pages as rendered bytes; cleared whenever the catalog or a
    /// switch changes.
    pub(super) pages: pages::PageCache,
    pub(super) throttle: throttle::Throttle,
    /// The same limits, counted per account tried rather than per address.
    pub(super) account_throttle: throttle::Throttle,
    pub(super) sessions: auth::Sessions,
    /// Every account, mirrored from the store.
    pub(crate) people: crate::people::Directory,
    /// Free copies Unpaywall found, by lower-case DOI; empty without `--unpaywall-email`.
    free_copies: RwLock<Arc<HashMap<String, FreeCopy>>>,
    /// Woken when the catalog changes, so new DOIs are looked up without waiting an hour.
    pub(super) catalog_changed: tokio::sync::Notify,
    /// Read-only share links: the key and the links issued.
    pub(super) shares: share::Links,
    /// Single sign-on through the OpenID provider (`--oidc-issuer`).
    pub(super) sign_on: Option<Arc<crate::sso::SignOn>>,
    /// Counts of visitors below this are hidden where the public sees figures.
    pub(super) small: crate::stats::small::Threshold,
    /// Visit records are kept this many days (`--retain-days`); `None`: all of them.
    pub retain_days: Option<u32>,
    /// Digests by mail: the mailer, and how the sending goes.
    pub(super) notices: super::notify::Notices,
}

impl AppState {
    pub fn new(
        catalog: Catalog,
        store: Arc<Store>,
        clock: Arc<dyn Clock>,
        settings: &Settings,
        base_url: String,
    ) -> Result<AppState, StoreError> {
        let switches = Switches::default();
        switches.fill(&catalog, |id| store.last_switch(id))?;
        let day_zone = settings
            .day_zone
            .clone()
            .or_else(|| catalog.exhibitions.first().map(|e| e.time_zone.clone()))
            .unwrap_or_else(TimeZone::system);
        let metrics = Arc::new(Metrics::default());
        let sessions =
            auth::Sessions::load(&store, &settings.admin_password, clock.now().as_second())?;
        // Cached answers serve from the first request, even when the API is down at start.
        let free_copies = match settings.unpaywall {
            Some(_) => found_copies(&store.free_copies()?),
            None => HashMap::new(),
        };
        let shares = share::Links::load(&store)?;
        let people = crate::people::Directory::new(store.accounts()?);
        auth::note_admin_password(&store, &people, &settings.admin_password, clock.now())?;
        Ok(AppState {
            catalog: LiveCatalog::new(catalog, settings.exhibits.clone(), clock.now())
                .keeping_last_good(settings.data.clone()),
            switches,
            recorder: Recorder::start(store.clone(), metrics.clone()),
            store,
            replica: None,
            clock,
            day_zone,
            admin_password: settings.admin_password.clone(),
            base_url,
            trusted_proxy: settings.trusted_proxy,
            staff_networks: settings.staff_networks.clone(),
            metrics,
            covers: covers::CoverCache::default(),
            charts: chart_cache::ChartCache::default(),
            qr_images: qr::QrImages::default(),
            pages: pages::PageCache::default(),
            throttle: throttle::Throttle::new(settings.login_limits),
            // Per account, the delays alone: the global budget is the address throttle's.
            account_throttle: throttle::Throttle::new(crate::config::LoginLimits {
                global_free: u32::MAX / 4,
                ..settings.login_limits
            }),
            sessions,
            people,
            free_copies: RwLock::new(Arc::new(free_copies)),
            catalog_changed: tokio::sync::Notify::new(),
            shares,
            sign_on: None,
            small: crate::stats::small::Threshold(settings.min_count),
            retain_days: settings.retain_days,
            notices: super::notify::Notices::new(None, settings.notify_every),
        })
    }

    /// Signs logins and share links with `secret` from now on (a replica adopting the
    /// cluster's session secret after it began serving).
    pub fn rekey(&self, secret: &[u8; 32]) {
        self.sessions.rekey(secret, &self.admin_password);
        self.shares.rekey(secret);
    }

    pub fn with_replica(mut self, replica: Option<Arc<Replica>>) -> AppState {
        if let Some(replica) = &replica {
            replica.count_refusals_in(self.metrics.cluster_refused.clone());
        }
        self.replica = replica;
        self
    }

    /// Sends digests and alerts through `mailer` (`--smtp-url`).
    pub fn with_mailer(
        mut self,
        mailer: Option<crate::smtp::Mailer>,
        every: std::time::Duration,
    ) -> AppState {
        self.notices = super::notify::Notices::new(mailer, every);
        self
    }

    /// Whether digests can be mailed.
    pub fn mails(&self) -> bool {
        self.notices.mailer.is_some()
    }

    pub fn with_sign_on(mut self, sign_on: Option<crate::sso::SignOn>) -> AppState {
        self.sign_on = sign_on.map(Arc::new);
        self
    }

    pub fn catalog(&self) -> Arc<Catalog> {
        self.catalog.get()
    }

    /// The folder the exhibit files are loaded from.
    pub fn exhibits(&self) -> &std::path::Path {
        self.catalog.dir()
    }

    /// Loads the exhibit files again: a valid catalog replaces the one serving (with the
    /// switches of any exhibition it brings back); an invalid one is reported and the last
    /// good catalog keeps serving.
    pub fn reload_catalog(&self) -> Result<(), Vec<Problem>> {
        let outcome = self.catalog.reload(self.clock.now(), |fresh| {
            let _ = self.switches.fill(fresh, |id| {
                Ok::<_, StoreError>(self.store.last_switch(id).unwrap_or_else(|e| {
                    tracing::warn!(exhibition = id, error = %error_chain(&e), "a stored switch could not be read");
                    None
                }))
            });
        });
        self.metrics.reloaded(outcome.is_ok());
        if outcome.is_ok() {
            self.audit_imports();
            self.pages.invalidate();
            self.catalog_changed.notify_one();
            if let Some(replica) = &self.replica {
                replica.set_fingerprint(crate::catalog::fingerprint(self.exhibits()));
            }
        }
        outcome
    }

    /// Records in the audit trail the imports made since the last one recorded (blocking).
    pub fn audit_imports(&self) {
        super::imports::audit_new(&self.catalog(), &self.store, self.clock.now());
    }

    /// The catalog serving is the last good copy: the exhibit files had `problems` at start.
    pub fn started_from_last_good(&self, problems: &[Problem]) {
        self.catalog
            .started_from_last_good(problems, self.clock.now());
    }

    pub fn reload_status(&self) -> ReloadStatus {
        self.catalog.status()
    }

    pub fn last_switch(&self, exhibition: &str) -> Option<Switch> {
        self.switches.get(exhibition)
    }

    /// A share link made or revoked on another replica.
    fn know_link(&self, link: crate::sharelink::ShareLink) {
        self.shares.remember(link);
    }

    /// A session ended by logging out on another replica.
    fn forget_session(&self, token: &str, expires: i64) {
        self.sessions
            .revoke(token, expires, self.clock.now().as_second());
    }

    pub(crate) fn remember_switch(&self, switch: Switch) {
        self.switches.remember(switch);
        // The variant key already tells a switched page apart (phase, manual); clearing as
        // well keeps that from resting on what the templates happen to show today. After the
        // switch is visible, so no page rendered before it outlives this.
        self.pages.invalidate();
    }

    /// The free copy to offer for a story: named by hand, else found by Unpaywall.
    pub(super) fn free_copy(&self, story: &Story) -> Option<FreeCopy> {
        let found = self.free_copies.read();
        let key = story.doi.as_deref().map(unpaywall::doi_key);
        crate::access::free_copy(story, key.and_then(|k| found.get(&k)))
    }

    /// Replaces the copies Unpaywall found; pages showing the old ones are dropped.
    pub(super) fn set_free_copies(&self, checked: &HashMap<String, Checked>) {
        let fresh = found_copies(checked);
        let mut copies = self.free_copies.write();
        if **copies != fresh {
            *copies = Arc::new(fresh);
            drop(copies);
            self.pages.invalidate();
        }
    }

    pub(super) fn count_log_failure(&self) {
        self.metrics.log_failures.inc();
    }
}

/// The copies among cached answers (an answer may be "no free copy").
fn found_copies(checked: &HashMap<String, Checked>) -> HashMap<String, FreeCopy> {
    checked
        .iter()
        .filter_map(|(doi, c)| Some((doi.clone(), c.copy.clone()?)))
        .collect()
}

/// Mirrors in memory what other replicas changed (the replica has stored it already): each
/// changed exhibition's latest switch goes to the landing pages' mirror, a logout ends that
/// session here, a link made or revoked there is known here.
pub async fn mirror_replicas(state: actix_web::web::Data<AppState>, mut changes: Changes) {
    while let Some(change) = changes.recv().await {
        let exhibition = match change {
            SharedChange::Switch { switch, .. } => switch.exhibition,
            SharedChange::Logout { token, expires } => {
                state.forget_session(&token, expires);
                continue;
            }
            SharedChange::Link(link) => {
                state.know_link(link);
                continue;
            }
            // Stored already; known here from now on, so a disabled person's next request is
            // refused on this replica too.
            SharedChange::Account(account) => {
                state.people.remember(*account);
                continue;
            }
            SharedChange::LastLogin { .. } | SharedChange::Audit(_) | SharedChange::Digest(_) => {
                continue;
            }
        };
        let store = state.store.clone();
        let id = exhibition.clone();
        match actix_web::web::block(move || store.last_switch(&id)).await {
            Ok(Ok(Some(switch))) => {
                tracing::info!(
                    exhibition,
                    phase = switch.phase,
                    by = switch.by,
                    "a switch made on another replica"
                );
                state.remember_switch(switch);
            }
            Ok(Ok(None)) => {}
            Ok(Err(e)) => {
                tracing::error!(exhibition, error = %error_chain(&e), "a switch made on another replica is stored but could not be read back; this replica shows it after a restart")
            }
            Err(e) => {
                tracing::error!(exhibition, error = %e, "a switch made on another replica could not be read back")
            }
        }
    }
}

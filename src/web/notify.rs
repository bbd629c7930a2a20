//! Digests sent in the background, and by hand (`POST /admin/digests/{exhibition}`).
//!
//! Every `notify_every` (a minute) the task asks each exhibition's `[digest]` plan which
//! periods are due (`mail::period::due`), and for each not yet sent claims it (`store::sent`:
//! on replicas it then waits for the others' claims and goes on only if its claim stands),
//! makes a fresh read-only link, builds the digest and sends it. A mail server that is down
//! is tried again with a growing pause (one tick, two, four, ... up to 30 minutes), with the
//! same link; the failure is shown on the dashboard and in `/admin/healthz` (`mail`) until a
//! sending works. The sending is recorded in the shared state, so it happens once per period,
//! also after a restart or on another replica.

use parking_lot::Mutex;
use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, web};
use jiff::Timestamp;
use serde::{Deserialize, Serialize};

use super::AppState;
use super::error::WebError;
use crate::catalog::Exhibition;
use crate::mail::period::{self, Period};
use crate::sharelink::ShareLink;
use crate::smtp::Mailer;
use crate::store::SharedChange;

/// How long a digest's link opens.
const LINK_DAYS: i64 = 30;
/// The longest pause between tries.
const MAX_PAUSE: Duration = Duration::from_secs(30 * 60);
/// Replicated: how long a replica waits for the other replicas' claims before it sends.
pub(super) const CLAIM_WAIT: Duration = Duration::from_secs(3);

/// The mail side's state, for the task, the dashboard and health.
pub(super) struct Notices {
    pub(super) mailer: Option<Arc<Mailer>>,
    every: Duration,
    status: Mutex<Status>,
    /// The alerts standing now (`alerting`).
    pub(super) alerts: super::alerting::Alerts,
}

/// What the dashboard and `/admin/healthz` show.
#[derive(Debug, Clone, Default, Serialize)]
pub(super) struct Status {
    /// The last digest sent: exhibition, period, when.
    pub(super) last_sent: Option<(String, String, Timestamp)>,
    /// Digests waiting to be tried again, by exhibition and period.
    pub(super) failing: BTreeMap<String, Failure>,
}

#[derive(Debug, Clone, Serialize)]
pub(super) struct Failure {
    pub(super) exhibition: String,
    pub(super) period: String,
    pub(super) error: String,
    pub(super) attempts: u32,
    pub(super) since: Timestamp,
    #[serde(skip)]
    next_try: Option<Instant>,
    /// The link made for the first try, used again.
    #[serde(skip)]
    link: Option<String>,
}

impl Notices {
    pub(super) fn new(mailer: Option<Mailer>, every: Duration) -> Notices {
        Notices {
            mailer: mailer.map(Arc::new),
            every,
            status: Mutex::new(Status::default()),
            alerts: super::alerting::Alerts::default(),
        }
    }

    pub(super) fn every(&self) -> Duration {
        self.every
    }

    pub(super) fn status(&self) -> Status {
        self.status.lock().clone()
    }

    /// For `/admin/healthz`: the server (without credentials), the last sending, failures.
    pub(super) fn health(&self) -> serde_json::Value {
        let status = self.status();
        serde_json::json!({
            "server": self.mailer.as_ref().map(|m| m.server.clone()),
            "status": match (&self.mailer, status.failing.is_empty()) {
                (None, _) => "off",
                (Some(_), true) => "ok",
                (Some(_), false) => "failing",
            },
            "last_sent": status.last_sent,
            "failing": status.failing.values().collect::<Vec<_>>(),
        })
    }

    fn pause(&self, attempts: u32) -> Duration {
        self.every
            .saturating_mul(2u32.saturating_pow(attempts.saturating_sub(1)))
            .min(MAX_PAUSE)
    }
}

/// Sends what is due, every tick, until the server stops. Started only with a mailer.
pub async fn keep_sending(state: web::Data<AppState>) {
    loop {
        actix_web::rt::time::sleep(state.notices.every).await;
        let now = state.clock.now();
        let catalog = state.catalog();
        for e in &catalog.exhibitions {
            let Some(plan) = &e.notify.digest else {
                continue;
            };
            for p in period::due(e, plan, now) {
                if waiting(&state, &e.id, &p) {
                    continue;
                }
                if let Err(e) = scheduled(&state, e, &p, &plan.recipients).await {
                    tracing::error!(error = %crate::error_chain(&e), "a digest could not be handled");
                }
            }
        }
    }
}

fn failure_key(exhibition: &str, p: &Period) -> String {
    format!("{exhibition}/{}", p.key())
}

/// Whether this period's last try failed and its pause has not run out.
fn waiting(state: &AppState, exhibition: &str, p: &Period) -> bool {
    let status = state.notices.status.lock();
    status
        .failing
        .get(&failure_key(exhibition, p))
        .and_then(|f| f.next_try)
        .is_some_and(|at| Instant::now() < at)
}

/// A scheduled digest: claimed, sent once, recorded.
async fn scheduled(
    state: &web::Data<AppState>,
    e: &Exhibition,
    p: &Period,
    to: &[String],
) -> Result<(), WebError> {
    let me = state
        .replica
        .as_ref()
        .map_or_else(|| "local".to_string(), |r| r.id().to_string());
    let (store, id, key, who, now) = (
        state.store.clone(),
        e.id.clone(),
        p.key(),
        me.clone(),
        state.clock.now(),
    );
    let claimed = web::block(move || store.claim_digest(&id, &key, &who, now))
        .await
        .map_err(|e| WebError::internal("digest claim", e))?
        .map_err(|e| WebError::internal("digest claim", e))?;
    if !claimed {
        return Ok(());
    }
    if state.replica.is_some() {
        actix_web::rt::time::sleep(CLAIM_WAIT).await;
        let (store, id, key, who) = (state.store.clone(), e.id.clone(), p.key(), me.clone());
        let holds = web::block(move || store.holds_claim(&id, &key, &who))
            .await
            .map_err(|e| WebError::internal("digest claim", e))?
            .map_err(|e| WebError::internal("digest claim", e))?;
        if !holds {
            tracing::info!(exhibition = %e.id, period = %p.key(), "another replica sends this digest");
            return Ok(());
        }
    }
    match send(state, e, p, to).await {
        Ok(()) => {
            let (store, id, key, to, now) = (
                state.store.clone(),
                e.id.clone(),
                p.key(),
                to.to_vec(),
                state.clock.now(),
            );
            web::block(move || store.digest_sent(&id, &key, &me, now, to))
                .await
                .map_err(|e| WebError::internal("digest sent", e))?
                .map_err(|e| WebError::internal("digest sent", e))?;
            Ok(())
        }
        Err(SendError::Mail(why)) => {
            tracing::warn!(exhibition = %e.id, period = %p.key(), error = %why, "the digest could not be sent; trying again later");
            Ok(())
        }
        Err(SendError::NoMailer) => Ok(()),
        Err(SendError::Web(e)) => Err(e),
    }
}

enum SendError {
    /// The mail server refused or could not be reached: tried again later.
    Mail(String),
    /// No `--smtp-url`.
    NoMailer,
    Web(WebError),
}

/// Builds and sends one digest now; records a failure (with its pause) or the sending in the
/// status.
async fn send(
    state: &web::Data<AppState>,
    e: &Exhibition,
    p: &Period,
    to: &[String],
) -> Result<(), SendError> {
    let mailer = state.notices.mailer.clone().ok_or(SendError::NoMailer)?;
    let key = failure_key(&e.id, p);
    let kept = state
        .notices
        .status
        .lock()
        .failing
        .get(&key)
        .and_then(|f| f.link.clone());
    let link = match kept {
        Some(link) => link,
        None => new_link(state, &e.id).await.map_err(SendError::Web)?,
    };
    let (store, catalog, id, period, url, now, to_all) = (
        state.store.clone(),
        state.catalog(),
        e.id.clone(),
        p.clone(),
        link.clone(),
        state.clock.now(),
        to.to_vec(),
    );
    let sent = web::block(move || {
        let (_, e) = catalog
            .exhibition(&id)
            .ok_or_else(|| "the exhibition is gone".to_string())?;
        let digest = crate::mail::build(&store, e, &period, &url, LINK_DAYS, now)
            .map_err(|e| crate::error_chain(&e))?;
        let message = digest
            .message(&mailer, &to_all)
            .map_err(|e| crate::error_chain(&e))?;
        mailer.send(&message).map_err(|e| crate::error_chain(&e))
    })
    .await
    .map_err(|e| SendError::Web(WebError::internal("digest", e)))?;
    let mut status = state.notices.status.lock();
    match sent {
        Ok(()) => {
            status.failing.remove(&key);
            status.last_sent = Some((e.id.clone(), p.key(), state.clock.now()));
            tracing::info!(exhibition = %e.id, period = %p.key(), recipients = to.len(), "digest sent");
            Ok(())
        }
        Err(why) => {
            let failure = status.failing.entry(key).or_insert_with(|| Failure {
                exhibition: e.id.clone(),
                period: p.key(),
                error: String::new(),
                attempts: 0,
                since: state.clock.now(),
                next_try: None,
                link: Some(link),
            });
            failure.attempts += 1;
            failure.error = why.clone();
            failure.next_try = Some(Instant::now() + state.notices.pause(failure.attempts));
            Err(SendError::Mail(why))
        }
    }
}

const NO_MAILER: &str = "no mail server is set: start docent serve with --smtp-url and --mail-from";

/// A fresh read-only link for a digest, stored (and shared) like one made on the dashboard.
async fn new_link(state: &web::Data<AppState>, exhibition: &str) -> Result<String, WebError> {
    let link = ShareLink::new(exhibition, LINK_DAYS as u32, state.clock.now(), "digest")
        .map_err(|e| WebError::internal("digest link", e))?;
    let (store, stored) = (state.store.clone(), link.clone());
    web::block(move || store.change(&SharedChange::Link(stored)))
        .await
        .map_err(|e| WebError::internal("digest link", e))?
        .map_err(|e| WebError::internal("digest link", e))?;
    let url = format!(
        "{}/view/{}",
        state.base_url.trim_end_matches('/'),
        state.shares.token(&link)
    );
    state.shares.remember(link);
    Ok(url)
}

#[derive(Deserialize)]
pub(super) struct SendForm {
    /// `FROM..TO`; the last seven days when empty.
    period: Option<String>,
    /// One address; the plan's recipients when empty.
    to: Option<String>,
    /// `yes`: answer the digest's text instead of sending it (`docent digest --dry-run`).
    dry_run: Option<String>,
    csrf: Option<String>,
}

/// `POST /admin/digests/{exhibition}`: a digest now, for the days asked (or the last seven),
/// to one address or the plan's recipients. Not claimed: asked for by hand, it is sent each
/// time; recorded like the others. A script (`Accept: text/plain`) gets what was sent.
pub(super) async fn send_now(
    state: web::Data<AppState>,
    req: HttpRequest,
    path: web::Path<String>,
    form: web::Form<SendForm>,
) -> Result<HttpResponse, WebError> {
    let organizer = super::admin::organizer_with_token(&req, form.csrf.as_deref())?;
    let catalog = state.catalog();
    let e = super::admin::find(&catalog, &path)?;
    let today = state
        .clock
        .now()
        .to_zoned_datetime(e.time_zone.clone())
        .date();
    let p = Period::parse(form.period.as_deref(), today).map_err(WebError::BadRequest)?;
    let to: Vec<String> = match form.to.as_deref().map(str::trim).filter(|t| !t.is_empty()) {
        Some(one) => {
            crate::smtp::mailbox(one).map_err(|e| WebError::BadRequest(e.to_string()))?;
            vec![one.to_string()]
        }
        None => e.notify.recipients(),
    };
    if form.dry_run.as_deref() == Some("yes") {
        let (store, catalog, id, period, now) = (
            state.store.clone(),
            state.catalog(),
            e.id.clone(),
            p.clone(),
            state.clock.now(),
        );
        let text = web::block(move || {
            let (_, e) = catalog.exhibition(&id).ok_or("the exhibition is gone")?;
            let link = "(a read-only link is made when the digest is sent)";
            let digest = crate::mail::build(&store, e, &period, link, LINK_DAYS, now)
                .map_err(|e| crate::error_chain(&e))?;
            digest.text().map_err(|e| e.to_string())
        })
        .await
        .map_err(|e| WebError::internal("digest", e))?
        .map_err(|e: String| WebError::internal("digest", e))?;
        return Ok(HttpResponse::Ok()
            .content_type("text/plain; charset=utf-8")
            .body(text));
    }
    if to.is_empty() {
        return Err(WebError::BadRequest(
            "no recipient: give `to`, or list recipients under [digest] in exhibition.toml".into(),
        ));
    }
    match send(&state, e, &p, &to).await {
        Ok(()) => {}
        Err(SendError::Mail(why)) => {
            return Ok(HttpResponse::ServiceUnavailable()
                .content_type("text/plain; charset=utf-8")
                .body(format!("the mail server did not take the digest: {why}\n")));
        }
        Err(SendError::NoMailer) => {
            return Ok(HttpResponse::Conflict()
                .content_type("text/plain; charset=utf-8")
                .body(format!("{NO_MAILER}\n")));
        }
        Err(SendError::Web(e)) => return Err(e),
    }
    let (store, id, key, who, now, sent_to) = (
        state.store.clone(),
        e.id.clone(),
        p.key(),
        organizer.name.clone(),
        state.clock.now(),
        to.clone(),
    );
    web::block(move || store.digest_sent(&id, &key, &who, now, sent_to))
        .await
        .map_err(|e| WebError::internal("digest sent", e))?
        .map_err(|e| WebError::internal("digest sent", e))?;
    tracing::info!(exhibition = %e.id, by = %organizer.name, period = %p.key(), "digest sent by hand");
    let wants_text = req
        .headers()
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|a| a.starts_with("text/plain"));
    if wants_text {
        return Ok(HttpResponse::Ok()
            .content_type("text/plain; charset=utf-8")
            .body(format!("sent {} to {}\n", p.key(), to.join(", "))));
    }
    Ok(HttpResponse::SeeOther()
        .insert_header((header::LOCATION, format!("/admin/e/{}#digests", e.id)))
        .finish())
}

/// The dashboard's digest section.
pub(crate) struct Panel {
    pub(crate) mails: bool,
    pub(crate) recipients: String,
    pub(crate) schedule: String,
    /// (period, to, when: local time)
    pub(crate) sent: Vec<(String, String, String)>,
    /// (period, error, attempts)
    pub(crate) failing: Vec<(String, String, u32)>,
    /// The schedule as the settings form shows it: `monday` (or empty) and the hour.
    pub(crate) weekly_day: String,
    pub(crate) weekly_hour: String,
    pub(crate) at_phase_end: bool,
    pub(crate) at_closing: bool,
}

pub(crate) async fn panel(
    state: &web::Data<AppState>,
    e: &Exhibition,
    lang: crate::catalog::Lang,
) -> Option<Panel> {
    let plan = e.notify.digest.as_ref();
    let (store, id) = (state.store.clone(), e.id.clone());
    let sent: Vec<_> = web::block(move || store.digests_sent(&id))
        .await
        .ok()
        .and_then(Result::ok)
        .unwrap_or_default()
        .into_iter()
        .filter(|m| !m.period.starts_with("alert."))
        .collect();
    let zone = e.time_zone.clone();
    let failing = state
        .notices
        .status()
        .failing
        .into_values()
        .filter(|f| f.exhibition == e.id)
        .map(|f| (f.period, f.error, f.attempts))
        .collect();
    Some(Panel {
        mails: state.notices.mailer.is_some(),
        recipients: plan.map(|p| p.recipients.join(", ")).unwrap_or_default(),
        schedule: plan.map_or_else(String::new, |p| crate::mail::words::schedule(lang, p)),
        sent: sent
            .into_iter()
            .rev()
            .take(10)
            .map(|m| {
                let when =
                    m.at.to_zoned_datetime(zone.clone())
                        .strftime("%Y-%m-%d %H:%M")
                        .to_string();
                (m.period, m.to.join(", "), when)
            })
            .collect(),
        failing,
        weekly_day: plan
            .and_then(|p| p.weekly)
            .map(|(d, _)| format!("{d:?}").to_lowercase())
            .unwrap_or_default(),
        weekly_hour: plan
            .and_then(|p| p.weekly)
            .map_or("9".into(), |(_, h)| h.to_string()),
        at_phase_end: plan.is_some_and(|p| p.at_phase_end),
        at_closing: plan.is_some_and(|p| p.at_closing),
    })
}

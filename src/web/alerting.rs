//! Alerts in the running server: every tick (`notify_every`) each exhibition with `[alerts]`
//! has its rules evaluated (`crate::alerts`) on the last hours of its log and its figures;
//! an alert that starts to hold is raised once (kept here while it holds), told by mail to the
//! `[digest]` recipients and as a signed webhook, and shown on the dashboard and in
//! `/admin/healthz` (`alerts`); when its rule stops holding it clears, told the same way.
//! A webhook is tried three times with a growing pause; its outcome is in health. Telling is
//! claimed and recorded like a digest (`store::sent`, key `alert.raised.{alert}.{day}`), so
//! each alert is told once a day, by one replica, also after a restart.

use parking_lot::Mutex;
use std::collections::BTreeMap;
use std::time::Duration;

use actix_web::web;
use jiff::Timestamp;
use serde::Serialize;

use super::AppState;
use crate::alerts::{self, Inputs, Rule};
use crate::catalog::notify::AlertPlan;
use crate::catalog::{Exhibition, Lang};
use crate::i18n::{self, Both};

/// An alert that holds now.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct Standing {
    pub(crate) exhibition: String,
    pub(crate) key: String,
    pub(crate) rule: Rule,
    pub(crate) since: Timestamp,
}

/// The alerts standing, by exhibition and key, and how the last webhook went.
#[derive(Default)]
pub(crate) struct Alerts {
    standing: Mutex<BTreeMap<(String, String), Standing>>,
    last_webhook: Mutex<Option<(Timestamp, String)>>,
}

impl Alerts {
    pub(crate) fn of_exhibition(&self, exhibition: &str) -> Vec<Standing> {
        self.standing
            .lock()
            .values()
            .filter(|s| s.exhibition == exhibition)
            .cloned()
            .collect()
    }

    pub(super) fn health(&self) -> serde_json::Value {
        serde_json::json!({
            "standing": self.standing.lock().values().cloned().collect::<Vec<_>>(),
            "last_webhook": *self.last_webhook.lock(),
        })
    }
}

/// Evaluates the rules every tick, until the server stops.
pub async fn keep_watching(state: web::Data<AppState>) {
    loop {
        actix_web::rt::time::sleep(state.notices.every()).await;
        let catalog = state.catalog();
        for e in &catalog.exhibitions {
            let Some(plan) = e.notify.alerts.clone() else {
                continue;
            };
            let now = state.clock.now();
            let (store, cat, id) = (state.store.clone(), catalog.clone(), e.id.clone());
            let gathered = web::block(move || {
                let (_, e) = cat.exhibition(&id).expect("from this catalog");
                gather(&store, e, &plan, now).map(|inputs| alerts::evaluate(&plan, e, now, &inputs))
            })
            .await;
            let holding = match gathered {
                Ok(Ok(holding)) => holding,
                Ok(Err(err)) => {
                    tracing::warn!(exhibition = %e.id, error = %crate::error_chain(&err), "alerts: the figures could not be read");
                    continue;
                }
                Err(_) => continue,
            };
            settle(&state, e, holding, now);
        }
    }
}

/// The last hours of the log, this hour and the same hour before, today's unknown codes.
fn gather(
    store: &crate::store::Store,
    e: &Exhibition,
    plan: &AlertPlan,
    now: Timestamp,
) -> Result<Inputs, crate::store::StoreError> {
    let since = now
        .checked_sub(jiff::SignedDuration::from_hours(plan.silent_hours))
        .unwrap_or(now);
    let local = now.to_zoned_datetime(e.time_zone.clone());
    let today = local.date();
    let hour = usize::try_from(local.hour()).unwrap_or(0);
    let scans_at = |day| -> Result<u64, crate::store::StoreError> {
        let s = crate::stats::compute(store, e, Some((day, day)))?;
        Ok(s.by_hour.get(hour).map_or(0, |r| r.figures.scans))
    };
    let mut before = Vec::new();
    let mut day = today;
    for _ in 0..7 {
        day = match day.yesterday() {
            Ok(d) => d,
            Err(_) => break,
        };
        if day >= e.opens {
            before.push(scans_at(day)?);
        }
    }
    Ok(Inputs {
        recent: store.recent_scans(&e.id, since)?,
        this_hour: scans_at(today)?,
        same_hour_before: before,
        unknown_today: store
            .unknown_codes(Some((today, today)))
            .into_iter()
            .map(|(_, code, n)| (code, n))
            .collect(),
    })
}

/// Raises what starts to hold, clears what stopped.
fn settle(state: &web::Data<AppState>, e: &Exhibition, holding: Vec<Rule>, now: Timestamp) {
    let mut changes = Vec::new();
    {
        let mut standing = state.notices.alerts.standing.lock();
        let keys: Vec<String> = holding.iter().map(Rule::key).collect();
        let gone: Vec<(String, String)> = standing
            .keys()
            .filter(|(ex, key)| *ex == e.id && !keys.contains(key))
            .cloned()
            .collect();
        for k in gone {
            if let Some(s) = standing.remove(&k) {
                changes.push(("alert.cleared", s));
            }
        }
        for rule in holding {
            let key = rule.key();
            if let std::collections::btree_map::Entry::Vacant(slot) =
                standing.entry((e.id.clone(), key.clone()))
            {
                let s = Standing {
                    exhibition: e.id.clone(),
                    key,
                    rule,
                    since: now,
                };
                slot.insert(s.clone());
                changes.push(("alert.raised", s));
            }
        }
    }
    for (kind, s) in changes {
        tracing::warn!(exhibition = %s.exhibition, alert = %s.key, kind, "alert");
        let state = state.clone();
        let both = Both::of(&e.languages);
        let e_title = Both::joined(&both.text(&e.title), " · ");
        let recipients = e.notify.recipients();
        let plan = e.notify.alerts.clone();
        let day = now.to_zoned_datetime(e.time_zone.clone()).date();
        actix_web::rt::spawn(async move {
            // Told once a day per alert and kind, by one replica, also after a restart.
            let mark = format!("{kind}.{}.{day}", s.key);
            if !claimed(&state, &s.exhibition, &mark).await {
                return;
            }
            mail(&state, kind, &s, (&e_title, both), &recipients).await;
            if let Some(plan) = plan {
                webhook(&state, kind, &s, both, &plan, now).await;
            }
            let (store, id, me, now) = (
                state.store.clone(),
                s.exhibition.clone(),
                replica_id(&state),
                state.clock.now(),
            );
            let recorded =
                web::block(move || store.digest_sent(&id, &mark, &me, now, vec![])).await;
            if !matches!(recorded, Ok(Ok(()))) {
                tracing::warn!(alert = %s.key, "that the alert was told could not be recorded");
            }
        });
    }
}

fn replica_id(state: &AppState) -> String {
    state
        .replica
        .as_ref()
        .map_or_else(|| "local".to_string(), |r| r.id().to_string())
}

/// Claims telling an alert (the digests' claim, `store::sent`): false when it was told
/// already or another replica tells it.
async fn claimed(state: &web::Data<AppState>, exhibition: &str, mark: &str) -> bool {
    let (store, id, key, me, now) = (
        state.store.clone(),
        exhibition.to_string(),
        mark.to_string(),
        replica_id(state),
        state.clock.now(),
    );
    let first = web::block({
        let (store, id, key, me) = (store.clone(), id.clone(), key.clone(), me.clone());
        move || store.claim_digest(&id, &key, &me, now)
    })
    .await;
    if !matches!(first, Ok(Ok(true))) {
        return false;
    }
    if state.replica.is_none() {
        return true;
    }
    actix_web::rt::time::sleep(super::notify::CLAIM_WAIT).await;
    matches!(
        web::block(move || store.holds_claim(&id, &key, &me)).await,
        Ok(Ok(true))
    )
}

async fn mail(
    state: &web::Data<AppState>,
    kind: &str,
    s: &Standing,
    (title, both): (&str, Both),
    to: &[String],
) {
    let Some(mailer) = state.notices.mailer.clone() else {
        return;
    };
    if to.is_empty() {
        return;
    }
    // The mail speaks the show's first two languages, like the digests.
    let lead_key = if kind == "alert.raised" {
        "alert-raised"
    } else {
        "alert-cleared"
    };
    let subject = format!(
        "{title}: {}: {}",
        Both::joined(&both.words(lead_key), " · "),
        s.key
    );
    let lines = both.pair(|lang| {
        i18n::tr_args(
            lang,
            "alert-line",
            &[
                ("lead", i18n::tr(lang, lead_key).into()),
                ("text", s.rule.words(lang).into()),
            ],
        )
    });
    let body = format!(
        "{}\n\n{}\n",
        Both::joined(&lines, "\n\n"),
        state.base_url.trim_end_matches('/').to_string() + "/admin/e/" + &s.exhibition
    );
    let to = to.to_vec();
    let sent = web::block(move || -> Result<(), String> {
        let mut builder = lettre::Message::builder()
            .from(mailer.from().clone())
            .subject(subject);
        for address in &to {
            builder = builder.to(crate::smtp::mailbox(address).map_err(|e| e.to_string())?);
        }
        let message = builder
            .header(lettre::message::header::ContentType::TEXT_PLAIN)
            .body(body)
            .map_err(|e| e.to_string())?;
        mailer.send(&message).map_err(|e| crate::error_chain(&e))
    })
    .await;
    if let Ok(Err(why)) = sent {
        tracing::warn!(alert = %s.key, error = %why, "the alert could not be mailed");
    }
}

/// Posts the alert to the exhibition's webhook, signed; three tries.
async fn webhook(
    state: &web::Data<AppState>,
    kind: &'static str,
    s: &Standing,
    both: Both,
    plan: &AlertPlan,
    now: Timestamp,
) {
    let (Some(url), Some(secret_file)) =
        (plan.webhook_url.clone(), plan.webhook_secret_file.clone())
    else {
        return;
    };
    // `zh` and `en` as before, for receivers that read them; `words` in the show's first two
    // languages.
    let words: serde_json::Map<String, serde_json::Value> = [both.first, both.second]
        .into_iter()
        .map(|lang| (lang.as_str().to_string(), s.rule.words(lang).into()))
        .collect();
    let body = serde_json::json!({
        "type": kind,
        "timestamp": now,
        "data": {
            "exhibition": s.exhibition, "key": s.key, "since": s.since, "alert": s.rule,
            "zh": s.rule.words(Lang::ZH), "en": s.rule.words(Lang::EN), "words": words,
        },
    })
    .to_string();
    let mut id = [0u8; 12];
    let _ = getrandom::fill(&mut id);
    let id = format!("msg_{}", hex::encode(id));
    let mut pause = state.notices.every();
    for attempt in 1..=3 {
        let (url, secret_file, body, id) =
            (url.clone(), secret_file.clone(), body.clone(), id.clone());
        let outcome = web::block(move || -> Result<u16, String> {
            let secret =
                alerts::sign::Secret::from_file(&secret_file).map_err(|e| e.to_string())?;
            let timestamp = Timestamp::now().as_second();
            let agent: ureq::Agent = ureq::Agent::config_builder()
                .http_status_as_error(false)
                .timeout_global(Some(Duration::from_secs(10)))
                .build()
                .into();
            let reply = agent
                .post(&url)
                .header("content-type", "application/json")
                .header("webhook-id", &id)
                .header("webhook-timestamp", &timestamp.to_string())
                .header(
                    "webhook-signature",
                    &secret.sign(&id, timestamp, body.as_bytes()),
                )
                .send(body.as_bytes())
                .map_err(|e| e.to_string())?;
            Ok(reply.status().as_u16())
        })
        .await
        .unwrap_or_else(|e| Err(e.to_string()));
        let said = match &outcome {
            Ok(code) => format!("{kind} {}: HTTP {code}", s.key),
            Err(why) => format!("{kind} {}: {why}", s.key),
        };
        *state.notices.alerts.last_webhook.lock() = Some((Timestamp::now(), said.clone()));
        if matches!(outcome, Ok(200..=299)) {
            return;
        }
        tracing::warn!(attempt, outcome = %said, "the alert webhook was not taken");
        actix_web::rt::time::sleep(pause).await;
        pause *= 2;
    }
}

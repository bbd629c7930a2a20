//! Keeps the free copies of the papers on show up to date: at start, whenever the catalog
//! changes, and every `check_every`, the DOIs never asked or asked over a day ago are looked
//! up on Unpaywall, one at a time on a blocking thread, and each answer is cached in the
//! store. Visitors' requests only ever read the result in memory.

use std::collections::HashMap;
use std::sync::Arc;

use actix_web::web;
use jiff::Timestamp;

use super::AppState;
use crate::access::unpaywall::{self, Checked, Client};
use crate::error_chain;

/// A DOI whose lookup failed is asked again after this long (by the server's clock), not at
/// every wake-up: an API that is down or answers garbage is not hammered.
const RETRY_AFTER: jiff::SignedDuration = jiff::SignedDuration::from_hours(1);

/// Runs until the server stops.
pub async fn keep_up_to_date(state: web::Data<AppState>, client: Client) {
    let client = Arc::new(client);
    let every = client.settings().check_every;
    let mut failed: HashMap<String, Timestamp> = HashMap::new();
    loop {
        refresh(&state, &client, &mut failed).await;
        tokio::select! {
            _ = actix_web::rt::time::sleep(every) => {}
            _ = state.catalog_changed.notified() => {}
        }
    }
}

/// One pass: looks up what is due, stores each answer, then shows the copies.
async fn refresh(
    state: &web::Data<AppState>,
    client: &Arc<Client>,
    failed: &mut HashMap<String, Timestamp>,
) {
    let store = state.store.clone();
    let mut cache: HashMap<String, Checked> = match web::block(move || store.free_copies()).await {
        Ok(Ok(cache)) => cache,
        Ok(Err(e)) => {
            tracing::warn!(error = %error_chain(&e), "the cache of free copies cannot be read");
            return;
        }
        Err(_) => return,
    };
    let catalog = state.catalog();
    let dois = catalog
        .exhibitions
        .iter()
        .flat_map(|e| e.stories.iter())
        .filter(|s| s.oa_url.is_none())
        .filter_map(|s| s.doi.as_deref());
    let now = state.clock.now();
    failed.retain(|_, at| now.duration_since(*at) < RETRY_AFTER);
    let due: Vec<String> = unpaywall::due(dois, &cache, now)
        .into_iter()
        .filter(|doi| !failed.contains_key(doi))
        .collect();
    let (mut found, mut failures) = (0, 0);
    let mut first_error = None;
    for doi in &due {
        let (client, asked) = (client.clone(), doi.clone());
        let answer = web::block(move || client.lookup(&asked)).await;
        let copy = match answer {
            Ok(Ok(copy)) => copy,
            Ok(Err(e)) => {
                failures += 1;
                failed.insert(doi.clone(), now);
                // One warning a pass (below), not one per DOI, when the API is down.
                tracing::debug!(doi, error = %error_chain(&e), "Unpaywall lookup failed");
                first_error.get_or_insert_with(|| format!("{doi}: {}", error_chain(&e)));
                continue;
            }
            Err(_) => continue,
        };
        found += usize::from(copy.is_some());
        let checked = Checked {
            at: state.clock.now(),
            copy,
        };
        let (store, key, value) = (state.store.clone(), doi.clone(), checked.clone());
        if let Ok(Err(e)) = web::block(move || store.put_free_copy(&key, &value)).await {
            tracing::warn!(doi, error = %error_chain(&e), "an Unpaywall answer could not be cached");
        }
        cache.insert(doi.clone(), checked);
    }
    if let Some(error) = first_error {
        tracing::warn!(
            asked = due.len(),
            failed = failures,
            first = error,
            "Unpaywall lookups failed; the last answers (if any) stay, and they are asked again in an hour"
        );
    } else if !due.is_empty() {
        tracing::info!(
            asked = due.len(),
            found,
            "looked up free copies on Unpaywall"
        );
    }
    state.set_free_copies(&cache);
}

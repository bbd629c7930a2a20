//! `serve --retain-days N`: at start, before the store opens for serving, visit records older
//! than N days are removed from the event log (`Store::forget_before`; the figures stay) and,
//! when anything was removed since the last start, the files are compacted so the folder
//! shrinks (`store::compact`); then every hour while serving the records that have grown too
//! old are removed (their room is reused, and given back to the disk at the next start). The
//! hourly pass runs on a blocking thread: it reads and rewrites sled blocks.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use jiff::{SignedDuration, Timestamp};

use crate::clock::Clock;
use crate::store::compact::{self, Compacted};
use crate::store::{Store, StoreError};

/// In the data folder while records were removed that the files still take room for.
const COMPACT_DUE: &str = "retention-compact-due";

/// How often retention looks for records that have grown too old.
const EVERY: Duration = Duration::from_secs(3600);

/// The moment before which records go, `days` before `now`.
pub fn cutoff(now: Timestamp, days: u32) -> Timestamp {
    now.checked_sub(SignedDuration::from_hours(24 * i64::from(days)))
        .unwrap_or(Timestamp::MIN)
}

/// Before `serve` opens the store in `data`: removes what is older than `days` and compacts
/// the files when records were removed since they were last compacted.
pub fn at_start(
    data: &Path,
    days: u32,
    now: Timestamp,
    cache_bytes: u64,
) -> Result<Option<Compacted>, StoreError> {
    compact::recover(data)?;
    let gone = {
        let store = Store::open(data, cache_bytes)?;
        let gone = store.forget_before(cutoff(now, days))?;
        store.flush()?;
        gone
    };
    let due = data.join(COMPACT_DUE);
    if gone.records == 0 && !due.exists() {
        return Ok(None);
    }
    let done = compact::compact(data)?;
    if done.is_some() {
        let _ = std::fs::remove_file(&due);
    } else {
        std::fs::write(&due, b"")?;
    }
    if let Some(c) = done {
        tracing::info!(
            records = gone.records,
            before_bytes = c.before,
            after_bytes = c.after,
            "retention: old visit records removed and the store compacted"
        );
    }
    Ok(done)
}

/// Removes what has grown too old, now and every hour, until the server stops.
pub async fn keep_trimmed(store: Arc<Store>, clock: Arc<dyn Clock>, days: u32, data: PathBuf) {
    loop {
        let cut = cutoff(clock.now(), days);
        let trimmed = store.clone();
        match actix_web::web::block(move || trimmed.forget_before(cut)).await {
            Ok(Ok(gone)) if gone.records > 0 => {
                // The room is reused meanwhile; the next start gives it back to the disk.
                let _ = std::fs::write(data.join(COMPACT_DUE), b"");
                tracing::info!(records = gone.records, before = %cut, "retention: old visit records removed; the figures keep them")
            }
            Ok(Ok(_)) => {}
            Ok(Err(e)) => {
                tracing::error!(error = %crate::error_chain(&e), "retention: old visit records could not be removed; trying again in an hour")
            }
            Err(e) => tracing::error!(error = %e, "retention: the blocking pool failed"),
        }
        actix_web::rt::time::sleep(EVERY).await;
    }
}

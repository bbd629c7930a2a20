//! The catalog while serving: the last good one, loaded again after an edit. A valid edit
//! replaces it; an invalid one is reported and the last good catalog keeps serving.
//!
//! Nothing here knows about HTTP or a runtime: the server decides when to reload (a watch of
//! `Fingerprint`s, SIGHUP, the dashboard button) and what else a new catalog clears.

use parking_lot::{Mutex, RwLock};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::SystemTime;

use jiff::Timestamp;

use super::{Catalog, Problem, load};

/// What the last reload of the exhibit files did.
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct ReloadStatus {
    /// When the catalog now serving was loaded.
    pub loaded_at: Option<Timestamp>,
    /// The problems of the last rejected edit, if the last attempt failed.
    pub problems: Vec<String>,
    pub failed_at: Option<Timestamp>,
    /// The files on disk failed the check at start: the last good copy (`last_good`) is
    /// serving until they pass again.
    pub from_last_good: bool,
}

/// The catalog now serving, and where it is loaded from.
pub struct LiveCatalog {
    current: RwLock<Arc<Catalog>>,
    dir: PathBuf,
    /// The outcome of the latest reload.
    status: Mutex<ReloadStatus>,
    /// The data folder, where each catalog that loads cleanly is kept (`last_good`).
    data: Option<PathBuf>,
}

impl LiveCatalog {
    /// Serves `catalog`, loaded from `dir` at `now`.
    pub fn new(catalog: Catalog, dir: PathBuf, now: Timestamp) -> LiveCatalog {
        LiveCatalog {
            current: RwLock::new(Arc::new(catalog)),
            dir,
            status: Mutex::new(ReloadStatus {
                loaded_at: Some(now),
                ..ReloadStatus::default()
            }),
            data: None,
        }
    }

    /// Keeps the exhibit files of every clean reload in the data folder `data`.
    pub fn keeping_last_good(mut self, data: PathBuf) -> LiveCatalog {
        self.data = Some(data);
        self
    }

    /// The catalog serving is the last good copy: the files on disk had `problems` at start.
    pub fn started_from_last_good(&self, problems: &[Problem], now: Timestamp) {
        let mut status = self.status.lock();
        status.problems = problems.iter().map(ToString::to_string).collect();
        status.failed_at = Some(now);
        status.from_last_good = true;
    }

    pub fn get(&self) -> Arc<Catalog> {
        self.current.read().clone()
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    pub fn status(&self) -> ReloadStatus {
        self.status.lock().clone()
    }

    /// Loads the exhibit files again. A valid catalog is first shown to `prepare` (to fill
    /// whatever it needs before visitors see it), then replaces the one serving.
    pub fn reload(
        &self,
        now: Timestamp,
        prepare: impl FnOnce(&Catalog),
    ) -> Result<(), Vec<Problem>> {
        // Held across the load, so overlapping reloads (watch, SIGHUP, button) cannot finish
        // out of order and leave an older catalog serving.
        let mut status = self.status.lock();
        match load(&self.dir) {
            Ok(fresh) => {
                prepare(&fresh);
                *self.current.write() = Arc::new(fresh);
                *status = ReloadStatus {
                    loaded_at: Some(now),
                    ..ReloadStatus::default()
                };
                tracing::info!(dir = %self.dir.display(), "exhibit files reloaded");
                if let Some(data) = &self.data
                    && let Err(e) = super::last_good::keep(&self.dir, data)
                {
                    tracing::warn!(error = %e, "the exhibit files could not be kept as the last good copy");
                }
                Ok(())
            }
            Err(problems) => {
                status.problems = problems.iter().map(ToString::to_string).collect();
                status.failed_at = Some(now);
                tracing::warn!(problems = ?status.problems, "exhibit edit rejected; the last good catalog keeps serving");
                Err(problems)
            }
        }
    }
}

/// Every file under a folder with its modification time and size: when it changes, the
/// exhibit files were edited.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Fingerprint(Vec<(PathBuf, Option<SystemTime>, u64)>);

impl Fingerprint {
    pub fn of(dir: &Path) -> Fingerprint {
        let mut out = Vec::new();
        let mut stack = vec![dir.to_path_buf()];
        while let Some(d) = stack.pop() {
            let Ok(entries) = std::fs::read_dir(&d) else {
                continue;
            };
            for entry in entries.flatten() {
                let Ok(meta) = entry.metadata() else { continue };
                if meta.is_dir() {
                    stack.push(entry.path());
                } else {
                    out.push((entry.path(), meta.modified().ok(), meta.len()));
                }
            }
        }
        out.sort();
        Fingerprint(out)
    }
}

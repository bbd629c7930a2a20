//! Imports made with `docent import` reach the audit trail. The command writes the exhibit
//! files through the one save (history entries named `import::WHO`), not through the server,
//! and may run while the server is down; the server records each import it has not seen when
//! it loads the files again (the watch, SIGHUP, the reload button) and when it starts.
//! What it has seen is the newest history entry of each exhibition, kept in the store, so an
//! import is recorded once, also across restarts.

use std::collections::HashMap;

use crate::catalog::Catalog;
use crate::catalog::save::{self, Kept};
use crate::store::{AuditEntry, SharedChange, Store};

/// Records every import newer than the last one recorded, per exhibition.
pub(super) fn audit_new(catalog: &Catalog, store: &Store, now: jiff::Timestamp) {
    for e in &catalog.exhibitions {
        let seen = store.import_seen(&e.id).unwrap_or_default();
        let kept = save::history(&e.dir);
        let Some(newest) = kept.first().map(|k| k.id.clone()) else {
            continue;
        };
        if seen.as_deref() >= Some(newest.as_str()) {
            continue;
        }
        // Saves of one import share their time; group its files.
        let mut imports: HashMap<&str, Vec<&Kept>> = HashMap::new();
        for k in kept.iter().filter(|k| {
            k.who == crate::import::WHO && seen.as_deref().is_none_or(|s| k.id.as_str() > s)
        }) {
            imports.entry(k.at.as_str()).or_default().push(k);
        }
        let mut imports: Vec<_> = imports.into_iter().collect();
        imports.sort_by_key(|(at, _)| *at);
        for (at, files) in imports {
            let stories = files
                .iter()
                .filter(|k| k.file.starts_with("stories/"))
                .count();
            let detail = format!(
                "{stories} stories from a spreadsheet, saved {}: {}",
                readable(at),
                files
                    .iter()
                    .map(|k| k.file.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            );
            let entry = AuditEntry::new(
                now,
                crate::import::WHO,
                Some(e.id.clone()),
                "import",
                detail,
            );
            let stored =
                entry.and_then(|entry| store.change(&SharedChange::Audit(Box::new(entry))));
            if let Err(err) = stored {
                tracing::error!(exhibition = %e.id, error = %crate::error_chain(&err), "an import could not be recorded in the audit trail");
                return;
            }
        }
        if let Err(err) = store.set_import_seen(&e.id, &newest) {
            tracing::warn!(exhibition = %e.id, error = %crate::error_chain(&err), "the last import seen could not be stored");
        }
    }
}

/// `20261202T074542.277384Z` (a history entry's time) as `2026-12-02 07:45:42 UTC`.
fn readable(at: &str) -> String {
    let b = at.as_bytes();
    let digits = |r: std::ops::Range<usize>| {
        at.get(r.clone())
            .filter(|s| s.bytes().all(|c| c.is_ascii_digit()))
    };
    match (
        digits(0..4),
        digits(4..6),
        digits(6..8),
        b.get(8),
        digits(9..11),
        digits(11..13),
        digits(13..15),
    ) {
        (Some(y), Some(mo), Some(d), Some(b'T'), Some(h), Some(mi), Some(s)) => {
            format!("{y}-{mo}-{d} {h}:{mi}:{s} UTC")
        }
        _ => at.to_string(),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn history_times_read_as_dates() {
        assert_eq!(
            super::readable("20261202T074542.277384Z"),
            "2026-12-02 07:45:42 UTC"
        );
        assert_eq!(super::readable("garbage"), "garbage");
    }
}

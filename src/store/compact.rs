//! Giving the disk back after retention: sled reuses the room of removed records but does not
//! shrink its files, so at start (before the store opens) the database is copied into a fresh
//! one (`export` / `import`, every tree and key as it is) and the fresh files take the old
//! ones' place. Only sled's own files move (`conf`, `db`, `blobs`, `snap.*`): the data folder
//! also holds docent's other files (the last good catalog, the simulate marker).
//!
//! The swap survives a crash at any step: the copy is finished and marked before anything is
//! moved, and `recover` (run before every open through `compact`, and by `serve` at start)
//! completes a swap that was under way, or drops a copy that was never finished.
//!
//! sled's `generate_id` counter is not exported, and the outbox and change trees are keyed
//! by it: a store whose outbox holds anything is not compacted (it is, at a later start).

use std::path::{Path, PathBuf};

use super::{Result, StoreError};

const NEW: &str = ".compact.new";
const OLD: &str = ".compact.old";
const READY: &str = "READY";

/// What a compaction did: the sled files' size before and after, bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Compacted {
    pub before: u64,
    pub after: u64,
}

/// sled's files in `dir`.
fn sled_files(dir: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let name = entry.file_name();
        let name = name.to_string_lossy();
        if matches!(name.as_ref(), "conf" | "db" | "blobs") || name.starts_with("snap.") {
            files.push(entry.path());
        }
    }
    files
}

fn size_of(path: &Path) -> u64 {
    match std::fs::symlink_metadata(path) {
        Ok(m) if m.is_dir() => std::fs::read_dir(path)
            .into_iter()
            .flatten()
            .flatten()
            .map(|e| size_of(&e.path()))
            .sum(),
        Ok(m) => m.len(),
        Err(_) => 0,
    }
}

/// The bytes sled's files take in `dir`.
pub fn sled_size(dir: &Path) -> u64 {
    sled_files(dir).iter().map(|p| size_of(p)).sum()
}

/// Completes or undoes a swap a crash interrupted.
pub fn recover(dir: &Path) -> Result<()> {
    let (new, old) = (dir.join(NEW), dir.join(OLD));
    if new.join(READY).exists() {
        // The copy was finished: whatever of the old files is still in place goes, then the
        // new files move in.
        if old.exists() || !sled_files(dir).is_empty() {
            std::fs::create_dir_all(&old)?;
            for file in sled_files(dir) {
                std::fs::rename(&file, old.join(file.file_name().unwrap_or_default()))?;
            }
        }
        for file in sled_files(&new) {
            std::fs::rename(&file, dir.join(file.file_name().unwrap_or_default()))?;
        }
        std::fs::remove_dir_all(&new)?;
    } else if new.exists() {
        std::fs::remove_dir_all(&new)?;
    }
    if old.exists() {
        std::fs::remove_dir_all(&old)?;
    }
    Ok(())
}

/// Copies the closed store in `dir` into fresh files and puts them in place; `None` when it
/// was left as it is (changes still to be sent to other replicas).
pub fn compact(dir: &Path) -> Result<Option<Compacted>> {
    recover(dir)?;
    let before = sled_size(dir);
    if !copy(dir)? {
        return Ok(None);
    }
    recover(dir)?;
    Ok(Some(Compacted {
        before,
        after: sled_size(dir),
    }))
}

/// Writes the fresh copy and marks it finished; `false` when the store must not be copied.
fn copy(dir: &Path) -> Result<bool> {
    let new = dir.join(NEW);
    {
        let db = open(dir)?;
        for tree in ["outbox.v1", "changes.v1"] {
            if !db.open_tree(tree)?.is_empty() {
                return Ok(false);
            }
        }
        let fresh = open(&new)?;
        fresh.import(db.export());
        fresh.flush()?;
    }
    std::fs::write(new.join(READY), b"")?;
    Ok(true)
}

/// Opens sled in `dir`, waiting briefly for a lock a handle just dropped may still hold.
fn open(dir: &Path) -> Result<sled::Db> {
    let mut tries = 0;
    loop {
        match sled::Config::new().path(dir).open() {
            Err(sled::Error::Io(e)) if e.kind() == std::io::ErrorKind::Other && tries < 40 => {
                tries += 1;
                std::thread::sleep(std::time::Duration::from_millis(25));
            }
            other => return other.map_err(StoreError::from),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::{Event, Period, Store};

    #[test]
    fn a_compacted_store_is_smaller_and_holds_the_same() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("simulated"), "kept").unwrap();
        let events: Vec<Event> = (0..4000)
            .map(|i| {
                let day = if i < 3000 { "2026-10-01" } else { "2026-11-20" };
                Event::Scan(crate::store::tests::visit(day, "alphago", i, false))
            })
            .collect();
        let store = Store::open(dir.path(), 1 << 20).unwrap();
        for batch in events.chunks(10) {
            store.append(batch).unwrap();
        }
        let figures = store.counters("show", Period::All);
        store
            .forget_before("2026-11-01T00:00:00Z".parse().unwrap())
            .unwrap();
        store.flush().unwrap();
        drop(store);
        let done = compact(dir.path()).unwrap().expect("nothing to send");
        assert!(done.after < done.before, "{done:?}");
        assert_eq!(sled_size(dir.path()), done.after);
        let store = Store::open(dir.path(), 1 << 20).unwrap();
        assert_eq!(store.counters("show", Period::All), figures);
        assert_eq!(store.scans().unwrap().len(), 1000);
        assert!(store.session_secret().is_ok());
        assert_eq!(
            std::fs::read_to_string(dir.path().join("simulated")).unwrap(),
            "kept"
        );
        assert!(!dir.path().join(NEW).exists() && !dir.path().join(OLD).exists());
    }

    #[test]
    fn a_swap_cut_short_is_completed_and_an_unfinished_copy_dropped() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path(), 1 << 20).unwrap();
        store
            .append([&Event::Scan(crate::store::tests::visit(
                "2026-11-20",
                "alphago",
                1,
                false,
            ))])
            .unwrap();
        drop(store);
        // An unfinished copy: dropped, the store untouched.
        std::fs::create_dir_all(dir.path().join(NEW)).unwrap();
        std::fs::write(dir.path().join(NEW).join("db"), b"half").unwrap();
        recover(dir.path()).unwrap();
        assert!(!dir.path().join(NEW).exists());
        // A finished copy whose old files were half moved away: the swap completes.
        assert!(copy(dir.path()).unwrap());
        std::fs::create_dir_all(dir.path().join(OLD)).unwrap();
        std::fs::rename(dir.path().join("db"), dir.path().join(OLD).join("db")).unwrap();
        recover(dir.path()).unwrap();
        assert!(!dir.path().join(NEW).exists() && !dir.path().join(OLD).exists());
        let store = Store::open(dir.path(), 1 << 20).unwrap();
        assert_eq!(store.scans().unwrap().len(), 1);
    }
}

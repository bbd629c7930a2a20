//! The one way exhibit files change: the story editor, the phase editor, undo and `docent
//! import` all save through `save`, so each of them gets every guarantee:
//! - one save at a time per exhibits folder, across processes: a lock on
//!   `<exhibits>/.history/save.lock`, held by the server's saves and by `docent import` (a save
//!   that cannot take it within a few seconds is refused as `Busy`, writing nothing);
//! - every save is checked first with the same checks as `docent check`, on a scratch copy of
//!   all exhibit files (hard links, inside `<exhibits>/.history/`, never in the system's
//!   temporary folder); a rejected save writes nothing;
//! - a save happens whole or not at all: every new file (story, cover, history entry) is
//!   written and synced under a fresh `*.saving` name beside its place, the version each file
//!   was opened at is compared again (still under the lock, right before the switch), then one
//!   synced intent file (`<exhibits>/.history/save.intent`) lists the renames, and only then are
//!   they done: covers before the stories that name them, `exhibition.toml` last. A save that
//!   dies before the intent is written leaves the old files (its `*.saving` files are removed
//!   by the next save or start, `recover`); one that dies after it is finished by them. A full
//!   disk fails while staging, so it leaves the old version and no empty history entry;
//! - what each file was before is kept in the exhibition's `.history/` folder (`history`), and
//!   any kept version can be put back, which is itself a change that can be undone.

mod files;
mod history;
mod recover;

use std::fs::{File, OpenOptions, TryLockError};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use jiff::Timestamp;

use super::Problem;
use super::edit::version_of;
use files::{link_dir, sync_dir, version_on_disk, write_synced};
pub use history::{Kept, history, kept_bytes};
pub use recover::{Recovered, recover};
use recover::{discard_leftovers, finish_or_discard};

pub const HISTORY: &str = ".history";
/// Inside the exhibits folder's own `.history/` (which no check reads and no scratch copy takes).
const LOCK_FILE: &str = "save.lock";
/// The renames of a save under way, written once everything they need is on disk.
const INTENT: &str = "save.intent";
/// New files are written under this suffix first, beside the place they go.
const STAGED: &str = "saving";
const SCRATCH: &str = "scratch-";
/// How long a save waits for another to finish: saves take well under a second.
const LOCK_WAIT: Duration = Duration::from_secs(5);

#[derive(Debug, thiserror::Error)]
pub enum SaveError {
    #[error(
        "someone saved this file after you opened it; nothing was written. Open it again to see their change, then make yours"
    )]
    Stale,
    #[error(
        "another save of the exhibit files is under way and did not finish within {} seconds; nothing was written. Try again",
        LOCK_WAIT.as_secs()
    )]
    Busy,
    #[error("the change was not saved: {} problem(s)", .0.len())]
    Rejected(Vec<Problem>),
    #[error("no kept version `{0}`")]
    NoSuchVersion(String),
    /// The exhibits folder is read-only to docent (a read-only mount, or no write permission).
    #[error("docent may not write in {}; nothing was written", .path.display())]
    ReadOnly {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    /// The disk holding the exhibits is full.
    #[error("the disk holding {} is full; nothing was written", .path.display())]
    DiskFull {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("the file could not be read or written: {0}")]
    Io(#[from] std::io::Error),
}

impl SaveError {
    /// An I/O error that a person can act on (a read-only folder, a full disk) named as such.
    fn classified(self, root: &Path) -> SaveError {
        use std::io::ErrorKind;
        match self {
            SaveError::Io(source) => match source.kind() {
                ErrorKind::ReadOnlyFilesystem | ErrorKind::PermissionDenied => {
                    SaveError::ReadOnly {
                        path: root.to_path_buf(),
                        source,
                    }
                }
                ErrorKind::StorageFull | ErrorKind::QuotaExceeded => SaveError::DiskFull {
                    path: root.to_path_buf(),
                    source,
                },
                _ => SaveError::Io(source),
            },
            other => other,
        }
    }
}

/// A file to write (or remove), relative to an exhibition folder.
#[derive(Debug, Clone)]
pub struct Change {
    file: String,
    /// `None`: the file goes away (undoing the change that made it).
    bytes: Option<Vec<u8>>,
}

impl Change {
    pub fn write(file: impl Into<String>, bytes: impl Into<Vec<u8>>) -> Change {
        Change {
            file: file.into(),
            bytes: Some(bytes.into()),
        }
    }

    fn remove(file: impl Into<String>) -> Change {
        Change {
            file: file.into(),
            bytes: None,
        }
    }
}

/// What a save expects of a file on disk (relative to the exhibition folder): at the version the
/// editor showed (`Some`), or not there yet (`None`).
pub type Expected<'a> = (&'a str, Option<&'a str>);

/// The exhibits folder's save lock, held while it lives (`flock`, so a process that dies
/// lets go of it).
struct SaveLock(#[allow(dead_code)] File);

impl SaveLock {
    fn take(root: &Path) -> Result<SaveLock, SaveError> {
        let folder = root.join(HISTORY);
        std::fs::create_dir_all(&folder)?;
        let file = OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(folder.join(LOCK_FILE))?;
        let deadline = Instant::now() + LOCK_WAIT;
        loop {
            match file.try_lock() {
                Ok(()) => return Ok(SaveLock(file)),
                Err(TryLockError::WouldBlock) if Instant::now() < deadline => {
                    std::thread::sleep(Duration::from_millis(50));
                }
                Err(TryLockError::WouldBlock) => return Err(SaveError::Busy),
                Err(TryLockError::Error(e)) => return Err(e.into()),
            }
        }
    }
}

/// Whether docent may write in the exhibits folder `root`: its save lock opens for writing,
/// or, before the first save, a probe file can be made (and is removed at once). Nothing is
/// left behind, so looking never changes the folder. Blocking.
pub fn writable(root: &Path) -> bool {
    let lock = root.join(HISTORY).join(LOCK_FILE);
    if lock.is_file() {
        return OpenOptions::new().write(true).open(lock).is_ok();
    }
    tempfile::Builder::new()
        .prefix(".docent-probe-")
        .tempfile_in(root)
        .is_ok()
}

/// Saves `changes` into the exhibition folder `dir` (inside the exhibits folder `root`), as
/// `who`: under the save lock, refused as stale unless every `expected` file is as expected,
/// checked on a scratch copy, then switched whole (see the module's comment).
/// Blocking (file I/O, a full check): call it off the async executor.
pub fn save(
    root: &Path,
    dir: &Path,
    expected: &[Expected<'_>],
    changes: &[Change],
    who: &str,
    now: Timestamp,
) -> Result<(), SaveError> {
    save_locked(root, dir, expected, changes, who, now).map_err(|e| e.classified(root))
}

fn save_locked(
    root: &Path,
    dir: &Path,
    expected: &[Expected<'_>],
    changes: &[Change],
    who: &str,
    now: Timestamp,
) -> Result<(), SaveError> {
    let _lock = SaveLock::take(root)?;
    finish_or_discard(root)?;
    check_versions(dir, expected)?;
    check_on_scratch(root, dir, changes)?;
    pause_at("checked");
    let staged = Staged::write(root, dir, changes, who, now);
    let staged = match staged {
        Ok(staged) => staged,
        Err(e) => {
            discard_leftovers(root);
            return Err(e.into());
        }
    };
    pause_at("staged");
    // Again, right before the switch: a hand edit since the first look is not overwritten.
    if let Err(e) = check_versions(dir, expected) {
        staged.discard();
        return Err(e);
    }
    staged.commit(root)?;
    Ok(())
}

fn check_versions(dir: &Path, expected: &[Expected<'_>]) -> Result<(), SaveError> {
    for (file, base) in expected {
        if version_on_disk(&dir.join(file))?.as_deref() != *base {
            return Err(SaveError::Stale);
        }
    }
    Ok(())
}

/// A save's new files, written under fresh names: (staged, final) relative to the exhibits
/// folder, in the order they are switched; and the files that go away.
#[derive(serde::Serialize, serde::Deserialize)]
struct Intent {
    renames: Vec<(PathBuf, PathBuf)>,
    removes: Vec<PathBuf>,
}

struct Staged {
    root: PathBuf,
    intent: Intent,
}

impl Staged {
    /// Writes and syncs every new file (and each history entry) under a `*.saving` name.
    fn write(
        root: &Path,
        dir: &Path,
        changes: &[Change],
        who: &str,
        now: Timestamp,
    ) -> std::io::Result<Staged> {
        let relative = dir
            .strip_prefix(root)
            .unwrap_or(Path::new(""))
            .to_path_buf();
        let tx = format!("{:08x}", fastrand::u32(..));
        let mut staged = Staged {
            root: root.to_path_buf(),
            intent: Intent {
                renames: Vec::new(),
                removes: Vec::new(),
            },
        };
        let mut files = Vec::new();
        for (n, change) in changes.iter().enumerate() {
            let old = match std::fs::read(dir.join(&change.file)) {
                Ok(old) => Some(old),
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
                Err(e) => return Err(e),
            };
            if change.bytes.is_none() && old.is_none() {
                continue;
            }
            let (name, entry) = history::entry(now, n, who, &change.file, old.as_deref());
            let kept = relative.join(HISTORY).join(name);
            staged.stage(&kept, &entry, &tx)?;
            let target = relative.join(&change.file);
            match &change.bytes {
                Some(bytes) => files.push((target, bytes)),
                None => staged.intent.removes.push(target),
            }
        }
        // Covers (and any other file) before the story files that name them, `exhibition.toml`
        // (which names the stories) last: a save cut short between two renames leaves files
        // that still pass the check, and the next start finishes it.
        files.sort_by_key(|(target, _)| rank(target));
        for (target, bytes) in files {
            staged.stage(&target, bytes, &tx)?;
        }
        Ok(staged)
    }

    fn stage(&mut self, target: &Path, bytes: &[u8], tx: &str) -> std::io::Result<()> {
        let mut name = target.file_name().unwrap_or_default().to_os_string();
        name.push(format!(".{tx}.{STAGED}"));
        let staged = target.with_file_name(name);
        // Listed first, so a failure half-way through writing it still cleans it up.
        self.intent
            .renames
            .push((staged.clone(), target.to_path_buf()));
        write_synced(&self.root.join(&staged), bytes)
    }

    /// Nothing of this save reaches the files: its staged files are removed.
    fn discard(self) {
        for (staged, _) in &self.intent.renames {
            let _ = std::fs::remove_file(self.root.join(staged));
        }
    }

    /// The switch: the intent written (synced, renamed into place), then the renames.
    fn commit(self, root: &Path) -> Result<(), SaveError> {
        let folder = root.join(HISTORY);
        let bytes = serde_json::to_vec(&self.intent).expect("paths and strings");
        let written = write_synced(&folder.join(format!("{INTENT}.{STAGED}")), &bytes)
            .and_then(|()| {
                std::fs::rename(
                    folder.join(format!("{INTENT}.{STAGED}")),
                    folder.join(INTENT),
                )
            })
            .and_then(|()| sync_dir(&folder));
        if let Err(e) = written {
            let _ = std::fs::remove_file(folder.join(format!("{INTENT}.{STAGED}")));
            self.discard();
            return Err(e.into());
        }
        pause_at("committed");
        roll_forward(root, &self.intent)?;
        Ok(())
    }
}

/// Where a file goes in the switch: covers and other files, then stories, then the exhibition.
fn rank(target: &Path) -> u8 {
    match target.extension().and_then(|x| x.to_str()) {
        Some("toml") if target.file_name().is_some_and(|n| n == "exhibition.toml") => 2,
        Some("toml") => 1,
        _ => 0,
    }
}

/// Does a committed intent's renames (those not done yet) and removals, then forgets it.
fn roll_forward(root: &Path, intent: &Intent) -> std::io::Result<()> {
    let mut dirs = std::collections::BTreeSet::new();
    for (i, (staged, target)) in intent.renames.iter().enumerate() {
        let (from, to) = (root.join(staged), root.join(target));
        if from.exists() {
            std::fs::rename(&from, &to)?;
        }
        if let Some(parent) = to.parent() {
            dirs.insert(parent.to_path_buf());
        }
        if i == 0 {
            pause_at("switching");
        }
    }
    for gone in &intent.removes {
        match std::fs::remove_file(root.join(gone)) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => return Err(e),
            _ => {}
        }
    }
    for dir in dirs {
        sync_dir(&dir)?;
    }
    pause_at("switched");
    let folder = root.join(HISTORY);
    std::fs::remove_file(folder.join(INTENT))?;
    sync_dir(&folder)
}

/// The same checks as `docent check`, on a copy of every exhibit file with `changes` made;
/// the problems found name the real files. The copy is made of hard links (no disk space, no
/// time for covers) in `<root>/.history/`, so a save killed here leaves nothing in the
/// system's temporary folder, and the next save or start removes it.
fn check_on_scratch(root: &Path, dir: &Path, changes: &[Change]) -> Result<(), SaveError> {
    let scratch = tempfile::Builder::new()
        .prefix(SCRATCH)
        .tempdir_in(root.join(HISTORY))?;
    link_dir(root, scratch.path())?;
    let relative = dir.strip_prefix(root).unwrap_or(Path::new(""));
    for change in changes {
        let path = scratch.path().join(relative).join(&change.file);
        // Removed first: the scratch file may be a hard link to the real one.
        match std::fs::remove_file(&path) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => return Err(e.into()),
            _ => {}
        }
        if let Some(bytes) = &change.bytes {
            if let Some(parent) = path.parent() {
                std::fs::create_dir_all(parent)?;
            }
            std::fs::write(path, bytes)?;
        }
    }
    match super::load(scratch.path()) {
        Ok(_) => Ok(()),
        Err(problems) => {
            let (from, to) = (
                scratch.path().display().to_string(),
                root.display().to_string(),
            );
            Err(SaveError::Rejected(
                problems
                    .into_iter()
                    .map(|p| Problem {
                        path: p
                            .path
                            .strip_prefix(scratch.path())
                            .map_or_else(|_| p.path.clone(), |rest| root.join(rest)),
                        line: p.line,
                        message: p.message.replace(&from, &to),
                    })
                    .collect(),
            ))
        }
    }
}

/// Puts a kept version back (checked like any save; the file it replaces is kept in turn);
/// a version kept of a file the save made removes that file. Returns the file.
pub fn undo(
    root: &Path,
    dir: &Path,
    id: &str,
    who: &str,
    now: Timestamp,
) -> Result<String, SaveError> {
    let kept = history(dir)
        .into_iter()
        .find(|k| k.id == id)
        .ok_or_else(|| SaveError::NoSuchVersion(id.to_string()))?;
    let change = if kept.created {
        Change::remove(&kept.file)
    } else {
        Change::write(&kept.file, history::kept_bytes(dir, &kept)?)
    };
    let base = version_on_disk(&dir.join(&kept.file))?;
    save(
        root,
        dir,
        &[(&kept.file, base.as_deref())],
        &[change],
        who,
        now,
    )?;
    Ok(kept.file)
}

/// Tests only (debug builds): with `DOCENT_TEST_PAUSE_AT=<step>`, a save stops at that step
/// (`checked`, `staged`, `committed`, `switching`, `switched`; `docent import` adds `covers`)
/// so a test can kill the process exactly there, or change a file meanwhile. When
/// `DOCENT_TEST_PAUSED=<file>` is set, the step's name is written there, and the save goes on
/// once the file is removed (or after ten minutes).
pub(crate) fn pause_at(step: &str) {
    #[cfg(debug_assertions)]
    if std::env::var("DOCENT_TEST_PAUSE_AT").is_ok_and(|at| at == step) {
        let marker = std::env::var_os("DOCENT_TEST_PAUSED").map(PathBuf::from);
        if let Some(marker) = &marker {
            let _ = std::fs::write(marker, step);
        }
        let deadline = Instant::now() + Duration::from_secs(600);
        while Instant::now() < deadline && marker.as_ref().is_none_or(|m| m.exists()) {
            std::thread::sleep(Duration::from_millis(20));
        }
    }
    #[cfg(not(debug_assertions))]
    let _ = step;
}

#[cfg(test)]
mod tests;

//! The one way exhibit files change: the story editor, the phase editor, undo and `docent
//! import` all save through `save`, so each of them gets every guarantee:
//! - one save at a time per exhibits folder, across processes: a lock on
//!   `<exhibits>/.history/save.lock`, held by the server's saves and by `docent import` (a save
//!   that cannot take it within a few seconds is refused as `Busy`, writing nothing);
//! - a save based on an older version of a file than the one on disk is refused (`Stale`);
//! - every save is checked first with the same checks as `docent check`, on a scratch copy of
//!   all exhibit files; a rejected save writes nothing;
//! - each file is written atomically (a synced temporary file renamed over it), so the
//!   reloader, or a reader after a crash, sees the old file or the new one, never a part;
//! - what each file was before is kept in the exhibition's `.history/` folder (who, when; a
//!   file that did not exist yet is kept as a `.new` marker), and any kept version can be put
//!   back, which is itself a change that can be undone.

use std::fs::{File, OpenOptions, TryLockError};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use jiff::Timestamp;

use super::Problem;
use super::edit::version_of;

pub const HISTORY: &str = ".history";
/// Inside the exhibits folder's own `.history/` (which no check reads and no scratch copy takes).
const LOCK_FILE: &str = "save.lock";
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
    #[error("the file could not be read or written: {0}")]
    Io(#[from] std::io::Error),
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

/// Saves `changes` into the exhibition folder `dir` (inside the exhibits folder `root`), as
/// `who`: under the save lock, refused as stale unless every `expected` file is as expected,
/// checked on a scratch copy, then each file written atomically, what it was kept in history.
/// Blocking (file I/O, a full check): call it off the async executor.
pub fn save(
    root: &Path,
    dir: &Path,
    expected: &[Expected<'_>],
    changes: &[Change],
    who: &str,
    now: Timestamp,
) -> Result<(), SaveError> {
    let _lock = SaveLock::take(root)?;
    for (file, base) in expected {
        if version_on_disk(&dir.join(file))?.as_deref() != *base {
            return Err(SaveError::Stale);
        }
    }
    check_on_scratch(root, dir, changes)?;
    let stamp = now.strftime("%Y%m%dT%H%M%S%.6fZ").to_string();
    for change in changes {
        let path = dir.join(&change.file);
        let old = match std::fs::read(&path) {
            Ok(old) => Some(old),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
            Err(e) => return Err(e.into()),
        };
        match (&change.bytes, old) {
            (Some(bytes), old) => {
                keep(dir, &stamp, who, &change.file, old.as_deref())?;
                write_atomically(&path, bytes)?;
            }
            (None, Some(old)) => {
                keep(dir, &stamp, who, &change.file, Some(&old))?;
                std::fs::remove_file(&path)?;
            }
            (None, None) => {}
        }
    }
    Ok(())
}

/// The same checks as `docent check`, on a copy of every exhibit file with `changes` made;
/// the problems found name the real files.
fn check_on_scratch(root: &Path, dir: &Path, changes: &[Change]) -> Result<(), SaveError> {
    let scratch = tempfile::tempdir()?;
    copy_dir(root, scratch.path())?;
    let relative = dir.strip_prefix(root).unwrap_or(Path::new(""));
    for change in changes {
        let path = scratch.path().join(relative).join(&change.file);
        match &change.bytes {
            Some(bytes) => {
                if let Some(parent) = path.parent() {
                    std::fs::create_dir_all(parent)?;
                }
                std::fs::write(path, bytes)?;
            }
            None if path.exists() => std::fs::remove_file(path)?,
            None => {}
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

/// A kept version: `.history/<time>--<who>--<file with / as __>.bak` holding the file as it
/// was, or `.new` (empty) when the save made the file.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Kept {
    pub id: String,
    pub at: String,
    pub who: String,
    pub file: String,
    /// The file did not exist before: putting this version back removes it.
    pub created: bool,
}

const KEPT: &str = ".bak";
const CREATED: &str = ".new";

fn keep(dir: &Path, stamp: &str, who: &str, file: &str, old: Option<&[u8]>) -> std::io::Result<()> {
    let history = dir.join(HISTORY);
    std::fs::create_dir_all(&history)?;
    let who: String = who
        .chars()
        .map(|c| if c.is_alphanumeric() { c } else { '-' })
        .take(40)
        .collect();
    let suffix = if old.is_some() { KEPT } else { CREATED };
    let name = format!("{stamp}--{who}--{}{suffix}", file.replace('/', "__"));
    std::fs::write(history.join(name), old.unwrap_or_default())
}

/// The kept versions of an exhibition's files, newest first. Blocking (reads a folder).
pub fn history(dir: &Path) -> Vec<Kept> {
    let mut kept: Vec<Kept> = std::fs::read_dir(dir.join(HISTORY))
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|e| {
            let name = e.file_name().to_string_lossy().into_owned();
            let (stem, created) = match name.strip_suffix(KEPT) {
                Some(stem) => (stem, false),
                None => (name.strip_suffix(CREATED)?, true),
            };
            let mut parts = stem.splitn(3, "--");
            let (at, who, file) = (parts.next()?, parts.next()?, parts.next()?);
            Some(Kept {
                id: stem.to_string(),
                at: at.to_string(),
                who: who.to_string(),
                file: file.replace("__", "/"),
                created,
            })
        })
        .collect();
    kept.sort_by(|a, b| b.id.cmp(&a.id));
    kept
}

/// Puts a kept version back (checked like any save; the file it replaces is kept in turn);
/// a `.new` marker removes the file it made. Returns the file.
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
        Change::write(
            &kept.file,
            std::fs::read(dir.join(HISTORY).join(format!("{id}{KEPT}")))?,
        )
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

/// The version of the file at `path`, `None` when there is none.
fn version_on_disk(path: &Path) -> std::io::Result<Option<String>> {
    match std::fs::read(path) {
        Ok(bytes) => Ok(Some(version_of(&bytes))),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(e),
    }
}

/// The new bytes in a temporary file beside `path`, synced, then renamed over it.
fn write_atomically(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent)?;
    }
    let tmp: PathBuf = path.with_extension("saving");
    let mut file = File::create(&tmp)?;
    file.write_all(bytes)?;
    file.sync_all()?;
    std::fs::rename(&tmp, path)
}

/// Copies a folder tree (for a scratch check), leaving out kept versions and the lock.
fn copy_dir(from: &Path, to: &Path) -> std::io::Result<()> {
    std::fs::create_dir_all(to)?;
    for entry in std::fs::read_dir(from)? {
        let entry = entry?;
        if entry.file_name() == HISTORY {
            continue;
        }
        let target = to.join(entry.file_name());
        if entry.file_type()?.is_dir() {
            copy_dir(&entry.path(), &target)?;
        } else {
            std::fs::copy(entry.path(), target)?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn demo_copy() -> tempfile::TempDir {
        let root = tempfile::tempdir().unwrap();
        let demo = Path::new(env!("CARGO_MANIFEST_DIR")).join("exhibits");
        copy_dir(&demo, root.path()).unwrap();
        root
    }

    fn at(second: i64) -> Timestamp {
        Timestamp::from_second(1_795_000_000 + second).unwrap()
    }

    #[test]
    fn a_made_file_is_kept_as_new_and_undoing_it_removes_it_which_can_be_undone_too() {
        let root = demo_copy();
        let dir = root.path().join("nature-covers");
        let cover = std::fs::read(dir.join("covers/alphago.png")).unwrap();
        let file = "covers/spare.png";
        let made = [Change::write(file, cover.clone())];
        save(root.path(), &dir, &[(file, None)], &made, "curator", at(0)).unwrap();
        let kept = history(&dir);
        assert_eq!(
            (kept.len(), kept[0].file.as_str(), kept[0].created),
            (1, file, true)
        );
        assert!(matches!(
            save(root.path(), &dir, &[(file, None)], &made, "curator", at(1)),
            Err(SaveError::Stale)
        ));

        assert_eq!(
            undo(root.path(), &dir, &kept[0].id, "x", at(2)).unwrap(),
            file
        );
        assert!(
            !dir.join(file).exists(),
            "undoing the save that made it removes it"
        );
        let kept = history(&dir);
        assert_eq!((kept.len(), kept[0].created), (2, false), "{kept:?}");
        undo(root.path(), &dir, &kept[0].id, "x", at(3)).unwrap();
        assert_eq!(std::fs::read(dir.join(file)).unwrap(), cover);
        assert!(
            std::fs::read_dir(dir.join("covers")).unwrap().all(|e| !e
                .unwrap()
                .file_name()
                .to_string_lossy()
                .ends_with(".saving")),
            "no temporary file left"
        );
    }

    #[test]
    fn a_rejected_save_writes_nothing_and_names_the_real_file() {
        let root = demo_copy();
        let dir = root.path().join("nature-covers");
        let file = "stories/alphago.toml";
        let before = std::fs::read_to_string(dir.join(file)).unwrap();
        let base = crate::catalog::edit::version(&before);
        let broken = [Change::write(file, "code = \"GO16\"\n")];
        let Err(SaveError::Rejected(problems)) = save(
            root.path(),
            &dir,
            &[(file, Some(&base))],
            &broken,
            "x",
            at(0),
        ) else {
            panic!("a story without a title is refused");
        };
        assert!(
            problems.iter().any(|p| p.path == dir.join(file)),
            "{problems:?}"
        );
        assert_eq!(std::fs::read_to_string(dir.join(file)).unwrap(), before);
        assert!(history(&dir).is_empty());
    }
}

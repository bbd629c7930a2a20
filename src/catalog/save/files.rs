//! The file operations a save is made of: a file's version on disk, a synced write, a synced
//! folder, and a folder tree as hard links for the scratch check.

use std::fs::File;
use std::io::Write;
use std::path::Path;

use super::{HISTORY, STAGED, version_of};

/// The version of the file at `path`, `None` when there is none.
pub(super) fn version_on_disk(path: &Path) -> std::io::Result<Option<String>> {
    match std::fs::read(path) {
        Ok(bytes) => Ok(Some(version_of(&bytes))),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(e),
    }
}

/// `bytes` in a new file at `path` (its folder made), synced.
pub(super) fn write_synced(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent)?;
    }
    let mut file = File::create(path)?;
    file.write_all(bytes)?;
    file.sync_all()
}

/// A folder's entries made durable (a rename is only durable once its folder is synced).
pub(super) fn sync_dir(dir: &Path) -> std::io::Result<()> {
    File::open(dir)?.sync_all()
}

/// A folder tree as hard links (copies where links cannot be made), leaving out kept
/// versions, staged files and the lock.
pub(super) fn link_dir(from: &Path, to: &Path) -> std::io::Result<()> {
    std::fs::create_dir_all(to)?;
    for entry in std::fs::read_dir(from)? {
        let entry = entry?;
        let name = entry.file_name();
        if name == HISTORY || name.to_string_lossy().ends_with(&format!(".{STAGED}")) {
            continue;
        }
        let target = to.join(&name);
        if entry.file_type()?.is_dir() {
            link_dir(&entry.path(), &target)?;
        } else if std::fs::hard_link(entry.path(), &target).is_err() {
            std::fs::copy(entry.path(), target)?;
        }
    }
    Ok(())
}

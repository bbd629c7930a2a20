//! At start, under the save lock: a save cut short after its switch began is finished (its
//! intent rolled forward), and what one cut short before left is removed.

use std::path::Path;

use super::{HISTORY, INTENT, Intent, SCRATCH, STAGED, SaveError, SaveLock, history, roll_forward};

/// What `recover` found and did.
#[derive(Debug, Default, PartialEq)]
pub struct Recovered {
    /// A save cut short after its switch began was finished.
    pub finished: bool,
    /// Staged files, scratch copies and empty history entries removed.
    pub removed: usize,
}

/// Finishes a save that was cut short after its switch began, and removes what a save cut
/// short before it left (`*.saving` files, scratch copies, empty history entries). Run at
/// start, under the save lock. Blocking.
pub fn recover(root: &Path) -> Result<Recovered, SaveError> {
    if !root.join(HISTORY).is_dir() && !has_leftovers(root) {
        return Ok(Recovered::default());
    }
    let _lock = SaveLock::take(root).map_err(|e| e.classified(root))?;
    finish_or_discard(root).map_err(|e| e.classified(root))
}

/// Under the save lock: no other save is under way, so any intent is one to finish and any
/// staged file or scratch copy is left over.
pub(super) fn finish_or_discard(root: &Path) -> Result<Recovered, SaveError> {
    let folder = root.join(HISTORY);
    let mut recovered = Recovered::default();
    match std::fs::read(folder.join(INTENT)) {
        Ok(bytes) => {
            match serde_json::from_slice::<Intent>(&bytes) {
                Ok(intent) => {
                    roll_forward(root, &intent)?;
                    recovered.finished = true;
                }
                // Written whole before it was renamed into place; not one of ours.
                Err(_) => std::fs::remove_file(folder.join(INTENT))?,
            }
            tracing::warn!(
                exhibits = %root.display(),
                "a save cut short by a stop was finished"
            );
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
        Err(e) => return Err(e.into()),
    }
    recovered.removed = discard_leftovers(root);
    if recovered.removed > 0 {
        tracing::warn!(
            exhibits = %root.display(),
            removed = recovered.removed,
            "removed what a save cut short left"
        );
    }
    Ok(recovered)
}

/// Removes staged files, scratch copies and empty history entries; returns how many.
pub(super) fn discard_leftovers(root: &Path) -> usize {
    let mut removed = 0;
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).into_iter().flatten().flatten() {
            let path = entry.path();
            let name = entry.file_name().to_string_lossy().into_owned();
            let Ok(kind) = entry.file_type() else {
                continue;
            };
            if kind.is_dir() {
                if name.starts_with(SCRATCH) && dir.ends_with(HISTORY) {
                    removed += usize::from(std::fs::remove_dir_all(&path).is_ok());
                } else {
                    stack.push(path);
                }
            } else if leftover(&dir, &name, &entry) {
                removed += usize::from(std::fs::remove_file(&path).is_ok());
            }
        }
    }
    removed
}

fn leftover(dir: &Path, name: &str, entry: &std::fs::DirEntry) -> bool {
    let empty = || entry.metadata().is_ok_and(|m| m.len() == 0);
    name.ends_with(&format!(".{STAGED}"))
        || (dir.ends_with(HISTORY)
            && (name.ends_with(history::ENTRY) || name.ends_with(".bak"))
            && empty())
}

fn has_leftovers(root: &Path) -> bool {
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).into_iter().flatten().flatten() {
            if entry.file_type().is_ok_and(|t| t.is_dir()) {
                stack.push(entry.path());
            } else if entry
                .file_name()
                .to_string_lossy()
                .ends_with(&format!(".{STAGED}"))
            {
                return true;
            }
        }
    }
    false
}

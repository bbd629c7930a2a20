//! The last exhibit files that passed the check, kept in the data folder
//! (`<data>/exhibits.last-good/`), so a start never dies on files that fail: a save cut short
//! by a full disk or a crash, or a hand edit with a typo, would otherwise stop `serve` and
//! every printed code with it. `serve` then serves this copy, says so on the dashboard and on
//! `/admin/healthz`, and refuses to start only when there is none (`startup`).
//!
//! Kept again after every clean load. Files unchanged since the last copy (same size and
//! modification time) are hard links to it, so a show's covers are copied once, not on every
//! reload. docent replaces exhibit files by renaming, never in place, so a link keeps the old
//! bytes.

use std::path::{Path, PathBuf};

use super::Catalog;

const GOOD: &str = "exhibits.last-good";

fn with(data: &Path, suffix: &str) -> PathBuf {
    data.join(format!("{GOOD}{suffix}"))
}

/// Keeps `exhibits` (just loaded without a problem) as the last good copy. Blocking.
pub fn keep(exhibits: &Path, data: &Path) -> std::io::Result<()> {
    let (good, new, old) = (with(data, ""), with(data, ".new"), with(data, ".old"));
    if new.exists() {
        std::fs::remove_dir_all(&new)?;
    }
    let previous = [&good, &old].into_iter().find(|d| d.is_dir());
    copy_tree(exhibits, &new, previous.map(PathBuf::as_path))?;
    // Switched by renames: at every moment there is a whole copy under one of the two names.
    if good.is_dir() {
        if old.exists() {
            std::fs::remove_dir_all(&old)?;
        }
        std::fs::rename(&good, &old)?;
    }
    std::fs::rename(&new, &good)?;
    if old.exists() {
        std::fs::remove_dir_all(&old)?;
    }
    Ok(())
}

/// The last good copy loaded as the catalog of `exhibits`: each exhibition's folder is its
/// real one (the editor and its history work on the real files), its covers the kept ones.
/// `None` when no copy was ever kept or it no longer loads. Blocking.
pub fn load(exhibits: &Path, data: &Path) -> Option<Catalog> {
    let good = [with(data, ""), with(data, ".old")]
        .into_iter()
        .find(|d| d.is_dir())?;
    let mut catalog = super::load(&good).ok()?;
    for e in &mut catalog.exhibitions {
        if let Ok(rest) = e.dir.strip_prefix(&good) {
            e.dir = exhibits.join(rest);
        }
    }
    Some(catalog)
}

/// Copies a tree of exhibit files (not kept versions, not staged files), linking files that
/// `previous` holds unchanged.
fn copy_tree(from: &Path, to: &Path, previous: Option<&Path>) -> std::io::Result<()> {
    std::fs::create_dir_all(to)?;
    for entry in std::fs::read_dir(from)? {
        let entry = entry?;
        let name = entry.file_name();
        let text = name.to_string_lossy();
        if text.starts_with('.') || text.ends_with(".saving") {
            continue;
        }
        let (source, target) = (entry.path(), to.join(&name));
        let before = previous.map(|p| p.join(&name));
        let meta = std::fs::metadata(&source)?;
        if meta.is_dir() {
            copy_tree(&source, &target, before.as_deref())?;
            continue;
        }
        if !meta.is_file() {
            continue;
        }
        let unchanged = before
            .as_ref()
            .and_then(|b| std::fs::metadata(b).ok())
            .is_some_and(|b| b.len() == meta.len() && b.modified().ok() == meta.modified().ok());
        if unchanged
            && let Some(before) = &before
            && std::fs::hard_link(before, &target).is_ok()
        {
            continue;
        }
        std::fs::copy(&source, &target)?;
        let copy = std::fs::File::options().write(true).open(&target)?;
        if let Ok(modified) = meta.modified() {
            copy.set_modified(modified)?;
        }
        copy.sync_all()?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_copy_loads_with_the_real_folders_and_shares_unchanged_files() {
        let exhibits = tempfile::tempdir().unwrap();
        let data = tempfile::tempdir().unwrap();
        let demo = Path::new(env!("CARGO_MANIFEST_DIR")).join("exhibits");
        copy_tree(&demo, exhibits.path(), None).unwrap();
        assert!(
            load(exhibits.path(), data.path()).is_none(),
            "none kept yet"
        );
        keep(exhibits.path(), data.path()).unwrap();
        keep(exhibits.path(), data.path()).unwrap();
        let catalog = load(exhibits.path(), data.path()).unwrap();
        let e = &catalog.exhibitions[0];
        assert_eq!(e.dir, exhibits.path().join("nature-covers"));
        assert!(e.stories[0].cover.path.starts_with(data.path()));
        use std::os::unix::fs::MetadataExt;
        let cover = &e.stories[0].cover.path;
        assert_eq!(
            std::fs::metadata(cover).unwrap().nlink(),
            1,
            "the old copy is gone"
        );
        assert!(!with(data.path(), ".old").exists() && !with(data.path(), ".new").exists());
    }
}

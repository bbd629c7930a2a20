//! Which version of the exhibit files a server serves: a short hash of every file's path and
//! bytes. Replicas announce it, so an operator sees when one serves an older edit.

use std::path::Path;

/// A 12-hex-digit hash of the files under `dir` (names relative to it, sorted, and contents).
/// The same files give the same fingerprint on every machine; unreadable files count as empty.
pub fn fingerprint(dir: &Path) -> String {
    let mut files = Vec::new();
    collect(dir, dir, &mut files);
    files.sort();
    let mut hasher = blake3::Hasher::new();
    for name in files {
        let bytes = std::fs::read(dir.join(&name)).unwrap_or_default();
        hasher.update(name.as_bytes());
        hasher.update(&[0]);
        hasher.update(&(bytes.len() as u64).to_le_bytes());
        hasher.update(&bytes);
    }
    hasher.finalize().to_hex()[..12].to_string()
}

fn collect(root: &Path, dir: &Path, out: &mut Vec<String>) {
    for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let path = entry.path();
        if path.is_dir() {
            collect(root, &path, out);
        } else if let Ok(name) = path.strip_prefix(root) {
            out.push(name.to_string_lossy().replace('\\', "/"));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_fingerprint_follows_contents_not_times_or_places() {
        let a = tempfile::tempdir().unwrap();
        let b = tempfile::tempdir().unwrap();
        for dir in [a.path(), b.path()] {
            std::fs::create_dir_all(dir.join("show/stories")).unwrap();
            std::fs::write(dir.join("show/exhibition.toml"), "id = 1").unwrap();
            std::fs::write(dir.join("show/stories/x.toml"), "title = 2").unwrap();
        }
        assert_eq!(fingerprint(a.path()), fingerprint(b.path()));
        std::fs::write(b.path().join("show/stories/x.toml"), "title = 3").unwrap();
        assert_ne!(fingerprint(a.path()), fingerprint(b.path()));
        assert_eq!(fingerprint(a.path()).len(), 12);
    }
}

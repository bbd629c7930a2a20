//! The kept versions of an exhibition's files (`<exhibition>/.history/`): what a save replaced
//! or made, so it can be put back.
//!
//! An entry is named from the time and a counter and random part only, never from who saved:
//! a login name is text anyone with an account chooses, and a name such as
//! `Eve--stories__exac.toml` once made an entry say it held another file. Who saved and which
//! file are written inside the entry, on its first line (JSON), before the file's bytes.
//! Entries written before this (`<time>--<who>--<file>.bak` / `.new`) are still listed, when
//! the file they name is one the editor could have written.

use std::path::Path;

use jiff::Timestamp;

use super::HISTORY;

/// A kept version of one file.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Kept {
    pub id: String,
    pub at: String,
    pub who: String,
    pub file: String,
    /// The file did not exist before: putting this version back removes it.
    pub created: bool,
}

/// An entry written by this version: `<time>-<nn>-<random>.kept`.
pub(super) const ENTRY: &str = ".kept";
/// Entries of older versions.
const LEGACY_KEPT: &str = ".bak";
const LEGACY_CREATED: &str = ".new";

/// What an entry says on its first line.
#[derive(serde::Serialize, serde::Deserialize)]
struct Header {
    who: String,
    file: String,
    created: bool,
}

/// A fresh entry's name (without its folder) and bytes: the `n`th file of a save at `now`.
pub(super) fn entry(
    now: Timestamp,
    n: usize,
    who: &str,
    file: &str,
    old: Option<&[u8]>,
) -> (String, Vec<u8>) {
    let stamp = now.strftime("%Y%m%dT%H%M%S%.6fZ");
    let name = format!("{stamp}-{n:02}-{:08x}{ENTRY}", fastrand::u32(..));
    let header = Header {
        who: who.to_string(),
        file: file.to_string(),
        created: old.is_none(),
    };
    let mut bytes = serde_json::to_vec(&header).expect("a header is plain strings");
    bytes.push(b'\n');
    bytes.extend_from_slice(old.unwrap_or_default());
    (name, bytes)
}

/// The kept versions of an exhibition's files, newest first. Blocking (reads a folder).
pub fn history(dir: &Path) -> Vec<Kept> {
    let folder = dir.join(HISTORY);
    let mut kept: Vec<Kept> = std::fs::read_dir(&folder)
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|e| {
            let name = e.file_name().to_string_lossy().into_owned();
            match name.strip_suffix(ENTRY) {
                Some(id) => read_entry(&e.path(), id),
                None => legacy(&name),
            }
        })
        .collect();
    kept.sort_by(|a, b| b.id.cmp(&a.id));
    kept
}

/// The bytes an entry keeps (empty for a file the save made).
pub fn kept_bytes(dir: &Path, kept: &Kept) -> std::io::Result<Vec<u8>> {
    let folder = dir.join(HISTORY);
    let legacy = folder.join(format!("{}{LEGACY_KEPT}", kept.id));
    if legacy.is_file() {
        return std::fs::read(legacy);
    }
    let bytes = std::fs::read(folder.join(format!("{}{ENTRY}", kept.id)))?;
    let start = bytes.iter().position(|&b| b == b'\n').map_or(0, |i| i + 1);
    Ok(bytes[start..].to_vec())
}

fn read_entry(path: &Path, id: &str) -> Option<Kept> {
    use std::io::BufRead;
    let mut first = String::new();
    std::io::BufReader::new(std::fs::File::open(path).ok()?)
        .read_line(&mut first)
        .ok()?;
    let header: Header = serde_json::from_str(first.trim_end()).ok()?;
    if !editable(&header.file) {
        return None;
    }
    Some(Kept {
        id: id.to_string(),
        at: id.split('-').next().unwrap_or_default().to_string(),
        who: header.who,
        file: header.file,
        created: header.created,
    })
}

/// An entry of an older version, named `<time>--<who>--<file with / as __>.bak` or `.new`.
fn legacy(name: &str) -> Option<Kept> {
    let (stem, created) = match name.strip_suffix(LEGACY_KEPT) {
        Some(stem) => (stem, false),
        None => (name.strip_suffix(LEGACY_CREATED)?, true),
    };
    let mut parts = stem.splitn(3, "--");
    let (at, who, file) = (parts.next()?, parts.next()?, parts.next()?);
    let file = file.replace("__", "/");
    editable(&file).then(|| Kept {
        id: stem.to_string(),
        at: at.to_string(),
        who: who.to_string(),
        file,
        created,
    })
}

/// A file the editor, the phase editor or the import writes: `exhibition.toml`,
/// `stories/<id>.toml` or `covers/<name>`, nothing else (no `..`, no other folder).
fn editable(file: &str) -> bool {
    let plain = |name: &str| {
        !name.is_empty()
            && !name.starts_with('.')
            && !name.contains("--")
            && name
                .chars()
                .all(|c| c.is_alphanumeric() || matches!(c, '-' | '_' | '.'))
    };
    match file.split_once('/') {
        None => file == "exhibition.toml",
        Some(("stories", name)) => plain(name) && name.ends_with(".toml"),
        Some(("covers", name)) => plain(name),
        Some(_) => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_login_name_cannot_say_which_file_an_entry_holds() {
        let dir = tempfile::tempdir().unwrap();
        let folder = dir.path().join(HISTORY);
        std::fs::create_dir_all(&folder).unwrap();
        let now = Timestamp::from_second(1_795_000_000).unwrap();
        let (name, bytes) = entry(
            now,
            0,
            "Eve--stories__exac.toml",
            "stories/alphago.toml",
            Some(b"old"),
        );
        assert!(!name.contains("Eve"), "{name}");
        std::fs::write(folder.join(&name), bytes).unwrap();
        // What an older version wrote for that login name: it named another file.
        std::fs::write(
            folder.join(
                "20261120T020000.000000Z--Eve--stories--exac-toml--stories__alphago.toml.bak",
            ),
            b"x",
        )
        .unwrap();
        let kept = history(dir.path());
        assert_eq!(kept.len(), 1, "{kept:?}");
        assert_eq!(
            (kept[0].who.as_str(), kept[0].file.as_str(), kept[0].created),
            ("Eve--stories__exac.toml", "stories/alphago.toml", false)
        );
        assert_eq!(kept_bytes(dir.path(), &kept[0]).unwrap(), b"old");
        assert!(editable("covers/alphago.jpg") && !editable("stories/../x.toml"));
        assert!(!editable("stories--exac-toml--stories/alphago.toml"));
    }
}

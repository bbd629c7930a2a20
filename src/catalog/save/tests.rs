//! Saves on a copy of the demo: made files kept and undone, rejected saves writing nothing,
//! and saves cut short (before and after their switch) put right by `recover`.

use super::*;

fn demo_copy() -> tempfile::TempDir {
    let root = tempfile::tempdir().unwrap();
    let demo = Path::new(env!("CARGO_MANIFEST_DIR")).join("exhibits");
    link_dir(&demo, root.path()).unwrap();
    // Copies, not links: the tests write these files.
    for entry in walk(root.path()) {
        let bytes = std::fs::read(&entry).unwrap();
        std::fs::remove_file(&entry).unwrap();
        std::fs::write(&entry, bytes).unwrap();
    }
    root
}

fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap().flatten() {
        if entry.file_type().unwrap().is_dir() {
            out.extend(walk(&entry.path()));
        } else {
            out.push(entry.path());
        }
    }
    out
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
    let left: Vec<_> = walk(root.path())
        .into_iter()
        .filter(|p| {
            p.to_string_lossy().ends_with(".saving") || p.to_string_lossy().contains(SCRATCH)
        })
        .collect();
    assert!(
        left.is_empty(),
        "no staged file or scratch copy left: {left:?}"
    );
    assert!(!root.path().join(HISTORY).join(INTENT).exists());
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
    // The scratch copy's hard links never wrote through to the real files.
    assert!(crate::catalog::load(root.path()).is_ok());
}

/// A story with a new cover, staged but not switched.
fn staged_cover_save(root: &Path) -> (PathBuf, Staged, String) {
    let dir = root.join("nature-covers");
    let file = "stories/alphago.toml";
    let text = std::fs::read_to_string(dir.join(file)).unwrap();
    let edited = text.replace("covers/alphago.png", "covers/alphago.jpg");
    assert_ne!(edited, text);
    let jpeg = std::fs::read(dir.join("covers/alphago.png")).unwrap();
    let changes = [
        Change::write(file, edited.clone()),
        Change::write("covers/alphago.jpg", jpeg),
    ];
    std::fs::create_dir_all(root.join(HISTORY)).unwrap();
    let staged = Staged::write(root, &dir, &changes, "curator", at(0)).unwrap();
    (dir, staged, edited)
}

#[test]
fn a_save_cut_short_before_its_switch_leaves_the_old_files_and_nothing_else() {
    let root = demo_copy();
    let before = walk(root.path());
    let (dir, _staged, _) = staged_cover_save(root.path());
    assert!(
        walk(root.path()).len() > before.len(),
        "staged files are on disk"
    );
    let recovered = recover(root.path()).unwrap();
    assert!(
        !recovered.finished && recovered.removed >= 3,
        "{recovered:?}"
    );
    let mut after = walk(root.path());
    after.retain(|p| !p.ends_with(LOCK_FILE));
    assert_eq!(after.len(), before.len(), "{after:?}");
    assert!(history(&dir).is_empty());
    assert!(crate::catalog::load(root.path()).is_ok());
}

#[test]
fn a_save_cut_short_after_its_intent_is_finished_by_the_next_start() {
    let root = demo_copy();
    let (dir, staged, edited) = staged_cover_save(root.path());
    // The intent written, and only the first rename done: then the process died.
    let folder = root.path().join(HISTORY);
    std::fs::write(
        folder.join(INTENT),
        serde_json::to_vec(&staged.intent).unwrap(),
    )
    .unwrap();
    let (from, to) = &staged.intent.renames[0];
    std::fs::rename(root.path().join(from), root.path().join(to)).unwrap();
    assert!(
        crate::catalog::load(root.path()).is_ok(),
        "the first renames leave files that pass the check"
    );
    assert_eq!(
        recover(root.path()).unwrap(),
        Recovered {
            finished: true,
            removed: 0
        }
    );
    assert_eq!(
        std::fs::read_to_string(dir.join("stories/alphago.toml")).unwrap(),
        edited
    );
    assert!(dir.join("covers/alphago.jpg").is_file());
    assert_eq!(history(&dir).len(), 2);
    assert!(!folder.join(INTENT).exists());
    assert!(crate::catalog::load(root.path()).is_ok());
}

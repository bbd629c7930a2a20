//! `docent check` on broken exhibit folders: every problem named by file, line and field.

use std::path::Path;
use std::process::Command;

use crate::helpers::*;

const EXHIBITION: &str = "nature-covers/exhibition.toml";
const ALPHAGO: &str = "nature-covers/stories/alphago.toml";

/// A copy of the demo with `from` replaced by `to` in `file` (relative to the exhibits dir).
fn broken(edits: &[(&str, &str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    copy_dir(&demo_exhibits(), dir.path());
    for (file, from, to) in edits {
        let path = dir.path().join(file);
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(text.contains(from), "{file} has no `{from}`");
        std::fs::write(&path, text.replacen(from, to, 1)).unwrap();
    }
    dir
}

fn check(dir: &Path) -> (i32, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_docent"))
        .arg("check")
        .arg(dir)
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
    )
}

/// The 1-based line of `file` holding `needle`.
fn line_of(dir: &Path, file: &str, needle: &str) -> usize {
    let text = std::fs::read_to_string(dir.join(file)).unwrap();
    text.lines()
        .position(|l| l.contains(needle))
        .expect("needle in file")
        + 1
}

/// Asserts `docent check` fails with a line `dir/file:line: ...field...` for the line holding
/// `needle`.
fn assert_problem(dir: &Path, file: &str, needle: &str, field: &str, words: &str) {
    let (code, out) = check(dir);
    assert_eq!(code, 1, "check must fail:\n{out}");
    let line = line_of(dir, file, needle);
    let prefix = format!("{}:{line}: ", dir.join(file).display());
    let hit = out.lines().find(|l| l.starts_with(&prefix));
    let hit = hit.unwrap_or_else(|| panic!("no problem at {prefix}\n{out}"));
    assert!(hit.contains(field) && hit.contains(words), "{hit}");
}

#[test]
fn the_demo_is_valid() {
    let (code, out) = check(&demo_exhibits());
    assert_eq!(code, 0, "{out}");
    assert!(
        out.contains("1 exhibition(s), 6 station(s), 10 story(ies)"),
        "{out}"
    );
}

#[test]
fn an_unknown_field_is_named() {
    let dir = broken(&[(
        EXHIBITION,
        "time_zone = \"Asia/Shanghai\"",
        "time_zone = \"Asia/Shanghai\"\ncolour = \"red\"",
    )]);
    assert_problem(
        dir.path(),
        EXHIBITION,
        "colour = ",
        "colour",
        "unknown field",
    );
}

#[test]
fn a_duplicate_code_is_named() {
    let dir = broken(&[(ALPHAGO, "code = \"GO16\"", "code = \"nca1\"")]);
    let (code, out) = check(dir.path());
    assert_eq!(code, 1);
    assert!(
        out.contains("alphago.toml: code `NCA1`: already used by station `A1`"),
        "{out}"
    );
}

#[test]
fn a_phase_naming_a_missing_story_is_named() {
    let dir = broken(&[(EXHIBITION, "A1 = \"alphago\"", "A1 = \"alphago-typo\"")]);
    assert_problem(
        dir.path(),
        EXHIBITION,
        "alphago-typo",
        "phases.show",
        "no stories/alphago-typo.toml",
    );
}

#[test]
fn a_missing_cover_is_named() {
    let dir = broken(&[]);
    std::fs::remove_file(dir.path().join("nature-covers/covers/alphago.png")).unwrap();
    assert_problem(dir.path(), ALPHAGO, "cover = ", "cover", "cannot read");
}

#[test]
fn an_invalid_url_is_named() {
    let dir = broken(&[(
        ALPHAGO,
        "url = \"https://www.nature.com/articles/nature16961\"",
        "url = \"www.nature.com/nature16961\"",
    )]);
    assert_problem(
        dir.path(),
        ALPHAGO,
        "url = ",
        "article.url",
        "not a valid http(s) URL",
    );
}

#[test]
fn an_invalid_date_is_named() {
    let dir = broken(&[(EXHIBITION, "closes = 2027-01-08", "closes = 2026-10-01")]);
    assert_problem(
        dir.path(),
        EXHIBITION,
        "closes = ",
        "closes",
        "before opens",
    );
    let dir = broken(&[(
        EXHIBITION,
        "opens = 2026-11-02",
        "opens = 2026-11-02T08:00:00",
    )]);
    assert_problem(
        dir.path(),
        EXHIBITION,
        "opens = ",
        "opens",
        "expected a date",
    );
}

#[test]
fn overlapping_phases_are_named() {
    let dir = broken(&[(
        EXHIBITION,
        "starts = 2026-12-07T08:00:00",
        "starts = 2026-11-02T08:00:00",
    )]);
    assert_problem(
        dir.path(),
        EXHIBITION,
        "id = \"phase-2\"",
        "phases",
        "overlaps phase `phase-1`",
    );
}

#[test]
fn every_problem_is_listed_at_once() {
    let dir = broken(&[
        (
            EXHIBITION,
            "time_zone = \"Asia/Shanghai\"",
            "time_zone = \"Mars/Olympus\"",
        ),
        (
            ALPHAGO,
            "doi = \"10.1038/nature16961\"",
            "doi = \"nature16961\"",
        ),
        (
            "nature-covers/stories/dnc.toml",
            "code = \"DNC16\"",
            "code = \"DNC-16\"",
        ),
    ]);
    let (code, out) = check(dir.path());
    assert_eq!(code, 1);
    assert!(
        out.contains("time_zone: `Mars/Olympus` is not a known IANA time zone"),
        "{out}"
    );
    assert!(
        out.contains("article.doi: `nature16961` is not a DOI"),
        "{out}"
    );
    assert!(
        out.contains("code: `DNC-16`: a code holds only letters A-Z and digits 0-9"),
        "{out}"
    );
    assert_eq!(out.lines().count(), 3, "{out}");
}

#[test]
fn serve_refuses_to_start_on_a_broken_catalog() {
    let dir = broken(&[(EXHIBITION, "A1 = \"alphago\"", "A1 = \"alphago-typo\"")]);
    let data = tempfile::tempdir().unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_docent"))
        .args(["serve", "--bind", "127.0.0.1:0", "--exhibits"])
        .arg(dir.path())
        .arg("--data")
        .arg(data.path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("no stories/alphago-typo.toml"), "{err}");
}

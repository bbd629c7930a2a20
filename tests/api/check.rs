//! `docent check` on broken exhibit folders: every problem named by file, line and field.
//!
//! Longer than 500 lines because it is a catalogue of broken exhibit folders, one short case each.

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
fn a_duplicate_code_names_both_places_with_their_lines() {
    let dir = broken(&[(ALPHAGO, "code = \"GO16\"", "code = \"nca1\"")]);
    let (code, out) = check(dir.path());
    assert_eq!(code, 1);
    let story = format!(
        "{}:{}",
        dir.path().join(ALPHAGO).display(),
        line_of(dir.path(), ALPHAGO, "code = \"nca1\"")
    );
    let station = format!(
        "{}:{}",
        dir.path().join(EXHIBITION).display(),
        line_of(dir.path(), EXHIBITION, "code = \"NCA1\"")
    );
    assert_eq!(out.lines().count(), 1, "one mistake, one message:\n{out}");
    assert!(out.contains(&story) && out.contains(&station), "{out}");
    assert!(
        out.contains("code `NCA1`") && out.contains("codes must be unique on the server"),
        "{out}"
    );
}

#[test]
fn a_copied_exhibition_names_the_copy_and_the_original_once_per_code() {
    let dir = broken(&[]);
    copy_dir(
        &dir.path().join("nature-covers"),
        &dir.path().join("my-show"),
    );
    let (code, out) = check(dir.path());
    assert_eq!(code, 1);
    assert_eq!(
        out.lines().count(),
        16,
        "one message per shared code:\n{out}"
    );
    let demo = dir.path().join("nature-covers/exhibition.toml");
    let copy = dir.path().join("my-show/exhibition.toml");
    let line = line_of(dir.path(), EXHIBITION, "code = \"NCA1\"");
    let hit = out.lines().find(|l| l.contains("code `NCA1`")).unwrap();
    assert!(hit.contains(&format!("{}:{line}", demo.display())), "{hit}");
    assert!(hit.contains(&format!("{}:{line}", copy.display())), "{hit}");
}

#[test]
fn a_story_that_fails_to_parse_is_not_also_called_missing() {
    let dir = broken(&[(
        ALPHAGO,
        "journal = \"Nature\"",
        "journal = \"Nature\"\njournal = \"Nature\"",
    )]);
    let (code, out) = check(dir.path());
    assert_eq!(code, 1);
    assert_eq!(out.lines().count(), 1, "{out}");
    assert!(
        out.starts_with(&dir.path().join(ALPHAGO).display().to_string()),
        "{out}"
    );
    assert!(!out.contains("no stories/alphago.toml"), "{out}");
}

#[test]
fn a_bad_station_code_is_not_also_an_unknown_station() {
    let dir = broken(&[(EXHIBITION, "code = \"NCA1\"", "code = \"NC-A1\"")]);
    let (code, out) = check(dir.path());
    assert_eq!(code, 1);
    assert_problem(
        dir.path(),
        EXHIBITION,
        "code = \"NC-A1\"",
        "stations.code",
        "only letters A-Z and digits 0-9",
    );
    assert_eq!(out.lines().count(), 1, "{out}");
}

#[test]
fn chinese_keyboard_quotes_say_to_type_straight_ones() {
    let dir = broken(&[(
        ALPHAGO,
        "zh = \"AlphaGo：计算机首次战胜职业围棋棋手\"",
        "zh = “AlphaGo：计算机首次战胜职业围棋棋手”",
    )]);
    assert_problem(
        dir.path(),
        ALPHAGO,
        "zh = “AlphaGo",
        "`zh`",
        "text goes in straight double quotes \"...\", not the Chinese-keyboard quotes “...”",
    );
}

#[test]
fn unquoted_pages_say_to_quote_them() {
    let dir = broken(&[(ALPHAGO, "pages = \"484–489\"", "pages = 490-493")]);
    assert_problem(
        dir.path(),
        ALPHAGO,
        "pages = ",
        "`pages`",
        "text goes in double quotes: write pages = \"490-493\"",
    );
}

#[test]
fn a_day_first_date_says_how_to_write_it() {
    let dir = broken(&[(
        ALPHAGO,
        "issue_date = 2016-01-28",
        "issue_date = 23/02/2018",
    )]);
    assert_problem(
        dir.path(),
        ALPHAGO,
        "issue_date = ",
        "`issue_date`",
        "write dates as year-month-day without quotes, such as issue_date = 2018-02-23; found 23/02/2018",
    );
}

#[test]
fn single_bracket_phases_say_to_double_them() {
    let dir = broken(&[(
        EXHIBITION,
        "[[phases]]\nid = \"phase-1\"",
        "[phases]\nid = \"phase-1\"",
    )]);
    let (code, out) = check(dir.path());
    assert_eq!(code, 1);
    let line = line_of(dir.path(), EXHIBITION, "id = \"phase-1\"") - 1;
    let want = format!(
        "{}:{line}: `[phases]` needs double brackets: write `[[phases]]`",
        dir.path().join(EXHIBITION).display()
    );
    assert!(out.starts_with(&want), "{out}");
    assert_eq!(out.lines().count(), 1, "{out}");
}

#[test]
fn gbk_and_utf16_files_say_to_save_as_utf8() {
    let dir = broken(&[]);
    let file = dir.path().join(ALPHAGO);
    let text = std::fs::read_to_string(&file).unwrap();
    // The title's full-width colon as a GBK editor saves it (A3 BA), the rest left alone.
    let title = "zh = \"AlphaGo：";
    let line = text.lines().position(|l| l.starts_with(title)).unwrap() + 1;
    let at = text.find(title).unwrap() + title.len() - "：".len();
    let mut bytes = text.clone().into_bytes();
    bytes.splice(at..at + "：".len(), [0xA3, 0xBA]);
    std::fs::write(&file, &bytes).unwrap();
    let (code, out) = check(dir.path());
    assert_eq!(code, 1);
    let want = format!(
        "{}:{line}: this file is not UTF-8 (probably GBK or GB2312, from a Chinese-language editor); save the file as UTF-8",
        file.display()
    );
    assert!(out.starts_with(&want), "{out}");
    assert_eq!(out.lines().count(), 1, "{out}");

    let utf16: Vec<u8> = [0xFF, 0xFE]
        .into_iter()
        .chain(text.encode_utf16().flat_map(u16::to_le_bytes))
        .collect();
    std::fs::write(&file, utf16).unwrap();
    let (code, out) = check(dir.path());
    assert_eq!(code, 1);
    let want = format!(
        "{}: this file is saved as UTF-16 (\"Unicode\"); save the file as UTF-8",
        file.display()
    );
    assert!(out.starts_with(&want), "{out}");
    assert_eq!(out.lines().count(), 1, "{out}");
}

#[test]
fn check_accepts_one_exhibition_folder() {
    let (code, out) = check(&demo_exhibits().join("nature-covers"));
    assert_eq!(code, 0, "{out}");
    assert!(
        out.contains("1 exhibition(s), 6 station(s), 10 story(ies)"),
        "{out}"
    );
}

#[test]
fn phases_out_of_time_order_are_named() {
    let dir = broken(&[(
        EXHIBITION,
        "starts = 2026-11-02T08:00:00",
        "starts = 2026-12-20T08:00:00",
    )]);
    assert_problem(
        dir.path(),
        EXHIBITION,
        "starts = 2026-12-07T08:00:00",
        "phases.starts",
        "phase `phase-2` starts before phase `phase-1` above it; list phases in time order",
    );
}

#[test]
fn an_article_url_with_a_line_break_is_refused() {
    let dir = broken(&[(
        ALPHAGO,
        "url = \"https://www.nature.com/articles/nature16961\"",
        "url = \"https://www.nature.com/articles/nature16961\\r\\nSet-Cookie: x=1\"",
    )]);
    assert_problem(
        dir.path(),
        ALPHAGO,
        "url = ",
        "article.url",
        "the URL holds a line break; remove it",
    );
}

#[test]
fn a_cover_linking_outside_its_exhibition_folder_is_refused() {
    let dir = broken(&[(
        ALPHAGO,
        "cover = \"covers/alphago.png\"",
        "cover = \"covers/elsewhere.png\"",
    )]);
    let outside = dir.path().join("outside.png");
    std::fs::copy(
        dir.path().join("nature-covers/covers/alphago.png"),
        &outside,
    )
    .unwrap();
    std::os::unix::fs::symlink(
        &outside,
        dir.path().join("nature-covers/covers/elsewhere.png"),
    )
    .unwrap();
    assert_problem(
        dir.path(),
        ALPHAGO,
        "cover = ",
        "cover",
        "outside the exhibition folder; copy the image itself into covers/",
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
    assert_problem(dir.path(), ALPHAGO, "cover = ", "cover", "not found");
    let (_, out) = check(dir.path());
    assert!(
        !out.contains("os error"),
        "plain words, not the system's: {out}"
    );
}

#[test]
fn a_typo_and_a_missing_cover_are_found_in_one_run_with_the_nearest_name() {
    let dir = broken(&[
        (ALPHAGO, "topics = [", "topcs = ["),
        (ALPHAGO, "[article]", "[article]\noa_ulr = \"x\""),
    ]);
    std::fs::remove_file(dir.path().join("nature-covers/covers/alphago.png")).unwrap();
    assert_problem(
        dir.path(),
        ALPHAGO,
        "topcs = ",
        "unknown field `topcs`",
        "did you mean `topics`?",
    );
    assert_problem(
        dir.path(),
        ALPHAGO,
        "oa_ulr = ",
        "unknown field `oa_ulr` in [article]",
        "did you mean `oa_url`?",
    );
    assert_problem(dir.path(), ALPHAGO, "cover = ", "cover", "not found");
}

#[test]
fn a_misspelt_required_field_suggests_the_right_name() {
    let dir = broken(&[(ALPHAGO, "[summary]", "[sumary]")]);
    assert_problem(
        dir.path(),
        ALPHAGO,
        "[sumary]",
        "unknown field `sumary`",
        "did you mean `summary`?",
    );
}

#[test]
fn control_and_bidi_characters_in_visitor_text_are_refused_with_their_line() {
    let dir = broken(&[
        // TOML takes a control character only escaped; a bidi override also as it is.
        (ALPHAGO, "[title]\nzh = \"", "[title]\nzh = \"\\u001B[31m"),
        (
            ALPHAGO,
            "en = \"AlphaGo: a computer",
            "en = \"\u{202e}AlphaGo: a computer",
        ),
    ]);
    assert_problem(dir.path(), ALPHAGO, "u001B[31m", "title.zh", "U+001B");
    assert_problem(dir.path(), ALPHAGO, "\u{202e}AlphaGo", "title.en", "U+202E");
    // Direction marks are allowed.
    let fine = broken(&[(
        ALPHAGO,
        "en = \"AlphaGo: a computer",
        "en = \"\u{200f}AlphaGo: a computer",
    )]);
    assert_eq!(check(fine.path()).0, 0);
}

#[test]
fn a_story_no_phase_shows_gets_a_hint() {
    let dir = broken(&[]);
    let story = std::fs::read_to_string(dir.path().join(ALPHAGO)).unwrap();
    let orphan = story.replacen("code = \"GO16\"", "code = \"ORPHAN1\"", 1);
    assert_ne!(orphan, story);
    std::fs::write(dir.path().join("nature-covers/stories/orphan.toml"), orphan).unwrap();
    let (code, out) = check(dir.path());
    assert_eq!(code, 0, "a hint, not a problem: {out}");
    let hint = out
        .lines()
        .find(|l| l.contains("orphan.toml: hint:"))
        .unwrap_or_else(|| panic!("no hint: {out}"));
    assert!(hint.contains("no phase shows the story `orphan`"), "{hint}");
    assert!(!out.contains("alphago.toml: hint"), "{out}");
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

#[test]
fn an_empty_custom_wording_is_named() {
    let dir = broken(&[(
        "nature-covers/exhibition.toml",
        "scan_distance_m = 1.0\n",
        "scan_distance_m = 1.0\ncall_to_action = { zh = \"\", en = \" \" }\n",
    )]);
    let file = "nature-covers/exhibition.toml";
    assert_problem(
        dir.path(),
        file,
        "call_to_action = { zh = \"\"",
        "call_to_action",
        "empty",
    );
    let (code, out) = check(dir.path());
    assert_eq!((code, out.lines().count()), (1, 1), "one message:\n{out}");

    let fine = broken(&[(
        "nature-covers/exhibition.toml",
        "scan_distance_m = 1.0\n",
        "scan_distance_m = 1.0\naccess_note = { zh = \"免费阅读。\", en = \"Free to read.\" }\n",
    )]);
    assert_eq!(check(fine.path()).0, 0);
}

#[test]
fn a_text_missing_one_language_is_named_unless_the_show_declares_one_language() {
    let empty_en = (
        ALPHAGO,
        "en = \"AlphaGo: a computer beats a Go professional\"",
        "en = \"\"",
    );
    let dir = broken(&[empty_en]);
    assert_problem(
        dir.path(),
        ALPHAGO,
        "[title]",
        "title",
        "the English text (title.en) is missing or empty",
    );
    let (_, out) = check(dir.path());
    assert_eq!(
        out.lines().filter(|l| l.contains(".toml:")).count(),
        1,
        "one mistake, one message:\n{out}"
    );
    // A Chinese-only show may leave English out.
    let dir = broken(&[
        empty_en,
        (
            EXHIBITION,
            "time_zone = \"Asia/Shanghai\"",
            "time_zone = \"Asia/Shanghai\"\nlanguages = [\"zh\"]",
        ),
    ]);
    let (code, out) = check(dir.path());
    assert_eq!(code, 0, "{out}");
    // And a nonsense value is named.
    let dir = broken(&[(
        EXHIBITION,
        "time_zone = \"Asia/Shanghai\"",
        "time_zone = \"Asia/Shanghai\"\nlanguages = [\"zh\", \"xx\"]",
    )]);
    assert_problem(
        dir.path(),
        EXHIBITION,
        "languages = ",
        "languages",
        "`xx` names no known language",
    );
    // A French show needs French texts, each named at its line.
    let dir = broken(&[(
        EXHIBITION,
        "time_zone = \"Asia/Shanghai\"",
        "time_zone = \"Asia/Shanghai\"\nlanguages = [\"fr\"]",
    )]);
    assert_problem(
        dir.path(),
        ALPHAGO,
        "[title]",
        "title",
        "the French text (title.fr) is missing or empty",
    );
}

#[test]
fn a_station_place_or_phase_name_missing_a_language_is_named() {
    let no_place_en = (EXHIBITION, "place.en = \"Left wall, panel 2\"\n", "");
    let dir = broken(&[no_place_en]);
    assert_problem(
        dir.path(),
        EXHIBITION,
        "place.zh = \"左侧展墙 第2块\"",
        "stations.place",
        "the English text for station `A2` (place.en) is missing or empty; write it",
    );
    let (_, out) = check(dir.path());
    assert_eq!(out.lines().count(), 1, "one mistake, one message:\n{out}");

    let no_name_zh = (
        EXHIBITION,
        "name.zh = \"第二期：2017年封面（保留两篇2016年故事）\"\n",
        "",
    );
    let dir = broken(&[no_name_zh]);
    assert_problem(
        dir.path(),
        EXHIBITION,
        "name.en = \"Phase 2: 2017 covers",
        "phases.name",
        "the Chinese text for phase `phase-2` (name.zh) is missing or empty; write it",
    );
    let (_, out) = check(dir.path());
    assert_eq!(out.lines().count(), 1, "one mistake, one message:\n{out}");

    // An inline table with an empty language is the same mistake.
    let dir = broken(&[(
        EXHIBITION,
        "place.zh = \"右侧展墙 第1块\"\nplace.en = \"Right wall, panel 1\"",
        "place = { zh = \"右侧展墙 第1块\", en = \" \" }",
    )]);
    assert_problem(
        dir.path(),
        EXHIBITION,
        "place = { zh = \"右侧展墙 第1块\"",
        "stations.place",
        "the English text for station `B1` (place.en) is missing or empty",
    );

    // An English-only show may leave the Chinese name out.
    let dir = broken(&[
        no_name_zh,
        (
            EXHIBITION,
            "time_zone = \"Asia/Shanghai\"",
            "time_zone = \"Asia/Shanghai\"\nlanguages = [\"en\"]",
        ),
    ]);
    let (code, out) = check(dir.path());
    assert_eq!(code, 0, "{out}");
    // And a Chinese-only one the English place.
    let zh_only = broken(&[
        no_place_en,
        (
            EXHIBITION,
            "time_zone = \"Asia/Shanghai\"",
            "time_zone = \"Asia/Shanghai\"\nlanguages = [\"zh\"]",
        ),
    ]);
    let (code, out) = check(zh_only.path());
    assert_eq!(code, 0, "{out}");
}

#[test]
fn a_station_without_a_place_or_a_phase_without_a_name_is_named() {
    let dir = broken(&[(
        EXHIBITION,
        "place.zh = \"右侧展墙 第3块\"\nplace.en = \"Right wall, panel 3\"\n",
        "",
    )]);
    assert_problem(
        dir.path(),
        EXHIBITION,
        "id = \"B3\"",
        "stations.place",
        "station `B3` has no place; write place.zh and place.en below its id",
    );
    let (_, out) = check(dir.path());
    assert_eq!(out.lines().count(), 1, "one mistake, one message:\n{out}");

    let dir = broken(&[(
        EXHIBITION,
        "name.zh = \"第一期：2016年封面\"\nname.en = \"Phase 1: 2016 covers\"\n",
        "",
    )]);
    assert_problem(
        dir.path(),
        EXHIBITION,
        "id = \"phase-1\"",
        "phases.name",
        "phase `phase-1` has no name; write name.zh and name.en below its id",
    );
    let (_, out) = check(dir.path());
    assert_eq!(out.lines().count(), 1, "one mistake, one message:\n{out}");
}

#[test]
fn a_bad_free_copy_url_is_named() {
    let trappist = "nature-covers/stories/trappist-1.toml";
    let arxiv = "oa_url = \"https://arxiv.org/abs/1703.01424\"";
    for (bad, words) in [
        (
            "oa_url = \"arxiv.org/abs/1703.01424\"",
            "`arxiv.org/abs/1703.01424` is not a valid http(s) URL",
        ),
        (
            "oa_url = \"ftp://arxiv.org/abs/1703.01424\"",
            "is not a valid http(s) URL",
        ),
        (
            "oa_url = \"https://arxiv.org/abs/1703.01424\\nLocation: x\"",
            "the URL holds a line break; remove it",
        ),
    ] {
        let dir = broken(&[(trappist, arxiv, bad)]);
        assert_problem(dir.path(), trappist, "oa_url = ", "article.oa_url", words);
        let (_, out) = check(dir.path());
        assert_eq!(out.lines().count(), 1, "one mistake, one message:\n{out}");
    }
}

#[test]
fn a_station_distance_in_quotes_says_to_drop_them() {
    let dir = broken(&[(
        EXHIBITION,
        "place.en = \"Right wall, panel 3\"\n",
        "place.en = \"Right wall, panel 3\"\nscan_distance_m = \"2.5\"\n",
    )]);
    assert_problem(
        dir.path(),
        EXHIBITION,
        "scan_distance_m = \"2.5\"",
        "scan_distance_m",
        "a number goes without quotes: write scan_distance_m = 2.5",
    );
    // Written as the docs say, a station's own distance is accepted.
    let fine = broken(&[(
        EXHIBITION,
        "place.en = \"Right wall, panel 3\"\n",
        "place.en = \"Right wall, panel 3\"\nscan_distance_m = 3\n",
    )]);
    assert_eq!(check(fine.path()).0, 0);
}

//! A test that keeps interface words in the Fluent resources: no `.rs` file under `src/`
//! (outside its `#[cfg(test)]` code and comments) and no template holds Chinese, Japanese or
//! Korean text, except the places listed here with their reason (a language's own name,
//! characters read from input, an example in a message about a file). A word written in one
//! language in the code is one a translator cannot find and a Japanese organizer reads in the
//! wrong language.

use std::path::{Path, PathBuf};

/// Files left out whole, with why.
const FILES: &[(&str, &str)] = &[
    // Test code in a file of its own.
    ("src/stats/tests.rs", "unit tests"),
    ("src/people/tests.rs", "unit tests"),
    ("src/i18n/scan.rs", "this test and its examples"),
];

/// Pieces of a line that may hold CJK characters, in one file, with why.
const PIECES: &[(&str, &str, &str)] = &[
    ("src/lang.rs", "\"繁體中文\"", "a language's own name"),
    ("src/lang.rs", "\"中文\"", "a language's own name"),
    ("src/lang.rs", "\"日本語\"", "a language's own name"),
    ("src/lang.rs", "\"한국어\"", "a language's own name"),
    ("src/lang.rs", "\"粵語\"", "a language's own name"),
    (
        "src/catalog/edit.rs",
        "'；'",
        "a full-width semicolon read as a separator",
    ),
    (
        "src/catalog/story_file.rs",
        "'；'",
        "a full-width semicolon read as a separator",
    ),
    (
        "src/catalog/friendly.rs",
        "CURLY_QUOTES",
        "quotation marks recognised in what staff type",
    ),
    (
        "src/catalog/load/feedback.rs",
        "such as",
        "an example of the file's TOML",
    ),
    (
        "src/catalog/load/languages.rs",
        "such as",
        "an example of the file's TOML",
    ),
];

fn is_cjk(c: char) -> bool {
    matches!(c,
        '\u{3000}'..='\u{303F}' // CJK punctuation: 、。「」
        | '\u{3040}'..='\u{30FF}' // kana
        | '\u{3400}'..='\u{4DBF}'
        | '\u{4E00}'..='\u{9FFF}' // ideographs
        | '\u{AC00}'..='\u{D7AF}' // Hangul
        | '\u{FF00}'..='\u{FFEF}' // full-width forms: ，：（）
    )
}

/// The lines of `text` that count: for Rust, up to the test module and without comment
/// lines; for a template, without `{# #}` comments.
fn counted(path: &Path, text: &str) -> Vec<(usize, String)> {
    if path.extension().is_some_and(|e| e == "rs") {
        let lines: Vec<&str> = text.lines().collect();
        // The test module (`#[cfg(test)]` then `mod tests {`) runs to the end of the file.
        let tests = lines.windows(2).position(|w| {
            w[0].trim() == "#[cfg(test)]"
                && w[1].trim_start().starts_with("mod ")
                && w[1].trim_end().ends_with('{')
        });
        lines[..tests.unwrap_or(lines.len())]
            .iter()
            .enumerate()
            .filter(|(_, l)| !l.trim_start().starts_with("//"))
            .map(|(i, l)| (i + 1, l.to_string()))
            .collect()
    } else {
        let mut kept = String::new();
        let mut rest = text;
        while let Some(start) = rest.find("{#") {
            kept.push_str(&rest[..start]);
            let end = rest[start..]
                .find("#}")
                .map_or(rest.len(), |e| start + e + 2);
            // Keep the line count: a comment's line breaks stay.
            kept.extend(rest[start..end].chars().filter(|c| *c == '\n'));
            rest = &rest[end..];
        }
        kept.push_str(rest);
        kept.lines()
            .enumerate()
            .map(|(i, l)| (i + 1, l.to_string()))
            .collect()
    }
}

fn files(dir: &Path, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.unwrap().path())
        .collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            files(&path, out);
        } else {
            out.push(path);
        }
    }
}

/// Every line holding CJK text that no entry allows: `path:line: text`.
fn findings(root: &Path) -> Vec<String> {
    let mut all = Vec::new();
    files(&root.join("src"), &mut all);
    files(&root.join("templates"), &mut all);
    let mut found = Vec::new();
    for path in all {
        let name = path
            .strip_prefix(root)
            .unwrap()
            .to_string_lossy()
            .replace('\\', "/");
        let wanted = name.ends_with(".rs") || name.starts_with("templates/");
        if !wanted || FILES.iter().any(|(f, _)| *f == name) {
            continue;
        }
        let Ok(text) = std::fs::read_to_string(&path) else {
            continue;
        };
        for (line, content) in counted(&path, &text) {
            let allowed = PIECES
                .iter()
                .any(|(f, piece, _)| *f == name && content.contains(piece));
            if !allowed && content.chars().any(is_cjk) {
                found.push(format!("{name}:{line}: {}", content.trim()));
            }
        }
    }
    found
}

#[test]
fn interface_words_are_in_the_resources_not_in_the_code() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let found = findings(root);
    assert!(
        found.is_empty(),
        "interface words written in the code: move them to locales/*/*.ftl (or list the file \
         in src/i18n/scan.rs with its reason):\n{}",
        found.join("\n")
    );
    // Every allowance still matches something, so the list cannot outlive its reasons.
    for (file, piece, why) in PIECES {
        let text = std::fs::read_to_string(root.join(file)).unwrap_or_default();
        assert!(text.contains(piece), "{file}: `{piece}` ({why}) is gone");
    }
    for (file, why) in FILES {
        assert!(root.join(file).exists(), "{file} ({why}) is gone");
    }
}

#[test]
fn the_scan_finds_a_word_in_code_and_not_in_tests_or_comments() {
    let rs = Path::new("x.rs");
    let code = "// 注释\n#[cfg(test)]\nmod words;\nfn a() -> &'static str { \"扫码\" }\n#[cfg(test)]\nmod tests {\n\"测试\" }\n";
    let lines = counted(rs, code);
    let cjk: Vec<usize> = lines
        .iter()
        .filter(|(_, l)| l.chars().any(is_cjk))
        .map(|(n, _)| *n)
        .collect();
    assert_eq!(
        cjk,
        [4],
        "a test module ends the scan, a test file declared does not"
    );
    let html = Path::new("x.html");
    let page = "{# 说明\n #}\n<p>访客</p>\n<p>{{ t.t(\"k\") }}</p>";
    let cjk: Vec<usize> = counted(html, page)
        .iter()
        .filter(|(_, l)| l.chars().any(is_cjk))
        .map(|(n, _)| *n)
        .collect();
    assert_eq!(cjk, [3]);
    assert!(is_cjk('，') && is_cjk('ア') && !is_cjk('é') && !is_cjk('→'));
}

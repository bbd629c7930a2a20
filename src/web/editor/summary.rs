//! The dashboard's history says what each save changed ("Title (English), DOI"), not only
//! which file: a kept version is compared field by field with the version that followed it
//! (the next kept one of the same file, or the file as it is now). Blocking: reads files.

use std::path::Path;

use crate::catalog::Lang;
use crate::catalog::edit::story_values;
use crate::catalog::save::{Kept, kept_bytes};
use crate::i18n::tr;

/// A short summary of each entry of `kept` (newest first, as `save::history` lists them), in
/// `lang`; empty when nothing can be said.
pub(in crate::web) fn summaries(dir: &Path, kept: &[Kept], lang: Lang) -> Vec<String> {
    kept.iter()
        .enumerate()
        .map(|(i, k)| {
            if k.created {
                return tr(lang, "history-new-file");
            }
            if k.file.starts_with("covers/") {
                return tr(lang, "history-cover");
            }
            if !(k.file.starts_with("stories/") && k.file.ends_with(".toml")) {
                return String::new();
            }
            let text = |kept: &Kept| {
                kept_bytes(dir, kept).map(|b| String::from_utf8_lossy(&b).into_owned())
            };
            let before = text(k);
            // What followed: the next newer kept version of the same file, or the file now.
            let after = match kept[..i].iter().rev().find(|n| n.file == k.file) {
                Some(n) if n.created => return String::new(),
                Some(n) => text(n),
                None => std::fs::read_to_string(dir.join(&k.file)),
            };
            match (before, after) {
                (Ok(before), Ok(after)) => changed(&before, &after, lang),
                _ => String::new(),
            }
        })
        .collect()
}

/// The labels of the fields that differ between two versions of a story file.
fn changed(before: &str, after: &str, lang: Lang) -> String {
    let (Ok(before), Ok(after)) = (story_values(before), story_values(after)) else {
        return String::new();
    };
    let names: Vec<&str> = before
        .iter()
        .zip(&after)
        .filter(|(b, a)| b.1 != a.1)
        .map(|(b, _)| super::story_form::short_label(b.0, lang))
        .collect();
    if names.is_empty() {
        tr(lang, "history-layout-only")
    } else {
        names.join(&tr(lang, "history-separator"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_changed_fields_are_named() {
        let before =
            "code = \"GO16\"\n[title]\nzh = \"旧\"\nen = \"Old\"\n[article]\ndoi = \"10.1/x\"\n";
        let after = before.replace("Old", "New").replace("10.1/x", "10.1/y");
        assert_eq!(changed(before, &after, Lang::EN), "Title (English), DOI");
        let cited = "[citation]\njournal = \"Nature\"\n";
        assert_eq!(
            changed(cited, &cited.replace("Nature", "Science"), Lang::EN),
            "Citation: journal"
        );
        assert_eq!(changed(before, &after, Lang::ZH), "标题（英文）、DOI");
        assert_eq!(changed(before, &after, Lang::JA), "タイトル（英語）、DOI");
        assert_eq!(
            changed(before, &format!("# note\n{before}"), Lang::EN),
            "comments or layout only"
        );
    }
}

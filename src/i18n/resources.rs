//! The interface's words, in Fluent files under `locales/` (one folder per language, one
//! resource per side: `visitor.ftl`, `admin.ftl`), compiled into the binary. English is the
//! reference: a language that lacks a key gets the English words, and a test fails when a
//! shipped resource lacks a key that English has.
//!
//! A show may be written in a language docent ships no words for (Korean, say): its texts are
//! then shown with the nearest shipped interface (`interface`), English when none is near.

use std::borrow::Cow;
use std::collections::HashMap;
use std::sync::LazyLock;

use fluent_templates::fluent_bundle::FluentValue;
use fluent_templates::{LanguageIdentifier, Loader};

use crate::lang::Lang;

fluent_templates::static_loader! {
    static LOCALES = {
        locales: "./locales",
        fallback_language: "en",
        // No Unicode isolation marks around arguments: they show up in plain-text mails and CSV.
        customise: |bundle| bundle.set_use_isolating(false),
    };
}

/// The languages docent ships interface words for, English first.
pub fn shipped() -> &'static [Lang] {
    static SHIPPED: LazyLock<Vec<Lang>> = LazyLock::new(|| {
        let mut all: Vec<Lang> = LOCALES
            .locales()
            .filter_map(|id| Lang::parse(&id.to_string()).ok())
            .collect();
        all.sort_by_key(|l| (*l != Lang::EN, l.as_str()));
        all
    });
    &SHIPPED
}

/// The shipped interface language for a show's language: itself when shipped, else the
/// nearest (`zh-Hant` takes `zh`), else English.
pub fn interface(lang: Lang) -> Lang {
    static CACHE: LazyLock<parking_lot::Mutex<HashMap<Lang, Lang>>> =
        LazyLock::new(Default::default);
    if let Some(found) = CACHE.lock().get(&lang) {
        return *found;
    }
    let available: Vec<LanguageIdentifier> = shipped().iter().map(|l| l.id()).collect();
    let requested = [lang.id()];
    let default = Lang::EN.id();
    let found = fluent_langneg::negotiate_languages(
        &requested,
        &available,
        Some(&default),
        fluent_langneg::NegotiationStrategy::Lookup,
    )
    .first()
    .and_then(|id| Lang::parse(&id.to_string()).ok())
    .unwrap_or(Lang::EN);
    CACHE.lock().insert(lang, found);
    found
}

/// The words of `key` in `lang`'s interface.
pub fn tr(lang: Lang, key: &str) -> String {
    LOCALES.lookup(&interface(lang).id(), key)
}

/// The words of `key` in `lang`'s interface, looked up once and kept: for the code's own keys
/// (a bounded set), where a `&'static str` is wanted.
pub fn tr_static(lang: Lang, key: &str) -> &'static str {
    static KEPT: LazyLock<parking_lot::Mutex<HashMap<(Lang, String), &'static str>>> =
        LazyLock::new(Default::default);
    let mut kept = KEPT.lock();
    if let Some(found) = kept.get(&(lang, key.to_string())) {
        return found;
    }
    let found: &'static str = Box::leak(tr(lang, key).into_boxed_str());
    kept.insert((lang, key.to_string()), found);
    found
}

/// The words of `key` with its arguments (`{ $date }`).
pub fn tr_args(lang: Lang, key: &str, args: &[(&'static str, FluentValue<'_>)]) -> String {
    let args: HashMap<Cow<'static, str>, FluentValue<'_>> = args
        .iter()
        .map(|(name, value)| (Cow::Borrowed(*name), value.clone()))
        .collect();
    LOCALES.lookup_with_args(&interface(lang).id(), key, &args)
}

/// The keys of every message in a resource's text, for the completeness test.
#[cfg(test)]
fn keys_of(source: &str) -> Vec<String> {
    source
        .lines()
        .filter(|l| !l.starts_with([' ', '#', '\t', '*', '[', '}']))
        .filter_map(|l| l.split_once(" =").map(|(k, _)| k.trim().to_string()))
        .filter(|k| !k.is_empty())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn resource(lang: &str, file: &str) -> String {
        let path = format!("{}/locales/{lang}/{file}", env!("CARGO_MANIFEST_DIR"));
        std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
    }

    #[test]
    fn every_shipped_resource_has_every_key_of_the_english_one() {
        let dir = format!("{}/locales/en", env!("CARGO_MANIFEST_DIR"));
        let files: Vec<String> = std::fs::read_dir(&dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        assert!(files.iter().any(|f| f == "visitor.ftl"), "{files:?}");
        assert!(
            shipped().len() >= 3,
            "zh, en and ja at least: {:?}",
            shipped()
        );
        // One bundle holds every file of a language: a key in two files would stop it loading.
        let mut all: Vec<String> = files
            .iter()
            .flat_map(|f| keys_of(&resource("en", f)))
            .collect();
        let count = all.len();
        all.sort();
        all.dedup();
        assert_eq!(all.len(), count, "a key is in two of {files:?}");
        for lang in shipped() {
            for file in &files {
                let reference = keys_of(&resource("en", file));
                assert!(reference.len() > 10, "{file}: {reference:?}");
                let theirs = keys_of(&resource(lang.as_str(), file));
                let missing: Vec<_> = reference.iter().filter(|k| !theirs.contains(k)).collect();
                assert!(
                    missing.is_empty(),
                    "locales/{lang}/{file} lacks {missing:?}"
                );
                let extra: Vec<_> = theirs.iter().filter(|k| !reference.contains(k)).collect();
                let mut once = theirs.clone();
                once.sort();
                once.dedup();
                assert_eq!(
                    once.len(),
                    theirs.len(),
                    "locales/{lang}/{file} repeats a key"
                );
                assert!(
                    extra.is_empty(),
                    "locales/{lang}/{file} has keys English lacks: {extra:?}"
                );
            }
        }
    }

    #[test]
    fn a_language_without_words_of_its_own_takes_the_nearest() {
        assert_eq!(interface(Lang::JA), Lang::JA);
        assert_eq!(interface(Lang::parse("zh-Hant").unwrap()), Lang::ZH);
        assert_eq!(interface(Lang::parse("ko").unwrap()), Lang::EN);
        assert_eq!(tr(Lang::JA, "cite"), "引用");
        assert_eq!(tr(Lang::parse("ko").unwrap(), "cite"), "Cite");
    }
}

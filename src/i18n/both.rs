//! Documents that speak a show's first two languages at once: the digest and alert mails,
//! the printable report, the lobby screen. Each line is in the first language, then in the
//! second, both from the Fluent resources (a language docent ships no words for takes the
//! nearest, as everywhere); the second is left out where it would only repeat the first (a
//! show in one language, `10:00`, `QQ`).

use fluent_templates::fluent_bundle::FluentValue;

use super::{tr, tr_args};
use crate::lang::{Lang, Languages, Text};

/// Words in the first language and in the second; `.1` is empty when it would repeat `.0`.
pub type Pair = (String, String);

/// The show's first two languages (`Languages::first_two`), for a bilingual document.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Both {
    pub first: Lang,
    pub second: Lang,
}

impl Both {
    pub fn of(languages: &Languages) -> Both {
        let (first, second) = languages.first_two();
        Both { first, second }
    }

    /// The first language's tag for a `lang` attribute (`zh-Hans`, `ja`, `ko`).
    pub fn first_tag(&self) -> &'static str {
        super::html_lang(self.first)
    }

    pub fn second_tag(&self) -> &'static str {
        super::html_lang(self.second)
    }

    /// `make` in each language, the second dropped when it says the same.
    pub fn pair(&self, make: impl Fn(Lang) -> String) -> Pair {
        let first = make(self.first);
        let second = make(self.second);
        if second == first {
            (first, String::new())
        } else {
            (first, second)
        }
    }

    /// The words of `key` in each language.
    pub fn words(&self, key: &str) -> Pair {
        self.pair(|lang| tr(lang, key))
    }

    /// The words of `key` with its arguments in each language.
    pub fn words_args(&self, key: &str, args: &[(&'static str, FluentValue<'_>)]) -> Pair {
        self.pair(|lang| tr_args(lang, key, args))
    }

    /// A show's own text in each language.
    pub fn text(&self, text: &Text) -> Pair {
        self.pair(|lang| text.get(lang).to_string())
    }

    /// Both on one line, `sep` between them: `扫码 scans`.
    pub fn joined(pair: &Pair, sep: &str) -> String {
        if pair.1.is_empty() {
            pair.0.clone()
        } else {
            format!("{}{sep}{}", pair.0, pair.1)
        }
    }

    /// The words of `key` with a `$count` in each language, on one line: `全文 3 · 3 article
    /// opens`.
    pub fn n(&self, key: &str, count: &u64) -> String {
        Both::joined(&self.words_args(key, &[("count", (*count).into())]), " · ")
    }

    /// The words of `key` in each language, on one line: `扫码 scans`.
    pub fn t(&self, key: &str) -> String {
        Both::joined(&self.words(key), " ")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_first_two_languages_and_never_the_same_words_twice() {
        let zh_en = Both::of(&Languages::new(&[Lang::ZH, Lang::EN, Lang::JA], None));
        assert_eq!(
            zh_en.words("cite"),
            ("引用".to_string(), "Cite".to_string())
        );
        let ja = Both::of(&Languages::new(&[Lang::JA], None));
        assert_eq!(ja.words("cite"), ("引用".to_string(), String::new()));
        assert_eq!(ja.t("cite"), "引用");
        let ko_ja = Both::of(&Languages::new(
            &[Lang::parse("ko").unwrap(), Lang::JA],
            None,
        ));
        assert_eq!(ko_ja.t("cite"), "Cite 引用", "English words for Korean");
        assert_eq!(ko_ja.first_tag(), "ko");
    }
}

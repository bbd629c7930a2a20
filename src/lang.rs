//! Languages as data: a show is written in any set of languages, each named by its BCP 47
//! tag (`zh`, `en`, `ja`, `zh-Hant`, `pt-BR`), and every visitor-facing text is a table of
//! those tags (`Text`).
//!
//! A `Lang` is a tag in its canonical form, interned: cheap to copy and compare. Tags are only
//! made from exhibit files and shipped resources (`Lang::parse`), never from what a browser
//! sends, so the set stays as small as the shows' own lists.

use std::fmt;
use std::sync::Mutex;

use unic_langid::LanguageIdentifier;

#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Lang(&'static str);

/// Why a tag is not a language docent can serve.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LangError {
    #[error("`{0}` is not a BCP 47 language tag (such as \"zh\", \"en\", \"ja\" or \"zh-Hant\")")]
    Malformed(String),
    #[error("`{0}` names no known language (ISO 639-1, such as \"ja\" for Japanese)")]
    Unknown(String),
}

static INTERNED: Mutex<Vec<&'static str>> = Mutex::new(Vec::new());

fn intern(tag: String) -> &'static str {
    let mut all = INTERNED.lock().unwrap_or_else(|e| e.into_inner());
    if let Some(known) = all.iter().find(|t| **t == tag) {
        return known;
    }
    let leaked: &'static str = Box::leak(tag.into_boxed_str());
    all.push(leaked);
    leaked
}

impl Lang {
    pub const ZH: Lang = Lang("zh");
    pub const EN: Lang = Lang("en");
    pub const JA: Lang = Lang("ja");

    /// A tag as staff write it, checked and in its canonical form (`zh-hant` is `zh-Hant`).
    pub fn parse(tag: &str) -> Result<Lang, LangError> {
        let id: LanguageIdentifier = tag
            .trim()
            .parse()
            .map_err(|_| LangError::Malformed(tag.to_string()))?;
        if tag.trim().is_empty() || id.language.is_empty() {
            return Err(LangError::Malformed(tag.to_string()));
        }
        if !KNOWN.contains(&id.language.as_str()) {
            return Err(LangError::Unknown(tag.to_string()));
        }
        Ok(match id.to_string().as_str() {
            "zh" => Lang::ZH,
            "en" => Lang::EN,
            "ja" => Lang::JA,
            _ => Lang(intern(id.to_string())),
        })
    }

    pub fn as_str(self) -> &'static str {
        self.0
    }

    /// The tag as a language identifier, for negotiation and the interface resources.
    pub fn id(self) -> LanguageIdentifier {
        self.0.parse().unwrap_or_default()
    }

    /// The language subtag alone: `zh` of `zh-Hant`.
    pub fn primary(self) -> &'static str {
        self.0.split('-').next().unwrap_or(self.0)
    }

    /// The language's name in itself, for the language links: `日本語`, `Deutsch`.
    pub fn own_name(self) -> &'static str {
        match self.0 {
            "zh-Hant" | "zh-TW" | "zh-HK" => "繁體中文",
            _ => OWN_NAMES
                .iter()
                .find(|(tag, _)| *tag == self.primary())
                .map(|(_, name)| *name)
                .unwrap_or(self.0),
        }
    }
}

/// The languages the event log can count, by their stored number (four bits of a visit
/// record): Chinese and English first, as they were before there were more. New ones go at the
/// end; the order never changes.
pub const COUNTED: [&str; 16] = [
    "zh", "en", "ja", "ko", "fr", "de", "es", "it", "pt", "ru", "ar", "zh-Hant", "th", "vi", "id",
    "nl",
];

impl Lang {
    /// Its number in the event log: its own, else its primary language's (`pt-BR` is
    /// counted as `pt`, `zh-TW` as `zh`); `None` for a language the log cannot count.
    pub fn stored_number(self) -> Option<u8> {
        let at = |tag: &str| COUNTED.iter().position(|t| *t == tag).map(|n| n as u8);
        at(self.as_str()).or_else(|| at(self.primary()))
    }

    /// The language of a stored number: the table's tags are canonical already, so no parse
    /// and no interning (this runs for every record read).
    pub fn of_stored_number(n: u8) -> Option<Lang> {
        COUNTED.get(usize::from(n)).map(|tag| Lang(tag))
    }

    /// Whether `subtag` is a language subtag docent knows (`ja`, `zh`), without making a
    /// `Lang`: for what a browser sends.
    pub fn is_known_subtag(subtag: &str) -> bool {
        KNOWN.contains(&subtag)
    }
}

impl fmt::Debug for Lang {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.0)
    }
}

impl fmt::Display for Lang {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.0)
    }
}

impl serde::Serialize for Lang {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.0)
    }
}

impl<'de> serde::Deserialize<'de> for Lang {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Lang, D::Error> {
        let tag = String::deserialize(d)?;
        Lang::parse(&tag).map_err(serde::de::Error::custom)
    }
}

/// At most this many languages in one show (a page lists them all as links).
pub const MAX_LANGUAGES: usize = 12;

/// The languages a show is written in (`languages` in exhibition.toml; the first is its
/// default) and the one a visitor gets whose browser names only others (`fallback_language`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Languages {
    list: [Lang; MAX_LANGUAGES],
    len: usize,
    /// For a browser that names only languages the show lacks (German, Korean, ...): English
    /// when the show has it, as more of those visitors read English, else the first.
    pub fallback: Lang,
}

impl Languages {
    /// `list` without repeats, at most `MAX_LANGUAGES`; Chinese and English when empty.
    pub fn new(list: &[Lang], fallback: Option<Lang>) -> Languages {
        let mut languages = Languages {
            list: [Lang::ZH; MAX_LANGUAGES],
            len: 0,
            fallback: Lang::ZH,
        };
        for lang in list {
            if !languages.has(*lang) && languages.len < MAX_LANGUAGES {
                languages.list[languages.len] = *lang;
                languages.len += 1;
            }
        }
        if languages.len == 0 {
            languages.list[..2].copy_from_slice(&[Lang::ZH, Lang::EN]);
            languages.len = 2;
        }
        languages.fallback = fallback
            .filter(|l| languages.has(*l))
            .or_else(|| languages.has(Lang::EN).then_some(Lang::EN))
            .unwrap_or(languages.list[0]);
        languages
    }

    pub fn all(&self) -> &[Lang] {
        &self.list[..self.len]
    }

    /// The show's default language: for a browser that names none.
    pub fn first(&self) -> Lang {
        self.list[0]
    }

    /// The first two languages (a poster's), the first twice for a show in one language.
    pub fn first_two(&self) -> (Lang, Lang) {
        (
            self.list[0],
            self.all().get(1).copied().unwrap_or(self.list[0]),
        )
    }

    pub fn has(&self, lang: Lang) -> bool {
        self.all().contains(&lang)
    }
}

impl Default for Languages {
    fn default() -> Languages {
        Languages::new(&[Lang::ZH, Lang::EN], None)
    }
}

/// A visitor-facing text in the show's languages, kept in the order of its `languages` list
/// (so the first is the default); at least one is present once validated.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Text {
    texts: Vec<(Lang, String)>,
}

impl Text {
    pub fn new(texts: impl IntoIterator<Item = (Lang, String)>) -> Text {
        let mut text = Text::default();
        for (lang, value) in texts {
            text.set(lang, value);
        }
        text
    }

    /// The text in `lang`, else in the first language it has, rather than nothing.
    pub fn get(&self, lang: Lang) -> &str {
        self.exactly(lang)
            .or_else(|| self.texts.first().map(|(_, t)| t.as_str()))
            .unwrap_or("")
    }

    /// The text only if it exists in exactly `lang` (a second-language subtitle, say).
    pub fn exactly(&self, lang: Lang) -> Option<&str> {
        self.texts
            .iter()
            .find(|(l, _)| *l == lang)
            .map(|(_, t)| t.as_str())
    }

    /// Sets the text in `lang`, replacing any.
    pub fn set(&mut self, lang: Lang, value: String) {
        match self.texts.iter_mut().find(|(l, _)| *l == lang) {
            Some(slot) => slot.1 = value,
            None => self.texts.push((lang, value)),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.texts.is_empty()
    }

    /// Every language it is written in, with its text, in the show's order.
    pub fn iter(&self) -> impl Iterator<Item = (Lang, &str)> {
        self.texts.iter().map(|(l, t)| (*l, t.as_str()))
    }
}

/// ISO 639-1: the language subtags `Lang::parse` knows, and a few 639-3 ones museums use.
const KNOWN: &[&str] = &[
    "aa", "ab", "ae", "af", "ak", "am", "an", "ar", "as", "av", "ay", "az", "ba", "be", "bg", "bi",
    "bm", "bn", "bo", "br", "bs", "ca", "ce", "ch", "co", "cr", "cs", "cu", "cv", "cy", "da", "de",
    "dv", "dz", "ee", "el", "en", "eo", "es", "et", "eu", "fa", "ff", "fi", "fj", "fo", "fr", "fy",
    "ga", "gd", "gl", "gn", "gu", "gv", "ha", "he", "hi", "ho", "hr", "ht", "hu", "hy", "hz", "ia",
    "id", "ie", "ig", "ii", "ik", "io", "is", "it", "iu", "ja", "jv", "ka", "kg", "ki", "kj", "kk",
    "kl", "km", "kn", "ko", "kr", "ks", "ku", "kv", "kw", "ky", "la", "lb", "lg", "li", "ln", "lo",
    "lt", "lu", "lv", "mg", "mh", "mi", "mk", "ml", "mn", "mr", "ms", "mt", "my", "na", "nb", "nd",
    "ne", "ng", "nl", "nn", "no", "nr", "nv", "ny", "oc", "oj", "om", "or", "os", "pa", "pi", "pl",
    "ps", "pt", "qu", "rm", "rn", "ro", "ru", "rw", "sa", "sc", "sd", "se", "sg", "si", "sk", "sl",
    "sm", "sn", "so", "sq", "sr", "ss", "st", "su", "sv", "sw", "ta", "te", "tg", "th", "ti", "tk",
    "tl", "tn", "to", "tr", "ts", "tt", "tw", "ty", "ug", "uk", "ur", "uz", "ve", "vi", "vo", "wa",
    "wo", "xh", "yi", "yo", "za", "zh", "zu", "yue", "nan", "fil", "haw",
];

/// Languages' names in themselves, for the links between them.
const OWN_NAMES: &[(&str, &str)] = &[
    ("zh", "中文"),
    ("en", "English"),
    ("ja", "日本語"),
    ("ko", "한국어"),
    ("fr", "Français"),
    ("de", "Deutsch"),
    ("es", "Español"),
    ("it", "Italiano"),
    ("pt", "Português"),
    ("ru", "Русский"),
    ("ar", "العربية"),
    ("nl", "Nederlands"),
    ("th", "ไทย"),
    ("vi", "Tiếng Việt"),
    ("id", "Bahasa Indonesia"),
    ("ms", "Bahasa Melayu"),
    ("hi", "हिन्दी"),
    ("tr", "Türkçe"),
    ("pl", "Polski"),
    ("uk", "Українська"),
    ("sv", "Svenska"),
    ("yue", "粵語"),
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tags_are_checked_and_canonical() {
        assert_eq!(Lang::parse("zh").unwrap(), Lang::ZH);
        assert_eq!(Lang::parse("zh-hant").unwrap().as_str(), "zh-Hant");
        assert_eq!(Lang::parse("pt-br").unwrap().as_str(), "pt-BR");
        assert_eq!(
            Lang::parse("pt-BR").unwrap(),
            Lang::parse("pt-br").unwrap(),
            "one tag, one Lang"
        );
        assert!(matches!(Lang::parse("x!"), Err(LangError::Malformed(_))));
        assert!(matches!(Lang::parse(""), Err(LangError::Malformed(_))));
        assert!(matches!(Lang::parse("qq"), Err(LangError::Unknown(_))));
        assert_eq!(Lang::parse("ja").unwrap().own_name(), "日本語");
        assert_eq!(Lang::parse("zh-Hant").unwrap().primary(), "zh");
    }

    #[test]
    fn a_text_falls_back_to_its_first_language() {
        let t = Text::new([(Lang::JA, "猫".to_string()), (Lang::EN, "Cat".to_string())]);
        assert_eq!(t.get(Lang::EN), "Cat");
        assert_eq!(t.get(Lang::ZH), "猫");
        assert_eq!(t.exactly(Lang::ZH), None);
    }
}

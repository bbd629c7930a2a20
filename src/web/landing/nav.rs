//! What every visitor page's header offers besides the show's name: links to the page in the
//! show's other languages (each in its own name: one toggle for two languages, a short list for
//! more), and the "A+ larger text" switch. Both are plain links, no script, no cookie: the
//! large-text choice is a query flag (`size=large`) that the page keeps on its own links.

use crate::catalog::{Lang, Languages};

pub(super) struct Nav {
    /// The page's own language tag.
    pub(super) lang: &'static str,
    /// Its `<html lang>`.
    pub(super) html_lang: &'static str,
    /// The page in each of the show's other languages.
    pub(super) links: Vec<LangLink>,
    pub(super) large: bool,
    /// What the page's own links carry to keep the large type: `&size=large`, or nothing.
    pub(super) keep: &'static str,
}

pub(super) struct LangLink {
    pub(super) tag: &'static str,
    pub(super) name: &'static str,
}

impl Nav {
    pub(super) fn new(show: Languages, lang: Lang, large: bool) -> Nav {
        Nav {
            lang: lang.as_str(),
            html_lang: crate::i18n::html_lang(lang),
            links: show
                .all()
                .iter()
                .filter(|l| **l != lang)
                .map(|l| LangLink {
                    tag: l.as_str(),
                    name: l.own_name(),
                })
                .collect(),
            large,
            keep: keep(large),
        }
    }
}

/// The query tail that keeps large type on a page's own links.
pub(super) fn keep(large: bool) -> &'static str {
    if large { "&size=large" } else { "" }
}

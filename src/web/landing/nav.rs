//! What every visitor page's header offers besides the show's name: links to the page in the
//! show's other languages (each in its own name: one toggle for two languages, a short list for
//! more), and the "A+ larger text" switch. Both are plain links, no script, no cookie: the
//! large-text choice is a query flag (`size=large`) that the page keeps on its own links.

use crate::catalog::{Lang, Languages};

pub(in crate::web) struct Nav {
    /// The page's own language tag.
    pub(in crate::web) lang: &'static str,
    /// Its `<html lang>`.
    pub(in crate::web) html_lang: &'static str,
    /// The page in each of the show's other languages.
    pub(in crate::web) links: Vec<LangLink>,
    pub(in crate::web) large: bool,
    /// What the page's own links carry to keep the large type: `&size=large`, or nothing.
    pub(in crate::web) keep: &'static str,
}

pub(in crate::web) struct LangLink {
    pub(in crate::web) tag: &'static str,
    pub(in crate::web) name: &'static str,
}

impl Nav {
    pub(in crate::web) fn new(show: Languages, lang: Lang, large: bool) -> Nav {
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
pub(in crate::web) fn keep(large: bool) -> &'static str {
    if large { "&size=large" } else { "" }
}

//! How stories look on visitor pages: the story with its cover and citation line, the small
//! cards linking to other stories, and the banner before opening or after closing that both
//! the landing and the exhibition page show.

use crate::catalog::{Citation, Exhibition, Lang, ShowState, Story};
use crate::i18n;

/// A story as the page shows it.
pub(super) struct StoryView<'a> {
    pub(super) title: &'a str,
    pub(super) subtitle: Option<&'a str>,
    /// The subtitle's language: the show's first other than the page's.
    pub(super) subtitle_lang: &'static str,
    pub(super) paragraphs: Vec<&'a str>,
    pub(super) cover: CoverView,
    pub(super) topics: Vec<&'a str>,
    pub(super) citation: Option<String>,
    pub(super) doi: Option<&'a str>,
}

pub(super) struct CoverView {
    pub(super) src: String,
    pub(super) srcset: String,
    pub(super) width: u32,
    pub(super) height: u32,
    pub(super) alt: String,
}

/// A small link to another story on show.
pub(super) struct Card<'a> {
    pub(super) href: String,
    pub(super) title: &'a str,
    pub(super) thumb: String,
    pub(super) thumb_srcset: String,
    pub(super) label: String,
}

/// The topics written in the page's script (Chinese and Japanese ones hold Han characters or
/// kana), or all of them when none is: exhibit files often list both, as 人工智能 and
/// "Artificial intelligence".
fn topics_in(topics: &[String], lang: Lang) -> Vec<&str> {
    let cjk = |t: &str| {
        t.chars().any(|c| {
            ('\u{3040}'..='\u{30ff}').contains(&c) || ('\u{4e00}'..='\u{9fff}').contains(&c)
        })
    };
    let page_cjk = matches!(lang.primary(), "zh" | "ja" | "yue");
    let matching: Vec<&str> = topics
        .iter()
        .map(String::as_str)
        .filter(|t| cjk(t) == page_cjk)
        .collect();
    if matching.is_empty() {
        topics.iter().map(String::as_str).collect()
    } else {
        matching
    }
}

/// The banner before opening or after closing.
pub(super) fn notice(e: &Exhibition, state: ShowState, lang: Lang) -> Option<String> {
    match state {
        ShowState::Upcoming => Some(i18n::upcoming(lang, e.opens)),
        ShowState::Closed => Some(i18n::closed(lang, e.closes)),
        ShowState::Running => None,
    }
}

pub(super) fn story_view<'a>(e: &Exhibition, story: &'a Story, lang: Lang) -> StoryView<'a> {
    let title = story.title.get(lang);
    let other = e.languages.all().iter().copied().find(|l| *l != lang);
    let subtitle = other
        .and_then(|other| story.title.exactly(other))
        .filter(|s| *s != title);
    StoryView {
        title,
        subtitle,
        subtitle_lang: other.map_or("", Lang::as_str),
        paragraphs: story
            .summary
            .get(lang)
            .split("\n\n")
            .map(str::trim)
            .filter(|p| !p.is_empty())
            .collect(),
        cover: cover_view(e, story, lang),
        topics: topics_in(&story.topics, lang),
        citation: story.citation.as_ref().map(citation_line),
        doi: story.doi.as_deref(),
    }
}

/// "Authors. Title. Journal volume, pages (date)" with no doubled full stops.
fn citation_line(c: &Citation) -> String {
    let mut line = String::new();
    for part in c.authors.iter().chain(c.title.iter()) {
        line.push_str(part.trim());
        if !line.ends_with('.') {
            line.push('.');
        }
        line.push(' ');
    }
    line.push_str(&c.journal);
    if let Some(v) = &c.volume {
        line.push_str(&format!(" {v}"));
    }
    if let Some(p) = &c.pages {
        line.push_str(&format!(", {p}"));
    }
    if let Some(d) = c.issue_date {
        // A citation is English bibliographic text whatever the page language.
        line.push_str(&format!(" ({})", i18n::date(Lang::EN, d)));
    }
    line
}

fn cover_url(e: &Exhibition, story: &Story, width: u32) -> String {
    format!(
        "/cover/{}/{}/{width}?v={}",
        e.id, story.id, story.cover.version
    )
}

/// The cover at both widths on offer, for the browser to pick from.
fn cover_srcset(e: &Exhibition, story: &Story) -> String {
    format!(
        "{} 160w, {} 480w",
        cover_url(e, story, 160),
        cover_url(e, story, 480)
    )
}

fn cover_view(e: &Exhibition, story: &Story, lang: Lang) -> CoverView {
    let (w, h) = (story.cover.width.max(1), story.cover.height.max(1));
    CoverView {
        src: cover_url(e, story, 480),
        srcset: cover_srcset(e, story),
        width: 480,
        height: (480 * h / w).max(1),
        alt: story.cover.alt.get(lang).to_string(),
    }
}

pub(super) fn card<'a>(
    e: &Exhibition,
    story: &'a Story,
    lang: Lang,
    label: Option<String>,
    large: bool,
) -> Card<'a> {
    Card {
        href: format!(
            "/s/{}?lang={}&via=list{}",
            story.code,
            lang.as_str(),
            super::nav::keep(large)
        ),
        title: story.title.get(lang),
        thumb: cover_url(e, story, 160),
        thumb_srcset: cover_srcset(e, story),
        label: label.unwrap_or_default(),
    }
}

//! The funnel of a story or of the show: page views -> browser-confirmed views -> read to the
//! end -> article opens -> citations taken home, each step with its words (`locales/*/figures.ftl`)
//! and its share of the first. Every number is a field of `Figures`, so the dashboard, the
//! report and the stats JSON say the same; and the most liked story, for the lobby.

use super::{Figures, Named, Row};
use crate::catalog::Lang;

/// One step of a funnel.
#[derive(Debug, Clone, PartialEq)]
pub struct Step {
    /// The stats JSON field it is (`views` is `scans` + `browses`).
    pub key: &'static str,
    pub value: u64,
    /// Of the first step, 0 to 1; 0 when the first step is 0.
    pub share: f64,
}

impl Step {
    pub fn label(&self, lang: Lang) -> &'static str {
        crate::i18n::tr_static(lang, &self.label_key())
    }

    /// Its words' key in `locales/*/figures.ftl`: `funnel-confirmed`.
    pub fn label_key(&self) -> String {
        format!("funnel-{}", self.key)
    }

    /// A table heading's words' key (`confirmed` where the label is longer).
    pub fn short_key(&self) -> String {
        format!("funnel-{}-short", self.key)
    }

    /// The share as people read it: "42 %".
    pub fn percent(&self) -> String {
        format!("{:.0} %", self.share * 100.0)
    }
}

/// The five steps of `f`, in order.
pub fn steps(f: &Figures) -> Vec<Step> {
    let raw = [
        ("views", f.views()),
        ("confirmed", f.confirmed),
        ("read_to_end", f.read_to_end),
        ("opens", f.opens),
        ("citations", f.citations),
    ];
    let first = raw[0].1;
    raw.into_iter()
        .map(|(key, value)| Step {
            key,
            value,
            share: if first == 0 {
                0.0
            } else {
                value as f64 / first as f64
            },
        })
        .collect()
}

/// The story with the most reactions (ties: the one listed first), if any was reacted to.
pub fn most_liked(stories: &[Row<Named>]) -> Option<&Row<Named>> {
    stories
        .iter()
        .filter(|r| r.figures.reactions_total() > 0)
        .fold(None, |best: Option<&Row<Named>>, r| match best {
            Some(b) if b.figures.reactions_total() >= r.figures.reactions_total() => Some(b),
            _ => Some(r),
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn steps_follow_the_figures_and_share_the_first() {
        let f = Figures {
            scans: 8,
            browses: 2,
            confirmed: 5,
            read_to_end: 2,
            opens: 1,
            citations: 1,
            ..Figures::default()
        };
        let s = steps(&f);
        let values: Vec<u64> = s.iter().map(|s| s.value).collect();
        assert_eq!(values, [10, 5, 2, 1, 1]);
        assert_eq!(s[1].percent(), "50 %");
        assert_eq!(steps(&Figures::default())[2].share, 0.0);
    }

    #[test]
    fn the_most_liked_story_has_the_most_reactions_and_none_is_none() {
        let row = |id: &str, n: u64| Row {
            key: Named::new(id, |_| id.into()),
            figures: Figures {
                reactions: [("interesting".to_string(), n)].into(),
                ..Figures::default()
            },
        };
        let rows = [row("a", 1), row("b", 3), row("c", 3), row("d", 0)];
        assert_eq!(most_liked(&rows).map(|r| r.key.id.as_str()), Some("b"));
        assert!(most_liked(&[row("a", 0)]).is_none());
    }
}

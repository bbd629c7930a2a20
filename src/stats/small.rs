//! Small numbers where the public sees them: on a read-only share link, the lobby screen and
//! the report opened through a link, a count of distinct visitors below the threshold
//! (`--min-count`, default 5) is written "fewer than 5", and a row made only of small counts
//! is merged into one "other" row, so a quiet morning cannot single out a person. The
//! signed-in dashboard, the JSON and the CSV stay exact.

use std::collections::BTreeMap;

use super::keys::Named;
use super::{Figures, Row, Stats};
use crate::catalog::Lang;
use crate::i18n::{Both, tr, tr_args};

/// Counts of visitors below `.0` are hidden; 0 or 1 hides nothing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Threshold(pub u64);

/// Exact figures: what the signed-in dashboard shows.
pub const EXACT: Threshold = Threshold(0);

/// The key of the row the small rows are merged into.
pub const OTHER: &str = "other";

impl Threshold {
    /// Whether `n` is too small to show: zero singles nobody out, so it is shown.
    pub fn hides(self, n: u64) -> bool {
        n > 0 && n < self.0
    }

    /// `n` as the public may see it, in `lang`.
    pub fn shown(self, n: u64, lang: Lang) -> String {
        if !self.hides(n) {
            return n.to_string();
        }
        tr_args(lang, "fewer-than", &[("k", self.0.into())])
    }

    /// `n` in a show's first two languages, for the pages that speak both at once (lobby,
    /// report).
    pub fn shown_both(self, n: u64, both: Both) -> String {
        Both::joined(&both.pair(|lang| self.shown(n, lang)), " · ")
    }

    /// A row is made only of small counts when each of its counts is zero or hidden, and
    /// one is not zero.
    fn small_row(self, f: &Figures) -> bool {
        let counts = [
            f.scans,
            f.browses,
            f.visitors,
            f.opens,
            f.shares,
            f.confirmed,
            f.read_to_end,
            f.citations,
        ];
        let all = counts.iter().chain(f.reactions.values());
        let mut any = false;
        for &n in all {
            if n >= self.0 {
                return false;
            }
            any |= n > 0;
        }
        any
    }

    /// `rows` with the rows made only of small counts merged into one "other" row, last.
    pub fn merge_named(self, rows: Vec<Row<Named>>) -> Vec<Row<Named>> {
        if self.0 <= 1 {
            return rows;
        }
        let (small, mut kept): (Vec<_>, Vec<_>) =
            rows.into_iter().partition(|r| self.small_row(&r.figures));
        if small.is_empty() {
            return kept;
        }
        let mut other = Figures::default();
        for row in &small {
            add(&mut other, &row.figures);
        }
        kept.push(Row {
            key: Named::new(OTHER, |lang| tr(lang, "row-other")),
            figures: other,
        });
        kept
    }

    /// `stats` with the named breakdowns (stories, stations, phases) merged as above.
    pub fn public(self, mut stats: Stats) -> Stats {
        stats.by_story = self.merge_named(stats.by_story);
        stats.by_station = self.merge_named(stats.by_station);
        stats.by_phase = self.merge_named(stats.by_phase);
        stats
    }
}

/// Adds `f` into `sum`, rates worked out again from the sums.
fn add(sum: &mut Figures, f: &Figures) {
    sum.scans += f.scans;
    sum.browses += f.browses;
    sum.visitors += f.visitors;
    sum.opens += f.opens;
    sum.shares += f.shares;
    sum.confirmed += f.confirmed;
    sum.read_to_end += f.read_to_end;
    sum.citations += f.citations;
    let mut reactions: BTreeMap<String, u64> = std::mem::take(&mut sum.reactions);
    for (id, n) in &f.reactions {
        *reactions.entry(id.clone()).or_default() += n;
    }
    sum.reactions = reactions;
    let views = sum.scans + sum.browses;
    sum.open_rate = if views == 0 {
        0.0
    } else {
        sum.opens as f64 / views as f64
    };
    sum.read_rate = if sum.confirmed == 0 {
        0.0
    } else {
        sum.read_to_end as f64 / sum.confirmed as f64
    };
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(id: &str, scans: u64, visitors: u64) -> Row<Named> {
        Row {
            key: Named::removed(id),
            figures: Figures {
                scans,
                visitors,
                ..Figures::default()
            },
        }
    }

    #[test]
    fn counts_below_the_threshold_are_words_in_each_language() {
        let k = Threshold(5);
        assert_eq!(k.shown(3, Lang::EN), "fewer than 5");
        assert_eq!(k.shown(3, Lang::ZH), "少于 5");
        assert_eq!(k.shown(0, Lang::EN), "0");
        assert_eq!(k.shown(5, Lang::EN), "5");
        assert_eq!(k.shown(3, Lang::JA), "5 未満");
        let zh_en = Both::of(&crate::lang::Languages::default());
        assert_eq!(k.shown_both(1, zh_en), "少于 5 · fewer than 5");
        assert_eq!(k.shown_both(7, zh_en), "7");
        assert_eq!(EXACT.shown(3, Lang::EN), "3");
    }

    #[test]
    fn rows_made_only_of_small_counts_become_one_other_row() {
        let k = Threshold(5);
        let rows = vec![
            row("a", 40, 30),
            row("b", 3, 2),
            row("c", 12, 4),
            row("d", 4, 1),
            row("e", 0, 0),
        ];
        let merged = k.merge_named(rows);
        let keys: Vec<&str> = merged.iter().map(|r| r.key.id.as_str()).collect();
        // `c` has a count of 12: not made only of small counts, so it stays (its 4 visitors
        // are written as words where shown); an empty row singles nobody out.
        assert_eq!(keys, ["a", "c", "e", OTHER]);
        let other = &merged[3].figures;
        assert_eq!((other.scans, other.visitors), (7, 3));
        assert_eq!(EXACT.merge_named(vec![row("b", 3, 2)]).len(), 1);
    }
}

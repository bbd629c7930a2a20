//! Digests: an exhibition's figures for a period by e-mail. The figures come from the same
//! `stats::compute` as the stats JSON for those days (so they are the same numbers), with the
//! change against the period of the same length before, the top stories, a chart of the days
//! as an inline PNG (drawn by the dashboard's chart code, rasterised here: no remote image a
//! mail client would block) and a fresh read-only link. Each mail speaks the show's first two
//! languages (`i18n::Both`) and is multipart: plain text and HTML (askama templates, escaped like every page).
//!
//! `period` says which days and when they are due; `words` holds the words; `png` turns the
//! SVG chart into an image.

pub mod period;
mod png;
pub mod words;

use askama::Template;
use jiff::Timestamp;
use lettre::Message;
use lettre::message::header::ContentType;
use lettre::message::{Attachment, MultiPart, SinglePart};

use self::period::Period;
use crate::catalog::Exhibition;
use crate::i18n::{Both, Pair};
use crate::smtp::{MailError, Mailer};
use crate::stats::{self, Stats};
use crate::store::{Store, StoreError};

/// The content id of the chart inside the mail.
const CHART_CID: &str = "days@docent";

/// One figure of the digest: words, the number, its change.
pub struct Line {
    /// The stats JSON's name for it (`totals.scans`), for readers and tests.
    pub key: &'static str,
    pub label: Pair,
    pub value: String,
    pub change: Option<Pair>,
}

pub struct TopStory {
    pub title: Pair,
    pub views: u64,
    /// `views` in words: "8 views".
    pub views_words: Pair,
}

/// A digest, put together: what the plain and HTML parts show.
pub struct Digest {
    pub exhibition: String,
    pub subject: String,
    pub what: Pair,
    pub from: String,
    pub to: String,
    pub lines: Vec<Line>,
    pub top: Vec<TopStory>,
    pub link_words: Pair,
    pub link: String,
    pub chart_title: Pair,
    pub chart_note: Pair,
    /// The chart of the days as PNG; `None` when it could not be drawn (the mail goes
    /// without it).
    pub chart: Option<Vec<u8>>,
    pub footer: Pair,
    pub top_heading: Pair,
    /// The mail's two languages, for the `lang` attributes.
    pub langs: Both,
}

/// Puts the digest of `e` for `period` together (blocking: it reads the figures and draws).
/// `link` is the read-only link's URL and `link_days` how long it opens.
pub fn build(
    store: &Store,
    e: &Exhibition,
    period: &Period,
    link: &str,
    link_days: i64,
    now: Timestamp,
) -> Result<Digest, StoreError> {
    let stats = stats::compute(store, e, Some((period.from, period.to)))?;
    let before = match period.previous() {
        Some(range) => Some(stats::compute(store, e, Some(range))?),
        None => None,
    };
    let days = period.days();
    let t = &stats.totals;
    let both = Both::of(&e.languages);
    let change = |f: fn(&Stats) -> u64| {
        before
            .as_ref()
            .map(|b| words::change(both, f(&stats), f(b), days))
    };
    let lines = vec![
        Line {
            key: "totals.scans",
            label: both.words("digest-scans"),
            value: t.scans.to_string(),
            change: change(|s| s.totals.scans),
        },
        Line {
            key: "totals.visitors",
            label: both.words("digest-visitors"),
            value: t.visitors.to_string(),
            change: change(|s| s.totals.visitors),
        },
        Line {
            key: "totals.opens",
            label: both.words("digest-opens"),
            value: t.opens.to_string(),
            change: change(|s| s.totals.opens),
        },
        Line {
            key: "totals.open_rate",
            label: both.words("digest-open-rate"),
            value: format!("{:.1} %", t.open_rate * 100.0),
            change: None,
        },
        Line {
            key: "totals.shares",
            label: both.words("digest-shares"),
            value: t.shares.to_string(),
            change: change(|s| s.totals.shares),
        },
    ];
    let mut stories: Vec<_> = stats
        .by_story
        .iter()
        .filter(|r| r.figures.views() > 0)
        .collect();
    stories.sort_by_key(|r| std::cmp::Reverse(r.figures.views()));
    let top = stories
        .into_iter()
        .take(3)
        .map(|r| TopStory {
            title: both.pair(|lang| r.label(lang).into_owned()),
            views: r.figures.views(),
            views_words: words::views(both, r.figures.views()),
        })
        .collect();
    let chart_title = both.words("digest-by-day");
    let svg = stats::charts::columns(both.first, &chart_title.0, &stats.by_day);
    let chart = png::of_svg(&svg)
        .inspect_err(|why| tracing::warn!(exhibition = %e.id, why, "the digest's chart could not be drawn; sent without it"))
        .ok();
    let until = now
        .checked_add(jiff::SignedDuration::from_hours(24 * link_days))
        .unwrap_or(now)
        .to_zoned_datetime(e.time_zone.clone())
        .date();
    Ok(Digest {
        exhibition: e.id.clone(),
        subject: words::subject(e, period),
        what: words::what(e, period),
        from: period.from.to_string(),
        to: period.to.to_string(),
        lines,
        top,
        link_words: words::link(both, link_days, until),
        link: link.to_string(),
        chart_title,
        chart_note: both.words("digest-chart-note"),
        chart,
        footer: both.words("digest-footer"),
        top_heading: both.words("digest-top-stories"),
        langs: both,
    })
}

#[derive(Template)]
#[template(path = "digest.txt")]
struct Plain<'a> {
    d: &'a Digest,
}

#[derive(Template)]
#[template(path = "digest.html")]
struct Html<'a> {
    d: &'a Digest,
    cid: &'a str,
}

impl Digest {
    /// The plain-text part.
    pub fn text(&self) -> Result<String, askama::Error> {
        Plain { d: self }.render()
    }

    pub fn html(&self) -> Result<String, askama::Error> {
        Html {
            d: self,
            cid: CHART_CID,
        }
        .render()
    }

    /// The message to `to`: plain text and HTML alternatives, the chart inline beside the
    /// HTML.
    pub fn message(&self, mailer: &Mailer, to: &[String]) -> Result<Message, DigestError> {
        let mut builder = Message::builder()
            .from(mailer.from().clone())
            .subject(&self.subject);
        for address in to {
            builder = builder.to(crate::smtp::mailbox(address)?);
        }
        let html = SinglePart::html(self.html()?);
        let rich = match &self.chart {
            Some(png) => MultiPart::related().singlepart(html).singlepart(
                Attachment::new_inline(CHART_CID.to_string()).body(
                    png.clone(),
                    ContentType::parse("image/png").expect("a valid type"),
                ),
            ),
            None => MultiPart::related().singlepart(html),
        };
        let body = MultiPart::alternative()
            .singlepart(SinglePart::plain(self.text()?))
            .multipart(rich);
        builder
            .multipart(body)
            .map_err(|e| DigestError::Mail(MailError::Build(e)))
    }
}

#[derive(Debug, thiserror::Error)]
pub enum DigestError {
    #[error("the figures could not be read")]
    Store(#[from] StoreError),
    #[error("the digest could not be written")]
    Template(#[from] askama::Error),
    #[error(transparent)]
    Mail(#[from] MailError),
}

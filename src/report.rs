//! The printable report an organizer hands on at the end of a phase or of the show: the
//! totals, the phases compared, the best-read stories and stations, open rates, the busiest
//! days and hours, devices and in-app browsers, charts, and a short summary a newsletter can
//! quote, all in the show's first two languages (`i18n::Both`, words in `locales/*/report.ftl`). One A4 HTML page set, the same for `/admin/report/{id}`,
//! a read-only link and `docent report`; every number comes from `stats::compute`, so it is
//! the stats JSON's number for the same range.

use askama::Template;
use jiff::Timestamp;
use jiff::civil::Date;

use crate::catalog::{Exhibition, Lang};
use crate::i18n::{Both, Pair, tr, tr_args};
use crate::stats::small::{EXACT, Threshold};
use crate::stats::{self, Key, Row, Stats, charts, funnel};
use crate::store::{Store, StoreError};
use crate::visitor::InApp;

#[derive(Debug, thiserror::Error)]
pub enum ReportError {
    #[error("exhibition `{exhibition}` has no phase `{phase}` (phases: {known})")]
    NoPhase {
        exhibition: String,
        phase: String,
        known: String,
    },
    #[error("the figures could not be read")]
    Store(#[from] StoreError),
    #[error("the report could not be rendered")]
    Render(#[from] askama::Error),
}

/// The local days a phase was scheduled: from its start to the day before the next phase
/// starts (or the closing day). A manual switch moves the real change-over by hours or a
/// day; the report says which days it covers.
pub fn phase_days(e: &Exhibition, phase: &str) -> Result<(Date, Date), ReportError> {
    let Some((i, _)) = e.phase(phase) else {
        return Err(ReportError::NoPhase {
            exhibition: e.id.clone(),
            phase: phase.to_string(),
            known: e.phase_ids(),
        });
    };
    let local = |t: Timestamp| t.to_zoned_datetime(e.time_zone.clone()).date();
    let from = local(e.phases[i].starts).max(e.opens).min(e.closes);
    let to = match e.phases.get(i + 1) {
        Some(next) => local(next.starts).yesterday().unwrap_or(from),
        None => e.closes,
    };
    Ok((from, to.max(from)))
}

/// The report of `e` (one phase's days, or all time), made at `now`.
pub fn render(
    store: &Store,
    e: &Exhibition,
    phase: Option<&str>,
    now: Timestamp,
) -> Result<String, ReportError> {
    render_for(store, e, phase, now, EXACT)
}

/// The report as a read-only link shows it: visitor counts below `small` as words, rows made
/// only of small counts merged into "other" (`stats::small`).
pub fn render_for(
    store: &Store,
    e: &Exhibition,
    phase: Option<&str>,
    now: Timestamp,
    small: Threshold,
) -> Result<String, ReportError> {
    let range = phase.map(|p| phase_days(e, p)).transpose()?;
    let stats = small.public(stats::compute(store, e, range)?);
    Ok(page(e, phase, range, &stats, now, small).render()?)
}

/// A share of a whole, for the summary and the tables: "42 %".
fn percent(part: u64, whole: u64) -> String {
    if whole == 0 {
        "0 %".into()
    } else {
        format!("{:.0} %", part as f64 * 100.0 / whole as f64)
    }
}

/// One line of a breakdown table: its name in both languages, scans, share of scans, opens,
/// open rate.
pub struct Line {
    pub key: String,
    /// The name in the first language, and in the second when it differs (else empty): the
    /// report is read in both.
    pub name: Pair,
    pub scans: u64,
    pub share: String,
    pub opens: u64,
    pub rate: String,
    pub visitors: u64,
    /// `visitors` as the reader may see it (words for a small count through a share link).
    pub people: String,
}

/// The lines of a table, each named in both languages like the headings.
fn lines<K: Key>(
    rows: &[Row<K>],
    total: u64,
    (small, w): (Threshold, Both),
    keep: impl Fn(&Row<K>) -> bool,
) -> Vec<Line> {
    rows.iter()
        .filter(|r| keep(r))
        .map(|r| Line {
            key: r.key.key().into_owned(),
            name: w.pair(|lang| r.label(lang).into_owned()),
            scans: r.figures.scans,
            share: percent(r.figures.scans, total),
            opens: r.figures.opens,
            rate: format!("{:.0} %", r.figures.open_rate * 100.0),
            visitors: r.figures.visitors,
            people: small.shown_both(r.figures.visitors, w),
        })
        .collect()
}

/// The `n` rows with the most scans, most first, ties in their own order.
fn busiest<K: Clone>(rows: &[Row<K>], n: usize) -> Vec<Row<K>> {
    let mut rows: Vec<Row<K>> = rows
        .iter()
        .filter(|r| r.figures.scans > 0)
        .cloned()
        .collect();
    rows.sort_by_key(|r| std::cmp::Reverse(r.figures.scans));
    rows.truncate(n);
    rows
}

#[derive(Template)]
#[template(path = "report.html")]
struct OrganizerReport {
    /// The report's two languages: `w.t("key")` is a key's words in both.
    w: Both,
    title: Pair,
    venue: String,
    /// What days the figures cover.
    covers: Pair,
    /// Where the same numbers are as JSON.
    json_query: String,
    generated: String,
    stats: Stats,
    /// The total of visitors as the reader may see it.
    people_total: String,
    rate: String,
    phases: Vec<Line>,
    stories: Vec<Line>,
    stations: Vec<Line>,
    days: Vec<Line>,
    hours: Vec<Line>,
    devices: Vec<Line>,
    apps: Vec<Line>,
    summary: Pair,
    chart_days: String,
    chart_hours: String,
    chart_stories: String,
    chart_stations: String,
    /// What visitors answered back: the show's funnel, each story's, reactions and polls.
    funnel: Vec<funnel::Step>,
    story_funnels: Vec<FunnelLine>,
    chart_funnel: String,
    /// The id and names of each reaction.
    reaction_names: Vec<(String, Pair)>,
    /// Each poll's question, and each option's name, in both languages.
    polls: Vec<(Pair, Vec<Pair>)>,
}

/// A story's funnel in the report: its names and the steps' numbers.
pub struct FunnelLine {
    pub key: String,
    pub name: Pair,
    pub steps: Vec<funnel::Step>,
    pub figures: stats::Figures,
}

fn page(
    e: &Exhibition,
    phase: Option<&str>,
    range: Option<(Date, Date)>,
    stats: &Stats,
    now: Timestamp,
    small: Threshold,
) -> OrganizerReport {
    let scans = stats.totals.scans;
    let w = Both::of(&e.languages);
    let phase = phase.and_then(|p| e.phases.iter().find(|x| x.id == p));
    let covers = w.pair(|lang| match (range, phase) {
        (Some((from, to)), Some(p)) => tr_args(
            lang,
            "report-covers-phase",
            &[
                ("phase", p.name.get(lang).to_string().into()),
                ("from", from.to_string().into()),
                ("to", to.to_string().into()),
            ],
        ),
        _ => match stats.by_day.last().map(|r| r.key) {
            Some(last) => tr_args(
                lang,
                "report-covers-so-far",
                &[
                    ("from", e.opens.to_string().into()),
                    ("to", last.to_string().into()),
                ],
            ),
            None => tr(lang, "report-covers-none"),
        },
    });
    // Axis labels in the show's first language; titles in both, like the headings.
    let chart_lang = w.first;
    let title = |key: &str| Both::joined(&w.words(key), " · ");
    let stories = busiest(&stats.by_story, usize::MAX);
    let table = (small, w);
    OrganizerReport {
        w,
        title: w.text(&e.title),
        venue: Both::joined(&w.text(&e.venue), " · "),
        covers,
        json_query: range
            .map(|(f, t)| format!("?from={f}&to={t}"))
            .unwrap_or_default(),
        generated: format!(
            "{} {}",
            now.to_zoned_datetime(e.time_zone.clone())
                .strftime("%Y-%m-%d %H:%M"),
            Both::joined(
                &w.pair(|lang| crate::i18n::zone_label(lang, &e.time_zone, now)),
                " · "
            ),
        ),
        people_total: small.shown_both(stats.totals.visitors, w),
        rate: format!("{:.1} %", stats.totals.open_rate * 100.0),
        phases: lines(&stats.by_phase, scans, table, |_| true),
        stories: lines(&stats.by_story, scans, table, |_| true),
        stations: lines(&stats.by_station, scans, table, |_| true),
        days: lines(&busiest(&stats.by_day, 5), scans, table, |_| true),
        hours: lines(&busiest(&stats.by_hour, 5), scans, table, |_| true),
        devices: lines(&stats.by_device, scans, table, |r| r.figures.scans > 0),
        apps: lines(&stats.by_app, scans, table, |r| r.figures.scans > 0),
        summary: w.pair(|lang| summary(e, stats, lang, range, &stories, small)),
        chart_days: charts::columns(chart_lang, &title("report-chart-days"), &stats.by_day),
        chart_hours: charts::columns(chart_lang, &title("report-chart-hours"), &stats.by_hour),
        chart_stories: charts::bars(chart_lang, &title("report-chart-stories"), &stats.by_story),
        chart_stations: charts::bars(
            chart_lang,
            &title("report-chart-stations"),
            &stats.by_station,
        ),
        funnel: funnel::steps(&stats.totals),
        story_funnels: stats
            .by_story
            .iter()
            .map(|r| FunnelLine {
                key: r.key.key().into_owned(),
                name: w.pair(|lang| r.label(lang).into_owned()),
                steps: funnel::steps(&r.figures),
                figures: r.figures.clone(),
            })
            .collect(),
        chart_funnel: charts::funnel(
            chart_lang,
            &title("report-chart-funnel"),
            &funnel::steps(&stats.totals),
        ),
        reaction_names: e
            .reactions
            .iter()
            .map(|r| (r.id.clone(), w.text(&r.label)))
            .collect(),
        polls: stats
            .polls
            .iter()
            .map(|p| {
                (
                    w.text(&p.question),
                    p.options.iter().map(|o| w.text(&o.label)).collect(),
                )
            })
            .collect(),
        stats: stats.clone(),
    }
}

/// A few sentences a newsletter can quote, in one language.
fn summary(
    e: &Exhibition,
    s: &Stats,
    lang: Lang,
    range: Option<(Date, Date)>,
    stories: &[Row<stats::Named>],
    small: Threshold,
) -> String {
    let t = &s.totals;
    let visitors = small.shown(t.visitors, lang);
    let title = e.title.get(lang);
    let (from, to) = match range {
        Some(r) => r,
        None => (e.opens, s.by_day.last().map_or(e.opens, |r| r.key)),
    };
    let when = crate::i18n::dates(lang, from, to);
    let top_story = stories
        .first()
        .map(|r| (r.label(lang), r.figures.scans + r.figures.browses));
    let top_day = busiest(&s.by_day, 1).first().cloned();
    // The hour's label is its start, `10:00`.
    let top_hour = busiest(&s.by_hour, 1)
        .first()
        .map(|r| r.label(lang).into_owned());
    let wechat = s
        .by_app
        .iter()
        .find(|r| r.key == InApp::WeChat)
        .map_or(0, |r| r.figures.scans);
    let wechat_name = InApp::WeChat.label(lang);
    let rate = format!("{:.0}", t.open_rate * 100.0);
    let mut out = vec![tr_args(
        lang,
        "report-summary-main",
        &[
            ("when", when.into()),
            ("title", title.to_string().into()),
            ("scans", t.scans.into()),
            ("visitors", visitors.into()),
            ("opens", t.opens.into()),
            ("rate", rate.into()),
        ],
    )];
    if let Some((name, views)) = &top_story {
        out.push(tr_args(
            lang,
            "report-summary-top",
            &[
                ("name", name.to_string().into()),
                ("views", (*views).into()),
            ],
        ));
    }
    if let (Some(day), Some(hour)) = (&top_day, &top_hour) {
        out.push(tr_args(
            lang,
            "report-summary-busiest",
            &[
                ("day", crate::i18n::date(lang, day.key).into()),
                ("scans", day.figures.scans.into()),
                ("hour", hour.clone().into()),
            ],
        ));
    }
    // The share as `percent` writes it, without its sign: each language places the `%`.
    let share = percent(wechat, t.scans).trim_end_matches(" %").to_string();
    out.push(tr_args(
        lang,
        "report-summary-app",
        &[
            ("percent", share.into()),
            ("app", wechat_name.into_owned().into()),
        ],
    ));
    if t.shares > 0 {
        out.push(tr_args(
            lang,
            "report-summary-shares",
            &[("count", t.shares.into())],
        ));
    }
    out.push(tr(lang, "report-summary-left-out"));
    out.join(&tr(lang, "report-sentence-gap"))
}

//! The printable report an organizer hands on at the end of a phase or of the show: the
//! totals, the phases compared, the best-read stories and stations, open rates, the busiest
//! days and hours, devices and in-app browsers, charts, and a short summary in Chinese and
//! English a newsletter can quote. One A4 HTML page set, the same for `/admin/report/{id}`,
//! a read-only link and `docent report`; every number comes from `stats::compute`, so it is
//! the stats JSON's number for the same range.

use askama::Template;
use jiff::Timestamp;
use jiff::civil::Date;

use crate::catalog::{Exhibition, Lang};
use crate::lang::ZhEn;
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
    /// The name in Chinese, and in English when it differs (else empty): the report is read
    /// in both.
    pub zh: String,
    pub en: String,
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
    small: Threshold,
    keep: impl Fn(&Row<K>) -> bool,
) -> Vec<Line> {
    rows.iter()
        .filter(|r| keep(r))
        .map(|r| {
            let (zh, en) = (r.label(Lang::ZH), r.label(Lang::EN));
            let en = if en == zh {
                String::new()
            } else {
                en.into_owned()
            };
            (r, zh.into_owned(), en)
        })
        .map(|(r, zh, en)| Line {
            key: r.key.key().into_owned(),
            zh,
            en,
            scans: r.figures.scans,
            share: percent(r.figures.scans, total),
            opens: r.figures.opens,
            rate: format!("{:.0} %", r.figures.open_rate * 100.0),
            visitors: r.figures.visitors,
            people: small.shown_both(r.figures.visitors),
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
    title_zh: String,
    title_en: String,
    venue: String,
    /// What days the figures cover, in Chinese and in English.
    covers_zh: String,
    covers_en: String,
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
    summary_zh: String,
    summary_en: String,
    chart_days: String,
    chart_hours: String,
    chart_stories: String,
    chart_stations: String,
    /// What visitors answered back: the show's funnel, each story's, reactions and polls.
    funnel: Vec<funnel::Step>,
    story_funnels: Vec<FunnelLine>,
    chart_funnel: String,
    /// (id, Chinese, English) of each reaction.
    reaction_names: Vec<(String, String, String)>,
}

/// A story's funnel in the report: its names and the steps' numbers.
pub struct FunnelLine {
    pub key: String,
    pub zh: String,
    pub en: String,
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
    let phase_name = |lang| {
        phase
            .and_then(|p| e.phases.iter().find(|x| x.id == p))
            .map(|p| p.name.get(lang).to_string())
    };
    let (covers_zh, covers_en) = match (range, phase_name(Lang::ZH), phase_name(Lang::EN)) {
        (Some((from, to)), Some(zh), Some(en)) => (
            format!("{zh}：{from} 至 {to}（该展期按计划展出的日子，当地时间）"),
            format!("{en}: {from} to {to} (the days this phase was scheduled, local time)"),
        ),
        _ => match stats.by_day.last().map(|r| r.key) {
            Some(last) => (
                format!("整个展览至今：{} 至 {last}", e.opens),
                format!("The whole show so far: {} to {last}", e.opens),
            ),
            None => (
                "整个展览：尚无扫码".into(),
                "The whole show: no scans yet".into(),
            ),
        },
    };
    // Axis labels in the show's first language; titles in both, like the headings.
    let chart_lang = e.languages.first();
    let both = |zh: &str, en: &str| format!("{zh} · {en}");
    let stories = busiest(&stats.by_story, usize::MAX);
    OrganizerReport {
        title_zh: e.title.get(Lang::ZH).to_string(),
        title_en: e.title.get(Lang::EN).to_string(),
        venue: format!("{} · {}", e.venue.get(Lang::ZH), e.venue.get(Lang::EN)),
        covers_zh,
        covers_en,
        json_query: range
            .map(|(f, t)| format!("?from={f}&to={t}"))
            .unwrap_or_default(),
        generated: format!(
            "{} {} · {}",
            now.to_zoned_datetime(e.time_zone.clone())
                .strftime("%Y-%m-%d %H:%M"),
            crate::i18n::zone_label(Lang::ZH, &e.time_zone, now),
            crate::i18n::zone_label(Lang::EN, &e.time_zone, now),
        ),
        people_total: small.shown_both(stats.totals.visitors),
        rate: format!("{:.1} %", stats.totals.open_rate * 100.0),
        phases: lines(&stats.by_phase, scans, small, |_| true),
        stories: lines(&stats.by_story, scans, small, |_| true),
        stations: lines(&stats.by_station, scans, small, |_| true),
        days: lines(&busiest(&stats.by_day, 5), scans, small, |_| true),
        hours: lines(&busiest(&stats.by_hour, 5), scans, small, |_| true),
        devices: lines(&stats.by_device, scans, small, |r| r.figures.scans > 0),
        apps: lines(&stats.by_app, scans, small, |r| r.figures.scans > 0),
        summary_zh: summary(e, stats, Lang::ZH, range, &stories, small),
        summary_en: summary(e, stats, Lang::EN, range, &stories, small),
        chart_days: charts::columns(
            chart_lang,
            &both("每日扫码与全文打开", "Scans and article opens by day"),
            &stats.by_day,
        ),
        chart_hours: charts::columns(
            chart_lang,
            &both(
                "各时段扫码与全文打开",
                "Scans and article opens by hour of day",
            ),
            &stats.by_hour,
        ),
        chart_stories: charts::bars(chart_lang, &both("按展品", "By story"), &stats.by_story),
        chart_stations: charts::bars(chart_lang, &both("按展位", "By station"), &stats.by_station),
        funnel: funnel::steps(&stats.totals),
        story_funnels: stats
            .by_story
            .iter()
            .map(|r| {
                let (zh, en) = (r.label(Lang::ZH), r.label(Lang::EN));
                FunnelLine {
                    key: r.key.key().into_owned(),
                    en: if en == zh {
                        String::new()
                    } else {
                        en.into_owned()
                    },
                    zh: zh.into_owned(),
                    steps: funnel::steps(&r.figures),
                    figures: r.figures.clone(),
                }
            })
            .collect(),
        chart_funnel: charts::funnel(
            chart_lang,
            &both("从页面浏览到带走引文", "From page view to citation"),
            &funnel::steps(&stats.totals),
        ),
        reaction_names: e
            .reactions
            .iter()
            .map(|r| {
                (
                    r.id.clone(),
                    r.label.get(Lang::ZH).to_string(),
                    r.label.get(Lang::EN).to_string(),
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
    let mut out = String::new();
    match lang.zh_or_en() {
        ZhEn::Zh => {
            out.push_str(&format!(
                "{when}，「{title}」的展品二维码共被扫描 {} 次，来自 {} 位（按日计）访客；读者打开论文全文 {} 次，约占页面浏览的 {rate}%。",
                t.scans, visitors, t.opens
            ));
            if let Some((name, views)) = &top_story {
                out.push_str(&format!("最受关注的是「{name}」（{views} 次浏览）。"));
            }
            if let (Some(day), Some(hour)) = (&top_day, &top_hour) {
                out.push_str(&format!(
                    "最繁忙的一天是 {}（{} 次扫描），一天中 {hour} 前后扫码最多。",
                    crate::i18n::date(Lang::ZH, day.key),
                    day.figures.scans
                ));
            }
            out.push_str(&format!(
                "{} 的扫描在{wechat_name}中完成。",
                percent(wechat, t.scans).replace(' ', "")
            ));
            if t.shares > 0 {
                out.push_str(&format!(
                    "另有 {} 次浏览来自微信转发的链接，单独统计。",
                    t.shares
                ));
            }
            out.push_str("工作人员和网络爬虫的访问不计入以上数字。");
        }
        ZhEn::En => {
            out.push_str(&format!(
                "From {when}, the codes beside the covers of “{title}” were scanned {} times by {} daily visitors, who opened the full article {} times ({rate} % of page views).",
                t.scans, visitors, t.opens
            ));
            if let Some((name, views)) = &top_story {
                out.push_str(&format!(
                    " The story most looked at was “{name}” ({views} views)."
                ));
            }
            if let (Some(day), Some(hour)) = (&top_day, &top_hour) {
                out.push_str(&format!(
                    " The busiest day was {} ({} scans); the busiest hour began at {hour}.",
                    crate::i18n::date(Lang::EN, day.key),
                    day.figures.scans
                ));
            }
            out.push_str(&format!(
                " {} of scans were made inside {wechat_name}.",
                percent(wechat, t.scans)
            ));
            if t.shares > 0 {
                let views = if t.shares == 1 { "view" } else { "views" };
                out.push_str(&format!(
                    " Another {} {views} came through links forwarded in WeChat and are counted apart.",
                    t.shares
                ));
            }
            out.push_str(" Staff and bot visits are not in these figures.");
        }
    }
    out
}

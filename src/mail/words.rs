//! The digest's and alert mails' words, in Chinese and English (every mail carries both, the
//! exhibition's first language first), as pairs: kept apart so they can move to translation
//! files with the other interface strings.

use crate::lang::ZhEn;
use jiff::civil::Date;

use super::period::{Kind, Period};
use crate::catalog::{Exhibition, Lang};

/// (Chinese, English)
pub type Pair = (String, String);

fn pair(zh: &str, en: &str) -> Pair {
    (zh.to_string(), en.to_string())
}

pub fn subject(e: &Exhibition, p: &Period) -> String {
    let (zh, en) = what(e, p);
    format!(
        "{} · {}: {zh} · {en}",
        e.title.get(Lang::ZH),
        e.title.get(Lang::EN)
    )
}

/// What the period is, in words.
pub fn what(e: &Exhibition, p: &Period) -> Pair {
    let dates = |lang| crate::i18n::dates(lang, p.from, p.to);
    match &p.kind {
        Kind::Week => (
            format!("周报（{}）", dates(Lang::ZH)),
            format!("weekly figures, {}", dates(Lang::EN)),
        ),
        Kind::Phase(id) => {
            let name = |lang| {
                e.phase(id)
                    .map_or(id.clone(), |(_, ph)| ph.name.get(lang).to_string())
            };
            (
                format!("展期「{}」结束（{}）", name(Lang::ZH), dates(Lang::ZH)),
                format!("phase “{}” has ended, {}", name(Lang::EN), dates(Lang::EN)),
            )
        }
        Kind::Closing => (
            format!("闭幕总结（{}）", dates(Lang::ZH)),
            format!("the show has closed, {}", dates(Lang::EN)),
        ),
        Kind::Custom => (
            format!("数字（{}）", dates(Lang::ZH)),
            format!("figures, {}", dates(Lang::EN)),
        ),
    }
}

pub fn scans() -> Pair {
    pair("扫码", "scans")
}
pub fn visitors() -> Pair {
    pair("每日访客", "daily visitors")
}
pub fn opens() -> Pair {
    pair("全文打开", "article opens")
}
pub fn open_rate() -> Pair {
    pair("打开率", "open rate")
}
pub fn shares() -> Pair {
    pair("微信转发浏览", "views of forwarded links")
}
pub fn top_stories() -> Pair {
    pair("最受关注的故事", "Top stories")
}
pub fn views() -> Pair {
    pair("次浏览", "views")
}
pub fn by_day() -> Pair {
    pair("每日扫码与全文打开", "Scans and article opens by day")
}
pub fn chart_note() -> Pair {
    pair(
        "蓝色：扫码；橙色：全文打开。",
        "Blue: scans; orange: article opens.",
    )
}

/// The change against the previous period of the same length.
pub fn change(now: u64, before: u64, days: i64) -> Pair {
    if before == 0 {
        return (
            format!("前 {days} 天为 0"),
            format!("0 in the {days} days before"),
        );
    }
    let pct = (now as f64 - before as f64) * 100.0 / before as f64;
    (
        format!("较前 {days} 天 {pct:+.0} %"),
        format!("{pct:+.0} % on the {days} days before"),
    )
}

pub fn link(days: i64, until: Date) -> Pair {
    (
        format!("只读链接（无需登录，{days} 天内有效，至 {until}）："),
        format!("Read-only link (no sign-in, valid for {days} days, until {until}):"),
    )
}

pub fn footer() -> Pair {
    pair(
        "数字与统计接口（JSON）中同一时期的数字相同；工作人员和网络爬虫的访问不计入。此邮件由 docent 自动发送。",
        "The figures are those of the statistics JSON for the same days; staff and bot visits are left out. Sent by docent.",
    )
}

/// When a plan sends, for the dashboard.
pub fn schedule(lang: Lang, plan: &crate::catalog::notify::DigestPlan) -> String {
    let mut parts = Vec::new();
    if let Some((day, hour)) = plan.weekly {
        parts.push(match lang.zh_or_en() {
            ZhEn::Zh => format!("每周{} {hour}:00", weekday_zh(day)),
            ZhEn::En => format!("weekly on {day:?} at {hour}:00"),
        });
    }
    if plan.at_phase_end {
        parts.push(match lang.zh_or_en() {
            ZhEn::Zh => "每个展期结束时".into(),
            ZhEn::En => "at the end of each phase".into(),
        });
    }
    if plan.at_closing {
        parts.push(match lang.zh_or_en() {
            ZhEn::Zh => "闭幕后".into(),
            ZhEn::En => "after closing".into(),
        });
    }
    parts.join(match lang.zh_or_en() {
        ZhEn::Zh => "、",
        ZhEn::En => ", ",
    })
}

fn weekday_zh(day: jiff::civil::Weekday) -> &'static str {
    use jiff::civil::Weekday::*;
    match day {
        Monday => "一",
        Tuesday => "二",
        Wednesday => "三",
        Thursday => "四",
        Friday => "五",
        Saturday => "六",
        Sunday => "日",
    }
}

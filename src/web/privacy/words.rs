//! The "how we count" page's words, in Chinese and English, one function per paragraph: kept
//! apart so they can move to translation files with the other interface strings.

use crate::catalog::Lang;
use crate::lang::ZhEn;

/// The settings the page speaks of.
pub(crate) struct Facts {
    /// The zone whose midnight replaces the daily salt.
    pub zone: String,
    /// `--retain-days`; `None` keeps every visit record.
    pub retain_days: Option<u32>,
    /// `--min-count`.
    pub min_count: u64,
}

pub(super) fn heading(lang: Lang) -> &'static str {
    match lang.zh_or_en() {
        ZhEn::Zh => "我们如何统计",
        ZhEn::En => "How we count",
    }
}

pub(super) fn sections(lang: Lang, f: &Facts) -> Vec<(&'static str, Vec<String>)> {
    vec![
        (recorded_heading(lang), vec![recorded(lang)]),
        (never_heading(lang), vec![never(lang)]),
        (daily_id_heading(lang), vec![daily_id(lang, &f.zone)]),
        (
            retention_heading(lang),
            vec![retention(lang, f.retain_days)],
        ),
        (who_heading(lang), vec![who(lang), small(lang, f.min_count)]),
    ]
}

fn recorded_heading(lang: Lang) -> &'static str {
    match lang.zh_or_en() {
        ZhEn::Zh => "每次访问记录什么",
        ZhEn::En => "What a visit records",
    }
}

fn recorded(lang: Lang) -> String {
    match lang.zh_or_en() {
        ZhEn::Zh => "打开展品页面或全文链接时记录：时间（及当地日期和小时）、二维码、展览、展位、故事、展期、设备类型（手机、平板、电脑、其他）、应用内浏览器（如微信）、页面语言、是否为机器人、是从印刷的二维码还是从其他页面进入，以及一个每日更换的匿名访客编号；打开全文时还记录所走的途径（校园网、图书馆代理、免费全文、出版社）。页面上的回应（确认浏览、读到文末、反馈、投票、下载引文）也以同样的字段记录。".into(),
        ZhEn::En => "When a story page or an article link is opened: the time (with the local date and hour), the code, exhibition, station, story and phase, the device class (phone, tablet, desktop, other), the in-app browser (such as WeChat), the page language, whether it was a bot, whether it came from a printed code or from another page, and an anonymous visitor id that changes every day; an article open also records its route (campus, library proxy, free copy, publisher). What the page sends back (a confirmed view, a read to the end, a reaction, a poll answer, a citation taken home) is recorded with the same fields.".into(),
    }
}

fn never_heading(lang: Lang) -> &'static str {
    match lang.zh_or_en() {
        ZhEn::Zh => "从不记录什么",
        ZhEn::En => "What is never recorded",
    }
}

fn never(lang: Lang) -> String {
    match lang.zh_or_en() {
        ZhEn::Zh => "不保存 IP 地址，不保存完整的浏览器标识（User-Agent），不设置任何 Cookie，不使用脚本。不需要登录，也没有 Cookie 提示。".into(),
        ZhEn::En => "No IP address, no full browser identification string (user agent), no cookie and no script. Nothing asks you to sign in, and there is no cookie banner because there is no cookie.".into(),
    }
}

fn daily_id_heading(lang: Lang) -> &'static str {
    match lang.zh_or_en() {
        ZhEn::Zh => "每日匿名编号如何生成",
        ZhEn::En => "How the daily id is made",
    }
}

fn daily_id(lang: Lang, zone: &str) -> String {
    match lang.zh_or_en() {
        ZhEn::Zh => format!(
            "匿名编号是用一个随机的每日密钥（“盐”）对网络地址和浏览器标识做的带密钥哈希（BLAKE3）。每天午夜（{zone} 时间）换一个新的盐，旧的盐被覆盖销毁，所以同一部手机在一天之内算一位访客，但无法跨天追踪。备份中从不包含盐。"
        ),
        ZhEn::En => format!(
            "The anonymous id is a keyed hash (BLAKE3) of the network address and browser string under a random daily secret (the salt). A new salt is made at midnight ({zone} time) and the old one is overwritten and so destroyed: one phone is one visitor within a day, and cannot be followed from one day to the next. Backups never contain the salt."
        ),
    }
}

fn retention_heading(lang: Lang) -> &'static str {
    match lang.zh_or_en() {
        ZhEn::Zh => "保存多久",
        ZhEn::En => "How long it is kept",
    }
}

fn retention(lang: Lang, days: Option<u32>) -> String {
    match (lang.zh_or_en(), days) {
        (ZhEn::Zh, Some(d)) => format!(
            "每条访问记录保存 {d} 天，之后从记录中删除（此后的备份也不再包含）；只保留统计数字（次数合计），不能再还原成单次访问。"
        ),
        (ZhEn::En, Some(d)) => format!(
            "Each visit record is kept for {d} days, then removed from the log (and from backups made afterwards); only the figures (totals) are kept, which cannot be turned back into single visits."
        ),
        (ZhEn::Zh, None) => "本服务器没有设定保存期限：访问记录保存到展览数据被删除为止。".into(),
        (ZhEn::En, None) => {
            "This server sets no retention period: visit records are kept until the exhibition's data is deleted.".into()
        }
    }
}

fn who_heading(lang: Lang) -> &'static str {
    match lang.zh_or_en() {
        ZhEn::Zh => "谁能看到数字",
        ZhEn::En => "Who can see the figures",
    }
}

fn who(lang: Lang) -> String {
    match lang.zh_or_en() {
        ZhEn::Zh => "只有主办方登录的工作人员（按展览授予的查看、编辑、组织角色）能看到精确的统计数字和导出；导出中没有访客编号、地址或浏览器标识。主办方可以生成有期限的只读链接给馆长，大厅屏幕显示当天的合计。".into(),
        ZhEn::En => "Only the organizers' signed-in staff (with a viewer, editor or organizer role for the exhibition) see the exact figures and exports; exports hold no visitor id, address or browser string. Organizers may give a director a read-only link that expires, and the lobby screen shows the day's totals.".into(),
    }
}

fn small(lang: Lang, k: u64) -> String {
    match lang.zh_or_en() {
        ZhEn::Zh => format!(
            "在只读链接、大厅屏幕等公众可见之处，少于 {k} 位访客的数字只显示为“少于 {k}”，只由这样的小数字组成的行会并入“其他”，以免在人少的时候认出某个人。"
        ),
        ZhEn::En => format!(
            "Where the public sees figures (read-only links, the lobby screen), a count of fewer than {k} visitors is shown as “fewer than {k}”, and a row made only of such counts is merged into “other”, so that a quiet morning cannot single out a person."
        ),
    }
}

/// The dashboard's line on what the log keeps: `oldest` is the local date of the oldest
/// visit record left.
pub(crate) fn kept(lang: Lang, days: Option<u32>, oldest: Option<String>) -> String {
    let since = |zh: bool| match (&oldest, zh) {
        (Some(d), true) => format!("目前最早的一条来自 {d}"),
        (Some(d), false) => format!("the oldest now is from {d}"),
        (None, true) => "目前没有访问记录".to_string(),
        (None, false) => "none is kept now".to_string(),
    };
    match (lang.zh_or_en(), days) {
        (ZhEn::Zh, Some(d)) => format!(
            "访问记录保存 {d} 天（{}），更早的已删除，也不在 CSV 导出和此后的备份中；统计数字涵盖全部时间。",
            since(true)
        ),
        (ZhEn::En, Some(d)) => format!(
            "Visit records are kept for {d} days ({}); older ones are removed, from the CSV export and from backups made afterwards too, while the figures cover all time.",
            since(false)
        ),
        (ZhEn::Zh, None) => format!(
            "访问记录没有保存期限（{}）；可用 --retain-days 设定。",
            since(true)
        ),
        (ZhEn::En, None) => format!(
            "Visit records are kept without a time limit ({}); --retain-days sets one.",
            since(false)
        ),
    }
}

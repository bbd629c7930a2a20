//! The visitor-facing words of what a landing page lets visitors answer back: the reactions'
//! and poll's headings, the thank-you lines, the refusals, and the sentence that says what
//! these signals are.

use crate::catalog::Lang;

pub(super) struct Words {
    pub(super) react_heading: &'static str,
    pub(super) thanks_reaction: &'static str,
    pub(super) thanks_poll: &'static str,
    /// What the page sends back, and that none of it identifies a person.
    pub(super) signals_note: &'static str,
    pub(super) poll_closed: &'static str,
    pub(super) poll_unknown_option: &'static str,
    pub(super) unknown_reaction: &'static str,
    pub(super) back: &'static str,
}

const ZH: Words = Words {
    react_heading: "您觉得这篇文章怎么样？",
    thanks_reaction: "谢谢！您的反馈已收到（每人每天每个选项只计一次）。",
    thanks_poll: "谢谢您的回答！（每人每天只计一次）",
    signals_note: "本页不用脚本也不用 Cookie：页面里两张看不见的小图片和这里的按钮，只告诉我们页面是否真的被浏览器打开、是否读到了文末、您的反馈和回答，每天按匿名编号只计一次，无法识别到个人。",
    poll_closed: "这个投票现在没有开放。",
    poll_unknown_option: "这个投票没有这个选项。",
    unknown_reaction: "没有这个反馈按钮。",
    back: "返回",
};

const EN: Words = Words {
    react_heading: "What did you think?",
    thanks_reaction: "Thank you! Your reaction is in (each counts once a day).",
    thanks_poll: "Thank you for answering! (Counted once a day.)",
    signals_note: "No script and no cookie: two invisible images on this page and the buttons here tell us only whether a browser really showed the page, whether it reached the end of the story, and what you tapped, counted once a day by an anonymous id that cannot identify you.",
    poll_closed: "This poll is not open now.",
    poll_unknown_option: "This poll has no such option.",
    unknown_reaction: "There is no such reaction.",
    back: "Back",
};

pub(super) fn words(lang: Lang) -> &'static Words {
    match lang {
        Lang::Zh => &ZH,
        Lang::En => &EN,
    }
}

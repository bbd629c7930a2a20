//! The visitor-facing words of what a landing page lets visitors answer back (the reactions'
//! and poll's headings, the thank-you lines, the refusals, the sentence that says what these
//! signals are): part of the visitor resources (`locales/*/visitor.ftl`).

use crate::catalog::Lang;

pub(super) type Words = crate::i18n::Ui;

pub(super) fn words(lang: Lang) -> &'static Words {
    crate::i18n::ui(lang)
}

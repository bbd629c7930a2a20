//! `[reactions]` and `[[polls]]` in exhibition.toml: the one-tap reactions under every story
//! (the default pair when the table is absent) and the questions put to visitors, each
//! problem reported at its line.

use std::collections::{BTreeMap, HashSet};

use toml::Spanned;

use super::fields::{check_date, is_slug};
use super::languages::{Langs, check_text};
use super::problems::Findings;
use super::raw::{RawPoll, RawText};
use super::source::Source;
use crate::catalog::{Phase, Poll, PollOption, Reaction, default_reactions};

/// More buttons than this crowd a phone's screen.
const MOST_REACTIONS: usize = 4;
const MOST_OPTIONS: usize = 8;

/// `[reactions]`: id = { zh = "...", en = "..." }, in the order written.
pub(super) fn check_reactions(
    src: &Source,
    raw: Option<&Spanned<BTreeMap<String, Spanned<RawText>>>>,
    langs: Langs,
    report: &mut Findings,
) -> Vec<Reaction> {
    let Some(raw) = raw else {
        return default_reactions(langs.all());
    };
    let mut written: Vec<(&String, &Spanned<RawText>)> = raw.get_ref().iter().collect();
    written.sort_by_key(|(_, text)| text.span().start);
    if written.is_empty() || written.len() > MOST_REACTIONS {
        report.at(
            src,
            raw.span(),
            format!(
                "reactions: give 1 to {MOST_REACTIONS} reactions, such as interesting = {{ zh = \"有意思\", en = \"Interesting\" }}; leave [reactions] out for the default pair"
            ),
        );
    }
    written
        .into_iter()
        .filter_map(|(id, text)| {
            if !is_slug(id) {
                report.at(
                    src,
                    text.span(),
                    format!(
                        "reactions: `{id}` must be lower-case letters, digits or '-' (it names the figure)"
                    ),
                );
                return None;
            }
            Some(Reaction {
                id: id.clone(),
                label: check_text(src, text, &format!("reactions.{id}"), langs, report),
            })
        })
        .collect()
}

/// `[[polls]]`: id, question, options, and the phases or dates it runs.
pub(super) fn check_polls(
    src: &Source,
    raw: &[RawPoll],
    phases: &[Phase],
    langs: Langs,
    report: &mut Findings,
) -> Vec<Poll> {
    let mut ids = HashSet::new();
    raw.iter()
        .filter_map(|p| {
            let before = report.problems.len();
            let id = p.id.get_ref().clone();
            if !is_slug(&id) {
                report.at(
                    src,
                    p.id.span(),
                    format!("polls.id: `{id}` must be lower-case letters, digits or '-'"),
                );
            } else if !ids.insert(id.clone()) {
                report.at(
                    src,
                    p.id.span(),
                    format!("polls.id: `{id}` is used by another poll; give each its own id"),
                );
            }
            let field = |name: &str| format!("polls.{name} (poll `{id}`)");
            let question = check_text(src, &p.question, &field("question"), langs, report);
            let options = check_options(src, p, &id, langs, report);
            for phase in p.phases.iter().flatten() {
                if !phases.iter().any(|ph| &ph.id == phase.get_ref()) {
                    let known: Vec<&str> = phases.iter().map(|ph| ph.id.as_str()).collect();
                    report.at(
                        src,
                        phase.span(),
                        format!(
                            "polls.phases (poll `{id}`): no phase `{}`; the phases are {}",
                            phase.get_ref(),
                            known.join(", ")
                        ),
                    );
                }
            }
            let from = p
                .from
                .as_ref()
                .and_then(|d| check_date(src, d, &field("from"), report));
            let to =
                p.to.as_ref()
                    .and_then(|d| check_date(src, d, &field("to"), report));
            if let (Some(f), Some(t), Some(raw_to)) = (from, to, &p.to)
                && t < f
            {
                report.at(
                    src,
                    raw_to.span(),
                    format!("polls.to (poll `{id}`): {t} is before from ({f})"),
                );
            }
            (report.problems.len() == before).then(|| Poll {
                id,
                question,
                options,
                phases: p
                    .phases
                    .iter()
                    .flatten()
                    .map(|s| s.get_ref().clone())
                    .collect(),
                from,
                to,
            })
        })
        .collect()
}

fn check_options(
    src: &Source,
    p: &RawPoll,
    poll: &str,
    langs: Langs,
    report: &mut Findings,
) -> Vec<PollOption> {
    let n = p.options.get_ref().len();
    if !(2..=MOST_OPTIONS).contains(&n) {
        report.at(
            src,
            p.options.span(),
            format!(
                "polls.options (poll `{poll}`): give 2 to {MOST_OPTIONS} options, such as {{ id = \"ai\", label = {{ zh = \"人工智能\", en = \"AI\" }} }}; found {n}"
            ),
        );
    }
    let mut seen = HashSet::new();
    p.options
        .get_ref()
        .iter()
        .filter_map(|o| {
            let id = o.id.get_ref().clone();
            if !is_slug(&id) {
                report.at(
                    src,
                    o.id.span(),
                    format!(
                        "polls.options.id (poll `{poll}`): `{id}` must be lower-case letters, digits or '-'"
                    ),
                );
                return None;
            }
            if !seen.insert(id.clone()) {
                report.at(
                    src,
                    o.id.span(),
                    format!("polls.options.id (poll `{poll}`): `{id}` is listed twice"),
                );
                return None;
            }
            let label = check_text(
                src,
                &o.label,
                &format!("polls.options.label (poll `{poll}`, option `{id}`)"),
                langs,
                report,
            );
            Some(PollOption { id, label })
        })
        .collect()
}

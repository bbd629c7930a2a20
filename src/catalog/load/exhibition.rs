//! One exhibition folder: `exhibition.toml` checked field by field and put together with its
//! stations, stories and phases.

use std::path::Path;

use jiff::tz::TimeZone;
use toml::Spanned;

use super::access_table::check_access;
use super::feedback::{check_polls, check_reactions};
use super::fields::{check_date, check_distance, is_slug};
use super::languages::{Langs, check_declared, check_machine, check_text, declared_in};
use super::problems::Findings;
use super::raw::{RawExhibition, RawText};
use super::schedule::{Window, check_phases};
use super::source::Source;
use super::stations::check_stations;
use super::stories::load_stories;
use super::{DEFAULT_DISTANCE_M, EXHIBITION_FILE};
use crate::catalog::{Exhibition, Story, Text};

pub(super) fn load_exhibition(folder: &Path, report: &mut Findings) -> Option<Exhibition> {
    let id = folder.file_name()?.to_string_lossy().into_owned();
    let file = folder.join(EXHIBITION_FILE);
    if !file.is_file() {
        report.file(
            folder,
            format!("no {EXHIBITION_FILE} in this exhibition folder"),
        );
        return None;
    }
    let before = report.problems.len();
    if !is_slug(&id) {
        report.file(
            folder,
            "exhibition folder names use lower-case letters, digits and '-' (they appear in URLs)",
        );
    }
    // Stories first, so a broken exhibition.toml does not hide their problems; they only need
    // to know which languages the show is written in.
    let langs = declared_in(&file);
    let stories = load_stories(folder, &id, langs, report);
    let src = Source::read(file, report)?;
    let raw: RawExhibition = src.parse(report)?;
    let exhibition = check_exhibition(&src, raw, id, folder, stories, langs, report)?;
    (report.problems.len() == before).then_some(exhibition)
}

fn check_exhibition(
    src: &Source,
    raw: RawExhibition,
    id: String,
    folder: &Path,
    stories: Loaded<Story>,
    langs: Langs,
    report: &mut Findings,
) -> Option<Exhibition> {
    let languages = check_declared(
        src,
        raw.languages.as_ref(),
        raw.fallback_language.as_ref(),
        report,
    );
    let machine = check_machine(src, raw.machine_translated.as_ref(), langs, report);
    let title = check_text(src, &raw.title, "title", langs, report);
    let venue = match &raw.venue {
        Some(v) => check_text(src, v, "venue", langs, report),
        None => Text::default(),
    };
    let time_zone = match TimeZone::get(raw.time_zone.get_ref()) {
        Ok(tz) => Some(tz),
        Err(_) => {
            report.at(
                src,
                raw.time_zone.span(),
                format!(
                    "time_zone: `{}` is not a known IANA time zone (such as \"Asia/Shanghai\")",
                    raw.time_zone.get_ref()
                ),
            );
            None
        }
    };
    let opens = check_date(src, &raw.opens, "opens", report);
    let closes = check_date(src, &raw.closes, "closes", report);
    if let (Some(o), Some(c)) = (opens, closes)
        && c < o
    {
        report.at(
            src,
            raw.closes.span(),
            format!("closes: {c} is before opens ({o})"),
        );
    }
    let access = check_access(
        src,
        raw.access.as_ref(),
        raw.article_prefix.as_ref(),
        report,
    );
    let wording = |raw: &Option<Spanned<RawText>>, field: &str, report: &mut Findings| {
        raw.as_ref()
            .map(|t| check_text(src, t, field, langs, report))
    };
    let access_note = wording(&raw.access_note, "access_note", report);
    let call_to_action = wording(&raw.call_to_action, "call_to_action", report);
    let scan_distance_m = check_distance(
        src,
        raw.scan_distance_m.as_ref(),
        DEFAULT_DISTANCE_M,
        report,
    );
    let stations = check_stations(src, &id, &raw.stations, scan_distance_m, langs, report);
    let (time_zone, opens, closes) = (time_zone?, opens?, closes?);
    let window = Window::new(&time_zone, opens, closes);
    let phases = check_phases(
        src,
        &raw.phases,
        (&stations, &stories),
        &time_zone,
        window,
        langs,
        report,
    );
    let reactions = check_reactions(src, raw.reactions.as_ref(), langs, report);
    let polls = check_polls(src, &raw.polls, &phases, langs, report);
    let notify = super::notify_tables::check_notify(src, &raw.digest, &raw.alerts, report);
    Some(Exhibition {
        id,
        dir: folder.to_path_buf(),
        title,
        venue,
        opens,
        closes,
        time_zone,
        languages,
        access,
        access_note,
        call_to_action,
        scan_distance_m,
        stations: stations.good,
        stories: stories.good,
        phases,
        reactions,
        polls,
        machine,
        notify,
    })
}

/// What a folder or table held: the items that passed, and the ids of those that exist but
/// failed. A phase naming a failed item is not reported again: the item's own problem says it.
pub(super) struct Loaded<T> {
    pub(super) good: Vec<T>,
    pub(super) broken: Vec<String>,
}

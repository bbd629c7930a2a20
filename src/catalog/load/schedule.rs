//! `[[phases]]`, the show's calendar: when each phase starts and ends, inside the show's dates
//! and in time order without overlaps, and which story each station shows in it.

use std::ops::Range;

use jiff::Timestamp;
use jiff::civil::Date;
use jiff::tz::TimeZone;

use super::exhibition::Loaded;
use super::fields::{check_instant, is_slug};
use super::languages::{Langs, required_text};
use super::problems::Findings;
use super::raw::RawPhase;
use super::source::Source;
use crate::catalog::{Phase, Station, Story};

/// The instants a show runs between: opening day's midnight to the midnight after closing.
#[derive(Clone, Copy)]
pub(super) struct Window {
    start: Timestamp,
    end: Timestamp,
}

impl Window {
    pub(super) fn new(tz: &TimeZone, opens: Date, closes: Date) -> Window {
        let midnight = |d: Date| crate::catalog::midnight(tz, d);
        Window {
            start: midnight(opens).unwrap_or(Timestamp::MIN),
            end: closes
                .tomorrow()
                .ok()
                .and_then(midnight)
                .unwrap_or(Timestamp::MAX),
        }
    }
}

pub(super) fn check_phases(
    src: &Source,
    raw: &[RawPhase],
    (stations, stories): (&Loaded<Station>, &Loaded<Story>),
    tz: &TimeZone,
    window: Window,
    langs: Langs,
    report: &mut Findings,
) -> Vec<Phase> {
    if raw.is_empty() {
        report.file(
            &src.path,
            "no [[phases]]: an exhibition needs at least one phase",
        );
    }
    // (phase, explicit end, span of the phase id) sorted by start, for the overlap check.
    let mut phases: Vec<(Phase, Option<Timestamp>, Range<usize>)> = Vec::new();
    let mut previous: Option<(Timestamp, String)> = None;
    for p in raw {
        let id = p.id.get_ref().trim().to_string();
        if !is_slug(&id) {
            report.at(
                src,
                p.id.span(),
                format!("phases.id: `{id}` must be lower-case letters, digits or '-'"),
            );
        } else if phases.iter().any(|(other, ..)| other.id == id) {
            report.at(
                src,
                p.id.span(),
                format!("phases.id: `{id}` is used by another phase"),
            );
        }
        let starts = check_instant(src, &p.starts, "phases.starts", tz, report);
        let ends = p
            .ends
            .as_ref()
            .map(|e| (check_instant(src, e, "phases.ends", tz, report), e.span()));
        if let Some(s) = starts
            && (s < window.start || s >= window.end)
        {
            report.at(
                src,
                p.starts.span(),
                format!(
                    "phases.starts: phase `{id}` starts outside the show's dates (opens to closes)"
                ),
            );
        }
        if let (Some(s), Some((Some(e), span))) = (starts, &ends) {
            if *e <= s {
                report.at(
                    src,
                    span.clone(),
                    format!("phases.ends: phase `{id}` ends before it starts"),
                );
            } else if *e > window.end {
                report.at(
                    src,
                    span.clone(),
                    format!("phases.ends: phase `{id}` ends after the show closes"),
                );
            }
        }
        // The docs promise phases in time order, so the file reads as the show's calendar.
        if let (Some(s), Some((prev_start, prev_id))) = (starts, &previous)
            && s < *prev_start
        {
            report.at(
                src,
                p.starts.span(),
                format!("phases.starts: phase `{id}` starts before phase `{prev_id}` above it; list phases in time order (move this [[phases]] block, with its [phases.show], above `{prev_id}`)"),
            );
        }
        if let Some(s) = starts {
            previous = Some((s, id.clone()));
        }
        let show = check_show(src, p, &id, stations, stories, report);
        let whose = format!("phase `{id}`");
        let name = required_text(
            src,
            p.name.as_ref(),
            &p.id,
            "phases.name",
            &whose,
            langs,
            report,
        );
        if let Some(starts) = starts {
            let phase = Phase {
                id,
                name,
                starts,
                show,
            };
            phases.push((phase, ends.and_then(|(e, _)| e), p.id.span()));
        }
    }
    phases.sort_by_key(|(p, ..)| p.starts);
    for pair in phases.windows(2) {
        let ((a, a_end, _), (b, _, b_span)) = (&pair[0], &pair[1]);
        let a_ends = a_end.unwrap_or(b.starts);
        if b.starts == a.starts || a_ends > b.starts {
            report.at(
                src,
                b_span.clone(),
                format!("phases: phase `{}` overlaps phase `{}`: a phase must start after the previous one ends", b.id, a.id),
            );
        }
    }
    phases.into_iter().map(|(p, ..)| p).collect()
}

/// A phase's `[phases.show]`: every station gets a story that exists.
fn check_show(
    src: &Source,
    p: &RawPhase,
    phase_id: &str,
    stations: &Loaded<Station>,
    stories: &Loaded<Story>,
    report: &mut Findings,
) -> Vec<usize> {
    let (all_stations, all_stories) = (stations, stories);
    let (stations, stories) = (&stations.good, &stories.good);
    let mut show = vec![usize::MAX; stations.len()];
    for (station, story) in p.show.get_ref() {
        let Some(si) = stations.iter().position(|s| s.id == *station) else {
            if !all_stations.broken.contains(station) {
                report.at(src, story.span(), format!("phases.show: phase `{phase_id}` names station `{station}`, which is not among [[stations]]"));
            }
            continue;
        };
        match stories.iter().position(|s| s.id == *story.get_ref()) {
            Some(ti) => show[si] = ti,
            None if all_stories.broken.contains(story.get_ref()) => {}
            None => report.at(
                src,
                story.span(),
                format!("phases.show: phase `{phase_id}` names story `{}`, but there is no stories/{}.toml", story.get_ref(), story.get_ref()),
            ),
        }
    }
    for (si, station) in stations.iter().enumerate() {
        let named = p.show.get_ref().keys().any(|k| *k == station.id);
        if show[si] == usize::MAX && !named {
            report.at(
                src,
                p.show.span(),
                format!(
                    "phases.show: phase `{phase_id}` gives no story for station `{}`",
                    station.id
                ),
            );
        }
    }
    show
}

//! Rotation: which phase, and so which story, an exhibition shows at an instant.
//!
//! The schedule says a phase runs from its start until the next one starts. An organizer's
//! manual switch overrides the schedule until the next scheduled start after the switch, so a
//! wall changed a day early or late is reflected at once and the schedule takes over again.
//! A return to the schedule is a switch too, to no phase, so it ends the one before it.

use parking_lot::RwLock;
use std::collections::HashMap;

use jiff::Timestamp;
use serde::{Deserialize, Serialize};

use super::{Catalog, Exhibition, Story};

/// An organizer's manual phase switch, as stored. An empty `phase` is a return to the
/// schedule: a marker rather than a new field, so switches stored before returns existed read
/// the same and every reader that only knows phases simply finds no such phase.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Switch {
    pub exhibition: String,
    pub phase: String,
    pub at: Timestamp,
    pub by: String,
}

impl Switch {
    /// The record that hands the exhibition back to its schedule.
    pub fn back_to_schedule(exhibition: &str, at: Timestamp, by: String) -> Switch {
        Switch {
            exhibition: exhibition.to_string(),
            phase: String::new(),
            at,
            by,
        }
    }

    pub fn is_return_to_schedule(&self) -> bool {
        self.phase.is_empty()
    }
}

/// The latest manual switch per exhibition, kept in memory so a landing page never reads the
/// store to learn what is showing. Filled from the store at start and for exhibitions that
/// appear on a reload; a switch staff make is remembered once it is stored.
#[derive(Debug, Default)]
pub struct Switches(RwLock<HashMap<String, Switch>>);

impl Switches {
    pub fn get(&self, exhibition: &str) -> Option<Switch> {
        self.0.read().get(exhibition).cloned()
    }

    /// Keeps `switch` unless a later one is known (one made here and one from another
    /// replica can arrive in either order).
    pub fn remember(&self, switch: Switch) {
        let mut known = self.0.write();
        if known
            .get(&switch.exhibition)
            .is_none_or(|old| old.at <= switch.at)
        {
            known.insert(switch.exhibition.clone(), switch);
        }
    }

    /// Fills in every exhibition of `catalog` not known yet with `stored`, its last stored
    /// switch: a new exhibition may bring switches made before it was removed and added back.
    pub fn fill<E>(
        &self,
        catalog: &Catalog,
        mut stored: impl FnMut(&str) -> Result<Option<Switch>, E>,
    ) -> Result<(), E> {
        let mut switches = self.0.write();
        for e in &catalog.exhibitions {
            if !switches.contains_key(&e.id)
                && let Some(s) = stored(&e.id)?
            {
                switches.insert(e.id.clone(), s);
            }
        }
        Ok(())
    }
}

/// Where an instant falls relative to the show's dates.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ShowState {
    /// Before the first phase starts.
    Upcoming,
    Running,
    /// After the closing day.
    Closed,
}

impl ShowState {
    /// The name the CSV export and serde use.
    pub fn as_str(self) -> &'static str {
        match self {
            ShowState::Upcoming => "upcoming",
            ShowState::Running => "running",
            ShowState::Closed => "closed",
        }
    }
}

/// The phase an exhibition shows at an instant.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Showing {
    pub state: ShowState,
    pub phase: usize,
    /// True when a manual switch holds a phase other than the scheduled one: a switch to the
    /// phase the schedule would show anyway is nothing to tell visitors about.
    pub manual: bool,
}

/// What a code shows at an instant: a story of an exhibition, at one of its stations when the
/// code is a station's.
#[derive(Debug, Clone, Copy)]
pub struct ShownStory<'a> {
    pub exhibition: &'a Exhibition,
    pub station: Option<usize>,
    pub story: &'a Story,
    pub showing: Showing,
}

impl<'a> ShownStory<'a> {
    /// What station `station` shows.
    pub fn station(exhibition: &'a Exhibition, showing: Showing, station: usize) -> ShownStory<'a> {
        ShownStory {
            exhibition,
            station: Some(station),
            story: exhibition.story_at(showing.phase, station),
            showing,
        }
    }

    /// A story reached by its own code, whatever station holds it.
    pub fn story(exhibition: &'a Exhibition, showing: Showing, story: &'a Story) -> ShownStory<'a> {
        ShownStory {
            exhibition,
            station: None,
            story,
            showing,
        }
    }
}

impl Exhibition {
    /// What is on show at `now`, given the latest manual switch (if any).
    pub fn showing(&self, now: Timestamp, last_switch: Option<&Switch>) -> Showing {
        let scheduled = self
            .phases
            .iter()
            .rposition(|p| p.starts <= now)
            .unwrap_or(0);
        let switched = last_switch.and_then(|s| self.switch_in_force(s, now));
        let state = if now < self.phases[0].starts && switched.is_none() {
            ShowState::Upcoming
        } else if now >= self.closes_at() {
            ShowState::Closed
        } else {
            ShowState::Running
        };
        Showing {
            state,
            phase: switched.unwrap_or(scheduled),
            manual: switched.is_some_and(|p| p != scheduled),
        }
    }

    /// A switch holds from its time until the next scheduled phase start after it.
    fn switch_in_force(&self, switch: &Switch, now: Timestamp) -> Option<usize> {
        if switch.exhibition != self.id || switch.at > now || switch.is_return_to_schedule() {
            return None;
        }
        let overtaken = self
            .phases
            .iter()
            .any(|p| p.starts > switch.at && p.starts <= now);
        if overtaken {
            return None;
        }
        self.phase(&switch.phase).map(|(i, _)| i)
    }

    /// The story a station shows in a phase.
    pub fn story_at(&self, phase: usize, station: usize) -> &Story {
        &self.stories[self.phases[phase].show[station]]
    }

    /// The stories on show in a phase, in station order, without repeats.
    pub fn stories_in(&self, phase: usize) -> Vec<usize> {
        let mut seen = Vec::new();
        for &story in &self.phases[phase].show {
            if !seen.contains(&story) {
                seen.push(story);
            }
        }
        seen
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::{Phase, Text};
    use jiff::civil::date;
    use jiff::tz::TimeZone;

    fn at(s: &str) -> Timestamp {
        s.parse().unwrap()
    }

    fn phase(id: &str, starts: &str) -> Phase {
        Phase {
            id: id.into(),
            name: Text::default(),
            starts: at(starts),
            show: vec![],
        }
    }

    fn show() -> Exhibition {
        Exhibition {
            id: "x".into(),
            dir: "x".into(),
            title: Text::default(),
            venue: Text::default(),
            opens: date(2026, 11, 2),
            closes: date(2027, 1, 8),
            time_zone: TimeZone::UTC,
            languages: crate::catalog::Languages::default(),
            access: crate::catalog::Access::default(),
            access_note: None,
            call_to_action: None,
            scan_distance_m: 1.0,
            stations: vec![],
            stories: vec![],
            phases: vec![
                phase("one", "2026-11-02T08:00:00Z"),
                phase("two", "2026-12-07T08:00:00Z"),
                phase("three", "2026-12-20T08:00:00Z"),
            ],
            reactions: crate::catalog::default_reactions(&[
                crate::lang::Lang::ZH,
                crate::lang::Lang::EN,
            ]),
            machine: vec![],
            polls: vec![],
            notify: Default::default(),
        }
    }

    fn switch(phase: &str, when: &str) -> Switch {
        Switch {
            exhibition: "x".into(),
            phase: phase.into(),
            at: at(when),
            by: "t".into(),
        }
    }

    #[test]
    fn schedule_decides_without_a_switch() {
        let e = show();
        let s = e.showing(at("2026-11-01T00:00:00Z"), None);
        assert_eq!((s.state, s.phase), (ShowState::Upcoming, 0));
        let s = e.showing(at("2026-12-07T07:59:59Z"), None);
        assert_eq!((s.state, s.phase), (ShowState::Running, 0));
        let s = e.showing(at("2026-12-07T08:00:00Z"), None);
        assert_eq!((s.state, s.phase), (ShowState::Running, 1));
        let s = e.showing(at("2027-01-09T00:00:00Z"), None);
        assert_eq!((s.state, s.phase), (ShowState::Closed, 2));
    }

    #[test]
    fn a_switch_wins_until_the_next_scheduled_phase() {
        let e = show();
        let early = switch("two", "2026-12-05T10:00:00Z");
        let s = e.showing(at("2026-12-05T09:00:00Z"), Some(&early));
        assert_eq!((s.phase, s.manual), (0, false), "not before it was made");
        let s = e.showing(at("2026-12-06T00:00:00Z"), Some(&early));
        assert_eq!((s.phase, s.manual), (1, true));
        let s = e.showing(at("2026-12-08T00:00:00Z"), Some(&early));
        assert_eq!((s.phase, s.manual), (1, false), "schedule took over");
        let back = switch("one", "2026-12-10T00:00:00Z");
        let s = e.showing(at("2026-12-15T00:00:00Z"), Some(&back));
        assert_eq!((s.phase, s.manual), (0, true));
        let s = e.showing(at("2026-12-21T00:00:00Z"), Some(&back));
        assert_eq!((s.phase, s.manual), (2, false));
    }

    #[test]
    fn a_return_to_schedule_ends_the_switch_before_it() {
        let e = show();
        let back = Switch::back_to_schedule("x", at("2026-12-11T00:00:00Z"), "t".into());
        let s = e.showing(at("2026-12-15T00:00:00Z"), Some(&back));
        assert_eq!((s.state, s.phase, s.manual), (ShowState::Running, 1, false));
        let before = e.showing(at("2026-11-01T00:00:00Z"), Some(&back));
        assert_eq!(before.state, ShowState::Upcoming);
    }

    #[test]
    fn a_switch_to_the_scheduled_phase_is_not_manual() {
        let e = show();
        let same = switch("two", "2026-12-10T00:00:00Z");
        let s = e.showing(at("2026-12-15T00:00:00Z"), Some(&same));
        assert_eq!((s.phase, s.manual), (1, false));
    }

    #[test]
    fn a_switch_stored_before_returns_existed_still_reads() {
        let old = r#"{"exhibition":"x","phase":"one","at":"2026-12-10T00:00:00Z","by":"t"}"#;
        let s: Switch = serde_json::from_str(old).unwrap();
        assert!(!s.is_return_to_schedule());
        assert_eq!(s, switch("one", "2026-12-10T00:00:00Z"));
    }

    #[test]
    fn a_switch_to_an_unknown_phase_is_ignored() {
        let e = show();
        let gone = switch("removed", "2026-12-10T00:00:00Z");
        let s = e.showing(at("2026-12-15T00:00:00Z"), Some(&gone));
        assert_eq!((s.phase, s.manual), (1, false));
    }
}

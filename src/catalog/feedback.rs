//! What visitors can answer under a story: the one-tap reactions (`[reactions]` in
//! exhibition.toml, with a default) and the exhibition's polls (`[[polls]]`), checked at load
//! time like every other part of the catalog (`load::feedback`).

use jiff::civil::Date;

use super::{Exhibition, Lang, ShowState, Showing, Text};

/// A one-tap reaction under a story: an id (in the figures and the form) and its wording.
#[derive(Debug, Clone)]
pub struct Reaction {
    pub id: String,
    pub label: Text,
}

/// The reactions of an exhibition without `[reactions]`, in its languages.
pub fn default_reactions(langs: &[Lang]) -> Vec<Reaction> {
    let reaction = |id: &str| Reaction {
        id: id.into(),
        label: Text::new(
            langs
                .iter()
                .map(|l| (*l, crate::i18n::tr(*l, &format!("reaction-{id}")))),
        ),
    };
    vec![reaction("interesting"), reaction("more")]
}

/// A question for the visitors of an exhibition, with its options and when it runs.
#[derive(Debug, Clone)]
pub struct Poll {
    pub id: String,
    pub question: Text,
    pub options: Vec<PollOption>,
    /// The phases it runs in (ids); empty for every phase.
    pub phases: Vec<String>,
    /// The local dates it runs from and to, inclusive; `None` for no limit.
    pub from: Option<Date>,
    pub to: Option<Date>,
}

#[derive(Debug, Clone)]
pub struct PollOption {
    pub id: String,
    pub label: Text,
}

impl Poll {
    /// Whether visitors may answer it now: the show running, in one of its phases, on one
    /// of its dates (`today` in the exhibition's time zone).
    pub fn is_open(&self, e: &Exhibition, showing: Showing, today: Date) -> bool {
        showing.state == ShowState::Running
            && (self.phases.is_empty() || self.phases.contains(&e.phases[showing.phase].id))
            && self.from.is_none_or(|from| from <= today)
            && self.to.is_none_or(|to| today <= to)
    }

    pub fn option(&self, id: &str) -> Option<&PollOption> {
        self.options.iter().find(|o| o.id == id)
    }

    /// When it runs, in words: its phases' names and its dates.
    pub fn when(&self, e: &Exhibition, lang: Lang) -> String {
        let phases: Vec<&str> = e
            .phases
            .iter()
            .filter(|p| self.phases.contains(&p.id))
            .map(|p| p.name.get(lang))
            .collect();
        let dates = match (self.from, self.to) {
            (Some(f), Some(t)) => format!("{f} – {t}"),
            (Some(f), None) => format!("{f} –"),
            (None, Some(t)) => format!("– {t}"),
            (None, None) => String::new(),
        };
        [phases.join(", "), dates]
            .into_iter()
            .filter(|s| !s.is_empty())
            .collect::<Vec<_>>()
            .join(" · ")
    }
}

impl Exhibition {
    /// The poll a landing page shows now: the first open one.
    pub fn open_poll(&self, showing: Showing, today: Date) -> Option<&Poll> {
        self.polls.iter().find(|p| p.is_open(self, showing, today))
    }

    pub fn reaction(&self, id: &str) -> Option<&Reaction> {
        self.reactions.iter().find(|r| r.id == id)
    }
}

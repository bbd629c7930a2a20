//! The catalog: exhibit files turned into validated exhibitions, stories, stations and phases.
//!
//! Everything here is plain data checked once at load time (`load`); the rest of docent never
//! sees a raw TOML value. Rotation (which story a station shows at an instant, and the
//! manual switches that override the schedule) lives in `rotation`; the catalog while
//! serving, reloaded after each edit, in `reload`.

pub mod access;
mod code;
pub mod edit;
mod feedback;
mod friendly;
pub mod last_good;
mod load;
pub mod notify;
mod reload;
mod rotation;
pub mod save;
pub mod story_file;
mod version;

use std::collections::HashMap;
use std::path::PathBuf;

use jiff::Timestamp;
use jiff::civil::Date;
use jiff::tz::TimeZone;

pub use crate::lang::{Lang, LangError, Languages, MAX_LANGUAGES, Text};
pub use access::{Access, Place, Proxy};
pub use code::{Code, CodeError};
pub use feedback::{Poll, PollOption, Reaction, default_reactions};
pub use load::{Problem, hints, load, values};
pub use reload::{Fingerprint, LiveCatalog, ReloadStatus};
pub use rotation::{ShowState, Showing, ShownStory, Switch, Switches};
pub use version::fingerprint;

#[derive(Debug)]
pub struct Exhibition {
    pub id: String,
    pub dir: PathBuf,
    pub title: Text,
    pub venue: Text,
    pub opens: Date,
    pub closes: Date,
    pub time_zone: TimeZone,
    /// The language of a visitor whose browser names none the show has.
    pub languages: Languages,
    /// Campus networks, proxy and resolver (`[access]`, or the older `article_prefix`).
    pub access: Access,
    /// The landing page's note on reaching the full text; `None` for the library's default.
    pub access_note: Option<Text>,
    /// The poster's line above the code; `None` for the default.
    pub call_to_action: Option<Text>,
    pub scan_distance_m: f64,
    pub stations: Vec<Station>,
    pub stories: Vec<Story>,
    /// Sorted by start; never empty.
    pub phases: Vec<Phase>,
    /// The one-tap reactions under every story (`[reactions]`, or the default pair).
    pub reactions: Vec<Reaction>,
    /// Questions for visitors (`[[polls]]`).
    pub polls: Vec<Poll>,
    /// The languages of its own texts that a machine translated (`machine_translated`).
    pub machine: Vec<Lang>,
    /// Digests and alerts (`[digest]`, `[alerts]`).
    pub notify: notify::Notify,
}

#[derive(Debug)]
pub struct Station {
    pub id: String,
    pub code: Code,
    pub place: Text,
    pub scan_distance_m: f64,
}

#[derive(Debug)]
pub struct Story {
    pub id: String,
    pub code: Code,
    pub cover: Cover,
    pub title: Text,
    pub summary: Text,
    pub topics: Vec<String>,
    /// Where the article is, before any access prefix.
    pub article_url: String,
    /// A free, legal copy of the paper named by hand (`article.oa_url`): it wins over any
    /// copy Unpaywall finds, and is never put behind the proxy.
    pub oa_url: Option<String>,
    pub doi: Option<String>,
    pub citation: Option<Citation>,
    /// The languages of its texts that a machine translated (`machine_translated`).
    pub machine: Vec<Lang>,
    /// A recording per language (`[audio]`), probed at load time.
    pub audio: Vec<Audio>,
    /// The recording's words (`[transcript]`); empty for the summary.
    pub transcript: Text,
}

/// One recording of a story, in one language.
#[derive(Debug)]
pub struct Audio {
    pub lang: Lang,
    pub path: PathBuf,
    /// A short hash of the file's bytes: part of its URL, so caches never go stale.
    pub version: String,
    /// `audio/mpeg`, `audio/mp4` or `audio/ogg`.
    pub mime: &'static str,
    pub seconds: u64,
    pub bytes: u64,
}

impl Story {
    /// The recording in `lang`, if the story has one.
    pub fn audio_in(&self, lang: Lang) -> Option<&Audio> {
        self.audio.iter().find(|a| a.lang == lang)
    }
}

#[derive(Debug)]
pub struct Cover {
    pub path: PathBuf,
    pub alt: Text,
    /// A short hash of the file's bytes: part of the cover URL so caches never go stale.
    pub version: String,
    pub width: u32,
    pub height: u32,
}

#[derive(Debug)]
pub struct Citation {
    pub authors: Option<String>,
    pub title: Option<String>,
    pub journal: String,
    pub volume: Option<String>,
    pub pages: Option<String>,
    pub issue_date: Option<Date>,
}

#[derive(Debug)]
pub struct Phase {
    pub id: String,
    pub name: Text,
    pub starts: Timestamp,
    /// Indexed like `Exhibition::stations`: the story index each station shows.
    pub show: Vec<usize>,
}

/// What a code points at.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    Station { exhibition: usize, station: usize },
    Story { exhibition: usize, story: usize },
}

impl Target {
    pub fn exhibition(self) -> usize {
        match self {
            Target::Station { exhibition, .. } | Target::Story { exhibition, .. } => exhibition,
        }
    }
}

/// Every exhibition the server hosts, and the code index over them.
#[derive(Debug, Default)]
pub struct Catalog {
    pub exhibitions: Vec<Exhibition>,
    codes: HashMap<Code, Target>,
}

impl Catalog {
    /// Every language of the hosted shows, the first show's first (for pages about no one
    /// show: `/`, the 404); Chinese and English for a server that hosts nothing.
    pub fn languages(&self) -> Languages {
        let all: Vec<Lang> = self
            .exhibitions
            .iter()
            .flat_map(|e| e.languages.all().iter().copied())
            .collect();
        let fallback = self.exhibitions.first().map(|e| e.languages.fallback);
        Languages::new(&all, fallback)
    }

    pub fn resolve(&self, code: &Code) -> Option<Target> {
        self.codes.get(code).copied()
    }

    pub fn exhibition(&self, id: &str) -> Option<(usize, &Exhibition)> {
        self.exhibitions
            .iter()
            .enumerate()
            .find(|(_, e)| e.id == id)
    }

    /// How far visitors stand from a code: its station's setting, or the exhibition's.
    pub fn scan_distance_m(&self, target: Target) -> f64 {
        let e = &self.exhibitions[target.exhibition()];
        match target {
            Target::Station { station, .. } => e.stations[station].scan_distance_m,
            Target::Story { .. } => e.scan_distance_m,
        }
    }

    /// Every code with its target, sorted by code (for printing and listings).
    pub fn codes(&self) -> Vec<(&Code, Target)> {
        let mut all: Vec<_> = self.codes.iter().map(|(c, t)| (c, *t)).collect();
        all.sort_by(|a, b| a.0.cmp(b.0));
        all
    }
}

impl Exhibition {
    pub fn story(&self, id: &str) -> Option<(usize, &Story)> {
        self.stories.iter().enumerate().find(|(_, s)| s.id == id)
    }

    pub fn phase(&self, id: &str) -> Option<(usize, &Phase)> {
        self.phases.iter().enumerate().find(|(_, p)| p.id == id)
    }

    /// The phase ids, for a message naming the ones there are: `phase-1, phase-2`.
    pub fn phase_ids(&self) -> String {
        let ids: Vec<&str> = self.phases.iter().map(|p| p.id.as_str()).collect();
        ids.join(", ")
    }

    /// The first instant after the show: midnight after the closing day, local time.
    pub fn closes_at(&self) -> Timestamp {
        let next_day = self.closes.tomorrow().unwrap_or(self.closes);
        midnight(&self.time_zone, next_day).unwrap_or(Timestamp::MAX)
    }
}

/// The instant a local day starts in a time zone.
pub fn midnight(tz: &TimeZone, day: Date) -> Option<Timestamp> {
    tz.to_timestamp(day.to_datetime(jiff::civil::Time::midnight()))
        .ok()
}

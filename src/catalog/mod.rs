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

pub use access::{Access, Place, Proxy};
pub use code::{Code, CodeError};
pub use feedback::{Poll, PollOption, Reaction, default_reactions};
pub use load::{Problem, hints, load, values};
pub use reload::{Fingerprint, LiveCatalog, ReloadStatus};
pub use rotation::{ShowState, Showing, ShownStory, Switch, Switches};
pub use version::fingerprint;

/// The two languages every visitor-facing text may have.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Lang {
    Zh,
    En,
}

impl Lang {
    pub fn as_str(self) -> &'static str {
        match self {
            Lang::Zh => "zh",
            Lang::En => "en",
        }
    }

    pub fn other(self) -> Lang {
        match self {
            Lang::Zh => Lang::En,
            Lang::En => Lang::Zh,
        }
    }
}

/// Which language a visitor gets when their browser does not name one the show has
/// (`languages` and `fallback_language` in exhibition.toml; see `visitor::pick_lang`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Languages {
    /// The show's first language: for a browser that names no language at all.
    pub default: Lang,
    /// For a browser that names only languages the show lacks (German, Japanese, ...):
    /// English when the show has it, as more of those visitors read English than Chinese.
    pub fallback: Lang,
}

impl Default for Languages {
    fn default() -> Languages {
        Languages {
            default: Lang::Zh,
            fallback: Lang::En,
        }
    }
}

/// A text in Chinese and/or English; at least one is present once validated.
#[derive(Debug, Clone, Default)]
pub struct Text {
    pub zh: Option<String>,
    pub en: Option<String>,
}

impl Text {
    /// The text in `lang`, falling back to the other language rather than showing nothing.
    pub fn get(&self, lang: Lang) -> &str {
        let (first, second) = match lang {
            Lang::Zh => (&self.zh, &self.en),
            Lang::En => (&self.en, &self.zh),
        };
        first.as_deref().or(second.as_deref()).unwrap_or("")
    }

    /// The text only if it exists in exactly `lang` (used to show a second-language subtitle).
    pub fn exactly(&self, lang: Lang) -> Option<&str> {
        match lang {
            Lang::Zh => self.zh.as_deref(),
            Lang::En => self.en.as_deref(),
        }
    }
}

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

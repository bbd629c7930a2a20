//! What the log records: scans and opens (`Visit`), what visitors' browsers and taps answer
//! back (confirmations, read-throughs, citations, reactions, poll answers: `Event::Signal`),
//! scans of unknown codes, and the small enums a visit carries. No IP address, no user agent,
//! no cookie.

use jiff::Timestamp;
use jiff::civil::Date;

use crate::access::Route;
use crate::catalog::{Code, Lang, ShowState, ShownStory};
use crate::visitor::{Client, Device, InApp, VisitorId};

/// How the visitor reached the page.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Via {
    /// Scanned a printed code (or typed its URL).
    Qr,
    /// Followed a link from another docent page.
    Browse,
}

impl Via {
    /// The name the CSV export and serde use.
    pub fn as_str(self) -> &'static str {
        match self {
            Via::Qr => "qr",
            Via::Browse => "browse",
        }
    }
}

/// How a landing view reached through a forwarded link was shared: WeChat appends
/// `from=singlemessage|groupmessage|timeline` (and `isappinstalled`) to a page it forwards.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub enum Share {
    /// Sent to one person.
    Single,
    /// Sent to a group chat.
    Group,
    /// Posted to Moments.
    Timeline,
    /// Another `from=` value, or `isappinstalled` alone.
    Other,
}

impl Share {
    /// What a forwarded link carries: `from` and whether `isappinstalled` is present; `None`
    /// for a link nobody forwarded.
    pub fn of(from: Option<&str>, isappinstalled: bool) -> Option<Share> {
        match from {
            Some("singlemessage") => Some(Share::Single),
            Some("groupmessage") => Some(Share::Group),
            Some("timeline") => Some(Share::Timeline),
            _ if isappinstalled => Some(Share::Other),
            _ => None,
        }
    }

    /// WeChat's own word for it (the CSV export's value).
    pub fn as_str(self) -> &'static str {
        match self {
            Share::Single => "singlemessage",
            Share::Group => "groupmessage",
            Share::Timeline => "timeline",
            Share::Other => "other",
        }
    }
}

/// What a logged visit is: a scan (landing view), an open (article link followed), or one of
/// the signals a landing page sends back (`Signal`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Scan,
    Open,
    Confirm,
    Read,
    Cite,
    React,
    Answer,
    Listen,
}

impl Kind {
    /// The name the CSV export's `kind` column uses.
    pub fn name(self) -> &'static str {
        match self {
            Kind::Scan => "scan",
            Kind::Open => "open",
            Kind::Confirm => "confirm",
            Kind::Read => "read",
            Kind::Cite => "cite",
            Kind::React => "reaction",
            Kind::Answer => "answer",
            Kind::Listen => "listen",
        }
    }
}

/// What a visitor's browser or tap sent back from a landing page. Each is counted once per
/// daily visitor id where that makes sense (see `store::views`), never by who they are.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Signal {
    /// The page's own `no-store` image was fetched: a real browser rendered the page.
    Confirm,
    /// The lazily loaded image after the story text was fetched: the visitor scrolled there.
    Read,
    /// The citation was downloaded (`/cite/{code}.ris|.bib`).
    Cite,
    /// A one-tap reaction under the story, by the exhibition's reaction id.
    React(String),
    /// An answer to one of the exhibition's polls: poll id and option id.
    Answer { poll: String, option: String },
    /// The story's recording was played (its first range requested).
    Listen,
}

impl Signal {
    pub fn kind(&self) -> Kind {
        match self {
            Signal::Confirm => Kind::Confirm,
            Signal::Read => Kind::Read,
            Signal::Cite => Kind::Cite,
            Signal::React(_) => Kind::React,
            Signal::Answer { .. } => Kind::Answer,
            Signal::Listen => Kind::Listen,
        }
    }

    /// The names it carries: a reaction id, or a poll id and an option id.
    pub fn names(&self) -> (Option<&str>, Option<&str>) {
        match self {
            Signal::React(id) => (Some(id), None),
            Signal::Answer { poll, option } => (Some(poll), Some(option)),
            Signal::Confirm | Signal::Read | Signal::Cite | Signal::Listen => (None, None),
        }
    }
}

/// One landing-page view or one article open. No IP address, no user agent, no cookie.
#[derive(Debug, Clone, PartialEq)]
pub struct Visit {
    pub at: Timestamp,
    /// The local date and hour in the exhibition's time zone, for daily and hourly figures.
    pub day: Date,
    pub hour: i8,
    pub code: String,
    pub exhibition: String,
    pub station: Option<String>,
    pub story: String,
    pub phase: String,
    pub state: ShowState,
    pub visitor: VisitorId,
    pub device: Device,
    pub in_app: InApp,
    pub lang: Lang,
    pub bot: bool,
    pub via: Via,
    /// For an open: the way to the paper it took. `None` for a scan.
    pub route: Option<Route>,
    /// A landing view through a forwarded link: counted as a share, not as a scan.
    pub share: Option<Share>,
    /// A view by staff (a staff network, a logged-in organizer): left out like a bot.
    pub staff: bool,
}

impl Visit {
    /// A view or an open of what `code` shows (`shown`), at `at`, by `visitor` with `client`:
    /// the one place a visit's fields are worked out, for the server and `simulate` alike.
    /// Neither a share nor staff: the caller marks those.
    pub fn new(
        at: Timestamp,
        code: &Code,
        shown: &ShownStory<'_>,
        visitor: VisitorId,
        client: Client,
        lang: Lang,
        via: Via,
    ) -> Visit {
        let e = shown.exhibition;
        let local = at.to_zoned_datetime(e.time_zone.clone());
        Visit {
            at,
            day: local.date(),
            hour: local.hour(),
            code: code.to_string(),
            exhibition: e.id.clone(),
            station: shown.station.map(|s| e.stations[s].id.clone()),
            story: shown.story.id.clone(),
            phase: e.phases[shown.showing.phase].id.clone(),
            state: shown.showing.state,
            visitor,
            device: client.device,
            in_app: client.in_app,
            lang,
            bot: client.bot,
            via,
            share: None,
            staff: false,
            route: None,
        }
    }

    /// The same visit as an open that took `route`.
    pub fn opened_by(self, route: Route) -> Visit {
        Visit {
            route: Some(route),
            ..self
        }
    }
}

/// A scan of a code the catalog does not know: counted per day and code, not stored.
#[derive(Debug, Clone, PartialEq)]
pub struct UnknownScan {
    pub at: Timestamp,
    pub day: Date,
    /// What was asked for, cut short and limited to printable ASCII.
    pub code: String,
    pub bot: bool,
}

/// Something that happened, to be stored.
#[derive(Debug, Clone, PartialEq)]
pub enum Event {
    Scan(Visit),
    Open(Visit),
    Unknown(UnknownScan),
    /// What a landing page sent back, with the visit it came from (the same fields a scan of
    /// that code at that moment would have).
    Signal(Visit, Signal),
}

impl Event {
    /// A scan, an open or a signal, with its kind; `None` for an unknown code.
    pub fn visit(&self) -> Option<(Kind, &Visit)> {
        match self {
            Event::Scan(v) => Some((Kind::Scan, v)),
            Event::Open(v) => Some((Kind::Open, v)),
            Event::Signal(v, s) => Some((s.kind(), v)),
            Event::Unknown(_) => None,
        }
    }

    /// The signal's names (`Signal::names`); none for the other events.
    pub fn names(&self) -> (Option<&str>, Option<&str>) {
        match self {
            Event::Signal(_, s) => s.names(),
            _ => (None, None),
        }
    }
}

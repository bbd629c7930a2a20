//! What the log records: scans and opens (`Visit`), scans of unknown codes, and the small
//! enums a visit carries. No IP address, no user agent, no cookie.

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

/// A scan (landing view) or an open (article link followed).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Scan,
    Open,
}

impl Kind {
    pub fn name(self) -> &'static str {
        match self {
            Kind::Scan => "scan",
            Kind::Open => "open",
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
}

impl Event {
    /// A scan or an open, with its kind; `None` for an unknown code.
    pub fn visit(&self) -> Option<(Kind, &Visit)> {
        match self {
            Event::Scan(v) => Some((Kind::Scan, v)),
            Event::Open(v) => Some((Kind::Open, v)),
            Event::Unknown(_) => None,
        }
    }
}

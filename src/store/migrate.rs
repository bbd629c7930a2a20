//! The first store format (JSON rows and counters in sled trees), brought into the log once
//! when such a store is opened.

use jiff::Timestamp;
use jiff::civil::Date;

use super::*;

/// Trees of the first format (JSON rows and counters), migrated into the log on open.
const OLD_TREES: [&str; 5] = [
    "scans.v1",
    "opens.v1",
    "unknown.v1",
    "counters.v1",
    "uniques.v1",
];

impl Store {
    /// Brings a store of the first format (JSON rows, counters in sled) into the log, once,
    /// then drops the old trees. Events are appended in their stored time order.
    pub(super) fn migrate_first_format(&self) -> Result<()> {
        let t = self.trees()?;
        let names: Vec<_> = t.db.tree_names();
        if !OLD_TREES
            .iter()
            .any(|t| names.iter().any(|n| n == t.as_bytes()))
        {
            return Ok(());
        }
        // While old trees exist only a migration has written the log: one that stopped
        // half-way is started again from nothing, so no event is moved twice.
        if !t.log.is_empty() || !t.checkpoints.is_empty() {
            self.reset(false)?;
        }
        let mut events = Vec::new();
        for (tree, kind) in [("scans.v1", Kind::Scan), ("opens.v1", Kind::Open)] {
            for value in t.db.open_tree(tree)?.iter().values() {
                let old: OldVisit = serde_json::from_slice(&value?)?;
                events.push((old.at, old.into_event(kind)));
            }
        }
        for value in t.db.open_tree("unknown.v1")?.iter().values() {
            let old: OldUnknown = serde_json::from_slice(&value?)?;
            events.push((old.at, Event::Unknown(old.into_scan())));
        }
        events.sort_by_key(|(at, _)| *at);
        let events: Vec<Event> = events.into_iter().map(|(_, e)| e).collect();
        for chunk in events.chunks(1024) {
            self.append(chunk)?;
        }
        self.checkpoint()?;
        for tree in OLD_TREES {
            t.db.drop_tree(tree)?;
        }
        t.db.flush()?;
        tracing::info!(
            events = events.len(),
            "store: moved the first format's events into the log"
        );
        Ok(())
    }
}

/// A visit as the first format stored it (JSON).
#[derive(serde::Deserialize)]
struct OldVisit {
    at: Timestamp,
    day: Date,
    hour: i8,
    code: String,
    exhibition: String,
    station: Option<String>,
    story: String,
    phase: String,
    state: ShowState,
    visitor: String,
    device: Device,
    in_app: InApp,
    lang: Lang,
    bot: bool,
    via: Via,
}

impl OldVisit {
    fn into_event(self, kind: Kind) -> Event {
        let visit = Visit {
            at: self.at,
            day: self.day,
            hour: self.hour,
            code: self.code,
            exhibition: self.exhibition,
            station: self.station,
            story: self.story,
            phase: self.phase,
            state: self.state,
            visitor: VisitorId(u64::from_str_radix(&self.visitor, 16).unwrap_or(0)),
            device: self.device,
            in_app: self.in_app,
            lang: self.lang,
            bot: self.bot,
            via: self.via,
            // The first format had no routes: an open then went to the publisher's link.
            route: (kind == Kind::Open).then_some(Route::Publisher),
            share: None,
            staff: false,
        };
        // The first format had scans and opens only.
        match kind {
            Kind::Open => Event::Open(visit),
            _ => Event::Scan(visit),
        }
    }
}

#[derive(serde::Deserialize)]
struct OldUnknown {
    at: Timestamp,
    day: Date,
    code: String,
    bot: bool,
}

impl OldUnknown {
    fn into_scan(self) -> UnknownScan {
        UnknownScan {
            at: self.at,
            day: self.day,
            code: self.code,
            bot: self.bot,
        }
    }
}

//! Reading `exhibits/`: TOML files in, a validated `Catalog` out, or every problem found,
//! each reported as `path:line: message` so staff can go straight to the mistake.
//!
//! Loading is two stages: serde reads each file into `Raw*` structs (unknown fields refused,
//! spans kept), then `check_*` turns them into catalog types, collecting problems instead of
//! stopping at the first one.

use std::collections::{BTreeMap, HashMap};
use std::fmt;
use std::ops::Range;
use std::path::{Path, PathBuf};

use jiff::Timestamp;
use jiff::civil::{Date, DateTime, Time};
use jiff::tz::TimeZone;
use serde::Deserialize;
use toml::Spanned;
use toml::value::Datetime;

use ipnet::IpNet;

use super::access::{Access, Proxy};
use super::friendly;
use super::{Catalog, Citation, Code, Cover, Exhibition, Phase, Station, Story, Target, Text};

const EXHIBITION_FILE: &str = "exhibition.toml";
const STORIES_DIR: &str = "stories";
const DEFAULT_DISTANCE_M: f64 = 1.0;
const DISTANCE_RANGE_M: std::ops::RangeInclusive<f64> = 0.2..=30.0;

/// One mistake in the exhibit files.
#[derive(Debug, Clone, PartialEq)]
pub struct Problem {
    pub path: PathBuf,
    pub line: Option<usize>,
    pub message: String,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.line {
            Some(line) => write!(f, "{}:{}: {}", self.path.display(), line, self.message),
            None => write!(f, "{}: {}", self.path.display(), self.message),
        }
    }
}

/// Loads every exhibition folder under `dir`, or `dir` itself when it is one exhibition's folder
/// (staff run `docent check exhibits/my-show` on the show they are editing).
pub fn load(dir: &Path) -> Result<Catalog, Vec<Problem>> {
    let mut report = Report::default();
    let mut exhibitions = Vec::new();
    let folders = if dir.join(EXHIBITION_FILE).is_file() {
        vec![dir.to_path_buf()]
    } else {
        exhibition_folders(dir, &mut report)
    };
    for folder in folders {
        if let Some(exhibition) = load_exhibition(&folder, &mut report) {
            exhibitions.push(exhibition);
        }
    }
    if exhibitions.is_empty() && report.problems.is_empty() {
        report.file(
            dir,
            "no exhibition found: expected a folder holding exhibition.toml, or a folder of them",
        );
    }
    check_unique_codes(&mut report);
    if report.problems.is_empty() {
        Ok(Catalog {
            codes: index_codes(&exhibitions),
            exhibitions,
        })
    } else {
        Err(report.problems)
    }
}

fn exhibition_folders(dir: &Path, report: &mut Report) -> Vec<PathBuf> {
    let entries = match std::fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(e) => {
            report.file(dir, format!("cannot read the exhibits folder: {e}"));
            return vec![];
        }
    };
    let mut folders: Vec<PathBuf> = entries
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.is_dir() && !is_hidden(p))
        .collect();
    folders.sort();
    folders
}

fn is_hidden(path: &Path) -> bool {
    path.file_name()
        .and_then(|n| n.to_str())
        .is_some_and(|n| n.starts_with('.'))
}

/// Where a code is written: kept for every code read, so a duplicate names both places.
struct CodeSite {
    code: Code,
    path: PathBuf,
    line: usize,
    owner: String,
}

/// Codes are unique on the server (case-insensitive). A duplicate is one mistake, so it gets one
/// message naming both places; neither is assumed to be the wrong one (a copied demo is as
/// likely to hold the printed code as the new show), and the message is filed under the file
/// edited last, where the staff member is most likely looking.
fn check_unique_codes(report: &mut Report) {
    let sites = std::mem::take(&mut report.codes);
    let mut first: HashMap<&Code, &CodeSite> = HashMap::new();
    for site in &sites {
        let Some(other) = first.get(&site.code).copied() else {
            first.insert(&site.code, site);
            continue;
        };
        let (here, there) = if modified(&other.path) > modified(&site.path) {
            (other, site)
        } else {
            (site, other)
        };
        report.problems.push(Problem {
            path: here.path.clone(),
            line: Some(here.line),
            message: format!(
                "code `{}`: {} has it, and so has {} at {}:{}; codes must be unique on the server (case does not count): give one of them another code (keep the one already printed)",
                site.code,
                here.owner,
                there.owner,
                there.path.display(),
                there.line
            ),
        });
    }
}

fn modified(path: &Path) -> Option<std::time::SystemTime> {
    std::fs::metadata(path).and_then(|m| m.modified()).ok()
}

/// The code index; called only on a catalog without problems, so every code is unique.
fn index_codes(exhibitions: &[Exhibition]) -> HashMap<Code, Target> {
    let mut codes: HashMap<Code, Target> = HashMap::new();
    for (e, exhibition) in exhibitions.iter().enumerate() {
        for (i, s) in exhibition.stations.iter().enumerate() {
            let target = Target::Station {
                exhibition: e,
                station: i,
            };
            codes.entry(s.code.clone()).or_insert(target);
        }
        for (i, s) in exhibition.stories.iter().enumerate() {
            let target = Target::Story {
                exhibition: e,
                story: i,
            };
            codes.entry(s.code.clone()).or_insert(target);
        }
    }
    codes
}

// ---------------------------------------------------------------------------------------------
// Raw file shapes

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawText {
    zh: Option<String>,
    en: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawExhibition {
    title: Spanned<RawText>,
    venue: Option<Spanned<RawText>>,
    opens: Spanned<Datetime>,
    closes: Spanned<Datetime>,
    time_zone: Spanned<String>,
    /// The older name of `[access] proxy`; still read.
    article_prefix: Option<Spanned<String>>,
    access: Option<Spanned<RawAccess>>,
    access_note: Option<Spanned<RawText>>,
    call_to_action: Option<Spanned<RawText>>,
    /// The languages every visitor-facing text must be written in; both by default.
    languages: Option<Spanned<Vec<String>>>,
    scan_distance_m: Option<Spanned<f64>>,
    #[serde(default)]
    stations: Vec<RawStation>,
    #[serde(default)]
    phases: Vec<RawPhase>,
}

/// `[access]`: how visitors reach the full text (see exhibits/README.md).
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawAccess {
    campus_networks: Option<Spanned<Vec<Spanned<String>>>>,
    proxy: Option<Spanned<String>>,
    proxy_encode: Option<Spanned<bool>>,
    resolver: Option<Spanned<String>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawStation {
    id: Spanned<String>,
    code: Spanned<String>,
    place: Option<Spanned<RawText>>,
    scan_distance_m: Option<Spanned<f64>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPhase {
    id: Spanned<String>,
    name: Option<Spanned<RawText>>,
    starts: Spanned<Datetime>,
    ends: Option<Spanned<Datetime>>,
    show: Spanned<BTreeMap<Spanned<String>, Spanned<String>>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawStory {
    code: Spanned<String>,
    cover: Spanned<String>,
    cover_alt: Option<RawText>,
    #[serde(default)]
    topics: Vec<String>,
    title: Spanned<RawText>,
    summary: Spanned<RawText>,
    article: Spanned<RawArticle>,
    citation: Option<RawCitation>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawArticle {
    url: Option<Spanned<String>>,
    doi: Option<Spanned<String>>,
    /// A free, legal copy (open access, a repository, arXiv), named by hand.
    oa_url: Option<Spanned<String>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCitation {
    authors: Option<String>,
    title: Option<String>,
    journal: String,
    volume: Option<String>,
    pages: Option<String>,
    issue_date: Option<Spanned<Datetime>>,
}

// ---------------------------------------------------------------------------------------------
// Problems, with line numbers

/// A file's text, kept to turn byte spans into line numbers.
struct Source {
    path: PathBuf,
    text: String,
}

impl Source {
    fn read(path: PathBuf, report: &mut Report) -> Option<Source> {
        let bytes = match std::fs::read(&path) {
            Ok(bytes) => bytes,
            Err(e) => {
                report.file(&path, format!("cannot read: {e}"));
                return None;
            }
        };
        match decode(bytes) {
            Ok(text) => Some(Source { path, text }),
            Err((line, message)) => {
                report.problems.push(Problem {
                    path,
                    line,
                    message,
                });
                None
            }
        }
    }

    fn line(&self, offset: usize) -> usize {
        let end = offset.min(self.text.len());
        self.text.as_bytes()[..end]
            .iter()
            .filter(|&&b| b == b'\n')
            .count()
            + 1
    }

    fn parse<T: serde::de::DeserializeOwned>(&self, report: &mut Report) -> Option<T> {
        match toml::from_str(&self.text) {
            Ok(value) => Some(value),
            Err(e) => {
                let line = e.span().map(|s| self.line(s.start));
                let (line, message) = match friendly::explain(&self.text, line) {
                    Some((line, message)) => (Some(line), message),
                    None => (line, e.message().trim().to_string()),
                };
                report.problems.push(Problem {
                    path: self.path.clone(),
                    line,
                    message,
                });
                None
            }
        }
    }
}

/// A file's bytes as UTF-8 text, or the line and a message saying how to save it. Editors on
/// Chinese Windows save GBK, and Notepad's "Unicode" is UTF-16: both are common, and the raw
/// "stream did not contain valid UTF-8" does not say what to do.
fn decode(bytes: Vec<u8>) -> Result<String, (Option<usize>, String)> {
    const SAVE: &str = "save the file as UTF-8 (in Notepad: File, Save as, Encoding: UTF-8; in VS Code: the encoding in the status bar, Save with Encoding, UTF-8)";
    if bytes.starts_with(&[0xFF, 0xFE]) || bytes.starts_with(&[0xFE, 0xFF]) || bytes.contains(&0) {
        return Err((
            None,
            format!("this file is saved as UTF-16 (\"Unicode\"); {SAVE}"),
        ));
    }
    match String::from_utf8(bytes) {
        // A UTF-8 byte-order mark is harmless: some editors add one.
        Ok(text) => Ok(text
            .strip_prefix('\u{feff}')
            .map(str::to_string)
            .unwrap_or(text)),
        Err(e) => {
            let valid = e.utf8_error().valid_up_to();
            let bytes = e.as_bytes();
            let line = bytes[..valid].iter().filter(|&&b| b == b'\n').count() + 1;
            Err((
                Some(line),
                format!(
                    "this file is not UTF-8 (probably GBK or GB2312, from a Chinese-language editor); {SAVE}"
                ),
            ))
        }
    }
}

#[derive(Default)]
struct Report {
    problems: Vec<Problem>,
    /// Every code read, in load order, for the server-wide uniqueness check.
    codes: Vec<CodeSite>,
}

impl Report {
    fn at(&mut self, src: &Source, span: Range<usize>, message: impl Into<String>) {
        self.problems.push(Problem {
            path: src.path.clone(),
            line: Some(src.line(span.start)),
            message: message.into(),
        });
    }

    fn code(&mut self, src: &Source, span: Range<usize>, code: &Code, owner: String) {
        self.codes.push(CodeSite {
            code: code.clone(),
            path: src.path.clone(),
            line: src.line(span.start),
            owner,
        });
    }

    fn file(&mut self, path: &Path, message: impl Into<String>) {
        self.problems.push(Problem {
            path: path.to_path_buf(),
            line: None,
            message: message.into(),
        });
    }
}

// ---------------------------------------------------------------------------------------------
// Exhibitions

fn load_exhibition(folder: &Path, report: &mut Report) -> Option<Exhibition> {
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
    let langs = Langs::declared_in(&file);
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
    report: &mut Report,
) -> Option<Exhibition> {
    if let Some(declared) = &raw.languages
        && (declared.get_ref().is_empty()
            || declared.get_ref().iter().any(|l| l != "zh" && l != "en"))
    {
        report.at(
            src,
            declared.span(),
            "languages: write [\"zh\", \"en\"] (the default), [\"zh\"] or [\"en\"]",
        );
    }
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
    let wording = |raw: &Option<Spanned<RawText>>, field: &str, report: &mut Report| {
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
    Some(Exhibition {
        id,
        dir: folder.to_path_buf(),
        title,
        venue,
        opens,
        closes,
        time_zone,
        access,
        access_note,
        call_to_action,
        scan_distance_m,
        stations: stations.good,
        stories: stories.good,
        phases,
    })
}

/// `[access]`, with `article_prefix` read as its `proxy` when the table does not name one.
fn check_access(
    src: &Source,
    raw: Option<&Spanned<RawAccess>>,
    article_prefix: Option<&Spanned<String>>,
    report: &mut Report,
) -> Access {
    let mut access = Access::default();
    let table = raw.map(Spanned::get_ref);
    let proxy = match (table.and_then(|t| t.proxy.as_ref()), article_prefix) {
        (Some(proxy), Some(old)) => {
            report.at(src, old.span(), format!("article_prefix: [access] also names a proxy (`{}`); keep one: proxy in [access] is the newer name for the same thing", proxy.get_ref().trim()));
            None
        }
        (Some(proxy), None) => Some((proxy, "access.proxy")),
        (None, Some(old)) => Some((old, "article_prefix")),
        (None, None) => None,
    };
    if let Some((raw_proxy, field)) = proxy {
        let prefix = check_url(src, raw_proxy, field, report);
        match prefix {
            Some(p) if !p.ends_with('=') => report.at(
                src,
                raw_proxy.span(),
                format!("{field}: `{p}` must end with the parameter the article's address goes into, such as https://proxy.example.edu/login?url= (EZproxy) or https://go.openathens.net/redirector/example.edu?url= (OpenAthens)"),
            ),
            Some(prefix) => {
                let encode = table
                    .and_then(|t| t.proxy_encode.as_ref())
                    .map_or_else(|| Proxy::encodes_by_default(&prefix), |e| *e.get_ref());
                access.proxy = Some(Proxy { prefix, encode });
            }
            None => {}
        }
    }
    let Some(table) = table else { return access };
    if let (Some(encode), None) = (&table.proxy_encode, &table.proxy) {
        report.at(
            src,
            encode.span(),
            "access.proxy_encode: there is no proxy in [access] to encode for; remove it, or add proxy = \"https://proxy.example.edu/login?url=\"",
        );
    }
    if let Some(resolver) = &table.resolver {
        access.resolver = check_url(src, resolver, "access.resolver", report);
    }
    if let Some(networks) = &table.campus_networks {
        for n in networks.get_ref() {
            if let Some(net) = check_network(src, n, report) {
                access.campus_networks.push(net);
            }
        }
    }
    access
}

/// One campus network: a CIDR range (`10.0.0.0/8`, `2001:db8::/32`) or a single address.
fn check_network(src: &Source, raw: &Spanned<String>, report: &mut Report) -> Option<IpNet> {
    let text = raw.get_ref().trim();
    let parsed = text
        .parse::<IpNet>()
        .ok()
        .or_else(|| text.parse::<std::net::IpAddr>().ok().map(IpNet::from));
    let Some(net) = parsed else {
        report.at(src, raw.span(), format!("access.campus_networks: `{text}` is not a network; write CIDR ranges such as \"10.0.0.0/8\" or \"2001:db8::/32\" (ask the library's IT for the campus ranges)"));
        return None;
    };
    if net.prefix_len() == 0 {
        report.at(src, raw.span(), format!("access.campus_networks: `{text}` holds every address, so every visitor would count as on campus; list the campus ranges only"));
        return None;
    }
    if net.trunc() != net {
        report.at(src, raw.span(), format!("access.campus_networks: `{text}` has host bits set; write the network as {}, or the single address as {}", net.trunc(), net.addr()));
        return None;
    }
    Some(net)
}

/// What a folder or table held: the items that passed, and the ids of those that exist but
/// failed. A phase naming a failed item is not reported again: the item's own problem says it.
struct Loaded<T> {
    good: Vec<T>,
    broken: Vec<String>,
}

/// The instants a show runs between: opening day's midnight to the midnight after closing.
#[derive(Clone, Copy)]
struct Window {
    start: Timestamp,
    end: Timestamp,
}

impl Window {
    fn new(tz: &TimeZone, opens: Date, closes: Date) -> Window {
        let midnight = |d: Date| super::midnight(tz, d);
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

fn check_stations(
    src: &Source,
    exhibition: &str,
    raw: &[RawStation],
    default_distance: f64,
    langs: Langs,
    report: &mut Report,
) -> Loaded<Station> {
    if raw.is_empty() {
        report.file(
            &src.path,
            "no [[stations]]: an exhibition needs at least one station",
        );
    }
    let mut stations: Loaded<Station> = Loaded {
        good: Vec::new(),
        broken: Vec::new(),
    };
    for s in raw {
        let id = s.id.get_ref().trim();
        if !is_station_id(id) {
            report.at(
                src,
                s.id.span(),
                format!("stations.id: `{id}` must be 1-16 letters, digits or '-'"),
            );
        } else if stations.good.iter().any(|other| other.id == id) {
            report.at(
                src,
                s.id.span(),
                format!("stations.id: `{id}` is used by another station"),
            );
        }
        let code = check_code(src, &s.code, "stations.code", report);
        let scan_distance_m =
            check_distance(src, s.scan_distance_m.as_ref(), default_distance, report);
        let whose = format!("station `{id}`");
        let place = required_text(
            src,
            s.place.as_ref(),
            &s.id,
            "stations.place",
            &whose,
            langs,
            report,
        );
        let Some(code) = code else {
            stations.broken.push(id.to_string());
            continue;
        };
        let owner = format!("station `{id}` of `{exhibition}`");
        report.code(src, s.code.span(), &code, owner);
        stations.good.push(Station {
            id: id.to_string(),
            code,
            place,
            scan_distance_m,
        });
    }
    stations
}

fn check_phases(
    src: &Source,
    raw: &[RawPhase],
    (stations, stories): (&Loaded<Station>, &Loaded<Story>),
    tz: &TimeZone,
    window: Window,
    langs: Langs,
    report: &mut Report,
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
    report: &mut Report,
) -> Vec<usize> {
    let (all_stations, all_stories) = (stations, stories);
    let (stations, stories) = (&stations.good, &stories.good);
    let mut show = vec![usize::MAX; stations.len()];
    for (station, story) in p.show.get_ref() {
        let Some(si) = stations.iter().position(|s| s.id == *station.get_ref()) else {
            if !all_stations.broken.contains(station.get_ref()) {
                report.at(src, station.span(), format!("phases.show: phase `{phase_id}` names station `{}`, which is not among [[stations]]", station.get_ref()));
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
        let named = p.show.get_ref().keys().any(|k| *k.get_ref() == station.id);
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

// ---------------------------------------------------------------------------------------------
// Stories

fn load_stories(
    folder: &Path,
    exhibition: &str,
    langs: Langs,
    report: &mut Report,
) -> Loaded<Story> {
    let mut stories = Loaded {
        good: Vec::new(),
        broken: Vec::new(),
    };
    let dir = folder.join(STORIES_DIR);
    let mut files: Vec<PathBuf> = match std::fs::read_dir(&dir) {
        Ok(entries) => entries
            .filter_map(Result::ok)
            .map(|e| e.path())
            .filter(|p| p.extension().is_some_and(|x| x == "toml"))
            .collect(),
        Err(e) => {
            report.file(&dir, format!("cannot read the stories folder: {e}"));
            return stories;
        }
    };
    files.sort();
    for file in files {
        let id = file
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default();
        match load_story(folder, exhibition, file, langs, report) {
            Some(story) => stories.good.push(story),
            None => stories.broken.push(id),
        }
    }
    stories
}

fn load_story(
    folder: &Path,
    exhibition: &str,
    file: PathBuf,
    langs: Langs,
    report: &mut Report,
) -> Option<Story> {
    let id = file.file_stem()?.to_string_lossy().into_owned();
    if !is_slug(&id) {
        report.file(
            &file,
            "story file names use lower-case letters, digits and '-' (the name is the story id)",
        );
    }
    let src = Source::read(file, report)?;
    let raw: RawStory = src.parse(report)?;
    let before = report.problems.len();
    let title = check_text(&src, &raw.title, "title", langs, report);
    let summary = check_text(&src, &raw.summary, "summary", langs, report);
    let code = check_code(&src, &raw.code, "code", report);
    if let Some(code) = &code {
        let owner = format!("story `{id}` of `{exhibition}`");
        report.code(&src, raw.code.span(), code, owner);
    }
    let article_url = check_article(&src, &raw.article, report);
    let oa_url = raw
        .article
        .get_ref()
        .oa_url
        .as_ref()
        .and_then(|u| check_url(&src, u, "article.oa_url", report));
    let doi = raw
        .article
        .get_ref()
        .doi
        .as_ref()
        .map(|d| d.get_ref().trim().to_string());
    let cover = check_cover(
        &src,
        folder,
        &raw.cover,
        raw.cover_alt.as_ref(),
        &title,
        report,
    );
    let citation = raw.citation.map(|c| check_citation(&src, c, report));
    if report.problems.len() != before {
        return None;
    }
    Some(Story {
        id,
        code: code?,
        cover: cover?,
        title,
        summary,
        topics: raw.topics,
        article_url: article_url?,
        oa_url,
        doi,
        citation,
    })
}

fn check_article(src: &Source, raw: &Spanned<RawArticle>, report: &mut Report) -> Option<String> {
    let article = raw.get_ref();
    if let Some(doi) = &article.doi {
        let d = doi.get_ref().trim();
        if !(d.starts_with("10.") && d.contains('/'))
            || d.contains(|c: char| c.is_whitespace() || c.is_control())
        {
            report.at(src, doi.span(), format!("article.doi: `{d}` is not a DOI (expected something like 10.1038/nature16961, without https://doi.org/)"));
            return None;
        }
    }
    match (&article.url, &article.doi) {
        (Some(url), _) => check_url(src, url, "article.url", report),
        (None, Some(doi)) => Some(format!("https://doi.org/{}", doi.get_ref().trim())),
        (None, None) => {
            report.at(src, raw.span(), "article: give a url, a doi, or both");
            None
        }
    }
}

fn check_cover(
    src: &Source,
    folder: &Path,
    raw: &Spanned<String>,
    alt: Option<&RawText>,
    title: &Text,
    report: &mut Report,
) -> Option<Cover> {
    let relative = raw.get_ref().trim();
    let path = folder.join(relative);
    let inside = Path::new(relative)
        .components()
        .all(|c| matches!(c, std::path::Component::Normal(_)));
    if !inside {
        report.at(src, raw.span(), format!("cover: `{relative}` must be a path inside the exhibition folder, such as covers/alphago.png"));
        return None;
    }
    // Followed through symlinks: the file served must be inside the exhibition folder, never
    // a link to elsewhere on the server.
    let resolved =
        std::fs::canonicalize(&path).and_then(|p| Ok((p, std::fs::canonicalize(folder)?)));
    let read = match resolved {
        Ok((p, root)) if !p.starts_with(&root) => {
            report.at(src, raw.span(), format!("cover: `{relative}` leads to {}, outside the exhibition folder; copy the image itself into covers/", p.display()));
            return None;
        }
        Ok((p, _)) => std::fs::read(&p).map(|bytes| (p, bytes)),
        Err(e) => Err(e),
    };
    let (path, bytes) = match read {
        Ok(read) => read,
        Err(e) => {
            report.at(
                src,
                raw.span(),
                format!("cover: cannot read `{}`: {e}", path.display()),
            );
            return None;
        }
    };
    let size = image::ImageReader::new(std::io::Cursor::new(&bytes))
        .with_guessed_format()
        .ok()
        .and_then(|r| r.into_dimensions().ok());
    let Some((width, height)) = size else {
        report.at(
            src,
            raw.span(),
            format!("cover: `{relative}` is not a PNG or JPEG image"),
        );
        return None;
    };
    let alt = alt.map(text).unwrap_or_else(|| Text {
        zh: title.zh.as_ref().map(|t| format!("封面插图：{t}")),
        en: title.en.as_ref().map(|t| format!("Cover art: {t}")),
    });
    let version = blake3::hash(&bytes).to_hex()[..10].to_string();
    Some(Cover {
        path,
        alt,
        version,
        width,
        height,
    })
}

fn check_citation(src: &Source, raw: RawCitation, report: &mut Report) -> Citation {
    let issue_date = raw
        .issue_date
        .as_ref()
        .and_then(|d| check_date(src, d, "citation.issue_date", report));
    Citation {
        authors: raw.authors,
        title: raw.title,
        journal: raw.journal,
        volume: raw.volume,
        pages: raw.pages,
        issue_date,
    }
}

// ---------------------------------------------------------------------------------------------
// Field checks

fn text(raw: &RawText) -> Text {
    let clean = |s: &Option<String>| {
        s.as_ref()
            .map(|s| s.trim().to_string())
            .filter(|s| !s.is_empty())
    };
    Text {
        zh: clean(&raw.zh),
        en: clean(&raw.en),
    }
}

/// The languages an exhibition is written in (`languages` in exhibition.toml): every
/// visitor-facing text must have each of them, so an English visitor never silently gets
/// Chinese. Read before the stories are, from the file alone; a bad value is reported when
/// the exhibition file itself is checked.
#[derive(Debug, Clone, Copy)]
struct Langs {
    zh: bool,
    en: bool,
}

impl Langs {
    fn declared_in(exhibition_file: &Path) -> Langs {
        let declared = std::fs::read_to_string(exhibition_file)
            .ok()
            .and_then(|text| text.parse::<toml::Table>().ok())
            .and_then(|table| table.get("languages").cloned())
            .and_then(|v| v.as_array().cloned())
            .map(|list| {
                let has = |l: &str| list.iter().any(|v| v.as_str() == Some(l));
                Langs {
                    zh: has("zh"),
                    en: has("en"),
                }
            });
        match declared {
            Some(l) if l.zh || l.en => l,
            _ => Langs { zh: true, en: true },
        }
    }

    /// A message for a text missing a required language, if it does. `whose` says which
    /// station or phase the text belongs to (" for station `A1`"), or is empty.
    fn missing(self, t: &Text, field: &str, whose: &str) -> Option<String> {
        let key = field.rsplit('.').next().unwrap_or(field);
        let (lang, name, other) = if self.en && t.en.is_none() {
            ("en", "English", "zh")
        } else if self.zh && t.zh.is_none() {
            ("zh", "Chinese", "en")
        } else {
            return None;
        };
        Some(format!(
            "{field}: the {name} text{whose} ({key}.{lang}) is missing or empty; write it, or, if the show is in one language only, put languages = [\"{other}\"] in exhibition.toml"
        ))
    }

    /// The keys a text needs, as staff write them: `place.zh and place.en`, or one of them.
    fn keys(self, key: &str) -> String {
        match (self.zh, self.en) {
            (true, true) => format!("{key}.zh and {key}.en"),
            (true, false) => format!("{key}.zh"),
            _ => format!("{key}.en"),
        }
    }
}

fn check_text(
    src: &Source,
    raw: &Spanned<RawText>,
    field: &str,
    langs: Langs,
    report: &mut Report,
) -> Text {
    check_text_of(src, raw, field, "", langs, report)
}

/// `check_text` for a text of one station or phase, named by `whose`.
fn check_text_of(
    src: &Source,
    raw: &Spanned<RawText>,
    field: &str,
    whose: &str,
    langs: Langs,
    report: &mut Report,
) -> Text {
    let t = text(raw.get_ref());
    if t.zh.is_none() && t.en.is_none() {
        report.at(
            src,
            raw.span(),
            format!("{field}: give zh, en or both{whose}; both are empty"),
        );
    } else if let Some(message) = langs.missing(&t, field, whose) {
        report.at(src, raw.span(), message);
    }
    t
}

/// A station's place or a phase's name: shown to visitors, so required, in every language the
/// show is written in. A missing one is reported at the station's or phase's `id`.
fn required_text(
    src: &Source,
    raw: Option<&Spanned<RawText>>,
    id: &Spanned<String>,
    field: &str,
    whose: &str,
    langs: Langs,
    report: &mut Report,
) -> Text {
    let key = field.rsplit('.').next().unwrap_or(field);
    match raw {
        Some(raw) => check_text_of(src, raw, field, &format!(" for {whose}"), langs, report),
        None => {
            let example = match key {
                "place" => {
                    "where visitors find it, such as place.zh = \"左侧展墙 第1块\" and place.en = \"Left wall, panel 1\""
                }
                _ => {
                    "the name visitors see on the exhibition page, such as name.zh = \"第一期：2016年封面\" and name.en = \"Phase 1: 2016 covers\""
                }
            };
            report.at(
                src,
                id.span(),
                format!(
                    "{field}: {whose} has no {key}; write {} below its id ({example})",
                    langs.keys(key)
                ),
            );
            Text::default()
        }
    }
}

fn check_code(
    src: &Source,
    raw: &Spanned<String>,
    field: &str,
    report: &mut Report,
) -> Option<Code> {
    Code::parse(raw.get_ref().trim())
        .map_err(|e| {
            report.at(
                src,
                raw.span(),
                format!("{field}: `{}`: {e}", raw.get_ref()),
            )
        })
        .ok()
}

fn check_url(
    src: &Source,
    raw: &Spanned<String>,
    field: &str,
    report: &mut Report,
) -> Option<String> {
    let value = raw.get_ref().trim();
    // The url crate drops tabs and line breaks while parsing, so a URL holding them parses, but
    // the raw text then breaks the redirect's Location header: refuse them here.
    if let Some(c) = value.chars().find(|c| c.is_control() || c.is_whitespace()) {
        report.at(
            src,
            raw.span(),
            format!(
                "{field}: the URL holds {}; remove it (a URL is one line with no spaces; write a space as %20)",
                describe_char(c)
            ),
        );
        return None;
    }
    match url::Url::parse(value) {
        Ok(u) if matches!(u.scheme(), "http" | "https") && u.host().is_some() => {
            Some(value.to_string())
        }
        _ => {
            report.at(
                src,
                raw.span(),
                format!("{field}: `{value}` is not a valid http(s) URL"),
            );
            None
        }
    }
}

fn describe_char(c: char) -> String {
    match c {
        '\n' | '\r' => "a line break".into(),
        '\t' => "a tab".into(),
        ' ' => "a space".into(),
        c => format!("the invisible character U+{:04X}", c as u32),
    }
}

fn check_distance(
    src: &Source,
    raw: Option<&Spanned<f64>>,
    default: f64,
    report: &mut Report,
) -> f64 {
    let Some(raw) = raw else { return default };
    let d = *raw.get_ref();
    if DISTANCE_RANGE_M.contains(&d) {
        d
    } else {
        report.at(
            src,
            raw.span(),
            format!("scan_distance_m: {d} m is out of range (0.2 to 30)"),
        );
        default
    }
}

fn check_date(
    src: &Source,
    raw: &Spanned<Datetime>,
    field: &str,
    report: &mut Report,
) -> Option<Date> {
    let dt = raw.get_ref();
    let date = match (dt.date, dt.time, dt.offset) {
        (Some(d), None, None) => Date::new(d.year as i16, d.month as i8, d.day as i8).ok(),
        _ => None,
    };
    if date.is_none() {
        report.at(
            src,
            raw.span(),
            format!("{field}: expected a date such as 2026-11-02, found {dt}"),
        );
    }
    date
}

/// A local date-time in the exhibition's zone (a bare date means midnight).
fn check_instant(
    src: &Source,
    raw: &Spanned<Datetime>,
    field: &str,
    tz: &TimeZone,
    report: &mut Report,
) -> Option<Timestamp> {
    let dt = raw.get_ref();
    let local = match (dt.date, dt.time, dt.offset) {
        (Some(d), time, None) => {
            let time = match time {
                Some(t) => {
                    Time::new(t.hour as i8, t.minute as i8, t.second.unwrap_or(0) as i8, 0).ok()
                }
                None => Some(Time::midnight()),
            };
            Date::new(d.year as i16, d.month as i8, d.day as i8)
                .ok()
                .zip(time)
                .map(|(d, t)| DateTime::from_parts(d, t))
        }
        _ => None,
    };
    let instant = local.and_then(|l| tz.to_timestamp(l).ok());
    if instant.is_none() {
        let hint = if dt.offset.is_some() {
            "; leave out the offset, the exhibition's time_zone applies"
        } else {
            ""
        };
        report.at(src, raw.span(), format!("{field}: expected a local date and time such as 2026-12-07T08:00:00, found {dt}{hint}"));
    }
    instant
}

fn is_slug(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 64
        && s.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && !s.starts_with('-')
}

fn is_station_id(s: &str) -> bool {
    (1..=16).contains(&s.len()) && s.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
}

//! Print sheets for staff: one A4 poster per station, or a sheet of small labels, as one
//! self-contained HTML page (QR codes as inline SVG, covers as data URIs) that the admin side
//! serves and `docent print` writes to disk (`write_all`, with each code as SVG and PNG).
//! Every code is decoded again before it is placed.

use std::path::{Path, PathBuf};

use askama::Template;
use base64::Engine;
use jiff::Timestamp;

use crate::catalog::{Catalog, Exhibition, Lang, Story};
use crate::covers;
use crate::qr::{self, DEFAULT_DPI, Ecc, QrError, Symbol};

/// The widest code a poster holds: A4 less its margins.
const MAX_POSTER_QR_MM: f64 = 180.0;
/// Labels sit beside the covers and are scanned from arm's length.
const LABEL_DISTANCE_M: f64 = 0.3;

#[derive(Debug, thiserror::Error)]
pub enum PrintError {
    #[error("exhibition `{exhibition}` has no phase `{phase}` (phases: {known})")]
    UnknownPhase {
        exhibition: String,
        phase: String,
        known: String,
    },
    #[error("no exhibition `{id}` (exhibitions: {known})")]
    UnknownExhibition { id: String, known: String },
    #[error("code `{0}` is not in the exhibit files")]
    UnknownCode(String),
    #[error(transparent)]
    Qr(#[from] QrError),
    #[error("cover {path}")]
    Cover {
        path: String,
        source: image::ImageError,
    },
    #[error("the print page could not be rendered")]
    Template(#[from] askama::Error),
    #[error("cannot create the folder {}", path.display())]
    Folder {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("cannot write {}", path.display())]
    Write {
        path: PathBuf,
        source: std::io::Error,
    },
}

/// Which code goes on a station's poster.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Codes {
    /// The station's permanent code: shows whatever the station holds now.
    #[default]
    Station,
    /// The code of the story shown in the chosen phase: always that story.
    Story,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Sheet {
    #[default]
    Posters,
    Labels,
}

#[derive(Debug, Clone, Default)]
pub struct PrintOptions {
    /// The phase whose stories are printed; `None` for the phase live now.
    pub phase: Option<String>,
    pub codes: Codes,
    pub sheet: Sheet,
    pub ecc: Ecc,
}

struct Poster {
    station: String,
    place_zh: String,
    place_en: String,
    title_zh: String,
    title_en: String,
    cover: String,
    cover_alt: String,
    qr_svg: String,
    short_url: String,
    cta_zh: String,
    cta_en: String,
    capped: Option<String>,
}

#[derive(Template)]
#[template(path = "print.html")]
struct PrintPage<'a> {
    /// The sheet's first and second languages (`*_zh` and `*_en` hold their texts).
    first: &'static str,
    second: &'static str,
    title_zh: &'a str,
    title_en: &'a str,
    venue_zh: &'a str,
    venue_en: &'a str,
    phase: &'a str,
    labels: bool,
    posters: Vec<Poster>,
    /// A warning above the sheet, on screen only, in this language: the codes lead to
    /// `origin`, which no phone can reach.
    warn: Option<Lang>,
    origin: &'a str,
}

/// Whether codes holding `base_url` open only on this machine (`localhost`, 127.0.0.0/8,
/// `::1`, or an unspecified address such as 0.0.0.0): a poster printed with them is waste
/// paper. An origin that does not parse counts as one too.
pub fn only_this_machine(base_url: &str) -> bool {
    match url::Url::parse(base_url.trim())
        .ok()
        .as_ref()
        .and_then(url::Url::host)
    {
        Some(url::Host::Domain(d)) => d.eq_ignore_ascii_case("localhost"),
        Some(url::Host::Ipv4(ip)) => ip.is_loopback() || ip.is_unspecified(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback() || ip.is_unspecified(),
        None => true,
    }
}

/// The phase index to print: the one named, or `live` when none is.
pub fn pick_phase(e: &Exhibition, wanted: Option<&str>, live: usize) -> Result<usize, PrintError> {
    match wanted {
        None => Ok(live),
        Some(id) => e
            .phase(id)
            .map(|(i, _)| i)
            .ok_or_else(|| PrintError::UnknownPhase {
                exhibition: e.id.clone(),
                phase: id.to_string(),
                known: e.phase_ids(),
            }),
    }
}

/// The sheet as one HTML page.
pub fn render(
    e: &Exhibition,
    phase: usize,
    base_url: &str,
    options: &PrintOptions,
) -> Result<String, PrintError> {
    render_with_notice(e, phase, base_url, options, None)
}

/// The sheet, warning on screen in `warn`'s language when its codes open only on this machine
/// (the browser's print page; `docent print` refuses such an origin instead).
pub fn render_with_notice(
    e: &Exhibition,
    phase: usize,
    base_url: &str,
    options: &PrintOptions,
    warn: Option<Lang>,
) -> Result<String, PrintError> {
    let labels = options.sheet == Sheet::Labels;
    // A poster speaks the show's first two languages, in order.
    let (first, second) = e.languages.first_two();
    let posters = e
        .stations
        .iter()
        .enumerate()
        .map(|(i, station)| {
            let story = e.story_at(phase, i);
            let code = match options.codes {
                Codes::Station => &station.code,
                Codes::Story => &story.code,
            };
            let distance = if labels {
                LABEL_DISTANCE_M
            } else {
                station.scan_distance_m
            };
            poster(base_url, code, story, distance, options.ecc, labels, |p| {
                p.title_zh = story.title.get(first).to_string();
                p.title_en = story.title.get(second).to_string();
                p.cover_alt = story.cover.alt.get(second).to_string();
                (p.cta_zh, p.cta_en) = (cta(e, story, first), cta(e, story, second));
                p.station = station.id.clone();
                p.place_zh = station.place.get(first).to_string();
                p.place_en = station.place.get(second).to_string();
            })
        })
        .collect::<Result<Vec<_>, _>>()?;
    let page = PrintPage {
        first: crate::i18n::html_lang(first),
        second: crate::i18n::html_lang(second),
        title_zh: e.title.get(first),
        title_en: e.title.get(second),
        venue_zh: e.venue.get(first),
        venue_en: e.venue.get(second),
        phase: e.phases[phase].name.get(second),
        labels,
        posters,
        warn: warn.filter(|_| only_this_machine(base_url)),
        origin: base_url.trim_end_matches('/'),
    };
    Ok(page.render()?)
}

/// A code that needs more room than an A4 poster gives it.
pub struct TooBig {
    pub station: String,
    pub code: String,
    pub distance_m: f64,
    pub wanted_mm: f64,
}

/// The poster codes that would need more than `MAX_POSTER_QR_MM` (what A4 holds) to be read
/// from their station's distance: the sheet caps them, so the command line says so too.
pub fn too_big_for_a4(
    e: &Exhibition,
    phase: usize,
    base_url: &str,
    options: &PrintOptions,
) -> Result<Vec<TooBig>, PrintError> {
    let mut big = Vec::new();
    for (i, station) in e.stations.iter().enumerate() {
        let code = match options.codes {
            Codes::Station => &station.code,
            Codes::Story => &e.story_at(phase, i).code,
        };
        let symbol = Symbol::new(&qr::code_url(base_url, code), options.ecc)?;
        let wanted_mm = symbol.size_for_distance(station.scan_distance_m);
        if wanted_mm > MAX_POSTER_QR_MM {
            big.push(TooBig {
                station: station.id.clone(),
                code: code.to_string(),
                distance_m: station.scan_distance_m,
                wanted_mm,
            });
        }
    }
    Ok(big)
}

/// The line that asks people to scan: free to read when the story has a free copy (a fact
/// about the paper, so it wins over the exhibition's wording), else the exhibition's own line,
/// else the default for libraries.
fn cta(e: &Exhibition, story: &Story, lang: Lang) -> String {
    let t = crate::i18n::ui(lang);
    if story.oa_url.is_some() {
        return t.free_call_to_action.to_string();
    }
    e.call_to_action
        .as_ref()
        .map_or(t.call_to_action, |t| t.get(lang))
        .to_string()
}

fn poster(
    base_url: &str,
    code: &crate::catalog::Code,
    story: &Story,
    distance_m: f64,
    ecc: Ecc,
    labels: bool,
    place: impl FnOnce(&mut Poster),
) -> Result<Poster, PrintError> {
    let symbol = Symbol::new(&qr::code_url(base_url, code), ecc)?;
    let wanted_mm = symbol.size_for_distance(distance_m);
    let qr_mm = wanted_mm.min(MAX_POSTER_QR_MM);
    let capped = (qr_mm < wanted_mm).then(|| {
        format!("A {distance_m} m scanning distance needs a {wanted_mm} mm code; it is capped at {qr_mm} mm here: print on A3 or move visitors closer.")
    });
    let qr_svg = qr::verified_svg(&symbol, qr_mm)?;
    let cover = if labels {
        String::new()
    } else {
        let jpeg =
            covers::thumbnail(&story.cover.path, 960).map_err(|source| PrintError::Cover {
                path: story.cover.path.display().to_string(),
                source,
            })?;
        format!(
            "data:image/jpeg;base64,{}",
            base64::engine::general_purpose::STANDARD.encode(jpeg)
        )
    };
    let mut p = Poster {
        station: String::new(),
        place_zh: String::new(),
        place_en: String::new(),
        title_zh: story.title.get(Lang::ZH).to_string(),
        title_en: story.title.get(Lang::EN).to_string(),
        cover,
        cover_alt: story.cover.alt.get(Lang::EN).to_string(),
        qr_svg,
        short_url: short_url(base_url, code),
        cta_zh: String::new(),
        cta_en: String::new(),
        capped,
    };
    place(&mut p);
    Ok(p)
}

/// What `docent qr` writes: one code.
pub struct OneCode<'a> {
    pub code: &'a crate::catalog::Code,
    pub base_url: &'a str,
    pub format: Format,
    /// Default: the station's or the exhibition's scanning distance.
    pub distance_m: Option<f64>,
    /// Printed width, quiet zone included; default: from the distance.
    pub size_mm: Option<f64>,
    pub dpi: u32,
    pub ecc: Ecc,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Svg,
    Png,
}

/// What `write_one` wrote.
pub struct OneWritten {
    pub url: String,
    pub version: i16,
    pub size_mm: f64,
    pub distance_m: f64,
}

/// Writes one code as SVG or PNG to `out`, decoded back to its URL before it is written.
pub fn write_one(
    catalog: &Catalog,
    job: &OneCode<'_>,
    out: &Path,
) -> Result<OneWritten, PrintError> {
    let target = catalog
        .resolve(job.code)
        .ok_or_else(|| PrintError::UnknownCode(job.code.to_string()))?;
    let symbol = Symbol::new(&qr::code_url(job.base_url, job.code), job.ecc)?;
    let distance_m = job
        .distance_m
        .unwrap_or_else(|| catalog.scan_distance_m(target));
    let size_mm = job
        .size_mm
        .unwrap_or_else(|| symbol.size_for_distance(distance_m));
    let bytes = match job.format {
        Format::Svg => qr::verified_svg(&symbol, size_mm).map(String::into_bytes),
        Format::Png => qr::verified_png(&symbol, size_mm, job.dpi),
    }?;
    write(out, &bytes)?;
    Ok(OneWritten {
        url: symbol.url.clone(),
        version: symbol.version(),
        size_mm,
        distance_m,
    })
}

/// What `docent print` writes.
pub struct PrintJob<'a> {
    /// The folder: codes go to `qr/`, sheets beside it.
    pub out: &'a Path,
    pub base_url: &'a str,
    /// Only this exhibition; `None` for all of them.
    pub exhibition: Option<&'a str>,
    /// The phase whose stories are printed; `None` for the one live at `now`.
    pub phase: Option<&'a str>,
    pub codes: Codes,
    pub ecc: Ecc,
}

/// What `write_all` reports as it goes, for a progress bar.
pub enum Progress<'a> {
    /// How many steps there are: one per code and one per sheet.
    Steps(u64),
    /// The step begun now.
    Doing(&'a str),
    Done,
    /// Something printed but worth telling staff (a code too big for A4).
    Warning(String),
}

/// What `write_all` wrote.
pub struct Written {
    pub codes: usize,
    pub sheets: Vec<PathBuf>,
}

/// Writes every code of the chosen exhibitions as SVG and PNG (each decoded back to its URL)
/// and each exhibition's poster and label sheets. Every phase name is checked before anything
/// is written.
pub fn write_all(
    catalog: &Catalog,
    job: &PrintJob<'_>,
    now: Timestamp,
    progress: &mut dyn FnMut(Progress<'_>),
) -> Result<Written, PrintError> {
    let exhibitions: Vec<&Exhibition> = match job.exhibition {
        Some(id) => vec![catalog.exhibition(id).map(|(_, e)| e).ok_or_else(|| {
            let known: Vec<_> = catalog.exhibitions.iter().map(|e| e.id.as_str()).collect();
            PrintError::UnknownExhibition {
                id: id.to_string(),
                known: known.join(", "),
            }
        })?],
        None => catalog.exhibitions.iter().collect(),
    };
    let phases = exhibitions
        .iter()
        .map(|e| pick_phase(e, job.phase, e.showing(now, None).phase))
        .collect::<Result<Vec<_>, _>>()?;
    let qr_dir = job.out.join("qr");
    std::fs::create_dir_all(&qr_dir).map_err(|source| PrintError::Folder {
        path: qr_dir.clone(),
        source,
    })?;
    let codes: Vec<_> = catalog
        .codes()
        .into_iter()
        .filter(|(_, t)| {
            let id = &catalog.exhibitions[t.exhibition()].id;
            exhibitions.iter().any(|e| e.id == *id)
        })
        .collect();
    progress(Progress::Steps(
        (codes.len() + exhibitions.len() * 2) as u64,
    ));
    for (code, target) in &codes {
        progress(Progress::Doing(code.as_str()));
        let symbol = Symbol::new(&qr::code_url(job.base_url, code), job.ecc)?;
        let size = symbol.size_for_distance(catalog.scan_distance_m(*target));
        let svg = qr::verified_svg(&symbol, size)?;
        let png = qr::verified_png(&symbol, size, DEFAULT_DPI)?;
        write(&qr_dir.join(format!("{code}.svg")), svg.as_bytes())?;
        write(&qr_dir.join(format!("{code}.png")), &png)?;
        progress(Progress::Done);
    }
    let mut sheets = Vec::new();
    for (e, phase) in exhibitions.iter().zip(phases) {
        for (sheet, name) in [(Sheet::Posters, "posters"), (Sheet::Labels, "labels")] {
            progress(Progress::Doing(&format!("{} {name}", e.id)));
            let options = PrintOptions {
                phase: None,
                codes: job.codes,
                sheet,
                ecc: job.ecc,
            };
            if sheet == Sheet::Posters {
                for b in too_big_for_a4(e, phase, job.base_url, &options)? {
                    progress(Progress::Warning(format!(
                        "{} station {} (code {}): a {} m scanning distance needs a {:.0} mm code, more than the {MAX_POSTER_QR_MM:.0} mm an A4 poster holds; print its poster on A3, or lower its scan_distance_m",
                        e.id, b.station, b.code, b.distance_m, b.wanted_mm
                    )));
                }
            }
            let html = render(e, phase, job.base_url, &options)?;
            let file = job
                .out
                .join(format!("{}-{}-{name}.html", e.id, e.phases[phase].id));
            write(&file, html.as_bytes())?;
            sheets.push(file);
            progress(Progress::Done);
        }
    }
    Ok(Written {
        codes: codes.len(),
        sheets,
    })
}

fn write(path: &Path, bytes: &[u8]) -> Result<(), PrintError> {
    std::fs::write(path, bytes).map_err(|source| PrintError::Write {
        path: path.to_path_buf(),
        source,
    })
}

/// The code's address as people type it: no scheme, lower-case `/s/`.
pub fn short_url(base_url: &str, code: &crate::catalog::Code) -> String {
    let base = base_url.trim_end_matches('/');
    let base = base.split_once("://").map(|(_, rest)| rest).unwrap_or(base);
    format!("{base}/s/{code}")
}

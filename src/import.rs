//! `docent import`: stories from a spreadsheet. One story file per CSV row (commented, like the
//! demo's), covers copied and resized, citations filled from Crossref when it answers. The
//! files are saved like every other change (`catalog::save`: the save lock, the same checks as
//! `docent check` on a scratch copy, every file staged and switched in one step, history), so
//! a CSV with any problem writes nothing and lists every problem as `file.csv:ROW: ...`, and
//! an import killed at any moment leaves the folder as it was (or, once its switch began,
//! finished by the next import or start); nothing of it goes to the system's temporary folder.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::time::Duration;

use crate::catalog;
use crate::catalog::save::{self, Change, Expected, SaveError};
use crate::catalog::story_file::{Citation, story_text};
use crate::covers::resize_cover;

/// Columns a CSV must have, and may have.
const REQUIRED: [&str; 7] = [
    "code",
    "doi",
    "title_zh",
    "title_en",
    "summary_zh",
    "summary_en",
    "cover",
];
const OPTIONAL: [&str; 4] = ["url", "topics", "cover_alt_zh", "cover_alt_en"];
/// Who the history names for an import.
pub const WHO: &str = "docent import";

/// What to import.
pub struct Request<'a> {
    pub csv: &'a Path,
    pub exhibits: &'a Path,
    pub exhibition: &'a str,
    /// The Crossref REST API, `https://api.crossref.org` by default; `None` leaves citations out.
    pub crossref: Option<&'a str>,
}

/// What was written.
#[derive(Debug)]
pub struct Imported {
    /// (story id, file written)
    pub stories: Vec<(String, PathBuf)>,
    pub citations: usize,
    /// Things worth telling but not stopping for (Crossref not answering).
    pub notes: Vec<String>,
}

/// One row, as read.
struct Row {
    line: u64,
    id: String,
    fields: HashMap<String, String>,
}

impl Row {
    fn get(&self, column: &str) -> &str {
        self.fields.get(column).map_or("", |v| v.trim())
    }
}

/// Reads, checks and (when nothing is wrong) writes. `Err` lists every problem.
pub fn import(request: &Request) -> Result<Imported, Vec<String>> {
    let name = request.csv.display().to_string();
    let at = |line: u64, message: String| format!("{name}:{line}: {message}");
    // An import or save cut short by a crash is finished, or what it left cleared, first.
    match save::recover(request.exhibits) {
        Ok(_) | Err(SaveError::ReadOnly { .. }) => {}
        Err(e) => return Err(vec![format!("{}: {e}", request.exhibits.display())]),
    }
    let catalog = catalog::load(request.exhibits).map_err(|problems| {
        let mut out = vec![format!(
            "{}: the exhibit files have problems; fix them first (docent check):",
            request.exhibits.display()
        )];
        out.extend(problems.iter().map(|p| format!("  {p}")));
        out
    })?;
    let exhibition = catalog
        .exhibition(request.exhibition)
        .map(|(_, e)| e)
        .ok_or_else(|| {
            let known: Vec<_> = catalog.exhibitions.iter().map(|e| e.id.as_str()).collect();
            vec![format!(
                "no exhibition `{}` in {} (exhibitions: {})",
                request.exhibition,
                request.exhibits.display(),
                known.join(", ")
            )]
        })?;
    let bytes = std::fs::read(request.csv).map_err(|e| vec![format!("{name}: {e}")])?;
    let text = decode(&bytes).map_err(|e| vec![format!("{name}: {e}")])?;
    let rows =
        read_rows(&text).map_err(|e| e.into_iter().map(|(l, m)| at(l, m)).collect::<Vec<_>>())?;
    if rows.is_empty() {
        return Err(vec![format!("{name}: no rows below the header")]);
    }

    let mut problems = Vec::new();
    let csv_dir = request.csv.parent().unwrap_or(Path::new("."));
    let mut covers = HashMap::new();
    let mut first_row_of = HashMap::new();
    for row in &rows {
        if !row.id.is_empty()
            && let Some(first) = first_row_of.insert(row.id.clone(), row.line)
        {
            first_row_of.insert(row.id.clone(), first);
            problems.push(at(
                row.line,
                format!(
                    "code `{}` is also on row {first}; each story needs its own code",
                    row.get("code")
                ),
            ));
        }
        for column in REQUIRED {
            if row.get(column).is_empty() {
                problems.push(at(
                    row.line,
                    format!("`{column}` is empty; every row needs it"),
                ));
            }
        }
        // The same check as `docent check`, named by row and column.
        // Columns visitors read: no control or bidi characters in them.
        for column in crate::catalog::values::STORY_TEXT {
            if let Err(e) = crate::catalog::values::visitor_text(row.get(column)) {
                problems.push(at(row.line, format!("column `{column}`: {e}")));
            }
        }
        if exhibition
            .dir
            .join("stories")
            .join(format!("{}.toml", row.id))
            .exists()
        {
            problems.push(at(
                row.line,
                format!("a story file stories/{}.toml exists already", row.id),
            ));
        }
        if !row.get("cover").is_empty() {
            match cover(&csv_dir.join(row.get("cover"))) {
                Ok(jpeg) => {
                    covers.insert(row.id.clone(), jpeg);
                }
                Err(e) => problems.push(at(row.line, format!("cover `{}`: {e}", row.get("cover")))),
            }
        }
    }
    if !problems.is_empty() {
        return Err(problems);
    }

    let mut notes = Vec::new();
    let mut citations = 0;
    let mut files = Vec::new();
    for row in &rows {
        let citation = match request.crossref {
            Some(base) => match crossref(base, row.get("doi")) {
                Ok(c) => {
                    citations += 1;
                    Some(c)
                }
                Err(e) => {
                    notes.push(at(row.line, format!("citation left out: {e}")));
                    None
                }
            },
            None => None,
        };
        files.push((row, story_file(row, citation.as_ref(), request.csv)));
    }

    // Saved like every change of the exhibit files: under the save lock, checked on a scratch
    // copy, every file staged and then switched in one step (all of them or none), each new
    // file marked in history.
    save::pause_at("covers");
    let mut changes = Vec::new();
    for (row, text) in &files {
        changes.push(Change::write(story_path(&row.id), text.as_bytes()));
        changes.push(Change::write(
            format!("covers/{}.jpg", row.id),
            covers
                .remove(&row.id)
                .expect("every row's cover was read above"),
        ));
    }
    let paths: Vec<String> = files.iter().map(|(row, _)| story_path(&row.id)).collect();
    let expected: Vec<Expected> = paths.iter().map(|p| (p.as_str(), None)).collect();
    let saved = save::save(
        request.exhibits,
        &exhibition.dir,
        &expected,
        &changes,
        WHO,
        jiff::Timestamp::now(),
    );
    match saved {
        Ok(()) => {}
        Err(SaveError::Rejected(found)) => {
            for p in found {
                let row = files
                    .iter()
                    .find(|(row, _)| p.path == exhibition.dir.join(story_path(&row.id)));
                problems.push(match row {
                    Some((row, _)) => at(row.line, p.message),
                    None => format!("{name}: {p}"),
                });
            }
            return Err(problems);
        }
        Err(SaveError::Stale) => {
            return Err(vec![format!(
                "{name}: a story file of this CSV was written by someone else meanwhile; nothing was written"
            )]);
        }
        Err(e) => return Err(vec![format!("{}: {e}", exhibition.dir.display())]),
    }
    let stories = files
        .iter()
        .map(|(row, _)| (row.id.clone(), exhibition.dir.join(story_path(&row.id))))
        .collect();
    Ok(Imported {
        stories,
        citations,
        notes,
    })
}

/// UTF-8 (with or without Excel's byte order mark), UTF-16 with a byte order mark, or GBK
/// (as GB18030, its superset), which Chinese Excel writes.
fn decode(bytes: &[u8]) -> Result<String, String> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    if let Ok(text) = std::str::from_utf8(bytes) {
        return Ok(text.to_string());
    }
    if let Some((encoding, _)) = encoding_rs::Encoding::for_bom(bytes) {
        let (text, _, bad) = encoding.decode(bytes);
        if !bad {
            return Ok(text.into_owned());
        }
    }
    let (text, _, bad) = encoding_rs::GB18030.decode(bytes);
    if bad {
        return Err("not UTF-8, UTF-16 or GBK text; save it as \"CSV UTF-8\"".into());
    }
    Ok(text.into_owned())
}

/// The rows, with the CSV line each starts on (the header is line 1).
fn read_rows(text: &str) -> Result<Vec<Row>, Vec<(u64, String)>> {
    let mut reader = csv::ReaderBuilder::new()
        .flexible(false)
        .from_reader(text.as_bytes());
    let headers: Vec<String> = reader
        .headers()
        .map_err(|e| vec![(1, e.to_string())])?
        .iter()
        .map(|h| h.trim().to_lowercase())
        .collect();
    let mut problems = Vec::new();
    for h in &headers {
        if !REQUIRED.contains(&h.as_str()) && !OPTIONAL.contains(&h.as_str()) {
            problems.push((
                1,
                format!(
                    "unknown column `{h}`; the columns are {} and, optionally, {}",
                    REQUIRED.join(", "),
                    OPTIONAL.join(", ")
                ),
            ));
        }
    }
    for column in REQUIRED {
        if !headers.iter().any(|h| h == column) {
            problems.push((1, format!("the column `{column}` is missing")));
        }
    }
    if !problems.is_empty() {
        return Err(problems);
    }
    let mut rows = Vec::new();
    for record in reader.records() {
        let record = match record {
            Ok(r) => r,
            Err(e) => {
                let line = e.position().map_or(0, |p| p.line());
                problems.push((line, e.to_string()));
                continue;
            }
        };
        let line = record.position().map_or(0, |p| p.line());
        let fields: HashMap<String, String> = headers
            .iter()
            .cloned()
            .zip(record.iter().map(String::from))
            .collect();
        let id = fields
            .get("code")
            .map(|c| c.trim().to_lowercase())
            .unwrap_or_default();
        rows.push(Row { line, id, fields });
    }
    if problems.is_empty() {
        Ok(rows)
    } else {
        Err(problems)
    }
}

/// The most bytes an imported cover file may have (the editor takes 5 MB uploads; files on
/// disk may be a photographer's originals).
const COVER_FILE_BYTES: u64 = 20 << 20;

/// The cover resized to fit the pages' box, as JPEG. Only a regular file of at most
/// `COVER_FILE_BYTES` is read (not a device such as `/dev/zero`, nor a FIFO).
fn cover(path: &Path) -> Result<Vec<u8>, String> {
    use std::io::Read;
    let file = std::fs::File::open(path).map_err(|e| e.to_string())?;
    let meta = file.metadata().map_err(|e| e.to_string())?;
    if !meta.is_file() {
        return Err("not a regular file".into());
    }
    if meta.len() > COVER_FILE_BYTES {
        return Err(format!(
            "{} MB; at most {} MB are read",
            meta.len() >> 20,
            COVER_FILE_BYTES >> 20
        ));
    }
    let mut bytes = Vec::new();
    file.take(COVER_FILE_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| e.to_string())?;
    resize_cover(&bytes).map_err(|e| e.to_string())
}

/// Asks Crossref for a DOI's citation (`GET {base}/works/{doi}`).
fn crossref(base: &str, doi: &str) -> Result<Citation, String> {
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .timeout_global(Some(Duration::from_secs(10)))
        .user_agent(concat!(
            "docent/",
            env!("CARGO_PKG_VERSION"),
            " (exhibition import)"
        ))
        .build()
        .into();
    let url = format!("{}/works/{doi}", base.trim_end_matches('/'));
    let body = agent
        .get(&url)
        .call()
        .map_err(|e| format!("Crossref did not answer for DOI {doi} ({e})"))?
        .body_mut()
        .read_to_string()
        .map_err(|e| format!("Crossref's answer for DOI {doi} could not be read ({e})"))?;
    let json: serde_json::Value = serde_json::from_str(&body)
        .map_err(|e| format!("Crossref's answer for DOI {doi} is not JSON ({e})"))?;
    citation_of(&json["message"])
        .ok_or_else(|| format!("Crossref has no title or journal for DOI {doi}"))
}

/// The citation in a Crossref `work` message.
fn citation_of(work: &serde_json::Value) -> Option<Citation> {
    let first = |key: &str| {
        work[key][0]
            .as_str()
            .map(str::trim)
            .filter(|s| !s.is_empty())
    };
    let text = |key: &str| work[key].as_str().map(str::trim).filter(|s| !s.is_empty());
    let authors: Vec<String> = work["author"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|a| {
            let family = a["family"].as_str()?;
            let initials: Vec<String> = a["given"]
                .as_str()
                .unwrap_or("")
                .split([' ', '.'])
                .filter_map(|part| part.chars().next())
                .map(|c| format!("{c}."))
                .collect();
            Some(if initials.is_empty() {
                family.to_string()
            } else {
                format!("{family}, {}", initials.join(" "))
            })
        })
        .collect();
    let authors = match authors.as_slice() {
        [] => String::new(),
        [one] => one.clone(),
        [one, two] => format!("{one} & {two}"),
        [one, ..] => format!("{one} et al."),
    };
    let date = ["published-print", "issued", "published-online"]
        .iter()
        .find_map(|key| {
            let parts = work[*key]["date-parts"][0].as_array()?;
            let n = |i: usize| parts.get(i).and_then(serde_json::Value::as_i64);
            Some(format!("{:04}-{:02}-{:02}", n(0)?, n(1)?, n(2)?))
        });
    Some(Citation {
        authors,
        title: first("title")?.to_string(),
        journal: first("container-title")?.to_string(),
        volume: text("volume").map(String::from),
        pages: text("page").map(|p| p.replace('-', "–")),
        issue_date: date,
    })
}

/// The story file for a row, commented like the demo's.
fn story_file(row: &Row, citation: Option<&Citation>, csv: &Path) -> String {
    let source = csv
        .file_name()
        .map_or_else(String::new, |n| n.to_string_lossy().into_owned());
    let get = |name: &str| row.get(name).to_string();
    story_text(
        &row.id,
        &get,
        citation,
        &format!(
            "imported from {source} (row {}) by `docent import`",
            row.line
        ),
    )
}

/// A story's file, relative to its exhibition folder.
fn story_path(id: &str) -> String {
    format!("stories/{id}.toml")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn excel_bom_utf16_and_gbk_read_as_the_same_text() {
        let text = "code,title_zh\nAB1,引力波\n";
        let mut bom = b"\xEF\xBB\xBF".to_vec();
        bom.extend_from_slice(text.as_bytes());
        assert_eq!(decode(&bom).unwrap(), text);
        let (gbk, _, _) = encoding_rs::GBK.encode(text);
        assert_eq!(decode(&gbk).unwrap(), text);
        let mut utf16 = vec![0xFF, 0xFE];
        for unit in text.encode_utf16() {
            utf16.extend_from_slice(&unit.to_le_bytes());
        }
        assert_eq!(decode(&utf16).unwrap(), text);
        assert!(decode(&[0xFF, 0xFF, 0x81]).is_err());
    }

    #[test]
    fn a_crossref_work_becomes_a_citation() {
        let work = serde_json::json!({
            "author": [{"given": "David", "family": "Silver"}, {"given": "Aja", "family": "Huang"}, {"given": "C. J.", "family": "Maddison"}],
            "title": ["Mastering the game of Go with deep neural networks and tree search"],
            "container-title": ["Nature"],
            "volume": "529",
            "page": "484-489",
            "published-print": {"date-parts": [[2016, 1, 28]]},
        });
        assert_eq!(
            citation_of(&work).unwrap(),
            Citation {
                authors: "Silver, D. et al.".into(),
                title: "Mastering the game of Go with deep neural networks and tree search".into(),
                journal: "Nature".into(),
                volume: Some("529".into()),
                pages: Some("484–489".into()),
                issue_date: Some("2016-01-28".into()),
            }
        );
        let two = serde_json::json!({
            "author": [{"given": "C. J.", "family": "Maddison"}, {"family": "Huang"}],
            "title": ["T"], "container-title": ["J"], "issued": {"date-parts": [[2016, 1]]},
        });
        let c = citation_of(&two).unwrap();
        assert_eq!(
            (c.authors.as_str(), c.issue_date),
            ("Maddison, C. J. & Huang", None)
        );
        assert!(citation_of(&serde_json::json!({"title": ["only a title"]})).is_none());
    }
}

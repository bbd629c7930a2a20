//! `docent import`: stories from a spreadsheet. One story file per CSV row (commented, like the
//! demo's), covers copied and resized, citations filled from Crossref when it answers; every
//! row checked by the same checks as `docent check`, on a scratch copy of the exhibit files,
//! before anything is written. A CSV with any problem writes nothing and lists every problem
//! as `file.csv:ROW: ...`.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::time::Duration;

use crate::catalog;

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
/// Covers are resized to fit this box (portrait 3:4, as the pages expect).
const COVER_BOX: (u32, u32) = (720, 960);

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

    // The same checks as `docent check`, on a scratch copy holding the new files.
    let scratch = tempfile::tempdir().map_err(|e| vec![format!("a scratch folder: {e}")])?;
    crate::catalog::edit::copy_dir(request.exhibits, scratch.path())
        .map_err(|e| vec![format!("a scratch copy: {e}")])?;
    let relative = exhibition
        .dir
        .strip_prefix(request.exhibits)
        .unwrap_or(Path::new(""));
    let scratch_ex = scratch.path().join(relative);
    for (row, text) in &files {
        let written = write_story(&scratch_ex, &row.id, text, &covers[&row.id]);
        if let Err(e) = written {
            return Err(vec![format!("a scratch copy: {e}")]);
        }
    }
    if let Err(found) = catalog::load(scratch.path()) {
        let scratch_text = scratch.path().display().to_string();
        let real_text = request.exhibits.display().to_string();
        for p in found {
            let row = files.iter().find(|(row, _)| {
                p.path == scratch_ex.join("stories").join(format!("{}.toml", row.id))
            });
            let message = p.message.replace(&scratch_text, &real_text);
            problems.push(match row {
                Some((row, _)) => at(row.line, message),
                None => format!(
                    "{name}: {}",
                    p.to_string().replace(&scratch_text, &real_text)
                ),
            });
        }
        return Err(problems);
    }

    let mut stories = Vec::new();
    for (row, text) in &files {
        let path = write_story(&exhibition.dir, &row.id, text, &covers[&row.id])
            .map_err(|e| vec![format!("{}: {e}", exhibition.dir.display())])?;
        stories.push((row.id.clone(), path));
    }
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

/// The cover resized to fit `COVER_BOX`, as JPEG.
fn cover(path: &Path) -> Result<Vec<u8>, String> {
    resize_cover(&std::fs::read(path).map_err(|e| e.to_string())?)
}

/// An uploaded or imported cover (PNG or JPEG), resized to fit 720x960, as JPEG.
pub fn resize_cover(bytes: &[u8]) -> Result<Vec<u8>, String> {
    let image =
        image::load_from_memory(bytes).map_err(|e| format!("not a PNG or JPEG image ({e})"))?;
    let image = if image.width() > COVER_BOX.0 || image.height() > COVER_BOX.1 {
        image.resize(
            COVER_BOX.0,
            COVER_BOX.1,
            image::imageops::FilterType::Lanczos3,
        )
    } else {
        image
    };
    let mut out = Vec::new();
    image
        .to_rgb8()
        .write_to(
            &mut std::io::Cursor::new(&mut out),
            image::ImageFormat::Jpeg,
        )
        .map_err(|e| e.to_string())?;
    Ok(out)
}

/// A citation from Crossref.
#[derive(Debug, Default, PartialEq)]
pub struct Citation {
    authors: String,
    title: String,
    journal: String,
    volume: Option<String>,
    pages: Option<String>,
    issue_date: Option<String>,
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

/// A TOML string value (quoted and escaped).
fn quoted(s: &str) -> String {
    toml::Value::String(s.to_string()).to_string()
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

/// A new story file, commented like the demo's, from field values by column name (`code`,
/// `title_zh`, ... as in the CSV); `origin` says where it came from.
pub fn story_text(
    id: &str,
    get: &dyn Fn(&str) -> String,
    citation: Option<&Citation>,
    origin: &str,
) -> String {
    struct Fields<'a>(&'a dyn Fn(&str) -> String);
    impl Fields<'_> {
        fn get(&self, name: &str) -> String {
            self.0(name).trim().to_string()
        }
    }
    let row = Fields(get);
    let mut out = format!(
        "# stories/{id}.toml: {origin}.\n\
         # Edit freely; stories/alphago.toml in the demo explains every field.\n\
         # To show it, name it in a phase of exhibition.toml.\n\n\
         # PERMANENT short code: never change it once the show has opened.\n\
         code = {code}\n\n\
         # Cover image, relative to the exhibition folder (copied and resized by the import).\n\
         cover = \"covers/{id}.jpg\"\n",
        code = quoted(&row.get("code").to_uppercase()),
    );
    let topics: Vec<String> = row
        .get("topics")
        .split([';', '；', '|'])
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .map(quoted)
        .collect();
    if !topics.is_empty() {
        out.push_str(&format!(
            "\n# OPTIONAL. Tags: those in Chinese show on the Chinese page, the others on the English page.\ntopics = [{}]\n",
            topics.join(", ")
        ));
    }
    let text = |zh: &str, en: &str| format!("zh = {}\nen = {}\n", quoted(zh), quoted(en));
    out.push_str(&format!(
        "\n[title]\n{}\n# The story: 2-4 sentences per language, plain text.\n[summary]\n{}",
        text(&row.get("title_zh"), &row.get("title_en")),
        text(&row.get("summary_zh"), &row.get("summary_en")),
    ));
    // An alt text is needed; without one in the CSV the title stands in, marked for staff.
    let alt_zh = match row.get("cover_alt_zh") {
        alt if alt.is_empty() => format!("封面图：{}", row.get("title_zh")),
        alt => alt,
    };
    let alt_en = match row.get("cover_alt_en") {
        alt if alt.is_empty() => format!("Cover image: {}", row.get("title_en")),
        alt => alt,
    };
    let placeholder = if row.get("cover_alt_zh").is_empty() || row.get("cover_alt_en").is_empty() {
        "# The CSV gave no description of the cover: describe what the picture shows.\n"
    } else {
        ""
    };
    out.push_str(&format!(
        "\n# Text alternative for the cover, read aloud by screen readers.\n{placeholder}[cover_alt]\n{}",
        text(&alt_zh, &alt_en)
    ));
    out.push_str(&format!(
        "\n# Where the \"Read the paper\" link goes.\n[article]\ndoi = {}\n",
        quoted(&row.get("doi"))
    ));
    if !row.get("url").is_empty() {
        out.push_str(&format!("url = {}\n", quoted(&row.get("url"))));
    }
    if let Some(c) = citation {
        out.push_str(&format!(
            "\n# From Crossref for the DOI above: compare it with the paper.\n[citation]\nauthors = {}\ntitle = {}\njournal = {}\n",
            quoted(&c.authors),
            quoted(&c.title),
            quoted(&c.journal)
        ));
        if let Some(v) = &c.volume {
            out.push_str(&format!("volume = {}\n", quoted(v)));
        }
        if let Some(p) = &c.pages {
            out.push_str(&format!("pages = {}\n", quoted(p)));
        }
        if let Some(d) = &c.issue_date {
            out.push_str(&format!("issue_date = {d}\n"));
        }
    }
    out
}

/// Writes a story file and its cover into an exhibition folder; returns the file.
fn write_story(dir: &Path, id: &str, text: &str, cover: &[u8]) -> std::io::Result<PathBuf> {
    std::fs::create_dir_all(dir.join("covers"))?;
    std::fs::create_dir_all(dir.join("stories"))?;
    std::fs::write(dir.join("covers").join(format!("{id}.jpg")), cover)?;
    let path = dir.join("stories").join(format!("{id}.toml"));
    std::fs::write(&path, text)?;
    Ok(path)
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

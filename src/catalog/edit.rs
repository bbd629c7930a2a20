//! Changing exhibit files from the dashboard, so staff without a shell can edit a show. The
//! files stay the source of truth and stay clean to edit by hand: an edit rewrites only the
//! values that changed (`toml_edit`), so comments, order and layout stay byte for byte.
//!
//! This module makes the new text; `catalog::save` is the one way it reaches the disk (checked,
//! locked, atomic, kept in history).

use toml_edit::{DocumentMut, Item, Value};

/// A story's fields as the editor shows them: (form name, place in the file).
pub const STORY_FIELDS: [(&str, &[&str]); 16] = [
    ("title_zh", &["title", "zh"]),
    ("title_en", &["title", "en"]),
    ("summary_zh", &["summary", "zh"]),
    ("summary_en", &["summary", "en"]),
    ("topics", &["topics"]),
    ("cover_alt_zh", &["cover_alt", "zh"]),
    ("cover_alt_en", &["cover_alt", "en"]),
    ("doi", &["article", "doi"]),
    ("url", &["article", "url"]),
    ("oa_url", &["article", "oa_url"]),
    ("citation_authors", &["citation", "authors"]),
    ("citation_title", &["citation", "title"]),
    ("citation_journal", &["citation", "journal"]),
    ("citation_volume", &["citation", "volume"]),
    ("citation_pages", &["citation", "pages"]),
    // Not a text field: set when a new cover is uploaded.
    ("cover", &["cover"]),
];
/// Also editable: the issue date, a TOML date rather than text.
pub const ISSUE_DATE: (&str, &[&str]) = ("citation_issue_date", &["citation", "issue_date"]);

/// A value or a file that cannot be edited as asked; the message is for the person editing.
#[derive(Debug, thiserror::Error)]
pub enum EditError {
    #[error("{0}")]
    Invalid(String),
    /// A new phase's start that is no local date and time.
    #[error("start `{0}`: write it as YYYY-MM-DDTHH:MM, local time")]
    BadStart(String),
}

/// A short fingerprint of a file's text: what the editor saw, checked again at save.
pub fn version(text: &str) -> String {
    version_of(text.as_bytes())
}

/// `version` of any file, text or not.
pub fn version_of(bytes: &[u8]) -> String {
    blake3::hash(bytes).to_hex()[..16].to_string()
}

/// The values of a story file, by form name (`""` when absent).
pub fn story_values(text: &str) -> Result<Vec<(&'static str, String)>, EditError> {
    let doc: DocumentMut = text
        .parse()
        .map_err(|e| EditError::Invalid(format!("the file is not valid TOML: {e}")))?;
    let mut out = Vec::new();
    for (name, path) in STORY_FIELDS.iter().chain([&ISSUE_DATE]) {
        let value = lookup(doc.as_item(), path).and_then(Item::as_value);
        let shown = match value {
            Some(Value::Array(items)) => items
                .iter()
                .filter_map(Value::as_str)
                .collect::<Vec<_>>()
                .join("; "),
            Some(Value::String(s)) => s.value().clone(),
            Some(other) => other.to_string().trim().to_string(),
            None => String::new(),
        };
        out.push((*name, shown));
    }
    Ok(out)
}

fn lookup<'a>(item: &'a Item, path: &[&str]) -> Option<&'a Item> {
    path.iter().try_fold(item, |item, key| item.get(key))
}

/// The story file with the form's values put in: only changed values are rewritten (keeping
/// their comments and, for a long text, the triple-quoted style); an empty value removes an
/// optional key (a required one is then reported by the check).
pub fn edit_story(
    text: &str,
    values: &dyn Fn(&str) -> Option<String>,
) -> Result<String, EditError> {
    let mut doc: DocumentMut = text
        .parse()
        .map_err(|e| EditError::Invalid(format!("the file is not valid TOML: {e}")))?;
    for (name, path) in STORY_FIELDS {
        let Some(new) = values(name) else { continue };
        let new = new.trim().replace("\r\n", "\n");
        let value = if new.is_empty() {
            None
        } else if name == "topics" {
            let topics: toml_edit::Array = new
                .split([';', '；'])
                .map(str::trim)
                .filter(|t| !t.is_empty())
                .collect();
            Some(Value::Array(topics))
        } else {
            Some(Value::from(new))
        };
        set(&mut doc, path, value);
    }
    if let Some(date) = values(ISSUE_DATE.0) {
        let date = date.trim();
        let value = if date.is_empty() {
            None
        } else {
            let parsed: toml_edit::Datetime = date.parse().map_err(|_| {
                EditError::Invalid(format!(
                    "citation issue date `{date}`: write it as YYYY-MM-DD"
                ))
            })?;
            Some(Value::from(parsed))
        };
        set(&mut doc, ISSUE_DATE.1, value);
    }
    // A citation with nothing left in it goes away whole.
    if doc
        .get("citation")
        .and_then(Item::as_table)
        .is_some_and(|t| t.is_empty())
    {
        doc.remove("citation");
    }
    Ok(doc.to_string())
}

/// Puts `value` at `path` (or removes it), leaving the file as it was when it is unchanged.
fn set(doc: &mut DocumentMut, path: &[&str], value: Option<Value>) {
    let (last, tables) = path.split_last().expect("a path has a key");
    let mut table = doc.as_table_mut();
    for key in tables {
        if value.is_none() && !table.contains_key(key) {
            return;
        }
        let item = table.entry(key).or_insert(toml_edit::table());
        let Some(t) = item.as_table_mut() else { return };
        table = t;
    }
    let old = table.get(last).and_then(Item::as_value).cloned();
    match (old, value) {
        (Some(old), Some(new)) if same(&old, &new) => {}
        (Some(old), Some(new)) => {
            let mut new = styled_like(&old, new);
            *new.decor_mut() = old.decor().clone();
            // The value replaced in place: `insert` would also replace the key, and with it
            // the comments and blank lines written above it.
            if let Some(item) = table.get_mut(last) {
                *item = Item::Value(new);
            }
        }
        (None, Some(new)) => {
            table.insert(last, Item::Value(new));
        }
        (Some(_), None) => {
            table.remove(last);
        }
        (None, None) => {}
    }
}

fn same(old: &Value, new: &Value) -> bool {
    match (old, new) {
        (Value::String(a), Value::String(b)) => a.value() == b.value(),
        (Value::Array(a), Value::Array(b)) => {
            a.iter().map(Value::as_str).eq(b.iter().map(Value::as_str))
        }
        (a, b) => a.to_string().trim() == b.to_string().trim(),
    }
}

/// A long text written `"""..."""` in the file stays that way when it can.
fn styled_like(old: &Value, new: Value) -> Value {
    let triple = old.as_str().and_then(|_| {
        old.to_string()
            .trim_start()
            .starts_with("\"\"\"")
            .then_some(())
    });
    match (triple, new.as_str()) {
        (Some(()), Some(text))
            if !text.contains("\"\"\"") && !text.contains('\\') && !text.ends_with('"') =>
        {
            format!("\"\"\"{text}\"\"\"").parse().unwrap_or(new)
        }
        _ => new,
    }
}

/// A new phase to schedule: what each station shows from `starts` (local time, as written in
/// `exhibition.toml`).
pub struct NewPhase<'a> {
    pub id: &'a str,
    pub name_zh: &'a str,
    pub name_en: &'a str,
    /// `YYYY-MM-DDTHH:MM` (a browser's datetime-local), local to the exhibition.
    pub starts: &'a str,
    /// (station id, story id)
    pub show: Vec<(String, String)>,
}

/// `exhibition.toml` with a `[[phases]]` block added at the end, written like the demo's;
/// everything already in the file stays byte for byte.
pub fn add_phase(text: &str, phase: &NewPhase<'_>) -> Result<String, EditError> {
    let mut doc: DocumentMut = text
        .parse()
        .map_err(|e| EditError::Invalid(format!("exhibition.toml is not valid TOML: {e}")))?;
    let starts = phase.starts.trim();
    let starts: toml_edit::Datetime = match starts.len() {
        16 => format!("{starts}:00"),
        _ => starts.to_string(),
    }
    .parse()
    .map_err(|_| EditError::BadStart(starts.to_string()))?;
    let mut table = toml_edit::Table::new();
    table.insert("id", toml_edit::value(phase.id.trim()));
    let mut name = toml_edit::Table::new();
    name.set_dotted(true);
    name.insert("zh", toml_edit::value(phase.name_zh.trim()));
    name.insert("en", toml_edit::value(phase.name_en.trim()));
    table.insert("name", Item::Table(name));
    table.insert("starts", toml_edit::value(starts));
    let mut show = toml_edit::Table::new();
    for (station, story) in &phase.show {
        show.insert(station, toml_edit::value(story.as_str()));
    }
    table.insert("show", Item::Table(show));
    table
        .decor_mut()
        .set_prefix("\n# Scheduled from the dashboard.\n");
    match doc.get_mut("phases") {
        Some(Item::ArrayOfTables(phases)) => phases.push(table),
        Some(_) => {
            return Err(EditError::Invalid(
                "exhibition.toml's `phases` is not a list of [[phases]] blocks".into(),
            ));
        }
        None => {
            let mut phases = toml_edit::ArrayOfTables::new();
            phases.push(table);
            doc.insert("phases", Item::ArrayOfTables(phases));
        }
    }
    Ok(doc.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    const STORY: &str = r#"# A comment at the top.
code = "GO16"  # never change
cover = "covers/alphago.png"
topics = ["人工智能", "AI"]

# The title.
[title]
zh = "旧标题"
en = "Old title"   # trailing comment

[summary]
zh = """长文本。"""
en = """Long text."""

[article]
doi = "10.1038/nature16961"
"#;

    fn form(pairs: &'static [(&'static str, &'static str)]) -> impl Fn(&str) -> Option<String> {
        move |name| {
            pairs
                .iter()
                .find(|(n, _)| *n == name)
                .map(|(_, v)| v.to_string())
        }
    }

    #[test]
    fn only_the_changed_value_is_rewritten_and_comments_stay() {
        let edited = edit_story(
            STORY,
            &form(&[
                ("title_en", "New title"),
                ("title_zh", "旧标题"),
                ("summary_en", "A new long text."),
                ("topics", "人工智能; AI"),
                ("url", ""),
            ]),
        )
        .unwrap();
        let expected = STORY
            .replace("en = \"Old title\"", "en = \"New title\"")
            .replace("\"\"\"Long text.\"\"\"", "\"\"\"A new long text.\"\"\"");
        assert_eq!(edited, expected);
    }

    #[test]
    fn a_new_cover_keeps_the_comment_block_and_blank_line_above_it() {
        let text = "code = \"GO16\"\n\n# Cover image, relative to the exhibition folder.\n# PNG or JPEG.\ncover = \"covers/alphago.png\"  # art\n\n[title]\nen = \"T\"\n";
        let edited = edit_story(text, &form(&[("cover", "covers/alphago.jpg")])).unwrap();
        assert_eq!(edited, text.replace("alphago.png", "alphago.jpg"));
    }

    #[test]
    fn empty_optional_values_go_away_and_new_ones_arrive() {
        let edited = edit_story(
            STORY,
            &form(&[
                ("topics", ""),
                ("oa_url", "https://arxiv.org/abs/1"),
                ("citation_journal", "Nature"),
                ("citation_issue_date", "2016-01-28"),
            ]),
        )
        .unwrap();
        let doc: toml::Value = toml::from_str(&edited).unwrap();
        assert!(doc.get("topics").is_none());
        assert_eq!(
            doc["article"]["oa_url"].as_str(),
            Some("https://arxiv.org/abs/1")
        );
        assert_eq!(doc["citation"]["issue_date"].to_string(), "2016-01-28");
        assert!(edited.starts_with("# A comment at the top.\ncode = \"GO16\"  # never change\n"));
        let values = story_values(&edited).unwrap();
        assert!(values.contains(&("citation_journal", "Nature".to_string())));
        assert!(edit_story(STORY, &form(&[("citation_issue_date", "28/01/2016")])).is_err());
    }

    #[test]
    fn a_new_phase_is_added_at_the_end_and_the_rest_stays() {
        let text = "# top\nid = \"show\"  # keep\n\n[[phases]]\nid = \"p1\"\nname.zh = \"一\"\nname.en = \"One\"\nstarts = 2026-11-02T08:00:00\n\n[phases.show]\nA1 = \"x\"\n";
        let added = add_phase(
            text,
            &NewPhase {
                id: "p2",
                name_zh: "第二期",
                name_en: "Two",
                starts: "2026-12-07T08:30",
                show: vec![("A1".into(), "y".into())],
            },
        )
        .unwrap();
        assert!(added.starts_with(text), "{added}");
        let doc: toml::Value = toml::from_str(&added).unwrap();
        let p2 = &doc["phases"][1];
        assert_eq!(p2["name"]["en"].as_str(), Some("Two"));
        assert_eq!(p2["starts"].to_string(), "2026-12-07T08:30:00");
        assert_eq!(p2["show"]["A1"].as_str(), Some("y"));
        assert!(
            added.contains("name.zh = \"第二期\""),
            "written like the demo: {added}"
        );
        let bad = NewPhase {
            starts: "7 Dec",
            ..NewPhase {
                id: "p3",
                name_zh: "",
                name_en: "",
                starts: "",
                show: Vec::new(),
            }
        };
        assert!(add_phase(text, &bad).is_err());
    }
}

//! A new story file's text, commented like the demo's: what `docent import` writes for a CSV
//! row and the editor's new-story form writes, so both make the same file (then saved
//! through `edit::save`, like every change).

/// A citation for a story file (from Crossref, for `docent import`).
#[derive(Debug, Default, PartialEq)]
pub struct Citation {
    pub authors: String,
    pub title: String,
    pub journal: String,
    pub volume: Option<String>,
    pub pages: Option<String>,
    /// `YYYY-MM-DD`.
    pub issue_date: Option<String>,
}

use crate::lang::Lang;

/// A cover's description when none is given: the title, marked for staff to replace
/// (`cover-alt-default` in `locales/*/admin.ftl`).
fn cover_alt(lang: Lang, title: &str) -> String {
    crate::i18n::tr_args(lang, "cover-alt-default", &[("title", title.into())])
}

/// A TOML string value (quoted and escaped).
fn quoted(s: &str) -> String {
    toml::Value::String(s.to_string()).to_string()
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
        alt if alt.is_empty() => cover_alt(Lang::ZH, &row.get("title_zh")),
        alt => alt,
    };
    let alt_en = match row.get("cover_alt_en") {
        alt if alt.is_empty() => cover_alt(Lang::EN, &row.get("title_en")),
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_new_story_file_is_valid_toml_with_what_was_given_and_a_marked_alt_text() {
        let fields = |name: &str| match name {
            "code" => "gw16".to_string(),
            "title_zh" => "引力波".to_string(),
            "title_en" => "Waves \"seen\" at last".to_string(),
            "topics" => "物理学; Physics".to_string(),
            "doi" => "10.1103/PhysRevLett.116.061102".to_string(),
            _ => String::new(),
        };
        let citation = Citation {
            journal: "Physical Review Letters".into(),
            issue_date: Some("2016-02-12".into()),
            ..Citation::default()
        };
        let text = story_text("gw16", &fields, Some(&citation), "made in a test");
        let doc: toml::Value = toml::from_str(&text).unwrap();
        assert_eq!(doc["code"].as_str(), Some("GW16"));
        assert_eq!(doc["cover"].as_str(), Some("covers/gw16.jpg"));
        assert_eq!(doc["title"]["en"].as_str(), Some("Waves \"seen\" at last"));
        assert_eq!(doc["topics"].as_array().unwrap().len(), 2);
        assert_eq!(
            doc["cover_alt"]["en"].as_str(),
            Some("Cover image: Waves \"seen\" at last")
        );
        assert_eq!(doc["citation"]["issue_date"].to_string(), "2016-02-12");
        assert!(text.starts_with("# stories/gw16.toml: made in a test.\n"));
        assert!(text.contains("describe what the picture shows"));
    }
}

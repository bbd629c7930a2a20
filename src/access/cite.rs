//! A story's citation to take home: RIS (EndNote, Zotero, Mendeley, NoteExpress) and BibTeX,
//! made from the story file's `[citation]` and `[article]`.

use crate::catalog::Story;

/// The authors as a list, and whether the list is cut short (`et al.`). Story files write
/// them as people read them: "Silver, D. et al." or "Gillon, M.; Triaud, A. H. M. J.".
fn authors(raw: &str) -> (Vec<String>, bool) {
    let trimmed = raw.trim();
    let (list, more) = match trimmed.strip_suffix("et al.") {
        Some(rest) => (rest.trim().trim_end_matches(','), true),
        None => (trimmed, false),
    };
    let names = list
        .split(';')
        .flat_map(|part| part.split(" and "))
        .map(str::trim)
        .filter(|n| !n.is_empty())
        .map(str::to_string)
        .collect();
    (names, more)
}

/// The first author's surname, for an OpenURL's `aulast`.
pub fn first_surname(raw: &str) -> Option<&str> {
    let first = raw.split([',', ';']).next()?.trim();
    let first = first.strip_suffix("et al.").unwrap_or(first).trim();
    (!first.is_empty()).then_some(first)
}

fn title(story: &Story) -> String {
    story
        .citation
        .as_ref()
        .and_then(|c| c.title.clone())
        .unwrap_or_else(|| story.title.get(crate::catalog::Lang::EN).to_string())
}

/// One line of RIS: no line breaks inside a value.
fn ris_line(out: &mut String, tag: &str, value: &str) {
    let value = value.replace(['\r', '\n'], " ");
    out.push_str(&format!("{tag}  - {}\r\n", value.trim()));
}

/// The RIS record (lines end in CR LF, as the format's specification has them).
pub fn ris(story: &Story, article_url: &str) -> String {
    let mut out = String::new();
    ris_line(&mut out, "TY", "JOUR");
    ris_line(&mut out, "TI", &title(story));
    if let Some(c) = &story.citation {
        if let Some(raw) = &c.authors {
            for name in authors(raw).0 {
                ris_line(&mut out, "AU", &name);
            }
        }
        ris_line(&mut out, "JO", &c.journal);
        if let Some(v) = &c.volume {
            ris_line(&mut out, "VL", v);
        }
        if let Some(p) = &c.pages {
            let mut pages = p.split(['-', '–']);
            if let Some(sp) = pages.next() {
                ris_line(&mut out, "SP", sp);
            }
            if let Some(ep) = pages.next() {
                ris_line(&mut out, "EP", ep);
            }
        }
        if let Some(d) = c.issue_date {
            ris_line(&mut out, "PY", &d.year().to_string());
            ris_line(&mut out, "DA", &d.strftime("%Y/%m/%d").to_string());
        }
    }
    if let Some(doi) = &story.doi {
        ris_line(&mut out, "DO", doi);
    }
    ris_line(&mut out, "UR", article_url);
    out.push_str("ER  - \r\n");
    out
}

/// A BibTeX value in braces, with the characters BibTeX treats specially escaped.
fn bib_value(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for c in value.chars() {
        match c {
            '{' | '}' | '\\' => {}
            '&' | '%' | '$' | '#' | '_' => {
                out.push('\\');
                out.push(c);
            }
            '–' => out.push_str("--"),
            '\r' | '\n' => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

/// The BibTeX entry, keyed by first author's surname, year and story id
/// (`silver2016alphago`).
pub fn bibtex(story: &Story, article_url: &str) -> String {
    let c = story.citation.as_ref();
    let year = c.and_then(|c| c.issue_date).map(|d| d.year());
    let surname: String = c
        .and_then(|c| c.authors.as_deref())
        .and_then(first_surname)
        .unwrap_or("")
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .collect::<String>()
        .to_ascii_lowercase();
    let id: String = story
        .id
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .collect();
    let key = format!(
        "{surname}{}{id}",
        year.map(|y| y.to_string()).unwrap_or_default()
    );
    let mut fields: Vec<(&str, String)> =
        vec![("title", format!("{{{}}}", bib_value(&title(story))))];
    if let Some(c) = c {
        if let Some(raw) = &c.authors {
            let (mut names, more) = authors(raw);
            if more {
                names.push("others".into());
            }
            if !names.is_empty() {
                let names: Vec<String> = names.iter().map(|n| bib_value(n)).collect();
                fields.push(("author", names.join(" and ")));
            }
        }
        fields.push(("journal", bib_value(&c.journal)));
        if let Some(v) = &c.volume {
            fields.push(("volume", bib_value(v)));
        }
        if let Some(p) = &c.pages {
            fields.push(("pages", bib_value(p)));
        }
        if let Some(d) = c.issue_date {
            fields.push(("year", d.year().to_string()));
            fields.push(("month", d.strftime("%b").to_string().to_lowercase()));
        }
    }
    if let Some(doi) = &story.doi {
        fields.push(("doi", bib_value(doi)));
    }
    fields.push(("url", bib_value(article_url)));
    let mut out = format!("@article{{{key},\n");
    for (name, value) in fields {
        // `month` takes BibTeX's own macros (jan, feb, ...), which are written bare.
        if name == "month" {
            out.push_str(&format!("  {name} = {value},\n"));
        } else {
            out.push_str(&format!("  {name} = {{{value}}},\n"));
        }
    }
    out.push_str("}\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn authors_are_read_as_people_write_them() {
        assert_eq!(
            authors("Silver, D. et al."),
            (vec!["Silver, D.".to_string()], true)
        );
        assert_eq!(
            authors("Gillon, M.; Triaud, A. H. M. J."),
            (
                vec!["Gillon, M.".into(), "Triaud, A. H. M. J.".into()],
                false
            )
        );
        assert_eq!(
            first_surname("Anglada-Escudé, G. et al."),
            Some("Anglada-Escudé")
        );
        assert_eq!(first_surname(""), None);
    }

    #[test]
    fn bibtex_values_cannot_break_out_of_their_braces() {
        assert_eq!(bib_value("a}b{c\\d & 50% – x_y"), "abcd \\& 50\\% -- x\\_y");
    }
}

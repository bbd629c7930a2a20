//! `stories/*.toml`: each story's code, texts, article, cover image and citation.

use std::path::{Path, PathBuf};

use toml::Spanned;

use super::STORIES_DIR;
use super::exhibition::Loaded;
use super::fields::{check_code, check_date, check_url, is_slug};
use super::languages::{Langs, check_hidden, check_hidden_in, check_machine, check_text, text};
use super::problems::{Findings, io_words};
use super::raw::{RawArticle, RawCitation, RawStory, RawText};
use super::source::Source;
use super::values;
use crate::catalog::{Citation, Cover, Story, Text};

pub(super) fn load_stories(
    folder: &Path,
    exhibition: &str,
    langs: Langs,
    report: &mut Findings,
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
            report.file(
                &dir,
                format!("cannot read the stories folder: {}", io_words(&e)),
            );
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
    report: &mut Findings,
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
    if let Some(alt) = &raw.cover_alt {
        check_hidden(&src, "cover_alt", alt.get_ref(), report);
    }
    for topic in &raw.topics {
        let _ = check_hidden_in(&src, topic.span(), "topics", topic.get_ref(), report);
    }
    let cover = check_cover(
        &src,
        folder,
        &raw.cover,
        raw.cover_alt.as_ref().map(Spanned::get_ref),
        &title,
        langs,
        report,
    );
    let citation = raw.citation.map(|c| check_citation(&src, c, report));
    let machine = check_machine(&src, raw.machine_translated.as_ref(), langs, report);
    let audio = super::audio::check_audio(&src, folder, raw.audio.as_ref(), langs, report);
    let transcript = match &raw.transcript {
        Some(t) => check_text(&src, t, "transcript", langs, report),
        None => Text::default(),
    };
    if report.problems.len() != before {
        return None;
    }
    Some(Story {
        id,
        code: code?,
        cover: cover?,
        title,
        summary,
        topics: raw.topics.into_iter().map(Spanned::into_inner).collect(),
        article_url: article_url?,
        oa_url,
        doi,
        citation,
        machine,
        audio,
        transcript,
    })
}

fn check_article(src: &Source, raw: &Spanned<RawArticle>, report: &mut Findings) -> Option<String> {
    let article = raw.get_ref();
    if let Some(doi) = &article.doi
        && let Err(e) = values::doi(doi.get_ref())
    {
        report.at(src, doi.span(), format!("article.doi: {e}"));
        // The url is still checked: every problem of the file comes in one run.
        if let Some(url) = &article.url {
            check_url(src, url, "article.url", report);
        }
        return None;
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
    langs: Langs,
    report: &mut Findings,
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
                format!("cover: `{relative}`: {} ({})", io_words(&e), path.display()),
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
    let alt = alt.map(|alt| text(alt, langs)).unwrap_or_else(|| {
        Text::new(title.iter().map(|(lang, t)| {
            let words = crate::i18n::tr_args(lang, "cover-art", &[("title", t.to_string().into())]);
            (lang, words)
        }))
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

fn check_citation(src: &Source, raw: Spanned<RawCitation>, report: &mut Findings) -> Citation {
    let span = raw.span();
    let raw = raw.into_inner();
    let texts = [
        ("citation.authors", raw.authors.as_deref()),
        ("citation.title", raw.title.as_deref()),
        ("citation.journal", Some(raw.journal.as_str())),
        ("citation.volume", raw.volume.as_deref()),
        ("citation.pages", raw.pages.as_deref()),
    ];
    for (field, value) in texts {
        if let Some(value) = value {
            let _ = check_hidden_in(src, span.clone(), field, value, report);
        }
    }
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

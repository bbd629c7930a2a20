# The story and phase editors' messages about a save, and the history's summaries. Where the
# check (`docent check`) already says a problem in English, English passes its words on as
# $message; the other languages say it their own way from the arguments.

editor-title-required = the { $lang ->
    [zh] Chinese
    [en] English
    [ja] Japanese
   *[other] { $tag }
} title is required: write it
editor-summary-required = the { $lang ->
    [zh] Chinese
    [en] English
    [ja] Japanese
   *[other] { $tag }
} summary is required: write it
# $code is the character's code point (U+202E); $reorders is yes for one that reorders the
# text after it.
editor-hidden-char = { $message }
editor-not-doi = { $message }
# $what: space, newline, tab or other.
editor-url-char = { $message }
editor-not-url = { $message }
editor-not-date = { $message }
editor-cover-not-image = cover: { $message }
editor-cover-too-large = cover: { $message }
editor-cover-too-many-bytes = cover: { $message }
editor-cover-truncated = cover: { $message }
editor-cover-encode = cover: { $message }
editor-required = this is required: write it
editor-one-language = write it in at least one language
editor-url-or-doi = give the article's URL or its DOI (or both)
editor-citation-journal = the citation needs its journal when any citation field is filled
editor-check-found = { $message }
editor-busy = { $message }
editor-stale = { $message }
editor-cannot-edit = { $message }
editor-cannot-create = { $message }
editor-bad-id = story id `{ $id }`: use lowercase letters, digits and - (and not `new`)
editor-cover-needed = a new story needs a cover image (PNG or JPEG)
editor-id-taken = a story `{ $id }` exists already: choose another id
editor-read-only = docent may not write the exhibit files (the folder { $path } is read-only to it), so nothing was saved. Ask whoever runs the server to give docent write access to that folder (deploy/README.md, "Write access for the editor"), then save again.
editor-disk-full = the disk holding the exhibit files is full, so nothing was saved and no file was changed. Ask whoever runs the server to free some space, then save again.
phase-bad-start = start `{ $given }`: write it as YYYY-MM-DDTHH:MM, local time
phase-file-invalid = exhibition.toml itself has a problem, so no phase can be added from the browser; ask an administrator to run docent check ({ $message })
# The dashboard's history: what a save changed.
history-new-file = a new file
history-cover = the cover image
history-layout-only = comments or layout only
history-separator = {", "}
short-title_zh = Title (Chinese)
short-title_en = Title (English)
short-summary_zh = Summary (Chinese)
short-summary_en = Summary (English)
short-topics = Topics
short-cover_alt_zh = Cover description (Chinese)
short-cover_alt_en = Cover description (English)
short-doi = DOI
short-url = Article URL
short-oa_url = Free, legal copy of the paper
short-citation_authors = Citation: authors
short-citation_title = Citation: the paper's title
short-citation_journal = Citation: journal
short-citation_volume = Citation: volume
short-citation_pages = Citation: pages
short-citation_issue_date = Citation: issue date
short-cover = Cover

# Visitor pages, posters and labels: the words around an exhibition's own texts.
# Every key here must exist in every language (a test checks it); English is the reference.

# This language's own name, for the language links.
language-name = English
html-lang = en
read-full = Read the full paper
# The default of an exhibition's `access_note`, written for a library.
access-note = The full text needs the library's subscription: use the campus network, or sign in through the library's remote access.
# The default of an exhibition's `call_to_action` on posters and labels.
call-to-action = Scan to read the full paper
# For a story with a free copy: the lead in bold, `colon`, then the note.
free-lead = Free to read
free-note = the full paper is open to everyone, with no subscription or sign-in.
free-note-authors = a legal copy the authors made public, open to everyone with no sign-in; its layout may differ from the journal's.
colon = {": "}
read-free = Read the paper free
read-library = Journal version, via the library
read-publisher = Journal version, at the publisher
campus-note = You are on the campus network: the library's subscription opens the full text.
proxy-note = You are off the campus network: sign in with your library account to read through the library's subscription.
off-campus-note = You are off the campus network: the publisher may ask for a subscription; on the campus network it opens directly.
ask-library = No access? Ask the library
take-citation = {"Take the citation: "}
free-call-to-action = Scan to read the full paper, free
in-app-hint = If the paper does not open here, tap ··· at the top right and choose “Open in browser”.
on-show = Also on show
whole-show = See the whole exhibition
privacy = No cookies. Scan statistics keep only an anonymous id that changes every day; no IP address or browser string is stored.
station = Station
now-showing = Now showing
# Around the phase name after `now-showing`.
phase-open = {" — "}
phase-close = {""}
not-found-title = We do not know this code
not-found-text = This QR code does not lead to an exhibit; it may be misprinted or cut short. These exhibitions are on:
exhibitions = Exhibitions
topics = Topics
cite = Cite
manual-note = {" (switched by staff)"}
# Beside a text that a machine translated (`machine_translated` in the exhibit file).
machine-translated = Machine translation
languages = Languages
larger-text = A+ Larger text
normal-text = A− Normal text
listen = Listen
transcript = Transcript
# A cover's description when the story gives none.
cover-art = Cover art: { $title }
# Dates: the day, the month by name ($monthName, from month-name), the year.
date = { $day } { $monthName } { $year }
month-name = { $month ->
    [1] January
    [2] February
    [3] March
    [4] April
    [5] May
    [6] June
    [7] July
    [8] August
    [9] September
    [10] October
    [11] November
   *[12] December
}
date-range = { $from } to { $to }
upcoming = The exhibition opens on { $date }. Here is a preview.
closed = The exhibition closed on { $date }. Thank you for visiting; here is the story shown here.
zone-shanghai = China Standard Time ({ $offset })
zone-other = { $zone } ({ $offset })
# The default reactions under a story (an exhibition's `[reactions]` replaces them).
reaction-interesting = Interesting
reaction-more = More like this, please
react-heading = What did you think?
thanks-reaction = Thank you! Your reaction is in (each counts once a day).
thanks-poll = Thank you for answering! (Counted once a day.)
# What the page sends back, and that none of it identifies a person.
signals-note = No script and no cookie: two invisible images on this page and the buttons here tell us only whether a browser really showed the page, whether it reached the end of the story, and what you tapped, counted once a day by an anonymous id that cannot identify you.
poll-closed = This poll is not open now.
poll-unknown-option = This poll has no such option.
unknown-reaction = There is no such reaction.
back = Back
how-we-count = How we count
server-error = Something went wrong on our side.

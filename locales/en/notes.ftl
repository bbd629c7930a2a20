# The organizer pages' longer sentences and notes, some holding markup (<b>, <code>): their
# arguments are escaped before they go in.

dash-period = { $from ->
    [all] All time.
   *[other] { $from } to { $to } (days in the exhibition's time zone).
} Visitors are <b>daily</b> unique visitors: the anonymous visitor id changes every day, so a person who comes back on another day counts again. Bots, link previews and prefetches are left out of every figure.
dash-state-scheduled = The show is <b>{ $state }</b>. Live phase: <b>{ $live }</b> (by schedule).
dash-state-manual = The show is <b>{ $state }</b>. Live phase: <b>{ $live }</b> (set by a manual switch; the schedule takes over at the next phase start).
dash-visitors-note = Scans: views through the printed code. Browses: views from another story or the exhibition page. Daily visitors: the people who viewed the story on a day, by scanning or by browsing, so they can outnumber its scans.
dash-routes-note = Campus network and library proxy: the subscription at work. Free copy: visitors off campus who read a legal open-access copy (named in the story file, or found by Unpaywall). Publisher, off campus: visitors sent to the publisher without the library's route, who may have met a paywall. Opens recorded before routes were told apart count as publisher.
dash-edit-note = Edit a story (every field, a new cover); a save is checked like <code>docent check</code> and goes live at once, and the file keeps its comments.
dash-share-note = A link opens this dashboard's figures, the lobby screen and the report without the password, until it expires or is revoked. It cannot change anything. Give it to a director or a curator; <code>docent share { $id } --days N</code> makes one from the command line.
confirm-switch-title = Switch { $title } to { $to }?
confirm-switch-text = Every station code will show the stories of <b>{ $to }</b> from now on, instead of <b>{ $from }</b>, until the next scheduled phase starts. The switch is recorded with your name and the time.
confirm-switch-button = Yes, switch to { $to } now
return-title = Return { $title } to its schedule?
return-text = Every station code will show the stories of the scheduled phase <b>{ $to }</b> from now on, instead of <b>{ $from }</b>, and the schedule decides again. The return is recorded with your name and the time.
overview-live = Live phase: <b>{ $live }</b>
overview-scans = { $count } scans
overview-visitors = { $count } daily visitors
overview-opens = { $count } article opens
overview-rate = open rate { $rate } %
overview-dashboard = dashboard
overview-posters = posters
overview-loaded = The catalog serving now was loaded at { $at }. Files are checked for changes every few seconds; a valid edit takes effect by itself.
overview-replicas = Replicas heard from (this one is { $me }):
overview-ago = { $seconds } s ago
unsaved = Not saved
unsaved-phase = : nothing was written. Fix these and save again:
unsaved-story = : nothing was written. Fix { $count ->
    [one] this
   *[other] these { $count }
} and save again:
phase-note = The phase is added at the end of exhibition.toml, checked like <code>docent check</code> (it must start after the phases before it), and goes live at its start. Putting the previous exhibition.toml back undoes it.
replicas-differ = <b>The replicas serve different versions of the exhibit files.</b> Visitors may see one version or the other depending on which replica answers. Copy the same files to every replica (the version is a fingerprint of the files):
replicas-out-of-step = <b>This replica is out of step with the others:</b> { $why }. Scans are still stored here and reach the others when NATS is back.
audit-note = Every change (sign-ins and sign-outs, switches, story edits, covers, share links, people and tokens, backups, ...) is recorded here with the account, the time, the exhibition and what changed; entries cannot be edited and are kept by every replica.
answers-how-confirmed = Confirmed views: the landing page carries a tiny invisible image that is never cached; only a browser that really shows the page fetches it. Link previews, chat and mail security scanners and prefetchers fetch the page alone, so they stay unconfirmed. A visitor confirms a story at a code once a day, and only after viewing that code's page that day. Read to the end: a lazily loaded image after the story text, which a browser fetches only when the reader scrolls near it. Read-through rate = read to the end ÷ confirmed views. Reactions and polls: only after a view of the page that day, once per visitor, story and reaction a day, and once per poll a day. None of it uses a script or a cookie, only the anonymous id that changes every day, which identifies no one; bots and staff are left out.
print-loopback = <b>Do not print: phones cannot open these codes</b>These codes lead to <code>{ $origin }</code>, an address only the computer running docent can open; a visitor's phone cannot reach it. Restart docent with the public address phones open: <code>docent serve --base-url https://docent.example.edu</code> (or set <code>DOCENT_BASE_URL</code> in its environment), then open this page again.

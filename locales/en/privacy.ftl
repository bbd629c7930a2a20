# The public "how we count" page (/how-we-count), written from the running settings.

privacy-heading = How we count
privacy-recorded-heading = What a visit records
privacy-recorded = When a story page or an article link is opened: the time (with the local date and hour), the code, exhibition, station, story and phase, the device class (phone, tablet, desktop, other), the in-app browser (such as WeChat), the page language, whether it was a bot, whether it came from a printed code or from another page, and an anonymous visitor id that changes every day; an article open also records its route (campus, library proxy, free copy, publisher). What the page sends back (a confirmed view, a read to the end, a reaction, a poll answer, a citation taken home, a recording played) is recorded with the same fields.
privacy-never-heading = What is never recorded
privacy-never = No IP address, no full browser identification string (user agent), no cookie and no script. Nothing asks you to sign in, and there is no cookie banner because there is no cookie.
privacy-daily-id-heading = How the daily id is made
privacy-daily-id = The anonymous id is a keyed hash (BLAKE3) of the network address and browser string under a random daily secret (the salt). A new salt is made at midnight ({ $zone } time) and the old one is overwritten and so destroyed: one phone is one visitor within a day, and cannot be followed from one day to the next. Backups never contain the salt.
privacy-retention-heading = How long it is kept
privacy-retention = Each visit record is kept for { $days } days, then removed from the log (and from backups made afterwards); only the figures (totals) are kept, which cannot be turned back into single visits.
privacy-retention-none = This server sets no retention period: visit records are kept until the exhibition's data is deleted.
privacy-who-heading = Who can see the figures
privacy-who = Only the organizers' signed-in staff (with a viewer, editor or organizer role for the exhibition) see the exact figures and exports; exports hold no visitor id, address or browser string. Organizers may give a director a read-only link that expires, and the lobby screen shows the day's totals.
privacy-small = Where the public sees figures (read-only links, the lobby screen), a count of fewer than { $k } visitors is shown as “fewer than { $k }”, and a row made only of such counts is merged into “other”, so that a quiet morning cannot single out a person.

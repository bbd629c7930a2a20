# The digest's and the alert mails' words. A mail carries the show's first two languages.
# Arguments: $dates (a range of days), $phase (a phase's name), $days, $pct (a signed
# percentage such as +12), $until (a date), $count.

digest-week = weekly figures, { $dates }
digest-phase = phase “{ $phase }” has ended, { $dates }
digest-closing = the show has closed, { $dates }
digest-custom = figures, { $dates }
digest-scans = scans
digest-visitors = daily visitors
digest-opens = article opens
digest-open-rate = open rate
digest-shares = views of forwarded links
digest-top-stories = Top stories
digest-views = { $count ->
    [one] { $count } view
   *[other] { $count } views
}
digest-by-day = Scans and article opens by day
digest-chart-note = Blue: scans; orange: article opens.
digest-change-from-zero = 0 in the { $days } days before
digest-change = { $pct } % on the { $days } days before
digest-link = Read-only link (no sign-in, valid for { $days } days, until { $until }):
digest-footer = The figures are those of the statistics JSON for the same days; staff and bot visits are left out. Sent by docent.
# When a digest plan sends, on the dashboard. $day is the weekday's name in the files
# (monday ... sunday), $hour the hour.
digest-weekly = weekly on { $day ->
    [monday] Monday
    [tuesday] Tuesday
    [wednesday] Wednesday
    [thursday] Thursday
    [friday] Friday
    [saturday] Saturday
   *[sunday] Sunday
} at { $hour }:00
digest-at-phase-end = at the end of each phase
digest-at-closing = after closing
digest-list-separator = {", "}
# Alerts: what needs a person at the wall.
alert-raised = Alert
alert-cleared = Cleared
alert-line = { $lead }: { $text }
alert-silent-station = Station { $station } has had no scan for { $hours } hours while the other stations had { $others }: its code may be torn off, covered, in glare or printed too small. Please check the wall.
alert-spike = { $scans } scans in the hour from { $hour }:00, where the same hour usually has about { $usual }.
alert-unknown-code = A code the exhibits do not know, `{ $code }`, was scanned { $scans } times today: a poster may carry a misprint.

# The printable report and the lobby screen: both speak the show's first two languages, the
# first first. Table headings are short (`col-`); the summary is a few sentences a newsletter
# can quote.

report-word = Report
report-made = Made
report-covers-phase = { $phase }: { $from } to { $to } (the days this phase was scheduled, local time)
report-covers-so-far = The whole show so far: { $from } to { $to }
report-covers-none = The whole show: no scans yet
report-total-scans = scans of printed codes
report-total-visitors = daily visitors
report-total-opens = article opens
report-total-rate = opens per page view
report-total-browses = views from browsing
report-total-shares = views of forwarded links
report-total-staff = staff, left out
report-total-bots = bots, left out
report-visitors-note = Visitors are counted per day: the anonymous id changes daily. A story's visitors are everyone who viewed it, by scanning its code or by browsing from another story, so they can outnumber its scans. Shares, staff and bots are in no other figure.
report-phases = Phases compared
report-stories = Stories, most viewed first
report-answers = Visitors answer back
report-stations = Stations
report-busiest = Busiest days and hours
report-devices = Devices and in-app browsers
report-poll = Poll
report-answered = Visitors who answered (daily)
report-reactions = reactions
report-figure-1 = Figure 1. Scans and article opens by day (local time).
report-figure-2 = Figure 2. Scans and article opens by story.
report-figure-3 = Figure 3. Scans and article opens by station.
report-figure-4 = Figure 4. Scans and article opens by hour of day (local time).
report-funnel-caption = Funnel. Page views → confirmed by a browser → read to the end → article opens → citations taken home.
report-signals-note = Confirmed views: a tiny never-cached image on the page that only a browser showing the page fetches, never a link preview or a scanner; read to the end: a lazily loaded image after the story. Each counts once per daily anonymous visitor, with no script or cookie, and identifies no one.
report-json = The same figures as JSON:
report-nothing-stored = No IP address, user agent or cookie is stored.
report-chart-days = Scans and article opens by day
report-chart-hours = Scans and article opens by hour of day
report-chart-stories = By story
report-chart-stations = By station
report-chart-funnel = From page view to citation
col-phase = phase
col-scans = scans
col-share = share
col-visitors = visitors
col-opens = opens
col-rate = rate
col-story = story
col-visitors-browsing = visitors, scans and browsing
col-step = step
col-whole-show = whole show
col-of-views = of views
col-answer = answer
col-answers = answers
col-station = station
col-day = day
col-hour = hour
col-device = device
col-app = app
# The summary. $when is a range of days, $title the show's, $rate and $percent numbers
# without the % sign.
report-sentence-gap = {" "}
report-summary-main = From { $when }, the codes beside the covers of “{ $title }” were scanned { $scans } times by { $visitors } daily visitors, who opened the full article { $opens } times ({ $rate } % of page views).
report-summary-top = The story most looked at was “{ $name }” ({ $views } views).
report-summary-busiest = The busiest day was { $day } ({ $scans } scans); the busiest hour began at { $hour }.
report-summary-app = { $percent } % of scans were made inside { $app }.
report-summary-shares = Another { $count } { $count ->
    [one] view
   *[other] views
} came through links forwarded in WeChat and are counted apart.
report-summary-left-out = Staff and bot visits are not in these figures.
# The lobby screen.
lobby-now-showing = Now showing
lobby-scans-today = scans today
lobby-visitors-today = visitors today
lobby-opens-today = { $count } article opens
lobby-scans-since-opening = scans since opening
lobby-daily-visitors = daily visitors
lobby-most-read = Most read
lobby-no-scans = No scans yet.
lobby-opens = opens
lobby-views = views
lobby-most-liked = Most liked
lobby-reactions = reactions
lobby-poll = Poll
lobby-updated = Updated
lobby-refreshes = refreshes every minute
lobby-left-out = staff, shares and bots left out

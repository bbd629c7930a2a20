//! The lobby screen (`/admin/lobby/{exhibition}`, `/view/{token}/lobby`): today's scans, the
//! most-read stories and the live phase in large type, for a screen in the lobby. It reloads
//! itself every minute with `<meta http-equiv="refresh">`: no JavaScript, as everywhere.
//! It is a public screen, so small visitor counts are hidden on it (`stats::small`), also
//! when an organizer opens it.

use std::sync::Arc;

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use askama::Template;

use super::error::WebError;
use super::{AppState, html, no_store};
use crate::catalog::Catalog;
use crate::i18n::{Both, Pair};
use crate::stats;

/// Seconds between reloads.
const REFRESH: u32 = 60;

#[derive(Template)]
#[template(path = "lobby.html")]
struct Lobby {
    refresh: u32,
    /// The screen's two languages: `w.t("key")` is a key's words in both.
    w: Both,
    title: Pair,
    phase: Pair,
    today: String,
    updated: String,
    today_scans: u64,
    /// Visitor counts as the public may see them: the lobby is a public screen.
    today_visitors: String,
    today_opens: u64,
    all_scans: u64,
    all_visitors: String,
    /// (title, views, opens), most read first.
    stories: Vec<(Pair, u64, u64)>,
    /// The story with the most reactions: (title, reactions).
    liked: Option<(Pair, u64)>,
    /// The first poll answered: its question, and each option's name and share.
    poll: Option<(Pair, Vec<(Pair, f64)>)>,
}

pub(super) async fn admin(
    state: web::Data<AppState>,
    path: web::Path<String>,
) -> Result<HttpResponse, WebError> {
    lobby(&state, &path).await
}

pub(super) async fn view(
    state: web::Data<AppState>,
    path: web::Path<String>,
) -> Result<HttpResponse, WebError> {
    let claims = state.shares.check(&path, state.clock.now())?;
    lobby(&state, &claims.exhibition).await
}

async fn lobby(state: &web::Data<AppState>, id: &str) -> Result<HttpResponse, WebError> {
    let catalog: Arc<Catalog> = state.catalog();
    let Some((_, e)) = catalog.exhibition(id) else {
        return Err(WebError::NotFound(format!("no exhibition `{id}`")));
    };
    let now = state.clock.now();
    let local = now.to_zoned_datetime(e.time_zone.clone());
    let today = local.date();
    let (store, cat, eid) = (state.store.clone(), catalog.clone(), e.id.clone());
    let (day, all) = web::block(move || {
        let (_, e) = cat.exhibition(&eid).expect("looked up above");
        Ok::<_, crate::store::StoreError>((
            stats::compute(&store, e, Some((today, today)))?,
            stats::compute(&store, e, None)?,
        ))
    })
    .await
    .map_err(|e| WebError::internal("lobby", e))?
    .map_err(|e| WebError::internal("lobby", e))?;
    // The screen speaks the show's first two languages, as its posters do.
    let w = Both::of(&e.languages);
    let live = e.showing(now, state.last_switch(&e.id).as_ref()).phase;
    let small = state.small;
    // A story seen by only a few is merged away, never named on the screen.
    let all = small.public(all);
    let mut stories: Vec<(Pair, u64, u64)> = all
        .by_story
        .iter()
        .filter(|r| r.figures.scans + r.figures.browses > 0)
        .filter(|r| r.key.id != crate::stats::small::OTHER)
        .map(|r| {
            (
                w.pair(|lang| r.label(lang).into_owned()),
                r.figures.scans + r.figures.browses,
                r.figures.opens,
            )
        })
        .collect();
    stories.sort_by_key(|s| std::cmp::Reverse((s.2, s.1)));
    let named: Vec<_> = all
        .by_story
        .iter()
        .filter(|r| r.key.id != crate::stats::small::OTHER)
        .cloned()
        .collect();
    let liked = stats::funnel::most_liked(&named).map(|r| {
        (
            w.pair(|lang| r.label(lang).into_owned()),
            r.figures.reactions_total(),
        )
    });
    // A poll answered by fewer people than the public may see counted is not shown.
    let poll = all
        .polls
        .iter()
        .find(|p| p.answered > 0 && !small.hides(p.answered))
        .map(|p| {
            let options = p.options.iter().map(|o| (w.text(&o.label), o.share));
            (w.text(&p.question), options.collect())
        });
    // The most liked story and a poll take the room of two stories on the screen.
    stories.truncate(if liked.is_some() || poll.is_some() {
        3
    } else {
        5
    });
    let page = Lobby {
        refresh: REFRESH,
        w,
        title: w.text(&e.title),
        phase: w.text(&e.phases[live].name),
        today: Both::joined(&w.pair(|lang| crate::i18n::date(lang, today)), " · "),
        updated: local.strftime("%H:%M").to_string(),
        today_scans: day.totals.scans,
        today_visitors: small.shown_both(day.totals.visitors, w),
        today_opens: day.totals.opens,
        all_scans: all.totals.scans,
        all_visitors: small.shown_both(all.totals.visitors, w),
        stories,
        liked,
        poll,
    };
    Ok(no_store(html(StatusCode::OK, &page)))
}

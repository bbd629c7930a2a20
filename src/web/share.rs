//! Read-only share links in the web layer: the links this server knows (issued here, revoked
//! here), the check every `/view/{token}` request passes, and the dashboard's make and revoke
//! forms (`POST /admin/shares/{exhibition}`, `POST /admin/shares/{exhibition}/revoke`).
//!
//! `/view/...` routes are GET (and HEAD) only and sit outside `/admin`: a link never carries
//! a session, so it can reach no write route; POSTs to `/view/...` find no route.

use parking_lot::Mutex;
use std::collections::HashMap;

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, web};
use jiff::Timestamp;
use serde::Deserialize;

use super::AppState;
use super::auth::Organizer;
use super::error::WebError;
use crate::sharelink::{Claims, DEFAULT_DAYS, LinkError, LinkKey, ShareLink};
use crate::store::{Store, StoreError};

/// The signing key and the links issued, mirrored from the store so a check never reads sled.
pub(super) struct Links {
    /// Replaced when a replica adopts the cluster's session secret after it started serving.
    key: parking_lot::RwLock<LinkKey>,
    issued: Mutex<HashMap<String, ShareLink>>,
}

impl Links {
    /// Blocks on the store: called once, at start.
    pub(super) fn load(store: &Store) -> Result<Links, StoreError> {
        let key = LinkKey::from_secret(&store.session_secret()?);
        let issued = store
            .share_links()?
            .into_iter()
            .map(|l| (l.id.clone(), l))
            .collect();
        Ok(Links {
            key: parking_lot::RwLock::new(key),
            issued: Mutex::new(issued),
        })
    }

    /// Signs and checks with the key made from `secret` from now on (see `Sessions::rekey`).
    pub(super) fn rekey(&self, secret: &[u8; 32]) {
        *self.key.write() = LinkKey::from_secret(secret);
    }

    pub(super) fn token(&self, link: &ShareLink) -> String {
        self.key.read().token(link)
    }

    /// What a token opens at `now`: 404 for a token this server never signed or a link it
    /// never heard of (a signature alone is not enough: a link is one that was issued), 403
    /// for an expired or revoked one.
    pub(super) fn check(&self, token: &str, now: Timestamp) -> Result<Claims, WebError> {
        let not_found = || WebError::NotFound("no such link".into());
        let claims = self.key.read().verify(token).ok_or_else(not_found)?;
        let revoked = {
            let issued = self.issued.lock();
            let link = issued
                .get(&claims.id)
                .filter(|l| {
                    l.exhibition == claims.exhibition && l.expires.as_second() == claims.expires
                })
                .ok_or_else(not_found)?;
            link.revoked.is_some()
        };
        if revoked {
            return Err(WebError::Forbidden(in_every_language("share-withdrawn")));
        }
        if now.as_second() >= claims.expires {
            return Err(WebError::Forbidden(in_every_language("share-expired")));
        }
        Ok(claims)
    }

    /// Knows a link (made or revoked here or on another replica); a revocation stays.
    pub(super) fn remember(&self, link: ShareLink) {
        let mut issued = self.issued.lock();
        if link.revoked.is_none() && issued.get(&link.id).is_some_and(|l| l.revoked.is_some()) {
            return;
        }
        issued.insert(link.id.clone(), link);
    }

    /// An exhibition's links, newest first: (link, URL path, live now).
    pub(super) fn of_exhibition(
        &self,
        exhibition: &str,
        now: Timestamp,
    ) -> Vec<(ShareLink, String, bool)> {
        let mut links: Vec<ShareLink> = self
            .issued
            .lock()
            .values()
            .filter(|l| l.exhibition == exhibition)
            .cloned()
            .collect();
        links.sort_by_key(|l| std::cmp::Reverse(l.created));
        links
            .into_iter()
            .map(|l| {
                let path = format!("/view/{}", self.token(&l));
                let live = l.is_live(now);
                (l, path, live)
            })
            .collect()
    }
}

#[derive(Deserialize)]
pub(super) struct MakeForm {
    days: Option<String>,
    csrf: Option<String>,
}

/// `POST /admin/shares/{exhibition}`: a new link. A script (`docent share`, `Accept:
/// text/plain`) gets the URL as the body; a browser goes back to the dashboard's list.
pub(super) async fn make(
    state: web::Data<AppState>,
    req: HttpRequest,
    path: web::Path<String>,
    form: web::Form<MakeForm>,
) -> Result<HttpResponse, WebError> {
    let organizer = with_token(&req, form.csrf.as_deref())?;
    let catalog = state.catalog();
    let Some((_, e)) = catalog.exhibition(&path) else {
        return Err(WebError::NotFound(format!("no exhibition `{path}`")));
    };
    let days = match form.days.as_deref().map(str::trim) {
        None | Some("") => DEFAULT_DAYS,
        Some(d) => d
            .parse()
            .map_err(|_| WebError::BadRequest(format!("days=`{d}`: expected a number")))?,
    };
    let link =
        ShareLink::new(&e.id, days, state.clock.now(), &organizer.name).map_err(|e| match e {
            LinkError::Days(_) => WebError::BadRequest(e.to_string()),
            LinkError::Random(_) | LinkError::Expiry(_) => WebError::internal("share link", e),
        })?;
    save(&state, link.clone()).await?;
    tracing::info!(exhibition = %e.id, id = %link.id, by = %organizer.name, days, "read-only link made");
    let url = format!(
        "{}/view/{}",
        state.base_url.trim_end_matches('/'),
        state.shares.token(&link)
    );
    if wants_text(&req) {
        return Ok(HttpResponse::Created()
            .content_type("text/plain; charset=utf-8")
            .body(format!("{url}\n")));
    }
    Ok(back_to_list(&e.id))
}

#[derive(Deserialize)]
pub(super) struct RevokeForm {
    id: String,
    csrf: Option<String>,
}

/// `POST /admin/shares/{exhibition}/revoke`: the link stops opening at once, and after a
/// restart too.
pub(super) async fn revoke(
    state: web::Data<AppState>,
    req: HttpRequest,
    path: web::Path<String>,
    form: web::Form<RevokeForm>,
) -> Result<HttpResponse, WebError> {
    let organizer = with_token(&req, form.csrf.as_deref())?;
    let found = state
        .shares
        .issued
        .lock()
        .get(&form.id)
        .filter(|l| l.exhibition == *path)
        .cloned();
    let Some(mut link) = found else {
        return Err(WebError::NotFound(format!("no link `{}`", form.id)));
    };
    if link.revoked.is_none() {
        link.revoked = Some(state.clock.now());
        save(&state, link.clone()).await?;
        tracing::info!(exhibition = %link.exhibition, id = %link.id, by = %organizer.name, "read-only link revoked");
    }
    Ok(back_to_list(&link.exhibition))
}

/// Stores a link, then makes it known here (a revocation is in force once stored).
async fn save(state: &AppState, link: ShareLink) -> Result<(), WebError> {
    let (store, stored) = (state.store.clone(), link.clone());
    web::block(move || store.change(&crate::store::SharedChange::Link(stored)))
        .await
        .map_err(|e| WebError::internal("share link", e))?
        .map_err(|e| WebError::internal("share link", e))?;
    state.shares.remember(link);
    Ok(())
}

fn with_token(req: &HttpRequest, csrf: Option<&str>) -> Result<Organizer, WebError> {
    let organizer = Organizer::of(req)?;
    if !organizer.allows(csrf) {
        let message = "missing or wrong form token: reload the dashboard and try again";
        return Err(WebError::Forbidden(message.into()));
    }
    Ok(organizer)
}

fn wants_text(req: &HttpRequest) -> bool {
    req.headers()
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|a| a.starts_with("text/plain"))
}

fn back_to_list(exhibition: &str) -> HttpResponse {
    HttpResponse::SeeOther()
        .insert_header((header::LOCATION, format!("/admin/e/{exhibition}#share")))
        .finish()
}

/// `GET /view/{token}`: the dashboard's figures, read-only.
pub(super) async fn view(
    state: web::Data<AppState>,
    req: HttpRequest,
    path: web::Path<String>,
    query: web::Query<super::admin::RangeQuery>,
) -> Result<HttpResponse, WebError> {
    let claims = state.shares.check(&path, state.clock.now())?;
    let access = super::admin::Access::Link(path.into_inner());
    super::admin::dashboard_for(&state, &req, &claims.exhibition, &query, access).await
}

/// Words for a page that has no language of its own (a link that no longer opens, whoever
/// holds it): `key` in every shipped language, English first.
fn in_every_language(key: &str) -> String {
    let all: Vec<String> = crate::i18n::shipped()
        .iter()
        .map(|lang| crate::i18n::tr(*lang, key))
        .collect();
    all.join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_well_signed_token_opens_only_a_link_that_was_issued_as_it_says() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path(), 1 << 20).unwrap();
        let links = Links::load(&store).unwrap();
        let now: Timestamp = "2026-12-02T03:00:00Z".parse().unwrap();
        let link = ShareLink::new("nature-covers", 30, now, "Wang").unwrap();
        let token = links.token(&link);
        // Signed with the right key, but never issued (someone who had the secret): 404.
        assert!(matches!(
            links.check(&token, now),
            Err(WebError::NotFound(_))
        ));
        links.remember(link.clone());
        assert!(links.check(&token, now).is_ok());
        // The same id with another expiry or exhibition was not issued either.
        let mut longer = link.clone();
        longer.expires = "2100-01-01T00:00:00Z".parse().unwrap();
        let mut elsewhere = link.clone();
        elsewhere.exhibition = "other-show".into();
        for forged in [longer, elsewhere] {
            let token = links.token(&forged);
            assert!(matches!(
                links.check(&token, now),
                Err(WebError::NotFound(_))
            ));
        }
    }
}

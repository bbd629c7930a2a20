//! What every visitor page starts from: the query options, who asked (`Requester`), and for
//! `/s/` and `/go/` the one prologue `CodeRequest`: the code asked about, resolved against the
//! catalog now serving.

use std::sync::Arc;

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, web};

use super::engage::Thanks;
use super::not_found::unknown_code;
use crate::access::Route;
use crate::catalog::{Catalog, Code, Lang, Languages, ShownStory, Target};
use crate::store::Share;
use crate::visitor::{self, Client};
use crate::web::AppState;
use crate::web::pages;

/// Query options every visitor page understands. Parsed leniently: apps append their own
/// parameters (WeChat adds `from=singlemessage` to shared links) and repeat keys, so any key is
/// accepted, unknown ones are ignored and the first `lang` wins.
#[derive(Default, serde::Deserialize)]
#[serde(from = "Vec<(String, String)>")]
pub(super) struct PageQuery {
    lang: Option<String>,
    /// Set (`via=list`, `via=lang`, `via=show`) on links between docent pages, so browsing is
    /// not counted as scanning.
    pub(super) browsing: bool,
    /// `/go/` only: a route the visitor chose (`publisher`, `proxy`, `oa`).
    pub(super) route: Option<Route>,
    /// WeChat's marks on a forwarded link (`from=`, `isappinstalled`): a share, not a scan.
    pub(super) share: Option<Share>,
    /// `done=reaction|poll`: back from an answer form (`engage`); the same visit, not another
    /// view.
    pub(super) done: Option<Thanks>,
    /// `size=large`: the large-type, high-contrast layout (`nav`).
    pub(super) large: bool,
}

impl From<Vec<(String, String)>> for PageQuery {
    fn from(pairs: Vec<(String, String)>) -> PageQuery {
        let values = |key: &'static str| {
            pairs
                .iter()
                .filter(move |(k, _)| k == key)
                .map(|(_, v)| v.as_str())
        };
        PageQuery {
            lang: values("lang").next().map(str::to_string),
            browsing: values("via").any(|v| matches!(v, "list" | "lang" | "show" | "size")),
            route: values("route").find_map(Route::forced),
            share: Share::of(
                values("from").next(),
                values("isappinstalled").next().is_some(),
            ),
            done: values("done").find_map(Thanks::of),
            large: values("size").next() == Some("large"),
        }
    }
}

impl PageQuery {
    pub(super) fn of(req: &HttpRequest) -> PageQuery {
        web::Query::<PageQuery>::from_query(req.query_string())
            .map(web::Query::into_inner)
            .unwrap_or_default()
    }
}

/// Who asked, worked out once per request.
pub(super) struct Requester {
    pub(super) client: Client,
    pub(super) lang: Lang,
    /// The client's address (see `client_ip`): picks the route to the paper.
    pub(super) addr: Option<std::net::IpAddr>,
    pub(super) ip: String,
    pub(super) user_agent: String,
    /// A staff network or a logged-in organizer: stored, left out of the figures.
    pub(super) staff: bool,
}

/// The language the visitor's browser and query ask for, with `show`'s fallbacks.
fn asked_lang(req: &HttpRequest, query: &PageQuery, show: Languages) -> Lang {
    let header = req
        .headers()
        .get(header::ACCEPT_LANGUAGE)
        .and_then(|v| v.to_str().ok());
    visitor::pick_lang(query.lang.as_deref(), header, show)
}

impl Requester {
    /// The requester, speaking the language `show`'s settings give them.
    pub(super) fn for_show(req: &HttpRequest, query: &PageQuery, show: Languages) -> Requester {
        Requester::speaking(req, query, show)
    }

    /// The requester of a page about no one show, speaking one of the hosted shows' languages.
    pub(super) fn of(req: &HttpRequest, query: &PageQuery) -> Requester {
        let langs = req
            .app_data::<web::Data<AppState>>()
            .map_or_else(Languages::default, |s| s.catalog().languages());
        Requester::speaking(req, query, langs)
    }

    fn speaking(req: &HttpRequest, query: &PageQuery, langs: Languages) -> Requester {
        let state = req.app_data::<web::Data<AppState>>();
        let trusted_proxy = state.and_then(|s| s.trusted_proxy);
        let header_str = |name: &str| req.headers().get(name).and_then(|v| v.to_str().ok());
        let user_agent = header_str(header::USER_AGENT.as_str())
            .unwrap_or("")
            .to_string();
        let prefetch = ["purpose", "sec-purpose", "x-moz"]
            .iter()
            .any(|h| header_str(h).is_some_and(|v| v.contains("prefetch")));
        let addr = crate::web::client_ip(req, trusted_proxy);
        let staff = state.is_some_and(|s| crate::web::auth::is_staff(s, req, addr));
        Requester {
            client: super::clients::classify(&user_agent, prefetch),
            lang: asked_lang(req, query, langs),
            addr,
            ip: addr.map(|ip| ip.to_string()).unwrap_or_default(),
            user_agent,
            staff,
        }
    }
}

/// What `target` shows right now, the latest manual switch considered.
pub(super) fn resolve<'a>(
    state: &AppState,
    catalog: &'a Catalog,
    target: Target,
) -> ShownStory<'a> {
    let e = &catalog.exhibitions[target.exhibition()];
    let showing = e.showing(state.clock.now(), state.last_switch(&e.id).as_ref());
    match target {
        Target::Station { station, .. } => ShownStory::station(e, showing, station),
        Target::Story { story, .. } => ShownStory::story(e, showing, &e.stories[story]),
    }
}

/// What `/s/` and `/go/` both start from: who asked, and the code they asked about, resolved
/// against the catalog now serving.
pub(super) struct CodeRequest {
    pub(super) query: PageQuery,
    pub(super) requester: Requester,
    /// Read before the catalog and switches: see `PageCache::generation`.
    pub(super) generation: pages::Generation,
    catalog: Arc<Catalog>,
    pub(super) code: Code,
    target: Target,
}

impl CodeRequest {
    /// The request's code, or (as `Err`) the unknown-code page, with the unknown scan recorded.
    pub(super) async fn of(
        state: &web::Data<AppState>,
        req: &HttpRequest,
        raw: &str,
    ) -> Result<CodeRequest, HttpResponse> {
        let query = PageQuery::of(req);
        let generation = state.pages.generation();
        let catalog = state.catalog();
        let known = Code::parse(raw)
            .ok()
            .and_then(|c| catalog.resolve(&c).map(|t| (c, t)));
        let Some((code, target)) = known else {
            let requester = Requester::speaking(req, &query, catalog.languages());
            return Err(unknown_code(state, req, raw, &requester).await);
        };
        let show = catalog.exhibitions[target.exhibition()].languages;
        let requester = Requester::speaking(req, &query, show);
        Ok(CodeRequest {
            query,
            requester,
            generation,
            catalog,
            code,
            target,
        })
    }

    /// What the code shows right now.
    pub(super) fn here(&self, state: &AppState) -> ShownStory<'_> {
        resolve(state, &self.catalog, self.target)
    }
}

//! Whether a state-changing request comes from docent's own pages, and the client's address.

use std::net::IpAddr;

use actix_web::HttpRequest;
use actix_web::http::header;

use crate::web::AppState;

/// Whether a state-changing request comes from our own pages: its `Origin` (or, without one,
/// its `Referer`) is the configured `--base-url`, or, from the trusted proxy alone, the host
/// and scheme it forwarded. `Host` and `X-Forwarded-*` from anyone else are the client's own
/// claim, so they count for nothing. No Origin and no Referer is a script, not a browser.
pub(super) fn same_origin(state: &AppState, req: &HttpRequest) -> bool {
    let headers = req.headers();
    if let Some(site) = headers.get("sec-fetch-site").and_then(|v| v.to_str().ok())
        && !matches!(site, "same-origin" | "none")
    {
        return false;
    }
    let claimed = headers
        .get(header::ORIGIN)
        .or_else(|| headers.get(header::REFERER));
    let Some(claimed) = claimed else {
        return true;
    };
    let Some(claimed) = claimed.to_str().ok().and_then(origin_of) else {
        return false;
    };
    origin_of(&state.base_url).is_some_and(|ours| ours == claimed)
        || forwarded_origin(state, req).is_some_and(|theirs| theirs == claimed)
}

/// The scheme, host and port of a URL (default ports made explicit, so `https://a` and
/// `https://a:443` agree); `None` for `null` and anything opaque.
fn origin_of(url: &str) -> Option<url::Origin> {
    let origin = url::Url::parse(url).ok()?.origin();
    origin.is_tuple().then_some(origin)
}

/// The origin the browser used, as the trusted proxy reports it; `None` from any other peer.
/// The last `X-Forwarded-Host` entry is the proxy's own; without `X-Forwarded-Proto` the
/// scheme is that of `--base-url`.
fn forwarded_origin(state: &AppState, req: &HttpRequest) -> Option<url::Origin> {
    let peer = req.peer_addr()?.ip();
    if state.trusted_proxy != Some(peer) {
        return None;
    }
    let last = |name: &str| {
        let value = req.headers().get(name)?.to_str().ok()?;
        Some(value.rsplit(',').next()?.trim().to_string())
    };
    let host = last("x-forwarded-host")?;
    let scheme = last("x-forwarded-proto").unwrap_or_else(|| {
        let base = state.base_url.split_once("://");
        base.map_or("http", |(scheme, _)| scheme).to_string()
    });
    origin_of(&format!("{scheme}://{host}"))
}

pub(super) fn client_ip(state: &AppState, req: &HttpRequest) -> Option<IpAddr> {
    crate::web::client_ip(req, state.trusted_proxy)
}

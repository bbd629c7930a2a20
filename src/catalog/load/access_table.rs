//! `[access]` in exhibition.toml (and the older `article_prefix`): the proxy, the resolver
//! and the campus networks, checked into the catalog's `Access`.

use ipnet::IpNet;
use toml::Spanned;

use super::fields::check_url;
use super::problems::Findings;
use super::raw::RawAccess;
use super::source::Source;
use crate::catalog::access::{Access, Proxy};

/// `[access]`, with `article_prefix` read as its `proxy` when the table does not name one.
pub(super) fn check_access(
    src: &Source,
    raw: Option<&Spanned<RawAccess>>,
    article_prefix: Option<&Spanned<String>>,
    report: &mut Findings,
) -> Access {
    let mut access = Access::default();
    let table = raw.map(Spanned::get_ref);
    let proxy = match (table.and_then(|t| t.proxy.as_ref()), article_prefix) {
        (Some(proxy), Some(old)) => {
            report.at(src, old.span(), format!("article_prefix: [access] also names a proxy (`{}`); keep one: proxy in [access] is the newer name for the same thing", proxy.get_ref().trim()));
            None
        }
        (Some(proxy), None) => Some((proxy, "access.proxy")),
        (None, Some(old)) => Some((old, "article_prefix")),
        (None, None) => None,
    };
    if let Some((raw_proxy, field)) = proxy {
        let prefix = check_url(src, raw_proxy, field, report);
        match prefix {
            Some(p) if !p.ends_with('=') => report.at(
                src,
                raw_proxy.span(),
                format!("{field}: `{p}` must end with the parameter the article's address goes into, such as https://proxy.example.edu/login?url= (EZproxy) or https://go.openathens.net/redirector/example.edu?url= (OpenAthens)"),
            ),
            Some(prefix) => {
                let encode = table
                    .and_then(|t| t.proxy_encode.as_ref())
                    .map_or_else(|| Proxy::encodes_by_default(&prefix), |e| *e.get_ref());
                access.proxy = Some(Proxy { prefix, encode });
            }
            None => {}
        }
    }
    let Some(table) = table else { return access };
    if let (Some(encode), None) = (&table.proxy_encode, &table.proxy) {
        report.at(
            src,
            encode.span(),
            "access.proxy_encode: there is no proxy in [access] to encode for; remove it, or add proxy = \"https://proxy.example.edu/login?url=\"",
        );
    }
    if let Some(resolver) = &table.resolver {
        access.resolver = check_url(src, resolver, "access.resolver", report);
    }
    if let Some(networks) = &table.campus_networks {
        for n in networks.get_ref() {
            if let Some(net) = check_network(src, n, report) {
                access.campus_networks.push(net);
            }
        }
    }
    access
}

/// One campus network: a CIDR range (`10.0.0.0/8`, `2001:db8::/32`) or a single address.
fn check_network(src: &Source, raw: &Spanned<String>, report: &mut Findings) -> Option<IpNet> {
    let text = raw.get_ref().trim();
    let parsed = text
        .parse::<IpNet>()
        .ok()
        .or_else(|| text.parse::<std::net::IpAddr>().ok().map(IpNet::from));
    let Some(net) = parsed else {
        report.at(src, raw.span(), format!("access.campus_networks: `{text}` is not a network; write CIDR ranges such as \"10.0.0.0/8\" or \"2001:db8::/32\" (ask the library's IT for the campus ranges)"));
        return None;
    };
    if net.prefix_len() == 0 {
        report.at(src, raw.span(), format!("access.campus_networks: `{text}` holds every address, so every visitor would count as on campus; list the campus ranges only"));
        return None;
    }
    if net.trunc() != net {
        report.at(src, raw.span(), format!("access.campus_networks: `{text}` has host bits set; write the network as {}, or the single address as {}", net.trunc(), net.addr()));
        return None;
    }
    Some(net)
}

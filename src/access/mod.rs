//! How a visitor reaches the paper: the library's campus networks, proxy and link resolver
//! (an exhibition's `[access]` table), free legal copies (named by hand or found by
//! `unpaywall`), and the rule that picks the route for a visitor standing on or off campus.
//!
//! The catalog holds each exhibition's validated `[access]` table (`catalog::Access`); here
//! the web layer asks `Ways::plan` which buttons to show and `Ways::url` where a route leads,
//! all pure. Citations to take home are in `cite`; `unpaywall` is the client that looks free
//! copies up (the one part that reaches out, never on a visitor's request).

pub mod cite;
pub mod unpaywall;

use serde::{Deserialize, Serialize};

use crate::catalog::{Access, Place, Story};

/// Which way an article open went: the stats' `by_route` keys.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Route {
    /// The publisher, from a campus network (the subscription applies).
    Campus,
    /// Through the library's proxy.
    Proxy,
    /// A free legal copy.
    Oa,
    /// The publisher, from off campus or from an address the library did not list.
    Publisher,
}

impl Route {
    pub fn as_str(self) -> &'static str {
        match self {
            Route::Campus => "campus",
            Route::Proxy => "proxy",
            Route::Oa => "oa",
            Route::Publisher => "publisher",
        }
    }

    /// A route a visitor may force with `/go/{code}?route=`: `campus` is not one (being on
    /// campus is a fact about the visitor, not a choice), `publisher` is.
    pub fn forced(name: &str) -> Option<Route> {
        match name {
            "publisher" => Some(Route::Publisher),
            "proxy" => Some(Route::Proxy),
            "oa" => Some(Route::Oa),
            _ => None,
        }
    }
}

/// A free legal copy of a paper: named by hand (`article.oa_url`) or found by Unpaywall.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FreeCopy {
    /// The copy's PDF, when known.
    pub pdf: Option<String>,
    /// The copy's landing page (a repository record, arXiv's abstract page), when known.
    pub landing: Option<String>,
    /// `publisher` or `repository` (Unpaywall's `host_type`); `None` when named by hand.
    pub host_type: Option<String>,
    pub license: Option<String>,
    /// `publishedVersion`, `acceptedVersion` or `submittedVersion`.
    pub version: Option<String>,
}

impl FreeCopy {
    /// The copy named by hand in a story file: a PDF or a page, told apart by its path.
    pub fn named(url: &str) -> FreeCopy {
        let (pdf, landing) = if looks_like_pdf(url) {
            (Some(url.to_string()), arxiv_abstract(url))
        } else {
            (None, Some(url.to_string()))
        };
        FreeCopy {
            pdf,
            landing,
            host_type: None,
            license: None,
            version: None,
        }
    }

    /// Where to send a visitor: inside WeChat and other in-app browsers a PDF often shows a
    /// blank page or a download prompt that leads nowhere, so a landing page goes first
    /// there; elsewhere the PDF is the paper itself.
    pub fn link(&self, in_app: bool) -> Option<&str> {
        let (first, second) = if in_app {
            (&self.landing, &self.pdf)
        } else {
            (&self.pdf, &self.landing)
        };
        first.as_deref().or(second.as_deref())
    }
}

fn looks_like_pdf(url: &str) -> bool {
    let path = url.split(['?', '#']).next().unwrap_or(url);
    path.to_ascii_lowercase().ends_with(".pdf") || path.contains("arxiv.org/pdf/")
}

/// arXiv's abstract page for one of its PDFs: the landing page an in-app browser can show.
fn arxiv_abstract(url: &str) -> Option<String> {
    let at = url.find("arxiv.org/pdf/")?;
    let id = url[at + "arxiv.org/pdf/".len()..].trim_end_matches(".pdf");
    (!id.is_empty()).then(|| format!("https://arxiv.org/abs/{id}"))
}

/// The free copy to offer for a story: the one named by hand wins (staff checked it), else
/// the one Unpaywall found.
pub fn free_copy(story: &Story, found: Option<&FreeCopy>) -> Option<FreeCopy> {
    match &story.oa_url {
        Some(url) => Some(FreeCopy::named(url)),
        None => found.cloned(),
    }
}

/// What the landing page says and offers, by case.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Case {
    /// On campus: the publisher, through the subscription.
    Campus,
    /// A free copy first, the library's route second.
    Free,
    /// Off campus (or unknown): through the proxy, the resolver as a fallback.
    Proxy,
    /// Off campus, no proxy: the publisher, which may ask for a subscription.
    OffCampus,
    /// No campus networks and no proxy: the publisher, with the library's general note.
    Unknown,
}

/// The buttons for one visitor: a first route, maybe a second, maybe the resolver.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Plan {
    pub case: Case,
    pub first: Route,
    pub second: Option<Route>,
    /// Show "no access? ask the library" (the exhibition has a resolver).
    pub resolver: bool,
}

/// The ways to one paper for one visitor's browser: what `plan` and `url` work from.
pub struct Ways<'a> {
    pub access: &'a Access,
    /// The article at the publisher (URL, or `https://doi.org/{doi}`).
    pub article: &'a str,
    /// The free copy's link for this browser, if there is a free copy.
    pub free: Option<&'a str>,
}

impl Ways<'_> {
    /// The rule: on campus the publisher; off campus a free copy first when there is one,
    /// the library's route second; else the proxy, with the resolver as a fallback.
    pub fn plan(&self, place: Place) -> Plan {
        let library = if self.access.proxy.is_some() {
            Route::Proxy
        } else {
            Route::Publisher
        };
        let resolver = self.access.resolver.is_some();
        if place == Place::Campus {
            return Plan {
                case: Case::Campus,
                first: Route::Campus,
                second: None,
                resolver: false,
            };
        }
        if self.free.is_some() {
            return Plan {
                case: Case::Free,
                first: Route::Oa,
                second: Some(library),
                resolver: false,
            };
        }
        let case = match (library, place) {
            (Route::Proxy, _) => Case::Proxy,
            (_, Place::OffCampus) => Case::OffCampus,
            _ => Case::Unknown,
        };
        Plan {
            case,
            first: library,
            second: None,
            resolver,
        }
    }

    /// The route actually taken when a visitor asks for `asked` (`?route=`): the publisher
    /// from campus counts as campus; a route that does not exist for this paper (no proxy,
    /// no free copy) falls back to the plan's first, so a forced link is never a dead end.
    pub fn forced(&self, asked: Route, place: Place) -> Route {
        let route = match asked {
            Route::Publisher | Route::Campus if place == Place::Campus => Route::Campus,
            Route::Campus => Route::Publisher,
            other => other,
        };
        if self.url(route).is_some() {
            route
        } else {
            self.plan(place).first
        }
    }

    /// Where a route leads; `None` when this paper has no such route.
    pub fn url(&self, route: Route) -> Option<String> {
        match route {
            Route::Campus | Route::Publisher => Some(self.article.to_string()),
            Route::Proxy => self.access.proxy.as_ref().map(|p| p.link(self.article)),
            Route::Oa => self.free.map(str::to_string),
        }
    }
}

/// An OpenURL 1.0 (key/encoded-value) link to the library's resolver for a story: enough
/// for a resolver to find the library's holdings or offer an interlibrary-loan form.
pub fn openurl(resolver: &str, story: &Story) -> String {
    let mut query = url::form_urlencoded::Serializer::new(String::new());
    query
        .append_pair("url_ver", "Z39.88-2004")
        .append_pair("ctx_ver", "Z39.88-2004")
        .append_pair("rft_val_fmt", "info:ofi/fmt:kev:mtx:journal")
        .append_pair("rfr_id", "info:sid/docent")
        .append_pair("rft.genre", "article");
    if let Some(doi) = &story.doi {
        query.append_pair("rft_id", &format!("info:doi/{doi}"));
    }
    if let Some(c) = &story.citation {
        if let Some(title) = &c.title {
            query.append_pair("rft.atitle", title);
        }
        query.append_pair("rft.jtitle", &c.journal);
        if let Some(v) = &c.volume {
            query.append_pair("rft.volume", v);
        }
        if let Some(p) = &c.pages {
            let mut pages = p.split(['-', '–']);
            if let Some(first) = pages.next() {
                query.append_pair("rft.spage", first.trim());
            }
            if let Some(last) = pages.next() {
                query.append_pair("rft.epage", last.trim());
            }
        }
        if let Some(d) = c.issue_date {
            query.append_pair("rft.date", &d.to_string());
        }
        if let Some(aulast) = c.authors.as_deref().and_then(cite::first_surname) {
            query.append_pair("rft.aulast", aulast);
        }
    }
    let joiner = if resolver.contains('?') { '&' } else { '?' };
    format!("{resolver}{joiner}{}", query.finish())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::Proxy;
    use std::net::IpAddr;

    fn access(campus: &[&str], proxy: Option<&str>) -> Access {
        Access {
            campus_networks: campus.iter().map(|n| n.parse().unwrap()).collect(),
            proxy: proxy.map(|p| Proxy {
                prefix: p.into(),
                encode: Proxy::encodes_by_default(p),
            }),
            resolver: Some("https://resolver.example.edu/openurl".into()),
        }
    }

    #[test]
    fn campus_networks_hold_ipv4_ipv6_and_mapped_addresses() {
        let a = access(&["10.0.0.0/8", "2001:db8::/32"], None);
        let ip = |s: &str| Some(s.parse::<IpAddr>().unwrap());
        assert_eq!(a.place(ip("10.2.3.4")), Place::Campus);
        assert_eq!(a.place(ip("::ffff:10.2.3.4")), Place::Campus);
        assert_eq!(a.place(ip("2001:db8:1::5")), Place::Campus);
        assert_eq!(a.place(ip("11.0.0.1")), Place::OffCampus);
        assert_eq!(a.place(ip("2001:db9::1")), Place::OffCampus);
        assert_eq!(a.place(None), Place::Unknown);
        assert_eq!(access(&[], None).place(ip("10.2.3.4")), Place::Unknown);
    }

    #[test]
    fn ezproxy_takes_the_target_as_it_is_and_openathens_encoded() {
        let article = "https://www.nature.com/articles/nature16961?x=1&y=2";
        let ez = Proxy {
            prefix: "https://proxy.example.edu/login?url=".into(),
            encode: false,
        };
        assert_eq!(
            ez.link(article),
            "https://proxy.example.edu/login?url=https://www.nature.com/articles/nature16961?x=1&y=2"
        );
        let athens = "https://go.openathens.net/redirector/example.edu?url=";
        assert!(Proxy::encodes_by_default(athens));
        assert!(Proxy::encodes_by_default(
            "https://proxy.example.edu/login?qurl="
        ));
        assert!(!Proxy::encodes_by_default(&ez.prefix));
        let oa = Proxy {
            prefix: athens.into(),
            encode: true,
        };
        assert_eq!(
            oa.link(article),
            "https://go.openathens.net/redirector/example.edu?url=https%3A%2F%2Fwww.nature.com%2Farticles%2Fnature16961%3Fx%3D1%26y%3D2"
        );
    }

    #[test]
    fn the_route_follows_the_visitor() {
        let a = access(
            &["10.0.0.0/8"],
            Some("https://proxy.example.edu/login?url="),
        );
        let paper = "https://www.nature.com/articles/x";
        let closed = Ways {
            access: &a,
            article: paper,
            free: None,
        };
        let open = Ways {
            free: Some("https://arxiv.org/abs/1"),
            ..closed
        };
        assert_eq!(closed.plan(Place::Campus).first, Route::Campus);
        assert_eq!(open.plan(Place::Campus).first, Route::Campus);
        let off = open.plan(Place::OffCampus);
        assert_eq!((off.first, off.second), (Route::Oa, Some(Route::Proxy)));
        let off = closed.plan(Place::OffCampus);
        assert_eq!(
            (off.first, off.second, off.resolver),
            (Route::Proxy, None, true)
        );
        assert_eq!(
            closed.url(Route::Proxy).unwrap(),
            "https://proxy.example.edu/login?url=https://www.nature.com/articles/x"
        );
        // Forcing: publisher from campus is campus; a missing route falls back.
        assert_eq!(
            closed.forced(Route::Publisher, Place::Campus),
            Route::Campus
        );
        assert_eq!(
            closed.forced(Route::Publisher, Place::OffCampus),
            Route::Publisher
        );
        assert_eq!(closed.forced(Route::Oa, Place::OffCampus), Route::Proxy);
        let bare = Access::default();
        let plain = Ways {
            access: &bare,
            ..closed
        };
        assert_eq!(plain.plan(Place::Unknown).case, Case::Unknown);
        assert_eq!(plain.forced(Route::Proxy, Place::Unknown), Route::Publisher);
    }

    #[test]
    fn in_app_browsers_get_a_landing_page_before_a_pdf() {
        let named = FreeCopy::named("https://arxiv.org/pdf/1703.01424");
        assert_eq!(named.link(false), Some("https://arxiv.org/pdf/1703.01424"));
        assert_eq!(named.link(true), Some("https://arxiv.org/abs/1703.01424"));
        let page = FreeCopy::named("https://arxiv.org/abs/1703.01424");
        assert_eq!(page.link(true), page.link(false));
        let only_pdf = FreeCopy::named("https://repo.example.org/paper.PDF?download=1");
        assert_eq!(
            only_pdf.link(true),
            Some("https://repo.example.org/paper.PDF?download=1"),
            "no landing page known: the PDF rather than nothing"
        );
    }
}

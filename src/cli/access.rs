//! `docent access`: for each story, its DOI, whether a free copy is known (named by hand,
//! found by Unpaywall, or not) and the route a visitor off campus would get, so staff can
//! see before the opening what a visitor on mobile data will reach.

use std::collections::HashMap;
use std::fmt::Write;

use anyhow::Context;
use jiff::Timestamp;

use crate::access::unpaywall::{self, Checked, Client};
use crate::access::{FreeCopy, Route, Ways};
use crate::catalog::{Catalog, Exhibition, Place, Story};
use crate::error_chain;
use crate::store::Store;

pub struct AccessReport<'a> {
    pub catalog: &'a Catalog,
    /// Only this exhibition; all of them when `None`.
    pub exhibition: Option<&'a str>,
    /// Where cached Unpaywall answers are read (and fresh ones kept).
    pub store: Option<&'a Store>,
    /// Ask Unpaywall now.
    pub unpaywall: Option<Client>,
    pub now: Timestamp,
}

impl AccessReport<'_> {
    /// The report, or why it cannot be made (an unknown exhibition, an unreadable cache).
    pub fn write(&self) -> anyhow::Result<String> {
        let shows: Vec<&Exhibition> = self
            .catalog
            .exhibitions
            .iter()
            .filter(|e| self.exhibition.is_none_or(|id| e.id == id))
            .collect();
        if shows.is_empty() {
            let known: Vec<&str> = self
                .catalog
                .exhibitions
                .iter()
                .map(|e| e.id.as_str())
                .collect();
            anyhow::bail!(
                "no exhibition `{}`; there are: {}",
                self.exhibition.unwrap_or(""),
                known.join(", ")
            );
        }
        let mut cache = match self.store {
            Some(store) => store
                .free_copies()
                .context("cannot read the cached Unpaywall answers")?,
            None => HashMap::new(),
        };
        let mut out = String::new();
        for e in shows {
            self.ask_now(e, &mut cache, &mut out);
            self.exhibition_lines(e, &cache, &mut out);
        }
        Ok(out)
    }

    /// Looks the exhibition's DOIs up now when `--unpaywall-email` is given.
    fn ask_now(&self, e: &Exhibition, cache: &mut HashMap<String, Checked>, out: &mut String) {
        let Some(client) = &self.unpaywall else {
            return;
        };
        for doi in e.stories.iter().filter_map(|s| s.doi.as_deref()) {
            let key = unpaywall::doi_key(doi);
            match client.lookup(&key) {
                Ok(copy) => {
                    let checked = Checked { at: self.now, copy };
                    if let Some(store) = self.store {
                        let _ = store.put_free_copy(&key, &checked);
                    }
                    cache.insert(key, checked);
                }
                Err(e) => {
                    let _ = writeln!(
                        out,
                        "! Unpaywall lookup of {key} failed: {}",
                        error_chain(&e)
                    );
                }
            }
        }
    }

    fn exhibition_lines(&self, e: &Exhibition, cache: &HashMap<String, Checked>, out: &mut String) {
        let a = &e.access;
        let _ = writeln!(out, "{}", e.id);
        let _ = writeln!(
            out,
            "  campus networks: {}",
            if a.campus_networks.is_empty() {
                "none listed (visitors' place is not known)".to_string()
            } else {
                a.campus_networks
                    .iter()
                    .map(|n| n.to_string())
                    .collect::<Vec<_>>()
                    .join(", ")
            }
        );
        let _ = writeln!(
            out,
            "  proxy: {}",
            a.proxy.as_ref().map_or("none".to_string(), |p| format!(
                "{}{}",
                p.prefix,
                if p.encode {
                    " (target URL-encoded)"
                } else {
                    ""
                }
            ))
        );
        let _ = writeln!(
            out,
            "  resolver: {}",
            a.resolver.as_deref().unwrap_or("none")
        );
        for story in &e.stories {
            let (status, copy) = free_status(story, cache);
            let ways = Ways {
                access: a,
                article: &story.article_url,
                free: copy.as_ref().and_then(|c| c.link(false)),
            };
            let plan = ways.plan(Place::OffCampus);
            let mut route = describe(plan.first, &ways);
            if let Some(second) = plan.second {
                route.push_str(&format!(", then {}", describe(second, &ways)));
            }
            if plan.resolver {
                route.push_str(", resolver as fallback");
            }
            let _ = writeln!(out, "  {}", story.id);
            let _ = writeln!(
                out,
                "    doi:        {}",
                story.doi.as_deref().unwrap_or("none")
            );
            let _ = writeln!(out, "    free copy:  {status}");
            let _ = writeln!(out, "    off campus: {route}");
        }
    }
}

/// What is known about a story's free copy, and the copy.
fn free_status(story: &Story, cache: &HashMap<String, Checked>) -> (String, Option<FreeCopy>) {
    if let Some(url) = &story.oa_url {
        return (format!("named by hand: {url}"), Some(FreeCopy::named(url)));
    }
    let Some(doi) = &story.doi else {
        return ("none (no DOI to look up)".into(), None);
    };
    match cache.get(&unpaywall::doi_key(doi)) {
        None => (
            "not looked up yet (serve or access with --unpaywall-email)".into(),
            None,
        ),
        Some(Checked { at, copy: None }) => (format!("none (Unpaywall, {at})"), None),
        Some(Checked { at, copy: Some(c) }) => {
            let link = c.link(false).unwrap_or("");
            let kind = [
                c.host_type.as_deref(),
                c.version.as_deref(),
                c.license.as_deref(),
            ]
            .into_iter()
            .flatten()
            .collect::<Vec<_>>()
            .join(", ");
            (format!("{link} (Unpaywall, {at}; {kind})"), Some(c.clone()))
        }
    }
}

fn describe(route: Route, ways: &Ways<'_>) -> String {
    let url = ways.url(route).unwrap_or_default();
    let name = match route {
        Route::Oa => "free copy",
        Route::Proxy => "proxy",
        Route::Campus | Route::Publisher => "publisher",
    };
    format!("{name} {url}")
}

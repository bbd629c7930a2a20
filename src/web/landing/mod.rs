//! The pages visitors reach from a code: the landing page behind every code (`/s/{code}`,
//! `story_page`), the article redirect (`/go/{code}`, by the route `access` picks for where the
//! visitor stands), the citation to take home (`/cite/{code}.ris|.bib`), the exhibition
//! overview (`/e/{exhibition}`) and `/`, the friendly 404, and what a landing page sends
//! back (`/c/{code}/...`: confirmation, read-through, reactions, poll answers; `engage`).
//!
//! The page is served even when logging fails: the failure is counted and logged, never shown
//! (`recording`). Landing and exhibition pages are rendered once per variant and then served
//! from memory (`pages`); the scan is still recorded on every request.

mod citation;
mod clients;
mod engage;
mod exhibition_page;
mod go;
mod listen;
pub(super) mod nav;
mod not_found;
mod recording;
mod request;
mod story_page;
mod story_view;
mod words;

pub(super) use citation::cite;
pub(super) use engage::{Thanks, answer, beacon, react};
pub(super) use exhibition_page::{exhibition, home};
pub(super) use go::go;
pub(super) use listen::listen;
pub(super) use nav::Nav;
pub(super) use not_found::not_found;
pub(super) use story_page::landing;

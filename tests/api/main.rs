//! Black-box tests: the real server on port 0 with a temp sled store, spoken to over HTTP,
//! and the real `docent` binary. One test binary for all of them (faster to link).

mod access;
mod admin;
mod admin_lang;
mod check;
mod cluster_trust;
mod digests;
mod durability;
mod editor;
mod editor_messages;
mod engagement;
mod figures_words;
mod helpers;
mod import;
mod layout;
mod log_volume;
mod logging;
mod oidc;
mod ops;
mod ops_hardening;
mod organizers;
mod pages;
mod people;
mod printing;
mod privacy;
mod replicas;
mod retention;
mod robustness;
mod roles;
mod saves;
mod sessions;
mod simulate;
mod small_counts;
mod throttle;
mod uploads;
mod visitor;

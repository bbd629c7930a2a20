//! docent: exhibit files in, printed QR codes, a landing page per code, counted scans,
//! rotating content and statistics out. `main.rs` is only the command line over this.

#![forbid(unsafe_code)]

pub mod access;
pub mod alerts;
pub mod catalog;
pub mod cli;
pub mod clock;
pub mod config;
pub mod covers;
pub mod i18n;
pub mod import;
pub mod lang;
pub mod mail;
pub mod metrics;
pub mod ops;
pub mod people;
pub mod print;
pub mod qr;
pub mod replica;
pub mod report;
pub mod retention;
pub mod sharelink;
pub mod simulate;
pub mod smtp;
pub mod sso;
pub mod staff;
pub mod startup;
pub mod stats;
pub mod store;
pub mod visitor;
pub mod web;

/// An error and its causes on one line: "a: b: c".
pub fn error_chain(e: &dyn std::error::Error) -> String {
    let mut line = e.to_string();
    let mut source = e.source();
    while let Some(cause) = source {
        line.push_str(": ");
        line.push_str(&cause.to_string());
        source = cause.source();
    }
    line
}

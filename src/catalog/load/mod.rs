//! Reading `exhibits/`: TOML files in, a validated `Catalog` out, or every problem found,
//! each reported as `path:line: message` so staff can go straight to the mistake.
//!
//! Loading is two stages: serde reads each file into `Raw*` structs (`raw`; unknown fields
//! refused, spans kept), then `check_*` turns them into catalog types, collecting problems
//! (`problems`) instead of stopping at the first one. This file walks the folders; each part of
//! an exhibition is checked in a file of its own.

mod access_table;
mod audio;
mod codes;
mod exhibition;
mod feedback;
mod fields;
mod languages;
mod notify_tables;
mod problems;
mod raw;
mod schedule;
mod source;
mod stations;
mod stories;
mod unknown;
pub mod values;

use std::path::{Path, PathBuf};

use super::Catalog;
use codes::{check_unique_codes, index_codes};
use exhibition::load_exhibition;
use problems::Findings;
pub use problems::Problem;

const EXHIBITION_FILE: &str = "exhibition.toml";
const STORIES_DIR: &str = "stories";
const DEFAULT_DISTANCE_M: f64 = 1.0;
const DISTANCE_RANGE_M: std::ops::RangeInclusive<f64> = 0.2..=30.0;

/// Loads every exhibition folder under `dir`, or `dir` itself when it is one exhibition's folder
/// (staff run `docent check exhibits/my-show` on the show they are editing).
pub fn load(dir: &Path) -> Result<Catalog, Vec<Problem>> {
    let mut report = Findings::default();
    let mut exhibitions = Vec::new();
    let folders = if dir.join(EXHIBITION_FILE).is_file() {
        vec![dir.to_path_buf()]
    } else {
        exhibition_folders(dir, &mut report)
    };
    for folder in folders {
        if let Some(exhibition) = load_exhibition(&folder, &mut report) {
            exhibitions.push(exhibition);
        }
    }
    if exhibitions.is_empty() && report.problems.is_empty() {
        report.file(
            dir,
            "no exhibition found: expected a folder holding exhibition.toml, or a folder of them",
        );
    }
    check_unique_codes(&mut report);
    if report.problems.is_empty() {
        Ok(Catalog {
            codes: index_codes(&exhibitions),
            exhibitions,
        })
    } else {
        Err(report.problems)
    }
}

/// What is allowed but likely a slip, one line each (`path: hint: ...`): a story that no phase
/// shows is never on any station, so no visitor finds it by scanning.
pub fn hints(catalog: &Catalog) -> Vec<String> {
    let mut hints = Vec::new();
    for e in &catalog.exhibitions {
        for (i, story) in e.stories.iter().enumerate() {
            if !e.phases.iter().any(|p| p.show.contains(&i)) {
                hints.push(format!(
                    "{}: hint: no phase shows the story `{}`, so visitors reach it only by its own code ({}); to put it on a station, name it in a phase's [phases.show] (or schedule a phase from the dashboard)",
                    e.dir.join(STORIES_DIR).join(format!("{}.toml", story.id)).display(),
                    story.id,
                    story.code,
                ));
            }
        }
    }
    hints
}

fn exhibition_folders(dir: &Path, report: &mut Findings) -> Vec<PathBuf> {
    let entries = match std::fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(e) => {
            report.file(
                dir,
                format!(
                    "cannot read the exhibits folder: {}",
                    problems::io_words(&e)
                ),
            );
            return vec![];
        }
    };
    let mut folders: Vec<PathBuf> = entries
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.is_dir() && !is_hidden(p))
        .collect();
    folders.sort();
    folders
}

fn is_hidden(path: &Path) -> bool {
    path.file_name()
        .and_then(|n| n.to_str())
        .is_some_and(|n| n.starts_with('.'))
}

//! Codes across the server: where each was written, the uniqueness check over every
//! exhibition, and the index from code to station or story.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use super::problems::{Findings, Problem};
use crate::catalog::{Code, Exhibition, Target};

/// Where a code is written: kept for every code read, so a duplicate names both places.
pub(super) struct CodeSite {
    pub(super) code: Code,
    pub(super) path: PathBuf,
    pub(super) line: usize,
    pub(super) owner: String,
}

/// Codes are unique on the server (case-insensitive). A duplicate is one mistake, so it gets one
/// message naming both places; neither is assumed to be the wrong one (a copied demo is as
/// likely to hold the printed code as the new show), and the message is filed under the file
/// edited last, where the staff member is most likely looking.
pub(super) fn check_unique_codes(report: &mut Findings) {
    let sites = std::mem::take(&mut report.codes);
    let mut first: HashMap<&Code, &CodeSite> = HashMap::new();
    for site in &sites {
        let Some(other) = first.get(&site.code).copied() else {
            first.insert(&site.code, site);
            continue;
        };
        let (here, there) = if modified(&other.path) > modified(&site.path) {
            (other, site)
        } else {
            (site, other)
        };
        report.problems.push(Problem {
            path: here.path.clone(),
            line: Some(here.line),
            message: format!(
                "code `{}`: {} has it, and so has {} at {}:{}; codes must be unique on the server (case does not count): give one of them another code (keep the one already printed)",
                site.code,
                here.owner,
                there.owner,
                there.path.display(),
                there.line
            ),
        });
    }
}

fn modified(path: &Path) -> Option<std::time::SystemTime> {
    std::fs::metadata(path).and_then(|m| m.modified()).ok()
}

/// The code index; called only on a catalog without problems, so every code is unique.
pub(super) fn index_codes(exhibitions: &[Exhibition]) -> HashMap<Code, Target> {
    let mut codes: HashMap<Code, Target> = HashMap::new();
    for (e, exhibition) in exhibitions.iter().enumerate() {
        for (i, s) in exhibition.stations.iter().enumerate() {
            let target = Target::Station {
                exhibition: e,
                station: i,
            };
            codes.entry(s.code.clone()).or_insert(target);
        }
        for (i, s) in exhibition.stories.iter().enumerate() {
            let target = Target::Story {
                exhibition: e,
                story: i,
            };
            codes.entry(s.code.clone()).or_insert(target);
        }
    }
    codes
}

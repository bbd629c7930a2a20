//! `[[stations]]`: each station's id, code, place and scan distance.

use super::exhibition::Loaded;
use super::fields::{check_code, check_distance, is_station_id};
use super::languages::{Langs, required_text};
use super::problems::Findings;
use super::raw::RawStation;
use super::source::Source;
use crate::catalog::Station;

pub(super) fn check_stations(
    src: &Source,
    exhibition: &str,
    raw: &[RawStation],
    default_distance: f64,
    langs: Langs,
    report: &mut Findings,
) -> Loaded<Station> {
    if raw.is_empty() {
        report.file(
            &src.path,
            "no [[stations]]: an exhibition needs at least one station",
        );
    }
    let mut stations: Loaded<Station> = Loaded {
        good: Vec::new(),
        broken: Vec::new(),
    };
    for s in raw {
        let id = s.id.get_ref().trim();
        if !is_station_id(id) {
            report.at(
                src,
                s.id.span(),
                format!("stations.id: `{id}` must be 1-16 letters, digits or '-'"),
            );
        } else if stations.good.iter().any(|other| other.id == id) {
            report.at(
                src,
                s.id.span(),
                format!("stations.id: `{id}` is used by another station"),
            );
        }
        let code = check_code(src, &s.code, "stations.code", report);
        let scan_distance_m =
            check_distance(src, s.scan_distance_m.as_ref(), default_distance, report);
        let whose = format!("station `{id}`");
        let place = required_text(
            src,
            s.place.as_ref(),
            &s.id,
            "stations.place",
            &whose,
            langs,
            report,
        );
        let Some(code) = code else {
            stations.broken.push(id.to_string());
            continue;
        };
        let owner = format!("station `{id}` of `{exhibition}`");
        report.code(src, s.code.span(), &code, owner);
        stations.good.push(Station {
            id: id.to_string(),
            code,
            place,
            scan_distance_m,
        });
    }
    stations
}

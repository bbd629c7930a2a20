//! The figures' own unit tests: rows as the JSON shows them, known keys before those seen.
use super::*;

#[test]
fn rows_become_the_json_scripts_read() {
    let row = Row {
        key: InApp::WeCom,
        figures: Figures {
            scans: 2,
            opens: 1,
            open_rate: 0.5,
            ..Figures::default()
        },
    };
    assert_eq!(
        serde_json::to_value(&row).unwrap(),
        serde_json::json!({
            "key": "wecom", "label": "WeCom", "scans": 2, "browses": 0, "visitors": 0,
            "opens": 1, "shares": 0, "open_rate": 0.5, "confirmed": 0, "read_to_end": 0,
            "read_rate": 0.0, "reactions": {}, "citations": 0, "listens": 0
        })
    );
    let day: Date = "2026-11-20".parse().unwrap();
    let json = serde_json::to_value(Row {
        key: day,
        figures: Figures::default(),
    })
    .unwrap();
    assert_eq!(
        (json["key"].as_str(), json["label"].as_str()),
        (Some("2026-11-20"), Some("2026-11-20"))
    );
}

#[test]
fn known_keys_come_first_then_the_others_seen() {
    let mut tally = Tally::default();
    tally.add_name("gone", Metric::Scans, 4);
    tally.add_name("alphago", Metric::Scans, 1);
    tally.add_name("alphago", Metric::Opens, 1);
    let rows = tally.named(vec![
        Named::new("zika", |_| "Zika".into()),
        Named::new("alphago", |_| "AlphaGo".into()),
    ]);
    let seen: Vec<(&str, u64, u64)> = rows
        .iter()
        .map(|r| (r.key.id.as_str(), r.figures.scans, r.figures.opens))
        .collect();
    assert_eq!(seen, [("zika", 0, 0), ("alphago", 1, 1), ("gone", 4, 0)]);
    assert_eq!(rows[2].label(Lang::ZH), "gone", "a removed story by its id");

    let mut apps = Tally::default();
    apps.add(InApp::Line, Metric::Scans, 1);
    let rows = apps.every();
    assert_eq!(rows.len(), InApp::ALL.len(), "every app has a row");
    assert_eq!(rows.iter().map(|r| r.figures.scans).sum::<u64>(), 1);
}

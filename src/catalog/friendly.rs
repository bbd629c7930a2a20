//! Plain-language explanations for the TOML mistakes staff make most often (Chinese-keyboard
//! quotes, unquoted text, dates written the local way, `[phases]` for `[[phases]]`), each saying
//! what to type instead. The TOML parser's own message ("invalid date", "duplicate key") names
//! a symptom; these name the fix. Anything not recognised keeps the parser's message.

/// Fields holding a bare TOML date or date-time.
const DATE_KEYS: [&str; 5] = ["opens", "closes", "starts", "ends", "issue_date"];
/// Fields holding a number or a list: never "put it in quotes".
const NOT_TEXT_KEYS: [&str; 2] = ["scan_distance_m", "topics"];
/// Tables that are lists of blocks and so need double brackets.
const ARRAY_TABLES: [&str; 2] = ["phases", "stations"];
/// Quote marks a Chinese input method types in place of `"`.
const CURLY_QUOTES: [char; 7] = ['“', '”', '‘', '’', '＂', '「', '」'];

/// The line and message for a parse error at `line` (1-based) of `text`, when the mistake is a
/// known one.
pub(super) fn explain(text: &str, line: Option<usize>) -> Option<(usize, String)> {
    if let Some(found) = single_bracket_list(text) {
        return Some(found);
    }
    let line = line?;
    let (key, value) = key_value(text.lines().nth(line.checked_sub(1)?)?)?;
    let message = if value.starts_with(CURLY_QUOTES) {
        format!(
            "`{key}`: text goes in straight double quotes \"...\", not the Chinese-keyboard quotes “...”: switch the input method to English (half-width) to type the quotes around the text (quotes inside the text may stay as they are)"
        )
    } else if DATE_KEYS.contains(&key) {
        date_message(key, value)?
    } else if let Some(number) = quoted_number(key, value) {
        format!("`{key}`: a number goes without quotes: write {key} = {number}")
    } else if !NOT_TEXT_KEYS.contains(&key) && looks_unquoted(value) {
        format!(
            "`{key}`: text goes in double quotes: write {key} = \"{value}\"",
            value = value.replace('"', "\\\"")
        )
    } else {
        return None;
    };
    Some((line, message))
}

/// `[phases]` written where `[[phases]]` is meant: the parser calls the second one a duplicate
/// key, or the only one "a map, expected a sequence".
fn single_bracket_list(text: &str) -> Option<(usize, String)> {
    text.lines().enumerate().find_map(|(i, l)| {
        let header = l.split('#').next()?.trim();
        let name = header.strip_prefix('[')?.strip_suffix(']')?.trim();
        ARRAY_TABLES.contains(&name).then(|| {
            (
                i + 1,
                format!("`[{name}]` needs double brackets: write `[[{name}]]`; each of the {name} is one [[{name}]] block"),
            )
        })
    })
}

/// `key = value` with the key's last part (`title.zh` gives `zh`) and the value without a
/// trailing comment; `None` for any other line.
fn key_value(line: &str) -> Option<(&str, &str)> {
    let (key, value) = line.split_once('=')?;
    let key = key.trim().rsplit('.').next()?.trim().trim_matches('"');
    if key.is_empty() || key.contains(char::is_whitespace) {
        return None;
    }
    let value = value.trim();
    let value = if value.starts_with(['"', '\'']) {
        value
    } else {
        value.split('#').next().unwrap_or("").trim()
    };
    Some((key, value))
}

/// `scan_distance_m = "2.5"`: the number inside the quotes, when it is one.
fn quoted_number<'a>(key: &str, value: &'a str) -> Option<&'a str> {
    let inner = value
        .strip_prefix(['"', '\''])?
        .strip_suffix(['"', '\''])?
        .trim();
    (key == "scan_distance_m" && inner.parse::<f64>().is_ok()).then_some(inner)
}

fn looks_unquoted(value: &str) -> bool {
    !value.is_empty()
        && !value.starts_with(['"', '\'', '[', '{'])
        && !matches!(value, "true" | "false")
}

/// A date written another way: `23/02/2018`, `2018.02.23`, `"2018-02-23"`.
fn date_message(key: &str, value: &str) -> Option<String> {
    let example = match key {
        "starts" | "ends" => "2026-12-07T08:00:00",
        "issue_date" => "2018-02-23",
        _ => "2026-11-02",
    };
    let bare = value.trim_matches(['"', '\'']);
    let parts: Vec<&str> = bare.split(['/', '.', '-']).collect();
    let suggestion = match parts.as_slice() {
        [a, b, y] if y.len() == 4 && a.len() <= 2 && b.len() <= 2 => {
            let (a, b): (u8, u8) = (a.parse().ok()?, b.parse().ok()?);
            // Day first unless the first number cannot be a day-of-month-and-month pair.
            let (day, month) = if b > 12 { (b, a) } else { (a, b) };
            Some(format!("{y}-{month:02}-{day:02}"))
        }
        [y, m, d] if y.len() == 4 => Some(format!("{y}-{m:0>2}-{d:0>2}")),
        _ => None,
    };
    let fix = match suggestion {
        Some(s) if key == "starts" || key == "ends" => format!("{key} = {s}T08:00:00"),
        Some(s) => format!("{key} = {s}"),
        None => format!("{key} = {example}"),
    };
    Some(format!(
        "`{key}`: write dates as year-month-day without quotes, such as {fix}; found {value}"
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn day_first_dates_are_turned_around() {
        let (_, m) = explain("issue_date = 23/02/2018\n", Some(1)).unwrap();
        assert!(
            m.contains("such as issue_date = 2018-02-23; found 23/02/2018"),
            "{m}"
        );
        let (_, m) = explain("closes = \"2027-01-08\"\n", Some(1)).unwrap();
        assert!(m.contains("such as closes = 2027-01-08;"), "{m}");
    }

    #[test]
    fn unquoted_text_and_curly_quotes_say_what_to_type() {
        let (_, m) = explain("pages = 490-493\n", Some(1)).unwrap();
        assert!(m.ends_with("write pages = \"490-493\""), "{m}");
        let (_, m) = explain("zh = “围棋”\n", Some(1)).unwrap();
        assert!(m.contains("Chinese-keyboard quotes"), "{m}");
        assert_eq!(explain("colour = \"red\"\n", Some(1)), None);
        assert_eq!(explain("scan_distance_m = x\n", Some(1)), None);
        let (_, m) = explain("scan_distance_m = \"2.5\"\n", Some(1)).unwrap();
        assert!(
            m.ends_with("without quotes: write scan_distance_m = 2.5"),
            "{m}"
        );
    }

    #[test]
    fn a_single_bracket_list_is_found_anywhere() {
        let (line, m) = explain("a = 1\n[phases] # first\nid = \"x\"\n", Some(3)).unwrap();
        assert_eq!(line, 2);
        assert!(m.contains("write `[[phases]]`"), "{m}");
        assert_eq!(explain("[phases.show]\nA1 = 1\n", None), None);
    }
}

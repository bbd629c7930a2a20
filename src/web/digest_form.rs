//! `POST /admin/e/{exhibition}/digest`: an organizer sets the digest's recipients and
//! schedule from the dashboard. The `[digest]` table of exhibition.toml is written with
//! `toml_edit` (the rest of the file, comments and layout, stays byte for byte) through the one
//! save of exhibit files: checked like `docent check` on a scratch copy first, kept in the
//! history, live at once. A rejected save writes nothing and says why.

use std::collections::HashMap;

use actix_web::http::{StatusCode, header};
use actix_web::{HttpRequest, HttpResponse, web};

use super::AppState;
use super::admin_ui::AdminUi;
use super::error::WebError;
use crate::catalog::save::{Change, SaveError};

const FILE: &str = "exhibition.toml";

/// `text` with its `[digest]` table replaced by the form's values (removed when no
/// recipient is given).
fn with_digest(text: &str, form: &HashMap<String, String>) -> Result<String, String> {
    let mut doc: toml_edit::DocumentMut = text.parse().map_err(|e| format!("{e}"))?;
    let field = |name: &str| form.get(name).map_or("", |v| v.trim());
    let recipients: Vec<&str> = field("recipients")
        .split([',', ';', '\n', ' '])
        .map(str::trim)
        .filter(|r| !r.is_empty())
        .collect();
    if recipients.is_empty() {
        doc.remove("digest");
        return Ok(doc.to_string());
    }
    let mut table = toml_edit::Table::new();
    let mut list = toml_edit::Array::new();
    for r in recipients {
        list.push(r);
    }
    table["recipients"] = toml_edit::value(list);
    let day = field("weekly_day");
    if !day.is_empty() {
        let hour: i64 = field("weekly_hour").parse().map_err(|_| {
            format!(
                "weekly hour `{}`: write a number from 0 to 23",
                field("weekly_hour")
            )
        })?;
        let mut weekly = toml_edit::InlineTable::new();
        weekly.insert("day", day.into());
        weekly.insert("hour", hour.into());
        table["weekly"] = toml_edit::value(weekly);
    }
    table["at_phase_end"] = toml_edit::value(form.contains_key("at_phase_end"));
    table["at_closing"] = toml_edit::value(form.contains_key("at_closing"));
    doc["digest"] = toml_edit::Item::Table(table);
    Ok(doc.to_string())
}

pub(super) async fn save(
    state: web::Data<AppState>,
    req: HttpRequest,
    path: web::Path<String>,
    form: web::Form<HashMap<String, String>>,
) -> Result<HttpResponse, WebError> {
    let form = form.into_inner();
    let organizer = super::admin::organizer_with_token(&req, form.get("csrf").map(String::as_str))?;
    let catalog = state.catalog();
    let e = super::admin::find(&catalog, &path)?;
    let t = AdminUi::of(&req, e.time_zone.clone());
    let text = super::editor::read_text(e.dir.join(FILE)).await?;
    let refused = |status: StatusCode, problems: Vec<String>| {
        HttpResponse::build(status)
            .content_type("text/plain; charset=utf-8")
            .body(problems.join("\n") + "\n")
    };
    let edited = match with_digest(&text, &form) {
        Ok(edited) => edited,
        Err(why) => return Ok(refused(StatusCode::UNPROCESSABLE_ENTITY, vec![why])),
    };
    let base = (FILE.to_string(), Some(crate::catalog::edit::version(&text)));
    let change = Change::write(FILE, edited);
    match super::editor::save(&state, e.dir.clone(), base, vec![change], &organizer).await? {
        Ok(()) => {
            super::editor::live(&state).await?;
            tracing::info!(exhibition = %e.id, by = %organizer.name, "digest settings saved from the dashboard");
            Ok(HttpResponse::SeeOther()
                .insert_header((header::LOCATION, format!("/admin/e/{}#digests", e.id)))
                .finish())
        }
        Err(err @ SaveError::Rejected(_)) => Ok(refused(
            StatusCode::UNPROCESSABLE_ENTITY,
            super::editor::said(&err, t.lang),
        )),
        Err(err @ (SaveError::Stale | SaveError::Busy)) => Ok(refused(
            super::editor::refused_status(&err),
            super::editor::said(&err, t.lang),
        )),
        Err(err) => {
            let (status, problem) = super::editor::not_writable(&state, &req, &e.id, err)?;
            Ok(refused(status, vec![problem]))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_digest_table_is_written_and_the_rest_of_the_file_kept() {
        let text = "# the show\ntitle.zh = \"展\"\n\n[digest]\nrecipients = [\"old@x.edu\"]\n";
        let form: HashMap<String, String> = [
            ("recipients", "a@x.edu, b@x.edu"),
            ("weekly_day", "monday"),
            ("weekly_hour", "9"),
            ("at_closing", "on"),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
        let out = with_digest(text, &form).unwrap();
        assert!(out.starts_with("# the show\ntitle.zh = \"展\"\n"), "{out}");
        assert!(
            out.contains("recipients = [\"a@x.edu\", \"b@x.edu\"]"),
            "{out}"
        );
        assert!(
            out.contains("weekly = { day = \"monday\", hour = 9 }"),
            "{out}"
        );
        assert!(out.contains("at_phase_end = false") && out.contains("at_closing = true"));
        assert!(!out.contains("old@x.edu"));
        let none = with_digest(text, &HashMap::new()).unwrap();
        assert!(!none.contains("[digest]"), "{none}");
    }
}

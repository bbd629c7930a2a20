//! The audit trail in the web layer: what the guard records after every state-changing admin
//! request (and sign-ins, sign-outs, backups), the note a handler may add to say what changed,
//! and the pages that show it: `/admin/audit` (every exhibition, admin), `/admin/audit.csv`
//! (the same as CSV) and `/admin/e/{exhibition}/audit` (one exhibition, its organizers).
//!
//! An entry is stored (and sent to the other replicas) before the answer goes out. A failed
//! write does not undo the action it records: it is logged as an error instead.

use actix_web::http::StatusCode;
use actix_web::{HttpMessage, HttpRequest, HttpResponse, web};
use askama::Template;

use super::admin_ui::AdminUi;
use super::auth::Organizer;
use super::error::WebError;
use super::{AppState, no_store};
use crate::store::{AuditEntry, SharedChange};

/// Reads that are audited like changes: a backup carries every scan out.
pub(super) const AUDITED_READS: &[&str] = &["/admin/backup"];

/// What a handler says it changed, for the audit entry of its request.
#[derive(Clone)]
struct Note(String);

/// Adds to the audit entry of this request what changed ("switched to phase-2"), in words.
/// For handlers of state-changing admin routes; the guard writes the entry. A request that
/// answers 200 (a confirmation page, say) is recorded only with a note.
pub(crate) fn note(req: &HttpRequest, what: impl Into<String>) {
    req.extensions_mut().insert(Note(what.into()));
}

pub(super) fn note_of(req: &HttpRequest) -> Option<String> {
    req.extensions().get::<Note>().map(|n| n.0.clone())
}

/// Records an entry, durably, before the caller answers.
pub(super) async fn record(
    state: &AppState,
    account: &str,
    exhibition: Option<String>,
    action: &str,
    detail: String,
) {
    let entry = match AuditEntry::new(state.clock.now(), account, exhibition, action, detail) {
        Ok(entry) => entry,
        Err(e) => {
            tracing::error!(error = %crate::error_chain(&e), action, "an audit entry could not be made");
            return;
        }
    };
    let store = state.store.clone();
    let change = SharedChange::Audit(Box::new(entry));
    match web::block(move || store.change(&change)).await {
        Ok(Ok(_)) => {}
        Ok(Err(e)) => {
            tracing::error!(error = %crate::error_chain(&e), action, "an audit entry could not be stored")
        }
        Err(e) => tracing::error!(error = %e, action, "an audit entry could not be stored"),
    }
}

#[derive(Template)]
#[template(path = "audit.html")]
struct AuditPage {
    t: AdminUi,
    organizer: String,
    csrf: String,
    /// The exhibition shown, or `None` for every one.
    exhibition: Option<String>,
    /// Newest first.
    entries: Vec<AuditEntry>,
}

async fn entries(
    state: &AppState,
    exhibition: Option<String>,
) -> Result<Vec<AuditEntry>, WebError> {
    let store = state.store.clone();
    web::block(move || store.audit_trail(exhibition.as_deref()))
        .await
        .map_err(|e| WebError::internal("audit trail", e))?
        .map_err(|e| WebError::internal("audit trail", e))
}

async fn page_for(
    state: &AppState,
    req: &HttpRequest,
    exhibition: Option<String>,
) -> Result<HttpResponse, WebError> {
    let organizer = Organizer::of(req)?;
    let mut entries = entries(state, exhibition.clone()).await?;
    entries.reverse();
    let page = AuditPage {
        t: AdminUi::of(req, state.day_zone.clone()),
        organizer: organizer.name.clone(),
        csrf: organizer.csrf().to_string(),
        exhibition,
        entries,
    };
    Ok(no_store(page.t.respond(StatusCode::OK, &page)))
}

/// `GET /admin/audit`: every entry, newest first.
pub(super) async fn page(
    state: web::Data<AppState>,
    req: HttpRequest,
) -> Result<HttpResponse, WebError> {
    page_for(&state, &req, None).await
}

/// `GET /admin/e/{exhibition}/audit`: one exhibition's entries.
pub(super) async fn of_exhibition(
    state: web::Data<AppState>,
    req: HttpRequest,
    path: web::Path<String>,
) -> Result<HttpResponse, WebError> {
    let catalog = state.catalog();
    let Some((_, e)) = catalog.exhibition(&path) else {
        return Err(WebError::NotFound(format!("no exhibition `{path}`")));
    };
    page_for(&state, &req, Some(e.id.clone())).await
}

/// `GET /admin/audit.csv`: every entry, oldest first:
/// `time_utc,account,exhibition,action,detail`.
pub(super) async fn csv(state: web::Data<AppState>) -> Result<HttpResponse, WebError> {
    let all = entries(&state, None).await?;
    let mut out = csv::Writer::from_writer(Vec::new());
    let written = (|| {
        out.write_record(["time_utc", "account", "exhibition", "action", "detail"])?;
        for e in &all {
            out.write_record([
                e.at.to_string().as_str(),
                &e.account,
                e.exhibition.as_deref().unwrap_or(""),
                &e.action,
                &e.detail,
            ])?;
        }
        out.into_inner()
            .map_err(|e| csv::Error::from(e.into_error()))
    })();
    let body = written.map_err(|e| WebError::internal("audit export", e))?;
    Ok(no_store(
        HttpResponse::Ok()
            .content_type("text/csv; charset=utf-8")
            .insert_header((
                actix_web::http::header::CONTENT_DISPOSITION,
                "attachment; filename=\"audit.csv\"",
            ))
            .body(body),
    ))
}

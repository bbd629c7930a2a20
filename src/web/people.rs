//! People in the web layer: the admin "People" page (`/admin/people`, add a person, disable,
//! enable, reset, change roles, end sessions, make and revoke API tokens) and "log out
//! everywhere" for oneself (`/admin/me/logout`). The invite page is `invite`.
//!
//! Every change is one new version of the account, stored (and sent to the other replicas)
//! through `Store::change`, then known here: a disabled person's next request is refused.
//! Scripts (`docent user ...`, `Accept: text/plain`) get plain text: the invite link, the token,
//! the list.

use actix_web::http::{StatusCode, header};
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use jiff::{SignedDuration, Timestamp};
use serde::Deserialize;

use super::admin::organizer_with_token;
use super::admin_ui::AdminUi;
use super::auth::Organizer;
use super::error::WebError;
use super::{AppState, no_store};
use crate::people::{self, Account, ApiToken, Grant, Invite, PeopleError};
use crate::store::SharedChange;

#[derive(Template)]
#[template(path = "people.html")]
struct PeoplePage {
    t: AdminUi,
    organizer: String,
    csrf: String,
    /// (account, last sign-in)
    people: Vec<(Account, Option<Timestamp>)>,
    exhibitions: Vec<String>,
    /// Shown once: what was just made (an invite link or an API token), and for whom.
    made: Option<(String, String)>,
    problem: Option<String>,
}

/// `GET /admin/people`: everyone, and the forms to change them.
pub(super) async fn page(
    state: web::Data<AppState>,
    req: HttpRequest,
) -> Result<HttpResponse, WebError> {
    if wants_text(&req) {
        return Ok(text(StatusCode::OK, listing(&state.people.all())));
    }
    render(&state, &req, StatusCode::OK, None, None).await
}

async fn render(
    state: &AppState,
    req: &HttpRequest,
    status: StatusCode,
    made: Option<(String, String)>,
    problem: Option<String>,
) -> Result<HttpResponse, WebError> {
    let organizer = Organizer::of(req)?;
    let store = state.store.clone();
    let logins = web::block(move || store.last_logins())
        .await
        .map_err(|e| WebError::internal("sign-in times", e))?
        .map_err(|e| WebError::internal("sign-in times", e))?;
    let people = state
        .people
        .all()
        .into_iter()
        .map(|a| {
            let at = logins.iter().find(|(n, _)| *n == a.name).map(|(_, at)| *at);
            (a, at)
        })
        .collect();
    let catalog = state.catalog();
    let page = PeoplePage {
        t: AdminUi::of(req, state.day_zone.clone()).toggle_to("/admin/people"),
        organizer: organizer.name.clone(),
        csrf: organizer.csrf().to_string(),
        people,
        exhibitions: catalog.exhibitions.iter().map(|e| e.id.clone()).collect(),
        made,
        problem,
    };
    Ok(no_store(page.t.respond(status, &page)))
}

/// The people as lines of text, for `docent user list`.
fn listing(all: &[Account]) -> String {
    all.iter().map(|a| a.list_line() + "\n").collect()
}

#[derive(Deserialize)]
pub(super) struct AddForm {
    name: String,
    #[serde(default)]
    display_name: String,
    #[serde(default)]
    email: String,
    /// `organizer@nature-covers, viewer`: roles, each over every exhibition or `@` one.
    #[serde(default)]
    roles: String,
    csrf: Option<String>,
}

/// `POST /admin/people`: a new person, with a one-time invite link to set their password.
pub(super) async fn add(
    state: web::Data<AppState>,
    req: HttpRequest,
    form: web::Form<AddForm>,
) -> Result<HttpResponse, WebError> {
    let organizer = organizer_with_token(&req, form.csrf.as_deref())?;
    let now = state.clock.now();
    let made = (|| {
        let grants = parse_grants(&state, &form.roles)?;
        let mut account = Account::new(&form.name, grants, now)?;
        let display = people::parse_display_name(&form.display_name)?;
        if !display.is_empty() {
            account.display_name = display;
        }
        account.email = people::parse_email(&form.email)?;
        Ok::<_, PeopleError>(account)
    })();
    let mut account = match made {
        Ok(account) => account,
        Err(e) => return refuse(&state, &req, e.to_string()).await,
    };
    let _changing = state.people.changing().await;
    if state.people.get(&account.name).is_some() {
        let why = format!(
            "name `{}`: someone has this name already; use `docent user reset {}` for a new invite",
            account.name, account.name
        );
        return refuse(&state, &req, why).await;
    }
    let link = new_invite(&state, &mut account)?;
    store(&state, account.clone()).await?;
    tracing::info!(account = %account.name, roles = %account.roles_text(), by = %organizer.name, "person added");
    super::audit::note(
        &req,
        format!(
            "{} added as {}, invited",
            account.name,
            account.roles_text()
        ),
    );
    made_page(&state, &req, &account.name, link).await
}

/// A new invite on `account`; the link to send the person.
fn new_invite(state: &AppState, account: &mut Account) -> Result<String, WebError> {
    let token = people::secret::random_token().map_err(|e| WebError::internal("invite", e))?;
    account.invite = Some(Invite {
        hash: people::secret::token_hash(&token),
        expires: state.clock.now() + SignedDuration::from_hours(people::INVITE_HOURS),
    });
    Ok(format!(
        "{}/invite/{token}",
        state.base_url.trim_end_matches('/')
    ))
}

async fn made_page(
    state: &AppState,
    req: &HttpRequest,
    name: &str,
    secret: String,
) -> Result<HttpResponse, WebError> {
    if wants_text(req) {
        return Ok(text(StatusCode::CREATED, format!("{secret}\n")));
    }
    render(
        state,
        req,
        StatusCode::CREATED,
        Some((name.to_string(), secret)),
        None,
    )
    .await
}

/// Grants as written on the form, each exhibition checked against the catalog.
fn parse_grants(state: &AppState, raw: &str) -> Result<Vec<Grant>, PeopleError> {
    let catalog = state.catalog();
    let mut grants = Vec::new();
    for part in raw.split([',', ' ', '\n']).filter(|p| !p.trim().is_empty()) {
        let grant = Grant::parse(part)?;
        if let Some(ex) = &grant.exhibition
            && catalog.exhibition(ex).is_none()
        {
            return Err(PeopleError::NoExhibition(ex.clone()));
        }
        if !grants.contains(&grant) {
            grants.push(grant);
        }
    }
    Ok(grants)
}

async fn refuse(
    state: &AppState,
    req: &HttpRequest,
    why: String,
) -> Result<HttpResponse, WebError> {
    if wants_text(req) {
        return Err(WebError::BadRequest(why));
    }
    render(state, req, StatusCode::BAD_REQUEST, None, Some(why)).await
}

/// Stores a new version of an account, then knows it here.
pub(super) async fn store(state: &AppState, account: Account) -> Result<(), WebError> {
    let (store, change) = (
        state.store.clone(),
        SharedChange::Account(Box::new(account.clone())),
    );
    web::block(move || store.change(&change))
        .await
        .map_err(|e| WebError::internal("account", e))?
        .map_err(|e| WebError::internal("account", e))?;
    state.people.remember(account);
    Ok(())
}

/// The account named in the path, as it is now.
fn person(state: &AppState, name: &str) -> Result<Account, WebError> {
    state
        .people
        .get(name)
        .ok_or_else(|| WebError::NotFound(format!("no person `{name}`")))
}

#[derive(Deserialize)]
pub(super) struct ChangeForm {
    csrf: Option<String>,
    #[serde(default)]
    roles: Option<String>,
    #[serde(default)]
    id: Option<String>,
}

/// Changes a person: a new version made from the current one, sessions ended when `ends`.
async fn change(
    state: &AppState,
    req: &HttpRequest,
    name: &str,
    csrf: Option<&str>,
    ends: bool,
    what: &'static str,
    edit: impl FnOnce(&mut Account) -> Result<(), String>,
) -> Result<HttpResponse, WebError> {
    let organizer = organizer_with_token(req, csrf)?;
    let _changing = state.people.changing().await;
    let current = person(state, name)?;
    let mut next = current.next_version(state.clock.now(), ends);
    if let Err(why) = edit(&mut next) {
        return refuse(state, req, why).await;
    }
    store(state, next).await?;
    tracing::info!(account = %name, by = %organizer.name, what, "person changed");
    super::audit::note(req, format!("{name}: {what}"));
    if wants_text(req) {
        return Ok(text(StatusCode::OK, format!("{name}: {what}\n")));
    }
    Ok(HttpResponse::SeeOther()
        .insert_header((header::LOCATION, "/admin/people"))
        .finish())
}

const BUILT_IN_FIXED: &str = "the built-in admin's password is DOCENT_ADMIN_PASSWORD and its role is admin: they cannot be changed here";

/// `POST /admin/people/{name}/disable`: refused from the next request on, everywhere.
pub(super) async fn disable(
    state: web::Data<AppState>,
    req: HttpRequest,
    path: web::Path<String>,
    form: web::Form<ChangeForm>,
) -> Result<HttpResponse, WebError> {
    let csrf = form.csrf.as_deref();
    change(&state, &req, &path, csrf, true, "disabled", |a| {
        if a.is_built_in() {
            return Err(BUILT_IN_FIXED.into());
        }
        a.disabled = true;
        Ok(())
    })
    .await
}

/// `POST /admin/people/{name}/enable`.
pub(super) async fn enable(
    state: web::Data<AppState>,
    req: HttpRequest,
    path: web::Path<String>,
    form: web::Form<ChangeForm>,
) -> Result<HttpResponse, WebError> {
    change(
        &state,
        &req,
        &path,
        form.csrf.as_deref(),
        true,
        "enabled",
        |a| {
            a.disabled = false;
            Ok(())
        },
    )
    .await
}

/// `POST /admin/people/{name}/roles`: the roles replaced; the person signs in again.
pub(super) async fn roles(
    state: web::Data<AppState>,
    req: HttpRequest,
    path: web::Path<String>,
    form: web::Form<ChangeForm>,
) -> Result<HttpResponse, WebError> {
    let grants = parse_grants(&state, form.roles.as_deref().unwrap_or(""));
    let csrf = form.csrf.as_deref();
    change(&state, &req, &path, csrf, true, "roles changed", |a| {
        if a.is_built_in() {
            return Err(BUILT_IN_FIXED.into());
        }
        a.grants = grants.map_err(|e| e.to_string())?;
        Ok(())
    })
    .await
}

/// `POST /admin/people/{name}/logout`: every session of the person ends.
pub(super) async fn logout_everywhere(
    state: web::Data<AppState>,
    req: HttpRequest,
    path: web::Path<String>,
    form: web::Form<ChangeForm>,
) -> Result<HttpResponse, WebError> {
    let csrf = form.csrf.as_deref();
    change(
        &state,
        &req,
        &path,
        csrf,
        true,
        "logged out everywhere",
        |_| Ok(()),
    )
    .await
}

/// `POST /admin/me/logout`: "log out everywhere" for the person asking.
pub(super) async fn logout_myself_everywhere(
    state: web::Data<AppState>,
    req: HttpRequest,
    form: web::Form<ChangeForm>,
) -> Result<HttpResponse, WebError> {
    let me = organizer_with_token(&req, form.csrf.as_deref())?;
    let _changing = state.people.changing().await;
    let next = person(&state, &me.name)?.next_version(state.clock.now(), true);
    store(&state, next).await?;
    tracing::info!(account = %me.name, "logged out everywhere");
    super::audit::note(&req, format!("{}: logged out everywhere", me.name));
    let mut gone = actix_web::cookie::Cookie::build("docent_admin", "")
        .path("/")
        .finish();
    gone.make_removal();
    Ok(HttpResponse::SeeOther()
        .insert_header((header::LOCATION, "/login"))
        .cookie(gone)
        .finish())
}

/// `POST /admin/people/{name}/reset`: the password is removed, every session ends, and a new
/// invite link is made (the old one, if any, stops working).
pub(super) async fn reset(
    state: web::Data<AppState>,
    req: HttpRequest,
    path: web::Path<String>,
    form: web::Form<ChangeForm>,
) -> Result<HttpResponse, WebError> {
    let organizer = organizer_with_token(&req, form.csrf.as_deref())?;
    let _changing = state.people.changing().await;
    let current = person(&state, &path)?;
    if current.is_built_in() {
        return refuse(&state, &req, BUILT_IN_FIXED.into()).await;
    }
    let mut next = current.next_version(state.clock.now(), true);
    next.password_hash = None;
    let link = new_invite(&state, &mut next)?;
    store(&state, next).await?;
    tracing::info!(account = %path, by = %organizer.name, "password reset, new invite");
    super::audit::note(&req, format!("{path}: password removed, new invite"));
    made_page(&state, &req, &path, link).await
}

/// `POST /admin/people/{name}/tokens`: a personal API token, shown once.
pub(super) async fn token_add(
    state: web::Data<AppState>,
    req: HttpRequest,
    path: web::Path<String>,
    form: web::Form<ChangeForm>,
) -> Result<HttpResponse, WebError> {
    let organizer = organizer_with_token(&req, form.csrf.as_deref())?;
    let _changing = state.people.changing().await;
    let current = person(&state, &path)?;
    let (token, hash, id) =
        people::secret::new_api_token(&current.name).map_err(|e| WebError::internal("token", e))?;
    let now = state.clock.now();
    let mut next = current.next_version(now, false);
    next.tokens.push(ApiToken {
        id: id.clone(),
        hash,
        created: now,
    });
    store(&state, next).await?;
    super::audit::note(&req, format!("{path}: API token {id} made"));
    tracing::info!(account = %path, id, by = %organizer.name, "API token made");
    made_page(&state, &req, &path, token).await
}

/// `POST /admin/people/{name}/tokens/revoke` (`id=`): the token stops working at once.
pub(super) async fn token_revoke(
    state: web::Data<AppState>,
    req: HttpRequest,
    path: web::Path<String>,
    form: web::Form<ChangeForm>,
) -> Result<HttpResponse, WebError> {
    let id = form.id.clone().unwrap_or_default();
    let csrf = form.csrf.as_deref();
    change(&state, &req, &path, csrf, false, "API token revoked", |a| {
        let before = a.tokens.len();
        a.tokens.retain(|t| t.id != id);
        if a.tokens.len() == before {
            return Err(format!("id `{id}`: no such token of {}", a.name));
        }
        Ok(())
    })
    .await
}

fn wants_text(req: &HttpRequest) -> bool {
    req.headers()
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|a| a.starts_with("text/plain"))
}

fn text(status: StatusCode, body: String) -> HttpResponse {
    no_store(
        HttpResponse::build(status)
            .content_type("text/plain; charset=utf-8")
            .body(body),
    )
}

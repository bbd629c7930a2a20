//! `docent user add|list|disable|reset` and `docent token add`: people and their API tokens
//! from the command line. Like `docent share`, each asks the running server first (`--bind`,
//! with `DOCENT_ADMIN_PASSWORD`, so the change is in force at once and reaches the other
//! replicas), and works on the store in `--data` when no server runs.

use anyhow::{Context, anyhow, bail};
use jiff::{SignedDuration, Timestamp};

use crate::ops::{Offline, ServerError, agent, answer, basic_auth, local_origin};
use crate::people::{self, Account, ApiToken, Grant, Invite};
use crate::store::{SharedChange, Store};

/// One of the commands, with what it needs.
pub enum Request<'a> {
    Add {
        name: &'a str,
        role: &'a str,
        exhibitions: &'a [String],
        display_name: &'a str,
        email: &'a str,
    },
    List,
    Disable(&'a str),
    Reset(&'a str),
    Token(&'a str),
}

/// Runs a request against the server at `bind`, or on `offline` when none runs. Returns what
/// to print (the invite link, the token, the list) and a note for the operator.
pub fn run(
    request: &Request<'_>,
    bind: &str,
    password: &str,
    offline: &Offline<'_>,
) -> anyhow::Result<(String, String)> {
    let origin = local_origin(bind);
    let (path, form): (String, Vec<(&str, String)>) = match request {
        Request::Add {
            name,
            display_name,
            email,
            ..
        } => (
            "/admin/people".into(),
            vec![
                ("name", name.to_string()),
                ("display_name", display_name.to_string()),
                ("email", email.to_string()),
                ("roles", grants_text(request)?),
            ],
        ),
        Request::List => ("/admin/people".into(), vec![]),
        Request::Disable(name) => (format!("/admin/people/{name}/disable"), vec![]),
        Request::Reset(name) => (format!("/admin/people/{name}/reset"), vec![]),
        Request::Token(name) => (format!("/admin/people/{name}/tokens"), vec![]),
    };
    let url = format!("{origin}{path}");
    let call = agent(Some(std::time::Duration::from_secs(30)));
    let auth = basic_auth("command line", password);
    let sent = match request {
        Request::List => call
            .get(&url)
            .header("Authorization", &auth)
            .header("Accept", "text/plain")
            .call(),
        _ => call
            .post(&url)
            .header("Authorization", &auth)
            .header("Accept", "text/plain")
            .send_form(form.iter().map(|(k, v)| (*k, v.as_str()))),
    };
    match answer(&url, password, sent) {
        Ok(mut reply) => {
            let body = reply
                .body_mut()
                .read_to_string()
                .with_context(|| format!("reading the answer of {url}"))?;
            Ok((body.trim_end().to_string(), note(request, false, offline)))
        }
        Err(ServerError::NoServer { .. }) => {
            let out = offline_run(request, offline, bind)?;
            Ok((out, note(request, true, offline)))
        }
        Err(e) => Err(e.into()),
    }
}

/// `--role R --exhibition A --exhibition B` as the form writes it: `R@A, R@B` (or `R`).
fn grants_text(request: &Request<'_>) -> anyhow::Result<String> {
    let Request::Add {
        role, exhibitions, ..
    } = request
    else {
        return Ok(String::new());
    };
    let role = people::Role::parse(role).map_err(|e| anyhow!("--role: {e}"))?;
    if exhibitions.is_empty() {
        return Ok(role.as_str().to_string());
    }
    let mut parts = Vec::new();
    for ex in *exhibitions {
        Grant::new(role, Some(ex.clone())).map_err(|e| anyhow!("--exhibition: {e}"))?;
        parts.push(format!("{}@{ex}", role.as_str()));
    }
    Ok(parts.join(", "))
}

fn note(request: &Request<'_>, stored: bool, offline: &Offline<'_>) -> String {
    let where_ = if stored {
        format!(
            "no server was running: stored in {} (in force once `docent serve` runs on it)",
            offline.data.display()
        )
    } else {
        "done by the running server".to_string()
    };
    match request {
        Request::Add { .. } | Request::Reset(_) => format!(
            "{where_}; send the person this link: it opens once, for {} hours, to set their password",
            crate::people::INVITE_HOURS
        ),
        Request::Token(_) => {
            format!(
                "{where_}; the token is shown only now: use it as `Authorization: Bearer TOKEN`"
            )
        }
        Request::List => where_,
        Request::Disable(_) => format!("{where_}; their sessions and tokens no longer work"),
    }
}

fn open(offline: &Offline<'_>) -> anyhow::Result<Store> {
    Store::open(offline.data, 32 << 20).with_context(|| {
        format!(
            "no server answered, and the store in {} cannot be opened",
            offline.data.display()
        )
    })
}

fn find(store: &Store, name: &str, offline: &Offline<'_>) -> anyhow::Result<Account> {
    let name = people::parse_name(name)?;
    let stored = store.accounts()?.into_iter().find(|a| a.name == name);
    match stored {
        Some(a) => Ok(a),
        None if name == people::BUILT_IN => Ok(Account::built_in()),
        None => bail!(
            "no person `{name}` in the store in {}",
            offline.data.display()
        ),
    }
}

fn invite_link(
    offline: &Offline<'_>,
    account: &mut Account,
    now: Timestamp,
) -> anyhow::Result<String> {
    let token = people::secret::random_token()?;
    account.invite = Some(Invite {
        hash: people::secret::token_hash(&token),
        expires: now + SignedDuration::from_hours(crate::people::INVITE_HOURS),
    });
    Ok(format!(
        "{}/invite/{token}",
        offline.base_url.trim_end_matches('/')
    ))
}

/// The same changes, made on the store directly.
fn offline_run(request: &Request<'_>, offline: &Offline<'_>, bind: &str) -> anyhow::Result<String> {
    let now = Timestamp::now();
    let save = |store: &Store, account: &Account| -> anyhow::Result<()> {
        store
            .change(&SharedChange::Account(Box::new(account.clone())))
            .with_context(|| format!("cannot store the change in {}", offline.data.display()))?;
        Ok(())
    };
    match request {
        Request::Add {
            name,
            display_name,
            email,
            exhibitions,
            ..
        } => {
            let grants: Vec<Grant> = grants_text(request)?
                .split(", ")
                .map(Grant::parse)
                .collect::<Result<_, _>>()?;
            let store = match exhibitions.first() {
                // `Offline::exhibition` checks the exhibit files name it; the rest are checked
                // against the same catalog.
                Some(first) => {
                    let (catalog, store) = offline.exhibition(first, bind)?;
                    for ex in *exhibitions {
                        if catalog.exhibition(ex).is_none() {
                            bail!(
                                "--exhibition {ex}: no such exhibition in {}",
                                offline.exhibits.display()
                            );
                        }
                    }
                    store
                }
                None => std::sync::Arc::new(open(offline)?),
            };
            let mut account = Account::new(name, grants, now)?;
            let display = people::parse_display_name(display_name)?;
            if !display.is_empty() {
                account.display_name = display;
            }
            account.email = people::parse_email(email)?;
            if store.accounts()?.iter().any(|a| a.name == account.name) || account.is_built_in() {
                bail!(
                    "name `{}`: someone has this name already; use `docent user reset {}` for a new invite",
                    account.name,
                    account.name
                );
            }
            let link = invite_link(offline, &mut account, now)?;
            save(&store, &account)?;
            Ok(link)
        }
        Request::List => {
            let store = open(offline)?;
            let mut all = store.accounts()?;
            if !all.iter().any(Account::is_built_in) {
                all.insert(0, Account::built_in());
            }
            Ok(all
                .iter()
                .map(Account::list_line)
                .collect::<Vec<_>>()
                .join("\n"))
        }
        Request::Disable(name) | Request::Reset(name) => {
            let store = open(offline)?;
            let current = find(&store, name, offline)?;
            if current.is_built_in() {
                bail!("`admin` is built in: its password is DOCENT_ADMIN_PASSWORD");
            }
            let mut next = current.next_version(now, true);
            let out = if let Request::Disable(_) = request {
                next.disabled = true;
                format!("{}: disabled", next.name)
            } else {
                next.password_hash = None;
                invite_link(offline, &mut next, now)?
            };
            save(&store, &next)?;
            Ok(out)
        }
        Request::Token(name) => {
            let store = open(offline)?;
            let current = find(&store, name, offline)?;
            let (token, hash, id) = people::secret::new_api_token(&current.name)?;
            let mut next = current.next_version(now, false);
            next.tokens.push(ApiToken {
                id,
                hash,
                created: now,
            });
            save(&store, &next)?;
            Ok(token)
        }
    }
}

//! Operations run from the command line against the running server or the data folder: the
//! container health check, backups (from the server while it runs, or straight from the
//! store when it does not), restores into an empty store, and the share links and reports that
//! `docent share` and `docent report` get from the server or make from the store. The backup
//! format itself lives in `store::backup`.
//!
//! A command tells "no server answered" (open the store instead) from every other failure by
//! `ServerError::NoServer`; the rest are CLI-only and return `anyhow` errors that name the
//! file, folder or URL involved.

use std::io::ErrorKind;
use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::{Context, anyhow};
use ureq::Body;
use ureq::http::{Response, StatusCode};

use crate::store::{Store, backup};

/// Why the running server did not do what a command asked.
#[derive(Debug, thiserror::Error)]
pub enum ServerError {
    /// Nobody listens at the address: the store may be opened directly.
    #[error("no server answered at {url}")]
    NoServer {
        url: String,
        #[source]
        source: ureq::Error,
    },
    /// A wrong or missing `DOCENT_ADMIN_PASSWORD`.
    #[error(
        "the server at {url} refused the admin password{}",
        if *given {
            " in DOCENT_ADMIN_PASSWORD: it is not the password that server was started with"
        } else {
            ": DOCENT_ADMIN_PASSWORD is not set; set it to the server's admin password"
        }
    )]
    Refused { url: String, given: bool },
    /// It answered, but not with success.
    #[error("{url} answered {status}: {body}")]
    Declined {
        url: String,
        status: StatusCode,
        body: String,
    },
    /// Something listens, but the exchange failed (a timeout, a broken answer, ...).
    #[error("asking {url} failed")]
    Failed {
        url: String,
        #[source]
        source: ureq::Error,
    },
}

/// Whether a failed request means nobody listens at the address. Anything after a connection
/// was made (a timeout, a broken answer) means a server is there, so its store is not ours to
/// open.
fn nobody_listens(e: &ureq::Error) -> bool {
    match e {
        ureq::Error::ConnectionFailed => true,
        ureq::Error::Io(io) => matches!(
            io.kind(),
            ErrorKind::ConnectionRefused
                | ErrorKind::ConnectionReset
                | ErrorKind::ConnectionAborted
                | ErrorKind::NotConnected
                | ErrorKind::AddrNotAvailable
                | ErrorKind::HostUnreachable
                | ErrorKind::NetworkUnreachable
        ),
        _ => false,
    }
}

/// A request's outcome as a success answer or a `ServerError`. The agent must not turn
/// statuses into errors itself (`http_status_as_error(false)`), so a refusal is told apart;
/// `password` (empty for none) says whether a refusal is of a wrong password or of none.
pub(crate) fn answer(
    url: &str,
    password: &str,
    sent: Result<Response<Body>, ureq::Error>,
) -> Result<Response<Body>, ServerError> {
    let url = url.to_string();
    match sent {
        Ok(r) if r.status().is_success() => Ok(r),
        Ok(r) if r.status() == StatusCode::UNAUTHORIZED => Err(ServerError::Refused {
            url,
            given: !password.is_empty(),
        }),
        Ok(mut r) => Err(ServerError::Declined {
            status: r.status(),
            body: r
                .body_mut()
                .read_to_string()
                .unwrap_or_default()
                .trim()
                .to_string(),
            url,
        }),
        Err(source) if nobody_listens(&source) => Err(ServerError::NoServer { url, source }),
        Err(source) => Err(ServerError::Failed { url, source }),
    }
}

/// An agent for the local server; `None` for no overall time limit (a backup streams as long
/// as the store is big).
pub(crate) fn agent(timeout: Option<Duration>) -> ureq::Agent {
    ureq::Agent::config_builder()
        .timeout_global(timeout)
        .http_status_as_error(false)
        .build()
        .into()
}

/// HTTP Basic for the running server's admin routes.
pub(crate) fn basic_auth(user: &str, password: &str) -> String {
    use base64::Engine;
    format!(
        "Basic {}",
        base64::engine::general_purpose::STANDARD.encode(format!("{user}:{password}"))
    )
}

/// `http://` and the bind address, with an all-interfaces bind reached on loopback.
pub(crate) fn local_origin(bind: &str) -> String {
    let bind = bind
        .replace("0.0.0.0", "127.0.0.1")
        .replace("[::]", "[::1]");
    format!("http://{bind}")
}

/// Whether the server at `bind` answers `/healthz` with success.
pub fn healthcheck(bind: &str) -> Result<(), ServerError> {
    let url = format!("{}/healthz", local_origin(bind));
    let sent = agent(Some(Duration::from_secs(5))).get(&url).call();
    answer(&url, "", sent).map(drop)
}

/// Writes a backup to `out`: first to `out.partial`, checked against its trailer, then renamed,
/// so an earlier backup of the same name is never replaced by a broken one. Asks the server at
/// `bind` (signing in with `password`), or reads `data` when no server answers there. Returns
/// what was written, in a line for the operator.
pub fn backup(out: &Path, bind: &str, password: &str, data: &Path) -> anyhow::Result<String> {
    let partial = PathBuf::from(format!("{}.partial", out.display()));
    let outcome = backup_into(&partial, bind, password, data).and_then(|message| {
        std::fs::rename(&partial, out)
            .with_context(|| format!("cannot rename {} to {}", partial.display(), out.display()))?;
        Ok(format!("{}: {message}", out.display()))
    });
    if outcome.is_err() {
        let _ = std::fs::remove_file(&partial);
    }
    outcome.with_context(|| format!("no backup was written to {}", out.display()))
}

fn backup_into(out: &Path, bind: &str, password: &str, data: &Path) -> anyhow::Result<String> {
    let url = format!("{}/admin/backup", local_origin(bind));
    let sent = agent(None)
        .get(&url)
        .header("Authorization", &basic_auth("backup", password))
        .call();
    match answer(&url, password, sent) {
        Ok(mut response) => {
            let mut target = create(out)?;
            // A stream cut short (server stopped, network) leaves no file that looks whole.
            let summary = std::io::copy(&mut response.body_mut().as_reader(), &mut target)
                .and_then(|_| target.sync_all())
                .with_context(|| format!("copying {url} into {}", out.display()))
                .and_then(|()| {
                    backup::verify(out).with_context(|| format!("checking {}", out.display()))
                })
                .context("the backup is incomplete and was removed")?;
            Ok(format!(
                "backup from the running server, {} events ({} records), verified",
                summary.events, summary.rows
            ))
        }
        Err(ServerError::NoServer { .. }) => {
            let store = open_unserved(data, bind)?;
            let mut target = std::io::BufWriter::new(create(out)?);
            let summary = backup::write(&store, &mut target)
                .map_err(anyhow::Error::from)
                .and_then(|summary| {
                    target.into_inner()?.sync_all()?;
                    Ok(summary)
                })
                .with_context(|| format!("writing {} from {}", out.display(), data.display()))?;
            Ok(format!(
                "backup of {} ({} events; no server was running)",
                data.display(),
                summary.events
            ))
        }
        Err(e) => Err(e.into()),
    }
}

/// The store in `data`, opened by this command because no server answered at `bind`. When a
/// server holds it all the same, it listens elsewhere: the operator is told to name it,
/// not shown the database's lock error.
fn open_unserved(data: &Path, bind: &str) -> anyhow::Result<Store> {
    match Store::open(data, 32 << 20) {
        Ok(store) => Ok(store),
        Err(e) if e.is_in_use() => Err(anyhow!(
            "the data folder {} is in use by a running docent, which did not answer at {bind}; \
             pass --bind ADDRESS with the address that server listens on (its --bind or \
             DOCENT_BIND)",
            data.display()
        )),
        Err(e) => Err(anyhow::Error::from(e).context(format!(
            "no server answered at {bind}, and the store in {} cannot be opened",
            data.display()
        ))),
    }
}

fn create(path: &Path) -> anyhow::Result<std::fs::File> {
    std::fs::File::create(path).with_context(|| format!("cannot create {}", path.display()))
}

/// Loads the backup `file` into the empty store at `data`; returns what was restored, in a
/// line for the operator.
pub fn restore(file: &Path, data: &Path) -> anyhow::Result<String> {
    let store = Store::open(data, 32 << 20).with_context(|| {
        format!(
            "cannot open the store in {} (stop the server first)",
            data.display()
        )
    })?;
    let summary = backup::restore(&store, file)
        .with_context(|| format!("cannot restore {} into {}", file.display(), data.display()))?;
    store
        .flush()
        .with_context(|| format!("cannot flush the store in {}", data.display()))?;
    // On the restored store's audit trail; the restore stands even if this cannot be written.
    let detail = format!("{} events from {}", summary.events, file.display());
    let recorded = crate::store::AuditEntry::new(
        jiff::Timestamp::now(),
        "command line",
        None,
        "restore",
        detail,
    )
    .and_then(|entry| store.change(&crate::store::SharedChange::Audit(Box::new(entry))));
    if let Err(e) = recorded {
        eprintln!(
            "warning: the restore is not on the audit trail: {}",
            crate::error_chain(&e)
        );
    }
    Ok(format!(
        "{}: restored {} events ({} records) from {}",
        data.display(),
        summary.events,
        summary.rows,
        file.display()
    ))
}

/// What `docent share` and `docent report` need to work without a server.
pub struct Offline<'a> {
    pub exhibits: &'a Path,
    pub data: &'a Path,
    /// The public origin links start with.
    pub base_url: String,
}

impl Offline<'_> {
    /// The catalog and the store, opened here since no server answered at `bind`.
    pub(crate) fn exhibition(
        &self,
        id: &str,
        bind: &str,
    ) -> anyhow::Result<(crate::catalog::Catalog, std::sync::Arc<Store>)> {
        let catalog = crate::catalog::load(self.exhibits).map_err(|problems| {
            anyhow!(
                "{}: {} problem(s) in the exhibit files (run `docent check`)",
                self.exhibits.display(),
                problems.len()
            )
        })?;
        if catalog.exhibition(id).is_none() {
            anyhow::bail!("no exhibition `{id}` in {}", self.exhibits.display());
        }
        let store = open_unserved(self.data, bind)?;
        Ok((catalog, std::sync::Arc::new(store)))
    }
}

/// `docent share`: a read-only link to `exhibition` for `days` days, made by the running
/// server at `bind` (so it can be revoked from its dashboard at once), or straight in the store
/// when no server runs. Returns the link and a note for the operator.
pub fn share(
    exhibition: &str,
    days: u32,
    bind: &str,
    password: &str,
    offline: &Offline<'_>,
) -> anyhow::Result<(String, String)> {
    let url = format!("{}/admin/shares/{exhibition}", local_origin(bind));
    let days_text = days.to_string();
    let sent = agent(Some(Duration::from_secs(30)))
        .post(&url)
        .header("Authorization", &basic_auth("command line", password))
        .header("Accept", "text/plain")
        .send_form([("days", days_text.as_str())]);
    match answer(&url, password, sent) {
        Ok(mut r) => {
            let link = r
                .body_mut()
                .read_to_string()
                .with_context(|| format!("reading the answer of {url}"))?;
            Ok((
                link.trim().to_string(),
                format!(
                    "made by the running server; valid {days} days; revoke it on the dashboard"
                ),
            ))
        }
        Err(ServerError::NoServer { .. }) => {
            let (_, store) = offline.exhibition(exhibition, bind)?;
            let link = crate::sharelink::ShareLink::new(
                exhibition,
                days,
                jiff::Timestamp::now(),
                "command line",
            )?;
            let in_store = || format!("cannot store the link in {}", offline.data.display());
            store
                .change(&crate::store::SharedChange::Link(link.clone()))
                .with_context(in_store)?;
            let key = crate::sharelink::LinkKey::from_secret(
                &store.session_secret().with_context(in_store)?,
            );
            Ok((
                format!(
                    "{}/view/{}",
                    offline.base_url.trim_end_matches('/'),
                    key.token(&link)
                ),
                format!(
                    "no server was running: stored in {}; the link opens once `docent serve` runs on it (valid {days} days)",
                    offline.data.display()
                ),
            ))
        }
        Err(e) => Err(e.into()),
    }
}

/// `docent report`: the report as HTML, from the running server at `bind`, or made from the
/// store when no server runs. Returns the page and where it came from.
pub fn report(
    exhibition: &str,
    phase: Option<&str>,
    bind: &str,
    password: &str,
    offline: &Offline<'_>,
) -> anyhow::Result<(String, &'static str)> {
    let mut url = format!("{}/admin/report/{exhibition}", local_origin(bind));
    if let Some(p) = phase {
        url.push_str(&format!(
            "?phase={}",
            url::form_urlencoded::byte_serialize(p.as_bytes()).collect::<String>()
        ));
    }
    let sent = agent(Some(Duration::from_secs(30)))
        .get(&url)
        .header("Authorization", &basic_auth("command line", password))
        .call();
    match answer(&url, password, sent) {
        Ok(mut r) => Ok((
            r.body_mut()
                .with_config()
                .limit(64 << 20)
                .read_to_string()
                .with_context(|| format!("reading the answer of {url}"))?,
            "from the running server",
        )),
        Err(ServerError::NoServer { .. }) => {
            let (catalog, store) = offline.exhibition(exhibition, bind)?;
            let (_, e) = catalog.exhibition(exhibition).expect("checked");
            let page = crate::report::render(&store, e, phase, jiff::Timestamp::now())
                .with_context(|| {
                    format!(
                        "cannot make the report of `{exhibition}` from {}",
                        offline.data.display()
                    )
                })?;
            Ok((page, "from the data folder (no server was running)"))
        }
        Err(e) => Err(e.into()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::{Read, Write};
    use std::net::TcpListener;

    /// The address of a one-shot server that answers the first request with `reply`.
    fn answering(reply: &'static str) -> String {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = listener.local_addr().unwrap().to_string();
        std::thread::spawn(move || {
            if let Ok((mut stream, _)) = listener.accept() {
                let mut request = [0u8; 4096];
                let _ = stream.read(&mut request);
                let _ = stream.write_all(reply.as_bytes());
            }
        });
        addr
    }

    /// An address nobody listens at (the listener is gone when this returns).
    fn nobody() -> String {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        listener.local_addr().unwrap().to_string()
    }

    #[test]
    fn no_server_a_refusal_and_another_answer_are_told_apart() {
        assert!(
            matches!(healthcheck(&nobody()), Err(ServerError::NoServer { .. })),
            "nobody listens"
        );
        let refusing = answering("HTTP/1.1 401 Unauthorized\r\nContent-Length: 0\r\n\r\n");
        assert!(matches!(
            healthcheck(&refusing),
            Err(ServerError::Refused { .. })
        ));
        let degraded =
            answering("HTTP/1.1 503 Service Unavailable\r\nContent-Length: 8\r\n\r\ndegraded");
        match healthcheck(&degraded) {
            Err(ServerError::Declined { status, body, .. }) => {
                assert_eq!((status.as_u16(), body.as_str()), (503, "degraded"));
            }
            other => panic!("expected the 503 and its body, got {other:?}"),
        }
        let broken = answering("not HTTP at all\r\n\r\n");
        assert!(
            matches!(healthcheck(&broken), Err(ServerError::Failed { .. })),
            "a server that answers nonsense is there: its store is not ours to open"
        );
    }
}

//! Operations run from the command line against the running server or the data folder: the
//! container health check, backups (from the server while it runs, or straight from the
//! store when it does not) and restores into an empty store. The backup format itself lives
//! in `store::backup`.

use std::path::{Path, PathBuf};

use crate::error_chain;
use crate::store::{Store, backup};

/// `http://` and the bind address, with an all-interfaces bind reached on loopback.
fn local_origin(bind: &str) -> String {
    let bind = bind
        .replace("0.0.0.0", "127.0.0.1")
        .replace("[::]", "[::1]");
    format!("http://{bind}")
}

/// Whether the server at `bind` answers `/healthz` with success.
pub fn healthcheck(bind: &str) -> Result<(), String> {
    let url = format!("{}/healthz", local_origin(bind));
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .timeout_global(Some(std::time::Duration::from_secs(5)))
        .build()
        .into();
    match agent.get(&url).call() {
        Ok(r) if r.status().is_success() => Ok(()),
        Ok(r) => Err(format!("{url} answered {}", r.status())),
        Err(e) => Err(format!("{url}: {e}")),
    }
}

/// Writes a backup to `out`: first to `out.partial`, checked against its trailer, then renamed,
/// so an earlier backup of the same name is never replaced by a broken one. Asks the server at
/// `bind` (signing in with `password`), or reads `data` when no server answers there. Returns
/// what was written, in a line for the operator.
pub fn backup(out: &Path, bind: &str, password: &str, data: &Path) -> Result<String, String> {
    let partial = PathBuf::from(format!("{}.partial", out.display()));
    let outcome = backup_into(&partial, bind, password, data).and_then(|message| {
        std::fs::rename(&partial, out).map_err(|e| format!("{}: {e}", out.display()))?;
        Ok(format!("{}: {message}", out.display()))
    });
    if outcome.is_err() {
        let _ = std::fs::remove_file(&partial);
    }
    outcome
}

fn backup_into(out: &Path, bind: &str, password: &str, data: &Path) -> Result<String, String> {
    let url = format!("{}/admin/backup", local_origin(bind));
    let auth = {
        use base64::Engine;
        format!(
            "Basic {}",
            base64::engine::general_purpose::STANDARD.encode(format!("backup:{password}"))
        )
    };
    let file =
        |path: &Path| std::fs::File::create(path).map_err(|e| format!("{}: {e}", path.display()));
    match ureq::get(&url).header("Authorization", &auth).call() {
        Ok(mut response) => {
            let copied = file(out).and_then(|mut target| {
                std::io::copy(&mut response.body_mut().as_reader(), &mut target)
                    .and_then(|_| target.sync_all())
                    .map_err(|e| format!("{}: {e}", out.display()))
            });
            // A stream cut short (server stopped, network) leaves no file that looks whole.
            let summary = copied.and_then(|()| {
                backup::verify(out).map_err(|e| format!("{}: {}", out.display(), error_chain(&e)))
            });
            match summary {
                Ok(s) => Ok(format!(
                    "backup from the running server, {} events ({} records), verified",
                    s.events, s.rows
                )),
                Err(e) => Err(format!("the backup is incomplete and was removed: {e}")),
            }
        }
        Err(ureq::Error::StatusCode(401)) => Err(REFUSED.into()),
        Err(ureq::Error::Io(_) | ureq::Error::ConnectionFailed) => {
            // No server: the store can be opened directly.
            let store = Store::open(data, 32 << 20).map_err(|e| {
                format!(
                    "no server at {url}, and {}: {}",
                    data.display(),
                    error_chain(&e)
                )
            })?;
            let written = file(out).and_then(|target| {
                let mut target = std::io::BufWriter::new(target);
                let summary = backup::write(&store, &mut target).map_err(|e| error_chain(&e))?;
                target
                    .into_inner()
                    .map_err(|e| e.to_string())?
                    .sync_all()
                    .map_err(|e| e.to_string())?;
                Ok(summary)
            });
            match written {
                Ok(s) => Ok(format!(
                    "backup of {} ({} events; no server was running)",
                    data.display(),
                    s.events
                )),
                Err(e) => Err(format!("{}: {e}", out.display())),
            }
        }
        Err(e) => Err(format!("{url}: {e}")),
    }
}

/// Loads the backup `file` into the empty store at `data`; returns what was restored, in a
/// line for the operator.
pub fn restore(file: &Path, data: &Path) -> Result<String, String> {
    let store = Store::open(data, 32 << 20).map_err(|e| {
        format!(
            "{}: {} (stop the server first)",
            data.display(),
            error_chain(&e)
        )
    })?;
    let summary = backup::restore(&store, file)
        .map_err(|e| format!("{}: {}", file.display(), error_chain(&e)))?;
    store.flush().map_err(|e| error_chain(&e))?;
    Ok(format!(
        "{}: restored {} events ({} records) from {}",
        data.display(),
        summary.events,
        summary.rows,
        file.display()
    ))
}

/// HTTP Basic for the running server's admin routes.
fn basic_auth(user: &str, password: &str) -> String {
    use base64::Engine;
    format!(
        "Basic {}",
        base64::engine::general_purpose::STANDARD.encode(format!("{user}:{password}"))
    )
}

fn agent() -> ureq::Agent {
    ureq::Agent::config_builder()
        .timeout_global(Some(std::time::Duration::from_secs(30)))
        .http_status_as_error(false)
        .build()
        .into()
}

/// Whether an error means nobody listens at the address (so the store may be opened).
fn no_server(e: &ureq::Error) -> bool {
    matches!(e, ureq::Error::Io(_) | ureq::Error::ConnectionFailed)
}

/// What `docent share` and `docent report` need to work without a server.
pub struct Offline<'a> {
    pub exhibits: &'a Path,
    pub data: &'a Path,
    /// The public origin links start with.
    pub base_url: String,
}

impl Offline<'_> {
    fn exhibition(
        &self,
        id: &str,
    ) -> Result<(crate::catalog::Catalog, std::sync::Arc<Store>), String> {
        let catalog = crate::catalog::load(self.exhibits).map_err(|problems| {
            format!(
                "{}: {} problem(s) in the exhibit files (run `docent check`)",
                self.exhibits.display(),
                problems.len()
            )
        })?;
        if catalog.exhibition(id).is_none() {
            return Err(format!(
                "no exhibition `{id}` in {}",
                self.exhibits.display()
            ));
        }
        let store = Store::open(self.data, 32 << 20).map_err(|e| {
            format!(
                "no server answered, and {}: {}",
                self.data.display(),
                error_chain(&e)
            )
        })?;
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
) -> Result<(String, String), String> {
    let url = format!("{}/admin/shares/{exhibition}", local_origin(bind));
    let days_text = days.to_string();
    let asked = agent()
        .post(&url)
        .header("Authorization", &basic_auth("command line", password))
        .header("Accept", "text/plain")
        .send_form([("days", days_text.as_str())]);
    match asked {
        Ok(mut r) if r.status().is_success() => {
            let link = r.body_mut().read_to_string().map_err(|e| e.to_string())?;
            Ok((
                link.trim().to_string(),
                format!(
                    "made by the running server; valid {days} days; revoke it on the dashboard"
                ),
            ))
        }
        Ok(r) => Err(not_done(&url, r)),
        Err(e) if no_server(&e) => {
            let (_, store) = offline.exhibition(exhibition)?;
            let link = crate::sharelink::ShareLink::new(
                exhibition,
                days,
                jiff::Timestamp::now(),
                "command line",
            )?;
            store
                .change(&crate::store::SharedChange::Link(link.clone()))
                .map_err(|e| error_chain(&e))?;
            let key = crate::sharelink::LinkKey::from_secret(
                &store.session_secret().map_err(|e| error_chain(&e))?,
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
        Err(e) => Err(format!("{url}: {e}")),
    }
}

const REFUSED: &str = "the server refused the password: set DOCENT_ADMIN_PASSWORD";

/// Why the running server did not do what the command asked: a wrong password, or its answer.
fn not_done(url: &str, mut reply: ureq::http::Response<ureq::Body>) -> String {
    if reply.status() == 401 {
        return REFUSED.into();
    }
    format!(
        "{url}: {}: {}",
        reply.status(),
        reply.body_mut().read_to_string().unwrap_or_default().trim()
    )
}

/// `docent report`: the report as HTML, from the running server at `bind`, or made from the
/// store when no server runs. Returns the page and where it came from.
pub fn report(
    exhibition: &str,
    phase: Option<&str>,
    bind: &str,
    password: &str,
    offline: &Offline<'_>,
) -> Result<(String, &'static str), String> {
    let mut url = format!("{}/admin/report/{exhibition}", local_origin(bind));
    if let Some(p) = phase {
        url.push_str(&format!(
            "?phase={}",
            url::form_urlencoded::byte_serialize(p.as_bytes()).collect::<String>()
        ));
    }
    let asked = agent()
        .get(&url)
        .header("Authorization", &basic_auth("command line", password))
        .call();
    match asked {
        Ok(mut r) if r.status().is_success() => Ok((
            r.body_mut()
                .with_config()
                .limit(64 << 20)
                .read_to_string()
                .map_err(|e| e.to_string())?,
            "from the running server",
        )),
        Ok(r) => Err(not_done(&url, r)),
        Err(e) if no_server(&e) => {
            let (catalog, store) = offline.exhibition(exhibition)?;
            let (_, e) = catalog.exhibition(exhibition).expect("checked");
            let page = crate::report::render(&store, e, phase, jiff::Timestamp::now())
                .map_err(|e| error_chain(&e))?;
            Ok((page, "from the data folder (no server was running)"))
        }
        Err(e) => Err(format!("{url}: {e}")),
    }
}

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
        Err(ureq::Error::StatusCode(401)) => {
            Err("the server refused the password: set DOCENT_ADMIN_PASSWORD".into())
        }
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

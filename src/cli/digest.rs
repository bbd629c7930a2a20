//! `docent digest EXHIBITION [--period FROM..TO] [--to ADDR] [--dry-run]`: a digest now,
//! sent (or printed, with `--dry-run`) by the running server like `docent share`, or, when
//! none runs, made from `--data` and sent with this command's own `--smtp-url` and
//! `--mail-from`.

use std::time::Duration;

use anyhow::{Context, anyhow};

use crate::mail::period::Period;
use crate::ops::{Offline, ServerError, agent, answer, basic_auth, local_origin};
use crate::smtp::{MailSettings, Mailer};

/// What was asked for.
pub struct Request<'a> {
    pub exhibition: &'a str,
    pub period: Option<&'a str>,
    pub to: Option<&'a str>,
    pub dry_run: bool,
    /// For sending without a server.
    pub mail: Option<MailSettings>,
}

/// How long a link made here opens, as the server's.
const LINK_DAYS: u32 = 30;

/// Sends or prints; returns what to print on stdout.
pub fn digest(
    req: &Request<'_>,
    bind: &str,
    password: &str,
    offline: &Offline<'_>,
) -> anyhow::Result<String> {
    let url = format!("{}/admin/digests/{}", local_origin(bind), req.exhibition);
    let mut form = vec![];
    if let Some(p) = req.period {
        form.push(("period", p));
    }
    if let Some(to) = req.to {
        form.push(("to", to));
    }
    if req.dry_run {
        form.push(("dry_run", "yes"));
    }
    let sent = agent(Some(Duration::from_secs(60)))
        .post(&url)
        .header("Authorization", &basic_auth("command line", password))
        .header("Accept", "text/plain")
        .send_form(form);
    match answer(&url, password, sent) {
        Ok(mut r) => r
            .body_mut()
            .read_to_string()
            .with_context(|| format!("reading the answer of {url}")),
        Err(ServerError::NoServer { .. }) => without_server(req, bind, offline),
        Err(e) => Err(e.into()),
    }
}

fn without_server(req: &Request<'_>, bind: &str, offline: &Offline<'_>) -> anyhow::Result<String> {
    let (catalog, store) = offline.exhibition(req.exhibition, bind)?;
    let (_, e) = catalog
        .exhibition(req.exhibition)
        .expect("checked by Offline");
    let now = jiff::Timestamp::now();
    let today = now.to_zoned_datetime(e.time_zone.clone()).date();
    let period = Period::parse(req.period, today).map_err(|e| anyhow!(e))?;
    let to: Vec<String> = match req.to {
        Some(one) => vec![one.to_string()],
        None => e.notify.recipients(),
    };
    if req.dry_run {
        let digest = crate::mail::build(
            &store,
            e,
            &period,
            "(a read-only link is made when the digest is sent)",
            i64::from(LINK_DAYS),
            now,
        )?;
        return Ok(digest.text()?);
    }
    if to.is_empty() {
        anyhow::bail!(
            "no recipient: give --to ADDRESS, or list recipients under [digest] in exhibition.toml"
        );
    }
    let settings = req.mail.clone().ok_or_else(|| {
        anyhow!(
            "no server is running at {bind}: to send from --data, give --smtp-url and --mail-from"
        )
    })?;
    let mailer = Mailer::new(&settings)?;
    let link = crate::sharelink::ShareLink::new(&e.id, LINK_DAYS, now, "digest")?;
    let in_store = || format!("cannot store the link in {}", offline.data.display());
    store
        .change(&crate::store::SharedChange::Link(link.clone()))
        .with_context(in_store)?;
    let key =
        crate::sharelink::LinkKey::from_secret(&store.session_secret().with_context(in_store)?);
    let url = format!(
        "{}/view/{}",
        offline.base_url.trim_end_matches('/'),
        key.token(&link)
    );
    let digest = crate::mail::build(&store, e, &period, &url, i64::from(LINK_DAYS), now)?;
    let message = digest.message(&mailer, &to)?;
    mailer.send(&message)?;
    store.digest_sent(&e.id, &period.key(), "command line", now, to.clone())?;
    Ok(format!(
        "sent {} to {} (no server was running: from {})\n",
        period.key(),
        to.join(", "),
        offline.data.display()
    ))
}

//! The cluster port (`store::Cluster`) on NATS JetStream: the only code that knows NATS.
//!
//! - The stream `DOCENT` (subject `docent.events`) carries the events: three copies on a
//!   cluster of three or more servers, a two-minute window in which a resend under the same
//!   message id is dropped.
//! - Each kind of record is a key-value bucket: `docent-sealed-salt` (a day and an hour at
//!   most), `docent-sealed-secrets`, `docent-sealed-changes` (one entry per shared change, by
//!   its key; kept for good) and `docent-sealed-replicas` (presence, 30 s). Everything in
//!   them is sealed under the cluster key (`seal.rs`); the buckets of earlier versions, whose
//!   salt and session secret were plaintext, are deleted when a replica prepares.

use std::sync::Arc;
use std::time::Duration;

use async_nats::jetstream::{self, consumer, kv, stream};
use futures_util::{FutureExt, StreamExt};
use tokio::sync::OnceCell;

use crate::store::cluster::{ClusterResult, Feed, Message, Op, Record};
use crate::store::{Cluster, ClusterError, Records};

const STREAM: &str = "DOCENT";
const SUBJECT: &str = "docent.events";
/// How long a call waits for the cluster's answer.
const ANSWER_AT_MOST: Duration = Duration::from_secs(3);
const DAY: Duration = Duration::from_secs(86_400);

/// A connection to a JetStream cluster, with its stream and buckets once they are made.
pub struct JetStream {
    client: async_nats::Client,
    js: jetstream::Context,
    /// How many servers `--nats` names: with the servers the cluster announces, whether
    /// three copies can be kept.
    servers: usize,
    buckets: OnceCell<Buckets>,
}

struct Buckets {
    salts: kv::Store,
    secrets: kv::Store,
    changes: kv::Store,
    presence: kv::Store,
}

impl Buckets {
    fn of(&self, records: Records) -> &kv::Store {
        match records {
            Records::Salts => &self.salts,
            Records::Secrets => &self.secrets,
            Records::Changes => &self.changes,
            Records::Presence => &self.presence,
        }
    }
}

impl Records {
    fn bucket(self) -> &'static str {
        match self {
            Records::Salts => "docent-sealed-salt",
            Records::Secrets => "docent-sealed-secrets",
            Records::Changes => "docent-sealed-changes",
            Records::Presence => "docent-sealed-replicas",
        }
    }

    /// The bucket an earlier version (which sealed nothing) kept these records in.
    fn plaintext_bucket(self) -> &'static str {
        match self {
            Records::Salts => "docent-salt",
            Records::Secrets => "docent-secrets",
            Records::Changes => "docent-changes",
            Records::Presence => "docent-replicas",
        }
    }

    /// How long a record is kept (zero: for good).
    fn kept(self) -> Duration {
        match self {
            Records::Salts => DAY + Duration::from_secs(3600),
            Records::Secrets | Records::Changes => Duration::ZERO,
            Records::Presence => Duration::from_secs(30),
        }
    }
}

/// Why the NATS settings cannot be used (checked before anything connects).
#[derive(Debug, thiserror::Error)]
pub enum SettingsError {
    #[error("--nats: {0} is not a server URL")]
    Url(String, #[source] url::ParseError),
    #[error("--nats names two different credentials; give one set for the cluster")]
    TwoCredentials,
    #[error(
        "--nats gives more than one way to log in (URL credentials, --nats-password-file, \
         --nats-creds, --nats-nkey-file); give one"
    )]
    TwoWaysToLogIn,
    #[error("{flag} {path} cannot be read")]
    File {
        flag: &'static str,
        path: std::path::PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("{flag} {path} is empty")]
    Empty {
        flag: &'static str,
        path: std::path::PathBuf,
    },
}

/// How to log in to NATS.
#[derive(PartialEq)]
enum Login {
    UserAndPassword(String, String),
    Token(String),
    Creds(std::path::PathBuf),
    Nkey(String),
}

impl std::fmt::Debug for Login {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Never a secret in a log line.
        f.write_str(match self {
            Login::UserAndPassword(..) => "Login::UserAndPassword(..)",
            Login::Token(_) => "Login::Token(..)",
            Login::Creds(_) => "Login::Creds(..)",
            Login::Nkey(_) => "Login::Nkey(..)",
        })
    }
}

/// The checked NATS settings: servers without credentials, how to log in, TLS.
pub struct Options {
    servers: Vec<String>,
    login: Option<Login>,
    ca: Option<std::path::PathBuf>,
    client: Option<(std::path::PathBuf, std::path::PathBuf)>,
    tls: bool,
}

impl Options {
    /// Reads the files the settings name and checks that they agree.
    pub fn load(settings: &crate::config::NatsSettings) -> Result<Options, SettingsError> {
        let (servers, in_urls) = servers_of(&settings.urls)?;
        let secret = |flag: &'static str, path: &std::path::PathBuf| {
            let text = std::fs::read_to_string(path).map_err(|source| SettingsError::File {
                flag,
                path: path.clone(),
                source,
            })?;
            let text = text.trim().to_string();
            if text.is_empty() {
                return Err(SettingsError::Empty {
                    flag,
                    path: path.clone(),
                });
            }
            Ok(text)
        };
        let mut ways = Vec::new();
        match (&settings.password_file, in_urls) {
            (Some(path), found) => {
                let secret = secret("--nats-password-file", path)?;
                ways.push(match found {
                    // The URLs name the user; the file holds the password.
                    Some(Login::UserAndPassword(user, _)) | Some(Login::Token(user)) => {
                        Login::UserAndPassword(user, secret)
                    }
                    _ => Login::Token(secret),
                });
            }
            (None, Some(found)) => ways.push(found),
            (None, None) => {}
        }
        if let Some(path) = &settings.creds_file {
            secret("--nats-creds", path)?;
            ways.push(Login::Creds(path.clone()));
        }
        if let Some(path) = &settings.nkey_file {
            ways.push(Login::Nkey(secret("--nats-nkey-file", path)?));
        }
        if ways.len() > 1 {
            return Err(SettingsError::TwoWaysToLogIn);
        }
        let readable = |flag: &'static str, path: &std::path::PathBuf| {
            std::fs::metadata(path)
                .map(|_| path.clone())
                .map_err(|source| SettingsError::File {
                    flag,
                    path: path.clone(),
                    source,
                })
        };
        let ca = match &settings.ca_file {
            Some(path) => Some(readable("--nats-ca", path)?),
            None => None,
        };
        let client = match (&settings.cert_file, &settings.key_file) {
            (Some(cert), Some(key)) => {
                Some((readable("--nats-cert", cert)?, readable("--nats-key", key)?))
            }
            _ => None,
        };
        let tls =
            ca.is_some() || client.is_some() || servers.iter().any(|s| s.starts_with("tls://"));
        Ok(Options {
            servers,
            login: ways.pop(),
            ca,
            client,
            tls,
        })
    }

    /// How many servers the settings name.
    pub fn servers(&self) -> usize {
        self.servers.len()
    }
}

impl JetStream {
    /// Connects to the servers `options` names, retrying in the background when none
    /// answers yet. Call on a Tokio runtime.
    pub async fn connect(options: &Options, name: &str) -> ClusterResult<Arc<dyn Cluster>> {
        if options.servers.is_empty() {
            return Err(ClusterError::Unreachable);
        }
        let mut connect = async_nats::ConnectOptions::new();
        connect = match &options.login {
            Some(Login::UserAndPassword(user, pass)) => {
                connect.user_and_password(user.clone(), pass.clone())
            }
            Some(Login::Token(token)) => connect.token(token.clone()),
            Some(Login::Nkey(seed)) => connect.nkey(seed.clone()),
            Some(Login::Creds(path)) => connect
                .credentials_file(path)
                .await
                .map_err(ClusterError::refused)?,
            None => connect,
        };
        if options.tls {
            connect = connect.require_tls(true);
        }
        if let Some(ca) = &options.ca {
            connect = connect.add_root_certificates(ca.clone());
        }
        if let Some((cert, key)) = &options.client {
            connect = connect.add_client_certificate(cert.clone(), key.clone());
        }
        let client = connect
            .name(format!("docent {name}"))
            .retry_on_initial_connect()
            .connection_timeout(Duration::from_secs(2))
            .connect(&options.servers[..])
            .await
            .map_err(ClusterError::refused)?;
        let mut js = jetstream::new(client.clone());
        js.set_timeout(ANSWER_AT_MOST);
        Ok(Arc::new(JetStream {
            client,
            js,
            servers: options.servers.len(),
            buckets: OnceCell::new(),
        }))
    }

    async fn stream(&self) -> ClusterResult<stream::Stream> {
        self.js
            .get_stream(STREAM)
            .await
            .map_err(ClusterError::refused)
    }

    fn buckets(&self) -> ClusterResult<&Buckets> {
        self.buckets.get().ok_or(ClusterError::Unreachable)
    }

    async fn make_buckets(&self) -> ClusterResult<Buckets> {
        if self.client.connection_state() != async_nats::connection::State::Connected {
            return Err(ClusterError::Unreachable);
        }
        let known = self
            .client
            .server_info()
            .connect_urls
            .len()
            .max(self.servers);
        // Three copies on a cluster of three or more; one on a single server.
        let copies = if known >= 3 { 3 } else { 1 };
        self.js
            .get_or_create_stream(stream::Config {
                name: STREAM.into(),
                subjects: vec![SUBJECT.into()],
                num_replicas: copies,
                duplicate_window: Duration::from_secs(120),
                ..Default::default()
            })
            .await
            .map_err(ClusterError::refused)?;
        for records in Records::ALL {
            // Plaintext salts and secrets of an earlier version: gone, history and all.
            let old = records.plaintext_bucket();
            if self.js.get_key_value(old).await.is_ok() {
                match self.js.delete_key_value(old).await {
                    Ok(_) => tracing::info!(bucket = old, "deleted a bucket of an earlier version"),
                    Err(e) => {
                        tracing::warn!(bucket = old, error = %e, "a bucket of an earlier version could not be deleted")
                    }
                }
            }
        }
        Ok(Buckets {
            salts: self.bucket(Records::Salts, copies).await?,
            secrets: self.bucket(Records::Secrets, copies).await?,
            changes: self.bucket(Records::Changes, copies).await?,
            presence: self.bucket(Records::Presence, copies).await?,
        })
    }

    async fn bucket(&self, records: Records, copies: usize) -> ClusterResult<kv::Store> {
        let name = records.bucket();
        if let Ok(store) = self.js.get_key_value(name).await {
            return Ok(store);
        }
        let config = kv::Config {
            bucket: name.into(),
            history: 1,
            max_age: records.kept(),
            num_replicas: copies,
            ..Default::default()
        };
        match self.js.create_key_value(config).await {
            Ok(store) => Ok(store),
            // Another replica made it meanwhile.
            Err(_) => self
                .js
                .get_key_value(name)
                .await
                .map_err(ClusterError::refused),
        }
    }
}

/// The servers `--nats` names, without their credentials, and the credentials they carry as
/// NATS's tools take them (`nats://user:pass@host` or `nats://token@host`; one set for the
/// cluster: a second, different one is refused rather than half-used).
fn servers_of(urls: &str) -> Result<(Vec<String>, Option<Login>), SettingsError> {
    let mut servers = Vec::new();
    let mut credentials = None;
    for text in urls.split(',').map(str::trim).filter(|u| !u.is_empty()) {
        let with_scheme = if text.contains("://") {
            text.to_string()
        } else {
            format!("nats://{text}")
        };
        let mut url =
            url::Url::parse(&with_scheme).map_err(|e| SettingsError::Url(redacted(text), e))?;
        let decode = |s: &str| {
            percent_encoding::percent_decode_str(s)
                .decode_utf8_lossy()
                .into_owned()
        };
        let found = match (url.username(), url.password()) {
            ("", None) => None,
            (user, Some(pass)) => Some(Login::UserAndPassword(decode(user), decode(pass))),
            (token, None) => Some(Login::Token(decode(token))),
        };
        if let Some(found) = found {
            if credentials.as_ref().is_some_and(|c| *c != found) {
                return Err(SettingsError::TwoCredentials);
            }
            credentials = Some(found);
            let _ = url.set_username("");
            let _ = url.set_password(None);
        }
        servers.push(url.to_string().trim_end_matches('/').to_string());
    }
    Ok((servers, credentials))
}

/// A URL as it may be shown: whatever precedes an `@` is left out.
fn redacted(text: &str) -> String {
    match text.rsplit_once('@') {
        Some((before, after)) => {
            let scheme = before.split_once("://").map_or("", |(s, _)| s);
            if scheme.is_empty() {
                format!("…@{after}")
            } else {
                format!("{scheme}://…@{after}")
            }
        }
        None => text.to_string(),
    }
}

impl Cluster for JetStream {
    fn prepare(&self) -> Op<'_, ()> {
        async move {
            self.buckets
                .get_or_try_init(|| self.make_buckets())
                .await
                .map(|_| ())
        }
        .boxed()
    }

    fn append(&self, id: String, payload: Vec<u8>) -> Op<'_, u64> {
        async move {
            let mut headers = async_nats::HeaderMap::new();
            headers.insert(async_nats::header::NATS_MESSAGE_ID, id.as_str());
            let ack = self
                .js
                .publish_with_headers(SUBJECT, headers, payload.into())
                .await
                .map_err(ClusterError::refused)?
                .await
                .map_err(ClusterError::refused)?;
            Ok(ack.sequence)
        }
        .boxed()
    }

    fn read(&self, from: u64) -> Op<'_, Feed<Message>> {
        async move {
            let consumer = self
                .stream()
                .await?
                .create_consumer(consumer::pull::OrderedConfig {
                    deliver_policy: consumer::DeliverPolicy::ByStartSequence {
                        start_sequence: from.max(1),
                    },
                    ..Default::default()
                })
                .await
                .map_err(ClusterError::refused)?;
            let messages = consumer.messages().await.map_err(ClusterError::refused)?;
            let feed = messages.map(|message| {
                let message = message.map_err(ClusterError::refused)?;
                let seq = message
                    .info()
                    .map_err(ClusterError::Refused)?
                    .stream_sequence;
                Ok((seq, message.payload.to_vec()))
            });
            Ok(feed.boxed())
        }
        .boxed()
    }

    fn last(&self) -> Op<'_, u64> {
        async move {
            let info = self
                .stream()
                .await?
                .get_info()
                .await
                .map_err(ClusterError::refused)?;
            Ok(info.state.last_sequence)
        }
        .boxed()
    }

    fn put(&self, records: Records, key: String, value: Vec<u8>) -> Op<'_, ()> {
        async move {
            self.buckets()?
                .of(records)
                .put(key, value.into())
                .await
                .map_err(ClusterError::refused)?;
            Ok(())
        }
        .boxed()
    }

    fn put_first(&self, records: Records, key: String, value: Vec<u8>) -> Op<'_, Vec<u8>> {
        async move {
            let bucket = self.buckets()?.of(records);
            match bucket.create(&key, value.clone().into()).await {
                Ok(_) => Ok(value),
                Err(e) if e.kind() == kv::CreateErrorKind::AlreadyExists => bucket
                    .get(&key)
                    .await
                    .map_err(ClusterError::refused)?
                    .map(|v| v.to_vec())
                    .ok_or(ClusterError::Damaged("a shared value vanished")),
                Err(e) => Err(ClusterError::refused(e)),
            }
        }
        .boxed()
    }

    fn forget(&self, records: Records, key: String) -> Op<'_, ()> {
        async move {
            // A purge drops every revision of the key, not only the latest.
            self.buckets()?
                .of(records)
                .purge(key)
                .await
                .map_err(ClusterError::refused)
        }
        .boxed()
    }

    fn watch(&self, records: Records) -> Op<'_, Feed<Record>> {
        async move {
            let entries = self
                .buckets()?
                .of(records)
                .watch_with_history(">")
                .await
                .map_err(ClusterError::refused)?;
            let feed = entries.filter_map(|entry| async move {
                match entry {
                    Ok(entry) if entry.operation == kv::Operation::Put => {
                        Some(Ok((entry.key, entry.value.to_vec())))
                    }
                    Ok(_) => None,
                    Err(e) => Some(Err(ClusterError::refused(e))),
                }
            });
            Ok(feed.boxed())
        }
        .boxed()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn credentials_come_out_of_the_urls_and_never_stay_in_them() {
        let (servers, credentials) =
            servers_of("nats://docent:p%40ss@a:4222, nats://docent:p%40ss@b:4222").unwrap();
        assert_eq!(servers, ["nats://a:4222", "nats://b:4222"]);
        assert_eq!(
            credentials,
            Some(Login::UserAndPassword("docent".into(), "p@ss".into()))
        );
        let (servers, credentials) = servers_of("tok3n@a:4222").unwrap();
        assert_eq!(servers, ["nats://a:4222"]);
        assert_eq!(credentials, Some(Login::Token("tok3n".into())));
        assert_eq!(servers_of("nats://a:4222").unwrap().1, None);
        assert!(servers_of("nats://u:one@a,nats://u:two@b").is_err());
    }
}

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

mod settings;

use settings::Login;
pub use settings::{Options, SettingsError};

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

//! Prometheus metrics (`/metrics`): requests, scans, opens, logging failures, flush latency,
//! catalog reloads. Kept in one registry; handlers and the writer only bump counters.

use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::histogram::{Histogram, exponential_buckets};
use prometheus_client::registry::Registry;

use crate::store::BatchObserver;

/// The `class` label of a response: `1xx` to `5xx`. An enum, so counting a response
/// neither formats nor allocates a label.
#[derive(Clone, Copy, Debug, Hash, PartialEq, Eq)]
pub enum StatusClass {
    Informational,
    Success,
    Redirection,
    ClientError,
    ServerError,
}

impl StatusClass {
    pub fn of(status: u16) -> StatusClass {
        match status / 100 {
            0 | 1 => StatusClass::Informational,
            2 => StatusClass::Success,
            3 => StatusClass::Redirection,
            4 => StatusClass::ClientError,
            _ => StatusClass::ServerError,
        }
    }

    fn label(self) -> &'static str {
        match self {
            StatusClass::Informational => "1xx",
            StatusClass::Success => "2xx",
            StatusClass::Redirection => "3xx",
            StatusClass::ClientError => "4xx",
            StatusClass::ServerError => "5xx",
        }
    }
}

impl EncodeLabelSet for StatusClass {
    fn encode(
        &self,
        encoder: &mut prometheus_client::encoding::LabelSetEncoder,
    ) -> Result<(), std::fmt::Error> {
        [("class", self.label())].encode(encoder)
    }
}

/// The `kind` label of a signal a landing page sent back: `confirm`, `read`, `cite`,
/// `reaction`, `answer`, `listen` (the CSV's names).
#[derive(Clone, Copy, Debug, Hash, PartialEq, Eq)]
pub struct SignalKind(pub &'static str);

impl EncodeLabelSet for SignalKind {
    fn encode(
        &self,
        encoder: &mut prometheus_client::encoding::LabelSetEncoder,
    ) -> Result<(), std::fmt::Error> {
        [("kind", self.0)].encode(encoder)
    }
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct Outcome {
    /// `ok` or `error`.
    pub result: String,
}

pub struct Metrics {
    registry: Registry,
    pub requests: Family<StatusClass, Counter>,
    pub scans: Counter,
    pub opens: Counter,
    /// Signals logged, by kind (bots included; whether one counts is the figures' business).
    pub signals: Family<SignalKind, Counter>,
    pub unknown_codes: Counter,
    pub log_failures: Counter,
    pub scans_unconfirmed: Counter,
    pub batch_seconds: Histogram,
    pub batch_events: Histogram,
    /// Batch writes that failed (retried until the disk recovers).
    pub batch_failures: Counter,
    pub reloads: Family<Outcome, Counter>,
    /// Values the NATS cluster handed over that no replica sealed (`replica::seal`).
    pub cluster_refused: Counter,
}

impl Default for Metrics {
    fn default() -> Metrics {
        let mut registry = Registry::with_prefix("docent");
        let metrics = Metrics {
            requests: Family::default(),
            scans: Counter::default(),
            opens: Counter::default(),
            signals: Family::default(),
            unknown_codes: Counter::default(),
            log_failures: Counter::default(),
            scans_unconfirmed: Counter::default(),
            // 0.1 ms to about 3 s.
            batch_seconds: Histogram::new(exponential_buckets(0.0001, 2.0, 16)),
            batch_events: Histogram::new(exponential_buckets(1.0, 2.0, 12)),
            batch_failures: Counter::default(),
            reloads: Family::default(),
            cluster_refused: Counter::default(),
            registry: Registry::default(),
        };
        registry.register(
            "http_requests",
            "HTTP responses by status class",
            metrics.requests.clone(),
        );
        registry.register(
            "scans",
            "Landing views logged (bots included)",
            metrics.scans.clone(),
        );
        registry.register(
            "opens",
            "Article opens logged (bots included)",
            metrics.opens.clone(),
        );
        registry.register(
            "signals",
            "Signals logged from landing pages by kind (confirm, read, cite, reaction, answer, listen; bots included)",
            metrics.signals.clone(),
        );
        registry.register(
            "unknown_code_scans",
            "Scans of unknown codes",
            metrics.unknown_codes.clone(),
        );
        registry.register(
            "log_failures",
            "Events that could not be stored (the visitor was served anyway)",
            metrics.log_failures.clone(),
        );
        registry.register(
            "scans_unconfirmed",
            "Events answered before they were durable (a slow or failing disk); they stay queued and are written when the disk recovers",
            metrics.scans_unconfirmed.clone(),
        );
        registry.register(
            "store_batch_seconds",
            "Time to write and flush one batch of events (group commit)",
            metrics.batch_seconds.clone(),
        );
        registry.register(
            "store_batch_events",
            "Events per durable batch",
            metrics.batch_events.clone(),
        );
        registry.register(
            "store_batch_failures",
            "Batch writes that failed; their events stay queued and are written again",
            metrics.batch_failures.clone(),
        );
        registry.register(
            "catalog_reloads",
            "Exhibit reloads by result",
            metrics.reloads.clone(),
        );
        registry.register(
            "cluster_refused",
            "Stream messages and records from the NATS cluster refused: not sealed with the cluster key",
            metrics.cluster_refused.clone(),
        );
        Metrics {
            registry,
            ..metrics
        }
    }
}

impl Metrics {
    /// The Prometheus text exposition.
    pub fn encode(&self) -> String {
        let mut out = String::new();
        if prometheus_client::encoding::text::encode(&mut out, &self.registry).is_err() {
            out.clear();
        }
        out
    }

    pub fn reloaded(&self, ok: bool) {
        let result = if ok { "ok" } else { "error" };
        self.reloads
            .get_or_create(&Outcome {
                result: result.into(),
            })
            .inc();
    }
}

impl BatchObserver for Metrics {
    fn batch_written(&self, events: usize, seconds: f64, ok: bool) {
        if !ok {
            self.batch_failures.inc();
            return;
        }
        self.batch_seconds.observe(seconds);
        self.batch_events.observe(events as f64);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_exposition_names_every_metric() {
        let m = Metrics::default();
        m.scans.inc();
        m.signals.get_or_create(&SignalKind("listen")).inc();
        m.batch_written(3, 0.002, true);
        m.batch_written(3, 0.5, false);
        m.reloaded(false);
        let text = m.encode();
        for name in [
            "docent_scans_total 1",
            "docent_signals_total{kind=\"listen\"} 1",
            "docent_store_batch_seconds_bucket",
            "docent_store_batch_failures_total 1",
            "docent_store_batch_events_count 1",
            "docent_catalog_reloads_total{result=\"error\"} 1",
            "docent_log_failures_total 0",
        ] {
            assert!(text.contains(name), "{name} missing:\n{text}");
        }
    }
}

//! Prometheus metrics at `/metrics`: requests per verb and resource, their latency, store
//! commit latency and the number of open watches.

use std::sync::Mutex;
use std::sync::atomic::AtomicI64;
use std::time::Duration;

use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::{Histogram, exponential_buckets};
use prometheus_client::registry::Registry;

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RequestLabels {
    verb: String,
    resource: String,
    code: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct LatencyLabels {
    verb: String,
    resource: String,
}

fn latency_histogram() -> Histogram {
    Histogram::new(exponential_buckets(0.0005, 2.0, 16))
}

/// The server's metrics.
pub struct Metrics {
    registry: Mutex<Registry>,
    requests: Family<RequestLabels, Counter>,
    latency: Family<LatencyLabels, Histogram, fn() -> Histogram>,
    commit_latency: Histogram,
    commit_batch: Histogram,
    watches: Gauge<i64, AtomicI64>,
}

impl std::fmt::Debug for Metrics {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Metrics").finish_non_exhaustive()
    }
}

impl Default for Metrics {
    fn default() -> Self {
        let mut registry = Registry::default();
        let requests = Family::<RequestLabels, Counter>::default();
        let latency = Family::<LatencyLabels, Histogram, fn() -> Histogram>::new_with_constructor(
            latency_histogram as fn() -> Histogram,
        );
        let commit_latency = Histogram::new(exponential_buckets(0.0001, 2.0, 16));
        let commit_batch = Histogram::new(exponential_buckets(1.0, 2.0, 10));
        let watches = Gauge::<i64, AtomicI64>::default();
        registry.register(
            "apiserver_request",
            "Requests by verb, resource and HTTP code",
            requests.clone(),
        );
        registry.register(
            "apiserver_request_duration_seconds",
            "Request latency by verb and resource",
            latency.clone(),
        );
        registry.register(
            "berth_store_commit_duration_seconds",
            "Duration of one durable store commit (one batch)",
            commit_latency.clone(),
        );
        registry.register(
            "berth_store_commit_batch_size",
            "Writes per store commit",
            commit_batch.clone(),
        );
        registry.register(
            "apiserver_registered_watchers",
            "Open watch streams",
            watches.clone(),
        );
        Self {
            registry: Mutex::new(registry),
            requests,
            latency,
            commit_latency,
            commit_batch,
            watches,
        }
    }
}

impl Metrics {
    /// Records one finished request.
    pub fn observe_request(&self, verb: &str, resource: &str, code: u16, took: Duration) {
        self.requests
            .get_or_create(&RequestLabels {
                verb: verb.into(),
                resource: resource.into(),
                code: code.to_string(),
            })
            .inc();
        self.latency
            .get_or_create(&LatencyLabels {
                verb: verb.into(),
                resource: resource.into(),
            })
            .observe(took.as_secs_f64());
    }

    /// Records one store commit.
    pub fn observe_commit(&self, batch: usize, took: Duration) {
        self.commit_latency.observe(took.as_secs_f64());
        #[allow(clippy::cast_precision_loss)] // batch sizes are small
        self.commit_batch.observe(batch as f64);
    }

    /// A watch opened (+1) or closed (-1).
    pub fn watch_delta(&self, delta: i64) {
        self.watches.inc_by(delta);
    }

    /// The text exposition format.
    pub fn encode(&self) -> String {
        let mut out = String::new();
        let registry = match self.registry.lock() {
            Ok(r) => r,
            Err(poisoned) => poisoned.into_inner(),
        };
        if prometheus_client::encoding::text::encode(&mut out, &registry).is_err() {
            out.clear();
        }
        out
    }
}

//! A closed-loop load driver: N clients, one keep-alive connection each, every client sending
//! its next request as soon as the previous one is answered, until a total count or a time
//! limit is reached.

use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::Context;
use bytes::Bytes;
use http::{Method, StatusCode};
use tokio::task::JoinSet;

use crate::http::Target;
use crate::stats::{ms, percentile};

/// What one load run achieved.
pub(crate) struct LoadResult {
    /// Requests answered with the expected status.
    pub(crate) done: usize,
    /// From the first request to the last answer.
    pub(crate) elapsed: Duration,
    /// Per-request latency, sorted ascending.
    pub(crate) latencies: Vec<Duration>,
}

impl LoadResult {
    /// Answered requests per second.
    pub(crate) fn per_sec(&self) -> f64 {
        self.done as f64 / self.elapsed.as_secs_f64().max(f64::MIN_POSITIVE)
    }

    /// Median latency in ms.
    pub(crate) fn p50_ms(&self) -> f64 {
        ms(percentile(&self.latencies, 50.0))
    }

    /// 99th-percentile latency in ms.
    pub(crate) fn p99_ms(&self) -> f64 {
        ms(percentile(&self.latencies, 99.0))
    }
}

/// Sends requests `0..count` over `clients` connections (client `c` sends `c`, `c + clients`,
/// …), `request(i)` giving the path and body of request `i`; every answer must be `want`.
/// Stops early when `limit` has passed.
pub(crate) async fn drive<F>(
    target: &Target,
    clients: usize,
    count: usize,
    limit: Duration,
    want: StatusCode,
    request: F,
) -> anyhow::Result<LoadResult>
where
    F: Fn(usize) -> (String, Bytes) + Send + Sync + 'static,
{
    let clients = clients.max(1);
    // Connections (and TLS handshakes) are set up before the clock starts.
    let mut conns = Vec::with_capacity(clients);
    for _ in 0..clients {
        conns.push(target.connect().await?);
    }
    let request = Arc::new(request);
    let start = Instant::now();
    let deadline = start + limit;
    let mut tasks = JoinSet::new();
    for (c, mut conn) in conns.into_iter().enumerate() {
        let request = Arc::clone(&request);
        tasks.spawn(async move {
            let mut lat = Vec::with_capacity(count / clients + 1);
            for i in (c..count).step_by(clients) {
                if Instant::now() >= deadline {
                    break;
                }
                let (path, body) = request(i);
                let t = Instant::now();
                conn.expect(Method::POST, &path, body, want).await?;
                lat.push(t.elapsed());
            }
            anyhow::Ok(lat)
        });
    }
    let mut latencies = Vec::with_capacity(count);
    while let Some(joined) = tasks.join_next().await {
        latencies.extend(joined.context("client task")??);
    }
    let elapsed = start.elapsed();
    latencies.sort_unstable();
    Ok(LoadResult {
        done: latencies.len(),
        elapsed,
        latencies,
    })
}

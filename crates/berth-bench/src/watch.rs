//! Watch fan-out: many watchers on pods, then a burst of pod creates; how long until every
//! watcher has seen every event, and what the open watches cost in memory.

use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use bytes::Bytes;
use http::{Method, StatusCode};
use tokio::sync::{Semaphore, mpsc};
use tokio::task::JoinSet;

use crate::Opts;
use crate::http::{Target, next_chunk};
use crate::list::{ListShape, pod_body};
use crate::procs::Berth;
use crate::stats::{mib, ms, percentile, report};

const PODS: &str = "/api/v1/namespaces/default/pods";
/// Watch streams being opened at once (each is a TCP + TLS handshake).
const OPENING: usize = 32;

/// One run's figures.
struct WatchRun {
    p50: Duration,
    p99: Duration,
    max: Duration,
    /// From the first create sent to the last event received by the last watcher.
    all_seen: Duration,
    create_p50: Duration,
    rss_idle: f64,
    rss_open: f64,
    rss_after: f64,
}

/// Runs the fan-out benchmark `opts.runs` times, each on a fresh server.
pub(crate) async fn watch(opts: &Opts) -> anyhow::Result<()> {
    let mut runs = Vec::new();
    for run in 1..=opts.runs {
        let r = watch_run(opts).await?;
        eprintln!(
            "watch run {run}: {} watchers x {} events: p50 {:.1} ms, p99 {:.1} ms, max {:.1} ms, all seen after {:.1} ms; create p50 {:.2} ms; RSS idle {:.1}, open {:.1}, after {:.1} MiB",
            opts.watchers,
            opts.events,
            ms(r.p50),
            ms(r.p99),
            ms(r.max),
            ms(r.all_seen),
            ms(r.create_p50),
            r.rss_idle,
            r.rss_open,
            r.rss_after
        );
        runs.push(r);
    }
    let col = |f: fn(&WatchRun) -> f64| runs.iter().map(f).collect::<Vec<_>>();
    println!(
        "| watch, {} watchers, {} pods by {} creator(s) | median | runs |\n|---|---|---|",
        opts.watchers, opts.events, opts.creators
    );
    report(
        "delivery latency p50 (create sent to event read)",
        "ms",
        &col(|r| ms(r.p50)),
    );
    report("delivery latency p99", "ms", &col(|r| ms(r.p99)));
    report("delivery latency max", "ms", &col(|r| ms(r.max)));
    report(
        "every watcher saw every event after",
        "ms",
        &col(|r| ms(r.all_seen)),
    );
    report(
        "create latency p50 during fan-out",
        "ms",
        &col(|r| ms(r.create_p50)),
    );
    report("RSS before watchers", "MiB", &col(|r| r.rss_idle));
    report("RSS with the watchers open", "MiB", &col(|r| r.rss_open));
    report("RSS after the events", "MiB", &col(|r| r.rss_after));
    Ok(())
}

async fn watch_run(opts: &Opts) -> anyhow::Result<WatchRun> {
    let tmp = opts.temp_dir()?;
    let berth = Berth::start(&opts.berth, &tmp.path().join("data"), &opts.durability).await?;
    tokio::time::sleep(Duration::from_secs(1)).await;
    let rss_idle = mib(berth.rss_kib()?);

    let mut conn = berth.target.connect().await?;
    let body = conn
        .expect(
            Method::GET,
            &format!("{PODS}?limit=1"),
            Bytes::new(),
            StatusCode::OK,
        )
        .await?;
    let rv = serde_json::from_slice::<ListShape>(&body)
        .context("decode the pod list")?
        .metadata
        .resource_version;
    let path = Arc::new(format!("{PODS}?watch=1&resourceVersion={rv}"));

    let limit = Duration::from_secs(opts.max_seconds);
    let (opened_tx, mut opened_rx) = mpsc::channel::<()>(opts.watchers.max(1));
    let gate = Arc::new(Semaphore::new(OPENING));
    let mut watchers = JoinSet::new();
    for _ in 0..opts.watchers {
        let (target, path, gate, opened) = (
            berth.target.clone(),
            Arc::clone(&path),
            Arc::clone(&gate),
            opened_tx.clone(),
        );
        let events = opts.events;
        watchers.spawn(async move { watcher(target, &path, gate, opened, events, limit).await });
    }
    drop(opened_tx);
    let open_deadline = Instant::now() + limit;
    for _ in 0..opts.watchers {
        match tokio::time::timeout_at(open_deadline.into(), opened_rx.recv()).await {
            Ok(Some(())) => {}
            // A watcher failed before opening; its error surfaces when it is joined.
            Ok(None) => break,
            Err(_) => bail!("the watchers did not open within {limit:?}"),
        }
    }
    tokio::time::sleep(Duration::from_secs(1)).await;
    let rss_open = mib(berth.rss_kib()?);

    let sent = create_pods(&berth.target, opts.creators, opts.events, limit).await?;
    let mut latencies = Vec::with_capacity(opts.watchers * opts.events);
    let mut last_seen = None::<Instant>;
    while let Some(joined) = watchers.join_next().await {
        let seen = joined.context("watcher task")??;
        for (i, at) in seen.into_iter().enumerate() {
            latencies.push(at.saturating_duration_since(sent.at[i]));
            last_seen = last_seen.max(Some(at));
        }
    }
    latencies.sort_unstable();
    let first_sent = sent
        .at
        .iter()
        .min()
        .copied()
        .context("no pods were created")?;
    let rss_after = mib(berth.rss_kib()?);
    berth.stop().await?;
    Ok(WatchRun {
        p50: percentile(&latencies, 50.0),
        p99: percentile(&latencies, 99.0),
        max: latencies.last().copied().unwrap_or_default(),
        all_seen: last_seen.map_or(Duration::ZERO, |l| l.saturating_duration_since(first_sent)),
        create_p50: percentile(&sent.latencies, 50.0),
        rss_idle,
        rss_open,
        rss_after,
    })
}

/// When each pod's create was sent, and how long the creates took.
struct Sent {
    at: Vec<Instant>,
    latencies: Vec<Duration>,
}

/// Creates pods `wp-00000..` over `creators` connections, recording when each was sent.
async fn create_pods(
    target: &Target,
    creators: usize,
    events: usize,
    limit: Duration,
) -> anyhow::Result<Sent> {
    let creators = creators.max(1);
    let deadline = Instant::now() + limit;
    let mut tasks = JoinSet::new();
    for c in 0..creators {
        let mut conn = target.connect().await?;
        tasks.spawn(async move {
            let mut out = Vec::new();
            for i in (c..events).step_by(creators) {
                if Instant::now() >= deadline {
                    bail!("pod creates did not finish within {limit:?}");
                }
                let at = Instant::now();
                conn.expect(
                    Method::POST,
                    PODS,
                    pod_body(&pod_name(i)),
                    StatusCode::CREATED,
                )
                .await?;
                out.push((i, at, at.elapsed()));
            }
            anyhow::Ok(out)
        });
    }
    let now = Instant::now();
    let mut sent = Sent {
        at: vec![now; events],
        latencies: Vec::with_capacity(events),
    };
    while let Some(joined) = tasks.join_next().await {
        for (i, at, took) in joined.context("creator task")?? {
            sent.at[i] = at;
            sent.latencies.push(took);
        }
    }
    sent.latencies.sort_unstable();
    Ok(sent)
}

fn pod_name(i: usize) -> String {
    format!("wp-{i:05}")
}

/// Opens one watch and reads it until pods `0..events` have all been seen; returns when
/// each was first seen.
async fn watcher(
    target: Target,
    path: &str,
    gate: Arc<Semaphore>,
    opened: mpsc::Sender<()>,
    events: usize,
    limit: Duration,
) -> anyhow::Result<Vec<Instant>> {
    // `_conn` lives as long as the stream is read, so the connection stays open for it.
    let (_conn, resp) = {
        let _permit = gate.acquire().await.context("semaphore closed")?;
        let mut conn = target.connect().await?;
        let resp = conn.send(Method::GET, path, Bytes::new()).await?;
        if resp.status() != StatusCode::OK {
            bail!("watch answered {}", resp.status());
        }
        (conn, resp)
    };
    let _ = opened.send(()).await;
    let mut body = resp.into_body();
    let deadline = Instant::now() + limit;
    let mut seen: Vec<Option<Instant>> = vec![None; events];
    let (mut missing, mut buf) = (events, Vec::<u8>::new());
    while missing > 0 {
        let left = deadline.saturating_duration_since(Instant::now());
        let Some(chunk) = next_chunk(&mut body, left).await.with_context(|| {
            format!("watch stream: {missing} of {events} events not seen within {limit:?}")
        })?
        else {
            bail!("watch stream ended with {missing} of {events} events not seen");
        };
        let at = Instant::now();
        buf.extend_from_slice(&chunk);
        while let Some(nl) = buf.iter().position(|&b| b == b'\n') {
            let line: Vec<u8> = buf.drain(..=nl).collect();
            if let Some(i) = event_pod_index(&line)
                && let Some(slot @ None) = seen.get_mut(i)
            {
                *slot = Some(at);
                missing -= 1;
            }
        }
    }
    Ok(seen.into_iter().flatten().collect())
}

/// The index `i` of the pod `wp-i` a watch event line is about, if any. A byte search rather
/// than a JSON decode, so 500 watchers cost the client little CPU next to the server.
fn event_pod_index(line: &[u8]) -> Option<usize> {
    const KEY: &[u8] = br#""name":"wp-"#;
    let start = line.windows(KEY.len()).position(|w| w == KEY)? + KEY.len();
    let digits = &line[start..];
    let end = digits.iter().position(|&b| b == b'"')?;
    std::str::from_utf8(&digits[..end]).ok()?.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn event_lines_name_their_pod() {
        let cases: [(&[u8], Option<usize>); 5] = [
            (
                br#"{"type":"ADDED","object":{"kind":"Pod","metadata":{"name":"wp-00042","namespace":"default"}}}"#,
                Some(42),
            ),
            (br#"{"type":"ADDED","object":{"metadata":{"name":"wp-7"}}}"#, Some(7)),
            (br#"{"type":"ADDED","object":{"metadata":{"name":"other"}}}"#, None),
            (br#"{"type":"BOOKMARK","object":{"metadata":{"resourceVersion":"9"}}}"#, None),
            (br#"{"metadata":{"name":"wp-x1"}}"#, None),
        ];
        for (line, want) in cases {
            assert_eq!(
                event_pod_index(line),
                want,
                "{}",
                String::from_utf8_lossy(line)
            );
        }
    }

    #[test]
    fn pod_names_sort_by_index() {
        assert_eq!(pod_name(42), "wp-00042");
        assert_eq!(
            event_pod_index(format!(r#""name":"{}""#, pod_name(42)).as_bytes()),
            Some(42)
        );
    }
}

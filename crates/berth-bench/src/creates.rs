//! Durable creates: berth ConfigMaps over HTTPS against etcd puts over its JSON gateway, the
//! same payload sizes and client counts, runs alternated so machine noise hits both alike.

use std::sync::Arc;
use std::time::Duration;

use base64::Engine;
use base64::engine::general_purpose::STANDARD as B64;
use bytes::Bytes;
use http::{Method, StatusCode};

use crate::Opts;
use crate::load::{LoadResult, drive};
use crate::procs::{Berth, Etcd};
use crate::stats::{median, mib, report};

/// One create run's figures.
struct Run {
    load: LoadResult,
    rss_mib: f64,
    /// Server CPU time per create, in microseconds.
    cpu_us: f64,
    /// berth only: mean writes per store commit (fsync) and mean commit time, from /metrics.
    commits: Option<Commits>,
}

/// berth's store commit figures over one run.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Commits {
    mean_batch: f64,
    mean_ms: f64,
}

/// Which stores to measure.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Stores {
    /// berth only.
    Berth,
    /// etcd only.
    Etcd,
    /// Both, alternating.
    Both,
}

/// Runs the create benchmark `opts.runs` times per payload size and prints the medians.
pub(crate) async fn creates(opts: &Opts, stores: Stores) -> anyhow::Result<()> {
    let with_berth = stores != Stores::Etcd;
    let with_etcd = stores != Stores::Berth;
    let mut berth_runs: Vec<Vec<Run>> = opts.sizes.iter().map(|_| Vec::new()).collect();
    let mut etcd_runs: Vec<Vec<Run>> = opts.sizes.iter().map(|_| Vec::new()).collect();
    for run in 1..=opts.runs {
        for (s, &size) in opts.sizes.iter().enumerate() {
            // Alternate which store goes first, so neither always runs on a warmer machine.
            let order = if run % 2 == 1 {
                [true, false]
            } else {
                [false, true]
            };
            for berth_turn in order {
                if berth_turn && with_berth {
                    let r = berth_creates(opts, size).await?;
                    log_run(run, "berth", size, &r);
                    berth_runs[s].push(r);
                } else if !berth_turn && with_etcd {
                    let r = etcd_creates(opts, size).await?;
                    log_run(run, "etcd", size, &r);
                    etcd_runs[s].push(r);
                }
            }
        }
    }
    println!(
        "| creates, {} clients | median/s | runs/s | p50 ms | p99 ms | server CPU µs/create | RSS after MiB | writes per fsync | commit ms |\n|---|---|---|---|---|---|---|---|---|",
        opts.clients
    );
    for (s, size) in opts.sizes.iter().enumerate() {
        for (name, runs) in [("berth", &berth_runs[s]), ("etcd", &etcd_runs[s])] {
            if runs.is_empty() {
                continue;
            }
            let per_sec: Vec<f64> = runs.iter().map(|r| r.load.per_sec()).collect();
            let all: Vec<String> = per_sec.iter().map(|v| format!("{v:.0}")).collect();
            let p50: Vec<f64> = runs.iter().map(|r| r.load.p50_ms()).collect();
            let p99: Vec<f64> = runs.iter().map(|r| r.load.p99_ms()).collect();
            let rss: Vec<f64> = runs.iter().map(|r| r.rss_mib).collect();
            let cpu: Vec<f64> = runs.iter().map(|r| r.cpu_us).collect();
            let batch: Vec<f64> = runs
                .iter()
                .filter_map(|r| r.commits)
                .map(|c| c.mean_batch)
                .collect();
            let commit_ms: Vec<f64> = runs
                .iter()
                .filter_map(|r| r.commits)
                .map(|c| c.mean_ms)
                .collect();
            let or_dash = |v: &[f64], digits: usize| {
                if v.is_empty() {
                    "-".to_owned()
                } else {
                    format!("{:.digits$}", median(v))
                }
            };
            println!(
                "| {name} {size} B | {:.0} | {} | {:.2} | {:.2} | {:.0} | {:.1} | {} | {} |",
                median(&per_sec),
                all.join(", "),
                median(&p50),
                median(&p99),
                median(&cpu),
                median(&rss),
                or_dash(&batch, 1),
                or_dash(&commit_ms, 2)
            );
        }
        if !berth_runs[s].is_empty() && !etcd_runs[s].is_empty() {
            let ratios: Vec<f64> = berth_runs[s]
                .iter()
                .zip(&etcd_runs[s])
                .map(|(b, e)| b.load.per_sec() / e.load.per_sec())
                .collect();
            report(
                &format!("berth/etcd throughput ratio, {size} B (per run pair)"),
                "x",
                &ratios,
            );
        }
    }
    Ok(())
}

fn log_run(run: usize, name: &str, size: usize, r: &Run) {
    let commits = r.commits.map_or(String::new(), |c| {
        format!(
            ", {:.1} writes per commit, {:.2} ms per commit",
            c.mean_batch, c.mean_ms
        )
    });
    eprintln!(
        "creates run {run} {name} {size} B: {:.0}/s p50 {:.2} ms p99 {:.2} ms ({} in {:.2} s), RSS {:.1} MiB, server CPU {:.0} us/create{commits}",
        r.load.per_sec(),
        r.load.p50_ms(),
        r.load.p99_ms(),
        r.load.done,
        r.load.elapsed.as_secs_f64(),
        r.rss_mib,
        r.cpu_us,
    );
}

fn per_op_us(cpu: Duration, ops: usize) -> f64 {
    cpu.as_secs_f64() * 1e6 / ops.max(1) as f64
}

fn payload(size: usize) -> String {
    "x".repeat(size)
}

async fn berth_creates(opts: &Opts, size: usize) -> anyhow::Result<Run> {
    let tmp = opts.temp_dir()?;
    let berth = Berth::start(&opts.berth, &tmp.path().join("data"), &opts.durability).await?;
    let value = Arc::new(payload(size));
    let cpu0 = berth.cpu_time()?;
    let load = drive(
        &berth.target,
        opts.clients,
        opts.count,
        Duration::from_secs(opts.max_seconds),
        StatusCode::CREATED,
        move |i| {
            let body = format!(
                r#"{{"apiVersion":"v1","kind":"ConfigMap","metadata":{{"name":"cm-{i}"}},"data":{{"v":"{value}"}}}}"#
            );
            (
                "/api/v1/namespaces/default/configmaps".to_owned(),
                Bytes::from(body),
            )
        },
    )
    .await?;
    let cpu_us = per_op_us(berth.cpu_time()?.saturating_sub(cpu0), load.done);
    let rss_mib = mib(berth.rss_kib()?);
    let mut conn = berth.target.connect().await?;
    let text = conn
        .expect(Method::GET, "/metrics", Bytes::new(), StatusCode::OK)
        .await?;
    let commits = commits(&String::from_utf8_lossy(&text));
    berth.stop().await?;
    Ok(Run {
        load,
        rss_mib,
        cpu_us,
        commits,
    })
}

async fn etcd_creates(opts: &Opts, size: usize) -> anyhow::Result<Run> {
    let tmp = opts.temp_dir()?;
    let etcd = Etcd::start(&opts.etcd, &tmp.path().join("etcd"), opts.etcd_port).await?;
    let value = Arc::new(B64.encode(payload(size)));
    let cpu0 = etcd.cpu_time()?;
    let load = drive(
        &crate::http::Target::plain(etcd.addr),
        opts.clients,
        opts.count,
        Duration::from_secs(opts.max_seconds),
        StatusCode::OK,
        move |i| {
            let key = B64.encode(format!("/bench/configmaps/default/cm-{i}"));
            let body = format!(r#"{{"key":"{key}","value":"{value}"}}"#);
            ("/v3/kv/put".to_owned(), Bytes::from(body))
        },
    )
    .await?;
    let cpu_us = per_op_us(etcd.cpu_time()?.saturating_sub(cpu0), load.done);
    let rss_mib = mib(etcd.rss_kib()?);
    etcd.stop().await?;
    Ok(Run {
        load,
        rss_mib,
        cpu_us,
        commits: None,
    })
}

/// Mean batch size and commit time from berth's Prometheus text (histogram `_sum`/`_count`).
fn commits(metrics: &str) -> Option<Commits> {
    let value = |name: &str| -> Option<f64> {
        metrics.lines().find_map(|l| {
            let rest = l.strip_prefix(name)?;
            // Skip labelled series and longer names sharing the prefix.
            rest.strip_prefix(' ')?.trim().parse().ok()
        })
    };
    let batch_sum = value("berth_store_commit_batch_size_sum")?;
    let batch_count = value("berth_store_commit_batch_size_count")?;
    let secs_sum = value("berth_store_commit_duration_seconds_sum")?;
    let secs_count = value("berth_store_commit_duration_seconds_count")?;
    if batch_count == 0.0 || secs_count == 0.0 {
        return None;
    }
    Some(Commits {
        mean_batch: batch_sum / batch_count,
        mean_ms: secs_sum / secs_count * 1000.0,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn commit_means_from_histograms() {
        // Prometheus text format: a histogram exposes `_sum` and `_count` series.
        let text = "# TYPE berth_store_commit_batch_size histogram\n\
            berth_store_commit_batch_size_sum 400.0\n\
            berth_store_commit_batch_size_count 50\n\
            berth_store_commit_batch_size_bucket{le=\"1.0\"} 3\n\
            berth_store_commit_duration_seconds_sum 0.1\n\
            berth_store_commit_duration_seconds_count 50\n";
        assert_eq!(
            commits(text),
            Some(Commits {
                mean_batch: 8.0,
                mean_ms: 2.0
            })
        );
        let empty = "berth_store_commit_batch_size_sum 0\nberth_store_commit_batch_size_count 0\n\
            berth_store_commit_duration_seconds_sum 0\nberth_store_commit_duration_seconds_count 0\n";
        assert_eq!(commits(empty), None, "no commits yet");
        assert_eq!(commits(""), None, "no metrics");
    }
}

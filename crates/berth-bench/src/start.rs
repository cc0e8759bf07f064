//! Start-up time (spawn to the first `/readyz` 200, cold and warm) and idle memory.

use std::time::Duration;

use crate::Opts;
use crate::procs::Berth;
use crate::stats::{mib, ms, report};

/// Cold start on a fresh data dir, then a warm restart on the same dir, `opts.runs` times.
pub(crate) async fn start(opts: &Opts) -> anyhow::Result<()> {
    let (mut cold, mut warm) = (Vec::new(), Vec::new());
    for run in 1..=opts.runs {
        let tmp = opts.temp_dir()?;
        let mut berth =
            Berth::start(&opts.berth, &tmp.path().join("data"), &opts.durability).await?;
        let c = ms(berth.ready_after);
        berth.restart().await?;
        let w = ms(berth.ready_after);
        berth.stop().await?;
        eprintln!("start run {run}: cold {c:.1} ms, warm {w:.1} ms");
        cold.push(c);
        warm.push(w);
    }
    println!("| start | median | runs |\n|---|---|---|");
    report("cold start to /readyz 200 (fresh data dir)", "ms", &cold);
    report(
        "warm restart to /readyz 200 (existing data dir)",
        "ms",
        &warm,
    );
    Ok(())
}

/// Resident memory after start and `opts.idle_seconds` of idling, `opts.runs` times.
pub(crate) async fn rss(opts: &Opts) -> anyhow::Result<()> {
    let mut idle = Vec::new();
    for run in 1..=opts.runs {
        let tmp = opts.temp_dir()?;
        let berth = Berth::start(&opts.berth, &tmp.path().join("data"), &opts.durability).await?;
        tokio::time::sleep(Duration::from_secs(opts.idle_seconds)).await;
        let r = mib(berth.rss_kib()?);
        berth.stop().await?;
        eprintln!(
            "rss run {run}: {r:.1} MiB after {} s idle",
            opts.idle_seconds
        );
        idle.push(r);
    }
    println!("| memory | median | runs |\n|---|---|---|");
    report(
        &format!("idle RSS, {} s after start", opts.idle_seconds),
        "MiB",
        &idle,
    );
    Ok(())
}

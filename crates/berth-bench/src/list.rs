//! Listing many pods: one full JSON list and the same list in pages, on a server loaded with
//! `opts.pods` pods; plus memory with them loaded and a warm restart over them.

use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use bytes::Bytes;
use http::{Method, StatusCode};
use serde::Deserialize;
use serde::de::IgnoredAny;

use crate::Opts;
use crate::http::Conn;
use crate::load::drive;
use crate::procs::Berth;
use crate::stats::{mib, ms, report};

/// The body of a minimal pod named `name` (what the list benchmark stores).
pub(crate) fn pod_body(name: &str) -> Bytes {
    Bytes::from(format!(
        r#"{{"apiVersion":"v1","kind":"Pod","metadata":{{"name":"{name}","labels":{{"app":"bench"}}}},"spec":{{"containers":[{{"name":"c","image":"busybox"}}]}}}}"#
    ))
}

/// The parts of a list response the benchmark checks.
#[derive(Deserialize)]
pub(crate) struct ListShape {
    pub(crate) metadata: ListMeta,
    pub(crate) items: Vec<IgnoredAny>,
}

/// List metadata.
#[derive(Deserialize)]
pub(crate) struct ListMeta {
    #[serde(rename = "resourceVersion", default)]
    pub(crate) resource_version: String,
    #[serde(rename = "continue", default)]
    pub(crate) continue_token: String,
}

const PODS: &str = "/api/v1/namespaces/default/pods";

/// Loads the pods, then measures full and paged lists `opts.runs` times each.
pub(crate) async fn list(opts: &Opts) -> anyhow::Result<()> {
    let tmp = opts.temp_dir()?;
    let mut berth = Berth::start(&opts.berth, &tmp.path().join("data"), &opts.durability).await?;
    let load = drive(
        &berth.target,
        opts.clients,
        opts.pods,
        Duration::from_secs(opts.max_seconds.max(300)),
        StatusCode::CREATED,
        |i| (PODS.to_owned(), pod_body(&format!("p-{i:05}"))),
    )
    .await?;
    if load.done != opts.pods {
        bail!(
            "only {} of {} pods were created in time",
            load.done,
            opts.pods
        );
    }
    eprintln!(
        "loaded {} pods in {:.1} s ({:.0}/s, p50 {:.2} ms, p99 {:.2} ms)",
        load.done,
        load.elapsed.as_secs_f64(),
        load.per_sec(),
        load.p50_ms(),
        load.p99_ms()
    );
    let rss_loaded = mib(berth.rss_kib()?);
    let mut conn = berth.target.connect().await?;
    // Paged lists first, so the memory each kind of list leaves behind can be told apart.
    let mut paged = Vec::new();
    for run in 1..=opts.runs {
        let (p, pages) = paged_list(&mut conn, opts.pods, opts.page).await?;
        eprintln!(
            "list run {run}: paged {:.1} ms ({pages} pages of {})",
            ms(p),
            opts.page
        );
        paged.push(ms(p));
    }
    let rss_paged = mib(berth.rss_kib()?);
    let (mut full, mut bytes) = (Vec::new(), 0);
    for run in 1..=opts.runs {
        let (f, size) = full_list(&mut conn, opts.pods).await?;
        eprintln!(
            "list run {run}: full {:.1} ms ({size} bytes), RSS now {:.1} MiB",
            ms(f),
            mib(berth.rss_kib()?)
        );
        full.push(ms(f));
        bytes = size;
    }
    let rss_listed = mib(berth.rss_kib()?);
    drop(conn);
    berth.restart().await?;
    let warm = ms(berth.ready_after);
    tokio::time::sleep(Duration::from_secs(opts.idle_seconds)).await;
    let rss_restarted = mib(berth.rss_kib()?);
    berth.stop().await?;

    println!(
        "| list of {} pods | median | runs |\n|---|---|---|",
        opts.pods
    );
    report(
        &format!("full GET (JSON, {bytes} bytes), to last byte"),
        "ms",
        &full,
    );
    report(
        &format!("paged GET, limit={}, all pages", opts.page),
        "ms",
        &paged,
    );
    report("pod creates/s while loading", "/s", &[load.per_sec()]);
    report("RSS with the pods loaded", "MiB", &[rss_loaded]);
    report("RSS after the paged lists", "MiB", &[rss_paged]);
    report("RSS after the full lists too", "MiB", &[rss_listed]);
    report("warm restart to /readyz 200 with the pods", "ms", &[warm]);
    report(
        &format!("RSS {} s after that restart", opts.idle_seconds),
        "MiB",
        &[rss_restarted],
    );
    Ok(())
}

/// One full list: time to the last byte, then a check that it held `want` items.
async fn full_list(conn: &mut Conn, want: usize) -> anyhow::Result<(Duration, usize)> {
    let t = Instant::now();
    let body = conn
        .expect(Method::GET, PODS, Bytes::new(), StatusCode::OK)
        .await?;
    let took = t.elapsed();
    let list: ListShape = serde_json::from_slice(&body).context("decode the pod list")?;
    if list.items.len() != want {
        bail!("full list returned {} pods, want {want}", list.items.len());
    }
    Ok((took, body.len()))
}

/// Every page of the list: the sum of the page requests' times to last byte (decoding each
/// page to find the continue token is not counted).
async fn paged_list(
    conn: &mut Conn,
    want: usize,
    limit: usize,
) -> anyhow::Result<(Duration, usize)> {
    let (mut took, mut items, mut pages) = (Duration::ZERO, 0, 0);
    let mut token = String::new();
    let max_pages = want / limit.max(1) + 10;
    loop {
        let mut path = format!("{PODS}?limit={limit}");
        if !token.is_empty() {
            let enc: String = form_urlencoded::byte_serialize(token.as_bytes()).collect();
            path.push_str("&continue=");
            path.push_str(&enc);
        }
        let t = Instant::now();
        let body = conn
            .expect(Method::GET, &path, Bytes::new(), StatusCode::OK)
            .await?;
        took += t.elapsed();
        let page: ListShape = serde_json::from_slice(&body).context("decode a page")?;
        items += page.items.len();
        pages += 1;
        token = page.metadata.continue_token;
        if token.is_empty() {
            break;
        }
        if pages >= max_pages {
            bail!("more than {max_pages} pages for {want} pods");
        }
    }
    if items != want {
        bail!("paged list returned {items} pods, want {want}");
    }
    Ok((took, pages))
}

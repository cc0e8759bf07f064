//! `berth server`: open the store, set up TLS and credentials, serve the API, shut down
//! cleanly on SIGINT/SIGTERM.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use anyhow::{Context, bail};
use tokio::sync::watch;

use berth_apiserver::metrics::Metrics;
use berth_apiserver::{ApiServer, Config, SystemClock, compaction, serve, tls};
use berth_store::{Durability, SqliteOptions, SqliteStore};

use crate::cli::ServerArgs;

/// The default data dir: `/var/lib/berth` for root, else `$XDG_DATA_HOME/berth`.
pub(crate) fn default_data_dir() -> anyhow::Result<PathBuf> {
    if nix_is_root() {
        return Ok(PathBuf::from("/var/lib/berth"));
    }
    if let Some(xdg) = std::env::var_os("XDG_DATA_HOME").filter(|v| !v.is_empty()) {
        return Ok(PathBuf::from(xdg).join("berth"));
    }
    let home = std::env::var_os("HOME")
        .context("neither XDG_DATA_HOME nor HOME is set; pass --data-dir")?;
    Ok(PathBuf::from(home).join(".local/share/berth"))
}

fn nix_is_root() -> bool {
    // The owner of /proc/self is the effective user.
    std::fs::metadata("/proc/self")
        .map(|m| std::os::unix::fs::MetadataExt::uid(&m) == 0)
        .unwrap_or(false)
}

pub(crate) fn run(args: &ServerArgs) -> anyhow::Result<()> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("start the async runtime")?;
    runtime.block_on(serve_until_signal(args))
}

async fn serve_until_signal(args: &ServerArgs) -> anyhow::Result<()> {
    let data_dir = match &args.data_dir {
        Some(d) => d.clone(),
        None => default_data_dir()?,
    };
    std::fs::create_dir_all(&data_dir)
        .with_context(|| format!("create data dir {}", data_dir.display()))?;
    if args.insecure_http && !args.listen.ip().is_loopback() {
        bail!(
            "--insecure-http is only allowed on a loopback address, not {}",
            args.listen
        );
    }

    let metrics = Arc::new(Metrics::default());
    let observer_metrics = metrics.clone();
    let store = SqliteStore::open(
        &data_dir.join("store.db"),
        SqliteOptions {
            synchronous: if args.durability == "normal" {
                Durability::Normal
            } else {
                Durability::Full
            },
            commit_observer: Some(Arc::new(move |s: berth_store::CommitStats| {
                observer_metrics.observe_commit(s.batch_size, s.duration);
            })),
            ..SqliteOptions::default()
        },
    )
    .with_context(|| format!("open the store in {}", data_dir.display()))?;

    let listener = tokio::net::TcpListener::bind(args.listen)
        .await
        .with_context(|| format!("listen on {}", args.listen))?;
    let addr = listener.local_addr().context("read the listen address")?;
    let reach = if addr.ip().is_unspecified() {
        std::net::SocketAddr::new(std::net::Ipv4Addr::LOCALHOST.into(), addr.port())
    } else {
        addr
    };
    let pki =
        tls::load_or_create(&data_dir, &tls::serving_hosts(addr.ip())).context("set up the PKI")?;
    let (scheme, tls_config) = if args.insecure_http {
        ("http", None)
    } else {
        (
            "https",
            Some(tls::server_config(&pki).context("configure TLS")?),
        )
    };
    let url = format!("{scheme}://{reach}");
    let kubeconfig = data_dir.join("kubeconfig");
    tls::write_private(&kubeconfig, tls::kubeconfig(&url, &pki).as_bytes())
        .context("write the kubeconfig")?;

    let config = Config {
        server_address: reach.to_string(),
        admin_tokens: vec![pki.admin_token.clone()],
        clock: Arc::new(SystemClock),
    };
    let srv = ApiServer::with_metrics(Arc::new(store), config, metrics);
    srv.bootstrap()
        .await
        .map_err(|e| anyhow::anyhow!("create the system namespaces: {e}"))?;
    let router = if args.insecure_http {
        srv.internal_router()
    } else {
        srv.router()
    };

    let (stop_tx, stop_rx) = watch::channel(false);
    let mut tasks = tokio::task::JoinSet::new();
    tasks.spawn(compaction::run(
        srv.clone(),
        Duration::from_secs(60.min(args.history_seconds.max(1))),
        Duration::from_secs(args.history_seconds),
        stop_rx.clone(),
    ));
    // Controllers are API clients like any other; in one process they reach the API through
    // the router itself, with berth's internal identity.
    let client = kube::Client::new(srv.internal_router(), "default");
    tasks.spawn(berth_controllers::run(client, stop_rx.clone()));
    let server = tokio::spawn(serve::serve(listener, router, tls_config, stop_rx.clone()));
    tracing::info!(url = %url, kubeconfig = %kubeconfig.display(), data_dir = %data_dir.display(), "berth API server ready");

    wait_for_signal().await?;
    tracing::info!("shutting down");
    let _ = stop_tx.send(true);
    let _ = server.await;
    while tasks.join_next().await.is_some() {}
    tracing::info!("stopped");
    Ok(())
}

async fn wait_for_signal() -> anyhow::Result<()> {
    use tokio::signal::unix::{SignalKind, signal};
    let mut term = signal(SignalKind::terminate()).context("install the SIGTERM handler")?;
    let mut int = signal(SignalKind::interrupt()).context("install the SIGINT handler")?;
    tokio::select! {
        _ = term.recv() => {}
        _ = int.recv() => {}
    }
    Ok(())
}

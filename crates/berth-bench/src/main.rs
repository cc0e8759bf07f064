//! berth-bench: measures the `berth` binary over loopback — start-up, memory, durable creates
//! (next to an etcd baseline), large lists and watch fan-out. It starts and stops its own
//! servers, each in its own process group and temporary data dir, and talks only to
//! 127.0.0.1. Progress goes to stderr, Markdown summary tables to stdout.

mod creates;
mod http;
mod list;
mod load;
mod procs;
mod start;
mod stats;
mod watch;

use std::path::PathBuf;

use anyhow::Context;
use clap::Parser;

/// Benchmarks of the berth binary.
#[derive(Debug, Parser)]
#[command(name = "berth-bench", about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, clap::Subcommand)]
enum Command {
    /// Spawn to first /readyz 200: cold (fresh data dir) and warm (restart on it).
    Start(Opts),
    /// Resident memory after start and some idle seconds.
    Rss(Opts),
    /// Durable ConfigMap creates over HTTPS, by `--clients` keep-alive connections.
    Creates(Opts),
    /// Durable etcd puts over its JSON gateway, same shape as `creates`.
    EtcdCreates(Opts),
    /// `creates` and `etcd-creates` alternated run by run.
    Compare(Opts),
    /// Full and paged lists of `--pods` pods.
    List(Opts),
    /// `--watchers` watch streams on pods, then `--events` pod creates.
    Watch(Opts),
    /// Everything above, in that order.
    All(Opts),
}

/// Flags shared by every benchmark.
#[derive(Debug, Clone, clap::Args)]
pub(crate) struct Opts {
    /// The berth binary to measure.
    #[arg(long, default_value = "target/release/berth")]
    pub(crate) berth: PathBuf,
    /// The etcd binary of the baseline.
    #[arg(long, default_value = "/usr/bin/etcd")]
    pub(crate) etcd: PathBuf,
    /// etcd's client port on 127.0.0.1 (its peer port is this + 10).
    #[arg(long, default_value_t = 23790)]
    pub(crate) etcd_port: u16,
    /// Repetitions of each measurement; summaries report the median.
    #[arg(long, default_value_t = 5)]
    pub(crate) runs: usize,
    /// Concurrent clients (one keep-alive connection each) for creates.
    #[arg(long, default_value_t = 16)]
    pub(crate) clients: usize,
    /// Creates per run.
    #[arg(long, default_value_t = 20_000)]
    pub(crate) count: usize,
    /// Payload sizes in bytes for creates, comma separated.
    #[arg(long = "size", value_delimiter = ',', default_value = "256,2048")]
    pub(crate) sizes: Vec<usize>,
    /// Upper bound on any one load phase, in seconds.
    #[arg(long, default_value_t = 120)]
    pub(crate) max_seconds: u64,
    /// Pods loaded for the list benchmark.
    #[arg(long, default_value_t = 10_000)]
    pub(crate) pods: usize,
    /// Page size of the paged list.
    #[arg(long, default_value_t = 500)]
    pub(crate) page: usize,
    /// Watch streams opened by the watch benchmark.
    #[arg(long, default_value_t = 500)]
    pub(crate) watchers: usize,
    /// Pods created while the watchers listen.
    #[arg(long, default_value_t = 100)]
    pub(crate) events: usize,
    /// Connections creating those pods.
    #[arg(long, default_value_t = 1)]
    pub(crate) creators: usize,
    /// Idle seconds before reading resident memory.
    #[arg(long, default_value_t = 3)]
    pub(crate) idle_seconds: u64,
    /// Where temporary data dirs go (keep it on the disk being measured).
    #[arg(long, default_value = "/var/tmp")]
    pub(crate) work_dir: PathBuf,
    /// berth's `--durability`.
    #[arg(long, default_value = "full", value_parser = ["full", "normal"])]
    pub(crate) durability: String,
}

impl Opts {
    /// A fresh temporary directory under `--work-dir`, removed when dropped.
    pub(crate) fn temp_dir(&self) -> anyhow::Result<tempfile::TempDir> {
        tempfile::Builder::new()
            .prefix("berth-bench-")
            .tempdir_in(&self.work_dir)
            .with_context(|| format!("temp dir in {}", self.work_dir.display()))
    }
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    match Cli::parse().command {
        Command::Start(o) => start::start(&o).await,
        Command::Rss(o) => start::rss(&o).await,
        Command::Creates(o) => creates::creates(&o, creates::Stores::Berth).await,
        Command::EtcdCreates(o) => creates::creates(&o, creates::Stores::Etcd).await,
        Command::Compare(o) => creates::creates(&o, creates::Stores::Both).await,
        Command::List(o) => list::list(&o).await,
        Command::Watch(o) => watch::watch(&o).await,
        Command::All(o) => {
            start::start(&o).await?;
            start::rss(&o).await?;
            creates::creates(&o, creates::Stores::Both).await?;
            list::list(&o).await?;
            watch::watch(&o).await
        }
    }
}

//! Command-line definitions (behaviour lives in the modules that run them).

use std::net::SocketAddr;
use std::path::PathBuf;

/// StatefulSet semantics on one machine, from one binary.
#[derive(Debug, clap::Parser)]
#[command(name = "berth", version, about)]
pub(crate) struct Cli {
    #[command(subcommand)]
    pub(crate) command: Command,
}

#[derive(Debug, clap::Subcommand)]
pub(crate) enum Command {
    /// Run the API server (and, as they arrive, the controllers and node agent).
    Server(ServerArgs),
}

/// Flags of `berth server`. Every host resource is configurable so several servers can run
/// side by side.
#[derive(Debug, Clone, clap::Args)]
pub(crate) struct ServerArgs {
    /// Where state lives: the store, the PKI and the kubeconfig.
    /// Default: /var/lib/berth as root, else $XDG_DATA_HOME/berth.
    #[arg(long, value_name = "DIR")]
    pub(crate) data_dir: Option<PathBuf>,

    /// Address to serve the API on; port 0 picks a free one (the kubeconfig names the real one).
    #[arg(long, value_name = "ADDR", default_value = "127.0.0.1:6443")]
    pub(crate) listen: SocketAddr,

    /// Serve plain HTTP instead of HTTPS, treating every caller as the admin. kubectl sends no
    /// credentials over HTTP, so this exists for debugging on loopback only and is refused on
    /// any other address.
    #[arg(long)]
    pub(crate) insecure_http: bool,

    /// Store durability: `full` fsyncs every commit (default); `normal` may lose the last
    /// commits on power loss (never on a crash of berth alone).
    #[arg(long, value_name = "MODE", default_value = "full", value_parser = ["full", "normal"])]
    pub(crate) durability: String,

    /// How long history stays readable and watchable before compaction, in seconds.
    #[arg(long, value_name = "SECONDS", default_value_t = 300)]
    pub(crate) history_seconds: u64,
}

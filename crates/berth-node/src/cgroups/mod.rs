//! Pod cgroups: resource limits for a pod's processes by writing cgroup files directly.
//!
//! Hosts differ: production hosts are mostly pure cgroup v2, others still mount the resource
//! controllers as v1 hierarchies, possibly next to a v2 mount at `unified` (hybrid). [`detect`]
//! finds out which, [`Limits`] computes the values the kubelet would write, and [`Manager`]
//! creates one cgroup per pod below a configured parent path (never at the root, where the
//! host's own services live) and moves processes into it.
//!
//! All file access goes through [`CgroupFs`], so everything here runs against a plain directory
//! laid out like a cgroup mount.

mod fs;
mod layout;
mod limits;
mod manager;
mod own;

use std::io;
use std::path::PathBuf;

pub use fs::{CgroupFs, StdCgroupFs};
pub use layout::{Backend, Layout, UNIFIED_DIR, V1Controller, detect};
pub use limits::{
    CpuQuota, Limits, LimitsError, MAX_SHARES, MIN_QUOTA_US, MIN_SHARES, QUOTA_PERIOD_US,
    milli_cpu_to_quota, milli_cpu_to_shares, shares_to_weight,
};
pub use manager::{KillOutcome, Manager};
pub use own::ProcCgroup;

/// Why a cgroup operation failed.
#[derive(Debug, thiserror::Error)]
pub enum CgroupError {
    /// A pod id or parent path that cannot name a cgroup directory below the parent.
    #[error("invalid cgroup {what} {value:?}")]
    InvalidName {
        /// `pod id` or `parent path`.
        what: &'static str,
        /// The rejected value.
        value: String,
    },
    /// Neither a v2 mount nor any v1 controller hierarchy exists under the root.
    #[error("no cgroup hierarchy found under the cgroup root")]
    NoHierarchy,
    /// A limit was asked for whose controller the host does not offer.
    #[error("cgroup controller {0} is not available on this host")]
    ControllerMissing(&'static str),
    /// A cgroup file operation failed.
    #[error("cgroup {op} {}: {source}", path.display())]
    Io {
        /// The operation: `read`, `write`, `mkdir`, `rmdir` or `list`.
        op: &'static str,
        /// The path relative to the cgroup root.
        path: PathBuf,
        /// The underlying error.
        source: io::Error,
    },
    /// A cgroup file held something other than what the kernel writes there.
    #[error("unexpected content in cgroup file {}: {content:?}", path.display())]
    Parse {
        /// The path relative to the cgroup root.
        path: PathBuf,
        /// The offending text.
        content: String,
    },
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
pub(crate) mod test_layouts {
    //! Directories laid out like the cgroup mounts of each host kind.

    use std::path::Path;

    use super::{CgroupFs, StdCgroupFs};

    fn hierarchy(fs: &StdCgroupFs, dir: &str) {
        fs.mkdir(Path::new(dir)).unwrap();
        fs.write(&Path::new(dir).join("cgroup.procs"), "1\n")
            .unwrap();
    }

    /// cpu and cpuacct share a hierarchy reached through links, as systemd mounts them.
    pub(crate) fn v1_host(fs: &StdCgroupFs) {
        for dir in ["cpu,cpuacct", "memory", "pids", "systemd"] {
            hierarchy(fs, dir);
        }
        for link in ["cpu", "cpuacct"] {
            std::os::unix::fs::symlink("cpu,cpuacct", fs.root().join(link)).unwrap();
        }
    }

    /// v1 hierarchies plus a v2 mount at `unified` offering `unified_controllers`.
    pub(crate) fn hybrid_host(fs: &StdCgroupFs, unified_controllers: &str) {
        v1_host(fs);
        hierarchy(fs, "unified");
        fs.write(Path::new("unified/cgroup.controllers"), unified_controllers)
            .unwrap();
    }

    /// A pure v2 root offering `controllers`, none enabled for children yet.
    pub(crate) fn v2_host(fs: &StdCgroupFs, controllers: &str) {
        hierarchy(fs, "");
        fs.write(Path::new("cgroup.controllers"), controllers)
            .unwrap();
        fs.write(Path::new("cgroup.subtree_control"), "").unwrap();
    }
}

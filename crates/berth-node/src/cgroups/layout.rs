//! Which cgroup hierarchies a host mounts under the cgroup root, and which one berth drives.
//!
//! A pure v2 host has `cgroup.controllers` at the root. A v1 host has one directory per
//! hierarchy (`memory`, `cpu,cpuacct`, often with `cpu`/`cpuacct` links), each holding
//! `cgroup.procs`. A hybrid host adds a v2 mount at `unified`; berth uses that v2 mount only when
//! it carries the memory controller, since that is where the limits that matter live.

use std::path::{Path, PathBuf};

use super::CgroupError;
use super::fs::CgroupFs;

/// Controllers berth knows of on v1; other directories (`systemd`, `unified`) are not hierarchies
/// of resource controllers.
const V1_CONTROLLERS: &[&str] = &[
    "blkio",
    "cpu",
    "cpuacct",
    "cpuset",
    "devices",
    "freezer",
    "hugetlb",
    "memory",
    "misc",
    "net_cls",
    "net_prio",
    "perf_event",
    "pids",
    "rdma",
];

/// The directory of the v2 mount on hybrid hosts.
pub const UNIFIED_DIR: &str = "unified";

/// A v1 controller and the directory (relative to the root) of the hierarchy it is mounted in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct V1Controller {
    /// Controller name, such as `memory`.
    pub name: String,
    /// Hierarchy directory, such as `cpu,cpuacct` or `memory`.
    pub dir: String,
}

/// The cgroup layout found under the root.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Layout {
    /// Only v1 hierarchies.
    V1 {
        /// Mounted controllers, sorted by name.
        controllers: Vec<V1Controller>,
    },
    /// The root itself is a v2 hierarchy.
    V2 {
        /// Controllers listed in the root's `cgroup.controllers`.
        controllers: Vec<String>,
    },
    /// v1 hierarchies plus a v2 mount at `unified`.
    Hybrid {
        /// Mounted v1 controllers, sorted by name.
        v1: Vec<V1Controller>,
        /// Controllers listed in `unified/cgroup.controllers`.
        unified: Vec<String>,
    },
}

/// The hierarchy berth writes limits into.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Backend {
    /// Per-controller v1 hierarchies.
    V1 {
        /// Mounted controllers.
        controllers: Vec<V1Controller>,
    },
    /// One v2 hierarchy at `base` (relative to the root: empty, or `unified`).
    V2 {
        /// The mount's directory relative to the root.
        base: PathBuf,
        /// Controllers the mount offers.
        controllers: Vec<String>,
    },
}

impl Layout {
    /// The hierarchy to use: v2 on pure v2 hosts, and on hybrid hosts whose v2 mount has the
    /// memory controller; v1 otherwise.
    #[must_use]
    pub fn backend(&self) -> Backend {
        match self {
            Self::V1 { controllers } => Backend::V1 {
                controllers: controllers.clone(),
            },
            Self::V2 { controllers } => Backend::V2 {
                base: PathBuf::new(),
                controllers: controllers.clone(),
            },
            Self::Hybrid { v1, unified }
                if unified.iter().any(|c| c == "memory") || v1.is_empty() =>
            {
                Backend::V2 {
                    base: PathBuf::from(UNIFIED_DIR),
                    controllers: unified.clone(),
                }
            }
            Self::Hybrid { v1, .. } => Backend::V1 {
                controllers: v1.clone(),
            },
        }
    }
}

/// Finds the layout under the root of `fs`.
///
/// # Errors
///
/// [`CgroupError::NoHierarchy`] when neither a v2 mount nor any v1 hierarchy is found;
/// I/O errors reading the root.
pub fn detect(fs: &dyn CgroupFs) -> Result<Layout, CgroupError> {
    let root_controllers = Path::new("cgroup.controllers");
    if fs.exists(root_controllers) {
        return Ok(Layout::V2 {
            controllers: read_controllers(fs, root_controllers)?,
        });
    }
    let dirs = fs.list(Path::new("")).map_err(|source| CgroupError::Io {
        op: "list",
        path: PathBuf::new(),
        source,
    })?;
    let mut v1: Vec<V1Controller> = Vec::new();
    for dir in &dirs {
        let names: Vec<&str> = dir.split(',').collect();
        if !names.iter().all(|n| V1_CONTROLLERS.contains(n))
            || !fs.exists(&Path::new(dir).join("cgroup.procs"))
        {
            continue;
        }
        for name in names {
            // Prefer the single-controller directory (often a link) over the joint one.
            match v1.iter_mut().find(|c| c.name == name) {
                Some(existing) if dir == name => existing.dir.clone_from(dir),
                Some(_) => {}
                None => v1.push(V1Controller {
                    name: name.to_owned(),
                    dir: dir.clone(),
                }),
            }
        }
    }
    v1.sort_by(|a, b| a.name.cmp(&b.name));
    let unified_file = Path::new(UNIFIED_DIR).join("cgroup.controllers");
    if fs.exists(&unified_file) {
        let unified = read_controllers(fs, &unified_file)?;
        return Ok(Layout::Hybrid { v1, unified });
    }
    if v1.is_empty() {
        return Err(CgroupError::NoHierarchy);
    }
    Ok(Layout::V1 { controllers: v1 })
}

fn read_controllers(fs: &dyn CgroupFs, path: &Path) -> Result<Vec<String>, CgroupError> {
    let text = fs.read(path).map_err(|source| CgroupError::Io {
        op: "read",
        path: path.to_path_buf(),
        source,
    })?;
    Ok(text.split_whitespace().map(str::to_owned).collect())
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::cgroups::fs::StdCgroupFs;
    use crate::cgroups::test_layouts::{hybrid_host, v1_host, v2_host};

    fn c(name: &str, dir: &str) -> V1Controller {
        V1Controller {
            name: name.into(),
            dir: dir.into(),
        }
    }

    #[test]
    fn detects_each_host_kind() {
        let dir = tempfile::tempdir().unwrap();
        let fs = StdCgroupFs::new(dir.path());
        v2_host(&fs, "cpuset cpu io memory hugetlb pids rdma misc");
        let layout = detect(&fs).unwrap();
        assert_eq!(
            layout,
            Layout::V2 {
                controllers: [
                    "cpuset", "cpu", "io", "memory", "hugetlb", "pids", "rdma", "misc"
                ]
                .map(String::from)
                .to_vec()
            }
        );
        assert!(matches!(layout.backend(), Backend::V2 { base, .. } if base == Path::new("")));

        let dir = tempfile::tempdir().unwrap();
        let fs = StdCgroupFs::new(dir.path());
        v1_host(&fs);
        let expected_v1 = vec![
            c("cpu", "cpu"),
            c("cpuacct", "cpuacct"),
            c("memory", "memory"),
            c("pids", "pids"),
        ];
        assert_eq!(
            detect(&fs).unwrap(),
            Layout::V1 {
                controllers: expected_v1.clone()
            }
        );

        // This development host: v1 controllers, a v2 mount with only hugetlb → v1 is used.
        let dir = tempfile::tempdir().unwrap();
        let fs = StdCgroupFs::new(dir.path());
        hybrid_host(&fs, "hugetlb");
        let layout = detect(&fs).unwrap();
        assert_eq!(
            layout,
            Layout::Hybrid {
                v1: expected_v1.clone(),
                unified: vec!["hugetlb".into()]
            }
        );
        assert_eq!(
            layout.backend(),
            Backend::V1 {
                controllers: expected_v1
            }
        );

        let dir = tempfile::tempdir().unwrap();
        let fs = StdCgroupFs::new(dir.path());
        hybrid_host(&fs, "cpu memory pids");
        assert!(matches!(
            detect(&fs).unwrap().backend(),
            Backend::V2 { base, .. } if base == Path::new("unified")
        ));
    }

    #[test]
    fn joint_hierarchy_without_links() {
        let dir = tempfile::tempdir().unwrap();
        let fs = StdCgroupFs::new(dir.path());
        for d in ["cpu,cpuacct", "memory", "systemd", "stray"] {
            fs.mkdir(Path::new(d)).unwrap();
            fs.write(&Path::new(d).join("cgroup.procs"), "").unwrap();
        }
        assert_eq!(
            detect(&fs).unwrap(),
            Layout::V1 {
                controllers: vec![
                    c("cpu", "cpu,cpuacct"),
                    c("cpuacct", "cpu,cpuacct"),
                    c("memory", "memory")
                ]
            }
        );
    }

    #[test]
    fn empty_root_has_no_hierarchy() {
        let dir = tempfile::tempdir().unwrap();
        let fs = StdCgroupFs::new(dir.path());
        // A bare directory named like a controller is not a mounted hierarchy.
        fs.mkdir(Path::new("memory")).unwrap();
        assert!(matches!(detect(&fs), Err(CgroupError::NoHierarchy)));
    }
}

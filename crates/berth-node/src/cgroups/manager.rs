//! One cgroup per pod under berth's parent path: `<root>/<parent>/<pod_id>` on v2, and
//! `<root>/<controller dir>/<parent>/<pod_id>` in each managed v1 hierarchy.
//!
//! The parent must be a cgroup of its own with no processes in it: on v2 a cgroup holding
//! processes cannot hand controllers to its children.

use std::path::{Component, Path, PathBuf};

use super::CgroupError;
use super::fs::CgroupFs;
use super::layout::{Backend, Layout, detect};
use super::limits::Limits;
use super::own::ProcCgroup;

/// Controllers berth puts limits in.
const MANAGED: [&str; 3] = ["cpu", "memory", "pids"];

/// What [`Manager::kill_all`] did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum KillOutcome {
    /// The kernel killed every process in the cgroup (v2 `cgroup.kill`).
    Killed,
    /// No kill file: these processes are left for the caller to signal.
    Signal(Vec<u32>),
}

/// Creates, fills, kills and removes pod cgroups.
#[derive(Debug)]
pub struct Manager<F> {
    fs: F,
    layout: Layout,
    backend: Backend,
    own: ProcCgroup,
    parent: PathBuf,
}

impl<F: CgroupFs> Manager<F> {
    /// A manager for the layout detected under the root of `fs`, creating pod cgroups below
    /// `parent` (relative to each hierarchy's root, such as `berth` or `system.slice/berth`).
    ///
    /// # Errors
    ///
    /// [`CgroupError::InvalidName`] for an empty, absolute or `..` parent; detection errors.
    pub fn new(fs: F, parent: &str) -> Result<Self, CgroupError> {
        let layout = detect(&fs)?;
        Self::with_layout(fs, layout, parent)
    }

    /// A manager for a known layout.
    ///
    /// # Errors
    ///
    /// [`CgroupError::InvalidName`] for an empty, absolute or `..` parent.
    pub fn with_layout(fs: F, layout: Layout, parent: &str) -> Result<Self, CgroupError> {
        let path = Path::new(parent);
        if parent.is_empty() || !path.components().all(|c| matches!(c, Component::Normal(_))) {
            return Err(CgroupError::InvalidName {
                what: "parent path",
                value: parent.to_owned(),
            });
        }
        Ok(Self {
            fs,
            backend: layout.backend(),
            layout,
            own: ProcCgroup::default(),
            parent: path.to_path_buf(),
        })
    }

    /// Places the parent below the cgroups berth itself sits in (`own`, from
    /// `/proc/self/cgroup`) instead of below each hierarchy's root. On v2 that cgroup must hold
    /// no processes for the parent to receive controllers, so berth moves itself out of it first.
    #[must_use]
    pub fn nested_in(mut self, own: ProcCgroup) -> Self {
        self.own = own;
        self
    }

    /// The detected layout.
    #[must_use]
    pub fn layout(&self) -> &Layout {
        &self.layout
    }

    /// The pod's cgroup directories relative to the root, one per managed controller hierarchy
    /// on v1 (without duplicates), exactly one on v2.
    ///
    /// # Errors
    ///
    /// [`CgroupError::InvalidName`] for a pod id that is not a single plain path component.
    pub fn pod_dirs(&self, pod_id: &str) -> Result<Vec<PathBuf>, CgroupError> {
        check_pod_id(pod_id)?;
        Ok(self
            .controller_bases()
            .into_iter()
            .map(|(_, base)| base.join(&self.parent).join(pod_id))
            .collect())
    }

    /// Creates the pod's cgroup and writes `limits` into it.
    ///
    /// # Errors
    ///
    /// [`CgroupError::ControllerMissing`] when a limit is set whose controller the host lacks
    /// (the cpu weight alone is skipped without its controller); I/O errors.
    pub fn create(&self, pod_id: &str, limits: &Limits) -> Result<(), CgroupError> {
        check_pod_id(pod_id)?;
        let bases = self.controller_bases();
        let has = |name: &str| bases.iter().any(|(c, _)| c.contains(&name));
        for (name, wanted) in [
            ("cpu", limits.cpu_quota.is_some()),
            ("memory", limits.memory_bytes.is_some()),
            ("pids", limits.pids_max.is_some()),
        ] {
            if wanted && !has(name) {
                return Err(CgroupError::ControllerMissing(name));
            }
        }
        match &self.backend {
            Backend::V1 { .. } => {
                for (controllers, base) in &bases {
                    let dir = base.join(&self.parent).join(pod_id);
                    self.mkdir(&dir)?;
                    for knob in controllers.iter().flat_map(|c| v1_knobs(c, limits)) {
                        self.write(&dir.join(knob.0), &knob.1)?;
                    }
                }
            }
            Backend::V2 { .. } => {
                let enable: Vec<&str> = bases.iter().flat_map(|(c, _)| c.clone()).collect();
                let mut level = bases.first().map(|(_, b)| b.clone()).unwrap_or_default();
                self.enable_controllers(&level, &enable)?;
                for component in self.parent.components() {
                    level.push(component);
                    self.mkdir(&level)?;
                    self.enable_controllers(&level, &enable)?;
                }
                let dir = level.join(pod_id);
                self.mkdir(&dir)?;
                for knob in enable.iter().flat_map(|c| v2_knobs(c, limits)) {
                    self.write(&dir.join(knob.0), &knob.1)?;
                }
            }
        }
        Ok(())
    }

    /// Moves process `pid` into the pod's cgroup (into every managed hierarchy on v1).
    ///
    /// # Errors
    ///
    /// I/O errors, such as the cgroup not existing or the process having exited.
    pub fn add_process(&self, pod_id: &str, pid: u32) -> Result<(), CgroupError> {
        for dir in self.pod_dirs(pod_id)? {
            self.write(&dir.join("cgroup.procs"), &pid.to_string())?;
        }
        Ok(())
    }

    /// The processes in the pod's cgroup, sorted, without duplicates.
    ///
    /// # Errors
    ///
    /// I/O errors (a missing cgroup is one); [`CgroupError::Parse`] for a malformed file.
    pub fn pids(&self, pod_id: &str) -> Result<Vec<u32>, CgroupError> {
        let mut pids = Vec::new();
        for dir in self.pod_dirs(pod_id)? {
            let path = dir.join("cgroup.procs");
            let text = self.fs.read(&path).map_err(|source| CgroupError::Io {
                op: "read",
                path: path.clone(),
                source,
            })?;
            for word in text.split_whitespace() {
                pids.push(word.parse::<u32>().map_err(|_| CgroupError::Parse {
                    path: path.clone(),
                    content: word.to_owned(),
                })?);
            }
        }
        pids.sort_unstable();
        pids.dedup();
        Ok(pids)
    }

    /// Kills every process in the pod's cgroup through v2 `cgroup.kill` when the kernel offers
    /// it; otherwise returns the processes for the caller to signal.
    ///
    /// # Errors
    ///
    /// As for [`Manager::pids`], and a failed write to `cgroup.kill`.
    pub fn kill_all(&self, pod_id: &str) -> Result<KillOutcome, CgroupError> {
        if let Backend::V2 { .. } = self.backend {
            for dir in self.pod_dirs(pod_id)? {
                let kill = dir.join("cgroup.kill");
                if self.fs.exists(&kill) {
                    self.write(&kill, "1")?;
                    return Ok(KillOutcome::Killed);
                }
            }
        }
        self.pids(pod_id).map(KillOutcome::Signal)
    }

    /// Removes the pod's cgroup; one already gone is not an error. The kernel refuses while
    /// processes remain in it.
    ///
    /// # Errors
    ///
    /// I/O errors other than the cgroup not existing.
    pub fn remove(&self, pod_id: &str) -> Result<(), CgroupError> {
        for dir in self.pod_dirs(pod_id)? {
            match self.fs.rmdir(&dir) {
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                Err(source) => {
                    return Err(CgroupError::Io {
                        op: "rmdir",
                        path: dir,
                        source,
                    });
                }
                Ok(()) => {}
            }
        }
        Ok(())
    }

    /// The managed controllers available, grouped by the directory the parent goes in: the
    /// hierarchy's directory joined with berth's own path in it.
    fn controller_bases(&self) -> Vec<(Vec<&'static str>, PathBuf)> {
        match &self.backend {
            Backend::V1 { controllers } => {
                let mut bases: Vec<(Vec<&'static str>, PathBuf)> = Vec::new();
                for name in MANAGED {
                    let Some(c) = controllers.iter().find(|c| c.name == name) else {
                        continue;
                    };
                    let dir = nest(&c.dir, self.own.v1_path(name));
                    match bases.iter_mut().find(|(_, d)| *d == dir) {
                        Some((names, _)) => names.push(name),
                        None => bases.push((vec![name], dir)),
                    }
                }
                bases
            }
            Backend::V2 { base, controllers } => {
                let names = MANAGED
                    .into_iter()
                    .filter(|m| controllers.iter().any(|c| c == m))
                    .collect();
                vec![(names, nest(base, self.own.v2_path()))]
            }
        }
    }

    /// Adds the controllers missing from `dir`'s `cgroup.subtree_control`, so that children
    /// get them; an already complete file is left alone.
    fn enable_controllers(&self, dir: &Path, controllers: &[&str]) -> Result<(), CgroupError> {
        let path = dir.join("cgroup.subtree_control");
        let current = match self.fs.read(&path) {
            Ok(text) => text,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => String::new(),
            Err(source) => {
                return Err(CgroupError::Io {
                    op: "read",
                    path,
                    source,
                });
            }
        };
        let missing: Vec<String> = controllers
            .iter()
            .filter(|c| !current.split_whitespace().any(|e| e == **c))
            .map(|c| format!("+{c}"))
            .collect();
        if missing.is_empty() {
            return Ok(());
        }
        self.write(&path, &missing.join(" "))
    }

    fn mkdir(&self, path: &Path) -> Result<(), CgroupError> {
        self.fs.mkdir(path).map_err(|source| CgroupError::Io {
            op: "mkdir",
            path: path.to_path_buf(),
            source,
        })
    }

    fn write(&self, path: &Path, contents: &str) -> Result<(), CgroupError> {
        self.fs
            .write(path, contents)
            .map_err(|source| CgroupError::Io {
                op: "write",
                path: path.to_path_buf(),
                source,
            })
    }
}

/// v1 knob files and values for one controller, in the order they must be written: the
/// period before the quota, because the kernel checks the quota against the current period.
fn v1_knobs(controller: &str, limits: &Limits) -> Vec<(&'static str, String)> {
    let mut knobs = Vec::new();
    match controller {
        "cpu" => {
            knobs.push(("cpu.shares", limits.cpu_shares.to_string()));
            if let Some(q) = limits.cpu_quota {
                knobs.push(("cpu.cfs_period_us", q.period_us.to_string()));
                knobs.push(("cpu.cfs_quota_us", q.quota_us.to_string()));
            }
        }
        "memory" => {
            if let Some(bytes) = limits.memory_bytes {
                knobs.push(("memory.limit_in_bytes", bytes.to_string()));
            }
        }
        "pids" => {
            if let Some(max) = limits.pids_max {
                knobs.push(("pids.max", max.to_string()));
            }
        }
        _ => {}
    }
    knobs
}

/// v2 knob files and values for one controller; unset limits keep the kernel's `max`.
fn v2_knobs(controller: &str, limits: &Limits) -> Vec<(&'static str, String)> {
    let mut knobs = Vec::new();
    match controller {
        "cpu" => {
            knobs.push(("cpu.weight", limits.cpu_weight().to_string()));
            if let Some(q) = limits.cpu_quota {
                knobs.push(("cpu.max", format!("{} {}", q.quota_us, q.period_us)));
            }
        }
        "memory" => {
            if let Some(bytes) = limits.memory_bytes {
                knobs.push(("memory.max", bytes.to_string()));
            }
        }
        "pids" => {
            if let Some(max) = limits.pids_max {
                knobs.push(("pids.max", max.to_string()));
            }
        }
        _ => {}
    }
    knobs
}

fn nest(dir: impl AsRef<Path>, own: Option<&Path>) -> PathBuf {
    let mut path = dir.as_ref().to_path_buf();
    if let Some(own) = own.filter(|p| !p.as_os_str().is_empty()) {
        path.push(own);
    }
    path
}

/// A pod id must be one plain directory name that cannot be mistaken for a knob file.
fn check_pod_id(pod_id: &str) -> Result<(), CgroupError> {
    let ok = !pod_id.is_empty()
        && pod_id.len() <= 255
        && pod_id != "."
        && pod_id != ".."
        && !pod_id.starts_with("cgroup.")
        && !pod_id.contains(['/', '\0']);
    if ok {
        Ok(())
    } else {
        Err(CgroupError::InvalidName {
            what: "pod id",
            value: pod_id.to_owned(),
        })
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
#[path = "manager_tests.rs"]
mod tests;

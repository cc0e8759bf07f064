//! Where a process already sits in each hierarchy, from `/proc/<pid>/cgroup`.
//!
//! berth may itself run inside a limited cgroup (a container, a systemd unit); pod cgroups
//! belong below that one, not next to it at the hierarchy root where they would escape its
//! limits.

use std::path::{Component, Path, PathBuf};

use super::CgroupError;

/// A process's cgroup paths, relative to each hierarchy's root.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ProcCgroup {
    v1: Vec<(Vec<String>, PathBuf)>,
    v2: Option<PathBuf>,
}

impl ProcCgroup {
    /// Parses the text of `/proc/<pid>/cgroup` (`id:controllers:path` lines; the v2 line has
    /// id 0 and no controllers).
    ///
    /// # Errors
    ///
    /// [`CgroupError::Parse`] for a line without three fields or a path that is not absolute
    /// and plain.
    pub fn parse(text: &str) -> Result<Self, CgroupError> {
        let mut own = Self::default();
        for line in text.lines().filter(|l| !l.trim().is_empty()) {
            let bad = || CgroupError::Parse {
                path: PathBuf::from("/proc/self/cgroup"),
                content: line.to_owned(),
            };
            let mut fields = line.splitn(3, ':');
            let (Some(id), Some(controllers), Some(path)) =
                (fields.next(), fields.next(), fields.next())
            else {
                return Err(bad());
            };
            let path = Path::new(path).strip_prefix("/").map_err(|_| bad())?;
            if !path.components().all(|c| matches!(c, Component::Normal(_))) {
                return Err(bad());
            }
            if id == "0" && controllers.is_empty() {
                own.v2 = Some(path.to_path_buf());
            } else {
                let names = controllers.split(',').map(str::to_owned).collect();
                own.v1.push((names, path.to_path_buf()));
            }
        }
        Ok(own)
    }

    /// The path in the v1 hierarchy of `controller`, if the process is in one.
    #[must_use]
    pub fn v1_path(&self, controller: &str) -> Option<&Path> {
        self.v1
            .iter()
            .find(|(names, _)| names.iter().any(|n| n == controller))
            .map(|(_, path)| path.as_path())
    }

    /// The path in the v2 hierarchy, if the process is in one.
    #[must_use]
    pub fn v2_path(&self) -> Option<&Path> {
        self.v2.as_deref()
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn parses_a_hybrid_host_entry() {
        // This development host: only memory is confined below the root.
        let text = "9:name=systemd:/\n8:pids:/\n4:memory:/process_api/d2568d\n\
                    2:cpuacct:/\n1:cpu,cpuacct:/\n0::/\n";
        let own = ProcCgroup::parse(text).unwrap();
        assert_eq!(own.v1_path("memory"), Some(Path::new("process_api/d2568d")));
        assert_eq!(own.v1_path("pids"), Some(Path::new("")));
        assert_eq!(own.v1_path("cpu"), Some(Path::new("")));
        assert_eq!(own.v1_path("blkio"), None);
        assert_eq!(own.v2_path(), Some(Path::new("")));
    }

    #[test]
    fn parses_a_v2_host_entry() {
        let own = ProcCgroup::parse("0::/system.slice/berth.service\n").unwrap();
        assert_eq!(own.v2_path(), Some(Path::new("system.slice/berth.service")));
        assert_eq!(own.v1_path("memory"), None);
    }

    #[test]
    fn rejects_malformed_lines() {
        for text in ["garbage", "0::relative", "0::/a/../b", "1:memory"] {
            assert!(
                matches!(ProcCgroup::parse(text), Err(CgroupError::Parse { .. })),
                "{text}"
            );
        }
    }
}

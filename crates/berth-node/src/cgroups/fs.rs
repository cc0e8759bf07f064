//! The narrow filesystem surface berth needs from a cgroup mount, and its `std::fs`
//! implementation rooted at a configurable mount point.
//!
//! Paths given to [`CgroupFs`] are relative to the mount point; anything that could escape it
//! (absolute paths, `..`) is refused, so a pod id can never address a file outside the hierarchy.

use std::io;
use std::path::{Component, Path, PathBuf};

/// File operations on a cgroup hierarchy, all relative to its mount point.
pub trait CgroupFs {
    /// Reads a whole knob file.
    ///
    /// # Errors
    ///
    /// Any I/O error, `NotFound` when the file does not exist.
    fn read(&self, path: &Path) -> io::Result<String>;

    /// Writes `contents` to a knob file in a single write.
    ///
    /// # Errors
    ///
    /// Any I/O error; the kernel reports rejected values this way.
    fn write(&self, path: &Path, contents: &str) -> io::Result<()>;

    /// Creates a cgroup directory and any missing parents; an existing one is not an error.
    ///
    /// # Errors
    ///
    /// Any I/O error.
    fn mkdir(&self, path: &Path) -> io::Result<()>;

    /// Removes one cgroup directory.
    ///
    /// # Errors
    ///
    /// Any I/O error; `NotFound` when it does not exist.
    fn rmdir(&self, path: &Path) -> io::Result<()>;

    /// Names of the subdirectories (following symbolic links) of a directory, sorted.
    ///
    /// # Errors
    ///
    /// Any I/O error.
    fn list(&self, path: &Path) -> io::Result<Vec<String>>;

    /// Whether a file or directory exists.
    fn exists(&self, path: &Path) -> bool;
}

/// [`CgroupFs`] on the real filesystem under `root` (normally `/sys/fs/cgroup`).
#[derive(Debug, Clone)]
pub struct StdCgroupFs {
    root: PathBuf,
}

impl StdCgroupFs {
    /// A filesystem rooted at `root`.
    #[must_use]
    pub fn new(root: impl Into<PathBuf>) -> Self {
        Self { root: root.into() }
    }

    /// The mount point every path is relative to.
    #[must_use]
    pub fn root(&self) -> &Path {
        &self.root
    }

    fn resolve(&self, path: &Path) -> io::Result<PathBuf> {
        if path
            .components()
            .all(|c| matches!(c, Component::Normal(_) | Component::CurDir))
        {
            Ok(self.root.join(path))
        } else {
            Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                format!("cgroup path {} leaves the mount point", path.display()),
            ))
        }
    }
}

impl CgroupFs for StdCgroupFs {
    fn read(&self, path: &Path) -> io::Result<String> {
        std::fs::read_to_string(self.resolve(path)?)
    }

    fn write(&self, path: &Path, contents: &str) -> io::Result<()> {
        std::fs::write(self.resolve(path)?, contents)
    }

    fn mkdir(&self, path: &Path) -> io::Result<()> {
        std::fs::create_dir_all(self.resolve(path)?)
    }

    fn rmdir(&self, path: &Path) -> io::Result<()> {
        let full = self.resolve(path)?;
        match std::fs::remove_dir(&full) {
            // cgroupfs never answers ENOTEMPTY (busy cgroups give EBUSY), so this is a plain
            // directory, such as a tmpfs stand-in, whose knob files are real files to delete.
            Err(e) if e.kind() == io::ErrorKind::DirectoryNotEmpty => {
                for entry in std::fs::read_dir(&full)? {
                    let entry = entry?;
                    if entry.file_type()?.is_file() {
                        std::fs::remove_file(entry.path())?;
                    }
                }
                std::fs::remove_dir(&full)
            }
            other => other,
        }
    }

    fn list(&self, path: &Path) -> io::Result<Vec<String>> {
        let mut names = Vec::new();
        for entry in std::fs::read_dir(self.resolve(path)?)? {
            let entry = entry?;
            // metadata() follows links: v1 hosts expose `cpu` as a link to `cpu,cpuacct`.
            if std::fs::metadata(entry.path()).is_ok_and(|m| m.is_dir())
                && let Some(name) = entry.file_name().to_str()
            {
                names.push(name.to_owned());
            }
        }
        names.sort();
        Ok(names)
    }

    fn exists(&self, path: &Path) -> bool {
        self.resolve(path).is_ok_and(|p| p.exists())
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_and_listing() {
        let dir = tempfile::tempdir().unwrap();
        let fs = StdCgroupFs::new(dir.path());
        fs.mkdir(Path::new("a/b")).unwrap();
        fs.mkdir(Path::new("a/c")).unwrap();
        fs.write(Path::new("a/knob"), "42").unwrap();
        assert_eq!(fs.read(Path::new("a/knob")).unwrap(), "42");
        assert_eq!(fs.list(Path::new("a")).unwrap(), vec!["b", "c"]);
        assert!(fs.exists(Path::new("a/b")));
        fs.write(Path::new("a/b/cgroup.procs"), "1").unwrap();
        fs.rmdir(Path::new("a/b")).unwrap();
        assert!(!fs.exists(Path::new("a/b")));
    }

    #[test]
    fn escaping_paths_are_refused() {
        let dir = tempfile::tempdir().unwrap();
        let fs = StdCgroupFs::new(dir.path().join("root"));
        for bad in ["../x", "/etc/passwd", "a/../../x"] {
            let err = fs.write(Path::new(bad), "1").unwrap_err();
            assert_eq!(err.kind(), io::ErrorKind::InvalidInput, "{bad}");
            assert!(!fs.exists(Path::new(bad)), "{bad}");
        }
    }
}

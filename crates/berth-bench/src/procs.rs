//! The servers under test: `berth server` and `etcd`, each started by the bench in its own
//! process group and data dir, stopped (and, if need be, killed) when dropped. Only those
//! groups are ever signalled.

use std::fs;
use std::net::SocketAddr;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use bytes::Bytes;
use http::{Method, StatusCode};
use nix::sys::signal::{Signal, killpg};
use nix::unistd::Pid;

use crate::http::{Kubeconfig, Target};

/// How long a server may take to come up or shut down before the run is abandoned.
const START_LIMIT: Duration = Duration::from_secs(30);
const STOP_LIMIT: Duration = Duration::from_secs(10);

/// A child process in its own process group.
struct Group {
    child: Child,
    name: &'static str,
}

impl Group {
    fn spawn(name: &'static str, cmd: &mut Command, log: &Path) -> anyhow::Result<Self> {
        let out = fs::File::create(log).with_context(|| format!("create {}", log.display()))?;
        let child = cmd
            .stdin(Stdio::null())
            .stdout(out.try_clone().context("log file")?)
            .stderr(out)
            .process_group(0)
            .spawn()
            .with_context(|| format!("start {name}"))?;
        Ok(Self { child, name })
    }

    fn pid(&self) -> u32 {
        self.child.id()
    }

    fn signal(&self, sig: Signal) {
        // The child leads its own group (process_group(0)), so its pid is the group id.
        if let Ok(pid) = i32::try_from(self.child.id()) {
            let _ = killpg(Pid::from_raw(pid), sig);
        }
    }

    fn exited(&mut self) -> anyhow::Result<Option<std::process::ExitStatus>> {
        self.child
            .try_wait()
            .with_context(|| format!("wait for {}", self.name))
    }

    /// SIGTERM, then SIGKILL if it has not exited within [`STOP_LIMIT`].
    async fn stop(&mut self) -> anyhow::Result<()> {
        if self.exited()?.is_some() {
            return Ok(());
        }
        self.signal(Signal::SIGTERM);
        let deadline = Instant::now() + STOP_LIMIT;
        while Instant::now() < deadline {
            if self.exited()?.is_some() {
                return Ok(());
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        self.signal(Signal::SIGKILL);
        self.child
            .wait()
            .with_context(|| format!("reap {}", self.name))?;
        Ok(())
    }
}

impl Drop for Group {
    fn drop(&mut self) {
        if matches!(self.child.try_wait(), Ok(None)) {
            self.signal(Signal::SIGKILL);
            let _ = self.child.wait();
        }
    }
}

/// Resident set size of a process in KiB, from `/proc/PID/status`.
pub(crate) fn rss_kib(pid: u32) -> anyhow::Result<u64> {
    let status = fs::read_to_string(format!("/proc/{pid}/status"))
        .with_context(|| format!("read /proc/{pid}/status"))?;
    parse_vm_rss(&status).context("no VmRSS line")
}

fn parse_vm_rss(status: &str) -> Option<u64> {
    let rest = status.lines().find_map(|l| l.strip_prefix("VmRSS:"))?;
    rest.split_whitespace().next()?.parse().ok()
}

/// CPU time (user + system) a process has used, from `/proc/PID/stat`.
pub(crate) fn cpu_time(pid: u32) -> anyhow::Result<Duration> {
    let stat = fs::read_to_string(format!("/proc/{pid}/stat"))
        .with_context(|| format!("read /proc/{pid}/stat"))?;
    parse_cpu_ticks(&stat)
        .map(|ticks| Duration::from_millis(ticks * 1000 / USER_HZ))
        .context("malformed /proc/PID/stat")
}

/// The unit of times in `/proc/PID/stat`: fixed at 100 per second in the Linux user ABI.
const USER_HZ: u64 = 100;

fn parse_cpu_ticks(stat: &str) -> Option<u64> {
    // The command name (field 2) may hold spaces; fields after its ')' start at field 3.
    let rest = &stat[stat.rfind(')')? + 1..];
    let mut fields = rest.split_whitespace().skip(11); // field 14 is utime
    let utime: u64 = fields.next()?.parse().ok()?;
    let stime: u64 = fields.next()?.parse().ok()?;
    Some(utime + stime)
}

/// A running `berth server`.
pub(crate) struct Berth {
    group: Group,
    bin: PathBuf,
    data_dir: PathBuf,
    durability: String,
    /// How to reach it.
    pub(crate) target: Target,
    /// Spawn to the first `/readyz` 200 of the latest start.
    pub(crate) ready_after: Duration,
}

impl Berth {
    /// Starts `bin` on `data_dir` (created if missing) and waits for `/readyz`.
    pub(crate) async fn start(
        bin: &Path,
        data_dir: &Path,
        durability: &str,
    ) -> anyhow::Result<Self> {
        let (group, target, ready_after) = spawn_berth(bin, data_dir, durability).await?;
        Ok(Self {
            group,
            bin: bin.to_owned(),
            data_dir: data_dir.to_owned(),
            durability: durability.to_owned(),
            target,
            ready_after,
        })
    }

    /// The server's pid.
    pub(crate) fn pid(&self) -> u32 {
        self.group.pid()
    }

    /// Its resident set size in KiB.
    pub(crate) fn rss_kib(&self) -> anyhow::Result<u64> {
        rss_kib(self.pid())
    }

    /// The CPU time it has used.
    pub(crate) fn cpu_time(&self) -> anyhow::Result<Duration> {
        cpu_time(self.pid())
    }

    /// Stops it gracefully and starts it again on the same data dir.
    pub(crate) async fn restart(&mut self) -> anyhow::Result<()> {
        self.group.stop().await?;
        let (group, target, ready_after) =
            spawn_berth(&self.bin, &self.data_dir, &self.durability).await?;
        self.group = group;
        self.target = target;
        self.ready_after = ready_after;
        Ok(())
    }

    /// Stops it gracefully.
    pub(crate) async fn stop(mut self) -> anyhow::Result<()> {
        self.group.stop().await
    }
}

async fn spawn_berth(
    bin: &Path,
    data_dir: &Path,
    durability: &str,
) -> anyhow::Result<(Group, Target, Duration)> {
    fs::create_dir_all(data_dir).with_context(|| format!("create {}", data_dir.display()))?;
    let kubeconfig = data_dir.join("kubeconfig");
    // A kubeconfig left by a previous start names the previous port.
    match fs::remove_file(&kubeconfig) {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => {
            return Err(e).context("remove the old kubeconfig");
        }
        _ => {}
    }
    let log = data_dir.with_extension("log");
    let mut cmd = Command::new(bin);
    cmd.arg("server")
        .arg("--data-dir")
        .arg(data_dir)
        .arg("--listen")
        .arg("127.0.0.1:0")
        .arg("--durability")
        .arg(durability);
    let t0 = Instant::now();
    let mut group = Group::spawn("berth", &mut cmd, &log)?;
    while t0.elapsed() < START_LIMIT {
        if let Some(status) = group.exited()? {
            let log = fs::read_to_string(&log).unwrap_or_default();
            bail!("berth exited with {status} during start:\n{log}");
        }
        if let Ok(text) = fs::read_to_string(&kubeconfig)
            && let Ok(kc) = Kubeconfig::parse(&text)
        {
            let target = Target::berth(&kc)?;
            if ready(&target).await {
                return Ok((group, target, t0.elapsed()));
            }
        }
        tokio::time::sleep(Duration::from_millis(1)).await;
    }
    bail!("berth did not answer /readyz within {START_LIMIT:?}")
}

/// One `/readyz` probe on a fresh connection; any failure means "not yet".
async fn ready(target: &Target) -> bool {
    let probe = async {
        let mut conn = target.connect().await?;
        let body = conn
            .expect(Method::GET, "/readyz", Bytes::new(), StatusCode::OK)
            .await?;
        anyhow::Ok(body.as_ref() == b"ok")
    };
    matches!(
        tokio::time::timeout(Duration::from_secs(2), probe).await,
        Ok(Ok(true))
    )
}

/// A running etcd on loopback.
pub(crate) struct Etcd {
    group: Group,
    /// Its client address (plain HTTP, JSON gateway under `/v3/`).
    pub(crate) addr: SocketAddr,
}

impl Etcd {
    /// Starts `bin` with its data in `data_dir`, clients on `port` and peers on `port + 10`,
    /// and waits until a put succeeds.
    pub(crate) async fn start(bin: &Path, data_dir: &Path, port: u16) -> anyhow::Result<Self> {
        let addr = SocketAddr::from(([127, 0, 0, 1], port));
        let peer_port = port.checked_add(10).context("etcd port too high")?;
        let client_url = format!("http://{addr}");
        let peer_url = format!("http://127.0.0.1:{peer_port}");
        let log = data_dir.with_extension("log");
        let mut cmd = Command::new(bin);
        cmd.arg("--name")
            .arg("bench")
            .arg("--data-dir")
            .arg(data_dir)
            .arg("--listen-client-urls")
            .arg(&client_url)
            .arg("--advertise-client-urls")
            .arg(&client_url)
            .arg("--listen-peer-urls")
            .arg(&peer_url)
            .arg("--initial-advertise-peer-urls")
            .arg(&peer_url)
            .arg("--initial-cluster")
            .arg(format!("bench={peer_url}"))
            .arg("--log-level")
            .arg("warn");
        let mut group = Group::spawn("etcd", &mut cmd, &log)?;
        let target = Target::plain(addr);
        let t0 = Instant::now();
        while t0.elapsed() < START_LIMIT {
            if let Some(status) = group.exited()? {
                let log = fs::read_to_string(&log).unwrap_or_default();
                bail!("etcd exited with {status} during start:\n{log}");
            }
            let probe = async {
                let mut conn = target.connect().await?;
                conn.expect(
                    Method::POST,
                    "/v3/kv/put",
                    Bytes::from_static(br#"{"key":"cHJvYmU=","value":"MQ=="}"#),
                    StatusCode::OK,
                )
                .await
            };
            if let Ok(Ok(_)) = tokio::time::timeout(Duration::from_secs(2), probe).await {
                return Ok(Self { group, addr });
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        bail!("etcd did not accept a put within {START_LIMIT:?}")
    }

    /// Its resident set size in KiB.
    pub(crate) fn rss_kib(&self) -> anyhow::Result<u64> {
        rss_kib(self.group.pid())
    }

    /// The CPU time it has used.
    pub(crate) fn cpu_time(&self) -> anyhow::Result<Duration> {
        cpu_time(self.group.pid())
    }

    /// Stops it gracefully.
    pub(crate) async fn stop(mut self) -> anyhow::Result<()> {
        self.group.stop().await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn vm_rss_is_read_in_kib() {
        // proc(5): "VmRSS: Resident set size", reported in kB.
        let cases = [
            (
                "Name:\tberth\nVmPeak:\t 100 kB\nVmRSS:\t   12345 kB\n",
                Some(12345),
            ),
            ("VmRSS:\t0 kB\n", Some(0)),
            ("Name:\tzombie\nState:\tZ (zombie)\n", None),
        ];
        for (status, want) in cases {
            assert_eq!(parse_vm_rss(status), want, "{status:?}");
        }
    }

    #[test]
    fn cpu_ticks_are_utime_plus_stime() {
        // proc(5): field 14 utime, field 15 stime; field 2 is "(comm)" and may hold spaces.
        let cases = [
            (
                "42 (berth) S 1 42 42 0 -1 4194560 900 0 0 0 250 30 0 0 20 0 9 0 100 0 0",
                Some(280),
            ),
            (
                "7 (tokio worker) R 1 7 7 0 -1 0 0 0 0 0 5 6 0 0 20 0 1 0 1 0 0",
                Some(11),
            ),
            ("7 (short) R 1", None),
        ];
        for (stat, want) in cases {
            assert_eq!(parse_cpu_ticks(stat), want, "{stat}");
        }
    }
}

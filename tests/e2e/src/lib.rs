//! berth-e2e: a harness that starts the real `berth` binary in a temporary data dir and drives
//! it with the real `kubectl`.
//!
//! Each server runs in its own process group with its own data dir and a free port, so tests
//! run in parallel; dropping a [`Server`] kills the whole group and, when the test failed,
//! prints the server's log.

pub mod http;

use std::fs;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use nix::sys::signal::{Signal, killpg};
use nix::unistd::Pid;

/// Where the kubectl binaries of each minor version live on these machines.
const KUBECTL_DIR: &str = "/usr/lib/google-cloud-sdk/bin";

/// The oldest and newest kubectl minors berth is tested with.
pub const KUBECTL_OLDEST: &str = "1.27";
/// See [`KUBECTL_OLDEST`].
pub const KUBECTL_NEWEST: &str = "1.33";

/// Path of `kubectl` for a minor version (`"1.27"`), or the default `kubectl` for `""`.
/// Panics with a clear message when it is missing: the e2e suite cannot run without it.
pub fn kubectl_path(minor: &str) -> PathBuf {
    if minor.is_empty() {
        return PathBuf::from("kubectl");
    }
    let p = Path::new(KUBECTL_DIR).join(format!("kubectl.{minor}"));
    assert!(
        p.exists(),
        "kubectl {minor} is not installed at {} (the CI setup installs it)",
        p.display()
    );
    p
}

/// Polls `check` until it returns `Some` or `timeout` passes.
pub fn eventually<T>(
    timeout: Duration,
    what: &str,
    mut check: impl FnMut() -> Option<T>,
) -> anyhow::Result<T> {
    let deadline = Instant::now() + timeout;
    let mut pause = Duration::from_millis(20);
    loop {
        if let Some(v) = check() {
            return Ok(v);
        }
        if Instant::now() >= deadline {
            bail!("timed out after {timeout:?} waiting for {what}");
        }
        std::thread::sleep(pause);
        pause = (pause * 2).min(Duration::from_millis(250));
    }
}

/// A running `berth server`.
#[derive(Debug)]
pub struct Server {
    bin: PathBuf,
    dir: tempfile::TempDir,
    child: Option<Child>,
    extra: Vec<String>,
}

impl Server {
    /// Starts `berth server` from `bin` in a fresh data dir on a free loopback port and waits
    /// until it answers `/readyz`.
    pub fn start(bin: &str) -> anyhow::Result<Self> {
        Self::start_with(bin, &[])
    }

    /// Like [`Server::start`], with extra `berth server` flags.
    pub fn start_with(bin: &str, extra: &[&str]) -> anyhow::Result<Self> {
        let dir = tempfile::Builder::new()
            .prefix("berth-e2e-")
            .tempdir()
            .context("temp dir")?;
        let mut s = Self {
            bin: PathBuf::from(bin),
            dir,
            child: None,
            extra: extra.iter().map(|s| (*s).to_owned()).collect(),
        };
        s.spawn()?;
        Ok(s)
    }

    /// The data dir.
    pub fn data_dir(&self) -> PathBuf {
        self.dir.path().join("data")
    }

    /// The kubeconfig berth wrote.
    pub fn kubeconfig(&self) -> PathBuf {
        self.data_dir().join("kubeconfig")
    }

    fn log_path(&self) -> PathBuf {
        self.dir.path().join("server.log")
    }

    fn spawn(&mut self) -> anyhow::Result<()> {
        let log = fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(self.log_path())
            .context("open the log")?;
        let _ = fs::remove_file(self.kubeconfig());
        let child = Command::new(&self.bin)
            .arg("server")
            .arg("--data-dir")
            .arg(self.data_dir())
            .arg("--listen")
            .arg("127.0.0.1:0")
            .args(&self.extra)
            .stdin(Stdio::null())
            .stdout(log.try_clone().context("log")?)
            .stderr(log)
            .process_group(0)
            .spawn()
            .with_context(|| format!("start {}", self.bin.display()))?;
        self.child = Some(child);
        let kubeconfig = self.kubeconfig();
        eventually(Duration::from_secs(30), "the kubeconfig", || {
            kubeconfig.exists().then_some(())
        })?;
        eventually(Duration::from_secs(30), "/readyz", || {
            let out = self.kubectl("", &["get", "--raw", "/readyz"]).ok()?;
            (out.status.success() && out.stdout == b"ok").then_some(())
        })
        .with_context(|| format!("server log:\n{}", self.log()))
    }

    /// The server's log so far.
    pub fn log(&self) -> String {
        fs::read_to_string(self.log_path()).unwrap_or_default()
    }

    /// Runs kubectl of minor version `minor` (`""` for the default one) against this server.
    pub fn kubectl(&self, minor: &str, args: &[&str]) -> anyhow::Result<Output> {
        self.kubectl_stdin(minor, args, None)
    }

    /// Runs kubectl with `stdin` fed to it.
    pub fn kubectl_stdin(
        &self,
        minor: &str,
        args: &[&str],
        stdin: Option<&str>,
    ) -> anyhow::Result<Output> {
        let cache = self.dir.path().join(format!(
            "kube-cache-{}",
            if minor.is_empty() { "default" } else { minor }
        ));
        let mut cmd = Command::new(kubectl_path(minor));
        cmd.arg("--kubeconfig")
            .arg(self.kubeconfig())
            .arg("--cache-dir")
            .arg(cache)
            .args(args);
        cmd.stdin(if stdin.is_some() {
            Stdio::piped()
        } else {
            Stdio::null()
        });
        cmd.stdout(Stdio::piped()).stderr(Stdio::piped());
        let mut child = cmd.spawn().context("start kubectl")?;
        if let (Some(input), Some(mut pipe)) = (stdin, child.stdin.take()) {
            use std::io::Write;
            pipe.write_all(input.as_bytes())
                .context("write kubectl stdin")?;
        }
        child.wait_with_output().context("wait for kubectl")
    }

    /// Runs kubectl and returns stdout, failing with stderr if it exits non-zero.
    pub fn ok(&self, minor: &str, args: &[&str]) -> anyhow::Result<String> {
        let out = self.kubectl(minor, args)?;
        if !out.status.success() {
            bail!(
                "kubectl {} {:?} failed: {}{}",
                minor,
                args,
                String::from_utf8_lossy(&out.stderr),
                String::from_utf8_lossy(&out.stdout)
            );
        }
        Ok(String::from_utf8_lossy(&out.stdout).into_owned())
    }

    /// Runs kubectl expecting failure; returns stderr.
    pub fn fails(&self, minor: &str, args: &[&str]) -> anyhow::Result<String> {
        let out = self.kubectl(minor, args)?;
        if out.status.success() {
            bail!(
                "kubectl {:?} succeeded but should fail: {}",
                args,
                String::from_utf8_lossy(&out.stdout)
            );
        }
        Ok(String::from_utf8_lossy(&out.stderr).into_owned())
    }

    /// `kubectl apply -f -` (or any `-f -` command) with a manifest on stdin.
    pub fn with_stdin(&self, minor: &str, args: &[&str], manifest: &str) -> anyhow::Result<String> {
        let out = self.kubectl_stdin(minor, args, Some(manifest))?;
        if !out.status.success() {
            bail!(
                "kubectl {:?} failed: {}",
                args,
                String::from_utf8_lossy(&out.stderr)
            );
        }
        Ok(String::from_utf8_lossy(&out.stdout).into_owned())
    }

    /// The `https://127.0.0.1:PORT` URL and bearer token from the kubeconfig.
    pub fn endpoint(&self) -> anyhow::Result<(String, String)> {
        let kc = fs::read_to_string(self.kubeconfig()).context("read kubeconfig")?;
        let field = |name: &str| {
            kc.lines()
                .find_map(|l| l.trim().strip_prefix(name).map(|v| v.trim().to_owned()))
                .with_context(|| format!("{name} in kubeconfig"))
        };
        Ok((field("server:")?, field("token:")?))
    }

    /// Sends one raw HTTPS request with curl (trusting the server's CA) and returns the status
    /// code and the body parsed as JSON (`Null` if it is not JSON). `token: None` sends no
    /// credentials.
    pub fn raw(
        &self,
        method: &str,
        path: &str,
        content_type: &str,
        body: &[u8],
        token: Option<&str>,
    ) -> anyhow::Result<(u16, serde_json::Value)> {
        let (url, admin) = self.endpoint()?;
        let body_file = self.dir.path().join(format!("body-{}", std::process::id()));
        fs::write(&body_file, body).context("write body")?;
        let mut cmd = Command::new("curl");
        cmd.args([
            "-sS",
            "-o",
            "-",
            "-w",
            "\n%{http_code}",
            "-X",
            method,
            "--cacert",
        ])
        .arg(self.data_dir().join("pki/ca.crt"))
        .args(["-H", &format!("Content-Type: {content_type}")]);
        match token {
            Some("admin") => {
                cmd.args(["-H", &format!("Authorization: Bearer {admin}")]);
            }
            Some(t) => {
                cmd.args(["-H", &format!("Authorization: Bearer {t}")]);
            }
            None => {}
        }
        if !body.is_empty() {
            cmd.arg("--data-binary")
                .arg(format!("@{}", body_file.display()));
        }
        let out = cmd
            .arg(format!("{url}{path}"))
            .output()
            .context("run curl (install it)")?;
        let text = String::from_utf8_lossy(&out.stdout).into_owned();
        let (payload, code) = text.rsplit_once('\n').context("curl printed no status")?;
        let code: u16 = code
            .trim()
            .parse()
            .with_context(|| format!("status code in {text:?}"))?;
        Ok((
            code,
            serde_json::from_str(payload).unwrap_or(serde_json::Value::Null),
        ))
    }

    /// The process id of the server.
    pub fn pid(&self) -> Option<u32> {
        self.child.as_ref().map(Child::id)
    }

    /// Kills the server with SIGKILL (no chance to clean up).
    pub fn kill9(&mut self) -> anyhow::Result<()> {
        if let Some(mut child) = self.child.take() {
            kill_group(child.id(), Signal::SIGKILL);
            let _ = child.wait();
        }
        Ok(())
    }

    /// Stops the server with SIGTERM and returns its exit status.
    pub fn terminate(&mut self) -> anyhow::Result<std::process::ExitStatus> {
        let mut child = self.child.take().context("not running")?;
        kill_group(child.id(), Signal::SIGTERM);
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            if let Some(status) = child.try_wait().context("wait")? {
                return Ok(status);
            }
            if Instant::now() > deadline {
                kill_group(child.id(), Signal::SIGKILL);
                bail!("server did not stop within 20s after SIGTERM");
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// Starts the server again on the same data dir (after [`Server::kill9`] or
    /// [`Server::terminate`]).
    pub fn restart(&mut self) -> anyhow::Result<()> {
        if self.child.is_some() {
            self.kill9()?;
        }
        self.spawn()
    }
}

fn kill_group(pid: u32, signal: Signal) {
    // The server leads its own process group, so this reaches everything it started.
    if let Ok(pid) = i32::try_from(pid)
        && pid > 1
    {
        let _ = killpg(Pid::from_raw(pid), signal);
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        if std::thread::panicking() {
            eprintln!(
                "---- berth server log ({}) ----\n{}",
                self.log_path().display(),
                self.log()
            );
        }
        if let Some(mut child) = self.child.take() {
            kill_group(child.id(), Signal::SIGKILL);
            let _ = child.wait();
        }
    }
}

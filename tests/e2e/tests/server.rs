//! `berth server` driven by the real kubectl: start-up, credentials, health, shutdown.

use berth_e2e::{KUBECTL_NEWEST, KUBECTL_OLDEST, Server};

const BIN: &str = env!("CARGO_BIN_EXE_berth");

#[test]
fn kubeconfig_is_private_and_names_the_real_port() -> anyhow::Result<()> {
    use std::os::unix::fs::PermissionsExt;
    let srv = Server::start(BIN)?;
    let mode = std::fs::metadata(srv.kubeconfig())?.permissions().mode();
    assert_eq!(mode & 0o777, 0o600);
    let (url, _) = srv.endpoint()?;
    assert!(url.starts_with("https://127.0.0.1:"), "{url}");
    assert!(!url.ends_with(":0"), "{url}");
    Ok(())
}

#[test]
fn version_and_health_answer_with_both_kubectls() -> anyhow::Result<()> {
    let srv = Server::start(BIN)?;
    for minor in [KUBECTL_OLDEST, KUBECTL_NEWEST] {
        let out = srv.ok(minor, &["version", "-o", "json"])?;
        let v: serde_json::Value = serde_json::from_str(&out)?;
        assert_eq!(v["serverVersion"]["major"], "1");
        assert_eq!(v["serverVersion"]["minor"], "33");
        for path in ["/readyz", "/livez", "/healthz"] {
            assert_eq!(srv.ok(minor, &["get", "--raw", path])?, "ok");
        }
    }
    Ok(())
}

#[test]
fn requests_without_the_token_are_unauthorized() -> anyhow::Result<()> {
    let srv = Server::start(BIN)?;
    let (url, _) = srv.endpoint()?;
    let bad = srv.kubectl(
        KUBECTL_NEWEST,
        &[
            "--token",
            "wrong",
            "--server",
            &url,
            "--insecure-skip-tls-verify",
            "get",
            "pods",
        ],
    )?;
    assert!(!bad.status.success());
    let stderr = String::from_utf8_lossy(&bad.stderr);
    // kubectl words a refused token the same way against any cluster.
    assert!(
        stderr.contains("error: You must be logged in to the server"),
        "{stderr}"
    );
    Ok(())
}

#[test]
fn sigterm_stops_cleanly_and_data_survives() -> anyhow::Result<()> {
    let mut srv = Server::start(BIN)?;
    srv.ok(
        KUBECTL_NEWEST,
        &["create", "configmap", "kept", "--from-literal=a=1"],
    )?;
    let status = srv.terminate()?;
    assert!(status.success(), "exit status {status:?}\n{}", srv.log());
    srv.restart()?;
    let out = srv.ok(
        KUBECTL_OLDEST,
        &["get", "configmap", "kept", "-o", "jsonpath={.data.a}"],
    )?;
    assert_eq!(out, "1");
    Ok(())
}

#[test]
fn system_namespaces_exist() -> anyhow::Result<()> {
    let srv = Server::start(BIN)?;
    let out = srv.ok(KUBECTL_NEWEST, &["get", "namespaces", "-o", "name"])?;
    for ns in ["default", "kube-system", "kube-public", "kube-node-lease"] {
        assert!(
            out.lines().any(|l| l == format!("namespace/{ns}")),
            "{ns} missing in {out}"
        );
    }
    Ok(())
}

//! Garbage collection through kubectl: `kubectl delete` of an owner with each `--cascade` mode,
//! its dependent created with an owner reference to the owner's uid.

use std::time::Duration;

use berth_e2e::{KUBECTL_NEWEST, KUBECTL_OLDEST, Server, eventually};
use serde_json::json;

const BIN: &str = env!("CARGO_BIN_EXE_berth");
const TIMEOUT: Duration = Duration::from_secs(30);

/// Creates deployment `name` and config map `name-cm` owned by it; returns the owner's uid.
fn owner_and_dependent(srv: &Server, minor: &str, name: &str) -> anyhow::Result<String> {
    let deploy = json!({
        "apiVersion": "apps/v1", "kind": "Deployment",
        "metadata": {"name": name},
        "spec": {
            "selector": {"matchLabels": {"app": name}},
            "template": {"metadata": {"labels": {"app": name}},
                         "spec": {"containers": [{"name": "c", "image": "busybox:1.36"}]}},
        },
    });
    srv.with_stdin(minor, &["create", "-f", "-"], &deploy.to_string())?;
    let uid = srv.ok(
        minor,
        &["get", "deploy", name, "-o", "jsonpath={.metadata.uid}"],
    )?;
    anyhow::ensure!(!uid.is_empty(), "deployment {name} has no uid");
    let cm = json!({
        "apiVersion": "v1", "kind": "ConfigMap",
        "metadata": {"name": format!("{name}-cm"), "ownerReferences": [{
            "apiVersion": "apps/v1", "kind": "Deployment", "name": name, "uid": uid,
            "blockOwnerDeletion": true,
        }]},
        "data": {"k": "v"},
    });
    srv.with_stdin(minor, &["create", "-f", "-"], &cm.to_string())?;
    Ok(uid)
}

fn exists(srv: &Server, minor: &str, kind: &str, name: &str) -> anyhow::Result<bool> {
    let out = srv.ok(
        minor,
        &["get", kind, name, "--ignore-not-found", "-o", "name"],
    )?;
    Ok(!out.trim().is_empty())
}

fn wait_gone(srv: &Server, minor: &str, kind: &str, name: &str) -> anyhow::Result<()> {
    eventually(TIMEOUT, &format!("{kind} {name} to be gone"), || {
        matches!(exists(srv, minor, kind, name), Ok(false)).then_some(())
    })
}

#[test]
fn each_cascade_mode_treats_the_dependent_as_upstream() -> anyhow::Result<()> {
    let srv = Server::start(BIN)?;
    for minor in [KUBECTL_OLDEST, KUBECTL_NEWEST] {
        let v = minor.replace('.', "-");

        // Default (background): the owner goes at once, its dependent shortly after.
        let bg = format!("bg-{v}");
        owner_and_dependent(&srv, minor, &bg)?;
        srv.ok(minor, &["delete", "deploy", &bg])?;
        anyhow::ensure!(!exists(&srv, minor, "deploy", &bg)?);
        wait_gone(&srv, minor, "configmap", &format!("{bg}-cm"))?;

        // Orphan: the dependent stays, without its owner reference.
        let or = format!("or-{v}");
        owner_and_dependent(&srv, minor, &or)?;
        srv.ok(minor, &["delete", "deploy", &or, "--cascade=orphan"])?;
        wait_gone(&srv, minor, "deploy", &or)?;
        let refs = srv.ok(
            minor,
            &[
                "get",
                "configmap",
                &format!("{or}-cm"),
                "-o",
                "jsonpath={.metadata.ownerReferences}",
            ],
        )?;
        anyhow::ensure!(refs.trim().is_empty(), "references left: {refs}");

        // Foreground: kubectl waits for the owner, which goes only after its dependent.
        let fg = format!("fg-{v}");
        owner_and_dependent(&srv, minor, &fg)?;
        srv.ok(minor, &["delete", "deploy", &fg, "--cascade=foreground"])?;
        anyhow::ensure!(!exists(&srv, minor, "deploy", &fg)?);
        anyhow::ensure!(!exists(&srv, minor, "configmap", &format!("{fg}-cm"))?);
    }
    Ok(())
}

#[test]
fn a_foreground_owner_stays_while_its_dependent_is_held() -> anyhow::Result<()> {
    let srv = Server::start(BIN)?;
    let m = KUBECTL_NEWEST;
    let uid = owner_and_dependent(&srv, m, "web")?;
    srv.ok(
        m,
        &[
            "patch",
            "configmap",
            "web-cm",
            "--type=merge",
            "-p",
            r#"{"metadata":{"finalizers":["example.com/hold"]}}"#,
        ],
    )?;
    srv.ok(
        m,
        &[
            "delete",
            "deploy",
            "web",
            "--cascade=foreground",
            "--wait=false",
        ],
    )?;
    eventually(TIMEOUT, "the dependent to be deleted", || {
        srv.ok(
            m,
            &[
                "get",
                "configmap",
                "web-cm",
                "-o",
                "jsonpath={.metadata.deletionTimestamp}",
            ],
        )
        .ok()
        .filter(|t| !t.trim().is_empty())
    })?;
    let owner = srv.ok(
        m,
        &[
            "get",
            "deploy",
            "web",
            "-o",
            "jsonpath={.metadata.uid} {.metadata.deletionTimestamp} {.metadata.finalizers}",
        ],
    )?;
    let fields: Vec<&str> = owner.split_whitespace().collect();
    anyhow::ensure!(fields.len() == 3, "unexpected owner fields: {owner}");
    anyhow::ensure!(fields[0] == uid, "the owner was replaced: {owner}");
    anyhow::ensure!(fields[2].contains("foregroundDeletion"), "{owner}");

    srv.ok(
        m,
        &[
            "patch",
            "configmap",
            "web-cm",
            "--type=merge",
            "-p",
            r#"{"metadata":{"finalizers":null}}"#,
        ],
    )?;
    wait_gone(&srv, m, "configmap", "web-cm")?;
    wait_gone(&srv, m, "deploy", "web")?;
    Ok(())
}

//! The kubectl commands people use every day, with the oldest and newest supported kubectl and
//! the machine's default one, against the real berth binary.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

use berth_e2e::{KUBECTL_NEWEST, KUBECTL_OLDEST, Server, eventually, kubectl_path};

const BIN: &str = env!("CARGO_BIN_EXE_berth");
const VERSIONS: [&str; 3] = [KUBECTL_OLDEST, KUBECTL_NEWEST, ""];

/// The test manifests (the tests are compiled as part of the `berth` package, two levels down).
const FIXTURES: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../tests/e2e/fixtures/postgres"
);

fn fixture(name: &str) -> String {
    format!("{FIXTURES}/{name}")
}

#[test]
fn generators_create_objects_with_every_kubectl() -> anyhow::Result<()> {
    let srv = Server::start(BIN)?;
    for (i, minor) in VERSIONS.iter().enumerate() {
        let ns = format!("gen{i}");
        assert_eq!(
            srv.ok(minor, &["create", "namespace", &ns])?.trim(),
            format!("namespace/{ns} created")
        );
        srv.ok(
            minor,
            &[
                "-n",
                &ns,
                "create",
                "configmap",
                "cfg",
                "--from-literal=a=1",
                "--from-literal=b=two",
            ],
        )?;
        srv.ok(
            minor,
            &[
                "-n",
                &ns,
                "create",
                "secret",
                "generic",
                "pw",
                "--from-literal=password=s3cret",
            ],
        )?;
        srv.ok(minor, &["-n", &ns, "create", "serviceaccount", "robot"])?;
        srv.ok(
            minor,
            &[
                "-n",
                &ns,
                "create",
                "deployment",
                "web",
                "--image=nginx:1.27",
                "--replicas=2",
                "--port=80",
            ],
        )?;
        let data = srv.ok(
            minor,
            &[
                "-n",
                &ns,
                "get",
                "configmap",
                "cfg",
                "-o",
                "jsonpath={.data.a}/{.data.b}",
            ],
        )?;
        assert_eq!(data, "1/two");
        let pw = srv.ok(
            minor,
            &[
                "-n",
                &ns,
                "get",
                "secret",
                "pw",
                "-o",
                "jsonpath={.data.password}",
            ],
        )?;
        assert_eq!(pw, "czNjcmV0", "base64 of s3cret");
        let replicas = srv.ok(
            minor,
            &[
                "-n",
                &ns,
                "get",
                "deployment",
                "web",
                "-o",
                "jsonpath={.spec.replicas} {.spec.template.spec.containers[0].image}",
            ],
        )?;
        assert_eq!(replicas, "2 nginx:1.27");
        let dup = srv.fails(minor, &["-n", &ns, "create", "configmap", "cfg"])?;
        assert!(dup.contains("configmaps \"cfg\" already exists"), "{dup}");
    }
    Ok(())
}

#[test]
fn seed_manifests_create_get_describe_delete() -> anyhow::Result<()> {
    let srv = Server::start(BIN)?;
    for minor in VERSIONS {
        let created = srv.ok(
            minor,
            &[
                "create",
                "-f",
                &fixture("namespace.yaml"),
                "-f",
                &fixture("postgres-config.yaml"),
                "-f",
                &fixture("postgres-pvc-pv.yaml"),
                "-f",
                &fixture("postgres-deployment.yaml"),
                "-f",
                &fixture("postgres-service.yaml"),
                "-f",
                &fixture("postgres-statefulset-cloud-class.yaml"),
            ],
        )?;
        for line in [
            "namespace/postgres created",
            "configmap/postgres-config created",
            "secret/postgres-secret created",
            "persistentvolume/postgres-pv-volume created",
            "persistentvolumeclaim/postgres-pv-claim created",
            "deployment.apps/postgres created",
            "service/postgres created",
            "statefulset.apps/postgres-cloud created",
        ] {
            assert!(
                created.lines().any(|l| l == line),
                "missing {line:?} in:\n{created}"
            );
        }
        // Table output with upstream's columns.
        let table = srv.ok(
            minor,
            &[
                "-n",
                "postgres",
                "get",
                "configmaps,secrets,services,statefulsets,deployments",
            ],
        )?;
        for header in [
            "NAME",
            "DATA",
            "TYPE",
            "CLUSTER-IP",
            "PORT(S)",
            "READY",
            "UP-TO-DATE",
            "AVAILABLE",
            "AGE",
        ] {
            assert!(table.contains(header), "header {header} missing:\n{table}");
        }
        assert!(table.contains("configmap/postgres-config"), "{table}");
        let wide = srv.ok(
            minor,
            &["-n", "postgres", "get", "statefulsets", "-o", "wide"],
        )?;
        assert!(
            wide.contains("CONTAINERS") && wide.contains("IMAGES") && wide.contains("postgres:15"),
            "{wide}"
        );
        let pvc = srv.ok(minor, &["-n", "postgres", "get", "pvc"])?;
        assert!(
            pvc.contains("ACCESS MODES") && pvc.contains("STORAGECLASS"),
            "{pvc}"
        );
        // Machine-readable forms.
        let yaml = srv.ok(
            minor,
            &[
                "-n",
                "postgres",
                "get",
                "secret",
                "postgres-secret",
                "-o",
                "yaml",
            ],
        )?;
        assert!(
            yaml.contains("POSTGRES_PASSWORD: Y2hhbmdlLW1l"),
            "stringData folded into data:\n{yaml}"
        );
        assert!(!yaml.contains("stringData"), "{yaml}");
        let json: serde_json::Value = serde_json::from_str(&srv.ok(
            minor,
            &["-n", "postgres", "get", "deploy", "postgres", "-o", "json"],
        )?)?;
        assert_eq!(json["kind"], "Deployment");
        assert_eq!(json["metadata"]["generation"], 1);
        assert!(
            json["metadata"]["uid"]
                .as_str()
                .is_some_and(|u| u.len() == 36)
        );
        let names = srv.ok(
            minor,
            &["get", "all", "-A", "-l", "app=postgres", "-o", "name"],
        )?;
        assert!(names.lines().any(|l| l == "service/postgres"), "{names}");
        let jp = srv.ok(
            minor,
            &[
                "get",
                "pv",
                "-o",
                "jsonpath={.items[*].spec.capacity.storage}",
            ],
        )?;
        assert_eq!(jp, "1Gi");
        let all = srv.ok(minor, &["get", "configmaps", "-A"])?;
        assert!(
            all.lines()
                .next()
                .is_some_and(|h| h.starts_with("NAMESPACE")),
            "{all}"
        );
        // describe, label, annotate.
        let described = srv.ok(
            minor,
            &[
                "-n",
                "postgres",
                "describe",
                "statefulset",
                "postgres-cloud",
            ],
        )?;
        assert!(
            described.contains("Name:")
                && described.contains("postgres-cloud")
                && described.contains("Volume Claims"),
            "{described}"
        );
        srv.ok(
            minor,
            &[
                "-n",
                "postgres",
                "label",
                "configmap",
                "postgres-config",
                "tier=db",
            ],
        )?;
        srv.ok(
            minor,
            &[
                "-n",
                "postgres",
                "annotate",
                "configmap",
                "postgres-config",
                "note=hello",
            ],
        )?;
        let meta = srv.ok(
            minor,
            &[
                "-n",
                "postgres",
                "get",
                "cm",
                "postgres-config",
                "-o",
                "jsonpath={.metadata.labels.tier},{.metadata.annotations.note}",
            ],
        )?;
        assert_eq!(meta, "db,hello");
        let selected = srv.ok(
            minor,
            &[
                "-n",
                "postgres",
                "get",
                "cm",
                "-l",
                "tier in (db,cache),app",
                "-o",
                "name",
            ],
        )?;
        assert_eq!(selected.trim(), "configmap/postgres-config");
        // delete -f removes exactly what the files name.
        let deleted = srv.ok(
            minor,
            &[
                "delete",
                "-f",
                &fixture("postgres-service.yaml"),
                "-f",
                &fixture("postgres-deployment.yaml"),
            ],
        )?;
        assert!(
            deleted.contains("service \"postgres\" deleted"),
            "{deleted}"
        );
        assert!(
            srv.fails(minor, &["-n", "postgres", "get", "service", "postgres"])?
                .contains("NotFound")
        );
        // delete ns takes the contents with it.
        srv.ok(minor, &["delete", "namespace", "postgres", "--timeout=60s"])?;
        let left = srv.ok(
            minor,
            &[
                "get",
                "configmaps,secrets,pvc,statefulsets",
                "-A",
                "-o",
                "name",
            ],
        )?;
        assert!(
            !left.contains("postgres"),
            "namespace content left behind: {left}"
        );
        srv.ok(minor, &["delete", "pv", "postgres-pv-volume"])?;
    }
    Ok(())
}

#[test]
fn discovery_commands() -> anyhow::Result<()> {
    let srv = Server::start(BIN)?;
    for minor in VERSIONS {
        let res = srv.ok(minor, &["api-resources"])?;
        for line_start in [
            "pods ",
            "statefulsets ",
            "persistentvolumeclaims ",
            "leases ",
            "endpointslices ",
        ] {
            assert!(
                res.lines().any(|l| l.starts_with(line_start)),
                "{line_start} missing:\n{res}"
            );
        }
        let sts = res
            .lines()
            .find(|l| l.starts_with("statefulsets "))
            .unwrap_or_default();
        assert!(
            sts.contains("sts")
                && sts.contains("apps/v1")
                && sts.contains("true")
                && sts.contains("StatefulSet"),
            "{sts}"
        );
        let versions = srv.ok(minor, &["api-versions"])?;
        for v in [
            "v1",
            "apps/v1",
            "storage.k8s.io/v1",
            "discovery.k8s.io/v1",
            "coordination.k8s.io/v1",
            "events.k8s.io/v1",
        ] {
            assert!(versions.lines().any(|l| l == v), "{v} missing:\n{versions}");
        }
        let info = srv.ok(minor, &["cluster-info"])?;
        assert!(
            info.contains("Kubernetes control plane") && info.contains("is running at"),
            "{info}"
        );
        assert_eq!(
            srv.ok(minor, &["auth", "can-i", "create", "pods"])?.trim(),
            "yes"
        );
        if minor != KUBECTL_OLDEST {
            let who = srv.ok(
                minor,
                &[
                    "auth",
                    "whoami",
                    "-o",
                    "jsonpath={.status.userInfo.username}",
                ],
            )?;
            assert_eq!(who, "kubernetes-admin");
        }
    }
    Ok(())
}

#[test]
fn get_watch_prints_changes_made_by_another_client() -> anyhow::Result<()> {
    let srv = Server::start(BIN)?;
    for minor in [KUBECTL_OLDEST, KUBECTL_NEWEST] {
        srv.ok(
            minor,
            &["create", "configmap", "watched", "--from-literal=v=1"],
        )?;
        let mut child = Command::new(kubectl_path(minor))
            .arg("--kubeconfig")
            .arg(srv.kubeconfig())
            .args(["get", "configmaps", "--watch", "--output-watch-events"])
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()?;
        let stdout = child
            .stdout
            .take()
            .ok_or_else(|| anyhow::anyhow!("no stdout"))?;
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                if tx.send(line).is_err() {
                    break;
                }
            }
        });
        let mut seen = Vec::new();
        let mut wait_for = |pat: &str| -> anyhow::Result<()> {
            eventually(Duration::from_secs(20), pat, || {
                while let Ok(l) = rx.try_recv() {
                    seen.push(l);
                }
                seen.iter()
                    .any(|l| l.contains(pat) && l.contains("watched"))
                    .then_some(())
            })
            .map_err(|e| anyhow::anyhow!("{e}; saw {seen:?}"))
        };
        wait_for("ADDED")?;
        srv.ok(minor, &["label", "configmap", "watched", "x=y"])?;
        wait_for("MODIFIED")?;
        srv.ok(minor, &["delete", "configmap", "watched"])?;
        wait_for("DELETED")?;
        let _ = child.kill();
        let _ = child.wait();
    }
    Ok(())
}

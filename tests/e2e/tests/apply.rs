//! kubectl's write paths: client-side apply through an edit cycle, server-side apply with two
//! managers, edit, replace, patch of every type, scale, diff, dry runs and explain — with the
//! oldest and newest supported kubectl.

use berth_e2e::{KUBECTL_NEWEST, KUBECTL_OLDEST, Server};
use serde_json::{Value, json};

const BIN: &str = env!("CARGO_BIN_EXE_berth");

/// A container as upstream stores it after defaulting: the fields the manifest gives plus
/// `imagePullPolicy` (IfNotPresent for a tagged image), the termination-message defaults and
/// empty `resources`; container ports get `protocol: TCP`.
fn stored_container(manifest: Value) -> Value {
    let mut c = manifest;
    c["imagePullPolicy"] = json!("IfNotPresent");
    c["terminationMessagePath"] = json!("/dev/termination-log");
    c["terminationMessagePolicy"] = json!("File");
    c["resources"] = json!({});
    if let Some(ports) = c.get_mut("ports").and_then(Value::as_array_mut) {
        for p in ports {
            p["protocol"] = json!("TCP");
        }
    }
    c
}

fn statefulset(containers: &Value) -> String {
    let doc = json!({
        "apiVersion": "apps/v1", "kind": "StatefulSet",
        "metadata": {"name": "db"},
        "spec": {
            "serviceName": "db", "replicas": 1,
            "selector": {"matchLabels": {"app": "db"}},
            "template": {"metadata": {"labels": {"app": "db"}}, "spec": {"containers": containers, "volumes": [{"name": "scratch", "emptyDir": {}}]}},
        },
    });
    doc.to_string()
}

// Fixtures read best as values built in place; the copies cost nothing that matters here.
#[allow(clippy::needless_pass_by_value)]
fn pg(image: &str, env: Value, ports: Value, mount: &str) -> Value {
    json!({"name": "postgres", "image": image, "ports": ports, "env": env, "volumeMounts": [{"name": "scratch", "mountPath": mount}]})
}

fn exporter() -> Value {
    json!({"name": "exporter", "image": "busybox:1.36", "args": ["sleep", "3600"]})
}

#[test]
fn client_side_apply_edit_cycle_matches_upstream() -> anyhow::Result<()> {
    let srv = Server::start(BIN)?;
    let pgdata = json!({"name": "PGDATA", "value": "/data/pgdata"});
    let a = json!({"name": "A", "value": "1"});
    let b = json!({"name": "B", "value": "2"});
    let port = json!([{"containerPort": 5432, "name": "postgredb"}]);
    let steps: Vec<(&str, Value)> = vec![
        (
            "base",
            json!([pg("postgres:15", json!([pgdata]), port.clone(), "/data")]),
        ),
        (
            "new image",
            json!([pg("postgres:16", json!([pgdata]), port.clone(), "/data")]),
        ),
        (
            "add env A and B",
            json!([pg(
                "postgres:16",
                json!([pgdata, a, b]),
                port.clone(),
                "/data"
            )]),
        ),
        (
            "remove env B",
            json!([pg("postgres:16", json!([pgdata, a]), port.clone(), "/data")]),
        ),
        (
            "add a second container",
            json!([
                pg("postgres:16", json!([pgdata, a]), port.clone(), "/data"),
                exporter()
            ]),
        ),
        (
            "reorder containers",
            json!([
                exporter(),
                pg("postgres:16", json!([pgdata, a]), port.clone(), "/data")
            ]),
        ),
        (
            "remove a container",
            json!([pg("postgres:16", json!([pgdata, a]), port, "/data")]),
        ),
        (
            "change the port",
            json!([pg(
                "postgres:16",
                json!([pgdata, a]),
                json!([{"containerPort": 5433, "name": "postgredb"}]),
                "/data"
            )]),
        ),
        (
            "move the volume mount",
            json!([pg(
                "postgres:16",
                json!([pgdata, a]),
                json!([{"containerPort": 5433, "name": "postgredb"}]),
                "/pgdata"
            )]),
        ),
    ];
    for (i, minor) in [KUBECTL_OLDEST, KUBECTL_NEWEST].into_iter().enumerate() {
        let ns = format!("cycle{i}");
        srv.ok(minor, &["create", "namespace", &ns])?;
        for (step, (what, containers)) in steps.iter().enumerate() {
            let out = srv.with_stdin(
                minor,
                &["-n", &ns, "apply", "-f", "-"],
                &statefulset(containers),
            )?;
            let verb = if step == 0 { "created" } else { "configured" };
            anyhow::ensure!(
                out.trim() == format!("statefulset.apps/db {verb}"),
                "kubectl {minor}, {what}: {out}"
            );
            let live: Value = serde_json::from_str(
                &srv.ok(minor, &["-n", &ns, "get", "sts", "db", "-o", "json"])?,
            )?;
            let want: Vec<Value> = containers
                .as_array()
                .into_iter()
                .flatten()
                .cloned()
                .map(stored_container)
                .collect();
            anyhow::ensure!(
                live["spec"]["template"]["spec"]["containers"] == json!(want),
                "kubectl {minor}, step {what}:\n got  {}\n want {}",
                live["spec"]["template"]["spec"]["containers"],
                json!(want)
            );
            // Applying the same file again changes nothing.
            let again = srv.with_stdin(
                minor,
                &["-n", &ns, "apply", "-f", "-"],
                &statefulset(containers),
            )?;
            anyhow::ensure!(
                again.trim() == "statefulset.apps/db unchanged",
                "kubectl {minor}, {what} again: {again}"
            );
        }
    }
    Ok(())
}

fn configmap(value: &str) -> String {
    json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "shared"}, "data": {"owner": value, "x": "1"}}).to_string()
}

#[test]
fn server_side_apply_conflicts_between_managers() -> anyhow::Result<()> {
    let srv = Server::start(BIN)?;
    for (i, minor) in [KUBECTL_OLDEST, KUBECTL_NEWEST].into_iter().enumerate() {
        let ns = format!("ssa{i}");
        srv.ok(minor, &["create", "namespace", &ns])?;
        let out = srv.with_stdin(
            minor,
            &["-n", &ns, "apply", "--server-side", "-f", "-"],
            &configmap("first"),
        )?;
        anyhow::ensure!(out.trim() == "configmap/shared serverside-applied", "{out}");
        let out = srv.kubectl_stdin(
            minor,
            &[
                "-n",
                &ns,
                "apply",
                "--server-side",
                "--field-manager=other",
                "-f",
                "-",
            ],
            Some(&configmap("second")),
        )?;
        let stderr = String::from_utf8_lossy(&out.stderr);
        anyhow::ensure!(!out.status.success(), "a conflicting apply must fail");
        anyhow::ensure!(
            stderr.contains("conflict with \"kubectl\"") && stderr.contains(".data.owner"),
            "{stderr}"
        );
        let value = srv.ok(
            minor,
            &[
                "-n",
                &ns,
                "get",
                "cm",
                "shared",
                "-o",
                "jsonpath={.data.owner}",
            ],
        )?;
        anyhow::ensure!(
            value == "first",
            "a refused apply changed the object: {value}"
        );
        let out = srv.with_stdin(
            minor,
            &[
                "-n",
                &ns,
                "apply",
                "--server-side",
                "--field-manager=other",
                "--force-conflicts",
                "-f",
                "-",
            ],
            &configmap("second"),
        )?;
        anyhow::ensure!(out.trim() == "configmap/shared serverside-applied", "{out}");
        let live: Value = serde_json::from_str(&srv.ok(
            minor,
            &[
                "-n",
                &ns,
                "get",
                "cm",
                "shared",
                "-o",
                "json",
                "--show-managed-fields",
            ],
        )?)?;
        anyhow::ensure!(live["data"]["owner"] == "second");
        let managers: Vec<&str> = live["metadata"]["managedFields"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|m| m["manager"].as_str())
            .collect();
        anyhow::ensure!(
            managers.contains(&"kubectl") && managers.contains(&"other"),
            "{managers:?}"
        );
        let other = live["metadata"]["managedFields"]
            .as_array()
            .into_iter()
            .flatten()
            .find(|m| m["manager"] == "other")
            .cloned()
            .unwrap_or_default();
        anyhow::ensure!(
            other["operation"] == "Apply" && other["fieldsV1"]["f:data"]["f:owner"].is_object(),
            "{other}"
        );
    }
    Ok(())
}

#[test]
fn edit_replace_patch_scale_diff_and_dry_run() -> anyhow::Result<()> {
    let srv = Server::start(BIN)?;
    let base = statefulset(&json!([pg(
        "postgres:15",
        json!([]),
        json!([{"containerPort": 5432}]),
        "/data"
    )]));
    for (i, minor) in [KUBECTL_OLDEST, KUBECTL_NEWEST].into_iter().enumerate() {
        let ns = format!("w{i}");
        srv.ok(minor, &["create", "namespace", &ns])?;
        // A server-side dry run shows the defaulted object and stores nothing.
        let dry: Value = serde_json::from_str(&srv.with_stdin(
            minor,
            &[
                "-n",
                &ns,
                "create",
                "--dry-run=server",
                "-o",
                "json",
                "-f",
                "-",
            ],
            &base,
        )?)?;
        anyhow::ensure!(
            dry["spec"]["podManagementPolicy"] == "OrderedReady"
                && dry["spec"]["revisionHistoryLimit"] == 10,
            "{dry}"
        );
        anyhow::ensure!(
            srv.fails(minor, &["-n", &ns, "get", "sts", "db"])?
                .contains("NotFound")
        );
        srv.with_stdin(minor, &["-n", &ns, "apply", "-f", "-"], &base)?;
        // diff: nothing to show, then a change (exit code 1 means "differences found").
        let same = srv.kubectl_stdin(minor, &["-n", &ns, "diff", "-f", "-"], Some(&base))?;
        anyhow::ensure!(
            same.status.code() == Some(0),
            "diff of the same file: {}",
            String::from_utf8_lossy(&same.stderr)
        );
        let changed = base.replace("postgres:15", "postgres:16");
        let diff = srv.kubectl_stdin(minor, &["-n", &ns, "diff", "-f", "-"], Some(&changed))?;
        let text = String::from_utf8_lossy(&diff.stdout);
        anyhow::ensure!(
            diff.status.code() == Some(1)
                && text.contains("-        image: postgres:15")
                && text.contains("+        image: postgres:16"),
            "{text}{}",
            String::from_utf8_lossy(&diff.stderr)
        );
        let image = srv.ok(
            minor,
            &[
                "-n",
                &ns,
                "get",
                "sts",
                "db",
                "-o",
                "jsonpath={.spec.template.spec.containers[0].image}",
            ],
        )?;
        anyhow::ensure!(
            image == "postgres:15",
            "diff must not change anything: {image}"
        );
        // patch, every type.
        srv.ok(minor, &["-n", &ns, "patch", "sts", "db", "-p", r#"{"spec":{"template":{"spec":{"containers":[{"name":"postgres","image":"postgres:16"}]}}}}"#])?;
        srv.ok(
            minor,
            &[
                "-n",
                &ns,
                "patch",
                "sts",
                "db",
                "--type",
                "merge",
                "-p",
                r#"{"metadata":{"labels":{"tier":"db"}}}"#,
            ],
        )?;
        srv.ok(
            minor,
            &[
                "-n",
                &ns,
                "patch",
                "sts",
                "db",
                "--type",
                "json",
                "-p",
                r#"[{"op":"add","path":"/spec/minReadySeconds","value":3}]"#,
            ],
        )?;
        let got = srv.ok(minor, &["-n", &ns, "get", "sts", "db", "-o", "jsonpath={.spec.template.spec.containers[0].image} {.spec.template.spec.containers[0].ports[0].containerPort} {.metadata.labels.tier} {.spec.minReadySeconds}"])?;
        anyhow::ensure!(got == "postgres:16 5432 db 3", "{got}");
        // scale goes through the scale subresource.
        srv.ok(minor, &["-n", &ns, "scale", "sts", "db", "--replicas=3"])?;
        anyhow::ensure!(
            srv.ok(
                minor,
                &[
                    "-n",
                    &ns,
                    "get",
                    "sts",
                    "db",
                    "-o",
                    "jsonpath={.spec.replicas}"
                ]
            )? == "3"
        );
        // edit with a non-interactive editor.
        let editor = "sed -i s/postgres:16/postgres:17/";
        let out = std::process::Command::new(berth_e2e::kubectl_path(minor))
            .env("KUBE_EDITOR", editor)
            .arg("--kubeconfig")
            .arg(srv.kubeconfig())
            .args(["-n", &ns, "edit", "sts", "db"])
            .output()?;
        anyhow::ensure!(
            out.status.success(),
            "edit: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        anyhow::ensure!(
            srv.ok(
                minor,
                &[
                    "-n",
                    &ns,
                    "get",
                    "sts",
                    "db",
                    "-o",
                    "jsonpath={.spec.template.spec.containers[0].image}"
                ]
            )? == "postgres:17"
        );
        // replace with the original file: back to one replica and postgres:15.
        let live: Value =
            serde_json::from_str(&srv.ok(minor, &["-n", &ns, "get", "sts", "db", "-o", "json"])?)?;
        let mut replaced: Value = serde_json::from_str(&base)?;
        replaced["metadata"]["resourceVersion"] = live["metadata"]["resourceVersion"].clone();
        srv.with_stdin(
            minor,
            &["-n", &ns, "replace", "-f", "-"],
            &replaced.to_string(),
        )?;
        let got = srv.ok(
            minor,
            &[
                "-n",
                &ns,
                "get",
                "sts",
                "db",
                "-o",
                "jsonpath={.spec.replicas} {.spec.template.spec.containers[0].image}",
            ],
        )?;
        anyhow::ensure!(got == "1 postgres:15", "{got}");
        // A stale resourceVersion is refused.
        let out = srv.kubectl_stdin(
            minor,
            &["-n", &ns, "replace", "-f", "-"],
            Some(&replaced.to_string()),
        )?;
        anyhow::ensure!(
            !out.status.success()
                && String::from_utf8_lossy(&out.stderr).contains("the object has been modified"),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    Ok(())
}

#[test]
fn explain_reads_the_served_schemas() -> anyhow::Result<()> {
    let srv = Server::start(BIN)?;
    for minor in [KUBECTL_OLDEST, KUBECTL_NEWEST] {
        let out = srv.ok(minor, &["explain", "statefulset.spec.volumeClaimTemplates"])?;
        anyhow::ensure!(
            out.contains("KIND:")
                && out.contains("StatefulSet")
                && out.contains("volumeClaimTemplates"),
            "{out}"
        );
        anyhow::ensure!(
            out.contains("DESCRIPTION:") && out.to_lowercase().contains("claims"),
            "{out}"
        );
        let out = srv.ok(minor, &["explain", "pods.spec.containers.ports"])?;
        anyhow::ensure!(
            out.contains("containerPort") && out.contains("protocol"),
            "{out}"
        );
    }
    Ok(())
}

//! Manifests upstream refuses are refused with upstream's reason and field path; manifests
//! upstream accepts are accepted. Driven over HTTPS against the real binary.

use berth_e2e::Server;
use serde_json::{Value, json};

const BIN: &str = env!("CARGO_BIN_EXE_berth");

fn pod_spec() -> Value {
    json!({"containers": [{"name": "pg", "image": "postgres:15", "ports": [{"containerPort": 5432, "name": "pg"}]}]})
}

fn sts(name: &str) -> Value {
    json!({
        "apiVersion": "apps/v1", "kind": "StatefulSet",
        "metadata": {"name": name},
        "spec": {
            "serviceName": "db", "replicas": 1,
            "selector": {"matchLabels": {"app": name}},
            "template": {"metadata": {"labels": {"app": name}}, "spec": pod_spec()},
            "volumeClaimTemplates": [{"metadata": {"name": "data"}, "spec": {"accessModes": ["ReadWriteOnce"], "resources": {"requests": {"storage": "1Gi"}}}}],
        },
    })
}

fn deploy(name: &str) -> Value {
    json!({
        "apiVersion": "apps/v1", "kind": "Deployment",
        "metadata": {"name": name},
        "spec": {"replicas": 1, "selector": {"matchLabels": {"app": name}},
                 "template": {"metadata": {"labels": {"app": name}}, "spec": pod_spec()}},
    })
}

fn pod(name: &str) -> Value {
    json!({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": name}, "spec": pod_spec()})
}

fn svc(name: &str) -> Value {
    json!({"apiVersion": "v1", "kind": "Service", "metadata": {"name": name},
           "spec": {"selector": {"app": "db"}, "ports": [{"port": 5432, "name": "pg"}]}})
}

fn pvc(name: &str) -> Value {
    json!({"apiVersion": "v1", "kind": "PersistentVolumeClaim", "metadata": {"name": name},
           "spec": {"accessModes": ["ReadWriteOnce"], "resources": {"requests": {"storage": "1Gi"}}}})
}

fn pv(name: &str) -> Value {
    json!({"apiVersion": "v1", "kind": "PersistentVolume", "metadata": {"name": name},
           "spec": {"capacity": {"storage": "1Gi"}, "accessModes": ["ReadWriteOnce"], "hostPath": {"path": "/tmp/x"}}})
}

fn cm(name: &str) -> Value {
    json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": name}, "data": {"a": "b"}})
}

fn path_of(obj: &Value) -> String {
    let kind = obj["kind"].as_str().unwrap_or_default();
    let ns = "/namespaces/default";
    match kind {
        "StatefulSet" => format!("/apis/apps/v1{ns}/statefulsets"),
        "Deployment" => format!("/apis/apps/v1{ns}/deployments"),
        "ReplicaSet" => format!("/apis/apps/v1{ns}/replicasets"),
        "Pod" => format!("/api/v1{ns}/pods"),
        "Service" => format!("/api/v1{ns}/services"),
        "PersistentVolumeClaim" => format!("/api/v1{ns}/persistentvolumeclaims"),
        "PersistentVolume" => "/api/v1/persistentvolumes".to_owned(),
        "ConfigMap" => format!("/api/v1{ns}/configmaps"),
        "Secret" => format!("/api/v1{ns}/secrets"),
        "Namespace" => "/api/v1/namespaces".to_owned(),
        "StorageClass" => "/apis/storage.k8s.io/v1/storageclasses".to_owned(),
        other => panic!("no path for {other}"),
    }
}

/// Sets a JSON pointer (creating objects on the way) or removes it for `Value::Null`.
fn with(mut obj: Value, pointer: &str, v: Value) -> Value {
    let (parent, last) = pointer.rsplit_once('/').unwrap_or(("", pointer));
    let target = obj.pointer_mut(parent).expect("parent exists");
    if v.is_null() {
        if let Some(m) = target.as_object_mut() {
            m.remove(last);
        }
    } else if let Some(a) = target.as_array_mut() {
        let i: usize = last.parse().expect("index");
        if i < a.len() { a[i] = v } else { a.push(v) }
    } else {
        target[last] = v;
    }
    obj
}

struct Invalid {
    obj: Value,
    field: &'static str,
    reason: &'static str,
}

fn bad(obj: Value, field: &'static str, reason: &'static str) -> Invalid {
    Invalid { obj, field, reason }
}

const REQ: &str = "FieldValueRequired";
const INV: &str = "FieldValueInvalid";
const NSUP: &str = "FieldValueNotSupported";
const DUP: &str = "FieldValueDuplicate";
const FORB: &str = "FieldValueForbidden";
const NF: &str = "FieldValueNotFound";

#[test]
fn upstream_rejections_and_acceptances() -> anyhow::Result<()> {
    let srv = Server::start(BIN)?;
    let s = sts("db");
    let d = deploy("web");
    let p = pod("p");
    let invalid = vec![
        bad(
            with(s.clone(), "/spec/replicas", json!(-1)),
            "spec.replicas",
            INV,
        ),
        bad(
            with(s.clone(), "/spec/selector", Value::Null),
            "spec.selector",
            REQ,
        ),
        bad(
            with(s.clone(), "/spec/selector", json!({})),
            "spec.selector",
            INV,
        ),
        bad(
            with(
                s.clone(),
                "/spec/template/metadata/labels",
                json!({"app": "other"}),
            ),
            "spec.template.metadata.labels",
            INV,
        ),
        bad(
            with(s.clone(), "/spec/podManagementPolicy", json!("Sometimes")),
            "spec.podManagementPolicy",
            INV,
        ),
        bad(
            with(
                s.clone(),
                "/spec/updateStrategy",
                json!({"type": "Sideways"}),
            ),
            "spec.updateStrategy",
            INV,
        ),
        bad(
            with(
                s.clone(),
                "/spec/updateStrategy",
                json!({"type": "RollingUpdate", "rollingUpdate": {"partition": -1}}),
            ),
            "spec.updateStrategy.rollingUpdate.partition",
            INV,
        ),
        bad(
            with(
                s.clone(),
                "/spec/updateStrategy",
                json!({"type": "OnDelete", "rollingUpdate": {"partition": 0}}),
            ),
            "spec.updateStrategy.rollingUpdate",
            INV,
        ),
        bad(
            with(s.clone(), "/spec/minReadySeconds", json!(-5)),
            "spec.minReadySeconds",
            INV,
        ),
        bad(
            with(s.clone(), "/spec/ordinals", json!({"start": -1})),
            "spec.ordinals.start",
            INV,
        ),
        bad(
            with(
                s.clone(),
                "/spec/persistentVolumeClaimRetentionPolicy",
                json!({"whenDeleted": "Keep", "whenScaled": "Retain"}),
            ),
            "spec.persistentVolumeClaimRetentionPolicy.whenDeleted",
            NSUP,
        ),
        bad(
            with(
                s.clone(),
                "/spec/template/spec/restartPolicy",
                json!("Never"),
            ),
            "spec.template.spec.restartPolicy",
            NSUP,
        ),
        bad(
            with(
                s.clone(),
                "/spec/template/spec/activeDeadlineSeconds",
                json!(10),
            ),
            "spec.template.spec.activeDeadlineSeconds",
            FORB,
        ),
        bad(
            with(s.clone(), "/spec/serviceName", json!("Not_A_Label")),
            "spec.serviceName",
            INV,
        ),
        bad(
            with(s.clone(), "/metadata/name", json!("db.dots")),
            "metadata.name",
            INV,
        ),
        bad(
            with(
                s.clone(),
                "/spec/template/spec/containers/0/image",
                Value::Null,
            ),
            "spec.template.spec.containers[0].image",
            REQ,
        ),
        bad(
            with(
                s.clone(),
                "/spec/template/spec/containers/1",
                json!({"name": "pg", "image": "x"}),
            ),
            "spec.template.spec.containers[1].name",
            DUP,
        ),
        bad(
            with(
                s.clone(),
                "/spec/template/spec/containers/0/ports/0/containerPort",
                json!(70000),
            ),
            "spec.template.spec.containers[0].ports[0].containerPort",
            INV,
        ),
        bad(
            with(
                s.clone(),
                "/spec/template/spec/containers/0/ports/0/protocol",
                json!("HTTP"),
            ),
            "spec.template.spec.containers[0].ports[0].protocol",
            NSUP,
        ),
        bad(
            with(
                s.clone(),
                "/spec/template/spec/containers/0/volumeMounts",
                json!([{"name": "nope", "mountPath": "/data"}]),
            ),
            "spec.template.spec.containers[0].volumeMounts[0].name",
            NF,
        ),
        bad(
            with(
                p.clone(),
                "/spec/containers/0/volumeMounts",
                json!([{"name": "v", "mountPath": "/data", "subPath": "../escape"}]),
            )
            .pipe(|o| with(o, "/spec/volumes", json!([{"name": "v", "emptyDir": {}}]))),
            "spec.containers[0].volumeMounts.subPath",
            INV,
        ),
        bad(
            with(
                p.clone(),
                "/spec/containers/0/readinessProbe",
                json!({"exec": {"command": ["true"]}, "tcpSocket": {"port": 5432}}),
            ),
            "spec.containers[0].readinessProbe.tcpSocket",
            FORB,
        ),
        bad(
            with(
                p.clone(),
                "/spec/containers/0/livenessProbe",
                json!({"periodSeconds": 10}),
            ),
            "spec.containers[0].livenessProbe",
            REQ,
        ),
        bad(
            with(
                p.clone(),
                "/spec/containers/0/resources",
                json!({"requests": {"cpu": "2"}, "limits": {"cpu": "1"}}),
            ),
            "spec.containers[0].resources.requests",
            INV,
        ),
        bad(
            with(p.clone(), "/spec/containers/0/name", json!("Bad_Name")),
            "spec.containers[0].name",
            INV,
        ),
        bad(
            with(
                p.clone(),
                "/spec/containers/0/env",
                json!([{"name": "", "value": "x"}]),
            ),
            "spec.containers[0].env[0].name",
            REQ,
        ),
        bad(
            with(
                p.clone(),
                "/spec/volumes",
                json!([{"name": "a", "emptyDir": {}, "hostPath": {"path": "/x"}}]),
            ),
            "spec.volumes[0].hostPath",
            FORB,
        ),
        bad(
            with(
                p.clone(),
                "/spec/volumes",
                json!([{"name": "a", "emptyDir": {}}, {"name": "a", "emptyDir": {}}]),
            ),
            "spec.volumes[1].name",
            DUP,
        ),
        bad(
            with(p.clone(), "/spec/restartPolicy", json!("Sometimes")),
            "spec.restartPolicy",
            NSUP,
        ),
        bad(
            with(p.clone(), "/spec/dnsPolicy", json!("Everywhere")),
            "spec.dnsPolicy",
            NSUP,
        ),
        bad(
            with(
                p.clone(),
                "/spec/containers/0/imagePullPolicy",
                json!("Sometimes"),
            ),
            "spec.containers[0].imagePullPolicy",
            NSUP,
        ),
        bad(
            with(p.clone(), "/spec/activeDeadlineSeconds", json!(0)),
            "spec.activeDeadlineSeconds",
            INV,
        ),
        bad(
            with(p, "/spec/hostname", json!("Not_Valid")),
            "spec.hostname",
            INV,
        ),
        bad(
            with(
                d.clone(),
                "/spec/strategy",
                json!({"type": "RollingUpdate", "rollingUpdate": {"maxSurge": 0, "maxUnavailable": 0}}),
            ),
            "spec.strategy.rollingUpdate.maxUnavailable",
            INV,
        ),
        bad(
            with(
                d.clone(),
                "/spec/strategy",
                json!({"type": "Recreate", "rollingUpdate": {"maxSurge": 1}}),
            ),
            "spec.strategy.rollingUpdate",
            FORB,
        ),
        bad(
            with(d, "/spec/progressDeadlineSeconds", json!(5))
                .pipe(|o| with(o, "/spec/minReadySeconds", json!(10))),
            "spec.progressDeadlineSeconds",
            INV,
        ),
        bad(
            with(svc("s1"), "/spec/type", json!("Sideways")),
            "spec.type",
            NSUP,
        ),
        bad(
            with(svc("s2"), "/spec/ports", json!([{"port": 1}, {"port": 2}])),
            "spec.ports[0].name",
            REQ,
        ),
        bad(
            with(svc("s3"), "/spec/ports/0/port", json!(0)),
            "spec.ports[0].port",
            INV,
        ),
        bad(
            with(svc("S4"), "/metadata/name", json!("4-starts-with-digit")),
            "metadata.name",
            INV,
        ),
        bad(
            with(pvc("c1"), "/spec/accessModes", json!([])),
            "spec.accessModes",
            REQ,
        ),
        bad(
            with(pvc("c2"), "/spec/resources", json!({})),
            "spec.resources[storage]",
            REQ,
        ),
        bad(
            with(pvc("c3"), "/spec/accessModes", json!(["ReadSometimes"])),
            "spec.accessModes",
            NSUP,
        ),
        bad(
            with(pv("v1"), "/spec/capacity", Value::Null),
            "spec.capacity",
            REQ,
        ),
        bad(
            with(
                pv("v2"),
                "/spec/persistentVolumeReclaimPolicy",
                json!("Shred"),
            ),
            "spec.persistentVolumeReclaimPolicy",
            NSUP,
        ),
        bad(
            with(cm("c"), "/data", json!({"no spaces": "x"})),
            "data[no spaces]",
            INV,
        ),
    ];
    assert!(invalid.len() >= 40, "{} cases", invalid.len());

    let mut wrong = Vec::new();
    for (i, c) in invalid.iter().enumerate() {
        let body = c.obj.to_string();
        let (code, status) = srv.raw(
            "POST",
            &path_of(&c.obj),
            "application/json",
            body.as_bytes(),
            Some("admin"),
        )?;
        let causes = status["details"]["causes"]
            .as_array()
            .cloned()
            .unwrap_or_default();
        let hit = causes
            .iter()
            .any(|cause| cause["field"] == c.field && cause["reason"] == c.reason);
        if code != 422 || status["reason"] != "Invalid" || !hit {
            wrong.push(format!(
                "#{i} want 422 {} at {}: got {code} {}",
                c.reason, c.field, status
            ));
        }
    }

    // Updates that upstream forbids.
    let base = srv.raw(
        "POST",
        &path_of(&s),
        "application/json",
        s.to_string().as_bytes(),
        Some("admin"),
    )?;
    anyhow::ensure!(base.0 == 201, "base statefulset: {base:?}");
    let immutables = [
        ("/spec/serviceName", json!("other")),
        (
            "/spec/selector",
            json!({"matchLabels": {"app": "db", "tier": "x"}}),
        ),
        ("/spec/podManagementPolicy", json!("Parallel")),
        (
            "/spec/volumeClaimTemplates/0/spec/resources/requests/storage",
            json!("2Gi"),
        ),
    ];
    let item = format!("{}/db", path_of(&s));
    for (pointer, v) in immutables {
        let (code, status) = change_unconditionally(&srv, &item, pointer, v)?;
        let msg = status["message"].as_str().unwrap_or_default();
        if code != 422 || !msg.contains("updates to statefulset spec for fields other than 'replicas', 'ordinals', 'template', 'updateStrategy', 'revisionHistoryLimit', 'persistentVolumeClaimRetentionPolicy' and 'minReadySeconds' are forbidden") {
            wrong.push(format!("immutable {pointer}: got {code} {status}"));
        }
    }
    // …while the mutable ones go through.
    for (pointer, v) in [
        ("/spec/replicas", json!(3)),
        (
            "/spec/template/spec/containers/0/image",
            json!("postgres:16"),
        ),
        ("/spec/minReadySeconds", json!(5)),
    ] {
        let (code, status) = change_unconditionally(&srv, &item, pointer, v)?;
        if code != 200 {
            wrong.push(format!("mutable {pointer}: got {code} {status}"));
        }
    }

    let valid = vec![
        sts("ok-sts"),
        with(sts("ok-parallel"), "/spec/podManagementPolicy", json!("Parallel")),
        with(sts("ok-ondelete"), "/spec/updateStrategy", json!({"type": "OnDelete"})),
        with(sts("ok-partition"), "/spec/updateStrategy", json!({"type": "RollingUpdate", "rollingUpdate": {"partition": 2}})),
        with(sts("ok-ordinals"), "/spec/ordinals", json!({"start": 5})),
        with(sts("ok-retention"), "/spec/persistentVolumeClaimRetentionPolicy", json!({"whenDeleted": "Delete", "whenScaled": "Retain"})),
        with(sts("ok-zero"), "/spec/replicas", json!(0)),
        deploy("ok-deploy"),
        with(deploy("ok-recreate"), "/spec/strategy", json!({"type": "Recreate"})),
        with(deploy("ok-percent"), "/spec/strategy", json!({"type": "RollingUpdate", "rollingUpdate": {"maxSurge": "50%", "maxUnavailable": 0}})),
        pod("ok-pod"),
        with(pod("ok-probes"), "/spec/containers/0/readinessProbe", json!({"exec": {"command": ["pg_isready"]}, "periodSeconds": 10})),
        with(pod("ok-resources"), "/spec/containers/0/resources", json!({"requests": {"cpu": "250m", "memory": "64Mi"}, "limits": {"cpu": "1", "memory": "1Gi"}})),
        with(pod("ok-volumes"), "/spec/volumes", json!([{"name": "data", "persistentVolumeClaim": {"claimName": "c"}}, {"name": "cfg", "configMap": {"name": "cfg"}}])).pipe(|o| with(o, "/spec/containers/0/volumeMounts", json!([{"name": "data", "mountPath": "/var/lib/postgresql/data"}, {"name": "cfg", "mountPath": "/etc/cfg", "readOnly": true}]))),
        svc("ok-svc"),
        with(svc("ok-headless"), "/spec/clusterIP", json!("None")),
        with(svc("ok-multi"), "/spec/ports", json!([{"name": "a", "port": 1}, {"name": "b", "port": 2, "protocol": "UDP"}])),
        pvc("ok-pvc"),
        pv("ok-pv"),
        cm("ok-cm"),
        json!({"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "ok-secret"}, "type": "Opaque", "stringData": {"password": "x"}}),
        json!({"apiVersion": "storage.k8s.io/v1", "kind": "StorageClass", "metadata": {"name": "ok-sc"}, "provisioner": "berth.dev/local-path"}),
    ];
    assert!(valid.len() >= 20);
    for obj in &valid {
        let (code, status) = srv.raw(
            "POST",
            &path_of(obj),
            "application/json",
            obj.to_string().as_bytes(),
            Some("admin"),
        )?;
        if code != 201 {
            wrong.push(format!(
                "valid {}: got {code} {status}",
                obj["metadata"]["name"]
            ));
        }
    }
    assert!(
        wrong.is_empty(),
        "{} wrong:\n{}",
        wrong.len(),
        wrong.join("\n")
    );
    Ok(())
}

/// Reads the object at `item`, sets `pointer` to `v` and PUTs it back without a
/// resourceVersion: the set's controller writes its status at any moment, and the point here is
/// validation, not optimistic concurrency.
fn change_unconditionally(
    srv: &Server,
    item: &str,
    pointer: &str,
    v: Value,
) -> anyhow::Result<(u16, Value)> {
    let (code, live) = srv.raw("GET", item, "application/json", b"", Some("admin"))?;
    anyhow::ensure!(code == 200, "GET {item}: {code} {live}");
    let changed = with(
        with(live, pointer, v),
        "/metadata/resourceVersion",
        Value::Null,
    );
    srv.raw(
        "PUT",
        item,
        "application/json",
        changed.to_string().as_bytes(),
        Some("admin"),
    )
}

trait Pipe: Sized {
    fn pipe(self, f: impl FnOnce(Self) -> Self) -> Self {
        f(self)
    }
}

impl Pipe for Value {}

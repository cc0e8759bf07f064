//! Pod and pod-template defaulting (`SetObjectDefaults_Pod` / `_PodTemplate` in 1.33), the
//! pod-spec conversions that show in output, and the DefaultTolerationSeconds admission plugin.

use serde_json::{Value, json};

use super::quantity::{resource_list, single};
use super::{
    Obj, each_obj, ensure_obj, image, obj_mut, set_if_empty, set_if_unset, set_if_zero, str_of,
    template_meta, unset,
};

/// A Pod: pod-only defaults, then the pod-spec defaults every template gets.
pub(super) fn pod(o: &mut Obj) {
    if let Some(spec) = ensure_obj(o, "spec") {
        pod_only(spec);
        pod_spec(spec);
        default_tolerations(spec);
    }
    if let Some(status) = ensure_obj(o, "status") {
        pod_status(status);
    }
}

/// A pod template inside a workload: the pod-spec defaults, none of the pod-only ones.
pub(super) fn template(o: &mut Obj) {
    let Some(t) = ensure_obj(o, "template") else {
        return;
    };
    template_meta(t);
    if let Some(spec) = ensure_obj(t, "spec") {
        pod_spec(spec);
    }
}

/// `SetDefaults_Pod`: applied to Pods only, never to templates.
fn pod_only(spec: &mut Obj) {
    for key in ["containers", "initContainers"] {
        for c in each_obj(spec, key) {
            requests_from_limits(c);
        }
    }
    set_if_unset(spec, "enableServiceLinks", json!(true));
    if spec.get("hostNetwork").and_then(Value::as_bool) == Some(true) {
        for key in ["containers", "initContainers"] {
            for c in each_obj(spec, key) {
                for p in each_obj(c, "ports") {
                    let host_port = p.get("hostPort").and_then(Value::as_i64).unwrap_or(0);
                    if host_port == 0
                        && let Some(cp) = p.get("containerPort").cloned()
                    {
                        p.insert("hostPort".to_owned(), cp);
                    }
                }
            }
        }
    }
}

/// A limit without a request becomes the request too.
fn requests_from_limits(c: &mut Obj) {
    let Some(res) = obj_mut(c, "resources") else {
        return;
    };
    let Some(limits) = res.get("limits").and_then(Value::as_object).cloned() else {
        return;
    };
    let missing: Vec<(String, Value)> = {
        let requests = res.get("requests").and_then(Value::as_object);
        limits
            .into_iter()
            .filter(|(k, _)| !requests.is_some_and(|r| r.contains_key(k)))
            .collect()
    };
    if missing.is_empty() {
        return;
    }
    if let Some(requests) = ensure_obj(res, "requests") {
        requests.extend(missing);
    }
}

/// `SetDefaults_PodSpec` and everything nested in a pod spec.
pub(super) fn pod_spec(spec: &mut Obj) {
    set_if_empty(spec, "dnsPolicy", "ClusterFirst");
    set_if_empty(spec, "restartPolicy", "Always");
    set_if_unset(spec, "securityContext", json!({}));
    set_if_unset(spec, "terminationGracePeriodSeconds", json!(30));
    set_if_empty(spec, "schedulerName", "default-scheduler");
    service_account_alias(spec);
    for key in ["containers", "initContainers", "ephemeralContainers"] {
        for c in each_obj(spec, key) {
            container(c);
        }
    }
    for v in each_obj(spec, "volumes") {
        volume(v);
    }
    resource_list(spec, "overhead");
}

/// The deprecated `serviceAccount` fills an empty `serviceAccountName` on the way in, and
/// always echoes `serviceAccountName` on the way out.
fn service_account_alias(spec: &mut Obj) {
    let name = match str_of(spec, "serviceAccountName") {
        "" => str_of(spec, "serviceAccount").to_owned(),
        n => n.to_owned(),
    };
    if name.is_empty() {
        spec.remove("serviceAccountName");
        spec.remove("serviceAccount");
    } else {
        spec.insert("serviceAccountName".to_owned(), json!(name));
        spec.insert("serviceAccount".to_owned(), json!(name));
    }
}

/// Container, init container and ephemeral container defaults.
fn container(c: &mut Obj) {
    if str_of(c, "imagePullPolicy").is_empty() {
        let policy = image::pull_policy(str_of(c, "image"));
        c.insert("imagePullPolicy".to_owned(), json!(policy));
    }
    set_if_empty(c, "terminationMessagePath", "/dev/termination-log");
    set_if_empty(c, "terminationMessagePolicy", "File");
    for p in each_obj(c, "ports") {
        set_if_empty(p, "protocol", "TCP");
    }
    for e in each_obj(c, "env") {
        if let Some(field_ref) = obj_mut(e, "valueFrom").and_then(|v| obj_mut(v, "fieldRef")) {
            set_if_empty(field_ref, "apiVersion", "v1");
        }
    }
    if let Some(res) = ensure_obj(c, "resources") {
        resource_list(res, "limits");
        resource_list(res, "requests");
    }
    for key in ["livenessProbe", "readinessProbe", "startupProbe"] {
        if let Some(p) = obj_mut(c, key) {
            probe(p);
        }
    }
    if let Some(lifecycle) = obj_mut(c, "lifecycle") {
        for key in ["postStart", "preStop"] {
            if let Some(get) = obj_mut(lifecycle, key).and_then(|h| obj_mut(h, "httpGet")) {
                http_get(get);
            }
        }
    }
}

fn probe(p: &mut Obj) {
    set_if_zero(p, "timeoutSeconds", 1);
    set_if_zero(p, "periodSeconds", 10);
    set_if_zero(p, "successThreshold", 1);
    set_if_zero(p, "failureThreshold", 3);
    if let Some(get) = obj_mut(p, "httpGet") {
        http_get(get);
    }
    if let Some(grpc) = obj_mut(p, "grpc") {
        set_if_unset(grpc, "service", json!(""));
    }
}

fn http_get(h: &mut Obj) {
    set_if_empty(h, "path", "/");
    set_if_empty(h, "scheme", "HTTP");
}

/// Volume sources: a volume with none is an `emptyDir`.
fn volume(v: &mut Obj) {
    if v.iter().all(|(k, val)| k == "name" || val.is_null()) {
        v.insert("emptyDir".to_owned(), json!({}));
    }
    if let Some(empty_dir) = obj_mut(v, "emptyDir") {
        single(empty_dir, "sizeLimit");
    }
    for key in ["secret", "configMap"] {
        if let Some(src) = obj_mut(v, key) {
            set_if_unset(src, "defaultMode", json!(420));
        }
    }
    if let Some(src) = obj_mut(v, "downwardAPI") {
        set_if_unset(src, "defaultMode", json!(420));
        downward_api_items(src);
    }
    if let Some(src) = obj_mut(v, "projected") {
        set_if_unset(src, "defaultMode", json!(420));
        for s in each_obj(src, "sources") {
            if let Some(d) = obj_mut(s, "downwardAPI") {
                downward_api_items(d);
            }
            if let Some(t) = obj_mut(s, "serviceAccountToken") {
                set_if_unset(t, "expirationSeconds", json!(3600));
            }
        }
    }
    if let Some(tmpl) = obj_mut(v, "ephemeral").and_then(|e| obj_mut(e, "volumeClaimTemplate")) {
        template_meta(tmpl);
        if let Some(spec) = ensure_obj(tmpl, "spec") {
            super::storage::claim_spec(spec);
        }
    }
    legacy_sources(v);
}

fn downward_api_items(src: &mut Obj) {
    for item in each_obj(src, "items") {
        if let Some(field_ref) = obj_mut(item, "fieldRef") {
            set_if_empty(field_ref, "apiVersion", "v1");
        }
    }
}

/// Defaults of the in-tree plugins, shared by pod volumes and PersistentVolume sources.
pub(super) fn legacy_sources(v: &mut Obj) {
    if let Some(src) = obj_mut(v, "hostPath") {
        set_if_unset(src, "type", json!(""));
    }
    if let Some(src) = obj_mut(v, "iscsi") {
        set_if_empty(src, "iscsiInterface", "default");
    }
    if let Some(src) = obj_mut(v, "rbd") {
        set_if_empty(src, "pool", "rbd");
        set_if_empty(src, "user", "admin");
        set_if_empty(src, "keyring", "/etc/ceph/keyring");
    }
    if let Some(src) = obj_mut(v, "azureDisk") {
        set_if_unset(src, "cachingMode", json!("ReadWrite"));
        set_if_unset(src, "fsType", json!("ext4"));
        set_if_unset(src, "readOnly", json!(false));
        set_if_unset(src, "kind", json!("Shared"));
    }
    if let Some(src) = obj_mut(v, "scaleIO") {
        set_if_empty(src, "storageMode", "ThinProvisioned");
        set_if_empty(src, "fsType", "xfs");
    }
}

/// DefaultTolerationSeconds admission (create and update of pods): tolerate a not-ready or
/// unreachable node for 300 s unless the pod already tolerates that taint.
fn default_tolerations(spec: &mut Obj) {
    const TAINTS: [&str; 2] = [
        "node.kubernetes.io/not-ready",
        "node.kubernetes.io/unreachable",
    ];
    let tolerates = |spec: &Obj, taint: &str| {
        spec.get("tolerations")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .any(|t| {
                let key = t.get("key").and_then(Value::as_str).unwrap_or("");
                let effect = t.get("effect").and_then(Value::as_str).unwrap_or("");
                (key == taint || key.is_empty()) && (effect == "NoExecute" || effect.is_empty())
            })
    };
    let missing: Vec<&str> = TAINTS.into_iter().filter(|t| !tolerates(spec, t)).collect();
    if missing.is_empty() {
        return;
    }
    set_if_unset(spec, "tolerations", json!([]));
    if let Some(list) = spec.get_mut("tolerations").and_then(Value::as_array_mut) {
        for key in missing {
            list.push(json!({
                "key": key,
                "operator": "Exists",
                "effect": "NoExecute",
                "tolerationSeconds": 300,
            }));
        }
    }
}

/// Status conversions (`podIP` ↔ `podIPs`, `hostIP` ↔ `hostIPs`) and status quantities.
fn pod_status(status: &mut Obj) {
    for (single_key, list_key) in [("podIP", "podIPs"), ("hostIP", "hostIPs")] {
        sync_ips(status, single_key, list_key);
    }
    for key in [
        "containerStatuses",
        "initContainerStatuses",
        "ephemeralContainerStatuses",
    ] {
        for cs in each_obj(status, key) {
            resource_list(cs, "allocatedResources");
            if let Some(res) = obj_mut(cs, "resources") {
                resource_list(res, "limits");
                resource_list(res, "requests");
            }
        }
    }
}

/// The single field wins when the two disagree; the list's first entry is echoed back.
fn sync_ips(status: &mut Obj, single_key: &str, list_key: &str) {
    let ip = str_of(status, single_key).to_owned();
    let first = status
        .get(list_key)
        .and_then(Value::as_array)
        .and_then(|l| l.first())
        .map(|e| e.get("ip").and_then(Value::as_str).unwrap_or("").to_owned());
    if !ip.is_empty() && first.as_deref() != Some(ip.as_str()) {
        status.insert(list_key.to_owned(), json!([{ "ip": ip }]));
    } else if let Some(first) = first {
        status.insert(single_key.to_owned(), json!(first));
    }
    if status.get(single_key).and_then(Value::as_str) == Some("") {
        status.remove(single_key);
    }
    if unset(status.get(list_key)) {
        status.remove(list_key);
    }
}

//! What happens to a Pod only when it is created: the strategy's status (`Pending`, QoS class,
//! `SchedulingGated` condition) and the ServiceAccount and Priority admission plugins; and what
//! an update keeps from the stored Pod.

use std::collections::BTreeMap;

use serde_json::{Value, json};

use super::{AdmissionError, Obj, each_obj, ensure_obj, obj_mut, set_if_unset, str_of, unset};
use crate::quantity::Quantity;

/// The two PriorityClasses every cluster has (`scheduling.SystemPriorityClasses`). berth
/// serves no PriorityClass objects, so no other class and no global default exist.
const SYSTEM_PRIORITY_CLASSES: [(&str, i64); 2] = [
    ("system-node-critical", 2_000_001_000),
    ("system-cluster-critical", 2_000_000_000),
];
const PREEMPT_LOWER_PRIORITY: &str = "PreemptLowerPriority";
const MIRROR_POD_ANNOTATION: &str = "kubernetes.io/config.mirror";
const TOKEN_VOLUME_PREFIX: &str = "kube-api-access-";
const TOKEN_MOUNT_PATH: &str = "/var/run/secrets/kubernetes.io/serviceaccount";

pub(super) fn on_create(o: &mut Obj, now: &str) -> Result<(), AdmissionError> {
    let mirror = o
        .get("metadata")
        .and_then(|m| m.get("annotations"))
        .and_then(|a| a.get(MIRROR_POD_ANNOTATION))
        .is_some();
    let Some(spec) = ensure_obj(o, "spec") else {
        return Ok(());
    };
    if !mirror && str_of(spec, "serviceAccountName").is_empty() {
        spec.insert("serviceAccountName".to_owned(), json!("default"));
        spec.insert("serviceAccount".to_owned(), json!("default"));
    }
    priority(spec)?;
    let qos = qos_class(spec);
    let gated = spec
        .get("schedulingGates")
        .and_then(Value::as_array)
        .is_some_and(|g| !g.is_empty());
    let mut status = json!({ "phase": "Pending", "qosClass": qos });
    if gated {
        status["conditions"] = json!([{
            "type": "PodScheduled",
            "status": "False",
            "reason": "SchedulingGated",
            "message": "Scheduling is blocked due to non-empty scheduling gates",
            "lastProbeTime": null,
            "lastTransitionTime": now,
        }]);
    }
    o.insert("status".to_owned(), status);
    Ok(())
}

/// Priority admission on create: `priority` and `preemptionPolicy` come from the class; a
/// client-set value that differs is refused.
fn priority(spec: &mut Obj) -> Result<(), AdmissionError> {
    let class = str_of(spec, "priorityClassName");
    let value = if class.is_empty() {
        0
    } else {
        SYSTEM_PRIORITY_CLASSES
            .iter()
            .find(|(name, _)| *name == class)
            .map(|(_, v)| *v)
            .ok_or_else(|| {
                AdmissionError::Forbidden(format!("no PriorityClass with name {class} was found"))
            })?
    };
    if let Some(given) = spec.get("priority").filter(|v| !v.is_null()) {
        let given_num = given.as_i64();
        if given_num != Some(value) {
            return Err(AdmissionError::Forbidden(format!(
                "the integer value of priority ({given}) must not be provided in pod spec; \
                 priority admission controller computed {value} from the given PriorityClass name"
            )));
        }
    }
    spec.insert("priority".to_owned(), json!(value));
    if let Some(given) = spec.get("preemptionPolicy").and_then(Value::as_str)
        && given != PREEMPT_LOWER_PRIORITY
    {
        return Err(AdmissionError::Forbidden(format!(
            "the string value of PreemptionPolicy ({given}) must not be provided in pod spec; \
             priority admission controller computed {PREEMPT_LOWER_PRIORITY} from the given \
             PriorityClass name"
        )));
    }
    spec.insert("preemptionPolicy".to_owned(), json!(PREEMPT_LOWER_PRIORITY));
    Ok(())
}

/// An update keeps the priority fields admission set on create when the client omits them.
pub(super) fn on_update(old: &Obj, new: &mut Obj) {
    let Some(old_spec) = old.get("spec").and_then(Value::as_object) else {
        return;
    };
    let Some(spec) = obj_mut(new, "spec") else {
        return;
    };
    for key in ["priority", "preemptionPolicy"] {
        if let Some(v) = old_spec.get(key).filter(|v| !v.is_null()) {
            set_if_unset(spec, key, v.clone());
        }
    }
}

/// Upstream's `ComputePodQOS` (pod-level resources are off): only cpu and memory count,
/// summed over containers and init containers, and only values above zero.
pub(super) fn qos_class(spec: &Obj) -> &'static str {
    let mut requests: BTreeMap<String, i128> = BTreeMap::new();
    let mut limits: BTreeMap<String, i128> = BTreeMap::new();
    let mut guaranteed = true;
    let containers = ["containers", "initContainers"]
        .into_iter()
        .flat_map(|key| {
            spec.get(key)
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
        });
    for c in containers {
        let resources = c.get("resources");
        let positive = |list: &str| -> Vec<(String, i128)> {
            resources
                .and_then(|r| r.get(list))
                .and_then(Value::as_object)
                .into_iter()
                .flatten()
                .filter(|(name, _)| matches!(name.as_str(), "cpu" | "memory"))
                .filter_map(|(name, v)| {
                    let text = match v {
                        Value::String(s) => s.clone(),
                        other => other.to_string(),
                    };
                    let nanos = Quantity::parse(&text).ok()?.nanos();
                    (nanos > 0).then(|| (name.clone(), nanos))
                })
                .collect()
        };
        for (name, v) in positive("requests") {
            let sum = requests.entry(name).or_default();
            *sum = sum.saturating_add(v);
        }
        let found = positive("limits");
        let has = |r: &str| found.iter().any(|(n, _)| n == r);
        if !(has("cpu") && has("memory")) {
            guaranteed = false;
        }
        for (name, v) in found {
            let sum = limits.entry(name).or_default();
            *sum = sum.saturating_add(v);
        }
    }
    if requests.is_empty() && limits.is_empty() {
        return "BestEffort";
    }
    if guaranteed
        && requests.len() == limits.len()
        && requests.iter().all(|(k, v)| limits.get(k) == Some(v))
    {
        return "Guaranteed";
    }
    "Burstable"
}

/// The ServiceAccount admission plugin's steps that need the ServiceAccount object, for a new
/// Pod whose `serviceAccountName` already names `service_account` (see [`super::apply_on_create`]):
/// unless automounting is off (the pod's `automountServiceAccountToken` wins over the
/// ServiceAccount's), every container and init container without a mount at
/// `/var/run/secrets/kubernetes.io/serviceaccount` gets a read-only mount of a projected
/// `kube-api-access-<volume_suffix>` volume (token, `kube-root-ca.crt`, namespace), which is
/// added unless a `kube-api-access-*` volume exists; and a pod without `imagePullSecrets` takes
/// the ServiceAccount's. Mirror pods are left alone. `volume_suffix` is 5 random characters
/// from `bcdfghjklmnpqrstvwxz2456789`, as upstream generates them.
pub fn mount_service_account(pod: &mut Value, service_account: &Value, volume_suffix: &str) {
    let Some(o) = pod.as_object_mut() else {
        return;
    };
    let mirror = o
        .get("metadata")
        .and_then(|m| m.get("annotations"))
        .and_then(|a| a.get(MIRROR_POD_ANNOTATION))
        .is_some();
    let Some(spec) = obj_mut(o, "spec").filter(|_| !mirror) else {
        return;
    };
    let automount = spec
        .get("automountServiceAccountToken")
        .and_then(Value::as_bool)
        .or_else(|| {
            service_account
                .get("automountServiceAccountToken")
                .and_then(Value::as_bool)
        })
        .unwrap_or(true);
    if automount {
        mount_token(spec, volume_suffix);
    }
    let has_pull_secrets = spec
        .get("imagePullSecrets")
        .and_then(Value::as_array)
        .is_some_and(|l| !l.is_empty());
    let sa_secrets: Vec<Value> = service_account
        .get("imagePullSecrets")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .map(|s| json!({ "name": s.get("name").and_then(Value::as_str).unwrap_or("") }))
        .collect();
    if !has_pull_secrets && !sa_secrets.is_empty() {
        spec.insert("imagePullSecrets".to_owned(), Value::Array(sa_secrets));
    }
}

fn mount_token(spec: &mut Obj, volume_suffix: &str) {
    let existing = spec
        .get("volumes")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|v| v.get("name").and_then(Value::as_str))
        .find(|n| n.starts_with(TOKEN_VOLUME_PREFIX))
        .map(str::to_owned);
    let name = existing
        .clone()
        .unwrap_or_else(|| format!("{TOKEN_VOLUME_PREFIX}{volume_suffix}"));
    let mut needs_volume = false;
    for key in ["initContainers", "containers"] {
        for c in each_obj(spec, key) {
            let mounted = c
                .get("volumeMounts")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .any(|m| m.get("mountPath").and_then(Value::as_str) == Some(TOKEN_MOUNT_PATH));
            if mounted {
                continue;
            }
            if unset(c.get("volumeMounts")) {
                c.insert("volumeMounts".to_owned(), json!([]));
            }
            if let Some(mounts) = c.get_mut("volumeMounts").and_then(Value::as_array_mut) {
                mounts.push(json!({"name": name, "readOnly": true, "mountPath": TOKEN_MOUNT_PATH}));
                needs_volume = true;
            }
        }
    }
    if existing.is_some() || !needs_volume {
        return;
    }
    if unset(spec.get("volumes")) {
        spec.insert("volumes".to_owned(), json!([]));
    }
    if let Some(volumes) = spec.get_mut("volumes").and_then(Value::as_array_mut) {
        volumes.push(json!({
            "name": name,
            "projected": {
                "defaultMode": 420,
                "sources": [
                    {"serviceAccountToken": {"expirationSeconds": 3607, "path": "token"}},
                    {"configMap": {
                        "name": "kube-root-ca.crt",
                        "items": [{"key": "ca.crt", "path": "ca.crt"}],
                    }},
                    {"downwardAPI": {"items": [{
                        "path": "namespace",
                        "fieldRef": {"apiVersion": "v1", "fieldPath": "metadata.namespace"},
                    }]}},
                ],
            },
        }));
    }
}

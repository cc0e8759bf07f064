//! Shared fixtures for the pod and workload validation tests: objects as they look after
//! defaulting, an in-place editor, and upstream's format-check messages.

use serde_json::{Value, json};

use crate::registry::{Registry, ResourceInfo};
use crate::validation::FieldError;

pub(crate) const LABEL_MSG: &str = "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')";
pub(crate) const SUBDOMAIN_MSG: &str = "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";
pub(crate) const NAME_PART_MSG: &str = "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')";
pub(crate) const PERCENT_MSG: &str = "a valid percent string must be a numeric string followed by an ending '%' (e.g. '1%',  or '93%', regex used for validation is '[0-9]+%')";

/// The registry entry of a served kind.
pub(crate) fn info(group: &str, version: &str, kind: &str) -> &'static ResourceInfo {
    Registry.by_kind(group, version, kind).unwrap()
}

/// `<field>: <body>` lines, as the aggregate message lists them.
pub(crate) fn lines(errs: &[FieldError]) -> Vec<String> {
    errs.iter().map(ToString::to_string).collect()
}

/// Sets the value at a JSON pointer, creating objects on the way; `null` removes the key.
/// An index one past the end of a list appends.
pub(crate) fn set(v: &mut Value, pointer: &str, val: Value) {
    let segments: Vec<&str> = pointer.trim_start_matches('/').split('/').collect();
    let (last, parents) = segments.split_last().unwrap();
    let mut cur = v;
    for seg in parents {
        cur = match cur {
            Value::Array(items) => {
                let i: usize = seg.parse().unwrap();
                if i == items.len() {
                    items.push(json!({}));
                }
                &mut items[i]
            }
            other => other
                .as_object_mut()
                .unwrap()
                .entry((*seg).to_owned())
                .or_insert_with(|| json!({})),
        };
    }
    match cur {
        Value::Array(items) => {
            let i: usize = last.parse().unwrap();
            if i == items.len() {
                items.push(val);
            } else {
                items[i] = val;
            }
        }
        other => {
            let obj = other.as_object_mut().unwrap();
            if val.is_null() {
                obj.remove(*last);
            } else {
                obj.insert((*last).to_owned(), val);
            }
        }
    }
}

/// `base` with every edit applied.
pub(crate) fn edited(base: &Value, edits: &[(&str, Value)]) -> Value {
    let mut v = base.clone();
    for (pointer, val) in edits {
        set(&mut v, pointer, val.clone());
    }
    v
}

/// A container as defaulting leaves it.
pub(crate) fn container(name: &str) -> Value {
    json!({
        "name": name,
        "image": "nginx:1.27",
        "imagePullPolicy": "IfNotPresent",
        "terminationMessagePath": "/dev/termination-log",
        "terminationMessagePolicy": "File",
        "ports": [{"containerPort": 80, "protocol": "TCP"}]
    })
}

/// A probe with the defaulted timing fields and the given handler.
pub(crate) fn probe(handler: Value) -> Value {
    let mut p = json!({"timeoutSeconds": 1, "periodSeconds": 10, "successThreshold": 1, "failureThreshold": 3});
    if let Value::Object(fields) = handler {
        for (k, v) in fields {
            p[k.as_str()] = v;
        }
    }
    p
}

/// A pod spec (or template spec) as defaulting leaves it.
pub(crate) fn pod_spec() -> Value {
    json!({
        "containers": [container("app")],
        "restartPolicy": "Always",
        "dnsPolicy": "ClusterFirst",
        "terminationGracePeriodSeconds": 30,
        "schedulerName": "default-scheduler",
        "securityContext": {},
        "serviceAccountName": "default"
    })
}

/// A defaulted Pod, as stored (with uid and resourceVersion).
pub(crate) fn pod() -> Value {
    let mut spec = pod_spec();
    spec["enableServiceLinks"] = json!(true);
    json!({
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {"name": "web", "namespace": "default", "uid": "u1", "resourceVersion": "5"},
        "spec": spec
    })
}

//! Typed decoding of objects: what upstream's decoder does when a body reaches the API server.
//!
//! An object is decoded into its Kubernetes type and encoded back. That refuses values of the
//! wrong type (a string where an integer belongs) and drops fields the type does not have,
//! reporting each as upstream's strict decoder does (`unknown field "spec.foo"`), so the caller
//! can refuse (`fieldValidation=Strict`), warn (`Warn`) or ignore them.

use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;

use k8s_openapi::api::{
    apps, authentication, authorization, coordination, core, discovery, events, storage,
};

/// Why an object does not decode into its type.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct DecodeError(pub String);

/// The decoded object and the fields it lost.
#[derive(Debug, Clone, PartialEq)]
pub struct Decoded {
    /// The object as its type encodes it.
    pub object: Value,
    /// Paths of fields the type does not know, in upstream's notation (`spec.containers[0].foo`).
    pub unknown: Vec<String>,
}

fn roundtrip<T: DeserializeOwned + Serialize>(obj: &Value) -> Result<Value, DecodeError> {
    let typed: T = serde_json::from_value(obj.clone()).map_err(|e| DecodeError(e.to_string()))?;
    serde_json::to_value(typed).map_err(|e| DecodeError(e.to_string()))
}

/// Decodes `obj` as `group`/`kind`. Kinds without a type here pass through unchanged.
pub fn decode(group: &str, kind: &str, obj: &Value) -> Result<Decoded, DecodeError> {
    let typed = match (group, kind) {
        ("", "Namespace") => roundtrip::<core::v1::Namespace>(obj),
        ("", "Pod") => roundtrip::<core::v1::Pod>(obj),
        ("", "Service") => roundtrip::<core::v1::Service>(obj),
        ("", "Endpoints") => roundtrip::<core::v1::Endpoints>(obj),
        ("", "ConfigMap") => roundtrip::<core::v1::ConfigMap>(obj),
        ("", "Secret") => roundtrip::<core::v1::Secret>(obj),
        ("", "ServiceAccount") => roundtrip::<core::v1::ServiceAccount>(obj),
        ("", "PersistentVolume") => roundtrip::<core::v1::PersistentVolume>(obj),
        ("", "PersistentVolumeClaim") => roundtrip::<core::v1::PersistentVolumeClaim>(obj),
        ("", "Event") => roundtrip::<core::v1::Event>(obj),
        ("", "Node") => roundtrip::<core::v1::Node>(obj),
        ("apps", "StatefulSet") => roundtrip::<apps::v1::StatefulSet>(obj),
        ("apps", "ControllerRevision") => roundtrip::<apps::v1::ControllerRevision>(obj),
        ("apps", "Deployment") => roundtrip::<apps::v1::Deployment>(obj),
        ("apps", "ReplicaSet") => roundtrip::<apps::v1::ReplicaSet>(obj),
        ("storage.k8s.io", "StorageClass") => roundtrip::<storage::v1::StorageClass>(obj),
        ("discovery.k8s.io", "EndpointSlice") => roundtrip::<discovery::v1::EndpointSlice>(obj),
        ("coordination.k8s.io", "Lease") => roundtrip::<coordination::v1::Lease>(obj),
        ("events.k8s.io", "Event") => roundtrip::<events::v1::Event>(obj),
        ("authorization.k8s.io", "SelfSubjectAccessReview") => {
            roundtrip::<authorization::v1::SelfSubjectAccessReview>(obj)
        }
        ("authentication.k8s.io", "SelfSubjectReview") => {
            roundtrip::<authentication::v1::SelfSubjectReview>(obj)
        }
        _ => Ok(obj.clone()),
    }?;
    let mut typed = typed;
    drop_materialized(obj, &mut typed);
    let mut unknown = Vec::new();
    lost_fields(obj, &typed, "", &mut unknown);
    Ok(Decoded {
        object: typed,
        unknown,
    })
}

/// Removes what the typed round trip invented: a required field the input left out comes
/// back as its zero value (`selector: {}`, `containers: []`, `name: ""`). Upstream's decoder
/// leaves such a field unset, and validation must see it unset (`Required value`, not `empty
/// selector`).
fn drop_materialized(input: &Value, output: &mut Value) {
    match (input, output) {
        (Value::Object(a), Value::Object(b)) => {
            b.retain(|k, v| a.contains_key(k) || !is_zero(v));
            for (k, v) in b.iter_mut() {
                if let Some(w) = a.get(k) {
                    drop_materialized(w, v);
                }
            }
        }
        (Value::Array(a), Value::Array(b)) => {
            for (v, w) in a.iter().zip(b.iter_mut()) {
                drop_materialized(v, w);
            }
        }
        _ => {}
    }
}

/// A Go zero value as a typed encoder writes it.
fn is_zero(v: &Value) -> bool {
    match v {
        Value::Null => true,
        Value::Bool(b) => !b,
        Value::Number(n) => n.as_f64() == Some(0.0),
        Value::String(s) => s.is_empty(),
        Value::Array(a) => a.is_empty(),
        Value::Object(m) => m.values().all(is_zero),
    }
}

/// Collects the fields of `input` that `output` no longer has. `null` values count as absent
/// (a Go decoder leaves them at their zero value).
fn lost_fields(input: &Value, output: &Value, path: &str, out: &mut Vec<String>) {
    match (input, output) {
        (Value::Object(a), Value::Object(b)) => {
            for (k, v) in a {
                let child = if path.is_empty() {
                    k.clone()
                } else {
                    format!("{path}.{k}")
                };
                match b.get(k) {
                    Some(w) => lost_fields(v, w, &child, out),
                    None if v.is_null() => {}
                    None => out.push(child),
                }
            }
        }
        (Value::Array(a), Value::Array(b)) => {
            for (i, (v, w)) in a.iter().zip(b).enumerate() {
                lost_fields(v, w, &format!("{path}[{i}]"), out);
            }
        }
        _ => {}
    }
}

/// Upstream's message for a body that does not decode: `Pod in version "v1" cannot be handled
/// as a Pod: <why>`.
pub fn cannot_handle(kind: &str, version: &str, why: &str) -> String {
    format!("{kind} in version \"{version}\" cannot be handled as a {kind}: {why}")
}

/// Upstream's strict-decoding message listing unknown and duplicate fields.
pub fn strict_message(unknown: &[String], duplicates: &[String]) -> String {
    let fields: Vec<String> = unknown
        .iter()
        .map(|f| format!("unknown field \"{f}\""))
        .chain(
            duplicates
                .iter()
                .map(|f| format!("duplicate field \"{f}\"")),
        )
        .collect();
    format!("strict decoding error: {}", fields.join(", "))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn unknown_fields_are_reported_with_paths() {
        let obj = json!({
            "apiVersion": "apps/v1",
            "kind": "StatefulSet",
            "metadata": {"name": "db", "bogus": 1},
            "spec": {
                "replica": 3,
                "selector": {"matchLabels": {"app": "db"}},
                "template": {"spec": {"containers": [{"name": "pg", "image": "postgres:15", "imagee": "x"}]}},
            },
        });
        let d = decode("apps", "StatefulSet", &obj).expect("decodes");
        assert_eq!(
            d.unknown,
            vec![
                "metadata.bogus",
                "spec.replica",
                "spec.template.spec.containers[0].imagee"
            ]
        );
        assert!(d.object.pointer("/spec/replica").is_none());
        assert_eq!(
            d.object.pointer("/spec/template/spec/containers/0/image"),
            Some(&json!("postgres:15"))
        );
        assert_eq!(
            strict_message(&d.unknown[1..2], &[]),
            "strict decoding error: unknown field \"spec.replica\""
        );
    }

    #[test]
    fn known_fields_and_nulls_pass() {
        let obj = json!({
            "apiVersion": "v1",
            "kind": "Pod",
            "metadata": {"name": "p", "creationTimestamp": null, "labels": {}, "annotations": {}},
            "spec": {"containers": [{"name": "c", "image": "i", "resources": {}}]},
            "status": {},
        });
        let d = decode("", "Pod", &obj).expect("decodes");
        assert!(d.unknown.is_empty(), "{:?}", d.unknown);
    }

    #[test]
    fn missing_required_fields_stay_missing() {
        let obj = json!({"apiVersion": "apps/v1", "kind": "StatefulSet", "metadata": {"name": "db"}, "spec": {"template": {}}});
        let d = decode("apps", "StatefulSet", &obj).expect("decodes");
        assert!(d.object.pointer("/spec/selector").is_none(), "{}", d.object);
        assert!(
            d.object.pointer("/spec/template/spec").is_none(),
            "{}",
            d.object
        );
        let set = json!({"apiVersion": "apps/v1", "kind": "StatefulSet", "metadata": {"name": "db"}, "spec": {"replicas": 0, "selector": {}}});
        let d = decode("apps", "StatefulSet", &set).expect("decodes");
        assert_eq!(
            d.object["spec"]["replicas"], 0,
            "zero values the client sent are kept"
        );
        assert_eq!(d.object["spec"]["selector"], json!({}));
    }

    #[test]
    fn wrong_types_are_refused() {
        let obj = json!({"apiVersion": "apps/v1", "kind": "StatefulSet", "metadata": {"name": "db"}, "spec": {"replicas": "three", "selector": {}, "template": {}}});
        let err = decode("apps", "StatefulSet", &obj).expect_err("string replicas");
        assert!(err.0.contains("invalid type"), "{err}");
    }

    #[test]
    fn secrets_keep_binary_data() {
        let obj = json!({"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "s"}, "data": {"k": "AAEC"}, "type": "Opaque"});
        let d = decode("", "Secret", &obj).expect("decodes");
        assert_eq!(d.object["data"]["k"], "AAEC");
        assert!(d.unknown.is_empty());
    }
}

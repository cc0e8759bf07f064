//! Conversion between the two Event representations, in wire form: core `v1` Event (how berth
//! stores events) and `events.k8s.io/v1` Event. The field mapping and the output shape follow
//! upstream: decoding into one Go type and encoding from the other, so fields that Go encodes
//! without `omitempty` (timestamps as `null`, `involvedObject`/`regarding` and
//! `source`/`deprecatedSource` as objects, core `reportingComponent`/`reportingInstance` as
//! strings) are always present, and empty `omitempty` fields are dropped.

use serde_json::{Map, Value};

/// Why an object could not be converted.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ConvertError {
    /// The input is not a JSON object.
    #[error("an Event must be a JSON object")]
    NotAnObject,
    /// The apiVersion/kind pair is not one of the Event representations.
    #[error("cannot convert {api_version}, Kind={kind} to {target}")]
    Unsupported {
        /// The input's `apiVersion`.
        api_version: String,
        /// The input's `kind`.
        kind: String,
        /// The requested `apiVersion`.
        target: String,
    },
}

/// `apiVersion` of the core representation.
pub const CORE_EVENT_API_VERSION: &str = "v1";
/// `apiVersion` of the events.k8s.io representation.
pub const EVENTS_V1_API_VERSION: &str = "events.k8s.io/v1";

const REF_FIELDS: [&str; 7] = [
    "kind",
    "namespace",
    "name",
    "uid",
    "apiVersion",
    "resourceVersion",
    "fieldPath",
];

fn is_empty(v: &Value) -> bool {
    match v {
        Value::Null => true,
        Value::String(s) => s.is_empty(),
        Value::Number(n) => n.as_f64() == Some(0.0),
        Value::Bool(b) => !b,
        Value::Object(m) => m.is_empty(),
        Value::Array(a) => a.is_empty(),
    }
}

/// Copies `from[key]` to `out[to]` unless it is empty (`omitempty`).
fn copy_omitempty(out: &mut Map<String, Value>, to: &str, from: &Map<String, Value>, key: &str) {
    if let Some(v) = from.get(key).filter(|v| !is_empty(v)) {
        out.insert(to.to_owned(), v.clone());
    }
}

/// Copies a timestamp, which Go always encodes (`null` when zero).
fn copy_time(out: &mut Map<String, Value>, to: &str, from: &Map<String, Value>, key: &str) {
    let v = from
        .get(key)
        .filter(|v| !is_empty(v))
        .cloned()
        .unwrap_or(Value::Null);
    out.insert(to.to_owned(), v);
}

/// Copies a string Go encodes without `omitempty` (`""` when unset).
fn copy_string(out: &mut Map<String, Value>, to: &str, from: &Map<String, Value>, key: &str) {
    let v = from
        .get(key)
        .filter(|v| !v.is_null())
        .cloned()
        .unwrap_or_else(|| Value::String(String::new()));
    out.insert(to.to_owned(), v);
}

/// An ObjectReference with only its known, non-empty fields.
fn object_reference(v: Option<&Value>) -> Value {
    let mut out = Map::new();
    if let Some(m) = v.and_then(Value::as_object) {
        for k in REF_FIELDS {
            copy_omitempty(&mut out, k, m, k);
        }
    }
    Value::Object(out)
}

fn event_source(v: Option<&Value>) -> Value {
    let mut out = Map::new();
    if let Some(m) = v.and_then(Value::as_object) {
        copy_omitempty(&mut out, "component", m, "component");
        copy_omitempty(&mut out, "host", m, "host");
    }
    Value::Object(out)
}

fn series(v: &Value) -> Option<Value> {
    let m = v.as_object()?;
    let mut out = Map::new();
    copy_omitempty(&mut out, "count", m, "count");
    copy_time(&mut out, "lastObservedTime", m, "lastObservedTime");
    Some(Value::Object(out))
}

/// Fields both representations share under the same name.
fn copy_common(out: &mut Map<String, Value>, inp: &Map<String, Value>) {
    out.insert(
        "metadata".to_owned(),
        inp.get("metadata")
            .filter(|v| v.is_object())
            .cloned()
            .unwrap_or_else(|| Value::Object(Map::new())),
    );
    copy_time(out, "eventTime", inp, "eventTime");
    if let Some(s) = inp.get("series").and_then(series) {
        out.insert("series".to_owned(), s);
    }
    copy_omitempty(out, "action", inp, "action");
    copy_omitempty(out, "reason", inp, "reason");
    if let Some(r) = inp.get("related").filter(|v| v.is_object()) {
        out.insert("related".to_owned(), object_reference(Some(r)));
    }
    copy_omitempty(out, "type", inp, "type");
}

/// A core `v1` Event as an `events.k8s.io/v1` Event.
pub fn core_event_to_events_v1(core: &Value) -> Result<Value, ConvertError> {
    let inp = core.as_object().ok_or(ConvertError::NotAnObject)?;
    let mut out = Map::new();
    out.insert("apiVersion".to_owned(), Value::from(EVENTS_V1_API_VERSION));
    out.insert("kind".to_owned(), Value::from("Event"));
    copy_common(&mut out, inp);
    copy_omitempty(&mut out, "reportingController", inp, "reportingComponent");
    copy_omitempty(&mut out, "reportingInstance", inp, "reportingInstance");
    out.insert(
        "regarding".to_owned(),
        object_reference(inp.get("involvedObject")),
    );
    copy_omitempty(&mut out, "note", inp, "message");
    out.insert(
        "deprecatedSource".to_owned(),
        event_source(inp.get("source")),
    );
    copy_time(&mut out, "deprecatedFirstTimestamp", inp, "firstTimestamp");
    copy_time(&mut out, "deprecatedLastTimestamp", inp, "lastTimestamp");
    copy_omitempty(&mut out, "deprecatedCount", inp, "count");
    Ok(Value::Object(out))
}

/// An `events.k8s.io/v1` Event as a core `v1` Event.
pub fn events_v1_to_core_event(event: &Value) -> Result<Value, ConvertError> {
    let inp = event.as_object().ok_or(ConvertError::NotAnObject)?;
    let mut out = Map::new();
    out.insert("apiVersion".to_owned(), Value::from(CORE_EVENT_API_VERSION));
    out.insert("kind".to_owned(), Value::from("Event"));
    copy_common(&mut out, inp);
    out.insert(
        "involvedObject".to_owned(),
        object_reference(inp.get("regarding")),
    );
    copy_omitempty(&mut out, "message", inp, "note");
    out.insert(
        "source".to_owned(),
        event_source(inp.get("deprecatedSource")),
    );
    copy_time(&mut out, "firstTimestamp", inp, "deprecatedFirstTimestamp");
    copy_time(&mut out, "lastTimestamp", inp, "deprecatedLastTimestamp");
    copy_omitempty(&mut out, "count", inp, "deprecatedCount");
    copy_string(&mut out, "reportingComponent", inp, "reportingController");
    copy_string(&mut out, "reportingInstance", inp, "reportingInstance");
    Ok(Value::Object(out))
}

/// Converts an Event (either representation, told apart by `apiVersion`) to `target`
/// (`v1` or `events.k8s.io/v1`). Same-version conversion normalises through the other form's
/// field set, so the output always has upstream's encoding.
pub fn convert_event(obj: &Value, target: &str) -> Result<Value, ConvertError> {
    let m = obj.as_object().ok_or(ConvertError::NotAnObject)?;
    let text = |k: &str| m.get(k).and_then(Value::as_str).unwrap_or("").to_owned();
    let (api_version, kind) = (text("apiVersion"), text("kind"));
    let unsupported = || ConvertError::Unsupported {
        api_version: api_version.clone(),
        kind: kind.clone(),
        target: target.to_owned(),
    };
    if kind != "Event" {
        return Err(unsupported());
    }
    match (api_version.as_str(), target) {
        (CORE_EVENT_API_VERSION, EVENTS_V1_API_VERSION) => core_event_to_events_v1(obj),
        (EVENTS_V1_API_VERSION, CORE_EVENT_API_VERSION) => events_v1_to_core_event(obj),
        (CORE_EVENT_API_VERSION, CORE_EVENT_API_VERSION) => {
            events_v1_to_core_event(&core_event_to_events_v1(obj)?)
        }
        (EVENTS_V1_API_VERSION, EVENTS_V1_API_VERSION) => {
            core_event_to_events_v1(&events_v1_to_core_event(obj)?)
        }
        _ => Err(unsupported()),
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use serde_json::json;

    use super::*;

    fn kubelet_core_event() -> Value {
        json!({
            "apiVersion": "v1",
            "kind": "Event",
            "metadata": {"name": "web-0.17a", "namespace": "default", "uid": "u1", "resourceVersion": "42"},
            "involvedObject": {"kind": "Pod", "namespace": "default", "name": "web-0", "uid": "p1",
                               "apiVersion": "v1", "resourceVersion": "7", "fieldPath": "spec.containers{db}"},
            "reason": "Pulled",
            "message": "Container image \"postgres:16\" already present on machine",
            "source": {"component": "kubelet", "host": "node-1"},
            "firstTimestamp": "2024-05-01T10:00:00Z",
            "lastTimestamp": "2024-05-01T10:05:00Z",
            "count": 3,
            "type": "Normal",
            "eventTime": null,
            "reportingComponent": "kubelet",
            "reportingInstance": "node-1"
        })
    }

    #[test]
    fn core_to_events_maps_every_field() {
        let got = core_event_to_events_v1(&kubelet_core_event()).unwrap();
        let want = json!({
            "apiVersion": "events.k8s.io/v1",
            "kind": "Event",
            "metadata": {"name": "web-0.17a", "namespace": "default", "uid": "u1", "resourceVersion": "42"},
            "eventTime": null,
            "reportingController": "kubelet",
            "reportingInstance": "node-1",
            "reason": "Pulled",
            "regarding": {"kind": "Pod", "namespace": "default", "name": "web-0", "uid": "p1",
                          "apiVersion": "v1", "resourceVersion": "7", "fieldPath": "spec.containers{db}"},
            "note": "Container image \"postgres:16\" already present on machine",
            "type": "Normal",
            "deprecatedSource": {"component": "kubelet", "host": "node-1"},
            "deprecatedFirstTimestamp": "2024-05-01T10:00:00Z",
            "deprecatedLastTimestamp": "2024-05-01T10:05:00Z",
            "deprecatedCount": 3
        });
        assert_eq!(got, want);
    }

    #[test]
    fn events_to_core_fills_go_defaults() {
        let ev = json!({
            "apiVersion": "events.k8s.io/v1",
            "kind": "Event",
            "metadata": {"name": "e1", "namespace": "kube-system"},
            "eventTime": "2024-05-01T10:00:00.123456Z",
            "series": {"count": 4, "lastObservedTime": "2024-05-01T10:09:00.000001Z"},
            "reportingController": "example.com/ctl",
            "reportingInstance": "ctl-1",
            "action": "Scale",
            "reason": "Scaled",
            "regarding": {"kind": "Deployment", "name": "web", "namespace": "kube-system", "apiVersion": "apps/v1"},
            "related": {"kind": "ReplicaSet", "name": "web-1", "uid": ""},
            "note": "scaled up",
            "type": "Normal"
        });
        let got = events_v1_to_core_event(&ev).unwrap();
        let want = json!({
            "apiVersion": "v1",
            "kind": "Event",
            "metadata": {"name": "e1", "namespace": "kube-system"},
            "involvedObject": {"kind": "Deployment", "name": "web", "namespace": "kube-system", "apiVersion": "apps/v1"},
            "reason": "Scaled",
            "message": "scaled up",
            "source": {},
            "firstTimestamp": null,
            "lastTimestamp": null,
            "type": "Normal",
            "eventTime": "2024-05-01T10:00:00.123456Z",
            "series": {"count": 4, "lastObservedTime": "2024-05-01T10:09:00.000001Z"},
            "action": "Scale",
            "related": {"kind": "ReplicaSet", "name": "web-1"},
            "reportingComponent": "example.com/ctl",
            "reportingInstance": "ctl-1"
        });
        assert_eq!(got, want);
    }

    #[test]
    fn round_trips_are_stable() {
        let core = kubelet_core_event();
        let there = convert_event(&core, EVENTS_V1_API_VERSION).unwrap();
        let back = convert_event(&there, CORE_EVENT_API_VERSION).unwrap();
        assert_eq!(back, core);
        let again = convert_event(&back, EVENTS_V1_API_VERSION).unwrap();
        assert_eq!(again, there);
    }

    #[test]
    fn empty_event_gets_upstream_shape() {
        let core = convert_event(
            &json!({"apiVersion": "events.k8s.io/v1", "kind": "Event"}),
            "v1",
        )
        .unwrap();
        assert_eq!(
            core,
            json!({"apiVersion": "v1", "kind": "Event", "metadata": {}, "involvedObject": {},
                   "source": {}, "firstTimestamp": null, "lastTimestamp": null, "eventTime": null,
                   "reportingComponent": "", "reportingInstance": ""})
        );
        let ev = convert_event(&core, EVENTS_V1_API_VERSION).unwrap();
        assert_eq!(
            ev,
            json!({"apiVersion": "events.k8s.io/v1", "kind": "Event", "metadata": {}, "eventTime": null,
                   "regarding": {}, "deprecatedSource": {}, "deprecatedFirstTimestamp": null,
                   "deprecatedLastTimestamp": null})
        );
    }

    #[test]
    fn same_version_normalises_and_bad_input_fails() {
        let core = convert_event(
            &json!({"apiVersion": "v1", "kind": "Event", "count": 0, "bogus": 1}),
            "v1",
        )
        .unwrap();
        assert!(core.get("count").is_none());
        assert!(core.get("bogus").is_none());
        assert_eq!(
            convert_event(&json!([]), "v1"),
            Err(ConvertError::NotAnObject)
        );
        assert!(matches!(
            convert_event(
                &json!({"apiVersion": "v1", "kind": "Pod"}),
                "events.k8s.io/v1"
            ),
            Err(ConvertError::Unsupported { .. })
        ));
        assert!(matches!(
            convert_event(
                &json!({"apiVersion": "v1", "kind": "Event"}),
                "events.k8s.io/v1beta1"
            ),
            Err(ConvertError::Unsupported { .. })
        ));
    }
}

//! The Event printer, for core `v1` Events and `events.k8s.io/v1` Events alike.

use jiff::Timestamp;
use serde_json::Value;

use super::{Column, NAME, age_of, col, desc, get, int, name, text, time, wide};

pub(super) const COLUMNS: &[Column] = &[
    col("Last Seen", "string", desc::EV_LAST),
    col("Type", "string", desc::EV_TYPE),
    col("Reason", "string", desc::EV_REASON),
    col("Object", "string", desc::EV_OBJECT),
    wide("Subobject", "string", desc::EV_FIELD_PATH),
    wide("Source", "string", desc::EV_SOURCE),
    col("Message", "string", desc::EV_MESSAGE),
    wide("First Seen", "string", desc::EV_FIRST),
    wide("Count", "string", desc::EV_COUNT),
    Column {
        priority: 1,
        ..NAME
    },
];

/// Reads an event through its core field names, whichever API shape it is in.
struct EventView<'a> {
    obj: &'a Value,
    new_api: bool,
}

impl<'a> EventView<'a> {
    /// The field's name in the events.k8s.io shape.
    fn renamed(&self, core: &'a str) -> &'a str {
        if !self.new_api {
            return core;
        }
        match core {
            "involvedObject" => "regarding",
            "source" => "deprecatedSource",
            "message" => "note",
            "firstTimestamp" => "deprecatedFirstTimestamp",
            "lastTimestamp" => "deprecatedLastTimestamp",
            "count" => "deprecatedCount",
            "reportingComponent" => "reportingController",
            other => other,
        }
    }

    fn text(&self, path: &[&'a str]) -> &'a str {
        let mut path = path.to_vec();
        path[0] = self.renamed(path[0]);
        text(self.obj, &path)
    }

    fn time(&self, path: &[&'a str]) -> Option<Timestamp> {
        let mut path = path.to_vec();
        path[0] = self.renamed(path[0]);
        time(self.obj, &path)
    }
}

fn first_non_empty<'a>(a: &'a str, b: &'a str) -> &'a str {
    if a.is_empty() { b } else { a }
}

/// The Event row (wide): last seen, type, reason, object, subobject, source, message,
/// first seen, count, name.
pub(super) fn cells(new_api: bool, obj: &Value, now: Timestamp) -> Vec<Value> {
    let ev = EventView { obj, new_api };
    let first = match ev.time(&["firstTimestamp"]) {
        Some(t) => Some(t),
        None => ev.time(&["eventTime"]),
    };
    let first_seen = age_of(first, now);
    let mut last_seen = match ev.time(&["lastTimestamp"]) {
        Some(t) => age_of(Some(t), now),
        None => first_seen.clone(),
    };
    let mut count = int(obj, &[ev.renamed("count")]);
    if get(obj, &["series"]).is_some() {
        last_seen = age_of(ev.time(&["series", "lastObservedTime"]), now);
        count = int(obj, &["series", "count"]);
    } else if count == 0 {
        // Singleton events have no count in the new API.
        count = 1;
    }
    let kind = ev.text(&["involvedObject", "kind"]).to_lowercase();
    let involved = ev.text(&["involvedObject", "name"]);
    let target = if involved.is_empty() {
        kind
    } else {
        format!("{kind}/{involved}")
    };
    let component = first_non_empty(
        ev.text(&["source", "component"]),
        ev.text(&["reportingComponent"]),
    );
    let instance = first_non_empty(
        ev.text(&["source", "host"]),
        ev.text(&["reportingInstance"]),
    );
    let source = if instance.is_empty() {
        component.to_owned()
    } else {
        format!("{component}, {instance}")
    };
    vec![
        Value::from(last_seen),
        Value::from(ev.text(&["type"])),
        Value::from(ev.text(&["reason"])),
        Value::from(target),
        Value::from(ev.text(&["involvedObject", "fieldPath"])),
        Value::from(source),
        Value::from(ev.text(&["message"]).trim()),
        Value::from(first_seen),
        Value::from(count),
        name(obj),
    ]
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use serde_json::json;

    fn now() -> Timestamp {
        "2026-11-24T12:00:00Z".parse().unwrap()
    }

    #[test]
    fn classic_core_event() {
        let ev = json!({
            "metadata": {"name": "db.1879", "namespace": "default"},
            "involvedObject": {"kind": "StatefulSet", "name": "db", "namespace": "default"},
            "reason": "SuccessfulCreate",
            "message": "create Pod db-0 in StatefulSet db successful\n",
            "source": {"component": "statefulset-controller"},
            "firstTimestamp": "2026-11-24T11:50:00Z",
            "lastTimestamp": "2026-11-24T11:58:00Z",
            "count": 3,
            "type": "Normal"
        });
        assert_eq!(
            cells(false, &ev, now()),
            vec![
                json!("2m"),
                json!("Normal"),
                json!("SuccessfulCreate"),
                json!("statefulset/db"),
                json!(""),
                json!("statefulset-controller"),
                json!("create Pod db-0 in StatefulSet db successful"),
                json!("10m"),
                json!(3),
                json!("db.1879")
            ]
        );
    }

    #[test]
    fn container_event_with_host_and_fieldpath() {
        let ev = json!({
            "metadata": {"name": "db-0.1"},
            "involvedObject": {"kind": "Pod", "name": "db-0", "fieldPath": "spec.containers{pg}"},
            "reason": "Pulled", "type": "Normal",
            "source": {"component": "kubelet", "host": "node-1"},
            "firstTimestamp": "2026-11-24T11:59:30Z"
        });
        let c = cells(false, &ev, now());
        assert_eq!(c[0], json!("30s"));
        assert_eq!(c[3], json!("pod/db-0"));
        assert_eq!(c[4], json!("spec.containers{pg}"));
        assert_eq!(c[5], json!("kubelet, node-1"));
        assert_eq!(c[7], json!("30s"));
        assert_eq!(c[8], json!(1));
    }

    #[test]
    fn new_style_event_in_core_shape() {
        let ev = json!({
            "metadata": {"name": "e"},
            "involvedObject": {"kind": "Node"},
            "eventTime": "2026-11-24T11:00:00.123456Z",
            "reportingComponent": "berth", "reportingInstance": "host-a",
            "series": {"count": 7, "lastObservedTime": "2026-11-24T11:55:00.000000Z"},
            "reason": "Starting", "type": "Normal", "note": "ignored in the core shape"
        });
        let c = cells(false, &ev, now());
        assert_eq!(c[0], json!("5m"));
        assert_eq!(c[3], json!("node"));
        assert_eq!(c[5], json!("berth, host-a"));
        assert_eq!(c[6], json!(""));
        // 59m59.877s: ages truncate.
        assert_eq!(c[7], json!("59m"));
        assert_eq!(c[8], json!(7));
    }

    #[test]
    fn events_k8s_io_shape() {
        let ev = json!({
            "metadata": {"name": "web.1"},
            "regarding": {"kind": "Pod", "name": "web"},
            "note": "  Started container app ",
            "reason": "Started", "type": "Normal",
            "reportingController": "kubelet", "reportingInstance": "node-1",
            "eventTime": "2026-11-24T11:58:00.000000Z",
            "deprecatedSource": {"component": "kubelet", "host": "node-1"},
            "deprecatedFirstTimestamp": "2026-11-24T11:40:00Z",
            "deprecatedLastTimestamp": "2026-11-24T11:59:00Z",
            "deprecatedCount": 4
        });
        assert_eq!(
            cells(true, &ev, now()),
            vec![
                json!("60s"),
                json!("Normal"),
                json!("Started"),
                json!("pod/web"),
                json!(""),
                json!("kubelet, node-1"),
                json!("Started container app"),
                json!("20m"),
                json!(4),
                json!("web.1")
            ]
        );
    }

    #[test]
    fn no_times_at_all() {
        let ev = json!({"metadata": {"name": "e"}, "involvedObject": {}});
        let c = cells(false, &ev, now());
        assert_eq!(c[0], json!("<unknown>"));
        assert_eq!(c[3], json!(""));
        assert_eq!(c[7], json!("<unknown>"));
    }
}

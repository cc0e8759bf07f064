//! Event validation (`pkg/apis/core/validation/events.go`). Both API versions validate the
//! core form; the request's version decides which rules run. Paths name the core fields
//! (`involvedObject`, `message`, `firstTimestamp`) even for events.k8s.io requests, as upstream.

use serde_json::Value;

use super::field::{BadValue, FieldError, FieldPath};
use super::gofmt;
use super::meta::{self, value_text};
use super::names;
use crate::registry::ResourceInfo;

/// The API version a request came in through.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EventApi {
    /// `v1` (core): only the legacy checks.
    CoreV1,
    /// `events.k8s.io/v1`: the legacy checks plus metadata, series and field rules.
    EventsV1,
}

const REPORTING_INSTANCE_LIMIT: usize = 128;
const ACTION_LIMIT: usize = 128;
const REASON_LIMIT: usize = 128;
const NOTE_LIMIT: usize = 1024;

fn text(obj: &Value, path: &[&str]) -> String {
    let mut cur = obj;
    for p in path {
        match cur.get(p) {
            Some(v) => cur = v,
            None => return String::new(),
        }
    }
    value_text(cur)
}

/// Absent, `null`, empty and Go's zero time all mean "unset".
fn is_zero_time(v: Option<&Value>) -> bool {
    match v.and_then(Value::as_str) {
        None | Some("") => true,
        Some(s) => s
            .parse::<jiff::Timestamp>()
            .is_ok_and(|t| t.as_second() == -62_135_596_800 && t.subsec_nanosecond() == 0),
    }
}

/// A `metav1.Time` / `metav1.MicroTime` bad value: Go prints it with `String()`.
fn time_value(v: Option<&Value>) -> BadValue {
    if is_zero_time(v) {
        return BadValue::Raw(gofmt::ZERO_TIME.to_owned());
    }
    let s = v.and_then(Value::as_str).unwrap_or("");
    BadValue::Raw(gofmt::time_string(s).unwrap_or_else(|| s.to_owned()))
}

fn object_reference_value(r: &Value) -> String {
    let f = |k: &str| gofmt::quote(&text(r, &[k]));
    gofmt::go_struct(
        "core.ObjectReference",
        &[
            ("Kind", f("kind")),
            ("Namespace", f("namespace")),
            ("Name", f("name")),
            ("UID", f("uid")),
            ("APIVersion", f("apiVersion")),
            ("ResourceVersion", f("resourceVersion")),
            ("FieldPath", f("fieldPath")),
        ],
    )
}

fn event_source_value(s: &Value) -> String {
    gofmt::go_struct(
        "core.EventSource",
        &[
            ("Component", gofmt::quote(&text(s, &["component"]))),
            ("Host", gofmt::quote(&text(s, &["host"]))),
        ],
    )
}

fn count(ev: &Value) -> i64 {
    ev.get("count").and_then(Value::as_i64).unwrap_or(0)
}

/// `legacyValidateEvent`.
fn legacy(ev: &Value, api: EventApi) -> Vec<FieldError> {
    let mut errs = Vec::new();
    let reporting_field = match api {
        EventApi::CoreV1 => "reportingComponent",
        EventApi::EventsV1 => "reportingController",
    };
    let ns = text(ev, &["metadata", "namespace"]);
    let involved_ns = text(ev, &["involvedObject", "namespace"]);
    let involved_path = FieldPath::new("involvedObject").child("namespace");
    let mismatch = || {
        FieldError::invalid(
            &involved_path,
            involved_ns.as_str(),
            "does not match event.namespace",
        )
    };
    if is_zero_time(ev.get("eventTime")) {
        let ok = if involved_ns.is_empty() {
            ns.is_empty() || ns == "default"
        } else {
            ns == involved_ns
        };
        if !ok {
            errs.push(mismatch());
        }
    } else {
        if involved_ns.is_empty() && ns != "default" && ns != "kube-system" {
            errs.push(mismatch());
        }
        let controller = text(ev, &["reportingComponent"]);
        if controller.is_empty() {
            errs.push(FieldError::required(reporting_field, ""));
        }
        for msg in names::qualified_name(&controller) {
            errs.push(FieldError::invalid(
                reporting_field,
                controller.as_str(),
                msg,
            ));
        }
        for (field, limit) in [
            ("reportingInstance", REPORTING_INSTANCE_LIMIT),
            ("action", ACTION_LIMIT),
            ("reason", REASON_LIMIT),
        ] {
            let v = text(ev, &[field]);
            if v.is_empty() {
                errs.push(FieldError::required(field, ""));
            }
            if v.len() > limit {
                errs.push(FieldError::invalid(
                    field,
                    "",
                    format!("can have at most {limit} characters"),
                ));
            }
        }
        if text(ev, &["message"]).len() > NOTE_LIMIT {
            errs.push(FieldError::invalid(
                "message",
                "",
                format!("can have at most {NOTE_LIMIT} characters"),
            ));
        }
    }
    for msg in names::dns1123_subdomain(&ns) {
        errs.push(FieldError::invalid("namespace", ns.as_str(), msg));
    }
    errs
}

/// `validateV1EventSeries`.
fn series(ev: &Value) -> Vec<FieldError> {
    let mut errs = Vec::new();
    if let Some(s) = ev.get("series").filter(|v| !v.is_null()) {
        if s.get("count").and_then(Value::as_i64).unwrap_or(0) < 2 {
            errs.push(FieldError::invalid(
                "series.count",
                "",
                "should be at least 2",
            ));
        }
        if is_zero_time(s.get("lastObservedTime")) {
            errs.push(FieldError::required("series.lastObservedTime", ""));
        }
    }
    errs
}

/// `ValidateEventCreate` on the core form of the event. `info` is the resource the request
/// addressed (its name rule applies to events.k8s.io requests).
pub fn validate_event_create(info: &ResourceInfo, ev: &Value, api: EventApi) -> Vec<FieldError> {
    let mut errs = legacy(ev, api);
    if api == EventApi::CoreV1 {
        return errs;
    }
    errs.extend(meta::validate_object_meta_create(
        info,
        ev.get("metadata").unwrap_or(&Value::Null),
    ));
    errs.extend(series(ev));
    if is_zero_time(ev.get("eventTime")) {
        errs.push(FieldError::required("eventTime", ""));
    }
    let ty = text(ev, &["type"]);
    if ty != "Normal" && ty != "Warning" {
        errs.push(FieldError::invalid(
            "type",
            "",
            format!("has invalid value: {ty}"),
        ));
    }
    for field in ["firstTimestamp", "lastTimestamp"] {
        if !is_zero_time(ev.get(field)) {
            errs.push(FieldError::invalid(field, "", "needs to be unset"));
        }
    }
    if count(ev) != 0 {
        errs.push(FieldError::invalid("count", "", "needs to be unset"));
    }
    if !text(ev, &["source", "component"]).is_empty() || !text(ev, &["source", "host"]).is_empty() {
        errs.push(FieldError::invalid("source", "", "needs to be unset"));
    }
    errs
}

fn normalized_ref(v: Option<&Value>) -> Option<Vec<String>> {
    let r = v.filter(|v| !v.is_null())?;
    Some(
        [
            "kind",
            "namespace",
            "name",
            "uid",
            "apiVersion",
            "resourceVersion",
            "fieldPath",
        ]
        .iter()
        .map(|k| text(r, &[k]))
        .collect(),
    )
}

/// `ValidateEventUpdate` on the core forms of the new and old event.
pub fn validate_event_update(
    info: &ResourceInfo,
    new: &Value,
    old: &Value,
    api: EventApi,
) -> Vec<FieldError> {
    let mut errs = legacy(new, api);
    if api == EventApi::CoreV1 {
        return errs;
    }
    let null = Value::Null;
    errs.extend(meta::validate_object_meta_update(
        info,
        new.get("metadata").unwrap_or(&null),
        old.get("metadata").unwrap_or(&null),
    ));
    let series_of = |e: &Value| e.get("series").filter(|v| !v.is_null()).cloned();
    if series_of(new) != series_of(old) {
        errs.extend(series(new));
    }
    let immutable =
        |field: &str, value: BadValue| FieldError::invalid(field, value, "field is immutable");
    let involved = |e: &Value| normalized_ref(e.get("involvedObject")).unwrap_or_default();
    if involved(new) != involved(old) {
        let v = new.get("involvedObject").unwrap_or(&null);
        errs.push(immutable(
            "involvedObject",
            BadValue::Raw(object_reference_value(v)),
        ));
    }
    let string_field = |errs: &mut Vec<FieldError>, field: &str| {
        let n = text(new, &[field]);
        if n != text(old, &[field]) {
            errs.push(immutable(field, BadValue::Str(n)));
        }
    };
    string_field(&mut errs, "reason");
    string_field(&mut errs, "message");
    let source = |e: &Value| {
        (
            text(e, &["source", "component"]),
            text(e, &["source", "host"]),
        )
    };
    if source(new) != source(old) {
        errs.push(immutable(
            "source",
            BadValue::Raw(event_source_value(new.get("source").unwrap_or(&null))),
        ));
    }
    for field in ["firstTimestamp", "lastTimestamp"] {
        if !same_time(new.get(field), old.get(field)) {
            errs.push(immutable(field, time_value(new.get(field))));
        }
    }
    if count(new) != count(old) {
        errs.push(immutable("count", BadValue::Int(count(new))));
    }
    // Upstream checks reason twice.
    string_field(&mut errs, "reason");
    string_field(&mut errs, "type");
    if !same_micro_time(new.get("eventTime"), old.get("eventTime")) {
        errs.push(immutable("eventTime", time_value(new.get("eventTime"))));
    }
    string_field(&mut errs, "action");
    if normalized_ref(new.get("related")) != normalized_ref(old.get("related")) {
        let v = match new.get("related").filter(|v| !v.is_null()) {
            Some(r) => BadValue::Raw(object_reference_value(r)),
            None => BadValue::Null,
        };
        errs.push(immutable("related", v));
    }
    let n = text(new, &["reportingComponent"]);
    if n != text(old, &["reportingComponent"]) {
        errs.push(immutable("reportingController", BadValue::Str(n)));
    }
    string_field(&mut errs, "reportingInstance");
    errs
}

fn same_time(a: Option<&Value>, b: Option<&Value>) -> bool {
    match (is_zero_time(a), is_zero_time(b)) {
        (true, true) => true,
        (false, false) => meta::same_instant(a, b),
        _ => false,
    }
}

/// Event times compare after truncation to microseconds.
fn same_micro_time(a: Option<&Value>, b: Option<&Value>) -> bool {
    let micros = |v: Option<&Value>| -> Option<i128> {
        let t: jiff::Timestamp = v?.as_str()?.parse().ok()?;
        Some(t.as_nanosecond() / 1000)
    };
    match (is_zero_time(a), is_zero_time(b)) {
        (true, true) => true,
        (false, false) => match (micros(a), micros(b)) {
            (Some(x), Some(y)) => x == y,
            _ => a == b,
        },
        _ => false,
    }
}

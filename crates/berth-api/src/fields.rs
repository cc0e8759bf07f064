//! Field selectors: the `fieldSelector` grammar, the field labels each kind accepts, and matching.
//!
//! As in the Kubernetes 1.33 apiserver, a request's selector is first parsed
//! ([`FieldSelector::parse`]), then its labels are checked and renamed for the kind being listed
//! ([`validate`]) before any object is read, so a bad selector is a 400 BadRequest up front. The
//! error texts are upstream's: kinds with their own list of field labels answer
//! `field label not supported: <label>`, all others
//! `"<label>" is not a known field selector: only "metadata.name", "metadata.namespace"`.

use std::fmt;

use serde_json::Value;

use crate::selector::go_quote;

/// A field selector could not be parsed or is not supported by the kind.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FieldError {
    /// A term has no `=`, `==` or `!=`.
    #[error("invalid selector: '{selector}'; can't understand '{term}'")]
    Syntax {
        /// The whole selector.
        selector: String,
        /// The term that failed.
        term: String,
    },
    /// A backslash not followed by `\`, `,` or `=`.
    #[error("invalid field selector: invalid escape sequence: {0}")]
    InvalidEscape(String),
    /// A `,` or `=` inside a value that is not escaped (upstream prints the code point).
    #[error("invalid field selector: unescaped character in value: {}", u32::from(*.0))]
    UnescapedCharacter(char),
    /// A label the kind does not support (kinds with their own label list).
    #[error("field label not supported: {0}")]
    NotSupported(String),
    /// A label the kind does not support (kinds limited to `metadata.*`).
    #[error("{} is not a known field selector: only \"metadata.name\", \"metadata.namespace\"", go_quote(.0))]
    NotKnown(String),
}

/// How a term compares the field with its value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum FieldOp {
    /// `f=v` or `f==v`.
    Equals,
    /// `f!=v`.
    NotEquals,
}

/// One `field op value` term; `value` is unescaped.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct FieldTerm {
    /// The field label (`status.phase`).
    pub field: String,
    /// The comparison.
    pub op: FieldOp,
    /// The literal value.
    pub value: String,
}

/// A parsed field selector: the AND of its terms.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
pub struct FieldSelector {
    terms: Vec<FieldTerm>,
}

impl FieldSelector {
    /// Matches everything.
    pub fn everything() -> Self {
        Self::default()
    }

    /// `field=value`, as used for single-object watches (`metadata.name=<name>`).
    pub fn one_term_equal(field: &str, value: &str) -> Self {
        FieldSelector {
            terms: vec![FieldTerm {
                field: field.to_owned(),
                op: FieldOp::Equals,
                value: value.to_owned(),
            }],
        }
    }

    /// Parses the `fieldSelector` grammar: comma-separated `f=v`, `f==v`, `f!=v` terms, with
    /// `\`, `,` and `=` in values escaped by a backslash. Terms are ordered by their text.
    pub fn parse(selector: &str) -> Result<Self, FieldError> {
        let mut parts = split_terms(selector);
        parts.sort_unstable();
        let mut terms = Vec::new();
        for part in parts {
            if part.is_empty() {
                continue;
            }
            let Some((field, op, raw)) = split_term(part) else {
                return Err(FieldError::Syntax {
                    selector: selector.to_owned(),
                    term: part.to_owned(),
                });
            };
            let value = unescape(raw)?;
            // Upstream drops a term whose field and value are both empty (`=`).
            if field.is_empty() && value.is_empty() {
                continue;
            }
            terms.push(FieldTerm {
                field: field.to_owned(),
                op,
                value,
            });
        }
        Ok(FieldSelector { terms })
    }

    /// The terms, in order.
    pub fn terms(&self) -> &[FieldTerm] {
        &self.terms
    }

    /// Whether the selector places no restriction.
    pub fn is_empty(&self) -> bool {
        self.terms.is_empty()
    }

    /// The value `field` must equal, if some `=` term pins it.
    pub fn requires_exact_match(&self, field: &str) -> Option<&str> {
        self.terms
            .iter()
            .find(|t| t.op == FieldOp::Equals && t.field == field)
            .map(|t| t.value.as_str())
    }

    /// Whether `obj` (wire form of `group`/`plural`) satisfies every term. The selector must
    /// already be in the kind's canonical labels (the result of [`validate`]).
    pub fn matches_object(&self, group: &str, plural: &str, obj: &Value) -> bool {
        self.terms.iter().all(|t| {
            let actual = field_value(group, plural, obj, &t.field);
            match t.op {
                FieldOp::Equals => actual == t.value,
                FieldOp::NotEquals => actual != t.value,
            }
        })
    }
}

impl fmt::Display for FieldSelector {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, t) in self.terms.iter().enumerate() {
            if i > 0 {
                f.write_str(",")?;
            }
            let op = match t.op {
                FieldOp::Equals => "=",
                FieldOp::NotEquals => "!=",
            };
            write!(f, "{}{op}{}", t.field, escape_value(&t.value))?;
        }
        Ok(())
    }
}

/// Escapes `\`, `,` and `=` so the value can be written into a selector.
pub fn escape_value(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for c in value.chars() {
        if matches!(c, '\\' | ',' | '=') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

fn unescape(raw: &str) -> Result<String, FieldError> {
    let mut out = String::with_capacity(raw.len());
    let mut in_slash = false;
    for c in raw.chars() {
        if in_slash {
            if !matches!(c, '\\' | ',' | '=') {
                return Err(FieldError::InvalidEscape(format!("\\{c}")));
            }
            out.push(c);
            in_slash = false;
            continue;
        }
        match c {
            '\\' => in_slash = true,
            ',' | '=' => return Err(FieldError::UnescapedCharacter(c)),
            c => out.push(c),
        }
    }
    if in_slash {
        return Err(FieldError::InvalidEscape("\\".to_owned()));
    }
    Ok(out)
}

/// Splits on commas that are not escaped; escapes stay in the terms.
fn split_terms(selector: &str) -> Vec<&str> {
    if selector.is_empty() {
        return Vec::new();
    }
    let mut terms = Vec::new();
    let mut start = 0;
    let mut in_slash = false;
    for (i, c) in selector.char_indices() {
        if in_slash {
            in_slash = false;
        } else if c == '\\' {
            in_slash = true;
        } else if c == ',' {
            terms.push(&selector[start..i]);
            start = i + 1;
        }
    }
    terms.push(&selector[start..]);
    terms
}

/// The first operator occurrence splits the term; the field part has no escaping.
fn split_term(term: &str) -> Option<(&str, FieldOp, &str)> {
    for (i, _) in term.char_indices() {
        let rest = &term[i..];
        for (text, op) in [
            ("!=", FieldOp::NotEquals),
            ("==", FieldOp::Equals),
            ("=", FieldOp::Equals),
        ] {
            if let Some(value) = rest.strip_prefix(text) {
                return Some((&term[..i], op, value));
            }
        }
    }
    None
}

const META: [(&str, &str); 2] = [
    ("metadata.name", "metadata.name"),
    ("metadata.namespace", "metadata.namespace"),
];

const POD: &[(&str, &str)] = &[
    ("metadata.name", "metadata.name"),
    ("metadata.namespace", "metadata.namespace"),
    ("spec.nodeName", "spec.nodeName"),
    ("spec.restartPolicy", "spec.restartPolicy"),
    ("spec.schedulerName", "spec.schedulerName"),
    ("spec.serviceAccountName", "spec.serviceAccountName"),
    ("spec.hostNetwork", "spec.hostNetwork"),
    ("status.phase", "status.phase"),
    ("status.podIP", "status.podIP"),
    ("status.podIPs", "status.podIPs"),
    ("status.nominatedNodeName", "status.nominatedNodeName"),
    // Old v1 clients send spec.host.
    ("spec.host", "spec.nodeName"),
];

const NODE: &[(&str, &str)] = &[
    ("metadata.name", "metadata.name"),
    ("spec.unschedulable", "spec.unschedulable"),
];

const CORE_EVENT: &[(&str, &str)] = &[
    ("involvedObject.kind", "involvedObject.kind"),
    ("involvedObject.namespace", "involvedObject.namespace"),
    ("involvedObject.name", "involvedObject.name"),
    ("involvedObject.uid", "involvedObject.uid"),
    ("involvedObject.apiVersion", "involvedObject.apiVersion"),
    (
        "involvedObject.resourceVersion",
        "involvedObject.resourceVersion",
    ),
    ("involvedObject.fieldPath", "involvedObject.fieldPath"),
    ("reason", "reason"),
    ("reportingComponent", "reportingComponent"),
    ("source", "source"),
    ("type", "type"),
    ("metadata.namespace", "metadata.namespace"),
    ("metadata.name", "metadata.name"),
];

/// events.k8s.io labels map onto the core Event field set.
const EVENTS_V1: &[(&str, &str)] = &[
    ("reason", "reason"),
    ("regarding.kind", "involvedObject.kind"),
    ("regarding.namespace", "involvedObject.namespace"),
    ("regarding.name", "involvedObject.name"),
    ("regarding.uid", "involvedObject.uid"),
    ("regarding.apiVersion", "involvedObject.apiVersion"),
    (
        "regarding.resourceVersion",
        "involvedObject.resourceVersion",
    ),
    ("regarding.fieldPath", "involvedObject.fieldPath"),
    ("reportingController", "reportingComponent"),
    ("type", "type"),
    ("metadata.namespace", "metadata.namespace"),
    ("metadata.name", "metadata.name"),
];

const NAMESPACE: &[(&str, &str)] = &[
    ("status.phase", "status.phase"),
    ("metadata.name", "metadata.name"),
];

const SECRET: &[(&str, &str)] = &[
    ("type", "type"),
    ("metadata.namespace", "metadata.namespace"),
    ("metadata.name", "metadata.name"),
];

const SERVICE: &[(&str, &str)] = &[
    ("metadata.namespace", "metadata.namespace"),
    ("metadata.name", "metadata.name"),
    ("spec.clusterIP", "spec.clusterIP"),
    ("spec.type", "spec.type"),
];

/// The kind's label table, and whether it is upstream's generic `metadata.*` fallback.
fn label_table(group: &str, plural: &str) -> (&'static [(&'static str, &'static str)], bool) {
    match (group, plural) {
        ("", "pods") => (POD, false),
        ("", "nodes") => (NODE, false),
        ("", "events") => (CORE_EVENT, false),
        ("events.k8s.io", "events") => (EVENTS_V1, false),
        ("", "namespaces") => (NAMESPACE, false),
        ("", "secrets") => (SECRET, false),
        ("", "services") => (SERVICE, false),
        _ => (&META, true),
    }
}

/// The field labels a `fieldSelector` may use for `group`/`plural`, in upstream's order.
pub fn supported(group: &str, plural: &str) -> Vec<&'static str> {
    label_table(group, plural)
        .0
        .iter()
        .map(|(l, _)| *l)
        .collect()
}

/// Checks every label against the kind and renames it to the kind's canonical field
/// (`spec.host` → `spec.nodeName`, `regarding.name` → `involvedObject.name`). The first
/// unsupported label, in term order, is the error.
pub fn validate(
    selector: &FieldSelector,
    group: &str,
    plural: &str,
) -> Result<FieldSelector, FieldError> {
    let (table, generic) = label_table(group, plural);
    let terms = selector
        .terms
        .iter()
        .map(|t| {
            let canonical = table
                .iter()
                .find(|(label, _)| *label == t.field)
                .map(|(_, canonical)| *canonical)
                .ok_or_else(|| {
                    if generic {
                        FieldError::NotKnown(t.field.clone())
                    } else {
                        FieldError::NotSupported(t.field.clone())
                    }
                })?;
            Ok(FieldTerm {
                field: canonical.to_owned(),
                op: t.op,
                value: t.value.clone(),
            })
        })
        .collect::<Result<Vec<_>, FieldError>>()?;
    Ok(FieldSelector { terms })
}

/// Validates `selector` for the kind, then tests `obj` against it.
pub fn matches(
    selector: &FieldSelector,
    group: &str,
    plural: &str,
    obj: &Value,
) -> Result<bool, FieldError> {
    Ok(validate(selector, group, plural)?.matches_object(group, plural, obj))
}

fn text<'a>(obj: &'a Value, path: &[&str]) -> &'a str {
    let mut cur = obj;
    for p in path {
        match cur.get(p) {
            Some(v) => cur = v,
            None => return "",
        }
    }
    cur.as_str().unwrap_or("")
}

fn first_non_empty<'a>(a: &'a str, b: &'a str) -> &'a str {
    if a.is_empty() { b } else { a }
}

/// The pod IP as upstream's v1 conversion sees it: `status.podIP` wins over `status.podIPs`.
pub(crate) fn pod_ip(pod: &Value) -> &str {
    let ip = text(pod, &["status", "podIP"]);
    if !ip.is_empty() {
        return ip;
    }
    pod.pointer("/status/podIPs/0/ip")
        .and_then(Value::as_str)
        .unwrap_or("")
}

fn bool_text(obj: &Value, path: &[&str]) -> String {
    let mut cur = obj;
    for p in path {
        match cur.get(p) {
            Some(v) => cur = v,
            None => return "false".to_owned(),
        }
    }
    cur.as_bool().unwrap_or(false).to_string()
}

/// The value of a canonical field label on `obj`; fields the kind does not expose are `""`,
/// as upstream's field sets answer for absent keys. Events are read in either wire shape
/// (core `involvedObject`/`source`/`reportingComponent` or events.k8s.io `regarding`/
/// `deprecatedSource`/`reportingController`).
pub fn field_value(group: &str, plural: &str, obj: &Value, field: &str) -> String {
    match field {
        "metadata.name" => return text(obj, &["metadata", "name"]).to_owned(),
        "metadata.namespace" => return text(obj, &["metadata", "namespace"]).to_owned(),
        _ => {}
    }
    match (group, plural) {
        ("", "pods") => match field {
            "spec.nodeName" | "spec.restartPolicy" | "spec.schedulerName" => {
                let name = field.trim_start_matches("spec.");
                text(obj, &["spec", name]).to_owned()
            }
            "spec.serviceAccountName" => first_non_empty(
                text(obj, &["spec", "serviceAccountName"]),
                text(obj, &["spec", "serviceAccount"]),
            )
            .to_owned(),
            "spec.hostNetwork" => bool_text(obj, &["spec", "hostNetwork"]),
            "status.phase" => text(obj, &["status", "phase"]).to_owned(),
            "status.podIP" => pod_ip(obj).to_owned(),
            "status.nominatedNodeName" => text(obj, &["status", "nominatedNodeName"]).to_owned(),
            _ => String::new(),
        },
        ("", "nodes") if field == "spec.unschedulable" => {
            bool_text(obj, &["spec", "unschedulable"])
        }
        ("", "namespaces") if field == "status.phase" => text(obj, &["status", "phase"]).to_owned(),
        ("", "secrets") if field == "type" => text(obj, &["type"]).to_owned(),
        ("", "services") => match field {
            "spec.clusterIP" => text(obj, &["spec", "clusterIP"]).to_owned(),
            "spec.type" => text(obj, &["spec", "type"]).to_owned(),
            _ => String::new(),
        },
        ("" | "events.k8s.io", "events") => event_field(obj, field),
        _ => String::new(),
    }
}

fn event_field(obj: &Value, field: &str) -> String {
    let reporting = first_non_empty(
        text(obj, &["reportingComponent"]),
        text(obj, &["reportingController"]),
    );
    if let Some(sub) = field.strip_prefix("involvedObject.") {
        let core = text(obj, &["involvedObject", sub]);
        return first_non_empty(core, text(obj, &["regarding", sub])).to_owned();
    }
    match field {
        "reason" | "type" => text(obj, &[field]).to_owned(),
        "reportingComponent" => reporting.to_owned(),
        "source" => {
            let component = first_non_empty(
                text(obj, &["source", "component"]),
                text(obj, &["deprecatedSource", "component"]),
            );
            first_non_empty(component, reporting).to_owned()
        }
        _ => String::new(),
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use serde_json::json;

    #[test]
    fn parse_and_print() {
        let cases = [
            ("", ""),
            ("a=b", "a=b"),
            ("a==b", "a=b"),
            ("b!=c,a=b", "a=b,b!=c"),
            ("a=b\\,c,d=e\\=f", "a=b\\,c,d=e\\=f"),
            ("a=b\\\\", "a=b\\\\"),
            ("a=", "a="),
            ("=,a=1", "a=1"),
            (",,a=1,", "a=1"),
        ];
        for (input, want) in cases {
            let sel = FieldSelector::parse(input).unwrap();
            assert_eq!(sel.to_string(), want, "{input}");
        }
        let sel = FieldSelector::parse("a=b\\,c").unwrap();
        assert_eq!(sel.terms()[0].value, "b,c");
    }

    #[test]
    fn parse_errors() {
        let cases = [
            ("abc", "invalid selector: 'abc'; can't understand 'abc'"),
            (
                "x=1,abc",
                "invalid selector: 'x=1,abc'; can't understand 'abc'",
            ),
            (
                "a=b\\x",
                "invalid field selector: invalid escape sequence: \\x",
            ),
            (
                "a=b\\",
                "invalid field selector: invalid escape sequence: \\",
            ),
            (
                "a=b\\,c=d",
                "invalid field selector: unescaped character in value: 61",
            ),
            (
                "a=b=c",
                "invalid field selector: unescaped character in value: 61",
            ),
            ("a=b,c", "invalid selector: 'a=b,c'; can't understand 'c'"),
        ];
        for (input, want) in cases {
            assert_eq!(FieldSelector::parse(input).unwrap_err().to_string(), want);
        }
    }

    #[test]
    fn operator_is_the_first_occurrence() {
        let sel = FieldSelector::parse("a!==b").unwrap_err();
        assert_eq!(
            sel.to_string(),
            "invalid field selector: unescaped character in value: 61"
        );
        let sel = FieldSelector::parse("a==b").unwrap();
        assert_eq!(sel.terms()[0].op, FieldOp::Equals);
        assert_eq!(sel.terms()[0].value, "b");
        let sel = FieldSelector::parse("a!=b").unwrap();
        assert_eq!(sel.terms()[0].op, FieldOp::NotEquals);
    }

    #[test]
    fn unsupported_labels() {
        let cases = [
            (
                "",
                "pods",
                "spec.foo=x",
                "field label not supported: spec.foo",
            ),
            (
                "",
                "nodes",
                "metadata.namespace=x",
                "field label not supported: metadata.namespace",
            ),
            (
                "",
                "namespaces",
                "metadata.namespace=x",
                "field label not supported: metadata.namespace",
            ),
            (
                "",
                "events",
                "regarding.name=x",
                "field label not supported: regarding.name",
            ),
            (
                "events.k8s.io",
                "events",
                "source=x",
                "field label not supported: source",
            ),
            (
                "",
                "configmaps",
                "data.x=1",
                "\"data.x\" is not a known field selector: only \"metadata.name\", \"metadata.namespace\"",
            ),
            (
                "apps",
                "replicasets",
                "status.replicas=1",
                "\"status.replicas\" is not a known field selector: only \"metadata.name\", \"metadata.namespace\"",
            ),
            (
                "",
                "persistentvolumeclaims",
                "spec.volumeName=x",
                "\"spec.volumeName\" is not a known field selector: only \"metadata.name\", \"metadata.namespace\"",
            ),
            ("", "pods", "=x", "field label not supported: "),
        ];
        for (group, plural, sel, want) in cases {
            let parsed = FieldSelector::parse(sel).unwrap();
            let err = validate(&parsed, group, plural).unwrap_err();
            assert_eq!(err.to_string(), want, "{plural} {sel}");
        }
    }

    #[test]
    fn first_bad_label_in_term_order_wins() {
        let sel = FieldSelector::parse("z.b=1,a.a=2").unwrap();
        let err = validate(&sel, "", "pods").unwrap_err();
        assert_eq!(err, FieldError::NotSupported("a.a".to_owned()));
    }

    #[test]
    fn renames_to_canonical() {
        let sel = FieldSelector::parse("spec.host=n1").unwrap();
        assert_eq!(
            validate(&sel, "", "pods").unwrap().to_string(),
            "spec.nodeName=n1"
        );
        let sel = FieldSelector::parse("regarding.name=web,reportingController=kubelet").unwrap();
        assert_eq!(
            validate(&sel, "events.k8s.io", "events")
                .unwrap()
                .to_string(),
            "involvedObject.name=web,reportingComponent=kubelet"
        );
        assert_eq!(
            supported("", "configmaps"),
            vec!["metadata.name", "metadata.namespace"]
        );
        assert!(supported("", "pods").contains(&"status.podIP"));
    }

    fn pod() -> Value {
        json!({
            "metadata": {"name": "web-0", "namespace": "default"},
            "spec": {"nodeName": "node-1", "restartPolicy": "Always", "schedulerName": "default-scheduler",
                     "serviceAccount": "old-sa", "hostNetwork": true},
            "status": {"phase": "Running", "podIPs": [{"ip": "10.0.0.5"}], "nominatedNodeName": "n2"}
        })
    }

    #[test]
    fn pod_fields() {
        let obj = pod();
        let cases = [
            ("metadata.name=web-0", true),
            ("metadata.namespace=default", true),
            ("metadata.namespace!=default", false),
            ("spec.nodeName=node-1", true),
            ("spec.host=node-1", true),
            ("spec.restartPolicy=Always", true),
            ("spec.schedulerName=default-scheduler", true),
            ("spec.serviceAccountName=old-sa", true),
            ("spec.hostNetwork=true", true),
            ("status.phase=Running,status.podIP=10.0.0.5", true),
            ("status.nominatedNodeName=n2", true),
            // Not in upstream's pod field set, so it reads as empty.
            ("status.podIPs=", true),
            ("status.phase=Pending", false),
        ];
        for (sel, want) in cases {
            let parsed = FieldSelector::parse(sel).unwrap();
            assert_eq!(matches(&parsed, "", "pods", &obj).unwrap(), want, "{sel}");
        }
        let bare = json!({"metadata": {"name": "p"}, "status": {"podIP": "10.1.1.1", "podIPs": [{"ip": "10.9.9.9"}]}});
        let sel =
            FieldSelector::parse("spec.hostNetwork=false,status.podIP=10.1.1.1,spec.nodeName=")
                .unwrap();
        assert!(matches(&sel, "", "pods", &bare).unwrap());
    }

    #[test]
    fn other_kind_fields() {
        let cases = [
            (
                "",
                "nodes",
                json!({"metadata": {"name": "n"}, "spec": {"unschedulable": true}}),
                "spec.unschedulable=true",
                true,
            ),
            (
                "",
                "nodes",
                json!({"metadata": {"name": "n"}}),
                "spec.unschedulable=false",
                true,
            ),
            (
                "",
                "namespaces",
                json!({"metadata": {"name": "x"}, "status": {"phase": "Active"}}),
                "status.phase=Active",
                true,
            ),
            (
                "",
                "secrets",
                json!({"metadata": {"name": "s"}, "type": "kubernetes.io/tls"}),
                "type=kubernetes.io/tls",
                true,
            ),
            (
                "",
                "services",
                json!({"spec": {"clusterIP": "None", "type": "ClusterIP"}}),
                "spec.clusterIP=None,spec.type=ClusterIP",
                true,
            ),
            (
                "",
                "persistentvolumes",
                json!({"metadata": {"name": "pv1"}}),
                "metadata.namespace=",
                true,
            ),
            (
                "apps",
                "statefulsets",
                json!({"metadata": {"name": "db", "namespace": "a"}}),
                "metadata.name=db,metadata.namespace=a",
                true,
            ),
        ];
        for (group, plural, obj, sel, want) in cases {
            let parsed = FieldSelector::parse(sel).unwrap();
            assert_eq!(
                matches(&parsed, group, plural, &obj).unwrap(),
                want,
                "{plural} {sel}"
            );
        }
    }

    #[test]
    fn event_fields_in_both_shapes() {
        let core = json!({
            "metadata": {"name": "e1", "namespace": "default"},
            "involvedObject": {"kind": "StatefulSet", "name": "db", "namespace": "default", "uid": "u1"},
            "reason": "SuccessfulCreate", "type": "Normal", "source": {"component": "statefulset-controller"}
        });
        let sel = FieldSelector::parse(
            "involvedObject.uid=u1,involvedObject.name=db,involvedObject.namespace=default,involvedObject.kind=StatefulSet",
        )
        .unwrap();
        assert!(matches(&sel, "", "events", &core).unwrap());
        let sel =
            FieldSelector::parse("source=statefulset-controller,reportingComponent=").unwrap();
        assert!(matches(&sel, "", "events", &core).unwrap());

        let new = json!({
            "metadata": {"name": "e2", "namespace": "default"},
            "regarding": {"kind": "Pod", "name": "db-0"},
            "reason": "Started", "type": "Normal", "reportingController": "kubelet"
        });
        let sel = FieldSelector::parse(
            "regarding.kind=Pod,regarding.name=db-0,reportingController=kubelet",
        )
        .unwrap();
        assert!(matches(&sel, "events.k8s.io", "events", &new).unwrap());
        // A core-API reader of the same event: source falls back to the reporting controller.
        let sel = FieldSelector::parse("source=kubelet,involvedObject.name=db-0").unwrap();
        assert!(matches(&sel, "", "events", &new).unwrap());
    }

    #[test]
    fn exact_match() {
        let sel = FieldSelector::parse("metadata.name!=a,metadata.name=web").unwrap();
        assert_eq!(sel.requires_exact_match("metadata.name"), Some("web"));
        assert_eq!(
            FieldSelector::one_term_equal("metadata.name", "x").to_string(),
            "metadata.name=x"
        );
        assert!(FieldSelector::everything().is_empty());
    }

    proptest! {
        #[test]
        fn display_round_trips(terms in proptest::collection::vec(
            ("[a-zA-Z.]{1,10}", any::<bool>(), "[ -~]{0,8}"), 0..4)) {
            let text: Vec<String> = terms
                .iter()
                .map(|(f, ne, v)| format!("{f}{}{}", if *ne { "!=" } else { "=" }, escape_value(v)))
                .collect();
            let sel = FieldSelector::parse(&text.join(",")).unwrap();
            let again = FieldSelector::parse(&sel.to_string()).unwrap();
            prop_assert_eq!(again, sel);
        }

        #[test]
        fn parse_never_panics(s in "\\PC{0,30}") {
            let _ = FieldSelector::parse(&s);
        }
    }
}

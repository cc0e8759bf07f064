//! Field errors as upstream's `field.Error`: a type, a path, the offending value and a detail,
//! rendered exactly as apimachinery renders them, plus the aggregate `… is invalid: …` message.

use std::fmt;

use serde_json::{Value, json};

use super::gofmt;
use crate::registry::ResourceInfo;

/// The kind of a field error; [`FieldErrorKind::reason`] is the `details.causes[].reason`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum FieldErrorKind {
    /// `FieldValueNotFound`.
    NotFound,
    /// `FieldValueRequired`.
    Required,
    /// `FieldValueDuplicate`.
    Duplicate,
    /// `FieldValueInvalid`.
    Invalid,
    /// `FieldValueNotSupported`.
    NotSupported,
    /// `FieldValueForbidden`.
    Forbidden,
    /// `FieldValueTooLong`.
    TooLong,
    /// `FieldValueTooMany`.
    TooMany,
    /// `InternalError`.
    Internal,
    /// `FieldValueTypeInvalid`.
    TypeInvalid,
}

impl FieldErrorKind {
    /// The cause `reason` string (`FieldValueRequired`, …).
    pub fn reason(self) -> &'static str {
        match self {
            Self::NotFound => "FieldValueNotFound",
            Self::Required => "FieldValueRequired",
            Self::Duplicate => "FieldValueDuplicate",
            Self::Invalid => "FieldValueInvalid",
            Self::NotSupported => "FieldValueNotSupported",
            Self::Forbidden => "FieldValueForbidden",
            Self::TooLong => "FieldValueTooLong",
            Self::TooMany => "FieldValueTooMany",
            Self::Internal => "InternalError",
            Self::TypeInvalid => "FieldValueTypeInvalid",
        }
    }

    /// The words that open the message body (`Required value`, `Invalid value`, …).
    pub fn label(self) -> &'static str {
        match self {
            Self::NotFound => "Not found",
            Self::Required => "Required value",
            Self::Duplicate => "Duplicate value",
            Self::Invalid | Self::TypeInvalid => "Invalid value",
            Self::NotSupported => "Unsupported value",
            Self::Forbidden => "Forbidden",
            Self::TooLong => "Too long",
            Self::TooMany => "Too many",
            Self::Internal => "Internal error",
        }
    }
}

/// The offending value of a field error, in the shape Go's `fmt` would print it.
#[derive(Debug, Clone, PartialEq)]
pub enum BadValue {
    /// A nil value or nil pointer. Upstream substitutes the *string* `"null"`, which is then
    /// quoted like any string, so it prints as `"null"`.
    Null,
    /// A string, printed Go-quoted (`"abc"`).
    Str(String),
    /// An integer, printed plainly (`-1`).
    Int(i64),
    /// A float, printed with Go's `%v` (`1.5`, `1e+06`).
    Float(f64),
    /// A boolean (`true`).
    Bool(bool),
    /// Text printed verbatim: a `String()` result (timestamps) or a `%#v` rendering
    /// (`[]string{"a"}`, `core.ObjectReference{…}`).
    Raw(String),
}

impl BadValue {
    /// The value as it appears after `Invalid value: `.
    pub fn render(&self) -> String {
        match self {
            Self::Null => gofmt::quote("null"),
            Self::Str(s) => gofmt::quote(s),
            Self::Int(i) => i.to_string(),
            Self::Float(f) => gofmt::float(*f),
            Self::Bool(b) => b.to_string(),
            Self::Raw(s) => s.clone(),
        }
    }

    /// The closest Go rendering of a wire-form JSON value: scalars map to their Go kinds,
    /// string lists to `[]string{…}`, string maps to `map[string]string{…}`.
    pub fn from_json(v: &Value) -> Self {
        match v {
            Value::Null => Self::Null,
            Value::Bool(b) => Self::Bool(*b),
            Value::Number(n) => match n.as_i64() {
                Some(i) => Self::Int(i),
                None => Self::Raw(gofmt::number(n)),
            },
            Value::String(s) => Self::Str(s.clone()),
            Value::Array(_) | Value::Object(_) => Self::Raw(gofmt::json_go_syntax(v)),
        }
    }
}

impl From<&str> for BadValue {
    fn from(s: &str) -> Self {
        Self::Str(s.to_owned())
    }
}

impl From<String> for BadValue {
    fn from(s: String) -> Self {
        Self::Str(s)
    }
}

impl From<&String> for BadValue {
    fn from(s: &String) -> Self {
        Self::Str(s.clone())
    }
}

impl From<i64> for BadValue {
    fn from(i: i64) -> Self {
        Self::Int(i)
    }
}

impl From<bool> for BadValue {
    fn from(b: bool) -> Self {
        Self::Bool(b)
    }
}

impl From<&Value> for BadValue {
    fn from(v: &Value) -> Self {
        Self::from_json(v)
    }
}

/// A field path as upstream's `field.Path` prints it: `.` between children, `[i]` for list
/// indices, `[key]` for map keys (unquoted). A root with an empty name prints as `[]`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldPath(String);

impl FieldPath {
    /// A root path (`metadata`). `FieldPath::new("")` is upstream's "whole object" path `[]`.
    pub fn new(root: &str) -> Self {
        if root.is_empty() {
            Self("[]".to_owned())
        } else {
            Self(root.to_owned())
        }
    }

    /// `self.name`.
    pub fn child(&self, name: &str) -> Self {
        if name.is_empty() {
            Self(format!("{}[]", self.0))
        } else {
            Self(format!("{}.{name}", self.0))
        }
    }

    /// `self[i]`.
    pub fn index(&self, i: usize) -> Self {
        Self(format!("{}[{i}]", self.0))
    }

    /// `self[key]`.
    pub fn key(&self, key: &str) -> Self {
        Self(format!("{}[{key}]", self.0))
    }

    /// The rendered path.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for FieldPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl From<FieldPath> for String {
    fn from(p: FieldPath) -> Self {
        p.0
    }
}

impl From<&FieldPath> for String {
    fn from(p: &FieldPath) -> Self {
        p.0.clone()
    }
}

/// One validation failure, as upstream's `field.Error`.
#[derive(Debug, Clone, PartialEq)]
pub struct FieldError {
    /// The error type.
    pub kind: FieldErrorKind,
    /// The rendered field path (`metadata.name`, `data[.dockercfg]`, `[]`).
    pub field: String,
    /// The offending value; `None` where upstream omits it from the message.
    pub value: Option<BadValue>,
    /// Text after the value (`a lowercase RFC 1123 …`, `supported values: "a", "b"`).
    pub detail: String,
}

impl FieldError {
    fn new(
        kind: FieldErrorKind,
        field: impl Into<String>,
        value: Option<BadValue>,
        detail: impl Into<String>,
    ) -> Self {
        Self {
            kind,
            field: field.into(),
            value,
            detail: detail.into(),
        }
    }

    /// `Required value[: detail]`.
    pub fn required(field: impl Into<String>, detail: impl Into<String>) -> Self {
        Self::new(FieldErrorKind::Required, field, None, detail)
    }

    /// `Invalid value: <v>: detail`.
    pub fn invalid(
        field: impl Into<String>,
        value: impl Into<BadValue>,
        detail: impl Into<String>,
    ) -> Self {
        Self::new(FieldErrorKind::Invalid, field, Some(value.into()), detail)
    }

    /// `Invalid value: <v>[: detail]` with the `FieldValueTypeInvalid` reason.
    pub fn type_invalid(
        field: impl Into<String>,
        value: impl Into<BadValue>,
        detail: impl Into<String>,
    ) -> Self {
        Self::new(
            FieldErrorKind::TypeInvalid,
            field,
            Some(value.into()),
            detail,
        )
    }

    /// `Unsupported value: <v>: supported values: "a", "b"` (in the order given).
    pub fn not_supported(
        field: impl Into<String>,
        value: impl Into<BadValue>,
        valid: &[&str],
    ) -> Self {
        let detail = if valid.is_empty() {
            String::new()
        } else {
            let quoted: Vec<String> = valid.iter().map(|v| gofmt::quote(v)).collect();
            format!("supported values: {}", quoted.join(", "))
        };
        Self::new(
            FieldErrorKind::NotSupported,
            field,
            Some(value.into()),
            detail,
        )
    }

    /// `Duplicate value: <v>`.
    pub fn duplicate(field: impl Into<String>, value: impl Into<BadValue>) -> Self {
        Self::new(FieldErrorKind::Duplicate, field, Some(value.into()), "")
    }

    /// `Forbidden: detail`.
    pub fn forbidden(field: impl Into<String>, detail: impl Into<String>) -> Self {
        Self::new(FieldErrorKind::Forbidden, field, None, detail)
    }

    /// `Too long: may not be more than <max> bytes` (the value is never shown; a negative
    /// `max` gives `value is too long`).
    pub fn too_long(field: impl Into<String>, max: i64) -> Self {
        let detail = if max >= 0 {
            format!("may not be more than {max} bytes")
        } else {
            "value is too long".to_owned()
        };
        Self::new(FieldErrorKind::TooLong, field, None, detail)
    }

    /// `Too many: <actual>: must have at most <max> items` (a negative `actual` is omitted, a
    /// negative `max` gives `has too many items`).
    pub fn too_many(field: impl Into<String>, actual: i64, max: i64) -> Self {
        let detail = if max >= 0 {
            format!("must have at most {max} items")
        } else {
            "has too many items".to_owned()
        };
        let value = (actual >= 0).then_some(BadValue::Int(actual));
        Self::new(FieldErrorKind::TooMany, field, value, detail)
    }

    /// `Not found: <v>`.
    pub fn not_found(field: impl Into<String>, value: impl Into<BadValue>) -> Self {
        Self::new(FieldErrorKind::NotFound, field, Some(value.into()), "")
    }

    /// `Internal error: <err>`.
    pub fn internal(field: impl Into<String>, err: impl Into<String>) -> Self {
        Self::new(FieldErrorKind::Internal, field, None, err)
    }

    /// The cause `reason` (`FieldValueInvalid`, …).
    pub fn reason(&self) -> &'static str {
        self.kind.reason()
    }

    /// The message body: what `details.causes[].message` carries.
    pub fn body(&self) -> String {
        let label = self.kind.label();
        let mut s = match (self.kind, &self.value) {
            (
                FieldErrorKind::Required
                | FieldErrorKind::Forbidden
                | FieldErrorKind::TooLong
                | FieldErrorKind::Internal,
                _,
            )
            | (_, None) => label.to_owned(),
            (_, Some(v)) => format!("{label}: {}", v.render()),
        };
        if !self.detail.is_empty() {
            s.push_str(": ");
            s.push_str(&self.detail);
        }
        s
    }

    /// One `details.causes[]` entry: `{"reason", "message", "field"}` (an empty field is
    /// omitted, as upstream's `omitempty` does).
    pub fn cause(&self) -> Value {
        let mut cause = json!({"reason": self.reason(), "message": self.body()});
        if !self.field.is_empty() {
            cause["field"] = Value::String(self.field.clone());
        }
        cause
    }
}

impl fmt::Display for FieldError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.field, self.body())
    }
}

/// `Kind` for the core group, `Kind.group` otherwise: the kind as `… is invalid` messages name it.
pub fn qualified_kind(info: &ResourceInfo) -> String {
    if info.group.is_empty() {
        info.kind.to_owned()
    } else {
        format!("{}.{}", info.kind, info.group)
    }
}

/// Upstream's `errors.NewInvalid` message. `kind` is the qualified kind ([`qualified_kind`]).
/// Errors whose `<field>: <body>` text repeats are listed once; several distinct errors are
/// joined by `, ` inside `[` `]`.
pub fn invalid_message(kind: &str, name: &str, errs: &[FieldError]) -> String {
    let head = format!("{kind} {} is invalid", gofmt::quote(name));
    let mut distinct: Vec<String> = Vec::new();
    for e in errs {
        let line = e.to_string();
        if !distinct.contains(&line) {
            distinct.push(line);
        }
    }
    match distinct.len() {
        0 => head,
        1 => format!("{head}: {}", distinct[0]),
        _ => format!("{head}: [{}]", distinct.join(", ")),
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    const SUBDOMAIN_MSG: &str = "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";

    #[test]
    fn bodies_and_reasons_per_constructor() {
        let cases = [
            (
                FieldError::required("spec.x", ""),
                "FieldValueRequired",
                "spec.x: Required value",
            ),
            (
                FieldError::required("metadata.name", "name or generateName is required"),
                "FieldValueRequired",
                "metadata.name: Required value: name or generateName is required",
            ),
            (
                FieldError::invalid("metadata.name", "Foo_", "bad"),
                "FieldValueInvalid",
                r#"metadata.name: Invalid value: "Foo_": bad"#,
            ),
            (
                FieldError::invalid(
                    "metadata.generation",
                    -1i64,
                    "must be greater than or equal to 0",
                ),
                "FieldValueInvalid",
                "metadata.generation: Invalid value: -1: must be greater than or equal to 0",
            ),
            (
                FieldError::not_supported("spec.x", "Bogus", &["Always", "OnFailure", "Never"]),
                "FieldValueNotSupported",
                r#"spec.x: Unsupported value: "Bogus": supported values: "Always", "OnFailure", "Never""#,
            ),
            (
                FieldError::duplicate("spec.ports[1].name", "http"),
                "FieldValueDuplicate",
                r#"spec.ports[1].name: Duplicate value: "http""#,
            ),
            (
                FieldError::forbidden("metadata.namespace", "not allowed on this type"),
                "FieldValueForbidden",
                "metadata.namespace: Forbidden: not allowed on this type",
            ),
            (
                FieldError::too_long("data", 1048576),
                "FieldValueTooLong",
                "data: Too long: may not be more than 1048576 bytes",
            ),
            (
                FieldError::too_many("spec.items", 5, 3),
                "FieldValueTooMany",
                "spec.items: Too many: 5: must have at most 3 items",
            ),
            (
                FieldError::not_found("spec.x", "y"),
                "FieldValueNotFound",
                r#"spec.x: Not found: "y""#,
            ),
            (
                FieldError::internal("metadata.name", "boom"),
                "InternalError",
                "metadata.name: Internal error: boom",
            ),
            (
                FieldError::invalid("x", BadValue::Null, "d"),
                "FieldValueInvalid",
                r#"x: Invalid value: "null": d"#,
            ),
            (
                FieldError::invalid("x", true, "d"),
                "FieldValueInvalid",
                "x: Invalid value: true: d",
            ),
            (
                FieldError::invalid("x", &serde_json::json!(["a"]), "d"),
                "FieldValueInvalid",
                r#"x: Invalid value: []string{"a"}: d"#,
            ),
        ];
        for (err, reason, line) in cases {
            assert_eq!(err.reason(), reason);
            assert_eq!(err.to_string(), line);
        }
    }

    #[test]
    fn paths_render_like_field_path() {
        let root = FieldPath::new("spec");
        assert_eq!(
            root.child("containers").index(0).child("image").as_str(),
            "spec.containers[0].image"
        );
        assert_eq!(
            FieldPath::new("data").key(".dockercfg").as_str(),
            "data[.dockercfg]"
        );
        assert_eq!(
            FieldPath::new("spec")
                .child("resources")
                .key("storage")
                .as_str(),
            "spec.resources[storage]"
        );
        assert_eq!(FieldPath::new("").as_str(), "[]");
    }

    #[test]
    fn cause_shape() {
        let e = FieldError::required("spec.containers[0].image", "");
        assert_eq!(
            e.cause(),
            serde_json::json!({"reason": "FieldValueRequired", "message": "Required value", "field": "spec.containers[0].image"})
        );
        let no_field = FieldError::required("", "");
        assert!(no_field.cause().get("field").is_none());
    }

    #[test]
    fn invalid_message_single_and_several() {
        let bad = FieldError::invalid("metadata.name", "Bad_Name", SUBDOMAIN_MSG);
        let img = FieldError::required("spec.containers[0].image", "");
        assert_eq!(
            invalid_message("Pod", "bad", std::slice::from_ref(&img)),
            r#"Pod "bad" is invalid: spec.containers[0].image: Required value"#
        );
        let want = format!(
            "Pod \"Bad_Name\" is invalid: [metadata.name: Invalid value: \"Bad_Name\": {SUBDOMAIN_MSG}, spec.containers[0].image: Required value]"
        );
        assert_eq!(
            invalid_message("Pod", "Bad_Name", &[bad, img.clone()]),
            want
        );
        // A repeated error is listed once, and a single distinct error is not bracketed.
        assert_eq!(
            invalid_message("Deployment.apps", "web", &[img.clone(), img]),
            r#"Deployment.apps "web" is invalid: spec.containers[0].image: Required value"#
        );
        assert_eq!(invalid_message("Pod", "", &[]), r#"Pod "" is invalid"#);
    }

    #[test]
    fn qualified_kind_adds_group() {
        let reg = crate::registry::Registry;
        let pod = reg.by_kind("", "v1", "Pod").unwrap();
        let lease = reg.by_kind("coordination.k8s.io", "v1", "Lease").unwrap();
        assert_eq!(qualified_kind(pod), "Pod");
        assert_eq!(qualified_kind(lease), "Lease.coordination.k8s.io");
    }
}

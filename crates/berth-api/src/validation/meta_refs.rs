//! ObjectMeta list fields with their own rules: `ownerReferences` and `managedFields`.

use serde_json::Value;

use super::field::{BadValue, FieldError, FieldPath};
use super::gofmt;
use super::meta::value_text;

/// `schema.FromAPIVersionAndKind`: group and version of an apiVersion; an unparsable one
/// (more than one `/`) yields empty group and version.
fn split_api_version(api_version: &str) -> (&str, &str) {
    match api_version.split('/').collect::<Vec<_>>().as_slice() {
        [version] => ("", version),
        [group, version] => (group, version),
        _ => ("", ""),
    }
}

fn owner_ref_go_syntax(r: &Value) -> String {
    let s = |k: &str| gofmt::quote(r.get(k).and_then(Value::as_str).unwrap_or(""));
    let p = |k: &str| gofmt::pointer("bool", r.get(k).is_some_and(|v| !v.is_null()));
    gofmt::go_struct(
        "v1.OwnerReference",
        &[
            ("APIVersion", s("apiVersion")),
            ("Kind", s("kind")),
            ("Name", s("name")),
            ("UID", s("uid")),
            ("Controller", p("controller")),
            ("BlockOwnerDeletion", p("blockOwnerDeletion")),
        ],
    )
}

/// `ValidateOwnerReferences` over `metadata.ownerReferences`.
pub(crate) fn owner_references(refs: &[Value]) -> Vec<FieldError> {
    let path = FieldPath::new("metadata").child("ownerReferences");
    let mut errs = Vec::new();
    let mut first_controller = String::new();
    for r in refs {
        let text = |k: &str| r.get(k).map(value_text).unwrap_or_default();
        let (api_version, kind, name, uid) =
            (text("apiVersion"), text("kind"), text("name"), text("uid"));
        let (group, version) = split_api_version(&api_version);
        if version.is_empty() {
            errs.push(FieldError::invalid(
                path.child("apiVersion"),
                api_version.as_str(),
                "version must not be empty",
            ));
        }
        if kind.is_empty() {
            errs.push(FieldError::invalid(
                path.child("kind"),
                kind.as_str(),
                "kind must not be empty",
            ));
        }
        if name.is_empty() {
            errs.push(FieldError::invalid(
                path.child("name"),
                name.as_str(),
                "name must not be empty",
            ));
        }
        if uid.is_empty() {
            errs.push(FieldError::invalid(
                path.child("uid"),
                uid.as_str(),
                "uid must not be empty",
            ));
        }
        if group.is_empty() && version == "v1" && kind == "Event" {
            errs.push(FieldError::invalid(
                &path,
                BadValue::Raw(owner_ref_go_syntax(r)),
                "/v1, Kind=Event is disallowed from being an owner",
            ));
        }
        if r.get("controller").and_then(Value::as_bool) == Some(true) {
            let current = format!("{kind}/{name}");
            if first_controller.is_empty() {
                first_controller = current;
            } else {
                let all: Vec<String> = refs.iter().map(owner_ref_go_syntax).collect();
                errs.push(FieldError::invalid(
                    &path,
                    BadValue::Raw(format!("[]v1.OwnerReference{{{}}}", all.join(", "))),
                    format!(
                        "Only one reference can have Controller set to true. Found \"true\" in references for {first_controller} and {current}"
                    ),
                ));
            }
        }
    }
    errs
}

/// `ValidateManagedFields` over `metadata.managedFields`.
pub(crate) fn managed_fields(entries: &[Value]) -> Vec<FieldError> {
    let mut errs = Vec::new();
    for (i, entry) in entries.iter().enumerate() {
        let path = FieldPath::new("metadata").child("managedFields").index(i);
        let text = |k: &str| entry.get(k).map(value_text).unwrap_or_default();
        let operation = text("operation");
        if operation != "Apply" && operation != "Update" {
            errs.push(FieldError::invalid(
                path.child("operation"),
                operation.as_str(),
                "must be `Apply` or `Update`",
            ));
        }
        let fields_type = text("fieldsType");
        if !fields_type.is_empty() && fields_type != "FieldsV1" {
            errs.push(FieldError::invalid(
                path.child("fieldsType"),
                fields_type.as_str(),
                "must be `FieldsV1`",
            ));
        }
        let manager = text("manager");
        if manager.len() > 128 {
            errs.push(FieldError::too_long(path.child("manager"), 128));
        }
        for (pos, c) in manager.char_indices() {
            if !gofmt::is_print(c) {
                errs.push(FieldError::invalid(
                    path.child("manager"),
                    manager.as_str(),
                    format!("invalid character U+{:04X} (at position {pos})", c as u32),
                ));
            }
        }
        if text("subresource").len() > 256 {
            errs.push(FieldError::too_long(path.child("subresource"), 256));
        }
    }
    errs
}

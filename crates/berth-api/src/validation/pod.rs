//! Spec validation for Pods and pod templates, with upstream's messages and field paths.

use serde_json::Value;

use super::FieldError;
use super::meta::{validate_object_meta_create, validate_object_meta_update};
use crate::registry::ResourceInfo;

fn metadata(obj: &Value) -> &Value {
    obj.get("metadata").unwrap_or(&Value::Null)
}

/// Create validation of a kind served by this module (metadata rules so far).
pub fn validate(info: &ResourceInfo, obj: &Value) -> Vec<FieldError> {
    validate_object_meta_create(info, metadata(obj))
}

/// Update validation of a kind served by this module (metadata rules so far).
pub fn validate_update(info: &ResourceInfo, new: &Value, old: &Value) -> Vec<FieldError> {
    validate_object_meta_update(info, metadata(new), metadata(old))
}

//! Defaulting of quantity fields: a `ResourceList` is rounded up to milli precision
//! (`SetDefaults_ResourceList`) and every quantity is written back as upstream encodes it
//! (`0.5` → `500m`, `1024Mi` → `1Gi`). Text that is not a quantity is left as it is
//! (validation reports it).

use serde_json::Value;

use super::Obj;
use crate::quantity::normalize;

/// Rewrites one quantity value in place (Go writes quantities as strings).
fn normalize_value(v: &mut Value, round_milli: bool) {
    let text = match v {
        Value::String(s) => s.clone(),
        Value::Number(n) => n.to_string(),
        _ => return,
    };
    if let Some(out) = normalize(&text, round_milli) {
        *v = Value::String(out);
    }
}

/// `SetDefaults_ResourceList` on the map at `key`, plus canonical printing.
pub(super) fn resource_list(m: &mut Obj, key: &str) {
    if let Some(list) = m.get_mut(key).and_then(Value::as_object_mut) {
        for v in list.values_mut() {
            normalize_value(v, true);
        }
    }
}

/// A single quantity field (not in a `ResourceList`): canonical printing only.
pub(super) fn single(m: &mut Obj, key: &str) {
    if let Some(v) = m.get_mut(key) {
        normalize_value(v, false);
    }
}

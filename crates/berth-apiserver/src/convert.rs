//! Between a resource's wire form and its stored form. Only events.k8s.io/v1 Event differs: it
//! is stored as a core v1 Event, so both APIs show the same events.

use serde_json::Value;

use berth_api::Registry;
use berth_api::registry::ResourceInfo;

use crate::objects;
use crate::status::{ApiError, ApiResult};

fn is_events_v1(info: &ResourceInfo) -> bool {
    info.stored_as.is_some() && info.group == "events.k8s.io"
}

/// The stored object as a client of `info` sees it, with `apiVersion` and `kind` set.
pub fn outward(info: &'static ResourceInfo, stored: Value) -> Value {
    let mut obj = if is_events_v1(info) {
        match berth_api::convert::core_event_to_events_v1(&stored) {
            Ok(v) => v,
            Err(e) => {
                // Stored events were accepted through one of the two APIs, so this cannot
                // fail for them; show the stored form rather than lose the object.
                tracing::warn!(error = %e, "stored event does not convert");
                stored
            }
        }
    } else {
        stored
    };
    objects::set_type_meta(&mut obj, info);
    obj
}

/// A client's object in the stored form of `info`'s storage resource.
pub fn inward(info: &'static ResourceInfo, mut obj: Value) -> ApiResult<Value> {
    let storage = Registry.storage_of(info);
    objects::set_type_meta(&mut obj, info);
    let mut obj = if is_events_v1(info) {
        berth_api::convert::events_v1_to_core_event(&obj)
            .map_err(|e| ApiError::bad_request(e.to_string()))?
    } else {
        obj
    };
    objects::set_type_meta(&mut obj, storage);
    Ok(obj)
}

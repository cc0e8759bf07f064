//! The create-only review resources behind `kubectl auth can-i` and `kubectl auth whoami`.

use axum::response::Response;
use http::StatusCode;
use serde_json::{Value, json};

use super::Ctx;
use crate::codec::{decode_object, json_response};
use crate::status::ApiResult;

/// `POST` of a SelfSubjectAccessReview or SelfSubjectReview: answered, never stored.
pub(crate) fn create(ctx: &Ctx, body: &[u8]) -> ApiResult<Response> {
    let info = ctx.target.info;
    let mut obj = decode_object(&ctx.headers, body)?;
    obj["apiVersion"] = json!(info.api_version());
    obj["kind"] = json!(info.kind);
    if !obj.get("metadata").is_some_and(Value::is_object) {
        obj["metadata"] = json!({});
    }
    let id = &ctx.identity;
    match info.kind {
        "SelfSubjectAccessReview" => {
            // berth has one role: the admin and its own components are `system:masters`.
            let allowed = id.groups.iter().any(|g| g == "system:masters");
            obj["status"] = if allowed {
                json!({"allowed": true, "reason": "berth grants every request of system:masters"})
            } else {
                json!({"allowed": false})
            };
        }
        _ => {
            obj["status"] = json!({"userInfo": {"username": id.username, "groups": id.groups}});
        }
    }
    Ok(json_response(StatusCode::CREATED, &obj))
}

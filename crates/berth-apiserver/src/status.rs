//! `Status` errors: every failure a client sees is a `meta/v1` `Status` with upstream's `reason`,
//! `code` and `details`, so kubectl prints and reacts to it exactly as with a real cluster.

use axum::response::{IntoResponse, Response};
use http::{HeaderValue, StatusCode, header};
use serde_json::{Value, json};

use berth_api::registry::ResourceInfo;

/// An API error, rendered as a `Status` object.
#[derive(Debug, Clone, PartialEq)]
pub struct ApiError {
    /// HTTP status code (also `Status.code`).
    pub code: u16,
    /// `Status.reason` (`NotFound`, `Invalid`, …); empty for none.
    pub reason: &'static str,
    /// Human-readable message.
    pub message: String,
    /// `Status.details`, when upstream sends them.
    pub details: Option<Value>,
    /// `Retry-After` seconds, for 429/503 and generated-name clashes.
    pub retry_after: Option<u64>,
    /// `metadata.continue` of the Status: a fresh token after an expired one.
    pub continue_token: Option<String>,
}

/// Result of a handler step.
pub type ApiResult<T> = Result<T, ApiError>;

impl ApiError {
    fn new(code: u16, reason: &'static str, message: impl Into<String>) -> Self {
        Self {
            code,
            reason,
            message: message.into(),
            details: None,
            retry_after: None,
            continue_token: None,
        }
    }

    fn with_details(mut self, details: Value) -> Self {
        self.details = Some(details);
        self
    }

    /// `400 BadRequest`.
    pub fn bad_request(message: impl Into<String>) -> Self {
        Self::new(400, "BadRequest", message)
    }

    /// `401 Unauthorized`.
    pub fn unauthorized() -> Self {
        Self::new(401, "Unauthorized", "Unauthorized")
    }

    /// `403 Forbidden` about one object.
    pub fn forbidden(info: &ResourceInfo, name: &str, message: impl Into<String>) -> Self {
        let plural = info.qualified_plural();
        let message = message.into();
        Self::new(
            403,
            "Forbidden",
            format!("{plural} \"{name}\" is forbidden: {message}"),
        )
        .with_details(json!({"name": name, "group": info.group, "kind": info.plural}))
    }

    /// `404 NotFound` for an object of a resource.
    pub fn not_found(info: &ResourceInfo, name: &str) -> Self {
        Self::not_found_named(info.group, info.plural, name)
    }

    /// `404 NotFound` for a resource named by group and plural.
    pub fn not_found_named(group: &str, plural: &str, name: &str) -> Self {
        let qualified = qualified(group, plural);
        Self::new(404, "NotFound", format!("{qualified} \"{name}\" not found"))
            .with_details(json!({"name": name, "group": group, "kind": plural}))
    }

    /// `404 NotFound` for an unknown path: the text client-go uses when there is no body.
    pub fn no_route() -> Self {
        Self::new(
            404,
            "NotFound",
            "the server could not find the requested resource",
        )
        .with_details(json!({}))
    }

    /// `409 AlreadyExists`.
    pub fn already_exists(info: &ResourceInfo, name: &str) -> Self {
        let qualified = info.qualified_plural();
        Self::new(
            409,
            "AlreadyExists",
            format!("{qualified} \"{name}\" already exists"),
        )
        .with_details(json!({"name": name, "group": info.group, "kind": info.plural}))
    }

    /// `409 Conflict` with upstream's optimistic-concurrency message.
    pub fn conflict(info: &ResourceInfo, name: &str) -> Self {
        Self::conflict_with(
            info,
            name,
            "the object has been modified; please apply your changes to the latest version and try again",
        )
    }

    /// `409 Conflict` with a custom reason text after `Operation cannot be fulfilled on …:`.
    pub fn conflict_with(info: &ResourceInfo, name: &str, why: &str) -> Self {
        let qualified = info.qualified_plural();
        Self::new(
            409,
            "Conflict",
            format!("Operation cannot be fulfilled on {qualified} \"{name}\": {why}"),
        )
        .with_details(json!({"name": name, "group": info.group, "kind": info.plural}))
    }

    /// `422 Invalid` with field causes.
    pub fn invalid(info: &ResourceInfo, name: &str, causes: &[Cause]) -> Self {
        let message = invalid_message(&qualified(info.group, info.kind), name, causes);
        Self::new(422, "Invalid", message).with_details(json!({
            "name": name,
            "group": info.group,
            "kind": info.kind,
            "causes": causes.iter().map(Cause::to_json).collect::<Vec<_>>(),
        }))
    }

    /// `422 Invalid` about request options rather than an object (kind `DeleteOptions` …).
    pub fn invalid_options(kind: &str, group: &str, causes: &[Cause]) -> Self {
        let message = invalid_message(&qualified(group, kind), "", causes);
        Self::new(422, "Invalid", message).with_details(json!({
            "group": group,
            "kind": kind,
            "causes": causes.iter().map(Cause::to_json).collect::<Vec<_>>(),
        }))
    }

    /// `410 Gone` with reason `Expired`.
    pub fn expired(message: impl Into<String>) -> Self {
        Self::new(410, "Expired", message)
    }

    /// `405 MethodNotAllowed`.
    pub fn method_not_supported(info: &ResourceInfo, verb: &str) -> Self {
        let qualified = info.qualified_plural();
        Self::new(
            405,
            "MethodNotAllowed",
            format!("{verb} is not supported on resources of kind \"{qualified}\""),
        )
        .with_details(json!({"group": info.group, "kind": info.plural}))
    }

    /// `413 RequestEntityTooLarge`.
    pub fn too_large(limit: usize) -> Self {
        Self::new(
            413,
            "RequestEntityTooLarge",
            format!("Request entity too large: limit is {limit}"),
        )
    }

    /// `415 UnsupportedMediaType`.
    pub fn unsupported_media_type(content_type: &str, accepted: &[&str]) -> Self {
        Self::new(
            415,
            "UnsupportedMediaType",
            format!(
                "the body of the request was in an unknown format - accepted media types include: {}",
                accepted.join(", ")
            ),
        )
        .with_details(json!({"causes": [{"reason": "UnexpectedServerResponse", "message": content_type}]}))
    }

    /// `406 NotAcceptable`.
    pub fn not_acceptable(accepted: &[&str]) -> Self {
        Self::new(
            406,
            "NotAcceptable",
            format!(
                "only the following media types are accepted: {}",
                accepted.join(", ")
            ),
        )
    }

    /// `500 InternalError`.
    pub fn internal(message: impl std::fmt::Display) -> Self {
        Self::new(
            500,
            "InternalError",
            format!("Internal error occurred: {message}"),
        )
        .with_details(json!({"causes": [{"message": message.to_string()}]}))
    }

    /// `504 Timeout`.
    pub fn timeout(message: impl Into<String>) -> Self {
        Self::new(504, "Timeout", message)
    }

    /// The `Status` object.
    pub fn to_status(&self) -> Value {
        let mut status = json!({
            "kind": "Status",
            "apiVersion": "v1",
            "metadata": {},
            "status": "Failure",
            "message": self.message,
            "code": self.code,
        });
        if !self.reason.is_empty() {
            status["reason"] = json!(self.reason);
        }
        if let Some(token) = &self.continue_token {
            status["metadata"] = json!({"continue": token});
        }
        if let Some(details) = &self.details {
            let mut details = details.clone();
            if let (Some(secs), Some(map)) = (self.retry_after, details.as_object_mut()) {
                map.insert("retryAfterSeconds".into(), json!(secs));
            }
            status["details"] = details;
        }
        status
    }
}

impl std::fmt::Display for ApiError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} {}: {}", self.code, self.reason, self.message)
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let code = StatusCode::from_u16(self.code).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let body = self.to_status().to_string();
        let mut resp = (code, body).into_response();
        let headers = resp.headers_mut();
        headers.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        );
        if let Some(secs) = self.retry_after {
            headers.insert(header::RETRY_AFTER, HeaderValue::from(secs));
        }
        resp
    }
}

/// One field cause of an `Invalid` status.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cause {
    /// `FieldValueRequired`, `FieldValueInvalid`, …
    pub reason: String,
    /// The body of the message (`Required value`).
    pub message: String,
    /// The field path (`metadata.name`).
    pub field: String,
}

impl Cause {
    fn to_json(&self) -> Value {
        json!({"reason": self.reason, "message": self.message, "field": self.field})
    }

    /// `<field>: <message>` as upstream renders one error.
    pub fn line(&self) -> String {
        if self.field.is_empty() {
            self.message.clone()
        } else {
            format!("{}: {}", self.field, self.message)
        }
    }
}

/// Upstream's aggregate message: `Pod "x" is invalid: a` or `… is invalid: [a, b]`.
pub fn invalid_message(kind: &str, name: &str, causes: &[Cause]) -> String {
    let lines: Vec<String> = causes.iter().map(Cause::line).collect();
    let body = match lines.as_slice() {
        [one] => one.clone(),
        many => format!("[{}]", many.join(", ")),
    };
    format!("{kind} \"{name}\" is invalid: {body}")
}

/// `plural.group` (or `Kind.group`), or just the first part for the core group: how upstream
/// names resources and kinds in messages.
fn qualified(group: &str, name: &str) -> String {
    if group.is_empty() {
        name.to_owned()
    } else {
        format!("{name}.{group}")
    }
}

/// The `Status` a successful delete answers with.
pub fn success_status(info: &ResourceInfo, name: &str, uid: &str) -> Value {
    json!({
        "kind": "Status",
        "apiVersion": "v1",
        "metadata": {},
        "status": "Success",
        "details": {"name": name, "group": info.group, "kind": info.plural, "uid": uid},
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use berth_api::Registry;

    fn configmaps() -> &'static ResourceInfo {
        Registry.by_plural("", "v1", "configmaps").expect("served")
    }

    #[test]
    fn already_exists_matches_upstream() {
        let status = ApiError::already_exists(configmaps(), "cfg").to_status();
        assert_eq!(status["message"], "configmaps \"cfg\" already exists");
        assert_eq!(status["reason"], "AlreadyExists");
        assert_eq!(status["code"], 409);
        assert_eq!(status["details"]["kind"], "configmaps");
    }

    #[test]
    fn conflict_matches_upstream() {
        let sts = Registry
            .by_plural("apps", "v1", "statefulsets")
            .expect("served");
        let status = ApiError::conflict(sts, "web").to_status();
        assert_eq!(
            status["message"],
            "Operation cannot be fulfilled on statefulsets.apps \"web\": the object has been modified; please apply your changes to the latest version and try again"
        );
    }

    #[test]
    fn invalid_joins_several_causes() {
        let causes = vec![
            Cause {
                reason: "FieldValueRequired".into(),
                message: "Required value".into(),
                field: "a".into(),
            },
            Cause {
                reason: "FieldValueInvalid".into(),
                message: "Invalid value: 1".into(),
                field: "b".into(),
            },
        ];
        assert_eq!(
            invalid_message("Pod", "x", &causes),
            "Pod \"x\" is invalid: [a: Required value, b: Invalid value: 1]"
        );
        assert_eq!(
            invalid_message("Pod", "x", &causes[..1]),
            "Pod \"x\" is invalid: a: Required value"
        );
    }
}

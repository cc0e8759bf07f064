//! Request bodies in, responses out: JSON, YAML and Kubernetes protobuf bodies are accepted;
//! responses are JSON (every kubectl accepts JSON answers, see the wire contract).

use axum::response::{IntoResponse, Response};
use bytes::Bytes;
use http::{HeaderMap, HeaderValue, StatusCode, header};
use serde_json::Value;

use crate::status::{ApiError, ApiResult};

/// Largest request body accepted (upstream's limit for non-patch writes is 3 MiB).
pub const MAX_BODY: usize = 3 * 1024 * 1024;

/// Media types a create or update body may use.
pub const BODY_TYPES: &[&str] = &[
    "application/json",
    "application/yaml",
    "application/vnd.kubernetes.protobuf",
];

/// The media type of a request, lower-cased and without parameters.
pub fn media_type(headers: &HeaderMap) -> String {
    headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .map(|v| {
            v.split(';')
                .next()
                .unwrap_or("")
                .trim()
                .to_ascii_lowercase()
        })
        .unwrap_or_default()
}

/// A decoded request body.
#[derive(Debug, Clone, PartialEq)]
pub struct Decoded {
    /// The object (the last occurrence of a repeated key wins).
    pub value: Value,
    /// Paths of keys that appeared more than once (JSON bodies only).
    pub duplicates: Vec<String>,
}

/// Decodes an object body by its content type. The result is always a JSON object.
pub fn decode_object(headers: &HeaderMap, body: &[u8]) -> ApiResult<Value> {
    decode_object_strict(headers, body).map(|d| d.value)
}

/// Like [`decode_object`], also reporting repeated keys.
pub fn decode_object_strict(headers: &HeaderMap, body: &[u8]) -> ApiResult<Decoded> {
    let media = media_type(headers);
    let mut duplicates = Vec::new();
    let value = match media.as_str() {
        "" | "application/json" => {
            if body.iter().all(u8::is_ascii_whitespace) {
                return Err(ApiError::bad_request("the body of the request was empty"));
            }
            let parsed = berth_api::strict_json::parse(body).map_err(|e| {
                ApiError::bad_request(format!(
                    "the object provided is unrecognized or malformed: {e}"
                ))
            })?;
            duplicates = parsed.duplicates;
            parsed.value
        }
        "application/yaml" => decode_yaml(body)?,
        "application/vnd.kubernetes.protobuf" => {
            berth_api::protobuf::decode(body).map_err(|e| match e {
                berth_api::protobuf::ProtobufError::UnsupportedKind { .. } => {
                    ApiError::unsupported_media_type(
                        &media,
                        &["application/json", "application/yaml"],
                    )
                }
                other => ApiError::bad_request(format!("unable to decode protobuf body: {other}")),
            })?
        }
        other => return Err(ApiError::unsupported_media_type(other, BODY_TYPES)),
    };
    if !value.is_object() {
        return Err(ApiError::bad_request(format!(
            "Object 'Kind' is missing in '{}'",
            String::from_utf8_lossy(&body[..body.len().min(200)])
        )));
    }
    Ok(Decoded { value, duplicates })
}

/// Decodes JSON with upstream's message shape for syntax errors.
pub fn decode_json(body: &[u8]) -> ApiResult<Value> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Err(ApiError::bad_request("the body of the request was empty"));
    }
    serde_json::from_slice(body).map_err(|e| {
        ApiError::bad_request(format!(
            "the object provided is unrecognized or malformed: {e}"
        ))
    })
}

/// Decodes one YAML document into JSON form.
pub fn decode_yaml(body: &[u8]) -> ApiResult<Value> {
    let text = std::str::from_utf8(body)
        .map_err(|e| ApiError::bad_request(format!("the body is not valid UTF-8: {e}")))?;
    if text.trim().is_empty() {
        return Err(ApiError::bad_request("the body of the request was empty"));
    }
    serde_saphyr::from_str::<Value>(text)
        .map_err(|e| ApiError::bad_request(format!("error converting YAML to JSON: {e}")))
}

/// A JSON response with a status code.
pub fn json_response(code: StatusCode, body: &Value) -> Response {
    json_bytes(code, Bytes::from(body.to_string()), "application/json")
}

/// Raw bytes with a content type.
pub fn json_bytes(code: StatusCode, body: Bytes, content_type: &'static str) -> Response {
    let mut resp = (code, body).into_response();
    resp.headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    resp
}

/// What representation the client asked for in `Accept`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Representation {
    /// Plain objects and lists.
    Object,
    /// A `meta.k8s.io` Table of the given version (`v1` or `v1beta1`).
    Table(&'static str),
}

/// Picks the representation from `Accept`: the first acceptable entry wins.
pub fn representation(headers: &HeaderMap) -> Representation {
    let accept = headers
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    for entry in accept.split(',') {
        let mut parts = entry.split(';').map(str::trim);
        let media = parts.next().unwrap_or("");
        let params: Vec<(&str, &str)> = parts.filter_map(|p| p.split_once('=')).collect();
        let param = |k: &str| params.iter().find(|(key, _)| *key == k).map(|(_, v)| *v);
        if param("as") == Some("Table")
            && param("g") == Some("meta.k8s.io")
            && media == "application/json"
        {
            match param("v") {
                Some("v1") => return Representation::Table("v1"),
                Some("v1beta1") => return Representation::Table("v1beta1"),
                _ => continue,
            }
        }
        if matches!(
            media,
            "application/json"
                | "*/*"
                | "application/*"
                | "application/yaml"
                | "application/vnd.kubernetes.protobuf"
                | ""
        ) && param("as").is_none()
        {
            return Representation::Object;
        }
    }
    Representation::Object
}

#[cfg(test)]
mod tests {
    use super::*;

    fn with(name: header::HeaderName, v: &str) -> HeaderMap {
        let mut h = HeaderMap::new();
        h.insert(name, HeaderValue::from_str(v).expect("valid header"));
        h
    }

    #[test]
    fn table_accept_as_kubectl_sends_it() {
        let h = with(
            header::ACCEPT,
            "application/json;as=Table;v=v1;g=meta.k8s.io,application/json;as=Table;v=v1beta1;g=meta.k8s.io,application/json",
        );
        assert_eq!(representation(&h), Representation::Table("v1"));
        let h = with(header::ACCEPT, "application/json");
        assert_eq!(representation(&h), Representation::Object);
        let h = with(
            header::ACCEPT,
            "application/vnd.kubernetes.protobuf,application/json",
        );
        assert_eq!(representation(&h), Representation::Object);
    }

    #[test]
    fn bodies_in_json_and_yaml() {
        let h = with(header::CONTENT_TYPE, "application/json; charset=utf-8");
        assert_eq!(
            decode_object(&h, br#"{"kind":"X"}"#).expect("json")["kind"],
            "X"
        );
        let h = with(header::CONTENT_TYPE, "application/yaml");
        assert_eq!(
            decode_object(&h, b"kind: X\nmetadata:\n  name: a\n").expect("yaml")["metadata"]["name"],
            "a"
        );
    }

    #[test]
    fn malformed_bodies_are_bad_requests() {
        let h = with(header::CONTENT_TYPE, "application/json");
        assert_eq!(decode_object(&h, b"{").expect_err("malformed").code, 400);
        assert_eq!(
            decode_object(&h, b"[1]").expect_err("not an object").code,
            400
        );
        assert_eq!(decode_object(&h, b"").expect_err("empty").code, 400);
        let h = with(header::CONTENT_TYPE, "application/yaml");
        assert_eq!(decode_object(&h, b"a: [").expect_err("malformed").code, 400);
        let h = with(header::CONTENT_TYPE, "text/plain");
        assert_eq!(decode_object(&h, b"{}").expect_err("unsupported").code, 415);
    }
}

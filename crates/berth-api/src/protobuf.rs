//! Decoding of Kubernetes protobuf request bodies (`application/vnd.kubernetes.protobuf`) into
//! JSON wire form.
//!
//! kubectl 1.32+ sends typed-client writes (`create configmap|secret|namespace|serviceaccount|
//! deployment|service`, `auth can-i`, `auth whoami`) as protobuf and has no JSON fallback. A
//! body is the magic `k8s\0` followed by a `runtime.Unknown` message {1 typeMeta {1 apiVersion,
//! 2 kind}, 2 raw, 3 contentEncoding, 4 contentType}; `raw` is the object encoded with the field
//! numbers of upstream's `generated.proto`.
//!
//! Decoding is driven by message tables (field number → JSON name, type, presence rule), so
//! supporting another kind means adding its tables and a row in [`KINDS`]. Upstream's
//! marshaller writes non-pointer fields even when they hold zero values; those zeros are read as
//! "unset" and left out, while pointer fields keep whatever was written (`replicas: 0`,
//! `immutable: false`). Unknown field numbers are skipped and listed in
//! [`Decoded::skipped_fields`].

mod apps;
mod auth;
mod core;
mod decode;
mod meta;
mod pod;
mod schema;
mod volume;
mod wire;

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests;

use serde_json::Value;

use schema::Message;
use wire::{Reader, Wire};

/// The media type of Kubernetes protobuf bodies.
pub const MEDIA_TYPE: &str = "application/vnd.kubernetes.protobuf";

/// The prefix of every Kubernetes protobuf body.
pub const MAGIC: &[u8; 4] = b"k8s\0";

/// Why a body could not be decoded. Every malformed input gives an error, never a panic.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ProtobufError {
    /// The body does not start with `k8s\0`.
    #[error("the body does not start with the Kubernetes protobuf prefix \"k8s\\x00\"")]
    BadMagic,
    /// A varint runs past the end of its message.
    #[error("truncated varint at byte {offset} of {message}")]
    TruncatedVarint {
        /// The message being read.
        message: &'static str,
        /// Byte offset of the varint within that message.
        offset: usize,
    },
    /// A varint is longer than ten bytes.
    #[error("varint longer than 10 bytes at byte {offset} of {message}")]
    VarintTooLong {
        /// The message being read.
        message: &'static str,
        /// Byte offset of the varint within that message.
        offset: usize,
    },
    /// A length-delimited or fixed-width field runs past the end of its message.
    #[error("field at byte {offset} of {message} needs {len} bytes but {remaining} remain")]
    LengthOverflow {
        /// The message being read.
        message: &'static str,
        /// Byte offset of the field within that message.
        offset: usize,
        /// The length the field claims.
        len: u64,
        /// Bytes left in the message.
        remaining: usize,
    },
    /// A field uses the group wire types (3, 4) or an undefined one (6, 7).
    #[error("unsupported wire type {wire_type} at byte {offset} of {message}")]
    WireType {
        /// The message being read.
        message: &'static str,
        /// Byte offset of the field within that message.
        offset: usize,
        /// The wire type found.
        wire_type: u8,
    },
    /// A field number is 0 or above the protobuf maximum.
    #[error("invalid field number at byte {offset} of {message}")]
    FieldNumber {
        /// The message being read.
        message: &'static str,
        /// Byte offset of the field within that message.
        offset: usize,
    },
    /// A known field arrived with a wire type that does not fit its type.
    #[error("field {field} ({name}) of {message} has wire type {wire_type}, expected {expected}")]
    WrongWireType {
        /// The message being read.
        message: &'static str,
        /// Field number.
        field: u32,
        /// JSON name of the field.
        name: &'static str,
        /// The wire type found.
        wire_type: u8,
        /// The wire type the field uses.
        expected: u8,
    },
    /// A string field is not UTF-8.
    #[error("field {field} ({name}) of {message} is not valid UTF-8")]
    InvalidUtf8 {
        /// The message being read.
        message: &'static str,
        /// Field number.
        field: u32,
        /// JSON name of the field.
        name: &'static str,
    },
    /// A timestamp cannot be represented.
    #[error("field {name} of {message}: timestamp {seconds} is out of range")]
    TimeOutOfRange {
        /// The message being read.
        message: &'static str,
        /// JSON name of the field.
        name: &'static str,
        /// The seconds found.
        seconds: i64,
    },
    /// A field that carries JSON (`managedFields[].fieldsV1`) does not hold valid JSON.
    #[error("field {name} of {message} does not hold valid JSON: {reason}")]
    InvalidJson {
        /// The message being read.
        message: &'static str,
        /// JSON name of the field.
        name: &'static str,
        /// The parser's message.
        reason: String,
    },
    /// The envelope names no kind.
    #[error("the protobuf envelope does not name a kind")]
    MissingKind,
    /// The envelope's `contentEncoding` is set (upstream clients never compress bodies).
    #[error("content encoding {0:?} of the protobuf envelope is not supported")]
    UnsupportedEncoding(String),
    /// The kind has no decoding tables; the server answers 415 and the client may retry in JSON.
    #[error("no protobuf decoding for kind {kind} in {api_version}")]
    UnsupportedKind {
        /// The envelope's `apiVersion`.
        api_version: String,
        /// The envelope's `kind`.
        kind: String,
    },
}

/// A decoded body and what was left out of it.
#[derive(Debug, Clone, PartialEq)]
pub struct Decoded {
    /// The object in JSON wire form, with `apiVersion` and `kind` from the envelope.
    pub object: Value,
    /// Fields the tables do not describe, as `json.path: field N of Message`; they were
    /// skipped so that newer clients still get through.
    pub skipped_fields: Vec<String>,
}

/// Every kind with decoding tables, by `(apiVersion, kind)`.
static KINDS: &[(&str, &str, &Message)] = &[
    ("v1", "ConfigMap", &core::CONFIG_MAP),
    ("v1", "Secret", &core::SECRET),
    ("v1", "Namespace", &core::NAMESPACE),
    ("v1", "ServiceAccount", &core::SERVICE_ACCOUNT),
    ("v1", "Service", &core::SERVICE),
    ("apps/v1", "Deployment", &apps::DEPLOYMENT),
    (
        "authorization.k8s.io/v1",
        "SelfSubjectAccessReview",
        &auth::SELF_SUBJECT_ACCESS_REVIEW,
    ),
    (
        "authentication.k8s.io/v1",
        "SelfSubjectReview",
        &auth::SELF_SUBJECT_REVIEW,
    ),
];

/// Whether bodies of `kind` in `api_version` can be decoded.
pub fn supports(api_version: &str, kind: &str) -> bool {
    tables(api_version, kind).is_some()
}

fn tables(api_version: &str, kind: &str) -> Option<&'static Message> {
    KINDS
        .iter()
        .find(|(v, k, _)| *v == api_version && *k == kind)
        .map(|(_, _, msg)| *msg)
}

/// Decodes a protobuf body into the JSON object upstream's JSON encoding would produce.
pub fn decode(body: &[u8]) -> Result<Value, ProtobufError> {
    decode_with_report(body).map(|decoded| decoded.object)
}

/// Like [`decode`], also listing the fields that were skipped.
pub fn decode_with_report(body: &[u8]) -> Result<Decoded, ProtobufError> {
    let envelope = body.strip_prefix(MAGIC).ok_or(ProtobufError::BadMagic)?;
    let mut api_version = String::new();
    let mut kind = String::new();
    let mut raw: &[u8] = &[];
    let mut encoding = String::new();
    for item in Reader::new("Unknown", envelope) {
        match item? {
            (1, Wire::Len(type_meta)) => {
                for item in Reader::new("TypeMeta", type_meta) {
                    match item? {
                        (1, Wire::Len(v)) => api_version = envelope_text("apiVersion", 1, v)?,
                        (2, Wire::Len(k)) => kind = envelope_text("kind", 2, k)?,
                        _ => {}
                    }
                }
            }
            (2, Wire::Len(bytes)) => raw = bytes,
            (3, Wire::Len(e)) => encoding = envelope_text("contentEncoding", 3, e)?,
            // The inner content type is always empty or protobuf itself.
            (4, Wire::Len(_)) => {}
            (n @ 1..=4, other) => {
                return Err(ProtobufError::WrongWireType {
                    message: "Unknown",
                    field: n,
                    name: ["typeMeta", "raw", "contentEncoding", "contentType"][(n - 1) as usize],
                    wire_type: other.wire_type(),
                    expected: 2,
                });
            }
            _ => {}
        }
    }
    if kind.is_empty() {
        return Err(ProtobufError::MissingKind);
    }
    if !encoding.is_empty() {
        return Err(ProtobufError::UnsupportedEncoding(encoding));
    }
    let Some(msg) = tables(&api_version, &kind) else {
        return Err(ProtobufError::UnsupportedKind { api_version, kind });
    };
    let mut ctx = decode::Ctx::default();
    let mut object = decode::message(msg, raw, "", &mut ctx)?;
    object.insert("apiVersion".into(), Value::String(api_version));
    object.insert("kind".into(), Value::String(kind));
    Ok(Decoded {
        object: Value::Object(object),
        skipped_fields: ctx.skipped,
    })
}

fn envelope_text(name: &'static str, field: u32, bytes: &[u8]) -> Result<String, ProtobufError> {
    String::from_utf8(bytes.to_vec()).map_err(|_| ProtobufError::InvalidUtf8 {
        message: "Unknown",
        field,
        name,
    })
}

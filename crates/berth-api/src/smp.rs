//! Strategic merge patch as kube-apiserver applies it (`application/strategic-merge-patch+json`).
//!
//! Objects merge key by key and `null` deletes. Lists follow their field's patch strategy from
//! [`crate::merge_keys`]: merge lists of objects merge by their merge key, merge lists of scalars
//! are sets (with `$deleteFromPrimitiveList/<f>`), every other list is replaced. The directives
//! `$patch` (`replace`/`delete`), `$retainKeys` and `$setElementOrder/<f>` work as upstream's
//! server mode, including its element order (items only in the patch come first, server-only
//! items keep their place relative to the items they preceded) and its cleaning of copied values.
//!
//! Errors carry the HTTP status upstream answers with and upstream's message text, so the API
//! server can answer exactly as kube-apiserver does.

use serde_json::{Map, Value};

use crate::merge_keys::{self, PatchStrategy, Shape, TypeRef};

mod fuzz;
mod gofmt;
mod gosort;
mod list;
mod object;

pub use fuzz::fuzz_one;

/// JSON object.
type Obj = Map<String, Value>;

/// The directive key inside objects and list items.
const PATCH: &str = "$patch";
/// The directive key listing the keys an object keeps.
const RETAIN_KEYS: &str = "$retainKeys";
/// Prefix of the directive giving the final order of list `<f>`.
const SET_ELEMENT_ORDER: &str = "$setElementOrder";
/// Prefix of the directive removing values from scalar list `<f>`.
const DELETE_FROM_PRIMITIVE_LIST: &str = "$deleteFromPrimitiveList";

/// Which HTTP answer an [`SmpError`] calls for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SmpErrorKind {
    /// 400 `BadRequest`: malformed directives, or a body that is not a JSON object.
    BadRequest,
    /// 422 `Invalid`: lists of lists.
    Invalid,
    /// 500 with an empty reason: every other failure, returned by upstream as a plain error.
    Internal,
    /// 415 `UnsupportedMediaType`: the kind does not accept strategic merge patch.
    UnsupportedMediaType,
}

/// Why a strategic merge patch could not be applied.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct SmpError {
    /// The HTTP answer.
    pub kind: SmpErrorKind,
    /// Upstream's message text for the failure.
    pub message: String,
}

/// Message upstream substitutes for 422 answers built from an SMP error.
const GENERIC_INVALID: &str = "the server rejected our request due to an error in our request";

/// Message upstream answers SMP to kinds without patch metadata (custom resources) with.
const UNSUPPORTED: &str = "the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml";

impl SmpError {
    fn new(kind: SmpErrorKind, message: impl Into<String>) -> Self {
        Self {
            kind,
            message: message.into(),
        }
    }

    pub(crate) fn bad_request(message: impl Into<String>) -> Self {
        Self::new(SmpErrorKind::BadRequest, message)
    }

    pub(crate) fn internal(message: impl Into<String>) -> Self {
        Self::new(SmpErrorKind::Internal, message)
    }

    /// The HTTP status code: 400, 415, 422 or 500.
    pub fn code(&self) -> u16 {
        match self.kind {
            SmpErrorKind::BadRequest => 400,
            SmpErrorKind::Invalid => 422,
            SmpErrorKind::Internal => 500,
            SmpErrorKind::UnsupportedMediaType => 415,
        }
    }

    /// The `Status.reason`: `BadRequest`, `Invalid`, `UnsupportedMediaType`, or empty for 500.
    pub fn reason(&self) -> &'static str {
        match self.kind {
            SmpErrorKind::BadRequest => "BadRequest",
            SmpErrorKind::Invalid => "Invalid",
            SmpErrorKind::Internal => "",
            SmpErrorKind::UnsupportedMediaType => "UnsupportedMediaType",
        }
    }

    /// The `Status.message`. For 422 upstream replaces the SMP text with a generic sentence and
    /// reports the text as a cause of type `UnexpectedServerResponse` ([`SmpError::message`]).
    pub fn status_message(&self) -> &str {
        match self.kind {
            SmpErrorKind::Invalid => GENERIC_INVALID,
            _ => &self.message,
        }
    }
}

/// Applies the strategic merge patch `patch` to `original`, an object of `group`/`kind` (`""`
/// for the core group) in wire form, as kube-apiserver's PATCH handler does.
///
/// The result may still hold `null`s and leftover `$…` keys where upstream keeps them; decoding
/// the result into the kind's type drops or reports them as for any body.
pub fn apply(group: &str, kind: &str, original: &Value, patch: &Value) -> Result<Value, SmpError> {
    let root = merge_keys::root(group, kind)
        .ok_or_else(|| SmpError::new(SmpErrorKind::UnsupportedMediaType, UNSUPPORTED))?;
    let patch = match patch {
        Value::Object(p) => p.clone(),
        // Go decodes `null` into a nil map: nothing to merge.
        Value::Null => return Ok(original.clone()),
        other => {
            return Err(SmpError::bad_request(format!(
                "json: cannot unmarshal {} into Go value of type map[string]interface {{}}",
                gofmt::json_kind(other)
            )));
        }
    };
    let Value::Object(orig) = original else {
        return Err(SmpError::bad_request("invalid JSON document"));
    };
    object::merge_object(orig.clone(), patch, Schema::Struct(root)).map(Value::Object)
}

/// The type of the object being merged, which decides where field look-ups go.
#[derive(Debug, Clone, Copy)]
enum Schema {
    /// A struct of the type graph.
    Struct(TypeRef),
    /// Not a struct (`map`, `slice`): looking up a field fails.
    NotStruct(&'static str),
}

/// The patch metadata of a list field.
#[derive(Debug, Clone, Copy)]
struct ListMeta {
    /// Strategy `merge` (with or without `retainKeys`).
    merge: bool,
    /// The merge key.
    key: Option<&'static str>,
    /// Type of the items, for merging objects into matched items.
    elem: Schema,
    /// Go name of the item type, for messages.
    elem_name: &'static str,
}

impl Schema {
    fn not_struct(kind: &str) -> SmpError {
        SmpError::internal(format!(
            "merging an object in json but data type is not struct, instead is: {kind}"
        ))
    }

    fn field(self, key: &str) -> Result<merge_keys::Field, SmpError> {
        match self {
            Schema::Struct(t) => t.field(key).ok_or_else(|| {
                SmpError::internal(format!(
                    "unable to find api field in struct {} for the json field {}",
                    t.name(),
                    gofmt::quote(key)
                ))
            }),
            Schema::NotStruct(kind) => Err(Self::not_struct(kind)),
        }
    }

    /// The type of the object under `key`, when original and patch both hold an object there.
    fn object_field(self, key: &str) -> Result<Schema, SmpError> {
        Ok(match self.field(key)?.shape {
            Shape::Struct(t) | Shape::Opaque(t) => Schema::Struct(t),
            Shape::Map => Schema::NotStruct("map"),
            Shape::List { .. } => Schema::NotStruct("slice"),
        })
    }

    /// The list metadata of `key`, when original and patch both hold a list there (or for a
    /// `$setElementOrder`/`$deleteFromPrimitiveList` directive naming it).
    fn list_field(self, key: &str) -> Result<ListMeta, SmpError> {
        match self.field(key)?.shape {
            Shape::List { elem, list } => Ok(ListMeta {
                merge: list.patch_strategy != PatchStrategy::Replace,
                key: list.merge_key,
                elem: elem.map_or(Schema::NotStruct("string"), Schema::Struct),
                elem_name: elem.map_or("string", TypeRef::name),
            }),
            _ => Err(SmpError::internal(
                "expected slice or array type, but got: struct",
            )),
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
#[path = "smp/tests.rs"]
mod tests;

#[cfg(test)]
#[allow(clippy::unwrap_used)]
#[path = "smp/tests_kubectl.rs"]
mod tests_kubectl;

#[cfg(test)]
#[allow(clippy::unwrap_used)]
#[path = "smp/proptests.rs"]
mod proptests;

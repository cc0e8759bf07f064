//! Table-driven decoding of one message into a JSON object.

use base64::Engine as _;
use serde_json::{Map, Value};

use super::ProtobufError;
use super::schema::{Card, Field, Message, Ty};
use super::wire::{Reader, Wire, packed_varints};

/// State shared across one decode.
#[derive(Debug, Default)]
pub(crate) struct Ctx {
    /// Fields present on the wire that the tables do not know, as `path: field N of Message`.
    pub(crate) skipped: Vec<String>,
}

/// Decodes `bytes` as `msg` into a JSON object. `path` is the JSON path of the object, for
/// reports.
pub(crate) fn message(
    msg: &'static Message,
    bytes: &[u8],
    path: &str,
    ctx: &mut Ctx,
) -> Result<Map<String, Value>, ProtobufError> {
    let mut out = Map::new();
    for item in Reader::new(msg.name, bytes) {
        let (number, wire) = item?;
        let Some(field) = msg.field(number) else {
            let at = if path.is_empty() { "." } else { path };
            ctx.skipped
                .push(format!("{at}: field {number} of {}", msg.name));
            continue;
        };
        match field.card {
            Card::Repeated => repeated(msg, field, wire, path, &mut out, ctx)?,
            Card::Map => map_entry(msg, field, wire, path, &mut out, ctx)?,
            Card::Value | Card::Pointer | Card::Always => {
                let Some(value) =
                    single(msg, field, field.ty, wire, &child(path, field.name), ctx)?
                else {
                    continue;
                };
                match (field.ty, value) {
                    (Ty::Inline(_), Value::Object(fields)) => merge(&mut out, fields),
                    // A message field that occurs twice is merged, as protobuf does.
                    (Ty::Message(_), Value::Object(fields)) => match out.get_mut(field.name) {
                        Some(Value::Object(existing)) => merge(existing, fields),
                        _ => {
                            out.insert(field.name.into(), Value::Object(fields));
                        }
                    },
                    (_, value) => {
                        out.insert(field.name.into(), value);
                    }
                }
            }
        }
    }
    for field in msg.fields {
        if field.card == Card::Value && out.get(field.name).is_some_and(|v| is_zero(field.ty, v)) {
            out.remove(field.name);
        }
    }
    Ok(out)
}

fn child(path: &str, name: &str) -> String {
    if path.is_empty() {
        name.to_owned()
    } else if name.is_empty() {
        path.to_owned()
    } else {
        format!("{path}.{name}")
    }
}

/// Whether `value` is the zero value of a non-pointer field of type `ty`.
fn is_zero(ty: Ty, value: &Value) -> bool {
    match value {
        Value::Null => true,
        Value::Bool(b) => !b,
        Value::Number(n) => n.as_i64() == Some(0),
        // A zero Quantity marshals as "0".
        Value::String(s) => s.is_empty() || (matches!(ty, Ty::Quantity) && s == "0"),
        Value::Array(a) => a.is_empty(),
        Value::Object(o) => o.is_empty(),
    }
}

fn merge(into: &mut Map<String, Value>, from: Map<String, Value>) {
    for (key, value) in from {
        match (into.get_mut(&key), value) {
            (Some(Value::Object(existing)), Value::Object(fields)) => merge(existing, fields),
            (Some(Value::Array(existing)), Value::Array(items)) => existing.extend(items),
            (_, value) => {
                into.insert(key, value);
            }
        }
    }
}

fn wrong_wire(msg: &'static Message, field: &Field, wire: Wire<'_>, expected: u8) -> ProtobufError {
    ProtobufError::WrongWireType {
        message: msg.name,
        field: field.number,
        name: field.name,
        wire_type: wire.wire_type(),
        expected,
    }
}

fn len<'a>(
    msg: &'static Message,
    field: &Field,
    wire: Wire<'a>,
) -> Result<&'a [u8], ProtobufError> {
    match wire {
        Wire::Len(bytes) => Ok(bytes),
        other => Err(wrong_wire(msg, field, other, 2)),
    }
}

fn varint(msg: &'static Message, field: &Field, wire: Wire<'_>) -> Result<u64, ProtobufError> {
    match wire {
        Wire::Varint(v) => Ok(v),
        other => Err(wrong_wire(msg, field, other, 0)),
    }
}

fn text(msg: &'static Message, field: &Field, bytes: &[u8]) -> Result<String, ProtobufError> {
    String::from_utf8(bytes.to_vec()).map_err(|_| ProtobufError::InvalidUtf8 {
        message: msg.name,
        field: field.number,
        name: field.name,
    })
}

/// Converts a varint to the JSON number of a scalar type.
fn number(ty: Ty, v: u64) -> Value {
    match ty {
        // Negative int32s are sign-extended to ten bytes on the wire; truncation recovers them.
        Ty::Int32 => Value::from(v as i32),
        Ty::Bool => Value::from(v != 0),
        _ => Value::from(v as i64),
    }
}

/// Decodes one value of type `ty`. `None` means "unset" (an empty or epoch `Time`).
fn single(
    msg: &'static Message,
    field: &Field,
    ty: Ty,
    wire: Wire<'_>,
    path: &str,
    ctx: &mut Ctx,
) -> Result<Option<Value>, ProtobufError> {
    let value = match ty {
        Ty::String => Value::String(text(msg, field, len(msg, field, wire)?)?),
        Ty::Int32 | Ty::Int64 | Ty::Bool => number(ty, varint(msg, field, wire)?),
        Ty::Bytes => {
            let bytes = len(msg, field, wire)?;
            Value::String(base64::engine::general_purpose::STANDARD.encode(bytes))
        }
        Ty::Time => return time(msg, field, len(msg, field, wire)?),
        Ty::IntOrString => int_or_string(msg, field, len(msg, field, wire)?)?,
        Ty::Quantity => {
            let mut quantity = String::new();
            for item in Reader::new("Quantity", len(msg, field, wire)?) {
                if let (1, Wire::Len(bytes)) = item? {
                    quantity = text(msg, field, bytes)?;
                }
            }
            Value::String(quantity)
        }
        Ty::FieldsV1 => {
            let mut raw: &[u8] = b"{}";
            for item in Reader::new("FieldsV1", len(msg, field, wire)?) {
                if let (1, Wire::Len(bytes)) = item? {
                    raw = bytes;
                }
            }
            serde_json::from_slice(raw).map_err(|e| ProtobufError::InvalidJson {
                message: msg.name,
                name: field.name,
                reason: e.to_string(),
            })?
        }
        Ty::StringList => {
            let mut items = Vec::new();
            for item in Reader::new("ExtraValue", len(msg, field, wire)?) {
                if let (1, Wire::Len(bytes)) = item? {
                    items.push(Value::String(text(msg, field, bytes)?));
                }
            }
            Value::Array(items)
        }
        Ty::Message(inner) | Ty::Inline(inner) => {
            Value::Object(message(inner, len(msg, field, wire)?, path, ctx)?)
        }
    };
    Ok(Some(value))
}

fn time(
    msg: &'static Message,
    field: &Field,
    bytes: &[u8],
) -> Result<Option<Value>, ProtobufError> {
    let (mut seconds, mut nanos) = (0i64, 0i64);
    for item in Reader::new("Time", bytes) {
        match item? {
            (1, Wire::Varint(v)) => seconds = v as i64,
            (2, Wire::Varint(v)) => nanos = i64::from(v as i32),
            _ => {}
        }
    }
    // gogo writes an unset Time as an empty message; clients treat the epoch the same way.
    if seconds == 0 && nanos == 0 {
        return Ok(None);
    }
    let ts = jiff::Timestamp::from_second(seconds).map_err(|_| ProtobufError::TimeOutOfRange {
        message: msg.name,
        name: field.name,
        seconds,
    })?;
    Ok(Some(Value::String(ts.to_string())))
}

fn int_or_string(
    msg: &'static Message,
    field: &Field,
    bytes: &[u8],
) -> Result<Value, ProtobufError> {
    let (mut kind, mut int_val, mut str_val) = (0u64, 0i32, String::new());
    for item in Reader::new("IntOrString", bytes) {
        match item? {
            (1, Wire::Varint(v)) => kind = v,
            (2, Wire::Varint(v)) => int_val = v as i32,
            (3, Wire::Len(b)) => str_val = text(msg, field, b)?,
            _ => {}
        }
    }
    Ok(if kind == 1 {
        Value::String(str_val)
    } else {
        Value::from(int_val)
    })
}

fn repeated(
    msg: &'static Message,
    field: &Field,
    wire: Wire<'_>,
    path: &str,
    out: &mut Map<String, Value>,
    ctx: &mut Ctx,
) -> Result<(), ProtobufError> {
    let mut items = Vec::new();
    match (field.ty, wire) {
        // Scalars may also arrive packed into one length-delimited field.
        (Ty::Int32 | Ty::Int64 | Ty::Bool, Wire::Len(bytes)) => {
            for v in packed_varints(msg.name, bytes) {
                items.push(number(field.ty, v?));
            }
        }
        (ty, wire) => {
            let index = out
                .get(field.name)
                .and_then(Value::as_array)
                .map_or(0, Vec::len);
            let path = format!("{}[{index}]", child(path, field.name));
            // Elements are kept as written: an epoch Time element still reads as the epoch.
            let value = single(msg, field, ty, wire, &path, ctx)?
                .unwrap_or_else(|| Value::String("1970-01-01T00:00:00Z".into()));
            items.push(value);
        }
    }
    match out
        .entry(field.name)
        .or_insert_with(|| Value::Array(Vec::new()))
    {
        Value::Array(existing) => existing.extend(items),
        other => *other = Value::Array(items),
    }
    Ok(())
}

fn map_entry(
    msg: &'static Message,
    field: &Field,
    wire: Wire<'_>,
    path: &str,
    out: &mut Map<String, Value>,
    ctx: &mut Ctx,
) -> Result<(), ProtobufError> {
    let (mut key, mut value) = (String::new(), None);
    for item in Reader::new("MapEntry", len(msg, field, wire)?) {
        match item? {
            (1, Wire::Len(bytes)) => key = text(msg, field, bytes)?,
            (2, wire) => {
                let path = format!("{}.{key}", child(path, field.name));
                value = single(msg, field, field.ty, wire, &path, ctx)?;
            }
            _ => {}
        }
    }
    // gogo writes both halves of an entry, but a missing value is the zero value.
    let value = value.unwrap_or_else(|| match field.ty {
        Ty::Message(_) | Ty::Inline(_) => Value::Object(Map::new()),
        Ty::StringList => Value::Array(Vec::new()),
        Ty::Int32 | Ty::Int64 => Value::from(0),
        Ty::Bool => Value::Bool(false),
        _ => Value::String(String::new()),
    });
    match out
        .entry(field.name)
        .or_insert_with(|| Value::Object(Map::new()))
    {
        Value::Object(entries) => {
            entries.insert(key, value);
        }
        other => *other = Value::Object(Map::from_iter([(key, value)])),
    }
    Ok(())
}

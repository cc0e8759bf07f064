//! Message schemas as data: for each field number, its JSON name, type and presence rule.
//!
//! Field numbers come from upstream's `generated.proto` files (k8s.io/api and
//! k8s.io/apimachinery). Whether a field is a Go pointer comes from upstream's `types.go`, and
//! decides how zero values are read (see [`Card`]).

/// The type of a field's value.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Ty {
    /// UTF-8 string.
    String,
    /// Varint, read as a signed 32-bit integer.
    Int32,
    /// Varint, read as a signed 64-bit integer.
    Int64,
    /// Varint, non-zero is true.
    Bool,
    /// Bytes; base64 in JSON.
    Bytes,
    /// `meta.v1.Time` {1 seconds, 2 nanos}; RFC 3339 seconds in JSON (upstream drops nanos).
    Time,
    /// `intstr.IntOrString` {1 type, 2 intVal, 3 strVal}; a number or a string in JSON.
    IntOrString,
    /// `resource.Quantity` {1 string}; the string in JSON.
    Quantity,
    /// `meta.v1.FieldsV1` {1 raw JSON bytes}; the JSON value itself.
    FieldsV1,
    /// A message whose field 1 is a repeated string (`authentication.v1.ExtraValue`); a JSON
    /// array.
    StringList,
    /// An embedded message; a JSON object.
    Message(&'static Message),
    /// A Go embedded struct (`json:",inline"`): its fields land directly in the parent object.
    Inline(&'static Message),
}

/// How a field occurs and which zero values mean "unset".
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Card {
    /// A non-pointer Go field. The gogo marshaller writes it even when zero, so a zero value
    /// (empty string, 0, false, empty message, the epoch) means unset and is left out.
    Value,
    /// A pointer Go field, written only when set: a zero value was meant and is kept.
    Pointer,
    /// Present in JSON even when empty (the top-level `metadata`, a review's `spec`).
    Always,
    /// A repeated field; every element is kept as written.
    Repeated,
    /// `map<string, T>`: repeated entries {1 key, 2 value}; every value is kept.
    Map,
}

/// One field of a message.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Field {
    pub(crate) number: u32,
    pub(crate) name: &'static str,
    pub(crate) ty: Ty,
    pub(crate) card: Card,
}

/// A message: its name (for errors and reports) and fields.
#[derive(Debug)]
pub(crate) struct Message {
    pub(crate) name: &'static str,
    pub(crate) fields: &'static [Field],
}

impl Message {
    /// The field with wire number `number`.
    pub(crate) fn field(&self, number: u32) -> Option<&'static Field> {
        self.fields.iter().find(|f| f.number == number)
    }
}

/// A non-pointer field (zero means unset).
pub(crate) const fn val(number: u32, name: &'static str, ty: Ty) -> Field {
    Field {
        number,
        name,
        ty,
        card: Card::Value,
    }
}

/// A pointer field (zero is kept).
pub(crate) const fn ptr(number: u32, name: &'static str, ty: Ty) -> Field {
    Field {
        number,
        name,
        ty,
        card: Card::Pointer,
    }
}

/// A field always present in JSON.
pub(crate) const fn always(number: u32, name: &'static str, ty: Ty) -> Field {
    Field {
        number,
        name,
        ty,
        card: Card::Always,
    }
}

/// A repeated field.
pub(crate) const fn rep(number: u32, name: &'static str, ty: Ty) -> Field {
    Field {
        number,
        name,
        ty,
        card: Card::Repeated,
    }
}

/// A `map<string, ty>` field.
pub(crate) const fn map(number: u32, name: &'static str, ty: Ty) -> Field {
    Field {
        number,
        name,
        ty,
        card: Card::Map,
    }
}

/// A pointer to an embedded message (kept even when empty).
pub(crate) const fn ptr_msg(number: u32, name: &'static str, msg: &'static Message) -> Field {
    ptr(number, name, Ty::Message(msg))
}

/// A non-pointer embedded message (left out when empty).
pub(crate) const fn val_msg(number: u32, name: &'static str, msg: &'static Message) -> Field {
    val(number, name, Ty::Message(msg))
}

/// A repeated embedded message.
pub(crate) const fn rep_msg(number: u32, name: &'static str, msg: &'static Message) -> Field {
    rep(number, name, Ty::Message(msg))
}

/// An inline (Go embedded) message.
pub(crate) const fn inline(number: u32, msg: &'static Message) -> Field {
    val(number, "", Ty::Inline(msg))
}

/// Checks that hold for every table: field numbers and JSON names are unique per message.
#[cfg(test)]
pub(crate) fn check(msg: &'static Message, seen: &mut Vec<&'static str>) {
    if seen.contains(&msg.name) {
        return;
    }
    seen.push(msg.name);
    for (i, field) in msg.fields.iter().enumerate() {
        for other in &msg.fields[i + 1..] {
            assert_ne!(field.number, other.number, "{}: number reused", msg.name);
            if !field.name.is_empty() {
                assert_ne!(field.name, other.name, "{}: name reused", msg.name);
            }
        }
        if let Ty::Message(inner) | Ty::Inline(inner) = field.ty {
            check(inner, seen);
        }
    }
}

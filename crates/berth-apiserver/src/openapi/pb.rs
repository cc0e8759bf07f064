//! A minimal protobuf writer: enough to build the gnostic `openapi_v2.Document` by hand
//! (strings, booleans and embedded messages).

/// Wire type of varints.
const VARINT: u8 = 0;
/// Wire type of length-delimited values.
const LEN: u8 = 2;

/// One protobuf message being written.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Message {
    buf: Vec<u8>,
}

impl Message {
    pub(crate) fn new() -> Self {
        Self::default()
    }

    /// Appends a `string` field.
    pub(crate) fn string(&mut self, field: u32, value: &str) -> &mut Self {
        self.bytes(field, value.as_bytes())
    }

    /// Appends a `repeated string` field, one entry per value.
    pub(crate) fn strings(&mut self, field: u32, values: &[&str]) -> &mut Self {
        for value in values {
            self.string(field, value);
        }
        self
    }

    /// Appends a `bool` field.
    pub(crate) fn bool(&mut self, field: u32, value: bool) -> &mut Self {
        self.key(field, VARINT);
        self.varint(u64::from(value));
        self
    }

    /// Appends an embedded message.
    pub(crate) fn message(&mut self, field: u32, value: &Message) -> &mut Self {
        self.bytes(field, &value.buf)
    }

    /// The encoded message.
    pub(crate) fn into_bytes(self) -> Vec<u8> {
        self.buf
    }

    fn bytes(&mut self, field: u32, value: &[u8]) -> &mut Self {
        self.key(field, LEN);
        self.varint(value.len() as u64);
        self.buf.extend_from_slice(value);
        self
    }

    fn key(&mut self, field: u32, wire_type: u8) {
        self.varint((u64::from(field) << 3) | u64::from(wire_type));
    }

    fn varint(&mut self, mut value: u64) {
        while value >= 0x80 {
            self.buf.push((value as u8 & 0x7f) | 0x80);
            value >>= 7;
        }
        self.buf.push(value as u8);
    }
}

/// A test-only reader, to check documents the way a client walks them.
#[cfg(test)]
#[allow(clippy::unwrap_used)]
pub(crate) mod read {
    /// A decoded field value.
    #[derive(Debug, Clone, PartialEq, Eq)]
    pub(crate) enum Val<'a> {
        Varint(u64),
        Bytes(&'a [u8]),
    }

    /// All `(field, value)` pairs of a message, in order. Panics on malformed input.
    pub(crate) fn fields(mut buf: &[u8]) -> Vec<(u32, Val<'_>)> {
        let mut out = Vec::new();
        while !buf.is_empty() {
            let key = varint(&mut buf);
            let field = (key >> 3) as u32;
            match key & 7 {
                0 => out.push((field, Val::Varint(varint(&mut buf)))),
                2 => {
                    let len = varint(&mut buf) as usize;
                    let (value, rest) = buf.split_at(len);
                    out.push((field, Val::Bytes(value)));
                    buf = rest;
                }
                other => panic!("unexpected wire type {other}"),
            }
        }
        out
    }

    /// The embedded messages or strings of field `n`.
    pub(crate) fn all(buf: &[u8], n: u32) -> Vec<&[u8]> {
        fields(buf)
            .into_iter()
            .filter_map(|(f, v)| match v {
                Val::Bytes(b) if f == n => Some(b),
                _ => None,
            })
            .collect()
    }

    /// The last length-delimited value of field `n`, or empty.
    pub(crate) fn one(buf: &[u8], n: u32) -> &[u8] {
        all(buf, n).pop().unwrap_or_default()
    }

    /// Field `n` as a string.
    pub(crate) fn text(buf: &[u8], n: u32) -> &str {
        std::str::from_utf8(one(buf, n)).unwrap()
    }

    fn varint(buf: &mut &[u8]) -> u64 {
        let mut value = 0u64;
        for shift in (0..64).step_by(7) {
            let (byte, rest) = buf.split_first().unwrap();
            *buf = rest;
            value |= u64::from(byte & 0x7f) << shift;
            if byte & 0x80 == 0 {
                break;
            }
        }
        value
    }
}

#[cfg(test)]
mod tests {
    use super::read::{Val, fields};
    use super::*;

    #[test]
    fn encodes_known_byte_strings() {
        // Field 1 "2.0" and field 150 true: keys 0x0a and 0xb0 0x09 (150 << 3 needs two bytes).
        let mut msg = Message::new();
        msg.string(1, "2.0").bool(150, true);
        assert_eq!(
            msg.into_bytes(),
            [0x0a, 0x03, b'2', b'.', b'0', 0xb0, 0x09, 0x01]
        );
    }

    #[test]
    fn long_values_round_trip() {
        let long = "x".repeat(300);
        let mut inner = Message::new();
        inner.string(2, &long);
        let mut outer = Message::new();
        outer.message(8, &inner).strings(7, &["a", "b"]);
        let bytes = outer.into_bytes();
        let top = fields(&bytes);
        assert_eq!(top.len(), 3);
        let Val::Bytes(inner) = top[0].1 else {
            panic!("not a message")
        };
        assert_eq!(fields(inner), [(2, Val::Bytes(long.as_bytes()))]);
        assert_eq!(top[1], (7, Val::Bytes(b"a")));
        assert_eq!(top[2], (7, Val::Bytes(b"b")));
    }
}

//! Protobuf wire format: a bounds-checked reader of `(field number, value)` pairs.

use super::ProtobufError;

/// One field value as it appears on the wire.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Wire<'a> {
    /// Wire type 0.
    Varint(u64),
    /// Wire type 1.
    Fixed64(u64),
    /// Wire type 2: strings, bytes, embedded messages, packed repeated scalars.
    Len(&'a [u8]),
    /// Wire type 5.
    Fixed32(u32),
}

impl Wire<'_> {
    /// The wire type number, for error messages.
    pub(crate) fn wire_type(&self) -> u8 {
        match self {
            Wire::Varint(_) => 0,
            Wire::Fixed64(_) => 1,
            Wire::Len(_) => 2,
            Wire::Fixed32(_) => 5,
        }
    }
}

/// Iterates over the fields of one message. After the first error it yields nothing more.
#[derive(Debug, Clone)]
pub(crate) struct Reader<'a> {
    /// Message name for error messages.
    message: &'static str,
    buf: &'a [u8],
    pos: usize,
    failed: bool,
}

impl<'a> Reader<'a> {
    pub(crate) fn new(message: &'static str, buf: &'a [u8]) -> Self {
        Self {
            message,
            buf,
            pos: 0,
            failed: false,
        }
    }

    fn varint(&mut self) -> Result<u64, ProtobufError> {
        let start = self.pos;
        let mut value = 0u64;
        for i in 0..10 {
            let Some(&byte) = self.buf.get(self.pos) else {
                return Err(ProtobufError::TruncatedVarint {
                    message: self.message,
                    offset: start,
                });
            };
            self.pos += 1;
            // The tenth byte can only contribute the top bit; extra bits are dropped as
            // protobuf decoders do.
            value |= u64::from(byte & 0x7f) << (7 * i);
            if byte & 0x80 == 0 {
                return Ok(value);
            }
        }
        Err(ProtobufError::VarintTooLong {
            message: self.message,
            offset: start,
        })
    }

    fn take(&mut self, len: u64, offset: usize) -> Result<&'a [u8], ProtobufError> {
        let remaining = self.buf.len() - self.pos;
        let overflow = || ProtobufError::LengthOverflow {
            message: self.message,
            offset,
            len,
            remaining,
        };
        let len_usize = usize::try_from(len).map_err(|_| overflow())?;
        if len_usize > remaining {
            return Err(overflow());
        }
        let bytes = &self.buf[self.pos..self.pos + len_usize];
        self.pos += len_usize;
        Ok(bytes)
    }

    fn field(&mut self) -> Result<(u32, Wire<'a>), ProtobufError> {
        let offset = self.pos;
        let key = self.varint()?;
        let number = u32::try_from(key >> 3)
            .ok()
            .filter(|n| (1..=0x1fff_ffff).contains(n))
            .ok_or(ProtobufError::FieldNumber {
                message: self.message,
                offset,
            })?;
        let value = match key & 7 {
            0 => Wire::Varint(self.varint()?),
            1 => {
                let bytes = self.take(8, offset)?;
                let mut arr = [0u8; 8];
                arr.copy_from_slice(bytes);
                Wire::Fixed64(u64::from_le_bytes(arr))
            }
            2 => {
                let len = self.varint()?;
                Wire::Len(self.take(len, offset)?)
            }
            5 => {
                let bytes = self.take(4, offset)?;
                let mut arr = [0u8; 4];
                arr.copy_from_slice(bytes);
                Wire::Fixed32(u32::from_le_bytes(arr))
            }
            // 3 and 4 are the deprecated groups, 6 and 7 do not exist; Kubernetes uses none.
            other => {
                return Err(ProtobufError::WireType {
                    message: self.message,
                    offset,
                    wire_type: other as u8,
                });
            }
        };
        Ok((number, value))
    }
}

impl<'a> Iterator for Reader<'a> {
    type Item = Result<(u32, Wire<'a>), ProtobufError>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.failed || self.pos >= self.buf.len() {
            return None;
        }
        let item = self.field();
        self.failed = item.is_err();
        Some(item)
    }
}

/// The varints of a packed repeated scalar field.
pub(crate) fn packed_varints<'a>(
    message: &'static str,
    buf: &'a [u8],
) -> impl Iterator<Item = Result<u64, ProtobufError>> + 'a {
    let mut reader = Reader::new(message, buf);
    std::iter::from_fn(move || {
        if reader.failed || reader.pos >= reader.buf.len() {
            return None;
        }
        let item = reader.varint();
        reader.failed = item.is_err();
        Some(item)
    })
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn read(buf: &[u8]) -> Result<Vec<(u32, Wire<'_>)>, ProtobufError> {
        Reader::new("Test", buf).collect()
    }

    #[test]
    fn reads_every_wire_type() {
        let buf = [
            0x08, 0x96, 0x01, // field 1 varint 150
            0x11, 1, 0, 0, 0, 0, 0, 0, 0, // field 2 fixed64 1
            0x1a, 0x02, b'h', b'i', // field 3 "hi"
            0x25, 2, 0, 0, 0, // field 4 fixed32 2
        ];
        assert_eq!(
            read(&buf).unwrap(),
            [
                (1, Wire::Varint(150)),
                (2, Wire::Fixed64(1)),
                (3, Wire::Len(b"hi")),
                (4, Wire::Fixed32(2)),
            ]
        );
    }

    #[test]
    fn ten_byte_varint_is_minus_one() {
        let mut buf = vec![0x08];
        buf.extend([0xff; 9]);
        buf.push(0x01);
        assert_eq!(read(&buf).unwrap(), [(1, Wire::Varint(u64::MAX))]);
    }

    #[test]
    fn malformed_input_is_an_error() {
        let cases: [(&[u8], ProtobufError); 7] = [
            (
                &[0x08],
                ProtobufError::TruncatedVarint {
                    message: "Test",
                    offset: 1,
                },
            ),
            (
                &[0x08, 0x80],
                ProtobufError::TruncatedVarint {
                    message: "Test",
                    offset: 1,
                },
            ),
            (
                &[
                    0x08, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01,
                ],
                ProtobufError::VarintTooLong {
                    message: "Test",
                    offset: 1,
                },
            ),
            (
                &[0x0a, 0x05, b'a'],
                ProtobufError::LengthOverflow {
                    message: "Test",
                    offset: 0,
                    len: 5,
                    remaining: 1,
                },
            ),
            (
                &[
                    0x0a, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01,
                ],
                ProtobufError::LengthOverflow {
                    message: "Test",
                    offset: 0,
                    len: u64::MAX,
                    remaining: 0,
                },
            ),
            (
                &[0x0b],
                ProtobufError::WireType {
                    message: "Test",
                    offset: 0,
                    wire_type: 3,
                },
            ),
            (
                &[0x02, 0x00],
                ProtobufError::FieldNumber {
                    message: "Test",
                    offset: 0,
                },
            ),
        ];
        for (buf, want) in cases {
            assert_eq!(read(buf).unwrap_err(), want, "{buf:?}");
        }
    }

    #[test]
    fn fixed_width_values_must_be_complete() {
        assert!(matches!(
            read(&[0x11, 1, 2, 3]),
            Err(ProtobufError::LengthOverflow { len: 8, .. })
        ));
        assert!(matches!(
            read(&[0x25, 1]),
            Err(ProtobufError::LengthOverflow { len: 4, .. })
        ));
    }

    #[test]
    fn packed_varints_decode_until_the_end() {
        let values: Result<Vec<u64>, _> = packed_varints("Test", &[0x01, 0x96, 0x01]).collect();
        assert_eq!(values.unwrap(), [1, 150]);
        let truncated: Result<Vec<u64>, _> = packed_varints("Test", &[0x01, 0x96]).collect();
        assert!(truncated.is_err());
    }
}

//! The error Go's `json.Unmarshal(data, &map[string]interface{}{})` returns, used verbatim in
//! the Secret docker-config messages. A byte-level scanner reproduces Go's syntax-error texts
//! (`invalid character 'x' looking for beginning of value`, `unexpected end of JSON input`);
//! well-formed input that is not an object gives the type error.

/// Go's message for `data`, or `None` when Go would accept it (an object or `null`).
pub(crate) fn unmarshal_object_error(data: &[u8]) -> Option<String> {
    if let Err(e) = scan(data) {
        return Some(e);
    }
    let first = data.iter().copied().find(|b| !is_space(*b))?;
    let found = match first {
        b'{' | b'n' => return None,
        b'[' => "array",
        b'"' => "string",
        b't' | b'f' => "bool",
        _ => "number",
    };
    Some(format!(
        "json: cannot unmarshal {found} into Go value of type map[string]interface {{}}"
    ))
}

fn is_space(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | b'\r')
}

/// Go's `quoteChar`: `'x'`, with `'\''` and `'"'` special-cased and other characters quoted.
fn quote_char(b: u8) -> String {
    match b {
        b'\'' => "'\\''".to_owned(),
        b'"' => "'\"'".to_owned(),
        _ => {
            let q = super::gofmt::quote(&char::from(b).to_string());
            format!("'{}'", &q[1..q.len() - 1])
        }
    }
}

fn invalid(b: u8, context: &str) -> String {
    format!("invalid character {} {context}", quote_char(b))
}

const EOF: &str = "unexpected end of JSON input";
const MAX_DEPTH: usize = 10000;

#[derive(Clone, Copy)]
enum Frame {
    /// Inside an object, after a value (or at `{`), expecting a key.
    ObjectKey { first: bool },
    /// Inside an array, before an element.
    ArrayElem { first: bool },
}

struct Scanner<'a> {
    data: &'a [u8],
    pos: usize,
}

impl Scanner<'_> {
    fn skip_space(&mut self) {
        while self.data.get(self.pos).is_some_and(|b| is_space(*b)) {
            self.pos += 1;
        }
    }

    fn peek(&self) -> Result<u8, String> {
        self.data
            .get(self.pos)
            .copied()
            .ok_or_else(|| EOF.to_owned())
    }

    fn string(&mut self) -> Result<(), String> {
        self.pos += 1;
        loop {
            let b = self.peek()?;
            self.pos += 1;
            match b {
                b'"' => return Ok(()),
                b'\\' => {
                    let e = self.peek()?;
                    self.pos += 1;
                    match e {
                        b'"' | b'\\' | b'/' | b'b' | b'f' | b'n' | b'r' | b't' => {}
                        b'u' => {
                            for _ in 0..4 {
                                let h = self.peek()?;
                                if !h.is_ascii_hexdigit() {
                                    return Err(invalid(h, "in \\u hexadecimal character escape"));
                                }
                                self.pos += 1;
                            }
                        }
                        other => return Err(invalid(other, "in string escape code")),
                    }
                }
                b if b < 0x20 => return Err(invalid(b, "in string literal")),
                _ => {}
            }
        }
    }

    fn digits(&mut self) -> usize {
        let start = self.pos;
        while self.data.get(self.pos).is_some_and(u8::is_ascii_digit) {
            self.pos += 1;
        }
        self.pos - start
    }

    fn number(&mut self) -> Result<(), String> {
        if self.peek()? == b'-' {
            self.pos += 1;
            let b = self.peek()?;
            if !b.is_ascii_digit() {
                return Err(invalid(b, "in numeric literal"));
            }
        }
        if self.peek()? == b'0' {
            self.pos += 1;
        } else {
            self.digits();
        }
        if self.data.get(self.pos) == Some(&b'.') {
            self.pos += 1;
            let b = self.peek()?;
            if !b.is_ascii_digit() {
                return Err(invalid(b, "after decimal point in numeric literal"));
            }
            self.digits();
        }
        if matches!(self.data.get(self.pos), Some(b'e' | b'E')) {
            self.pos += 1;
            if matches!(self.peek()?, b'+' | b'-') {
                self.pos += 1;
            }
            let b = self.peek()?;
            if !b.is_ascii_digit() {
                return Err(invalid(b, "in exponent of numeric literal"));
            }
            self.digits();
        }
        Ok(())
    }

    /// A literal whose first byte is at the current position.
    fn literal(&mut self, word: &str) -> Result<(), String> {
        self.pos += 1;
        for want in word.bytes().skip(1) {
            let b = self.peek()?;
            if b != want {
                return Err(invalid(
                    b,
                    &format!("in literal {word} (expecting {})", quote_char(want)),
                ));
            }
            self.pos += 1;
        }
        Ok(())
    }
}

/// Go's `checkValid`: scans the whole input and reports the first syntax error.
fn scan(data: &[u8]) -> Result<(), String> {
    let mut s = Scanner { data, pos: 0 };
    let mut stack: Vec<Frame> = Vec::new();
    // Whether the next token must be a value (true) or the scanner just finished one (false).
    let mut want_value = true;
    loop {
        s.skip_space();
        if want_value {
            let b = s.peek()?;
            match b {
                b'{' | b'[' => {
                    if stack.len() >= MAX_DEPTH {
                        return Err(invalid(b, "exceeded max depth"));
                    }
                    s.pos += 1;
                    stack.push(if b == b'{' {
                        Frame::ObjectKey { first: true }
                    } else {
                        Frame::ArrayElem { first: true }
                    });
                }
                b'"' => {
                    s.string()?;
                    want_value = false;
                }
                b'-' | b'0'..=b'9' => {
                    s.number()?;
                    want_value = false;
                }
                b't' => {
                    s.literal("true")?;
                    want_value = false;
                }
                b'f' => {
                    s.literal("false")?;
                    want_value = false;
                }
                b'n' => {
                    s.literal("null")?;
                    want_value = false;
                }
                other => return Err(invalid(other, "looking for beginning of value")),
            }
            // A container was opened: look for its first key or element.
            match stack.last().copied() {
                Some(Frame::ObjectKey { first: true }) if want_value => {
                    s.skip_space();
                    let b = s.peek()?;
                    if b == b'}' {
                        s.pos += 1;
                        stack.pop();
                        want_value = false;
                    } else {
                        object_key(&mut s, b)?;
                        if let Some(top) = stack.last_mut() {
                            *top = Frame::ObjectKey { first: false };
                        }
                    }
                }
                Some(Frame::ArrayElem { first: true }) if want_value => {
                    s.skip_space();
                    if s.peek()? == b']' {
                        s.pos += 1;
                        stack.pop();
                        want_value = false;
                    } else if let Some(top) = stack.last_mut() {
                        *top = Frame::ArrayElem { first: false };
                    }
                }
                _ => {}
            }
            continue;
        }
        // After a complete value.
        let Some(top) = stack.last().copied() else {
            return match data.get(s.pos) {
                None => Ok(()),
                Some(&b) => Err(invalid(b, "after top-level value")),
            };
        };
        let b = s.peek()?;
        match (top, b) {
            (Frame::ObjectKey { .. }, b',') => {
                s.pos += 1;
                s.skip_space();
                let k = s.peek()?;
                object_key(&mut s, k)?;
                want_value = true;
            }
            (Frame::ObjectKey { .. }, b'}') | (Frame::ArrayElem { .. }, b']') => {
                s.pos += 1;
                stack.pop();
            }
            (Frame::ObjectKey { .. }, other) => {
                return Err(invalid(other, "after object key:value pair"));
            }
            (Frame::ArrayElem { .. }, b',') => {
                s.pos += 1;
                want_value = true;
            }
            (Frame::ArrayElem { .. }, other) => return Err(invalid(other, "after array element")),
        }
    }
}

/// A key string and the `:` after it; leaves the scanner before the value.
fn object_key(s: &mut Scanner<'_>, first: u8) -> Result<(), String> {
    if first != b'"' {
        return Err(invalid(first, "looking for beginning of object key string"));
    }
    s.string()?;
    s.skip_space();
    let b = s.peek()?;
    if b != b':' {
        return Err(invalid(b, "after object key"));
    }
    s.pos += 1;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::unmarshal_object_error;

    #[test]
    fn messages_match_encoding_json() {
        let cases: [(&str, Option<&str>); 22] = [
            (r#"{"auths":{}}"#, None),
            ("null", None),
            ("  { } ", None),
            (r#"{"a":[1,2.5,-3e+2,true,false,null,"x\u00e9\n"]}"#, None),
            ("", Some("unexpected end of JSON input")),
            ("   ", Some("unexpected end of JSON input")),
            ("{", Some("unexpected end of JSON input")),
            (r#"{"a":"#, Some("unexpected end of JSON input")),
            (
                "not json",
                Some("invalid character 'o' in literal null (expecting 'u')"),
            ),
            (
                "hello",
                Some("invalid character 'h' looking for beginning of value"),
            ),
            (
                "{a:1}",
                Some("invalid character 'a' looking for beginning of object key string"),
            ),
            (r#"{"a" 1}"#, Some("invalid character '1' after object key")),
            (
                r#"{"a":1 "b":2}"#,
                Some("invalid character '\"' after object key:value pair"),
            ),
            (
                r#"{"a":1,}"#,
                Some("invalid character '}' looking for beginning of object key string"),
            ),
            ("[1 2]", Some("invalid character '2' after array element")),
            (
                "[1,]",
                Some("invalid character ']' looking for beginning of value"),
            ),
            ("{} x", Some("invalid character 'x' after top-level value")),
            ("-x", Some("invalid character 'x' in numeric literal")),
            (
                "1.x",
                Some("invalid character 'x' after decimal point in numeric literal"),
            ),
            (
                "\"a\nb\"",
                Some("invalid character '\\n' in string literal"),
            ),
            (
                "[]",
                Some("json: cannot unmarshal array into Go value of type map[string]interface {}"),
            ),
            (
                "\"s\"",
                Some("json: cannot unmarshal string into Go value of type map[string]interface {}"),
            ),
        ];
        for (input, want) in cases {
            assert_eq!(
                unmarshal_object_error(input.as_bytes()).as_deref(),
                want,
                "input {input:?}"
            );
        }
    }

    #[test]
    fn more_scalars_and_escapes() {
        let cases = [
            (
                "42",
                "json: cannot unmarshal number into Go value of type map[string]interface {}",
            ),
            (
                "true",
                "json: cannot unmarshal bool into Go value of type map[string]interface {}",
            ),
            (r#""\q""#, "invalid character 'q' in string escape code"),
            (
                r#""\u12g4""#,
                "invalid character 'g' in \\u hexadecimal character escape",
            ),
            ("1e+", "unexpected end of JSON input"),
            (
                "1ex",
                "invalid character 'x' in exponent of numeric literal",
            ),
            ("01", "invalid character '1' after top-level value"),
            (
                "{'a':1}",
                "invalid character '\\'' looking for beginning of object key string",
            ),
        ];
        for (input, want) in cases {
            assert_eq!(
                unmarshal_object_error(input.as_bytes()).as_deref(),
                Some(want),
                "input {input:?}"
            );
        }
    }

    #[test]
    fn deep_nesting_is_an_error_not_a_crash() {
        let deep = "[".repeat(200_000);
        assert_eq!(
            unmarshal_object_error(deep.as_bytes()).as_deref(),
            Some("invalid character '[' exceeded max depth")
        );
    }
}

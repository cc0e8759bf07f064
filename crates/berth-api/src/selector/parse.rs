//! The `labelSelector` string lexer and parser, token for token as upstream's.

use super::names::key_error;
use super::{Operator, Requirement};

/// Parses a whole selector string into its requirements (unsorted), or upstream's message.
pub(super) fn parse(input: &str) -> Result<Vec<Requirement>, String> {
    let mut parser = Parser {
        items: lex(input),
        pos: 0,
    };
    parser.parse()
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Tok {
    End,
    ClosedPar,
    Comma,
    DoesNotExist,
    DoubleEquals,
    Equals,
    GreaterThan,
    Identifier,
    In,
    LessThan,
    NotEquals,
    NotIn,
    OpenPar,
}

fn symbol(s: &[u8]) -> Option<Tok> {
    Some(match s {
        b")" => Tok::ClosedPar,
        b"," => Tok::Comma,
        b"!" => Tok::DoesNotExist,
        b"==" => Tok::DoubleEquals,
        b"=" => Tok::Equals,
        b">" => Tok::GreaterThan,
        b"<" => Tok::LessThan,
        b"!=" => Tok::NotEquals,
        b"(" => Tok::OpenPar,
        _ => return None,
    })
}

fn is_special(c: u8) -> bool {
    matches!(c, b'=' | b'!' | b'(' | b')' | b',' | b'>' | b'<')
}

fn is_space(c: u8) -> bool {
    matches!(c, b' ' | b'\t' | b'\r' | b'\n')
}

/// Splits the input into tokens, ending with `End`. Like upstream's lexer a NUL byte counts as
/// the end of input where a token would start, and is swallowed right after a token.
fn lex(input: &str) -> Vec<(Tok, &str)> {
    let b = input.as_bytes();
    let mut pos = 0;
    let mut out = Vec::new();
    loop {
        while pos < b.len() && is_space(b[pos]) {
            pos += 1;
        }
        if pos >= b.len() || b[pos] == 0 {
            out.push((Tok::End, ""));
            return out;
        }
        let start = pos;
        if is_special(b[pos]) {
            // Longest run of symbol characters that still names a token.
            let mut end = pos + 1;
            while end < b.len() && is_special(b[end]) && symbol(&b[start..=end]).is_some() {
                end += 1;
            }
            let tok = symbol(&b[start..end]).unwrap_or(Tok::End);
            pos = end;
            if pos < b.len() && b[pos] == 0 {
                pos += 1;
            }
            out.push((tok, &input[start..end]));
        } else {
            while pos < b.len() && b[pos] != 0 && !is_special(b[pos]) && !is_space(b[pos]) {
                pos += 1;
            }
            let lit = &input[start..pos];
            if pos < b.len() && b[pos] == 0 {
                pos += 1;
            }
            let tok = match lit {
                "in" => Tok::In,
                "notin" => Tok::NotIn,
                _ => Tok::Identifier,
            };
            out.push((tok, lit));
        }
    }
}

struct Parser<'a> {
    items: Vec<(Tok, &'a str)>,
    pos: usize,
}

impl<'a> Parser<'a> {
    /// The next token; in value position `in`/`notin` are plain identifiers.
    fn peek(&self, values: bool) -> (Tok, &'a str) {
        let idx = self.pos.min(self.items.len().saturating_sub(1));
        let (tok, lit) = self.items.get(idx).copied().unwrap_or((Tok::End, ""));
        match tok {
            Tok::In | Tok::NotIn if values => (Tok::Identifier, lit),
            _ => (tok, lit),
        }
    }

    fn next(&mut self, values: bool) -> (Tok, &'a str) {
        let item = self.peek(values);
        self.pos += 1;
        item
    }

    fn parse(&mut self) -> Result<Vec<Requirement>, String> {
        let mut requirements = Vec::new();
        loop {
            let (tok, lit) = self.peek(true);
            match tok {
                Tok::Identifier | Tok::DoesNotExist => {
                    let r = self
                        .requirement()
                        .map_err(|e| format!("unable to parse requirement: {e}"))?;
                    requirements.push(r);
                    let (t, l) = self.next(true);
                    match t {
                        Tok::End => return Ok(requirements),
                        Tok::Comma => {
                            let (t2, l2) = self.peek(true);
                            if t2 != Tok::Identifier && t2 != Tok::DoesNotExist {
                                return Err(format!(
                                    "found '{l2}', expected: identifier after ','"
                                ));
                            }
                        }
                        _ => return Err(format!("found '{l}', expected: ',' or 'end of string'")),
                    }
                }
                Tok::End => return Ok(requirements),
                _ => {
                    return Err(format!(
                        "found '{lit}', expected: !, identifier, or 'end of string'"
                    ));
                }
            }
        }
    }

    fn requirement(&mut self) -> Result<Requirement, String> {
        let (mut tok, mut lit) = self.next(true);
        let mut op = None;
        if tok == Tok::DoesNotExist {
            op = Some(Operator::DoesNotExist);
            (tok, lit) = self.next(true);
        }
        if tok != Tok::Identifier {
            return Err(format!("found '{lit}', expected: identifier"));
        }
        let key = lit;
        // The parser checks the key with no field path, which upstream renders as `<nil>`.
        if let Some(e) = key_error(key, "<nil>") {
            return Err(e.to_string());
        }
        if matches!(self.peek(true).0, Tok::End | Tok::Comma) && op.is_none() {
            op = Some(Operator::Exists);
        }
        if let Some(op) = op {
            return Requirement::new(key, op, Vec::new()).map_err(|e| e.0);
        }
        let (tok, lit) = self.next(false);
        let op = match tok {
            Tok::In => Operator::In,
            Tok::Equals => Operator::Equals,
            Tok::DoubleEquals => Operator::DoubleEquals,
            Tok::GreaterThan => Operator::GreaterThan,
            Tok::LessThan => Operator::LessThan,
            Tok::NotIn => Operator::NotIn,
            Tok::NotEquals => Operator::NotEquals,
            _ => {
                return Err(format!(
                    "found '{lit}', expected: in, notin, =, ==, !=, gt, lt"
                ));
            }
        };
        let mut values = if matches!(op, Operator::In | Operator::NotIn) {
            self.value_set()?
        } else {
            vec![self.exact_value()?]
        };
        values.sort();
        values.dedup();
        Requirement::new(key, op, values).map_err(|e| e.0)
    }

    fn value_set(&mut self) -> Result<Vec<String>, String> {
        let (tok, lit) = self.next(true);
        if tok != Tok::OpenPar {
            return Err(format!("found '{lit}' expected: '('"));
        }
        let (tok, lit) = self.peek(true);
        match tok {
            Tok::Identifier | Tok::Comma => {
                let set = self.identifiers()?;
                if self.next(true).0 != Tok::ClosedPar {
                    return Err(format!("found '{lit}', expected: ')'"));
                }
                Ok(set)
            }
            Tok::ClosedPar => {
                self.next(true);
                Ok(vec![String::new()])
            }
            _ => Err(format!("found '{lit}', expected: ',', ')' or identifier")),
        }
    }

    /// A comma-separated, possibly empty, list of possibly empty identifiers.
    fn identifiers(&mut self) -> Result<Vec<String>, String> {
        let mut set: Vec<String> = Vec::new();
        loop {
            let (tok, lit) = self.next(true);
            match tok {
                Tok::Identifier => {
                    set.push(lit.to_owned());
                    let (t2, l2) = self.peek(true);
                    match t2 {
                        Tok::Comma => continue,
                        Tok::ClosedPar => return Ok(set),
                        _ => return Err(format!("found '{l2}', expected: ',' or ')'")),
                    }
                }
                Tok::Comma => {
                    if set.is_empty() {
                        set.push(String::new());
                    }
                    match self.peek(true).0 {
                        Tok::ClosedPar => {
                            set.push(String::new());
                            return Ok(set);
                        }
                        Tok::Comma => {
                            self.next(true);
                            set.push(String::new());
                        }
                        _ => {}
                    }
                }
                _ => return Err(format!("found '{lit}', expected: ',', or identifier")),
            }
        }
    }

    fn exact_value(&mut self) -> Result<String, String> {
        if matches!(self.peek(true).0, Tok::End | Tok::Comma) {
            return Ok(String::new());
        }
        match self.next(true) {
            (Tok::Identifier, lit) => Ok(lit.to_owned()),
            (_, lit) => Err(format!("found '{lit}', expected: identifier")),
        }
    }
}

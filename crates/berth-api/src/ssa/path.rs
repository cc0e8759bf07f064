//! Path elements of field sets, as structured-merge-diff defines them: a field name, the keys
//! of a list-map item, the value of a set member or a list index.
//!
//! Their order (fields, then keys, then values, then indices; values compared numerically
//! across integers and floats) fixes the order of `fieldsV1` entries and of conflicts. They
//! print as upstream prints them in messages (`.spec`, `[name="nginx"]`, `[="x"]`) and
//! serialise as `fieldsV1` keys (`f:spec`, `k:{"name":"nginx"}`, `v:"x"`, `i:0`).

use std::cmp::Ordering;

use serde_json::Value;

use super::gojson;

/// One step of a field path.
#[derive(Debug, Clone)]
pub(crate) enum Pe {
    /// A field of an object.
    Field(String),
    /// A list-map item, by its key fields sorted by name.
    Key(Vec<(String, Value)>),
    /// A set member.
    Value(Value),
    /// A list index (only in sets written by other servers).
    Index(i64),
}

/// A field path from the object root.
pub(crate) type Path = Vec<Pe>;

impl Pe {
    /// A field step.
    pub(crate) fn field(name: &str) -> Self {
        Pe::Field(name.to_owned())
    }

    fn rank(&self) -> u8 {
        match self {
            Pe::Field(_) => 0,
            Pe::Key(_) => 1,
            Pe::Value(_) => 2,
            Pe::Index(_) => 3,
        }
    }

    /// The `fieldsV1` key of this step.
    pub(crate) fn serialize(&self) -> String {
        match self {
            Pe::Field(name) => format!("f:{name}"),
            Pe::Key(fields) => {
                let mut out = String::from("k:{");
                for (i, (name, v)) in fields.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    gojson::write_string(name, &mut out);
                    out.push(':');
                    gojson::write_value(v, &mut out);
                }
                out.push('}');
                out
            }
            Pe::Value(v) => format!("v:{}", gojson::to_string(v)),
            Pe::Index(i) => format!("i:{i}"),
        }
    }

    /// Parses a `fieldsV1` key. `Ok(None)` for a key of an unknown kind, which readers skip.
    pub(crate) fn parse(key: &str) -> Result<Option<Pe>, String> {
        let Some((kind, rest)) = key.split_at_checked(2) else {
            return Err("key must be 2 characters long:".to_owned());
        };
        let mut chars = kind.chars();
        let (Some(tag), Some(sep)) = (chars.next(), chars.next()) else {
            return Err("key must be 2 characters long:".to_owned());
        };
        if sep != ':' {
            return Err(format!("missing colon: {key}"));
        }
        let json = |s: &str| serde_json::from_str::<Value>(s).map_err(|e| e.to_string());
        match tag {
            'f' => Ok(Some(Pe::Field(rest.to_owned()))),
            'v' => Ok(Some(Pe::Value(json(rest)?))),
            'k' => match json(rest)? {
                Value::Object(map) => Ok(Some(Pe::Key(map.into_iter().collect()))),
                other => Err(format!("expected a key object, got {other}")),
            },
            'i' => rest
                .parse::<i64>()
                .map(|i| Some(Pe::Index(i)))
                .map_err(|e| e.to_string()),
            _ => Ok(None),
        }
    }
}

impl std::fmt::Display for Pe {
    /// Upstream's `PathElement.String()`.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Pe::Field(name) => write!(f, ".{name}"),
            Pe::Key(fields) => {
                let parts: Vec<String> = fields
                    .iter()
                    .map(|(name, v)| format!("{name}={}", value_to_string(v)))
                    .collect();
                write!(f, "[{}]", parts.join(","))
            }
            Pe::Value(v) => write!(f, "[={}]", value_to_string(v)),
            Pe::Index(i) => write!(f, "[{i}]"),
        }
    }
}

/// A path as upstream prints it in conflicts: `.spec.template.spec.containers[name="a"].image`.
pub(crate) fn path_string(path: &[Pe]) -> String {
    path.iter().map(ToString::to_string).collect()
}

impl Ord for Pe {
    fn cmp(&self, other: &Self) -> Ordering {
        match (self, other) {
            (Pe::Field(a), Pe::Field(b)) => a.cmp(b),
            (Pe::Key(a), Pe::Key(b)) => compare_fields(a, b),
            (Pe::Value(a), Pe::Value(b)) => compare_values(a, b),
            (Pe::Index(a), Pe::Index(b)) => a.cmp(b),
            _ => self.rank().cmp(&other.rank()),
        }
    }
}

impl PartialOrd for Pe {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl PartialEq for Pe {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}

impl Eq for Pe {}

fn compare_fields(a: &[(String, Value)], b: &[(String, Value)]) -> Ordering {
    for ((an, av), (bn, bv)) in a.iter().zip(b) {
        let c = an.cmp(bn).then_with(|| compare_values(av, bv));
        if c != Ordering::Equal {
            return c;
        }
    }
    a.len().cmp(&b.len())
}

enum Num {
    Int(i128),
    Float(f64),
}

fn num(v: &Value) -> Option<Num> {
    let n = v.as_number()?;
    if let Some(i) = n.as_i64() {
        Some(Num::Int(i128::from(i)))
    } else if let Some(u) = n.as_u64() {
        Some(Num::Int(i128::from(u)))
    } else {
        n.as_f64().map(Num::Float)
    }
}

fn as_f64(n: &Num) -> f64 {
    match n {
        // Precision loss past 2^53 mirrors upstream's float64 conversion.
        #[allow(clippy::cast_precision_loss)]
        Num::Int(i) => *i as f64,
        Num::Float(f) => *f,
    }
}

fn type_rank(v: &Value) -> u8 {
    match v {
        Value::Number(_) => 0,
        Value::String(_) => 2,
        Value::Bool(_) => 3,
        Value::Array(_) => 4,
        Value::Object(_) => 5,
        Value::Null => 6,
    }
}

/// Upstream's `value.Compare`: numbers (integers and floats compared as numbers), then strings,
/// booleans, lists, maps, null.
pub(crate) fn compare_values(a: &Value, b: &Value) -> Ordering {
    match (a, b) {
        (Value::Number(_), Value::Number(_)) => match (num(a), num(b)) {
            (Some(Num::Int(x)), Some(Num::Int(y))) => x.cmp(&y),
            (Some(x), Some(y)) => as_f64(&x).total_cmp(&as_f64(&y)),
            _ => Ordering::Equal,
        },
        (Value::String(x), Value::String(y)) => x.cmp(y),
        (Value::Bool(x), Value::Bool(y)) => x.cmp(y),
        (Value::Array(x), Value::Array(y)) => {
            for (p, q) in x.iter().zip(y) {
                let c = compare_values(p, q);
                if c != Ordering::Equal {
                    return c;
                }
            }
            x.len().cmp(&y.len())
        }
        (Value::Object(x), Value::Object(y)) => {
            let mut keys: Vec<&String> = x.keys().chain(y.keys()).collect();
            keys.sort();
            keys.dedup();
            for k in keys {
                match (x.get(k), y.get(k)) {
                    (None, _) => return Ordering::Greater,
                    (_, None) => return Ordering::Less,
                    (Some(p), Some(q)) => {
                        let c = compare_values(p, q);
                        if c != Ordering::Equal {
                            return c;
                        }
                    }
                }
            }
            Ordering::Equal
        }
        (Value::Null, Value::Null) => Ordering::Equal,
        _ => type_rank(a).cmp(&type_rank(b)),
    }
}

/// Upstream's `value.Equals`: integers and floats compare by value, objects by content.
pub(crate) fn values_equal(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(_), Value::Number(_)) => match (num(a), num(b)) {
            (Some(Num::Int(x)), Some(Num::Int(y))) => x == y,
            (Some(x), Some(y)) => as_f64(&x) == as_f64(&y),
            _ => false,
        },
        (Value::Array(x), Value::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(p, q)| values_equal(p, q))
        }
        (Value::Object(x), Value::Object(y)) => {
            x.len() == y.len()
                && x.iter()
                    .all(|(k, p)| y.get(k).is_some_and(|q| values_equal(p, q)))
        }
        _ => a == b,
    }
}

/// Upstream's `value.ToString`, used inside printed path elements.
pub(crate) fn value_to_string(v: &Value) -> String {
    match v {
        Value::Null => "null".to_owned(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => {
            let mut out = String::new();
            gojson::write_number(n, &mut out);
            out
        }
        Value::String(s) => gojson::quote(s),
        Value::Array(items) => {
            let parts: Vec<String> = items.iter().map(value_to_string).collect();
            format!("[{}]", parts.join(","))
        }
        Value::Object(map) => map
            .iter()
            .map(|(k, v)| format!("{k}={}", value_to_string(v)))
            .collect(),
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use serde_json::json;

    fn key(pairs: &[(&str, Value)]) -> Pe {
        Pe::Key(
            pairs
                .iter()
                .map(|(k, v)| ((*k).to_owned(), v.clone()))
                .collect(),
        )
    }

    #[test]
    fn serialises_and_prints_like_upstream() {
        let cases = [
            (Pe::field("spec"), "f:spec", ".spec"),
            (
                key(&[("name", json!("nginx"))]),
                r#"k:{"name":"nginx"}"#,
                r#"[name="nginx"]"#,
            ),
            (
                key(&[("containerPort", json!(80)), ("protocol", json!("TCP"))]),
                r#"k:{"containerPort":80,"protocol":"TCP"}"#,
                r#"[containerPort=80,protocol="TCP"]"#,
            ),
            (Pe::Value(json!("x")), r#"v:"x""#, r#"[="x"]"#),
            (Pe::Index(3), "i:3", "[3]"),
        ];
        for (pe, ser, shown) in cases {
            assert_eq!(pe.serialize(), ser);
            assert_eq!(pe.to_string(), shown);
            assert_eq!(Pe::parse(ser).unwrap(), Some(pe));
        }
    }

    #[test]
    fn parse_rejects_and_skips_like_upstream() {
        assert!(Pe::parse("f").is_err());
        assert_eq!(Pe::parse("fx").unwrap_err(), "missing colon: fx");
        assert_eq!(Pe::parse("z:whatever").unwrap(), None);
    }

    #[test]
    fn orders_fields_keys_values_indices() {
        let mut v = [
            Pe::Index(0),
            Pe::Value(json!("a")),
            key(&[("name", json!("a"))]),
            Pe::field("b"),
            Pe::field("a"),
        ];
        v.sort();
        let got: Vec<String> = v.iter().map(Pe::serialize).collect();
        assert_eq!(got, ["f:a", "f:b", r#"k:{"name":"a"}"#, r#"v:"a""#, "i:0"]);
        // Numbers order numerically (9000 before 10000), unlike their text.
        assert!(key(&[("port", json!(9000))]) < key(&[("port", json!(10000))]));
        assert_eq!(Pe::Value(json!(80)), Pe::Value(json!(80.0)));
    }
}

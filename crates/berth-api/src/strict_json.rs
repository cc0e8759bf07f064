//! JSON decoding that notices duplicate object keys. serde_json keeps the last value of a
//! repeated key silently; upstream's strict decoder reports each repetition
//! (`duplicate field "spec.replicas"`), so berth must see them before they are lost.

use std::fmt;

use serde::de::{self, DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Value};

/// A decoded document and the paths of keys that appeared more than once.
#[derive(Debug, Clone, PartialEq)]
pub struct Parsed {
    /// The value, keeping the last occurrence of a repeated key (as upstream does).
    pub value: Value,
    /// Paths of repeated keys in document order (`spec.replicas`, `items[0].name`).
    pub duplicates: Vec<String>,
}

/// Parses `bytes` as one JSON document.
pub fn parse(bytes: &[u8]) -> Result<Parsed, serde_json::Error> {
    let mut duplicates = Vec::new();
    let mut de = serde_json::Deserializer::from_slice(bytes);
    let value = Seed {
        path: String::new(),
        duplicates: &mut duplicates,
    }
    .deserialize(&mut de)?;
    de.end()?;
    Ok(Parsed { value, duplicates })
}

struct Seed<'a> {
    path: String,
    duplicates: &'a mut Vec<String>,
}

impl<'de> DeserializeSeed<'de> for Seed<'_> {
    type Value = Value;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Value, D::Error> {
        deserializer.deserialize_any(self)
    }
}

fn child(path: &str, key: &str) -> String {
    if path.is_empty() {
        key.to_owned()
    } else {
        format!("{path}.{key}")
    }
}

impl<'de> Visitor<'de> for Seed<'_> {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Value, E> {
        Ok(Value::Bool(v))
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Value, E> {
        Ok(Value::from(v))
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Value, E> {
        Ok(Value::from(v))
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Value, E> {
        Ok(serde_json::Number::from_f64(v).map_or(Value::Null, Value::Number))
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Value, E> {
        Ok(Value::String(v.to_owned()))
    }

    fn visit_string<E: de::Error>(self, v: String) -> Result<Value, E> {
        Ok(Value::String(v))
    }

    fn visit_unit<E: de::Error>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_none<E: de::Error>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let mut out = Vec::new();
        loop {
            let seed = Seed {
                path: format!("{}[{}]", self.path, out.len()),
                duplicates: &mut *self.duplicates,
            };
            match seq.next_element_seed(seed)? {
                Some(v) => out.push(v),
                None => return Ok(Value::Array(out)),
            }
        }
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        let mut out = Map::new();
        while let Some(key) = map.next_key::<String>()? {
            let path = child(&self.path, &key);
            if out.contains_key(&key) {
                self.duplicates.push(path.clone());
            }
            let v = map.next_value_seed(Seed {
                path,
                duplicates: &mut *self.duplicates,
            })?;
            out.insert(key, v);
        }
        Ok(Value::Object(out))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn repeated_keys_are_reported_with_their_paths() {
        let p = parse(br#"{"spec":{"replicas":1,"replicas":2,"template":{"containers":[{"name":"a","name":"b"}]}}}"#)
            .expect("valid JSON");
        assert_eq!(
            p.duplicates,
            vec!["spec.replicas", "spec.template.containers[0].name"]
        );
        assert_eq!(p.value["spec"]["replicas"], 2, "the last occurrence wins");
        assert_eq!(p.value["spec"]["template"]["containers"][0]["name"], "b");
    }

    #[test]
    fn clean_documents_have_no_duplicates() {
        let p = parse(br#"{"a":[1,2.5,"x",null,true],"b":{"c":{}}}"#).expect("valid JSON");
        assert!(p.duplicates.is_empty());
        assert_eq!(
            p.value,
            serde_json::json!({"a":[1,2.5,"x",null,true],"b":{"c":{}}})
        );
    }

    #[test]
    fn trailing_garbage_is_an_error() {
        assert!(parse(b"{} x").is_err());
        assert!(parse(b"{").is_err());
    }

    proptest! {
        #[test]
        fn agrees_with_serde_json(v in any::<Vec<(String, i64)>>()) {
            let text = serde_json::to_string(&v.iter().cloned().collect::<std::collections::BTreeMap<_, _>>()).expect("encodes");
            let ours = parse(text.as_bytes()).expect("valid");
            let theirs: Value = serde_json::from_str(&text).expect("valid");
            prop_assert_eq!(ours.value, theirs);
            prop_assert!(ours.duplicates.is_empty());
        }
    }
}

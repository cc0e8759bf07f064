//! A fuzzing entry point: any bytes become a kind, an original and a patch, and applying the
//! patch must return (a result or an error) without panicking.

use serde_json::{Map, Value};

use crate::registry::RESOURCES;

/// Field names and directive keys the generator builds objects from, so that random inputs
/// reach the schema look-ups, the list merges and every directive.
const KEYS: &[&str] = &[
    "metadata",
    "spec",
    "status",
    "template",
    "containers",
    "initContainers",
    "name",
    "image",
    "env",
    "value",
    "ports",
    "containerPort",
    "port",
    "protocol",
    "finalizers",
    "labels",
    "volumes",
    "emptyDir",
    "tolerations",
    "conditions",
    "type",
    "strategy",
    "args",
    "ownerReferences",
    "uid",
    "data",
    "$patch",
    "$retainKeys",
    "$setElementOrder/containers",
    "$setElementOrder/finalizers",
    "$setElementOrder/env",
    "$setElementOrder/ports",
    "$deleteFromPrimitiveList/finalizers",
    "$deleteFromPrimitiveList/args",
    "$setElementOrderx",
    "$deleteFromPrimitiveList",
];

const STRINGS: &[&str] = &[
    "a",
    "b",
    "c",
    "replace",
    "delete",
    "merge",
    "name",
    "image",
    "TCP",
    "UDP",
    "",
    "containers",
];

/// Decodes `data` into a kind and an (original, patch) pair and applies the patch; never
/// panics. Bytes that parse as a JSON array `[original, patch]` are used as written (the kind
/// then is Pod); any other bytes drive a generator of objects made of fields and directives
/// the served kinds use.
pub fn fuzz_one(data: &[u8]) {
    if let Ok(Value::Array(pair)) = serde_json::from_slice::<Value>(data)
        && let [original, patch] = pair.as_slice()
    {
        let _ = super::apply("", "Pod", original, patch);
        return;
    }
    let mut g = Gen { data, at: 0 };
    let served: Vec<_> = RESOURCES
        .iter()
        .filter(|r| !r.virtual_create_only)
        .collect();
    let kind = served
        .get(usize::from(g.byte()) % served.len().max(1))
        .map_or(("", "Pod"), |r| (r.group, r.kind));
    let original = g.object(4);
    let patch = g.object(4);
    let _ = super::apply(kind.0, kind.1, &original, &patch);
}

struct Gen<'a> {
    data: &'a [u8],
    at: usize,
}

impl Gen<'_> {
    /// The next input byte; zeros once the input is used up, so generation always ends.
    fn byte(&mut self) -> u8 {
        let b = self.data.get(self.at).copied().unwrap_or(0);
        self.at += 1;
        b
    }

    fn pick<'s>(&mut self, from: &[&'s str]) -> &'s str {
        from.get(usize::from(self.byte()) % from.len().max(1))
            .copied()
            .unwrap_or("")
    }

    fn object(&mut self, depth: u8) -> Value {
        let mut m = Map::new();
        for _ in 0..self.byte() % 5 {
            let k = self.pick(KEYS).to_owned();
            let v = self.value(depth.saturating_sub(1));
            m.insert(k, v);
        }
        Value::Object(m)
    }

    fn value(&mut self, depth: u8) -> Value {
        let choice = self.byte() % if depth == 0 { 5 } else { 8 };
        match choice {
            0 => Value::Null,
            1 => Value::Bool(self.byte().is_multiple_of(2)),
            2 => Value::from(i64::from(self.byte() % 4)),
            3 => Value::from(f64::from(self.byte() % 4) + 0.5),
            4 => Value::from(self.pick(STRINGS)),
            5 | 6 => Value::Array(
                (0..self.byte() % 4)
                    .map(|_| self.value(depth - 1))
                    .collect(),
            ),
            _ => self.object(depth),
        }
    }
}

//! Catalog definitions as gnostic `openapi_v2.Schema` messages, for the `definitions` of the v2
//! document.
//!
//! Swagger 2.0 has no `oneOf`, so `IntOrString` and `Quantity` are strings there (as upstream's
//! v2 document has them), and references with a sibling `description` stay plain `_ref`s.
//! Vendor extensions are `NamedAny` values whose `Any.yaml` holds the value as JSON text, which
//! is valid YAML: kubectl unmarshals each one with a YAML parser.

use serde_json::Value;

use super::pb::Message;
use super::schemas::{INT_OR_STRING, QUANTITY, REF_PREFIX};

/// Where references point in the v2 document.
pub(crate) const V2_REF_PREFIX: &str = "#/definitions/";

/// `Schema` field numbers (gnostic-models `openapiv2/OpenAPIv2.proto`).
pub(crate) mod field {
    pub(crate) const REF: u32 = 1;
    pub(crate) const FORMAT: u32 = 2;
    pub(crate) const TITLE: u32 = 3;
    pub(crate) const DESCRIPTION: u32 = 4;
    pub(crate) const REQUIRED: u32 = 19;
    pub(crate) const ENUM: u32 = 20;
    pub(crate) const ADDITIONAL_PROPERTIES: u32 = 21;
    pub(crate) const TYPE: u32 = 22;
    pub(crate) const ITEMS: u32 = 23;
    pub(crate) const ALL_OF: u32 = 24;
    pub(crate) const PROPERTIES: u32 = 25;
    pub(crate) const VENDOR_EXTENSION: u32 = 31;
}
/// `AdditionalPropertiesItem.schema` / `.boolean`.
pub(crate) const ADDITIONAL_SCHEMA: u32 = 1;
pub(crate) const ADDITIONAL_BOOLEAN: u32 = 2;
/// `TypeItem.value`, `ItemsItem.schema`, `Properties.additional_properties`,
/// `Definitions.additional_properties`: all field 1.
pub(crate) const REPEATED_VALUE: u32 = 1;
/// `NamedSchema`/`NamedAny` name and value.
pub(crate) const NAMED_NAME: u32 = 1;
pub(crate) const NAMED_VALUE: u32 = 2;
/// `Any.yaml`.
pub(crate) const ANY_YAML: u32 = 2;

/// A named definition as a `NamedSchema`.
pub(crate) fn named_definition(name: &str, schema: &Value) -> Message {
    let mut named = Message::new();
    named
        .string(NAMED_NAME, name)
        .message(NAMED_VALUE, &definition(name, schema));
    named
}

/// One definition as a `Schema`.
pub(crate) fn definition(name: &str, schema: &Value) -> Message {
    match name {
        INT_OR_STRING | QUANTITY => {
            let mut msg = Message::new();
            if name == INT_OR_STRING {
                msg.string(field::FORMAT, "int-or-string");
            }
            if let Some(description) = schema.get("description").and_then(Value::as_str) {
                msg.string(field::DESCRIPTION, description);
            }
            msg.message(field::TYPE, &type_item(&["string"]));
            msg
        }
        _ => schema_message(schema),
    }
}

/// A `$ref` to a definition, as a `Schema`.
pub(crate) fn reference(name: &str) -> Message {
    let mut msg = Message::new();
    msg.string(field::REF, &format!("{V2_REF_PREFIX}{name}"));
    msg
}

/// Any schema as a `Schema`. Keywords Swagger 2.0 lacks are left out.
pub(crate) fn schema_message(schema: &Value) -> Message {
    let mut msg = Message::new();
    let Value::Object(obj) = schema else {
        return msg;
    };
    if let Some(reference) = obj.get("$ref").and_then(Value::as_str) {
        let target = reference.strip_prefix(REF_PREFIX).unwrap_or(reference);
        msg.string(field::REF, &format!("{V2_REF_PREFIX}{target}"));
    }
    for (key, num) in [
        ("format", field::FORMAT),
        ("title", field::TITLE),
        ("description", field::DESCRIPTION),
    ] {
        if let Some(text) = obj.get(key).and_then(Value::as_str) {
            msg.string(num, text);
        }
    }
    if let Some(Value::Array(required)) = obj.get("required") {
        for name in required.iter().filter_map(Value::as_str) {
            msg.string(field::REQUIRED, name);
        }
    }
    if let Some(Value::Array(values)) = obj.get("enum") {
        for value in values {
            msg.message(field::ENUM, &any(value));
        }
    }
    match obj.get("additionalProperties") {
        Some(Value::Bool(allowed)) => {
            let mut item = Message::new();
            item.bool(ADDITIONAL_BOOLEAN, *allowed);
            msg.message(field::ADDITIONAL_PROPERTIES, &item);
        }
        Some(sub @ Value::Object(_)) => {
            let mut item = Message::new();
            item.message(ADDITIONAL_SCHEMA, &schema_message(sub));
            msg.message(field::ADDITIONAL_PROPERTIES, &item);
        }
        _ => {}
    }
    match obj.get("type") {
        Some(Value::String(ty)) => {
            msg.message(field::TYPE, &type_item(&[ty.as_str()]));
        }
        Some(Value::Array(types)) => {
            let types: Vec<&str> = types.iter().filter_map(Value::as_str).collect();
            msg.message(field::TYPE, &type_item(&types));
        }
        _ => {}
    }
    if let Some(items) = obj.get("items").filter(|v| v.is_object()) {
        let mut item = Message::new();
        item.message(REPEATED_VALUE, &schema_message(items));
        msg.message(field::ITEMS, &item);
    }
    if let Some(Value::Array(all_of)) = obj.get("allOf") {
        for sub in all_of {
            msg.message(field::ALL_OF, &schema_message(sub));
        }
    }
    if let Some(Value::Object(props)) = obj.get("properties") {
        let mut properties = Message::new();
        for (name, sub) in props {
            let mut named = Message::new();
            named
                .string(NAMED_NAME, name)
                .message(NAMED_VALUE, &schema_message(sub));
            properties.message(REPEATED_VALUE, &named);
        }
        msg.message(field::PROPERTIES, &properties);
    }
    for (name, value) in obj.iter().filter(|(k, _)| k.starts_with("x-")) {
        // Upstream's v2 document spells two-type values as strings instead.
        if name == "x-kubernetes-int-or-string" {
            continue;
        }
        let mut named = Message::new();
        named
            .string(NAMED_NAME, name)
            .message(NAMED_VALUE, &any(value));
        msg.message(field::VENDOR_EXTENSION, &named);
    }
    msg
}

fn type_item(types: &[&str]) -> Message {
    let mut item = Message::new();
    item.strings(REPEATED_VALUE, types);
    item
}

/// An `Any` holding `value` as YAML (JSON text is YAML).
fn any(value: &Value) -> Message {
    let mut msg = Message::new();
    msg.string(ANY_YAML, &format!("{value}\n"));
    msg
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use serde_json::json;

    use super::super::pb::read::{Val, all, fields, one, text};
    use super::*;

    #[test]
    fn encodes_a_plain_reference_with_its_description() {
        let bytes = schema_message(&json!({
            "$ref": "#/components/schemas/io.k8s.api.core.v1.PodSpec",
            "description": "spec",
        }))
        .into_bytes();
        // _ref (1) then description (4), by hand: 0x0a len "…", 0x22 len "spec".
        let target = b"#/definitions/io.k8s.api.core.v1.PodSpec";
        let mut want = vec![0x0a, target.len() as u8];
        want.extend_from_slice(target);
        want.extend_from_slice(&[0x22, 4]);
        want.extend_from_slice(b"spec");
        assert_eq!(bytes, want);
    }

    #[test]
    fn list_property_decodes_back() {
        let schema = json!({
            "type": "object",
            "required": ["name"],
            "properties": {
                "ports": {
                    "type": "array",
                    "description": "List of ports.",
                    "items": {"$ref": "#/components/schemas/io.k8s.api.core.v1.ContainerPort"},
                    "x-kubernetes-list-map-keys": ["containerPort", "protocol"],
                    "x-kubernetes-list-type": "map",
                    "x-kubernetes-patch-merge-key": "containerPort",
                    "x-kubernetes-patch-strategy": "merge",
                },
                "labels": {"type": "object", "additionalProperties": {"type": "string"}},
            },
        });
        let bytes = schema_message(&schema).into_bytes();
        assert_eq!(
            all(one(&bytes, field::TYPE), REPEATED_VALUE),
            [&b"object"[..]]
        );
        assert_eq!(all(&bytes, field::REQUIRED), [&b"name"[..]]);
        let props = all(one(&bytes, field::PROPERTIES), REPEATED_VALUE);
        let names: Vec<&str> = props.iter().map(|p| text(p, NAMED_NAME)).collect();
        assert_eq!(names, ["labels", "ports"]);

        let labels = one(props[0], NAMED_VALUE);
        let additional = one(labels, field::ADDITIONAL_PROPERTIES);
        let value_type = one(one(additional, ADDITIONAL_SCHEMA), field::TYPE);
        assert_eq!(text(value_type, REPEATED_VALUE), "string");

        let ports = one(props[1], NAMED_VALUE);
        assert_eq!(text(ports, field::DESCRIPTION), "List of ports.");
        let items = all(one(ports, field::ITEMS), REPEATED_VALUE);
        assert_eq!(items.len(), 1);
        assert_eq!(
            text(items[0], field::REF),
            "#/definitions/io.k8s.api.core.v1.ContainerPort"
        );
        let extensions: Vec<(&str, &str)> = all(ports, field::VENDOR_EXTENSION)
            .into_iter()
            .map(|e| (text(e, NAMED_NAME), text(one(e, NAMED_VALUE), ANY_YAML)))
            .collect();
        assert_eq!(
            extensions,
            [
                (
                    "x-kubernetes-list-map-keys",
                    "[\"containerPort\",\"protocol\"]\n"
                ),
                ("x-kubernetes-list-type", "\"map\"\n"),
                ("x-kubernetes-patch-merge-key", "\"containerPort\"\n"),
                ("x-kubernetes-patch-strategy", "\"merge\"\n"),
            ]
        );
    }

    #[test]
    fn two_type_values_are_strings() {
        let schema = json!({"description": "d", "x-kubernetes-int-or-string": true});
        let int_or_string = definition(INT_OR_STRING, &schema).into_bytes();
        assert_eq!(text(&int_or_string, field::FORMAT), "int-or-string");
        assert_eq!(text(&int_or_string, field::DESCRIPTION), "d");
        assert_eq!(
            text(one(&int_or_string, field::TYPE), REPEATED_VALUE),
            "string"
        );
        assert!(all(&int_or_string, field::VENDOR_EXTENSION).is_empty());
        let quantity = definition(QUANTITY, &schema).into_bytes();
        assert_eq!(text(&quantity, field::FORMAT), "");
        assert_eq!(text(one(&quantity, field::TYPE), REPEATED_VALUE), "string");
    }

    #[test]
    fn boolean_additional_properties() {
        let bytes = schema_message(&json!({"additionalProperties": false})).into_bytes();
        let item = one(&bytes, field::ADDITIONAL_PROPERTIES);
        assert_eq!(fields(item), [(ADDITIONAL_BOOLEAN, Val::Varint(0))]);
    }
}

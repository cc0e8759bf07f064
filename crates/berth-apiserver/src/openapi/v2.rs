//! The Swagger 2.0 document as gnostic's `openapi_v2.Document` protobuf, which kubectl 1.27 and
//! 1.28 fetch from `/openapi/v2` before every validated `apply`, `create -f` or `replace`.
//!
//! Field numbers are those of gnostic-models `openapiv2/OpenAPIv2.proto`. Vendor extensions are
//! `NamedAny` values whose `Any.yaml` holds the YAML text of the value; kubectl parses the
//! `x-kubernetes-group-version-kind` one into a string map. `definitions` holds every schema of
//! the catalog (see `v2_schema`); operations refer to them from their body parameter and
//! success responses, as upstream's do.

use super::ops::{self, Operation, PRODUCES, PathItem};
use super::pb::Message;
use super::schemas::Catalog;
use super::v2_schema;
use super::v3::{INFO_VERSION, body_schema_name, path_param_description};

/// `Document.swagger` … `Document.paths`.
mod document {
    pub(super) const SWAGGER: u32 = 1;
    pub(super) const INFO: u32 = 2;
    pub(super) const PRODUCES: u32 = 7;
    pub(super) const PATHS: u32 = 8;
    pub(super) const DEFINITIONS: u32 = 9;
}
/// `Info`.
mod info {
    pub(super) const TITLE: u32 = 1;
    pub(super) const VERSION: u32 = 2;
}
/// `Paths.path` and `NamedPathItem`/`NamedAny`/`NamedResponseValue` (name 1, value 2).
const PATHS_PATH: u32 = 2;
const NAMED_NAME: u32 = 1;
const NAMED_VALUE: u32 = 2;
/// `PathItem`.
mod path_item {
    pub(super) const PUT: u32 = 3;
    pub(super) const POST: u32 = 4;
    pub(super) const PATCH: u32 = 8;
    pub(super) const PARAMETERS: u32 = 9;
}
/// `Operation`.
mod operation {
    pub(super) const TAGS: u32 = 1;
    pub(super) const DESCRIPTION: u32 = 3;
    pub(super) const OPERATION_ID: u32 = 5;
    pub(super) const PRODUCES: u32 = 6;
    pub(super) const CONSUMES: u32 = 7;
    pub(super) const PARAMETERS: u32 = 8;
    pub(super) const RESPONSES: u32 = 9;
    pub(super) const SCHEMES: u32 = 10;
    pub(super) const VENDOR_EXTENSION: u32 = 13;
}
/// `ParametersItem.parameter`, `Parameter.body_parameter`/`.non_body_parameter`, and the two
/// sub-schemas of `NonBodyParameter`.
const ITEM_PARAMETER: u32 = 1;
const PARAMETER_BODY: u32 = 1;
const PARAMETER_NON_BODY: u32 = 2;
const NON_BODY_QUERY: u32 = 3;
const NON_BODY_PATH: u32 = 4;
/// Fields shared by `QueryParameterSubSchema` and `PathParameterSubSchema`.
const PARAM_REQUIRED: u32 = 1;
const PARAM_IN: u32 = 2;
const PARAM_DESCRIPTION: u32 = 3;
const PARAM_NAME: u32 = 4;
/// `type` is 6 in the query sub-schema and 5 in the path one.
const QUERY_TYPE: u32 = 6;
const PATH_TYPE: u32 = 5;
/// `unique_items` is 20 in the query sub-schema and 19 in the path one.
const QUERY_UNIQUE_ITEMS: u32 = 20;
const PATH_UNIQUE_ITEMS: u32 = 19;
/// `BodyParameter`.
mod body {
    pub(super) const NAME: u32 = 2;
    pub(super) const IN: u32 = 3;
    pub(super) const REQUIRED: u32 = 4;
    pub(super) const SCHEMA: u32 = 5;
}
/// `Responses.response_code`, `ResponseValue.response`, `Response.description`/`.schema`,
/// `SchemaItem.schema`.
const RESPONSES_CODE: u32 = 1;
const RESPONSE_VALUE_RESPONSE: u32 = 1;
const RESPONSE_DESCRIPTION: u32 = 1;
const RESPONSE_SCHEMA: u32 = 2;
const SCHEMA_ITEM_SCHEMA: u32 = 1;
/// `Definitions.additional_properties`.
const DEFINITIONS_ENTRY: u32 = 1;
/// `Any.yaml`.
const ANY_YAML: u32 = 2;

/// The whole document, every group-version's paths and every definition in one.
pub(crate) fn document(catalog: &Catalog) -> Vec<u8> {
    let mut paths = Message::new();
    for (group, version) in ops::group_versions() {
        for item in ops::paths(group, version) {
            let mut named = Message::new();
            named
                .string(NAMED_NAME, &item.path)
                .message(NAMED_VALUE, &path_item(catalog, &item, group, version));
            paths.message(PATHS_PATH, &named);
        }
    }
    let mut definitions = Message::new();
    for (name, schema) in &catalog.definitions {
        definitions.message(
            DEFINITIONS_ENTRY,
            &v2_schema::named_definition(name, schema),
        );
    }
    let mut info = Message::new();
    info.string(info::TITLE, "Kubernetes")
        .string(info::VERSION, INFO_VERSION);
    let mut doc = Message::new();
    doc.string(document::SWAGGER, "2.0")
        .message(document::INFO, &info)
        .strings(document::PRODUCES, PRODUCES)
        .message(document::PATHS, &paths)
        .message(document::DEFINITIONS, &definitions);
    doc.into_bytes()
}

fn path_item(catalog: &Catalog, item: &PathItem, group: &str, version: &str) -> Message {
    let mut msg = Message::new();
    for op in &item.operations {
        let field = match op.method {
            ops::Method::Post => path_item::POST,
            ops::Method::Put => path_item::PUT,
            ops::Method::Patch => path_item::PATCH,
        };
        msg.message(field, &operation(catalog, op, group, version));
    }
    for name in &item.path_params {
        let mut sub = Message::new();
        sub.bool(PARAM_REQUIRED, true)
            .string(PARAM_IN, "path")
            .string(PARAM_DESCRIPTION, path_param_description(name))
            .string(PARAM_NAME, name)
            .string(PATH_TYPE, "string")
            .bool(PATH_UNIQUE_ITEMS, true);
        msg.message(path_item::PARAMETERS, &parameters_item(NON_BODY_PATH, &sub));
    }
    msg
}

fn parameters_item(kind: u32, sub_schema: &Message) -> Message {
    let mut non_body = Message::new();
    non_body.message(kind, sub_schema);
    let mut parameter = Message::new();
    parameter.message(PARAMETER_NON_BODY, &non_body);
    let mut item = Message::new();
    item.message(ITEM_PARAMETER, &parameter);
    item
}

fn operation(catalog: &Catalog, op: &Operation, group: &str, version: &str) -> Message {
    let mut msg = Message::new();
    msg.string(operation::TAGS, &ops::tag(group, version))
        .string(operation::DESCRIPTION, &op.description)
        .string(operation::OPERATION_ID, &op.operation_id)
        .strings(operation::PRODUCES, PRODUCES)
        .strings(operation::CONSUMES, op.method.consumes());
    if let Some(name) = body_schema_name(catalog, op) {
        let mut body = Message::new();
        body.string(body::NAME, "body")
            .string(body::IN, "body")
            .bool(body::REQUIRED, true)
            .message(body::SCHEMA, &v2_schema::reference(name));
        let mut parameter = Message::new();
        parameter.message(PARAMETER_BODY, &body);
        let mut item = Message::new();
        item.message(ITEM_PARAMETER, &parameter);
        msg.message(operation::PARAMETERS, &item);
    }
    for q in op.method.query() {
        let mut sub = Message::new();
        sub.string(PARAM_IN, "query")
            .string(PARAM_DESCRIPTION, q.description)
            .string(PARAM_NAME, q.name)
            .string(QUERY_TYPE, q.ty)
            .bool(QUERY_UNIQUE_ITEMS, true);
        msg.message(
            operation::PARAMETERS,
            &parameters_item(NON_BODY_QUERY, &sub),
        );
    }
    let kind_schema = catalog.kind_schema(op.info);
    let mut responses = Message::new();
    for (code, text) in op.method.responses() {
        let mut response = Message::new();
        response.string(RESPONSE_DESCRIPTION, text);
        if let Some(name) = kind_schema {
            let mut item = Message::new();
            item.message(SCHEMA_ITEM_SCHEMA, &v2_schema::reference(name));
            response.message(RESPONSE_SCHEMA, &item);
        }
        let mut value = Message::new();
        value.message(RESPONSE_VALUE_RESPONSE, &response);
        let mut named = Message::new();
        named.string(NAMED_NAME, code).message(NAMED_VALUE, &value);
        responses.message(RESPONSES_CODE, &named);
    }
    msg.message(operation::RESPONSES, &responses)
        .string(operation::SCHEMES, "https");
    let info = op.info;
    let gvk = format!(
        "group: {}\nkind: {}\nversion: {}\n",
        yaml_string(info.group),
        yaml_string(info.kind),
        yaml_string(info.version)
    );
    msg.message(
        operation::VENDOR_EXTENSION,
        &named_any("x-kubernetes-action", &format!("{}\n", op.method.action())),
    )
    .message(
        operation::VENDOR_EXTENSION,
        &named_any("x-kubernetes-group-version-kind", &gvk),
    );
    msg
}

fn named_any(name: &str, yaml: &str) -> Message {
    let mut any = Message::new();
    any.string(ANY_YAML, yaml);
    let mut named = Message::new();
    named.string(NAMED_NAME, name).message(NAMED_VALUE, &any);
    named
}

/// A double-quoted YAML scalar, so that `""` (the core group) and dotted groups stay strings.
fn yaml_string(value: &str) -> String {
    let escaped = value.replace('\\', "\\\\").replace('"', "\\\"");
    format!("\"{escaped}\"")
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::super::pb::read::{Val, all, fields, one, text};
    use super::*;

    /// cli-runtime's v2 verifier: the first path whose PATCH carries the kind's GVK extension
    /// decides; the PATCH must have a query parameter named `fieldValidation`. Returns `None`
    /// when no PATCH names the kind.
    fn supports_field_validation(doc: &[u8], gvk_yaml: &str) -> Option<bool> {
        let paths = one(doc, document::PATHS);
        for named in all(paths, PATHS_PATH) {
            let patch = one(one(named, NAMED_VALUE), path_item::PATCH);
            let has_gvk = all(patch, operation::VENDOR_EXTENSION).iter().any(|ext| {
                text(ext, NAMED_NAME) == "x-kubernetes-group-version-kind"
                    && text(one(ext, NAMED_VALUE), ANY_YAML) == gvk_yaml
            });
            if !has_gvk {
                continue;
            }
            return Some(all(patch, operation::PARAMETERS).iter().any(|item| {
                let non_body = one(one(item, ITEM_PARAMETER), PARAMETER_NON_BODY);
                text(one(non_body, NON_BODY_QUERY), PARAM_NAME) == "fieldValidation"
            }));
        }
        None
    }

    #[test]
    fn document_header() {
        let doc = document(super::super::test_catalog());
        assert_eq!(text(&doc, document::SWAGGER), "2.0");
        assert_eq!(text(one(&doc, document::INFO), info::TITLE), "Kubernetes");
    }

    #[test]
    fn patch_operations_carry_gvk_and_field_validation() {
        let doc = document(super::super::test_catalog());
        let cases = [
            ("group: \"\"\nkind: \"Pod\"\nversion: \"v1\"\n", Some(true)),
            ("group: \"\"\nkind: \"Node\"\nversion: \"v1\"\n", Some(true)),
            (
                "group: \"apps\"\nkind: \"StatefulSet\"\nversion: \"v1\"\n",
                Some(true),
            ),
            (
                "group: \"storage.k8s.io\"\nkind: \"StorageClass\"\nversion: \"v1\"\n",
                Some(true),
            ),
            (
                "group: \"events.k8s.io\"\nkind: \"Event\"\nversion: \"v1\"\n",
                Some(true),
            ),
            // Create-only reviews have no PATCH, as upstream.
            (
                "group: \"authorization.k8s.io\"\nkind: \"SelfSubjectAccessReview\"\nversion: \"v1\"\n",
                None,
            ),
        ];
        for (gvk, want) in cases {
            assert_eq!(supports_field_validation(&doc, gvk), want, "{gvk}");
        }
    }

    #[test]
    fn node_paths_are_cluster_scoped() {
        let doc = document(super::super::test_catalog());
        let paths = one(&doc, document::PATHS);
        let names: Vec<&str> = all(paths, PATHS_PATH)
            .into_iter()
            .map(|n| text(n, NAMED_NAME))
            .collect();
        assert!(names.contains(&"/api/v1/nodes/{name}"));
        assert!(names.contains(&"/api/v1/namespaces/{namespace}/pods/{name}"));
        assert!(names.contains(&"/apis/apps/v1/namespaces/{namespace}/deployments"));
        assert!(
            !names
                .iter()
                .any(|n| n.contains("namespaces/{namespace}/nodes"))
        );
    }

    #[test]
    fn patch_consumes_the_four_patch_types() {
        let doc = document(super::super::test_catalog());
        let paths = one(&doc, document::PATHS);
        let pod = all(paths, PATHS_PATH)
            .into_iter()
            .find(|n| text(n, NAMED_NAME) == "/api/v1/namespaces/{namespace}/pods/{name}")
            .unwrap();
        let patch = one(one(pod, NAMED_VALUE), path_item::PATCH);
        let consumes: Vec<&[u8]> = all(patch, operation::CONSUMES);
        assert_eq!(
            consumes,
            [
                &b"application/json-patch+json"[..],
                b"application/merge-patch+json",
                b"application/strategic-merge-patch+json",
                b"application/apply-patch+yaml",
            ]
        );
        assert_eq!(
            text(patch, operation::OPERATION_ID),
            "patchCoreV1NamespacedPod"
        );
        // Every field is a known wire type and nothing is left over.
        assert!(
            fields(patch)
                .iter()
                .all(|(_, v)| matches!(v, Val::Bytes(_)))
        );
    }

    /// The definitions of the document by name.
    fn definitions(doc: &[u8]) -> Vec<(&str, &[u8])> {
        all(one(doc, document::DEFINITIONS), DEFINITIONS_ENTRY)
            .into_iter()
            .map(|named| (text(named, NAMED_NAME), one(named, NAMED_VALUE)))
            .collect()
    }

    fn property<'a>(schema: &'a [u8], name: &str) -> &'a [u8] {
        let props = one(schema, v2_schema::field::PROPERTIES);
        let named = all(props, 1)
            .into_iter()
            .find(|p| text(p, NAMED_NAME) == name)
            .unwrap_or_else(|| panic!("no property {name}"));
        one(named, NAMED_VALUE)
    }

    fn extension<'a>(schema: &'a [u8], name: &str) -> Option<&'a str> {
        all(schema, v2_schema::field::VENDOR_EXTENSION)
            .into_iter()
            .find(|e| text(e, NAMED_NAME) == name)
            .map(|e| text(one(e, NAMED_VALUE), ANY_YAML))
    }

    #[test]
    fn definitions_carry_kinds_with_their_gvk() {
        let doc = document(super::super::test_catalog());
        let defs = definitions(&doc);
        let find = |name: &str| defs.iter().find(|(n, _)| *n == name).unwrap().1;
        let pod = find("io.k8s.api.core.v1.Pod");
        assert_eq!(
            extension(pod, "x-kubernetes-group-version-kind"),
            Some("[{\"group\":\"\",\"kind\":\"Pod\",\"version\":\"v1\"}]\n")
        );
        assert!(text(pod, v2_schema::field::DESCRIPTION).starts_with("Pod is a collection"));
        let spec = property(pod, "spec");
        assert_eq!(
            text(spec, v2_schema::field::REF),
            "#/definitions/io.k8s.api.core.v1.PodSpec"
        );
        let containers = property(find("io.k8s.api.core.v1.PodSpec"), "containers");
        assert_eq!(
            extension(containers, "x-kubernetes-patch-merge-key"),
            Some("\"name\"\n")
        );
        assert_eq!(
            extension(containers, "x-kubernetes-list-map-keys"),
            Some("[\"name\"]\n")
        );
        // Every reference names a definition of the document.
        let names: Vec<&str> = defs.iter().map(|(n, _)| *n).collect();
        fn refs<'a>(schema: &'a [u8], out: &mut Vec<&'a str>) {
            for (_, value) in fields(schema) {
                if let Val::Bytes(inner) = value
                    && let Ok(text) = std::str::from_utf8(inner)
                    && let Some(target) = text.strip_prefix("#/definitions/")
                {
                    out.push(target);
                }
            }
            for sub in all(schema, v2_schema::field::ITEMS)
                .into_iter()
                .flat_map(|items| all(items, 1))
                .chain(
                    all(one(schema, v2_schema::field::PROPERTIES), 1)
                        .into_iter()
                        .map(|named| one(named, NAMED_VALUE)),
                )
            {
                refs(sub, out);
            }
        }
        let mut targets = Vec::new();
        for (_, schema) in &defs {
            refs(schema, &mut targets);
        }
        assert!(targets.len() > 100);
        for target in targets {
            assert!(names.contains(&target), "{target}");
        }
    }

    #[test]
    fn operations_refer_to_the_kind_and_patch_schemas() {
        let doc = document(super::super::test_catalog());
        let paths = one(&doc, document::PATHS);
        let item = all(paths, PATHS_PATH)
            .into_iter()
            .find(|n| {
                text(n, NAMED_NAME) == "/apis/apps/v1/namespaces/{namespace}/statefulsets/{name}"
            })
            .unwrap();
        let item = one(item, NAMED_VALUE);
        let body_ref = |op: &[u8]| {
            let first = all(op, operation::PARAMETERS)[0];
            let body = one(one(first, ITEM_PARAMETER), PARAMETER_BODY);
            assert_eq!(text(body, body::IN), "body");
            text(one(body, body::SCHEMA), v2_schema::field::REF).to_owned()
        };
        let put = one(item, path_item::PUT);
        assert_eq!(
            body_ref(put),
            "#/definitions/io.k8s.api.apps.v1.StatefulSet"
        );
        let patch = one(item, path_item::PATCH);
        assert_eq!(
            body_ref(patch),
            "#/definitions/io.k8s.apimachinery.pkg.apis.meta.v1.Patch"
        );
        let ok = all(one(patch, operation::RESPONSES), RESPONSES_CODE)
            .into_iter()
            .find(|r| text(r, NAMED_NAME) == "200")
            .unwrap();
        let response = one(one(ok, NAMED_VALUE), RESPONSE_VALUE_RESPONSE);
        let schema = one(one(response, RESPONSE_SCHEMA), SCHEMA_ITEM_SCHEMA);
        assert_eq!(
            text(schema, v2_schema::field::REF),
            "#/definitions/io.k8s.api.apps.v1.StatefulSet"
        );
    }
}

//! OpenAPI v3 documents, one per group-version (`/openapi/v3/api/v1`, `/openapi/v3/apis/apps/v1`).
//!
//! Each operation carries `x-kubernetes-group-version-kind` (a single object on operations) and
//! `x-kubernetes-action`, and refers to its kind's schema for the request body (PATCH bodies to
//! upstream's `Patch` schema) and the success responses. `components.schemas` holds the kinds of
//! the group-version and everything they reference, with `x-kubernetes-group-version-kind` as an
//! array on each kind: `kubectl explain` reads them, and `apply` finds the patch metadata of
//! strategic merge patches there.

use serde_json::{Map, Value, json};

use super::ops::{self, Method, Operation, PRODUCES, PathItem};
use super::schemas::{Catalog, INT_OR_STRING, PATCH_SCHEMA, QUANTITY, REF_PREFIX};

/// `info.version` of every document.
pub(crate) const INFO_VERSION: &str = env!("CARGO_PKG_VERSION");

/// The v3 document of `group`/`version`.
pub(crate) fn document(catalog: &Catalog, group: &str, version: &str) -> Value {
    let items = ops::paths(group, version);
    let mut paths = Map::new();
    for item in &items {
        paths.insert(item.path.clone(), path_item(catalog, item, group, version));
    }
    json!({
        "openapi": "3.0.0",
        "info": {"title": "Kubernetes", "version": INFO_VERSION},
        "paths": paths,
        "components": {"schemas": schemas(catalog, &items)},
    })
}

/// The schemas the operations refer to and everything those reach, keyed by upstream's
/// definition names.
fn schemas(catalog: &Catalog, items: &[PathItem]) -> Map<String, Value> {
    let roots = items
        .iter()
        .flat_map(|item| &item.operations)
        .flat_map(|op| [catalog.kind_schema(op.info), body_schema_name(catalog, op)])
        .flatten();
    catalog
        .closure(roots)
        .into_iter()
        .filter_map(|name| {
            let schema = catalog.definitions.get(&name)?;
            Some((name.clone(), definition(&name, schema)))
        })
        .collect()
}

/// One definition in v3 form.
pub(crate) fn definition(name: &str, schema: &Value) -> Value {
    let description = schema.get("description").cloned();
    // Upstream's v3 documents spell the two-type values as `oneOf`, kubectl explain then prints
    // the definition's name as the field type.
    let special = match name {
        INT_OR_STRING => Some(json!({
            "format": "int-or-string",
            "oneOf": [{"type": "integer"}, {"type": "string"}],
        })),
        QUANTITY => Some(json!({"oneOf": [{"type": "string"}, {"type": "number"}]})),
        _ => None,
    };
    match (special, description) {
        (Some(mut special), Some(description)) => {
            special["description"] = description;
            special
        }
        (Some(special), None) => special,
        (None, _) => wrap_refs(schema),
    }
}

/// Moves every `$ref` that has sibling keywords into a one-element `allOf`, since OpenAPI 3.0
/// ignores the siblings of a `$ref` (upstream writes field references the same way).
fn wrap_refs(schema: &Value) -> Value {
    match schema {
        Value::Object(obj) => {
            let mut out: Map<String, Value> =
                obj.iter().map(|(k, v)| (k.clone(), wrap_refs(v))).collect();
            if out.len() > 1
                && let Some(reference) = out.remove("$ref")
            {
                out.insert("allOf".into(), json!([{"$ref": reference}]));
            }
            Value::Object(out)
        }
        Value::Array(items) => Value::Array(items.iter().map(wrap_refs).collect()),
        other => other.clone(),
    }
}

fn path_item(catalog: &Catalog, item: &PathItem, group: &str, version: &str) -> Value {
    let mut obj = Map::new();
    for op in &item.operations {
        let key = match op.method {
            Method::Post => "post",
            Method::Put => "put",
            Method::Patch => "patch",
        };
        obj.insert(key.into(), operation(catalog, op, group, version));
    }
    let params: Vec<Value> = item
        .path_params
        .iter()
        .map(|name| {
            json!({
                "name": name,
                "in": "path",
                "description": path_param_description(name),
                "required": true,
                "schema": {"type": "string", "uniqueItems": true},
            })
        })
        .collect();
    if !params.is_empty() {
        obj.insert("parameters".into(), params.into());
    }
    Value::Object(obj)
}

pub(crate) fn path_param_description(name: &str) -> &'static str {
    match name {
        "namespace" => "object name and auth scope, such as for teams and projects",
        _ => "name of the object",
    }
}

fn operation(catalog: &Catalog, op: &Operation, group: &str, version: &str) -> Value {
    let params: Vec<Value> = op
        .method
        .query()
        .iter()
        .map(|q| {
            json!({
                "name": q.name,
                "in": "query",
                "description": q.description,
                "schema": {"type": q.ty, "uniqueItems": true},
            })
        })
        .collect();
    let content: Map<String, Value> = op
        .method
        .consumes()
        .iter()
        .map(|media| {
            let schema = schema_ref(body_schema_name(catalog, op));
            ((*media).to_owned(), json!({"schema": schema}))
        })
        .collect();
    let kind_schema = schema_ref(catalog.kind_schema(op.info));
    let responses: Map<String, Value> = op
        .method
        .responses()
        .iter()
        .map(|(code, text)| {
            let content: Map<String, Value> = PRODUCES
                .iter()
                .map(|media| ((*media).to_owned(), json!({"schema": kind_schema})))
                .collect();
            let response = json!({"description": text, "content": content});
            ((*code).to_owned(), response)
        })
        .collect();
    let info = op.info;
    json!({
        "tags": [ops::tag(group, version)],
        "description": op.description,
        "operationId": op.operation_id,
        "parameters": params,
        "requestBody": {"content": content, "required": true},
        "responses": responses,
        "x-kubernetes-action": op.method.action(),
        "x-kubernetes-group-version-kind": {
            "group": info.group, "version": info.version, "kind": info.kind,
        },
    })
}

/// The definition a request body refers to: upstream's `Patch` for PATCH, the kind otherwise.
pub(crate) fn body_schema_name<'a>(catalog: &'a Catalog, op: &Operation) -> Option<&'a str> {
    match op.method {
        Method::Patch => Some(PATCH_SCHEMA),
        Method::Post | Method::Put => catalog.kind_schema(op.info),
    }
}

/// A reference to a definition, or a generic object for kinds without a schema.
fn schema_ref(name: Option<&str>) -> Value {
    match name {
        Some(name) => json!({"$ref": format!("{REF_PREFIX}{name}")}),
        None => json!({"type": "object"}),
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn catalog() -> &'static Catalog {
        super::super::test_catalog()
    }

    /// cli-runtime's v3 verifier: the first PATCH operation whose GVK extension equals the kind
    /// decides, and it must list `fieldValidation` in the query.
    fn supports_field_validation(doc: &Value, group: &str, version: &str, kind: &str) -> bool {
        let gvk = json!({"group": group, "version": version, "kind": kind});
        for item in doc["paths"].as_object().unwrap().values() {
            let Some(patch) = item.get("patch") else {
                continue;
            };
            if patch["x-kubernetes-group-version-kind"] != gvk {
                continue;
            }
            return patch["parameters"]
                .as_array()
                .unwrap()
                .iter()
                .any(|p| p["name"] == "fieldValidation" && p["in"] == "query");
        }
        false
    }

    #[test]
    fn every_patchable_kind_supports_field_validation() {
        for (group, version) in ops::group_versions() {
            let doc = document(catalog(), group, version);
            for info in berth_api::Registry.in_group_version(group, version) {
                let want = info.has_verb("patch") && !info.virtual_create_only;
                assert_eq!(
                    supports_field_validation(&doc, group, version, info.kind),
                    want,
                    "{group}/{version} {}",
                    info.kind
                );
            }
        }
    }

    #[test]
    fn pod_patch_operation_matches_the_minimal_contract() {
        let doc = document(catalog(), "", "v1");
        assert_eq!(doc["openapi"], "3.0.0");
        let item = &doc["paths"]["/api/v1/namespaces/{namespace}/pods/{name}"];
        let patch = &item["patch"];
        assert_eq!(patch["operationId"], "patchCoreV1NamespacedPod");
        assert_eq!(patch["x-kubernetes-action"], "patch");
        assert_eq!(
            patch["x-kubernetes-group-version-kind"],
            json!({"group": "", "version": "v1", "kind": "Pod"})
        );
        let names: Vec<&str> = patch["parameters"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| p["name"].as_str().unwrap())
            .collect();
        assert_eq!(
            names,
            ["dryRun", "fieldManager", "fieldValidation", "force"]
        );
        let content = patch["requestBody"]["content"].as_object().unwrap();
        for media in [
            "application/json-patch+json",
            "application/merge-patch+json",
            "application/strategic-merge-patch+json",
            "application/apply-patch+yaml",
        ] {
            assert!(content.contains_key(media), "{media}");
        }
        assert_eq!(patch["requestBody"]["required"], true);
        assert_eq!(item["put"]["x-kubernetes-action"], "put");
        let path_params: Vec<&str> = item["parameters"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| p["name"].as_str().unwrap())
            .collect();
        assert_eq!(path_params, ["namespace", "name"]);
    }

    #[test]
    fn create_operations_carry_field_validation() {
        let doc = document(catalog(), "apps", "v1");
        let post = &doc["paths"]["/apis/apps/v1/namespaces/{namespace}/deployments"]["post"];
        assert_eq!(post["operationId"], "createAppsV1NamespacedDeployment");
        assert_eq!(post["x-kubernetes-action"], "post");
        assert!(
            post["parameters"]
                .as_array()
                .unwrap()
                .iter()
                .any(|p| p["name"] == "fieldValidation" && p["in"] == "query")
        );
    }

    #[test]
    fn cluster_scoped_kinds_have_no_namespace_segment() {
        let doc = document(catalog(), "", "v1");
        let node = &doc["paths"]["/api/v1/nodes/{name}"]["patch"];
        assert_eq!(node["x-kubernetes-group-version-kind"]["kind"], "Node");
        assert!(
            doc["paths"]
                .get("/api/v1/namespaces/{namespace}/nodes/{name}")
                .is_none()
        );
    }

    #[test]
    fn every_kind_schema_is_in_its_group_version_document() {
        for (group, version) in ops::group_versions() {
            let doc = document(catalog(), group, version);
            let schemas = doc["components"]["schemas"].as_object().unwrap();
            for info in berth_api::Registry.in_group_version(group, version) {
                let gvk = json!({"group": info.group, "kind": info.kind, "version": info.version});
                let found = schemas.values().any(|schema| {
                    schema["x-kubernetes-group-version-kind"]
                        .as_array()
                        .is_some_and(|list| list.contains(&gvk))
                });
                assert!(found, "{group}/{version} {}", info.kind);
            }
        }
    }

    /// Resolves a property's schema to its definition name: `$ref`, or `allOf: [{$ref}]`.
    fn target(schema: &Value) -> &str {
        let reference = schema
            .get("$ref")
            .or_else(|| schema["allOf"][0].get("$ref"))
            .and_then(Value::as_str)
            .unwrap();
        reference.strip_prefix(REF_PREFIX).unwrap()
    }

    #[test]
    fn every_reference_resolves_within_the_document() {
        for (group, version) in ops::group_versions() {
            let doc = document(catalog(), group, version);
            let schemas = doc["components"]["schemas"].as_object().unwrap();
            let text = doc.to_string();
            for part in text.split("\"$ref\":\"").skip(1) {
                let reference = &part[..part.find('"').unwrap()];
                let name = reference.strip_prefix(REF_PREFIX).unwrap();
                assert!(schemas.contains_key(name), "{group}/{version}: {name}");
            }
        }
    }

    #[test]
    fn statefulset_volume_claim_templates() {
        let doc = document(catalog(), "apps", "v1");
        let schemas = &doc["components"]["schemas"];
        let spec = &schemas["io.k8s.api.apps.v1.StatefulSetSpec"];
        let vct = &spec["properties"]["volumeClaimTemplates"];
        assert_eq!(vct["type"], "array");
        assert!(vct["description"].as_str().unwrap().starts_with(
            "volumeClaimTemplates is a list of claims that pods are allowed to reference."
        ));
        assert_eq!(
            target(&vct["items"]),
            "io.k8s.api.core.v1.PersistentVolumeClaim"
        );
        // The claim schema travels with the apps/v1 document, keeping its own kind.
        let pvc = &schemas["io.k8s.api.core.v1.PersistentVolumeClaim"];
        assert_eq!(
            pvc["x-kubernetes-group-version-kind"],
            json!([{"group": "", "kind": "PersistentVolumeClaim", "version": "v1"}])
        );
        assert_eq!(vct["x-kubernetes-list-type"], "atomic");
        let kind = &schemas["io.k8s.api.apps.v1.StatefulSet"];
        assert_eq!(
            target(&kind["properties"]["spec"]),
            "io.k8s.api.apps.v1.StatefulSetSpec"
        );
        assert!(kind["properties"]["spec"]["description"].is_string());
        assert_eq!(spec["required"], json!(["selector", "template"]));
    }

    #[test]
    fn pod_spec_list_extensions() {
        let doc = document(catalog(), "", "v1");
        let schemas = &doc["components"]["schemas"];
        let props = &schemas["io.k8s.api.core.v1.PodSpec"]["properties"];
        let containers = &props["containers"];
        assert_eq!(containers["x-kubernetes-patch-merge-key"], "name");
        assert_eq!(containers["x-kubernetes-patch-strategy"], "merge");
        assert_eq!(containers["x-kubernetes-list-type"], "map");
        assert_eq!(containers["x-kubernetes-list-map-keys"], json!(["name"]));
        assert_eq!(target(&containers["items"]), "io.k8s.api.core.v1.Container");
        assert_eq!(
            props["volumes"]["x-kubernetes-patch-strategy"],
            "merge,retainKeys"
        );
        assert_eq!(props["tolerations"]["x-kubernetes-list-type"], "atomic");
        assert!(
            props["tolerations"]
                .get("x-kubernetes-patch-strategy")
                .is_none()
        );
        assert_eq!(props["nodeSelector"]["x-kubernetes-map-type"], "atomic");
        let ports = &schemas["io.k8s.api.core.v1.Container"]["properties"]["ports"];
        assert_eq!(ports["x-kubernetes-patch-merge-key"], "containerPort");
        assert_eq!(
            ports["x-kubernetes-list-map-keys"],
            json!(["containerPort", "protocol"])
        );
        let meta = &schemas["io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta"]["properties"];
        assert_eq!(meta["finalizers"]["x-kubernetes-list-type"], "set");
        assert_eq!(meta["finalizers"]["x-kubernetes-patch-strategy"], "merge");
        assert_eq!(
            meta["ownerReferences"]["x-kubernetes-patch-merge-key"],
            "uid"
        );
        assert_eq!(
            schemas["io.k8s.apimachinery.pkg.apis.meta.v1.OwnerReference"]["x-kubernetes-map-type"],
            "atomic"
        );
    }

    #[test]
    fn deployment_strategy_retains_keys_next_to_its_reference() {
        let doc = document(catalog(), "apps", "v1");
        let strategy = &doc["components"]["schemas"]["io.k8s.api.apps.v1.DeploymentSpec"]["properties"]
            ["strategy"];
        assert_eq!(strategy["x-kubernetes-patch-strategy"], "retainKeys");
        assert_eq!(target(strategy), "io.k8s.api.apps.v1.DeploymentStrategy");
        assert!(
            strategy.get("$ref").is_none(),
            "siblings need allOf in OpenAPI 3.0"
        );
    }

    #[test]
    fn two_type_values_use_one_of() {
        let doc = document(catalog(), "", "v1");
        let schemas = &doc["components"]["schemas"];
        let int_or_string = &schemas[INT_OR_STRING];
        assert_eq!(int_or_string["format"], "int-or-string");
        assert_eq!(
            int_or_string["oneOf"],
            json!([{"type": "integer"}, {"type": "string"}])
        );
        assert!(int_or_string["description"].is_string());
        assert_eq!(
            schemas[QUANTITY]["oneOf"],
            json!([{"type": "string"}, {"type": "number"}])
        );
        let time = &schemas["io.k8s.apimachinery.pkg.apis.meta.v1.Time"];
        assert_eq!(time["format"], "date-time");
    }

    #[test]
    fn operations_refer_to_schemas() {
        let doc = document(catalog(), "", "v1");
        let item = &doc["paths"]["/api/v1/namespaces/{namespace}/pods/{name}"];
        let put_body = &item["put"]["requestBody"]["content"]["*/*"]["schema"];
        assert_eq!(target(put_body), "io.k8s.api.core.v1.Pod");
        let patch_body =
            &item["patch"]["requestBody"]["content"]["application/strategic-merge-patch+json"];
        assert_eq!(target(&patch_body["schema"]), PATCH_SCHEMA);
        for code in ["200", "201"] {
            let schema = &item["patch"]["responses"][code]["content"]["application/json"]["schema"];
            assert_eq!(target(schema), "io.k8s.api.core.v1.Pod");
        }
        assert!(doc["components"]["schemas"].get(PATCH_SCHEMA).is_some());
        // Reviews are created only: no PATCH, so no Patch schema.
        let reviews = document(catalog(), "authorization.k8s.io", "v1");
        assert!(reviews["components"]["schemas"].get(PATCH_SCHEMA).is_none());
        assert!(
            reviews["components"]["schemas"]
                .get("io.k8s.api.authorization.v1.SelfSubjectAccessReview")
                .is_some()
        );
    }
}

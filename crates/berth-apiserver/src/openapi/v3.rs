//! OpenAPI v3 documents, one per group-version (`/openapi/v3/api/v1`, `/openapi/v3/apis/apps/v1`).
//!
//! Each operation carries `x-kubernetes-group-version-kind` (a single object on operations) and
//! `x-kubernetes-action`. `components.schemas` is where kind schemas go (with
//! `x-kubernetes-group-version-kind` as an array); request bodies use a generic object schema
//! until then, so kubectl's apply computes strategic merge patches from its compiled-in types.

use serde_json::{Map, Value, json};

use super::ops::{self, Method, Operation, PathItem};

/// `info.version` of every document.
pub(crate) const INFO_VERSION: &str = env!("CARGO_PKG_VERSION");

/// The v3 document of `group`/`version`.
pub(crate) fn document(group: &str, version: &str) -> Value {
    let mut paths = Map::new();
    for item in ops::paths(group, version) {
        paths.insert(item.path.clone(), path_item(&item, group, version));
    }
    json!({
        "openapi": "3.0.0",
        "info": {"title": "Kubernetes", "version": INFO_VERSION},
        "paths": paths,
        "components": {"schemas": schemas(group, version)},
    })
}

/// Kind schemas of the group-version, keyed by upstream's definition names. None yet: kubectl
/// needs them only for `explain` and schema-driven strategic merge patches.
fn schemas(_group: &str, _version: &str) -> Map<String, Value> {
    Map::new()
}

fn path_item(item: &PathItem, group: &str, version: &str) -> Value {
    let mut obj = Map::new();
    for op in &item.operations {
        let key = match op.method {
            Method::Post => "post",
            Method::Put => "put",
            Method::Patch => "patch",
        };
        obj.insert(key.into(), operation(op, group, version));
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

fn operation(op: &Operation, group: &str, version: &str) -> Value {
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
        .map(|media| ((*media).to_owned(), json!({"schema": body_schema(op)})))
        .collect();
    let responses: Map<String, Value> = op
        .method
        .responses()
        .iter()
        .map(|(code, text)| ((*code).to_owned(), json!({"description": text})))
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

/// The schema of a request body: a generic object until kind schemas exist.
fn body_schema(_op: &Operation) -> Value {
    json!({"type": "object"})
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

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
            let doc = document(group, version);
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
        let doc = document("", "v1");
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
        let doc = document("apps", "v1");
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
        let doc = document("", "v1");
        let node = &doc["paths"]["/api/v1/nodes/{name}"]["patch"];
        assert_eq!(node["x-kubernetes-group-version-kind"]["kind"], "Node");
        assert!(
            doc["paths"]
                .get("/api/v1/namespaces/{namespace}/nodes/{name}")
                .is_none()
        );
    }

    #[test]
    fn documents_have_an_empty_schema_section() {
        let doc = document("apps", "v1");
        assert_eq!(doc["components"], json!({"schemas": {}}));
    }
}

//! The operations berth documents, derived from the resource registry and shared by the v2 and
//! v3 renderers so both documents always describe the same API.
//!
//! kubectl's field-validation check (cli-runtime's query-param verifier) walks the PATCH
//! operations of a group-version, takes the first one whose `x-kubernetes-group-version-kind`
//! equals the kind, and looks for a `fieldValidation` query parameter on it. Every PATCH here
//! therefore carries that parameter; create (POST) and replace (PUT) carry it too, as upstream's
//! do.

use berth_api::{Registry, ResourceInfo};

/// An HTTP method berth documents for a kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Method {
    /// Create, on the collection path.
    Post,
    /// Replace, on the item path.
    Put,
    /// Partial update, on the item path.
    Patch,
}

/// A query parameter of an operation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct QueryParam {
    pub(crate) name: &'static str,
    /// `string` or `boolean`.
    pub(crate) ty: &'static str,
    pub(crate) description: &'static str,
}

const DRY_RUN: QueryParam = QueryParam {
    name: "dryRun",
    ty: "string",
    description: "When present, indicates that modifications should not be persisted. \
                  The only valid value is All.",
};
const FIELD_MANAGER: QueryParam = QueryParam {
    name: "fieldManager",
    ty: "string",
    description: "A name associated with the actor or entity making these changes.",
};
const FIELD_VALIDATION: QueryParam = QueryParam {
    name: "fieldValidation",
    ty: "string",
    description: "How the server treats unknown or duplicate fields in the request: \
                  Ignore, Warn or Strict.",
};
const FORCE: QueryParam = QueryParam {
    name: "force",
    ty: "boolean",
    description: "Forces an apply request to take ownership of fields other managers own. \
                  Must be unset for other patch types.",
};

/// The patch media types the server accepts.
pub(crate) const PATCH_TYPES: &[&str] = &[
    "application/json-patch+json",
    "application/merge-patch+json",
    "application/strategic-merge-patch+json",
    "application/apply-patch+yaml",
];
/// What create and replace accept (JSON, YAML and protobuf bodies).
pub(crate) const BODY_TYPES: &[&str] = &["*/*"];
/// What every operation can answer with.
pub(crate) const PRODUCES: &[&str] = &[
    "application/json",
    "application/yaml",
    "application/vnd.kubernetes.protobuf",
];

impl Method {
    /// The `x-kubernetes-action` value.
    pub(crate) fn action(self) -> &'static str {
        match self {
            Method::Post => "post",
            Method::Put => "put",
            Method::Patch => "patch",
        }
    }

    /// The verb that starts the operation id (`createCoreV1NamespacedPod`).
    fn id_verb(self) -> &'static str {
        match self {
            Method::Post => "create",
            Method::Put => "replace",
            Method::Patch => "patch",
        }
    }

    /// The registry verb that must be served for the operation to exist.
    fn registry_verb(self) -> &'static str {
        match self {
            Method::Post => "create",
            Method::Put => "update",
            Method::Patch => "patch",
        }
    }

    pub(crate) fn query(self) -> &'static [QueryParam] {
        match self {
            Method::Post | Method::Put => &[DRY_RUN, FIELD_MANAGER, FIELD_VALIDATION],
            Method::Patch => &[DRY_RUN, FIELD_MANAGER, FIELD_VALIDATION, FORCE],
        }
    }

    pub(crate) fn consumes(self) -> &'static [&'static str] {
        match self {
            Method::Post | Method::Put => BODY_TYPES,
            Method::Patch => PATCH_TYPES,
        }
    }

    /// Status codes and their descriptions.
    pub(crate) fn responses(self) -> &'static [(&'static str, &'static str)] {
        match self {
            Method::Post => &[("200", "OK"), ("201", "Created"), ("202", "Accepted")],
            Method::Put | Method::Patch => &[("200", "OK"), ("201", "Created")],
        }
    }
}

/// One documented operation.
#[derive(Debug, Clone)]
pub(crate) struct Operation {
    pub(crate) method: Method,
    pub(crate) operation_id: String,
    pub(crate) description: String,
    /// The kind the operation reads and writes.
    pub(crate) info: &'static ResourceInfo,
}

/// A URL path with its operations.
#[derive(Debug, Clone)]
pub(crate) struct PathItem {
    /// `/api/v1/namespaces/{namespace}/pods/{name}`.
    pub(crate) path: String,
    /// Path parameters in URL order (`namespace`, `name`).
    pub(crate) path_params: Vec<&'static str>,
    pub(crate) operations: Vec<Operation>,
}

/// Every served group-version, core first.
pub(crate) fn group_versions() -> Vec<(&'static str, &'static str)> {
    Registry
        .groups()
        .into_iter()
        .flat_map(|(group, versions)| versions.into_iter().map(move |v| (group, v)))
        .collect()
}

/// The document path of a group-version: `api/v1` or `apis/apps/v1`.
pub(crate) fn doc_path(group: &str, version: &str) -> String {
    if group.is_empty() {
        format!("api/{version}")
    } else {
        format!("apis/{group}/{version}")
    }
}

/// The documented paths of one group-version, sorted by path.
pub(crate) fn paths(group: &str, version: &str) -> Vec<PathItem> {
    let mut items: Vec<PathItem> = Vec::new();
    for info in Registry.in_group_version(group, version) {
        let prefix = format!("/{}", doc_path(group, version));
        let (scope_path, mut params) = if info.namespaced() {
            (
                format!("{prefix}/namespaces/{{namespace}}"),
                vec!["namespace"],
            )
        } else {
            (prefix, Vec::new())
        };
        let collection = format!("{scope_path}/{}", info.plural);
        let collection_ops = operations(info, &[Method::Post]);
        if !collection_ops.is_empty() {
            items.push(PathItem {
                path: collection.clone(),
                path_params: params.clone(),
                operations: collection_ops,
            });
        }
        let item_ops = operations(info, &[Method::Put, Method::Patch]);
        if !item_ops.is_empty() {
            params.push("name");
            items.push(PathItem {
                path: format!("{collection}/{{name}}"),
                path_params: params,
                operations: item_ops,
            });
        }
    }
    items.sort_by(|a, b| a.path.cmp(&b.path));
    items
}

fn operations(info: &'static ResourceInfo, methods: &[Method]) -> Vec<Operation> {
    methods
        .iter()
        .filter(|m| info.has_verb(m.registry_verb()))
        // Create-only virtual resources (reviews) have nothing to replace or patch.
        .filter(|m| !info.virtual_create_only || **m == Method::Post)
        .map(|&method| Operation {
            method,
            operation_id: operation_id(method, info),
            description: description(method, info.kind),
            info,
        })
        .collect()
}

/// Upstream's operation id: verb, camel-cased group and version, `Namespaced` for namespaced
/// kinds, kind (`patchAppsV1NamespacedDeployment`, `createCoreV1Namespace`).
fn operation_id(method: Method, info: &ResourceInfo) -> String {
    let scope = if info.namespaced() { "Namespaced" } else { "" };
    format!(
        "{}{}{}{scope}{}",
        method.id_verb(),
        group_camel(info.group),
        capitalize(info.version),
        info.kind
    )
}

/// `core_v1`, `apps_v1`, `storage_v1`: the tag upstream groups operations under.
pub(crate) fn tag(group: &str, version: &str) -> String {
    let mut name = short_group(group).replace('.', "_");
    name.push('_');
    name.push_str(version);
    name
}

fn short_group(group: &str) -> String {
    if group.is_empty() {
        "core".to_owned()
    } else {
        group.strip_suffix(".k8s.io").unwrap_or(group).to_owned()
    }
}

fn group_camel(group: &str) -> String {
    short_group(group).split('.').map(capitalize).collect()
}

fn capitalize(word: &str) -> String {
    let mut chars = word.chars();
    match chars.next() {
        Some(first) => first.to_ascii_uppercase().to_string() + chars.as_str(),
        None => String::new(),
    }
}

fn description(method: Method, kind: &str) -> String {
    match method {
        Method::Post => format!("create a {kind}"),
        Method::Put => format!("replace the specified {kind}"),
        Method::Patch => format!("partially update the specified {kind}"),
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn operation_ids_follow_upstream_naming() {
        let reg = Registry;
        let cases = [
            ("", "pods", Method::Patch, "patchCoreV1NamespacedPod"),
            ("", "namespaces", Method::Post, "createCoreV1Namespace"),
            ("", "nodes", Method::Put, "replaceCoreV1Node"),
            (
                "apps",
                "deployments",
                Method::Patch,
                "patchAppsV1NamespacedDeployment",
            ),
            (
                "storage.k8s.io",
                "storageclasses",
                Method::Put,
                "replaceStorageV1StorageClass",
            ),
            (
                "authorization.k8s.io",
                "selfsubjectaccessreviews",
                Method::Post,
                "createAuthorizationV1SelfSubjectAccessReview",
            ),
        ];
        for (group, plural, method, want) in cases {
            let info = reg.by_plural(group, "v1", plural).unwrap();
            assert_eq!(operation_id(method, info), want);
        }
    }

    #[test]
    fn tags() {
        assert_eq!(tag("", "v1"), "core_v1");
        assert_eq!(tag("apps", "v1"), "apps_v1");
        assert_eq!(tag("coordination.k8s.io", "v1"), "coordination_v1");
    }

    #[test]
    fn paths_by_scope_and_verbs() {
        let core = paths("", "v1");
        let find = |p: &str| core.iter().find(|i| i.path == p).unwrap();
        let pod = find("/api/v1/namespaces/{namespace}/pods/{name}");
        assert_eq!(pod.path_params, ["namespace", "name"]);
        let methods: Vec<Method> = pod.operations.iter().map(|o| o.method).collect();
        assert_eq!(methods, [Method::Put, Method::Patch]);
        let pods = find("/api/v1/namespaces/{namespace}/pods");
        assert_eq!(pods.operations[0].method, Method::Post);
        let node = find("/api/v1/nodes/{name}");
        assert_eq!(node.path_params, ["name"]);
        assert!(core.iter().any(|i| i.path == "/api/v1/nodes"));

        let reviews = paths("authorization.k8s.io", "v1");
        assert_eq!(reviews.len(), 1);
        assert_eq!(
            reviews[0].path,
            "/apis/authorization.k8s.io/v1/selfsubjectaccessreviews"
        );
        assert_eq!(reviews[0].operations.len(), 1);
        assert_eq!(reviews[0].operations[0].method, Method::Post);
    }

    #[test]
    fn every_write_operation_carries_field_validation() {
        for method in [Method::Post, Method::Put, Method::Patch] {
            assert!(method.query().iter().any(|q| q.name == "fieldValidation"));
        }
        assert!(Method::Patch.query().iter().any(|q| q.name == "force"));
    }
}

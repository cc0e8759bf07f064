//! Discovery documents: what `GET /api`, `/apis`, `/apis/{group}`, `/api/v1` and
//! `/apis/{group}/{version}` answer, generated from the resource registry.
//!
//! Two families exist. The legacy documents (`APIVersions`, `APIGroupList`, `APIGroup`,
//! `APIResourceList`) work with every kubectl. The aggregated `APIGroupDiscoveryList` answers
//! `/api` or `/apis` in one round trip; kubectl 1.27–1.29 understand only `v2beta1` of it and
//! 1.30+ prefer `v2`, and client-go tells the two families apart solely by the response
//! `Content-Type`, so the version must follow the request's `Accept` header ([`negotiate`]).

use berth_api::{Registry, ResourceInfo, Subresource};
use serde_json::{Map, Value, json};

/// `Content-Type` of an aggregated `v2` answer.
const V2_CONTENT_TYPE: &str =
    "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList";
/// `Content-Type` of an aggregated `v2beta1` answer.
const V2BETA1_CONTENT_TYPE: &str =
    "application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList";
/// `Content-Type` of a legacy answer.
const LEGACY_CONTENT_TYPE: &str = "application/json";

/// `GET /api` in the legacy format: the core group's versions and the address clients should
/// use (`host:port`).
pub fn api_versions(server_address: &str) -> Value {
    json!({
        "kind": "APIVersions",
        "versions": core_versions(),
        "serverAddressByClientCIDRs": [
            {"clientCIDR": "0.0.0.0/0", "serverAddress": server_address}
        ],
    })
}

/// `GET /apis` in the legacy format: every named group (the core group is not listed).
pub fn api_group_list() -> Value {
    let groups: Vec<Value> = Registry
        .groups()
        .into_iter()
        .filter(|(group, _)| !group.is_empty())
        .map(|(group, versions)| group_body(group, &versions))
        .collect();
    json!({"kind": "APIGroupList", "apiVersion": "v1", "groups": groups})
}

/// `GET /apis/{group}`: one named group, or `None` when berth does not serve it.
pub fn api_group(group: &str) -> Option<Value> {
    if group.is_empty() {
        return None;
    }
    let (group, versions) = Registry.groups().into_iter().find(|(g, _)| *g == group)?;
    let mut body = group_body(group, &versions);
    if let Value::Object(map) = &mut body {
        map.insert("kind".into(), "APIGroup".into());
        map.insert("apiVersion".into(), "v1".into());
    }
    Some(body)
}

/// `GET /api/v1` (group `""`) or `GET /apis/{group}/{version}`: the resources of one
/// group-version, subresources included as `plural/sub` entries, sorted by name as upstream
/// does. `None` when the group-version is not served.
pub fn api_resource_list(group: &str, version: &str) -> Option<Value> {
    let resources = Registry.in_group_version(group, version);
    let first = resources.first()?;
    let mut entries: Vec<Value> = Vec::new();
    for info in &resources {
        entries.push(legacy_resource(info));
        for sub in info.subresources {
            entries.push(legacy_subresource(info, sub));
        }
    }
    entries.sort_by(|a, b| entry_name(a).cmp(entry_name(b)));
    Some(json!({
        "kind": "APIResourceList",
        "apiVersion": "v1",
        "groupVersion": first.api_version(),
        "resources": entries,
    }))
}

/// Upstream's `storageVersionHash`: base64 of the first 8 bytes of SHA-256 over
/// `group/version/kind` of the storage version (`/v1/Pod` for core pods). Clients only compare
/// it for equality, so it must be stable across restarts.
pub fn storage_version_hash(group: &str, version: &str, kind: &str) -> String {
    use base64::Engine as _;
    let gvk = format!("{group}/{version}/{kind}");
    let digest = ring::digest::digest(&ring::digest::SHA256, gvk.as_bytes());
    let prefix = digest.as_ref().get(..8).unwrap_or_default();
    base64::engine::general_purpose::STANDARD.encode(prefix)
}

/// Which discovery document a request for `/api` or `/apis` gets.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DiscoveryFormat {
    /// Aggregated discovery `apidiscovery.k8s.io/v2` (kubectl 1.30+).
    V2,
    /// Aggregated discovery `apidiscovery.k8s.io/v2beta1` (kubectl 1.27–1.29).
    V2Beta1,
    /// `APIVersions` / `APIGroupList`.
    Legacy,
}

/// Picks the discovery format from an `Accept` header: aggregated `v2` when any acceptable media
/// range offers it, else `v2beta1`, else legacy. Parameter order, case of names, spaces and
/// quoting do not matter; a range with `q=0` is not acceptable.
pub fn negotiate(accept: &str) -> DiscoveryFormat {
    let mut best = DiscoveryFormat::Legacy;
    for range in accept.split(',') {
        match aggregated_version_of(range) {
            Some(DiscoveryFormat::V2) => return DiscoveryFormat::V2,
            Some(DiscoveryFormat::V2Beta1) => best = DiscoveryFormat::V2Beta1,
            _ => {}
        }
    }
    best
}

/// The aggregated version one media range asks for, if it is an acceptable JSON
/// `APIGroupDiscoveryList` range.
fn aggregated_version_of(range: &str) -> Option<DiscoveryFormat> {
    let mut parts = range.split(';');
    let media_type = parts.next()?.trim();
    if !media_type.eq_ignore_ascii_case("application/json") {
        return None;
    }
    let (mut group, mut version, mut as_kind, mut q_zero) = (None, None, None, false);
    for param in parts {
        let Some((name, value)) = param.split_once('=') else {
            continue;
        };
        let value = value.trim().trim_matches('"');
        match name.trim().to_ascii_lowercase().as_str() {
            "g" => group = Some(value),
            "v" => version = Some(value),
            "as" => as_kind = Some(value),
            "q" => q_zero = value.parse::<f32>().is_ok_and(|q| q <= 0.0),
            _ => {}
        }
    }
    if q_zero || group != Some("apidiscovery.k8s.io") || as_kind != Some("APIGroupDiscoveryList") {
        return None;
    }
    match version {
        Some("v2") => Some(DiscoveryFormat::V2),
        Some("v2beta1") => Some(DiscoveryFormat::V2Beta1),
        _ => None,
    }
}

/// The `Content-Type` to answer a document of `format` with.
pub fn aggregated_content_type(format: DiscoveryFormat) -> &'static str {
    match format {
        DiscoveryFormat::V2 => V2_CONTENT_TYPE,
        DiscoveryFormat::V2Beta1 => V2BETA1_CONTENT_TYPE,
        DiscoveryFormat::Legacy => LEGACY_CONTENT_TYPE,
    }
}

/// The aggregated `APIGroupDiscoveryList` for `/api` (`core`: one item, the core group, named
/// `""`) or `/apis` (every named group). For [`DiscoveryFormat::Legacy`] this is the legacy
/// document instead (`APIVersions` without server addresses, or `APIGroupList`), so the body
/// always matches [`aggregated_content_type`]; prefer [`discovery_root`], which also fills in
/// the server address.
pub fn aggregated(core: bool, format: DiscoveryFormat) -> Value {
    let api_version = match format {
        DiscoveryFormat::V2 => "apidiscovery.k8s.io/v2",
        DiscoveryFormat::V2Beta1 => "apidiscovery.k8s.io/v2beta1",
        DiscoveryFormat::Legacy if core => {
            return json!({"kind": "APIVersions", "versions": core_versions()});
        }
        DiscoveryFormat::Legacy => return api_group_list(),
    };
    let items: Vec<Value> = Registry
        .groups()
        .into_iter()
        .filter(|(group, _)| group.is_empty() == core)
        .map(|(group, versions)| aggregated_group(group, &versions))
        .collect();
    json!({
        "kind": "APIGroupDiscoveryList",
        "apiVersion": api_version,
        "metadata": {},
        "items": items,
    })
}

/// The whole answer to `GET /api` (`core`) or `GET /apis`: `Content-Type` and body, chosen from
/// the request's `Accept` header.
pub fn discovery_root(core: bool, accept: &str, server_address: &str) -> (&'static str, Value) {
    let format = negotiate(accept);
    let body = match format {
        DiscoveryFormat::Legacy if core => api_versions(server_address),
        _ => aggregated(core, format),
    };
    (aggregated_content_type(format), body)
}

fn core_versions() -> Vec<&'static str> {
    Registry
        .groups()
        .into_iter()
        .find(|(group, _)| group.is_empty())
        .map(|(_, versions)| versions)
        .unwrap_or_default()
}

/// The `name`/`versions`/`preferredVersion` part shared by `APIGroupList` items and `APIGroup`.
fn group_body(group: &str, versions: &[&str]) -> Value {
    let versions: Vec<Value> = versions
        .iter()
        .map(|v| json!({"groupVersion": format!("{group}/{v}"), "version": v}))
        .collect();
    let preferred = versions.first().cloned().unwrap_or(Value::Null);
    json!({"name": group, "versions": versions, "preferredVersion": preferred})
}

fn verbs(info: &ResourceInfo) -> Vec<&'static str> {
    if info.virtual_create_only {
        vec!["create"]
    } else {
        info.verbs.to_vec()
    }
}

fn entry_name(entry: &Value) -> &str {
    entry
        .get("name")
        .and_then(Value::as_str)
        .unwrap_or_default()
}

fn legacy_resource(info: &'static ResourceInfo) -> Value {
    let mut entry = Map::new();
    entry.insert("name".into(), info.plural.into());
    entry.insert("singularName".into(), info.singular.into());
    entry.insert("namespaced".into(), info.namespaced().into());
    entry.insert("kind".into(), info.kind.into());
    entry.insert("verbs".into(), verbs(info).into());
    if !info.short_names.is_empty() {
        entry.insert("shortNames".into(), info.short_names.into());
    }
    if !info.categories.is_empty() {
        entry.insert("categories".into(), info.categories.into());
    }
    // Virtual resources have no storage, and upstream gives them no hash.
    if !info.virtual_create_only {
        let storage = Registry.storage_of(info);
        let hash = storage_version_hash(storage.group, storage.version, storage.kind);
        entry.insert("storageVersionHash".into(), hash.into());
    }
    Value::Object(entry)
}

fn legacy_subresource(info: &ResourceInfo, sub: &Subresource) -> Value {
    let mut entry = Map::new();
    entry.insert(
        "name".into(),
        format!("{}/{}", info.plural, sub.name).into(),
    );
    entry.insert("singularName".into(), "".into());
    entry.insert("namespaced".into(), info.namespaced().into());
    // Upstream names the group and version only when they differ from the parent's.
    if sub.group != info.group || sub.version != info.version {
        entry.insert("group".into(), sub.group.into());
        entry.insert("version".into(), sub.version.into());
    }
    entry.insert("kind".into(), sub.kind.into());
    entry.insert("verbs".into(), sub.verbs.into());
    Value::Object(entry)
}

fn aggregated_group(group: &str, versions: &[&str]) -> Value {
    let versions: Vec<Value> = versions
        .iter()
        .map(|version| {
            let mut resources: Vec<&ResourceInfo> = Registry.in_group_version(group, version);
            resources.sort_by_key(|r| r.plural);
            let resources: Vec<Value> = resources.into_iter().map(aggregated_resource).collect();
            json!({"version": version, "resources": resources, "freshness": "Current"})
        })
        .collect();
    json!({"metadata": {"name": group}, "versions": versions})
}

fn aggregated_resource(info: &ResourceInfo) -> Value {
    let mut entry = Map::new();
    entry.insert("resource".into(), info.plural.into());
    entry.insert(
        "responseKind".into(),
        json!({"group": info.group, "version": info.version, "kind": info.kind}),
    );
    entry.insert(
        "scope".into(),
        if info.namespaced() {
            "Namespaced"
        } else {
            "Cluster"
        }
        .into(),
    );
    entry.insert("singularResource".into(), info.singular.into());
    entry.insert("verbs".into(), verbs(info).into());
    if !info.short_names.is_empty() {
        entry.insert("shortNames".into(), info.short_names.into());
    }
    if !info.categories.is_empty() {
        entry.insert("categories".into(), info.categories.into());
    }
    let mut subresources: Vec<&Subresource> = info.subresources.iter().collect();
    subresources.sort_by_key(|s| s.name);
    if !subresources.is_empty() {
        let subs: Vec<Value> = subresources
            .into_iter()
            .map(|s| {
                json!({
                    "subresource": s.name,
                    "responseKind": {"group": s.group, "version": s.version, "kind": s.kind},
                    "verbs": s.verbs,
                })
            })
            .collect();
        entry.insert("subresources".into(), subs.into());
    }
    Value::Object(entry)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    const ACCEPT_1_30: &str = "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList,application/json";
    const ACCEPT_1_27: &str = "application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList,application/json";

    #[test]
    fn negotiate_follows_the_accept_header() {
        use DiscoveryFormat::*;
        let cases = [
            (ACCEPT_1_30, V2),
            (ACCEPT_1_27, V2Beta1),
            ("application/json", Legacy),
            ("application/json, */*", Legacy),
            ("", Legacy),
            // Order of ranges and parameters, case and spaces do not matter.
            (
                "application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList, application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList",
                V2,
            ),
            (
                "Application/JSON; as=APIGroupDiscoveryList; V=v2; g=\"apidiscovery.k8s.io\"",
                V2,
            ),
            // Not acceptable, or not something berth serves.
            (
                "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList;q=0,application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList",
                V2Beta1,
            ),
            (
                "application/vnd.kubernetes.protobuf;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json",
                Legacy,
            ),
            (
                "application/json;g=apidiscovery.k8s.io;v=v3;as=APIGroupDiscoveryList",
                Legacy,
            ),
            (
                "application/json;g=meta.k8s.io;v=v2;as=APIGroupDiscoveryList",
                Legacy,
            ),
            (
                "application/json;g=apidiscovery.k8s.io;v=v2;as=Table",
                Legacy,
            ),
        ];
        for (accept, want) in cases {
            assert_eq!(negotiate(accept), want, "Accept: {accept}");
        }
    }

    #[test]
    fn content_types() {
        let cases = [
            (
                DiscoveryFormat::V2,
                "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList",
            ),
            (
                DiscoveryFormat::V2Beta1,
                "application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList",
            ),
            (DiscoveryFormat::Legacy, "application/json"),
        ];
        for (format, want) in cases {
            assert_eq!(aggregated_content_type(format), want);
        }
    }

    /// Values from upstream's storage-version-hash regression data.
    #[test]
    fn storage_version_hashes_match_upstream() {
        let cases = [
            ("", "v1", "pods", "xPOwRZ+Yhw8="),
            ("", "v1", "configmaps", "qFsyl6wFWjQ="),
            ("", "v1", "namespaces", "Q3oi5N2YM8M="),
            ("", "v1", "nodes", "XwShjMxG9Fs="),
            ("", "v1", "services", "0/CO1lhkEBI="),
            ("", "v1", "secrets", "S6u1pOWzb84="),
            ("", "v1", "serviceaccounts", "pbx9ZvyFpBE="),
            ("", "v1", "events", "r2yiGXH7wu8="),
            ("", "v1", "endpoints", "fWeeMqaN/OA="),
            ("", "v1", "persistentvolumes", "HN/zwEC+JgM="),
            ("", "v1", "persistentvolumeclaims", "QWTyNDq0dC4="),
            ("apps", "v1", "deployments", "8aSe+NMegvE="),
            ("apps", "v1", "statefulsets", "H+vl74LkKdo="),
            ("apps", "v1", "replicasets", "P1RzHs8/mWQ="),
            ("apps", "v1", "controllerrevisions", "85nkx63pcBU="),
            ("storage.k8s.io", "v1", "storageclasses", "K+m6uJwbjGY="),
            ("discovery.k8s.io", "v1", "endpointslices", "qgS0xkrxYAI="),
            ("coordination.k8s.io", "v1", "leases", "gqkMMb/YqFM="),
            // Stored as core events, so it shares their hash.
            ("events.k8s.io", "v1", "events", "r2yiGXH7wu8="),
        ];
        for (group, version, plural, want) in cases {
            let list = api_resource_list(group, version).unwrap();
            let entry = list["resources"]
                .as_array()
                .unwrap()
                .iter()
                .find(|e| e["name"] == plural)
                .unwrap();
            assert_eq!(
                entry["storageVersionHash"], want,
                "{group}/{version}/{plural}"
            );
        }
    }

    #[test]
    fn resource_list_lists_subresources_like_upstream() {
        let list = api_resource_list("apps", "v1").unwrap();
        assert_eq!(list["kind"], "APIResourceList");
        assert_eq!(list["apiVersion"], "v1");
        assert_eq!(list["groupVersion"], "apps/v1");
        let entries = list["resources"].as_array().unwrap();
        let names: Vec<&str> = entries.iter().map(entry_name).collect();
        let mut sorted = names.clone();
        sorted.sort_unstable();
        assert_eq!(names, sorted);
        let find = |name: &str| entries.iter().find(|e| e["name"] == name).unwrap().clone();
        assert_eq!(
            find("deployments"),
            json!({"name": "deployments", "singularName": "deployment", "namespaced": true,
                   "kind": "Deployment",
                   "verbs": ["create","delete","deletecollection","get","list","patch","update","watch"],
                   "shortNames": ["deploy"], "categories": ["all"],
                   "storageVersionHash": "8aSe+NMegvE="})
        );
        assert_eq!(
            find("deployments/scale"),
            json!({"name": "deployments/scale", "singularName": "", "namespaced": true,
                   "group": "autoscaling", "version": "v1", "kind": "Scale",
                   "verbs": ["get", "patch", "update"]})
        );
        assert_eq!(
            find("deployments/status"),
            json!({"name": "deployments/status", "singularName": "", "namespaced": true,
                   "kind": "Deployment", "verbs": ["get", "patch", "update"]})
        );
    }

    #[test]
    fn core_resource_list() {
        let list = api_resource_list("", "v1").unwrap();
        assert_eq!(list["groupVersion"], "v1");
        let entries = list["resources"].as_array().unwrap();
        let nodes = entries.iter().find(|e| e["name"] == "nodes").unwrap();
        assert_eq!(nodes["namespaced"], false);
        assert_eq!(nodes["shortNames"], json!(["no"]));
        let pods = entries.iter().find(|e| e["name"] == "pods").unwrap();
        assert_eq!(pods["namespaced"], true);
        assert_eq!(pods["categories"], json!(["all"]));
        // No categories or short names: the keys are absent, as with upstream's omitempty.
        let secrets = entries.iter().find(|e| e["name"] == "secrets").unwrap();
        assert!(secrets.get("shortNames").is_none());
        assert!(secrets.get("categories").is_none());
    }

    #[test]
    fn create_only_resources_list_only_create_and_no_hash() {
        let cases = [
            (
                "authorization.k8s.io",
                "selfsubjectaccessreviews",
                "SelfSubjectAccessReview",
            ),
            (
                "authentication.k8s.io",
                "selfsubjectreviews",
                "SelfSubjectReview",
            ),
        ];
        for (group, plural, kind) in cases {
            let list = api_resource_list(group, "v1").unwrap();
            assert_eq!(
                list["resources"],
                json!([{"name": plural, "singularName": plural.trim_end_matches('s'),
                        "namespaced": false, "kind": kind, "verbs": ["create"]}])
            );
            let agg = aggregated(false, DiscoveryFormat::V2);
            let item = agg["items"]
                .as_array()
                .unwrap()
                .iter()
                .find(|i| i["metadata"]["name"] == group)
                .unwrap();
            assert_eq!(
                item["versions"][0]["resources"][0]["verbs"],
                json!(["create"])
            );
        }
    }

    #[test]
    fn unknown_group_versions_are_none() {
        assert!(api_resource_list("apps", "v2").is_none());
        assert!(api_resource_list("batch", "v1").is_none());
        assert!(api_group("batch").is_none());
        assert!(api_group("").is_none());
    }

    #[test]
    fn legacy_roots() {
        assert_eq!(
            api_versions("127.0.0.1:6443"),
            json!({"kind": "APIVersions", "versions": ["v1"],
                   "serverAddressByClientCIDRs": [
                       {"clientCIDR": "0.0.0.0/0", "serverAddress": "127.0.0.1:6443"}]})
        );
        let list = api_group_list();
        assert_eq!(list["kind"], "APIGroupList");
        assert_eq!(list["apiVersion"], "v1");
        let groups = list["groups"].as_array().unwrap();
        assert!(groups.iter().all(|g| g["name"] != ""));
        let apps = groups.iter().find(|g| g["name"] == "apps").unwrap();
        assert_eq!(
            apps,
            &json!({"name": "apps", "versions": [{"groupVersion": "apps/v1", "version": "v1"}],
                    "preferredVersion": {"groupVersion": "apps/v1", "version": "v1"}})
        );
        let group = api_group("apps").unwrap();
        assert_eq!(group["kind"], "APIGroup");
        assert_eq!(group["apiVersion"], "v1");
        assert_eq!(group["preferredVersion"]["groupVersion"], "apps/v1");
    }

    #[test]
    fn aggregated_documents_have_the_required_fields() {
        for (format, api_version) in [
            (DiscoveryFormat::V2, "apidiscovery.k8s.io/v2"),
            (DiscoveryFormat::V2Beta1, "apidiscovery.k8s.io/v2beta1"),
        ] {
            for core in [true, false] {
                let doc = aggregated(core, format);
                assert_eq!(doc["kind"], "APIGroupDiscoveryList");
                assert_eq!(doc["apiVersion"], api_version);
                assert_eq!(doc["metadata"], json!({}));
                for item in doc["items"].as_array().unwrap() {
                    assert_eq!(item["metadata"]["name"] == "", core);
                    for version in item["versions"].as_array().unwrap() {
                        assert_eq!(version["freshness"], "Current");
                        for res in version["resources"].as_array().unwrap() {
                            let rk = &res["responseKind"];
                            assert_eq!(rk["group"], item["metadata"]["name"]);
                            assert_eq!(rk["version"], version["version"]);
                            assert!(rk["kind"].as_str().is_some_and(|k| !k.is_empty()));
                            assert!(matches!(
                                res["scope"].as_str(),
                                Some("Namespaced" | "Cluster")
                            ));
                            for sub in res["subresources"].as_array().into_iter().flatten() {
                                assert!(sub["responseKind"]["kind"].is_string(), "{sub}");
                                assert!(sub["responseKind"]["version"].is_string(), "{sub}");
                                assert!(sub["responseKind"]["group"].is_string(), "{sub}");
                            }
                        }
                    }
                }
            }
        }
    }

    #[test]
    fn core_aggregated_document_has_one_item_named_empty() {
        let doc = aggregated(true, DiscoveryFormat::V2);
        let items = doc["items"].as_array().unwrap();
        assert_eq!(items.len(), 1);
        assert_eq!(items[0]["metadata"]["name"], "");
        let resources = items[0]["versions"][0]["resources"].as_array().unwrap();
        let sts_like = resources.iter().find(|r| r["resource"] == "pods").unwrap();
        assert_eq!(
            sts_like,
            &json!({"resource": "pods", "responseKind": {"group": "", "version": "v1", "kind": "Pod"},
                    "scope": "Namespaced", "singularResource": "pod",
                    "verbs": ["create","delete","deletecollection","get","list","patch","update","watch"],
                    "shortNames": ["po"], "categories": ["all"],
                    "subresources": [{"subresource": "status",
                                      "responseKind": {"group": "", "version": "v1", "kind": "Pod"},
                                      "verbs": ["get", "patch", "update"]}]})
        );
    }

    #[test]
    fn aggregated_scale_subresource_speaks_autoscaling() {
        let doc = aggregated(false, DiscoveryFormat::V2Beta1);
        let apps = doc["items"]
            .as_array()
            .unwrap()
            .iter()
            .find(|i| i["metadata"]["name"] == "apps")
            .unwrap();
        let sts = apps["versions"][0]["resources"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["resource"] == "statefulsets")
            .unwrap();
        assert_eq!(
            sts["subresources"],
            json!([
                {"subresource": "scale",
                 "responseKind": {"group": "autoscaling", "version": "v1", "kind": "Scale"},
                 "verbs": ["get", "patch", "update"]},
                {"subresource": "status",
                 "responseKind": {"group": "apps", "version": "v1", "kind": "StatefulSet"},
                 "verbs": ["get", "patch", "update"]}])
        );
    }

    #[test]
    fn discovery_root_pairs_body_and_content_type() {
        let (ct, body) = discovery_root(true, ACCEPT_1_27, "10.0.0.1:6443");
        assert_eq!(ct, aggregated_content_type(DiscoveryFormat::V2Beta1));
        assert_eq!(body["apiVersion"], "apidiscovery.k8s.io/v2beta1");
        let (ct, body) = discovery_root(true, "application/json, */*", "10.0.0.1:6443");
        assert_eq!(ct, "application/json");
        assert_eq!(body, api_versions("10.0.0.1:6443"));
        let (ct, body) = discovery_root(false, "application/json", "10.0.0.1:6443");
        assert_eq!(ct, "application/json");
        assert_eq!(body, api_group_list());
        assert_eq!(aggregated(false, DiscoveryFormat::Legacy), api_group_list());
    }
}

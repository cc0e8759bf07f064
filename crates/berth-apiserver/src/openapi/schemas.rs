//! The schema catalog: the definition of every type the served kinds reach, generated from the
//! Kubernetes types' `JsonSchema` implementations (their names and descriptions are upstream's),
//! then brought into upstream's OpenAPI shape and given the `x-kubernetes-*` extensions that
//! kubectl reads: the group-version-kind of each served kind and the list and patch metadata of
//! berth's merge-key table.
//!
//! Definitions keep references as `#/components/schemas/<name>` with sibling keywords (such as a
//! field's own `description`) next to `$ref`; each renderer brings them into its format (v3 wraps
//! such references in `allOf`, v2 points them at `#/definitions/`).

use std::collections::{BTreeMap, BTreeSet};

use berth_api::{Registry, ResourceInfo};
use k8s_openapi::api::{
    apps, authentication, authorization, coordination, core, discovery, events, storage,
};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::Patch;
use schemars::generate::{SchemaGenerator, SchemaSettings};
use serde_json::{Map, Value, json};

use super::patchmeta;

/// Where references point in the catalog (and in the v3 documents).
pub(crate) const REF_PREFIX: &str = "#/components/schemas/";

/// The body of every PATCH request, as upstream names it.
pub(crate) const PATCH_SCHEMA: &str = "io.k8s.apimachinery.pkg.apis.meta.v1.Patch";

/// `IntOrString` and `Quantity` accept two JSON types; each document format spells that its own
/// way.
pub(crate) const INT_OR_STRING: &str = "io.k8s.apimachinery.pkg.util.intstr.IntOrString";
pub(crate) const QUANTITY: &str = "io.k8s.apimachinery.pkg.api.resource.Quantity";

/// Kinds whose `metadata` upstream marks required (their Go field lacks `omitempty`). The
/// Kubernetes types make `metadata` mandatory on every resource type, which upstream does not.
const METADATA_REQUIRED: &[&str] = &["io.k8s.api.core.v1.Event"];

/// Every definition and the schema of each served kind.
#[derive(Debug, Clone)]
pub(crate) struct Catalog {
    /// Definitions by upstream name (`io.k8s.api.core.v1.Pod`).
    pub(crate) definitions: BTreeMap<String, Value>,
    /// The schema name of each served kind, in registry order.
    kinds: Vec<(&'static ResourceInfo, String)>,
}

impl Catalog {
    /// Generates the definitions of every served kind and everything they reference.
    pub(crate) fn build() -> Self {
        let settings = SchemaSettings::draft2020_12().with(|s| {
            s.definitions_path = "/components/schemas".into();
            s.meta_schema = None;
        });
        let mut generator = SchemaGenerator::new(settings);
        let kinds: Vec<(&'static ResourceInfo, String)> = Registry
            .all()
            .iter()
            .filter_map(|info| Some((info, add_kind(&mut generator, info.group, info.kind)?)))
            .collect();
        add::<Patch>(&mut generator);
        let mut definitions: BTreeMap<String, Value> =
            generator.take_definitions(false).into_iter().collect();
        for (name, schema) in &mut definitions {
            relax_metadata(name, schema);
        }
        for (info, name) in &kinds {
            if let Some(Value::Object(schema)) = definitions.get_mut(name) {
                add_gvk(schema, info);
            }
        }
        for (info, name) in &kinds {
            patchmeta::apply(&mut definitions, name, info.group, info.kind);
        }
        Self { definitions, kinds }
    }

    /// The schema name of a served kind.
    pub(crate) fn kind_schema(&self, info: &ResourceInfo) -> Option<&str> {
        self.kinds
            .iter()
            .find(|(i, _)| {
                i.group == info.group && i.version == info.version && i.kind == info.kind
            })
            .map(|(_, name)| name.as_str())
    }

    /// The names of `roots` and of every definition they reach, sorted.
    pub(crate) fn closure<'a>(&self, roots: impl IntoIterator<Item = &'a str>) -> BTreeSet<String> {
        let mut seen = BTreeSet::new();
        let mut pending: Vec<String> = roots.into_iter().map(str::to_owned).collect();
        while let Some(name) = pending.pop() {
            if !seen.insert(name.clone()) {
                continue;
            }
            if let Some(schema) = self.definitions.get(&name) {
                for_each_ref(schema, &mut |target| {
                    if !seen.contains(target) {
                        pending.push(target.to_owned());
                    }
                });
            }
        }
        seen
    }
}

/// Registers the schema of `T` (and everything it references) and returns its name.
fn add<T: schemars::JsonSchema>(generator: &mut SchemaGenerator) -> String {
    generator.subschema_for::<T>();
    T::schema_name().into_owned()
}

/// Registers the type of a served kind; `None` for kinds without a Kubernetes type here.
fn add_kind(g: &mut SchemaGenerator, group: &str, kind: &str) -> Option<String> {
    let name = match (group, kind) {
        ("", "Namespace") => add::<core::v1::Namespace>(g),
        ("", "Pod") => add::<core::v1::Pod>(g),
        ("", "Service") => add::<core::v1::Service>(g),
        ("", "Endpoints") => add::<core::v1::Endpoints>(g),
        ("", "ConfigMap") => add::<core::v1::ConfigMap>(g),
        ("", "Secret") => add::<core::v1::Secret>(g),
        ("", "ServiceAccount") => add::<core::v1::ServiceAccount>(g),
        ("", "PersistentVolume") => add::<core::v1::PersistentVolume>(g),
        ("", "PersistentVolumeClaim") => add::<core::v1::PersistentVolumeClaim>(g),
        ("", "Event") => add::<core::v1::Event>(g),
        ("", "Node") => add::<core::v1::Node>(g),
        ("apps", "StatefulSet") => add::<apps::v1::StatefulSet>(g),
        ("apps", "ControllerRevision") => add::<apps::v1::ControllerRevision>(g),
        ("apps", "Deployment") => add::<apps::v1::Deployment>(g),
        ("apps", "ReplicaSet") => add::<apps::v1::ReplicaSet>(g),
        ("storage.k8s.io", "StorageClass") => add::<storage::v1::StorageClass>(g),
        ("discovery.k8s.io", "EndpointSlice") => add::<discovery::v1::EndpointSlice>(g),
        ("coordination.k8s.io", "Lease") => add::<coordination::v1::Lease>(g),
        ("events.k8s.io", "Event") => add::<events::v1::Event>(g),
        ("authorization.k8s.io", "SelfSubjectAccessReview") => {
            add::<authorization::v1::SelfSubjectAccessReview>(g)
        }
        ("authentication.k8s.io", "SelfSubjectReview") => {
            add::<authentication::v1::SelfSubjectReview>(g)
        }
        _ => return None,
    };
    Some(name)
}

/// Drops `metadata` from the `required` list of resource types where upstream does not require it.
fn relax_metadata(name: &str, schema: &mut Value) {
    if METADATA_REQUIRED.contains(&name) {
        return;
    }
    let Some(obj) = schema.as_object_mut() else {
        return;
    };
    let is_resource = obj
        .get("properties")
        .and_then(Value::as_object)
        .is_some_and(|p| {
            ["apiVersion", "kind", "metadata"]
                .iter()
                .all(|k| p.contains_key(*k))
        });
    if !is_resource {
        return;
    }
    if let Some(Value::Array(required)) = obj.get_mut("required") {
        required.retain(|r| r != "metadata");
        if required.is_empty() {
            obj.remove("required");
        }
    }
}

/// `x-kubernetes-group-version-kind` on a kind's schema: a list, as on upstream's definitions.
fn add_gvk(schema: &mut Map<String, Value>, info: &ResourceInfo) {
    let entry = json!({"group": info.group, "kind": info.kind, "version": info.version});
    let list = schema
        .entry("x-kubernetes-group-version-kind")
        .or_insert_with(|| Value::Array(Vec::new()));
    if let Value::Array(list) = list
        && !list.contains(&entry)
    {
        list.push(entry);
    }
}

/// The definition name a `$ref` points at, if it points into the catalog.
pub(crate) fn ref_target(schema: &Value) -> Option<&str> {
    schema.get("$ref")?.as_str()?.strip_prefix(REF_PREFIX)
}

/// Calls `f` with the target of every reference in `schema`, at any depth.
pub(crate) fn for_each_ref(schema: &Value, f: &mut impl FnMut(&str)) {
    match schema {
        Value::Object(obj) => {
            if let Some(target) = ref_target(schema) {
                f(target);
            }
            for value in obj.values() {
                for_each_ref(value, f);
            }
        }
        Value::Array(items) => items.iter().for_each(|v| for_each_ref(v, f)),
        _ => {}
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn catalog() -> &'static Catalog {
        super::super::test_catalog()
    }

    #[test]
    fn every_served_kind_has_a_schema_with_its_gvk() {
        let cat = catalog();
        for info in Registry.all() {
            let name = cat
                .kind_schema(info)
                .unwrap_or_else(|| panic!("{}", info.kind));
            let schema = &cat.definitions[name];
            let gvk = json!({"group": info.group, "kind": info.kind, "version": info.version});
            assert!(
                schema["x-kubernetes-group-version-kind"]
                    .as_array()
                    .unwrap()
                    .contains(&gvk),
                "{name}"
            );
        }
    }

    #[test]
    fn kinds_use_upstream_definition_names() {
        let cat = catalog();
        let cases = [
            ("", "Pod", "io.k8s.api.core.v1.Pod"),
            ("", "Event", "io.k8s.api.core.v1.Event"),
            ("events.k8s.io", "Event", "io.k8s.api.events.v1.Event"),
            ("apps", "StatefulSet", "io.k8s.api.apps.v1.StatefulSet"),
            (
                "storage.k8s.io",
                "StorageClass",
                "io.k8s.api.storage.v1.StorageClass",
            ),
            (
                "coordination.k8s.io",
                "Lease",
                "io.k8s.api.coordination.v1.Lease",
            ),
        ];
        for (group, kind, want) in cases {
            let info = Registry.by_kind(group, "v1", kind).unwrap();
            assert_eq!(cat.kind_schema(info), Some(want));
        }
    }

    #[test]
    fn every_reference_resolves() {
        let cat = catalog();
        for (name, schema) in &cat.definitions {
            for_each_ref(schema, &mut |target| {
                assert!(cat.definitions.contains_key(target), "{name} -> {target}");
            });
        }
    }

    #[test]
    fn metadata_is_required_only_where_upstream_requires_it() {
        let cat = catalog();
        let required = |name: &str| cat.definitions[name].get("required").cloned();
        // Upstream: Pod and Deployment require nothing; ControllerRevision requires `revision`;
        // the core Event requires `metadata` and `involvedObject`.
        assert_eq!(required("io.k8s.api.core.v1.Pod"), None);
        assert_eq!(required("io.k8s.api.apps.v1.Deployment"), None);
        assert_eq!(
            required("io.k8s.api.apps.v1.ControllerRevision"),
            Some(json!(["revision"]))
        );
        assert_eq!(
            required("io.k8s.api.core.v1.Event"),
            Some(json!(["involvedObject", "metadata"]))
        );
        assert_eq!(
            required("io.k8s.api.core.v1.Container"),
            Some(json!(["name"]))
        );
    }

    #[test]
    fn closure_follows_references_transitively() {
        let cat = catalog();
        let names = cat.closure(["io.k8s.api.apps.v1.StatefulSet"]);
        for want in [
            "io.k8s.api.apps.v1.StatefulSetSpec",
            "io.k8s.api.core.v1.PodTemplateSpec",
            "io.k8s.api.core.v1.Container",
            "io.k8s.api.core.v1.PersistentVolumeClaim",
            "io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta",
            INT_OR_STRING,
            QUANTITY,
        ] {
            assert!(names.contains(want), "{want}");
        }
        assert!(!names.contains("io.k8s.api.core.v1.Service"));
        assert!(!names.contains(PATCH_SCHEMA));
    }
}

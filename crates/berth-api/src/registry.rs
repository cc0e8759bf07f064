//! The resource registry: every kind berth serves and how it is addressed.

/// Whether objects live in a namespace.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// `/namespaces/{ns}/{plural}/{name}`.
    Namespaced,
    /// `/{plural}/{name}`.
    Cluster,
}

/// When the server bumps `metadata.generation`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GenerationPolicy {
    /// The kind does not use generation (it stays unset).
    None,
    /// 1 on create, +1 whenever `spec` changes.
    Spec,
    /// 1 on create, +1 whenever `spec` or `metadata.annotations` change (Deployment).
    SpecOrAnnotations,
    /// 1 on create, +1 on any change outside `metadata`, or a label change (EndpointSlice).
    NonMetadataOrLabels,
}

/// A subresource served under `/{plural}/{name}/{subresource}`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Subresource {
    /// `status`, `scale`, …
    pub name: &'static str,
    /// Group of the kind the subresource speaks.
    pub group: &'static str,
    /// Version of that kind.
    pub version: &'static str,
    /// That kind (`Scale` for `scale`, the parent's kind for `status`).
    pub kind: &'static str,
    /// Verbs discovery advertises.
    pub verbs: &'static [&'static str],
}

/// One served resource.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ResourceInfo {
    /// API group (`""` for core).
    pub group: &'static str,
    /// Version (`v1`).
    pub version: &'static str,
    /// Kind (`Pod`).
    pub kind: &'static str,
    /// URL segment (`pods`).
    pub plural: &'static str,
    /// Singular name (`pod`).
    pub singular: &'static str,
    /// Namespaced or cluster-scoped.
    pub scope: Scope,
    /// Short names (`po`).
    pub short_names: &'static [&'static str],
    /// Categories (`all`).
    pub categories: &'static [&'static str],
    /// Verbs discovery advertises and the server accepts.
    pub verbs: &'static [&'static str],
    /// Subresources.
    pub subresources: &'static [Subresource],
    /// Generation bookkeeping.
    pub generation: GenerationPolicy,
    /// Whether PUT of a missing object creates it.
    pub create_on_update: bool,
    /// Whether the kind has a `status` that only the status subresource writes.
    pub status_subresource: bool,
    /// Whether a create keeps the client's `status` (a kubelet registers its Node with one);
    /// other kinds with a status subresource start from an empty status.
    pub create_keeps_status: bool,
    /// Objects of this resource are stored under another resource's keys (group, plural) and
    /// converted on the way in and out (events.k8s.io Event is stored as a core Event).
    pub stored_as: Option<(&'static str, &'static str)>,
    /// Create-only virtual resource (reviews): nothing is stored.
    pub virtual_create_only: bool,
}

impl ResourceInfo {
    /// `apps/v1`, or `v1` for the core group.
    pub fn api_version(&self) -> String {
        if self.group.is_empty() {
            self.version.to_owned()
        } else {
            format!("{}/{}", self.group, self.version)
        }
    }

    /// `PodList`.
    pub fn list_kind(&self) -> String {
        format!("{}List", self.kind)
    }

    /// Whether the resource lives in namespaces.
    pub fn namespaced(&self) -> bool {
        self.scope == Scope::Namespaced
    }

    /// `statefulsets.apps`, or `pods` for the core group: how upstream names the resource in
    /// messages (`statefulsets.apps "web" not found`).
    pub fn qualified_plural(&self) -> String {
        if self.group.is_empty() {
            self.plural.to_owned()
        } else {
            format!("{}.{}", self.plural, self.group)
        }
    }

    /// The subresource called `name`, if served.
    pub fn subresource(&self, name: &str) -> Option<&'static Subresource> {
        self.subresources.iter().find(|s| s.name == name)
    }

    /// Whether the verb is served.
    pub fn has_verb(&self, verb: &str) -> bool {
        self.verbs.contains(&verb)
    }
}

const ALL_VERBS: &[&str] = &[
    "create",
    "delete",
    "deletecollection",
    "get",
    "list",
    "patch",
    "update",
    "watch",
];
const NO_COLLECTION_DELETE: &[&str] = &[
    "create", "delete", "get", "list", "patch", "update", "watch",
];
const CREATE_ONLY: &[&str] = &["create"];
const STATUS_VERBS: &[&str] = &["get", "patch", "update"];

const fn status(group: &'static str, kind: &'static str) -> Subresource {
    Subresource {
        name: "status",
        group,
        version: "v1",
        kind,
        verbs: STATUS_VERBS,
    }
}

const SCALE: Subresource = Subresource {
    name: "scale",
    group: "autoscaling",
    version: "v1",
    kind: "Scale",
    verbs: STATUS_VERBS,
};

const BASE: ResourceInfo = ResourceInfo {
    group: "",
    version: "v1",
    kind: "",
    plural: "",
    singular: "",
    scope: Scope::Namespaced,
    short_names: &[],
    categories: &[],
    verbs: ALL_VERBS,
    subresources: &[],
    generation: GenerationPolicy::None,
    create_on_update: false,
    status_subresource: false,
    create_keeps_status: false,
    stored_as: None,
    virtual_create_only: false,
};

/// Every resource berth serves, core group first, in discovery order.
pub static RESOURCES: &[ResourceInfo] = &[
    ResourceInfo {
        kind: "Namespace",
        plural: "namespaces",
        singular: "namespace",
        scope: Scope::Cluster,
        short_names: &["ns"],
        verbs: NO_COLLECTION_DELETE,
        subresources: &[status("", "Namespace")],
        status_subresource: true,
        ..BASE
    },
    ResourceInfo {
        kind: "Pod",
        plural: "pods",
        singular: "pod",
        short_names: &["po"],
        categories: &["all"],
        subresources: &[status("", "Pod")],
        generation: GenerationPolicy::Spec,
        status_subresource: true,
        ..BASE
    },
    ResourceInfo {
        kind: "Service",
        plural: "services",
        singular: "service",
        short_names: &["svc"],
        categories: &["all"],
        subresources: &[status("", "Service")],
        create_on_update: true,
        status_subresource: true,
        ..BASE
    },
    ResourceInfo {
        kind: "Endpoints",
        plural: "endpoints",
        singular: "endpoints",
        short_names: &["ep"],
        create_on_update: true,
        ..BASE
    },
    ResourceInfo {
        kind: "ConfigMap",
        plural: "configmaps",
        singular: "configmap",
        short_names: &["cm"],
        ..BASE
    },
    ResourceInfo {
        kind: "Secret",
        plural: "secrets",
        singular: "secret",
        ..BASE
    },
    ResourceInfo {
        kind: "ServiceAccount",
        plural: "serviceaccounts",
        singular: "serviceaccount",
        short_names: &["sa"],
        ..BASE
    },
    ResourceInfo {
        kind: "PersistentVolume",
        plural: "persistentvolumes",
        singular: "persistentvolume",
        scope: Scope::Cluster,
        short_names: &["pv"],
        subresources: &[status("", "PersistentVolume")],
        status_subresource: true,
        ..BASE
    },
    ResourceInfo {
        kind: "PersistentVolumeClaim",
        plural: "persistentvolumeclaims",
        singular: "persistentvolumeclaim",
        short_names: &["pvc"],
        subresources: &[status("", "PersistentVolumeClaim")],
        status_subresource: true,
        ..BASE
    },
    ResourceInfo {
        kind: "Event",
        plural: "events",
        singular: "event",
        short_names: &["ev"],
        create_on_update: true,
        ..BASE
    },
    ResourceInfo {
        kind: "Node",
        plural: "nodes",
        singular: "node",
        scope: Scope::Cluster,
        short_names: &["no"],
        subresources: &[status("", "Node")],
        status_subresource: true,
        create_keeps_status: true,
        ..BASE
    },
    ResourceInfo {
        group: "apps",
        kind: "StatefulSet",
        plural: "statefulsets",
        singular: "statefulset",
        short_names: &["sts"],
        categories: &["all"],
        subresources: &[SCALE, status("apps", "StatefulSet")],
        generation: GenerationPolicy::Spec,
        status_subresource: true,
        ..BASE
    },
    ResourceInfo {
        group: "apps",
        kind: "ControllerRevision",
        plural: "controllerrevisions",
        singular: "controllerrevision",
        ..BASE
    },
    ResourceInfo {
        group: "apps",
        kind: "Deployment",
        plural: "deployments",
        singular: "deployment",
        short_names: &["deploy"],
        categories: &["all"],
        subresources: &[SCALE, status("apps", "Deployment")],
        generation: GenerationPolicy::SpecOrAnnotations,
        status_subresource: true,
        ..BASE
    },
    ResourceInfo {
        group: "apps",
        kind: "ReplicaSet",
        plural: "replicasets",
        singular: "replicaset",
        short_names: &["rs"],
        categories: &["all"],
        subresources: &[SCALE, status("apps", "ReplicaSet")],
        generation: GenerationPolicy::Spec,
        status_subresource: true,
        ..BASE
    },
    ResourceInfo {
        group: "storage.k8s.io",
        kind: "StorageClass",
        plural: "storageclasses",
        singular: "storageclass",
        scope: Scope::Cluster,
        short_names: &["sc"],
        ..BASE
    },
    ResourceInfo {
        group: "discovery.k8s.io",
        kind: "EndpointSlice",
        plural: "endpointslices",
        singular: "endpointslice",
        generation: GenerationPolicy::NonMetadataOrLabels,
        ..BASE
    },
    ResourceInfo {
        group: "coordination.k8s.io",
        kind: "Lease",
        plural: "leases",
        singular: "lease",
        create_on_update: true,
        ..BASE
    },
    ResourceInfo {
        group: "events.k8s.io",
        kind: "Event",
        plural: "events",
        singular: "event",
        create_on_update: true,
        stored_as: Some(("", "events")),
        ..BASE
    },
    ResourceInfo {
        group: "authorization.k8s.io",
        kind: "SelfSubjectAccessReview",
        plural: "selfsubjectaccessreviews",
        singular: "selfsubjectaccessreview",
        scope: Scope::Cluster,
        verbs: CREATE_ONLY,
        virtual_create_only: true,
        ..BASE
    },
    ResourceInfo {
        group: "authentication.k8s.io",
        kind: "SelfSubjectReview",
        plural: "selfsubjectreviews",
        singular: "selfsubjectreview",
        scope: Scope::Cluster,
        verbs: CREATE_ONLY,
        virtual_create_only: true,
        ..BASE
    },
];

/// Look-ups over [`RESOURCES`].
#[derive(Debug, Clone, Copy, Default)]
pub struct Registry;

impl Registry {
    /// Every served resource.
    pub fn all(self) -> &'static [ResourceInfo] {
        RESOURCES
    }

    /// The resource at `/{group}/{version}/{plural}`.
    pub fn by_plural(
        self,
        group: &str,
        version: &str,
        plural: &str,
    ) -> Option<&'static ResourceInfo> {
        RESOURCES
            .iter()
            .find(|r| r.group == group && r.version == version && r.plural == plural)
    }

    /// The resource serving `kind` in `group`/`version`.
    pub fn by_kind(self, group: &str, version: &str, kind: &str) -> Option<&'static ResourceInfo> {
        RESOURCES
            .iter()
            .find(|r| r.group == group && r.version == version && r.kind == kind)
    }

    /// The resource that holds the storage of `info` (itself unless `stored_as`).
    pub fn storage_of(self, info: &'static ResourceInfo) -> &'static ResourceInfo {
        match info.stored_as {
            Some((group, plural)) => RESOURCES
                .iter()
                .find(|r| r.group == group && r.plural == plural && r.stored_as.is_none())
                .unwrap_or(info),
            None => info,
        }
    }

    /// Every group (`""` first) with the versions served in it, in discovery order.
    pub fn groups(self) -> Vec<(&'static str, Vec<&'static str>)> {
        let mut out: Vec<(&'static str, Vec<&'static str>)> = Vec::new();
        for r in RESOURCES {
            match out.iter_mut().find(|(g, _)| *g == r.group) {
                Some((_, versions)) => {
                    if !versions.contains(&r.version) {
                        versions.push(r.version);
                    }
                }
                None => out.push((r.group, vec![r.version])),
            }
        }
        out
    }

    /// Resources of one group-version, in discovery order.
    pub fn in_group_version(self, group: &str, version: &str) -> Vec<&'static ResourceInfo> {
        RESOURCES
            .iter()
            .filter(|r| r.group == group && r.version == version)
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_names_are_unique() {
        let mut seen = std::collections::HashSet::new();
        for r in RESOURCES {
            for s in r.short_names {
                assert!(seen.insert(*s), "short name {s} used twice");
            }
        }
    }

    #[test]
    fn plurals_are_unique_per_group_version() {
        let mut seen = std::collections::HashSet::new();
        for r in RESOURCES {
            assert!(
                seen.insert((r.group, r.version, r.plural)),
                "{} served twice",
                r.plural
            );
        }
    }

    #[test]
    fn event_representations_share_storage() {
        let reg = Registry;
        let new = reg
            .by_plural("events.k8s.io", "v1", "events")
            .expect("served");
        let core = reg.by_plural("", "v1", "events").expect("served");
        assert_eq!(reg.storage_of(new), core);
        assert_eq!(reg.storage_of(core), core);
    }

    #[test]
    fn groups_start_with_core() {
        let groups = Registry.groups();
        assert_eq!(groups[0], ("", vec!["v1"]));
        assert!(groups.iter().any(|(g, _)| *g == "apps"));
    }
}

//! Garbage collection over snapshots, and to convergence against an in-memory fake of the API
//! server's deletion semantics.

use std::collections::BTreeMap;
use std::sync::Mutex;

use k8s_openapi::apimachinery::pkg::apis::meta::v1::{ObjectMeta, OwnerReference, Time};

use super::*;

const VERBS: &[&str] = &["delete", "get", "list", "patch"];

fn rt(group: &str, kind: &str, plural: &str, namespaced: bool) -> Arc<ResourceType> {
    Arc::new(ResourceType {
        group: group.into(),
        version: "v1".into(),
        kind: kind.into(),
        plural: plural.into(),
        namespaced,
        verbs: VERBS.iter().map(|v| (*v).to_owned()).collect(),
    })
}

fn types() -> Vec<Arc<ResourceType>> {
    vec![
        rt("apps", "Deployment", "deployments", true),
        rt("", "ConfigMap", "configmaps", true),
        rt("", "Node", "nodes", false),
    ]
}

/// A reference to `uid`: `kind/name`, blocking when `block`.
fn owner(kind: &str, name: &str, uid: &str, block: bool) -> OwnerReference {
    let api_version = match kind {
        "Deployment" => "apps/v1",
        "Widget" => "example.com/v1",
        _ => "v1",
    };
    OwnerReference {
        api_version: api_version.into(),
        kind: kind.into(),
        name: name.into(),
        uid: uid.into(),
        block_owner_deletion: block.then_some(true),
        controller: None,
    }
}

/// `kind` (`deployments`, `configmaps`, `nodes`) named `name`, uid `uid`, in `default` unless
/// cluster-scoped.
fn o(plural: &str, name: &str, uid: &str) -> Object {
    let resource = types().into_iter().find(|t| t.plural == plural).unwrap();
    Object {
        meta: ObjectMeta {
            name: Some(name.into()),
            namespace: resource.namespaced.then(|| "default".to_owned()),
            uid: Some(uid.into()),
            resource_version: Some("1".into()),
            ..ObjectMeta::default()
        },
        resource,
    }
}

fn owned(mut x: Object, refs: Vec<OwnerReference>) -> Object {
    x.meta.owner_references = Some(refs);
    x
}

fn deleting(mut x: Object, finalizers: &[&str]) -> Object {
    x.meta.deletion_timestamp = Some(Time(k8s_openapi::jiff::Timestamp::UNIX_EPOCH));
    x.meta.finalizers =
        (!finalizers.is_empty()).then(|| finalizers.iter().map(|f| (*f).to_owned()).collect());
    x
}

fn in_namespace(mut x: Object, ns: &str) -> Object {
    x.meta.namespace = Some(ns.into());
    x
}

/// An action in one line, for readable expectations.
fn show(a: &Action) -> String {
    let id = |x: &Object| {
        format!(
            "{}/{}",
            x.resource.plural,
            x.meta.name.as_deref().unwrap_or_default()
        )
    };
    let lookups = |ls: &[OwnerLookup]| {
        ls.iter()
            .map(|l| {
                format!(
                    " unless {} {}/{} {}",
                    l.resource.plural,
                    l.namespace.as_deref().unwrap_or("-"),
                    l.name,
                    l.uid
                )
            })
            .collect::<String>()
    };
    match a {
        Action::Delete {
            object,
            policy,
            confirm_absent,
        } => format!(
            "delete {} {policy:?}{}",
            id(object),
            lookups(confirm_absent)
        ),
        Action::RemoveOwners {
            object,
            uids,
            confirm_absent,
        } => format!(
            "unown {} {}{}",
            id(object),
            uids.join(","),
            lookups(confirm_absent)
        ),
        Action::RemoveFinalizer { object, finalizer } => {
            format!("release {} {finalizer}", id(object))
        }
    }
}

#[test]
fn plans_follow_upstream_collection() {
    let dep = |b| owner("Deployment", "web", "d1", b);
    let cases: Vec<(&str, Vec<Object>, Vec<&str>)> = vec![
        (
            "an owner that exists keeps its dependent",
            vec![
                o("deployments", "web", "d1"),
                owned(o("configmaps", "cm", "c1"), vec![dep(false)]),
            ],
            vec![],
        ),
        (
            "a dependent of a missing owner goes in the background",
            vec![owned(o("configmaps", "cm", "c1"), vec![dep(true)])],
            vec!["delete configmaps/cm Background unless deployments default/web d1"],
        ),
        (
            "an owner recreated under the same name is another owner",
            vec![
                o("deployments", "web", "d2"),
                owned(o("configmaps", "cm", "c1"), vec![dep(false)]),
            ],
            vec!["delete configmaps/cm Background unless deployments default/web d1"],
        ),
        (
            "an owner of the same uid in another namespace does not count",
            vec![
                in_namespace(o("deployments", "web", "d1"), "other"),
                owned(o("configmaps", "cm", "c1"), vec![dep(false)]),
            ],
            vec!["delete configmaps/cm Background unless deployments default/web d1"],
        ),
        (
            "a cluster-scoped owner is looked for outside namespaces",
            vec![
                o("nodes", "n", "n1"),
                owned(
                    o("configmaps", "cm", "c1"),
                    vec![owner("Node", "n", "n1", false)],
                ),
            ],
            vec![],
        ),
        (
            "a missing cluster-scoped owner is looked up without a namespace",
            vec![owned(
                o("configmaps", "cm", "c1"),
                vec![owner("Node", "n", "n1", false)],
            )],
            vec!["delete configmaps/cm Background unless nodes -/n n1"],
        ),
        (
            "one live owner keeps the dependent; the missing one's reference goes",
            vec![
                o("nodes", "n", "n1"),
                owned(
                    o("configmaps", "cm", "c1"),
                    vec![dep(false), owner("Node", "n", "n1", false)],
                ),
            ],
            vec!["unown configmaps/cm d1 unless deployments default/web d1"],
        ),
        (
            "an owner kind that is not served is never assumed gone",
            vec![owned(
                o("configmaps", "cm", "c1"),
                vec![owner("Widget", "w", "w1", false)],
            )],
            vec![],
        ),
        (
            "a dependent already being deleted is left alone",
            vec![deleting(
                owned(o("configmaps", "cm", "c1"), vec![dep(false)]),
                &["example.com/hold"],
            )],
            vec![],
        ),
        (
            "a dependent asking for orphaning is deleted that way",
            vec![{
                let mut cm = owned(o("configmaps", "cm", "c1"), vec![dep(false)]);
                cm.meta.finalizers = Some(vec![ORPHAN.into()]);
                cm
            }],
            vec!["delete configmaps/cm Orphan unless deployments default/web d1"],
        ),
        (
            "orphaning strips the owner's reference first",
            vec![
                deleting(o("deployments", "web", "d1"), &[ORPHAN]),
                owned(o("configmaps", "cm", "c1"), vec![dep(true)]),
            ],
            vec!["unown configmaps/cm d1"],
        ),
        (
            "orphaning ends by releasing the finalizer once no reference is left",
            vec![
                deleting(o("deployments", "web", "d1"), &[ORPHAN]),
                o("configmaps", "cm", "c1"),
            ],
            vec!["release deployments/web orphan"],
        ),
        (
            "an owner going in the background (other finalizer) keeps its dependents",
            vec![
                deleting(o("deployments", "web", "d1"), &["example.com/hold"]),
                owned(o("configmaps", "cm", "c1"), vec![dep(true)]),
            ],
            vec![],
        ),
        (
            "a foreground owner waits for its blocking dependent, which is deleted",
            vec![
                deleting(o("deployments", "web", "d1"), &[FOREGROUND]),
                owned(o("configmaps", "cm", "c1"), vec![dep(true)]),
            ],
            vec!["delete configmaps/cm Background"],
        ),
        (
            "a blocking dependent still being deleted keeps blocking",
            vec![
                deleting(o("deployments", "web", "d1"), &[FOREGROUND]),
                deleting(
                    owned(o("configmaps", "cm", "c1"), vec![dep(true)]),
                    &["example.com/hold"],
                ),
            ],
            vec![],
        ),
        (
            "a non-blocking dependent is deleted without holding the owner",
            vec![
                deleting(o("deployments", "web", "d1"), &[FOREGROUND]),
                owned(o("configmaps", "cm", "c1"), vec![dep(false)]),
            ],
            vec![
                "release deployments/web foregroundDeletion",
                "delete configmaps/cm Background",
            ],
        ),
        (
            "a foreground owner without dependents is released",
            vec![deleting(o("deployments", "web", "d1"), &[FOREGROUND])],
            vec!["release deployments/web foregroundDeletion"],
        ),
        (
            "a dependent with dependents of its own goes in the foreground too",
            vec![
                deleting(o("deployments", "web", "d1"), &[FOREGROUND]),
                owned(o("deployments", "child", "d2"), vec![dep(true)]),
                owned(
                    o("configmaps", "cm", "c1"),
                    vec![owner("Deployment", "child", "d2", true)],
                ),
            ],
            vec!["delete deployments/child Foreground"],
        ),
        (
            "a dependent with a live owner only loses its reference to the waiting one",
            vec![
                deleting(o("deployments", "web", "d1"), &[FOREGROUND]),
                o("nodes", "n", "n1"),
                owned(
                    o("configmaps", "cm", "c1"),
                    vec![dep(true), owner("Node", "n", "n1", false)],
                ),
            ],
            vec!["unown configmaps/cm d1"],
        ),
    ];
    let ts = types();
    for (what, objects, want) in cases {
        let got: Vec<String> = plan(&ts, &objects).iter().map(show).collect();
        assert_eq!(got, want, "{what}");
    }
}

#[test]
fn removing_owners_keeps_the_others_and_drops_an_empty_list() {
    let a = owner("Deployment", "a", "ua", false);
    let b = owner("Node", "b", "ub", true);
    type Case = (
        Vec<OwnerReference>,
        Vec<&'static str>,
        Option<Vec<OwnerReference>>,
    );
    let cases: Vec<Case> = vec![
        (
            vec![a.clone(), b.clone()],
            vec!["ua"],
            Some(vec![b.clone()]),
        ),
        (
            vec![a.clone(), b.clone()],
            vec!["ux"],
            Some(vec![a.clone(), b.clone()]),
        ),
        (vec![a.clone()], vec!["ua"], None),
        (vec![a, b], vec!["ua", "ub"], None),
    ];
    for (refs, uids, want) in cases {
        let uids: Vec<String> = uids.iter().map(|u| (*u).to_owned()).collect();
        assert_eq!(without_owners(&refs, &uids), want, "{uids:?}");
    }
}

/// The API server's side of deletion: finalizers for the orphan and foreground policies,
/// removal once the last finalizer of a deleting object goes.
#[derive(Default)]
struct Fake {
    objects: Mutex<BTreeMap<String, Object>>,
    /// Owners a live read finds although no list shows them (created after their type was
    /// listed).
    unlisted: Vec<(String, String)>,
    /// A type whose next list comes back empty (listed before its objects were created).
    late: Mutex<Option<String>>,
}

impl Fake {
    fn with(objects: Vec<Object>) -> Self {
        Self {
            objects: Mutex::new(
                objects
                    .into_iter()
                    .map(|x| (x.meta.uid.clone().unwrap(), x))
                    .collect(),
            ),
            unlisted: Vec::new(),
            late: Mutex::new(None),
        }
    }

    fn names(&self) -> Vec<String> {
        self.objects
            .lock()
            .unwrap()
            .values()
            .map(|x| x.meta.name.clone().unwrap())
            .collect()
    }

    fn get(&self, uid: &str) -> Option<Object> {
        self.objects.lock().unwrap().get(uid).cloned()
    }

    /// Applies `change` to the stored object if `seen` is current, then removes it when it is
    /// deleting with no finalizer left.
    fn update(
        &self,
        seen: &Object,
        change: impl FnOnce(&mut ObjectMeta),
    ) -> Result<(), kube::Error> {
        let mut objects = self.objects.lock().unwrap();
        let uid = seen.meta.uid.clone().unwrap();
        let Some(stored) = objects.get_mut(&uid) else {
            return Err(status(404));
        };
        if stored.meta.resource_version != seen.meta.resource_version {
            return Err(status(409));
        }
        change(&mut stored.meta);
        let rv: u64 = stored
            .meta
            .resource_version
            .as_deref()
            .unwrap()
            .parse()
            .unwrap();
        stored.meta.resource_version = Some((rv + 1).to_string());
        if stored.meta.deletion_timestamp.is_some() && stored.meta.finalizers.is_none() {
            objects.remove(&uid);
        }
        Ok(())
    }
}

fn status(code: u16) -> kube::Error {
    kube::Error::Api(
        kube::core::Status::failure("fake", "Fake")
            .with_code(code)
            .boxed(),
    )
}

impl Cluster for Fake {
    async fn resource_types(&self) -> Result<Vec<ResourceType>, kube::Error> {
        Ok(types().iter().map(|t| (**t).clone()).collect())
    }

    async fn list(&self, r: &ResourceType) -> Result<Vec<ObjectMeta>, kube::Error> {
        let mut late = self.late.lock().unwrap();
        if late.as_deref() == Some(r.plural.as_str()) {
            *late = None;
            return Ok(Vec::new());
        }
        drop(late);
        let objects = self.objects.lock().unwrap();
        Ok(objects
            .values()
            .filter(|x| x.resource.plural == r.plural)
            .map(|x| x.meta.clone())
            .collect())
    }

    async fn uid_of(
        &self,
        _r: &ResourceType,
        _namespace: Option<&str>,
        name: &str,
    ) -> Result<Option<String>, kube::Error> {
        if let Some((_, uid)) = self.unlisted.iter().find(|(n, _)| n == name) {
            return Ok(Some(uid.clone()));
        }
        let objects = self.objects.lock().unwrap();
        Ok(objects
            .values()
            .find(|x| x.meta.name.as_deref() == Some(name))
            .and_then(|x| x.meta.uid.clone()))
    }

    async fn delete(&self, object: &Object, policy: Policy) -> Result<(), kube::Error> {
        let current = self
            .get(object.meta.uid.as_deref().unwrap())
            .ok_or_else(|| status(404))?;
        self.update(&current, |m| {
            m.deletion_timestamp = Some(Time(k8s_openapi::jiff::Timestamp::UNIX_EPOCH));
            match policy {
                Policy::Background => {}
                Policy::Foreground => crate::finalizers::add(m, FOREGROUND),
                Policy::Orphan => crate::finalizers::add(m, ORPHAN),
            }
        })
    }

    async fn set_owners(
        &self,
        object: &Object,
        refs: Option<Vec<OwnerReference>>,
    ) -> Result<(), kube::Error> {
        self.update(object, |m| m.owner_references = refs)
    }

    async fn set_finalizers(
        &self,
        object: &Object,
        finalizers: Option<Vec<String>>,
    ) -> Result<(), kube::Error> {
        self.update(object, |m| m.finalizers = finalizers)
    }
}

/// Runs passes until one writes nothing; returns how many passes wrote.
fn converge(fake: &Fake) -> usize {
    for pass in 0..10 {
        if futures::executor::block_on(sync(fake)).unwrap() == 0 {
            return pass;
        }
    }
    panic!("no convergence");
}

#[test]
fn each_policy_converges_as_upstream() {
    let dep = owner("Deployment", "web", "d1", true);
    let cm = || owned(o("configmaps", "cm", "c1"), vec![dep.clone()]);
    // Background: the owner is already gone when the collector looks.
    let fake = Fake::with(vec![cm(), o("configmaps", "other", "c2")]);
    assert_eq!(converge(&fake), 1);
    assert_eq!(fake.names(), ["other"]);

    // Orphan: the dependent stays without its reference, then the owner goes.
    let fake = Fake::with(vec![
        deleting(o("deployments", "web", "d1"), &[ORPHAN]),
        cm(),
    ]);
    assert_eq!(converge(&fake), 2);
    assert_eq!(fake.names(), ["cm"]);
    assert_eq!(fake.get("c1").unwrap().meta.owner_references, None);

    // Foreground, two levels deep: the grandchild, then the child, then the owner.
    let child = owned(o("deployments", "child", "d2"), vec![dep.clone()]);
    let grandchild = owned(
        o("configmaps", "cm", "c1"),
        vec![owner("Deployment", "child", "d2", true)],
    );
    let fake = Fake::with(vec![
        deleting(o("deployments", "web", "d1"), &[FOREGROUND]),
        child,
        grandchild,
    ]);
    converge(&fake);
    assert!(fake.names().is_empty(), "{:?}", fake.names());
}

#[test]
fn an_owner_missing_only_from_the_lists_is_not_collected_for() {
    let mut fake = Fake::with(vec![owned(
        o("configmaps", "cm", "c1"),
        vec![owner("Deployment", "web", "d1", true)],
    )]);
    fake.unlisted.push(("web".into(), "d1".into()));
    assert_eq!(converge(&fake), 0);
    assert_eq!(fake.names(), ["cm"]);
    // The same name under another uid is not that owner.
    fake.unlisted = vec![("web".into(), "d9".into())];
    assert_eq!(converge(&fake), 1);
    assert!(fake.names().is_empty());
}

#[test]
fn an_owner_is_released_only_when_a_later_snapshot_agrees() {
    let dep = owner("Deployment", "web", "d1", true);
    for finalizer in [ORPHAN, FOREGROUND] {
        let fake = Fake::with(vec![
            deleting(o("deployments", "web", "d1"), &[finalizer]),
            owned(o("configmaps", "cm", "c1"), vec![dep.clone()]),
        ]);
        // The dependent was created after its type was listed, the owner deleted before its.
        *fake.late.lock().unwrap() = Some("configmaps".into());
        futures::executor::block_on(sync(&fake)).unwrap();
        let web = fake.get("d1").unwrap();
        assert_eq!(web.meta.finalizers, Some(vec![finalizer.to_owned()]));
        converge(&fake);
        let want: &[&str] = if finalizer == ORPHAN { &["cm"] } else { &[] };
        assert_eq!(fake.names(), want, "{finalizer}");
    }
}

//! Namespace deletion over snapshots, and against an in-memory fake of the API.

use std::collections::BTreeMap;
use std::sync::Mutex;

use k8s_openapi::api::core::v1::{Namespace, NamespaceSpec, NamespaceStatus};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::{ObjectMeta, Time};

use super::*;

const ALL: &[&str] = &[
    "create",
    "delete",
    "deletecollection",
    "get",
    "list",
    "patch",
    "update",
    "watch",
];

fn rt(group: &str, plural: &str, namespaced: bool, verbs: &[&str]) -> ResourceType {
    ResourceType {
        group: group.into(),
        version: "v1".into(),
        kind: plural.into(),
        plural: plural.into(),
        namespaced,
        verbs: verbs.iter().map(|v| (*v).to_owned()).collect(),
    }
}

fn ns(finalizers: &[&str], deleting: bool) -> Namespace {
    Namespace {
        metadata: ObjectMeta {
            name: Some("team".into()),
            resource_version: Some("42".into()),
            deletion_timestamp: deleting.then_some(Time(k8s_openapi::jiff::Timestamp::UNIX_EPOCH)),
            ..ObjectMeta::default()
        },
        spec: Some(NamespaceSpec {
            finalizers: Some(finalizers.iter().map(|f| (*f).to_owned()).collect()),
        }),
        status: Some(NamespaceStatus {
            phase: Some(if deleting { "Terminating" } else { "Active" }.into()),
            ..NamespaceStatus::default()
        }),
    }
}

#[test]
fn only_a_deleting_namespace_still_held_is_drained() {
    let cases = [
        (&["kubernetes"][..], false, Plan::Nothing),
        (&["kubernetes"][..], true, Plan::Drain),
        (&["kubernetes", "example.com/x"][..], true, Plan::Drain),
        (&["example.com/x"][..], true, Plan::Nothing),
        (&[][..], true, Plan::Nothing),
    ];
    for (fins, deleting, want) in cases {
        assert_eq!(plan(&ns(fins, deleting)), want, "{fins:?} {deleting}");
    }
    let mut no_spec = ns(&[], true);
    no_spec.spec = None;
    assert_eq!(plan(&no_spec), Plan::Nothing);
}

#[test]
fn pods_go_first_and_only_deletable_namespaced_types_count() {
    let types = vec![
        rt("", "configmaps", true, ALL),
        rt("", "namespaces", false, ALL),
        rt("", "pods", true, ALL),
        rt(
            "authorization.k8s.io",
            "localsubjectaccessreviews",
            true,
            &["create"],
        ),
        rt("apps", "statefulsets", true, ALL),
        rt(
            "",
            "services",
            true,
            &[
                "create", "delete", "get", "list", "patch", "update", "watch",
            ],
        ),
        rt("storage.k8s.io", "storageclasses", false, ALL),
    ];
    let got: Vec<Vec<String>> = waves(&types)
        .iter()
        .map(|w| w.iter().map(ResourceType::qualified).collect())
        .collect();
    assert_eq!(
        got,
        vec![
            vec!["pods".to_owned()],
            vec![
                "configmaps".into(),
                "statefulsets.apps".into(),
                "services".into()
            ]
        ]
    );
    let no_pods = waves(&[rt("", "secrets", true, ALL)]);
    assert_eq!(no_pods.len(), 1);
    assert!(waves(&[]).is_empty());
}

#[test]
fn finalize_body_drops_only_our_finalizer() {
    let body = finalized(&ns(
        &["kubernetes", "z.example/b", "a.example/a", "z.example/b"],
        true,
    ));
    assert_eq!(
        body.spec.and_then(|s| s.finalizers),
        Some(vec!["a.example/a".to_owned(), "z.example/b".to_owned()])
    );
    assert_eq!(body.metadata.resource_version.as_deref(), Some("42"));
    assert_eq!(
        body.status.and_then(|s| s.phase).as_deref(),
        Some("Terminating")
    );
    let only = finalized(&ns(&["kubernetes"], true));
    assert_eq!(only.spec.and_then(|s| s.finalizers), Some(vec![]));
}

/// Objects per resource type; a `true` object is held by a finalizer and survives deletes.
#[derive(Default)]
struct Fake {
    types: Vec<ResourceType>,
    objects: Mutex<BTreeMap<String, Vec<(String, bool)>>>,
    /// Types whose collection delete answers 405 even though discovery lists the verb.
    refuse_collection: Vec<String>,
    /// Types whose deletes fail with 500.
    broken: Vec<String>,
    calls: Mutex<Vec<String>>,
    finalized: Mutex<Vec<Namespace>>,
}

fn api_error(code: u16) -> kube::Error {
    kube::Error::Api(
        kube::core::Status::failure("injected", "Injected")
            .with_code(code)
            .boxed(),
    )
}

impl Fake {
    fn with(types: Vec<ResourceType>, objects: &[(&str, &str, bool)]) -> Self {
        let mut map: BTreeMap<String, Vec<(String, bool)>> = BTreeMap::new();
        for (t, name, held) in objects {
            map.entry((*t).to_owned())
                .or_default()
                .push(((*name).to_owned(), *held));
        }
        Fake {
            types,
            objects: Mutex::new(map),
            ..Fake::default()
        }
    }

    fn call(&self, c: String) {
        self.calls.lock().unwrap().push(c);
    }

    fn release(&self, t: &str) {
        self.objects.lock().unwrap().remove(t);
    }
}

impl Content for Fake {
    async fn resource_types(&self) -> Result<Vec<ResourceType>, kube::Error> {
        Ok(self.types.clone())
    }

    async fn delete_collection(&self, ns: &str, r: &ResourceType) -> Result<(), kube::Error> {
        let t = r.qualified();
        self.call(format!("deletecollection {ns} {t}"));
        if self.refuse_collection.contains(&t) {
            return Err(api_error(405));
        }
        if self.broken.contains(&t) {
            return Err(api_error(500));
        }
        if let Some(items) = self.objects.lock().unwrap().get_mut(&t) {
            items.retain(|(_, held)| *held);
        }
        Ok(())
    }

    async fn list(&self, ns: &str, r: &ResourceType) -> Result<Vec<String>, kube::Error> {
        let t = r.qualified();
        self.call(format!("list {ns} {t}"));
        Ok(self
            .objects
            .lock()
            .unwrap()
            .get(&t)
            .into_iter()
            .flatten()
            .map(|(n, _)| n.clone())
            .collect())
    }

    async fn delete(&self, ns: &str, r: &ResourceType, name: &str) -> Result<(), kube::Error> {
        let t = r.qualified();
        self.call(format!("delete {ns} {t}/{name}"));
        if self.broken.contains(&t) {
            return Err(api_error(500));
        }
        if let Some(items) = self.objects.lock().unwrap().get_mut(&t) {
            items.retain(|(n, held)| n != name || *held);
        }
        Ok(())
    }

    async fn finalize(&self, ns: &Namespace) -> Result<(), kube::Error> {
        self.call(format!(
            "finalize {}",
            ns.metadata.name.as_deref().unwrap_or_default()
        ));
        self.finalized.lock().unwrap().push(ns.clone());
        Ok(())
    }
}

fn block_on<F: std::future::Future>(f: F) -> F::Output {
    tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap()
        .block_on(f)
}

fn served() -> Vec<ResourceType> {
    vec![
        rt("", "configmaps", true, ALL),
        rt("", "pods", true, ALL),
        rt(
            "",
            "services",
            true,
            &[
                "create", "delete", "get", "list", "patch", "update", "watch",
            ],
        ),
        rt("", "persistentvolumeclaims", true, ALL),
        rt("", "persistentvolumes", false, ALL),
    ]
}

#[test]
fn an_alive_namespace_is_left_alone() {
    let fake = Fake::with(served(), &[("configmaps", "c", false)]);
    assert_eq!(
        block_on(sync(&ns(&["kubernetes"], false), &fake)).unwrap(),
        Outcome::Nothing
    );
    assert!(fake.calls.lock().unwrap().is_empty());
}

#[test]
fn an_empty_namespace_is_finalized_in_one_pass() {
    let fake = Fake::with(
        served(),
        &[
            ("configmaps", "c", false),
            ("services", "s1", false),
            ("pods", "p", false),
        ],
    );
    let got = block_on(sync(&ns(&["kubernetes"], true), &fake)).unwrap();
    assert_eq!(got, Outcome::Finalized);
    assert_eq!(
        *fake.calls.lock().unwrap(),
        [
            "deletecollection team pods",
            "list team pods",
            "deletecollection team configmaps",
            "list team configmaps",
            // No deletecollection verb: one by one.
            "list team services",
            "delete team services/s1",
            "list team services",
            "deletecollection team persistentvolumeclaims",
            "list team persistentvolumeclaims",
            "finalize team",
        ]
    );
    let body = &fake.finalized.lock().unwrap()[0];
    assert_eq!(
        body.spec.as_ref().and_then(|s| s.finalizers.clone()),
        Some(vec![])
    );
}

#[test]
fn lingering_pods_hold_back_everything_else() {
    let fake = Fake::with(served(), &[("pods", "p", true), ("configmaps", "c", false)]);
    let got = block_on(sync(&ns(&["kubernetes"], true), &fake)).unwrap();
    assert_eq!(got, Outcome::Remaining(vec![("pods".into(), 1)]));
    assert_eq!(
        *fake.calls.lock().unwrap(),
        ["deletecollection team pods", "list team pods"]
    );

    fake.release("pods");
    fake.calls.lock().unwrap().clear();
    assert_eq!(
        block_on(sync(&ns(&["kubernetes"], true), &fake)).unwrap(),
        Outcome::Finalized
    );
    assert!(fake.objects.lock().unwrap().values().all(Vec::is_empty));
}

#[test]
fn held_content_keeps_the_namespace_until_released() {
    let fake = Fake::with(
        served(),
        &[
            ("persistentvolumeclaims", "data", true),
            ("configmaps", "c", false),
        ],
    );
    let got = block_on(sync(&ns(&["kubernetes"], true), &fake)).unwrap();
    assert_eq!(
        got,
        Outcome::Remaining(vec![("persistentvolumeclaims".into(), 1)])
    );
    assert!(fake.finalized.lock().unwrap().is_empty());
    // Idempotent: running again deletes again and still waits.
    assert_eq!(
        block_on(sync(&ns(&["kubernetes"], true), &fake)).unwrap(),
        got
    );

    fake.release("persistentvolumeclaims");
    assert_eq!(
        block_on(sync(&ns(&["kubernetes"], true), &fake)).unwrap(),
        Outcome::Finalized
    );
}

#[test]
fn a_refused_collection_delete_falls_back_to_single_deletes() {
    let mut fake = Fake::with(
        served(),
        &[("configmaps", "a", false), ("configmaps", "b", false)],
    );
    fake.refuse_collection = vec!["configmaps".into()];
    assert_eq!(
        block_on(sync(&ns(&["kubernetes"], true), &fake)).unwrap(),
        Outcome::Finalized
    );
    let calls = fake.calls.lock().unwrap();
    assert!(calls.contains(&"delete team configmaps/a".to_owned()));
    assert!(calls.contains(&"delete team configmaps/b".to_owned()));
}

#[test]
fn one_failing_type_does_not_stop_the_others_but_blocks_finalizing() {
    let mut fake = Fake::with(
        served(),
        &[
            ("configmaps", "c", false),
            ("persistentvolumeclaims", "d", false),
        ],
    );
    fake.broken = vec!["configmaps".into()];
    let got = block_on(sync(&ns(&["kubernetes"], true), &fake));
    assert!(
        matches!(got, Err(Error::Delete { ref resource, .. }) if resource == "configmaps"),
        "{got:?}"
    );
    assert!(fake.objects.lock().unwrap()["persistentvolumeclaims"].is_empty());
    assert!(fake.finalized.lock().unwrap().is_empty());
}

//! Workloads (the seed PostgreSQL StatefulSet and Deployment) and idempotence of every entry
//! point over every kind.

use proptest::prelude::*;
use serde_json::{Value, json};

use super::{apply, apply_on_create, apply_on_update};

const NOW: &str = "2025-06-01T12:00:00Z";

fn postgres_container() -> Value {
    json!({
        "name": "postgres", "image": "postgres:15",
        "ports": [{"containerPort": 5432, "name": "postgredb"}],
        "envFrom": [{"configMapRef": {"name": "postgres-config"}},
                    {"secretRef": {"name": "postgres-secret"}}],
        "env": [{"name": "PGDATA", "value": "/var/lib/postgresql/data/pgdata"}],
        "readinessProbe": {
            "exec": {"command": ["sh", "-c", "pg_isready -U \"$POSTGRES_USER\" -d \"$POSTGRES_DB\""]},
            "periodSeconds": 10,
        },
        "livenessProbe": {"tcpSocket": {"port": 5432}, "initialDelaySeconds": 10,
                          "periodSeconds": 10},
        "volumeMounts": [{"name": "postgredb-volume", "mountPath": "/var/lib/postgresql/data"}],
    })
}

fn seed_statefulset() -> Value {
    json!({
        "apiVersion": "apps/v1", "kind": "StatefulSet",
        "metadata": {"name": "postgres", "namespace": "postgres"},
        "spec": {
            "serviceName": "postgres", "replicas": 1,
            "selector": {"matchLabels": {"app": "postgres"}},
            "template": {
                "metadata": {"labels": {"app": "postgres"}},
                "spec": {"terminationGracePeriodSeconds": 30,
                         "containers": [postgres_container()]},
            },
            "volumeClaimTemplates": [{
                "metadata": {"name": "postgredb-volume"},
                "spec": {"accessModes": ["ReadWriteOnce"],
                         "resources": {"requests": {"storage": "1Gi"}}},
            }],
        },
    })
}

fn seed_deployment() -> Value {
    json!({
        "apiVersion": "apps/v1", "kind": "Deployment",
        "metadata": {"name": "postgres", "namespace": "postgres"},
        "spec": {
            "replicas": 1,
            "selector": {"matchLabels": {"app": "postgres"}},
            "template": {
                "metadata": {"labels": {"app": "postgres"}},
                "spec": {
                    "containers": [{
                        "name": "postgres", "image": "postgres:15",
                        "imagePullPolicy": "IfNotPresent",
                        "ports": [{"containerPort": 5432}],
                        "envFrom": [{"configMapRef": {"name": "postgres-config"}},
                                    {"secretRef": {"name": "postgres-secret"}}],
                        "volumeMounts": [{"mountPath": "/var/lib/postgresql/data",
                                          "name": "postgredb"}],
                    }],
                    "volumes": [{"name": "postgredb",
                                 "persistentVolumeClaim": {"claimName": "postgres-pv-claim"}}],
                },
            },
        },
    })
}

#[test]
fn seed_statefulset_is_stored_with_upstream_defaults() {
    let mut sts = seed_statefulset();
    apply_on_create("apps", "StatefulSet", &mut sts, NOW).unwrap();
    let mut container = postgres_container();
    container["imagePullPolicy"] = json!("IfNotPresent");
    container["ports"][0]["protocol"] = json!("TCP");
    container["resources"] = json!({});
    container["terminationMessagePath"] = json!("/dev/termination-log");
    container["terminationMessagePolicy"] = json!("File");
    for probe in ["readinessProbe", "livenessProbe"] {
        container[probe]["timeoutSeconds"] = json!(1);
        container[probe]["successThreshold"] = json!(1);
        container[probe]["failureThreshold"] = json!(3);
    }
    assert_eq!(
        sts,
        json!({
            "apiVersion": "apps/v1", "kind": "StatefulSet",
            "metadata": {"name": "postgres", "namespace": "postgres"},
            "spec": {
                "serviceName": "postgres", "replicas": 1,
                "selector": {"matchLabels": {"app": "postgres"}},
                "podManagementPolicy": "OrderedReady",
                "updateStrategy": {"type": "RollingUpdate", "rollingUpdate": {"partition": 0}},
                "persistentVolumeClaimRetentionPolicy": {"whenDeleted": "Retain",
                                                         "whenScaled": "Retain"},
                "revisionHistoryLimit": 10,
                "template": {
                    "metadata": {"creationTimestamp": null, "labels": {"app": "postgres"}},
                    "spec": {
                        "terminationGracePeriodSeconds": 30,
                        "containers": [container],
                        "dnsPolicy": "ClusterFirst", "restartPolicy": "Always",
                        "schedulerName": "default-scheduler", "securityContext": {},
                    },
                },
                "volumeClaimTemplates": [{
                    "apiVersion": "v1", "kind": "PersistentVolumeClaim",
                    "metadata": {"name": "postgredb-volume", "creationTimestamp": null},
                    "spec": {"accessModes": ["ReadWriteOnce"],
                             "resources": {"requests": {"storage": "1Gi"}},
                             "volumeMode": "Filesystem"},
                    "status": {"phase": "Pending"},
                }],
            },
            "status": {"replicas": 0, "availableReplicas": 0},
        })
    );
}

#[test]
fn statefulset_update_strategy_variants() {
    let strategy = |given: Value| {
        let mut sts = json!({"spec": {"updateStrategy": given}});
        apply("apps", "StatefulSet", &mut sts);
        sts["spec"]["updateStrategy"].clone()
    };
    // An explicit RollingUpdate without rollingUpdate stays without it.
    assert_eq!(
        strategy(json!({"type": "RollingUpdate"})),
        json!({"type": "RollingUpdate"})
    );
    assert_eq!(
        strategy(json!({"type": "RollingUpdate", "rollingUpdate": {}})),
        json!({"type": "RollingUpdate", "rollingUpdate": {"partition": 0}})
    );
    assert_eq!(
        strategy(json!({"type": "RollingUpdate", "rollingUpdate": {"partition": 2}})),
        json!({"type": "RollingUpdate", "rollingUpdate": {"partition": 2}})
    );
    assert_eq!(
        strategy(json!({"type": "OnDelete"})),
        json!({"type": "OnDelete"})
    );
    let mut sts = json!({"spec": {
        "podManagementPolicy": "Parallel", "replicas": 0, "revisionHistoryLimit": 3,
        "persistentVolumeClaimRetentionPolicy": {"whenDeleted": "Delete"},
        "volumeClaimTemplates": [{"apiVersion": "v1", "kind": "PersistentVolumeClaim",
                                  "metadata": {"name": "d", "creationTimestamp": null},
                                  "spec": {"volumeMode": "Block"},
                                  "status": {"phase": "Pending"}}],
    }});
    apply("apps", "StatefulSet", &mut sts);
    let spec = &sts["spec"];
    assert_eq!(spec["podManagementPolicy"], "Parallel");
    assert_eq!(spec["replicas"], 0);
    assert_eq!(spec["revisionHistoryLimit"], 3);
    assert_eq!(
        spec["persistentVolumeClaimRetentionPolicy"],
        json!({"whenDeleted": "Delete", "whenScaled": "Retain"})
    );
    assert_eq!(
        spec["volumeClaimTemplates"][0]["spec"],
        json!({"volumeMode": "Block", "resources": {}})
    );
}

#[test]
fn seed_deployment_is_stored_with_upstream_defaults() {
    let mut deploy = seed_deployment();
    apply_on_create("apps", "Deployment", &mut deploy, NOW).unwrap();
    let mut want = seed_deployment();
    let spec = &mut want["spec"];
    spec["strategy"] = json!({"type": "RollingUpdate",
                              "rollingUpdate": {"maxUnavailable": "25%", "maxSurge": "25%"}});
    spec["revisionHistoryLimit"] = json!(10);
    spec["progressDeadlineSeconds"] = json!(600);
    spec["template"]["metadata"]["creationTimestamp"] = Value::Null;
    let pod = &mut spec["template"]["spec"];
    pod["dnsPolicy"] = json!("ClusterFirst");
    pod["restartPolicy"] = json!("Always");
    pod["schedulerName"] = json!("default-scheduler");
    pod["securityContext"] = json!({});
    pod["terminationGracePeriodSeconds"] = json!(30);
    let c = &mut pod["containers"][0];
    c["ports"][0]["protocol"] = json!("TCP");
    c["resources"] = json!({});
    c["terminationMessagePath"] = json!("/dev/termination-log");
    c["terminationMessagePolicy"] = json!("File");
    want["status"] = json!({});
    assert_eq!(deploy, want);
}

#[test]
fn deployment_strategy_and_replica_sets() {
    let strategy = |given: Value| {
        let mut d = json!({"spec": {"strategy": given}});
        apply("apps", "Deployment", &mut d);
        d["spec"]["strategy"].clone()
    };
    assert_eq!(
        strategy(json!({"type": "Recreate"})),
        json!({"type": "Recreate"})
    );
    assert_eq!(
        strategy(json!({"rollingUpdate": {"maxSurge": 1}})),
        json!({"type": "RollingUpdate", "rollingUpdate": {"maxSurge": 1, "maxUnavailable": "25%"}})
    );
    let mut minimal = json!({"spec": {}});
    apply("apps", "Deployment", &mut minimal);
    assert_eq!(minimal["spec"]["replicas"], 1);
    let mut rs = json!({"metadata": {"name": "web-1"}, "spec": {"template": {"spec": {
        "containers": [{"name": "c", "image": "nginx:1.27"}]}}}});
    apply_on_create("apps", "ReplicaSet", &mut rs, NOW).unwrap();
    assert_eq!(
        rs,
        json!({"metadata": {"name": "web-1"}, "spec": {"replicas": 1, "template": {
            "metadata": {"creationTimestamp": null},
            "spec": {"containers": [{"name": "c", "image": "nginx:1.27",
                                     "imagePullPolicy": "IfNotPresent", "resources": {},
                                     "terminationMessagePath": "/dev/termination-log",
                                     "terminationMessagePolicy": "File"}],
                     "dnsPolicy": "ClusterFirst", "restartPolicy": "Always",
                     "schedulerName": "default-scheduler", "securityContext": {},
                     "terminationGracePeriodSeconds": 30}}},
               "status": {"replicas": 0}})
    );
}

/// One minimal manifest per served kind, and a few fuller ones.
fn fixtures() -> Vec<(&'static str, &'static str, Value)> {
    vec![
        (
            "",
            "Pod",
            json!({"metadata": {"name": "p"},
                           "spec": {"containers": [{"name": "c", "image": "nginx"}],
                                    "volumes": [{"name": "v"}]}}),
        ),
        (
            "",
            "Pod",
            json!({"metadata": {"name": "p"}, "spec": {"containers": [{
            "name": "c", "image": "x:1", "resources": {"limits": {"cpu": "0.5"}},
            "livenessProbe": {"httpGet": {"port": 1}}}],
            "schedulingGates": [{"name": "g"}]},
            "status": {"podIP": "10.0.0.1"}}),
        ),
        ("", "Service", json!({"spec": {"ports": [{"port": 80}]}})),
        (
            "",
            "Service",
            json!({"spec": {"type": "LoadBalancer", "ports": [{"port": 80}]}}),
        ),
        ("", "Service", json!({"spec": {"clusterIP": "None"}})),
        (
            "",
            "Service",
            json!({"spec": {"type": "ExternalName", "externalName": "x"}}),
        ),
        (
            "",
            "Endpoints",
            json!({"subsets": [{"ports": [{"port": 1}]}]}),
        ),
        ("", "ConfigMap", json!({"data": {"a": "b"}})),
        ("", "Secret", json!({})),
        (
            "",
            "ServiceAccount",
            json!({"secrets": [{"name": "s", "uid": "u"}]}),
        ),
        (
            "",
            "PersistentVolume",
            json!({"spec": {"hostPath": {"path": "/x"}}}),
        ),
        (
            "",
            "PersistentVolumeClaim",
            json!({"spec": {"dataSource": {
            "kind": "PersistentVolumeClaim", "name": "x"}}}),
        ),
        ("", "Event", json!({"reason": "x"})),
        ("", "Node", json!({"status": {"capacity": {"cpu": "2"}}})),
        ("", "Namespace", json!({"metadata": {"name": "n"}})),
        ("apps", "StatefulSet", seed_statefulset()),
        ("apps", "ControllerRevision", json!({"data": {}})),
        ("apps", "Deployment", seed_deployment()),
        ("apps", "ReplicaSet", json!({"spec": {}})),
        (
            "storage.k8s.io",
            "StorageClass",
            json!({"provisioner": "p"}),
        ),
        (
            "discovery.k8s.io",
            "EndpointSlice",
            json!({"endpoints": [{"addresses": ["1.2.3.4"]}],
                                                     "ports": [{}]}),
        ),
        ("coordination.k8s.io", "Lease", json!({})),
    ]
}

#[test]
fn every_entry_point_is_idempotent() {
    for (group, kind, obj) in fixtures() {
        let mut once = obj.clone();
        apply(group, kind, &mut once);
        let mut twice = once.clone();
        apply(group, kind, &mut twice);
        assert_eq!(twice, once, "apply {kind}");

        let mut created = obj.clone();
        apply_on_create(group, kind, &mut created, NOW).unwrap();
        let mut again = created.clone();
        apply_on_create(group, kind, &mut again, NOW).unwrap();
        assert_eq!(again, created, "apply_on_create {kind}");
        // A stored object read back and written unchanged stays the same.
        let mut updated = created.clone();
        apply_on_update(group, kind, &created, &mut updated);
        assert_eq!(updated, created, "apply_on_update {kind}");
    }
}

#[test]
fn unknown_kinds_and_non_objects_are_untouched() {
    let mut obj = json!({"spec": {}});
    apply("example.com", "Widget", &mut obj);
    assert_eq!(obj, json!({"spec": {}}));
    let mut list = json!([1, 2]);
    apply("", "Pod", &mut list);
    assert_eq!(list, json!([1, 2]));
    assert!(apply_on_create("", "Pod", &mut list, NOW).is_ok());
}

fn opt<T: std::fmt::Debug + Clone + 'static>(
    s: impl Strategy<Value = T> + 'static,
) -> BoxedStrategy<Option<T>> {
    prop_oneof![Just(None), s.prop_map(Some)].boxed()
}

prop_compose! {
    fn container()(
        image in prop::sample::select(vec!["nginx", "nginx:latest", "x:1", "a@sha256:00", ""]),
        pull in opt(prop::sample::select(vec!["", "Always", "Never"])),
        port in opt(1i64..70000),
        protocol in opt(prop::sample::select(vec!["", "UDP"])),
        cpu in opt(prop::sample::select(vec!["0.5", "100m", "1", "0.0001", "2Gi", "bad"])),
        as_limit in any::<bool>(),
        period in opt(0i64..20),
        http in any::<bool>(),
    ) -> Value {
        let mut c = json!({"name": "c", "image": image});
        if let Some(p) = pull { c["imagePullPolicy"] = json!(p); }
        if let Some(p) = port {
            c["ports"] = json!([{"containerPort": p}]);
            if let Some(pr) = protocol { c["ports"][0]["protocol"] = json!(pr); }
        }
        if let Some(cpu) = cpu {
            let list = if as_limit { "limits" } else { "requests" };
            c["resources"] = json!({list: {"cpu": cpu, "memory": "1024Mi"}});
        }
        if let Some(p) = period {
            c["readinessProbe"] = if http {
                json!({"httpGet": {"port": 80}, "periodSeconds": p})
            } else {
                json!({"exec": {"command": ["true"]}, "periodSeconds": p})
            };
        }
        c
    }
}

prop_compose! {
    fn pod_spec()(
        containers in prop::collection::vec(container(), 0..3),
        restart in opt(prop::sample::select(vec!["", "Never"])),
        host_network in any::<bool>(),
        sa in opt(prop::sample::select(vec!["", "builder"])),
        volumes in prop::collection::vec(
            prop::sample::select(vec![
                json!({"name": "a"}),
                json!({"name": "b", "secret": {"secretName": "s"}}),
                json!({"name": "c", "hostPath": {"path": "/x"}}),
                json!({"name": "d", "projected": {"sources": [{"serviceAccountToken": {"path": "t"}}]}}),
            ]), 0..3),
        tolerate in any::<bool>(),
    ) -> Value {
        let mut spec = json!({"containers": containers, "volumes": volumes,
                              "hostNetwork": host_network});
        if let Some(r) = restart { spec["restartPolicy"] = json!(r); }
        if let Some(s) = sa { spec["serviceAccount"] = json!(s); }
        if tolerate { spec["tolerations"] = json!([{"operator": "Exists"}]); }
        spec
    }
}

proptest! {
    #[test]
    fn pod_and_template_defaulting_is_idempotent(spec in pod_spec()) {
        let mut pod = json!({"metadata": {"name": "p"}, "spec": spec});
        apply("", "Pod", &mut pod);
        let mut again = pod.clone();
        apply("", "Pod", &mut again);
        prop_assert_eq!(&again, &pod);

        let mut created = json!({"metadata": {"name": "p"}, "spec": spec});
        apply_on_create("", "Pod", &mut created, NOW).unwrap();
        let mut recreated = created.clone();
        apply_on_create("", "Pod", &mut recreated, NOW).unwrap();
        prop_assert_eq!(&recreated, &created);

        for kind in ["Deployment", "ReplicaSet", "StatefulSet"] {
            let mut w = json!({"spec": {"template": {"spec": spec}}});
            apply("apps", kind, &mut w);
            let mut again = w.clone();
            apply("apps", kind, &mut again);
            prop_assert_eq!(&again, &w);
        }
    }
}

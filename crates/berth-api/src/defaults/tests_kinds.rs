//! Service, storage and small core kinds: minimal manifests and the objects upstream stores.

use serde_json::{Value, json};

use super::{apply, apply_on_create, apply_on_update, default_storage_class};

const NOW: &str = "2025-06-01T12:00:00Z";

fn created(group: &str, kind: &str, mut obj: Value) -> Value {
    apply_on_create(group, kind, &mut obj, NOW).unwrap();
    obj
}

fn defaulted(group: &str, kind: &str, mut obj: Value) -> Value {
    apply(group, kind, &mut obj);
    obj
}

#[test]
fn seed_service_is_stored_with_upstream_defaults() {
    let svc = created(
        "",
        "Service",
        json!({
            "apiVersion": "v1", "kind": "Service",
            "metadata": {"name": "postgres", "namespace": "postgres", "labels": {"app": "postgres"}},
            "spec": {"type": "ClusterIP", "ports": [{"port": 5432, "targetPort": 5432}],
                     "selector": {"app": "postgres"}},
        }),
    );
    // clusterIP / clusterIPs are the allocator's; everything else is here.
    assert_eq!(
        svc,
        json!({
            "apiVersion": "v1", "kind": "Service",
            "metadata": {"name": "postgres", "namespace": "postgres",
                         "labels": {"app": "postgres"}},
            "spec": {
                "type": "ClusterIP",
                "ports": [{"port": 5432, "targetPort": 5432, "protocol": "TCP"}],
                "selector": {"app": "postgres"},
                "sessionAffinity": "None",
                "internalTrafficPolicy": "Cluster",
                "ipFamilyPolicy": "SingleStack",
                "ipFamilies": ["IPv4"],
            },
            "status": {"loadBalancer": {}},
        })
    );
}

#[test]
fn seed_headless_service() {
    let svc = created(
        "",
        "Service",
        json!({
            "metadata": {"name": "postgres", "namespace": "postgres"},
            "spec": {"clusterIP": "None", "ports": [{"port": 5432, "name": "postgredb"}],
                     "selector": {"app": "postgres"}},
        }),
    );
    assert_eq!(
        svc["spec"],
        json!({
            "clusterIP": "None", "clusterIPs": ["None"], "type": "ClusterIP",
            "ports": [{"port": 5432, "name": "postgredb", "protocol": "TCP", "targetPort": 5432}],
            "selector": {"app": "postgres"}, "sessionAffinity": "None",
            "internalTrafficPolicy": "Cluster", "ipFamilyPolicy": "SingleStack",
            "ipFamilies": ["IPv4"],
        })
    );
}

#[test]
fn service_type_dependent_defaults() {
    let spec = |spec: Value| created("", "Service", json!({"spec": spec}))["spec"].clone();
    // Headless without a selector asks for both families, even on a single-stack cluster.
    let headless = spec(json!({"clusterIP": "None"}));
    assert_eq!(headless["ipFamilyPolicy"], "RequireDualStack");
    assert_eq!(headless["ipFamilies"], json!(["IPv4", "IPv6"]));
    let node_port =
        spec(json!({"type": "NodePort", "ports": [{"port": 80, "targetPort": "http"}]}));
    assert_eq!(node_port["externalTrafficPolicy"], "Cluster");
    assert_eq!(node_port["internalTrafficPolicy"], "Cluster");
    assert_eq!(
        node_port["ports"],
        json!([{"port": 80, "targetPort": "http", "protocol": "TCP"}])
    );
    let lb = spec(json!({"type": "LoadBalancer", "ports": [{"port": 80, "targetPort": 0}]}));
    assert_eq!(lb["allocateLoadBalancerNodePorts"], true);
    assert_eq!(lb["externalTrafficPolicy"], "Cluster");
    assert_eq!(lb["ports"][0]["targetPort"], 80);
    let external_ips = spec(json!({"externalIPs": ["192.0.2.1"]}));
    assert_eq!(external_ips["externalTrafficPolicy"], "Cluster");
    assert!(spec(json!({}))["externalTrafficPolicy"].is_null());
    let name = spec(
        json!({"type": "ExternalName", "externalName": "db.example.com",
                           "internalTrafficPolicy": "Cluster"}),
    );
    assert_eq!(
        name,
        json!({"type": "ExternalName", "externalName": "db.example.com",
               "sessionAffinity": "None"})
    );
    let given_ip = spec(json!({"clusterIP": "10.43.0.10"}));
    assert_eq!(given_ip["clusterIPs"], json!(["10.43.0.10"]));
    assert_eq!(given_ip["ipFamilies"], json!(["IPv4"]));
}

#[test]
fn session_affinity() {
    let spec = |spec: Value| defaulted("", "Service", json!({"spec": spec}))["spec"].clone();
    let client_ip = spec(json!({"sessionAffinity": "ClientIP"}));
    assert_eq!(
        client_ip["sessionAffinityConfig"],
        json!({"clientIP": {"timeoutSeconds": 10800}})
    );
    let custom = spec(json!({"sessionAffinity": "ClientIP",
                             "sessionAffinityConfig": {"clientIP": {"timeoutSeconds": 60}}}));
    assert_eq!(
        custom["sessionAffinityConfig"]["clientIP"]["timeoutSeconds"],
        60
    );
    let none = spec(json!({"sessionAffinityConfig": {"clientIP": {"timeoutSeconds": 60}}}));
    assert!(none.get("sessionAffinityConfig").is_none());
}

#[test]
fn load_balancer_ingress_gets_ip_mode() {
    let svc = defaulted(
        "",
        "Service",
        json!({"spec": {"type": "LoadBalancer"}, "status": {
        "loadBalancer": {"ingress": [{"ip": "192.0.2.9"}, {"hostname": "lb.example.com"}]}}}),
    );
    assert_eq!(
        svc["status"]["loadBalancer"]["ingress"],
        json!([{"ip": "192.0.2.9", "ipMode": "VIP"}, {"hostname": "lb.example.com"}])
    );
}

#[test]
fn service_update_keeps_allocated_values() {
    let old = json!({"spec": {
        "type": "NodePort", "clusterIP": "10.43.0.7", "clusterIPs": ["10.43.0.7"],
        "ipFamilies": ["IPv4"], "ipFamilyPolicy": "SingleStack",
        "ports": [{"name": "http", "port": 80, "nodePort": 30080, "protocol": "TCP"}],
    }});
    let mut new = json!({"spec": {"type": "NodePort", "ports": [{"name": "http", "port": 80}]}});
    apply_on_update("", "Service", &old, &mut new);
    let spec = &new["spec"];
    assert_eq!(spec["clusterIP"], "10.43.0.7");
    assert_eq!(spec["clusterIPs"], json!(["10.43.0.7"]));
    assert_eq!(spec["ports"][0]["nodePort"], 30080);
    assert_eq!(spec["ipFamilyPolicy"], "SingleStack");
    assert_eq!(spec["ipFamilies"], json!(["IPv4"]));
    // Moving to ClusterIP drops the node ports and the external policy left in place.
    let mut new = old.clone();
    new["spec"]["type"] = json!("ClusterIP");
    new["spec"]["externalTrafficPolicy"] = json!("Cluster");
    let mut old_full = old.clone();
    old_full["spec"]["externalTrafficPolicy"] = json!("Cluster");
    apply_on_update("", "Service", &old_full, &mut new);
    assert!(new["spec"]["ports"][0].get("nodePort").is_none());
    assert!(new["spec"].get("externalTrafficPolicy").is_none());
    // Moving to ExternalName drops the cluster IP fields.
    let mut new = old.clone();
    new["spec"]["type"] = json!("ExternalName");
    new["spec"]["externalName"] = json!("db.example.com");
    apply_on_update("", "Service", &old, &mut new);
    for key in ["clusterIP", "clusterIPs", "ipFamilies", "ipFamilyPolicy"] {
        assert!(new["spec"].get(key).is_none(), "{key}");
    }
}

#[test]
fn endpoints_and_endpoint_slices() {
    let ep = defaulted(
        "",
        "Endpoints",
        json!({"subsets": [{"addresses": [{"ip": "10.42.0.5"}],
                                                           "ports": [{"port": 80}]}]}),
    );
    assert_eq!(
        ep["subsets"][0]["ports"],
        json!([{"port": 80, "protocol": "TCP"}])
    );
    let slice = defaulted(
        "discovery.k8s.io",
        "EndpointSlice",
        json!({
            "addressType": "IPv4",
            "endpoints": [{"addresses": ["10.42.0.5"]},
                          {"addresses": ["10.42.0.6"], "conditions": {"ready": true}}],
            "ports": [{"port": 80}, {"name": "dns", "port": 53, "protocol": "UDP"}],
        }),
    );
    assert_eq!(
        slice,
        json!({
            "addressType": "IPv4",
            "endpoints": [{"addresses": ["10.42.0.5"], "conditions": {}},
                          {"addresses": ["10.42.0.6"], "conditions": {"ready": true}}],
            "ports": [{"name": "", "port": 80, "protocol": "TCP"},
                      {"name": "dns", "port": 53, "protocol": "UDP"}],
        })
    );
}

#[test]
fn seed_persistent_volume() {
    let pv = created(
        "",
        "PersistentVolume",
        json!({
            "metadata": {"name": "postgres-pv-volume", "labels": {"type": "local", "app": "postgres"}},
            "spec": {"storageClassName": "manual", "capacity": {"storage": "1Gi"},
                     "accessModes": ["ReadWriteOnce"], "persistentVolumeReclaimPolicy": "Retain",
                     "hostPath": {"path": "/mnt/data/postgres", "type": "DirectoryOrCreate"}},
        }),
    );
    assert_eq!(
        pv,
        json!({
            "metadata": {"name": "postgres-pv-volume",
                         "labels": {"type": "local", "app": "postgres"},
                         "finalizers": ["kubernetes.io/pv-protection"]},
            "spec": {"storageClassName": "manual", "capacity": {"storage": "1Gi"},
                     "accessModes": ["ReadWriteOnce"], "persistentVolumeReclaimPolicy": "Retain",
                     "hostPath": {"path": "/mnt/data/postgres", "type": "DirectoryOrCreate"},
                     "volumeMode": "Filesystem"},
            "status": {"phase": "Pending", "lastPhaseTransitionTime": NOW},
        })
    );
    let minimal = defaulted(
        "",
        "PersistentVolume",
        json!({"spec": {"hostPath": {"path": "/x"},
                                                                    "capacity": {"storage": "0.5Gi"}}}),
    );
    assert_eq!(
        minimal,
        json!({"spec": {"hostPath": {"path": "/x", "type": ""}, "capacity": {"storage": "512Mi"},
                        "persistentVolumeReclaimPolicy": "Retain", "volumeMode": "Filesystem"},
               "status": {"phase": "Pending"}})
    );
}

#[test]
fn seed_persistent_volume_claim() {
    let pvc = created(
        "",
        "PersistentVolumeClaim",
        json!({
            "metadata": {"name": "postgres-pv-claim", "namespace": "postgres",
                         "labels": {"app": "postgres"}},
            "spec": {"storageClassName": "manual", "accessModes": ["ReadWriteOnce"],
                     "resources": {"requests": {"storage": "1Gi"}}},
            "status": {"phase": "Bound"},
        }),
    );
    assert_eq!(
        pvc,
        json!({
            "metadata": {"name": "postgres-pv-claim", "namespace": "postgres",
                         "labels": {"app": "postgres"},
                         "finalizers": ["kubernetes.io/pvc-protection"]},
            "spec": {"storageClassName": "manual", "accessModes": ["ReadWriteOnce"],
                     "resources": {"requests": {"storage": "1Gi"}}, "volumeMode": "Filesystem"},
            "status": {"phase": "Pending"},
        })
    );
    // An update keeps the status the server copied from the stored claim.
    let bound = defaulted(
        "",
        "PersistentVolumeClaim",
        json!({"spec": {}, "status": {
        "phase": "Bound", "capacity": {"storage": "1024Mi"}}}),
    );
    assert_eq!(
        bound["status"],
        json!({"phase": "Bound", "capacity": {"storage": "1Gi"}})
    );
}

#[test]
fn claim_data_sources_on_create() {
    let spec =
        |spec: Value| created("", "PersistentVolumeClaim", json!({"spec": spec}))["spec"].clone();
    let dropped = spec(
        json!({"dataSource": {"kind": "Widget", "apiGroup": "example.com",
                                             "name": "w"}}),
    );
    assert!(dropped.get("dataSource").is_none() && dropped.get("dataSourceRef").is_none());
    let clone = spec(json!({"dataSource": {"kind": "PersistentVolumeClaim", "name": "src"}}));
    assert_eq!(
        clone["dataSourceRef"],
        json!({"kind": "PersistentVolumeClaim", "name": "src"})
    );
    let snap = json!({"kind": "VolumeSnapshot", "apiGroup": "snapshot.storage.k8s.io",
                      "name": "s"});
    assert_eq!(
        spec(json!({"dataSourceRef": snap.clone()}))["dataSource"],
        snap
    );
    let populated = json!({"kind": "Widget", "apiGroup": "example.com", "name": "w"});
    assert_eq!(
        spec(json!({"dataSourceRef": populated.clone()}))["dataSource"],
        populated
    );
    let foreign = spec(
        json!({"dataSourceRef": {"kind": "PersistentVolumeClaim", "name": "src",
                                                "namespace": "other"}}),
    );
    assert!(foreign.get("dataSource").is_none());
}

#[test]
fn default_storage_class_admission() {
    let class = |name: &str, created: &str, default: bool| {
        let mut c = json!({"metadata": {"name": name, "creationTimestamp": created},
                           "provisioner": "berth.dev/local-path"});
        if default {
            c["metadata"]["annotations"] =
                json!({"storageclass.kubernetes.io/is-default-class": "true"});
        }
        c
    };
    let classes = [
        class("slow", "2025-01-01T00:00:00Z", true),
        class("local-path", "2025-03-01T00:00:00Z", true),
        class("fast", "2025-04-01T00:00:00Z", false),
        class("b-also", "2025-03-01T00:00:00Z", true),
    ];
    let admit = |pvc: Value, classes: &[Value]| {
        let mut pvc = pvc;
        default_storage_class(&mut pvc, classes);
        pvc
    };
    // Newest default wins; a tie on time goes to the first name.
    assert_eq!(
        admit(json!({"spec": {}}), &classes)["spec"]["storageClassName"],
        "b-also"
    );
    assert_eq!(
        admit(json!({"spec": {}}), &classes[..2])["spec"]["storageClassName"],
        "local-path"
    );
    let explicit_none = json!({"spec": {"storageClassName": ""}});
    assert_eq!(admit(explicit_none.clone(), &classes), explicit_none);
    let beta = json!({"metadata": {"annotations": {"volume.beta.kubernetes.io/storage-class": "x"}},
                      "spec": {}});
    assert_eq!(admit(beta.clone(), &classes), beta);
    assert_eq!(
        admit(json!({"spec": {}}), &classes[2..3]),
        json!({"spec": {}})
    );
}

#[test]
fn storage_class_defaults() {
    let sc = defaulted(
        "storage.k8s.io",
        "StorageClass",
        json!({"metadata": {"name": "local-path"}, "provisioner": "p"}),
    );
    assert_eq!(
        sc,
        json!({"metadata": {"name": "local-path"}, "provisioner": "p",
               "reclaimPolicy": "Delete", "volumeBindingMode": "Immediate"})
    );
    let kept = json!({"provisioner": "p", "reclaimPolicy": "Retain",
                      "volumeBindingMode": "WaitForFirstConsumer"});
    assert_eq!(
        defaulted("storage.k8s.io", "StorageClass", kept.clone()),
        kept
    );
}

#[test]
fn seed_namespace() {
    let ns = created(
        "",
        "Namespace",
        json!({"apiVersion": "v1", "kind": "Namespace",
                                             "metadata": {"name": "postgres"}}),
    );
    assert_eq!(
        ns,
        json!({"apiVersion": "v1", "kind": "Namespace",
               "metadata": {"name": "postgres",
                            "labels": {"kubernetes.io/metadata.name": "postgres"}},
               "spec": {"finalizers": ["kubernetes"]},
               "status": {"phase": "Active"}})
    );
    // The label cannot be changed; a terminating phase is kept.
    let ns = defaulted(
        "",
        "Namespace",
        json!({
        "metadata": {"name": "a", "labels": {"kubernetes.io/metadata.name": "b"}},
        "spec": {}, "status": {"phase": "Terminating"}}),
    );
    assert_eq!(ns["metadata"]["labels"]["kubernetes.io/metadata.name"], "a");
    assert_eq!(ns["status"]["phase"], "Terminating");
}

#[test]
fn secrets_config_maps_and_service_accounts() {
    let secret = defaulted(
        "",
        "Secret",
        json!({"metadata": {"name": "s"},
                                                "data": {"k": "dg=="}}),
    );
    assert_eq!(secret["type"], "Opaque");
    let tls = json!({"type": "kubernetes.io/tls"});
    assert_eq!(defaulted("", "Secret", tls.clone()), tls);
    let cm = json!({"metadata": {"name": "postgres-config"},
                    "data": {"POSTGRES_DB": "tasks"}});
    assert_eq!(defaulted("", "ConfigMap", cm.clone()), cm);
    let sa = defaulted(
        "",
        "ServiceAccount",
        json!({"metadata": {"name": "build"}, "secrets": [
        {"name": "token", "namespace": "x", "uid": "u", "kind": "Secret"}]}),
    );
    assert_eq!(sa["secrets"], json!([{"name": "token"}]));
}

#[test]
fn nodes_events_leases_and_revisions() {
    let node = defaulted(
        "",
        "Node",
        json!({"metadata": {"name": "n1"},
                                            "status": {"capacity": {"cpu": "4", "memory": "8192Mi"}}}),
    );
    assert_eq!(
        node,
        json!({
            "metadata": {"name": "n1"},
            "spec": {},
            "status": {
                "capacity": {"cpu": "4", "memory": "8Gi"},
                "allocatable": {"cpu": "4", "memory": "8Gi"},
                "daemonEndpoints": {"kubeletEndpoint": {"Port": 0}},
                "nodeInfo": {"machineID": "", "systemUUID": "", "bootID": "",
                             "kernelVersion": "", "osImage": "", "containerRuntimeVersion": "",
                             "kubeletVersion": "", "kubeProxyVersion": "",
                             "operatingSystem": "", "architecture": ""},
            },
        })
    );
    let event = defaulted(
        "",
        "Event",
        json!({"metadata": {"name": "e"}, "reason": "Started",
                                              "count": 3}),
    );
    assert_eq!(
        event,
        json!({"metadata": {"name": "e"}, "reason": "Started", "count": 3,
               "involvedObject": {}, "source": {}, "firstTimestamp": null,
               "lastTimestamp": null, "eventTime": null, "reportingComponent": "",
               "reportingInstance": ""})
    );
    assert_eq!(
        defaulted(
            "coordination.k8s.io",
            "Lease",
            json!({"metadata": {"name": "l"}})
        ),
        json!({"metadata": {"name": "l"}, "spec": {}})
    );
    let rev = json!({"metadata": {"name": "r"}, "data": {}, "revision": 2});
    assert_eq!(defaulted("apps", "ControllerRevision", rev.clone()), rev);
}

//! Pod defaulting and pod admission. Expected objects are what a 1.33 API server stores for the
//! same input (`kubectl get pod -o json`), minus the server metadata berth adds elsewhere and the
//! ServiceAccount token volume, which [`mount_service_account`] adds when the server wires it.

use serde_json::{Value, json};

use super::{AdmissionError, apply, apply_on_create, apply_on_update, mount_service_account};

const NOW: &str = "2025-06-01T12:00:00Z";

fn created_pod(mut pod: Value) -> Value {
    apply_on_create("", "Pod", &mut pod, NOW).unwrap();
    pod
}

fn default_tolerations() -> Value {
    json!([
        {"key": "node.kubernetes.io/not-ready", "operator": "Exists", "effect": "NoExecute",
         "tolerationSeconds": 300},
        {"key": "node.kubernetes.io/unreachable", "operator": "Exists", "effect": "NoExecute",
         "tolerationSeconds": 300},
    ])
}

#[test]
fn minimal_pod_gets_every_upstream_default() {
    let pod = created_pod(json!({
        "apiVersion": "v1", "kind": "Pod",
        "metadata": {"name": "web", "namespace": "default"},
        "spec": {"containers": [{"name": "web", "image": "nginx"}]},
    }));
    assert_eq!(
        pod,
        json!({
            "apiVersion": "v1", "kind": "Pod",
            "metadata": {"name": "web", "namespace": "default"},
            "spec": {
                "containers": [{
                    "name": "web", "image": "nginx", "imagePullPolicy": "Always",
                    "resources": {}, "terminationMessagePath": "/dev/termination-log",
                    "terminationMessagePolicy": "File",
                }],
                "dnsPolicy": "ClusterFirst",
                "enableServiceLinks": true,
                "preemptionPolicy": "PreemptLowerPriority",
                "priority": 0,
                "restartPolicy": "Always",
                "schedulerName": "default-scheduler",
                "securityContext": {},
                "serviceAccount": "default",
                "serviceAccountName": "default",
                "terminationGracePeriodSeconds": 30,
                "tolerations": default_tolerations(),
            },
            "status": {"phase": "Pending", "qosClass": "BestEffort"},
        })
    );
}

#[test]
fn containers_probes_env_and_ports() {
    let pod = created_pod(json!({
        "metadata": {"name": "p"},
        "spec": {
            "initContainers": [{"name": "init", "image": "busybox:1.36"}],
            "containers": [{
                "name": "app", "image": "registry.example.com/app:latest",
                "ports": [{"containerPort": 8080}, {"containerPort": 53, "protocol": "UDP"}],
                "env": [
                    {"name": "POD", "valueFrom": {"fieldRef": {"fieldPath": "metadata.name"}}},
                    {"name": "X", "value": "1"},
                ],
                "livenessProbe": {"httpGet": {"port": 8080}},
                "readinessProbe": {"grpc": {"port": 9090}, "periodSeconds": 5},
                "startupProbe": {"tcpSocket": {"port": 8080}, "failureThreshold": 30},
                "lifecycle": {"preStop": {"httpGet": {"port": 8080, "path": "/quit"}}},
            }],
        },
    }));
    let spec = &pod["spec"];
    assert_eq!(
        spec["initContainers"][0],
        json!({"name": "init", "image": "busybox:1.36", "imagePullPolicy": "IfNotPresent",
               "resources": {}, "terminationMessagePath": "/dev/termination-log",
               "terminationMessagePolicy": "File"})
    );
    let c = &spec["containers"][0];
    assert_eq!(c["imagePullPolicy"], "Always");
    assert_eq!(
        c["ports"],
        json!([{"containerPort": 8080, "protocol": "TCP"},
               {"containerPort": 53, "protocol": "UDP"}])
    );
    assert_eq!(
        c["env"],
        json!([
            {"name": "POD", "valueFrom": {"fieldRef": {"apiVersion": "v1",
                                                       "fieldPath": "metadata.name"}}},
            {"name": "X", "value": "1"},
        ])
    );
    assert_eq!(
        c["livenessProbe"],
        json!({"httpGet": {"port": 8080, "path": "/", "scheme": "HTTP"}, "timeoutSeconds": 1,
               "periodSeconds": 10, "successThreshold": 1, "failureThreshold": 3})
    );
    assert_eq!(
        c["readinessProbe"],
        json!({"grpc": {"port": 9090, "service": ""}, "timeoutSeconds": 1, "periodSeconds": 5,
               "successThreshold": 1, "failureThreshold": 3})
    );
    assert_eq!(
        c["startupProbe"],
        json!({"tcpSocket": {"port": 8080}, "timeoutSeconds": 1, "periodSeconds": 10,
               "successThreshold": 1, "failureThreshold": 30})
    );
    assert_eq!(
        c["lifecycle"],
        json!({"preStop": {"httpGet": {"port": 8080, "path": "/quit", "scheme": "HTTP"}}})
    );
}

#[test]
fn volumes_get_source_defaults() {
    let pod = created_pod(json!({
        "metadata": {"name": "p"},
        "spec": {
            "containers": [{"name": "c", "image": "x:1"}],
            "volumes": [
                {"name": "scratch"},
                {"name": "cache", "emptyDir": {"sizeLimit": "1024Mi"}},
                {"name": "s", "secret": {"secretName": "s"}},
                {"name": "cm", "configMap": {"name": "cm", "defaultMode": 256}},
                {"name": "host", "hostPath": {"path": "/data"}},
                {"name": "data", "persistentVolumeClaim": {"claimName": "data"}},
                {"name": "info", "downwardAPI": {"items": [
                    {"path": "labels", "fieldRef": {"fieldPath": "metadata.labels"}}]}},
                {"name": "all", "projected": {"sources": [
                    {"serviceAccountToken": {"path": "token"}},
                    {"downwardAPI": {"items": [
                        {"path": "ns", "fieldRef": {"fieldPath": "metadata.namespace"}}]}},
                ]}},
                {"name": "eph", "ephemeral": {"volumeClaimTemplate": {"spec": {
                    "accessModes": ["ReadWriteOnce"],
                    "resources": {"requests": {"storage": "1024Mi"}}}}}},
                {"name": "rbd", "rbd": {"monitors": ["m"], "image": "i"}},
            ],
        },
    }));
    assert_eq!(
        pod["spec"]["volumes"],
        json!([
            {"name": "scratch", "emptyDir": {}},
            {"name": "cache", "emptyDir": {"sizeLimit": "1Gi"}},
            {"name": "s", "secret": {"secretName": "s", "defaultMode": 420}},
            {"name": "cm", "configMap": {"name": "cm", "defaultMode": 256}},
            {"name": "host", "hostPath": {"path": "/data", "type": ""}},
            {"name": "data", "persistentVolumeClaim": {"claimName": "data"}},
            {"name": "info", "downwardAPI": {"defaultMode": 420, "items": [
                {"path": "labels", "fieldRef": {"apiVersion": "v1",
                                                "fieldPath": "metadata.labels"}}]}},
            {"name": "all", "projected": {"defaultMode": 420, "sources": [
                {"serviceAccountToken": {"path": "token", "expirationSeconds": 3600}},
                {"downwardAPI": {"items": [
                    {"path": "ns", "fieldRef": {"apiVersion": "v1",
                                                "fieldPath": "metadata.namespace"}}]}},
            ]}},
            {"name": "eph", "ephemeral": {"volumeClaimTemplate": {
                "metadata": {"creationTimestamp": null},
                "spec": {"accessModes": ["ReadWriteOnce"], "volumeMode": "Filesystem",
                         "resources": {"requests": {"storage": "1Gi"}}}}}},
            {"name": "rbd", "rbd": {"monitors": ["m"], "image": "i", "pool": "rbd",
                                    "user": "admin", "keyring": "/etc/ceph/keyring"}},
        ])
    );
}

#[test]
fn qos_class_follows_requests_and_limits() {
    let qos = |containers: Value| {
        let pod = created_pod(json!({"metadata": {"name": "p"},
                                     "spec": {"containers": containers}}));
        pod["status"]["qosClass"].as_str().unwrap().to_owned()
    };
    let c = |resources: Value| json!({"name": "c", "image": "x:1", "resources": resources});
    // Limits only: requests default from them, so the pod is Guaranteed.
    assert_eq!(
        qos(json!([c(
            json!({"limits": {"cpu": "500m", "memory": "128Mi"}})
        )])),
        "Guaranteed"
    );
    // Equal values in different notation still match.
    assert_eq!(
        qos(json!([c(json!({"limits": {"cpu": "1", "memory": "1Gi"},
                            "requests": {"cpu": "1000m", "memory": "1024Mi"}}))])),
        "Guaranteed"
    );
    assert_eq!(
        qos(json!([c(json!({"requests": {"cpu": "100m"}}))])),
        "Burstable"
    );
    assert_eq!(
        qos(json!([c(json!({"limits": {"cpu": "1"}}))])),
        "Burstable"
    );
    assert_eq!(
        qos(json!([c(json!({"limits": {"cpu": "1", "memory": "1Gi"},
                            "requests": {"cpu": "500m"}}))])),
        "Burstable"
    );
    // One container without limits makes the pod Burstable.
    assert_eq!(
        qos(json!([
            c(json!({"limits": {"cpu": "1", "memory": "1Gi"}})),
            c(json!({"requests": {"memory": "1Gi"}}))
        ])),
        "Burstable"
    );
    // Only cpu and memory count; zero values do not.
    assert_eq!(
        qos(json!([c(json!({"limits": {"ephemeral-storage": "1Gi"}}))])),
        "BestEffort"
    );
    assert_eq!(
        qos(json!([c(json!({"requests": {"cpu": "0"}}))])),
        "BestEffort"
    );
    assert_eq!(qos(json!([c(json!({}))])), "BestEffort");
}

#[test]
fn pod_requests_default_from_limits_and_round_up() {
    let pod = created_pod(json!({"metadata": {"name": "p"}, "spec": {"containers": [{
        "name": "c", "image": "x:1",
        "resources": {"limits": {"cpu": "0.5", "memory": "128974848"},
                      "requests": {"cpu": "0.0001"}},
    }]}}));
    assert_eq!(
        pod["spec"]["containers"][0]["resources"],
        json!({"limits": {"cpu": "500m", "memory": "128974848"},
               "requests": {"cpu": "1m", "memory": "128974848"}})
    );
    assert_eq!(pod["status"]["qosClass"], "Burstable");
}

#[test]
fn host_network_ports_become_host_ports() {
    let pod = created_pod(json!({"metadata": {"name": "p"}, "spec": {
        "hostNetwork": true,
        "containers": [{"name": "c", "image": "x:1",
                        "ports": [{"containerPort": 80}, {"containerPort": 81, "hostPort": 81}]}],
    }}));
    assert_eq!(
        pod["spec"]["containers"][0]["ports"],
        json!([{"containerPort": 80, "hostPort": 80, "protocol": "TCP"},
               {"containerPort": 81, "hostPort": 81, "protocol": "TCP"}])
    );
}

#[test]
fn default_tolerations_only_when_not_tolerated() {
    let tolerations = |given: Value| {
        let mut pod = json!({"spec": {"containers": [], "tolerations": given}});
        apply("", "Pod", &mut pod);
        pod["spec"]["tolerations"].clone()
    };
    // A wildcard toleration (empty key, empty effect) tolerates both taints.
    assert_eq!(
        tolerations(json!([{"operator": "Exists"}])),
        json!([{"operator": "Exists"}])
    );
    let not_ready = json!({"key": "node.kubernetes.io/not-ready", "operator": "Exists",
                           "effect": "NoExecute", "tolerationSeconds": 60});
    assert_eq!(
        tolerations(json!([not_ready])),
        json!([not_ready, {"key": "node.kubernetes.io/unreachable", "operator": "Exists",
                           "effect": "NoExecute", "tolerationSeconds": 300}])
    );
    // A NoSchedule toleration of the same key does not count.
    let no_schedule = json!({"key": "node.kubernetes.io/unreachable", "operator": "Exists",
                             "effect": "NoSchedule"});
    let out = tolerations(json!([no_schedule]));
    assert_eq!(out.as_array().unwrap().len(), 3);
}

#[test]
fn priority_admission() {
    let pod = |spec_extra: Value| {
        let mut spec = json!({"containers": [{"name": "c", "image": "x:1"}]});
        for (k, v) in spec_extra.as_object().unwrap() {
            spec[k] = v.clone();
        }
        let mut pod = json!({"metadata": {"name": "p", "namespace": "kube-system"}, "spec": spec});
        apply_on_create("", "Pod", &mut pod, NOW).map(|()| pod)
    };
    let critical = pod(json!({"priorityClassName": "system-node-critical"})).unwrap();
    assert_eq!(critical["spec"]["priority"], 2_000_001_000);
    assert_eq!(critical["spec"]["preemptionPolicy"], "PreemptLowerPriority");
    let cluster = pod(json!({"priorityClassName": "system-cluster-critical"})).unwrap();
    assert_eq!(cluster["spec"]["priority"], 2_000_000_000);
    assert!(pod(json!({"priority": 0, "preemptionPolicy": "PreemptLowerPriority"})).is_ok());
    assert_eq!(
        pod(json!({"priorityClassName": "high"})).unwrap_err(),
        AdmissionError::Forbidden("no PriorityClass with name high was found".into())
    );
    assert_eq!(
        pod(json!({"priority": 5})).unwrap_err(),
        AdmissionError::Forbidden(
            "the integer value of priority (5) must not be provided in pod spec; priority \
             admission controller computed 0 from the given PriorityClass name"
                .into()
        )
    );
    assert_eq!(
        pod(json!({"preemptionPolicy": "Never"})).unwrap_err(),
        AdmissionError::Forbidden(
            "the string value of PreemptionPolicy (Never) must not be provided in pod spec; \
             priority admission controller computed PreemptLowerPriority from the given \
             PriorityClass name"
                .into()
        )
    );
}

#[test]
fn update_keeps_admission_fields_the_client_omits() {
    let old = created_pod(json!({"metadata": {"name": "p"},
                                 "spec": {"containers": [{"name": "c", "image": "x:1"}]}}));
    let mut new = json!({"metadata": {"name": "p"},
                         "spec": {"containers": [{"name": "c", "image": "x:2"}]}});
    apply_on_update("", "Pod", &old, &mut new);
    assert_eq!(new["spec"]["priority"], 0);
    assert_eq!(new["spec"]["preemptionPolicy"], "PreemptLowerPriority");
    assert_eq!(new["spec"]["tolerations"], default_tolerations());
    // Status belongs to the server's update path (copied from the stored pod), not to defaulting.
    assert_eq!(new["status"], json!({}));
}

#[test]
fn service_account_name_alias_and_mirror_pods() {
    let pod = created_pod(json!({"metadata": {"name": "p"},
                                 "spec": {"serviceAccount": "builder", "containers": []}}));
    assert_eq!(pod["spec"]["serviceAccountName"], "builder");
    assert_eq!(pod["spec"]["serviceAccount"], "builder");
    let pod = created_pod(json!({"metadata": {"name": "p"}, "spec": {
        "serviceAccount": "old", "serviceAccountName": "new", "containers": []}}));
    assert_eq!(pod["spec"]["serviceAccount"], "new");
    let mirror = created_pod(json!({
        "metadata": {"name": "p", "annotations": {"kubernetes.io/config.mirror": "x"}},
        "spec": {"containers": []}}));
    assert!(mirror["spec"].get("serviceAccountName").is_none());
}

#[test]
fn scheduling_gates_add_the_gated_condition() {
    let pod = created_pod(json!({"metadata": {"name": "p"}, "spec": {
        "schedulingGates": [{"name": "example.com/wait"}], "containers": []}}));
    assert_eq!(
        pod["status"],
        json!({"phase": "Pending", "qosClass": "BestEffort", "conditions": [{
            "type": "PodScheduled", "status": "False", "reason": "SchedulingGated",
            "message": "Scheduling is blocked due to non-empty scheduling gates",
            "lastProbeTime": null, "lastTransitionTime": NOW}]})
    );
}

#[test]
fn create_replaces_client_status() {
    let pod = created_pod(
        json!({"metadata": {"name": "p"}, "spec": {"containers": []},
                                 "status": {"phase": "Running", "podIP": "10.0.0.1"}}),
    );
    assert_eq!(
        pod["status"],
        json!({"phase": "Pending", "qosClass": "BestEffort"})
    );
}

#[test]
fn pod_ip_fields_stay_in_sync() {
    let status = |s: Value| {
        let mut pod = json!({"spec": {"containers": []}, "status": s});
        apply("", "Pod", &mut pod);
        pod["status"].clone()
    };
    assert_eq!(
        status(json!({"podIP": "10.42.0.5", "hostIP": "192.168.1.2"})),
        json!({"podIP": "10.42.0.5", "podIPs": [{"ip": "10.42.0.5"}],
               "hostIP": "192.168.1.2", "hostIPs": [{"ip": "192.168.1.2"}]})
    );
    assert_eq!(
        status(json!({"podIPs": [{"ip": "10.42.0.5"}, {"ip": "fd00::5"}]})),
        json!({"podIP": "10.42.0.5", "podIPs": [{"ip": "10.42.0.5"}, {"ip": "fd00::5"}]})
    );
    // The single field is authoritative when they disagree.
    assert_eq!(
        status(json!({"podIP": "10.42.0.6", "podIPs": [{"ip": "10.42.0.5"}]})),
        json!({"podIP": "10.42.0.6", "podIPs": [{"ip": "10.42.0.6"}]})
    );
}

#[test]
fn user_values_are_never_overwritten() {
    let spec = json!({
        "dnsPolicy": "Default", "restartPolicy": "Never", "schedulerName": "custom",
        "securityContext": {"runAsUser": 1000}, "terminationGracePeriodSeconds": 5,
        "enableServiceLinks": false, "serviceAccountName": "sa", "serviceAccount": "sa",
        "tolerations": [{"operator": "Exists"}],
        "containers": [{
            "name": "c", "image": "nginx", "imagePullPolicy": "Never",
            "terminationMessagePath": "/tmp/log", "terminationMessagePolicy": "FallbackToLogsOnError",
            "ports": [{"containerPort": 1, "protocol": "SCTP"}],
            "resources": {"requests": {"cpu": "100m"}},
            "livenessProbe": {"exec": {"command": ["true"]}, "timeoutSeconds": 2,
                              "periodSeconds": 3, "successThreshold": 1, "failureThreshold": 4},
            "readinessProbe": {"httpGet": {"port": 1, "path": "/ready", "scheme": "HTTPS"},
                               "timeoutSeconds": 2, "periodSeconds": 3, "successThreshold": 2,
                               "failureThreshold": 4},
        }],
        "volumes": [{"name": "h", "hostPath": {"path": "/x", "type": "Directory"}},
                    {"name": "s", "secret": {"secretName": "s", "defaultMode": 256}}],
    });
    let mut pod = json!({"spec": spec});
    apply("", "Pod", &mut pod);
    assert_eq!(pod["spec"], spec);
}

#[test]
fn templates_do_not_get_pod_only_defaults() {
    let mut rs = json!({"spec": {"template": {"spec": {
        "hostNetwork": true,
        "containers": [{"name": "c", "image": "x:1", "ports": [{"containerPort": 80}],
                        "resources": {"limits": {"cpu": "1"}}}]}}}});
    apply("apps", "ReplicaSet", &mut rs);
    let spec = &rs["spec"]["template"]["spec"];
    for absent in [
        "enableServiceLinks",
        "tolerations",
        "priority",
        "serviceAccountName",
    ] {
        assert!(spec.get(absent).is_none(), "{absent}");
    }
    let c = &spec["containers"][0];
    assert_eq!(
        c["ports"],
        json!([{"containerPort": 80, "protocol": "TCP"}])
    );
    assert_eq!(c["resources"], json!({"limits": {"cpu": "1"}}));
}

#[test]
fn service_account_token_volume_and_pull_secrets() {
    let mut pod = created_pod(json!({"metadata": {"name": "p"}, "spec": {
        "initContainers": [{"name": "i", "image": "x:1"}],
        "containers": [
            {"name": "a", "image": "x:1"},
            {"name": "b", "image": "x:1", "volumeMounts": [
                {"name": "own", "mountPath": "/var/run/secrets/kubernetes.io/serviceaccount"}]},
        ],
    }}));
    let sa = json!({"metadata": {"name": "default"}, "imagePullSecrets": [{"name": "regcred"}]});
    mount_service_account(&mut pod, &sa, "x7k2p");
    let mount = json!({"name": "kube-api-access-x7k2p", "readOnly": true,
                       "mountPath": "/var/run/secrets/kubernetes.io/serviceaccount"});
    let spec = &pod["spec"];
    assert_eq!(spec["initContainers"][0]["volumeMounts"], json!([mount]));
    assert_eq!(spec["containers"][0]["volumeMounts"], json!([mount]));
    assert_eq!(
        spec["containers"][1]["volumeMounts"]
            .as_array()
            .unwrap()
            .len(),
        1
    );
    assert_eq!(spec["imagePullSecrets"], json!([{"name": "regcred"}]));
    assert_eq!(
        spec["volumes"],
        json!([{"name": "kube-api-access-x7k2p", "projected": {"defaultMode": 420, "sources": [
            {"serviceAccountToken": {"expirationSeconds": 3607, "path": "token"}},
            {"configMap": {"name": "kube-root-ca.crt",
                           "items": [{"key": "ca.crt", "path": "ca.crt"}]}},
            {"downwardAPI": {"items": [{"path": "namespace", "fieldRef": {
                "apiVersion": "v1", "fieldPath": "metadata.namespace"}}]}},
        ]}}])
    );
    // Running it again adds nothing: the existing kube-api-access volume is reused.
    let before = pod.clone();
    mount_service_account(&mut pod, &sa, "zzzzz");
    assert_eq!(pod, before);
}

#[test]
fn automount_off_skips_the_token() {
    let base = json!({"metadata": {"name": "p"},
                      "spec": {"containers": [{"name": "a", "image": "x:1"}]}});
    let mut pod = base.clone();
    mount_service_account(
        &mut pod,
        &json!({"automountServiceAccountToken": false}),
        "abcde",
    );
    assert_eq!(pod, base);
    // The pod's own setting wins over the ServiceAccount's.
    let mut pod = base;
    pod["spec"]["automountServiceAccountToken"] = json!(true);
    mount_service_account(
        &mut pod,
        &json!({"automountServiceAccountToken": false}),
        "abcde",
    );
    assert_eq!(pod["spec"]["volumes"][0]["name"], "kube-api-access-abcde");
}

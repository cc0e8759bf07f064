//! Pod create validation (core-kinds §2.2.2): one case per rule, each with upstream's field
//! path and message.

use serde_json::{Value, json};

use super::test_fixtures::*;
use crate::validation::validate_create;

fn check(cases: Vec<(&str, Value, Vec<String>)>) {
    let pod_info = info("", "v1", "Pod");
    for (name, obj, want) in cases {
        assert_eq!(lines(&validate_create(pod_info, &obj)), want, "case {name}");
    }
}

fn with(edits: &[(&str, Value)]) -> Value {
    edited(&pod(), edits)
}

fn s(text: &str) -> String {
    text.to_owned()
}

#[test]
fn containers_names_images_and_policies() {
    let mut second = container("app");
    second["ports"] = json!([]);
    check(vec![
        ("valid", pod(), vec![]),
        (
            "no containers",
            with(&[("/spec/containers", json!([]))]),
            vec![s("spec.containers: Required value")],
        ),
        (
            "empty name",
            with(&[("/spec/containers/0/name", json!(""))]),
            vec![s("spec.containers[0].name: Required value")],
        ),
        (
            "bad name",
            with(&[("/spec/containers/0/name", json!("App_1"))]),
            vec![format!(
                "spec.containers[0].name: Invalid value: \"App_1\": {LABEL_MSG}"
            )],
        ),
        (
            "duplicate name",
            with(&[("/spec/containers/1", second.clone())]),
            vec![s("spec.containers[1].name: Duplicate value: \"app\"")],
        ),
        (
            "init container reuses a regular name",
            with(&[("/spec/initContainers", json!([second.clone()]))]),
            vec![s("spec.initContainers[0].name: Duplicate value: \"app\"")],
        ),
        (
            "no image",
            with(&[("/spec/containers/0/image", json!(""))]),
            vec![s("spec.containers[0].image: Required value")],
        ),
        (
            "image with a trailing space (pods only)",
            with(&[("/spec/containers/0/image", json!("nginx "))]),
            vec![s(
                "spec.containers[0].image: Invalid value: \"nginx \": must not have leading or trailing whitespace",
            )],
        ),
        (
            "pull policy",
            with(&[("/spec/containers/0/imagePullPolicy", json!("Sometimes"))]),
            vec![s(
                "spec.containers[0].imagePullPolicy: Unsupported value: \"Sometimes\": supported values: \"Always\", \"IfNotPresent\", \"Never\"",
            )],
        ),
        (
            "termination message policy",
            with(&[(
                "/spec/containers/0/terminationMessagePolicy",
                json!("Never"),
            )]),
            vec![s(
                "spec.containers[0].terminationMessagePolicy: Unsupported value: \"Never\": supported values: \"File\", \"FallbackToLogsOnError\"",
            )],
        ),
        (
            "restartPolicy on a regular container",
            with(&[("/spec/containers/0/restartPolicy", json!("Always"))]),
            vec![s(
                "spec.containers[0].restartPolicy: Forbidden: may not be set for non-init containers",
            )],
        ),
        (
            "init container restartPolicy",
            with(&[
                ("/spec/initContainers", json!([container("init")])),
                ("/spec/initContainers/0/restartPolicy", json!("OnFailure")),
            ]),
            vec![s(
                "spec.initContainers[0].restartPolicy: Unsupported value: \"OnFailure\": supported values: \"Always\"",
            )],
        ),
        (
            "probe on a plain init container",
            with(&[
                ("/spec/initContainers", json!([container("init")])),
                (
                    "/spec/initContainers/0/livenessProbe",
                    probe(json!({"tcpSocket": {"port": 80}})),
                ),
            ]),
            vec![s(
                "spec.initContainers[0].livenessProbe: Forbidden: may not be set for init containers without restartPolicy=Always",
            )],
        ),
        (
            "sidecar init container may have probes",
            with(&[
                ("/spec/initContainers", json!([container("sidecar")])),
                ("/spec/initContainers/0/restartPolicy", json!("Always")),
                (
                    "/spec/initContainers/0/livenessProbe",
                    probe(json!({"tcpSocket": {"port": 80}})),
                ),
            ]),
            vec![],
        ),
    ]);
}

#[test]
fn ports_and_environment() {
    let mut other = container("other");
    other["ports"] = json!([{"containerPort": 81, "hostPort": 8080, "protocol": "TCP"}]);
    check(vec![
        (
            "containerPort 0",
            with(&[("/spec/containers/0/ports/0/containerPort", json!(0))]),
            vec![s(
                "spec.containers[0].ports[0].containerPort: Required value",
            )],
        ),
        (
            "containerPort out of range",
            with(&[("/spec/containers/0/ports/0/containerPort", json!(70000))]),
            vec![s(
                "spec.containers[0].ports[0].containerPort: Invalid value: 70000: must be between 1 and 65535, inclusive",
            )],
        ),
        (
            "port name",
            with(&[("/spec/containers/0/ports/0/name", json!("web--x"))]),
            vec![s(
                "spec.containers[0].ports[0].name: Invalid value: \"web--x\": must not contain consecutive hyphens",
            )],
        ),
        (
            "duplicate port name",
            with(&[
                ("/spec/containers/0/ports/0/name", json!("http")),
                (
                    "/spec/containers/0/ports/1",
                    json!({"containerPort": 81, "protocol": "TCP", "name": "http"}),
                ),
            ]),
            vec![s(
                "spec.containers[0].ports[1].name: Duplicate value: \"http\"",
            )],
        ),
        (
            "protocol",
            with(&[("/spec/containers/0/ports/0/protocol", json!("ICMP"))]),
            vec![s(
                "spec.containers[0].ports[0].protocol: Unsupported value: \"ICMP\": supported values: \"SCTP\", \"TCP\", \"UDP\"",
            )],
        ),
        (
            "host port clash across containers",
            with(&[
                ("/spec/containers/0/ports/0/hostPort", json!(8080)),
                ("/spec/containers/1", other),
            ]),
            vec![s(
                "spec.containers[1].ports[0].hostPort: Duplicate value: \"TCP//8080\"",
            )],
        ),
        (
            "hostNetwork needs hostPort == containerPort",
            with(&[
                ("/spec/hostNetwork", json!(true)),
                ("/spec/containers/0/ports/0/hostPort", json!(8080)),
            ]),
            vec![s(
                "spec.containers[0].ports[0].hostPort: Invalid value: 8080: must match `containerPort` when `hostNetwork` is true",
            )],
        ),
        (
            "env name",
            with(&[(
                "/spec/containers/0/env",
                json!([{"name": "A=B", "value": "x"}]),
            )]),
            vec![s(
                "spec.containers[0].env[0].name: Invalid value: \"A=B\": a valid environment variable name must consist only of printable ASCII characters other than '='",
            )],
        ),
        (
            "relaxed env names allow dots and dashes",
            with(&[(
                "/spec/containers/0/env",
                json!([{"name": "my.var-1", "value": "x"}]),
            )]),
            vec![],
        ),
        (
            "valueFrom without a source",
            with(&[(
                "/spec/containers/0/env",
                json!([{"name": "A", "valueFrom": {}}]),
            )]),
            vec![s(
                "spec.containers[0].env[0].valueFrom: Invalid value: \"\": must specify one of: `fieldRef`, `resourceFieldRef`, `configMapKeyRef` or `secretKeyRef`",
            )],
        ),
        (
            "valueFrom with two sources",
            with(&[(
                "/spec/containers/0/env",
                json!([{"name": "A", "valueFrom": {
                "configMapKeyRef": {"name": "cfg", "key": "k"}, "secretKeyRef": {"name": "sec", "key": "k"}}}]),
            )]),
            vec![s(
                "spec.containers[0].env[0].valueFrom: Invalid value: \"\": may not have more than one field specified at a time",
            )],
        ),
        (
            "valueFrom with value",
            with(&[(
                "/spec/containers/0/env",
                json!([{"name": "A", "value": "x", "valueFrom": {"secretKeyRef": {"name": "sec", "key": "k"}}}]),
            )]),
            vec![s(
                "spec.containers[0].env[0].valueFrom: Invalid value: \"\": may not be specified when `value` is not empty",
            )],
        ),
        (
            "fieldRef outside the env list",
            with(&[(
                "/spec/containers/0/env",
                json!([{"name": "A", "valueFrom": {"fieldRef": {"apiVersion": "v1", "fieldPath": "spec.restartPolicy"}}}]),
            )]),
            vec![s(
                "spec.containers[0].env[0].valueFrom.fieldRef.fieldPath: Unsupported value: \"spec.restartPolicy\": supported values: \"metadata.name\", \"metadata.namespace\", \"metadata.uid\", \"spec.nodeName\", \"spec.serviceAccountName\", \"status.hostIP\", \"status.hostIPs\", \"status.podIP\", \"status.podIPs\"",
            )],
        ),
        (
            "fieldRef with a label subscript",
            with(&[(
                "/spec/containers/0/env",
                json!([{"name": "A", "valueFrom": {"fieldRef": {"apiVersion": "v1", "fieldPath": "metadata.labels['app']"}}}]),
            )]),
            vec![],
        ),
        (
            "fieldRef label not convertible",
            with(&[(
                "/spec/containers/0/env",
                json!([{"name": "A", "valueFrom": {"fieldRef": {"apiVersion": "v1", "fieldPath": "spec.foo"}}}]),
            )]),
            vec![s(
                "spec.containers[0].env[0].valueFrom.fieldRef.fieldPath: Invalid value: \"spec.foo\": error converting fieldPath: field label not supported: spec.foo",
            )],
        ),
        (
            "envFrom without a source",
            with(&[("/spec/containers/0/envFrom", json!([{"prefix": "X_"}]))]),
            vec![s(
                "spec.containers[0].envFrom: Invalid value: \"\": must specify one of: `configMapRef` or `secretRef`",
            )],
        ),
    ]);
}

#[test]
fn volumes_and_mounts() {
    let empty_dir = |name: &str| json!({"name": name, "emptyDir": {}});
    let mount = |name: &str, path: &str| json!({"name": name, "mountPath": path});
    check(vec![
        (
            "duplicate volume",
            with(&[(
                "/spec/volumes",
                json!([empty_dir("data"), empty_dir("data")]),
            )]),
            vec![s("spec.volumes[1].name: Duplicate value: \"data\"")],
        ),
        (
            "bad volume name",
            with(&[("/spec/volumes", json!([empty_dir("Data")]))]),
            vec![format!(
                "spec.volumes[0].name: Invalid value: \"Data\": {LABEL_MSG}"
            )],
        ),
        (
            "no source",
            with(&[("/spec/volumes", json!([{"name": "data"}]))]),
            vec![s(
                "spec.volumes[0]: Required value: must specify a volume type",
            )],
        ),
        (
            "two sources",
            with(&[(
                "/spec/volumes",
                json!([{"name": "data", "emptyDir": {}, "hostPath": {"path": "/srv", "type": ""}}]),
            )]),
            vec![s(
                "spec.volumes[0].hostPath: Forbidden: may not specify more than 1 volume type",
            )],
        ),
        (
            "pvc without claimName",
            with(&[(
                "/spec/volumes",
                json!([{"name": "data", "persistentVolumeClaim": {}}]),
            )]),
            vec![s(
                "spec.volumes[0].persistentVolumeClaim.claimName: Required value",
            )],
        ),
        (
            "secret without secretName",
            with(&[(
                "/spec/volumes",
                json!([{"name": "sec", "secret": {"defaultMode": 420}}]),
            )]),
            vec![s("spec.volumes[0].secret.secretName: Required value")],
        ),
        (
            "configMap items and modes",
            with(&[(
                "/spec/volumes",
                json!([{"name": "cfg", "configMap": {"name": "cfg", "defaultMode": 1000,
                "items": [{"key": "a", "path": "../x"}, {"key": "", "path": "/abs"}]}}]),
            )]),
            vec![
                s(
                    "spec.volumes[0].configMap.defaultMode: Invalid value: 1000: must be a number between 0 and 0777 (octal), both inclusive",
                ),
                s(
                    "spec.volumes[0].configMap.items[0].path: Invalid value: \"../x\": must not contain '..'",
                ),
                s("spec.volumes[0].configMap.items[1].key: Required value"),
                s(
                    "spec.volumes[0].configMap.items[1].path: Invalid value: \"/abs\": must be a relative path",
                ),
            ],
        ),
        (
            "hostPath type",
            with(&[(
                "/spec/volumes",
                json!([{"name": "h", "hostPath": {"path": "/srv", "type": "Weird"}}]),
            )]),
            vec![s(
                "spec.volumes[0].hostPath.type: Unsupported value: \"Weird\": supported values: \"\", \"BlockDevice\", \"CharDevice\", \"Directory\", \"DirectoryOrCreate\", \"File\", \"FileOrCreate\", \"Socket\"",
            )],
        ),
        (
            "emptyDir size limit",
            with(&[(
                "/spec/volumes",
                json!([{"name": "d", "emptyDir": {"sizeLimit": "-1Gi"}}]),
            )]),
            vec![s(
                "spec.volumes[0].emptyDir.sizeLimit: Forbidden: SizeLimit field must be a valid resource quantity",
            )],
        ),
        (
            "projected token needs a service account",
            with(&[
                ("/spec/serviceAccountName", Value::Null),
                (
                    "/spec/volumes",
                    json!([{"name": "tok", "projected": {"defaultMode": 420, "sources": [
                    {"serviceAccountToken": {"path": "token", "expirationSeconds": 3600}}]}}]),
                ),
            ]),
            vec![s(
                "spec.volumes[0].projected.sources[0].serviceAccountToken: Forbidden: must not be specified when serviceAccountName is not set",
            )],
        ),
        (
            "ephemeral claim template needs access modes",
            with(&[(
                "/spec/volumes",
                json!([{"name": "scratch", "ephemeral": {"volumeClaimTemplate": {"spec": {
                "resources": {"requests": {"storage": "1Gi"}}, "volumeMode": "Filesystem"}}}}]),
            )]),
            vec![s(
                "spec.volumes[0].ephemeral.volumeClaimTemplate.spec.accessModes: Required value: at least 1 access mode is required",
            )],
        ),
        (
            "mount of an unknown volume",
            with(&[(
                "/spec/containers/0/volumeMounts",
                json!([mount("missing", "/data")]),
            )]),
            vec![s(
                "spec.containers[0].volumeMounts[0].name: Not found: \"missing\"",
            )],
        ),
        (
            "mount of an invalid volume",
            with(&[
                (
                    "/spec/volumes",
                    json!([{"name": "data", "persistentVolumeClaim": {}}]),
                ),
                (
                    "/spec/containers/0/volumeMounts",
                    json!([mount("data", "/data")]),
                ),
            ]),
            vec![
                s("spec.volumes[0].persistentVolumeClaim.claimName: Required value"),
                s("spec.containers[0].volumeMounts[0].name: Not found: \"data\""),
            ],
        ),
        (
            "mount path required and unique",
            with(&[
                ("/spec/volumes", json!([empty_dir("a"), empty_dir("b")])),
                (
                    "/spec/containers/0/volumeMounts",
                    json!([mount("a", "/data"), mount("b", "/data"), mount("a", "")]),
                ),
            ]),
            vec![
                s(
                    "spec.containers[0].volumeMounts[1].mountPath: Invalid value: \"/data\": must be unique",
                ),
                s("spec.containers[0].volumeMounts[2].mountPath: Required value"),
            ],
        ),
        (
            "subPath rules (reported without the mount index)",
            with(&[
                ("/spec/volumes", json!([empty_dir("a")])),
                (
                    "/spec/containers/0/volumeMounts",
                    json!([
                    {"name": "a", "mountPath": "/x", "subPath": "../etc"},
                    {"name": "a", "mountPath": "/y", "subPath": "/etc"},
                    {"name": "a", "mountPath": "/z", "subPath": "s", "subPathExpr": "$(POD)"}]),
                ),
            ]),
            vec![
                s(
                    "spec.containers[0].volumeMounts.subPath: Invalid value: \"../etc\": must not contain '..'",
                ),
                s(
                    "spec.containers[0].volumeMounts.subPath: Invalid value: \"/etc\": must be a relative path",
                ),
                s(
                    "spec.containers[0].volumeMounts[2].subPathExpr: Invalid value: \"$(POD)\": subPathExpr and subPath are mutually exclusive",
                ),
            ],
        ),
    ]);
}

#[test]
fn resources() {
    check(vec![
        (
            "request above limit",
            with(&[(
                "/spec/containers/0/resources",
                json!({"limits": {"cpu": "1"}, "requests": {"cpu": "2"}}),
            )]),
            vec![s(
                "spec.containers[0].resources.requests: Invalid value: \"2\": must be less than or equal to cpu limit of 1",
            )],
        ),
        (
            "quantities print canonically",
            with(&[(
                "/spec/containers/0/resources",
                json!({"limits": {"memory": "1Gi"}, "requests": {"memory": "2048Mi"}}),
            )]),
            vec![s(
                "spec.containers[0].resources.requests: Invalid value: \"2Gi\": must be less than or equal to memory limit of 1Gi",
            )],
        ),
        (
            "negative quantity (limits copied into requests)",
            with(&[(
                "/spec/containers/0/resources",
                json!({"limits": {"memory": "-1Gi"}, "requests": {"memory": "-1Gi"}}),
            )]),
            vec![
                s(
                    "spec.containers[0].resources.limits[memory]: Invalid value: \"-1Gi\": must be greater than or equal to 0",
                ),
                s(
                    "spec.containers[0].resources.requests[memory]: Invalid value: \"-1Gi\": must be greater than or equal to 0",
                ),
            ],
        ),
        (
            "non-standard resource name",
            with(&[(
                "/spec/containers/0/resources",
                json!({"requests": {"gpu": "1"}}),
            )]),
            vec![
                s(
                    "spec.containers[0].resources.requests[gpu]: Invalid value: \"gpu\": must be a standard resource type or fully qualified",
                ),
                s(
                    "spec.containers[0].resources.requests[gpu]: Invalid value: \"gpu\": must be a standard resource for containers",
                ),
            ],
        ),
        (
            "extended resource without a limit",
            with(&[(
                "/spec/containers/0/resources",
                json!({"requests": {"example.com/gpu": "1"}}),
            )]),
            vec![s(
                "spec.containers[0].resources.limits: Required value: Limit must be set for non overcommitable resources",
            )],
        ),
        (
            "extended resource request must equal its limit",
            with(&[(
                "/spec/containers/0/resources",
                json!({"limits": {"example.com/gpu": "2"}, "requests": {"example.com/gpu": "1"}}),
            )]),
            vec![s(
                "spec.containers[0].resources.requests: Invalid value: \"1\": must be equal to example.com/gpu limit of 2",
            )],
        ),
        (
            "unparsable quantity",
            with(&[(
                "/spec/containers/0/resources",
                json!({"limits": {"cpu": "abc"}, "requests": {"cpu": "abc"}}),
            )]),
            vec![
                s(
                    "spec.containers[0].resources.limits[cpu]: Invalid value: \"abc\": quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'",
                ),
                s(
                    "spec.containers[0].resources.requests[cpu]: Invalid value: \"abc\": quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'",
                ),
            ],
        ),
    ]);
}

#[test]
fn probes() {
    let liveness = "/spec/containers/0/livenessProbe";
    let readiness = "/spec/containers/0/readinessProbe";
    check(vec![
        (
            "no handler",
            with(&[(liveness, probe(json!({})))]),
            vec![s(
                "spec.containers[0].livenessProbe: Required value: must specify a handler type",
            )],
        ),
        (
            "two handlers",
            with(&[(
                readiness,
                probe(
                    json!({"exec": {"command": ["true"]}, "httpGet": {"path": "/", "port": 80, "scheme": "HTTP"}}),
                ),
            )]),
            vec![s(
                "spec.containers[0].readinessProbe.httpGet: Forbidden: may not specify more than 1 handler type",
            )],
        ),
        (
            "liveness successThreshold",
            with(&[(
                liveness,
                probe(json!({"tcpSocket": {"port": 80}, "successThreshold": 2})),
            )]),
            vec![s(
                "spec.containers[0].livenessProbe.successThreshold: Invalid value: 2: must be 1",
            )],
        ),
        (
            "negative period",
            with(&[(
                readiness,
                probe(json!({"tcpSocket": {"port": "http"}, "periodSeconds": -1})),
            )]),
            vec![s(
                "spec.containers[0].readinessProbe.periodSeconds: Invalid value: -1: must be greater than or equal to 0",
            )],
        ),
        (
            "httpGet rules",
            with(&[(
                liveness,
                probe(json!({"httpGet": {"path": "", "port": 0, "scheme": "FTP"}})),
            )]),
            vec![
                s("spec.containers[0].livenessProbe.httpGet.path: Required value"),
                s(
                    "spec.containers[0].livenessProbe.httpGet.port: Invalid value: 0: must be between 1 and 65535, inclusive",
                ),
                s(
                    "spec.containers[0].livenessProbe.httpGet.scheme: Unsupported value: \"FTP\": supported values: \"HTTP\", \"HTTPS\"",
                ),
            ],
        ),
        (
            "exec without command",
            with(&[(liveness, probe(json!({"exec": {}})))]),
            vec![s(
                "spec.containers[0].livenessProbe.exec.command: Required value",
            )],
        ),
        (
            "readiness probe grace period",
            with(&[(
                readiness,
                probe(json!({"tcpSocket": {"port": 80}, "terminationGracePeriodSeconds": 10})),
            )]),
            vec![s(
                "spec.containers[0].readinessProbe.terminationGracePeriodSeconds: Invalid value: 10: must not be set for readinessProbes",
            )],
        ),
        (
            "preStop sleep longer than the grace period",
            with(&[(
                "/spec/containers/0/lifecycle",
                json!({"preStop": {"sleep": {"seconds": 60}}}),
            )]),
            vec![s(
                "spec.containers[0].lifecycle.preStop.sleep: Invalid value: 60: must be non-negative and less than terminationGracePeriodSeconds (30)",
            )],
        ),
    ]);
}

#[test]
fn pod_level_fields() {
    check(vec![
        (
            "restartPolicy",
            with(&[("/spec/restartPolicy", json!("Sometimes"))]),
            vec![s(
                "spec.restartPolicy: Unsupported value: \"Sometimes\": supported values: \"Always\", \"OnFailure\", \"Never\"",
            )],
        ),
        (
            "dnsPolicy",
            with(&[("/spec/dnsPolicy", json!("Other"))]),
            vec![s(
                "spec.dnsPolicy: Unsupported value: \"Other\": supported values: \"ClusterFirstWithHostNet\", \"ClusterFirst\", \"Default\", \"None\"",
            )],
        ),
        (
            "grace period missing",
            with(&[("/spec/terminationGracePeriodSeconds", Value::Null)]),
            vec![s("spec.terminationGracePeriodSeconds: Required value")],
        ),
        (
            "negative grace period is accepted",
            with(&[("/spec/terminationGracePeriodSeconds", json!(-5))]),
            vec![],
        ),
        (
            "hostname and subdomain",
            with(&[
                ("/spec/hostname", json!("Web_1")),
                ("/spec/subdomain", json!("a.b")),
            ]),
            vec![
                format!("spec.hostname: Invalid value: \"Web_1\": {LABEL_MSG}"),
                s("spec.subdomain: Invalid value: \"a.b\": must not contain dots"),
            ],
        ),
        (
            "nodeSelector",
            with(&[("/spec/nodeSelector", json!({"bad key": "x"}))]),
            vec![format!(
                "spec.nodeSelector: Invalid value: \"bad key\": {NAME_PART_MSG}"
            )],
        ),
        (
            "service account name",
            with(&[("/spec/serviceAccountName", json!("Bad_SA"))]),
            vec![format!(
                "spec.serviceAccountName: Invalid value: \"Bad_SA\": {SUBDOMAIN_MSG}"
            )],
        ),
        (
            "activeDeadlineSeconds",
            with(&[("/spec/activeDeadlineSeconds", json!(0))]),
            vec![s(
                "spec.activeDeadlineSeconds: Invalid value: 0: must be between 1 and 2147483647, inclusive",
            )],
        ),
        (
            "dnsPolicy None needs a config",
            with(&[("/spec/dnsPolicy", json!("None"))]),
            vec![s(
                "spec.dnsConfig: Required value: must provide `dnsConfig` when `dnsPolicy` is None",
            )],
        ),
        (
            "tolerations",
            with(&[(
                "/spec/tolerations",
                json!([
                    {"operator": "Equal", "value": "x"},
                    {"key": "k", "operator": "Equal", "effect": "NoSchedule", "tolerationSeconds": 5},
                    {"key": "k", "operator": "In"},
                    {"key": "k", "operator": "Exists", "value": "x"}
                ]),
            )]),
            vec![
                s(
                    "spec.tolerations[0].operator: Invalid value: \"Equal\": operator must be Exists when `key` is empty, which means \"match all values and all keys\"",
                ),
                s(
                    "spec.tolerations[1].effect: Invalid value: \"NoSchedule\": effect must be 'NoExecute' when `tolerationSeconds` is set",
                ),
                s(
                    "spec.tolerations[2].operator: Unsupported value: \"In\": supported values: \"Equal\", \"Exists\"",
                ),
                s(
                    "spec.tolerations[3].operator: Invalid value: \"x\": value must be empty when `operator` is 'Exists'",
                ),
            ],
        ),
        (
            "ephemeral containers on create",
            with(&[(
                "/spec/ephemeralContainers",
                json!([{"name": "debug", "image": "busybox", "imagePullPolicy": "Always", "terminationMessagePolicy": "File"}]),
            )]),
            vec![s(
                "spec.ephemeralContainers: Forbidden: cannot be set on create",
            )],
        ),
        (
            "pod name",
            with(&[("/metadata/name", json!("Web"))]),
            vec![format!(
                "metadata.name: Invalid value: \"Web\": {SUBDOMAIN_MSG}"
            )],
        ),
        (
            "deletion cost annotation",
            with(&[(
                "/metadata/annotations",
                json!({"controller.kubernetes.io/pod-deletion-cost": "abc"}),
            )]),
            vec![s(
                "metadata.annotations[controller.kubernetes.io/pod-deletion-cost]: Invalid value: \"abc\": must be a 32bit integer",
            )],
        ),
        (
            "run as user out of range",
            with(&[("/spec/securityContext/runAsUser", json!(-1))]),
            vec![s(
                "spec.securityContext.runAsUser: Invalid value: -1: must be between 0 and 2147483647, inclusive",
            )],
        ),
    ]);
}

#[test]
fn errors_carry_reasons_and_fields() {
    let errs = validate_create(
        info("", "v1", "Pod"),
        &with(&[(
            "/spec/containers/0/volumeMounts",
            json!([{"name": "x", "mountPath": "/x"}]),
        )]),
    );
    assert_eq!(
        errs[0].cause(),
        json!({"reason": "FieldValueNotFound", "message": "Not found: \"x\"", "field": "spec.containers[0].volumeMounts[0].name"})
    );
}

//! Workload validation: Deployment (§2.12), ReplicaSet (§2.13), ControllerRevision (§2.14) and
//! StatefulSet (statefulset-spec §1.3), starting from the walkthrough's manifests as defaulting
//! leaves them.

use serde_json::{Value, json};

use crate::validation::pod::test_fixtures::*;
use crate::validation::{FieldErrorKind, validate_create, validate_update};

const MATCH_MSG: &str = "`selector` does not match template `labels`";

fn s(text: &str) -> String {
    text.to_owned()
}

/// The walkthrough's PostgreSQL Deployment after defaulting.
fn deployment() -> Value {
    json!({
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"name": "postgres", "namespace": "postgres", "uid": "u1", "resourceVersion": "5", "generation": 1},
        "spec": {
            "replicas": 1,
            "selector": {"matchLabels": {"app": "postgres"}},
            "template": {
                "metadata": {"labels": {"app": "postgres"}},
                "spec": {
                    "containers": [{
                        "name": "postgres",
                        "image": "postgres:15",
                        "imagePullPolicy": "IfNotPresent",
                        "ports": [{"containerPort": 5432, "protocol": "TCP"}],
                        "envFrom": [{"configMapRef": {"name": "postgres-config"}}, {"secretRef": {"name": "postgres-secret"}}],
                        "volumeMounts": [{"mountPath": "/var/lib/postgresql/data", "name": "postgredb"}],
                        "terminationMessagePath": "/dev/termination-log",
                        "terminationMessagePolicy": "File"
                    }],
                    "volumes": [{"name": "postgredb", "persistentVolumeClaim": {"claimName": "postgres-pv-claim"}}],
                    "restartPolicy": "Always",
                    "terminationGracePeriodSeconds": 30,
                    "dnsPolicy": "ClusterFirst",
                    "securityContext": {},
                    "schedulerName": "default-scheduler"
                }
            },
            "strategy": {"type": "RollingUpdate", "rollingUpdate": {"maxUnavailable": "25%", "maxSurge": "25%"}},
            "revisionHistoryLimit": 10,
            "progressDeadlineSeconds": 600
        }
    })
}

/// The same pods under a ReplicaSet.
fn replica_set() -> Value {
    let d = deployment();
    json!({
        "apiVersion": "apps/v1",
        "kind": "ReplicaSet",
        "metadata": {"name": "postgres-5d8f", "namespace": "postgres", "uid": "u2", "resourceVersion": "6", "generation": 1},
        "spec": {"replicas": 1, "selector": d["spec"]["selector"], "template": d["spec"]["template"]}
    })
}

/// The walkthrough's PostgreSQL StatefulSet after defaulting; `class` sets a storage class.
fn stateful_set(name: &str, class: Option<&str>) -> Value {
    let mut claim_spec = json!({
        "accessModes": ["ReadWriteOnce"],
        "resources": {"requests": {"storage": "1Gi"}},
        "volumeMode": "Filesystem"
    });
    if let Some(c) = class {
        claim_spec["storageClassName"] = json!(c);
    }
    json!({
        "apiVersion": "apps/v1",
        "kind": "StatefulSet",
        "metadata": {"name": name, "namespace": "postgres", "uid": "u3", "resourceVersion": "7", "generation": 1},
        "spec": {
            "serviceName": "postgres",
            "replicas": 1,
            "selector": {"matchLabels": {"app": name}},
            "template": {
                "metadata": {"labels": {"app": name}},
                "spec": {
                    "terminationGracePeriodSeconds": 30,
                    "containers": [{
                        "name": "postgres",
                        "image": "postgres:15",
                        "imagePullPolicy": "IfNotPresent",
                        "ports": [{"containerPort": 5432, "name": "postgredb", "protocol": "TCP"}],
                        "envFrom": [{"configMapRef": {"name": "postgres-config"}}, {"secretRef": {"name": "postgres-secret"}}],
                        "env": [{"name": "PGDATA", "value": "/var/lib/postgresql/data/pgdata"}],
                        "readinessProbe": probe(json!({"exec": {"command": ["sh", "-c", "pg_isready -U \"$POSTGRES_USER\" -d \"$POSTGRES_DB\""]}})),
                        "livenessProbe": probe(json!({"tcpSocket": {"port": 5432}, "initialDelaySeconds": 10})),
                        "volumeMounts": [{"name": "postgredb-volume", "mountPath": "/var/lib/postgresql/data"}],
                        "terminationMessagePath": "/dev/termination-log",
                        "terminationMessagePolicy": "File"
                    }],
                    "restartPolicy": "Always",
                    "dnsPolicy": "ClusterFirst",
                    "securityContext": {},
                    "schedulerName": "default-scheduler"
                }
            },
            "volumeClaimTemplates": [{
                "apiVersion": "v1",
                "kind": "PersistentVolumeClaim",
                "metadata": {"name": "postgredb-volume"},
                "spec": claim_spec,
                "status": {"phase": "Pending"}
            }],
            "podManagementPolicy": "OrderedReady",
            "updateStrategy": {"type": "RollingUpdate", "rollingUpdate": {"partition": 0}},
            "revisionHistoryLimit": 10,
            "persistentVolumeClaimRetentionPolicy": {"whenDeleted": "Retain", "whenScaled": "Retain"}
        }
    })
}

fn revision() -> Value {
    json!({
        "apiVersion": "apps/v1",
        "kind": "ControllerRevision",
        "metadata": {"name": "postgres-7d9c6b5f4", "namespace": "postgres", "uid": "u4", "resourceVersion": "8"},
        "data": {"spec": {"template": {"$patch": "replace"}}},
        "revision": 1
    })
}

fn create_lines(kind: &str, obj: &Value) -> Vec<String> {
    lines(&validate_create(info("apps", "v1", kind), obj))
}

fn update_lines(kind: &str, new: &Value, old: &Value) -> Vec<String> {
    lines(&validate_update(info("apps", "v1", kind), new, old))
}

#[test]
fn seeds_validate_clean() {
    assert_eq!(
        create_lines("Deployment", &deployment()),
        Vec::<String>::new()
    );
    assert_eq!(
        create_lines("ReplicaSet", &replica_set()),
        Vec::<String>::new()
    );
    assert_eq!(
        create_lines("StatefulSet", &stateful_set("postgres", None)),
        Vec::<String>::new()
    );
    assert_eq!(
        create_lines(
            "StatefulSet",
            &stateful_set("postgres-cloud", Some("do-block-storage"))
        ),
        Vec::<String>::new()
    );
    assert_eq!(
        create_lines("ControllerRevision", &revision()),
        Vec::<String>::new()
    );
}

#[test]
fn deployment_create() {
    let base = deployment();
    let with = |edits: &[(&str, Value)]| edited(&base, edits);
    let cases: Vec<(&str, Value, Vec<String>)> = vec![
        (
            "replicas",
            with(&[("/spec/replicas", json!(-1))]),
            vec![s(
                "spec.replicas: Invalid value: -1: must be greater than or equal to 0",
            )],
        ),
        (
            "empty selector",
            with(&[("/spec/selector", json!({}))]),
            vec![s(
                "spec.selector: Invalid value: v1.LabelSelector{MatchLabels:map[string]string(nil), MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: empty selector is invalid for deployment",
            )],
        ),
        (
            "missing selector selects nothing",
            with(&[("/spec/selector", Value::Null)]),
            vec![
                s("spec.selector: Required value"),
                format!(
                    "spec.template.metadata.labels: Invalid value: map[string]string{{\"app\":\"postgres\"}}: {MATCH_MSG}"
                ),
            ],
        ),
        (
            "template labels do not match",
            with(&[("/spec/template/metadata/labels", json!({"app": "other"}))]),
            vec![format!(
                "spec.template.metadata.labels: Invalid value: map[string]string{{\"app\":\"other\"}}: {MATCH_MSG}"
            )],
        ),
        (
            "selector expression without values",
            with(&[(
                "/spec/selector/matchExpressions",
                json!([{"key": "tier", "operator": "In"}]),
            )]),
            vec![
                s(
                    "spec.selector.matchExpressions[0].values: Required value: must be specified when `operator` is 'In' or 'NotIn'",
                ),
                s(
                    "spec.selector: Invalid value: v1.LabelSelector{MatchLabels:map[string]string{\"app\":\"postgres\"}, MatchExpressions:[]v1.LabelSelectorRequirement{v1.LabelSelectorRequirement{Key:\"tier\", Operator:\"In\", Values:[]string(nil)}}}: invalid label selector",
                ),
            ],
        ),
        (
            "restartPolicy",
            with(&[("/spec/template/spec/restartPolicy", json!("Never"))]),
            vec![s(
                "spec.template.spec.restartPolicy: Unsupported value: \"Never\": supported values: \"Always\"",
            )],
        ),
        (
            "activeDeadlineSeconds",
            with(&[("/spec/template/spec/activeDeadlineSeconds", json!(60))]),
            vec![s(
                "spec.template.spec.activeDeadlineSeconds: Forbidden: activeDeadlineSeconds in ReplicaSet is not Supported",
            )],
        ),
        (
            "template image",
            with(&[("/spec/template/spec/containers/0/image", json!(""))]),
            vec![s("spec.template.spec.containers[0].image: Required value")],
        ),
        (
            "template image whitespace is a pod-only rule",
            with(&[(
                "/spec/template/spec/containers/0/image",
                json!(" postgres:15"),
            )]),
            vec![],
        ),
        (
            "template labels are checked at spec.template.labels",
            with(&[("/spec/template/metadata/labels/bad key", json!("x"))]),
            vec![format!(
                "spec.template.labels: Invalid value: \"bad key\": {NAME_PART_MSG}"
            )],
        ),
        (
            "both zero",
            with(&[(
                "/spec/strategy/rollingUpdate",
                json!({"maxUnavailable": 0, "maxSurge": 0}),
            )]),
            vec![s(
                "spec.strategy.rollingUpdate.maxUnavailable: Invalid value: intstr.IntOrString{Type:0, IntVal:0, StrVal:\"\"}: may not be 0 when `maxSurge` is 0",
            )],
        ),
        (
            "both zero percent",
            with(&[(
                "/spec/strategy/rollingUpdate",
                json!({"maxUnavailable": "0%", "maxSurge": 0}),
            )]),
            vec![s(
                "spec.strategy.rollingUpdate.maxUnavailable: Invalid value: intstr.IntOrString{Type:1, IntVal:0, StrVal:\"0%\"}: may not be 0 when `maxSurge` is 0",
            )],
        ),
        (
            "over 100%",
            with(&[("/spec/strategy/rollingUpdate/maxUnavailable", json!("150%"))]),
            vec![s(
                "spec.strategy.rollingUpdate.maxUnavailable: Invalid value: intstr.IntOrString{Type:1, IntVal:0, StrVal:\"150%\"}: must not be greater than 100%",
            )],
        ),
        (
            "not a percent",
            with(&[("/spec/strategy/rollingUpdate/maxSurge", json!("abc"))]),
            vec![format!(
                "spec.strategy.rollingUpdate.maxSurge: Invalid value: intstr.IntOrString{{Type:1, IntVal:0, StrVal:\"abc\"}}: {PERCENT_MSG}"
            )],
        ),
        (
            "negative",
            with(&[("/spec/strategy/rollingUpdate/maxUnavailable", json!(-1))]),
            vec![s(
                "spec.strategy.rollingUpdate.maxUnavailable: Invalid value: -1: must be greater than or equal to 0",
            )],
        ),
        (
            "Recreate with rollingUpdate",
            with(&[("/spec/strategy/type", json!("Recreate"))]),
            vec![s(
                "spec.strategy.rollingUpdate: Forbidden: may not be specified when strategy `type` is 'Recreate'",
            )],
        ),
        (
            "RollingUpdate without rollingUpdate",
            with(&[("/spec/strategy/rollingUpdate", Value::Null)]),
            vec![s(
                "spec.strategy.rollingUpdate: Required value: this should be defaulted and never be nil",
            )],
        ),
        (
            "progress deadline",
            with(&[
                ("/spec/progressDeadlineSeconds", json!(10)),
                ("/spec/minReadySeconds", json!(10)),
            ]),
            vec![s(
                "spec.progressDeadlineSeconds: Invalid value: 10: must be greater than minReadySeconds",
            )],
        ),
        (
            "revisionHistoryLimit",
            with(&[("/spec/revisionHistoryLimit", json!(-1))]),
            vec![s(
                "spec.revisionHistoryLimit: Invalid value: -1: must be greater than or equal to 0",
            )],
        ),
    ];
    for (name, obj, want) in cases {
        assert_eq!(create_lines("Deployment", &obj), want, "case {name}");
    }
    let errs = validate_create(
        info("apps", "v1", "Deployment"),
        &with(&[("/spec/strategy/type", json!("Canary"))]),
    );
    assert_eq!(errs.len(), 1);
    assert_eq!(
        (errs[0].kind, errs[0].field.as_str()),
        (FieldErrorKind::NotSupported, "spec.strategy")
    );
    assert_eq!(
        errs[0].detail,
        "supported values: \"Recreate\", \"RollingUpdate\""
    );
}

#[test]
fn deployment_and_replica_set_update() {
    let old = deployment();
    let scaled = edited(
        &old,
        &[
            ("/spec/replicas", json!(3)),
            (
                "/spec/template/spec/containers/0/image",
                json!("postgres:16"),
            ),
        ],
    );
    assert_eq!(
        update_lines("Deployment", &scaled, &old),
        Vec::<String>::new()
    );
    let reselected = edited(
        &old,
        &[
            ("/spec/selector/matchLabels/app", json!("other")),
            ("/spec/template/metadata/labels/app", json!("other")),
        ],
    );
    assert_eq!(
        update_lines("Deployment", &reselected, &old),
        vec![s(
            "spec.selector: Invalid value: v1.LabelSelector{MatchLabels:map[string]string{\"app\":\"other\"}, MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: field is immutable"
        )]
    );
    let rs = replica_set();
    assert_eq!(
        update_lines(
            "ReplicaSet",
            &edited(&rs, &[("/spec/replicas", json!(2))]),
            &rs
        ),
        Vec::<String>::new()
    );
    // The ReplicaSet strategy runs create and update validation: spec errors come twice.
    assert_eq!(
        update_lines(
            "ReplicaSet",
            &edited(&rs, &[("/spec/replicas", json!(-1))]),
            &rs
        ),
        vec![
            s("spec.replicas: Invalid value: -1: must be greater than or equal to 0"),
            s("spec.replicas: Invalid value: -1: must be greater than or equal to 0"),
        ]
    );
    assert_eq!(
        create_lines(
            "ReplicaSet",
            &edited(&rs, &[("/spec/selector", json!({"matchLabels": {}}))])
        ),
        vec![s(
            "spec.selector: Invalid value: v1.LabelSelector{MatchLabels:map[string]string{}, MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: empty selector is invalid for deployment"
        )]
    );
}

#[test]
fn stateful_set_create() {
    let base = stateful_set("postgres", None);
    let with = |edits: &[(&str, Value)]| edited(&base, edits);
    let cases: Vec<(&str, Value, Vec<String>)> = vec![
        (
            "name must be a DNS label",
            with(&[("/metadata/name", json!("pg.main"))]),
            vec![s(
                "metadata.name: Invalid value: \"pg.main\": must not contain dots",
            )],
        ),
        (
            "podManagementPolicy",
            with(&[("/spec/podManagementPolicy", json!("Random"))]),
            vec![s(
                "spec.podManagementPolicy: Invalid value: \"Random\": must be 'OrderedReady' or 'Parallel'",
            )],
        ),
        (
            "updateStrategy type",
            with(&[("/spec/updateStrategy/type", json!(""))]),
            vec![s("spec.updateStrategy: Required value")],
        ),
        (
            "OnDelete with rollingUpdate",
            with(&[("/spec/updateStrategy/type", json!("OnDelete"))]),
            vec![s(
                "spec.updateStrategy.rollingUpdate: Invalid value: apps.RollingUpdateStatefulSetStrategy{Partition:0, MaxUnavailable:(*intstr.IntOrString)(nil)}: only allowed for updateStrategy 'RollingUpdate'",
            )],
        ),
        (
            "partition",
            with(&[("/spec/updateStrategy/rollingUpdate/partition", json!(-1))]),
            vec![s(
                "spec.updateStrategy.rollingUpdate.partition: Invalid value: -1: must be greater than or equal to 0",
            )],
        ),
        (
            "maxUnavailable is dropped while the gate is off",
            with(&[(
                "/spec/updateStrategy/rollingUpdate/maxUnavailable",
                json!(0),
            )]),
            vec![],
        ),
        (
            "retention policy",
            with(&[(
                "/spec/persistentVolumeClaimRetentionPolicy/whenDeleted",
                json!("Keep"),
            )]),
            vec![s(
                "spec.persistentVolumeClaimRetentionPolicy.whenDeleted: Unsupported value: \"Keep\": supported values: \"Retain\", \"Delete\"",
            )],
        ),
        (
            "negative counts",
            with(&[
                ("/spec/replicas", json!(-1)),
                ("/spec/minReadySeconds", json!(-1)),
                ("/spec/ordinals", json!({"start": -1})),
            ]),
            vec![
                s("spec.replicas: Invalid value: -1: must be greater than or equal to 0"),
                s("spec.minReadySeconds: Invalid value: -1: must be greater than or equal to 0"),
                s("spec.ordinals.start: Invalid value: -1: must be greater than or equal to 0"),
            ],
        ),
        (
            "serviceName",
            with(&[("/spec/serviceName", json!("Postgres_DB"))]),
            vec![format!(
                "spec.serviceName: Invalid value: \"Postgres_DB\": {LABEL_MSG}"
            )],
        ),
        (
            "serviceName is optional",
            with(&[("/spec/serviceName", Value::Null)]),
            vec![],
        ),
        (
            "missing selector",
            with(&[("/spec/selector", Value::Null)]),
            vec![
                s("spec.selector: Required value"),
                format!(
                    "spec.template.metadata.labels: Invalid value: map[string]string{{\"app\":\"postgres\"}}: {MATCH_MSG}"
                ),
            ],
        ),
        (
            "empty selector",
            with(&[("/spec/selector", json!({"matchLabels": {}}))]),
            vec![s(
                "spec.selector: Invalid value: v1.LabelSelector{MatchLabels:map[string]string{}, MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: empty selector is invalid for statefulset",
            )],
        ),
        (
            "template labels do not match",
            with(&[("/spec/template/metadata/labels", json!({"app": "pg"}))]),
            vec![format!(
                "spec.template.metadata.labels: Invalid value: map[string]string{{\"app\":\"pg\"}}: {MATCH_MSG}"
            )],
        ),
        (
            "restartPolicy",
            with(&[("/spec/template/spec/restartPolicy", json!("OnFailure"))]),
            vec![s(
                "spec.template.spec.restartPolicy: Unsupported value: \"OnFailure\": supported values: \"Always\"",
            )],
        ),
        (
            "activeDeadlineSeconds",
            with(&[("/spec/template/spec/activeDeadlineSeconds", json!(60))]),
            vec![s(
                "spec.template.spec.activeDeadlineSeconds: Forbidden: activeDeadlineSeconds in StatefulSet is not Supported",
            )],
        ),
        (
            "mount of an unknown volume",
            with(&[(
                "/spec/template/spec/containers/0/volumeMounts/0/name",
                json!("nope"),
            )]),
            vec![s(
                "spec.template.spec.containers[0].volumeMounts[0].name: Not found: \"nope\"",
            )],
        ),
        (
            "hostname and subdomain belong to the controller",
            with(&[("/spec/template/spec/hostname", json!("Not_A_Label"))]),
            vec![],
        ),
        (
            "claim template without storage",
            with(&[("/spec/volumeClaimTemplates/0/spec/resources", json!({}))]),
            vec![s(
                "spec.volumeClaimTemplates[0].spec.resources[storage]: Required value",
            )],
        ),
        (
            "claim template without access modes",
            with(&[("/spec/volumeClaimTemplates/0/spec/accessModes", Value::Null)]),
            vec![s(
                "spec.volumeClaimTemplates[0].spec.accessModes: Required value: at least 1 access mode is required",
            )],
        ),
        (
            "claim template with zero storage",
            with(&[(
                "/spec/volumeClaimTemplates/0/spec/resources/requests/storage",
                json!("0"),
            )]),
            vec![s(
                "spec.volumeClaimTemplates[0].spec.resources[storage]: Invalid value: \"0\": must be greater than zero",
            )],
        ),
        (
            "claim template access mode",
            with(&[(
                "/spec/volumeClaimTemplates/0/spec/accessModes",
                json!(["ReadWriteSometimes"]),
            )]),
            vec![s(
                "spec.volumeClaimTemplates[0].spec.accessModes: Unsupported value: \"ReadWriteSometimes\": supported values: \"ReadOnlyMany\", \"ReadWriteMany\", \"ReadWriteOnce\", \"ReadWriteOncePod\"",
            )],
        ),
    ];
    for (name, obj, want) in cases {
        assert_eq!(create_lines("StatefulSet", &obj), want, "case {name}");
    }
}

#[test]
fn stateful_set_update() {
    let old = stateful_set("postgres", None);
    let immutable = format!(
        "spec: Forbidden: {}",
        super::STATEFULSET_IMMUTABLE_SPEC_MESSAGE
    );
    let cases: Vec<(&str, Value, Value, Vec<String>)> = vec![
        (
            "mutable fields",
            edited(
                &old,
                &[
                    ("/spec/replicas", json!(3)),
                    (
                        "/spec/template/spec/containers/0/args",
                        json!(["-c", "max_connections=200"]),
                    ),
                    ("/spec/updateStrategy", json!({"type": "OnDelete"})),
                    ("/spec/minReadySeconds", json!(5)),
                    ("/spec/ordinals", json!({"start": 1})),
                    ("/spec/revisionHistoryLimit", json!(3)),
                    (
                        "/spec/persistentVolumeClaimRetentionPolicy/whenScaled",
                        json!("Delete"),
                    ),
                ],
            ),
            old.clone(),
            vec![],
        ),
        (
            "serviceName",
            edited(&old, &[("/spec/serviceName", json!("pg"))]),
            old.clone(),
            vec![immutable.clone()],
        ),
        (
            "podManagementPolicy",
            edited(&old, &[("/spec/podManagementPolicy", json!("Parallel"))]),
            old.clone(),
            vec![immutable.clone()],
        ),
        (
            "claim templates",
            edited(
                &old,
                &[(
                    "/spec/volumeClaimTemplates/0/spec/resources/requests/storage",
                    json!("2Gi"),
                )],
            ),
            old.clone(),
            vec![immutable.clone()],
        ),
        (
            "selector",
            edited(
                &old,
                &[
                    ("/spec/selector/matchLabels/tier", json!("db")),
                    ("/spec/template/metadata/labels/tier", json!("db")),
                ],
            ),
            old.clone(),
            vec![immutable],
        ),
        (
            "claim template type metadata is not compared",
            edited(
                &old,
                &[
                    ("/spec/volumeClaimTemplates/0/apiVersion", Value::Null),
                    ("/spec/volumeClaimTemplates/0/kind", Value::Null),
                ],
            ),
            old.clone(),
            vec![],
        ),
        (
            "a stored invalid serviceName does not block updates",
            edited(
                &old,
                &[
                    ("/spec/serviceName", json!("Bad_Name")),
                    ("/spec/replicas", json!(2)),
                ],
            ),
            edited(&old, &[("/spec/serviceName", json!("Bad_Name"))]),
            vec![],
        ),
        (
            "a stored invalid template is not re-checked",
            edited(
                &old,
                &[
                    ("/spec/template/spec/containers/0/image", json!("")),
                    ("/spec/replicas", json!(2)),
                ],
            ),
            edited(
                &old,
                &[("/spec/template/spec/containers/0/image", json!(""))],
            ),
            vec![],
        ),
        (
            "a valid template may not become invalid",
            edited(
                &old,
                &[("/spec/template/spec/containers/0/image", json!(""))],
            ),
            old.clone(),
            vec![s("spec.template.spec.containers[0].image: Required value")],
        ),
    ];
    for (name, new, old, want) in cases {
        assert_eq!(update_lines("StatefulSet", &new, &old), want, "case {name}");
    }
}

#[test]
fn controller_revision() {
    let base = revision();
    let cases: Vec<(&str, Value, Vec<String>)> = vec![
        (
            "negative revision",
            edited(&base, &[("/revision", json!(-1))]),
            vec![s(
                "revision: Invalid value: -1: must be greater than or equal to 0",
            )],
        ),
        (
            "missing data",
            edited(&base, &[("/data", Value::Null)]),
            vec![s("data: Required value: data is mandatory")],
        ),
        (
            "data not an object",
            edited(&base, &[("/data", json!("x"))]),
            vec![s("data: Required value: data must be a valid JSON object")],
        ),
    ];
    for (name, obj, want) in cases {
        assert_eq!(
            create_lines("ControllerRevision", &obj),
            want,
            "case {name}"
        );
    }
    assert_eq!(
        update_lines(
            "ControllerRevision",
            &edited(&base, &[("/revision", json!(2))]),
            &base
        ),
        Vec::<String>::new()
    );
    let changed = edited(&base, &[("/data", json!({}))]);
    let errs = validate_update(info("apps", "v1", "ControllerRevision"), &changed, &base);
    assert_eq!(errs.len(), 1);
    assert_eq!(
        (
            errs[0].kind,
            errs[0].field.as_str(),
            errs[0].detail.as_str()
        ),
        (FieldErrorKind::Invalid, "data", "field is immutable")
    );
    assert_eq!(
        errs[0].body(),
        "Invalid value: runtime.RawExtension{Raw:[]uint8{0x7b, 0x7d}, Object:runtime.Object(nil)}: field is immutable"
    );
}

/// The walkthrough's manifests as written, run through berth's own defaulting first.
#[test]
fn raw_seeds_validate_clean_after_defaulting() {
    let deployment = json!({
        "apiVersion": "apps/v1", "kind": "Deployment",
        "metadata": {"name": "postgres", "namespace": "postgres"},
        "spec": {
            "replicas": 1,
            "selector": {"matchLabels": {"app": "postgres"}},
            "template": {
                "metadata": {"labels": {"app": "postgres"}},
                "spec": {
                    "containers": [{
                        "name": "postgres", "image": "postgres:15", "imagePullPolicy": "IfNotPresent",
                        "ports": [{"containerPort": 5432}],
                        "envFrom": [{"configMapRef": {"name": "postgres-config"}}, {"secretRef": {"name": "postgres-secret"}}],
                        "volumeMounts": [{"mountPath": "/var/lib/postgresql/data", "name": "postgredb"}]
                    }],
                    "volumes": [{"name": "postgredb", "persistentVolumeClaim": {"claimName": "postgres-pv-claim"}}]
                }
            }
        }
    });
    let stateful_set = |name: &str, class: Option<&str>| {
        let mut claim = json!({"accessModes": ["ReadWriteOnce"], "resources": {"requests": {"storage": "1Gi"}}});
        if let Some(c) = class {
            claim["storageClassName"] = json!(c);
        }
        json!({
            "apiVersion": "apps/v1", "kind": "StatefulSet",
            "metadata": {"name": name, "namespace": "postgres"},
            "spec": {
                "serviceName": "postgres",
                "replicas": 1,
                "selector": {"matchLabels": {"app": name}},
                "template": {
                    "metadata": {"labels": {"app": name}},
                    "spec": {
                        "terminationGracePeriodSeconds": 30,
                        "containers": [{
                            "name": "postgres", "image": "postgres:15",
                            "ports": [{"containerPort": 5432, "name": "postgredb"}],
                            "envFrom": [{"configMapRef": {"name": "postgres-config"}}, {"secretRef": {"name": "postgres-secret"}}],
                            "env": [{"name": "PGDATA", "value": "/var/lib/postgresql/data/pgdata"}],
                            "readinessProbe": {"exec": {"command": ["sh", "-c", "pg_isready -U \"$POSTGRES_USER\" -d \"$POSTGRES_DB\""]}, "periodSeconds": 10},
                            "livenessProbe": {"tcpSocket": {"port": 5432}, "initialDelaySeconds": 10, "periodSeconds": 10},
                            "volumeMounts": [{"name": "postgredb-volume", "mountPath": "/var/lib/postgresql/data"}]
                        }]
                    }
                },
                "volumeClaimTemplates": [{"metadata": {"name": "postgredb-volume"}, "spec": claim}]
            }
        })
    };
    let pod = json!({
        "apiVersion": "v1", "kind": "Pod",
        "metadata": {"name": "client", "namespace": "postgres"},
        "spec": {"containers": [{"name": "psql", "image": "postgres:15", "command": ["sleep", "infinity"],
                                 "resources": {"limits": {"cpu": "500m", "memory": "256Mi"}}}]}
    });
    let cases = [
        ("apps", "Deployment", deployment),
        ("apps", "StatefulSet", stateful_set("postgres", None)),
        (
            "apps",
            "StatefulSet",
            stateful_set("postgres-cloud", Some("do-block-storage")),
        ),
        ("", "Pod", pod),
    ];
    for (group, kind, mut obj) in cases {
        crate::defaults::apply_on_create(group, kind, &mut obj, "2025-01-01T00:00:00Z").unwrap();
        assert_eq!(
            lines(&validate_create(info(group, "v1", kind), &obj)),
            Vec::<String>::new(),
            "{kind}: {obj}"
        );
    }
}

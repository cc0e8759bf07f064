//! The patches kubectl computes (§11 of the specification), applied to the live objects they
//! were computed against.

use super::tests::{Case, run};

#[test]
fn kubectl_patches() {
    assert_eq!(KUBECTL.len(), 15);
    run(KUBECTL);
}

const KUBECTL: &[Case] = &[
    Case {
        id: "K01",
        about: "apply: change an image, rename an env var; live has extra items",
        group: "apps",
        kind: "Deployment",
        original: r#"{"metadata":{"annotations":{"kubectl.kubernetes.io/last-applied-configuration":"<old>"}},"spec":{"replicas":1,"template":{"spec":{"containers":[{"name":"app","image":"app:1","imagePullPolicy":"IfNotPresent","env":[{"name":"A","value":"1"},{"name":"B","value":"2"},{"name":"INJ","value":"x"}]},{"name":"sidecar","image":"s:1"}]}}}}"#,
        patch: r#"{"metadata":{"annotations":{"kubectl.kubernetes.io/last-applied-configuration":"<new>"}},"spec":{"template":{"spec":{"$setElementOrder/containers":[{"name":"app"}],"containers":[{"$setElementOrder/env":[{"name":"A"},{"name":"C"}],"env":[{"name":"C","value":"3"},{"$patch":"delete","name":"B"}],"image":"app:2","name":"app"}]}}}}"#,
        want: Ok(
            r#"{"metadata":{"annotations":{"kubectl.kubernetes.io/last-applied-configuration":"<new>"}},"spec":{"replicas":1,"template":{"spec":{"containers":[{"env":[{"name":"A","value":"1"},{"name":"INJ","value":"x"},{"name":"C","value":"3"}],"image":"app:2","imagePullPolicy":"IfNotPresent","name":"app"},{"image":"s:1","name":"sidecar"}]}}}}"#,
        ),
    },
    Case {
        id: "K02",
        about: "apply: a label removed from the manifest",
        group: "",
        kind: "ConfigMap",
        original: r#"{"metadata":{"name":"cfg","labels":{"app":"web","tier":"fe","owner":"ops"}},"data":{"a":"1"}}"#,
        patch: r#"{"metadata":{"labels":{"tier":null}}}"#,
        want: Ok(
            r#"{"data":{"a":"1"},"metadata":{"labels":{"app":"web","owner":"ops"},"name":"cfg"}}"#,
        ),
    },
    Case {
        id: "K03",
        about: "apply: primitive merge list (finalizers)",
        group: "",
        kind: "ConfigMap",
        original: r#"{"metadata":{"finalizers":["a","b","x"]}}"#,
        patch: r#"{"metadata":{"$deleteFromPrimitiveList/finalizers":["b"],"$setElementOrder/finalizers":["a","c"],"finalizers":["c"]}}"#,
        want: Ok(r#"{"metadata":{"finalizers":["a","c","x"]}}"#),
    },
    Case {
        id: "K04",
        about: "apply: Deployment strategy RollingUpdate → Recreate",
        group: "apps",
        kind: "Deployment",
        original: r#"{"spec":{"strategy":{"type":"RollingUpdate","rollingUpdate":{"maxSurge":1,"maxUnavailable":"25%"}}}}"#,
        patch: r#"{"spec":{"strategy":{"$retainKeys":["type"],"rollingUpdate":null,"type":"Recreate"}}}"#,
        want: Ok(r#"{"spec":{"strategy":{"type":"Recreate"}}}"#),
    },
    Case {
        id: "K05",
        about: "apply: strategy set for the first time over server defaults",
        group: "apps",
        kind: "Deployment",
        original: r#"{"spec":{"replicas":1,"strategy":{"type":"RollingUpdate","rollingUpdate":{"maxSurge":"25%","maxUnavailable":"25%"}}}}"#,
        patch: r#"{"spec":{"strategy":{"$retainKeys":["type"],"type":"Recreate"}}}"#,
        want: Ok(r#"{"spec":{"replicas":1,"strategy":{"type":"Recreate"}}}"#),
    },
    Case {
        id: "K06",
        about: "apply: volume source emptyDir → configMap",
        group: "apps",
        kind: "Deployment",
        original: r#"{"spec":{"template":{"spec":{"volumes":[{"name":"v","emptyDir":{}}]}}}}"#,
        patch: r#"{"spec":{"template":{"spec":{"$setElementOrder/volumes":[{"name":"v"}],"volumes":[{"$retainKeys":["configMap","name"],"configMap":{"name":"cfg"},"emptyDir":null,"name":"v"}]}}}}"#,
        want: Ok(
            r#"{"spec":{"template":{"spec":{"volumes":[{"configMap":{"name":"cfg"},"name":"v"}]}}}}"#,
        ),
    },
    Case {
        id: "K07",
        about: "apply: list without strategy (args) is sent whole",
        group: "apps",
        kind: "Deployment",
        original: r#"{"spec":{"template":{"spec":{"containers":[{"name":"app","args":["--a","--b"],"image":"x"}]}}}}"#,
        patch: r#"{"spec":{"template":{"spec":{"$setElementOrder/containers":[{"name":"app"}],"containers":[{"args":["--a","--c"],"name":"app"}]}}}}"#,
        want: Ok(
            r#"{"spec":{"template":{"spec":{"containers":[{"args":["--a","--c"],"image":"x","name":"app"}]}}}}"#,
        ),
    },
    Case {
        id: "K08",
        about: "apply: nothing changed",
        group: "",
        kind: "ConfigMap",
        original: r#"{"data":{"a":"1"},"metadata":{"resourceVersion":"5"}}"#,
        patch: r#"{}"#,
        want: Ok(r#"{"data":{"a":"1"},"metadata":{"resourceVersion":"5"}}"#),
    },
    Case {
        id: "K09",
        about: "apply: a container removed and the rest reordered",
        group: "apps",
        kind: "Deployment",
        original: r#"{"spec":{"template":{"spec":{"containers":[{"name":"a","image":"a"},{"name":"b","image":"b"},{"name":"c","image":"c"}]}}}}"#,
        patch: r#"{"spec":{"template":{"spec":{"$setElementOrder/containers":[{"name":"c"},{"name":"a"}],"containers":[{"$patch":"delete","name":"b"}]}}}}"#,
        want: Ok(
            r#"{"spec":{"template":{"spec":{"containers":[{"image":"c","name":"c"},{"image":"a","name":"a"}]}}}}"#,
        ),
    },
    Case {
        id: "K10",
        about: "apply to an object without last-applied",
        group: "",
        kind: "ConfigMap",
        original: r#"{"metadata":{"name":"cfg","labels":{"app":"web","extra":"1"}},"data":{"a":"1","b":"2"}}"#,
        patch: r#"{"data":{"a":"2"}}"#,
        want: Ok(
            r#"{"data":{"a":"2","b":"2"},"metadata":{"labels":{"app":"web","extra":"1"},"name":"cfg"}}"#,
        ),
    },
    Case {
        id: "K11",
        about: "two-way (kubectl set image)",
        group: "apps",
        kind: "Deployment",
        original: r#"{"spec":{"template":{"spec":{"containers":[{"name":"a","image":"a:1"},{"name":"b","image":"b:1"}]}}}}"#,
        patch: r#"{"spec":{"template":{"spec":{"$setElementOrder/containers":[{"name":"a"},{"name":"b"}],"containers":[{"image":"a:2","name":"a"}]}}}}"#,
        want: Ok(
            r#"{"spec":{"template":{"spec":{"containers":[{"image":"a:2","name":"a"},{"image":"b:1","name":"b"}]}}}}"#,
        ),
    },
    Case {
        id: "K12",
        about: "two-way (kubectl edit: drop an env var and a label)",
        group: "apps",
        kind: "Deployment",
        original: r#"{"metadata":{"labels":{"a":"1","b":"2"}},"spec":{"template":{"spec":{"containers":[{"name":"a","env":[{"name":"X","value":"1"},{"name":"Y","value":"2"}]}]}}}}"#,
        patch: r#"{"metadata":{"labels":{"b":null}},"spec":{"template":{"spec":{"$setElementOrder/containers":[{"name":"a"}],"containers":[{"$setElementOrder/env":[{"name":"Y"}],"env":[{"$patch":"delete","name":"X"}],"name":"a"}]}}}}"#,
        want: Ok(
            r#"{"metadata":{"labels":{"a":"1"}},"spec":{"template":{"spec":{"containers":[{"env":[{"name":"Y","value":"2"}],"name":"a"}]}}}}"#,
        ),
    },
    Case {
        id: "K13",
        about: "two-way (kubectl taint: atomic list)",
        group: "",
        kind: "Node",
        original: r#"{"spec":{"taints":[{"key":"k1","effect":"NoSchedule"}]}}"#,
        patch: r#"{"spec":{"taints":[{"effect":"NoSchedule","key":"k1"},{"effect":"NoExecute","key":"k2"}]}}"#,
        want: Ok(
            r#"{"spec":{"taints":[{"effect":"NoSchedule","key":"k1"},{"effect":"NoExecute","key":"k2"}]}}"#,
        ),
    },
    Case {
        id: "K14",
        about: "apply when the live list has an extra (server-added) item",
        group: "apps",
        kind: "Deployment",
        original: r#"{"spec":{"template":{"spec":{"containers":[{"name":"sidecar","image":"s"},{"name":"app","image":"a"}]}}}}"#,
        patch: r#"{"spec":{"template":{"spec":{"$setElementOrder/containers":[{"name":"app"}]}}}}"#,
        want: Ok(
            r#"{"spec":{"template":{"spec":{"containers":[{"image":"s","name":"sidecar"},{"image":"a","name":"app"}]}}}}"#,
        ),
    },
    Case {
        id: "K15",
        about: "apply: a field removed from a list item",
        group: "apps",
        kind: "Deployment",
        original: r#"{"spec":{"template":{"spec":{"containers":[{"name":"app","image":"a","args":["1"],"imagePullPolicy":"Always"}]}}}}"#,
        patch: r#"{"spec":{"template":{"spec":{"$setElementOrder/containers":[{"name":"app"}],"containers":[{"args":null,"name":"app"}]}}}}"#,
        want: Ok(
            r#"{"spec":{"template":{"spec":{"containers":[{"image":"a","imagePullPolicy":"Always","name":"app"}]}}}}"#,
        ),
    },
];

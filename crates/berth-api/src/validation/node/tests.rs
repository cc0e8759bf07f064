//! Node validation (§2.11), with messages and paths as a 1.33 apiserver reports them.

use serde_json::{Value, json};

use super::{validate, validate_update};
use crate::registry::{Registry, ResourceInfo};
use crate::validation::FieldError;

fn info() -> &'static ResourceInfo {
    Registry.by_kind("", "v1", "Node").unwrap()
}

fn lines(errs: &[FieldError]) -> Vec<String> {
    errs.iter().map(ToString::to_string).collect()
}

fn strs(v: &[&str]) -> Vec<String> {
    v.iter().map(|s| (*s).to_owned()).collect()
}

fn node(spec: Value, status: Value) -> Value {
    let mut obj = json!({"apiVersion": "v1", "kind": "Node",
                         "metadata": {"name": "node-1", "uid": "n1", "resourceVersion": "4"}});
    obj["spec"] = spec;
    obj["status"] = status;
    obj
}

fn capacity(cpu: &str) -> Value {
    json!({"capacity": {"cpu": cpu, "memory": "8Gi", "pods": "110"},
           "allocatable": {"cpu": cpu, "memory": "8Gi", "pods": "110"}})
}

#[test]
fn node_create_rules() {
    let cases: Vec<(&str, Value, Vec<String>)> = vec![
        (
            "valid",
            node(
                json!({"podCIDRs": ["10.244.0.0/24", "fd00:10:244::/64"], "providerID": "berth://node-1",
                       "taints": [{"key": "dedicated", "value": "db", "effect": "NoSchedule"}]}),
                capacity("4"),
            ),
            vec![],
        ),
        (
            "unknown taint effect",
            node(
                json!({"taints": [{"key": "k", "effect": "NoRun"}]}),
                json!({}),
            ),
            strs(&[
                r#"metadata.taints[0].effect: Unsupported value: "NoRun": supported values: "NoSchedule", "PreferNoSchedule", "NoExecute""#,
            ]),
        ),
        (
            "taint without effect",
            node(json!({"taints": [{"key": "k"}]}), json!({})),
            strs(&["metadata.taints[0].effect: Required value"]),
        ),
        (
            "duplicate taint",
            node(
                json!({"taints": [{"key": "k", "effect": "NoSchedule"}, {"key": "k", "value": "v", "effect": "NoSchedule"}]}),
                json!({}),
            ),
            strs(&[
                r#"metadata.taints[1]: Duplicate value: core.Taint{Key:"k", Value:"v", Effect:"NoSchedule", TimeAdded:(*v1.Time)(nil)}: taints must be unique by key and effect pair"#,
            ]),
        ),
        (
            "negative capacity",
            node(json!({}), capacity("-1")),
            strs(&[
                r#"status.capacity.cpu: Invalid value: "-1": must be greater than or equal to 0"#,
                r#"status.allocatable.cpu: Invalid value: "-1": must be greater than or equal to 0"#,
            ]),
        ),
        (
            "fractional extended resource",
            node(json!({}), json!({"capacity": {"example.com/gpu": "1500m"}})),
            strs(&[
                r#"status.capacity.example.com/gpu: Invalid value: "1500m": must be an integer"#,
            ]),
        ),
        (
            "two IPv4 pod CIDRs",
            node(
                json!({"podCIDRs": ["10.0.0.0/24", "10.0.1.0/24"]}),
                json!({}),
            ),
            strs(&[
                r#"spec.podCIDRs: Invalid value: []string{"10.0.0.0/24", "10.0.1.0/24"}: may specify no more than one CIDR for each IP family"#,
            ]),
        ),
        (
            "bad pod CIDR",
            node(json!({"podCIDRs": ["10.0.0.0/33"]}), json!({})),
            strs(&[
                r#"spec.podCIDRs[0]: Invalid value: "10.0.0.0/33": must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)"#,
            ]),
        ),
        (
            "zero swap capacity",
            node(json!({}), json!({"nodeInfo": {"swap": {"capacity": 0}}})),
            strs(&[
                "metadata.nodeSwapStatus.capacity: Invalid value: 0: must be greater than zero",
            ]),
        ),
    ];
    for (what, obj, want) in cases {
        assert_eq!(lines(&validate(info(), &obj)), want, "{what}");
    }
}

#[test]
fn node_update_rules() {
    let old = node(
        json!({"podCIDRs": ["10.244.0.0/24"], "providerID": "berth://node-1"}),
        capacity("4"),
    );
    let cases: Vec<(&str, Value, Vec<String>)> = vec![
        (
            "status and schedulability change",
            node(
                json!({"podCIDRs": ["10.244.0.0/24"], "providerID": "berth://node-1", "unschedulable": true}),
                capacity("8"),
            ),
            vec![],
        ),
        (
            "pod CIDR changed",
            node(
                json!({"podCIDRs": ["10.244.1.0/24"], "providerID": "berth://node-1"}),
                capacity("4"),
            ),
            strs(&[
                r#"spec.podCIDRs: Forbidden: node updates may not change podCIDR except from "" to valid"#,
            ]),
        ),
        (
            "provider ID changed",
            node(
                json!({"podCIDRs": ["10.244.0.0/24"], "providerID": "other://x"}),
                capacity("4"),
            ),
            strs(&[
                r#"spec.providerID: Forbidden: node updates may not change providerID except from "" to valid"#,
            ]),
        ),
        (
            "duplicate address",
            node(
                json!({"podCIDRs": ["10.244.0.0/24"], "providerID": "berth://node-1"}),
                json!({"addresses": [{"type": "InternalIP", "address": "10.0.0.5"}, {"type": "InternalIP", "address": "10.0.0.5"}]}),
            ),
            strs(&[
                r#"status.addresses[1]: Duplicate value: core.NodeAddress{Type:"InternalIP", Address:"10.0.0.5"}"#,
            ]),
        ),
        (
            "external ID changed",
            node(
                json!({"podCIDRs": ["10.244.0.0/24"], "providerID": "berth://node-1", "externalID": "x"}),
                capacity("4"),
            ),
            strs(&["spec.externalID: Forbidden: may not be updated"]),
        ),
    ];
    for (what, new, want) in cases {
        assert_eq!(lines(&validate_update(info(), &new, &old)), want, "{what}");
    }
    // A node without a pod CIDR may get one.
    let bare = node(json!({}), json!({}));
    let assigned = node(json!({"podCIDRs": ["10.244.2.0/24"]}), json!({}));
    assert_eq!(
        lines(&validate_update(info(), &assigned, &bare)),
        Vec::<String>::new()
    );
    // Resource errors are reported by both ValidateNode and ValidateNodeUpdate.
    let negative = node(
        json!({"podCIDRs": ["10.244.0.0/24"], "providerID": "berth://node-1"}),
        json!({"capacity": {"cpu": "-1"}}),
    );
    let line = r#"status.capacity.cpu: Invalid value: "-1": must be greater than or equal to 0"#;
    assert_eq!(
        lines(&validate_update(info(), &negative, &old)),
        strs(&[line, line])
    );
}

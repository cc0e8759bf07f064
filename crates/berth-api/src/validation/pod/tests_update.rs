//! Pod update validation (core-kinds §2.2.2 "Update"): what may change, and the exact
//! refusals for everything else.

use serde_json::{Value, json};

use super::test_fixtures::*;
use crate::validation::validate_update;

const FORBIDDEN_PREFIX: &str = "spec: Forbidden: pod updates may not change fields other than `spec.containers[*].image`,`spec.initContainers[*].image`,`spec.activeDeadlineSeconds`,`spec.tolerations` (only additions to existing tolerations),`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)\n";

fn with(base: &Value, edits: &[(&str, Value)]) -> Value {
    edited(base, edits)
}

/// Lines of the update errors, with the diff that follows upstream's first line cut off.
fn update_lines(new: &Value, old: &Value) -> Vec<String> {
    let errs = validate_update(info("", "v1", "Pod"), new, old);
    lines(&errs)
        .into_iter()
        .map(|l| match l.strip_prefix(FORBIDDEN_PREFIX) {
            Some(_) => FORBIDDEN_PREFIX.to_owned(),
            None => l,
        })
        .collect()
}

#[test]
fn allowed_and_forbidden_changes() {
    let old = pod();
    let tolerating = with(
        &old,
        &[(
            "/spec/tolerations",
            json!([{"key": "k", "operator": "Equal", "value": "v", "effect": "NoExecute", "tolerationSeconds": 60}]),
        )],
    );
    let deadline = with(&old, &[("/spec/activeDeadlineSeconds", json!(10))]);
    let negative_grace = with(&old, &[("/spec/terminationGracePeriodSeconds", json!(-1))]);
    let gated = with(&old, &[("/spec/schedulingGates", json!([{"name": "a"}]))]);
    let cases: Vec<(&str, Value, &Value, Vec<String>)> = vec![
        ("no change", old.clone(), &old, vec![]),
        ("image", with(&old, &[("/spec/containers/0/image", json!("nginx:1.28"))]), &old, vec![]),
        (
            "zero values equal absent ones",
            with(&old, &[("/spec/hostNetwork", json!(false)), ("/spec/containers/0/stdin", json!(false)), ("/spec/nodeSelector", json!({}))]),
            &old,
            vec![],
        ),
        (
            "added container",
            with(&old, &[("/spec/containers/1", container("extra"))]),
            &old,
            vec!["spec.containers: Forbidden: pod updates may not add or remove containers".into()],
        ),
        (
            "image with whitespace is reported by both checks",
            with(&old, &[("/spec/containers/0/image", json!("nginx "))]),
            &old,
            vec![
                "spec.containers[0].image: Invalid value: \"nginx \": must not have leading or trailing whitespace".into(),
                "spec.containers[0].image: Invalid value: \"nginx \": must not have leading or trailing whitespace".into(),
            ],
        ),
        ("restartPolicy", with(&old, &[("/spec/restartPolicy", json!("Never"))]), &old, vec![FORBIDDEN_PREFIX.into()]),
        ("grace period", with(&old, &[("/spec/terminationGracePeriodSeconds", json!(60))]), &old, vec![FORBIDDEN_PREFIX.into()]),
        ("negative grace period to 1", with(&old, &[("/spec/terminationGracePeriodSeconds", json!(1))]), &negative_grace, vec![]),
        ("deadline set", with(&old, &[("/spec/activeDeadlineSeconds", json!(30))]), &old, vec![]),
        ("deadline lowered", with(&old, &[("/spec/activeDeadlineSeconds", json!(5))]), &deadline, vec![]),
        (
            "deadline raised",
            with(&old, &[("/spec/activeDeadlineSeconds", json!(20))]),
            &deadline,
            vec!["spec.activeDeadlineSeconds: Invalid value: 20: must be less than or equal to previous value".into()],
        ),
        (
            "deadline removed",
            old.clone(),
            &deadline,
            vec!["spec.activeDeadlineSeconds: Invalid value: \"null\": must not update from a positive integer to nil value".into()],
        ),
        (
            "toleration added",
            with(&tolerating, &[("/spec/tolerations/1", json!({"operator": "Exists"}))]),
            &tolerating,
            vec![],
        ),
        (
            "tolerationSeconds changed",
            with(&tolerating, &[("/spec/tolerations/0/tolerationSeconds", json!(30))]),
            &tolerating,
            vec![],
        ),
        (
            "toleration modified",
            with(&tolerating, &[("/spec/tolerations/0/value", json!("w"))]),
            &tolerating,
            vec!["spec.tolerations: Forbidden: existing toleration can not be modified except its tolerationSeconds".into()],
        ),
        (
            "scheduling gate added",
            with(&gated, &[("/spec/schedulingGates/1", json!({"name": "b"}))]),
            &gated,
            vec!["spec.schedulingGates[1].name: Forbidden: only deletion is allowed, but found new scheduling gate 'b'".into()],
        ),
        ("scheduling gate removed", old.clone(), &gated, vec![]),
        (
            "gated pod may gain node selector entries",
            with(&gated, &[("/spec/nodeSelector", json!({"disk": "ssd"}))]),
            &gated,
            vec![],
        ),
        (
            "name is immutable",
            with(&old, &[("/metadata/name", json!("other"))]),
            &old,
            vec![
                "metadata.name: Invalid value: \"other\": field is immutable".into(),
                "metadata.name: Invalid value: \"other\": field is immutable".into(),
            ],
        ),
    ];
    for (name, new, old, want) in cases {
        assert_eq!(update_lines(&new, old), want, "case {name}");
    }
}

#[test]
fn forbidden_message_names_the_changed_field() {
    let old = pod();
    let new = with(&old, &[("/spec/restartPolicy", json!("Never"))]);
    let errs = validate_update(info("", "v1", "Pod"), &new, &old);
    assert_eq!(errs.len(), 1);
    assert_eq!(errs[0].reason(), "FieldValueForbidden");
    assert_eq!(errs[0].field, "spec");
    let diff = errs[0].detail.split_once('\n').unwrap().1;
    assert!(diff.contains("RestartPolicy: \"Always\""), "{diff}");
    assert!(diff.contains("RestartPolicy: \"Never\""), "{diff}");
}
